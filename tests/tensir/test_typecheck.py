"""`check` reports, as values, every way a program built without the parser is ill-formed."""

from __future__ import annotations

import pytest

from tensorlift.common import BinOp, DType, ReduceOp, UnOp
from tensorlift.tensir import Access, Bin, Const, Idx, Loop, Program, Reduce, Scalar, Statement, TensorType, parse
from tensorlift.tensir.typecheck import bin_dtype, call_dtype, check, literal_dtype, operand_dtype, unary_dtype

F64, F32, I32, I64 = DType.F64, DType.F32, DType.I32, DType.I64
ENV = {"x": TensorType(F64, 1), "y": TensorType(F64, 1), "n": TensorType(I32, 0)}
ZERO, N = Const(0, I32), Scalar("n", I32)


def test_parsed_programs_are_well_formed() -> None:
    program = parse("t(i) = x(i) + 1.0  for i in 0:n\ny(i) = sum(k in 0:i, t(k))  for i in 0:n\ns = y(0)", ENV)
    assert check(program, ENV) == ()


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        (Statement("y", (Idx("i"),), (Loop("i", ZERO, N),), Access("z", (Idx("i"),), F64), F64), "unknown tensor z"),
        (Statement("y", (Idx("i"),), (Loop("i", ZERO, N),), Access("x", (Idx("i"), Idx("i")), F64), F64),
         "accessed with 2 indices"),
        (Statement("y", (Idx("i"),), (Loop("i", ZERO, N),), Access("x", (Idx("j"),), F64), F64), "outside its scope"),
        (Statement("y", (Idx("i"),), (Loop("i", ZERO, N),), Access("x", (Idx("i"),), F32), F64),
         "has dtype f32, expected f64"),
        (Statement("y", (Idx("i"),), (Loop("i", ZERO, N),),
                   Bin(BinOp.ADD, Access("x", (Idx("i"),), F64), Const(1, I32), I32), F64), "expected f64"),
        (Statement("y", (Idx("i"),), (Loop("i", ZERO, N),), Const(1.0, F64), F32), "differs from the target's"),
        (Statement("t", (Idx("j"), Idx("i")), (Loop("i", ZERO, N), Loop("j", ZERO, N)), Const(1.0, F64), F64),
         "indices must be the domain variables (i, j) in order"),
        (Statement("t", (Idx("i"),), (Loop("i", Const(1, I32), N),), Const(1.0, F64), F64), "must start at 0"),
        (Statement("t", (Idx("i"), Idx("j")), (Loop("i", ZERO, N), Loop("j", ZERO, Idx("i"))), Const(1.0, F64),
                   F64), "must not depend"),
        (Statement("s", (), (), Reduce(ReduceOp.SUM, "k", ZERO, N,
                                       Reduce(ReduceOp.SUM, "k", ZERO, N, Access("x", (Idx("k"),), F64), F64), F64),
                   F64), "already bound"),
        (Statement("y", (Const(0.5, F64),), (), Const(1.0, F64), F64), "not an integer type"),
    ],
)
def test_ill_formed_statements_are_reported(statement: Statement, words: str) -> None:
    errors = check(Program((statement,)), ENV)
    assert errors, "expected an error"
    assert any(words in e.message for e in errors), [e.message for e in errors]
    assert all(e.line == 0 for e in errors)


def test_dtype_rules() -> None:
    assert literal_dtype(True) is DType.BOOL and literal_dtype(7) is I32 and literal_dtype(2**40) is I64
    assert literal_dtype(0.5) is F64
    assert operand_dtype(BinOp.DIV_REAL, I32, I32) is F64  # Python's `/` on ints
    assert operand_dtype(BinOp.AND, I32, F64) is DType.BOOL
    assert bin_dtype(BinOp.LT, F32, F64) is DType.BOOL
    assert bin_dtype(BinOp.ADD, F32, I32) is F32
    assert unary_dtype(UnOp.NEG, DType.I8) is I32  # C promotes before negating
    assert call_dtype("sqrt", (I32,)) is F64 and call_dtype("sqrt", (F32,)) is F32 and call_dtype("abs", (I64,)) is I64
