"""A TensIR program as Z3 terms over symbolic sizes: each statement's result as an array `Lambda` (or a scalar
term), each reduction as a terminating recursive function.

A reduction `sum(k in lo:hi, e)` becomes `red(lo, hi, free...) = If(hi <= lo, 0, red(lo, hi - 1, free...) +
e[k := hi - 1])`, defined with `RecAddDefinition` (recursion on `hi - lo`, so it terminates for every argument:
the definition is conservative and cannot make a proof vacuous). `max`/`min` peel the same way down to one element;
on an empty range they are undefined in TensIR, and `nonempty` collects the non-emptiness the proof assumes: where
the reduction sits under `select` conditions (`select(lo < hi, max(c, max(i in lo:hi, e)), c)`, a max started from
`c`), only under them, since elsewhere its value is never used. `seeded` notes the reductions the candidate
combines with a start value by their own operator (`max(c, max(...))`): a loop-carried max from `c` has an
invariant of that shape (see `kernel_vc`).
Statements keep their parallel semantics: the value reads the state before the statement.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import assert_never

import z3

from ..common import BinOp, DType, ReduceOp, UnOp
from ..semantics import reduce_binop, reduce_identity
from ..tensir import nodes as t
from .solving import Definition
from .symbols import Symbols, Unsupported, int_binop, operand_dtype

Env = Mapping[str, z3.ArithRef]

_DIVISIONS = frozenset({BinOp.DIV_REAL, BinOp.DIV_TRUNC, BinOp.DIV_FLOOR, BinOp.MOD_TRUNC, BinOp.MOD_FLOOR})

# Z3 keeps recursive definitions per context for the process's life, so every function needs a new name.
_NAMES = itertools.count()


@dataclass(frozen=True, slots=True)
class TargetMap:
    """One target index of a statement: `coeff * var + rest` (coeff a non-zero integer), or `rest` when var is
    None."""

    var: str | None
    coeff: int
    rest: z3.ArithRef

    def solve(self, position: z3.ArithRef) -> tuple[z3.ArithRef, z3.BoolRef]:
        """The value of `var` that writes `position`, and when there is one."""
        return exact_quotient(position - self.rest, self.coeff)


def exact_quotient(value: z3.ArithRef, divisor: int) -> tuple[z3.ArithRef, z3.BoolRef]:
    """`value / divisor` and the condition that it is an integer (always, for ±1)."""
    if abs(divisor) == 1:
        return divisor * value, z3.BoolVal(True)
    return value / divisor, value % abs(divisor) == 0


@dataclass(frozen=True, slots=True)
class Version:
    """The value of a target after statement `index` of the program."""

    index: int
    statement: t.Statement
    term: z3.ExprRef
    targets: tuple[TargetMap, ...]
    positions: tuple[z3.ArithRef, ...] = ()  # the index constants `covered` is stated over
    covered: z3.BoolRef | None = None  # positions the statement writes (None for scalars)

    def covers(self, at: list[z3.ArithRef]) -> z3.BoolRef:
        """Whether the statement writes position `at`."""
        if self.covered is None:
            return z3.BoolVal(True)
        return z3.substitute(self.covered, *zip(self.positions, at, strict=True))


@dataclass(frozen=True, slots=True)
class Reduction:
    """A reduction of the candidate as a recursive function of (lo, hi, free index variables...)."""

    func: z3.FuncDeclRef
    node: t.Reduce
    free: tuple[str, ...]
    statement: int
    lo: Callable[[Env], z3.ArithRef]
    hi: Callable[[Env], z3.ArithRef]
    definition: Definition
    element_at: z3.ExprRef  # the body at `element_var`, over the definition's free parameters
    element_var: z3.ArithRef

    def at(self, env: Env, lo: z3.ArithRef, hi: z3.ArithRef) -> z3.ExprRef:
        return self.func(lo, hi, *[env[name] for name in self.free])

    def element(self, k: z3.ArithRef, args: list[z3.ArithRef]) -> z3.ExprRef:
        """The reduced expression at index `k`, with the free variables at `args`."""
        pairs = [(self.element_var, k), *zip(self.definition.params[2:], args, strict=True)]
        return z3.substitute(self.element_at, *pairs)


@dataclass(frozen=True, slots=True)
class AccessSite:
    """An element the candidate reads or writes: `tensor(at)` whenever `when` holds (its domain, the reduction
    ranges around it; both branches of a `select` count, as NumPy's `where` evaluates both)."""

    statement: int
    text: str
    tensor: str
    at: tuple[z3.ArithRef, ...]
    when: z3.BoolRef
    write: bool = False


@dataclass(frozen=True, slots=True)
class DivisionSite:
    """A division of the candidate: its divisor is `divisor` and `nonzero` says it is not zero, whenever `when`."""

    statement: int
    text: str
    divisor: t.Expr
    nonzero: z3.BoolRef
    when: z3.BoolRef


@dataclass
class CandidateModel:
    versions: dict[str, list[Version]] = field(default_factory=dict)
    final: dict[str, z3.ExprRef] = field(default_factory=dict)
    extents: dict[str, tuple[z3.ArithRef, ...]] = field(default_factory=dict)  # of targets it creates
    reductions: list[Reduction] = field(default_factory=list)
    scales: list[Scale] = field(default_factory=list)
    nonempty: list[z3.BoolRef] = field(default_factory=list)
    seeded: list[Reduction] = field(default_factory=list)  # max/min combined with a start value: `max(c, red)`
    definitions: list[str] = field(default_factory=list)  # human-readable, for the certificate
    accesses: list[AccessSite] = field(default_factory=list)
    divisions: list[DivisionSite] = field(default_factory=list)
    created: set[str] = field(default_factory=set)  # targets the candidate creates (their range: `extents`)


@dataclass(frozen=True, slots=True)
class Scale:
    """`factor * red` in the candidate (a sum times something that does not depend on its variable): a kernel may
    accumulate `factor * element` instead, which equals it by distributivity, one step at a time."""

    reduction: Reduction
    factor: Callable[[Env], z3.ExprRef]  # in `dtype`
    dtype: DType  # of the product


class CandidateTranslator:
    def __init__(self, symbols: Symbols, state: Mapping[str, z3.ExprRef], ints: Mapping[str, z3.ArithRef],
                 dtypes: Mapping[str, DType]) -> None:
        self.syms = symbols
        self.sem = symbols.sem
        self.state = dict(state)  # tensors (arrays) and scalars (value view)
        self.ints = dict(ints)  # integer scalar inputs, index view
        self.dtypes = dict(dtypes)
        self.model = CandidateModel(final=self.state)
        self._cache: dict[tuple[int, int], Reduction] = {}
        self._statement = 0
        self._noting = True  # whether `value` notes `factor * sum` (not while only collecting sites)
        self._guards: list[z3.BoolRef] = []  # the index-free `select` conditions around the expression evaluated

    def run(self, program: t.Program) -> CandidateModel:
        for index, statement in enumerate(program.statements):
            self._statement = index
            self._run_statement(index, statement)
        return self.model

    # statements

    def _run_statement(self, index: int, st: t.Statement) -> None:
        if st.is_scalar:
            if st.domain:
                raise Unsupported("a scalar statement with a domain")
            value = self._convert(self.value(st.value, {}), st.value.dtype, st.dtype)
            self._sites(st.value, {}, [], value_context=True)  # after `value`: its reductions are the ones made
            self._set(index, st, value, ())
            self.ints.pop(st.target, None)
            return
        names = [loop.var for loop in st.domain]
        if len(set(names)) != len(names):
            raise Unsupported("a domain variable repeats")
        zero: dict[str, z3.ArithRef] = {name: z3.IntVal(0) for name in names}
        maps = tuple(self._target_map(ix, names, zero) for ix in st.indices)
        used = [m.var for m in maps if m.var is not None]
        if sorted(used) != sorted(names):
            raise Unsupported(f"statement for {st.target}: each domain variable must index exactly one dimension")
        rank = len(st.indices)
        ks = [self.syms.fresh_int(f"k{d}") for d in range(rank)]
        env: dict[str, z3.ArithRef] = {}
        fixed: list[z3.BoolRef] = []
        for m, k in zip(maps, ks, strict=True):
            if m.var is None:
                fixed.append(k == m.rest)
            else:
                env[m.var], divides = m.solve(k)
                fixed.append(divides)
        inside = [*fixed]
        for loop in st.domain:
            x = env[loop.var]
            self._sites(loop.lo, env, [], value_context=False)
            self._sites(loop.hi, env, [], value_context=False)
            inside += [self.index(loop.lo, env) <= x, x < self.index(loop.hi, env)]
        value = self._convert(self.value(st.value, env), st.value.dtype, st.dtype)
        self._sites(st.value, env, inside, value_context=True)  # after `value`: its reductions are the ones made
        if st.target in self.state:
            self.model.accesses.append(AccessSite(index, f"statement {index + 1} writes {st.target}", st.target,
                                                  tuple(ks), z3.And(*inside), write=True))
        if st.target in self.state:
            old = self.state[st.target]
        else:  # a new target: its shape is the domain's extents (each domain starts at 0; typecheck says so)
            self.model.extents[st.target] = tuple(self.index(loop.hi, env) - self.index(loop.lo, env)
                                                  for loop in st.domain)
            old = self.syms.fresh_array(f"undef_{st.target}", rank, st.dtype)
            self.model.created.add(st.target)
        covered = z3.And(*inside)
        term = z3.Lambda(ks, z3.If(covered, value, z3.Select(old, *ks)))
        self._set(index, st, term, maps, tuple(ks), covered)

    def _set(self, index: int, st: t.Statement, term: z3.ExprRef, maps: tuple[TargetMap, ...],
             positions: tuple[z3.ArithRef, ...] = (), covered: z3.BoolRef | None = None) -> None:
        self.state[st.target] = term
        self.dtypes[st.target] = st.dtype
        self.model.versions.setdefault(st.target, []).append(Version(index, st, term, maps, positions, covered))

    def _target_map(self, expr: t.Expr, names: list[str], zero: Env) -> TargetMap:
        coeffs = _linear(expr)
        if coeffs is None:
            coeffs = self._exact_quotient(expr, zero)
        if coeffs is None:
            from ..tensir.printer import show_expr

            raise Unsupported(f"target index {show_expr(expr)} is not affine in the statement's index variables with "
                              "integer coefficients (a flattened index with a symbolic stride, such as w * y + x, is "
                              "not split into dimensions by the prover)")
        present = {v: c for v, c in coeffs.items() if c != 0}
        if any(v not in names for v in present):
            raise Unsupported("a target index uses a variable outside the statement's domain")
        rest = self.index(expr, zero)
        if not present:
            return TargetMap(None, 1, rest)
        if len(present) > 1:
            from ..tensir.printer import show_expr

            raise Unsupported(f"target index {show_expr(expr)} combines several index variables; the prover needs "
                              "c * var + offset in each dimension")
        ((var, coeff),) = present.items()
        return TargetMap(var, coeff, rest)

    def _exact_quotient(self, expr: t.Expr, zero: Env) -> dict[str, int] | None:
        """The coefficients of `(c * (q . vars) + r) / c` (a positive constant c, `/` flooring or truncating), which
        is exactly `q . vars + r / c`: always when flooring, and when truncating if r is a constant multiple of c
        (`tdiv(2 * t1 + 2, 2)` is `t1 + 1`; `tdiv(2 * t1 - 1, 2)` is not `t1 + tdiv(-1, 2)` at t1 = 0)."""
        if not (isinstance(expr, t.Bin) and expr.op in (BinOp.DIV_FLOOR, BinOp.DIV_TRUNC)
                and isinstance(expr.rhs, t.Const) and isinstance(expr.rhs.value, int) and expr.rhs.value > 0):
            return None
        c = expr.rhs.value
        inner = _linear(expr.lhs)
        if inner is None or any(x % c for x in inner.values()):
            return None
        if expr.op is BinOp.DIV_TRUNC:
            rest = z3.simplify(self.index(expr.lhs, zero))
            if not z3.is_int_value(rest) or rest.as_long() % c:
                return None
        return {v: x // c for v, x in inner.items()}

    # expressions

    def index(self, e: t.Expr, env: Env) -> z3.ArithRef:
        match e:
            case t.Const(value, _):
                if isinstance(value, float):
                    raise Unsupported("a float constant in an index")
                return z3.IntVal(int(value))
            case t.Idx(name, _):
                return env[name]
            case t.Scalar(name, dtype):
                if name in self.ints:
                    return self.ints[name]
                if name in self.state:
                    return self.syms.to_index(self.state[name], dtype)
                return self.syms.int_scalar(name, dtype)
            case t.Dim(tensor, axis, _):
                extents = self.model.extents.get(tensor)  # a tensor the program created: its domain's extents
                return extents[axis] if extents is not None and axis < len(extents) else self.syms.dim(tensor, axis)
            case t.Bin(op, lhs, rhs, _):
                return int_binop(op, self.index(lhs, env), self.index(rhs, env))
            case t.Unary(UnOp.NEG, operand, _):
                return -self.index(operand, env)
            case t.Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
                return self.index(operand, env)
            case _:
                raise Unsupported(f"{type(e).__name__} in an index expression (a gather)")

    def value(self, e: t.Expr, env: Env) -> z3.ExprRef:
        match e:
            case t.Const(value, dtype):
                return self.sem.const(value, dtype)
            case t.Idx(name, dtype):
                return self.syms.to_value(env[name], dtype)
            case t.Scalar(name, dtype):
                if name in self.state:
                    return self.state[name]
                if dtype.is_int:
                    return self.syms.to_value(self.index(e, env), dtype)
                return self.syms.value_scalar(name, dtype)
            case t.Dim(_, _, dtype):
                return self.syms.to_value(self.index(e, env), dtype)
            case t.Access(tensor, indices, _):
                if tensor not in self.state:
                    raise Unsupported(f"tensor {tensor} is not defined")
                return z3.Select(self.state[tensor], *[self.index(ix, env) for ix in indices])
            case t.Bin(op, lhs, rhs, dtype):
                common = operand_dtype(op, lhs.dtype, rhs.dtype)
                a = self._convert(self.value(lhs, env), lhs.dtype, common)
                b = self._convert(self.value(rhs, env), rhs.dtype, common)
                if op is BinOp.MUL and self._noting:
                    self._note_scale(lhs, rhs, common, env)
                    self._note_scale(rhs, lhs, common, env)
                if op in (BinOp.MAX, BinOp.MIN):
                    self._note_seeded(op, lhs)
                    self._note_seeded(op, rhs)
                return self.sem.binop(op, a, b, common, dtype)
            case t.Unary(op, operand, dtype):
                inner = self.value(operand, env)
                if op is UnOp.NEG:
                    return self.sem.unop(op, self._convert(inner, operand.dtype, dtype), dtype)
                return self.sem.unop(op, self._convert(inner, operand.dtype, DType.BOOL), dtype)
            case t.Call(fn, args, dtype):
                terms = tuple(self._convert(self.value(a, env), a.dtype, dtype)
                              if dtype.is_float or fn == "abs" else self.value(a, env) for a in args)
                return self.sem.call(fn, terms, dtype)
            case t.Select(cond, then, else_, dtype):
                c = self._convert(self.value(cond, env), cond.dtype, DType.BOOL)
                return self.sem.select(c, self._guarded(c, cond, lambda: self.value(then, env), then.dtype, dtype),
                                       self._guarded(z3.Not(c), cond, lambda: self.value(else_, env), else_.dtype,
                                                     dtype))
            case t.Cast(operand, dtype):
                return self._convert(self.value(operand, env), operand.dtype, dtype)
            case t.Reduce():
                reduction = self._reduction(e, env)
                lo, hi = self.index(e.lo, env), self.index(e.hi, env)
                if e.op in (ReduceOp.MAX, ReduceOp.MIN) and not _mentions_idx(e.lo) and not _mentions_idx(e.hi):
                    self._assume_nonempty(lo < hi)
                return reduction.at(env, lo, hi)
            case _:
                assert_never(e)

    def _guarded(self, c: z3.BoolRef, cond: t.Expr, branch: Callable[[], z3.ExprRef], source: DType,
                 target: DType) -> z3.ExprRef:
        """A branch of a `select`, evaluated knowing that its condition picks it. Only a condition without index
        variables is kept: one over a statement's domain would be stated for its positions' placeholders, not for
        every position (dropping a condition only makes an assumption under it stronger, never hidden)."""
        keep = not _mentions_idx(cond)
        if keep:
            self._guards.append(c)
        try:
            return self._convert(branch(), source, target)
        finally:
            if keep:
                self._guards.pop()

    def _assume_nonempty(self, nonempty: z3.BoolRef) -> None:
        """A max/min range is non-empty wherever its value is used: under the `select` conditions around it."""
        fact = z3.Implies(z3.And(*self._guards), nonempty) if self._guards else nonempty
        if z3.is_true(z3.simplify(fact)) or any(fact.eq(known) for known in self.model.nonempty):
            return
        self.model.nonempty.append(fact)

    def _note_seeded(self, op: BinOp, operand: t.Expr) -> None:
        """Notes `operand` when it is a max/min reduction combined by its own operator (`max(c, max(...))`)."""
        while isinstance(operand, t.Cast):
            operand = operand.operand
        if not isinstance(operand, t.Reduce) or reduce_binop(operand.op) is not op:
            return
        reduction = self._cache.get((id(operand), self._statement))
        if reduction is not None and all(reduction is not r for r in self.model.seeded):
            self.model.seeded.append(reduction)

    def _sites(self, e: t.Expr, env: Env, conds: list[z3.BoolRef], *, value_context: bool) -> None:
        """Notes the accesses and divisions of `e` evaluated at `env` whenever `conds` hold."""
        from ..tensir.printer import show_expr

        match e:
            case t.Const() | t.Scalar() | t.Idx() | t.Dim():
                return
            case t.Access(tensor, indices, _):
                for ix in indices:
                    self._sites(ix, env, conds, value_context=False)
                if indices:
                    at = tuple(self.index(ix, env) for ix in indices)
                    self.model.accesses.append(AccessSite(self._statement, f"statement {self._statement + 1} "
                                                          f"reads {show_expr(e)}", tensor, at, z3.And(*conds)))
            case t.Bin(op, lhs, rhs, _):
                self._sites(lhs, env, conds, value_context=value_context)
                self._sites(rhs, env, conds, value_context=value_context)
                if op in _DIVISIONS:
                    text = f"statement {self._statement + 1} divides by {show_expr(rhs)}"
                    if value_context:
                        common = operand_dtype(op, lhs.dtype, rhs.dtype)
                        self._noting = False
                        try:
                            divisor = self._convert(self.value(rhs, env), rhs.dtype, common)
                        finally:
                            self._noting = True
                        nonzero = self.sem.binop(BinOp.NE, divisor, self.sem.const(0, common), common, DType.BOOL)
                    else:
                        nonzero = self.index(rhs, env) != 0
                    self.model.divisions.append(DivisionSite(self._statement, text, rhs, nonzero, z3.And(*conds)))
            case t.Unary(_, operand, _) | t.Cast(operand, _):
                self._sites(operand, env, conds, value_context=value_context)
            case t.Call(_, args, _):
                for a in args:
                    self._sites(a, env, conds, value_context=value_context)
            case t.Select(c, a, b, _):  # emitted as an eager `where`: both branches are evaluated
                for part in (c, a, b):
                    self._sites(part, env, conds, value_context=value_context)
            case t.Reduce(_, var, lo, hi, body, _):
                self._sites(lo, env, conds, value_context=False)
                self._sites(hi, env, conds, value_context=False)
                r = self.syms.fresh_int(f"r_{var}")
                inner = [*conds, self.index(lo, env) <= r, r < self.index(hi, env)]
                self._sites(body, {**env, var: r}, inner, value_context=value_context)
            case _:
                assert_never(e)

    def _note_scale(self, red: t.Expr, factor: t.Expr, dtype: DType, env: Env) -> None:
        if not isinstance(red, t.Reduce) or red.op is not ReduceOp.SUM or red.var in _idx_names(factor):
            return
        reduction = self._cache.get((id(red), self._statement))
        if reduction is None:
            return
        captured, snapshot = dict(env), self._snapshot()

        def scaled(bindings: Env) -> z3.ExprRef:
            with snapshot:
                return self._convert(self.value(factor, {**captured, **bindings}), factor.dtype, dtype)

        self.model.scales.append(Scale(reduction, scaled, dtype))

    def _reduction(self, e: t.Reduce, env: Env) -> Reduction:
        key = (id(e), self._statement)
        if key in self._cache:
            return self._cache[key]
        free = tuple(sorted(name for name in _idx_names(e.body) if name != e.var and name in env))
        missing = _idx_names(e.body) - {e.var} - set(env)
        if missing:
            raise Unsupported(f"reduction body uses unbound index variables {sorted(missing)}")
        name = f"{e.op.value}_{e.var}_{next(_NAMES)}"
        func = z3.RecFunction(name, *([z3.IntSort()] * (2 + len(free))), self.sem.sort(e.dtype))
        lo, hi = z3.Int(f"{name}_lo"), z3.Int(f"{name}_hi")
        params = {v: z3.Int(f"{name}_{v}") for v in free}

        def element(k: z3.ArithRef) -> z3.ExprRef:
            return self._convert(self.value(e.body, {**params, e.var: k}), e.body.dtype, e.dtype)

        rest = func(lo, hi - 1, *params.values())
        combine = self.sem.binop(reduce_binop(e.op), rest, element(hi - 1), e.dtype, e.dtype)
        identity = reduce_identity(e.op, e.dtype)
        if identity is None:  # max/min: down to one element; undefined (here: that element) when empty
            body = z3.If(hi <= lo + 1, element(lo), combine)
        else:
            body = z3.If(hi <= lo, self.sem.const(identity, e.dtype), combine)
        z3.RecAddDefinition(func, [lo, hi, *params.values()], body)
        definition = Definition(func, (lo, hi, *params.values()), body)
        captured, snapshot = dict(env), self._snapshot()

        def lower(bindings: Env) -> z3.ArithRef:
            with snapshot:
                return self.index(e.lo, {**captured, **bindings})

        def upper(bindings: Env) -> z3.ArithRef:
            with snapshot:
                return self.index(e.hi, {**captured, **bindings})

        at = z3.Int(f"{name}_k")
        reduction = Reduction(func, e, free, self._statement, lower, upper, definition, element(at), at)
        self._cache[key] = reduction
        self.model.reductions.append(reduction)
        self.model.definitions.append(f"{name}(lo, hi{''.join(', ' + v for v in free)}) = {e.op.value} over "
                                      f"{e.var} in lo:hi, peeled at hi - 1")
        return reduction

    def _snapshot(self) -> _State:
        """The translator's state now, to evaluate against later (hypotheses are built after the whole run)."""
        return _State(self, dict(self.state), dict(self.ints))

    def _convert(self, term: z3.ExprRef, source: DType, target: DType) -> z3.ExprRef:
        return self.sem.convert(term, source, target)


class _State:
    """A context manager that puts a translator back into an earlier state, and restores it after."""

    def __init__(self, translator: CandidateTranslator, state: dict[str, z3.ExprRef],
                 ints: dict[str, z3.ArithRef]) -> None:
        self.translator, self.state, self.ints = translator, state, ints
        self.saved: list[tuple[dict[str, z3.ExprRef], dict[str, z3.ArithRef]]] = []

    def __enter__(self) -> None:
        self.saved.append((self.translator.state, self.translator.ints))
        self.translator.state, self.translator.ints = self.state, self.ints

    def __exit__(self, *_: object) -> None:
        self.translator.state, self.translator.ints = self.saved.pop()


def _linear(e: t.Expr) -> dict[str, int] | None:
    """Coefficients of the index variables in an affine index expression, or None when it is not affine in them."""
    match e:
        case t.Idx(name, _):
            return {name: 1}
        case t.Const() | t.Scalar() | t.Dim():
            return {}
        case t.Bin(BinOp.ADD | BinOp.SUB, lhs, rhs, _):
            a, b = _linear(lhs), _linear(rhs)
            if a is None or b is None:
                return None
            sign = 1 if e.op is BinOp.ADD else -1
            out = dict(a)
            for v, c in b.items():
                out[v] = out.get(v, 0) + sign * c
            return out
        case t.Bin(BinOp.MUL, t.Const(value, _), other, _) | t.Bin(BinOp.MUL, other, t.Const(value, _), _):
            inner = _linear(other)
            if inner is None or not isinstance(value, int):
                return None
            return {v: c * int(value) for v, c in inner.items()}
        case t.Unary(UnOp.NEG, operand, _):
            inner = _linear(operand)
            return None if inner is None else {v: -c for v, c in inner.items()}
        case t.Cast(operand, _):
            return _linear(operand)
        case _:
            return None if _idx_names(e) else {}


def _idx_names(e: t.Expr) -> set[str]:
    match e:
        case t.Idx(name, _):
            return {name}
        case t.Const() | t.Scalar() | t.Dim():
            return set()
        case t.Access(_, indices, _):
            return set().union(*(_idx_names(i) for i in indices))
        case t.Bin(_, lhs, rhs, _):
            return _idx_names(lhs) | _idx_names(rhs)
        case t.Unary(_, operand, _) | t.Cast(operand, _):
            return _idx_names(operand)
        case t.Call(_, args, _):
            return set().union(*(_idx_names(a) for a in args))
        case t.Select(c, a, b, _):
            return _idx_names(c) | _idx_names(a) | _idx_names(b)
        case t.Reduce(_, var, lo, hi, body, _):
            return _idx_names(lo) | _idx_names(hi) | (_idx_names(body) - {var})
        case _:
            assert_never(e)


def _mentions_idx(e: t.Expr) -> bool:
    return bool(_idx_names(e))
