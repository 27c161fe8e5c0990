"""The guided enumerator (design §5): A* over the unit's probabilistic grammar.

A state is a partial derivation in leftmost order: a stack of open productions, each with the subterms finished so
far. Its priority is g + h: g the cost (−log p) of the rules used, h the sum over the open holes of the cheapest
cost of *any* finished derivation of that hole's nonterminal (computed once by a fixpoint; it never overestimates,
so the search is A* and finished candidates come out in order of probability).

Pruning, as subterms finish:
- *observational equivalence*: a finished subterm is evaluated on every example over its scope (`vector`); if an
  equal-valued, no more expensive, different subterm of the same nonterminal was finished before, the state is
  dropped (that cheaper subterm fits the same hole, so nothing is lost up to the examples);
- *symmetry*: the operands of a commutative operator must come in the order of their values' digests.

Outputs are searched one at a time (statements read only the unit's prior state, so outputs are independent), a
finished statement is compared with the loop's output on the examples (and on a second, independent draw of
examples: small random inputs agree with wrong expressions more often than one would think), a fresh output that
the loops write only partly gets its allocation as a first statement (the sketch's prelude), and the combined
program is checked with `search.check.agrees` before it is yielded. LLM answers that parse are tried before the
enumeration. The search stops at `options.max_nodes` expanded states or at the deadline; ties break by a hash of
the seed, so a seed fixes the order.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, assert_never

import numpy as np

from ..common import BinOp, DType, ReduceOp
from ..kernel.examples import Example
from ..kernel.nodes import LiftUnit, Output
from ..options import LiftOptions
from ..semantics import NumericModel
from ..tensir import nodes as T
from ..tensir.typecheck import bin_dtype, call_dtype, reduce_dtype, select_dtype, unary_dtype
from . import vector as V
from .grammar import (
    AsValueP,
    BinP,
    CallP,
    CastP,
    Leaf,
    Nt,
    OutputGrammar,
    ReduceP,
    Rule,
    SelectP,
    Sketch,
    SketchP,
    UnaryP,
    UnitGrammar,
    build_grammar,
)
from .pcfg import Priors, cached_priors, costs, probabilities

if TYPE_CHECKING:
    from . import Candidate, CandidateSearch

log = logging.getLogger(__name__)

_CHECK_EVERY = 64  # expansions between deadline checks


# ------------------------------------------------------------------------------------------------ examples


@dataclass(frozen=True, slots=True)
class _Data:
    """One example with typed arrays: inputs (and in-place outputs' prior values) and expected outputs."""

    tensors: dict[str, np.ndarray]
    scalars: dict[str, V.Number]
    expected: dict[str, Any]


def _typed(unit: LiftUnit, examples: Sequence[Example]) -> list[_Data]:
    found: list[_Data] = []
    for example in examples:
        tensors: dict[str, np.ndarray] = {}
        scalars: dict[str, V.Number] = {}
        for p in unit.inputs:
            value = example.inputs.get(p.name)
            if value is None:
                continue
            if p.kind == "array":
                tensors[p.name] = V.typed_array(value, p.dtype)
            else:
                scalars[p.name] = value
        expected: dict[str, Any] = {}
        for out in unit.outputs:
            value = example.outputs.get(out.name)
            if value is None:
                continue
            expected[out.name] = V.typed_array(value, out.dtype) if out.kind == "array" else \
                np.asarray(value, dtype=V.np_dtype(out.dtype))
        found.append(_Data(tensors, scalars, expected))
    return found


def write_back(out: Output, indices: Sequence[T.Expr], domain: Sequence[str], frame: V.Frame, value: V.Ev,
               data: _Data, prelude: T.Statement | None = None) -> np.ndarray | None:
    """The output after a statement `out(indices) = value for domain` on one example; None if undefined."""
    if out.kind == "scalar":
        ok = np.asarray(value.defined())
        if not bool(np.all(ok)):
            return None
        return np.asarray(V._as(np.asarray(value.data), out.dtype)).reshape(-1)[0:1].reshape(())
    shape = frame.shape_of(domain)
    extents = tuple(shape[frame.axis[v]] for v in domain)
    mask = np.ones(shape, dtype=np.bool_)
    for v in domain:
        mask = mask & frame.inrange[v]
    mask = np.broadcast_to(mask, shape).reshape(extents)
    defined = value.defined()
    ok = np.broadcast_to(defined, np.broadcast_shapes(defined.shape, shape)).reshape(extents)
    if not bool(np.all(ok[mask])):
        return None
    values = np.broadcast_to(V._as(np.asarray(value.data), out.dtype), shape).reshape(extents)[mask]
    positions = []
    for index in indices:
        ev = V.evaluate(index, frame)
        positions.append(np.broadcast_to(np.asarray(ev.data, dtype=np.int64), shape).reshape(extents)[mask])
    expected = data.expected.get(out.name)
    if expected is None:
        return None
    if out.name in data.tensors and not out.fresh:
        result = data.tensors[out.name].copy()
    elif prelude is not None and isinstance(prelude.value, T.Const):
        result = np.full(expected.shape, prelude.value.value, dtype=V.np_dtype(out.dtype))
    else:
        result = np.zeros(expected.shape, dtype=V.np_dtype(out.dtype))
        if int(mask.sum()) != result.size:
            return None
    if result.ndim != len(positions):
        return None
    for axis, p in enumerate(positions):
        if p.size and (int(p.min()) < 0 or int(p.max()) >= result.shape[axis]):
            return None
    if positions:
        flat = np.ravel_multi_index(tuple(positions), result.shape) if result.size else np.zeros(0, np.int64)
        if len(np.unique(flat)) != len(flat):
            return None  # two domain points write one element
        result[tuple(positions)] = values
    return result


def statement_matches(out: Output, statement: T.Statement, data: Sequence[_Data], model: NumericModel,
                      prelude: T.Statement | None = None) -> bool:
    """Whether one statement (any domain, any reductions) gives `out` on every example."""
    variables, value = _flatten_reductions(statement)
    for d in data:
        try:
            frame = V.make_frame(d.tensors, d.scalars, variables, model)
            ev = V.evaluate(value, frame)
        except (V.Undefined, KeyError, IndexError, ValueError, TypeError):
            return False
        got = write_back(out, statement.indices, [loop.var for loop in statement.domain], frame, ev, d, prelude)
        if got is None or not V.close(got, d.expected[out.name], out.dtype):
            return False
    return True


def _flatten_reductions(statement: T.Statement) -> tuple[list[tuple[str, T.Expr, T.Expr]], T.Expr]:
    """The statement's variables in binding order (domain, then reductions in pre-order, renamed apart)."""
    from ..tensir.visit import children, substitute, with_children

    variables = [(loop.var, loop.lo, loop.hi) for loop in statement.domain]
    taken = {v for v, _, _ in variables}

    def visit(e: T.Expr) -> T.Expr:
        if isinstance(e, T.Reduce):
            name = e.var
            n = 0
            while name in taken:
                n += 1
                name = f"{e.var}_{n}"
            taken.add(name)
            body = substitute(e.body, {e.var: T.Idx(name)}) if name != e.var else e.body
            variables.append((name, e.lo, e.hi))
            return T.Reduce(e.op, name, e.lo, e.hi, visit(body), e.dtype)
        return with_children(e, tuple(visit(c) for c in children(e)))

    return variables, visit(statement.value)


# --------------------------------------------------------------------------------------------------- search


@dataclass(slots=True, eq=False)
class Sub:
    """A finished subterm: its expression, its values on the examples, its cost and its digest."""

    expr: T.Expr
    vals: tuple[V.Ev, ...]
    cost: float
    digest: bytes


@dataclass(slots=True)
class _Counters:
    nodes: int = 0
    candidates: int = 0
    pruned_equivalent: int = 0
    pruned_symmetric: int = 0


_Frames = tuple[tuple[Rule, tuple[Sub, ...]], ...]


@dataclass
class OutputSearch:
    """A* over one output's grammar; `solutions()` yields statements that match the output on the examples."""

    grammar: OutputGrammar
    cost: Mapping[Rule, float]
    data: Sequence[_Data]
    model: NumericModel
    seed: int
    counters: _Counters
    prune_equivalent: bool = True
    extra: Sequence[_Data] = ()  # more examples, for finished statements only (cheap insurance against weak ones)
    frames: dict[int, list[V.Frame]] = field(default_factory=dict)
    shapes: dict[Nt, list[tuple[int, ...]]] = field(default_factory=dict)
    seen: dict[tuple[Nt, bytes], Sub] = field(default_factory=dict)
    memo: dict[tuple[Rule, tuple[int, ...]], Sub | None] = field(default_factory=dict)
    leaves: dict[Rule, Sub | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rules = self.grammar.by_lhs()
        for n, sketch in enumerate(self.grammar.sketches):
            try:
                frames = [V.make_frame(d.tensors, d.scalars, [(v.var, v.lo, v.hi) for v in sketch.variables],
                                       self.model) for d in self.data]
            except (V.Undefined, KeyError, IndexError, ValueError, TypeError):
                continue
            if self._feasible(sketch, frames):
                self.frames[n] = frames
        for nt in self.rules:
            if nt.sketch in self.frames:
                self.shapes[nt] = [f.shape_of(nt.scope) for f in self.frames[nt.sketch]]
        salt = self.seed.to_bytes(8, "little", signed=True)
        for rules in self.rules.values():
            rules.sort(key=lambda r: (self.cost[r], hashlib.blake2b(salt + r.key.encode(), digest_size=4).digest()))
        self.hmin = self._heuristic()

    def _feasible(self, sketch: Sketch, frames: list[V.Frame]) -> bool:
        """Whether some value could fill the sketch: the writes stay in range, a fresh output is covered, and what
        the domain does not cover is unchanged by the loop."""
        out = self.grammar.output
        if out.kind == "scalar":
            return True
        for d, frame in zip(self.data, frames, strict=True):
            probe = V.Ev(np.zeros(()), None)
            target = d.expected.get(out.name)
            if target is None:
                return False
            if sketch.prelude is not None:
                if write_back(out, sketch.indices, [v.var for v in sketch.domain], frame, probe, d,
                              sketch.prelude) is None:
                    return False
            elif out.name in d.tensors and not out.fresh:
                base = write_back(out, sketch.indices, [v.var for v in sketch.domain], frame, probe, d)
                if base is None or base.shape != target.shape:
                    return False
                touched = write_back(out, sketch.indices, [v.var for v in sketch.domain], frame,
                                     V.Ev(np.ones(()), None), d)
                assert touched is not None
                untouched = (base == d.tensors[out.name]) & (touched == d.tensors[out.name])
                if not V.close(np.where(untouched, base, 0), np.where(untouched, target, 0), out.dtype):
                    return False
            elif write_back(out, sketch.indices, [v.var for v in sketch.domain], frame, probe, d) is None:
                return False
        return True

    def _heuristic(self) -> dict[Nt, float]:
        """The cheapest finished derivation of each nonterminal (Knuth's generalisation of Dijkstra, by
        iteration to a fixpoint: the grammar is small)."""
        h: dict[Nt, float] = {nt: math.inf for nt in self.rules}
        changed = True
        while changed:
            changed = False
            for nt, rules in self.rules.items():
                best = h[nt]
                for r in rules:
                    total = self.cost[r] + sum(h.get(a, math.inf) for a in r.args)
                    if total < best:
                        best = total
                if best < h[nt]:
                    h[nt] = best
                    changed = True
        return h

    # ---------------------------------------------------------------------------------------------- subterms

    def _leaf(self, rule: Rule) -> Sub | None:
        if rule not in self.leaves:
            assert isinstance(rule.production, Leaf)
            expr = rule.production.expr
            self.leaves[rule] = self._evaluated(rule.lhs, expr, (), self.cost[rule])
        return self.leaves[rule]

    def _evaluated(self, nt: Nt, expr: T.Expr, kids: tuple[Sub, ...], cost: float) -> Sub | None:
        frames = self.frames[nt.sketch]
        try:
            if kids:
                vals = tuple(V.apply(expr, tuple(k.vals[n] for k in kids), f) for n, f in enumerate(frames))
            else:
                vals = tuple(V.evaluate(expr, f) for f in frames)
        except (V.Undefined, KeyError, IndexError, ValueError, TypeError, OverflowError):
            return None
        return Sub(expr, vals, cost, V.fingerprint(vals))

    def _build(self, rule: Rule, kids: tuple[Sub, ...]) -> Sub | None:
        key = (rule, tuple(id(k) for k in kids))
        if key in self.memo:
            return self.memo[key]
        sub = self._make(rule, kids)
        if sub is not None and self.prune_equivalent and rule.lhs.kind != "ROOT":
            slot = (rule.lhs, sub.digest)
            rep = self.seen.get(slot)
            if rep is not None and rep.cost <= sub.cost:
                self.counters.pruned_equivalent += 1
                sub = None
            else:
                self.seen[slot] = sub
        self.memo[key] = sub
        return sub

    def _make(self, rule: Rule, kids: tuple[Sub, ...]) -> Sub | None:
        cost = self.cost[rule] + sum(k.cost for k in kids)
        exprs = tuple(k.expr for k in kids)
        p = rule.production
        expr: T.Expr
        match p:
            case BinP(op=op):
                if op.is_commutative and kids[0].digest > kids[1].digest:
                    self.counters.pruned_symmetric += 1
                    return None
                if not op.is_comparison and not op.is_logical and DType.BOOL in (exprs[0].dtype, exprs[1].dtype):
                    return None
                expr = T.Bin(op, exprs[0], exprs[1], bin_dtype(op, exprs[0].dtype, exprs[1].dtype))
            case UnaryP(op=op):
                if exprs[0].dtype is DType.BOOL:
                    return None
                expr = T.Unary(op, exprs[0], unary_dtype(op, exprs[0].dtype))
            case CallP(fn=fn):
                if any(e.dtype is DType.BOOL for e in exprs):
                    return None
                expr = T.Call(fn, exprs, call_dtype(fn, tuple(e.dtype for e in exprs)))
            case SelectP():
                if exprs[1].dtype is DType.BOOL or exprs[2].dtype is DType.BOOL or kids[1].digest == kids[2].digest:
                    return None
                expr = T.Select(exprs[0], exprs[1], exprs[2], select_dtype(exprs[1].dtype, exprs[2].dtype))
            case CastP(dtype=dtype):
                if exprs[0].dtype is dtype:
                    return None
                expr = T.Cast(exprs[0], dtype)
            case AsValueP():
                expr = T.Cast(exprs[0], self.grammar.output.dtype if self.grammar.output.dtype is not DType.BOOL
                              else DType.I32)
            case ReduceP(op=op, var=var, lo=lo, hi=hi, init=False):
                if exprs[0].dtype is DType.BOOL:
                    return None
                expr = T.Reduce(op, var, lo, hi, exprs[0], reduce_dtype(op, exprs[0].dtype))
            case ReduceP():
                return self._fold(rule, p, kids, cost)
            case Leaf() | SketchP():
                raise AssertionError(p)
            case _:
                assert_never(p)
        return self._evaluated(rule.lhs, expr, kids, cost)

    def _fold(self, rule: Rule, p: ReduceP, kids: tuple[Sub, ...], cost: float) -> Sub | None:
        """`select(lo < hi, op(init, op(k in lo:hi, body)), init)`, evaluated from its parts."""
        init, body = kids
        if DType.BOOL in (init.expr.dtype, body.expr.dtype):
            return None
        red = T.Reduce(p.op, p.var, p.lo, p.hi, body.expr, reduce_dtype(p.op, body.expr.dtype))
        binop = BinOp.MAX if p.op is ReduceOp.MAX else BinOp.MIN
        combined = T.Bin(binop, init.expr, red, bin_dtype(binop, init.expr.dtype, red.dtype))
        nonempty = T.Bin(BinOp.LT, p.lo, p.hi, DType.BOOL)
        expr = T.Select(nonempty, combined, init.expr, select_dtype(combined.dtype, init.expr.dtype))
        vals = []
        try:
            for n, frame in enumerate(self.frames[rule.lhs.sketch]):
                r = V.apply(red, (body.vals[n],), frame)
                c = V.apply(combined, (init.vals[n], r), frame)
                vals.append(V.apply(expr, (V.evaluate(nonempty, frame), c, init.vals[n]), frame))
        except (V.Undefined, KeyError, IndexError, ValueError, TypeError, OverflowError):
            return None
        return Sub(expr, tuple(vals), cost, V.fingerprint(vals))

    # -------------------------------------------------------------------------------------------------- A*

    def solutions(self, deadline: float, max_nodes: int) -> Iterator[tuple[tuple[T.Statement, ...], float]]:
        out = self.grammar.output
        heap: list[tuple[float, int, float, float, _Frames]] = []
        tick = 0
        for rule in self.rules.get(Nt("ROOT"), []):
            production = rule.production
            assert isinstance(production, SketchP)
            if production.sketch not in self.frames:
                continue
            g = self.cost[rule]
            h = sum(self.hmin.get(a, math.inf) for a in rule.args)
            if math.isfinite(h):
                heapq.heappush(heap, (g + h, tick, g, h, ((rule, ()),)))
                tick += 1
        while heap:
            if self.counters.nodes >= max_nodes:
                return
            if self.counters.nodes % _CHECK_EVERY == 0 and time.monotonic() > deadline:
                return
            _, _, g, h, frames = heapq.heappop(heap)
            self.counters.nodes += 1
            if not frames:
                continue
            rule, done = frames[-1]
            if len(done) == len(rule.args):  # a finished statement
                sketch = self.grammar.sketches[rule.production.sketch]  # type: ignore[union-attr]
                statement = T.Statement(out.name, sketch.indices, sketch.domain, done[0].expr, out.dtype)
                self.counters.candidates += 1
                with np.errstate(all="ignore"):
                    matched = self._matches(sketch, rule.production.sketch, done[0])  # type: ignore[union-attr]
                if matched and (not self.extra or statement_matches(out, statement, self.extra, self.model,
                                                                    sketch.prelude)):
                    yield (statement,) if sketch.prelude is None else (sketch.prelude, statement), g
                continue
            hole = rule.args[len(done)]
            with np.errstate(all="ignore"):
                children = self._expand(hole, g, h, frames)
            for item in children:
                heapq.heappush(heap, (item[0], tick, *item[1:]))
                tick += 1

    def _expand(self, hole: Nt, g: float, h: float, frames: _Frames) -> list[tuple[float, float, float, _Frames]]:
        found: list[tuple[float, float, float, _Frames]] = []
        for choice in self.rules.get(hole, []):
            g2 = g + self.cost[choice]
            if choice.args:
                h2 = h - self.hmin[hole] + sum(self.hmin.get(a, math.inf) for a in choice.args)
                if not math.isfinite(h2):
                    continue
                found.append((g2 + h2, g2, h2, (*frames, (choice, ()))))
                continue
            leaf = self._leaf(choice)
            if leaf is None:
                continue
            reduced = self._reduce(frames, leaf)
            if reduced is None:
                continue
            h2 = h - self.hmin[hole]
            found.append((g2 + h2, g2, h2, reduced))
        return found

    def _reduce(self, frames: _Frames, sub: Sub) -> _Frames | None:
        """Put a finished subterm into its hole and finish every production that is now complete."""
        while True:
            rule, done = frames[-1]
            done = (*done, sub)
            if len(done) < len(rule.args) or isinstance(rule.production, SketchP):
                return (*frames[:-1], (rule, done))
            frames = frames[:-1]
            built = self._build(rule, done)
            if built is None:
                return None
            sub = built

    def _matches(self, sketch: Sketch, index: int, value: Sub) -> bool:
        out = self.grammar.output
        for d, frame, ev in zip(self.data, self.frames[index], value.vals, strict=True):
            got = write_back(out, sketch.indices, [v.var for v in sketch.domain], frame, ev, d, sketch.prelude)
            if got is None or not V.close(got, d.expected[out.name], out.dtype):
                return False
        return True


# ---------------------------------------------------------------------------------------------- combination


def order_statements(statements: Sequence[T.Statement]) -> tuple[T.Statement, ...] | None:
    """An order in which each statement reads only the prior state: a reader of X before the writer of X."""
    from ..tensir.visit import tensors_read, walk

    def reads(s: T.Statement) -> set[str]:
        names = set(tensors_read(s))
        names |= {e.name for e in walk(s.value) if isinstance(e, T.Scalar)}
        return names

    remaining = list(statements)
    ordered: list[T.Statement] = []
    while remaining:
        for s in remaining:
            if not any(o is not s and ((o.target != s.target and s.target in reads(o))
                                       or (o.target == s.target and statements.index(o) < statements.index(s)))
                       for o in remaining):
                ordered.append(s)
                remaining.remove(s)
                break
        else:
            return None
    return tuple(ordered)


@dataclass
class GuidedSearch:
    """Everything the enumeration of one unit needs; `run` yields programs that match every output."""

    unit: LiftUnit
    examples: Sequence[Example]
    model: NumericModel
    options: LiftOptions
    deadline: float
    llm_lines: Sequence[str] = ()
    priors: Priors | None = None
    prune_equivalent: bool = True
    fragments: bool | None = None  # the body's subexpressions as productions (default: with features and llm)
    counters: _Counters = field(default_factory=_Counters)

    def __post_init__(self) -> None:
        fragments = self.options.guidance in ("features", "llm") if self.fragments is None else self.fragments
        self.grammar: UnitGrammar = build_grammar(self.unit, fragments=fragments)
        self.data = _typed(self.unit, self.examples)
        self.extra = _typed(self.unit, _more_examples(self.unit, self.options.seed, self.model))
        if self.priors is None:
            self.priors = Priors() if self.options.guidance == "uniform" else cached_priors(self.options.rule_paths)
        from .llm import answer_statements, derivation_counts

        self.llm_statements = answer_statements(self.unit, self.grammar, self.llm_lines)
        self.llm_counts = derivation_counts(self.grammar, self.llm_statements) if self.llm_statements else {}

    def searches(self) -> list[OutputSearch]:
        found = []
        for g in self.grammar.outputs:
            probs = probabilities(g, self.options.guidance, self.priors or Priors(), self.grammar.features,
                                  self.llm_counts if self.options.guidance == "llm" else None)
            found.append(OutputSearch(g, costs(probs), self.data, self.model, self.options.seed, self.counters,
                                      self.prune_equivalent, self.extra))
        return found

    def llm_solutions(self) -> dict[str, list[tuple[T.Statement, ...]]]:
        """Statements of LLM answers that match their output on the examples, per output."""
        outputs = {o.name: o for o in self.unit.outputs}
        found: dict[str, list[tuple[T.Statement, ...]]] = {}
        for statement in self.llm_statements:
            out = outputs.get(statement.target)
            if out is None:
                continue
            self.counters.candidates += 1
            if statement_matches(out, statement, [*self.data, *self.extra], self.model):
                found.setdefault(out.name, []).append((statement,))
        return found

    def run(self) -> Iterator[T.Program]:
        if len(self.grammar.outputs) != len(self.unit.outputs):
            return
        per_output: list[list[tuple[T.Statement, ...]]] = []
        llm = self.llm_solutions()
        searches = self.searches()
        generators: list[Iterator[tuple[tuple[T.Statement, ...], float]]] = []
        for s in searches:
            per_output.append(list(llm.get(s.grammar.output.name, [])))
            generators.append(s.solutions(self.deadline, self.options.max_nodes))
        # first: one solution per output (LLM answers, else the enumeration's best)
        for n, gen in enumerate(generators):
            if not per_output[n]:
                first = next(gen, None)
                if first is None:
                    return
                per_output[n].append(first[0])
        tried: set[tuple[int, ...]] = set()
        while True:
            for choice in _combinations([len(p) for p in per_output], tried):
                statements = order_statements([s for n, c in enumerate(choice) for s in per_output[n][c]])
                if statements is not None:
                    yield T.Program(statements)
            # more solutions for the outputs, round robin, until the budget ends
            grew = False
            for n, gen in enumerate(generators):
                nxt = next(gen, None)
                if nxt is not None:
                    per_output[n].append(nxt[0])
                    grew = True
            if not grew:
                return


def _more_examples(unit: LiftUnit, seed: int, model: NumericModel) -> tuple[Example, ...]:
    """A second, independent draw of examples: random small inputs agree with a wrong expression surprisingly
    often (`max(sum(x), max(-x))` equals `max(0, max|x|)` on many short vectors)."""
    from ..kernel.examples import make_examples
    from ..semantics import EvaluationError

    try:
        return make_examples(unit, seed=seed + 1_000_003, count=4, model=model)
    except (EvaluationError, ValueError):
        return ()


def _combinations(sizes: list[int], tried: set[tuple[int, ...]]) -> Iterator[tuple[int, ...]]:
    import itertools

    for choice in sorted(itertools.product(*(range(s) for s in sizes)), key=lambda c: (sum(c), c)):
        if choice not in tried:
            tried.add(choice)
            yield choice


# ------------------------------------------------------------------------------------------------ front door


def guided_candidates(unit: LiftUnit, examples: Sequence[Example], model: NumericModel, options: LiftOptions,
                      deadline: float, seen: set[str], search: CandidateSearch) -> Iterator[Candidate]:
    """Candidates from LLM answers (when configured) and the guided enumeration, each agreeing with the loop on
    `examples`; `search.stats` counts the states expanded and the candidates checked."""
    from ..tensir.visit import canonical_key
    from . import Candidate
    from .check import agrees

    lines: Sequence[str] = ()
    llm_note: str | None = None
    if options.guidance == "llm" and options.llm is not None:
        from .llm import ask

        reply = ask(unit, options.llm, deadline)
        lines, llm_note = reply.lines, reply.error
    engine = GuidedSearch(unit, examples, model, options, deadline, lines)
    yielded = False
    llm_keys = {canonical_key(T.Program((s,))) for s in engine.llm_statements}
    try:
        for program in engine.run():
            key = canonical_key(program)
            if key in seen:
                continue
            seen.add(key)
            search.stats = replace(search.stats, nodes=engine.counters.nodes,
                                   candidates=search.stats.candidates + engine.counters.candidates + 1)
            engine.counters.candidates = 0
            if agrees(unit, program, examples, model):
                yielded = True
                from_llm = bool(program.statements) and all(
                    canonical_key(T.Program((s,))) in llm_keys for s in program.statements)
                origin = "llm" if from_llm else "enumeration"
                yield Candidate(program, origin)
    finally:
        search.stats = replace(search.stats, nodes=engine.counters.nodes,
                               candidates=search.stats.candidates + engine.counters.candidates)
        engine.counters.candidates = 0
        if not yielded:
            said = engine.grammar.reason or (f"the guided search found no expression equal to the loop on its "
                                             f"examples ({engine.counters.nodes} states explored)")
            if llm_note:
                said += f"; LLM guidance unavailable: {llm_note}"
            search.reason = search.reason or said
            if llm_note and search.reason and llm_note not in search.reason:
                search.reason += f" (LLM guidance unavailable: {llm_note})"
