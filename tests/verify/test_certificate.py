"""Certificates replay with Z3, and any changed byte (an invariant, an assertion, the source) is caught and named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tensorlift.semantics import NumericModel
from tensorlift.verify import (
    build_certificate,
    check_certificate,
    check_certificate_file,
    verify_bounded,
    verify_inductive,
)

from . import cases


@pytest.fixture(scope="module")
def inductive_certificate() -> tuple[str, str]:
    case = cases.gemv()
    result = verify_inductive(case.unit, case.good, model=NumericModel(), deadline=None)
    assert result.ok, result.reason
    return build_certificate(case.unit, case.good, result), case.unit.source


def _change_byte(text: str, anchor: str, after: int = 0) -> str:
    at = text.index(anchor) + after
    replacement = "7" if text[at] != "7" else "8"
    return text[:at] + replacement + text[at + 1:]


def test_fresh_inductive_certificate_passes(inductive_certificate: tuple[str, str]) -> None:
    text, source = inductive_certificate
    report = check_certificate(text, source)
    assert report.ok, report.message
    assert report.checks > 3 and report.message.startswith("ok")
    assert "; expect: unsat" in text and "; expect: sat" in text
    assert "(define-funs-rec" in text  # reductions are definitions, not axioms
    assert "declare-fun sum" not in text


def test_fresh_bounded_certificate_passes(tmp_path: Path) -> None:
    case = cases.dot()
    result = verify_bounded(case.unit, case.good, bound=2, model=NumericModel(), deadline=None)
    text = build_certificate(case.unit, case.good, result)
    path = tmp_path / "dot.smt2"
    path.write_text(text, "utf-8")
    report = check_certificate_file(path)
    assert report.ok, report.message
    assert "; method: bounded" in text and "; bound: 2" in text


def test_header_names_source_tensir_assumptions_and_z3(inductive_certificate: tuple[str, str]) -> None:
    text, _ = inductive_certificate
    header = text.split("; end of header")[0]
    assert "; source-sha256: " in header and "; z3: " in header
    assert "y(i) = sum(j in 0:n, A(i, j) * x(j))" in header
    assert "integers are mathematical integers" in header
    assert "; section invariants" in header and "loop i > loop j" in header


def test_changed_invariant_byte_fails(inductive_certificate: tuple[str, str]) -> None:
    text, _ = inductive_certificate
    changed = text.replace("after t iterations", "after t iterationz", 1)
    report = check_certificate(changed)
    assert not report.ok and report.failed == "section invariants", report.message


def test_changed_assertion_byte_fails(inductive_certificate: tuple[str, str]) -> None:
    text, _ = inductive_certificate
    body_start = text.index("; end of header")
    at = text.index("(assert", body_start)
    changed = text[:at] + text[at:].replace("(assert (>= ", "(assert (<= ", 1)
    assert changed != text
    report = check_certificate(changed)
    assert not report.ok and report.failed is not None and report.failed.startswith("check "), report.message


def test_changed_source_byte_fails(inductive_certificate: tuple[str, str]) -> None:
    text, source = inductive_certificate
    line = ";| " + source.splitlines()[0]
    changed = _change_byte(text, line, 4)
    report = check_certificate(changed)
    assert not report.ok and report.failed == "section source", report.message


def test_changed_checksum_fails(inductive_certificate: tuple[str, str]) -> None:
    text, _ = inductive_certificate
    changed = _change_byte(text, "; checksum-sha256: ", len("; checksum-sha256: "))
    report = check_certificate(changed)
    assert not report.ok and report.failed == "checksum"


def test_source_that_changed_since_the_proof_fails(inductive_certificate: tuple[str, str]) -> None:
    text, source = inductive_certificate
    assert check_certificate(text, f"// file\n{source}\n// end\n").ok
    assert "+=" in source
    report = check_certificate(text, source.replace("+=", "-="))
    assert not report.ok and report.failed == "source"


def test_not_a_certificate() -> None:
    report = check_certificate("(check-sat)\n")
    assert not report.ok and report.failed == "format"


def test_check_proof_command_accepts_a_fresh_certificate_and_rejects_a_changed_one(tmp_path: Path) -> None:
    import subprocess
    import sys

    case = cases.saxpy()
    result = verify_inductive(case.unit, case.good, model=NumericModel(), deadline=None)
    text = build_certificate(case.unit, case.good, result)
    good, bad = tmp_path / "good.smt2", tmp_path / "bad.smt2"
    good.write_text(text, "utf-8")
    assert "(assert (>= " in text
    bad.write_text(text.replace("(assert (>= ", "(assert (<= ", 1), "utf-8")
    command = [sys.executable, "-c", "from tensorlift.cli import main; raise SystemExit(main())", "check-proof"]
    ok = subprocess.run([*command, str(good)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ok:" in ok.stdout
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    assert "FAILED (check" in failed.stdout
