"""Terse constructors for hand-built Kernel IR in the kernel tests."""

from __future__ import annotations

from tensorlift.common import BinOp, DType, Language, Position, Span, promote
from tensorlift.kernel.nodes import (
    Alloc,
    Assign,
    Bin,
    Const,
    Expr,
    For,
    If,
    KernelFunction,
    LiftUnit,
    Load,
    Output,
    Param,
    Return,
    Stmt,
    Store,
    Var,
    VarRef,
)

I32, I64, F32, F64, BOOL = DType.I32, DType.I64, DType.F32, DType.F64, DType.BOOL


def span(line: int = 0, end_line: int | None = None, start_col: int = 0, end_col: int = 80) -> Span:
    return Span(Position(line, start_col), Position(line if end_line is None else end_line, end_col))


S = span()


def var(name: str, dtype: DType = I32) -> Var:
    return Var(name, dtype)


def const(value: int | float, dtype: DType | None = None) -> Const:
    return Const(value, dtype or (F64 if isinstance(value, float) else I32))


def bin_(op: BinOp, a: Expr, b: Expr) -> Bin:
    dtype = BOOL if op.is_comparison or op.is_logical else promote(a.dtype, b.dtype)
    return Bin(op, a, b, dtype)


def add(a: Expr, b: Expr) -> Bin:
    return bin_(BinOp.ADD, a, b)


def sub(a: Expr, b: Expr) -> Bin:
    return bin_(BinOp.SUB, a, b)


def mul(a: Expr, b: Expr) -> Bin:
    return bin_(BinOp.MUL, a, b)


def load(array: str, *indices: Expr, dtype: DType = F64) -> Load:
    return Load(array, indices, dtype)


def store(array: str, indices: tuple[Expr, ...], value: Expr, dtype: DType = F64, sp: Span = S) -> Assign:
    return Assign(Store(array, indices, dtype), value, sp)


def assign(name: str, value: Expr, dtype: DType | None = None, sp: Span = S) -> Assign:
    return Assign(VarRef(name, dtype or value.dtype), value, sp)


def loop(name: str, start: Expr | int, stop: Expr | int, *body: Stmt, step: int = 1, sp: Span = S) -> For:
    lo = const(start) if isinstance(start, int) else start
    hi = const(stop) if isinstance(stop, int) else stop
    return For(name, lo, hi, step, tuple(body), sp)


def if_(cond: Expr, then: tuple[Stmt, ...], else_: tuple[Stmt, ...] = (), sp: Span = S) -> If:
    return If(cond, then, else_, sp)


def alloc(array: str, shape: tuple[Expr, ...], dtype: DType = F64, init: Expr | None = None, sp: Span = S) -> Alloc:
    return Alloc(array, shape, dtype, init, sp)


def ret(value: Expr | None, sp: Span = S) -> Return:
    return Return(value, sp)


def array(name: str, dtype: DType = F64, rank: int = 1, **kw: object) -> Param:
    return Param(name, "array", dtype, rank, **kw)  # type: ignore[arg-type]


def scalar(name: str, dtype: DType = I32, **kw: object) -> Param:
    return Param(name, "scalar", dtype, **kw)  # type: ignore[arg-type]


def function(
    name: str,
    params: tuple[Param, ...],
    *body: Stmt,
    language: Language = Language.C,
    locals_: tuple[Param, ...] = (),
) -> KernelFunction:
    return KernelFunction(name, language, params, tuple(body), span(0, 100), locals_)


def unit(
    body: tuple[Stmt, ...],
    inputs: tuple[Param, ...],
    outputs: tuple[Output, ...],
    sizes: tuple[str, ...] = (),
    language: Language = Language.C,
    assumptions: tuple[Expr, ...] = (),
) -> LiftUnit:
    return LiftUnit("f:0", "f", language, span(0, 10), body, inputs, outputs, sizes, assumptions=assumptions)


def out_array(name: str, dtype: DType = F64, rank: int = 1, fresh: bool = False) -> Output:
    return Output(name, "array", dtype, rank, fresh)


def out_scalar(name: str, dtype: DType = F64) -> Output:
    return Output(name, "scalar", dtype)
