"""Vectorised evaluation of TensIR expressions on examples, for the enumerator's inner loop.

The reference TensIR interpreter (`tensir.interp`) runs one element at a time over object arrays: exact, and the
judge of every candidate (`search.check.agrees`). The enumerator needs something else: the value of a *subterm*
at every point of its index space, on every example, in microseconds, to prune subterms that are equal on the
examples (observational equivalence) and to compare a finished statement with the loop's outputs. This module is
that evaluator; it is a filter, never a verdict.

An index space (`Frame`) gives every index variable of a sketch (domain variables, then reduction variables) its
own numpy axis. A value (`Ev`) is an array that broadcasts over those axes plus an `ok` mask: where `ok` is false
the value is undefined (an index out of range, a division by zero, `max` over an empty range). A reduction over
`k` reduces along `k`'s axis, with the elements outside `k`'s range (which may depend on outer variables:
triangles) replaced by the identity.

Numbers are float64, int64 and bool arrays: the `real` float model (f32 values are not rounded) and, in the
`wrap32` integer model, integers wrapped to their dtype's width after each operation.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, assert_never

import numpy as np

from ..common import BinOp, DType, ReduceOp, UnOp
from ..semantics import NumericModel
from ..tensir import nodes as T
from ..tensir.typecheck import operand_dtype

Number = int | float | bool


@dataclass(frozen=True, slots=True)
class Ev:
    """A value over an index space: `data` where `ok`, undefined elsewhere."""

    data: np.ndarray
    ok: np.ndarray | None  # None: defined everywhere

    def defined(self) -> np.ndarray:
        return np.ones((), dtype=np.bool_) if self.ok is None else self.ok


def both(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """The conjunction of two definedness masks (None is everywhere)."""
    if a is None:
        return b
    if b is None:
        return a
    return a & b


class Undefined(Exception):
    """An expression that has no value at some point of its space on some example."""


@dataclass
class Frame:
    """One example seen through one sketch's index space."""

    tensors: dict[str, np.ndarray]
    scalars: dict[str, Number]
    axis: dict[str, int]
    ndim: int
    grids: dict[str, np.ndarray]
    inrange: dict[str, np.ndarray]
    model: NumericModel

    def shape_of(self, variables: Sequence[str]) -> tuple[int, ...]:
        shape = [1] * self.ndim
        for v in variables:
            shape[self.axis[v]] = self.grids[v].shape[self.axis[v]]
        return tuple(shape)


def np_dtype(dtype: DType) -> type:
    if dtype is DType.BOOL:
        return np.bool_
    return np.float64 if dtype.is_float else np.int64


def typed_array(value: Any, dtype: DType) -> np.ndarray:
    """An example's value (object array or list) as a typed numpy array."""
    data = np.asarray(value, dtype=object)
    if data.size == 0:
        return np.zeros(data.shape, dtype=np_dtype(dtype))
    return data.astype(np_dtype(dtype))


def make_frame(tensors: Mapping[str, np.ndarray], scalars: Mapping[str, Number], variables: Sequence[tuple[str, T.Expr,
               T.Expr]], model: NumericModel) -> Frame:
    """A frame whose variables are `(name, lo, hi)` in binding order (a range may use the variables before it).
    Raises `Undefined` when a range cannot be evaluated."""
    frame = Frame(dict(tensors), dict(scalars), {v: n for n, (v, _, _) in enumerate(variables)}, len(variables), {}, {},
                  model)
    for n, (name, lo, hi) in enumerate(variables):
        lo_ev, hi_ev = evaluate(lo, frame), evaluate(hi, frame)
        if not (bool(np.all(lo_ev.defined())) and bool(np.all(hi_ev.defined()))):
            raise Undefined(f"the range of {name} is undefined")
        lo_a, hi_a = lo_ev.data.astype(np.int64), hi_ev.data.astype(np.int64)
        first = int(lo_a.min()) if lo_a.size else 0
        last = int(hi_a.max()) if hi_a.size else 0
        shape = [1] * frame.ndim
        shape[n] = max(0, last - first)
        grid = np.arange(first, first + shape[n], dtype=np.int64).reshape(shape)
        frame.grids[name] = grid
        frame.inrange[name] = (grid >= lo_a) & (grid < hi_a)
    return frame


# -------------------------------------------------------------------------------------------------- evaluation


def evaluate(expr: T.Expr, frame: Frame) -> Ev:
    """The value of `expr` in `frame` (children first, then `apply`)."""
    with np.errstate(all="ignore"):
        return _evaluate(expr, frame)


def _evaluate(expr: T.Expr, frame: Frame) -> Ev:
    match expr:
        case T.Reduce(body=body):
            return apply(expr, (_evaluate(body, frame),), frame)
        case _:
            from ..tensir.visit import children

            return apply(expr, tuple(_evaluate(c, frame) for c in children(expr)), frame)


def apply(expr: T.Expr, kids: tuple[Ev, ...], frame: Frame) -> Ev:
    """The value of `expr` given its children's values: for `Reduce`, only the body's (its range is the frame's).
    Callers silence numpy's floating-point warnings (`np.errstate`): undefined results are tracked in `ok`."""
    ones = None
    match expr:
        case T.Const(value=value, dtype=dtype):
            return Ev(np.asarray(value, dtype=np_dtype(dtype)), ones)
        case T.Scalar(name=name, dtype=dtype):
            if name not in frame.scalars:
                raise Undefined(f"no scalar {name}")
            return Ev(np.asarray(frame.scalars[name], dtype=np_dtype(dtype)), ones)
        case T.Idx(name=name):
            return Ev(frame.grids[name], ones)
        case T.Dim(tensor=tensor, axis=axis):
            return Ev(np.asarray(frame.tensors[tensor].shape[axis], dtype=np.int64), ones)
        case T.Access(tensor=tensor, dtype=dtype):
            return _access(frame.tensors[tensor], kids, dtype)
        case T.Bin(op=op, lhs=lhs, rhs=rhs, dtype=dtype):
            return _bin(op, kids[0], kids[1], lhs.dtype, rhs.dtype, dtype, frame.model)
        case T.Unary(op=op, dtype=dtype):
            a = kids[0]
            if op is UnOp.NEG:
                return Ev(_wrap(-_as(a.data, dtype), dtype, frame.model), a.ok)
            if op is UnOp.NOT:
                return Ev(~_as(a.data, DType.BOOL), a.ok)
            assert_never(op)
        case T.Call(fn=fn, dtype=dtype):
            return _call(fn, kids, dtype, frame.model)
        case T.Select(dtype=dtype):
            c, a, b = kids
            cond = _as(c.data, DType.BOOL)
            data = np.where(cond, _as(a.data, dtype), _as(b.data, dtype))
            if a.ok is None and b.ok is None:
                return Ev(data, c.ok)
            return Ev(data, both(c.ok, np.where(cond, a.defined(), b.defined())))
        case T.Cast(operand=operand, dtype=dtype):
            return _cast(kids[0], operand.dtype, dtype, frame.model)
        case T.Reduce(op=op, var=var, dtype=dtype):
            return _reduce(op, kids[-1], frame.axis[var], frame.inrange[var], dtype, frame.model)
    assert_never(expr)


def _as(data: np.ndarray, dtype: DType) -> np.ndarray:
    want = np_dtype(dtype)
    if data.dtype == want:
        return data
    if want is np.int64 and data.dtype == np.float64:
        with np.errstate(invalid="ignore"):
            return np.trunc(np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)).astype(np.int64)
    if want is np.bool_:
        return data != 0
    return data.astype(want)


def _wrap(data: np.ndarray, dtype: DType, model: NumericModel) -> np.ndarray:
    if model.ints != "wrap32" or not dtype.is_int or dtype.bits >= 64:
        return data
    bits = dtype.bits
    wrapped = data & ((1 << bits) - 1)
    if dtype.is_signed:
        wrapped = np.where(wrapped >= 1 << (bits - 1), wrapped - (1 << bits), wrapped)
    return wrapped


def _access(array: np.ndarray, kids: tuple[Ev, ...], dtype: DType) -> Ev:
    indices = [np.asarray(k.data).astype(np.int64) for k in kids]
    ok: np.ndarray | None = None
    for k in kids:
        ok = both(ok, k.ok)
    if not indices:
        return Ev(np.asarray(array[()], dtype=np_dtype(dtype)), ok)
    shape = np.broadcast_shapes(*(i.shape for i in indices))
    if array.size == 0:
        return Ev(np.zeros(shape, dtype=np_dtype(dtype)), np.zeros(shape, dtype=np.bool_))
    clipped = []
    for axis, idx in enumerate(indices):
        extent = array.shape[axis]
        if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= extent):
            ok = both(ok, (idx >= 0) & (idx < extent))
            idx = np.clip(idx, 0, extent - 1)
        clipped.append(idx)
    data = array[tuple(clipped)]
    return Ev(_as(data, dtype), ok)


_NUMPY_BIN: dict[BinOp, Any] = {
    BinOp.ADD: np.add, BinOp.SUB: np.subtract, BinOp.MUL: np.multiply, BinOp.MIN: np.minimum,
    BinOp.MAX: np.maximum, BinOp.LT: np.less, BinOp.LE: np.less_equal, BinOp.GT: np.greater,
    BinOp.GE: np.greater_equal, BinOp.EQ: np.equal, BinOp.NE: np.not_equal, BinOp.AND: np.logical_and,
    BinOp.OR: np.logical_or,
}


def _bin(op: BinOp, a: Ev, b: Ev, left: DType, right: DType, result: DType, model: NumericModel) -> Ev:
    operand = operand_dtype(op, left, right)
    x, y = _as(a.data, operand), _as(b.data, operand)
    ok = both(a.ok, b.ok)
    if op in _NUMPY_BIN:
        data = _NUMPY_BIN[op](x, y)
    else:
        zero = y == 0
        safe = np.where(zero, 1, y)
        match op:
            case BinOp.DIV_REAL:
                data = x / safe
            case BinOp.DIV_FLOOR:
                data = np.floor_divide(x, safe) if operand.is_int else np.floor(x / safe)
            case BinOp.DIV_TRUNC:
                data = (np.sign(x) * np.sign(safe)) * (np.abs(x) // np.abs(safe)) if operand.is_int else \
                    np.trunc(x / safe)
            case BinOp.MOD_FLOOR:
                data = np.mod(x, safe)
            case BinOp.MOD_TRUNC:
                data = np.fmod(x, safe)
            case _:
                raise AssertionError(op)
        if bool(np.any(zero)):
            ok = both(ok, ~zero)
    return Ev(_wrap(np.asarray(data), result, model), ok)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.where(x >= 0, 1.0 / (1.0 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))))


_ERF = np.frompyfunc(math.erf, 1, 1)

_NUMPY_MATH: dict[str, Any] = {
    "abs": np.abs, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "tanh": np.tanh, "sigmoid": _sigmoid, "floor": np.floor, "ceil": np.ceil, "pow": np.power,
    "rsqrt": lambda x: 1.0 / np.sqrt(x), "erf": lambda x: np.asarray(_ERF(x), dtype=np.float64),
}


def _call(fn: str, kids: tuple[Ev, ...], dtype: DType, model: NumericModel) -> Ev:
    args = [_as(k.data, dtype) for k in kids]
    ok: np.ndarray | None = None
    for k in kids:
        ok = both(ok, k.ok)
    data = np.asarray(_NUMPY_MATH[fn](*args))
    if dtype.is_float:
        finite = np.isfinite(data)
        if not bool(np.all(finite)):
            ok = both(ok, finite)
    return Ev(_wrap(_as(data, dtype), dtype, model), ok)


def _cast(a: Ev, source: DType, target: DType, model: NumericModel) -> Ev:
    ok = a.ok
    if target.is_int and source.is_float:
        ok = both(ok, np.isfinite(a.data))
    return Ev(_wrap(_as(a.data, target), target, model), ok)


_IDENTITY: dict[ReduceOp, Any] = {ReduceOp.SUM: 0, ReduceOp.PROD: 1}
_REDUCER: dict[ReduceOp, Any] = {ReduceOp.SUM: np.sum, ReduceOp.PROD: np.prod, ReduceOp.MAX: np.max,
                                 ReduceOp.MIN: np.min}


def _reduce(op: ReduceOp, body: Ev, axis: int, inrange: np.ndarray, dtype: DType, model: NumericModel) -> Ev:
    shape = np.broadcast_shapes(body.data.shape, inrange.shape)
    data = np.broadcast_to(_as(body.data, dtype), shape)
    mask = np.broadcast_to(inrange, shape)
    ok = None if body.ok is None else np.all(body.ok | ~mask, axis=axis, keepdims=True)
    if op in _IDENTITY:
        filled = np.where(mask, data, np.asarray(_IDENTITY[op], dtype=data.dtype))
        result = _REDUCER[op](filled, axis=axis, keepdims=True)
    else:
        nonempty = np.any(mask, axis=axis, keepdims=True)
        if not bool(np.all(nonempty)):
            ok = both(ok, nonempty)
        if data.dtype == np.bool_:
            data = data.astype(np.int64)
        fill = -np.inf if op is ReduceOp.MAX else np.inf
        if data.dtype == np.int64:
            fill = np.iinfo(np.int64).min if op is ReduceOp.MAX else np.iinfo(np.int64).max
        filled = np.where(mask, data, fill)
        result = _REDUCER[op](filled, axis=axis, keepdims=True) if filled.shape[axis] else \
            np.zeros(nonempty.shape, dtype=data.dtype)
        result = _as(np.asarray(result), dtype)
    return Ev(_wrap(np.asarray(result), dtype, model), ok)


# ----------------------------------------------------------------------------------------------- fingerprints


def fingerprint(values: Sequence[Ev]) -> bytes:
    """A digest of values (one per example): equal for values equal on every example, up to float rounding at
    about seven significant digits and up to broadcasting (a finer split only prunes less)."""
    digest = hashlib.blake2b(digest_size=16)
    for ev in values:
        data = ev.data
        ok = ev.ok
        if ok is not None and not bool(np.all(ok)):
            shape = np.broadcast_shapes(data.shape, ok.shape)
            data = np.where(ok, data, np.zeros((), dtype=data.dtype))
            digest.update(np.packbits(np.broadcast_to(ok, shape)).tobytes())
        if data.dtype == np.float64:
            data = data.astype(np.float32)
        digest.update(str(data.shape).encode())
        digest.update(data.tobytes())
    return digest.digest()


def close(got: np.ndarray, want: np.ndarray, dtype: DType) -> bool:
    """Equal as `search.check` compares outputs: floats within a small relative tolerance, others exactly."""
    if got.shape != want.shape:
        return False
    if dtype.is_float:
        return bool(np.allclose(got, want, rtol=1e-6, atol=1e-9, equal_nan=True))
    return bool(np.array_equal(got, want))
