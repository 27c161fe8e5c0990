"""The translation context of the C/C++ frontend: what each name means at a point of a function, the enclosing
loops, and the vectors being filled by `push_back`.

A name is a `ScalarSym` (a Kernel `Var`), a `ViewSym` (a window into an array: an array parameter or local, a
pointer walking one, a row `A[i]`, or a reference to one element), a `BoundSym` (a helper's parameter bound to
its argument while inlining, or a local `const` constant), or an `OpaqueSym` (declared, but of a kind the Kernel
IR cannot express; using it gives the stored reason). Pointers never reach the Kernel IR: their offsets are
tracked here, as expressions of the enclosing loop counters, and every access through them becomes a `Load` or
`Store` on the base array.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from ..common import DType, Language, Position, Span
from ..kernel.nodes import Alloc, Const, Expr, Param, Var
from .c_arith import add

ZERO = Const(0, DType.I32)


class Reject(Exception):
    """Raised inside the frontend when a construct has no Kernel form; the statement becomes `Unsupported`."""

    def __init__(self, node: Node, reason: str) -> None:
        super().__init__(reason)
        self.node = node
        self.reason = reason

    @property
    def message(self) -> str:
        return f"line {self.node.start_point[0] + 1}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ScalarSym:
    name: str
    dtype: DType
    deref: bool = False  # `int *out` used only as `*out` / `out[0]`: a scalar passed by reference


@dataclass(frozen=True, slots=True)
class ViewSym:
    """`base[prefix..., offset + i0, i1, ...]`: `rank` indices remain to be given. `pointer` says the name can be
    moved (`p++`); `poison` is why it cannot be used here (assigned inside a loop before use, or unassigned)."""

    base: str
    dtype: DType
    rank: int
    prefix: tuple[Expr, ...] = ()
    offset: Expr = ZERO
    pointer: bool = False
    poison: str | None = None
    container: bool = False  # a `std::vector` (or a row of one): `auto row = m[i]` copies it
    copy: bool = False  # a copy (range-for by value, `auto row = m[i]`): writing through it changes nothing

    def indices(self, given: tuple[Expr, ...]) -> tuple[Expr, ...]:
        if not given:
            return self.prefix
        if self.offset is ZERO and not self.prefix:
            return given  # the common case: an array indexed directly
        return (*self.prefix, add(self.offset, given[0]), *given[1:])


@dataclass(frozen=True, slots=True)
class BoundSym:
    expr: Expr


@dataclass(frozen=True, slots=True)
class OpaqueSym:
    reason: str


Sym = ScalarSym | ViewSym | BoundSym | OpaqueSym


@dataclass(frozen=True, slots=True)
class Loop:
    """An enclosing loop, normalised: its iteration number is `count`, its trip count `trips`."""

    var: str
    dtype: DType
    start: Expr
    stop: Expr
    step: int

    @property
    def index(self) -> Var:
        return Var(self.var, self.dtype)


@dataclass(slots=True)
class PushBack:
    """A vector declared empty and filled by `push_back`: where its placeholder Alloc sits, and what the one
    push_back site found so far says about its shape."""

    name: str
    dtype: DType
    loop_depth: int  # how many loops enclosed the declaration
    cond_depth: int
    placeholder: Alloc
    shape: tuple[Expr, ...] | None = None
    consumed: bool = False  # a row vector pushed whole into an outer vector: its stores were retargeted


@dataclass(frozen=True, slots=True)
class Helper:
    """A same-file function whose body is straight-line code ending in `return expr`: inlined at call sites."""

    name: str
    params: tuple[tuple[str, DType, int], ...]  # name, dtype, rank
    statements: tuple[Node, ...]
    dtype: DType


@dataclass(frozen=True, slots=True)
class Macro:
    """A `#define` that is not a constant: `IDX(i, j) ((i) * n + (j))`, or object-like `LEN (n * 2)`
    (`params` None). Expanded textually at its uses, then translated like the code it stands for."""

    params: tuple[str, ...] | None
    body: bytes


@dataclass(slots=True)
class Ctx:
    language: Language
    consts: dict[str, Const]
    helpers: dict[str, Helper]
    return_dtype: DType | None = None
    scopes: list[dict[str, Sym]] = field(default_factory=lambda: [{}])
    loops: list[Loop] = field(default_factory=list)
    cond_depth: int = 0
    inline_depth: int = 0
    locals: dict[str, Param] = field(default_factory=dict)
    pushes: dict[str, PushBack] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # every identifier in the function, to make fresh names
    written: dict[int, frozenset[str]] = field(default_factory=dict)  # node id -> names assigned under it
    macros: dict[str, Macro] = field(default_factory=dict)
    # `const` arrays of constants: name -> (element values by index, the value of unlisted elements)
    tables: dict[str, tuple[dict[tuple[int, ...], Const], Const | None]] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------------ scopes
    def lookup(self, name: str) -> Sym | None:
        for scope in reversed(self.scopes):
            sym = scope.get(name)
            if sym is not None:
                return sym
        const = self.consts.get(name)
        return BoundSym(const) if const is not None else None

    def declare(self, name: str, sym: Sym) -> None:
        self.scopes[-1][name] = sym

    def update(self, name: str, sym: Sym) -> None:
        """Rebind `name` in the scope that declared it (a pointer moved, a vector grown to rank 2)."""
        for scope in reversed(self.scopes):
            if name in scope:
                scope[name] = sym
                return
        self.scopes[-1][name] = sym

    def visible(self) -> Iterator[tuple[str, Sym]]:
        seen: set[str] = set()
        for scope in reversed(self.scopes):
            for name, sym in scope.items():
                if name not in seen:
                    seen.add(name)
                    yield name, sym

    def add_local(self, param: Param) -> None:
        old = self.locals.get(param.name)
        if old is None or ((old.rank, old.shape) != (param.rank, param.shape) and param.rank >= old.rank):
            self.locals[param.name] = param

    def fresh(self, hint: str) -> str:
        for name in ("i", "j", "k", "ii", "jj", "kk", f"{hint}_i"):
            if name not in self.names:
                self.names.add(name)
                return name
        n = 0
        while f"{hint}_i{n}" in self.names:
            n += 1
        self.names.add(f"{hint}_i{n}")
        return f"{hint}_i{n}"


def span_of(node: Node) -> Span:
    (sl, sc), (el, ec) = node.start_point, node.end_point
    return Span(Position(sl, sc), Position(el, ec))


def moved(view: ViewSym, amount: Expr) -> ViewSym:
    offset = add(view.offset, amount)
    return ViewSym(view.base, view.dtype, view.rank, view.prefix, offset, view.pointer, view.poison, view.container,
                   view.copy)
