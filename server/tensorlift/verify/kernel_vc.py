"""Verification conditions for a Kernel unit with symbolic sizes: straight-line code is executed symbolically,
each loop is summarised by an invariant taken from the candidate, and each invariant is proved.

An invariant is written as the *state after t iterations*: one term per variable the loop changes, `H_v(t)`. So
"the invariant holds" is simply "the state equals H(t)", and the three conditions are equalities of terms:

- entry: the state before the loop equals `H(0)`;
- preservation: from `H(t)` with `0 <= t < trips`, one execution of the body (inner loops proved the same way,
  in this context) ends in `H(t + 1)`;
- exit: after the loop the state is `H(trips)`, and execution goes on from there.

Templates for `H` come from the candidate (`CandidateModel`), and are tried purest first:
- an array whose stores index dimensions with `a * t + b` in iteration t (`c * i + offset` for the loop variable i,
  any step, any direction; also `i / 2` when i steps by 2, or a counter `j`): on the positions the first t
  iterations wrote (and the candidate's statement covers) it equals a version of the candidate's result for it (or,
  for loops inside, the value the enclosing iteration is building); elsewhere it keeps its value from before the
  loop. For a loop whose body is one store, also "the value stored there";
- an array whose positions inner loops choose (column sums row by row, the i-k-j matrix product): where the
  candidate writes, `old[k] ⊕ red(lo, lo + t)` with the reduction's free variables bound by the position;
- an accumulator (a scalar, or an array element at a position fixed during the loop): `red(lo, lo + 1 + t)`,
  `red(lo, lo + t)` or `red(lo, lo + max(t, 1))`, then `v0 ⊕ red(lo, lo + t)`, for each reduction (or
  `factor * red`) of the candidate whose free index variables the enclosing loops have bound; a loop counting down
  also tries `v0 ⊕ red(hi - t, hi)`, after proving (by induction, in this proof) the lemma it needs;
- a max/min started from a value (`best = c; ... if (e > best) best = e;`): `(t > 0 ? v0 ⊕ red(lo, lo + t) : v0)`
  (counting down: `red(hi - t, hi)`, with the lemma): the reduction has no identity for the empty prefix, so the
  template guards it, as the candidate `select(lo < hi, max(c, red), c)` does; one step unfolds the definition once
  (`red(lo, lo + t + 1) = red(lo, lo + t) ⊕ e(lo + t)`, or `e(lo)` alone for t = 0). It comes first where the
  candidate combines that reduction with a start value (`cand.seeded`), last otherwise;
- a counter (`count++`, `j += c` once per iteration, c unchanged by the loop) also has `v0 + t * c`, from the loop;
- a scalar assigned before it is read in every iteration is a temporary: unknown at the loop head.
Each template is only a guess: it counts once its entry and preservation conditions are proved.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import assert_never

import z3

from ..common import BinOp, DType, UnOp
from ..kernel import nodes as k
from ..semantics import Z3Semantics, reduce_binop, reduce_identity
from .candidate import CandidateModel, Env, Reduction, Version, exact_quotient
from .solving import Checker, Obligation, Outcome, ProofFailure
from .symbols import Symbols, Unsupported, int_binop, operand_dtype

MAX_COMBINATIONS = 64


@dataclass
class ExecState:
    values: dict[str, z3.ExprRef]  # arrays, and scalars in the value view
    ints: dict[str, z3.ArithRef]  # loop variables and unchanged integer inputs, index view
    dtypes: dict[str, DType]
    shapes: dict[str, tuple[z3.ArithRef, ...]] = field(default_factory=dict)  # of arrays the unit allocates
    done: bool = False  # a `return` was executed

    def copy(self) -> ExecState:
        return ExecState(dict(self.values), dict(self.ints), dict(self.dtypes), dict(self.shapes), self.done)


@dataclass(frozen=True, slots=True)
class Ctx:
    premises: tuple[z3.BoolRef, ...]
    bindings: Mapping[str, z3.ArithRef]  # candidate index variable -> its value in the current iteration
    path: str
    versions: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)  # targets enclosing loops set


@dataclass(frozen=True, slots=True)
class Hyp:
    """A template for one variable: its value after t iterations, and what it binds for inner loops."""

    var: str
    text: str
    at: Callable[[z3.ArithRef], z3.ExprRef]
    bind: Callable[[z3.ArithRef], dict[str, z3.ArithRef]]
    # for loops inside: what the array is after this iteration, as a target they fill in piece by piece
    after: Callable[[z3.ArithRef], Version] | None = None
    # instances of proved lemmas that the step from t to t + 1 needs
    facts: Callable[[z3.ArithRef], tuple[z3.BoolRef, ...]] | None = None
    lemmas: tuple[Outcome, ...] = ()  # the proofs of those lemmas


@dataclass(frozen=True, slots=True)
class _Series:
    """What an accumulator may hold a prefix of: a reduction of the candidate, possibly times a factor."""

    red: Reduction
    factor: Callable[[Env], z3.ExprRef] | None
    dtype: DType

    def value(self, sem: Z3Semantics, bindings: Env, lo: z3.ArithRef, hi: z3.ArithRef) -> z3.ExprRef:
        total = sem.convert(self.red.at(bindings, lo, hi), self.red.node.dtype, self.dtype)
        if self.factor is None:
            return total
        return sem.binop(BinOp.MUL, self.factor(bindings), total, self.dtype, self.dtype)


@dataclass
class Proved:
    """What a successful proof of some code produced: the checks made and the invariants used."""

    outcomes: list[Outcome] = field(default_factory=list)
    invariants: list[str] = field(default_factory=list)

    def extend(self, other: Proved) -> None:
        self.outcomes += other.outcomes
        self.invariants += other.invariants


class KernelProver:
    def __init__(self, symbols: Symbols, candidate: CandidateModel, checker: Checker,
                 search_checker: Checker | None = None) -> None:
        self.syms = symbols
        self.sem = symbols.sem
        self.cand = candidate
        self.checker = checker
        self.search = search_checker or checker
        self._lemmas: dict[str, tuple[Outcome, ...] | None] = {}
        self._recorded: set[str] = set()

    # ---------------------------------------------------------------------------------------------- statements

    def block(self, stmts: Iterable[k.Stmt], st: ExecState, ctx: Ctx, proved: Proved) -> ExecState:
        for stmt in stmts:
            if st.done:
                break
            st = self.stmt(stmt, st, ctx, proved)
        return st

    def stmt(self, stmt: k.Stmt, st: ExecState, ctx: Ctx, proved: Proved) -> ExecState:
        match stmt:
            case k.Assign(k.VarRef(name, dtype), value, _):
                st = st.copy()
                st.values[name] = self.sem.convert(self.value(value, st), value.dtype, dtype)
                st.dtypes[name] = dtype
                st.ints.pop(name, None)
                return st
            case k.Assign(target, value, _):
                assert isinstance(target, k.Store)
                array, indices, dtype = target.array, target.indices, target.dtype
                st = st.copy()
                if array not in st.values:
                    raise Unsupported(f"array {array} is written but not known")
                term = self.sem.convert(self.value(value, st), value.dtype, dtype)
                st.values[array] = z3.Store(st.values[array], *[self.index(i, st) for i in indices], term)
                return st
            case k.Alloc(array, shape, dtype, init, _):
                st = st.copy()
                rank = len(shape)
                if init is None:
                    st.values[array] = self.syms.fresh_array(f"alloc_{array}", rank, dtype)
                else:
                    fill = self.sem.convert(self.value(init, st), init.dtype, dtype)
                    ks = [self.syms.fresh_int("a") for _ in range(rank)]
                    st.values[array] = z3.Lambda(ks, fill)
                st.dtypes[array] = dtype
                st.shapes[array] = tuple(self.index(e, st) for e in shape)
                return st
            case k.If(cond, then, else_, _):
                c = self.sem.convert(self.value(cond, st), cond.dtype, DType.BOOL)
                folded = z3.simplify(c)
                if z3.is_true(folded):
                    return self.block(then, st, ctx, proved)
                if z3.is_false(folded):
                    return self.block(else_, st, ctx, proved)
                a = self.block(then, st, replace(ctx, premises=(*ctx.premises, c)), proved)
                b = self.block(else_, st, replace(ctx, premises=(*ctx.premises, z3.Not(c))), proved)
                return _merge(c, a, b)
            case k.For():
                return self.loop(stmt, st, ctx, proved)
            case k.Return():
                st = st.copy()
                st.done = True
                return st
            case k.Unsupported(reason, _):
                raise Unsupported(reason)
            case _:
                assert_never(stmt)

    # ----------------------------------------------------------------------------------------------------- loops

    def loop(self, loop: k.For, st: ExecState, ctx: Ctx, proved: Proved) -> ExecState:
        lo, hi, step = self.index(loop.start, st), self.index(loop.stop, st), loop.step
        path = f"{ctx.path} > loop {loop.var}" if ctx.path else f"loop {loop.var}"
        t = self.syms.fresh_int(f"t_{loop.var}")
        trips = _trips(lo, hi, step)
        written_scalars, stores, inner_vars = _effects(loop.body)
        if (_vars(loop.start) | _vars(loop.stop)) & written_scalars:
            raise Unsupported(f"the bounds of loop {loop.var} change inside it")
        temps = _temporaries(loop.body) & written_scalars
        counters = _counters(loop.body, written_scalars | inner_vars | {loop.var})
        hyps: list[list[Hyp]] = []
        for name in sorted(written_scalars - temps):
            if name not in st.values:
                raise ProofFailure(f"{path}: {name} is read before it is assigned")
            options = self._accumulators(name, st.values[name], st.dtypes[name], ctx, _itself, name, step < 0)
            counted = self._counter_form(counters[name], st) if name in counters else None
            hyps.append(options + ([counted] if counted is not None else []))
        for array in sorted(stores):
            hyps.append(self._array_hyps(array, stores[array], loop, st, ctx, lo, step, inner_vars, counters,
                                         _stored_at(loop.body, array)))
        # keep the templates that hold on entry (each is checked alone: cheap, and prunes most)
        viable: list[list[Hyp]] = []
        for options in hyps:
            kept = [h for h in options if self.search.holds(self._entry(h, st, ctx, path))]
            if not kept:
                var = options[0].var if options else "a variable"
                raise ProofFailure(f"{path}: no invariant template for {var} holds on entry")
            viable.append(kept)
        failures: list[str] = []
        for combo in itertools.islice(itertools.product(*viable), MAX_COMBINATIONS):
            attempt = Proved()
            try:
                self._preserved(combo, loop, st, ctx, lo, step, t, trips, temps, path, attempt)
            except (ProofFailure, Unsupported) as failure:
                failures.append(str(failure))
                continue
            for h in combo:
                outcome = self.checker.discharge(self._entry(h, st, ctx, path))
                if not outcome.ok:
                    raise ProofFailure(outcome.reason or "entry check failed")
                proved.outcomes.append(outcome)
            for h in combo:
                for lemma in h.lemmas:
                    if lemma.checks and lemma.checks[-1].name not in self._recorded:
                        self._recorded.add(lemma.checks[-1].name)
                        proved.outcomes.append(lemma)
            proved.extend(attempt)
            proved.invariants += [f"{path}: after t iterations, {h.var} == {h.text}" for h in combo]
            out = st.copy()
            for h in combo:
                out.values[h.var] = h.at(trips)
            for name in temps | {loop.var}:  # unknown after the loop (never an input's symbol of the same name)
                out.ints.pop(name, None)
                dtype = out.dtypes.get(name, DType.I64)
                out.values[name] = self.syms.fresh(f"{name}_after", self.sem.sort(dtype))
                out.dtypes[name] = dtype
            return out
        detail = failures[-1] if failures else "no combination of templates"
        raise ProofFailure(f"{path}: no inductive invariant found ({detail})")

    def _entry(self, h: Hyp, st: ExecState, ctx: Ctx, path: str) -> Obligation:
        zero = z3.IntVal(0)
        return Obligation(f"{path}: invariant for {h.var} holds on entry", self._premises(ctx),
                          _same(h.at(zero), st.values[h.var]))

    def _preserved(self, combo: tuple[Hyp, ...], loop: k.For, st: ExecState, ctx: Ctx, lo: z3.ArithRef,
                   step: int, t: z3.ArithRef, trips: z3.ArithRef, temps: set[str], path: str,
                   proved: Proved) -> None:
        body = st.copy()
        bindings = dict(ctx.bindings)
        versions = dict(ctx.versions)
        facts: list[z3.BoolRef] = []
        for h in combo:
            body.values[h.var] = h.at(t)
            bindings.update(h.bind(t))
            if h.after is not None:
                versions[h.var] = (h.after(t), *versions.get(h.var, ()))
            if h.facts is not None:
                facts += h.facts(t)
        for name in temps:  # assigned before read in every iteration: unknown at the head
            dtype = body.dtypes.get(name, DType.I64)
            body.values[name] = self.syms.fresh(f"{name}_head", self.sem.sort(dtype))
            body.dtypes[name] = dtype
        body.ints[loop.var] = lo + step * t
        body.values.pop(loop.var, None)
        inner = Ctx((*ctx.premises, t >= 0, t < trips, *facts), bindings, path, versions)
        end = self.block(loop.body, body, inner, proved)
        if end.done:
            raise Unsupported("a return inside a loop")
        goal = z3.And(*[_same(end.values[h.var], h.at(t + 1)) for h in combo]) if combo else z3.BoolVal(True)
        obligation = Obligation(f"{path}: invariant is preserved by one iteration", self._premises(inner), goal)
        outcome = self.search.discharge(obligation)
        if not outcome.ok and outcome.model is None and self.checker is not self.search:
            # undecided in the search's short time (a loaded machine, a larger body): once more with the full time
            outcome = self.checker.discharge(obligation)
        if not outcome.ok:
            raise ProofFailure(outcome.reason or "not preserved")
        proved.outcomes.append(outcome)

    def _premises(self, ctx: Ctx) -> tuple[z3.BoolRef, ...]:
        return (*self.syms.facts, *ctx.premises)

    # ------------------------------------------------------------------------------------------------ templates

    def _series(self) -> list[_Series]:
        plain = [_Series(red, None, red.node.dtype) for red in self.cand.reductions]
        return plain + [_Series(sc.reduction, sc.factor, sc.dtype) for sc in self.cand.scales]

    def _accumulators(self, name: str, v0: z3.ExprRef, dtype: DType, ctx: Ctx,
                      place: Callable[[z3.ExprRef], z3.ExprRef], label: str, downward: bool) -> list[Hyp]:
        out: list[Hyp] = []
        for series in self._series():
            if all(free in ctx.bindings for free in series.red.free):
                out += self._accumulator_forms(series, name, v0, dtype, dict(ctx.bindings), place, label, downward)
        return out

    def _accumulator_forms(self, series: _Series, name: str, v0: z3.ExprRef, dtype: DType, bindings: Env,
                           place: Callable[[z3.ExprRef], z3.ExprRef], label: str, downward: bool) -> list[Hyp]:
        """`v0 ⊕ s(lo, lo + t)`; for an unscaled reduction also `red(lo, lo + 1 + t)` (the first element as the
        start value), `red(lo, lo + t)` where the operator has an identity, and for max/min
        `red(lo, lo + max(t, 1))` (the first element as the start value, the loop starting at it)."""
        red, sem = series.red, self.sem
        node = red.node
        lo = red.lo(bindings)
        op = reduce_binop(node.op)
        fn = red.func.name() if series.factor is None else f"factor * {red.func.name()}"

        def part(hi: z3.ArithRef) -> z3.ExprRef:
            return sem.convert(series.value(sem, bindings, lo, hi), series.dtype, dtype)

        def binder(offset: int) -> Callable[[z3.ArithRef], dict[str, z3.ArithRef]]:
            return lambda steps: {node.var: lo + offset + steps}

        # purest first: the first form that is inductive is kept, and a pure one matches the candidate at exit
        onto = Hyp(name, f"{label}0 {op.value} {fn}(lo, lo + t)",
                   lambda steps: place(sem.binop(op, v0, part(lo + steps), dtype, dtype)), binder(0))
        reversed_forms = self._reversed_forms(series, name, v0, dtype, bindings, place, label) if downward else []
        if series.factor is not None:
            return [onto, *reversed_forms]
        forms = [Hyp(name, f"{fn}(lo, lo + 1 + t)", lambda steps: place(part(lo + 1 + steps)), binder(1))]
        if reduce_identity(node.op, node.dtype) is not None:
            forms.append(Hyp(name, f"{fn}(lo, lo + t)", lambda steps: place(part(lo + steps)), binder(0)))
            return [*forms, onto, *reversed_forms]
        forms.append(Hyp(name, f"{fn}(lo, lo + max(t, 1))",
                         lambda steps: place(part(lo + z3.If(steps >= 1, steps, 1))), binder(0)))
        # max/min started from a value: `v0` before the first iteration, `v0 ⊕ red(lo, lo + t)` after t >= 1 of
        # them (the reduction has no identity to stand for the empty prefix, hence the guard)
        started = Hyp(name, f"(t > 0 ? {label}0 {op.value} {fn}(lo, lo + t) : {label}0)",
                      lambda steps: place(sem.select(steps > 0, sem.binop(op, v0, part(lo + steps), dtype, dtype),
                                                     v0)), binder(0))
        started_forms = [*reversed_forms, started] if downward else [started, *reversed_forms]
        if any(red is seeded for seeded in self.cand.seeded):
            # the candidate starts this reduction from a value (`max(c, red)`): so does its exit, so this form first
            return [*started_forms, *forms, onto]
        return [*forms, onto, *started_forms]

    def _reversed_forms(self, series: _Series, name: str, v0: z3.ExprRef, dtype: DType, bindings: Env,
                        place: Callable[[z3.ExprRef], z3.ExprRef], label: str) -> list[Hyp]:
        """A loop counting down accumulates the reduction from its top: `v0 ⊕ s(hi - t, hi)`. One step then adds
        the element at `hi - t - 1` at the *low* end, which the definition (peeled at the high end) does not say:
        the lemma that it also peels at the low end is proved first, by induction on the length."""
        red, sem = series.red, self.sem
        lemma = self._peel_lemma(red)
        if lemma is None:
            return []
        try:
            hi = red.hi(bindings)
        except KeyError:
            return []
        args = [bindings[v] for v in red.free]
        op = reduce_binop(red.node.op)
        fn = red.func.name()

        started = reduce_identity(red.node.op, red.node.dtype) is None  # max/min: guarded as in the forward form

        def value(steps: z3.ArithRef) -> z3.ExprRef:
            total = sem.convert(series.value(sem, bindings, hi - steps, hi), series.dtype, dtype)
            combined = sem.binop(op, v0, total, dtype, dtype)
            return place(sem.select(steps > 0, combined, v0) if started else combined)

        def facts(steps: z3.ArithRef) -> tuple[z3.BoolRef, ...]:
            return (self._peels(red, hi - steps - 1, hi, args),)

        text = f"{label}0 {op.value} {fn}(hi - t, hi)"
        return [Hyp(name, f"(t > 0 ? {text} : {label}0)" if started else text, value,
                    lambda steps: {red.node.var: hi - 1 - steps}, None, facts, lemma)]

    def _peeled(self, red: Reduction, lo: z3.ArithRef, hi: z3.ArithRef, args: list[z3.ArithRef]) -> z3.ExprRef:
        """`red(lo, hi)` with its first element taken off: `e(lo) ⊕ red(lo + 1, hi)` (for max/min, `e(lo)` alone
        when that is the only element)."""
        dtype = red.node.dtype
        first = red.element(lo, args)
        rest = self.sem.binop(reduce_binop(red.node.op), first, red.func(lo + 1, hi, *args), dtype, dtype)
        if reduce_identity(red.node.op, dtype) is None:
            return z3.If(hi == lo + 1, first, rest)
        return rest

    def _peels(self, red: Reduction, lo: z3.ArithRef, hi: z3.ArithRef, args: list[z3.ArithRef]) -> z3.BoolRef:
        return red.func(lo, hi, *args) == self._peeled(red, lo, hi, args)

    def _peel_lemma(self, red: Reduction) -> tuple[Outcome, ...] | None:
        """Proof that `red(lo, lo + n) == e(lo) ⊕ red(lo + 1, lo + n)` for every `n >= 1`: the base case `n = 1`
        and the step from `n` to `n + 1`, each a ground obligation (induction on the naturals does the rest).
        It needs the operator to be associative: it fails, as it should, for IEEE arithmetic."""
        key = red.func.name()
        if key not in self._lemmas:
            lo, n = z3.Int(f"{key}_lemma_lo"), z3.Int(f"{key}_lemma_n")
            args = [z3.Int(f"{key}_lemma_{v}") for v in red.free]
            base = Obligation(f"lemma: {key} peels at its low end (length 1)", (),
                              self._peels(red, lo, lo + 1, args))
            step = Obligation(f"lemma: {key} peels at its low end (length n + 1, given length n)",
                              (n >= 1, self._peels(red, lo, lo + n, args)), self._peels(red, lo, lo + n + 1, args))
            outcomes = (self.checker.discharge(base), self.checker.discharge(step))
            self._lemmas[key] = outcomes if all(o.ok for o in outcomes) else None
        return self._lemmas[key]

    def _counter_form(self, counter: _Counter, st: ExecState) -> Hyp | None:
        """A counter (`count++`, `j += c`): `v0 + t * c` after t iterations. Derived from the loop, not the
        candidate: its exit value `v0 + trips * c` is what the candidate must equal."""
        name = counter.name
        dtype = st.dtypes.get(name)
        if dtype is None or not (dtype.is_int or (dtype.is_float and self.sem.model.floats == "real")):
            return None
        v0 = st.values[name]
        try:
            by = self.sem.convert(self.value(counter.by, st), counter.by.dtype, dtype)
        except Unsupported:
            return None
        sem = self.sem

        def at(steps: z3.ArithRef) -> z3.ExprRef:
            return sem.binop(BinOp.ADD, v0, sem.binop(BinOp.MUL, by, self.syms.to_value(steps, dtype), dtype, dtype),
                             dtype, dtype)

        from .assumptions import show_kernel_expr

        return Hyp(name, f"{name}0 + t * {show_kernel_expr(counter.by)}", at, lambda steps: {})

    def _array_hyps(self, array: str, stores: list[tuple[k.Expr, ...]], loop: k.For, st: ExecState, ctx: Ctx,
                    lo: z3.ArithRef, step: int, inner_vars: frozenset[str], counters: Mapping[str, _Counter],
                    positions: frozenset[int]) -> list[Hyp]:
        if len(set(stores)) != 1:
            raise Unsupported(f"{array} is written at different positions in one loop")
        (indices,) = set(stores)
        if array not in st.values:
            raise Unsupported(f"array {array} is written but not known")
        old = st.values[array]
        owned: list[tuple[int, int, z3.ArithRef]] = []  # (dimension, a, b): the index is a * t + b at iteration t
        fixed: list[tuple[int, z3.ArithRef]] = []
        for d, e in enumerate(indices):
            names = _vars(e)
            if loop.var in names or names & set(counters):
                affine = None if names & inner_vars else self._affine_in_count(e, loop, st, lo, step, counters,
                                                                              positions)
                if affine is None:
                    raise Unsupported(f"index {d} of {array} is not affine in the iteration count of loop {loop.var}")
                owned.append((d, *affine))
            elif not names & inner_vars:
                fixed.append((d, self.index(e, st)))
        if not owned:
            if len(fixed) != len(indices):  # inner loops choose the positions: each accumulates a reduction
                return self._pointwise(array, len(indices), fixed, old, st.dtypes[array], ctx)
            position = [term for _, term in fixed]
            return self._accumulators(array, z3.Select(old, *position), st.dtypes[array], ctx,
                                      lambda v: z3.Store(old, *position, v), f"{array}[...]", step < 0)
        versions = [*ctx.versions.get(array, ()), *self.cand.versions.get(array, [])]
        forms = [self._prefix_form(array, version, old, owned, fixed)
                 for version in versions if len(version.targets) == len(indices)]
        stored = self._stored_form(array, loop, st, old, owned, fixed, lo, step, len(indices))
        return forms + ([stored] if stored is not None else [])

    def _affine_in_count(self, e: k.Expr, loop: k.For, st: ExecState, lo: z3.ArithRef, step: int,
                         counters: Mapping[str, _Counter], positions: frozenset[int]) -> tuple[int, z3.ArithRef] | None:
        """`(a, b)` with the index `e` equal to `a * t + b` in iteration t (a a non-zero integer): `c * i + offset`
        with `i = lo + step * t`; otherwise (`i / 2`, a counter `j`) `e` evaluated at iteration counts 0 and 1.
        Only a guess for a template: the template's conditions are what prove it."""
        moving = _vars(e) & set(counters)
        if not moving:
            coeff = _coefficient(e, loop.var)
            if coeff:
                at_zero = st.copy()
                at_zero.ints[loop.var] = z3.IntVal(0)
                return coeff * step, coeff * lo + self.index(e, at_zero)
        count = self.syms.fresh_int(f"n_{loop.var}")
        at = st.copy()
        at.ints[loop.var] = lo + step * count
        for name in moving:  # its value where the stores are: stepped once per earlier iteration, and by this one
            counter = counters[name]
            before = {counter.at < p for p in positions}
            if len(before) != 1 or name not in st.values:
                return None
            try:
                v0, by = self.syms.to_index(st.values[name], st.dtypes[name]), self.index(counter.by, st)
            except Unsupported:
                return None
            at.ints[name] = v0 + by * (count + (1 if before.pop() else 0))
        try:
            term = self.index(e, at)
        except Unsupported:
            return None
        b = z3.simplify(z3.substitute(term, (count, z3.IntVal(0))))
        a = z3.simplify(z3.substitute(term, (count, z3.IntVal(1))) - b)
        if not z3.is_int_value(a) or a.as_long() == 0:
            return None
        return a.as_long(), b

    def _stored_form(self, array: str, loop: k.For, st: ExecState, old: z3.ExprRef,
                     owned: list[tuple[int, int, z3.ArithRef]], fixed: list[tuple[int, z3.ArithRef]],
                     lo: z3.ArithRef, step: int, rank: int) -> Hyp | None:
        """For a loop whose body is one store: the written prefix holds the stored value computed from the state
        before the loop (an initialisation `c[i][j] = 0`, or a map no candidate statement matches alone)."""
        if len(loop.body) != 1 or len(owned) + len(fixed) != rank:
            return None
        (stmt,) = loop.body
        if not isinstance(stmt, k.Assign) or not isinstance(stmt.target, k.Store):
            return None
        value, dtype = stmt.value, stmt.target.dtype
        ks = [self.syms.fresh_int(f"{array}{d}") for d in range(rank)]
        d0, a0, b0 = owned[0]
        count, _ = exact_quotient(ks[d0] - b0, a0)
        at_i = st.copy()
        at_i.ints[loop.var] = lo + step * count
        stored = self.sem.convert(self.value(value, at_i), value.dtype, dtype)

        def done(steps: z3.ArithRef) -> z3.BoolRef:
            return z3.And(*[ks[d] == term for d, term in fixed], *self._written(ks, owned, steps))

        def at(steps: z3.ArithRef) -> z3.ExprRef:
            return z3.Lambda(ks, z3.If(done(steps), stored, z3.Select(old, *ks)))

        return Hyp(array, f"{array}[k] == (k written by the first t iterations ? the value stored there : {array} "
                   "before the loop)[k]", at, lambda steps: {})

    def _written(self, ks: list[z3.ArithRef], owned: list[tuple[int, int, z3.ArithRef]],
                 steps: z3.ArithRef) -> list[z3.BoolRef]:
        """Position `ks` is written by one of the first `steps` iterations (in the dimensions the loop owns)."""
        conds: list[z3.BoolRef] = []
        for d, a, b in owned:
            count, divides = exact_quotient(ks[d] - b, a)  # the iteration that writes ks[d]
            conds += [divides, count >= 0, count < steps]
        return conds

    def _pointwise(self, array: str, rank: int, fixed: list[tuple[int, z3.ArithRef]], old: z3.ExprRef,
                   dtype: DType, ctx: Ctx) -> list[Hyp]:
        """An array whose positions inner loops choose, each accumulating the candidate's reduction for it
        (column sums row by row, the i-k-j matrix product): `old[k] ⊕ red(lo, lo + t)` where the candidate
        writes, with the reduction's free variables bound by the position."""
        out: list[Hyp] = []
        for version in self.cand.versions.get(array, []):
            if len(version.targets) != rank:
                continue
            for series in self._series():
                if series.red.statement == version.index:
                    hyp = self._pointwise_form(array, version, series, fixed, old, dtype, ctx)
                    if hyp is not None:
                        out.append(hyp)
        return out

    def _pointwise_form(self, array: str, version: Version, series: _Series, fixed: list[tuple[int, z3.ArithRef]],
                        old: z3.ExprRef, dtype: DType, ctx: Ctx) -> Hyp | None:
        red, sem = series.red, self.sem
        ks = [self.syms.fresh_int(f"{array}{d}") for d in range(len(version.targets))]
        bindings = dict(ctx.bindings)
        for d, target in enumerate(version.targets):
            if target.var is not None and target.var not in bindings:
                bindings[target.var] = target.solve(ks[d])[0]
        if any(free not in bindings for free in red.free):
            return None
        try:
            lo = red.lo(bindings)
            outer_lo: z3.ArithRef | None = red.lo(dict(ctx.bindings))
        except KeyError:
            outer_lo = None
        op = reduce_binop(red.node.op)
        region = z3.And(version.covers(ks), *[ks[d] == term for d, term in fixed])

        def at(steps: z3.ArithRef) -> z3.ExprRef:
            total = sem.convert(series.value(sem, bindings, lo, lo + steps), series.dtype, dtype)
            return z3.Lambda(ks, z3.If(region, sem.binop(op, z3.Select(old, *ks), total, dtype, dtype),
                                       z3.Select(old, *ks)))

        def bind(steps: z3.ArithRef) -> dict[str, z3.ArithRef]:
            return {} if outer_lo is None else {red.node.var: outer_lo + steps}

        def after(steps: z3.ArithRef) -> Version:
            return replace(version, term=at(steps + 1), positions=tuple(ks), covered=region)

        return Hyp(array, f"{array}[k] == {array}0[k] {op.value} {red.func.name()}(lo, lo + t) where the candidate "
                   "writes k", at, bind, after)

    def _prefix_form(self, array: str, version: Version, old: z3.ExprRef, owned: list[tuple[int, int, z3.ArithRef]],
                     fixed: list[tuple[int, z3.ArithRef]]) -> Hyp:
        """`array` equals `version` on the positions the first t iterations wrote, `old` elsewhere."""
        ks = [self.syms.fresh_int(f"{array}{d}") for d in range(len(version.targets))]

        def done(steps: z3.ArithRef) -> z3.BoolRef:
            # written by the first `steps` iterations; the candidate's domain bounds the dimensions inner loops own
            return z3.And(version.covers(ks), *[ks[d] == term for d, term in fixed],
                          *self._written(ks, owned, steps))

        def at(steps: z3.ArithRef) -> z3.ExprRef:
            return z3.Lambda(ks, z3.If(done(steps), z3.Select(version.term, *ks), z3.Select(old, *ks)))

        def bind(steps: z3.ArithRef) -> dict[str, z3.ArithRef]:
            bound: dict[str, z3.ArithRef] = {}
            for d, a, b in owned:
                target = version.targets[d]
                if target.var is not None:
                    bound[target.var] = target.solve(a * steps + b)[0]
            for d, term in fixed:
                target = version.targets[d]
                if target.var is not None:
                    bound[target.var] = target.solve(term)[0]
            return bound

        text = (f"{array}[k] == (k written by the first t iterations ? {array} after statement "
                f"{version.index + 1} of the candidate : {array} before the loop)[k]")
        return Hyp(array, text, at, bind)

    # -------------------------------------------------------------------------------------------- expressions

    def index(self, e: k.Expr, st: ExecState) -> z3.ArithRef:
        match e:
            case k.Const(value, _):
                if isinstance(value, float):
                    raise Unsupported("a float constant in an index")
                return z3.IntVal(int(value))
            case k.Var(name, dtype):
                if name in st.ints:
                    return st.ints[name]
                if name in st.values:
                    return self.syms.to_index(st.values[name], st.dtypes.get(name, dtype))
                return self.syms.int_scalar(name, dtype)
            case k.Dim(array, axis, _):
                if array in st.shapes and axis < len(st.shapes[array]):  # allocated here: its shape
                    return st.shapes[array][axis]
                return self.syms.dim(array, axis)
            case k.Bin(op, lhs, rhs, _):
                return int_binop(op, self.index(lhs, st), self.index(rhs, st))
            case k.Unary(UnOp.NEG, operand, _):
                return -self.index(operand, st)
            case k.Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
                return self.index(operand, st)
            case _:
                raise Unsupported(f"{type(e).__name__} in an index expression (a gather)")

    def value(self, e: k.Expr, st: ExecState) -> z3.ExprRef:
        match e:
            case k.Const(value, dtype):
                return self.sem.const(value, dtype)
            case k.Var(name, dtype):
                if name in st.values:
                    return st.values[name]
                if name in st.ints or dtype.is_int:
                    return self.syms.to_value(self.index(e, st), dtype)
                return self.syms.value_scalar(name, dtype)
            case k.Dim(_, _, dtype):
                return self.syms.to_value(self.index(e, st), dtype)
            case k.Load(array, indices, _):
                if array not in st.values:
                    raise Unsupported(f"array {array} is read but not known")
                return z3.Select(st.values[array], *[self.index(i, st) for i in indices])
            case k.Bin(op, lhs, rhs, dtype):
                common = operand_dtype(op, lhs.dtype, rhs.dtype)
                a = self.sem.convert(self.value(lhs, st), lhs.dtype, common)
                b = self.sem.convert(self.value(rhs, st), rhs.dtype, common)
                return self.sem.binop(op, a, b, common, dtype)
            case k.Unary(op, operand, dtype):
                target = dtype if op is UnOp.NEG else DType.BOOL
                return self.sem.unop(op, self.sem.convert(self.value(operand, st), operand.dtype, target), dtype)
            case k.Call(fn, args, dtype):
                # float functions see their arguments converted (C's sqrt(int)); int-valued ones do not
                terms = tuple(self.sem.convert(self.value(a, st), a.dtype, dtype)
                              if dtype.is_float or fn == "abs" else self.value(a, st) for a in args)
                return self.sem.call(fn, terms, dtype)
            case k.Select(cond, then, else_, dtype):
                c = self.sem.convert(self.value(cond, st), cond.dtype, DType.BOOL)
                return self.sem.select(c, self.sem.convert(self.value(then, st), then.dtype, dtype),
                                       self.sem.convert(self.value(else_, st), else_.dtype, dtype))
            case k.Cast(operand, dtype):
                return self.sem.convert(self.value(operand, st), operand.dtype, dtype)
            case _:
                assert_never(e)


# -------------------------------------------------------------------------------------------------------- helpers


def _itself(value: z3.ExprRef) -> z3.ExprRef:
    return value


_SKOLEMS = itertools.count()


def _same(a: z3.ExprRef, b: z3.ExprRef) -> z3.BoolRef:
    """Equality of two states of a variable. Arrays compare at a fresh index (free in the negated query, so it
    stands for every index); selecting beta-reduces the lambdas, which keeps float theories out of the array
    solver. Elements compare with SMT `=`: floats as bit patterns (one NaN)."""
    if a.sort().kind() == z3.Z3_ARRAY_SORT:
        ks = [z3.Int(f"at!{next(_SKOLEMS)}") for _ in range(_array_arity(a.sort()))]
        return _same(z3.Select(a, *ks), z3.Select(b, *ks))
    return a == b


def _array_arity(sort: z3.SortRef) -> int:
    return int(z3.Z3_get_array_arity(sort.ctx_ref(), sort.ast))


def _trips(lo: z3.ArithRef, hi: z3.ArithRef, step: int) -> z3.ArithRef:
    if step > 0:
        return z3.If(hi > lo, (hi - lo + step - 1) / step, 0)
    return z3.If(lo > hi, (lo - hi - step - 1) / (-step), 0)


def _merge(c: z3.BoolRef, a: ExecState, b: ExecState) -> ExecState:
    out = a.copy()
    for name, value in b.values.items():
        mine = a.values.get(name)
        if mine is None:
            out.values[name] = value
        elif not mine.eq(value):
            out.values[name] = z3.If(c, mine, value)
    out.ints = {n: v for n, v in a.ints.items() if n in b.ints and b.ints[n].eq(v)}
    out.dtypes.update(b.dtypes)
    out.shapes.update(b.shapes)
    out.done = a.done and b.done
    if a.done != b.done:
        raise Unsupported("a return on one branch only")
    return out


def _exprs(e: k.Expr) -> Iterator[k.Expr]:
    yield e
    match e:
        case k.Const() | k.Var() | k.Dim():
            return
        case k.Load(_, indices, _):
            for i in indices:
                yield from _exprs(i)
        case k.Bin(_, lhs, rhs, _):
            yield from _exprs(lhs)
            yield from _exprs(rhs)
        case k.Unary(_, operand, _) | k.Cast(operand, _):
            yield from _exprs(operand)
        case k.Call(_, args, _):
            for a in args:
                yield from _exprs(a)
        case k.Select(c, a, b, _):
            yield from _exprs(c)
            yield from _exprs(a)
            yield from _exprs(b)
        case _:
            assert_never(e)


def _vars(e: k.Expr) -> frozenset[str]:
    return frozenset(x.name for x in _exprs(e) if isinstance(x, k.Var))


def _stmt_vars(stmt: k.Stmt) -> frozenset[str]:
    """Scalars a statement (with everything nested in it) reads."""
    match stmt:
        case k.Assign(target, value, _):
            found = _vars(value)
            if isinstance(target, k.Store):
                for i in target.indices:
                    found |= _vars(i)
            return found
        case k.For(_, start, stop, _, body, _):
            return _vars(start) | _vars(stop) | frozenset().union(*(_stmt_vars(s) for s in body))
        case k.If(cond, then, else_, _):
            return _vars(cond) | frozenset().union(*(_stmt_vars(s) for s in (*then, *else_)))
        case k.Alloc(_, shape, _, init, _):
            return frozenset().union(*(_vars(e) for e in shape)) | (_vars(init) if init is not None else frozenset())
        case k.Return(value, _):
            return _vars(value) if value is not None else frozenset()
        case k.Unsupported():
            return frozenset()
        case _:
            assert_never(stmt)


def _effects(body: tuple[k.Stmt, ...]) -> tuple[set[str], dict[str, list[tuple[k.Expr, ...]]], frozenset[str]]:
    """Scalars assigned, array stores (with their index tuples) and loop variables, anywhere in `body`."""
    scalars: set[str] = set()
    stores: dict[str, list[tuple[k.Expr, ...]]] = {}
    loops: set[str] = set()

    def visit(stmts: tuple[k.Stmt, ...]) -> None:
        for stmt in stmts:
            match stmt:
                case k.Assign(target, _, _):
                    if isinstance(target, k.VarRef):
                        scalars.add(target.name)
                    else:
                        stores.setdefault(target.array, []).append(target.indices)
                case k.For(var, _, _, _, inner, _):
                    loops.add(var)
                    visit(inner)
                case k.If(_, then, else_, _):
                    visit(then)
                    visit(else_)
                case k.Alloc():
                    raise Unsupported("an allocation inside a loop")
                case k.Return() | k.Unsupported():
                    pass
                case _:
                    assert_never(stmt)

    visit(body)
    return scalars - loops, stores, frozenset(loops)


def _temporaries(body: tuple[k.Stmt, ...]) -> set[str]:
    """Scalars every iteration of `body` assigns before reading them: unconditionally at its top level, on both
    branches of an `if`, or as temporaries of an inner loop (`for j { t = 0; for k { t += ... } c[j] = t; }`
    makes `t` one of the outer loop's too). Their value at the loop head does not matter."""
    defined: set[str] = set()
    read_first: set[str] = set()
    for stmt in body:
        local: set[str] = set()
        if isinstance(stmt, k.For):
            local = _temporaries(stmt.body)
        elif isinstance(stmt, k.If):
            local = _temporaries(stmt.then) & _temporaries(stmt.else_)
            read_first |= _vars(stmt.cond) - defined
        read_first |= (_stmt_vars(stmt) - local) - defined
        if isinstance(stmt, k.Assign) and isinstance(stmt.target, k.VarRef) and stmt.target.name not in read_first:
            local = {stmt.target.name}
        defined |= local - read_first
    return defined - read_first


def _coefficient(e: k.Expr, var: str) -> int | None:
    """The coefficient of `var` in `e` when `e` is affine in it (other scalars act as constants), else None."""
    match e:
        case k.Var(name, _):
            return 1 if name == var else 0
        case k.Const() | k.Dim():
            return 0
        case k.Bin(BinOp.ADD | BinOp.SUB, lhs, rhs, _):
            a, b = _coefficient(lhs, var), _coefficient(rhs, var)
            if a is None or b is None:
                return None
            return a + b if e.op is BinOp.ADD else a - b
        case k.Bin(BinOp.MUL, lhs, rhs, _):
            a, b = _coefficient(lhs, var), _coefficient(rhs, var)
            if a == 0 and b == 0:
                return 0
            if isinstance(lhs, k.Const) and isinstance(lhs.value, int) and b is not None:
                return lhs.value * b
            if isinstance(rhs, k.Const) and isinstance(rhs.value, int) and a is not None:
                return rhs.value * a
            return None
        case k.Unary(UnOp.NEG, operand, _):
            c = _coefficient(operand, var)
            return None if c is None else -c
        case k.Cast(operand, _):
            return _coefficient(operand, var)
        case _:
            return None if var in _vars(e) else 0


@dataclass(frozen=True, slots=True)
class _Counter:
    """A scalar the body steps once per iteration by a loop-invariant amount: `name = name + by` as top-level
    statement `at` of the body, assigned nowhere else in it."""

    name: str
    by: k.Expr
    at: int


def _counters(body: tuple[k.Stmt, ...], changing: set[str] | frozenset[str]) -> dict[str, _Counter]:
    """The counters of a loop body; `by` reads no array and nothing in `changing` (what the loop changes)."""
    from ..kernel.visit import walk_stmts

    assigned: dict[str, int] = {}
    for stmt in walk_stmts(body):
        if isinstance(stmt, k.Assign) and isinstance(stmt.target, k.VarRef):
            assigned[stmt.target.name] = assigned.get(stmt.target.name, 0) + 1
    found: dict[str, _Counter] = {}
    for at, stmt in enumerate(body):
        if not (isinstance(stmt, k.Assign) and isinstance(stmt.target, k.VarRef)):
            continue
        name, value = stmt.target.name, _uncast(stmt.value)
        if assigned.get(name) != 1 or not isinstance(value, k.Bin) or value.op not in (BinOp.ADD, BinOp.SUB):
            continue
        lhs, rhs = _uncast(value.lhs), _uncast(value.rhs)
        by: k.Expr | None = None
        if isinstance(lhs, k.Var) and lhs.name == name:
            by = value.rhs if value.op is BinOp.ADD else k.Unary(UnOp.NEG, value.rhs, value.rhs.dtype)
        elif isinstance(rhs, k.Var) and rhs.name == name and value.op is BinOp.ADD:
            by = value.lhs
        if by is None or _vars(by) & changing or any(isinstance(x, k.Load) for x in _exprs(by)):
            continue
        found[name] = _Counter(name, by, at)
    return found


def _uncast(e: k.Expr) -> k.Expr:
    """`e` without integer casts around it (C's `j = j + 1` on a short is `j = (short)((int)j + 1)`)."""
    while isinstance(e, k.Cast) and e.dtype.is_int and e.operand.dtype.is_int:
        e = e.operand
    return e


def _stored_at(body: tuple[k.Stmt, ...], array: str) -> frozenset[int]:
    """The top-level statements of `body` that store into `array` (themselves or nested in them)."""
    from ..kernel.visit import walk_stmts

    return frozenset(at for at, stmt in enumerate(body) for s in walk_stmts((stmt,))
                     if isinstance(s, k.Assign) and isinstance(s.target, k.Store) and s.target.array == array)
