"""What the source establishes about its arrays and divisors, for the in-range and definedness obligations.

The inductive proof models arrays as total Z3 arrays, so equality of outputs alone says nothing about a candidate
that reads past the end of an array (`0 * x(n)` equals `0`). Design §6: out-of-range accesses and division by zero
are preconditions of the *source*, stated, never assumed away. So every access the candidate makes must stay in
the range the source's own accesses establish, and every divisor it uses must be non-zero where the source's
divisions say so.

The range of an array along an axis is `0 <= k < extent`, with `extent` the largest index the source reads or
writes there, plus one (or the declared shape / `Dim` where the unit has one). The largest index is stated
symbolically as a disjunction over *witnesses*: for each access, each corner of its loop nest (every loop at its
first or last iteration, inner bounds evaluated at the outer choice), when that corner is executed (every loop
non-empty there, the index-only conditions around the access true), the index there. Each witness is an access the
source really makes, so the stated range never exceeds the true one (it may fall short: then a correct candidate
is not proved, and stays `bounded`). Accesses with indices that depend on data are not witnesses. An access under
a data-dependent condition (`c[i] ? a[i] : b[i]`) is one when both branches make it; otherwise it still counts,
as the loop's iteration space implies (the bounded checker's shapes do the same), and the proof *states* that
assumption (`assumed`): the array has the extent such an access reaches.

A division fact is `forall loop variables in their ranges: conditions => divisor != 0` for every division the
source evaluates whose divisor depends only on loop variables, unchanged inputs and sizes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import z3

from ..common import BinOp, DType, UnOp
from ..kernel import nodes as k
from ..kernel.nodes import LiftUnit
from ..semantics import Z3Semantics
from .kernel_vc import ExecState, KernelProver, _exprs, _trips
from .symbols import Symbols, Unsupported, int_binop, operand_dtype

DIVISIONS = frozenset({BinOp.DIV_REAL, BinOp.DIV_TRUNC, BinOp.DIV_FLOOR, BinOp.MOD_TRUNC, BinOp.MOD_FLOOR})
MAX_CORNERS = 64  # per access; more loops than that many corners: the first ones only (fewer witnesses is sound)


@dataclass(frozen=True, slots=True)
class _Loop:
    """A loop of the source around what is walked: `var` counts its iterations (the loop variable is
    `lo + step * var`); `lo`, `hi` are over the counts of the loops outside."""

    var: z3.ArithRef
    lo: z3.ArithRef
    hi: z3.ArithRef
    step: int


@dataclass
class SourceRanges:
    """Per array and axis, the witnesses `(executed, index)` of the source's accesses; declared extents; division
    facts."""

    witnesses: dict[str, list[list[tuple[z3.BoolRef, z3.ArithRef]]]] = field(default_factory=dict)
    declared: dict[tuple[str, int], z3.ArithRef] = field(default_factory=dict)
    divisions: list[z3.BoolRef] = field(default_factory=list)
    assumed: dict[str, set[str]] = field(default_factory=dict)  # array -> witness keys from a conditional access
    _seen: dict[str, tuple[str, int, z3.BoolRef, z3.ArithRef]] = field(default_factory=dict)

    def sentences(self, arrays: Iterable[str]) -> tuple[str, ...]:
        return tuple(f"{a} has the extent its accesses under a data-dependent condition reach over the loops' "
                     "ranges" for a in sorted(set(arrays)) if self.assumed.get(a))

    def merge_branches(self, then: SourceRanges, else_: SourceRanges) -> None:
        """Witnesses of the two branches of a data-dependent `if`: those both make are certain, the others
        assumed."""
        for part, other in ((then, else_), (else_, then)):
            for key, (array, d, executed, top) in part._seen.items():
                rank = len(part.witnesses[array])
                conditional = key not in other._seen or key in part.assumed.get(array, set()) or \
                    key in other.assumed.get(array, set())
                self.add_witness(array, rank, executed, top, d, assumed=conditional)

    def knows(self, array: str) -> bool:
        return array in self.witnesses or any(a == array for a, _ in self.declared)

    def inside(self, array: str, at: Iterable[z3.ArithRef]) -> z3.BoolRef:
        """`at` is within the range the source establishes for `array` (False where it establishes none)."""
        conds: list[z3.BoolRef] = []
        axes = self.witnesses.get(array, [])
        for d, x in enumerate(at):
            alts = [z3.And(ok, x <= top) for ok, top in (axes[d] if d < len(axes) else [])]
            if (array, d) in self.declared:
                alts.append(x < self.declared[(array, d)])
            conds.append(z3.And(x >= 0, z3.Or(*alts)) if alts else z3.BoolVal(False))
        return z3.And(*conds)

    def add_witness(self, array: str, rank: int, executed: z3.BoolRef, top: z3.ArithRef, axis: int, *,
                    assumed: bool) -> None:
        axes = self.witnesses.setdefault(array, [[] for _ in range(rank)])
        if len(axes) != rank:
            raise Unsupported(f"{array} is accessed with different numbers of indices")
        executed, top = z3.simplify(executed), z3.simplify(top)
        if z3.is_false(executed):
            return
        key = f"{array}/{axis}/{executed.sexpr()}/{top.sexpr()}"
        marks = self.assumed.setdefault(array, set())
        if key not in self._seen:
            self._seen[key] = (array, axis, executed, top)
            axes[axis].append((executed, top))
            if assumed:
                marks.add(key)
        elif not assumed:
            marks.discard(key)  # also made unconditionally


class _Walker:
    """Walks the unit like one execution with symbolic loop variables, noting accesses and divisions."""

    def __init__(self, unit: LiftUnit, syms: Symbols, prover: KernelProver) -> None:
        self.syms, self.sem, self.prover = syms, syms.sem, prover
        self.out = SourceRanges()
        written = _written_scalars(unit.body)
        self.written_arrays = _written_arrays(unit.body)
        self.ranks = {p.name: p.rank for p in unit.inputs if p.kind == "array"}
        self.ranks.update({o.name: o.rank for o in unit.outputs if o.kind == "array" and not o.fresh})
        self.known: dict[str, z3.ArithRef] = {}  # integer scalars whose value is a term here
        for p in unit.inputs:
            if p.kind == "scalar" and p.dtype.is_int and p.name not in written:
                self.known[p.name] = syms.int_scalar(p.name, p.dtype)
        # for divisors: unchanged inputs only
        self.pure = ExecState({}, {}, {})
        for p in unit.inputs:
            self.pure.dtypes[p.name] = p.dtype
            if p.kind == "array" and p.name not in self.written_arrays:
                self.pure.values[p.name] = syms.array(p.name, p.rank, p.dtype)
            elif p.kind == "scalar" and not p.dtype.is_int and p.name not in written:
                self.pure.values[p.name] = syms.value_scalar(p.name, p.dtype)
        self.shapes: dict[str, tuple[z3.ArithRef, ...]] = {}
        self.loops: list[_Loop] = []
        self.blind = 0  # > 0: what is walked now may not execute (after a return, in a loop of unknown bounds)
        self.maybe = 0  # > 0: in a data-dependent branch of an expression (accesses are assumed witnesses)
        self.unsure = 0  # > 0: under any data-dependent condition (divisions give no facts)

    # statements

    def block(self, stmts: Iterable[k.Stmt], conds: list[z3.BoolRef]) -> None:
        for stmt in stmts:
            self.stmt(stmt, conds)

    def stmt(self, stmt: k.Stmt, conds: list[z3.BoolRef]) -> None:
        match stmt:
            case k.Assign(k.VarRef(name, dtype), value, _):
                self.reads(value, conds)
                term = self.int(value) if dtype.is_int and value.dtype.is_int else None
                if term is None:
                    self.known.pop(name, None)
                else:
                    self.known[name] = term
            case k.Assign(target, value, _):
                assert isinstance(target, k.Store)
                self.reads(value, conds)
                for i in target.indices:
                    self.reads(i, conds)
                self.access(target.array, target.indices, conds)
            case k.Alloc(array, shape, _, init, _):
                for e in shape:
                    self.reads(e, conds)
                if init is not None:
                    self.reads(init, conds)
                terms = [self.int(e) for e in shape]
                if all(x is not None for x in terms):
                    self.shapes[array] = tuple(x for x in terms if x is not None)
            case k.If(cond, then, else_, _):
                self.reads(cond, conds)
                c = self.bool(cond)
                assigned = _written_scalars((*then, *else_))
                saved = dict(self.known)
                if c is not None:
                    self.block(then, [*conds, c])
                    self.known = dict(saved)
                    self.block(else_, [*conds, z3.Not(c)])
                else:
                    main = self.out
                    self.unsure += 1
                    branches: list[SourceRanges] = []
                    for branch in (then, else_):
                        self.known = dict(saved)
                        self.out = SourceRanges()
                        self.block(branch, conds)
                        branches.append(self.out)
                    self.unsure -= 1
                    self.out = main
                    main.merge_branches(*branches)
                self.known = {n: v for n, v in saved.items() if n not in assigned}
                if _returns(then) or _returns(else_):
                    self.blind += 1  # from here on, only some executions get here
            case k.For(var, start, stop, step, body, _):
                if _returns(body):  # later iterations may not run: no corner of the loop is sure to
                    raise Unsupported("a return inside a loop")
                self.reads(start, conds)
                self.reads(stop, conds)
                lo, hi = self.int(start), self.int(stop)
                assigned = _written_scalars(body) | {var}
                counters = {name: (self.known.get(name), self.int(by)) for name, by in _counters(body).items()
                            if not _mentions(by, assigned)}
                for name in assigned:
                    self.known.pop(name, None)
                if lo is None or hi is None:
                    self.blind += 1
                    self.block(body, conds)
                    self.blind -= 1
                    after: dict[str, z3.ArithRef] = {}
                else:
                    count = self.syms.fresh_int(f"src_t_{var}")  # iterations before this one
                    self.loops.append(_Loop(count, lo, hi, step))
                    self.known[var] = lo + step * count
                    trips = _trips(lo, hi, step)
                    after = {}
                    for name, (first, by) in counters.items():  # `j++` once per iteration: j0 + t * by
                        if first is not None and by is not None:
                            self.known[name] = first + by * count
                            after[name] = first + by * trips
                    self.block(body, conds)
                    self.loops.pop()
                for name in assigned:
                    self.known.pop(name, None)
                self.known.update(after)
            case k.Return(value, _):
                if value is not None:
                    self.reads(value, conds)
                self.blind += 1
            case k.Unsupported(reason, _):
                raise Unsupported(reason)

    # expressions

    def reads(self, e: k.Expr, conds: list[z3.BoolRef]) -> None:
        """Notes the accesses and divisions of `e`, evaluated whenever `conds` hold."""
        match e:
            case k.Const() | k.Var() | k.Dim():
                return
            case k.Load(array, indices, _):
                for i in indices:
                    self.reads(i, conds)
                self.access(array, indices, conds)
            case k.Bin(op, lhs, rhs, _) if op.is_logical:  # short-circuit: the right side is conditional
                self.reads(lhs, conds)
                c = self.bool(lhs)
                if c is None:
                    self._maybe(rhs, conds)
                else:
                    self.reads(rhs, [*conds, c if op is BinOp.AND else z3.Not(c)])
            case k.Bin(op, lhs, rhs, _):
                self.reads(lhs, conds)
                self.reads(rhs, conds)
                if op in DIVISIONS:
                    self.division(e, conds)
            case k.Unary(_, operand, _) | k.Cast(operand, _):
                self.reads(operand, conds)
            case k.Call(_, args, _):
                for a in args:
                    self.reads(a, conds)
            case k.Select(cond, then, else_, _):  # C's ?: and Python's `if` evaluate one branch
                self.reads(cond, conds)
                c = self.bool(cond)
                if c is None:
                    self._maybe(then, conds)
                    self._maybe(else_, conds)
                else:
                    self.reads(then, [*conds, c])
                    self.reads(else_, [*conds, z3.Not(c)])

    def _maybe(self, e: k.Expr, conds: list[z3.BoolRef]) -> None:
        self.maybe += 1
        self.unsure += 1
        self.reads(e, conds)
        self.maybe -= 1
        self.unsure -= 1

    def access(self, array: str, indices: tuple[k.Expr, ...], conds: list[z3.BoolRef]) -> None:
        if self.blind or array not in self.ranks:
            return
        terms = [self.int(i) for i in indices]
        if any(x is None for x in terms):
            return  # a data-dependent index: not a witness
        if len(terms) != self.ranks[array]:
            raise Unsupported(f"{array} is accessed with {len(terms)} indices but has rank {self.ranks[array]}")
        for executed, at in self._corners(conds, [x for x in terms if x is not None]):
            for d, top in enumerate(at):
                self.out.add_witness(array, len(terms), executed, top, d, assumed=self.maybe > 0)

    def _corners(self, conds: list[z3.BoolRef],
                 terms: list[z3.ArithRef]) -> Iterable[tuple[z3.BoolRef, list[z3.ArithRef]]]:
        for choice in itertools.islice(itertools.product((False, True), repeat=len(self.loops)), MAX_CORNERS):
            pairs: list[tuple[z3.ArithRef, z3.ArithRef]] = []
            executed: list[z3.BoolRef] = []
            for loop, last in zip(self.loops, choice, strict=True):
                lo = z3.substitute(loop.lo, *pairs) if pairs else loop.lo
                hi = z3.substitute(loop.hi, *pairs) if pairs else loop.hi
                trips = _trips(lo, hi, loop.step)
                executed.append(trips > 0)
                pairs.append((loop.var, trips - 1 if last else z3.IntVal(0)))
            executed += [z3.substitute(c, *pairs) if pairs else c for c in conds]
            yield z3.And(*executed), [z3.substitute(x, *pairs) if pairs else x for x in terms]

    def division(self, e: k.Bin, conds: list[z3.BoolRef]) -> None:
        if self.blind or self.unsure:
            return
        divisor = self.divisor(e)
        if divisor is None:
            return
        ranges: list[z3.BoolRef] = []
        for loop in self.loops:
            ranges += [loop.var >= 0, loop.var < _trips(loop.lo, loop.hi, loop.step)]
        fact = z3.Implies(z3.And(*ranges, *conds), divisor)
        self.out.divisions.append(z3.ForAll([lp.var for lp in self.loops], fact) if self.loops else fact)

    def divisor(self, e: k.Bin) -> z3.BoolRef | None:
        """`divisor != 0` for the division `e`, or None where the divisor depends on what the unit computes."""
        if e.lhs.dtype.is_int and e.rhs.dtype.is_int and e.op is not BinOp.DIV_REAL:
            as_index = self.int(e.rhs)
            if as_index is not None:
                return as_index != 0
        for node in _exprs(e.rhs):
            if isinstance(node, k.Var) and node.name not in self.known and node.name not in self.pure.values:
                return None
            if isinstance(node, k.Load) and node.array not in self.pure.values:
                return None
        state = self.pure.copy()
        state.ints.update(self.known)
        state.shapes.update(self.shapes)
        try:
            common = operand_dtype(e.op, e.lhs.dtype, e.rhs.dtype)
            value = self.sem.convert(self.prover.value(e.rhs, state), e.rhs.dtype, common)
            return nonzero(self.sem, value, common)
        except (Unsupported, z3.Z3Exception):
            return None

    def int(self, e: k.Expr) -> z3.ArithRef | None:
        """`e` as an integer term over loop variables and unchanged inputs, or None (it depends on data)."""
        match e:
            case k.Const(value, _):
                return z3.IntVal(int(value)) if isinstance(value, (int, bool)) else None
            case k.Var(name, _):
                return self.known.get(name)
            case k.Dim(array, axis, _):
                if array in self.shapes and axis < len(self.shapes[array]):
                    return self.shapes[array][axis]
                return self.syms.dim(array, axis)
            case k.Bin(op, lhs, rhs, _) if lhs.dtype.is_int and rhs.dtype.is_int:
                a, b = self.int(lhs), self.int(rhs)
                if a is None or b is None:
                    return None
                try:
                    return int_binop(op, a, b)
                except Unsupported:
                    return None
            case k.Unary(UnOp.NEG, operand, _):
                x = self.int(operand)
                return None if x is None else -x
            case k.Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
                return self.int(operand)
            case _:
                return None

    def bool(self, e: k.Expr) -> z3.BoolRef | None:
        """An index-only condition as a formula, or None (it depends on data)."""
        match e:
            case k.Bin(op, lhs, rhs, _) if op.is_logical:
                a, b = self.bool(lhs), self.bool(rhs)
                if a is None or b is None:
                    return None
                return z3.And(a, b) if op is BinOp.AND else z3.Or(a, b)
            case k.Bin(op, lhs, rhs, _) if op.is_comparison:
                x, y = self.int(lhs), self.int(rhs)
                if x is None or y is None:
                    return None
                return {BinOp.LT: x < y, BinOp.LE: x <= y, BinOp.GT: x > y, BinOp.GE: x >= y, BinOp.EQ: x == y,
                        BinOp.NE: x != y}[op]
            case k.Unary(UnOp.NOT, operand, _):
                inner = self.bool(operand)
                return None if inner is None else z3.Not(inner)
            case k.Const(value, _) if isinstance(value, bool):
                return z3.BoolVal(value)
            case _:
                return None


def source_ranges(unit: LiftUnit, syms: Symbols, prover: KernelProver) -> SourceRanges:
    """The ranges and division facts the unit's own accesses and divisions establish."""
    walker = _Walker(unit, syms, prover)
    for p in unit.inputs:  # declared shapes are over the parameters' values on entry
        for axis, extent in enumerate(p.shape or ()):
            term = walker.int(extent) if extent is not None else None
            if term is not None:
                walker.out.declared[(p.name, axis)] = term
    walker.block(unit.body, [])
    from ..kernel.examples import dim_refs

    for array, axis in dim_refs(unit):
        if array in walker.ranks and array not in walker.shapes:
            walker.out.declared.setdefault((array, axis), syms.dim(array, axis))
    return walker.out


def nonzero(sem: Z3Semantics, value: z3.ExprRef, dtype: DType) -> z3.BoolRef:
    """`value != 0` in the semantics both sides use (the same predicate for the source and the candidate)."""
    result = sem.binop(BinOp.NE, value, sem.const(0, dtype), dtype, DType.BOOL)
    assert isinstance(result, z3.BoolRef)
    return result


def _written_scalars(stmts: Iterable[k.Stmt]) -> set[str]:
    from ..kernel.visit import loop_vars, scalars_written

    body = tuple(stmts)
    return set(scalars_written(body)) | set(loop_vars(body))


def _written_arrays(stmts: Iterable[k.Stmt]) -> set[str]:
    from ..kernel.visit import arrays_written

    return set(arrays_written(tuple(stmts)))


def _counters(body: tuple[k.Stmt, ...]) -> dict[str, k.Expr]:
    """Scalars the body steps once per iteration (`j = j + c` at its top level, assigned nowhere else in it)."""
    found: dict[str, k.Expr] = {}
    counts: dict[str, int] = {}
    from ..kernel.visit import walk_stmts

    for stmt in walk_stmts(body):
        if isinstance(stmt, k.Assign) and isinstance(stmt.target, k.VarRef):
            counts[stmt.target.name] = counts.get(stmt.target.name, 0) + 1
    for stmt in body:
        if not (isinstance(stmt, k.Assign) and isinstance(stmt.target, k.VarRef)) or not stmt.target.dtype.is_int:
            continue
        name, value = stmt.target.name, _uncast(stmt.value)
        if counts.get(name) != 1 or not isinstance(value, k.Bin) or value.op not in (BinOp.ADD, BinOp.SUB):
            continue
        lhs, rhs = _uncast(value.lhs), _uncast(value.rhs)
        if isinstance(lhs, k.Var) and lhs.name == name and rhs.dtype.is_int:
            found[name] = rhs if value.op is BinOp.ADD else k.Unary(UnOp.NEG, rhs, rhs.dtype)
        elif isinstance(rhs, k.Var) and rhs.name == name and value.op is BinOp.ADD and lhs.dtype.is_int:
            found[name] = lhs
    return found


def _uncast(e: k.Expr) -> k.Expr:
    while isinstance(e, k.Cast) and e.dtype.is_int and e.operand.dtype.is_int:
        e = e.operand
    return e


def _mentions(e: k.Expr, names: set[str]) -> bool:
    return any(isinstance(x, k.Var) and x.name in names for x in _exprs(e))


def _returns(stmts: Iterable[k.Stmt]) -> bool:
    from ..kernel.visit import walk_stmts

    return any(isinstance(s, k.Return) for s in walk_stmts(stmts))
