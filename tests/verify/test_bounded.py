"""The bounded checker proves correct candidates at every size up to the bound and refutes mutants with a
counterexample that names the sizes and inputs."""

from __future__ import annotations

import re

import pytest

from tensorlift.semantics import NumericModel
from tensorlift.verify import refute_small, verify_bounded

from . import cases

CASES = [make() for make in cases.ALL]
MUTANTS = [(c, name, program) for c in CASES for name, program in c.mutants.items()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_correct_candidate_passes_every_size_up_to_the_bound(case: cases.Case) -> None:
    result = verify_bounded(case.unit, case.good, bound=3, model=NumericModel(), deadline=None)
    assert result.ok, (result.reason, result.counterexample)
    assert result.bound == 3
    assert all(c.expect in ("sat", "unsat") for c in result.checks)


@pytest.mark.parametrize(("case", "name", "program"), MUTANTS, ids=lambda x: x if isinstance(x, str) else "")
def test_mutant_is_refuted(case: cases.Case, name: str, program: object) -> None:
    result = verify_bounded(case.unit, program, bound=3, model=NumericModel(), deadline=None)  # type: ignore[arg-type]
    assert not result.ok, f"{case.name}: mutant {name!r} passed"
    assert result.counterexample and re.search(r"\bn=\d|m=\d", result.counterexample)
    assert "from the candidate" in result.counterexample or "candidate is undefined" in result.counterexample


def test_c_division_mutant_fails_on_a_negative_input() -> None:
    case = cases.c_division()
    result = verify_bounded(case.unit, case.mutants["flooring //"], bound=2, model=NumericModel(), deadline=None)
    assert not result.ok
    values = [int(v) for v in re.findall(r"a\[\d\]=(-?\d+)", result.counterexample or "")]
    assert values and min(values) < 0  # only negative odd dividends tell truncation from flooring


def test_wrap32_model_is_used() -> None:
    case = cases.python_division()
    model = NumericModel(ints="wrap32")
    assert verify_bounded(case.unit, case.good, bound=2, model=model, deadline=None).ok
    assert not verify_bounded(case.unit, case.mutants["truncating tdiv"], bound=2, model=model, deadline=None).ok


def test_refute_small_finds_the_doubled_matmul_at_size_one() -> None:
    case = cases.gemm()
    sizes = {"m": 1, "n": 1, "p": 1}
    assert refute_small(case.unit, case.good, sizes) is None
    counterexample = refute_small(case.unit, case.mutants["doubled"], sizes)
    assert counterexample is not None and "m=1" in counterexample


def test_cap_lowers_the_bound_it_reports() -> None:
    case = cases.gemm()  # three sizes: 4^3 assignments up to bound 3
    result = verify_bounded(case.unit, case.good, bound=3, model=NumericModel(), deadline=None, max_assignments=10)
    assert result.ok
    assert result.bound == 1  # 2^3 = 8 assignments cover bound 1; bound 2 needs 27


def test_contradictory_assumption_checks_nothing_and_fails() -> None:
    from tensorlift.common import BinOp

    from .builders import kb, kc, kv

    case = cases.dot()
    unit = case.unit
    never = type(unit)(unit.id, unit.function, unit.language, unit.span, unit.body, unit.inputs, unit.outputs,
                       unit.sizes, unit.source, None, (kb(BinOp.LT, kv("n"), kc(0)),))
    result = verify_bounded(never, case.mutants["+ for *"], bound=3, model=NumericModel(), deadline=None)
    assert not result.ok
    assert "no size assignment" in (result.reason or "")


def test_deadline_states_the_bound_actually_reached() -> None:
    import time

    case = cases.gemm()
    start = time.monotonic()
    # (0.5 s: gemm's 160 assignments up to size 4, the cap, now take about a second)
    result = verify_bounded(case.unit, case.good, bound=6, model=NumericModel(), deadline=start + 0.5)
    assert time.monotonic() - start < 10
    # stopped early: it says so, and states the bound every assignment of which it did check
    assert result.ok and result.bound is not None and 1 <= result.bound < 6
    assert "time" in (result.reason or "")


@pytest.mark.parametrize("make", [cases.gemm, cases.saxpy, cases.max_reduction], ids=lambda f: f.__name__)
def test_the_cached_kernel_run_serves_every_candidate_of_a_unit_alike(make: object) -> None:
    # the Kernel side of each assignment is computed once per unit and reused: a mutant checked right after the
    # correct candidate (and the correct one again after it) gets the same verdict as on a fresh run
    case = make()  # type: ignore[operator]
    model = NumericModel()
    first = verify_bounded(case.unit, case.good, bound=3, model=model, deadline=None)
    for program in case.mutants.values():
        assert not verify_bounded(case.unit, program, bound=3, model=model, deadline=None).ok
    again = verify_bounded(case.unit, case.good, bound=3, model=model, deadline=None)
    assert first.ok and again.ok and first.bound == again.bound == 3
    assert [c.smt2 for c in first.checks] == [c.smt2 for c in again.checks]


def test_a_bounded_certificate_whose_goals_simplified_away_still_replays() -> None:
    # on gemm every output equation simplifies to true, so no solver query refutes them; the certificate still
    # holds each full obligation, and replaying it with Z3 confirms every one
    from tensorlift.verify.certificate import build_certificate
    from tensorlift.verify.recheck import check_certificate

    case = cases.gemm()
    result = verify_bounded(case.unit, case.good, bound=2, model=NumericModel(), deadline=None)
    assert result.ok
    assert any("(assert (not" in c.smt2 for c in result.checks if c.expect == "unsat")
    report = check_certificate(build_certificate(case.unit, case.good, result))
    assert report.ok, report.message
