"""Affine index arithmetic: split an index into (variable coefficients, invariant offset) and fold sums so that
slice bounds read `n - 1` rather than `(n - 1) + 0`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..common import BinOp, DType, UnOp
from ..tensir import nodes as t
from ..tensir.printer import show_expr


@dataclass(frozen=True, slots=True)
class Lin:
    """sum(coef * atom) + const, atoms being invariant expressions (sizes, dims, other scalar terms)."""

    terms: tuple[tuple[str, t.Expr, int], ...]  # (key, atom, coefficient), sorted by key
    const: int = 0

    @staticmethod
    def of(expr: t.Expr) -> Lin:
        match expr:
            case t.Const(value) if isinstance(value, int) and not isinstance(value, bool):
                return Lin((), value)
            case t.Bin(BinOp.ADD, lhs, rhs):
                return Lin.of(lhs).plus(Lin.of(rhs))
            case t.Bin(BinOp.SUB, lhs, rhs):
                return Lin.of(lhs).plus(Lin.of(rhs).scaled(-1))
            case t.Bin(BinOp.MUL, t.Const(c), other) | t.Bin(BinOp.MUL, other, t.Const(c)) if (
                    isinstance(c, int) and not isinstance(c, bool)):
                return Lin.of(other).scaled(c)
            case t.Unary(UnOp.NEG, operand):
                return Lin.of(operand).scaled(-1)
        return Lin(((show_expr(expr), expr, 1),), 0)

    def plus(self, other: Lin) -> Lin:
        merged: dict[str, tuple[t.Expr, int]] = {k: (e, c) for k, e, c in self.terms}
        for k, e, c in other.terms:
            old = merged.get(k, (e, 0))[1]
            merged[k] = (e, old + c)
        terms = tuple(sorted((k, e, c) for k, (e, c) in merged.items() if c != 0))
        return Lin(terms, self.const + other.const)

    def scaled(self, k: int) -> Lin:
        return Lin(tuple((key, e, c * k) for key, e, c in self.terms if c * k != 0), self.const * k)

    def expr(self) -> t.Expr:
        out: t.Expr | None = None
        for _, atom, c in self.terms:
            term: t.Expr = atom if abs(c) == 1 else t.Bin(BinOp.MUL, t.Const(abs(c), DType.I64), atom, DType.I64)
            if out is None:
                out = term if c > 0 else t.Unary(UnOp.NEG, term, DType.I64)
            else:
                out = t.Bin(BinOp.ADD if c > 0 else BinOp.SUB, out, term, DType.I64)
        if out is None:
            return t.Const(self.const, DType.I64)
        if self.const:
            return t.Bin(BinOp.ADD if self.const > 0 else BinOp.SUB, out, t.Const(abs(self.const), DType.I64),
                         DType.I64)
        return out

    @property
    def is_zero(self) -> bool:
        return not self.terms and self.const == 0


def affine(expr: t.Expr, variables: Mapping[str, object]) -> tuple[dict[str, int], Lin] | None:
    """`expr` as sum(coef * var) + offset over the given index variables, or None if it is not affine in them."""
    match expr:
        case t.Idx(name):
            if name not in variables:
                return None
            return {name: 1}, Lin(())
        case t.Bin(BinOp.ADD | BinOp.SUB, lhs, rhs, _):
            a, b = affine(lhs, variables), affine(rhs, variables)
            if a is None or b is None:
                return None
            sign = 1 if expr.op is BinOp.ADD else -1
            coefs = dict(a[0])
            for v, c in b[0].items():
                coefs[v] = coefs.get(v, 0) + sign * c
            return {v: c for v, c in coefs.items() if c}, a[1].plus(b[1].scaled(sign))
        case t.Bin(BinOp.MUL, lhs, rhs, _):
            for const, other in ((lhs, rhs), (rhs, lhs)):
                if isinstance(const, t.Const) and isinstance(const.value, int) and not isinstance(const.value, bool):
                    inner = affine(other, variables)
                    if inner is None:
                        return None
                    k = const.value
                    return {v: c * k for v, c in inner[0].items() if c * k}, inner[1].scaled(k)
            return _invariant(expr)
        case t.Unary(UnOp.NEG, operand, _):
            inner = affine(operand, variables)
            if inner is None:
                return None
            return {v: -c for v, c in inner[0].items()}, inner[1].scaled(-1)
        case t.Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
            return affine(operand, variables)
        case t.Bin(BinOp.DIV_TRUNC | BinOp.DIV_FLOOR, lhs, t.Const(c), _) if (
                isinstance(c, int) and not isinstance(c, bool) and c != 0):
            # an exact division (every coefficient divisible) rounds neither way: (2*t + 2) / 2 is t + 1
            inner = affine(lhs, variables)
            if inner is not None and inner[0] and all(v % c == 0 for v in inner[0].values()) and (
                    inner[1].const % c == 0 and all(k % c == 0 for _, _, k in inner[1].terms)):
                return ({v: k // c for v, k in inner[0].items()},
                        Lin(tuple((key, e, k // c) for key, e, k in inner[1].terms), inner[1].const // c))
    return _invariant(expr)


def _invariant(expr: t.Expr) -> tuple[dict[str, int], Lin] | None:
    from ..tensir.visit import walk

    if any(isinstance(e, (t.Idx, t.Access, t.Reduce)) for e in walk(expr)):
        return None
    return {}, Lin.of(expr)


def same(a: t.Expr, b: t.Expr) -> bool:
    """Equal as linear forms (so `n` equals `n - 1 + 1`), ignoring dtypes."""
    diff = Lin.of(a).plus(Lin.of(b).scaled(-1))
    return diff.is_zero
