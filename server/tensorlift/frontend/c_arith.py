"""Smart constructors for Kernel expressions built by the C/C++ frontend.

They fold constants and drop identities (`x + 0`, `x * 1`) so that offsets computed for pointer walks and
push_back counters come out as the index a person would write (`i`, not `0 + (i - 0) * 1`). Integer folding uses
C's truncating division.
"""

from __future__ import annotations

from functools import lru_cache

from ..common import BinOp, DType, UnOp, promote
from ..kernel.nodes import Bin, Cast, Const, Expr, Unary

# Enum properties are slow in hot paths; membership in these sets is not.
FLOATS = frozenset({DType.F32, DType.F64})
INTS = frozenset(DType) - FLOATS - {DType.BOOL}
_BOOL_RESULT = frozenset(op for op in BinOp if op.is_comparison or op.is_logical)


# Dtype promotion is called for every operator; its inputs are a small finite set.
promoted = lru_cache(maxsize=None)(promote)


def const_int(value: int, dtype: DType = DType.I32) -> Const:
    return Const(value, dtype)


def int_value(e: Expr) -> int | None:
    """The value of an integer constant, else None."""
    if type(e) is Const and type(e.value) is int:  # exact types: bool is an int subclass
        return e.value
    return None


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _fold(op: BinOp, a: int, b: int) -> int | None:
    match op:
        case BinOp.ADD:
            return a + b
        case BinOp.SUB:
            return a - b
        case BinOp.MUL:
            return a * b
        case BinOp.DIV_TRUNC:
            return _trunc_div(a, b) if b != 0 else None
        case BinOp.MOD_TRUNC:
            return a - b * _trunc_div(a, b) if b != 0 else None
        case BinOp.MIN:
            return min(a, b)
        case BinOp.MAX:
            return max(a, b)
        case _:
            return None


def binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr:
    """`lhs op rhs` with the C result type; folds integer constants and arithmetic identities."""
    dtype = DType.BOOL if op in _BOOL_RESULT else promoted(lhs.dtype, rhs.dtype)
    if type(lhs) is not Const and type(rhs) is not Const:
        return Bin(op, lhs, rhs, dtype)
    a, b = int_value(lhs), int_value(rhs)
    if a is not None and b is not None and dtype in INTS:
        folded = _fold(op, a, b)
        if folded is not None:
            return Const(folded, dtype)
    if dtype in INTS:
        if op is BinOp.ADD and a == 0:
            return rhs
        if op in (BinOp.ADD, BinOp.SUB) and b == 0:
            return lhs
        if op is BinOp.MUL and a == 1:
            return rhs
        if op in (BinOp.MUL, BinOp.DIV_TRUNC) and b == 1:
            return lhs
        if op is BinOp.MUL and (a == 0 or b == 0):
            return Const(0, dtype)
        # (x + c1) - c2 and (x - c1) + c2 fold their constants: keeps `i + 1 - 1` from piling up.
        if b is not None and op in (BinOp.ADD, BinOp.SUB) and isinstance(lhs, Bin):
            inner = int_value(lhs.rhs)
            if inner is not None and lhs.op in (BinOp.ADD, BinOp.SUB):
                total = (inner if lhs.op is BinOp.ADD else -inner) + (b if op is BinOp.ADD else -b)
                return binary(BinOp.ADD if total >= 0 else BinOp.SUB, lhs.lhs, Const(abs(total), dtype))
        if b is not None and b < 0 and op in (BinOp.ADD, BinOp.SUB):
            flipped = BinOp.SUB if op is BinOp.ADD else BinOp.ADD
            return binary(flipped, lhs, Const(-b, rhs.dtype))  # `k + -1` reads as `k - 1`
        if op is BinOp.SUB and lhs == rhs:
            return Const(0, dtype)
    return Bin(op, lhs, rhs, dtype)


def add(a: Expr, b: Expr) -> Expr:
    return binary(BinOp.ADD, a, b)


def sub(a: Expr, b: Expr) -> Expr:
    return binary(BinOp.SUB, a, b)


def mul(a: Expr, b: Expr) -> Expr:
    return binary(BinOp.MUL, a, b)


def negate(e: Expr) -> Expr:
    if isinstance(e, Const) and not isinstance(e.value, bool):
        return Const(-e.value, e.dtype)
    return Unary(UnOp.NEG, e, e.dtype if e.dtype is not DType.BOOL else DType.I32)


def convert(e: Expr, dtype: DType) -> Expr:
    """The implicit conversion C applies on assignment, initialisation, argument passing and return."""
    if e.dtype is dtype:
        return e
    if isinstance(e, Const):
        value = e.value
        if dtype is DType.BOOL:
            return Const(bool(value), dtype)
        if dtype in FLOATS:
            return Const(float(value), dtype)
        if not isinstance(value, float):
            return Const(int(value), dtype)
    return Cast(e, dtype)


def truthy(e: Expr) -> Expr:
    """A condition as a BOOL: C tests scalars against zero."""
    if e.dtype is DType.BOOL:
        return e
    zero = Const(0.0, e.dtype) if e.dtype in FLOATS else Const(0, e.dtype)
    return Bin(BinOp.NE, e, zero, DType.BOOL)
