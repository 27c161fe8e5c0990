"""Kernel IR: the source program, normalised, as a small imperative language.

Frontends (C, C++, Python) produce it; the concrete interpreter makes examples from it; symbolic execution turns
it into Z3 terms; the verifier proves it equal to a TensIR candidate. It is deliberately smaller than any source
language: every construct a frontend cannot express here makes the unit `not-lifted`, with the reason.

Normal forms the frontends guarantee:
- loops are `For(var, start, stop, step)` with Python `range` semantics (half-open, step a non-zero constant);
  `for (i = 0; i <= n; i++)` has `stop = n + 1`; `for (i = n - 1; i >= 0; i--)` has `stop = -1, step = -1`;
- compound assignments are plain assignments (`a[i] += x` is `Store(a, [i]) = a[i] + x`);
- pointer walks are indexed accesses; `A[i*n + j]` is the 2-D access `A[i, j]` where the split is exact;
- `push_back` / `append` are indexed stores into an `Alloc`ated output;
- same-file helper functions are inlined; known math functions stay `Call`s (see `common.MATH_FUNCTIONS`);
- every expression carries its dtype, following the source language's typing rules.

Nodes are frozen dataclasses; sum types are unions; passes use `match` with `assert_never`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..common import BinOp, DType, Language, SourceError, Span, UnOp

# ---------------------------------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Const:
    value: int | float | bool
    dtype: DType


@dataclass(frozen=True, slots=True)
class Var:
    """A scalar: a parameter, a local, or a loop index."""

    name: str
    dtype: DType


@dataclass(frozen=True, slots=True)
class Load:
    """`array[i0, i1, ...]` with one index per dimension of the array's (possibly reshaped) view."""

    array: str
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
    """A known math function (`common.MATH_FUNCTIONS`); `fabs`, `fabsf`, `std::abs`, `math.sqrt`... arrive here
    under their canonical names (`abs`, `sqrt`)."""

    fn: str
    args: tuple[Expr, ...]
    dtype: DType


@dataclass(frozen=True, slots=True)
class Select:
    """`cond ? then : else_` (also Python's conditional expression)."""

    cond: Expr
    then: Expr
    else_: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Cast:
    """An explicit or implicit conversion: int -> float is exact in the real model; float -> int truncates (C's
    `(int)x`, Python's `int(x)`)."""

    operand: Expr
    dtype: DType


@dataclass(frozen=True, slots=True)
class Dim:
    """The extent of an array along an axis: Python's `len(a)`, `A.shape[1]`, C++'s `v.size()`, `m[0].size()`."""

    array: str
    axis: int
    dtype: DType = DType.I64


Expr = Const | Var | Load | Bin | Unary | Call | Select | Cast | Dim

# ----------------------------------------------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class VarRef:
    """An assignment target that is a scalar."""

    name: str
    dtype: DType


@dataclass(frozen=True, slots=True)
class Store:
    """An assignment target that is an array element."""

    array: str
    indices: tuple[Expr, ...]
    dtype: DType


LValue = VarRef | Store


@dataclass(frozen=True, slots=True)
class Assign:
    target: LValue
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class For:
    """`for var in range(start, stop, step)`; `step` is a non-zero integer constant."""

    var: str
    start: Expr
    stop: Expr
    step: int
    body: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Alloc:
    """A new array: `np.zeros(n)`, `[0] * n`, `std::vector<int> v(n)`, `malloc(n * sizeof(int))`, or an empty
    list / vector later filled by `append` / `push_back` (then `shape` is the number of appends the loops make and
    `init` is None: every element is written before it is read)."""

    array: str
    shape: tuple[Expr, ...]
    dtype: DType
    init: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A statement the frontend could not express; a unit containing one is `not-lifted` with `reason`."""

    reason: str
    span: Span


Stmt = Assign | For | If | Alloc | Return | Unsupported

# ------------------------------------------------------------------------------------------ functions and units

ParamKind = Literal["array", "scalar"]


@dataclass(frozen=True, slots=True)
class Param:
    """A function parameter, or (in a unit) an input the unit reads that was defined before it.

    `shape` is the array's view with one extent per dimension when the source says it (`int a[N][M]`,
    `np.zeros((n, m))`, a flattened `A[i*n + j]` gives `(None, n)`); None where only accesses tell (then the
    analysis infers extents from the loop ranges). `by_reference` marks C's `int *out` scalars and C++ `T&`.
    """

    name: str
    kind: ParamKind
    dtype: DType
    rank: int = 0
    shape: tuple[Expr | None, ...] | None = None
    by_reference: bool = False


@dataclass(frozen=True, slots=True)
class KernelFunction:
    name: str
    language: Language
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span
    # Locals declared in the body (name -> (kind, dtype, rank)); frontends fill it so units know their types.
    locals: tuple[Param, ...] = ()
    # Python: the parameters the function shows are arrays, not lists (annotations, `.shape`, `A[i, j]`, ...)
    known_arrays: frozenset[str] = frozenset()
    # What normalisation assumed to split a written array's flat index by a leading dimension (`n <= lda`: its
    # rows do not overlap); stated in every proof of a unit that reads the names
    layout_assumptions: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class Output:
    """Something a unit writes that is observable after it: an array (fresh or updated in place) or a scalar."""

    name: str
    kind: ParamKind
    dtype: DType
    rank: int = 0
    fresh: bool = False  # created by the unit's own Alloc (else updated in place / an existing scalar)


@dataclass(frozen=True, slots=True)
class LiftUnit:
    """One loop nest with the statements that initialise what it writes: the thing tensorlift lifts.

    `inputs` are what the unit reads that is defined before it (function parameters, earlier units' results, other
    locals); `outputs` are what it writes that is read afterwards (or returned, or is an array parameter);
    `sizes` are the integer scalars among the inputs that bound loops (they become the examples' sizes and the
    verifier's symbolic dimensions). `unsupported` holds the reason the frontend could not express something in
    it; such a unit is reported `not-lifted` and never searched.
    """

    id: str
    function: str
    language: Language
    span: Span
    body: tuple[Stmt, ...]
    inputs: tuple[Param, ...]
    outputs: tuple[Output, ...]
    sizes: tuple[str, ...]
    source: str = ""  # the unit's source text, for reports and proof headers
    unsupported: str | None = None
    # Preconditions the source implies (e.g. `n >= 1` where a[0] is read); stated in proofs.
    assumptions: tuple[Expr, ...] = field(default=())
    # Python: inputs the enclosing function shows are arrays, not lists (code generation reads it; see
    # tensorlift.frontend.py_arrays)
    known_arrays: frozenset[str] = frozenset()
    # The subset of `assumptions` that normalisation made about memory layout (see KernelFunction)
    layout_assumptions: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What a frontend returns for one file: its functions, their lift units, and any errors found."""

    path: str
    language: Language
    functions: tuple[KernelFunction, ...]
    units: tuple[LiftUnit, ...]
    errors: tuple[SourceError, ...] = ()  # syntax errors and the like, with their positions
