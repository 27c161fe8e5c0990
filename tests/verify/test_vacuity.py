"""Never vacuous: a contradictory assumption or definition makes the proof fail, however wrong the candidate."""

from __future__ import annotations

import z3

from tensorlift.common import BinOp
from tensorlift.semantics import NumericModel
from tensorlift.verify import verify_inductive
from tensorlift.verify.certificate import build_certificate
from tensorlift.verify.recheck import check_certificate
from tensorlift.verify.result import Check, VerifyResult
from tensorlift.verify.solving import Checker, Definition, Obligation

from . import cases
from .builders import kb, kc, kv


def test_contradictory_unit_assumption_is_reported_not_used() -> None:
    case = cases.gemm()
    unit = case.unit
    # sizes are non-negative, so `m < 0` contradicts them: anything would follow from it
    never = type(unit)(unit.id, unit.function, unit.language, unit.span, unit.body, unit.inputs, unit.outputs,
                       unit.sizes, unit.source, None, (kb(BinOp.LT, kv("m"), kc(0)),))
    result = verify_inductive(never, case.mutants["doubled"], model=NumericModel(), deadline=None)
    assert not result.ok
    assert "contradictory" in (result.reason or "")


def test_contradictory_premise_does_not_prove_a_doubled_matmul() -> None:
    case = cases.gemm()
    bogus = (z3.Int("m") > 2, z3.Int("m") < 1)
    result = verify_inductive(case.unit, case.mutants["doubled"], model=NumericModel(), deadline=None,
                              extra_premises=bogus)
    assert not result.ok
    assert "refusing a vacuous proof" in (result.reason or "")
    # without the bogus premises the same mutant fails on its own merits
    honest = verify_inductive(case.unit, case.mutants["doubled"], model=NumericModel(), deadline=None)
    assert not honest.ok and "vacuous" not in (honest.reason or "")


def test_contradictory_recursive_definition_is_caught() -> None:
    # f(x) = f(x) + 1 has no model: a checker that only looked for `unsat` would prove 1 == 2 from it
    f = z3.RecFunction("bad_definition_for_test", z3.IntSort(), z3.IntSort())
    x = z3.Int("x_bad")
    z3.RecAddDefinition(f, [x], f(x) + 1)
    bad = Definition(f, (x,), f(x) + 1)
    premises = (z3.Int("use_bad") == f(z3.Int("arg_bad")), bad.instance())
    naive = z3.Solver()
    naive.add(*premises, z3.IntVal(1) != z3.IntVal(2))
    assert naive.check() == z3.unsat  # what a checker that only looks for `unsat` would take as a proof of 1 == 2
    # the sanity check includes every definition's equation, as `verify_inductive` does for its reductions
    outcome = Checker(timeout_ms=3000).discharge(Obligation("uses a bad definition", premises,
                                                            z3.IntVal(1) == z3.IntVal(2)))
    assert not outcome.ok
    assert "premises are" in (outcome.reason or "")


def _sealed(checks: tuple[Check, ...]) -> str:
    """A certificate with valid hashes around hand-made checks, as a forger who knows the format would make."""
    case = cases.dot()
    result = VerifyResult(True, "inductive", None, None, None, ("made up",), checks, ("made up",))
    return build_certificate(case.unit, case.good, result)


def test_recheck_rejects_an_unsat_without_its_satisfiable_premises() -> None:
    report = check_certificate(_sealed((Check("anything", "unsat", "(assert false)"),)))
    assert not report.ok and report.failed == "check 1"
    assert "vacuous" in report.message


def test_recheck_rejects_contradictory_premises_claimed_sat() -> None:
    checks = (Check("premises", "sat", "(declare-fun n () Int)\n(assert (< n 0))\n(assert (> n 0))"),
              Check("goal", "unsat", "(declare-fun n () Int)\n(assert (< n 0))\n(assert (> n 0))\n(assert true)"))
    report = check_certificate(_sealed(checks))
    assert not report.ok and report.failed == "check 1"
    assert "expected sat" in report.message


def test_recheck_rejects_an_obligation_with_premises_other_than_those_checked() -> None:
    checks = (Check("premises", "sat", "(declare-fun n () Int)\n(assert (> n 0))"),
              Check("goal", "unsat", "(declare-fun n () Int)\n(assert (> n 0))\n(assert (< n 0))\n(assert true)"))
    report = check_certificate(_sealed(checks))
    assert not report.ok and report.failed == "check 2"


def test_premises_text_is_the_obligation_without_its_negated_goal() -> None:
    # both texts of an obligation come from one serialisation; the replay compares their assertions exactly
    n = z3.Int("n_text")
    outcome = Checker(timeout_ms=3000).discharge(Obligation("texts", (n > 0, n < 10), n * 2 > n))
    assert outcome.ok
    sanity, proof = outcome.checks
    assert sanity.expect == "sat" and proof.expect == "unsat"
    assert proof.smt2.startswith(sanity.smt2)
    assert proof.smt2[len(sanity.smt2):].startswith("(assert (not")
    assert sanity.smt2.count("(assert") == 2
