"""The surface syntax: print -> parse gives back the same tree; bad text gives errors with line and column."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from tensir_strategies import Env, exprs, programs

from tensorlift.common import BinOp, DType, ReduceOp, UnOp
from tensorlift.tensir import (
    Access,
    Bin,
    Const,
    Dim,
    Idx,
    Loop,
    Program,
    Reduce,
    Scalar,
    Statement,
    TensIRSyntaxError,
    TensorType,
    Unary,
    parse,
    parse_expr,
    parse_statement_line,
    show,
)
from tensorlift.tensir.typecheck import check

F64, I32 = DType.F64, DType.I32

ENV: Env = {
    "A": TensorType(F64, 2), "B": TensorType(F64, 2), "x": TensorType(DType.F32, 1), "y": TensorType(DType.F32, 1),
    "m": TensorType(I32, 0), "n": TensorType(I32, 0), "p": TensorType(I32, 0), "alpha": TensorType(F64, 0),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_print_then_parse_is_identity(case: tuple[Program, Env]) -> None:
    program, env = case
    assert check(program, env) == ()  # the generator makes well-typed programs, so a failure here is its bug
    text = show(program)
    assert parse(text, env) == program, text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs().flatmap(lambda case: exprs(case[1], ("i", "j")).map(lambda e: (e, case[1]))))
def test_print_then_parse_expr_is_identity(case: tuple[object, Env]) -> None:
    expr, env = case
    assert parse_expr(show(expr), env, ("i", "j")) == expr  # type: ignore[arg-type]


def test_matmul_reads_as_the_tree_it_means() -> None:
    text = "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n"
    i, j, k = Idx("i"), Idx("j"), Idx("k")
    body = Bin(BinOp.MUL, Access("A", (i, k), F64), Access("B", (k, j), F64), F64)
    expected = Statement("C", (i, j), (Loop("i", Const(0, I32), Scalar("m", I32)),
                                       Loop("j", Const(0, I32), Scalar("n", I32))),
                         Reduce(ReduceOp.SUM, "k", Const(0, I32), Scalar("p", I32), body, F64), F64)
    assert parse(text, ENV) == Program((expected,))
    assert show(expected) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a - b - c", "(a - b) - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a * b + c * d", "(a * b) + (c * d)"),
        ("(a + b) * c", "(a + b) * c"),
        ("a < b && c < d || !e", "((a < b) && (c < d)) || (!e)"),
        ("-a * b", "(-a) * b"),
        ("-(a * b)", "-(a * b)"),
        ("a // b % c", "(a // b) % c"),
    ],
)
def test_precedence_and_associativity(text: str, expected: str) -> None:
    env = {name: TensorType(DType.BOOL if name == "e" else I32, 0) for name in "abcde"}
    assert parse_expr(text, env) == parse_expr(expected, env)
    assert show(parse_expr(expected, env)) == text  # and the printer drops exactly the redundant parentheses


def test_literals_and_their_dtypes() -> None:
    assert parse_expr("2", {}) == Const(2, I32)
    assert parse_expr("3000000000", {}) == Const(3000000000, DType.I64)
    assert parse_expr("2.0", {}) == Const(2.0, F64)
    assert parse_expr("1e-05", {}) == Const(1e-05, F64)
    assert parse_expr("-3", {}) == Const(-3, I32)
    assert parse_expr("-(3)", {}) == Unary(UnOp.NEG, Const(3, I32), I32)
    assert parse_expr("f32(2.0)", {}) == Const(2.0, DType.F32)
    assert parse_expr("true", {}) == Const(True, DType.BOOL)
    assert show(Const(2.0, F64)) == "2.0" and show(Const(1e-05, F64)) == "1e-05"


def test_min_max_calls_and_reductions_are_told_apart_by_in() -> None:
    assert parse_expr("max(n, m)", ENV) == Bin(BinOp.MAX, Scalar("n", I32), Scalar("m", I32), I32)
    reduction = parse_expr("max(i in 0:n, x(i))", ENV)
    assert isinstance(reduction, Reduce) and reduction.op is ReduceOp.MAX


def test_division_kinds() -> None:
    for text, op in [("tdiv(n, m)", BinOp.DIV_TRUNC), ("n // m", BinOp.DIV_FLOOR), ("tmod(n, m)", BinOp.MOD_TRUNC),
                     ("n % m", BinOp.MOD_FLOOR), ("n / m", BinOp.DIV_REAL)]:
        expr = parse_expr(text, ENV)
        assert isinstance(expr, Bin) and expr.op is op
        assert show(expr) == text
    assert parse_expr("n / m", ENV).dtype is F64  # Python's `/` on ints


def test_new_targets_join_the_environment_and_a_tensor_may_be_called_in() -> None:
    env = {**ENV, "in": TensorType(F64, 2)}
    program = parse("t(i) = x(i) * 2.0  for i in 0:n\ns = sum(i in 0:n, t(i))\nA(c, r) = in(r, c)  for r in 0:n, c in "
                    "0:m", env)
    assert program.statements[0].dtype is F64 and program.statements[1].dtype is F64
    assert program.statements[1].value == Reduce(ReduceOp.SUM, "i", Const(0, I32), Scalar("n", I32),
                                                 Access("t", (Idx("i"),), F64), F64)


def test_ranges_may_use_earlier_domain_variables_and_dims() -> None:
    program = parse("y(i) = sum(j in i:dim(A, 1), A(i, j))  for i in 0:dim(A, 0)", ENV)
    (statement,) = program.statements
    assert statement.domain[0].hi == Dim("A", 0)
    assert isinstance(statement.value, Reduce) and statement.value.lo == Idx("i")


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("s = max(k in 0:n, x(k)", 1, 23, "expected ')' to close the call to max"),
        ("y(i) = max(k in 0:n, x(k)  for i in 0:n", 1, 28, "to close the call to max"),
        ("y(i) = x(i, i)  for i in 0:n", 1, 8, "x has rank 1 but is accessed with 2 indices"),
        ("y(i) = x(j)  for i in 0:n", 1, 10, "unknown name j"),
        ("y(i) = x(i)\n", 1, 3, "unknown name i"),
        ("s = 1 +", 1, 8, "expected an expression"),
        ("y(i) = x(i)  for i in 0:n, i in 0:n", 1, 28, "already bound"),
        ("y(i) = x(i) @ 2  for i in 0:n", 1, 13, "unexpected character '@'"),
        ("y(1.0) = 2.0", 1, 3, "an index must be an integer"),
        ("s = n < m < p", 1, 11, "comparisons do not chain"),
        ("s = sqrt(1.0, 2.0)", 1, 10, "sqrt takes 1 argument, not 2"),
        ("s = dim(x, 1)", 1, 12, "x has rank 1"),
        ("s = x", 1, 5, "x has rank 1"),
        ("s = x(0)  for i in 0:n", 1, 11, "takes no for clause"),
        ("t(i, j) = 1.0  for i in 0:n, j in 0:i", 1, 16, "must not depend on other domain variables"),
        ("t(j, i) = 1.0  for i in 0:n, j in 0:n", 1, 1, "indices must be the domain variables (i, j) in order"),
        ("t(i) = 1.0  for i in 1:n", 1, 13, "must start at 0"),
        ("t(i) = 1.0", 1, 1, "add a for clause"),
        ("y(i) = x(i)  for i 0:n", 1, 20, "expected 'in'"),
        ("s = sum(k in 0 n, x(k))", 1, 16, "expected ':'"),
        ("s = 1.0\ns = s +* 2.0", 2, 8, "expected an expression"),
        ("y(i) = x(i) + (1.0\n * 2.0)  for i in 0:n\ns = frob(1.0)", 3, 5, "unknown tensor or function frob"),
        ("y(i) = x(i))  for i in 0:n", 1, 12, "unexpected ')'"),
        ("y(i) = sum(n in 0:n, x(n))  for i in 0:n", 1, 12, "has the name of a tensor"),
    ],
)
def test_errors_say_where_and_what(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(TensIRSyntaxError) as caught:
        parse(text, ENV)
    error = caught.value
    assert words in str(error)
    assert (error.line, error.column) == (line, column), str(error)
    assert str(error).startswith(f"line {line}, column {column}: ")
    assert (error.error.line, error.error.column) == (line - 1, column - 1)


def test_lenient_line_takes_ranges_from_the_default_domain_or_the_target() -> None:
    statement = parse_statement_line("`c(i) = x(i) + y(i);`", ENV, {"c": (Scalar("n", I32),)})
    assert statement.domain == (Loop("i", Const(0, I32), Scalar("n", I32)),)
    assert statement.dtype is DType.F32
    existing = parse_statement_line("y(k) = alpha * x(k)", ENV)
    assert existing.domain == (Loop("k", Const(0, I32), Dim("y", 0)),)
    assert parse_statement_line("y(k) = x(k)  for k in range(1, n)", ENV).domain == (
        Loop("k", Const(1, I32), Scalar("n", I32)),)
    with pytest.raises(TensIRSyntaxError, match="add a for clause"):
        parse_statement_line("c(i) = x(i)", ENV)
    with pytest.raises(TensIRSyntaxError, match="expected one statement"):
        parse_statement_line("s = 1.0\nt = 2.0", ENV)
