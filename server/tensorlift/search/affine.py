"""Affine normal form of integer TensIR expressions, for index arithmetic in the lifter.

`n - 1 - ((n - 1) - t)` and `t` must compare equal once a reversed loop is re-indexed, so index expressions are
kept as sums of integer multiples of atoms (index variables, scalars, dims, and any non-affine subterm, which is an
opaque atom) plus a constant, and rebuilt in a fixed order.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..common import BinOp, DType, UnOp
from ..tensir import nodes as T
from ..tensir.typecheck import literal_dtype

Affine = dict[str, tuple[int, T.Expr]]  # atom key -> (coefficient, atom); the constant lives under key ""

_CONST = ""


def _key(atom: T.Expr) -> str:
    return repr(atom)


def to_affine(expr: T.Expr) -> Affine:
    """Every integer expression has an affine form if non-affine subterms count as atoms."""
    match expr:
        case T.Const(value=value) if isinstance(value, int) and not isinstance(value, bool):
            return {_CONST: (value, expr)} if value else {}
        case T.Bin(op=BinOp.ADD, lhs=lhs, rhs=rhs):
            return _combine(to_affine(lhs), to_affine(rhs), 1)
        case T.Bin(op=BinOp.SUB, lhs=lhs, rhs=rhs):
            return _combine(to_affine(lhs), to_affine(rhs), -1)
        case T.Unary(op=UnOp.NEG, operand=operand):
            return _scale(to_affine(operand), -1)
        case T.Bin(op=BinOp.MUL, lhs=lhs, rhs=rhs):
            left, right = to_affine(lhs), to_affine(rhs)
            if _is_constant(left):
                return _scale(right, _constant(left))
            if _is_constant(right):
                return _scale(left, _constant(right))
            return {_key(expr): (1, expr)}
        case _:
            return {_key(expr): (1, expr)}


def _is_constant(form: Affine) -> bool:
    return all(key == _CONST for key in form)


def _constant(form: Affine) -> int:
    return form.get(_CONST, (0, None))[0]


def _combine(a: Affine, b: Affine, sign: int) -> Affine:
    out = dict(a)
    for key, (coeff, atom) in b.items():
        total = out.get(key, (0, atom))[0] + sign * coeff
        if total:
            out[key] = (total, atom)
        else:
            out.pop(key, None)
    return out


def _scale(form: Affine, factor: int) -> Affine:
    if factor == 0:
        return {}
    return {key: (coeff * factor, atom) for key, (coeff, atom) in form.items()}


def from_affine(form: Affine, dtype: DType = DType.I64) -> T.Expr:
    """Rebuild in a canonical order: atoms sorted by key, positive terms first, constant last."""
    terms = sorted(((key, c, atom) for key, (c, atom) in form.items() if key != _CONST), key=lambda t: (t[1] < 0, t[0]))
    const = _constant(form)
    result: T.Expr | None = None
    for _, coeff, atom in terms:
        magnitude = abs(coeff)
        term = atom if magnitude == 1 else T.Bin(BinOp.MUL, literal(magnitude), atom, dtype)
        if result is None:
            result = term if coeff > 0 else T.Unary(UnOp.NEG, term, dtype)
        else:
            result = T.Bin(BinOp.ADD if coeff > 0 else BinOp.SUB, result, term, dtype)
    if result is None:
        return literal(const)
    if const > 0:
        return T.Bin(BinOp.ADD, result, literal(const), dtype)
    if const < 0:
        return T.Bin(BinOp.SUB, result, literal(-const), dtype)
    return result


def literal(value: int) -> T.Const:
    """An integer constant with the dtype its literal has: index arithmetic is exact, widths do not matter."""
    return T.Const(value, literal_dtype(value))


def simplify_index(expr: T.Expr) -> T.Expr:
    return from_affine(to_affine(expr), expr.dtype if expr.dtype.is_int else DType.I64)


def coefficient(form: Affine, var: str) -> int:
    """The coefficient of index variable `var` in `form` (0 when it does not occur as a plain atom)."""
    return form.get(_key(T.Idx(var)), (0, None))[0]


def mentions(expr: T.Expr, names: Mapping[str, object] | set[str] | frozenset[str]) -> bool:
    """Whether `expr` refers to any index variable in `names` (anywhere, including inside opaque atoms)."""
    match expr:
        case T.Idx(name=name):
            return name in names
        case T.Const() | T.Scalar() | T.Dim():
            return False
        case T.Access(indices=indices):
            return any(mentions(i, names) for i in indices)
        case T.Bin(lhs=lhs, rhs=rhs):
            return mentions(lhs, names) or mentions(rhs, names)
        case T.Unary(operand=operand) | T.Cast(operand=operand):
            return mentions(operand, names)
        case T.Call(args=args):
            return any(mentions(a, names) for a in args)
        case T.Select(cond=c, then=t, else_=e):
            return mentions(c, names) or mentions(t, names) or mentions(e, names)
        case T.Reduce(var=var, lo=lo, hi=hi, body=body):
            inner = set(names) - {var}
            return mentions(lo, names) or mentions(hi, names) or mentions(body, inner)
    raise AssertionError(expr)
