"""Loops with a counter (`count++`, `j++` as an output position) and stores at positions affine in the iteration
count but not in the loop variable (`coarse[i / 2]` with `i += 2`): proved for every size; wrong candidates not."""

from __future__ import annotations

import pytest

from tensorlift.common import BinOp, DType
from tensorlift.semantics import NumericModel
from tensorlift.tensir import nodes as t
from tensorlift.verify import verify_inductive

from .builders import (
    F64,
    I32,
    arr,
    assign,
    kadd,
    kb,
    kc,
    kld,
    kv,
    loop,
    out_arr,
    out_scal,
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
    tsum,
    unit,
)

n, i, j = kv("n"), kv("i"), kv("j")
tn, ii, kx = ts("n"), ti("i"), ti("k")
MODEL = NumericModel()


def _max0(e: t.Expr) -> t.Expr:
    return tb(BinOp.MAX, tc(0), e)


def mean_unit() -> object:
    """`sum = 0; count = 0; for (i...) { sum += x[i]; count++; }`"""
    body = (assign("sum", kc(0.0)), assign("count", kc(0), I32),
            loop("i", 0, n, assign("sum", kadd(kv("sum", F64), kld("x", i))),
                 assign("count", kadd(kv("count"), kc(1)), I32)))
    return unit(body, (arr("x"), scal("n")), (out_scal("sum"), out_scal("count", I32)))


def mean_program(count: t.Expr) -> t.Program:
    return prog(stmt("sum", (), (), tsum("k", 0, tn, ta("x", kx))), stmt("count", (), (), count, I32))


def test_a_counter_is_proved() -> None:
    # (n is a size, so non-negative: `n` alone would be right too)
    result = verify_inductive(mean_unit(), mean_program(_max0(tn)), model=MODEL, deadline=None)  # type: ignore[arg-type]
    assert result.ok, result.reason
    assert any("count == count0 + t * 1" in inv for inv in result.invariants), result.invariants


@pytest.mark.parametrize("count", [tb(BinOp.ADD, tn, tc(1)), tb(BinOp.MUL, tc(2), _max0(tn)),
                                   _max0(tb(BinOp.SUB, tn, tc(1)))], ids=["one more", "twice", "one less"])
def test_a_wrong_count_is_not_proved(count: t.Expr) -> None:
    result = verify_inductive(mean_unit(), mean_program(count), model=MODEL, deadline=None)  # type: ignore[arg-type]
    assert not result.ok


def decimate_unit(after: bool = False) -> object:
    """`j = 0; for (i = 0; i < n; i += 2) { out[j] = in[i]; j++; }` (or `j++` first and `out[j - 1]`)."""
    if after:
        body = (assign("j", kadd(j, kc(1)), I32), store("out", kb(BinOp.SUB, j, kc(1)), value=kld("in", i)))
    else:
        body = (store("out", j, value=kld("in", i)), assign("j", kadd(j, kc(1)), I32))
    return unit((assign("j", kc(0), I32), loop("i", 0, n, *body, step=2)),
                (arr("in"), arr("out"), scal("n")), (out_arr("out"),))


def decimate_program(read: t.Expr | None = None, hi: t.Expr | None = None) -> t.Program:
    half = t.Bin(BinOp.DIV_FLOOR, tb(BinOp.ADD, tn, tc(1)), tc(2), I32)
    at = ta("in", tb(BinOp.MUL, tc(2), ii)) if read is None else read
    return prog(stmt("out", (ii,), (tdom("i", 0, half if hi is None else hi),), at))


@pytest.mark.parametrize("after", [False, True], ids=["store then step", "step then store"])
def test_a_store_at_a_counter_is_proved(after: bool) -> None:
    result = verify_inductive(decimate_unit(after), decimate_program(), model=MODEL,  # type: ignore[arg-type]
                              deadline=None)
    assert result.ok, result.reason


@pytest.mark.parametrize("program", [
    decimate_program(read=ta("in", ii)),
    decimate_program(read=ta("in", tb(BinOp.ADD, tb(BinOp.MUL, tc(2), ii), tc(1)))),
    decimate_program(hi=t.Bin(BinOp.DIV_FLOOR, tn, tc(2), I32)),
], ids=["in(i)", "in(2i + 1)", "n // 2 outputs"])
def test_a_wrong_decimation_is_not_proved(program: t.Program) -> None:
    assert not verify_inductive(decimate_unit(), program, model=MODEL, deadline=None).ok  # type: ignore[arg-type]


def restrict_unit() -> object:
    """`for (i = 2; i < 2 * nc; i += 2) coarse[i / 2] = fine[i];`"""
    body = (loop("i", 2, kb(BinOp.MUL, kc(2), kv("nc")), store("coarse", kb(BinOp.DIV_TRUNC, i, kc(2)),
                                                                value=kld("fine", i)), step=2),)
    return unit(body, (arr("fine"), arr("coarse"), scal("nc")), (out_arr("coarse"),), sizes=("nc",))


def restrict_program(target: t.Expr, read: t.Expr) -> t.Program:
    hi = t.Bin(BinOp.DIV_FLOOR, tb(BinOp.SUB, tb(BinOp.MUL, tc(2), ts("nc")), tc(1)), tc(2), I32)
    return prog(stmt("coarse", (target,), (tdom("i", 0, hi),), ta("fine", read)))


TWO_I_2 = tb(BinOp.ADD, tb(BinOp.MUL, tc(2), ii), tc(2))


def test_a_store_at_half_the_loop_variable_is_proved() -> None:
    """The kernel's `i / 2` is affine in the iteration count; the candidate's `tdiv(2 * i + 2, 2)` is exactly
    `i + 1`."""
    program = restrict_program(t.Bin(BinOp.DIV_TRUNC, TWO_I_2, tc(2), I32), TWO_I_2)
    result = verify_inductive(restrict_unit(), program, model=MODEL, deadline=None)  # type: ignore[arg-type]
    assert result.ok, result.reason


def test_a_wrong_store_at_half_the_loop_variable_is_not_proved() -> None:
    program = restrict_program(t.Bin(BinOp.DIV_TRUNC, TWO_I_2, tc(2), I32), tb(BinOp.MUL, tc(2), ii))
    assert not verify_inductive(restrict_unit(), program, model=MODEL, deadline=None).ok  # type: ignore[arg-type]


def test_an_inexact_truncating_target_is_not_taken_for_affine() -> None:
    """`tdiv(2 * i + 1, 2)` is `i` only where `2 * i + 1 >= 0`; the translator must not read it as `i + tdiv(1, 2)`
    (it declines: no proof attempted)."""
    target = t.Bin(BinOp.DIV_TRUNC, tb(BinOp.ADD, tb(BinOp.MUL, tc(2), ii), tc(3)), tc(2), I32)
    program = restrict_program(target, TWO_I_2)
    result = verify_inductive(restrict_unit(), program, model=MODEL, deadline=None)  # type: ignore[arg-type]
    assert not result.ok and "not affine" in (result.reason or ""), result.reason


_ = DType
