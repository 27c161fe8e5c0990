"""Small Kernel-expression builders that fold the obvious constants (`i - 0` is `i`), and a free-variable walk.

Used where the frontend itself composes index arithmetic (append counters, trip counts, negative indices), so the
Kernel IR reads like the source rather than like its derivation."""

from __future__ import annotations

from ..common import BinOp, DType
from ..kernel import visit
from ..kernel.nodes import Bin, Cast, Const, Expr, Var

I64 = DType.I64


def const(value: int) -> Const:
    return Const(value, I64)


def _is(expr: Expr, value: int) -> bool:
    return isinstance(expr, Const) and expr.dtype is not DType.BOOL and expr.value == value


def add(a: Expr, b: Expr) -> Expr:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    if isinstance(a, Const) and isinstance(b, Const) and a.dtype is I64 and b.dtype is I64:
        return const(int(a.value) + int(b.value))
    if isinstance(b, Const) and b.dtype is I64 and int(b.value) < 0:
        return Bin(BinOp.SUB, a, const(-int(b.value)), I64)
    return Bin(BinOp.ADD, a, b, I64)


def sub(a: Expr, b: Expr) -> Expr:
    if _is(b, 0):
        return a
    if isinstance(a, Const) and isinstance(b, Const) and a.dtype is I64 and b.dtype is I64:
        return const(int(a.value) - int(b.value))
    return Bin(BinOp.SUB, a, b, I64)


def mul(a: Expr, b: Expr) -> Expr:
    if _is(a, 0) or _is(b, 0):
        return const(0)
    if _is(a, 1):
        return b
    if _is(b, 1):
        return a
    return Bin(BinOp.MUL, a, b, I64)


def floordiv(a: Expr, b: int) -> Expr:
    return a if b == 1 else Bin(BinOp.DIV_FLOOR, a, const(b), I64)


def trip_count(start: Expr, stop: Expr, step: int) -> Expr:
    """Iterations of `range(start, stop, step)`, assuming the range is not "negative" (stop >= start for a
    positive step), as the loop bounds of kernels are."""
    if step > 0:
        return floordiv(add(sub(stop, start), const(step - 1)), step)
    return floordiv(add(sub(start, stop), const(-step - 1)), -step)


def iteration(var: str, start: Expr, step: int) -> Expr:
    """Which iteration of `range(start, _, step)` the loop variable `var` is in, counted from zero."""
    index = sub(Var(var, I64), start)
    return floordiv(index, step) if step > 0 else floordiv(sub(start, Var(var, I64)), -step)


def free_vars(expr: Expr) -> frozenset[str]:
    """Scalar names an expression reads, and the arrays it loads or measures (so a binding that reads an array
    can be invalidated when the array is written)."""
    return visit.free_vars(expr) | visit.arrays_in(expr)


def coerce(value: Expr, dtype: DType) -> Expr:
    """`value` as `dtype`: constants are converted, other mismatches get an explicit Cast."""
    if value.dtype is dtype:
        return value
    if isinstance(value, Const):
        if dtype.is_float:
            return Const(float(value.value), dtype)
        if dtype.is_int and not value.dtype.is_float:
            return Const(int(value.value), dtype)
    return Cast(value, dtype)
