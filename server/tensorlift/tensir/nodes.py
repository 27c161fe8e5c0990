"""TensIR: index notation in the style of TACO, extended where legacy code needs it.

A program is a sequence of statements. A statement assigns a tensor over a domain of index variables,

    C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n

or a scalar, `s = max(i in 0:n, a(i))`. Semantics: every element of the domain is computed from the state *before*
the statement (a parallel assignment, so `a(i) = a(i) + b(i)` is an in-place update); elements of the target that
the domain does not cover keep their value. A statement whose target does not exist yet creates it: then its
indices must be its domain's variables in order, each domain starting at 0, and the shape is the domain's extents.
Later statements may read earlier targets.

Division and remainder carry their rounding kind (`common.BinOp`); the surface syntax writes C's truncating forms
as `tdiv(a, b)` and `tmod(a, b)`, Python's flooring forms as `a // b` and `a % b`, real division as `a / b`.
A reduction over an empty range is the operator's identity for `sum` / `prod`; `max` / `min` over an empty range
is undefined, and the verifier states the non-emptiness it relies on as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..common import BinOp, DType, ReduceOp, UnOp


@dataclass(frozen=True, slots=True)
class Const:
    value: int | float | bool
    dtype: DType


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar input (a size such as `n`, a coefficient such as `alpha`) or an earlier scalar statement's
    result."""

    name: str
    dtype: DType


@dataclass(frozen=True, slots=True)
class Idx:
    """An index variable bound by the statement's domain or by an enclosing reduction."""

    name: str
    dtype: DType = DType.I64


@dataclass(frozen=True, slots=True)
class Access:
    """`A(i, k)`: one integer index expression per dimension (affine in index variables and sizes)."""

    tensor: str
    indices: tuple[Expr, ...]
    dtype: DType


@dataclass(frozen=True, slots=True)
class Bin:
    op: BinOp
    lhs: Expr
    rhs: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Unary:
    op: UnOp
    operand: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Call:
    fn: str  # a key of common.MATH_FUNCTIONS
    args: tuple[Expr, ...]
    dtype: DType


@dataclass(frozen=True, slots=True)
class Select:
    cond: Expr
    then: Expr
    else_: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Cast:
    operand: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Reduce:
    """`sum(k in lo:hi, body)`; one node serves sum, prod, max and min (TACO's reduction takes its operator)."""

    op: ReduceOp
    var: str
    lo: Expr
    hi: Expr
    body: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Dim:
    """The extent of a tensor along an axis, written `dim(A, 1)`: sizes that the source reads off its arrays."""

    tensor: str
    axis: int
    dtype: DType = DType.I64


Expr = Const | Scalar | Idx | Access | Bin | Unary | Call | Select | Cast | Reduce | Dim


@dataclass(frozen=True, slots=True)
class Loop:
    """One variable of a statement's domain: `var in lo:hi` (half-open, step 1)."""

    var: str
    lo: Expr
    hi: Expr


@dataclass(frozen=True, slots=True)
class Statement:
    """`target(indices) = value for domain`; a scalar statement has no indices and no domain."""

    target: str
    indices: tuple[Expr, ...]
    domain: tuple[Loop, ...]
    value: Expr
    dtype: DType

    @property
    def is_scalar(self) -> bool:
        return not self.indices


@dataclass(frozen=True, slots=True)
class Program:
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class TensorType:
    """What the parser and type checker need to know of a name: its dtype and rank (0 for scalars)."""

    dtype: DType
    rank: int
