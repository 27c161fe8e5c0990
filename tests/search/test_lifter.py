"""The analysis-derived lifter: from source text through the frontends and unit splitting to a TensIR candidate.

Each liftable case is checked by meaning, not by text: the candidate must agree with the Kernel interpreter on the
unit's examples, and have the structure the loop implies (a reduction where the loop accumulates, a parallel
write where it maps). Each failing case must say why, in words that name the problem.
"""

from __future__ import annotations

import pytest

from tensorlift.common import Language, ReduceOp
from tensorlift.frontend import parse
from tensorlift.kernel.examples import make_examples
from tensorlift.search.check import agrees
from tensorlift.search.lifter import LiftFailure, lift_unit
from tensorlift.semantics import NumericModel
from tensorlift.tensir import nodes as T


def only_unit(source: str, language: Language):
    parsed = parse(source, language)
    assert len(parsed.units) == 1, parsed.units
    return parsed.units[0]


def lifted(source: str, language: Language) -> tuple[object, T.Program]:
    unit = only_unit(source, language)
    program = lift_unit(unit)
    examples = make_examples(unit, seed=1)
    assert examples, "the unit must run on some example"
    assert agrees(unit, program, examples, NumericModel()), program
    return unit, program


def reductions(expr: T.Expr) -> list[T.Reduce]:
    found: list[T.Reduce] = []

    def visit(e: T.Expr) -> None:
        match e:
            case T.Reduce(lo=lo, hi=hi, body=body):
                found.append(e)
                for child in (lo, hi, body):
                    visit(child)
            case T.Bin(lhs=lhs, rhs=rhs):
                visit(lhs)
                visit(rhs)
            case T.Unary(operand=x) | T.Cast(operand=x):
                visit(x)
            case T.Call(args=args):
                for a in args:
                    visit(a)
            case T.Select(cond=c, then=t, else_=f):
                for x in (c, t, f):
                    visit(x)
            case T.Access(indices=indices):
                for i in indices:
                    visit(i)

    visit(expr)
    return found


def test_dot_product_is_a_sum_reduction() -> None:
    _, program = lifted(
        """
double dot(const double *a, const double *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}""",
        Language.C,
    )
    (statement,) = program.statements
    assert statement.target == "s" and statement.is_scalar
    assert [r.op for r in reductions(statement.value)] == [ReduceOp.SUM]


def test_in_place_update_is_a_parallel_write() -> None:
    _, program = lifted(
        """
void axpy(int n, float alpha, const float *x, float *y) {
    for (int i = 0; i < n; ++i) y[i] += alpha * x[i];
}""",
        Language.C,
    )
    (statement,) = program.statements
    assert statement.target == "y" and [loop.var for loop in statement.domain] == ["i"]


def test_matrix_product_with_element_accumulator() -> None:
    _, program = lifted(
        """
void matmul(int m, int n, int p, double **A, double **B, double **C) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            C[i][j] = 0;
            for (int k = 0; k < p; k++) C[i][j] += A[i][k] * B[k][j];
        }
}""",
        Language.C,
    )
    (statement,) = program.statements
    assert len(statement.domain) == 2
    assert [r.op for r in reductions(statement.value)] == [ReduceOp.SUM]


def test_if_greater_then_assign_is_a_max_reduction() -> None:
    _, program = lifted(
        """
def largest(a):
    m = a[0]
    for i in range(1, len(a)):
        if a[i] > m:
            m = a[i]
    return m
""",
        Language.PYTHON,
    )
    (statement,) = program.statements
    (reduce,) = reductions(statement.value)
    assert reduce.op is ReduceOp.MAX


def test_reversed_loop_is_reindexed() -> None:
    _, program = lifted(
        """
void reverse_copy(int n, const int *a, int *out) {
    for (int i = n - 1; i >= 0; i--) out[n - 1 - i] = a[i];
}""",
        Language.C,
    )
    (statement,) = program.statements
    assert statement.target == "out"


def test_strided_loop_is_reindexed() -> None:
    _, program = lifted(
        """
def even_sum(a, n):
    s = 0
    for i in range(0, n, 2):
        s += a[i]
    return s
""",
        Language.PYTHON,
    )
    (statement,) = program.statements
    assert [r.op for r in reductions(statement.value)] == [ReduceOp.SUM]


def test_split_accumulation_and_temporaries() -> None:
    lifted(
        """
float mixed(int n, const float *a, const float *b) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) {
        float t = a[i] * 2.0f;
        s += t;
        s -= b[i];
    }
    return s;
}""",
        Language.C,
    )


def test_conditional_accumulation_becomes_a_select_inside_the_sum() -> None:
    _, program = lifted(
        """
def positive_total(a):
    s = 0.0
    for x in a:
        if x > 0:
            s += x
    return s
""",
        Language.PYTHON,
    )
    (statement,) = program.statements
    (reduce,) = reductions(statement.value)
    assert isinstance(reduce.body, T.Select)


def test_prefix_sum_is_refused_as_a_loop_carried_dependence() -> None:
    unit = only_unit(
        """
void prefix(int n, const int *x, int *out) {
    out[0] = x[0];
    for (int i = 1; i < n; i++) out[i] = out[i - 1] + x[i];
}""",
        Language.C,
    )
    with pytest.raises(LiftFailure, match="loop-carried dependence"):
        lift_unit(unit)


def test_last_value_scalar_is_refused() -> None:
    unit = only_unit(
        """
int last(int n, const int *a) {
    int v = 0;
    for (int i = 0; i < n; i++) v = a[i];
    return v;
}""",
        Language.C,
    )
    with pytest.raises(LiftFailure, match="last iteration"):
        lift_unit(unit)


def test_horner_recurrence_is_not_a_reduction() -> None:
    unit = only_unit(
        """
def horner(c, x):
    r = 0.0
    for i in range(len(c)):
        r = r * x + c[i]
    return r
""",
        Language.PYTHON,
    )
    with pytest.raises(LiftFailure, match="not a sum, product"):
        lift_unit(unit)
