"""In-range and definedness obligations of the inductive proof (design §6: out-of-range accesses and division by
zero are the source's preconditions, stated, never assumed away).

Arrays are total in the proof's model, so a candidate that reads past the source's accesses can still compute
equal values (`0 * x(n)` is `0`); these tests pin that such a candidate is refused while in-range ones are proved.
"""

from __future__ import annotations

import pytest
import z3

from tensorlift.common import BinOp
from tensorlift.kernel import nodes as k
from tensorlift.semantics import NumericModel
from tensorlift.tensir import nodes as t
from tensorlift.verify import verify_bounded, verify_inductive
from tensorlift.verify.candidate import CandidateModel
from tensorlift.verify.certificate import build_certificate
from tensorlift.verify.kernel_vc import KernelProver
from tensorlift.verify.ranges import source_ranges
from tensorlift.verify.recheck import check_certificate
from tensorlift.verify.solving import Checker
from tensorlift.verify.symbols import Symbols, proof_semantics

from . import cases
from .builders import (
    F64,
    I32,
    SPAN,
    arr,
    kadd,
    kb,
    kc,
    kif,
    kld,
    kmul,
    kv,
    loop,
    out_arr,
    prog,
    scal,
    stmt,
    store,
    ta,
    tb,
    tc,
    tdom,
    ti,
    ts,
    unit,
)

MODEL = NumericModel()
n, i = kv("n"), kv("i")
tn, ii, kx = ts("n"), ti("i"), ti("k")
ZERO = tc(0.0)


def _add(a: t.Expr, b: t.Expr) -> t.Bin:
    return tb(BinOp.ADD, a, b)


def _plus(e: t.Expr, c: int) -> t.Bin:
    return tb(BinOp.ADD, e, tc(c)) if c >= 0 else tb(BinOp.SUB, e, tc(-c))


def _prove(u: k.LiftUnit, program: t.Program) -> tuple[bool, str]:
    result = verify_inductive(u, program, model=MODEL, deadline=None)
    return result.ok, result.reason or ""


def _threshold() -> k.LiftUnit:
    """`y[i] = x[i] > t ? x[i] : 0` for i in 0:n (benchmarks' select_noise, without the noise)."""
    cond = kb(BinOp.GT, kld("x", i), kv("t", F64))
    body = (loop("i", 0, n, store("y", i, value=k.Select(cond, kld("x", i), kc(0.0), F64))),)
    return unit(body, (arr("x"), arr("y"), scal("t", F64), scal("n")), (out_arr("y"),))


def _threshold_candidate(zero: t.Expr) -> t.Program:
    cond = tb(BinOp.GT, ta("x", ii), ts("t", F64))
    return prog(stmt("y", (ii,), (tdom("i", 0, tn),), t.Select(cond, ta("x", ii), zero, F64)))


def test_a_read_past_the_source_is_refused_though_its_value_does_not_matter() -> None:
    u = _threshold()
    # 0 * x(i + 1) is 0 for every value of x(n): equal outputs, but x(n) is outside what the source reads
    outside = _threshold_candidate(tb(BinOp.MUL, ZERO, ta("x", _plus(ii, 1))))
    ok, reason = _prove(u, outside)
    assert not ok
    assert "x(i + 1)" in reason and "range" in reason
    # the same candidate reading x(i) instead is proved: the refusal is about the range, not the values
    inside = _threshold_candidate(tb(BinOp.MUL, ZERO, ta("x", ii)))
    assert _prove(u, inside) == (True, "")
    # the bounded verifier refuses it too (x has n elements at every size it tries)
    assert not verify_bounded(u, outside, bound=2, model=MODEL, deadline=None).ok


def test_a_read_below_zero_is_refused() -> None:
    u = _threshold()
    below = _threshold_candidate(tb(BinOp.MUL, ZERO, ta("x", _plus(ii, -1))))
    ok, reason = _prove(u, below)
    assert not ok and "x(i - 1)" in reason


@pytest.mark.parametrize("make", [cases.dot, cases.stencil, cases.gemm, cases.reversed_copy, cases.gemv,
                                  cases.softmax_pieces], ids=lambda f: f.__name__)
def test_in_range_candidates_are_still_proved_and_their_range_checks_are_in_the_certificate(make: object) -> None:
    case = make()  # type: ignore[operator]
    result = verify_inductive(case.unit, case.good, model=MODEL, deadline=None)
    assert result.ok, result.reason
    names = [c.name for c in result.checks]
    within = [name for name in names if " within " in name]
    assert within, names
    # each obligation is preceded by its own satisfiable premises (non-vacuity), as every other check
    assert any(name.endswith("premises are satisfiable") for name in within)
    assert any(not name.endswith("premises are satisfiable") for name in within)
    assert check_certificate(build_certificate(case.unit, case.good, result)).ok


def test_stencil_reading_one_past_its_neighbours_is_refused() -> None:
    case = cases.stencil()  # out[i] = 0.5 * (a[i-1] + a[i] + a[i+1]) for i in 1:n-1
    value = case.good.statements[0].value
    wider = prog(stmt("out", (ii,), case.good.statements[0].domain,
                      _add(value, tb(BinOp.MUL, ZERO, ta("a", _plus(ii, 2))))))
    ok, reason = _prove(case.unit, wider)
    assert not ok and "a(i + 2)" in reason


def _strided() -> k.LiftUnit:
    """`y[i] = x[2 * i]` for i in 0:n: the source reads x at 0, 2, ..., 2n - 2."""
    body = (loop("i", 0, n, store("y", i, value=kld("x", kmul(kc(2), i)))),)
    return unit(body, (arr("x"), arr("y"), scal("n")), (out_arr("y"),))


def test_strided_read_is_proved_and_one_past_its_last_element_refused() -> None:
    u = _strided()
    twice = tb(BinOp.MUL, tc(2), ii)
    good = prog(stmt("y", (ii,), (tdom("i", 0, tn),), ta("x", twice)))
    assert _prove(u, good) == (True, "")
    # x(2i + 1) is at most 2n - 1, one past the source's last element 2n - 2
    noise = tb(BinOp.MUL, ZERO, ta("x", _plus(twice, 1)))
    odd = prog(stmt("y", (ii,), (tdom("i", 0, tn),), _add(ta("x", twice), noise)))
    ok, reason = _prove(u, odd)
    assert not ok and "range" in reason


def test_counter_indexed_store_gives_the_range_of_its_array() -> None:
    # out[j] = in[i]; j++ for i in 0:n step 2: out is written at 0 .. trips - 1
    body = (k.Assign(k.VarRef("j", I32), kc(0), SPAN),
            loop("i", 0, n, store("out", kv("j"), value=kld("inp", i)),
                 k.Assign(k.VarRef("j", I32), kadd(kv("j"), kc(1)), SPAN), step=2))
    u = unit(body, (arr("inp"), arr("out"), scal("n")), (out_arr("out"),))
    syms = Symbols(proof_semantics(MODEL), ("n",))
    ranges = source_ranges(u, syms, KernelProver(syms, CandidateModel(), Checker()))
    at = z3.Int("probe_at")
    nn = syms.int_scalar("n")
    trips = (nn + 1) / 2
    inside = ranges.inside("out", [at])
    # every position below the number of iterations is inside, the next one is not
    assert _valid(z3.Implies(z3.And(nn >= 0, at >= 0, at < trips), inside))
    assert _valid(z3.Implies(z3.And(nn >= 0, at == trips), z3.Not(inside)))


def _valid(claim: z3.BoolRef) -> bool:
    solver = z3.Solver()
    solver.add(z3.Not(claim))
    return solver.check() == z3.unsat


def test_a_write_past_the_source_is_refused_though_it_stores_the_same_value() -> None:
    case = cases.saxpy()  # y[i] = alpha * x[i] + y[i] for i in 0:n
    # a second statement that writes y(n) with its own value: the outputs are equal, the write is out of range
    extra = stmt("y", (ii,), (tdom("i", tn, _plus(tn, 1)),), ta("y", ii))
    ok, reason = _prove(case.unit, prog(*case.good.statements, extra))
    assert not ok and "y(i)" in reason and "range" in reason


def _divide(divisor: k.Expr) -> k.LiftUnit:
    body = (loop("i", 0, n, store("y", i, value=kb(BinOp.DIV_REAL, kld("x", i), divisor))),)
    return unit(body, (arr("x"), arr("w"), arr("y"), scal("alpha", F64), scal("n")), (out_arr("y"),))


def _div(a: t.Expr, b: t.Expr) -> t.Bin:
    return tb(BinOp.DIV_REAL, a, b)


def test_a_division_the_source_makes_is_proved() -> None:
    by_w = _divide(kld("w", i))
    assert _prove(by_w, prog(stmt("y", (ii,), (tdom("i", 0, tn),), _div(ta("x", ii), ta("w", ii))))) == (True, "")
    by_alpha = _divide(kv("alpha", F64))
    candidate = prog(stmt("y", (ii,), (tdom("i", 0, tn),), _div(ta("x", ii), ts("alpha", F64))))
    assert _prove(by_alpha, candidate) == (True, "")


def test_a_division_the_source_does_not_make_is_refused() -> None:
    # the source divides by alpha only; the candidate's 0 * (1 / w(i)) is 0 whatever w is, but w(i) may be zero
    u = _divide(kv("alpha", F64))
    body = (loop("i", 0, n, store("y", i, value=kadd(kb(BinOp.DIV_REAL, kld("x", i), kv("alpha", F64)),
                                                         kmul(kc(0.0), kld("w", i))))),)
    u = unit(body, u.inputs, u.outputs)
    quotient = _div(ta("x", ii), ts("alpha", F64))
    safe = _add(quotient, tb(BinOp.MUL, ZERO, ta("w", ii)))
    assert _prove(u, prog(stmt("y", (ii,), (tdom("i", 0, tn),), safe))) == (True, "")
    unsafe = _add(quotient, tb(BinOp.MUL, ZERO, _div(tc(1.0), ta("w", ii))))
    ok, reason = _prove(u, prog(stmt("y", (ii,), (tdom("i", 0, tn),), unsafe)))
    assert not ok and "divides by w(i)" in reason


def test_select_branches_count_as_evaluated_in_the_candidate() -> None:
    # out[i] = i > 0 ? a[i-1] : 0 reads a(-1) nowhere, but np.where evaluates a(i - 1) at i = 0 too
    cond = kb(BinOp.GT, i, kc(0))
    body = (loop("i", 0, n, store("out", i, value=k.Select(cond, kld("a", kadd(i, kc(-1))), kc(0.0), F64))),)
    u = unit(body, (arr("a"), arr("out"), scal("n")), (out_arr("out"),))
    eager = t.Select(tb(BinOp.GT, ii, tc(0)), ta("a", _plus(ii, -1)), ZERO, F64)
    ok, reason = _prove(u, prog(stmt("out", (ii,), (tdom("i", 0, tn),), eager)))
    assert not ok and "a(i - 1)" in reason


def test_an_array_read_under_a_data_dependent_condition_is_a_stated_assumption() -> None:
    cond = kb(BinOp.GT, kld("c", i), kc(0.0))
    body = (loop("i", 0, n, kif(cond, (store("out", i, value=kld("a", i)),), (store("out", i, value=kld("b", i)),))),)
    u = unit(body, (arr("a"), arr("b"), arr("c"), arr("out"), scal("n")), (out_arr("out"),))
    value = t.Select(tb(BinOp.GT, ta("c", ii), ZERO), ta("a", ii), ta("b", ii), F64)
    result = verify_inductive(u, prog(stmt("out", (ii,), (tdom("i", 0, tn),), value)), model=MODEL, deadline=None)
    assert result.ok, result.reason
    stated = [s for s in result.assumptions if "data-dependent" in s]
    assert any(s.startswith("a ") for s in stated) and any(s.startswith("b ") for s in stated)
    assert not any(s.startswith("out ") for s in stated)  # written on both branches: no assumption needed


def test_a_write_past_the_extents_of_a_tensor_the_candidate_creates_is_refused() -> None:
    u = _strided()  # y[i] = x[2 * i] for i in 0:n
    twice = tb(BinOp.MUL, tc(2), ii)
    tmp = stmt("tmp", (ii,), (tdom("i", 0, tn),), ta("x", twice))
    out = stmt("y", (ii,), (tdom("i", 0, tn),), ta("tmp", ii))
    assert _prove(u, prog(tmp, out)) == (True, "")
    # tmp has n elements; writing tmp(n) changes no output, but is outside the tensor
    past = stmt("tmp", (ii,), (tdom("i", tn, _plus(tn, 1)),), ZERO)
    ok, reason = _prove(u, prog(tmp, past, out))
    assert not ok and "writes tmp" in reason and "extents of tmp" in reason
    # and reading past it likewise
    shifted = stmt("y", (ii,), (tdom("i", 0, tn),), _add(ta("tmp", ii), tb(BinOp.MUL, ZERO, ta("tmp", _plus(ii, 1)))))
    ok, reason = _prove(u, prog(tmp, shifted))
    assert not ok and "tmp(i + 1)" in reason


def test_the_product_falls_back_to_bounded_with_the_reason_when_a_range_is_not_established() -> None:
    from tensorlift.options import LiftOptions
    from tensorlift.results import Status
    from tensorlift.verify import verify

    # out[i] = i > 0 ? a[i-1] : 0: the bounded run decides the condition at each concrete i and never reads
    # a(-1); for every size, the eager candidate's a(i - 1) at i = 0 is outside the source's range
    cond = kb(BinOp.GT, i, kc(0))
    body = (loop("i", 0, n, store("out", i, value=k.Select(cond, kld("a", kadd(i, kc(-1))), kc(0.0), F64))),)
    u = unit(body, (arr("a"), arr("out"), scal("n")), (out_arr("out"),))
    eager = t.Select(tb(BinOp.GT, ii, tc(0)), ta("a", _plus(ii, -1)), ZERO, F64)
    status, proof, reason = verify(u, prog(stmt("out", (ii,), (tdom("i", 0, tn),), eager)), LiftOptions(bound=2), None)
    assert status is Status.BOUNDED and proof is not None and proof.method == "bounded"
    assert reason is not None and "a(i - 1)" in reason and "no inductive proof" in reason
