"""Operator semantics: the concrete and the Z3 meaning of every operator agree, and both match the source
languages' definitions (C truncates integer division, Python floors), in both integer models."""

from __future__ import annotations

import math

import pytest
import z3
from hypothesis import given
from hypothesis import strategies as st

from tensorlift.common import BinOp, DType, UnOp
from tensorlift.semantics import (
    EvaluationError,
    NumericModel,
    Z3Semantics,
    concrete_binop,
    concrete_cast,
    concrete_unop,
)

INT_OPS = [op for op in BinOp if op is not BinOp.DIV_REAL and not op.is_logical]
small = st.integers(min_value=-50, max_value=50)
nonzero = small.filter(lambda v: v != 0)


def z3_value(term: z3.ExprRef, dtype: DType, model: NumericModel) -> int | bool:
    folded = z3.simplify(term)
    if z3.is_bool(folded):
        return z3.is_true(folded)
    if model.ints == "wrap32":
        return int(folded.as_signed_long())
    return int(folded.as_long())


@pytest.mark.parametrize("ints", ["ideal", "wrap32"])
@given(a=small, b=nonzero, op=st.sampled_from(INT_OPS))
def test_concrete_and_z3_agree_on_integers(ints: str, a: int, b: int, op: BinOp) -> None:
    model = NumericModel(ints=ints)  # type: ignore[arg-type]
    sem = Z3Semantics(model)
    result = DType.BOOL if op.is_comparison else DType.I32
    want = concrete_binop(op, a, b, result, model)
    got = z3_value(sem.binop(op, sem.const(a, DType.I32), sem.const(b, DType.I32), DType.I32, result), result, model)
    assert got == want


@given(a=small, b=nonzero)
def test_c_division_truncates_and_python_division_floors(a: int, b: int) -> None:
    model = NumericModel()
    c_quotient = concrete_binop(BinOp.DIV_TRUNC, a, b, DType.I32, model)
    c_remainder = concrete_binop(BinOp.MOD_TRUNC, a, b, DType.I32, model)
    assert c_quotient == int(a / b)  # C99: toward zero
    assert c_quotient * b + c_remainder == a and (c_remainder == 0 or (c_remainder > 0) == (a > 0))
    assert concrete_binop(BinOp.DIV_FLOOR, a, b, DType.I64, model) == math.floor(a / b)
    assert concrete_binop(BinOp.MOD_FLOOR, a, b, DType.I64, model) == a - b * math.floor(a / b)


def test_wrap32_wraps_and_ideal_does_not() -> None:
    big = 2**31 - 1
    assert concrete_binop(BinOp.ADD, big, 1, DType.I32, NumericModel(ints="wrap32")) == -(2**31)
    assert concrete_binop(BinOp.ADD, big, 1, DType.I32, NumericModel()) == 2**31
    sem = Z3Semantics(NumericModel(ints="wrap32"))
    term = sem.binop(BinOp.ADD, sem.const(big, DType.I32), sem.const(1, DType.I32), DType.I32, DType.I32)
    assert z3.simplify(term).as_signed_long() == -(2**31)


@pytest.mark.parametrize("op", [BinOp.DIV_TRUNC, BinOp.DIV_FLOOR, BinOp.MOD_TRUNC, BinOp.MOD_FLOOR, BinOp.DIV_REAL])
def test_division_by_zero_is_an_evaluation_error(op: BinOp) -> None:
    with pytest.raises(EvaluationError):
        concrete_binop(op, 3, 0, DType.I32, NumericModel())
    with pytest.raises(EvaluationError):
        concrete_binop(op, 3.0, 0.0, DType.F64, NumericModel())


@given(x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_float_to_int_truncates_like_c_and_python(x: float) -> None:
    model = NumericModel()
    assert concrete_cast(x, DType.I32, model) == int(x)
    sem = Z3Semantics(model)
    term = sem.convert(sem.const(x, DType.F64), DType.F64, DType.I32)
    assert z3.simplify(term).as_long() == int(x)


def test_negation_and_math_functions_are_shared_symbols() -> None:
    model = NumericModel()
    assert concrete_unop(UnOp.NEG, 3, DType.I32, model) == -3
    sem = Z3Semantics(model)
    x = sem.fresh("x", DType.F64)
    # the same uninterpreted sqrt on both sides of an equivalence, so sqrt(x) == sqrt(x) is provable
    solver = z3.Solver()
    solver.add(sem.call("sqrt", (x,), DType.F64) != sem.call("sqrt", (x,), DType.F64))
    assert solver.check() == z3.unsat
    # and abs is exact, not uninterpreted
    solver = z3.Solver()
    solver.add(sem.call("abs", (x,), DType.F64) < 0)
    assert solver.check() == z3.unsat


def test_every_model_states_its_assumptions() -> None:
    assert any("overflow" in a for a in NumericModel().assumptions)
    assert any("wrap" in a for a in NumericModel(ints="wrap32").assumptions)
    assert any("IEEE" in a for a in NumericModel(floats="ieee").assumptions)
    assert any("alias" in a for a in NumericModel().assumptions)
