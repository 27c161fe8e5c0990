"""Analysis-derived candidates: symbolic execution of a unit's loop nest, summarised loop by loop into TensIR.

The body of a loop is executed once with its index as a symbol. What the body does to the state is then
classified, loop by loop, innermost first:

- an array element written at an index that moves with the loop (injectively) becomes a parallel write over the
  loop's range: `out(i) = e(i)  for i in lo:hi`;
- a scalar (or an array element whose index does not move with the loop) updated from its own previous value
  becomes a reduction: `s = s0 + sum(i in lo:hi, e(i))`, and likewise for `*`, `min`, `max` and the
  `if (x > m) m = x` idiom;
- a value that depends on what an earlier iteration wrote elsewhere (a scan, `a[i] = a[i-1] + ...`) has no
  single tensor expression: the lift fails with that reason.

Strided and reversed loops are re-indexed to a counter `t in 0:trip` with the source index `start + step*t`.
Everything produced here is a *candidate*: the verifier decides. Values are kept in terms of the unit's state
before it runs (reads see earlier writes by substitution), and the statements are ordered so that each one reads
only state no earlier statement has changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..common import BinOp, DType, Language, ReduceOp, UnOp, promote
from ..kernel import nodes as K
from ..kernel.visit import arrays_allocated, arrays_written, scalars_written
from ..tensir import nodes as T
from ..tensir.visit import children, with_children
from .affine import literal, mentions, simplify_index

OLD = "old:"  # prefix of the symbols that stand for a loop-carried value at the start of an iteration


class LiftFailure(Exception):
    """The loop nest is not one tensor expression; the message says why, for the user."""


@dataclass
class _Write:
    array: str
    indices: tuple[T.Expr, ...]
    domain: tuple[T.Loop, ...]
    value: T.Expr
    dtype: DType


@dataclass
class _State:
    scalars: dict[str, T.Expr] = field(default_factory=dict)
    writes: list[_Write] = field(default_factory=list)
    poisoned: dict[str, str] = field(default_factory=dict)
    # arrays written by an enclosing loop being summarised -> how many writes preceded that loop's body: earlier
    # writes are pre-loop state, so reads see the OLD (loop-carried) value instead
    masked: dict[str, int] = field(default_factory=dict)
    uninitialised: frozenset[str] = frozenset()  # fresh arrays whose elements have no value until written

    def copy(self) -> _State:
        return _State(dict(self.scalars), list(self.writes), dict(self.poisoned), dict(self.masked),
                      self.uninitialised)


def lift_unit(unit: K.LiftUnit) -> T.Program:
    """The TensIR program that the unit's statements compute, or LiftFailure with the reason."""
    if unit.unsupported:
        raise LiftFailure(unit.unsupported)
    lifter = _Lifter(unit)
    state = lifter.run(unit.body, _State(), {})
    return lifter.assemble(state)


class _Lifter:
    def __init__(self, unit: K.LiftUnit) -> None:
        self.unit = unit
        self.fresh_shapes: dict[str, tuple[T.Expr, ...]] = {}
        self.counter = 0
        self.unbounded_ints = unit.language is Language.PYTHON
        self.scalar_dtypes: dict[str, DType] = {p.name: p.dtype for p in unit.inputs if p.kind == "scalar"}
        self.scalar_dtypes.update({o.name: o.dtype for o in unit.outputs if o.kind == "scalar"})

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    # ------------------------------------------------------------------------------------------ expressions

    def expr(self, e: K.Expr, st: _State, index: dict[str, T.Expr]) -> T.Expr:
        match e:
            case K.Const(value=value, dtype=dtype):
                if self.unbounded_ints and dtype.is_int and isinstance(value, int):
                    return literal(value)  # Python ints have no width: the literal's own dtype says the same
                return T.Const(value, dtype)
            case K.Var(name=name, dtype=dtype):
                if name in index:
                    return index[name]
                if name in st.poisoned:
                    raise LiftFailure(st.poisoned[name])
                if name in st.scalars:
                    return st.scalars[name]
                self.scalar_dtypes.setdefault(name, dtype)
                return T.Scalar(name, dtype)
            case K.Load(array=array, indices=indices, dtype=dtype):
                idx = tuple(simplify_index(self.expr(i, st, index)) for i in indices)
                return self.read(array, idx, dtype, st)
            case K.Bin(op=op, lhs=lhs, rhs=rhs, dtype=dtype):
                return _fold(T.Bin(op, self.expr(lhs, st, index), self.expr(rhs, st, index), dtype))
            case K.Unary(op=op, operand=operand, dtype=dtype):
                return T.Unary(op, self.expr(operand, st, index), dtype)
            case K.Call(fn=fn, args=args, dtype=dtype):
                return T.Call(fn, tuple(self.expr(a, st, index) for a in args), dtype)
            case K.Select(cond=c, then=t, else_=f, dtype=dtype):
                return T.Select(self.expr(c, st, index), self.expr(t, st, index), self.expr(f, st, index), dtype)
            case K.Cast(operand=operand, dtype=dtype):
                inner = self.expr(operand, st, index)
                return inner if inner.dtype == dtype else T.Cast(inner, dtype)
            case K.Dim(array=array, axis=axis):
                return T.Dim(array, axis)
        raise AssertionError(e)

    def read(self, array: str, idx: tuple[T.Expr, ...], dtype: DType, st: _State) -> T.Expr:
        """The value of `array[idx]` in state `st`: the latest write that covers it, else the input's element."""
        floor = st.masked.get(array, 0)
        for position in range(len(st.writes) - 1, floor - 1, -1):
            write = st.writes[position]
            if write.array != array:
                continue
            if not write.domain:
                if write.indices == idx:
                    return write.value
                if _distinct(write.indices, idx):
                    continue
                raise LiftFailure(f"`{array}` is written at {_show(write.indices)} and read at {_show(idx)}, "
                                  "which may be the same element; the order of these accesses matters")
            value = _instantiate(write, idx)
            if value is None:
                continue
            return value
        if array in st.masked:
            return T.Access(OLD + array, idx, dtype)
        if array in st.uninitialised:
            raise LiftFailure(f"`{array}` is read before it is written")
        return T.Access(array, idx, dtype)

    # ----------------------------------------------------------------------------------------- statements

    def run(self, stmts: Sequence[K.Stmt], st: _State, index: dict[str, T.Expr]) -> _State:
        for stmt in stmts:
            st = self.step(stmt, st, index)
        return st

    def step(self, stmt: K.Stmt, st: _State, index: dict[str, T.Expr]) -> _State:
        match stmt:
            case K.Assign(target=K.VarRef(name=name, dtype=dtype), value=value):
                st.scalars[name] = _convert(self.expr(value, st, index), dtype)
                st.poisoned.pop(name, None)
                self.scalar_dtypes.setdefault(name, dtype)
            case K.Assign(target=K.Store(array=array, indices=indices, dtype=dtype), value=value):
                idx = tuple(simplify_index(self.expr(i, st, index)) for i in indices)
                st.writes.append(_Write(array, idx, (), _convert(self.expr(value, st, index), dtype), dtype))
            case K.Alloc(array=array, shape=shape, dtype=dtype, init=init):
                extents = tuple(simplify_index(self.expr(s, st, index)) for s in shape)
                self.fresh_shapes[array] = extents
                if init is None:
                    st.uninitialised = st.uninitialised | {array}
                else:
                    names = tuple(self.fresh("z") for _ in extents)
                    domain = tuple(T.Loop(n, literal(0), x) for n, x in zip(names, extents, strict=True))
                    fill = _convert(self.expr(init, st, index), dtype)
                    st.writes.append(_Write(array, tuple(T.Idx(n) for n in names), domain, fill, dtype))
            case K.If(cond=cond, then=then, else_=else_):
                st = self.branch(self.expr(cond, st, index), then, else_, st, index)
            case K.For():
                st = self.loop(stmt, st, index)
            case K.Return():
                pass
            case K.Unsupported(reason=reason):
                raise LiftFailure(reason)
        return st

    def branch(self, cond: T.Expr, then: Sequence[K.Stmt], else_: Sequence[K.Stmt], st: _State,
               index: dict[str, T.Expr]) -> _State:
        yes = self.run(then, st.copy(), index)
        no = self.run(else_, st.copy(), index)
        merged = st.copy()
        for name in set(yes.scalars) | set(no.scalars):
            a, b = yes.scalars.get(name), no.scalars.get(name)
            if a == b and a is not None:
                merged.scalars[name] = a
            elif a is None or b is None:
                merged.poisoned[name] = f"`{name}` is assigned on only one branch of a conditional"
            else:
                merged.scalars[name] = _fold(T.Select(cond, a, b, promote(a.dtype, b.dtype)))
        for name in set(yes.poisoned) | set(no.poisoned):
            merged.poisoned[name] = yes.poisoned.get(name) or no.poisoned[name]
        new_yes, new_no = yes.writes[len(st.writes):], no.writes[len(st.writes):]
        if any(w.domain for w in (*new_yes, *new_no)):
            raise LiftFailure("a loop inside a conditional: the conditional would decide whole array writes")
        keys: list[tuple[str, tuple[T.Expr, ...]]] = []
        for w in (*new_yes, *new_no):
            if (w.array, w.indices) not in keys:
                keys.append((w.array, w.indices))
        for array, idx in keys:
            t = _last(new_yes, array, idx)
            f = _last(new_no, array, idx)
            dtype = (t or f).dtype  # type: ignore[union-attr]
            old = None if t and f else self.read(array, idx, dtype, st)
            value = _fold(T.Select(cond, t.value if t else old, f.value if f else old, dtype))  # type: ignore[arg-type]
            merged.writes.append(_Write(array, idx, (), value, dtype))
        return merged

    # ---------------------------------------------------------------------------------------------- loops

    def loop(self, loop: K.For, st: _State, index: dict[str, T.Expr]) -> _State:
        start = simplify_index(self.expr(loop.start, st, index))
        stop = simplify_index(self.expr(loop.stop, st, index))
        if loop.step == 1:
            var, lo, hi = loop.var, start, stop
            source_index: T.Expr = T.Idx(var)
        else:
            var = self.fresh("t")
            lo = literal(0)
            size = literal(abs(loop.step))
            first, last = (stop, start) if loop.step > 0 else (start, stop)
            span = T.Bin(BinOp.SUB, first, last, DType.I64)
            rounded_up = simplify_index(T.Bin(BinOp.ADD, span, literal(abs(loop.step) - 1), DType.I64))
            hi = T.Bin(BinOp.DIV_FLOOR, rounded_up, size, DType.I64)
            if abs(loop.step) == 1:
                hi = simplify_index(span)
            source_index = simplify_index(T.Bin(BinOp.ADD, start, T.Bin(BinOp.MUL, literal(loop.step),
                                                                             T.Idx(var), DType.I64), DType.I64))
        assigned = set(scalars_written(loop.body))
        written = arrays_written(loop.body) | arrays_allocated(loop.body)
        inner_index = {**index, loop.var: source_index}

        def body_run(closed_forms: dict[str, T.Expr]) -> _State:
            body_state = st.copy()
            body_state.masked.update({array: len(st.writes) for array in written})
            for name in assigned:
                if name in closed_forms:
                    body_state.scalars[name] = closed_forms[name]
                else:
                    body_state.scalars[name] = T.Scalar(OLD + name, self.scalar_dtypes.get(name, DType.F64))
                body_state.poisoned.pop(name, None)
            return self.run(loop.body, body_state, inner_index)

        after = body_run({})
        # Induction variables (`j++`, `k += 2` once per iteration) have a closed form at every iteration:
        # j = j0 + c * (iteration number). Re-run the body with it, so `out[j]` moves with the loop.
        steps = {name: c for name in assigned if (c := _induction_step(after.scalars.get(name), name, var)) is not None}
        counted = {}
        for name, c in steps.items():
            pre = st.scalars.get(name, T.Scalar(name, self.scalar_dtypes.get(name, DType.I64)))
            counted[name] = simplify_index(T.Bin(BinOp.ADD, pre, T.Bin(BinOp.MUL, c, T.Bin(
                BinOp.SUB, T.Idx(var), lo, DType.I64), DType.I64), DType.I64))
        if counted:
            after = body_run(counted)
        domain = T.Loop(var, lo, hi)
        out = self.close(after, st, domain, assigned - set(counted), written)
        for name, c in steps.items():
            pre = st.scalars.get(name, T.Scalar(name, self.scalar_dtypes.get(name, DType.I64)))
            trips = T.Bin(BinOp.MAX, literal(0), simplify_index(T.Bin(BinOp.SUB, hi, lo, DType.I64)), DType.I64)
            out.scalars[name] = T.Bin(BinOp.ADD, pre, T.Bin(BinOp.MUL, c, trips, DType.I64), DType.I64)
            out.poisoned.pop(name, None)
        return out

    def close(self, body: _State, st: _State, domain: T.Loop, assigned: set[str], written: frozenset[str]) -> _State:
        """Summarise one iteration's effect `body` over the loop `domain`, applied to the pre-loop state `st`."""
        var = domain.var
        new_writes = _dedupe(body.writes[len(st.writes):])
        moving = [w for w in new_writes if any(mentions(i, {var}) for i in w.indices)]
        # OLD reads of an array are the pre-loop element only where no *other* iteration writes it.
        own_indices = {w.array: w.indices for w in moving}
        out = st.copy()
        out.uninitialised = st.uninitialised
        for name in sorted(assigned):
            if name in body.poisoned:
                out.poisoned[name] = body.poisoned[name]
                continue
            value = body.scalars[name]
            marker = T.Scalar(OLD + name, value.dtype)
            if not _contains(value, marker):
                out.poisoned[name] = (f"`{name}` keeps only the last iteration's value of the loop over `{var}`; "
                                      "that is not a tensor operation")
                out.scalars.pop(name, None)
                continue
            op, term = _match_reduction(value, marker, name)
            term = self.resolve_old(term, st, own_indices, var)
            pre = st.scalars.get(name, T.Scalar(name, value.dtype))
            reduce = T.Reduce(op, var, domain.lo, domain.hi, term, _reduce_dtype(term, value))
            out.scalars[name] = _combine(op, pre, reduce)
            out.poisoned.pop(name, None)
        for w in new_writes:
            if w in moving:
                value = self.resolve_old(w.value, st, own_indices, var)
                out.writes.append(_Write(w.array, w.indices, (domain, *w.domain), value, w.dtype))
            else:
                # The same elements every iteration: only an accumulation into them has a tensor meaning,
                # `C(i, j) = C(i, j) + sum(k, ...)  for j` (a whole parallel write accumulated over this loop).
                element = T.Access(OLD + w.array, w.indices, w.dtype)
                if not _contains(w.value, element):
                    raise LiftFailure(f"every iteration of the loop over `{var}` rewrites `{w.array}"
                                      f"{_show(w.indices)}`; only the last iteration's value survives")
                op, term = _match_reduction(w.value, element, f"{w.array}{_show(w.indices)}")
                term = self.resolve_old(term, st, own_indices, var)
                pre = self.read(w.array, w.indices, w.dtype, st)
                total = _combine(op, pre, T.Reduce(op, var, domain.lo, domain.hi, term, _reduce_dtype(term, w.value)))
                out.writes.append(_Write(w.array, w.indices, w.domain, total, w.dtype))
        if written - {w.array for w in new_writes}:
            pass  # arrays written only under conditions that merged into selects are in new_writes already
        out.uninitialised = out.uninitialised - {w.array for w in new_writes if w.domain or w in moving}
        return out

    def resolve_old(self, expr: T.Expr, st: _State, own: dict[str, tuple[T.Expr, ...]], var: str) -> T.Expr:
        """Replace OLD symbols by pre-loop values, where that is what they are in every iteration."""

        def visit(e: T.Expr) -> T.Expr:
            match e:
                case T.Access(tensor=tensor, indices=indices, dtype=dtype) if tensor.startswith(OLD):
                    array = tensor[len(OLD):]
                    indices = tuple(visit(i) for i in indices)
                    if own.get(array) != indices:
                        raise LiftFailure(f"`{array}{_show(indices)}` is read in the loop over `{var}` after earlier "
                                          "iterations may have written it (a loop-carried dependence, like a "
                                          "prefix sum); not a tensor operation")
                    return self.read(array, indices, dtype, st)
                case T.Scalar(name=name) if name.startswith(OLD):
                    raise LiftFailure(f"`{name[len(OLD):]}` carries a value from one iteration of the loop over "
                                      f"`{var}` to the next in a way that is not a reduction")
                case _:
                    return _map_children(e, visit)

        return visit(expr)

    # ------------------------------------------------------------------------------------------- assembly

    def assemble(self, st: _State) -> T.Program:
        statements: list[T.Statement] = []
        outputs = {o.name: o for o in self.unit.outputs}
        writes = _dedupe(st.writes)
        for array in dict.fromkeys(w.array for w in writes):
            if array not in outputs:
                continue
            mine = [w for w in writes if w.array == array]
            mine = self._drop_dead_init(array, mine)
            if array in self.fresh_shapes:
                first = mine[0]
                if not _creates(first, self.fresh_shapes[array]):
                    raise LiftFailure(f"`{array}` is not written completely by one loop nest; "
                                      "its elements are assembled piecewise")
            statements += [T.Statement(w.array, w.indices, w.domain, _fold(w.value), w.dtype) for w in mine]
        for out in self.unit.outputs:
            if out.kind != "scalar":
                continue
            if out.name in st.poisoned:
                raise LiftFailure(st.poisoned[out.name])
            value = st.scalars.get(out.name)
            if value is None or value == T.Scalar(out.name, out.dtype):
                continue
            statements.append(T.Statement(out.name, (), (), _fold(_convert(value, out.dtype)), out.dtype))
        if not statements:
            raise LiftFailure("the loop writes nothing that is used after it")
        return T.Program(_order(statements))

    def _drop_dead_init(self, array: str, writes: list[_Write]) -> list[_Write]:
        """Drop writes that a later write of the same array overwrites element for element."""
        return [w for k, w in enumerate(writes) if not any(_covers(later, w) for later in writes[k + 1:])]


# ------------------------------------------------------------------------------------------------- helpers


def _induction_step(value: T.Expr | None, name: str, var: str) -> T.Expr | None:
    """`c` when one iteration does `name = name + c` with an integer `c` that does not change in the loop."""
    if value is None or not value.dtype.is_int:
        return None
    marker = T.Scalar(OLD + name, value.dtype)
    terms = _terms(value)
    if [t for t in terms if t[1] == marker] != [(1, marker)] or len(terms) < 2:
        return None
    rest = [(sign, t) for sign, t in terms if t != marker]
    step = simplify_index(_rebuild(rest, value.dtype))
    if _contains(step, marker) or mentions(step, {var}) or _has_old(step):
        return None
    return step


def _has_old(expr: T.Expr) -> bool:
    found = False

    def visit(e: T.Expr) -> T.Expr:
        nonlocal found
        if isinstance(e, T.Scalar | T.Access) and (e.name if isinstance(e, T.Scalar) else e.tensor).startswith(OLD):
            found = True
        return _map_children(e, visit)

    visit(expr)
    return found


def _show(indices: tuple[T.Expr, ...]) -> str:
    from ..tensir import printer

    return "[" + ", ".join(printer.show(i) for i in indices) + "]"


def _distinct(a: tuple[T.Expr, ...], b: tuple[T.Expr, ...]) -> bool:
    """Whether two index tuples certainly name different elements: some component differs by a constant."""
    for x, y in zip(a, b, strict=False):
        diff = simplify_index(T.Bin(BinOp.SUB, x, y, DType.I64))
        if isinstance(diff, T.Const) and diff.value != 0:
            return True
    return False


def _instantiate(write: _Write, idx: tuple[T.Expr, ...]) -> T.Expr | None:
    """The value a parallel write gives element `idx`; None when the write certainly does not cover it.

    Each target index must be a distinct domain variable or an expression free of them (an enclosing loop's
    index, a constant): `C(i, j) = e  for j` covers `C(i, x)` with `j := x`, and not `C(i + 1, x)`."""
    names = {d.var for d in write.domain}
    if len(write.indices) != len(idx):
        raise LiftFailure(f"`{write.array}` is indexed with {len(idx)} and {len(write.indices)} indices")
    mapping: dict[str, T.Expr] = {}
    for target, wanted in zip(write.indices, idx, strict=True):
        if isinstance(target, T.Idx) and target.name in names and target.name not in mapping:
            mapping[target.name] = simplify_index(wanted)
        elif not mentions(target, names) and target == wanted:
            continue
        elif not mentions(target, names) and _distinct((target,), (wanted,)):
            return None
        else:
            raise LiftFailure(f"`{write.array}` is written through a strided or shifted index and read back in "
                              "the same loop nest")
    if set(mapping) != names:
        raise LiftFailure(f"`{write.array}` is written over a domain that its indices do not spell out")
    return _substitute(write.value, mapping)


def _substitute(expr: T.Expr, mapping: dict[str, T.Expr]) -> T.Expr:
    def visit(e: T.Expr) -> T.Expr:
        match e:
            case T.Idx(name=name) if name in mapping:
                return mapping[name]
            case T.Reduce(var=var) if var in mapping:
                inner = {k: v for k, v in mapping.items() if k != var}
                return _substitute(e, inner) if inner else e
            case T.Access(tensor=tensor, indices=indices, dtype=dtype):
                return T.Access(tensor, tuple(simplify_index(visit(i)) for i in indices), dtype)
            case _:
                return _map_children(e, visit)

    return visit(expr)


def _map_children(e: T.Expr, f: Callable[[T.Expr], T.Expr]) -> T.Expr:
    """`e` with `f` applied to each direct child (the same object when nothing changed)."""
    return with_children(e, tuple(f(child) for child in children(e)))


def _contains(expr: T.Expr, needle: T.Expr) -> bool:
    found = False

    def visit(e: T.Expr) -> T.Expr:
        nonlocal found
        if e == needle:
            found = True
            return e
        return _map_children(e, visit)

    visit(expr)
    return found


def _terms(expr: T.Expr, sign: int = 1) -> list[tuple[int, T.Expr]]:
    """Flatten a chain of `+` and `-` into signed terms."""
    match expr:
        case T.Bin(op=BinOp.ADD, lhs=lhs, rhs=rhs):
            return _terms(lhs, sign) + _terms(rhs, sign)
        case T.Bin(op=BinOp.SUB, lhs=lhs, rhs=rhs):
            return _terms(lhs, sign) + _terms(rhs, -sign)
        case _:
            return [(sign, expr)]


def _match_reduction(value: T.Expr, marker: T.Expr, what: str) -> tuple[ReduceOp, T.Expr]:
    """`value` as `marker ⊕ term` with `term` free of the marker, for ⊕ in +, *, max, min."""
    failure = LiftFailure(f"`{what}` is updated from its previous value in a way that is not a sum, product, "
                          "minimum or maximum")
    terms = _terms(value)
    hits = [t for t in terms if t[1] == marker]
    if len(terms) > 1 and hits == [(1, marker)] and not any(_contains(t, marker) for _, t in terms if t != marker):
        rest = [(s, t) for s, t in terms if t != marker]
        return ReduceOp.SUM, _rebuild(rest, value.dtype)
    match value:
        case T.Bin(op=BinOp.MUL, lhs=lhs, rhs=rhs) if marker in (lhs, rhs):
            other = rhs if lhs == marker else lhs
            if not _contains(other, marker):
                return ReduceOp.PROD, other
        case T.Bin(op=BinOp.MAX | BinOp.MIN as op, lhs=lhs, rhs=rhs) if marker in (lhs, rhs):
            other = rhs if lhs == marker else lhs
            if not _contains(other, marker):
                return (ReduceOp.MAX if op is BinOp.MAX else ReduceOp.MIN), other
        case T.Select(cond=T.Bin(op=cmp, lhs=a, rhs=b), then=then, else_=else_):
            found = _match_select_extremum(cmp, a, b, then, else_, marker)
            if found is not None:
                return found
            # a conditional accumulation: select(c, old + e, old) is old + sum(select(c, e, 0))
            if else_ == marker and not _contains(value.cond, marker):
                kind, term = _match_reduction(then, marker, what)
                if kind is ReduceOp.SUM:
                    zero = T.Const(0.0 if term.dtype.is_float else 0, term.dtype)
                    return kind, T.Select(value.cond, term, zero, term.dtype)
            if then == marker and not _contains(value.cond, marker):
                kind, term = _match_reduction(else_, marker, what)
                if kind is ReduceOp.SUM:
                    zero = T.Const(0.0 if term.dtype.is_float else 0, term.dtype)
                    return kind, T.Select(value.cond, zero, term, term.dtype)
    raise failure


def _match_select_extremum(cmp: BinOp, a: T.Expr, b: T.Expr, then: T.Expr, else_: T.Expr,
                           marker: T.Expr) -> tuple[ReduceOp, T.Expr] | None:
    """`x > m ? x : m` is max, `x < m ? x : m` is min, in any of the spellings."""
    if {a, b} != {then, else_} or marker not in (a, b):
        return None
    other = a if b == marker else b
    if _contains(other, marker):
        return None
    greater = cmp in (BinOp.GT, BinOp.GE)
    less = cmp in (BinOp.LT, BinOp.LE)
    if not (greater or less):
        return None
    picks_first_when_true = then == a  # select(a > b, a, b) picks the larger
    is_max = greater == picks_first_when_true
    return (ReduceOp.MAX if is_max else ReduceOp.MIN), other


def _rebuild(terms: list[tuple[int, T.Expr]], dtype: DType) -> T.Expr:
    result: T.Expr | None = None
    for sign, term in terms:
        if result is None:
            result = term if sign > 0 else T.Unary(UnOp.NEG, term, term.dtype)
        else:
            result = T.Bin(BinOp.ADD if sign > 0 else BinOp.SUB, result, term, promote(result.dtype, term.dtype))
    assert result is not None
    return result


def _reduce_dtype(term: T.Expr, whole: T.Expr) -> DType:
    return promote(term.dtype, whole.dtype) if whole.dtype.is_float else term.dtype


_IDENTITY: dict[ReduceOp, float] = {ReduceOp.SUM: 0, ReduceOp.PROD: 1}


def _combine(op: ReduceOp, pre: T.Expr, reduce: T.Reduce) -> T.Expr:
    """`pre ⊕ reduce`, folding an identity `pre` and `a(c) ⊕ ⊕(i in c+1:hi, a(i))` into one range."""
    if op in _IDENTITY and isinstance(pre, T.Const) and pre.value == _IDENTITY[op]:
        return reduce if reduce.dtype == pre.dtype or not pre.dtype.is_float else T.Cast(reduce, pre.dtype)
    extended = _extend_range(pre, reduce)
    if extended is not None:
        return extended
    binop = {ReduceOp.SUM: BinOp.ADD, ReduceOp.PROD: BinOp.MUL, ReduceOp.MAX: BinOp.MAX, ReduceOp.MIN: BinOp.MIN}[op]
    dtype = promote(pre.dtype, reduce.dtype)
    combined = T.Bin(binop, pre, reduce, dtype)
    if op in _IDENTITY or _non_empty(reduce):
        return combined
    # max/min over an empty range has no value: the loop then leaves `pre` as it was, and so must the lift.
    nonempty = T.Bin(BinOp.LT, reduce.lo, reduce.hi, DType.BOOL)
    return T.Select(nonempty, combined, pre if pre.dtype == dtype else T.Cast(pre, dtype), dtype)


def _non_empty(reduce: T.Reduce) -> bool:
    extent = simplify_index(T.Bin(BinOp.SUB, reduce.hi, reduce.lo, DType.I64))
    return isinstance(extent, T.Const) and int(extent.value) > 0


def _extend_range(pre: T.Expr, reduce: T.Reduce) -> T.Expr | None:
    lower = simplify_index(T.Bin(BinOp.SUB, reduce.lo, literal(1), DType.I64))
    if _substitute(reduce.body, {reduce.var: lower}) == pre:
        return replace(reduce, lo=lower)
    return None


def _convert(value: T.Expr, dtype: DType) -> T.Expr:
    if value.dtype == dtype or (value.dtype.is_int and dtype.is_int):
        return value
    if isinstance(value, T.Const) and dtype.is_float:
        return T.Const(float(value.value), dtype)
    return T.Cast(value, dtype)


def _fold(e: T.Expr) -> T.Expr:
    """Local algebraic clean-up that is exact in every numeric model: `x + 0`, `x * 1`, `select(c, x, x)`."""
    match e:
        case T.Bin(op=BinOp.ADD, lhs=T.Const(value=0), rhs=rhs) if rhs.dtype == e.dtype:
            return rhs
        case T.Bin(op=BinOp.ADD | BinOp.SUB, lhs=lhs, rhs=T.Const(value=0)) if lhs.dtype == e.dtype:
            return lhs
        case T.Bin(op=BinOp.MUL, lhs=T.Const(value=1), rhs=rhs) if rhs.dtype == e.dtype:
            return rhs
        case T.Bin(op=BinOp.MUL, lhs=lhs, rhs=T.Const(value=1)) if lhs.dtype == e.dtype:
            return lhs
        case T.Select(then=then, else_=else_) if then == else_:
            return then
    return e


def _last(writes: Sequence[_Write], array: str, idx: tuple[T.Expr, ...]) -> _Write | None:
    for w in reversed(writes):
        if w.array == array and w.indices == idx:
            return w
    return None


def _dedupe(writes: Sequence[_Write]) -> list[_Write]:
    """Drop element writes overwritten later at the same element with nothing in between reading them (reads were
    resolved by substitution already)."""
    kept: list[_Write] = []
    for i, w in enumerate(writes):
        if not w.domain and any(not v.domain and v.array == w.array and v.indices == w.indices for v in writes[i + 1:]):
            continue
        kept.append(w)
    return kept


def _creates(write: _Write, shape: tuple[T.Expr, ...]) -> bool:
    """Whether a write covers a fresh array whole, with its domain variables as indices from 0."""
    if len(write.domain) != len(shape) or len(write.indices) != len(shape):
        return False
    for loop, index, extent in zip(write.domain, write.indices, shape, strict=True):
        if index != T.Idx(loop.var) or simplify_index(loop.lo) != literal(0):
            return False
        if simplify_index(loop.hi) != simplify_index(extent):
            return False
    return True


def _covers(later: _Write, earlier: _Write) -> bool:
    """Whether `later` writes every element `earlier` wrote, without reading the array."""
    if not later.domain or len(later.domain) != len(earlier.domain) or len(later.indices) != len(earlier.indices):
        return False
    if later.array in _reads(later.value):
        return False
    for loop_l, loop_e, idx_l, idx_e in zip(later.domain, earlier.domain, later.indices, earlier.indices, strict=True):
        if idx_l != T.Idx(loop_l.var) or idx_e != T.Idx(loop_e.var):
            return False
        if simplify_index(loop_l.lo) != simplify_index(loop_e.lo) or simplify_index(loop_l.hi) != simplify_index(
                loop_e.hi):
            return False
    return True


def _reads(e: T.Expr) -> set[str]:
    names: set[str] = set()

    def visit(x: T.Expr) -> T.Expr:
        match x:
            case T.Access(tensor=tensor):
                names.add(tensor)
            case T.Scalar(name=name):
                names.add(name)
            case T.Dim(tensor=tensor):
                names.add(tensor)
        return _map_children(x, visit)

    visit(e)
    return names


def _statement_reads(s: T.Statement) -> set[str]:
    names = _reads(s.value)
    for i in s.indices:
        names |= _reads(i)
    for loop in s.domain:
        names |= _reads(loop.lo) | _reads(loop.hi)
    return names


def _order(statements: list[T.Statement]) -> tuple[T.Statement, ...]:
    """Order statements so that each reads only the unit's pre-state: a reader of X before any writer of X;
    writers of one target keep their source order."""
    n = len(statements)
    after: dict[int, set[int]] = {i: set() for i in range(n)}  # i must come after every j in after[i]
    for i, a in enumerate(statements):
        for j, b in enumerate(statements):
            if i == j:
                continue
            if b.target == a.target and j < i:
                after[i].add(j)
            elif b.target != a.target and a.target in _statement_reads(b):
                after[i].add(j)  # b reads a's target: b first
    done: list[int] = []
    while len(done) < n:
        ready = [i for i in range(n) if i not in done and after[i] <= set(done)]
        if not ready:
            raise LiftFailure("the loop's outputs depend on each other in a cycle; no order of tensor statements "
                              "computes them")
        done.append(ready[0])
    return tuple(statements[i] for i in done)
