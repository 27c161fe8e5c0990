"""Integer index expressions as polynomials over scalar variables and array extents, and back.

A flattened access `A[i*n + j]` is affine in the loop variables `i, j` with coefficients that are themselves
sizes (`n`), which the classic `{var: int}` form cannot say. So an index is a polynomial with integer
coefficients over *atoms* (scalar `Var`s and `Dim`s); `linear_in` then splits it into one coefficient polynomial
per loop variable plus a rest, which is exactly the affine form over loop variables with size coefficients.
Arithmetic here is on mathematical integers (the `ideal` model), which is what index expressions mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..common import BinOp, DType, UnOp
from .nodes import Bin, Cast, Const, Dim, Expr, Unary, Var
from .visit import children, rebuild

Monomial = tuple[str, ...]  # sorted atom keys, repeated for powers; () is the constant monomial


def atom_key(atom: Var | Dim) -> str:
    return atom.name if isinstance(atom, Var) else f"dim({atom.array},{atom.axis})"


@dataclass(frozen=True, slots=True)
class Poly:
    """A polynomial with integer coefficients: canonical (sorted monomials, no zero coefficients), so `==` is
    equality of polynomials. `atoms` remembers the expression behind each key, for turning it back."""

    terms: tuple[tuple[Monomial, int], ...]
    atoms: tuple[tuple[str, Var | Dim], ...] = field(default=(), compare=False)

    @staticmethod
    def of(terms: dict[Monomial, int], atoms: tuple[tuple[str, Var | Dim], ...] = ()) -> Poly:
        return Poly(tuple(sorted((m, c) for m, c in terms.items() if c != 0)), atoms)

    @staticmethod
    def const(value: int) -> Poly:
        return Poly((((), value),) if value else ())

    @staticmethod
    def atom(atom: Var | Dim) -> Poly:
        key = atom_key(atom)
        return Poly((((key,), 1),), ((key, atom),))

    def as_dict(self) -> dict[Monomial, int]:
        return dict(self.terms)

    def _atoms_with(self, other: Poly) -> tuple[tuple[str, Var | Dim], ...]:
        if not other.atoms or other.atoms is self.atoms:
            return self.atoms
        if not self.atoms:
            return other.atoms
        return tuple({**dict(self.atoms), **dict(other.atoms)}.items())

    def __add__(self, other: Poly) -> Poly:
        terms = self.as_dict()
        for m, c in other.terms:
            terms[m] = terms.get(m, 0) + c
        return Poly.of(terms, self._atoms_with(other))

    def __neg__(self) -> Poly:
        return Poly.of({m: -c for m, c in self.terms}, self.atoms)

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly) -> Poly:
        terms: dict[Monomial, int] = {}
        for m1, c1 in self.terms:
            for m2, c2 in other.terms:
                m = tuple(sorted(m1 + m2))
                terms[m] = terms.get(m, 0) + c1 * c2
        return Poly.of(terms, self._atoms_with(other))

    def scale(self, k: int) -> Poly:
        return Poly.of({m: c * k for m, c in self.terms}, self.atoms)

    @property
    def constant(self) -> int | None:
        """The value when the polynomial is a constant, else None."""
        if not self.terms:
            return 0
        if len(self.terms) == 1 and self.terms[0][0] == ():
            return self.terms[0][1]
        return None

    def atom_keys(self) -> frozenset[str]:
        return frozenset(k for m, _ in self.terms for k in m)

    def divide(self, divisor: Poly) -> Poly | None:
        """The exact quotient by a one-term polynomial (`n`, `4`, `m*k`), or None when some term is not a
        multiple of it."""
        if len(divisor.terms) != 1:
            return None
        (dm, dc), = divisor.terms
        terms: dict[Monomial, int] = {}
        for m, c in self.terms:
            rest = list(m)
            for key in dm:
                if key not in rest:
                    return None
                rest.remove(key)
            if c % dc != 0:
                return None
            terms[tuple(rest)] = c // dc
        return Poly.of(terms, self._atoms_with(divisor))


def to_poly(expr: Expr) -> Poly | None:
    """The polynomial an integer expression is, or None when it is not one (loads, division, floats...)."""
    match expr:
        case Const(value, _):
            if isinstance(value, bool) or not isinstance(value, int):
                return None
            return Poly.const(value)
        case Var(_, dtype) | Dim(_, _, dtype):
            return Poly.atom(expr) if dtype.is_int else None
        case Bin(op, lhs, rhs, _) if op in (BinOp.ADD, BinOp.SUB, BinOp.MUL):
            a, b = to_poly(lhs), to_poly(rhs)
            if a is None or b is None:
                return None
            return a + b if op is BinOp.ADD else a - b if op is BinOp.SUB else a * b
        case Unary(UnOp.NEG, operand, _):
            inner = to_poly(operand)
            return -inner if inner is not None else None
        case Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
            return to_poly(operand)  # integer widening/narrowing is the identity on ideal integers
        case _:
            return None


def from_poly(poly: Poly, dtype: DType = DType.I64) -> Expr:
    """The expression a person would write: higher-degree terms first, the constant last, `-` for negative
    terms after the first, `2*i` for coefficients."""
    atoms = dict(poly.atoms)
    ordered = sorted(poly.terms, key=lambda t: (-len(t[0]), t[0]))
    if not ordered:
        return Const(0, dtype)
    result: Expr | None = None
    for monomial, coeff in ordered:
        if result is None:
            result = _term(monomial, coeff, atoms, dtype)
        else:
            op = BinOp.ADD if coeff > 0 else BinOp.SUB
            result = Bin(op, result, _term(monomial, abs(coeff), atoms, dtype), dtype)
    assert result is not None
    return result


def _term(monomial: Monomial, coeff: int, atoms: dict[str, Var | Dim], dtype: DType) -> Expr:
    if not monomial:
        return Const(coeff, dtype)
    product: Expr = atoms[monomial[0]]
    for key in monomial[1:]:
        product = Bin(BinOp.MUL, product, atoms[key], dtype)
    if coeff == 1:
        return product
    return Bin(BinOp.MUL, Const(coeff, dtype), product, dtype)


def simplify_index(expr: Expr) -> Expr:
    """Put integer polynomial subexpressions in canonical form (`i + 0` -> `i`, `(i + 1) - 1` -> `i`,
    `1 * i` -> `i`, `2 + 3` -> `5`). Returns `expr` itself when that changes nothing."""
    if expr.dtype.is_int:
        poly = to_poly(expr)
        if poly is not None:
            rebuilt = from_poly(poly, expr.dtype)
            return expr if rebuilt == expr else rebuilt
    old = children(expr)
    new = tuple(simplify_index(child) for child in old)
    return expr if all(a is b for a, b in zip(old, new, strict=True)) else rebuild(expr, new)


def linear_in(poly: Poly, variables: frozenset[str]) -> tuple[dict[str, Poly], Poly] | None:
    """Split `poly` as `sum(coeff[v] * v) + rest` where the coefficients and `rest` do not mention `variables`;
    None when some term is not linear in them (`i*j`, `i*i`)."""
    coeffs: dict[str, dict[Monomial, int]] = {}
    rest: dict[Monomial, int] = {}
    for monomial, c in poly.terms:
        hits = [k for k in monomial if k in variables]
        if not hits:
            rest[monomial] = c
            continue
        if len(hits) > 1:
            return None
        (v,) = hits
        reduced = list(monomial)
        reduced.remove(v)
        coeffs.setdefault(v, {})[tuple(reduced)] = c
    atoms = poly.atoms
    return {v: Poly.of(t, atoms) for v, t in coeffs.items()}, Poly.of(rest, atoms)
