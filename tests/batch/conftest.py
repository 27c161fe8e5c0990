"""Source trees and the real `tensorlift` command for the batch tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

DOT_C = """\
double dot(const double *a, const double *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
"""

SCALE_PY = """\
def scale(xs, k):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * k
    return out
"""

PREFIX_PY = """\
def running(xs):
    total = [0.0] * len(xs)
    total[0] = xs[0]
    for i in range(1, len(xs)):
        total[i] = total[i - 1] + xs[i]
    return total
"""

NO_LOOPS_PY = """\
class Config:
    name = "plain"


def greet(who):
    return f"hello {who}"
"""

Run = Callable[..., subprocess.CompletedProcess[str]]


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "server"), "XDG_CACHE_HOME": str(home)}


@pytest.fixture
def tensorlift(tmp_path: Path) -> Run:
    """The real command; the default cache lives under this test's tmp folder."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tensorlift", *args], capture_output=True, text=True, cwd=cwd,
                              env=env_for(tmp_path / "xdg"), timeout=600)

    return run


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """C, Python, a file without loops, nested folders, a skipped folder."""
    root = tmp_path / "tree"
    for path, text in {"kernels/dot.c": DOT_C, "kernels/py/scale.py": SCALE_PY, "kernels/py/prefix.py": PREFIX_PY,
                       "app/config.py": NO_LOOPS_PY, "build/ignored.py": SCALE_PY}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root
