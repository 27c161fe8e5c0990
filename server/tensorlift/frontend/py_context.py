"""The state of one translation pass over one function: names and their types, bindings, the enclosing loops,
the lists being built by `append`, and the facts the pass learns for the next one (see py_types' rule 4)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from ..common import DType, Span
from ..kernel.nodes import Expr, Load, Param
from .py_syntax import ModuleInfo, line, text
from .py_types import Hint, join


class Unsup(Exception):
    """Raised inside a statement's translation; the statement becomes `Unsupported(reason)`."""

    def __init__(self, node: Node, what: str) -> None:
        super().__init__(f"line {line(node)}: {what}")
        self.reason = f"line {line(node)}: {what}"


def quote(node: Node, limit: int = 40) -> str:
    """The node's source, shortened, for reasons: "`a[1:]`"."""
    source = " ".join(text(node).split())
    return f"`{source if len(source) <= limit else source[:limit - 3] + '...'}`"


@dataclass(frozen=True, slots=True)
class View:
    """`A[i]` of a 2-D `A`: a row bound to a name (`row = A[i]`, `for row in A`)."""

    array: str
    prefix: tuple[Expr, ...]


Binding = Expr | View


@dataclass(frozen=True, slots=True)
class LoopFrame:
    var: str
    start: Expr
    stop: Expr
    step: int


@dataclass(frozen=True, slots=True)
class CondFrame:
    """An enclosing `if` branch: an append under it builds a list of data-dependent length, unless every branch
    of that `if` appends once (`site` tells the `if`, `branch` which of its blocks: 0 for the first)."""

    line: int
    site: int = -1
    branch: int = 0
    has_else: bool = False  # without an `else` some iteration appends nothing


Frame = LoopFrame | CondFrame


@dataclass(slots=True)
class Facts:
    """What a pass learns about names; the next pass types with them. Grows monotonically to a fixed point."""

    dtypes: dict[str, DType] = field(default_factory=dict)  # locals: join of assigned / stored values
    ranks: dict[str, int] = field(default_factory=dict)  # names used as arrays, with the rank used
    int_names: set[str] = field(default_factory=set)  # names whose values (elements) serve as indices / bounds

    def note_dtype(self, name: str, dtype: DType) -> None:
        old = self.dtypes.get(name)
        self.dtypes[name] = dtype if old is None else join(old, dtype)

    def note_rank(self, name: str, rank: int) -> None:
        self.ranks[name] = max(rank, self.ranks.get(name, 0))

    def merged(self, other: Facts) -> Facts:
        merged = Facts(dict(self.dtypes), dict(self.ranks), set(self.int_names) | other.int_names)
        for name, dtype in other.dtypes.items():
            merged.note_dtype(name, dtype)
        for name, rank in other.ranks.items():
            merged.note_rank(name, rank)
        return merged


@dataclass(frozen=True, slots=True)
class LocalArray:
    """An array the function allocates. `fixed`: a NumPy array keeps its dtype (stores are cast); a list's element
    type is the join of what is stored into it."""

    dtype: DType
    rank: int
    fixed: bool
    shape: tuple[Expr, ...] = ()


@dataclass(slots=True)
class Append:
    """The one `append` into a builder: the flattened iteration counter of the loops between the `x = []` and the
    append, and the trip counts of those loops (several for a list of rows)."""

    counter: tuple[Expr, ...]
    shape: tuple[Expr, ...]
    dtype: DType
    merged_into: str | None = None  # a row list appended whole into an outer list


@dataclass(slots=True)
class Builder:
    """A list created empty (`out = []`) and filled by `append`."""

    name: str
    site: Span
    depth: int  # how many frames enclosed the `out = []`
    append: Append | None = None
    closed: bool = False  # the loops of its append are over: it is complete
    # an append in each branch of one `if` (`if c: out.append(a) else: out.append(b)`): that `if`, the branches seen
    split_site: int | None = None
    split_branches: set[int] = field(default_factory=set)
    split_problem: str | None = None  # why a branch's append could not be taken (reported for the whole `if`)


@dataclass(slots=True)
class Ctx:
    path: str
    module: ModuleInfo
    hints: dict[str, Hint | None]  # parameters (in order) and their hints
    assigned: frozenset[str]  # every name the function assigns (Python's local scope)
    source: str  # the function's text: fresh names avoid anything spelled in it
    prev: Facts
    cur: Facts = field(default_factory=Facts)
    env: dict[str, Binding] = field(default_factory=dict)
    arrays: dict[str, LocalArray] = field(default_factory=dict)
    frames: list[Frame] = field(default_factory=list)
    builders: dict[str, Builder] = field(default_factory=dict)
    finished: list[Builder] = field(default_factory=list)
    loop_vars: set[str] = field(default_factory=set)
    dead: set[str] = field(default_factory=set)  # loop names read after their loop: Python's last value, unmodelled
    helpers: list[str] = field(default_factory=list)  # helper calls being inlined (recursion guard)
    index_depth: int = 0  # > 0 while translating an index or a loop bound
    is_module: bool = False  # the `<module>` pseudo-function
    syntax_cache: dict[tuple[int, int], tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    asked: set[tuple[str, str, object]] = field(default_factory=set)

    # ------------------------------------------------------------------------------------------------ naming
    def fresh(self, base: str) -> str:
        name, k = f"{base}_i", 1
        while name in self.source or name in self.taken:
            name, k = f"{base}_i{k}", k + 1
        self.taken.add(name)
        return name

    # --------------------------------------------------------------------------------------------------- types
    def building(self, name: str) -> bool:
        """Is `name` a list still being filled by `append` (so its length is not known yet)?"""
        builder = self.builders.get(name)
        return builder is not None and not builder.closed

    def is_shadowed(self, name: str) -> bool:
        return name in self.env or name in self.assigned or name in self.hints

    def is_param(self, name: str) -> bool:
        return name in self.hints and name not in self.assigned

    def param_is_array(self, name: str) -> bool:
        hint = self.hints.get(name)
        return hint.array if hint is not None else self.known_rank(name) is not None

    def rank(self, name: str) -> int | None:
        """The rank of an array name, when known (hint, allocation, or an earlier pass)."""
        if name in self.arrays:
            return self.arrays[name].rank
        hint = self.hints.get(name)
        if hint is not None and hint.rank is not None:
            return hint.rank
        return self.known_rank(name)

    def element_dtype(self, name: str) -> DType:
        local = self.arrays.get(name)
        if local is not None:
            return local.dtype if local.fixed else self.known_dtype(name) or local.dtype
        hint = self.hints.get(name)
        if hint is not None:
            return hint.dtype
        return DType.I64 if self._int_valued(name) else DType.F64

    def _int_valued(self, name: str) -> bool:
        answer = name in self.prev.int_names or name in self.cur.int_names
        self.asked.add(("int", name, answer))
        return answer

    def scalar_dtype(self, name: str) -> DType:
        if name in self.loop_vars:
            return DType.I64
        if self.is_param(name):
            hint = self.hints.get(name)
            if hint is not None and not hint.array:
                return hint.dtype
            return DType.I64 if self._int_valued(name) else DType.F64
        return self.known_dtype(name) or DType.I64

    # Every answer a pass takes from the facts is recorded: when the facts the pass ends with give the same
    # answers, another pass would translate identically, so one pass is enough (the common case).
    def known_dtype(self, name: str) -> DType | None:
        old, new = self.prev.dtypes.get(name), self.cur.dtypes.get(name)
        answer = old if new is None else new if old is None else join(old, new)
        self.asked.add(("dtype", name, answer))
        return answer

    def known_rank(self, name: str) -> int | None:
        old, new = self.prev.ranks.get(name), self.cur.ranks.get(name)
        answer = old if new is None else new if old is None else max(old, new)
        self.asked.add(("rank", name, answer))
        return answer

    def consistent(self, facts: Facts) -> bool:
        """Would `facts` have answered every question this pass asked the same way?"""
        for kind, name, answer in self.asked:
            if kind == "dtype" and facts.dtypes.get(name) != answer:
                return False
            if kind == "rank" and facts.ranks.get(name) != answer:
                return False
            if kind == "int" and (name in facts.int_names) != answer:
                return False
        return True

    def note_index_use(self, name: str) -> None:
        if self.index_depth > 0:
            self.cur.int_names.add(name)

    def conditional(self, frames: list[Frame]) -> CondFrame | None:
        return next((f for f in frames if isinstance(f, CondFrame)), None)

    def loops(self, frames: list[Frame]) -> list[LoopFrame]:
        return [f for f in frames if isinstance(f, LoopFrame)]

    def locals_params(self) -> tuple[Param, ...]:
        """KernelFunction.locals: every local scalar and array with its final type."""
        out: list[Param] = []
        for name in sorted(self.arrays):
            array = self.arrays[name]
            out.append(Param(name, "array", self.element_dtype(name), array.rank, array.shape or None))
        scalars = (self.assigned | self.loop_vars) - set(self.arrays) - set(self.env)
        for name in sorted(scalars):
            if name in self.cur.dtypes or name in self.loop_vars:
                out.append(Param(name, "scalar", self.scalar_dtype(name)))
        return tuple(out)


def load_view(binding: Load) -> View:
    return View(binding.array, binding.indices)
