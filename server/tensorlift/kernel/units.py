"""Lift units: each top-level loop nest of a function, with the statements just before it that initialise what it
writes, and what it reads from before (inputs) and leaves for after (outputs).

The reads and writes come from a small must-define analysis (`_Exposed`): a name is *exposed* in a piece of code
when some path reads it before the code itself assigns it. Inputs are the unit's exposed names that exist
before it; outputs are what it writes that the rest of the function reads exposed (or returns), plus array
parameters and by-reference scalars, which the caller sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import assert_never

from ..common import BinOp, DType, Language, Span
from .nodes import (
    Alloc,
    Assign,
    Bin,
    Const,
    Dim,
    Expr,
    For,
    If,
    KernelFunction,
    LiftUnit,
    Load,
    Output,
    Param,
    Return,
    Stmt,
    Store,
    Unsupported,
    Var,
    VarRef,
)
from .normalize import normalize
from .visit import all_exprs, arrays_written, free_vars, scalars_written, stmt_exprs, walk_expr, walk_stmts


def split_units(fn: KernelFunction, source: bytes) -> tuple[LiftUnit, ...]:
    """One unit per `For` directly in `fn.body`, in source order, over `normalize(fn)` (a no-op when the caller
    normalised already), so that unit bodies and input shapes are the split views."""
    fn = normalize(fn)
    declared = _declarations(fn)
    order = _appearance(fn)
    units: list[LiftUnit] = []
    for position, stmt in enumerate(fn.body):
        if isinstance(stmt, For):
            start = _init_start(fn.body, position)
            units.append(_unit(fn, declared, order, start, position, len(units), source))
        elif isinstance(stmt, Unsupported) and _is_loop(source, stmt.span):
            # A loop the frontend could not express (`while`, `do`, a `for` over a list) is still a loop the
            # user wants to hear about: a unit that is not lifted, with the frontend's reason.
            units.append(_unit(fn, declared, order, position, position, len(units), source))
    return tuple(units)


_LOOP_KEYWORDS = (b"while", b"do", b"for")


def _is_loop(source: bytes, span: Span) -> bool:
    """Whether the source text of a statement starts with a loop keyword."""
    text = _slice(source, span).encode("utf-8").lstrip()
    return any(text.startswith(word) and text[len(word):len(word) + 1] in (b" ", b"(", b"{", b"\n", b"\t")
               for word in _LOOP_KEYWORDS)


def _init_start(body: tuple[Stmt, ...], loop_at: int) -> int:
    """Index of the first statement of the contiguous run of initialisers right before the loop: assignments and
    allocations of names the loop writes (`s = 0`, `m = a[0]`, `out = np.zeros(n)`, `out[0] = a[0]`)."""
    loop = body[loop_at]
    writes = scalars_written([loop]) | arrays_written([loop])
    start = loop_at
    while start > 0:
        stmt = body[start - 1]
        match stmt:
            case Assign(VarRef(name, _), _, _) | Assign(Store(name, _, _), _, _) | Alloc(name, _, _, _, _):
                if name not in writes:
                    break
            case _:
                break
        start -= 1
    return start


def _unit(
    fn: KernelFunction,
    declared: dict[str, Param],
    order: dict[str, int],
    start: int,
    loop_at: int,
    k: int,
    source: bytes,
) -> LiftUnit:
    body = fn.body[start : loop_at + 1]
    before, after = fn.body[:start], fn.body[loop_at + 1 :]
    params = {p.name: p for p in fn.params}
    exists = set(params) | _defined_anywhere(before)
    exposed = _Exposed.of(body)
    # a view's extents are read too (`A[i, j]` of `A[i*lda + j]` needs `lda`)
    extents = {v for name in exposed.names if name in declared for e in declared[name].shape or () if e is not None
               for v in free_vars(e)}
    inputs = tuple(declared[name] for name in _ordered((exposed.names | extents) & exists, order) if name in declared)

    used_after = _Exposed.of(after).names
    allocated = {s.array for s in body if isinstance(s, Alloc)}
    outputs: list[Output] = []
    for name in _ordered(arrays_written(body), order):
        if name in used_after or params.get(name, _NOT_ARRAY).kind == "array":
            p = declared[name]
            outputs.append(Output(name, "array", p.dtype, p.rank, fresh=name in allocated))
    for name in _ordered(scalars_written(body), order):
        if name in used_after or (name in params and params[name].by_reference):
            outputs.append(Output(name, "scalar", declared[name].dtype))

    span = Span(body[0].span.start, body[-1].span.end)
    sizes = _sizes(body, inputs)
    known = {p.name for p in inputs}
    layout = tuple(a for a in fn.layout_assumptions if free_vars(a) <= known)
    return LiftUnit(
        id=f"{fn.name}:{k}",
        function=fn.name,
        language=fn.language,
        span=span,
        body=body,
        inputs=inputs,
        outputs=tuple(outputs),
        sizes=sizes,
        source=_slice(source, span),
        unsupported=_unsupported(body),
        assumptions=_definitions(before, sizes) + _assumptions(body, declared, fn.language) + layout,
        known_arrays=fn.known_arrays & {p.name for p in inputs},
        layout_assumptions=layout,
    )


_NOT_ARRAY = Param("", "scalar", DType.I32)


# ------------------------------------------------------------------------------------------ reads and writes


@dataclass(slots=True)
class _Exposed:
    """Names (scalars and arrays) some path reads before the code assigns them. A store into an array the code
    did not allocate counts as a read: the array's other elements and its shape come from before."""

    names: set[str] = field(default_factory=set)

    @staticmethod
    def of(stmts: Iterable[Stmt]) -> _Exposed:
        found = _Exposed()
        found.block(stmts, set())
        return found

    def expr(self, expr: Expr, defined: set[str]) -> None:
        for node in walk_expr(expr):
            match node:
                case Var(name, _) | Load(name, _, _) | Dim(name, _, _):
                    if name not in defined:
                        self.names.add(name)
                case _:
                    pass

    def block(self, stmts: Iterable[Stmt], defined: set[str]) -> None:
        """Analyse `stmts`, adding to `defined` what they surely assign."""
        for stmt in stmts:
            for expr in stmt_exprs(stmt):
                self.expr(expr, defined)
            match stmt:
                case Assign(target, _, _):
                    if isinstance(target, VarRef):
                        defined.add(target.name)
                    elif target.array not in defined:
                        self.names.add(target.array)
                case For(var, _, _, _, body, _):
                    self.block(body, defined | {var})  # the body may run zero times: defines nothing after
                case If(_, then, else_, _):
                    then_defined, else_defined = set(defined), set(defined)
                    self.block(then, then_defined)
                    self.block(else_, else_defined)
                    defined |= then_defined & else_defined
                case Alloc(name, _, _, _, _):
                    defined.add(name)
                case Return() | Unsupported():
                    pass
                case _:
                    assert_never(stmt)


def _defined_anywhere(stmts: Iterable[Stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in walk_stmts(stmts):
        match stmt:
            case Assign(VarRef(name, _), _, _) | Alloc(name, _, _, _, _):
                names.add(name)
            case For(var=var):
                names.add(var)
            case _:
                pass
    return names


def _appearance(fn: KernelFunction) -> dict[str, int]:
    """Rank of every name: parameters in signature order, then other names by first appearance in the body."""
    order = {p.name: q for q, p in enumerate(fn.params)}
    for stmt in walk_stmts(fn.body):
        named = [e.name for x in stmt_exprs(stmt) for e in walk_expr(x) if isinstance(e, Var)]
        named += [e.array for x in stmt_exprs(stmt) for e in walk_expr(x) if isinstance(e, Load | Dim)]
        match stmt:
            case Assign(VarRef(name, _), _, _) | Assign(Store(name, _, _), _, _) | Alloc(name, _, _, _, _):
                named.append(name)
            case _:
                pass
        for name in named:
            order.setdefault(name, len(order))
    return order


def _ordered(names: Iterable[str], order: dict[str, int]) -> list[str]:
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


def _declarations(fn: KernelFunction) -> dict[str, Param]:
    """What is known of every name: parameters, declared locals, and else what its definitions and uses say."""
    declared: dict[str, Param] = {p.name: p for p in fn.params}
    allocs = {s.array: s for s in walk_stmts(fn.body) if isinstance(s, Alloc)}
    for p in fn.locals:
        alloc = allocs.get(p.name)
        if p.name not in declared:
            shaped = p.shape is None and alloc is not None
            declared[p.name] = replace(p, shape=alloc.shape) if shaped and alloc is not None else p
    for name, alloc in allocs.items():
        declared.setdefault(name, Param(name, "array", alloc.dtype, len(alloc.shape), alloc.shape))
    for stmt in walk_stmts(fn.body):
        match stmt:
            case Assign(VarRef(name, dtype), _, _):
                declared.setdefault(name, Param(name, "scalar", dtype))
            case Assign(Store(name, indices, dtype), _, _):
                declared.setdefault(name, Param(name, "array", dtype, len(indices)))
            case _:
                pass
    for expr in all_exprs(fn.body):
        match expr:
            case Var(name, dtype):
                declared.setdefault(name, Param(name, "scalar", dtype))
            case Load(name, indices, dtype):
                declared.setdefault(name, Param(name, "array", dtype, len(indices)))
            case _:
                pass
    return declared


# ----------------------------------------------------------------------------------------- sizes, assumptions


def _sizes(body: tuple[Stmt, ...], inputs: tuple[Param, ...]) -> tuple[str, ...]:
    """Integer scalar inputs that bound loops, size allocations, shape input arrays or enter index expressions
    (a leading dimension `lda` in `A[i*lda + j]`): everything the interpreter needs concrete."""
    used: set[str] = set()
    for stmt in walk_stmts(body):
        match stmt:
            case For(_, start, stop, _, _, _):
                used |= free_vars(start) | free_vars(stop)
            case Alloc(_, shape, _, _, _):
                for e in shape:
                    used |= free_vars(e)
            case Assign(Store(_, indices, _), _, _):
                for e in indices:
                    used |= free_vars(e)
            case _:
                pass
    for expr in all_exprs(body):
        if isinstance(expr, Load):
            for e in expr.indices:
                used |= free_vars(e)
    for p in inputs:
        for extent in p.shape or ():
            if extent is not None:
                used |= free_vars(extent)
    return tuple(p.name for p in inputs if p.kind == "scalar" and p.dtype.is_int and p.name in used)


def _definitions(before: tuple[Stmt, ...], sizes: tuple[str, ...]) -> tuple[Expr, ...]:
    """`n == len(a)`, `rows == dim(img, 0)` for sizes assigned once, at top level, from array extents (and
    constants) only: true by construction, and what ties a named size to the arrays it measures (examples derive
    one from the other instead of drawing both). A size set to a plain constant (`n = 8`) stays free: the loop
    is lifted for every `n`."""
    said: list[Expr] = []
    for name in sizes:
        defs = [
            s for s in walk_stmts(before)
            if isinstance(s, Assign) and isinstance(s.target, VarRef) and s.target.name == name
        ]
        if len(defs) != 1 or defs[0] not in before or free_vars(defs[0].value):
            continue
        nodes = list(walk_expr(defs[0].value))
        if any(isinstance(e, Load) for e in nodes) or not any(isinstance(e, Dim) for e in nodes):
            continue
        target = defs[0].target
        said.append(Bin(BinOp.EQ, Var(name, target.dtype), defs[0].value, DType.BOOL))
    return tuple(said)


def _assumptions(body: tuple[Stmt, ...], declared: dict[str, Param], language: Language) -> tuple[Expr, ...]:
    """`extent > c` for each constant index `c` an initialiser reads (`m = a[0]` with `a` of extent `n` says
    `n >= 1`). The extent is the declared one, else the stop of a loop that walks that axis, else `Dim`."""
    loops = [s for s in body if isinstance(s, For)]
    said: list[Expr] = []
    for init in body:
        if isinstance(init, For):
            continue
        for expr in stmt_exprs(init):
            for node in walk_expr(expr):
                if not isinstance(node, Load):
                    continue
                for axis, index in enumerate(node.indices):
                    if not (isinstance(index, Const) and isinstance(index.value, int)):
                        continue
                    extent = _extent(node.array, axis, declared, loops, language)
                    if extent is None or isinstance(extent, Const):
                        continue
                    claim = Bin(BinOp.GE, extent, Const(int(index.value) + 1, extent.dtype), DType.BOOL)
                    if claim not in said:
                        said.append(claim)
    return tuple(said)


def _extent(
    array: str, axis: int, declared: dict[str, Param], loops: list[For], language: Language
) -> Expr | None:
    param = declared.get(array)
    if param is not None and param.shape is not None and axis < len(param.shape):
        known = param.shape[axis]
        if known is not None:
            return known
    for loop in walk_stmts(loops):
        if not isinstance(loop, For) or loop.step != 1:
            continue
        accessed = [e.indices for e in all_exprs(loop.body) if isinstance(e, Load) and e.array == array]
        accessed += [
            s.target.indices for s in walk_stmts(loop.body)
            if isinstance(s, Assign) and isinstance(s.target, Store) and s.target.array == array
        ]
        for indices in accessed:
            if axis < len(indices) and indices[axis] == Var(loop.var, indices[axis].dtype):
                return loop.stop
    return Dim(array, axis) if language is Language.PYTHON else None


# ----------------------------------------------------------------------------------------------- text, reasons


def _unsupported(body: tuple[Stmt, ...]) -> str | None:
    for stmt in walk_stmts(body):
        match stmt:
            case Unsupported(reason, _):
                return reason
            case Return(_, span):
                return f"line {span.start.line + 1}: returns from inside the loop (an early exit has no tensor form)"
            case _:
                pass
    return None


def _slice(source: bytes, span: Span) -> str:
    """The text a span covers (byte columns), decoded leniently; empty when the span lies outside `source`."""
    starts, ends = _lines(source)
    if span.start.line >= len(starts):
        return ""

    def offset(line: int, character: int) -> int:
        line = min(line, len(starts) - 1)
        return starts[line] + min(character, ends[line] - starts[line])

    text = source[offset(span.start.line, span.start.character) : offset(span.end.line, span.end.character)]
    return text.decode("utf-8", errors="replace")


@lru_cache(maxsize=4)
def _lines(source: bytes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Byte offsets where each line starts and where its text ends (before the line break); cached because every
    unit of every function of a file slices the same bytes."""
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for line in source.splitlines(keepends=True):
        starts.append(at)
        ends.append(at + len(line.rstrip(b"\r\n")))
        at += len(line)
    return tuple(starts), tuple(ends)
