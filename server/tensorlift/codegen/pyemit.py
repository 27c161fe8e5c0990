"""TensIR to Python array code, once for all five Python targets (`PyTarget` holds the spellings).

Every translated subexpression is a `Val`: code plus the index variables that label its dimensions (`axes`), so
broadcasting is explicit: operands are transposed into one order and padded with `None` axes before an operator
combines them, and a reduction sums the axis labelled by its variable. Accesses become slices where the indices
are `c*i + d` (`a[1:n - 1]`, `a[0:2*n:2]`, reversed for `d - i`), a bare name where the slice is the whole
extent, and a gather with broadcast index arrays otherwise. A sum of a product of accesses becomes `einsum`.
Rules (`Rule`, matched most specific first) replace the generic form with the idiomatic one (`A @ B`,
`np.dot(a, b)`, `np.clip(x, lo, hi)`, `a += b`).

Three rules keep the code runnable where the source's world differs from the arrays' (`pylists` has the details):
- a Python array that may be a list is read through the target's conversion (`np.asarray(xs)`) and updated in
  place through an array whose values go back into it (`xs[:] = ...`);
- a C/C++ name that is a Python keyword or a module alias is renamed (`in` -> `in_`) in the code and the function;
- under a mask (a ragged range computed over its widest box), gather indices are clamped into the tensor's extent
  (`np.clip(idx, 0, y.shape[0] - 1)`): the values they fetch there are discarded, but must not be out of range.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import assert_never

from ..common import BinOp, DType, Language, ReduceOp, UnOp
from ..kernel import nodes as k
from ..tensir import nodes as t
from ..tensir.visit import map_expr, map_statement, walk
from .affine import Lin, affine, same
from .model import Rule, satisfied
from .pattern import PStatement, free_index_order, match_expr, match_statement
from .pylists import free_name, list_arrays, python_names
from .pytargets import PyTarget

ATOM, POWER, UNARY, MUL, ADD, CMP = 100, 15, 14, 13, 12, 9


class Refused(Exception):
    """The target cannot express something; the message is the reason a user reads."""


@dataclass(frozen=True, slots=True)
class Val:
    code: str
    axes: tuple[str, ...]
    prec: int
    dtype: DType
    host: bool = False  # a plain Python number (sizes, scalar parameters, constants)
    view: str | None = None  # the tensor this is a slice of, when it is nothing but a slice


@dataclass(frozen=True, slots=True)
class PyCode:
    lines: tuple[str, ...]
    imports: tuple[str, ...]
    params: tuple[str, ...]
    returns: tuple[str, ...]
    rules: tuple[str, ...]  # ids of the rules used
    preconditions: tuple[str, ...] = ()  # the fired rules' preconditions, filled in


def _paren(v: Val, weaker_than: int) -> str:
    return f"({v.code})" if v.prec < weaker_than else v.code


_ATOMIC = re.compile(r"^[\w.]+$")


def _atomic(code: str) -> bool:
    if _ATOMIC.match(code):
        return True
    depth = 0
    for i, ch in enumerate(code):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i != len(code) - 1 and code[i + 1] not in "([.":
                return False
        elif depth == 0 and not (ch.isalnum() or ch in "_.([{"):
            return False
    return depth == 0


def _literal(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if value != value:
            return "float(\"nan\")"
        if value in (float("inf"), float("-inf")):
            return "float(\"inf\")" if value > 0 else "-float(\"inf\")"
        return repr(value)
    return str(value)


_HOST_FUNCTIONS = {
    "abs": "abs({0})", "sqrt": "math.sqrt({0})", "exp": "math.exp({0})", "log": "math.log({0})",
    "sin": "math.sin({0})", "cos": "math.cos({0})", "tan": "math.tan({0})", "tanh": "math.tanh({0})",
    "floor": "math.floor({0})", "ceil": "math.ceil({0})", "pow": "math.pow({0}, {1})",
    "rsqrt": "1 / math.sqrt({0})", "sigmoid": "1 / (1 + math.exp(-{0}))", "erf": "math.erf({0})",
}
_INFIX = {BinOp.ADD: ("+", ADD), BinOp.SUB: ("-", ADD), BinOp.MUL: ("*", MUL), BinOp.DIV_REAL: ("/", MUL),
          BinOp.DIV_FLOOR: ("//", MUL), BinOp.MOD_FLOOR: ("%", MUL), BinOp.LT: ("<", CMP), BinOp.LE: ("<=", CMP),
          BinOp.GT: (">", CMP), BinOp.GE: (">=", CMP), BinOp.EQ: ("==", CMP), BinOp.NE: ("!=", CMP)}


@dataclass(slots=True)
class _Scope:
    ranges: dict[str, tuple[t.Expr, t.Expr]]
    order: list[str]


@dataclass(slots=True)
class Translator:
    target: PyTarget
    rules: Sequence[Rule]
    extents: dict[str, tuple[t.Expr | None, ...]]
    scope: _Scope = field(default_factory=lambda: _Scope({}, []))
    used_rules: list[str] = field(default_factory=list)
    preconditions: list[str] = field(default_factory=list)
    loose: Mapping[str, DType] = field(default_factory=dict)  # arrays that may be Python lists (see pylists)
    widened: set[str] = field(default_factory=set)  # index variables ranging over a box wider than their range

    # ------------------------------------------------------------------ helpers

    def host(self, expr: t.Expr) -> str:
        v = self.expr(expr)
        if v.axes:
            raise Refused(f"an index or bound depends on an index variable where a number is needed: {v.code}")
        return v.code

    def tensor(self, name: str, dtype: DType | None = None) -> str:
        """The code reading the whole tensor `name`: the name, or its conversion where it may be a list."""
        if name not in self.loose:
            return name
        return self.target.asarray.format(x=name, dtype=self.target.dtype(dtype or self.loose[name]))

    def dim(self, name: str, axis: int) -> str:
        if name in self.loose:
            return f"len({name})" if axis == 0 else f"{self.tensor(name)}.shape[{axis}]"
        return f"{name}.shape[{axis}]"

    def lin_code(self, lin: Lin) -> str:
        return self.host(lin.expr())

    def _order_key(self, axis: str) -> int:
        return self.scope.order.index(axis)

    def canon(self, v: Val) -> Val:
        """`v` with its axes in the scope's order (transposed if needed)."""
        ordered = tuple(sorted(v.axes, key=self._order_key))
        if ordered == v.axes:
            return v
        perm = tuple(v.axes.index(a) for a in ordered)
        if len(perm) == 2 and self.target.name != "tensorflow":
            code = f"{_paren(v, ATOM)}.T"
        else:
            code = self.target.transpose.format(x=v.code, perm=perm)
        return Val(code, ordered, ATOM, v.dtype, view=v.view)  # a transposed slice is still a view of its tensor

    def expand(self, v: Val, axes: tuple[str, ...]) -> Val:
        """`v` (axes in scope order, a subset of `axes`) padded with None so that it broadcasts against `axes`."""
        v = self.canon(v)
        if not v.axes or v.axes == axes[len(axes) - len(v.axes):]:
            return v
        start = axes.index(v.axes[0])
        parts = [":" if a in v.axes else "None" for a in axes[start:]]
        while parts and parts[-1] == ":":
            parts.pop()
        if not parts:
            return v
        return Val(f"{_paren(v, ATOM)}[{', '.join(parts)}]", tuple(a for a in axes[start:]), ATOM, v.dtype)

    def align(self, *vals: Val) -> tuple[list[Val], tuple[str, ...]]:
        union = tuple(sorted({a for v in vals for a in v.axes}, key=self._order_key))
        return [self.expand(v, union) for v in vals], union

    # ------------------------------------------------------------------ accesses

    def _extent(self, tensor: str, axis: int) -> t.Expr | None:
        shape = self.extents.get(tensor)
        if shape is not None and axis < len(shape):
            return shape[axis]
        return None

    def _is_extent(self, tensor: str, axis: int, hi: t.Expr) -> bool:
        if isinstance(hi, t.Dim) and hi.tensor == tensor and hi.axis == axis:
            return True
        extent = self._extent(tensor, axis)
        return extent is not None and same(extent, hi)

    def view_parts(self, tensor: str, indices: tuple[t.Expr, ...]) -> tuple[list[str], list[str], list[int],
                                                                           list[tuple[str, str, str]]] | None:
        """Slice form of an access: (subscript parts, axes, flipped axis positions, explicit (start, stop, step)
        per axis for targets without slices), or None where a gather is needed."""
        parts: list[str] = []
        axes: list[str] = []
        flips: list[int] = []
        explicit: list[tuple[str, str, str]] = []
        for axis, index in enumerate(indices):
            form = affine(index, self.scope.ranges)
            if form is None:
                return None
            coefs, offset = form
            if not coefs:
                code = self.lin_code(offset)
                parts.append(code)
                explicit.append((code, f"{_wrap(code)} + 1", "1"))
                continue
            if len(coefs) != 1:
                return None
            ((var, c),) = coefs.items()
            if var in axes:
                return None
            lo, hi = self.scope.ranges[var]
            if c >= 1:
                start = Lin.of(lo).scaled(c).plus(offset)
                stop = Lin.of(hi).scaled(c).plus(offset)
                step = c
            elif c == -1:
                start = offset.plus(Lin.of(hi).scaled(-1)).plus(Lin((), 1))
                stop = offset.plus(Lin.of(lo).scaled(-1)).plus(Lin((), 1))
                step = 1
                flips.append(len(axes))
            else:
                return None
            start_code = "" if start.is_zero else self._bound(start)
            full = self._is_extent(tensor, axis, stop.expr())
            stop_code = "" if full else self._bound(stop)
            part = f"{start_code}:{stop_code}" + (f":{step}" if step != 1 else "")
            parts.append(part)
            axes.append(var)
            explicit.append((start_code or "0", self._bound(stop), str(step)))
        return parts, axes, flips, explicit

    def _bound(self, lin: Lin) -> str:
        """A slice bound; one that can be negative when the range is empty (`n - 2`, `n - lag`) is clamped at 0,
        since a negative bound would count from the end (sizes, the atoms here, are non-negative)."""
        code = self.lin_code(lin)
        if lin.terms and (lin.const < 0 or any(coef < 0 for _, _, coef in lin.terms)):
            return f"max({code}, 0)"
        return code

    def access(self, e: t.Access) -> Val:
        view = self.view_parts(e.tensor, e.indices)
        if view is None:
            return self.gather(e)
        parts, axes, flips, _ = view
        while parts and parts[-1] == ":":
            parts.pop()
        base = self.tensor(e.tensor, e.dtype)
        code = f"{base}[{', '.join(parts)}]" if parts else base
        v = Val(code, tuple(axes), ATOM, e.dtype, view=e.tensor)
        for position in flips:
            v = self.flip(v, position)
        return v

    def flip(self, v: Val, position: int) -> Val:
        rev = ", ".join([":"] * position + ["::-1"])
        return Val(self.target.flip.format(x=_paren(v, ATOM), axis=position, rev=rev), v.axes, ATOM, v.dtype,
                   view=v.view)

    def gather(self, e: t.Access) -> Val:
        vals = [self.expr(index) for index in e.indices]
        # under a mask (a box wider than the domain) an index may leave the tensor where the mask discards the
        # value: clamp it into the extent so that the gather stays in range
        for position, (index, v) in enumerate(zip(e.indices, vals, strict=True)):
            if v.axes and any(isinstance(x, t.Idx) and x.name in self.widened for x in walk(index)):
                last = f"{self.dim(e.tensor, position)} - 1"
                vals[position] = Val(self.target.clip.format(x=v.code, hi=last), v.axes, ATOM, v.dtype)
        expanded, union = self.align(*vals)
        base = self.tensor(e.tensor, e.dtype)
        if self.target.gather:
            return Val(f"{base}[{', '.join(v.code for v in expanded)}]", union, ATOM, e.dtype)
        if self.target.name != "tensorflow":
            raise Refused(f"{self.target.name}: the access {e.tensor}(...) needs a gather; not supported")
        extents = []
        for axis in union:
            lo, hi = self.scope.ranges[axis]
            extents.append(self._bound(Lin.of(hi).plus(Lin.of(lo).scaled(-1))))
        shape = "(" + ", ".join(extents) + ("," if len(extents) == 1 else "") + ")"
        grid = ", ".join(f"tf.broadcast_to(tf.cast({v.code}, tf.int64), {shape})" for v in expanded)
        return Val(f"tf.gather_nd({base}, tf.stack([{grid}], axis=-1))", union, ATOM, e.dtype)

    def is_full(self, e: t.Access) -> bool:
        view = self.view_parts(e.tensor, e.indices)
        return view is not None and all(p == ":" for p in view[0]) and not view[2]

    # ------------------------------------------------------------------ expressions

    def expr(self, e: t.Expr) -> Val:
        for rule in self.rules:
            if isinstance(rule.pattern, PStatement):
                continue
            m = match_expr(rule.pattern, e)
            if m is not None and satisfied(rule, m, self.is_full):
                axes = tuple(m.indices[name] for name in free_index_order(rule.pattern) if name in m.indices)
                try:
                    code = self.fill(rule, m, {}, e)
                except Refused:
                    continue  # a part of the match has no form the template can use (e.g. a triangular range)
                self.used_rules.append(rule.id)
                return self.guard_empty(e, Val(code, axes, ATOM if _atomic(code) else 0, e.dtype))
        return self.guard_empty(e, self.structural(e))

    def guard_empty(self, e: t.Expr, v: Val) -> Val:
        """`v`, the code of `e`, or the identity where `e` sums or multiplies a bare slice over an empty range, for
        targets whose reduction of an empty array may not return (`PyTarget.guard_empty`)."""
        if not (self.target.guard_empty and isinstance(e, t.Reduce) and e.op in (ReduceOp.SUM, ReduceOp.PROD)):
            return v
        body = e.body
        while isinstance(body, t.Cast):
            body = body.operand
        if not isinstance(body, t.Access) or not any(isinstance(x, t.Idx) and x.name == e.var for x in walk(body)) or (
                _never_empty(e.lo, e.hi)):
            return v  # a computed operand is a new array, which reduces fine; so does a range never empty
        lo, hi = self.expr(e.lo), self.expr(e.hi)
        if lo.axes or hi.axes:
            return v
        test = self.binary(BinOp.GT, hi, lo, DType.BOOL)
        identity = _literal((0 if e.op is ReduceOp.SUM else 1) * (1.0 if e.dtype.is_float else 1))
        if v.axes:
            extents = [self._bound(Lin.of(self.scope.ranges[a][1]).plus(Lin.of(self.scope.ranges[a][0]).scaled(-1)))
                       for a in v.axes]
            shape = "(" + ", ".join(extents) + ("," if len(extents) == 1 else "") + ")"
            identity = self.target.full.format(shape=shape, value=identity, dtype=self.target.dtype(e.dtype))
        return Val(f"{_paren(v, 6)} if {_paren(test, 6)} else {identity}", v.axes, 5, e.dtype)

    def fill(self, rule: Rule, m: object, extra: Mapping[str, str], matched: t.Expr) -> str:
        """The rule's template with every placeholder replaced by emitted code; the index variables of the
        reductions inside the matched expression are in scope while its parts are translated."""
        from .pattern import Match

        assert isinstance(m, Match)
        added = [e for e in walk(matched) if isinstance(e, t.Reduce) and e.var not in self.scope.ranges]
        for r in added:
            self.scope.ranges[r.var] = (r.lo, r.hi)
            self.scope.order.append(r.var)
        try:
            values: dict[str, str] = dict(extra)
            for name, expr in m.exprs.items():
                values.setdefault(name, self.widen(self.expr(expr), matched.dtype).code)
            for name, accesses in m.accesses.items():
                if accesses:
                    values.setdefault(name, self.widen(self.access(accesses[0]), matched.dtype).code)
            for name, tensor in m.tensors.items():
                values.setdefault(name, self.tensor(tensor))
        finally:
            for r in added:
                self.scope.order.remove(r.var)
                del self.scope.ranges[r.var]

        def sub(match: re.Match[str]) -> str:
            code = values[match.group(1)]
            return code if _atomic(code) else f"({code})"

        for text in rule.preconditions:
            self.preconditions.append(re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], text))
        return re.sub(r"\{(\w+)\}", sub, rule.emit)

    def structural(self, e: t.Expr) -> Val:
        tg = self.target
        match e:
            case t.Const(value, dtype):
                code = _literal(value)
                return Val(code, (), UNARY if code.startswith("-") else ATOM, dtype, host=True)
            case t.Scalar(name, dtype):
                return Val(name, (), ATOM, dtype, host=True)
            case t.Dim(tensor, axis, dtype):
                return Val(self.dim(tensor, axis), (), ATOM, dtype, host=True)
            case t.Idx(name, dtype):
                if name not in self.scope.ranges:
                    raise Refused(f"index variable {name} is not bound")
                lo, hi = self.scope.ranges[name]
                return Val(tg.arange.format(lo=self.host(lo), hi=self.host(hi)), (name,), ATOM, dtype)
            case t.Access():
                return self.access(e)
            case t.Bin(op, lhs, rhs, dtype):
                return self.binary(op, self.expr(lhs), self.expr(rhs), dtype)
            case t.Unary(op, operand, dtype):
                v = self.expr(operand)
                if op is UnOp.NEG:
                    v = self.widen(v, dtype)
                    return replace(v, code=f"-{_paren(v, UNARY)}", prec=UNARY, dtype=dtype, view=None)
                if v.host:
                    return Val(f"not {_paren(v, CMP)}", (), 7, dtype, host=True)
                return Val(f"{tg.logical_not}({v.code})", v.axes, ATOM, dtype)
            case t.Call(fn, args, dtype):
                vals = [self.expr(a) for a in args]
                if all(v.host for v in vals):
                    return Val(_HOST_FUNCTIONS[fn].format(*(v.code for v in vals)), (), 0, dtype, host=True)
                template = tg.function(fn)
                if template is None:
                    raise Refused(f"{tg.name} has no function for {fn}()")
                expanded, union = self.align(*vals)
                bare = all(re.search(r"(\(|, )\{\d\}[),]", template[max(0, m.start() - 2):m.end() + 1])
                           for m in re.finditer(r"\{\d\}", template))
                code = template.format(*(v.code if bare else _paren(v, UNARY) for v in expanded))
                return Val(code, union, ATOM if _atomic(code) else MUL, dtype)
            case t.Select(cond, then, else_, dtype):
                vc, vt, ve = self.expr(cond), self.expr(then), self.expr(else_)
                if vc.host and ((vt.host and ve.host) or self.canon(vt).axes == self.canon(ve).axes):
                    # a condition on sizes only: a Python conditional evaluates just the branch it picks (an
                    # array `where` would evaluate both, e.g. a max over an empty range)
                    vt, ve = self.canon(vt), self.canon(ve)
                    return Val(f"{_paren(vt, 6)} if {_paren(vc, 6)} else {_paren(ve, 6)}", vt.axes, 5, dtype,
                               host=vt.host and ve.host)
                (c, a, b), union = self.align(vc, vt, ve)
                return Val(f"{tg.where}({c.code}, {a.code}, {b.code})", union, ATOM, dtype)
            case t.Cast(operand, dtype):
                v = self.expr(operand)
                if v.host:
                    fn = "float" if dtype.is_float else "bool" if dtype is DType.BOOL else "int"
                    return Val(f"{fn}({v.code})", (), ATOM, dtype, host=True)
                return Val(tg.cast.format(x=_paren(v, ATOM), dtype=tg.dtype(dtype)), v.axes, ATOM, dtype)
            case t.Reduce():
                return self.reduce(e)
        assert_never(e)

    def widen(self, v: Val, dtype: DType) -> Val:
        """C's integer promotion made explicit: an array of a narrower integer type is converted before the
        operator, since array libraries compute `uint8 * uint8` in uint8 (wrapping) where C computes in int."""
        if v.host or not v.dtype.is_int or not dtype.is_int:
            return v
        if v.dtype.bits >= dtype.bits and v.dtype.is_signed == dtype.is_signed:
            return v
        return Val(self.target.cast.format(x=_paren(v, ATOM), dtype=self.target.dtype(dtype)), v.axes, ATOM, dtype)

    def binary(self, op: BinOp, a: Val, b: Val, dtype: DType) -> Val:
        tg = self.target
        both_host = a.host and b.host
        if not both_host and not op.is_logical:
            from ..common import promote

            operand = promote(a.dtype, b.dtype) if op.is_comparison else dtype
            a, b = self.widen(a, operand), self.widen(b, operand)
        integer = a.dtype.is_int and b.dtype.is_int
        if both_host:
            if op is BinOp.DIV_TRUNC:
                p, q = _paren(a, UNARY), _paren(b, UNARY)
                code = f"({p} // {q} if ({p} >= 0) == ({q} > 0) else -(-{p} // {q}))"
                return Val(code, (), ATOM, dtype, host=True)
            if op is BinOp.MOD_TRUNC:
                p, q = _paren(a, UNARY), _paren(b, UNARY)
                code = f"math.fmod({p}, {q})" if not integer else (
                    f"({p} - {q} * ({p} // {q} if ({p} >= 0) == ({q} > 0) else -(-{p} // {q})))")
                return Val(code, (), ATOM, dtype, host=True)
            if op in (BinOp.MIN, BinOp.MAX):
                return Val(f"{op.value}({a.code}, {b.code})", (), ATOM, dtype, host=True)
            if op in (BinOp.AND, BinOp.OR):
                word = "and" if op is BinOp.AND else "or"
                return Val(f"{_paren(a, CMP)} {word} {_paren(b, CMP)}", (), 7 if word == "and" else 6, dtype,
                           host=True)
        (x, y), union = self.align(a, b)
        if op in _INFIX:
            symbol, prec = _INFIX[op]
            code = f"{_paren(x, prec)} {symbol} {_paren(y, prec + 1)}"
            return Val(code, union, prec, dtype, host=both_host)
        match op:
            case BinOp.DIV_TRUNC:
                if not integer:
                    return Val(f"{_paren(x, MUL)} / {_paren(y, MUL + 1)}", union, MUL, dtype)
                if not x.dtype.is_signed and not y.dtype.is_signed:  # unsigned: truncating is flooring
                    return Val(f"{_paren(x, MUL)} // {_paren(y, MUL + 1)}", union, MUL, dtype)
                if y.host and y.code.isdigit() and int(y.code) > 0 and tg.trunc_div.startswith(f"{tg.alias}.sign("):
                    return Val(f"{tg.alias}.sign({x.code}) * ({tg.alias}.abs({x.code}) // {y.code})", union, MUL,
                               dtype)
                return Val(tg.trunc_div.format(a=_paren(x, UNARY), b=_paren(y, UNARY)), union, MUL, dtype)
            case BinOp.MOD_TRUNC:
                if integer and not x.dtype.is_signed and not y.dtype.is_signed:
                    return Val(f"{_paren(x, MUL)} % {_paren(y, MUL + 1)}", union, MUL, dtype)
                return Val(tg.trunc_mod.format(a=_paren(x, UNARY), b=_paren(y, UNARY)), union, ATOM, dtype)
            case BinOp.MIN | BinOp.MAX:
                fn = tg.maximum if op is BinOp.MAX else tg.minimum
                if tg.name == "torch" and (x.host or y.host):
                    tensor, number = (y, x) if x.host else (x, y)
                    bound = "min" if op is BinOp.MAX else "max"
                    return Val(f"torch.clamp({tensor.code}, {bound}={number.code})", union, ATOM, dtype)
                return Val(f"{fn}({x.code}, {y.code})", union, ATOM, dtype)
            case BinOp.AND:
                return Val(f"{tg.logical_and}({x.code}, {y.code})", union, ATOM, dtype)
            case BinOp.OR:
                return Val(f"{tg.logical_or}({x.code}, {y.code})", union, ATOM, dtype)
        raise AssertionError(op)

    def reduce(self, e: t.Reduce) -> Val:
        lo_v, hi_v = self.expr(e.lo), self.expr(e.hi)
        if lo_v.axes or hi_v.axes:
            return self.masked_reduce(e, lo_v, hi_v)
        uses = any(isinstance(x, t.Idx) and x.name == e.var for x in walk(e.body))
        if not uses:
            body = self.expr(e.body)
            count = Val(f"max({hi_v.code} - {_paren(lo_v, ADD + 1)}, 0)", (), ATOM, DType.I64, host=True)
            match e.op:
                case ReduceOp.SUM:
                    return self.binary(BinOp.MUL, count, body, e.dtype)
                case ReduceOp.PROD:
                    return Val(f"{_paren(body, POWER + 1)} ** {count.code}", body.axes, POWER, e.dtype,
                               host=body.host)
                case ReduceOp.MAX | ReduceOp.MIN:
                    return body
        self.scope.ranges[e.var] = (e.lo, e.hi)
        self.scope.order.append(e.var)
        try:
            if e.op is ReduceOp.SUM:
                einsum = self.einsum(e)
                if einsum is not None:
                    return einsum
            body = self.canon(self.widen(self.expr(e.body), e.dtype))
            if e.var not in body.axes:  # the variable only occurs inside an inner, fully reduced expression
                raise Refused(f"cannot place the axis of {e.var} in {body.code}")
            axis = body.axes.index(e.var)
            code = self.target.reducer(e.op).format(x=body.code, axis=axis)
            return Val(code, tuple(a for a in body.axes if a != e.var), ATOM, e.dtype)
        finally:
            self.scope.order.remove(e.var)
            del self.scope.ranges[e.var]

    def _extreme(self, expr: t.Expr, highest: bool) -> t.Expr:
        """The least (or greatest) value an affine bound takes over the ranges of the index variables in it (the
        ranges are half-open: `i in 0:n` reaches n - 1)."""
        if isinstance(expr, t.Bin) and expr.op in (BinOp.MIN, BinOp.MAX):
            # min(a, b) ranges within [min(low a, low b), min(high a, high b)]: a box that may be wider, never
            # narrower, than the exact one (the mask removes the rest)
            return t.Bin(expr.op, self._extreme(expr.lhs, highest), self._extreme(expr.rhs, highest), expr.dtype)
        form = affine(expr, self.scope.ranges)
        if form is None:
            from ..tensir.printer import show_expr

            raise Refused(f"the bound {show_expr(expr)} is not affine in the index variables")
        coefs, offset = form
        total = offset
        for var, c in coefs.items():
            lo, hi = self.scope.ranges[var]
            if self.expr(lo).axes or self.expr(hi).axes:
                raise Refused(f"the range of {var} itself depends on another index variable")
            end = Lin.of(hi).plus(Lin((), -1))
            total = total.plus((end if (c > 0) == highest else Lin.of(lo)).scaled(c))
        return total.expr()

    def masked_reduce(self, e: t.Reduce, lo_v: Val, hi_v: Val) -> Val:
        """A reduction whose range depends on an outer index (`sum(k in 0:i + 1, ...)`): reduce over the widest
        range, with the elements outside each row's range replaced by the operator's identity."""
        if e.op in (ReduceOp.MAX, ReduceOp.MIN) and not e.dtype.is_float:
            raise Refused(f"an integer {e.op.value} over a range that depends on another index variable has no "
                          "identity to mask with")
        widest = (self._extreme(e.lo, highest=False), self._extreme(e.hi, highest=True))
        self.scope.ranges[e.var] = widest
        self.scope.order.append(e.var)
        self.widened.add(e.var)
        try:
            k = self.expr(t.Idx(e.var))
            body = self.expr(e.body)
            inside = self.binary(BinOp.AND, self.binary(BinOp.GE, k, lo_v, DType.BOOL),
                                 self.binary(BinOp.LT, k, hi_v, DType.BOOL), DType.BOOL)
            identity = {ReduceOp.SUM: "0", ReduceOp.PROD: "1", ReduceOp.MAX: "-float(\"inf\")",
                        ReduceOp.MIN: "float(\"inf\")"}[e.op]
            fill = Val(identity, (), UNARY, e.dtype, host=True)
            (c, a, b), union = self.align(inside, body, fill)
            masked = self.canon(Val(f"{self.target.where}({c.code}, {a.code}, {b.code})", union, ATOM, e.dtype))
            axis = masked.axes.index(e.var)
            code = self.target.reducer(e.op).format(x=masked.code, axis=axis)
            return Val(code, tuple(x for x in masked.axes if x != e.var), ATOM, e.dtype)
        finally:
            self.widened.discard(e.var)
            self.scope.order.remove(e.var)
            del self.scope.ranges[e.var]

    def einsum(self, e: t.Reduce) -> Val | None:
        factors = _factors(e.body)
        if factors is None:
            return None
        accesses = [f for f in factors if isinstance(f, t.Access)]
        others = [f for f in factors if not isinstance(f, t.Access)]
        if len(accesses) < 2 or any(not _invariant(f) for f in others):
            return None
        if not self.target.einsum_ints and not all(a.dtype.is_float for a in accesses):
            return None
        views = []
        for a in accesses:
            view = self.view_parts(a.tensor, a.indices)
            if view is None or view[2] or len(view[1]) != len(a.indices):
                return None
            views.append(self.access(a))
        letters = {v: chr(ord("a") + i) for i, v in enumerate(self.scope.order)}
        out_axes = tuple(a for a in self.scope.order if a != e.var and any(a in v.axes for v in views))
        spec = ",".join("".join(letters[x] for x in v.axes) for v in views) + "->" + "".join(
            letters[x] for x in out_axes)
        code = self.target.einsum.format(spec=f'"{spec}"', args=", ".join(v.code for v in views))
        result = Val(code, out_axes, ATOM, e.dtype)
        for other in others:
            result = self.binary(BinOp.MUL, self.expr(other), result, e.dtype)
        return result


def _factors(e: t.Expr) -> list[t.Expr] | None:
    if isinstance(e, t.Bin) and e.op is BinOp.MUL:
        a, b = _factors(e.lhs), _factors(e.rhs)
        return None if a is None or b is None else a + b
    if isinstance(e, t.Cast) and e.dtype.is_int and e.operand.dtype.is_int and isinstance(e.operand, t.Access):
        return [e.operand]
    return [e]


def _never_empty(lo: t.Expr, hi: t.Expr) -> bool:
    count = Lin.of(hi).plus(Lin.of(lo).scaled(-1))
    return not count.terms and count.const > 0


def _invariant(e: t.Expr) -> bool:
    return not any(isinstance(x, (t.Idx, t.Access, t.Reduce)) for x in walk(e))


def _wrap(code: str) -> str:
    return code if _atomic(code) else f"({code})"


# -------------------------------------------------------------------------------------------------- statements


def kernel_to_tensir(expr: k.Expr | None) -> t.Expr | None:
    """The few Kernel expressions that appear in shapes (sizes, constants, dims, their sums and products)."""
    match expr:
        case None:
            return None
        case k.Const(value, dtype):
            return t.Const(value, dtype)
        case k.Var(name, dtype):
            return t.Scalar(name, dtype)
        case k.Dim(array, axis, dtype):
            return t.Dim(array, axis, dtype)
        case k.Bin(op, lhs, rhs, dtype):
            a, b = kernel_to_tensir(lhs), kernel_to_tensir(rhs)
            return None if a is None or b is None else t.Bin(op, a, b, dtype)
    return None


def unit_extents(unit: k.LiftUnit) -> dict[str, tuple[t.Expr | None, ...]]:
    out: dict[str, tuple[t.Expr | None, ...]] = {}
    for p in unit.inputs:
        if p.kind == "array" and p.shape is not None:
            out[p.name] = tuple(kernel_to_tensir(s) for s in p.shape)
    return out


def _existing(unit: k.LiftUnit) -> set[str]:
    names = {p.name for p in unit.inputs}
    names |= {o.name for o in unit.outputs if not o.fresh}
    return names


@dataclass(slots=True)
class StatementEmitter:
    unit: k.LiftUnit
    target: PyTarget
    rules: Sequence[Rule]
    extents: dict[str, tuple[t.Expr | None, ...]]
    defined: set[str]
    temp: int = 0
    loose: dict[str, DType] = field(default_factory=dict)  # arrays defined before the unit that may be lists

    def program(self, program: t.Program) -> PyCode:
        lines: list[str] = []
        used: list[str] = []
        preconditions: list[str] = []
        for s in program.statements:
            tr = Translator(self.target, self.rules, self.extents,
                            _Scope({loop.var: (loop.lo, loop.hi) for loop in s.domain},
                                   [loop.var for loop in s.domain]), loose=self.loose)
            if s.target in self.loose and s.target in self.defined and not s.is_scalar:
                lines.extend(self.list_write(s, tr))
            else:
                lines.extend(self.statement(s, tr))
            used.extend(tr.used_rules)
            preconditions.extend(tr.preconditions)
        lines = self.hoist_conversions(lines, {s.target for s in program.statements})
        # the standalone function takes the unit's inputs; an array the unit updates in place without reading it
        # is taken too (its shape is the caller's); a scalar the unit only writes is not
        params = [p.name for p in self.unit.inputs]
        params += [o.name for o in self.unit.outputs
                   if not o.fresh and o.kind == "array" and o.name not in params]
        returns = tuple(o.name for o in self.unit.outputs)
        code = "\n".join(lines)
        imports = list(self.target.imports)
        if "math." in code:
            imports.append("import math")
        if "jax." in code.replace("jax.numpy", ""):
            imports.append("import jax")
        return PyCode(tuple(lines), tuple(imports), tuple(params), returns, tuple(dict.fromkeys(used)),
                      tuple(dict.fromkeys(preconditions)))

    def hoist_conversions(self, lines: list[str], written: set[str]) -> list[str]:
        """`lines` converting each possible list the code reads more than once (`np.asarray(xs)`) once, into a
        new name, first: a list's conversion copies it, every time. Only for lists the code does not write."""
        code = "\n".join(lines)
        hoisted: list[str] = []
        taken = {p.name for p in self.unit.inputs} | {o.name for o in self.unit.outputs} | set(self.defined)
        for name, dtype in self.loose.items():
            conversion = self.target.asarray.format(x=name, dtype=self.target.dtype(dtype))
            if name in written or code.count(conversion) < 2:
                continue
            temp = free_name(f"{name}_array", taken, self.unit.source + "\n" + code)
            taken.add(temp)
            hoisted.append(f"{temp} = {conversion}")
            code = code.replace(conversion, temp)
        return [*hoisted, *code.split("\n")] if hoisted else lines

    def list_write(self, s: t.Statement, tr: Translator) -> list[str]:
        """An in-place write into an array that may be a Python list: the statement runs on an array copy, whose
        values then go back into the list in place (`xs[:] = copy.tolist()`), as the loop's stores did."""
        tg = self.target
        taken = {p.name for p in self.unit.inputs} | {o.name for o in self.unit.outputs} | set(self.defined)
        temp = free_name(f"{s.target}_array", taken, self.unit.source)
        # the value is computed before it is stored, so the array may alias `s.target` (when that is an array)
        convert = tg.asarray
        copy = convert.format(x=s.target, dtype=tg.dtype(s.dtype))
        renamed = t.Statement(temp, s.indices, s.domain, _rename_tensor(s.value, s.target, temp), s.dtype)
        self.defined.add(temp)
        extents = self.extents.get(s.target)
        if extents is not None:
            self.extents[temp] = extents
        body = self.statement(renamed, tr)
        # a list gets (nested) lists of numbers back, in place; an array its values, in place (a list cannot carry
        # an empty axis); an immutable tensor of jax / tensorflow is replaced, as these targets do for any array
        write = f"{s.target}[:] = {tg.to_list.format(x=temp)} if isinstance({s.target}, list) else {temp}"
        if tg.setitem:
            back = [write]
        else:
            back = ["try:", f"    {write}", "except TypeError:  # an immutable tensor", f"    {s.target} = {temp}"]
        # the conversion returns the argument itself when it already is such an array: then the values are in place
        return [f"{temp} = {copy}", *body, f"if {temp} is not {s.target}:", *(f"    {line}" for line in back)]

    def statement(self, s: t.Statement, tr: Translator) -> list[str]:
        fresh = s.target not in self.defined and not s.is_scalar
        domain = {loop.var for loop in s.domain}
        if any(isinstance(x, t.Idx) and x.name in domain for loop in s.domain for bound in (loop.lo, loop.hi)
               for x in walk(bound)):
            return self.masked_statement(s, tr, fresh)
        for rule in self.rules:
            if not isinstance(rule.pattern, PStatement):
                continue
            m = match_statement(rule.pattern, s)
            if m is None or not satisfied(rule, m, tr.is_full):
                continue
            if rule.kind == "stmt":
                if fresh or s.is_scalar:
                    target_code = s.target
                else:
                    view = self.target_view(s, tr)
                    if view[0] is None or view[2]:
                        continue
                    target_code = f"{s.target}[{view[0]}]" if view[0] else s.target
                try:
                    filled = tr.fill(rule, m, {rule.pattern.target: target_code}, s.value)
                except Refused:
                    continue
                tr.used_rules.append(rule.id)
                self._define(s)
                return filled.splitlines()
            try:
                code = tr.fill(rule, m, {}, s.value)
            except Refused:
                continue
            tr.used_rules.append(rule.id)
            value = Val(code, tuple(loop.var for loop in s.domain), ATOM if _atomic(code) else 0, s.value.dtype)
            return self.assign(s, value, tr, fresh)
        return self.assign(s, tr.expr(s.value), tr, fresh)

    def masked_statement(self, s: t.Statement, tr: Translator, fresh: bool) -> list[str]:
        """A domain whose ranges depend on earlier indices (`for i in 0:n, j in i:n`): compute over the widest box
        and keep the target's old values outside the domain."""
        if fresh:
            raise Refused(f"the statement creating {s.target} must cover a box (its ranges depend on each other)")
        inside: Val | None = None
        for loop in s.domain:
            lo_v, hi_v = tr.expr(loop.lo), tr.expr(loop.hi)
            if lo_v.axes or hi_v.axes:
                tr.scope.ranges[loop.var] = (tr._extreme(loop.lo, highest=False), tr._extreme(loop.hi, highest=True))
                tr.widened.add(loop.var)
                var = tr.expr(t.Idx(loop.var))
                test = tr.binary(BinOp.AND, tr.binary(BinOp.GE, var, lo_v, DType.BOOL),
                                 tr.binary(BinOp.LT, var, hi_v, DType.BOOL), DType.BOOL)
                inside = test if inside is None else tr.binary(BinOp.AND, inside, test, DType.BOOL)
        assert inside is not None
        value = self._typed(tr.expr(s.value), s.dtype)
        old = tr.expr(t.Access(s.target, s.indices, s.dtype))
        (c, a, b), union = tr.align(inside, value, old)
        masked = Val(f"{self.target.where}({c.code}, {a.code}, {b.code})", union, ATOM, s.dtype)
        return self.assign(s, masked, tr, fresh)

    def _define(self, s: t.Statement) -> None:
        if s.target not in self.defined and not s.is_scalar:
            self.extents[s.target] = tuple(loop.hi for loop in s.domain)
        self.defined.add(s.target)

    def assign(self, s: t.Statement, value: Val, tr: Translator, fresh: bool) -> list[str]:
        tg = self.target
        if s.is_scalar:
            self.defined.add(s.target)
            fn = "float" if s.dtype.is_float else "bool" if s.dtype is DType.BOOL else "int"
            if value.host and (value.dtype.is_float == s.dtype.is_float):
                return [f"{s.target} = {value.code}"]
            return [f"{s.target} = {fn}({value.code})"]
        domain = tuple(loop.var for loop in s.domain)
        if fresh:
            if any(not isinstance(i, t.Idx) or i.name != v for i, v in zip(s.indices, domain, strict=False)) or (
                    len(s.indices) != len(domain)) or any(not same(loop.lo, t.Const(0, DType.I64))
                                                          for loop in s.domain):
                raise Refused(f"the statement creating {s.target} must cover it from 0 with its own indices")
            shape = "(" + ", ".join(tr.host(loop.hi) for loop in s.domain) + ("," if len(domain) == 1 else "") + ")"
            self._define(s)
            value = self._typed(value, s.dtype)
            if value.host:
                return [f"{s.target} = {tg.full.format(shape=shape, value=value.code, dtype=tg.dtype(s.dtype))}"]
            value = tr.canon(value)
            if value.axes != domain:
                padded = tr.expand(value, domain)
                code = tg.copy.format(x=tg.broadcast.format(x=padded.code, shape=shape))
                return [f"{s.target} = {code}"]
            code = tg.copy.format(x=value.code) if value.view is not None else value.code
            return [f"{s.target} = {code}"]
        view_code, view_axes, flips, explicit = self.target_view(s, tr)
        if view_code is None:
            return self.scatter_write(s, value, tr, domain)
        missing = [v for v in domain if v not in view_axes]
        if missing:
            raise Refused(f"the statement writes {s.target} without using index {missing[0]}")
        value = self._typed(value, s.dtype)
        if value.view == s.target:
            value = replace(value, code=tg.copy.format(x=value.code), view=None)
        if not value.host:
            value = tr.expand(tr.canon(value), domain)
            if value.axes != domain:
                value = Val(value.code, domain, value.prec, value.dtype)
            perm = tuple(domain.index(a) for a in view_axes)
            if perm != tuple(range(len(perm))):
                value = Val(tg.transpose.format(x=value.code, perm=perm) if len(perm) != 2 or tg.name == "tensorflow"
                            else f"{_paren(value, ATOM)}.T", tuple(view_axes), ATOM, value.dtype)
            for position in flips:
                value = tr.flip(value, position)
        self.defined.add(s.target)
        if tg.setitem:
            return [f"{s.target}[{view_code or '...'}] = {value.code}"]
        if tg.name == "jax":
            return [f"{s.target} = {s.target}.at[{view_code or '...'}].set({value.code})"]
        return self.scatter(s, value, explicit, tr)

    def scatter_write(self, s: t.Statement, value: Val, tr: Translator, domain: tuple[str, ...]) -> list[str]:
        """A write whose indices are not slices (`out(w*y + x - y) = ...`): index arrays on the left."""
        tg = self.target
        indices = [tr.expr(i) for i in s.indices]
        expanded, union = tr.align(*indices)
        if set(union) != set(domain):
            missing = sorted(set(domain) - set(union))
            raise Refused(f"the statement writes {s.target} without using index {missing[0]}")
        value = self._typed(value, s.dtype)
        if not value.host:
            value = tr.expand(tr.canon(value), domain)
        self.defined.add(s.target)
        subscript = ", ".join(v.code for v in expanded)
        if tg.setitem:
            write = f"{s.target}[{subscript}] = {value.code}"
            if tg.guard_empty and not all(_never_empty(loop.lo, loop.hi) for loop in s.domain):
                return [f"if {s.target}.size:  # an empty array has nothing to write", f"    {write}"]
            return [write]
        if tg.name == "jax":
            return [f"{s.target} = {s.target}.at[{subscript}].set({value.code})"]
        shape = "(" + ", ".join(tr._bound(Lin.of(tr.scope.ranges[v][1]).plus(Lin.of(tr.scope.ranges[v][0]).scaled(-1)))
                                for v in domain) + ("," if len(domain) == 1 else "") + ")"
        grid = ", ".join(f"tf.broadcast_to(tf.cast({v.code}, tf.int64), {shape})" for v in expanded)
        return [f"{s.target} = tf.tensor_scatter_nd_update({s.target}, tf.stack([{grid}], axis=-1), "
                f"tf.broadcast_to(tf.cast({value.code}, {s.target}.dtype), {shape}))"]

    def _typed(self, value: Val, dtype: DType) -> Val:
        if value.dtype.is_float == dtype.is_float and (value.dtype is DType.BOOL) == (dtype is DType.BOOL):
            return value
        if value.host:
            fn = "float" if dtype.is_float else "bool" if dtype is DType.BOOL else "int"
            return Val(f"{fn}({value.code})", (), ATOM, dtype, host=True)
        return Val(self.target.cast.format(x=_paren(value, ATOM), dtype=self.target.dtype(dtype)), value.axes, ATOM,
                   dtype)

    def target_view(self, s: t.Statement, tr: Translator) -> tuple[str | None, list[str], list[int],
                                                                     list[tuple[str, str, str]]]:
        view = tr.view_parts(s.target, s.indices)
        if view is None:
            return None, [], [], []
        parts, axes, flips, explicit = view
        # write the unflipped slice; the value is flipped instead
        fixed = list(parts)
        while fixed and fixed[-1] == ":":
            fixed.pop()
        return ", ".join(fixed), axes, flips, explicit

    def scatter(self, s: t.Statement, value: Val, explicit: list[tuple[str, str, str]], tr: Translator) -> list[str]:
        """TensorFlow: rebuild the tensor with `tf.tensor_scatter_nd_update` over the written index grid."""
        ranges = ", ".join(f"tf.range({a}, {b if b.isdigit() else f'max({b}, {a})'}, {c}, dtype=tf.int64)"
                           for a, b, c in explicit)
        self.temp += 1
        idx = f"_idx{self.temp}"
        # axes indexed by a number come back as size-1 axes of the index grid
        view = tr.view_parts(s.target, s.indices)
        assert view is not None
        pad = [":" if ":" in part else "None" for part in view[0]]
        upd = value.code if value.host or all(p == ":" for p in pad) else f"{_paren(value, ATOM)}[{', '.join(pad)}]"
        return [
            f"{idx} = tf.stack(tf.meshgrid({ranges}, indexing=\"ij\"), axis=-1)",
            f"{s.target} = tf.tensor_scatter_nd_update({s.target}, {idx}, "
            f"tf.broadcast_to(tf.cast({upd}, {s.target}.dtype), tf.shape({idx})[:-1]))",
        ]


def _rename_tensor(expr: t.Expr, old: str, new: str) -> t.Expr:
    return _renamed_expr(expr, {old: new})


def _renamed_expr(expr: t.Expr, names: Mapping[str, str]) -> t.Expr:
    def fn(e: t.Expr) -> t.Expr:
        match e:
            case t.Access(tensor, indices, dtype) if tensor in names:
                return t.Access(names[tensor], indices, dtype)
            case t.Scalar(name, dtype) if name in names:
                return t.Scalar(names[name], dtype)
            case t.Dim(tensor, axis, dtype) if tensor in names:
                return t.Dim(names[tensor], axis, dtype)
        return e

    return map_expr(expr, fn)


def _renamed(unit: k.LiftUnit, program: t.Program, names: Mapping[str, str]) -> tuple[k.LiftUnit, t.Program]:
    """The unit and program with variables renamed (Python keywords among C/C++ names); shapes are renamed by
    `unit_extents`' caller."""
    program = t.Program(tuple(
        map_statement(replace(s, target=names.get(s.target, s.target)), lambda e: _renamed_expr(e, names))
        for s in program.statements))
    inputs = tuple(replace(p, name=names.get(p.name, p.name)) for p in unit.inputs)
    outputs = tuple(replace(o, name=names.get(o.name, o.name)) for o in unit.outputs)
    return replace(unit, inputs=inputs, outputs=outputs,
                   sizes=tuple(names.get(n, n) for n in unit.sizes)), program


def _names(unit: k.LiftUnit, program: t.Program) -> set[str]:
    names = {p.name for p in unit.inputs} | {o.name for o in unit.outputs} | {s.target for s in program.statements}
    for s in program.statements:
        for root in (s.value, *s.indices, *(b for loop in s.domain for b in (loop.lo, loop.hi))):
            for e in walk(root):
                if isinstance(e, (t.Access, t.Dim)):
                    names.add(e.tensor)
                elif isinstance(e, t.Scalar):
                    names.add(e.name)
    return names


def emit_python(unit: k.LiftUnit, program: t.Program, target: PyTarget, rules: Sequence[Rule]) -> PyCode:
    """Python code computing `program` over the unit's variables; raises `Refused` with a reason. C/C++ names that
    are Python keywords or module aliases are renamed (`in` -> `in_`); Python arrays that may be lists are
    converted (both rules in `pylists`)."""
    names = _names(unit, program)
    modules = {target.alias, "math"} | ({"jax"} if target.name == "jax" else set())
    extents = unit_extents(unit)
    if unit.language is Language.PYTHON:
        clash = sorted(names & modules)
        if clash:
            raise Refused(f"the variable {clash[0]} would shadow the module the {target.name} code uses; rename it")
    else:
        renames = python_names(names, modules)
        if renames:
            unit, program = _renamed(unit, program, renames)
            extents = {renames.get(name, name): tuple(None if e is None else _renamed_expr(e, renames) for e in shape)
                       for name, shape in extents.items()}
    loose = list_arrays(unit)
    dtypes = {p.name: p.dtype for p in unit.inputs} | {o.name: o.dtype for o in unit.outputs}
    ordered = sorted(rules, key=lambda r: (-r.specificity, r.order))
    emitter = StatementEmitter(unit, target, ordered, extents, _existing(unit),
                               loose={name: dtypes[name] for name in sorted(loose)})
    return emitter.program(program)


def as_function(name: str, code: PyCode) -> str:
    body = "\n".join(f"    {line}" for line in code.lines) or "    pass"
    returns = ", ".join(code.returns)
    tail = f"\n    return {returns}" if returns else ""
    return f"def {name}({', '.join(code.params)}):\n{body}{tail}\n"
