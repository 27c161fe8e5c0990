"""`rules test`: each outcome is named, results are computed apart from printing them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from tensorlift.codegen import bundled_rules
from tensorlift.codegen.loader import read_packs
from tensorlift.codegen.rules_cli import CaseResult, SkipTarget, expected_path, report, run_example, summary
from tensorlift.codegen.rules_cli import test_packs as run_pack_tests

from .test_loader import GOOD_RULE, make_pack


def outcomes(results: list[CaseResult]) -> dict[str, str]:
    return {r.rule: r.outcome for r in results}


def test_bundled_pack_examples_all_match_or_skip_with_a_reason() -> None:
    results = run_pack_tests([bundled_rules()], trials=3)  # every target: a backend not installed is skipped
    assert results and all(r.outcome in ("matched", "skipped") for r in results), [
        (r.rule, r.outcome, r.detail) for r in results if r.outcome != "matched"]
    assert all(r.detail for r in results if r.outcome == "skipped")


def test_missing_then_update_then_matched_then_wrong(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, GOOD_RULE)
    assert outcomes(run_pack_tests([folder], targets=("numpy",))) == {"x.double": "missing"}
    assert outcomes(run_pack_tests([folder], targets=("numpy",), update=True)) == {"x.double": "matched"}
    packs, _ = read_packs([folder])
    path = expected_path(packs.rules_for("numpy")[0], 1)
    assert path == folder / "expected" / "x.double.py"
    assert "def kernel(a, n):\n    y = a[:n] * 2\n    return y\n" in path.read_text()
    path.write_text(path.read_text().replace("* 2", "* 3"))
    [wrong] = run_pack_tests([folder], targets=("numpy",))
    assert wrong.outcome == "wrong" and "differs" in wrong.detail


def test_rejected_diverged_and_error(tmp_path: Path) -> None:
    body = GOOD_RULE.replace('id = "x.double"', 'id = "x.wrong"').replace('emit = "{a} * 2"', 'emit = "{a} * 3"')
    body += '''
[[rule]]
id = "x.never"
pattern = "$y(i) = $a(i) * 5  for i in 0:$n"
emit = "{a} * 5"
[[rule.example]]
program = "y(i) = a(i) * 7  for i in 0:n"
inputs = { a = "i64[1]", n = "i64" }

[[rule]]
id = "x.broken"
pattern = "$y(i) = $a(i) * 9  for i in 0:$n"
emit = "{a} *"
[[rule.example]]
program = "y(i) = a(i) * 9  for i in 0:n"
inputs = { a = "i64[1]", n = "i64" }

[[rule]]
id = "x.unparsable"
pattern = "$y(i) = $a(i) * 11  for i in 0:$n"
emit = "{a} * 11"
[[rule.example]]
program = "y(i) = a(i) * * 11  for i in 0:n"
inputs = { a = "i64[1]", n = "i64" }
'''
    folder = make_pack(tmp_path, body)
    results = run_pack_tests([folder], targets=("numpy",), update=True)
    got = outcomes(results)
    assert got == {"x.wrong": "diverged", "x.never": "rejected", "x.broken": "error", "x.unparsable": "error"}
    assert summary(results) == {"rejected": 1, "diverged": 1, "error": 2}


def test_skipped_targets_name_the_reason() -> None:
    import pytest

    from tensorlift.codegen import Emitted, emit
    from tensorlift.codegen.runner import missing_backend

    from .helpers import build, packs
    from .programs import PROGRAMS

    unit, program, sig = build(PROGRAMS[0])
    emitted = emit(unit, program, "numpy", packs())
    assert isinstance(emitted, Emitted)
    with pytest.raises(SkipTarget, match="fortran is not a Python target"):
        run_example(unit, program, sig, emitted, "fortran", "kernel", 1, 0)
    assert missing_backend("numpy") is None


def test_report_prints_a_table_and_counts() -> None:
    results = [CaseResult("numpy.matmul", "numpy", 1, "matched"),
               CaseResult("torch.dot", "torch", 2, "skipped", "torch is not installed")]
    plain = io.StringIO()
    report(results, plain, color=False)
    assert "numpy.matmul" in plain.getvalue() and "torch is not installed" in plain.getvalue()
    assert plain.getvalue().strip().endswith("1 matched, 1 skipped")
    rich = io.StringIO()
    report(results, rich, color=True)
    assert "outcome" in rich.getvalue() and "skipped" in rich.getvalue()


def test_bundled_expected_files_are_real_code_files() -> None:
    expected = bundled_rules() / "core" / "expected"
    files = sorted(expected.iterdir())
    assert files and {f.suffix for f in files} == {".py", ".c"}
    for f in files:
        if f.suffix == ".py":
            compile(f.read_text(), str(f), "exec")
    assert shutil.which("gcc") is None or all("gemmini.h" in f.read_text() for f in files if f.suffix == ".c")
