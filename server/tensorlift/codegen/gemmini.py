"""The Gemmini target: C that calls gemmini.h's high-level functions where a rule fits (`tiled_matmul_auto` with
the weight-stationary dataflow, `tiled_resadd_auto`), plain C loops for the rest.

Gemmini reads `elem_t` (int8) inputs and accumulates in `acc_t` (int32); it scales outputs by a float, rounds half
to even and saturates. The rules' `preconditions` say what the emitted call needs to equal the source loop (no
saturation, sums exact in float32 scaling, no int32 overflow); they are returned for the proof to state. Units that
are not int8/int32 code (floats, Python sources) get a reason instead of code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import assert_never

from ..common import BinOp, DType, Language, ReduceOp, UnOp
from ..kernel import nodes as k
from ..tensir import nodes as t
from ..tensir.visit import walk
from .model import Rule, satisfied
from .pattern import Match, PStatement, match_statement
from .pyemit import Refused, Translator, _Scope, kernel_to_tensir, unit_extents
from .pytargets import NUMPY

HEADER = '#include "gemmini.h"'
_C_TYPES = {DType.BOOL: "bool", DType.I8: "int8_t", DType.I16: "int16_t", DType.I32: "int32_t", DType.I64: "int64_t",
            DType.U8: "uint8_t", DType.U16: "uint16_t", DType.U32: "uint32_t", DType.U64: "uint64_t",
            DType.F32: "float", DType.F64: "double"}
_C_OPS = {BinOp.ADD: "+", BinOp.SUB: "-", BinOp.MUL: "*", BinOp.DIV_REAL: "/", BinOp.DIV_TRUNC: "/",
          BinOp.MOD_TRUNC: "%", BinOp.LT: "<", BinOp.LE: "<=", BinOp.GT: ">", BinOp.GE: ">=", BinOp.EQ: "==",
          BinOp.NE: "!=", BinOp.AND: "&&", BinOp.OR: "||"}


@dataclass(frozen=True, slots=True)
class CCode:
    lines: tuple[str, ...]
    imports: tuple[str, ...]
    preconditions: tuple[str, ...]
    function: str
    rules: tuple[str, ...]


def c_type(dtype: DType) -> str:
    return _C_TYPES[dtype]


def _refusal_for(unit: k.LiftUnit, program: t.Program) -> str | None:
    if unit.language is Language.PYTHON:
        return "gemmini emits C calls; a Python source cannot use them (pick a Python target)"
    dtypes = {e.dtype for s in program.statements for root in (s.value, *s.indices) for e in walk(root)}
    dtypes |= {s.dtype for s in program.statements} | {p.dtype for p in unit.inputs}
    if any(d.is_float for d in dtypes):
        return "gemmini works on int8 inputs with int32 accumulation; this unit computes with floats"
    if any(d in (DType.I64, DType.U64, DType.U32) for d in {p.dtype for p in unit.inputs if p.kind == "array"}):
        return "gemmini works on int8 inputs with int32 accumulation; this unit reads 64-bit or unsigned arrays"
    return None


@dataclass(slots=True)
class _Layout:
    """How the source names an array: a flat pointer (`A[i*n + j]`) or a C array (`A[i][j]`)."""

    unit: k.LiftUnit
    flat: dict[str, t.Expr | None] = field(default_factory=dict)  # name -> row stride, for flattened 2-D arrays
    by_reference: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for p in self.unit.inputs:
            if p.by_reference:
                self.by_reference.add(p.name)
            if p.kind == "array" and p.rank >= 2 and p.shape is not None and p.shape[0] is None:
                self.flat[p.name] = kernel_to_tensir(p.shape[1]) if len(p.shape) == 2 else None

    def stride(self, name: str) -> t.Expr | None:
        for p in self.unit.inputs:
            if p.name == name and p.shape is not None and len(p.shape) == 2:
                return kernel_to_tensir(p.shape[1])
        return None


class CExpr:
    """TensIR expressions as C; reductions are hoisted into statements before the expression that uses them."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        self.temp = 0

    def access(self, tensor: str, indices: Sequence[str]) -> str:
        if tensor in self.layout.flat and len(indices) == 2:
            stride = self.layout.flat[tensor]
            if stride is None:
                raise Refused(f"the row stride of {tensor} is unknown")
            return f"{tensor}[({indices[0]}) * ({self.code(stride, [])}) + ({indices[1]})]"
        if not indices:
            return f"(*{tensor})" if tensor in self.layout.by_reference else tensor
        return tensor + "".join(f"[{i}]" for i in indices)

    def code(self, e: t.Expr, pre: list[str]) -> str:
        match e:
            case t.Const(value):
                return str(int(value)) if not isinstance(value, float) else repr(value)
            case t.Scalar(name):
                return f"(*{name})" if name in self.layout.by_reference else name
            case t.Idx(name):
                return name
            case t.Dim(tensor, axis):
                raise Refused(f"dim({tensor}, {axis}): C arrays do not carry their extents")
            case t.Access(tensor, indices):
                return self.access(tensor, [self.code(i, pre) for i in indices])
            case t.Bin(op, lhs, rhs):
                a, b = self.code(lhs, pre), self.code(rhs, pre)
                if op in (BinOp.MIN, BinOp.MAX):
                    cmp = "<" if op is BinOp.MIN else ">"
                    return f"(({a}) {cmp} ({b}) ? ({a}) : ({b}))"
                if op in (BinOp.DIV_FLOOR, BinOp.MOD_FLOOR):
                    raise Refused("flooring division (Python's // and %) in a C unit")
                return f"({a} {_C_OPS[op]} {b})"
            case t.Unary(op, operand):
                return f"({'-' if op is UnOp.NEG else '!'}{self.code(operand, pre)})"
            case t.Call(fn, args):
                if fn != "abs":
                    raise Refused(f"{fn}() on integers has no Gemmini form")
                x = self.code(args[0], pre)
                return f"(({x}) < 0 ? -({x}) : ({x}))"
            case t.Select(cond, then, else_):
                return f"({self.code(cond, pre)} ? {self.code(then, pre)} : {self.code(else_, pre)})"
            case t.Cast(operand, dtype):
                return f"(({c_type(dtype)}){self.code(operand, pre)})"
            case t.Reduce(op, var, lo, hi, body, dtype):
                self.temp += 1
                acc = f"_acc{self.temp}"
                first = f"_first{self.temp}"
                inner: list[str] = []
                element = self.code(body, inner)
                loop = f"for (long {var} = {self.code(lo, pre)}; {var} < {self.code(hi, pre)}; ++{var}) {{"
                if op in (ReduceOp.SUM, ReduceOp.PROD):
                    pre.append(f"{c_type(dtype)} {acc} = {0 if op is ReduceOp.SUM else 1};")
                    pre.append(loop)
                    pre.extend(f"    {line}" for line in inner)
                    pre.append(f"    {acc} {'+' if op is ReduceOp.SUM else '*'}= {element};")
                else:
                    cmp = ">" if op is ReduceOp.MAX else "<"
                    pre.append(f"{c_type(dtype)} {acc} = 0;")
                    pre.append(f"int {first} = 1;")
                    pre.append(loop)
                    pre.extend(f"    {line}" for line in inner)
                    pre.append(f"    {c_type(dtype)} _v{self.temp} = {element};")
                    pre.append(f"    if ({first} || _v{self.temp} {cmp} {acc}) {acc} = _v{self.temp};")
                    pre.append(f"    {first} = 0;")
                pre.append("}")
                return acc
        assert_never(e)


def _reads_other(s: t.Statement) -> bool:
    """Whether the statement reads its own target at indices other than the ones it writes."""
    return any(isinstance(e, t.Access) and e.tensor == s.target and e.indices != s.indices for e in walk(s.value))


def _loops(s: t.Statement, c: CExpr) -> list[str]:
    if _reads_other(s):
        raise Refused(f"the statement reads {s.target} at other indices than it writes; plain C loops would not "
                      "keep its all-at-once meaning")
    pre: list[str] = []
    value = c.code(s.value, pre)
    target = c.access(s.target, [c.code(i, []) for i in s.indices])
    body = [*pre, f"{target} = {value};"]
    for loop in reversed(s.domain):
        body = [f"for (long {loop.var} = {c.code(loop.lo, [])}; {loop.var} < {c.code(loop.hi, [])}; ++{loop.var}) {{",
                *(f"    {line}" for line in body), "}"]
    return body


def _placeholders(rule: Rule, m: Match, s: t.Statement, c: CExpr, layout: _Layout) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, expr in m.exprs.items():
        values[name] = c.code(expr, [])
    tensors = dict(m.tensors)
    if isinstance(rule.pattern, PStatement) and rule.pattern.meta:
        tensors[rule.pattern.target] = s.target
    for name, tensor in tensors.items():
        values[name] = tensor
        rank = next((len(a.indices) for a in m.accesses.get(name, ())), len(s.indices) if tensor == s.target else 0)
        if rank == 0:
            values[f"{name}.ptr"] = tensor if tensor in layout.by_reference else f"&{tensor}"
            values[f"{name}.stride"] = "1"
        elif rank == 1 or tensor in layout.flat:
            values[f"{name}.ptr"] = tensor
        else:
            values[f"{name}.ptr"] = f"&{tensor}" + "[0]" * rank
        if rank == 1:
            values[f"{name}.stride"] = "1"
        elif rank == 2:
            stride = layout.stride(tensor)
            if stride is None:
                raise Refused(f"the row stride of {tensor} is unknown (declare it as a 2-D array or index it "
                              "as A[i * n + j])")
            values[f"{name}.stride"] = c.code(stride, [])
    return values


def _fill(template: str, values: dict[str, str]) -> str:
    text = template.replace("{{", "\x00").replace("}}", "\x01")
    text = re.sub(r"\{(\w+(?:\.\w+)?)\}", lambda m: values[m.group(1)], text)
    return text.replace("\x00", "{").replace("\x01", "}")


def _declared(unit: k.LiftUnit, name: str) -> str | None:
    m = re.search(rf"\b((?:unsigned\s+|signed\s+|const\s+)*[A-Za-z_]\w*)\s+{re.escape(name)}\s*(=|;)", unit.source)
    return m.group(1) if m and m.group(1) not in ("return", "else") else None


def emit_gemmini(unit: k.LiftUnit, program: t.Program, rules: Sequence[Rule]) -> CCode:
    """Gemmini C for the program; raises `Refused` with the reason where the unit does not fit."""
    reason = _refusal_for(unit, program)
    if reason is not None:
        raise Refused(reason)
    layout = _Layout(unit)
    c = CExpr(layout)
    known = {p.name for p in unit.inputs} | {o.name for o in unit.outputs if not o.fresh}
    lines: list[str] = []
    preconditions: list[str] = []
    imports: list[str] = []
    used: list[str] = []
    ordered = sorted(rules, key=lambda r: (-r.specificity, r.order))
    extents = unit_extents(unit)
    redeclared: set[str] = set()
    for s in program.statements:
        # a scalar declared in the unit's text (`int32_t s = 0;`) loses its declaration with the loop: declare it
        declared = _declared(unit, s.target) if s.is_scalar and s.target not in redeclared else None
        if declared is not None:
            lines.append(f"{declared} {s.target} = 0;")
            redeclared.add(s.target)
        elif s.target not in known and not s.is_scalar:
            raise Refused(f"{s.target} is allocated by the unit; emit its declaration first (not supported)")
        known.add(s.target)
        checker = Translator(NUMPY, (), extents, _Scope({loop.var: (loop.lo, loop.hi) for loop in s.domain},
                                                        [loop.var for loop in s.domain]))
        for rule in ordered:
            if not isinstance(rule.pattern, PStatement):
                continue
            m = match_statement(rule.pattern, s)
            if m is None:
                continue
            try:
                ok = satisfied(rule, m, checker.is_full)
            except Refused:
                ok = False
            if not ok:
                continue
            values = _placeholders(rule, m, s, c, layout)
            lines.extend(_fill(rule.emit, values).splitlines())
            preconditions.extend(_fill(p, values) for p in rule.preconditions)
            imports.extend(rule.imports)
            used.append(rule.id)
            break
        else:
            lines.extend(_loops(s, c))
    if used:
        imports.insert(0, HEADER)
    imports = list(dict.fromkeys(imports))
    return CCode(tuple(lines), tuple(imports), tuple(dict.fromkeys(preconditions)), c_function(unit, lines),
                 tuple(used))


def c_function(unit: k.LiftUnit, lines: Sequence[str]) -> str:
    """The code as a C function over the unit's inputs (scalars first, so array extents can name them)."""
    params: list[str] = []
    for p in sorted(unit.inputs, key=lambda p: p.kind == "array"):
        if p.kind == "scalar":
            params.append(f"{c_type(p.dtype)} {'*' if p.by_reference else ''}{p.name}")
        elif p.rank == 1 or p.name in _Layout(unit).flat:
            params.append(f"{c_type(p.dtype)} *{p.name}")
        elif p.shape is None:  # rows reached through pointers: A[i][j] on a T **
            params.append(f"{c_type(p.dtype)} {'*' * p.rank}{p.name}")
        else:
            dims = "".join(f"[{CExpr(_Layout(unit)).code(d, []) if (d := kernel_to_tensir(s)) is not None else ''}]"
                           for s in (None, *p.shape[1:]))
            params.append(f"{c_type(p.dtype)} {p.name}{dims}")
    outputs = [o for o in unit.outputs if o.kind == "scalar" and o.name not in {p.name for p in unit.inputs}]
    for o in outputs:
        params.append(f"{c_type(o.dtype)} *{o.name}_out")
    declared = [f"{c_type(o.dtype)} {o.name} = 0;" for o in outputs
                if not any(re.search(rf"\b\w+\s+{re.escape(o.name)}\s*(=|;)", line) for line in lines)]
    body = [f"    {line}" for line in [*declared, *lines]]
    body += [f"    *{o.name}_out = {o.name};" for o in outputs]
    name = re.sub(r"\W", "_", unit.function or unit.id)
    return f"void {name}({', '.join(params) or 'void'}) {{\n" + "\n".join(body) + "\n}\n"
