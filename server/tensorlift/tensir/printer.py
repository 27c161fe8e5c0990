"""TensIR surface syntax, printed with the fewest parentheses that `parser.parse` reads back as the same tree.

    C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n

Infix operators and their binding strength live in one table (`INFIX`); everything else is a call form:
`min(a, b)`, `tdiv(a, b)` (C's truncating division), `tmod(a, b)`, `select(c, a, b)`, `sqrt(x)`, casts `f64(x)`,
`dim(A, 1)` and reductions `max(k in lo:hi, e)`.

Constants print as literals: ints `2`, floats always with a `.` or an exponent, `true` / `false`. A constant whose
dtype is not its literal's (see `typecheck.literal_dtype`) prints as a cast of the literal, `f32(2.0)`, which the
parser reads back as one constant; a real `Cast` of a literal doubles the parentheses, `f32((2.0))`.
"""

from __future__ import annotations

import math
from typing import assert_never

from ..common import BinOp, UnOp
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
    Unary,
)
from .typecheck import literal_dtype

# Binding strength of infix operators: higher binds tighter. All are left-associative except comparisons, which do
# not chain (`a < b < c` is rejected by the parser, so a comparison operand of a comparison gets parentheses).
INFIX: dict[BinOp, tuple[str, int]] = {
    BinOp.OR: ("||", 1),
    BinOp.AND: ("&&", 2),
    BinOp.EQ: ("==", 3), BinOp.NE: ("!=", 3),
    BinOp.LT: ("<", 3), BinOp.LE: ("<=", 3), BinOp.GT: (">", 3), BinOp.GE: (">=", 3),
    BinOp.ADD: ("+", 4), BinOp.SUB: ("-", 4),
    BinOp.MUL: ("*", 5), BinOp.DIV_REAL: ("/", 5), BinOp.DIV_FLOOR: ("//", 5), BinOp.MOD_FLOOR: ("%", 5),
}
COMPARISON = 3
UNARY = 6
ATOM = 7

# Binary operators written as calls.
CALL_FORMS: dict[BinOp, str] = {
    BinOp.MIN: "min", BinOp.MAX: "max", BinOp.DIV_TRUNC: "tdiv", BinOp.MOD_TRUNC: "tmod",
}

UNARY_SYMBOLS: dict[UnOp, str] = {UnOp.NEG: "-", UnOp.NOT: "!"}


def show(node: Program | Statement | Expr) -> str:
    match node:
        case Program(statements):
            return "\n".join(show_statement(s) for s in statements)
        case Statement():
            return show_statement(node)
        case _:
            return show_expr(node)


def show_statement(statement: Statement) -> str:
    target = statement.target
    if statement.indices:
        target += f"({', '.join(show_expr(i) for i in statement.indices)})"
    text = f"{target} = {show_expr(statement.value)}"
    if statement.domain:
        text += "  for " + ", ".join(show_loop(loop) for loop in statement.domain)
    return text


def show_loop(loop: Loop) -> str:
    return f"{loop.var} in {show_expr(loop.lo)}:{show_expr(loop.hi)}"


def show_expr(expr: Expr) -> str:
    return _show(expr)[0]


def show_literal(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(float(value))  # repr always has a '.' or an exponent: 2.0, 1e-05, 1e+16


def _show(expr: Expr) -> tuple[str, int]:
    """The text of `expr` and its binding strength (how tightly it holds together)."""
    match expr:
        case Const(value, dtype):
            text = show_literal(value)
            if dtype is not literal_dtype(value):
                return f"{dtype.value}({text})", ATOM
            return text, UNARY if text.startswith("-") else ATOM
        case Scalar(name, _) | Idx(name, _):
            return name, ATOM
        case Access(tensor, indices, _):
            return f"{tensor}({_args(indices)})", ATOM
        case Dim(tensor, axis, _):
            return f"dim({tensor}, {axis})", ATOM
        case Bin(op, lhs, rhs, _):
            if op in CALL_FORMS:
                return f"{CALL_FORMS[op]}({_args((lhs, rhs))})", ATOM
            symbol, strength = INFIX[op]
            left_needs = strength if strength == COMPARISON else strength - 1  # left-assoc: equal strength is fine
            return f"{_operand(lhs, left_needs)} {symbol} {_operand(rhs, strength)}", strength
        case Unary(op, operand, _):
            text, strength = _show(operand)
            # `-2` would read back as the constant -2, so a negated literal keeps its parentheses.
            negated_literal = op is UnOp.NEG and (text[:1].isdigit() or text in ("inf", "nan"))
            if strength < UNARY or negated_literal:
                text = f"({text})"
            return UNARY_SYMBOLS[op] + text, UNARY
        case Call(fn, args, _):
            return f"{fn}({_args(args)})", ATOM
        case Select(cond, then, else_, _):
            return f"select({_args((cond, then, else_))})", ATOM
        case Cast(operand, dtype):
            inner = show_expr(operand)
            if isinstance(operand, Const):
                inner = f"({inner})"  # `f32(2.0)` would read back as a constant
            return f"{dtype.value}({inner})", ATOM
        case Reduce(op, var, lo, hi, body, _):
            return f"{op.value}({var} in {show_expr(lo)}:{show_expr(hi)}, {show_expr(body)})", ATOM
    assert_never(expr)


def _operand(expr: Expr, weaker_than: int) -> str:
    """`expr` as an operand that must bind more tightly than `weaker_than`."""
    text, strength = _show(expr)
    return f"({text})" if strength <= weaker_than else text


def _args(exprs: tuple[Expr, ...]) -> str:
    return ", ".join(show_expr(e) for e in exprs)
