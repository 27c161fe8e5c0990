"""The inductive prover proves correct candidates for every size and rejects every mutant."""

from __future__ import annotations

import pytest

from tensorlift.semantics import NumericModel
from tensorlift.verify import verify_inductive

from . import cases

CASES = [make() for make in cases.ALL]
MUTANTS = [(c, name, program) for c in CASES for name, program in c.mutants.items()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_correct_candidate_is_proved_for_every_size(case: cases.Case) -> None:
    result = verify_inductive(case.unit, case.good, model=NumericModel(), deadline=None)
    assert result.ok, result.reason
    assert result.method == "inductive" and result.bound is None
    assert any(c.expect == "unsat" for c in result.checks)
    assert any(c.expect == "sat" for c in result.checks)


@pytest.mark.parametrize(("case", "name", "program"), MUTANTS, ids=lambda x: x if isinstance(x, str) else "")
def test_mutant_is_rejected(case: cases.Case, name: str, program: object) -> None:
    result = verify_inductive(case.unit, program, model=NumericModel(), deadline=None)  # type: ignore[arg-type]
    assert not result.ok, f"{case.name}: mutant {name!r} was proved"
    assert result.reason


def test_invariants_name_the_loops_they_belong_to() -> None:
    case = cases.gemm()
    result = verify_inductive(case.unit, case.good, model=NumericModel(), deadline=None)
    assert result.ok, result.reason
    loops = {inv.split(":")[0] for inv in result.invariants if inv.startswith("loop")}
    assert loops == {"loop i", "loop i > loop j", "loop i > loop j > loop k"}


def test_wrap32_integer_division_is_proved_and_floor_mutant_rejected() -> None:
    case = cases.c_division()
    model = NumericModel(ints="wrap32")
    assert verify_inductive(case.unit, case.good, model=model, deadline=None).ok
    assert not verify_inductive(case.unit, case.mutants["flooring //"], model=model, deadline=None).ok


@pytest.mark.parametrize("make", [cases.saxpy, cases.dot], ids=["saxpy", "dot"])
def test_ieee_in_source_order_is_proved(make: object) -> None:
    case = make()  # type: ignore[operator]
    result = verify_inductive(case.unit, case.good, model=NumericModel(floats="ieee"), deadline=None)
    assert result.ok, result.reason


def test_unsupported_construct_declines_with_a_reason() -> None:
    from tensorlift.kernel import nodes as k

    from .builders import SPAN

    case = cases.saxpy()
    unit = case.unit
    broken = type(unit)(unit.id, unit.function, unit.language, unit.span,
                        (*unit.body, k.Unsupported("a while loop", SPAN)), unit.inputs, unit.outputs, unit.sizes)
    result = verify_inductive(broken, case.good, model=NumericModel(), deadline=None)
    assert not result.ok
    assert "while loop" in (result.reason or "")


def test_reversed_sum_is_proved_with_a_lemma_that_is_itself_proved() -> None:
    case = cases.reversed_dot()
    result = verify_inductive(case.unit, case.good, model=NumericModel(), deadline=None)
    assert result.ok, result.reason
    lemma_checks = [c for c in result.checks if c.name.startswith("lemma:")]
    assert {c.expect for c in lemma_checks} == {"sat", "unsat"}  # base and step, each with its sanity check
    assert len([c for c in lemma_checks if c.expect == "unsat"]) == 2


def test_reversed_sum_is_not_proved_under_ieee() -> None:
    # IEEE addition is not associative: summing from the top is a different result, and the lemma fails
    case = cases.reversed_dot()
    result = verify_inductive(case.unit, case.good, model=NumericModel(floats="ieee"), deadline=None)
    assert not result.ok
