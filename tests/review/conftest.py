"""A real git repository with a history that adds, changes, renames and removes kernels, for `tensorlift review`.

main:    c/dot.c (a dot product), py/mixed.py (a scale loop and a loop-free helper), py/old.py, py/moved.py,
         .gitignore (ignores py/ignored.py)
feature: py/old.py deleted; py/moved.py renamed to py/renamed.py with its loop changed; py/prefix.py (a loop-carried
         prefix sum, not liftable) and data/blob.c (binary) added; py/mixed.py changes only the helper;
         c/dot.c's loop changed in the work tree (not committed); py/extra.py untracked; py/ignored.py ignored.

Touched units, then: c/dot.c dot, py/renamed.py double_all, py/prefix.py running, py/extra.py triple.
"""

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

MIXED_PY = """\
def scale(xs, k):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * k
    return out


def label():
    return "scaled"
"""

OLD_PY = """\
def negate(xs):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = -xs[i]
    return out
"""

MOVED_PY = """\
def double_all(xs):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * 2.0
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

EXTRA_PY = """\
def triple(xs):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * 3.0
    return out
"""

Run = Callable[..., subprocess.CompletedProcess[str]]


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def write(root: Path, path: str, text: str | bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text)


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Reviewer")
    git(root, "config", "user.email", "reviewer@example.com")
    git(root, "config", "commit.gpgsign", "false")
    for path, text in {"c/dot.c": DOT_C, "py/mixed.py": MIXED_PY, "py/old.py": OLD_PY, "py/moved.py": MOVED_PY,
                       ".gitignore": "py/ignored.py\n"}.items():
        write(root, path, text)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "kernels")
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "rm", "-q", "py/old.py")
    git(root, "mv", "py/moved.py", "py/renamed.py")
    write(root, "py/renamed.py", MOVED_PY.replace("xs[i] * 2.0", "2.0 * xs[i]"))
    write(root, "py/prefix.py", PREFIX_PY)
    write(root, "data/blob.c", b"int x;\0\0\0binary\0for (;;) {}\n")
    write(root, "py/mixed.py", MIXED_PY.replace('"scaled"', '"scaled by k"'))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "feature work")
    write(root, "c/dot.c", DOT_C.replace("s += a[i] * b[i];", "s += b[i] * a[i];"))  # uncommitted
    write(root, "py/extra.py", EXTRA_PY)  # untracked
    write(root, "py/ignored.py", EXTRA_PY.replace("triple", "ignored"))  # ignored
    return root


@pytest.fixture(scope="session")
def review_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("review") / "repo")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def tensorlift(cache_dir: Path) -> Run:
    """The real command in a subprocess, with a cache of its own (so the formats share lifts)."""

    def run(*args: str, cwd: Path | None = None, cache: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(REPO / "server"), "XDG_CACHE_HOME": str(cache_dir / "xdg")}
        extra = ("--cache-dir", str(cache_dir / "results")) if cache and args[:1] == ("review",) else ()
        return subprocess.run([sys.executable, "-m", "tensorlift", *args, *extra], capture_output=True, text=True,
                              cwd=cwd, env=env, timeout=600)

    return run
