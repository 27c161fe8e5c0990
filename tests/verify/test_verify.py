"""`verify`: bounded first (it must pass), then inductive; never a success for a candidate that failed a check."""

from __future__ import annotations

from tensorlift.common import BinOp, DType
from tensorlift.options import LiftOptions
from tensorlift.results import Status
from tensorlift.semantics import NumericModel
from tensorlift.verify import check_certificate, verify

from . import cases


def test_correct_candidate_is_verified_with_an_inductive_certificate() -> None:
    case = cases.gemv()
    status, proof, reason = verify(case.unit, case.good, LiftOptions(bound=2), None)
    assert status is Status.VERIFIED and reason is None
    assert proof is not None and proof.method == "inductive" and proof.bound is None
    for said in NumericModel().assumptions:
        assert said in proof.assumptions
    assert proof.certificate is not None and check_certificate(proof.certificate, case.unit.source).ok


def test_bounded_mode_states_its_bound() -> None:
    case = cases.dot()
    status, proof, _ = verify(case.unit, case.good, LiftOptions(bound=3, proof="bounded"), None)
    assert status is Status.BOUNDED
    assert proof is not None and proof.method == "bounded" and proof.bound == 3
    assert proof.certificate is not None and "; bound: 3" in proof.certificate
    assert check_certificate(proof.certificate).ok


def test_mutant_is_not_lifted_with_a_counterexample() -> None:
    case = cases.gemm()
    status, proof, reason = verify(case.unit, case.mutants["doubled"], LiftOptions(bound=2), None)
    assert status is Status.NOT_LIFTED and proof is None
    assert reason is not None and "m=" in reason


def test_unit_assumptions_are_in_the_proof() -> None:
    case = cases.max_reduction()
    status, proof, _ = verify(case.unit, case.good, LiftOptions(bound=3), None)
    assert status is Status.VERIFIED and proof is not None
    assert any("n >= 1" in a for a in proof.assumptions)


def test_when_no_invariant_is_found_the_result_is_bounded_with_the_reason() -> None:
    # correct (IEEE addition commutes), but not the same operations in the same order, which is what the IEEE
    # inductive proof needs; so it stays bounded, saying why
    from .builders import prog, stmt, ta, tb, tdom, ti, ts

    case = cases.saxpy()
    i = ti("i")
    commuted = prog(stmt("y", (i,), (tdom("i", 0, ts("n")),),
                         tb(BinOp.ADD, ta("y", i), tb(BinOp.MUL, ts("alpha", DType.F64), ta("x", i)))))
    status, proof, reason = verify(case.unit, commuted, LiftOptions(bound=2, float_model="ieee"), None)
    assert status is Status.BOUNDED and proof is not None and proof.bound == 2
    assert reason is not None and "no inductive proof" in reason
    assert any("IEEE" in a for a in proof.assumptions)


def test_candidate_that_clobbers_an_input_is_rejected_though_outputs_agree() -> None:
    from .builders import prog, stmt, tc, tdom, ti, ts

    case = cases.dot()
    # the sum is right, but the program also zeroes `a`, which the loop only reads
    clobbering = prog(*case.good.statements, stmt("a", (ti("i"),), (tdom("i", 0, ts("n")),), tc(0.0)))
    status, proof, reason = verify(case.unit, clobbering, LiftOptions(bound=2), None)
    assert status is Status.NOT_LIFTED and proof is None
    assert reason is not None and "only reads" in reason
