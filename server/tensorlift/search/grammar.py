"""The restricted grammar of one unit (design §5): only what this loop nest could be computing.

For every output of the unit the grammar has *sketches*: where the statement writes (its target indices and
domain) and which loops are left over as reductions. They come from the unit's stores: `out[n-1-i] = ...` inside
`for i in 0:n` gives the domain `i in 0:n` with `i` standing for `n-1-i` in the body; strided loops get a counter;
reversed loops run forwards (a parallel write has no order). What is not solved for the target becomes a
reduction variable with its loop's range.

Below a sketch, the expression grammar is indexed by scope (the index variables bound at that point):

    ROOT        -> SKETCH_s                                  one per sketch
    E[scope]    -> access | scalar | constant | index        leaves that fit the scope
                 | fragment                                  a subexpression of the body (static feature)
                 | E op E | -E | f(E) | f(E, E) | cast(E)    the body's operators and their close relatives
                 | select(C, E, E) | C
                 | red(k in lo:hi, E[scope + k])             k a loop variable not yet bound (in nest order)
    C[scope]    -> E cmp E | C && C | C || C

Fragments are the body's own value subexpressions translated into the sketch's variables, with straight-line
temporaries substituted and temporaries set under conditionals merged into selects (`x = in[i]; if (x < lo)
x = lo; ...; out[i] = x` gives `select(in(i) < lo, lo, ...)`); they are what lets the search jump over a rearranged
body. Accesses are the patterns the body uses (`x(i+1)`, `A(k, i)`, `x(n-1-i)`) translated into the sketch's variables,
plus every tensor of the unit with the scope's variables in each order that fits its rank. Each production has a
*label* (templatised: `bin:+`, `access:offset`, `reduce:sum`; what rule-pack priors count) and a *key* (concrete in
this unit: `leaf:x(i + 1)`, `reduce:sum:k`; what static features and LLM answers count).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ..common import MATH_FUNCTIONS, BinOp, DType, ReduceOp, UnOp
from ..kernel import nodes as K
from ..kernel.visit import walk_expr, walk_stmts
from ..tensir import nodes as T
from ..tensir.printer import show_expr
from ..tensir.typecheck import literal_dtype
from .affine import simplify_index, to_affine

I64 = DType.I64

# ------------------------------------------------------------------------------------------------ productions


@dataclass(frozen=True, slots=True)
class Nt:
    """A nonterminal: `kind` E (value), C (condition) or ROOT; `sketch` and `scope` say where it is."""

    kind: Literal["E", "C", "ROOT"]
    sketch: int = -1
    scope: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Leaf:
    expr: T.Expr


@dataclass(frozen=True, slots=True)
class BinP:
    op: BinOp


@dataclass(frozen=True, slots=True)
class UnaryP:
    op: UnOp


@dataclass(frozen=True, slots=True)
class CallP:
    fn: str


@dataclass(frozen=True, slots=True)
class SelectP:
    pass


@dataclass(frozen=True, slots=True)
class CastP:
    dtype: DType


@dataclass(frozen=True, slots=True)
class AsValueP:
    """A condition used as a number (`x * (x > 0)`)."""


@dataclass(frozen=True, slots=True)
class ReduceP:
    """`red(var in lo:hi, body)`; with `init`, an accumulator's fold from an initial value: `max(init, max(...))`
    guarded for the empty range (`select(lo < hi, ..., init)`), as a loop `m = init; for ...: m = max(m, e)`
    computes."""

    op: ReduceOp
    var: str
    lo: T.Expr
    hi: T.Expr
    init: bool = False


@dataclass(frozen=True, slots=True)
class SketchP:
    sketch: int


Production = Leaf | BinP | UnaryP | CallP | SelectP | CastP | AsValueP | ReduceP | SketchP


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One production. Rules compare by identity: a grammar builds each once, and the search hashes them a lot."""

    lhs: Nt
    label: str  # templatised, unit-independent: what priors count
    key: str  # concrete in this unit: what features and LLM answers count
    args: tuple[Nt, ...]
    production: Production


@dataclass(frozen=True, slots=True)
class Sketch:
    """Where one statement for `output` writes: `target(indices) = E for domain`, with `reductions` available."""

    output: str
    dtype: DType
    domain: tuple[T.Loop, ...]
    reductions: tuple[T.Loop, ...]
    accesses: tuple[T.Access, ...]  # the body's loads, in this sketch's variables
    widened: bool = False  # a fresh output's whole extent, where the loops write only part of it
    fragments: tuple[T.Expr, ...] = ()  # the body's own subexpressions, in this sketch's variables
    prelude: T.Statement | None = None  # for a fresh output the loops write only partly: its initialisation

    @property
    def indices(self) -> tuple[T.Expr, ...]:
        return tuple(T.Idx(loop.var) for loop in self.domain)

    @property
    def variables(self) -> tuple[T.Loop, ...]:
        return self.domain + self.reductions


@dataclass(frozen=True, slots=True)
class OutputGrammar:
    output: K.Output
    sketches: tuple[Sketch, ...]
    rules: tuple[Rule, ...]

    def by_lhs(self) -> dict[Nt, list[Rule]]:
        table: dict[Nt, list[Rule]] = {}
        for rule in self.rules:
            table.setdefault(rule.lhs, []).append(rule)
        return table


@dataclass(frozen=True, slots=True)
class UnitGrammar:
    unit: K.LiftUnit
    outputs: tuple[OutputGrammar, ...]
    features: Mapping[str, int] = field(default_factory=dict)  # rule key or label -> occurrences in the body
    reason: str | None = None  # why some output has no sketch


# ---------------------------------------------------------------------------------------------- construction

# Close relatives: an operator in the body makes these available too.
_RELATIVES: dict[BinOp, tuple[BinOp, ...]] = {
    BinOp.ADD: (BinOp.SUB,), BinOp.SUB: (BinOp.ADD,), BinOp.MUL: (BinOp.ADD,), BinOp.DIV_REAL: (BinOp.MUL,),
    BinOp.DIV_TRUNC: (BinOp.MUL,), BinOp.DIV_FLOOR: (BinOp.MUL,),
    BinOp.MIN: (BinOp.MAX,), BinOp.MAX: (BinOp.MIN,),
}
_COMPARISONS = (BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE, BinOp.EQ, BinOp.NE)
_MAX_PERMUTED_RANK = 3
_MAX_FRAGMENTS = 24


def build_grammar(unit: K.LiftUnit, fragments: bool = True) -> UnitGrammar:
    """The restricted grammar of `unit`: sketches per output and the productions below them. With `fragments`,
    the body's own subexpressions (temporaries substituted) are productions too: a static feature of the unit,
    which the `uniform` and `priors` configurations leave out so that they measure the plain enumerator."""
    scalars = {p.name: p.dtype for p in unit.inputs if p.kind == "scalar"}
    tensors = {p.name: (p.dtype, p.rank) for p in unit.inputs if p.kind == "array"}
    body_ops = _body_operators(unit)
    features = _features(unit)
    outputs: list[OutputGrammar] = []
    missing: list[str] = []
    for out in unit.outputs:
        sketches = tuple(_sketches(unit, out, scalars, tensors))
        if not fragments:
            sketches = tuple(replace(sk, fragments=()) for sk in sketches)
        if not sketches:
            missing.append(out.name)
            continue
        rules = _rules(unit, out, sketches, scalars, tensors, body_ops)
        outputs.append(OutputGrammar(out, sketches, tuple(rules)))
        for s in sketches:
            for a in s.accesses:
                key = "leaf:" + show_expr(a)
                features[key] = features.get(key, 0) + 1
            for f in s.fragments:
                key = "frag:" + show_expr(f)
                features[key] = features.get(key, 0) + 1
    reason = None
    if missing:
        reason = (f"no loop writes {', '.join(f'`{m}`' for m in missing)} at an index the search can solve for "
                  "(each target index must move by ±1 with one loop)")
    return UnitGrammar(unit, tuple(outputs), features, reason)


# -------------------------------------------------------------------------------------------- K -> T translation


class _Untranslatable(Exception):
    pass


def to_tensir(e: K.Expr, subst: Mapping[str, T.Expr], scalars: Mapping[str, DType]) -> T.Expr:
    """A Kernel expression over loop variables (replaced by `subst`) and unit inputs, in TensIR."""
    match e:
        case K.Const(value=value, dtype=dtype):
            return T.Const(value, dtype)
        case K.Var(name=name, dtype=dtype):
            if name in subst:
                return subst[name]
            if name in scalars:
                return T.Scalar(name, scalars[name])
            raise _Untranslatable(name)
        case K.Load(array=array, indices=indices, dtype=dtype):
            return T.Access(array, tuple(simplify_index(to_tensir(i, subst, scalars)) for i in indices), dtype)
        case K.Bin(op=op, lhs=lhs, rhs=rhs, dtype=dtype):
            return _exact_division(T.Bin(op, to_tensir(lhs, subst, scalars), to_tensir(rhs, subst, scalars), dtype))
        case K.Unary(op=op, operand=operand, dtype=dtype):
            return T.Unary(op, to_tensir(operand, subst, scalars), dtype)
        case K.Call(fn=fn, args=args, dtype=dtype):
            return T.Call(fn, tuple(to_tensir(a, subst, scalars) for a in args), dtype)
        case K.Select(cond=c, then=a, else_=b, dtype=dtype):
            return T.Select(to_tensir(c, subst, scalars), to_tensir(a, subst, scalars), to_tensir(b, subst, scalars),
                            dtype)
        case K.Cast(operand=operand, dtype=dtype):
            return T.Cast(to_tensir(operand, subst, scalars), dtype)
        case K.Dim(array=array, axis=axis):
            return T.Dim(array, axis)
    raise AssertionError(e)


def _exact_division(e: T.Bin) -> T.Expr:
    """`(2*t + 2) / 2` is `t + 1` where every term but the constant is a multiple of the divisor (index
    arithmetic of strided loops: `out[i / 2]` with `i = 2*t`). Truncating division is taken as flooring, which it
    is for the non-negative indices these are; the examples and the verifier check the rest."""
    if e.op not in (BinOp.DIV_TRUNC, BinOp.DIV_FLOOR) or not isinstance(e.rhs, T.Const):
        return e
    k = e.rhs.value
    if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
        return e
    form = to_affine(e.lhs)
    if any(key and coeff % k for key, (coeff, _) in form.items()):
        return e
    from .affine import from_affine

    scaled = {key: (coeff // k, atom) for key, (coeff, atom) in form.items()}
    scaled = {key: v for key, v in scaled.items() if v[0]}
    return from_affine(scaled, e.dtype if e.dtype.is_int else I64)


def _index(e: T.Expr) -> T.Expr:
    return simplify_index(e)


@dataclass(frozen=True, slots=True)
class _LoopInfo:
    var: str  # the TensIR variable (the kernel's name, or a renamed duplicate)
    source: str  # the kernel's loop variable
    lo: K.Expr
    hi: K.Expr
    step: int
    depth: int


def _nests(unit: K.LiftUnit) -> list[tuple[K.For, list[tuple[K.For, tuple[K.For, ...]]]]]:
    """Each top-level loop nest with every loop inside it and that loop's enclosing loops."""
    found: list[tuple[K.For, list[tuple[K.For, tuple[K.For, ...]]]]] = []

    def inner(stmts: Sequence[K.Stmt], outer: tuple[K.For, ...], acc: list[tuple[K.For, tuple[K.For, ...]]]) -> None:
        for s in stmts:
            match s:
                case K.For(body=body):
                    acc.append((s, outer))
                    inner(body, (*outer, s), acc)
                case K.If(then=then, else_=else_):
                    inner(then, outer, acc)
                    inner(else_, outer, acc)
                case _:
                    pass

    def top(stmts: Sequence[K.Stmt]) -> None:
        for s in stmts:
            match s:
                case K.For():
                    acc: list[tuple[K.For, tuple[K.For, ...]]] = []
                    inner((s,), (), acc)
                    found.append((s, acc))
                case K.If(then=then, else_=else_):
                    top(then)
                    top(else_)
                case _:
                    pass

    top(unit.body)
    return found


def _loop_range(loop: K.For, subst: Mapping[str, T.Expr], scalars: Mapping[str, DType]) -> tuple[T.Expr, T.Expr,
                                                                                               T.Expr | None]:
    """`(lo, hi, source)`: the TensIR range of the loop's variable (or of its counter) and, for a counter, the
    source index in terms of it (None when the variable itself runs over lo:hi)."""
    start = _index(to_tensir(loop.start, subst, scalars))
    stop = _index(to_tensir(loop.stop, subst, scalars))
    if loop.step == 1:
        return start, stop, None
    if loop.step == -1:
        one = T.Const(1, DType.I32)
        return _index(T.Bin(BinOp.ADD, stop, one, I64)), _index(T.Bin(BinOp.ADD, start, one, I64)), None
    step = abs(loop.step)
    first, last = (stop, start) if loop.step > 0 else (start, stop)
    span = _index(T.Bin(BinOp.ADD, T.Bin(BinOp.SUB, first, last, I64), T.Const(step - 1, DType.I32), I64))
    trip = T.Bin(BinOp.DIV_FLOOR, span, T.Const(step, DType.I32), I64)
    source = _index(T.Bin(BinOp.ADD, start, T.Bin(BinOp.MUL, T.Const(loop.step, DType.I32), T.Idx(loop.var), I64), I64))
    return T.Const(0, DType.I32), trip, source


def _sketches(unit: K.LiftUnit, out: K.Output, scalars: Mapping[str, DType],
              tensors: Mapping[str, tuple[DType, int]]) -> Iterator[Sketch]:
    seen: set[tuple[tuple[T.Loop, ...], tuple[T.Loop, ...]]] = set()
    for _, loops in _nests(unit):
        for loop, _outer in loops:
            for stmt in loop.body:
                for s in walk_stmts((stmt,)):
                    if not isinstance(s, K.Assign):
                        continue
                    target = s.target
                    enclosing = _enclosing(loops, s)
                    if enclosing is None:
                        continue
                    if out.kind == "array" and isinstance(target, K.Store) and target.array == out.name:
                        sketch = _array_sketch(unit, out, target, enclosing, loops, scalars, tensors)
                    elif out.kind == "scalar" and isinstance(target, K.VarRef) and target.name == out.name:
                        sketch = _scalar_sketch(unit, out, loops, scalars, tensors)
                    else:
                        continue
                    if sketch is None:
                        continue
                    sketch = _fresh_dims(unit, sketch, scalars)
                    partial = _with_prelude(unit, out, sketch, scalars)
                    for found in (partial or sketch, _widened(unit, out, sketch, scalars)):
                        if found is not None and (found.domain, found.reductions) not in seen:
                            seen.add((found.domain, found.reductions))
                            yield found
            break  # the nest's outermost loop's body covers every statement in it


def _alloc_shapes(unit: K.LiftUnit, scalars: Mapping[str, DType]) -> dict[str, tuple[T.Expr, ...]]:
    shapes: dict[str, tuple[T.Expr, ...]] = {}
    for stmt in unit.body:
        if isinstance(stmt, K.Alloc):
            try:
                shapes[stmt.array] = tuple(_index(to_tensir(e, {}, scalars)) for e in stmt.shape)
            except _Untranslatable:
                continue
    return shapes


def _fresh_dims(unit: K.LiftUnit, sketch: Sketch, scalars: Mapping[str, DType]) -> Sketch:
    """`dim(y, 0)` of an array the unit allocates is its allocation's extent (the array does not exist before)."""
    from ..tensir.visit import map_expr

    shapes = _alloc_shapes(unit, scalars)
    if not shapes:
        return sketch

    def fix(e: T.Expr) -> T.Expr:
        if isinstance(e, T.Dim) and e.tensor in shapes and e.axis < len(shapes[e.tensor]):
            return shapes[e.tensor][e.axis]
        return e

    def loops(ls: tuple[T.Loop, ...]) -> tuple[T.Loop, ...]:
        return tuple(T.Loop(x.var, _index(map_expr(x.lo, fix)), _index(map_expr(x.hi, fix))) for x in ls)

    accesses = tuple(a for a in (map_expr(x, fix) for x in sketch.accesses) if isinstance(a, T.Access))
    fragments = tuple(map_expr(x, fix) for x in sketch.fragments)
    return Sketch(sketch.output, sketch.dtype, loops(sketch.domain), loops(sketch.reductions), accesses,
                  sketch.widened, fragments)


def _with_prelude(unit: K.LiftUnit, out: K.Output, sketch: Sketch, scalars: Mapping[str, DType]) -> Sketch | None:
    """A fresh output allocated with a constant (`np.zeros((h, w))`) whose loops write only its interior: the
    allocation becomes a first statement, `out(z0, z1) = 0.0 for z0 in 0:h, z1 in 0:w`, and the sketch updates it."""
    alloc = next((s for s in unit.body if isinstance(s, K.Alloc) and s.array == out.name), None)
    shape = _alloc_shapes(unit, scalars).get(out.name)
    if not out.fresh or alloc is None or not isinstance(alloc.init, K.Const) or shape is None \
            or len(shape) != len(sketch.domain):
        return None
    zero = T.Const(0, DType.I32)
    if all(_index(d.lo) == zero and _index(d.hi) == _index(x) for d, x in zip(sketch.domain, shape, strict=True)):
        return None
    names = [f"z{n}" for n in range(len(shape))]
    prelude = T.Statement(out.name, tuple(T.Idx(v) for v in names),
                          tuple(T.Loop(v, zero, x) for v, x in zip(names, shape, strict=True)),
                          T.Const(alloc.init.value, alloc.init.dtype), out.dtype)
    return replace(sketch, prelude=prelude)


def _widened(unit: K.LiftUnit, out: K.Output, sketch: Sketch, scalars: Mapping[str, DType]) -> Sketch | None:
    """For a fresh output the loops write only partly, the same sketch over the allocation's whole extent (the
    value then chooses, by index, between what the loop writes and the initial value)."""
    shape = _alloc_shapes(unit, scalars).get(out.name)
    if not out.fresh or shape is None or len(shape) != len(sketch.domain):
        return None
    zero = T.Const(0, DType.I32)
    whole = tuple(T.Loop(d.var, zero, extent) for d, extent in zip(sketch.domain, shape, strict=True))
    if all(_index(d.lo) == zero and _index(d.hi) == _index(w.hi) for d, w in zip(sketch.domain, whole, strict=True)):
        return None
    return Sketch(sketch.output, sketch.dtype, whole, sketch.reductions, sketch.accesses, True, sketch.fragments)


def _enclosing(loops: list[tuple[K.For, tuple[K.For, ...]]], target: K.Stmt) -> tuple[K.For, ...] | None:
    """The loops around statement `target` (outermost first): the innermost loop whose body holds it, in pre-order
    the last one."""
    found: tuple[K.For, ...] | None = None
    for loop, outer in loops:
        if any(s is target for s in walk_stmts(loop.body)):
            found = (*outer, loop)
    return found


def _array_sketch(unit: K.LiftUnit, out: K.Output, store: K.Store, enclosing: tuple[K.For, ...],
                  loops: list[tuple[K.For, tuple[K.For, ...]]], scalars: Mapping[str, DType],
                  tensors: Mapping[str, tuple[DType, int]]) -> Sketch | None:
    # Counters for strided loops: the source variable becomes `start + step * t`.
    counters: dict[str, T.Expr] = {}
    ranges: dict[str, tuple[T.Expr, T.Expr]] = {}
    for loop in enclosing:
        try:
            lo, hi, source = _loop_range(loop, counters, scalars)
        except _Untranslatable:
            return None
        ranges[loop.var] = (lo, hi)
        counters[loop.var] = source if source is not None else T.Idx(loop.var)
    try:
        inductions = _inductions(unit, enclosing[-1], store, counters, scalars) if enclosing else {}
        indices = [_index(to_tensir(i, {**counters, **inductions}, scalars)) for i in store.indices]
    except _Untranslatable:
        return None
    solved: dict[str, T.Expr] = {}  # loop var -> expression in domain variables
    domain: list[T.Loop] = []
    loop_names = set(ranges)
    for index in indices:
        form = to_affine(index)
        moving = [(key, coeff, atom) for key, (coeff, atom) in form.items()
                  if isinstance(atom, T.Idx) and atom.name in loop_names]
        if len(moving) != 1 or abs(moving[0][1]) != 1 or moving[0][2].name in solved:
            return None
        _, coeff, atom = moving[0]
        var = atom.name
        rest = _index(T.Bin(BinOp.SUB, index, T.Bin(BinOp.MUL, T.Const(coeff, I64), T.Idx(var), I64), I64))
        if any(isinstance(a, T.Idx) for _, (_, a) in to_affine(rest).items()):
            return None
        lo, hi = ranges[var]
        one = T.Const(1, I64)
        if coeff == 1:
            solved[var] = _index(T.Bin(BinOp.SUB, T.Idx(var), rest, I64))
            dlo, dhi = _index(T.Bin(BinOp.ADD, lo, rest, I64)), _index(T.Bin(BinOp.ADD, hi, rest, I64))
        else:
            solved[var] = _index(T.Bin(BinOp.SUB, rest, T.Idx(var), I64))
            dlo = _index(T.Bin(BinOp.ADD, T.Bin(BinOp.SUB, rest, hi, I64), one, I64))
            dhi = _index(T.Bin(BinOp.ADD, T.Bin(BinOp.SUB, rest, lo, I64), one, I64))
        domain.append(T.Loop(var, dlo, dhi))
    if len(domain) != out.rank:
        return None
    subst = {name: _index(_subst(expr, solved)) for name, expr in counters.items()}
    # domain ranges must only use earlier domain variables
    domain = [T.Loop(d.var, _index(_subst(d.lo, solved)), _index(_subst(d.hi, solved))) for d in domain]
    for n, d in enumerate(domain):
        later = {x.var for x in domain[n:]}
        if _mentions_any(d.lo, later) or _mentions_any(d.hi, later):
            return None
    domain_vars = {d.var for d in domain}
    return _finish(unit, out, tuple(domain), subst, domain_vars, loops, scalars, tensors)


def _inductions(unit: K.LiftUnit, loop: K.For, store: K.Store, counters: Mapping[str, T.Expr],
                scalars: Mapping[str, DType]) -> dict[str, T.Expr]:
    """Second counters: `j = c` before the loop and `j = j + d` once per iteration (`out[j++] = ...`) make `j` the
    affine function `c + d*t` of the iteration number `t` (plus `d` where the store comes after the step)."""
    found: dict[str, T.Expr] = {}
    starts = {s.target.name: s.value.value for s in unit.body if isinstance(s, K.Assign)
              and isinstance(s.target, K.VarRef) and isinstance(s.value, K.Const) and isinstance(s.value.value, int)}
    position = next((n for n, s in enumerate(loop.body) if isinstance(s, K.Assign) and s.target is store), None)
    if position is None:
        return found
    try:
        start = _index(to_tensir(loop.start, counters, scalars))
    except _Untranslatable:
        return found
    var = T.Idx(loop.var)
    t: T.Expr = var if abs(loop.step) != 1 else (T.Bin(BinOp.SUB, var, start, I64) if loop.step == 1 else
                                                 T.Bin(BinOp.SUB, start, var, I64))
    for n, s in enumerate(loop.body):
        match s:
            case K.Assign(target=K.VarRef(name=name), value=K.Bin(op=BinOp.ADD, lhs=K.Var(name=same),
                                                                   rhs=K.Const(value=step))) \
                    if name == same and name in starts and isinstance(step, int):
                assigned = [x for x in walk_stmts(loop.body) if isinstance(x, K.Assign)
                            and isinstance(x.target, K.VarRef) and x.target.name == name]
                if len(assigned) != 1:
                    continue
                steps = T.Bin(BinOp.ADD, t, T.Const(1, I64), I64) if n < position else t
                found[name] = _index(T.Bin(BinOp.ADD, T.Const(starts[name], I64),
                                           T.Bin(BinOp.MUL, T.Const(step, I64), steps, I64), I64))
            case _:
                pass
    return found


def _scalar_sketch(unit: K.LiftUnit, out: K.Output, loops: list[tuple[K.For, tuple[K.For, ...]]],
                   scalars: Mapping[str, DType], tensors: Mapping[str, tuple[DType, int]]) -> Sketch | None:
    return _finish(unit, out, (), {}, set(), loops, scalars, tensors)


def _finish(unit: K.LiftUnit, out: K.Output, domain: tuple[T.Loop, ...], subst: dict[str, T.Expr],
            domain_vars: set[str], loops: list[tuple[K.For, tuple[K.For, ...]]], scalars: Mapping[str, DType],
            tensors: Mapping[str, tuple[DType, int]]) -> Sketch | None:
    """Every loop of the nest not solved for the target becomes a reduction variable (nest order); the body's
    loads are translated into the sketch's variables."""
    reductions: list[T.Loop] = []
    mapping: dict[str, T.Expr] = {}
    for loop, outer in loops:
        env = {**{o.var: mapping.get(o.var, T.Idx(o.var)) for o in outer}, **subst}
        if loop.var in domain_vars:
            mapping[loop.var] = subst.get(loop.var, T.Idx(loop.var))
            continue
        if any(r.var == loop.var for r in reductions):
            continue
        try:
            lo, hi, source = _loop_range(loop, env, scalars)
        except _Untranslatable:
            return None
        reductions.append(T.Loop(loop.var, lo, hi))
        mapping[loop.var] = source if source is not None else T.Idx(loop.var)
    mapping.update({k: v for k, v in subst.items()})
    accesses: list[T.Access] = []
    outside = [s for s in unit.body if not isinstance(s, K.For)]  # initialisations: `m = v[0]`
    for body in [outside, *(loop.body for loop, _ in loops)]:
        for s in body:
            for stmt in walk_stmts((s,)):
                for e in _stmt_exprs(stmt):
                    for node in walk_expr(e):
                        if isinstance(node, K.Load) and node.array in tensors:
                            try:
                                access = to_tensir(node, mapping, scalars)
                            except _Untranslatable:
                                continue
                            if isinstance(access, T.Access) and access not in accesses:
                                accesses.append(access)
    fragments: list[T.Expr] = []
    for loop, _ in loops:
        _collect_fragments(loop.body, dict(mapping), scalars, fragments)
    return Sketch(out.name, out.dtype, domain, tuple(reductions), tuple(accesses), fragments=tuple(fragments))


def _collect_fragments(body: Sequence[K.Stmt], env: dict[str, T.Expr], scalars: Mapping[str, DType],
                       found: list[T.Expr]) -> None:
    """The body's value subexpressions in TensIR, with straight-line temporaries substituted (`aa = a[i]*a[i]`)
    and temporaries set under a conditional merged into a select (`x = in[i]; if (x < lo) x = lo;`)."""

    def note(e: K.Expr) -> None:
        for node in _value_nodes(e):
            if isinstance(node, K.Bin | K.Unary | K.Call | K.Select | K.Cast):
                try:
                    fragment = to_tensir(node, env, scalars)
                except _Untranslatable:
                    continue
                if fragment not in found and len(found) < _MAX_FRAGMENTS:
                    found.append(fragment)
        try:
            whole = to_tensir(e, env, scalars)
        except _Untranslatable:
            return
        if whole not in found and not isinstance(whole, T.Access | T.Const | T.Scalar) and \
                len(found) < _MAX_FRAGMENTS:
            found.append(whole)

    for stmt in body:
        match stmt:
            case K.Assign(target=K.VarRef(name=name), value=value):
                note(value)
                try:
                    env[name] = to_tensir(value, env, scalars)
                except _Untranslatable:
                    env.pop(name, None)
            case K.Assign(value=value):
                note(value)
            case K.If(cond=cond, then=then, else_=else_):
                note(cond)
                yes, no = dict(env), dict(env)
                _collect_fragments(then, yes, scalars, found)
                _collect_fragments(else_, no, scalars, found)
                try:
                    test = to_tensir(cond, env, scalars)
                except _Untranslatable:
                    test = None
                for name in {n for n in (*yes, *no) if yes.get(n) is not env.get(n) or no.get(n) is not env.get(n)}:
                    a, b = yes.get(name), no.get(name)
                    if test is None or a is None or b is None:
                        env.pop(name, None)
                    else:
                        env[name] = a if a == b else T.Select(test, a, b, a.dtype if a.dtype is b.dtype else
                                                              _promote(a.dtype, b.dtype))
            case K.For(body=inner):
                _collect_fragments(inner, {k: v for k, v in env.items() if k != stmt.var}, scalars, found)
                sums = _accumulated(stmt, env, scalars)
                for s in walk_stmts(inner):
                    if isinstance(s, K.Assign) and isinstance(s.target, K.VarRef):
                        env.pop(s.target.name, None)
                for name, total in sums.items():
                    env[name] = total
                    if total not in found and len(found) < _MAX_FRAGMENTS:
                        found.append(total)
            case _:
                pass


def _accumulated(loop: K.For, env: Mapping[str, T.Expr], scalars: Mapping[str, DType]) -> dict[str, T.Expr]:
    """Temporaries a step-1 loop sums into (`dot = 0; for c: dot += a[r][c] * x[c]`) as `0 + sum(c in lo:hi, e)`:
    what the temporary holds after the loop, so that `y[r] = alpha * dot + ...` becomes a fragment too."""
    found: dict[str, T.Expr] = {}
    if loop.step != 1:
        return found
    inner = {k: v for k, v in env.items() if k != loop.var}
    try:
        lo, hi = _index(to_tensir(loop.start, inner, scalars)), _index(to_tensir(loop.stop, inner, scalars))
    except _Untranslatable:
        return found
    assigned = [s for s in walk_stmts(loop.body) if isinstance(s, K.Assign) and isinstance(s.target, K.VarRef)]
    for s in loop.body:
        match s:
            case K.Assign(target=K.VarRef(name=name), value=K.Bin(op=BinOp.ADD, lhs=K.Var(name=same), rhs=term)) \
                    if name == same and name in env and sum(a.target.name == name for a in assigned) == 1:  # type: ignore[union-attr]
                try:
                    body = to_tensir(term, {**inner, loop.var: T.Idx(loop.var)}, scalars)
                except _Untranslatable:
                    continue
                red = T.Reduce(ReduceOp.SUM, loop.var, lo, hi, body, body.dtype)
                start = env[name]
                found[name] = red if isinstance(start, T.Const) and start.value == 0 else \
                    T.Bin(BinOp.ADD, start, red, _promote(start.dtype, red.dtype))
            case _:
                pass
    return found


def _promote(a: DType, b: DType) -> DType:
    from ..common import promote

    return promote(a, b)


def _stmt_exprs(stmt: K.Stmt, values_only: bool = False) -> tuple[K.Expr, ...]:
    match stmt:
        case K.Assign(target=K.Store(indices=indices), value=value):
            return (value,) if values_only else (*indices, value)
        case K.Assign(value=value):
            return (value,)
        case K.If(cond=cond):
            return (cond,)
        case _:
            return ()


def _subst(expr: T.Expr, mapping: Mapping[str, T.Expr]) -> T.Expr:
    from ..tensir.visit import substitute

    return substitute(expr, mapping)


def _mentions_any(expr: T.Expr, names: set[str]) -> bool:
    from .affine import mentions

    return mentions(expr, names)


# ------------------------------------------------------------------------------------------------------ rules


@dataclass(frozen=True, slots=True)
class _Operators:
    binary: frozenset[BinOp]
    unary: frozenset[UnOp]
    calls: frozenset[str]
    casts: frozenset[DType]
    select: bool
    comparisons: frozenset[BinOp]
    constants: tuple[T.Const, ...]
    index_values: bool  # a loop variable is used as a value


def _body_operators(unit: K.LiftUnit) -> _Operators:
    binary: set[BinOp] = set()
    unary: set[UnOp] = set()
    calls: set[str] = set()
    casts: set[DType] = set()
    comparisons: set[BinOp] = set()
    constants: list[T.Const] = []
    select = False
    index_values = False
    loop_vars = {s.var for s in walk_stmts(unit.body) if isinstance(s, K.For)}
    for stmt in walk_stmts(unit.body):
        if isinstance(stmt, K.If):
            select = True
        value_roots: tuple[K.Expr, ...] = ()
        match stmt:
            case K.Assign(value=value):
                value_roots = (value,)
            case K.If(cond=cond):
                value_roots = (cond,)
            case K.Alloc(init=init) if init is not None:
                value_roots = (init,)
        for root in value_roots:
            for node in _value_nodes(root):
                match node:
                    case K.Bin(op=op):
                        (comparisons if op.is_comparison else binary).add(op)
                    case K.Unary(op=op):
                        unary.add(op)
                    case K.Call(fn=fn):
                        calls.add(fn)
                    case K.Cast(dtype=dtype):
                        casts.add(dtype)
                    case K.Select():
                        select = True
                    case K.Const(value=cvalue, dtype=cdtype) if not isinstance(cvalue, bool):
                        c = T.Const(cvalue, cdtype)
                        if c not in constants:
                            constants.append(c)
                    case K.Var(name=name) if name in loop_vars:
                        index_values = True
                    case _:
                        pass
    for op in list(binary):
        binary.update(_RELATIVES.get(op, ()))
    if comparisons or select:
        select = True
        comparisons.update(_COMPARISONS)
        binary.update((BinOp.MIN, BinOp.MAX))
    if "abs" in calls:
        unary.add(UnOp.NEG)
    return _Operators(frozenset(binary), frozenset(unary), frozenset(calls), frozenset(casts), select,
                      frozenset(comparisons), tuple(constants), index_values)


def _value_nodes(root: K.Expr) -> Iterator[K.Expr]:
    """Nodes of a value expression, not descending into array indices (those are access patterns)."""
    yield root
    match root:
        case K.Load():
            return
        case _:
            from ..kernel.visit import children

            for c in children(root):
                yield from _value_nodes(c)


def _rules(unit: K.LiftUnit, out: K.Output, sketches: Sequence[Sketch], scalars: Mapping[str, DType],
           tensors: Mapping[str, tuple[DType, int]], ops: _Operators) -> list[Rule]:
    rules: list[Rule] = []
    root = Nt("ROOT")
    for n, sketch in enumerate(sketches):
        rules.append(Rule(root, "sketch", f"sketch:{n}", (Nt("E", n, tuple(d.var for d in sketch.domain)),),
                          SketchP(n)))
    value_dtype = out.dtype
    for n, sketch in enumerate(sketches):
        pool = [r.var for r in sketch.reductions]
        for scope in _scopes(sketch):
            e, c = Nt("E", n, scope), Nt("C", n, scope)
            rules += _leaves(unit, out, sketch, e, scope, scalars, tensors, ops, value_dtype)
            for op in sorted(ops.binary, key=lambda o: o.value):
                rules.append(Rule(e, f"bin:{op.value}", f"bin:{op.value}", (e, e), BinP(op)))
            for uop in sorted(ops.unary, key=lambda o: o.value):
                if uop is UnOp.NEG:
                    rules.append(Rule(e, "un:-", "un:-", (e,), UnaryP(uop)))
            for fn in sorted(ops.calls):
                arity = MATH_FUNCTIONS.get(fn, 1)
                rules.append(Rule(e, f"call:{fn}", f"call:{fn}", (e,) * arity, CallP(fn)))
            for dtype in sorted(ops.casts, key=lambda d: d.value):
                rules.append(Rule(e, "cast", f"cast:{dtype.value}", (e,), CastP(dtype)))
            if ops.select or sketch.widened:
                rules.append(Rule(e, "select", "select", (c, e, e), SelectP()))
                rules.append(Rule(e, "bool", "bool", (c,), AsValueP()))
                for op in sorted(ops.comparisons or frozenset(_COMPARISONS), key=lambda o: o.value):
                    rules.append(Rule(c, f"cmp:{op.value}", f"cmp:{op.value}", (e, e), BinP(op)))
            bound = [v for v in scope if v in pool]
            after = pool.index(bound[-1]) + 1 if bound else 0
            for loop in sketch.reductions[after:]:
                inner = Nt("E", n, (*scope, loop.var))
                for rop in _reduce_ops(ops):
                    rules.append(Rule(e, f"reduce:{rop.value}", f"reduce:{rop.value}:{loop.var}", (inner,),
                                      ReduceP(rop, loop.var, loop.lo, loop.hi)))
                    if rop in (ReduceOp.MAX, ReduceOp.MIN):
                        rules.append(Rule(e, f"fold:{rop.value}", f"fold:{rop.value}:{loop.var}", (e, inner),
                                          ReduceP(rop, loop.var, loop.lo, loop.hi, init=True)))
    return rules


def _reduce_ops(ops: _Operators) -> tuple[ReduceOp, ...]:
    found = [ReduceOp.SUM]
    if ops.select or BinOp.MAX in ops.binary or BinOp.MIN in ops.binary:
        found += [ReduceOp.MAX, ReduceOp.MIN]
    if BinOp.MUL in ops.binary:
        found.append(ReduceOp.PROD)
    return tuple(found)


def _scopes(sketch: Sketch) -> list[tuple[str, ...]]:
    """Every scope a derivation can reach: the domain plus an increasing sequence of reduction variables."""
    base = tuple(d.var for d in sketch.domain)
    pool = [r.var for r in sketch.reductions]
    scopes = []
    for k in range(len(pool) + 1):
        for combo in itertools.combinations(pool, k):
            scopes.append(base + combo)
    return scopes


def _leaves(unit: K.LiftUnit, out: K.Output, sketch: Sketch, e: Nt, scope: tuple[str, ...],
            scalars: Mapping[str, DType], tensors: Mapping[str, tuple[DType, int]], ops: _Operators,
            value_dtype: DType) -> list[Rule]:
    rules: list[Rule] = []
    bound = set(scope)
    patterns: list[T.Access] = []
    for access in sketch.accesses:
        if _vars_of(access) <= bound and access not in patterns:
            patterns.append(access)
    for name, (dtype, rank) in tensors.items():
        if rank == 0 or rank > _MAX_PERMUTED_RANK or rank > len(scope):
            continue
        for chosen in itertools.permutations(scope, rank):
            access = T.Access(name, tuple(T.Idx(v) for v in chosen), dtype)
            if access not in patterns:
                patterns.append(access)
    for access in patterns:
        label = "access:self" if access.tensor == out.name else "access:" + access_kind(access, scope)
        rules.append(Rule(e, label, "leaf:" + show_expr(access), (), Leaf(access)))
    for fragment in sketch.fragments:
        if _vars_of(fragment) <= bound:
            lhs = Nt("C", e.sketch, e.scope) if fragment.dtype is DType.BOOL else e
            rules.append(Rule(lhs, "fragment", "frag:" + show_expr(fragment), (), Leaf(fragment)))
    for name, dtype in scalars.items():
        label = "scalar:self" if name == out.name else "scalar"
        rules.append(Rule(e, label, "leaf:" + name, (), Leaf(T.Scalar(name, dtype))))
    for c in _constants(ops.constants, value_dtype):
        label = f"const:{c.value:g}" if c.value in (0, 1) else "const:other"
        rules.append(Rule(e, label, "leaf:" + show_expr(c), (), Leaf(c)))
    if ops.index_values or sketch.widened:
        for v in scope:
            rules.append(Rule(e, "idx", "leaf:" + v, (), Leaf(T.Idx(v))))
    return rules


def _constants(found: Sequence[T.Const], value_dtype: DType) -> list[T.Const]:
    zero_one = [T.Const(0.0, DType.F64), T.Const(1.0, DType.F64)] if value_dtype.is_float else \
        [T.Const(0, literal_dtype(0)), T.Const(1, literal_dtype(1))]
    out = list(zero_one)
    for c in found:
        if c not in out and not any(c.value == o.value and c.dtype.is_float == o.dtype.is_float for o in out):
            out.append(c)
    return out


def _vars_of(expr: T.Expr) -> set[str]:
    """The index variables `expr` uses and does not bind itself."""
    match expr:
        case T.Idx(name=name):
            return {name}
        case T.Reduce(var=var, lo=lo, hi=hi, body=body):
            return _vars_of(lo) | _vars_of(hi) | (_vars_of(body) - {var})
        case _:
            from ..tensir.visit import children

            found: set[str] = set()
            for c in children(expr):
                found |= _vars_of(c)
            return found


def access_kind(access: T.Access, scope: Sequence[str]) -> str:
    """The templatised shape of an access pattern: identity, transpose, offset, reverse, strided, fixed."""
    kinds: list[str] = []
    plain: list[str] = []
    for index in access.indices:
        form = to_affine(index)
        moving = [(c, a) for _, (c, a) in form.items() if isinstance(a, T.Idx)]
        others = [k for k, (_, a) in form.items() if not isinstance(a, T.Idx)]
        if not moving:
            kinds.append("fixed")
        elif len(moving) > 1:
            kinds.append("offset")
        elif moving[0][0] == -1:
            kinds.append("reverse")
        elif abs(moving[0][0]) > 1:
            kinds.append("strided")
        elif others:
            kinds.append("offset")
        else:
            plain.append(moving[0][1].name)
    for kind in ("strided", "reverse", "offset", "fixed"):
        if kind in kinds:
            return kind
    order = [v for v in scope if v in plain]
    return "identity" if plain == order else "transpose"


# --------------------------------------------------------------------------------------------- static features


def _features(unit: K.LiftUnit) -> dict[str, int]:
    """Counts of rule keys the loop body shows: its operators, calls, comparisons and accumulations."""
    counts: Counter[str] = Counter()
    for stmt in walk_stmts(unit.body):
        roots: tuple[K.Expr, ...] = ()
        match stmt:
            case K.Assign(target=target, value=value):
                roots = (value,)
                accumulated = _accumulation(target, value)
                if accumulated is not None:
                    counts[f"reduce:{accumulated.value}"] += 2
                    counts[f"fold:{accumulated.value}"] += 2
            case K.If(cond=cond, then=then, else_=else_):
                roots = (cond,)
                counts["select"] += 1
                if len(then) == 1 and not else_ and isinstance(then[0], K.Assign):
                    folded = _accumulation(then[0].target, K.Select(cond, then[0].value, _read(then[0].target),
                                                                   then[0].value.dtype))
                    if folded is not None:
                        counts[f"reduce:{folded.value}"] += 2
                        counts[f"fold:{folded.value}"] += 2
        for root in roots:
            for node in _value_nodes(root):
                match node:
                    case K.Bin(op=op) if op.is_comparison:
                        counts[f"cmp:{op.value}"] += 1
                    case K.Bin(op=op):
                        counts[f"bin:{op.value}"] += 1
                    case K.Unary(op=UnOp.NEG):
                        counts["un:-"] += 1
                    case K.Call(fn=fn):
                        counts[f"call:{fn}"] += 1
                    case K.Cast(dtype=dtype):
                        counts[f"cast:{dtype.value}"] += 1
                    case K.Select():
                        counts["select"] += 1
                    case K.Const() as c:
                        counts["leaf:" + show_expr(T.Const(c.value, c.dtype))] += 1
                    case K.Var(name=name):
                        counts["leaf:" + name] += 1
                    case _:
                        pass
    return dict(counts)


def _read(target: K.LValue) -> K.Expr:
    match target:
        case K.VarRef(name=name, dtype=dtype):
            return K.Var(name, dtype)
        case K.Store(array=array, indices=indices, dtype=dtype):
            return K.Load(array, indices, dtype)
    raise AssertionError(target)


def _accumulation(target: K.LValue, value: K.Expr) -> ReduceOp | None:
    """The reduction an update `t = t op e` (or `t = cond ? e : t`) of a scalar or element suggests."""
    def is_self(e: K.Expr) -> bool:
        match target, e:
            case K.VarRef(name=a), K.Var(name=b):
                return a == b
            case K.Store(array=a, indices=ia), K.Load(array=b, indices=ib):
                return a == b and ia == ib
        return False

    match value:
        case K.Bin(op=BinOp.ADD | BinOp.SUB, lhs=lhs, rhs=rhs) if is_self(lhs) or is_self(rhs):
            return ReduceOp.SUM
        case K.Bin(op=BinOp.MUL, lhs=lhs, rhs=rhs) if is_self(lhs) or is_self(rhs):
            return ReduceOp.PROD
        case K.Bin(op=BinOp.MAX, lhs=lhs, rhs=rhs) if is_self(lhs) or is_self(rhs):
            return ReduceOp.MAX
        case K.Bin(op=BinOp.MIN, lhs=lhs, rhs=rhs) if is_self(lhs) or is_self(rhs):
            return ReduceOp.MIN
        case K.Select(cond=K.Bin(op=cmp, lhs=a), then=then, else_=else_) if is_self(then) or is_self(else_):
            if cmp not in (BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE):
                return None
            # `m = x > m ? x : m` keeps the larger: the comparison's direction and which side is picked say which
            greater = cmp in (BinOp.GT, BinOp.GE)
            return ReduceOp.MAX if greater == (then == a) else ReduceOp.MIN
    return None


__all__ = [
    "AsValueP", "BinP", "CallP", "CastP", "Leaf", "Nt", "OutputGrammar", "Production", "ReduceP", "Rule",
    "SelectP", "Sketch", "SketchP", "UnaryP", "UnitGrammar", "access_kind", "build_grammar", "to_tensir",
]
