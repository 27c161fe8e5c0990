"""The one Kernel evaluator, over a `semantics.Domain`.

Over `ConcreteDomain` it runs a unit on numbers (examples); over `Z3Domain` with concrete sizes it is symbolic
execution (the bounded verifier): loop bounds and indices are always concrete (`Domain.index`), and an `If`
whose condition the domain cannot decide runs both branches on copies of the state and merges every scalar and
array element that differs with `Domain.select` (path merging).

Types follow the source language: each `Bin` converts its operands to the promoted operand type (C's usual
arithmetic conversions, which Python's int/float follow), assignments convert to the target's type, and values
are kept in their variable's or array's dtype.

Arrays are numpy arrays of `dtype=object` holding domain scalars, so one array type serves both domains. An
element of an `Alloc` without `init` is unset until written; reading it is an `EvaluationError`, and so is an
out-of-range index (negative ones included: frontends turn Python's `a[-1]` into `a[len(a) - 1]`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, assert_never

import numpy as np
import z3

from ..common import BinOp, DType, Span, UnOp, promote
from ..semantics import ConcreteDomain, Domain, EvaluationError
from .nodes import (
    Alloc,
    Assign,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    For,
    If,
    LiftUnit,
    Load,
    Return,
    Select,
    Stmt,
    Store,
    Unary,
    Unsupported,
    Var,
    VarRef,
)

Value = Any  # a domain scalar (int, float, bool or z3.ExprRef) or a numpy object array of them

MAX_STEPS = 1_000_000  # loop iterations per run: a guard against runaway sizes, not a semantic limit


class _Unset:
    """The content of an element that has no value: allocated and not yet written, or written on only some of the
    paths a symbolic `If` merged (then its value depends on a path the merge cannot express)."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<{self.why}>"


UNSET = _Unset("read before it is written")
PARTIAL = _Unset("written on only some paths of a data-dependent if")


class _Located(EvaluationError):
    """An EvaluationError whose message already says where it happened."""


@dataclass(slots=True)
class _Array:
    data: np.ndarray
    dtype: DType


@dataclass(slots=True)
class State:
    scalars: dict[str, tuple[Value, DType]]
    arrays: dict[str, _Array]

    def copy(self) -> State:
        return State(dict(self.scalars), {k: _Array(a.data.copy(), a.dtype) for k, a in self.arrays.items()})


def run_unit(unit: LiftUnit, inputs: Mapping[str, Value], domain: Domain) -> dict[str, Value]:
    """Run `unit` on `inputs` (one value per `unit.inputs` entry; arrays are copied, never mutated) and return
    its outputs by name. Raises `EvaluationError` when the run has no defined result."""
    interp = Interpreter(domain, initial_state(unit, inputs, domain))
    interp.run(unit.body)
    return interp.outputs(unit)


def initial_state(unit: LiftUnit, inputs: Mapping[str, Value], domain: Domain) -> State:
    state = State({}, {})
    for param in unit.inputs:
        if param.name not in inputs:
            raise ValueError(f"{unit.id}: no value for input {param.name!r}")
        value = inputs[param.name]
        if param.kind == "array":
            data = np.array(value, dtype=object)
            if data.ndim != param.rank:
                raise ValueError(f"{unit.id}: input {param.name!r} has rank {data.ndim}, the unit reads rank "
                                 f"{param.rank}")
            lift = np.frompyfunc(lambda x, d=param.dtype: _to_domain(domain, x, d), 1, 1)
            state.arrays[param.name] = _Array(np.array(lift(data), dtype=object).reshape(data.shape), param.dtype)
        else:
            state.scalars[param.name] = (_to_domain(domain, value, param.dtype), param.dtype)
    return state


def _to_domain(domain: Domain, value: Value, dtype: DType) -> Value:
    return value if isinstance(value, z3.ExprRef) else domain.const(value, dtype)


def _same(a: Value, b: Value) -> bool:
    if a is b:
        return True
    if isinstance(a, z3.ExprRef) and isinstance(b, z3.ExprRef):
        return bool(a.eq(b))
    if isinstance(a, z3.ExprRef) or isinstance(b, z3.ExprRef):
        return False
    return type(a) is type(b) and a == b


def _operand_dtype(op: BinOp, lhs: DType, rhs: DType, result: DType) -> DType:
    """The type both operands are converted to before `op` applies."""
    if op.is_logical:
        return DType.BOOL
    common = promote(lhs, rhs)
    if op is BinOp.DIV_REAL and not common.is_float:
        return result if result.is_float else DType.F64  # Python's int / int is a float division
    return common


def _where(span: Span) -> str:
    return f"line {span.start.line + 1}"


class Interpreter:
    """Executes statements on a `State`. `read_element`, `write_element` and `extent` are the only places that
    touch array storage, so a subclass can observe accesses (the shape probe in `examples.py`)."""

    def __init__(self, domain: Domain, state: State, max_steps: int = MAX_STEPS) -> None:
        self.domain = domain
        self.state = state
        self.max_steps = max_steps
        self.steps = 0
        self.span: Span | None = None
        model = domain.model if isinstance(domain, ConcreteDomain) else domain.semantics.model
        # Index arithmetic is done directly only where integers are ideal; wrap32 keeps its wrap-around.
        self.direct_ints = model.ints == "ideal"

    # --------------------------------------------------------------------------------------- array storage

    def _array(self, name: str) -> _Array:
        if name not in self.state.arrays:
            raise self.error(f"array {name!r} is used before it exists")
        return self.state.arrays[name]

    def _checked(self, name: str, array: _Array, index: tuple[int, ...]) -> tuple[int, ...]:
        shape = array.data.shape
        if len(index) != len(shape) or any(not 0 <= x < n for x, n in zip(index, shape, strict=False)):
            raise self.error(f"{name}{list(index)} is out of range for shape {list(shape)}")
        return index

    def read_element(self, name: str, index: tuple[int, ...]) -> tuple[Value, DType]:
        array = self._array(name)
        value = array.data[self._checked(name, array, index)]
        if isinstance(value, _Unset):
            raise self.error(f"{name}{list(index)} is {value.why}")
        return value, array.dtype

    def write_element(self, name: str, index: tuple[int, ...], value: Value, dtype: DType) -> None:
        array = self._array(name)
        array.data[self._checked(name, array, index)] = self.convert(value, dtype, array.dtype)

    def extent(self, name: str, axis: int) -> int:
        shape = self._array(name).data.shape
        if not 0 <= axis < len(shape):
            raise self.error(f"{name} has no axis {axis}")
        return int(shape[axis])

    # ------------------------------------------------------------------------------------------------ helpers

    def error(self, message: str) -> EvaluationError:
        return _Located(f"{_where(self.span)}: {message}" if self.span is not None else message)

    def convert(self, value: Value, source: DType, target: DType) -> Value:
        return value if source is target else self.domain.cast(value, source, target)

    def index(self, expr: Expr) -> int:
        known = self._known_int(expr) if self.direct_ints else None
        return known if known is not None else self.domain.index(self.eval(expr))

    def _known_int(self, expr: Expr) -> int | None:
        """The value of an integer `+ - *` expression over constants, extents and variables that hold integer
        constants (loop indices, sizes), computed directly: the common index needs neither the domain's
        operators nor a Z3 simplification. None when it is anything else."""
        match expr:
            case Const(value, _):
                return value if isinstance(value, int) and not isinstance(value, bool) else None
            case Var(name, dtype):
                if not dtype.is_int or name not in self.state.scalars:
                    return None
                value = self.state.scalars[name][0]
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
                if isinstance(value, z3.IntNumRef):
                    return int(value.as_long())
                return None
            case Dim(array, axis, _):
                return self.extent(array, axis)
            case Bin(op, lhs, rhs, dtype) if dtype.is_int and op in (BinOp.ADD, BinOp.SUB, BinOp.MUL):
                a = self._known_int(lhs)
                b = self._known_int(rhs) if a is not None else None
                if a is None or b is None:
                    return None
                return a + b if op is BinOp.ADD else a - b if op is BinOp.SUB else a * b
            case Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
                return self._known_int(operand)
            case _:
                return None

    # ------------------------------------------------------------------------------------------------ expressions

    def eval(self, expr: Expr) -> Value:
        d = self.domain
        match expr:
            case Const(value, dtype):
                return d.const(value, dtype)
            case Var(name, dtype):
                if name not in self.state.scalars:
                    raise self.error(f"{name!r} is read before it is assigned")
                value, stored = self.state.scalars[name]
                return self.convert(value, stored, dtype)
            case Load(array, indices, dtype):
                value, stored = self.read_element(array, tuple(self.index(e) for e in indices))
                return self.convert(value, stored, dtype)
            case Dim(array, axis, dtype):
                return d.const(self.extent(array, axis), dtype)
            case Bin(op, lhs, rhs, dtype):
                return self._bin(op, lhs, rhs, dtype)
            case Unary(op, operand, dtype):
                target = DType.BOOL if op is UnOp.NOT else dtype
                return d.unop(op, self.convert(self.eval(operand), operand.dtype, target), target)
            case Call(fn, args, dtype):
                # float functions see their arguments converted (C's sqrt(int)); int-valued ones (floor) do not
                values = tuple(
                    self.convert(self.eval(a), a.dtype, dtype) if dtype.is_float or fn == "abs" else self.eval(a)
                    for a in args
                )
                return d.call(fn, values, dtype)
            case Select(cond, then, else_, dtype):
                c = self.eval_bool(cond)
                taken = d.truth(c)
                if taken is not None:  # only the branch taken is evaluated: `i > 0 ? a[i-1] : 0` stays in range
                    branch = then if taken else else_
                    return self.convert(self.eval(branch), branch.dtype, dtype)
                t = self.convert(self.eval(then), then.dtype, dtype)
                e = self.convert(self.eval(else_), else_.dtype, dtype)
                return d.select(c, t, e)
            case Cast(operand, dtype):
                return self.convert(self.eval(operand), operand.dtype, dtype)
            case _:
                assert_never(expr)

    def eval_bool(self, expr: Expr) -> Value:
        return self.convert(self.eval(expr), expr.dtype, DType.BOOL)

    def _bin(self, op: BinOp, lhs: Expr, rhs: Expr, dtype: DType) -> Value:
        d = self.domain
        if op.is_logical:  # short-circuit, as C and Python do: `i > 0 && a[i-1] > 0`
            a = self.eval_bool(lhs)
            known = d.truth(a)
            if known is not None:
                if known is (op is BinOp.OR):
                    return self.convert(d.const(known, DType.BOOL), DType.BOOL, dtype)
                return self.convert(self.eval_bool(rhs), DType.BOOL, dtype)
            value = d.binop(op, a, self.eval_bool(rhs), DType.BOOL, DType.BOOL)
            return self.convert(value, DType.BOOL, dtype)
        operand = _operand_dtype(op, lhs.dtype, rhs.dtype, dtype)
        a = self.convert(self.eval(lhs), lhs.dtype, operand)
        b = self.convert(self.eval(rhs), rhs.dtype, operand)
        return d.binop(op, a, b, operand, dtype)

    # ------------------------------------------------------------------------------------------------- statements

    def run(self, stmts: Iterable[Stmt]) -> None:
        for stmt in stmts:
            self.exec(stmt)

    def exec(self, stmt: Stmt) -> None:
        outer = self.span
        self.span = stmt.span
        try:
            self._exec(stmt)
        except _Located:
            raise
        except EvaluationError as error:  # from the semantics (division by zero...): say where
            raise self.error(str(error)) from error
        finally:
            self.span = outer

    def _exec(self, stmt: Stmt) -> None:
        match stmt:
            case Assign(target, value, _):
                result = self.convert(self.eval(value), value.dtype, target.dtype)
                match target:
                    case VarRef(name, dtype):
                        self.state.scalars[name] = (result, dtype)
                    case Store(array, indices, dtype):
                        self.write_element(array, tuple(self.index(e) for e in indices), result, dtype)
                    case _:
                        assert_never(target)
            case For(var, start, stop, step, body, _):
                for x in range(self.index(start), self.index(stop), step):
                    self.steps += 1
                    if self.steps > self.max_steps:
                        raise self.error(f"more than {self.max_steps} loop iterations")
                    self.state.scalars[var] = (self.domain.const(x, DType.I64), DType.I64)
                    self.run(body)
            case If(cond, then, else_, _):
                c = self.eval_bool(cond)
                taken = self.domain.truth(c)
                if taken is None:
                    self._fork(c, then, else_)
                else:
                    self.run(then if taken else else_)
            case Alloc(array, shape, dtype, init, _):
                extents = tuple(self.index(e) for e in shape)
                if any(n < 0 for n in extents):
                    raise self.error(f"{array} is allocated with negative shape {list(extents)}")
                data = np.empty(extents, dtype=object)
                data.fill(UNSET if init is None else self.convert(self.eval(init), init.dtype, dtype))
                self.state.arrays[array] = _Array(data, dtype)
            case Return():
                raise self.error("a return inside a loop nest has no tensor equivalent")
            case Unsupported(reason, _):
                raise self.error(reason)
            case _:
                assert_never(stmt)

    def _fork(self, cond: Value, then: tuple[Stmt, ...], else_: tuple[Stmt, ...]) -> None:
        """Both branches on copies of the state, then one state whose every differing value is
        `select(cond, then-value, else-value)`."""
        before = self.state
        self.state = before.copy()
        self.run(then)
        after_then = self.state
        self.state = before.copy()
        self.run(else_)
        after_else = self.state
        self.state = self._merge(cond, after_then, after_else)

    def _merge(self, cond: Value, a: State, b: State) -> State:
        select = self.domain.select
        scalars = dict(b.scalars)
        for name, (va, ta) in a.scalars.items():
            if name in b.scalars:
                vb, tb = b.scalars[name]
                vb = self.convert(vb, tb, ta)
                scalars[name] = (va, ta) if _same(va, vb) else (select(cond, va, vb), ta)
        for name in set(scalars) - set(a.scalars):  # assigned on one path only: undefined after the merge
            del scalars[name]
        arrays: dict[str, _Array] = {}
        for name, xa in a.arrays.items():
            if name not in b.arrays:
                continue  # allocated on one path only: gone after the merge, like a branch-local scalar
            xb = b.arrays[name]
            if xa.data.shape != xb.data.shape:
                raise self.error(f"{name} has shape {list(xa.data.shape)} or {list(xb.data.shape)} depending on "
                                 f"the data")
            merged = xa.data.copy()
            for index in np.ndindex(merged.shape):
                ea: Value = xa.data[index]
                eb: Value = xb.data[index]
                if _same(ea, eb):
                    continue
                merged[index] = PARTIAL if isinstance(ea, _Unset) or isinstance(eb, _Unset) else select(cond, ea, eb)
            arrays[name] = _Array(merged, xa.dtype)
        return State(scalars, arrays)

    # ---------------------------------------------------------------------------------------------------- results

    def outputs(self, unit: LiftUnit) -> dict[str, Value]:
        result: dict[str, Value] = {}
        for out in unit.outputs:
            if out.kind == "array":
                if out.name not in self.state.arrays:
                    raise EvaluationError(f"{unit.id}: output {out.name!r} was never created")
                data = self.state.arrays[out.name].data
                unset = [i for i in np.ndindex(data.shape) if isinstance(data[i], _Unset)]
                if unset:
                    first: Value = data[unset[0]]
                    why = first.why.replace("read before it is written", "never written")
                    raise EvaluationError(f"{unit.id}: output element {out.name}{list(unset[0])} is {why}")
                result[out.name] = data
            else:
                if out.name not in self.state.scalars:
                    raise EvaluationError(f"{unit.id}: output {out.name!r} is never assigned")
                value, dtype = self.state.scalars[out.name]
                result[out.name] = self.convert(value, dtype, out.dtype)
        return result
