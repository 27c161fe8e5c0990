"""Rule patterns: TensIR surface syntax with metavariables, parsed untyped, and matched against TensIR nodes.

A pattern is either a statement (`$C(i, j) = sum(k in 0:$p, $A(i, k) * $B(k, j))  for i in 0:$m, j in 0:$n`) or
an expression (`min(max($X, $lo), $hi)`). Grammar (the TensIR grammar of `tensir/parser.py`, plus `$NAME`)::

    pattern    := statement | expr
    statement  := target '=' expr ['for' NAME 'in' expr ':' expr (',' NAME 'in' expr ':' expr)*]
    target     := (NAME | META) ['(' expr (',' expr)* ')']
    expr       := or;  or := and ('||' and)*;  and := cmp ('&&' cmp)*
    cmp        := add [('<' | '<=' | '>' | '>=' | '==' | '!=') add]
    add        := mul (('+' | '-') mul)*;  mul := unary (('*' | '/' | '//' | '%') unary)*
    unary      := '-' unary | '!' unary | atom
    atom       := NUMBER | 'true' | 'false' | META | NAME | '(' expr ')'
                | REDUCER '(' NAME 'in' expr ':' expr ',' expr ')' | ('min'|'max'|'tdiv'|'tmod') '(' expr ',' expr ')'
                | 'select' '(' expr ',' expr ',' expr ')' | 'dim' '(' (NAME|META) ',' INT ')'
                | DTYPE '(' expr ')' | FUNCTION '(' expr, ... ')' | (NAME | META) '(' expr, ... ')'

Plain names in a pattern are index variables: they match index variables of the program consistently (a
renaming). `$X` in an expression position matches any subexpression (the same one wherever `$X` repeats); `$A`
before `(` matches a tensor name. Matching sees through integer-widening casts (C's `int8_t` promotions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import assert_never

from ..common import MATH_FUNCTIONS, BinOp, DType, ReduceOp, UnOp
from ..tensir import nodes as t


class PatternError(ValueError):
    """A pattern that does not parse; `offset` is the character offset in the pattern text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


# ------------------------------------------------------------------------------------------------------ pattern tree


@dataclass(frozen=True, slots=True)
class PConst:
    value: int | float | bool
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PName:
    """An index variable of the pattern."""

    name: str
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PMeta:
    name: str
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PAccess:
    tensor: str
    meta: bool
    indices: tuple[PExpr, ...]
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PBin:
    op: BinOp
    lhs: PExpr
    rhs: PExpr
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PUnary:
    op: UnOp
    operand: PExpr
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PCall:
    fn: str
    args: tuple[PExpr, ...]
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PSelect:
    cond: PExpr
    then: PExpr
    else_: PExpr
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PCast:
    dtype: DType
    operand: PExpr
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PReduce:
    op: ReduceOp
    var: str
    lo: PExpr
    hi: PExpr
    body: PExpr
    at: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PDim:
    tensor: str
    meta: bool
    axis: int
    at: int = field(default=0, compare=False)


PExpr = PConst | PName | PMeta | PAccess | PBin | PUnary | PCall | PSelect | PCast | PReduce | PDim


@dataclass(frozen=True, slots=True)
class PStatement:
    target: str
    meta: bool
    indices: tuple[PExpr, ...]
    loops: tuple[tuple[str, PExpr, PExpr], ...]
    value: PExpr
    at: int = field(default=0, compare=False)


Pattern = PStatement | PExpr

# ----------------------------------------------------------------------------------------------------------- lexer

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\.\d+|\d+)|(?P<meta>\$[A-Za-z_]\w*)"
    r"|(?P<name>[A-Za-z_]\w*)|(?P<op>//|<=|>=|==|!=|&&|\|\||[-+*/%<>()=,:!]))"
)
_DTYPES = {d.value: d for d in DType}
_REDUCERS = {r.value: r for r in ReduceOp}
_CMP = {"<": BinOp.LT, "<=": BinOp.LE, ">": BinOp.GT, ">=": BinOp.GE, "==": BinOp.EQ, "!=": BinOp.NE}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    at: int


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:
            stripped = len(text[pos:]) - len(text[pos:].lstrip())
            raise PatternError(f"unexpected character {text[pos + stripped]!r}", pos + stripped)
        kind = m.lastgroup
        tokens.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    tokens.append(_Tok("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _lex(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, n: int = 1) -> _Tok:
        return self.toks[min(self.i + n, len(self.toks) - 1)]

    def take(self, text: str | None = None, kind: str | None = None) -> _Tok:
        tok = self.tok
        if (text is not None and tok.text != text) or (kind is not None and tok.kind != kind):
            want = repr(text) if text is not None else kind
            raise PatternError(f"expected {want}, found {tok.text or 'end of pattern'!r}", tok.at)
        self.i += 1
        return tok

    def accept(self, text: str) -> bool:
        if (self.tok.text == text and self.tok.kind != "name") or (self.tok.kind == "name" and self.tok.text == text):
            self.i += 1
            return True
        return False

    # statement or expression

    def pattern(self) -> Pattern:
        if self.tok.kind in ("name", "meta") and self._is_statement():
            result: Pattern = self.statement()
        else:
            result = self.expr()
        if self.tok.kind != "end":
            raise PatternError(f"unexpected {self.tok.text!r}", self.tok.at)
        return result

    def _is_statement(self) -> bool:
        depth = 0
        for tok in self.toks[self.i:]:
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
            elif tok.text == "=" and depth == 0:
                return True
        return False

    def statement(self) -> PStatement:
        head = self.take()
        indices: tuple[PExpr, ...] = ()
        if self.accept("("):
            indices = self.args()
        self.take("=")
        value = self.expr()
        loops: list[tuple[str, PExpr, PExpr]] = []
        if self.tok.kind == "name" and self.tok.text == "for":
            self.i += 1
            while True:
                var = self.take(kind="name").text
                self.take("in")
                lo = self.expr()
                self.take(":")
                hi = self.expr()
                loops.append((var, lo, hi))
                if not self.accept(","):
                    break
        meta = head.kind == "meta"
        return PStatement(head.text[1:] if meta else head.text, meta, indices, tuple(loops), value, head.at)

    def args(self) -> tuple[PExpr, ...]:
        out: list[PExpr] = []
        if self.accept(")"):
            return ()
        while True:
            out.append(self.expr())
            if self.accept(")"):
                return tuple(out)
            self.take(",")

    def expr(self) -> PExpr:
        lhs = self.conj()
        while self.tok.text == "||":
            at = self.take().at
            lhs = PBin(BinOp.OR, lhs, self.conj(), at)
        return lhs

    def conj(self) -> PExpr:
        lhs = self.cmp()
        while self.tok.text == "&&":
            at = self.take().at
            lhs = PBin(BinOp.AND, lhs, self.cmp(), at)
        return lhs

    def cmp(self) -> PExpr:
        lhs = self.add()
        if self.tok.kind == "op" and self.tok.text in _CMP:
            tok = self.take()
            return PBin(_CMP[tok.text], lhs, self.add(), tok.at)
        return lhs

    def add(self) -> PExpr:
        lhs = self.mul()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            tok = self.take()
            lhs = PBin(BinOp.ADD if tok.text == "+" else BinOp.SUB, lhs, self.mul(), tok.at)
        return lhs

    def mul(self) -> PExpr:
        ops = {"*": BinOp.MUL, "/": BinOp.DIV_REAL, "//": BinOp.DIV_FLOOR, "%": BinOp.MOD_FLOOR}
        lhs = self.unary()
        while self.tok.kind == "op" and self.tok.text in ops:
            tok = self.take()
            lhs = PBin(ops[tok.text], lhs, self.unary(), tok.at)
        return lhs

    def unary(self) -> PExpr:
        if self.tok.text == "-" and self.tok.kind == "op":
            at = self.take().at
            if self.tok.kind == "num":
                inner = self.atom()
                assert isinstance(inner, PConst)
                return PConst(-inner.value, at)
            return PUnary(UnOp.NEG, self.unary(), at)
        if self.tok.text == "!" and self.tok.kind == "op":
            at = self.take().at
            return PUnary(UnOp.NOT, self.unary(), at)
        return self.atom()

    def atom(self) -> PExpr:
        tok = self.take()
        if tok.kind == "num":
            text = tok.text
            return PConst(float(text) if any(c in text for c in ".eE") else int(text), tok.at)
        if tok.text == "(" and tok.kind == "op":
            inner = self.expr()
            self.take(")")
            return inner
        if tok.kind == "meta":
            if self.accept("("):
                return PAccess(tok.text[1:], True, self.args(), tok.at)
            return PMeta(tok.text[1:], tok.at)
        if tok.kind != "name":
            raise PatternError(f"unexpected {tok.text or 'end of pattern'!r}", tok.at)
        name = tok.text
        if name in ("true", "false"):
            return PConst(name == "true", tok.at)
        if self.tok.text != "(":
            return PName(name, tok.at)
        self.take("(")
        if name in _REDUCERS and self.peek().text == "in" and self.tok.kind == "name":
            var = self.take(kind="name").text
            self.take("in")
            lo = self.expr()
            self.take(":")
            hi = self.expr()
            self.take(",")
            body = self.expr()
            self.take(")")
            return PReduce(_REDUCERS[name], var, lo, hi, body, tok.at)
        if name == "dim":
            target = self.take()
            if target.kind not in ("name", "meta"):
                raise PatternError("dim() takes a tensor name", target.at)
            self.take(",")
            axis = int(self.take(kind="num").text)
            self.take(")")
            meta = target.kind == "meta"
            return PDim(target.text[1:] if meta else target.text, meta, axis, tok.at)
        args = self.args()
        simple = {"min": BinOp.MIN, "max": BinOp.MAX, "tdiv": BinOp.DIV_TRUNC, "tmod": BinOp.MOD_TRUNC}
        if name in simple:
            if len(args) != 2:
                raise PatternError(f"{name}() takes two arguments", tok.at)
            return PBin(simple[name], args[0], args[1], tok.at)
        if name == "select":
            if len(args) != 3:
                raise PatternError("select() takes three arguments", tok.at)
            return PSelect(args[0], args[1], args[2], tok.at)
        if name in _DTYPES:
            if len(args) != 1:
                raise PatternError(f"the cast {name}() takes one argument", tok.at)
            return PCast(_DTYPES[name], args[0], tok.at)
        if name in MATH_FUNCTIONS:
            if len(args) != MATH_FUNCTIONS[name]:
                raise PatternError(f"{name}() takes {MATH_FUNCTIONS[name]} argument(s)", tok.at)
            return PCall(name, args, tok.at)
        return PAccess(name, False, args, tok.at)


def parse_pattern(text: str) -> Pattern:
    """Parse a rule pattern; raises `PatternError` with the offset of the problem."""
    return _Parser(text).pattern()


# ------------------------------------------------------------------------------------------------ pattern queries


def metavariables(pattern: Pattern) -> dict[str, tuple[str, int]]:
    """Every metavariable with its role ("tensor" or "expr") and the offset of its first occurrence."""
    found: dict[str, tuple[str, int]] = {}

    def note(name: str, role: str, at: int) -> None:
        found.setdefault(name, (role, at))

    def walk(p: Pattern) -> None:
        match p:
            case PStatement():
                if p.meta:
                    note(p.target, "tensor", p.at)
                for var_lo_hi in p.loops:
                    walk(var_lo_hi[1])
                    walk(var_lo_hi[2])
                for index in p.indices:
                    walk(index)
                walk(p.value)
            case PMeta():
                note(p.name, "expr", p.at)
            case PAccess():
                if p.meta:
                    note(p.tensor, "tensor", p.at)
                for index in p.indices:
                    walk(index)
            case PDim():
                if p.meta:
                    note(p.tensor, "tensor", p.at)
            case PBin():
                walk(p.lhs)
                walk(p.rhs)
            case PUnary() | PCast():
                walk(p.operand)
            case PCall():
                for arg in p.args:
                    walk(arg)
            case PSelect():
                walk(p.cond)
                walk(p.then)
                walk(p.else_)
            case PReduce():
                walk(p.lo)
                walk(p.hi)
                walk(p.body)
            case PConst() | PName():
                pass
            case _:
                assert_never(p)

    walk(pattern)
    return found


def specificity(pattern: Pattern) -> int:
    """How much concrete structure a pattern fixes: its non-metavariable nodes."""
    match pattern:
        case PStatement():
            return (1 + sum(specificity(i) for i in pattern.indices) + specificity(pattern.value)
                    + sum(1 + specificity(lo) + specificity(hi) for _, lo, hi in pattern.loops))
        case PMeta():
            return 0
        case PConst() | PName() | PDim():
            return 1
        case PAccess():
            return 1 + sum(specificity(i) for i in pattern.indices)
        case PBin():
            return 1 + specificity(pattern.lhs) + specificity(pattern.rhs)
        case PUnary() | PCast():
            return 1 + specificity(pattern.operand)
        case PCall():
            return 1 + sum(specificity(a) for a in pattern.args)
        case PSelect():
            return 1 + specificity(pattern.cond) + specificity(pattern.then) + specificity(pattern.else_)
        case PReduce():
            return 1 + specificity(pattern.lo) + specificity(pattern.hi) + specificity(pattern.body)
        case _:
            assert_never(pattern)


def free_index_order(pattern: Pattern) -> tuple[str, ...]:
    """The pattern's index variables not bound inside it, in order of first appearance (an expression rule's
    result axes)."""
    seen: list[str] = []

    def walk(p: PExpr, bound: frozenset[str]) -> None:
        match p:
            case PName():
                if p.name not in bound and p.name not in seen:
                    seen.append(p.name)
            case PAccess():
                for index in p.indices:
                    walk(index, bound)
            case PBin():
                walk(p.lhs, bound)
                walk(p.rhs, bound)
            case PUnary() | PCast():
                walk(p.operand, bound)
            case PCall():
                for arg in p.args:
                    walk(arg, bound)
            case PSelect():
                walk(p.cond, bound)
                walk(p.then, bound)
                walk(p.else_, bound)
            case PReduce():
                walk(p.lo, bound)
                walk(p.hi, bound)
                walk(p.body, bound | {p.var})
            case PConst() | PMeta() | PDim():
                pass
            case _:
                assert_never(p)

    if isinstance(pattern, PStatement):
        return tuple(var for var, _, _ in pattern.loops)
    walk(pattern, frozenset())
    return tuple(seen)


# -------------------------------------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class Match:
    """What a pattern bound: expression metavariables, tensor metavariables (name and the accesses that bound
    them), and the renaming of pattern index variables to the program's."""

    exprs: Mapping[str, t.Expr]
    tensors: Mapping[str, str]
    accesses: Mapping[str, tuple[t.Access, ...]]
    indices: Mapping[str, str]


_EMPTY = Match({}, {}, {}, {})


def _bind_expr(m: Match, name: str, expr: t.Expr) -> Match | None:
    if name in m.exprs:
        return m if m.exprs[name] == expr else None
    return Match({**m.exprs, name: expr}, m.tensors, m.accesses, m.indices)


def _bind_tensor(m: Match, name: str, tensor: str, access: t.Access | None) -> Match | None:
    if name in m.tensors and m.tensors[name] != tensor:
        return None
    accesses = m.accesses.get(name, ())
    if access is not None:
        accesses = (*accesses, access)
    return Match(m.exprs, {**m.tensors, name: tensor}, {**m.accesses, name: accesses}, m.indices)


def _bind_index(m: Match, name: str, var: str) -> Match | None:
    if name in m.indices:
        return m if m.indices[name] == var else None
    if var in m.indices.values():
        return None
    return Match(m.exprs, m.tensors, m.accesses, {**m.indices, name: var})


def _widened(e: t.Expr) -> t.Expr | None:
    if isinstance(e, t.Cast) and e.dtype.is_int:
        inner_dtype = e.operand.dtype
        if inner_dtype.is_int or inner_dtype is DType.BOOL:
            return e.operand
    return None


def match_expr(p: PExpr, e: t.Expr, m: Match = _EMPTY) -> Match | None:
    """Match an expression pattern against a TensIR expression."""
    found = _match_here(p, e, m)
    if found is None and not isinstance(p, (PCast, PMeta)):
        inner = _widened(e)
        if inner is not None:
            return match_expr(p, inner, m)
    return found


def _match_here(p: PExpr, e: t.Expr, m: Match) -> Match | None:
    match p:
        case PMeta():
            return _bind_expr(m, p.name, e)
        case PConst():
            if isinstance(e, t.Const) and isinstance(e.value, bool) == isinstance(p.value, bool) and e.value == p.value:
                return m
            return None
        case PName():
            return _bind_index(m, p.name, e.name) if isinstance(e, t.Idx) else None
        case PAccess():
            if not isinstance(e, t.Access) or len(e.indices) != len(p.indices):
                return None
            bound: Match | None = (_bind_tensor(m, p.tensor, e.tensor, e) if p.meta
                                   else m if e.tensor == p.tensor else None)
            for pi, ei in zip(p.indices, e.indices, strict=True):
                if bound is None:
                    return None
                bound = match_expr(pi, ei, bound)
            return bound
        case PDim():
            if not isinstance(e, t.Dim) or e.axis != p.axis:
                return None
            if p.meta:
                return _bind_tensor(m, p.tensor, e.tensor, None)
            return m if e.tensor == p.tensor else None
        case PBin():
            if not isinstance(e, t.Bin) or e.op != p.op:
                return None
            first = match_expr(p.lhs, e.lhs, m)
            if first is not None:
                first = match_expr(p.rhs, e.rhs, first)
            if first is None and p.op.is_commutative:
                first = match_expr(p.lhs, e.rhs, m)
                if first is not None:
                    first = match_expr(p.rhs, e.lhs, first)
            return first
        case PUnary():
            if not isinstance(e, t.Unary) or e.op != p.op:
                return None
            return match_expr(p.operand, e.operand, m)
        case PCall():
            if not isinstance(e, t.Call) or e.fn != p.fn or len(e.args) != len(p.args):
                return None
            bound = m
            for pa, ea in zip(p.args, e.args, strict=True):
                if bound is None:
                    return None
                bound = match_expr(pa, ea, bound)
            return bound
        case PSelect():
            if not isinstance(e, t.Select):
                return None
            bound = match_expr(p.cond, e.cond, m)
            bound = match_expr(p.then, e.then, bound) if bound is not None else None
            return match_expr(p.else_, e.else_, bound) if bound is not None else None
        case PCast():
            if not isinstance(e, t.Cast) or e.dtype != p.dtype:
                return None
            return match_expr(p.operand, e.operand, m)
        case PReduce():
            if not isinstance(e, t.Reduce) or e.op != p.op:
                return None
            bound = _bind_index(m, p.var, e.var)
            bound = match_expr(p.lo, e.lo, bound) if bound is not None else None
            bound = match_expr(p.hi, e.hi, bound) if bound is not None else None
            return match_expr(p.body, e.body, bound) if bound is not None else None
        case _:
            assert_never(p)


def match_statement(p: PStatement, s: t.Statement) -> Match | None:
    """Match a statement pattern: the same target form, domain (in order) and value."""
    if len(p.indices) != len(s.indices) or len(p.loops) != len(s.domain):
        return None
    m: Match | None = _EMPTY
    for (var, lo, hi), loop in zip(p.loops, s.domain, strict=True):
        m = _bind_index(m, var, loop.var) if m is not None else None
        m = match_expr(lo, loop.lo, m) if m is not None else None
        m = match_expr(hi, loop.hi, m) if m is not None else None
    if m is None:
        return None
    if p.meta:
        m = _bind_tensor(m, p.target, s.target, t.Access(s.target, s.indices, s.dtype) if s.indices else None)
    elif p.target != s.target:
        return None
    for pi, ei in zip(p.indices, s.indices, strict=True):
        if m is None:
            return None
        m = match_expr(pi, ei, m)
    return match_expr(p.value, s.value, m) if m is not None else None
