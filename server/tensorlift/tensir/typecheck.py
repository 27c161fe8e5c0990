"""Dtype rules of TensIR, once: the parser builds nodes with them, the interpreter converts operands with them, and
`check` validates programs that code (the search, rule matching) built without the parser.

The rules follow C's usual arithmetic conversions (`common.promote`), which Python's int/float mixing also obeys:
- a literal is `i32` if it fits (else `i64`), `f64` if written with `.` or an exponent, `bool` for true/false;
- `Bin` converts both operands to `operand_dtype` (logical operators to `bool`; real division of integers to
  `f64`, as Python's `/` does) and yields that dtype, or `bool` for comparisons and logical operators;
- unary minus promotes like C (`-x` of an `i8` is an `i32`); `!` yields `bool`;
- math calls convert their arguments to the call's dtype: `abs` keeps the (promoted) argument type, the others
  compute in the argument's float type, or `f64` for integer arguments (C's `sqrt(int)`);
- `select` keeps a common dtype, promoting only when the branches differ; a reduction has its body's dtype,
  except that `sum`/`prod` of booleans count in `i32`;
- a statement converts its value to its target's dtype.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import assert_never

from ..common import MATH_FUNCTIONS, BinOp, DType, ReduceOp, SourceError, UnOp, promote
from .nodes import (
    Access,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    Idx,
    Program,
    Reduce,
    Scalar,
    Select,
    Statement,
    TensorType,
    Unary,
)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def literal_dtype(value: int | float | bool) -> DType:
    """The dtype a literal has when written without a cast."""
    if isinstance(value, bool):
        return DType.BOOL
    if isinstance(value, int):
        return DType.I32 if INT32_MIN <= value <= INT32_MAX else DType.I64
    return DType.F64


def operand_dtype(op: BinOp, lhs: DType, rhs: DType) -> DType:
    """The dtype both operands of `op` are converted to before it applies."""
    if op.is_logical:
        return DType.BOOL
    common = promote(lhs, rhs)
    if op is BinOp.DIV_REAL and not common.is_float:
        return DType.F64
    return common


def bin_dtype(op: BinOp, lhs: DType, rhs: DType) -> DType:
    if op.is_comparison or op.is_logical:
        return DType.BOOL
    return operand_dtype(op, lhs, rhs)


def unary_dtype(op: UnOp, operand: DType) -> DType:
    match op:
        case UnOp.NEG:
            return promote(operand, operand)
        case UnOp.NOT:
            return DType.BOOL
    assert_never(op)


def call_dtype(fn: str, args: tuple[DType, ...]) -> DType:
    common = args[0]
    for other in args[1:]:
        common = promote(common, other)
    if fn == "abs":
        return promote(common, common)
    return common if common.is_float else DType.F64


def select_dtype(then: DType, else_: DType) -> DType:
    return then if then is else_ else promote(then, else_)


def reduce_dtype(op: ReduceOp, body: DType) -> DType:
    if body is DType.BOOL and op in (ReduceOp.SUM, ReduceOp.PROD):
        return DType.I32
    return body


# ------------------------------------------------------------------------------------------------------- checking


@dataclass(frozen=True, slots=True)
class _Scope:
    env: Mapping[str, TensorType]
    bound: frozenset[str]


def check(program: Program, env: Mapping[str, TensorType]) -> tuple[SourceError, ...]:
    """Every way `program` is ill-formed under `env`, as errors (empty when it is well-formed). An error's `line` is
    the zero-based index of the statement it is about."""
    errors: list[SourceError] = []
    known: dict[str, TensorType] = dict(env)
    for number, statement in enumerate(program.statements):
        said = [SourceError(f"{statement.target}: {text}", line=number) for text in _check_statement(statement, known)]
        errors.extend(said)
        if statement.target not in known:
            known[statement.target] = TensorType(statement.dtype, len(statement.indices))
    return tuple(errors)


def _check_statement(statement: Statement, env: Mapping[str, TensorType]) -> list[str]:
    errors: list[str] = []
    bound: set[str] = set()
    for loop in statement.domain:
        scope = _Scope(env, frozenset(bound))
        errors += _check_index(loop.lo, scope) + _check_index(loop.hi, scope)
        if loop.var in env:
            errors.append(f"index variable {loop.var} shadows the tensor or scalar of the same name")
        if loop.var in bound:
            errors.append(f"index variable {loop.var} is bound twice in the domain")
        bound.add(loop.var)
    scope = _Scope(env, frozenset(bound))
    for index in statement.indices:
        errors += _check_index(index, scope)
    errors += _check_expr(statement.value, scope)
    existing = env.get(statement.target)
    if existing is None:
        errors += _check_new_target(statement)
    else:
        if existing.rank != len(statement.indices):
            errors.append(f"has rank {existing.rank} but is assigned with {len(statement.indices)} indices")
        if existing.dtype is not statement.dtype:
            errors.append(f"statement dtype {statement.dtype.value} differs from the target's {existing.dtype.value}")
    if statement.is_scalar and statement.domain:
        errors.append("a scalar statement has no domain")
    return errors


def _check_new_target(statement: Statement) -> list[str]:
    variables = tuple(loop.var for loop in statement.domain)
    if tuple(statement.indices) != tuple(Idx(var) for var in variables):
        return [f"is new, so its indices must be the domain variables ({', '.join(variables)}) in order"]
    errors = [f"is new, so the range of {loop.var} must start at 0" for loop in statement.domain
              if not (isinstance(loop.lo, Const) and loop.lo.value == 0)]
    # Its shape is the domain's extents, so they must be the same for every element.
    errors += [f"is new, so the range of {loop.var} must not depend on other domain variables"
               for loop in statement.domain if _index_variables(loop.hi) & set(variables)]
    return errors


def _index_variables(expr: Expr) -> set[str]:
    """The index variables `expr` mentions (bound inside it or not: enough to tell whether it uses a name)."""
    match expr:
        case Idx(name, _):
            return {name}
        case Const() | Scalar() | Dim():
            return set()
        case Access(_, parts, _) | Call(_, parts, _):
            return set().union(*(_index_variables(p) for p in parts))
        case Bin(_, lhs, rhs, _):
            return _index_variables(lhs) | _index_variables(rhs)
        case Unary(_, operand, _) | Cast(operand, _):
            return _index_variables(operand)
        case Select(cond, then, else_, _):
            return _index_variables(cond) | _index_variables(then) | _index_variables(else_)
        case Reduce(_, var, lo, hi, body, _):
            return {var} | _index_variables(lo) | _index_variables(hi) | _index_variables(body)
    assert_never(expr)


def _check_index(expr: Expr, scope: _Scope) -> list[str]:
    errors = _check_expr(expr, scope)
    if not errors and not (expr.dtype.is_int or expr.dtype is DType.BOOL):
        errors.append(f"an index or range bound has dtype {expr.dtype.value}, not an integer type")
    return errors


def _check_expr(expr: Expr, scope: _Scope) -> list[str]:
    def mismatch(expected: DType) -> list[str]:
        if expr.dtype is expected:
            return []
        return [f"{type(expr).__name__} has dtype {expr.dtype.value}, expected {expected.value}"]

    match expr:
        case Const(value, dtype):
            if isinstance(value, float) and dtype.is_int and not value.is_integer():
                return [f"constant {value} has integer dtype {dtype.value}"]
            return []
        case Idx(name, _):
            return [] if name in scope.bound else [f"index variable {name} is used outside its scope"]
        case Scalar(name, dtype):
            found = scope.env.get(name)
            if found is None:
                return [f"unknown scalar {name}"]
            if found.rank != 0:
                return [f"{name} has rank {found.rank} but is used as a scalar"]
            return mismatch(found.dtype)
        case Access(tensor, indices, dtype):
            found = scope.env.get(tensor)
            if found is None:
                return [f"unknown tensor {tensor}"]
            errors = [e for index in indices for e in _check_index(index, scope)]
            if found.rank != len(indices):
                errors.append(f"{tensor} has rank {found.rank} but is accessed with {len(indices)} indices")
            return errors + mismatch(found.dtype)
        case Dim(tensor, axis, _):
            found = scope.env.get(tensor)
            if found is None:
                return [f"unknown tensor {tensor}"]
            return [] if 0 <= axis < found.rank else [f"dim({tensor}, {axis}): {tensor} has rank {found.rank}"]
        case Bin(op, lhs, rhs, _):
            return _check_expr(lhs, scope) + _check_expr(rhs, scope) + mismatch(bin_dtype(op, lhs.dtype, rhs.dtype))
        case Unary(op, operand, _):
            return _check_expr(operand, scope) + mismatch(unary_dtype(op, operand.dtype))
        case Call(fn, args, _):
            arity = MATH_FUNCTIONS.get(fn)
            if arity is None:
                return [f"unknown function {fn}"]
            if arity != len(args):
                return [f"{fn} takes {arity} arguments, not {len(args)}"]
            errors = [e for arg in args for e in _check_expr(arg, scope)]
            return errors + mismatch(call_dtype(fn, tuple(a.dtype for a in args)))
        case Select(cond, then, else_, _):
            errors = _check_expr(cond, scope) + _check_expr(then, scope) + _check_expr(else_, scope)
            return errors + mismatch(select_dtype(then.dtype, else_.dtype))
        case Cast(operand, _):
            return _check_expr(operand, scope)
        case Reduce(op, var, lo, hi, body, _):
            errors = _check_index(lo, scope) + _check_index(hi, scope)
            if var in scope.env:
                errors.append(f"index variable {var} shadows the tensor or scalar of the same name")
            if var in scope.bound:
                errors.append(f"index variable {var} is already bound")
            inner = _Scope(scope.env, scope.bound | {var})
            return errors + _check_expr(body, inner) + mismatch(reduce_dtype(op, body.dtype))
    assert_never(expr)
