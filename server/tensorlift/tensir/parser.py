"""Recursive-descent parser of the TensIR surface syntax (the printer's inverse: `parse(show(p), env) == p`).

Grammar (statements are separated by newlines or `;`; `#` starts a comment; newlines inside parentheses are
ignored)::

    program    := statement? ((NEWLINE | ';') statement?)*
    statement  := target '=' expr ['for' loop (',' loop)*]
    target     := NAME ['(' [expr (',' expr)*] ')']
    loop       := NAME 'in' range
    range      := expr ':' expr | 'range' '(' expr [',' expr] ')'
    expr       := or
    or         := and ('||' and)*
    and        := comparison ('&&' comparison)*
    comparison := additive [('<' | '<=' | '>' | '>=' | '==' | '!=') additive]     -- comparisons do not chain
    additive   := term (('+' | '-') term)*
    term       := unary (('*' | '/' | '//' | '%') unary)*
    unary      := '-' NUMBER | '-' unary | '!' unary | primary
    primary    := NUMBER | 'true' | 'false' | 'inf' | 'nan' | NAME | '(' expr ')'
                | REDUCER '(' NAME 'in' range ',' expr ')'         -- REDUCER: sum prod max min
                | ('min' | 'max' | 'tdiv' | 'tmod') '(' expr ',' expr ')'
                | 'select' '(' expr ',' expr ',' expr ')'
                | 'dim' '(' NAME ',' INT ')'
                | DTYPE '(' ['-'] NUMBER ')'                          -- a constant of that dtype
                | DTYPE '(' expr ')'                                  -- a cast; DTYPE: bool i8 ... f64
                | FUNCTION '(' expr (',' expr)* ')'                   -- common.MATH_FUNCTIONS
                | TENSOR '(' [expr (',' expr)*] ')'                   -- one index per dimension

A name bound by the statement's `for` clause or an enclosing reduction is an index variable (`Idx`); any other
name must be in the environment: rank 0 makes it a `Scalar`, rank r a tensor accessed with r indices. Each
statement's `for` clause binds its variables in order (a range may use the variables before it), and is read
first, so the target and the value can use them. A target not in the environment is created by its statement:
its indices must be the domain variables in order, each range starting at 0; it joins the environment for later
statements. `in` and `for` are keywords only where the grammar expects them, so a tensor may be called `in`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from ..common import MATH_FUNCTIONS, BinOp, DType, ReduceOp, SourceError, TensorliftError, UnOp
from .nodes import (
    Access,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    Idx,
    Loop,
    Program,
    Reduce,
    Scalar,
    Select,
    Statement,
    TensorType,
    Unary,
)
from .typecheck import (
    bin_dtype,
    call_dtype,
    literal_dtype,
    reduce_dtype,
    select_dtype,
    unary_dtype,
)
from .visit import free_names


class TensIRSyntaxError(TensorliftError):
    """Text that is not TensIR, or TensIR that does not fit its environment. `line` and `column` are 1-based;
    `error` is the same as a `SourceError` (0-based, as everywhere else)."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None) -> None:
        error = SourceError(message, line=line - 1, column=column - 1, hint=hint)
        super().__init__(error)
        self.message = message
        self.line = line
        self.column = column
        self.args = (f"line {line}, column {column}: {message}" + (f" ({hint})" if hint else ""),)

    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------------------------------------------------- lexer


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num", "name", "op", "sep" (newline or ';'), "end"
    text: str
    line: int  # 1-based
    column: int  # 1-based

    def describe(self) -> str:
        if self.kind == "end":
            return "'for'" if self.text == "for" else "the end of the statement"
        if self.kind == "sep":
            return "the end of the line" if self.text == "\n" else "';'"
        return f"'{self.text}'"


_TOKEN = re.compile(
    r"(?P<space>[ \t\r]+)|(?P<comment>#[^\n]*)|(?P<newline>\n)"
    r"|(?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>//|==|!=|<=|>=|&&|\|\||[(),:=<>!+\-*/%;])"
)


def tokenize(text: str) -> list[Token]:
    """Tokens, with newlines as separators except inside a pair of parentheses. A `(` that is never closed does
    not count, so the error is reported on its own line rather than at the end of the text."""
    raw: list[Token] = []
    line, line_start, position = 1, 0, 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        column = position - line_start + 1
        if match is None:
            raise TensIRSyntaxError(f"unexpected character {text[position]!r}", line, column)
        kind, value, position = match.lastgroup, match.group(), match.end()
        if kind == "newline":
            raw.append(Token("sep", "\n", line, column))
            line, line_start = line + 1, position
        elif kind == "op" and value == ";":
            raw.append(Token("sep", ";", line, column))
        elif kind in ("num", "name", "op"):
            assert kind is not None
            raw.append(Token(kind, value, line, column))
    raw.append(Token("sep", "", line, len(text) - line_start + 1))
    closed = _closed_parentheses(raw)
    depth = 0
    tokens: list[Token] = []
    for at, token in enumerate(raw):
        if at in closed:
            depth += 1 if token.text == "(" else -1
        if token.text == "\n" and depth > 0:
            continue
        tokens.append(token)
    return tokens


def _closed_parentheses(tokens: list[Token]) -> set[int]:
    """Positions of the parentheses that have a partner."""
    stack: list[int] = []
    paired: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text == "(":
            stack.append(at)
        elif token.text == ")" and stack:
            paired |= {stack.pop(), at}
    return paired


# --------------------------------------------------------------------------------------------------------- parser

_INFIX_LEVELS: tuple[dict[str, BinOp], ...] = (
    {"||": BinOp.OR},
    {"&&": BinOp.AND},
    {"<": BinOp.LT, "<=": BinOp.LE, ">": BinOp.GT, ">=": BinOp.GE, "==": BinOp.EQ, "!=": BinOp.NE},
    {"+": BinOp.ADD, "-": BinOp.SUB},
    {"*": BinOp.MUL, "/": BinOp.DIV_REAL, "//": BinOp.DIV_FLOOR, "%": BinOp.MOD_FLOOR},
)
_COMPARISON_LEVEL = 2
_BINARY_CALLS = {"tdiv": BinOp.DIV_TRUNC, "tmod": BinOp.MOD_TRUNC, "min": BinOp.MIN, "max": BinOp.MAX}
_REDUCERS = {op.value: op for op in ReduceOp}
_DTYPES = {dtype.value: dtype for dtype in DType}
_LITERAL_NAMES: dict[str, bool | float] = {"true": True, "false": False, "inf": float("inf"), "nan": float("nan")}
RESERVED = frozenset(
    {*_BINARY_CALLS, *_REDUCERS, *_DTYPES, *_LITERAL_NAMES, *MATH_FUNCTIONS, "select", "dim"}
)


class _Parser:
    def __init__(self, text: str, env: Mapping[str, TensorType], bound: tuple[str, ...] = ()) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.limit = len(self.tokens) - 1  # the index of the token that ends what is being parsed
        self.env: dict[str, TensorType] = dict(env)
        self.bound: list[str] = list(bound)

    # --- token access

    def peek(self, ahead: int = 0) -> Token:
        at = self.pos + ahead
        if at >= self.limit:
            stop = self.tokens[self.limit]
            return Token("end", stop.text if stop.kind == "name" else "", stop.line, stop.column)
        return self.tokens[at]

    def next(self) -> Token:
        token = self.peek()
        if token.kind != "end":
            self.pos += 1
        return token

    def at(self, text: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind in ("op", "name") and token.text == text

    def error(self, message: str, token: Token | None = None, hint: str | None = None) -> TensIRSyntaxError:
        token = token or self.peek()
        return TensIRSyntaxError(message, token.line, token.column, hint)

    def expect(self, text: str, why: str) -> Token:
        if not self.at(text):
            raise self.error(f"expected '{text}' {why}, found {self.peek().describe()}")
        return self.next()

    def name(self, what: str) -> Token:
        token = self.peek()
        if token.kind != "name":
            raise self.error(f"expected {what}, found {token.describe()}")
        return self.next()

    def expect_end(self, what: str) -> None:
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().describe()} after {what}")

    @contextmanager
    def binding(self, token: Token) -> Iterator[None]:
        self.bound.append(self.bindable(token))
        try:
            yield
        finally:
            self.bound.pop()

    def bindable(self, token: Token) -> str:
        """The name of a new index variable, checked: fresh, and no tensor's or scalar's."""
        name = token.text
        if name in self.bound:
            raise self.error(f"index variable {name} is already bound here; pick another name", token)
        if name in self.env:
            raise self.error(f"index variable {name} has the name of a tensor or scalar; pick another name", token)
        if name in RESERVED:
            raise self.error(f"'{name}' is reserved and cannot name an index variable", token)
        return name

    # --- statements

    def program(self) -> Program:
        statements: list[Statement] = []
        while True:
            while self.peek().kind == "sep" and self.peek().text in ("\n", ";"):
                self.pos += 1
            if self.pos >= len(self.tokens) - 1:
                return Program(tuple(statements))
            statements.append(self.statement())

    def statement(self, default_domain: Mapping[str, tuple[Expr, ...]] | None = None) -> Statement:
        start = self.pos
        end = start
        while self.tokens[end].kind != "sep":
            end += 1
        for_at = self._find_for(start, end)
        domain: tuple[Loop, ...] = ()
        bound_before = len(self.bound)
        if for_at is not None:
            self.pos, self.limit = for_at + 1, end
            domain = self.domain()
            self.expect_end("the for clause")
        elif default_domain is not None:
            domain = self._default_domain(start, default_domain)
        self.bound.extend(loop.var for loop in domain)
        try:
            self.pos, self.limit = start, (for_at if for_at is not None else end)
            statement = self._assignment(domain, self.tokens[for_at] if for_at is not None else None)
            self.expect_end("the statement's value")
        finally:
            del self.bound[bound_before:]
        self.pos, self.limit = end, len(self.tokens) - 1
        if statement.target not in self.env:
            self.env[statement.target] = TensorType(statement.dtype, len(statement.indices))
        return statement

    def _find_for(self, start: int, end: int) -> int | None:
        """The statement's top-level `for`; parentheses without a partner do not count, so that in
        `y(i) = max(k in 0:n, x(k)  for i in 0:n` the error is the missing `)`, not an unbound `i`."""
        paired = _closed_parentheses(self.tokens[start:end])
        depth = 0
        for at in range(start, end):
            token = self.tokens[at]
            if at - start in paired:
                depth += 1 if token.text == "(" else -1
            elif depth == 0 and token.kind == "name" and token.text == "for" and at > start:
                return at
        return None

    def domain(self) -> tuple[Loop, ...]:
        loops: list[Loop] = []
        start = len(self.bound)
        try:
            while True:
                var = self.name("an index variable after 'for'")
                self.expect("in", f"after the index variable {var.text}")
                lo, hi = self.range()
                self.bound.append(self.bindable(var))  # later ranges may use earlier variables
                loops.append(Loop(var.text, lo, hi))
                if not self.at(","):
                    return tuple(loops)
                self.next()
        finally:
            del self.bound[start:]

    def _default_domain(self, start: int, default_domain: Mapping[str, tuple[Expr, ...]]) -> tuple[Loop, ...]:
        """The domain of `c(i, j) = ...` written without a for clause: each target index a fresh name ranging over
        the target's extent (from `default_domain`, or `dim(c, axis)` when `c` exists)."""
        self.pos, self.limit = start, len(self.tokens) - 1
        target = self.name("a target name")
        if not self.at("("):
            return ()
        self.next()
        names: list[Token] = []
        while not self.at(")"):
            if names:
                self.expect(",", "between target indices")
            token = self.peek()
            fresh = token.kind == "name" and token.text not in self.env and token.text not in RESERVED
            if not fresh or not (self.at(",", 1) or self.at(")", 1)):
                return ()  # not a list of fresh names: an element write such as c(0) = 1.0
            names.append(self.next())
        extents = default_domain.get(target.text)
        if extents is None and target.text in self.env:
            extents = tuple(Dim(target.text, axis) for axis in range(self.env[target.text].rank))
        if extents is None:
            raise self.error(f"{target.text} is new: add a for clause giving its ranges, e.g. 'for i in 0:n'", target)
        if len(extents) != len(names):
            raise self.error(f"{target.text} has {len(extents)} dimensions but {len(names)} indices", target)
        zero = Const(0, literal_dtype(0))
        return tuple(Loop(name.text, zero, extent) for name, extent in zip(names, extents, strict=True))

    def _assignment(self, domain: tuple[Loop, ...], for_token: Token | None) -> Statement:
        target = self.name("a target name")
        # A name the environment declares may be a reserved word (C code calls its accumulator `sum`): as a
        # target it is followed by `=` or its indices, and as a value by no `(`, so it stays unambiguous.
        if target.text in RESERVED and target.text not in self.env:
            raise self.error(f"'{target.text}' is reserved and cannot be assigned", target)
        if target.text in self.bound:
            raise self.error(f"{target.text} is an index variable and cannot be assigned", target)
        indices: tuple[Expr, ...] = ()
        if self.at("(") and not domain and target.text not in self.env:
            raise self.error(f"{target.text} is new: add a for clause giving its ranges, e.g. 'for i in 0:n'", target)
        if self.at("("):
            self.next()
            indices = self.arguments(f"to close the indices of {target.text}", index=True)
        self.expect("=", f"after the target {target.text}")
        value = self.expr()
        if not indices and domain and for_token is not None:
            raise self.error(f"the scalar statement {target.text} = ... takes no for clause", for_token)
        existing = self.env.get(target.text)
        if existing is not None:
            if existing.rank != len(indices):
                raise self.error(_rank_message(target.text, existing.rank, len(indices), "assigned"), target)
            dtype = existing.dtype
        else:
            dtype = value.dtype
            self.check_new_target(target, indices, domain, for_token)
        return Statement(target.text, indices, domain, value, dtype)

    def check_new_target(
        self, target: Token, indices: tuple[Expr, ...], domain: tuple[Loop, ...], for_token: Token | None
    ) -> None:
        variables = tuple(loop.var for loop in domain)
        if indices and not domain:
            raise self.error(f"{target.text} is new: add a for clause giving its ranges, e.g. 'for i in 0:n'", target)
        if indices != tuple(Idx(var) for var in variables):
            raise self.error(
                f"{target.text} is new, so its indices must be the domain variables ({', '.join(variables)}) in order",
                target, hint="declare it in the environment to write part of it or permute its indices")
        where = for_token or target
        for loop in domain:
            if not (isinstance(loop.lo, Const) and loop.lo.value == 0):
                raise self.error(f"{target.text} is new, so the range of {loop.var} must start at 0", where)
            if _uses(loop.hi, variables):
                raise self.error(
                    f"{target.text} is new, so the range of {loop.var} must not depend on other domain variables",
                    where)

    # --- ranges and expressions

    def range(self) -> tuple[Expr, Expr]:
        if self.at("range") and self.at("(", 1) and "range" not in self.env:
            self.next()
            self.next()
            first = self.index_expr()
            if self.at(","):
                self.next()
                second = self.index_expr()
                self.expect(")", "to close range(lo, hi)")
                return first, second
            self.expect(")", "to close range(hi)")
            return Const(0, literal_dtype(0)), first
        lo = self.index_expr()
        self.expect(":", "between the bounds of a range (write lo:hi)")
        return lo, self.index_expr()

    def index_expr(self) -> Expr:
        token = self.peek()
        expr = self.expr()
        self.check_index(expr, token)
        return expr

    def check_index(self, expr: Expr, token: Token) -> None:
        if not (expr.dtype.is_int or expr.dtype is DType.BOOL):
            raise self.error(f"an index must be an integer, but this has dtype {expr.dtype.value}", token)

    def expr(self, level: int = 0) -> Expr:
        if level == len(_INFIX_LEVELS):
            return self.unary()
        operators = _INFIX_LEVELS[level]
        lhs = self.expr(level + 1)
        while self.peek().kind == "op" and self.peek().text in operators:
            op = operators[self.next().text]
            rhs = self.expr(level + 1)
            lhs = Bin(op, lhs, rhs, bin_dtype(op, lhs.dtype, rhs.dtype))
            if level == _COMPARISON_LEVEL and self.peek().kind == "op" and self.peek().text in operators:
                raise self.error("comparisons do not chain: write a < b && b < c")
        return lhs

    def unary(self) -> Expr:
        if self.at("-"):
            self.next()
            literal = self.literal()
            if literal is not None:
                value = -literal
                return Const(value, literal_dtype(value))
            operand = self.unary()
            return Unary(UnOp.NEG, operand, unary_dtype(UnOp.NEG, operand.dtype))
        if self.at("!"):
            self.next()
            operand = self.unary()
            return Unary(UnOp.NOT, operand, unary_dtype(UnOp.NOT, operand.dtype))
        return self.primary()

    def literal(self) -> int | float | None:
        """A number (not a bool) at the cursor, consumed; None (and nothing consumed) if there is none."""
        token = self.peek()
        if token.kind == "num":
            self.next()
            is_float = any(c in token.text for c in ".eE")
            return float(token.text) if is_float else int(token.text)
        if token.kind == "name" and token.text in ("inf", "nan") and token.text not in self.bound:
            self.next()
            return float(token.text)
        return None

    def primary(self) -> Expr:
        token = self.peek()
        literal = self.literal()
        if literal is not None:
            return Const(literal, literal_dtype(literal))
        if self.at("("):
            self.next()
            expr = self.expr()
            self.expect(")", "to close the parenthesis")
            return expr
        if token.kind != "name":
            raise self.error(f"expected an expression, found {token.describe()}")
        self.next()
        name = token.text
        if name in ("true", "false"):
            return Const(name == "true", DType.BOOL)
        if self.at("("):
            self.next()
            return self.call(token)
        if name in self.bound:
            return Idx(name)
        found = self.env.get(name)
        if found is None:
            hint = "bind it with a for clause or a reduction, or add it to the environment"
            raise self.error(f"unknown name {name}", token, hint=hint)
        if found.rank != 0:
            raise self.error(f"{name} has rank {found.rank}: write {name}({', '.join('i' * found.rank)})", token)
        return Scalar(name, found.dtype)

    def call(self, token: Token) -> Expr:
        """The call form after `NAME(`; the name says which."""
        name = token.text
        why = f"to close the call to {name}"
        if name in _REDUCERS and (name in ("sum", "prod") or (self.peek().kind == "name" and self.at("in", 1))):
            return self.reduction(_REDUCERS[name], why)
        if name in _BINARY_CALLS:
            lhs, rhs = self.fixed_arguments(name, 2, why)
            op = _BINARY_CALLS[name]
            return Bin(op, lhs, rhs, bin_dtype(op, lhs.dtype, rhs.dtype))
        if name == "select":
            cond, then, else_ = self.fixed_arguments(name, 3, why)
            return Select(cond, then, else_, select_dtype(then.dtype, else_.dtype))
        if name == "dim":
            return self.dim(why)
        if name in _DTYPES:
            return self.cast(_DTYPES[name], why)
        if name in MATH_FUNCTIONS:
            args = self.fixed_arguments(name, MATH_FUNCTIONS[name], why)
            return Call(name, args, call_dtype(name, tuple(a.dtype for a in args)))
        if name in self.bound:
            raise self.error(f"{name} is an index variable, not a tensor", token)
        found = self.env.get(name)
        if found is None:
            raise self.error(f"unknown tensor or function {name}", token,
                             hint="add it to the environment" if name.isidentifier() else None)
        indices = self.arguments(f"to close the indices of {name}", index=True)
        if len(indices) != found.rank:
            raise self.error(_rank_message(name, found.rank, len(indices), "accessed"), token)
        return Access(name, indices, found.dtype)

    def reduction(self, op: ReduceOp, why: str) -> Expr:
        var = self.name(f"an index variable: {op.value}(k in lo:hi, expression)")
        self.expect("in", f"after the index variable {var.text}")
        lo, hi = self.range()
        self.expect(",", f"after the range of {var.text}")
        with self.binding(var):
            body = self.expr()
        self.expect(")", why)
        return Reduce(op, var.text, lo, hi, body, reduce_dtype(op, body.dtype))

    def dim(self, why: str) -> Expr:
        tensor = self.name("a tensor name in dim(A, axis)")
        found = self.env.get(tensor.text)
        if found is None:
            raise self.error(f"unknown tensor {tensor.text}", tensor)
        self.expect(",", "after the tensor in dim(A, axis)")
        axis_token = self.peek()
        axis = self.literal()
        if not isinstance(axis, int):
            raise self.error("expected an integer axis in dim(A, axis)", axis_token)
        if not 0 <= axis < found.rank:
            raise self.error(f"dim({tensor.text}, {axis}): {tensor.text} has rank {found.rank}", axis_token)
        self.expect(")", why)
        return Dim(tensor.text, axis)

    def cast(self, dtype: DType, why: str) -> Expr:
        # `f32(2.0)` (a literal alone, possibly negated) is a constant of that dtype; anything else is a cast.
        negated = self.at("-")
        literal_at = 1 if negated else 0
        token = self.peek(literal_at)
        numeric = token.kind == "num" or token.text in ("inf", "nan")
        is_literal = numeric or (not negated and token.text in ("true", "false"))
        if is_literal and self.at(")", literal_at + 1) and token.text not in self.bound:
            if negated:
                self.next()
            literal_token = self.next()
            value = _LITERAL_NAMES.get(literal_token.text)
            if value is None:
                value = float(literal_token.text) if any(c in literal_token.text for c in ".eE") else int(
                    literal_token.text)
            self.next()
            return Const(-value if negated else value, dtype)
        operand = self.expr()
        self.expect(")", why)
        return Cast(operand, dtype)

    def fixed_arguments(self, name: str, arity: int, why: str) -> tuple[Expr, ...]:
        start = self.peek()
        args = self.arguments(why)
        if len(args) != arity:
            plural = "s" if arity != 1 else ""
            raise self.error(f"{name} takes {arity} argument{plural}, not {len(args)}", start)
        return args

    def arguments(self, why: str, index: bool = False) -> tuple[Expr, ...]:
        """Comma-separated expressions up to the closing parenthesis (consumed); integers if `index`."""
        args: list[Expr] = []
        if self.at(")"):
            self.next()
            return ()
        while True:
            args.append(self.index_expr() if index else self.expr())
            if self.at(","):
                self.next()
                continue
            self.expect(")", why)
            return tuple(args)


def _rank_message(name: str, rank: int, count: int, verb: str) -> str:
    return f"{name} has rank {rank} but is {verb} with {count} ind{'ex' if count == 1 else 'ices'}"


def _uses(expr: Expr, names: tuple[str, ...]) -> bool:
    return bool(free_names(expr) & set(names))


# ------------------------------------------------------------------------------------------------------ front door


def parse(text: str, env: Mapping[str, TensorType]) -> Program:
    """A program; raises `TensIRSyntaxError` with line and column on any error."""
    return _Parser(text, env).program()


def parse_expr(text: str, env: Mapping[str, TensorType], bound_indices: tuple[str, ...] = ()) -> Expr:
    parser = _Parser(text, env, bound_indices)
    expr = parser.expr()
    if parser.peek().kind != "end":
        raise parser.error(f"unexpected {parser.peek().describe()} after the expression")
    return expr


def parse_statement_line(
    text: str, env: Mapping[str, TensorType], default_domain: Mapping[str, tuple[Expr, ...]] | None = None
) -> Statement:
    """One statement, read leniently (for answers of a language model): surrounding backticks and a trailing `;`
    are dropped, `range(n)` is accepted for `0:n`, and a missing for clause on `c(i, j) = ...` ranges each index
    over the target's extent: `default_domain[c]`, or `dim(c, axis)` when `c` is in `env`."""
    cleaned = text.strip().strip("`").strip().removesuffix(";").strip()
    parser = _Parser(cleaned, env)
    while parser.peek().kind == "sep" and parser.pos < len(parser.tokens) - 1:
        parser.pos += 1
    statement = parser.statement(default_domain if default_domain is not None else {})
    while parser.pos < len(parser.tokens) - 1 and parser.tokens[parser.pos].kind == "sep":
        parser.pos += 1
    if parser.pos != len(parser.tokens) - 1:
        raise parser.error("expected one statement, found more")
    return statement
