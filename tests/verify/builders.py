"""Small constructors for hand-built Kernel IR units and TensIR candidates, so tests read like the code they
stand for. Dtypes follow the operands (C's usual conversions)."""

from __future__ import annotations

from tensorlift.common import BinOp, DType, Language, Position, ReduceOp, Span, promote
from tensorlift.kernel import nodes as k
from tensorlift.tensir import nodes as t

SPAN = Span(Position(0, 0), Position(0, 1))
I32, I64, F64, BOOL = DType.I32, DType.I64, DType.F64, DType.BOOL

# ------------------------------------------------------------------------------------------------ Kernel IR


def kv(name: str, dtype: DType = I32) -> k.Var:
    return k.Var(name, dtype)


def kc(value: int | float, dtype: DType | None = None) -> k.Const:
    return k.Const(value, dtype or (F64 if isinstance(value, float) else I32))


def kld(array: str, *indices: k.Expr, dtype: DType = F64) -> k.Load:
    return k.Load(array, indices, dtype)


def kb(op: BinOp, lhs: k.Expr, rhs: k.Expr) -> k.Bin:
    dtype = BOOL if op.is_comparison or op.is_logical else promote(lhs.dtype, rhs.dtype)
    return k.Bin(op, lhs, rhs, dtype)


def kadd(a: k.Expr, b: k.Expr) -> k.Bin:
    return kb(BinOp.ADD, a, b)


def ksub(a: k.Expr, b: k.Expr) -> k.Bin:
    return kb(BinOp.SUB, a, b)


def kmul(a: k.Expr, b: k.Expr) -> k.Bin:
    return kb(BinOp.MUL, a, b)


def store(array: str, *indices: k.Expr, value: k.Expr, dtype: DType = F64) -> k.Assign:
    return k.Assign(k.Store(array, indices, dtype), value, SPAN)


def assign(name: str, value: k.Expr, dtype: DType = F64) -> k.Assign:
    return k.Assign(k.VarRef(name, dtype), value, SPAN)


def loop(var: str, start: k.Expr | int, stop: k.Expr | int, *body: k.Stmt, step: int = 1) -> k.For:
    lo = kc(start) if isinstance(start, int) else start
    hi = kc(stop) if isinstance(stop, int) else stop
    return k.For(var, lo, hi, step, body, SPAN)


def kif(cond: k.Expr, then: tuple[k.Stmt, ...], else_: tuple[k.Stmt, ...] = ()) -> k.If:
    return k.If(cond, then, else_, SPAN)


def alloc(array: str, *shape: k.Expr, dtype: DType = F64, init: k.Expr | None = None) -> k.Alloc:
    return k.Alloc(array, shape, dtype, init, SPAN)


def arr(name: str, rank: int = 1, dtype: DType = F64) -> k.Param:
    return k.Param(name, "array", dtype, rank)


def scal(name: str, dtype: DType = I32) -> k.Param:
    return k.Param(name, "scalar", dtype)


def out_arr(name: str, rank: int = 1, dtype: DType = F64, fresh: bool = False) -> k.Output:
    return k.Output(name, "array", dtype, rank, fresh)


def out_scal(name: str, dtype: DType = F64) -> k.Output:
    return k.Output(name, "scalar", dtype, 0, True)


def unit(body: tuple[k.Stmt, ...], inputs: tuple[k.Param, ...], outputs: tuple[k.Output, ...],
         sizes: tuple[str, ...] = ("n",), language: Language = Language.C, source: str = "/* kernel */",
         assumptions: tuple[k.Expr, ...] = ()) -> k.LiftUnit:
    return k.LiftUnit("u0", "f", language, SPAN, body, inputs, outputs, sizes, source, None, assumptions)


# ------------------------------------------------------------------------------------------------- TensIR


def ti(name: str) -> t.Idx:
    return t.Idx(name)


def ts(name: str, dtype: DType = I32) -> t.Scalar:
    return t.Scalar(name, dtype)


def tc(value: int | float, dtype: DType | None = None) -> t.Const:
    return t.Const(value, dtype or (F64 if isinstance(value, float) else I32))


def ta(tensor: str, *indices: t.Expr, dtype: DType = F64) -> t.Access:
    return t.Access(tensor, indices, dtype)


def tb(op: BinOp, lhs: t.Expr, rhs: t.Expr) -> t.Bin:
    dtype = BOOL if op.is_comparison or op.is_logical else promote(lhs.dtype, rhs.dtype)
    return t.Bin(op, lhs, rhs, dtype)


def tsum(var: str, lo: t.Expr | int, hi: t.Expr | int, body: t.Expr, op: ReduceOp = ReduceOp.SUM) -> t.Reduce:
    lo_e = tc(lo) if isinstance(lo, int) else lo
    hi_e = tc(hi) if isinstance(hi, int) else hi
    return t.Reduce(op, var, lo_e, hi_e, body, body.dtype)


def tdom(var: str, lo: t.Expr | int, hi: t.Expr | int) -> t.Loop:
    return t.Loop(var, tc(lo) if isinstance(lo, int) else lo, tc(hi) if isinstance(hi, int) else hi)


def stmt(target: str, indices: tuple[t.Expr, ...], domain: tuple[t.Loop, ...], value: t.Expr,
         dtype: DType = F64) -> t.Statement:
    return t.Statement(target, indices, domain, value, dtype)


def prog(*statements: t.Statement) -> t.Program:
    return t.Program(statements)
