"""`tensorlift bench DIR`: lifts a corpus with expected statuses and prints per-family figures, as a table or JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from test_lift_command import DOT_C, PREFIX_PY  # the same dot product and running sum

REPO = Path(__file__).resolve().parents[2]

EXPECTED = """\
["sums/dot.c"]
family = "sums"
units = [{ function = "dot", expect = "lifted" }]

["sums/prefix.py"]
family = "sums"
units = [{ function = "running", expect = "not-lifted" }]
"""

def corpus(root: Path) -> Path:
    (root / "sums").mkdir()
    (root / "sums" / "dot.c").write_text(DOT_C)
    (root / "sums" / "prefix.py").write_text(PREFIX_PY)
    (root / "expected.toml").write_text(EXPECTED)
    return root


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
    return subprocess.run([sys.executable, "-m", "tensorlift", "bench", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_json_figures_name_every_unit_with_its_status(tmp_path: Path) -> None:
    done = bench(str(corpus(tmp_path)), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    statuses = {u["function"]: (u["expected"], u["status"]) for u in report["units"]}
    assert statuses == {"dot": ("lifted", "verified"), "running": ("not-lifted", "not-lifted")}
    assert report["families"]["sums"]


def test_the_table_counts_lifted_units_against_the_expected(tmp_path: Path) -> None:
    done = bench(str(corpus(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "lifted 1 of 1 units expected to lift (100%)" in done.stdout, done.stdout
