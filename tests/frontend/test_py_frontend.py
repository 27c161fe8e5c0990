"""The Python frontend: each construct on a small snippet, checked against the Kernel IR built by hand."""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

import pytest

from tensorlift.common import BinOp, DType, Language, Position, Span, UnOp
from tensorlift.frontend.python import parse_functions
from tensorlift.kernel.nodes import (
    Alloc,
    Assign,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    For,
    If,
    KernelFunction,
    Load,
    Return,
    Select,
    Stmt,
    Store,
    Unary,
    Unsupported,
    Var,
    VarRef,
)

I64, F64, I32, BOOL = DType.I64, DType.F64, DType.I32, DType.BOOL
NOWHERE = Span(Position(0, 0), Position(0, 0))


# ------------------------------------------------------------------------------------------------------- helpers


def functions(source: str) -> dict[str, KernelFunction]:
    found, errors = parse_functions(textwrap.dedent(source).encode(), "t.py")
    assert errors == (), errors
    return {f.name: f for f in found}


def body(source: str, name: str | None = None) -> tuple[Stmt, ...]:
    """The span-free body of the only (or the named) function."""
    found = functions(source)
    fn = found[name] if name is not None else next(iter(found.values()))
    return tuple(unspan(s) for s in fn.body)


def unspan(node: Any) -> Any:
    """Spans replaced by one constant, so expected trees need not spell positions."""
    if isinstance(node, tuple):
        return tuple(unspan(n) for n in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: unspan(getattr(node, f.name)) for f in dataclasses.fields(node)}
        if "span" in changes:
            changes["span"] = NOWHERE
        return dataclasses.replace(node, **changes)
    return node


def walk(stmts: tuple[Stmt, ...]) -> list[Stmt]:
    out: list[Stmt] = []
    for s in stmts:
        out.append(s)
        if isinstance(s, For):
            out.extend(walk(s.body))
        elif isinstance(s, If):
            out.extend(walk(s.then) + walk(s.else_))
    return out


def unsupported(source: str) -> list[str]:
    found, _ = parse_functions(textwrap.dedent(source).encode(), "t.py")
    return [s.reason for f in found for s in walk(f.body) if isinstance(s, Unsupported)]


def v(name: str, dtype: DType = I64) -> Var:
    return Var(name, dtype)


def c(value: int | float) -> Const:
    return Const(value, F64 if isinstance(value, float) else I64)


def ld(array: str, *indices: Expr, dtype: DType = F64) -> Load:
    return Load(array, indices, dtype)


def b(op: BinOp, lhs: Expr, rhs: Expr, dtype: DType = F64) -> Bin:
    return Bin(op, lhs, rhs, dtype)


def assign(target: VarRef | Store, value: Expr) -> Assign:
    return Assign(target, value, NOWHERE)


def loop(var: str, start: Expr, stop: Expr, *stmts: Stmt, step: int = 1) -> For:
    return For(var, start, stop, step, stmts, NOWHERE)


# ------------------------------------------------------------------------------------------------------ kernels


def test_dot_product_is_a_float_reduction_over_len() -> None:
    got = body("""
        def dot(a, b):
            s = 0
            for i in range(len(a)):
                s += a[i] * b[i]
            return s
    """)
    s = VarRef("s", F64)
    expected = (
        assign(s, c(0.0)),
        loop("i", c(0), Dim("a", 0),
             assign(s, b(BinOp.ADD, v("s", F64), b(BinOp.MUL, ld("a", v("i")), ld("b", v("i")))))),
        Return(v("s", F64), NOWHERE),
    )
    assert got == expected


def test_parameters_are_arrays_by_use_with_the_rank_used() -> None:
    fn = functions("""
        def mm(A, B, C, n, alpha):
            for i in range(n):
                C[i, 0] = alpha * A[i][0] * B[0][i]
    """)["mm"]
    kinds = {p.name: (p.kind, p.rank, p.dtype) for p in fn.params}
    assert kinds == {"A": ("array", 2, F64), "B": ("array", 2, F64), "C": ("array", 2, F64),
                     "n": ("scalar", 0, I64), "alpha": ("scalar", 0, F64)}
    assert fn.language is Language.PYTHON


def test_subscript_spellings_give_the_same_load() -> None:
    got = body("""
        def f(A, B, n):
            for i in range(n):
                B[i][i] = A[i][i] + A[i, i]
    """)
    (outer,) = got
    assert isinstance(outer, For)
    (store,) = outer.body
    a = ld("A", v("i"), v("i"))
    assert store == assign(Store("B", (v("i"), v("i")), F64), b(BinOp.ADD, a, a))


def test_flattened_access_is_left_one_dimensional() -> None:
    (outer,) = body("""
        def f(A, x, y, n, m):
            for i in range(n):
                for j in range(m):
                    y[i] += A[i * m + j] * x[j]
    """)
    assert isinstance(outer, For) and isinstance(outer.body[0], For)
    (update,) = outer.body[0].body
    assert isinstance(update, Assign) and isinstance(update.value, Bin)
    product = update.value.rhs
    assert isinstance(product, Bin)
    assert product.lhs == ld("A", b(BinOp.ADD, b(BinOp.MUL, v("i"), v("m"), I64), v("j"), I64))


@pytest.mark.parametrize(("header", "start", "stop", "step"), [
    ("range(n)", c(0), v("n"), 1),
    ("range(2, n)", c(2), v("n"), 1),
    ("range(1, n, 2)", c(1), v("n"), 2),
    ("range(n - 1, -1, -1)", b(BinOp.SUB, v("n"), c(1), I64), c(-1), -1),
    ("reversed(range(n))", b(BinOp.SUB, v("n"), c(1), I64), c(-1), -1),
])
def test_range_forms(header: str, start: Expr, stop: Expr, step: int) -> None:
    (got,) = body(f"""
        def f(a, n):
            for i in {header}:
                a[i] = 0.0
    """)
    assert isinstance(got, For)
    assert (got.var, got.start, got.stop, got.step) == ("i", start, stop, step)


@pytest.mark.parametrize("header", ["range(0, n, k)", "range(0, n, 0)", "range(0, n, 1.5)"])
def test_range_step_must_be_a_nonzero_integer_constant(header: str) -> None:
    reasons = unsupported(f"""
        def f(a, n, k):
            for i in {header}:
                a[i] = 0.0
    """)
    assert len(reasons) == 1 and "line 3" in reasons[0] and "step" in reasons[0]


def test_for_over_an_array_indexes_it() -> None:
    (_, got, _) = body("""
        def total(a):
            s = 0.0
            for x in a:
                s = s + x
            return s
    """)
    assert isinstance(got, For)
    assert (got.start, got.stop, got.step) == (c(0), Dim("a", 0), 1)
    assert got.body == (assign(VarRef("s", F64), b(BinOp.ADD, v("s", F64), ld("a", v(got.var)))),)
    assert got.var not in ("x", "a", "s")


def test_loop_index_name_avoids_names_in_the_function() -> None:
    (got, _) = body("""
        def f(a, x_i):
            for x in a:
                x_i = x_i + x
            return x_i
    """)
    assert isinstance(got, For) and got.var not in ("x_i", "x")


def test_enumerate_and_zip() -> None:
    (first, second) = body("""
        def f(a, b, out):
            for i, x in enumerate(a):
                out[i] = x * 2.0
            for x, y in zip(a, b):
                out[0] += x * y
    """)
    assert isinstance(first, For) and first.var == "i" and first.stop == Dim("a", 0)
    assert first.body == (assign(Store("out", (v("i"),), F64), b(BinOp.MUL, ld("a", v("i")), c(2.0))),)
    assert isinstance(second, For) and second.stop == b(BinOp.MIN, Dim("a", 0), Dim("b", 0), I64)  # the shorter
    k = v(second.var)
    update = b(BinOp.ADD, ld("out", c(0)), b(BinOp.MUL, ld("a", k), ld("b", k)))
    assert second.body == (assign(Store("out", (c(0),), F64), update),)


def test_rows_of_a_matrix_are_views() -> None:
    (_, got, _) = body("""
        def total(A):
            s = 0.0
            for row in A:
                for x in row:
                    s += x
            return s
    """)
    assert isinstance(got, For) and isinstance(got.body[0], For)
    inner = got.body[0]
    assert inner.stop == Dim("A", 1)
    assert inner.body == (assign(VarRef("s", F64), b(BinOp.ADD, v("s", F64), ld("A", v(got.var), v(inner.var)))),)


def test_row_bound_to_a_changing_index_is_not_substituted() -> None:
    reasons = unsupported("""
        def f(A, m):
            s = 0.0
            k = 0
            row = A[k]
            for j in range(m):
                s += row[j]
                k += 1
            return s
    """)
    assert reasons and reasons[0].startswith("line 5:")


def test_row_of_a_loop_is_not_visible_after_it() -> None:
    reasons = unsupported("""
        def f(A, n, m):
            s = 0.0
            for i in range(n):
                r = A[i]
                for j in range(m):
                    s += r[j]
            return s + r[0]
    """)
    assert reasons == ["line 8: `r` is used after the loop that defines it"]


def test_element_read_into_a_local_when_the_array_is_written() -> None:
    (got,) = body("""
        def f(a):
            for x in a:
                a[0] = x
    """)
    assert isinstance(got, For)
    assert got.body[0] == assign(VarRef("x", F64), ld("a", v(got.var)))
    assert got.body[1] == assign(Store("a", (c(0),), F64), v("x", F64))


@pytest.mark.parametrize(("expression", "expected"), [
    ("len(a)", Dim("a", 0)),
    ("len(A[0])", Dim("A", 1)),
    ("A.shape[1]", Dim("A", 1)),
    ("A.shape[0]", Dim("A", 0)),
    ("a.size", Dim("a", 0)),
])
def test_sizes(expression: str, expected: Expr) -> None:
    (got,) = body(f"""
        def f(a, A, out):
            for i in range({expression}):
                out[i] = a[i] + A[i][i]
    """)
    assert isinstance(got, For) and got.stop == expected


def test_shape_unpacking() -> None:
    got = body("""
        def f(A):
            n, m = A.shape
            s = 0.0
            for i in range(n):
                for j in range(m):
                    s += A[i, j]
            return s
    """)
    assert got[:2] == (assign(VarRef("n", I64), Dim("A", 0)), assign(VarRef("m", I64), Dim("A", 1)))


def test_negative_constant_index_counts_from_the_end() -> None:
    got = body("""
        def last(a):
            return a[-1]
    """)
    assert got == (Return(ld("a", b(BinOp.SUB, Dim("a", 0), c(1), I64)), NOWHERE),)


# --------------------------------------------------------------------------------------------------- allocation


@pytest.mark.parametrize(("spelling", "shape", "dtype", "init"), [
    ("[0] * n", (v("n"),), I64, c(0)),
    ("[0.0] * n", (v("n"),), F64, c(0.0)),
    ("n * [1.5]", (v("n"),), F64, c(1.5)),
    ("[0.0 for _ in range(n)]", (v("n"),), F64, c(0.0)),
    ("[[0.0] * m for _ in range(n)]", (v("n"), v("m")), F64, c(0.0)),
    ("np.zeros(n)", (v("n"),), F64, c(0.0)),
    ("np.zeros((n, m))", (v("n"), v("m")), F64, c(0.0)),
    ("np.zeros((n, m), dtype=np.int32)", (v("n"), v("m")), I32, Const(0, I32)),
    ("np.zeros(n, dtype=int)", (v("n"),), I64, c(0)),
    ("np.ones(n)", (v("n"),), F64, c(1.0)),
    ("np.empty((n, m))", (v("n"), v("m")), F64, None),
    ("np.full(n, 7.0)", (v("n"),), F64, c(7.0)),
    ("np.zeros_like(a)", (Dim("a", 0),), F64, c(0.0)),
])
def test_allocation_forms(spelling: str, shape: tuple[Expr, ...], dtype: DType, init: Expr | None) -> None:
    got = body(f"""
        import numpy as np

        def f(a, n, m):
            out = {spelling}
            out[0] = a[0] > 0
            return out
    """)
    assert got[0] == Alloc("out", shape, dtype, init, NOWHERE)


def test_list_elements_join_what_is_stored() -> None:
    got = body("""
        def f(a, n):
            c = [0] * n
            for i in range(n):
                c[i] = a[i] * 0.5
            return c
    """)
    assert got[0] == Alloc("c", (v("n"),), F64, c(0.0), NOWHERE)


def test_numpy_dtype_is_fixed_and_stores_are_cast() -> None:
    got = body("""
        import numpy as np

        def f(a, n):
            c = np.zeros(n, dtype=np.int64)
            for i in range(n):
                c[i] = a[i] * 0.5
            return c
    """)
    assert got[0] == Alloc("c", (v("n"),), I64, c(0), NOWHERE)
    assert isinstance(got[1], For)
    assert got[1].body == (assign(Store("c", (v("i"),), I64), Cast(b(BinOp.MUL, ld("a", v("i")), c(0.5)), I64)),)


def test_repeated_row_list_is_refused() -> None:
    (reason,) = unsupported("""
        def f(n, m):
            C = [[0.0] * m] * n
            return C
    """)
    assert reason.startswith("line 3:") and "row" in reason


# ------------------------------------------------------------------------------------------------------ appends


def test_append_in_one_loop_counts_from_the_start() -> None:
    got = body("""
        def f(a, s, e):
            out = []
            for i in range(s, e):
                out.append(a[i] * 2.0)
            return out
    """)
    trip = b(BinOp.SUB, v("e"), v("s"), I64)
    assert got[0] == Alloc("out", (trip,), F64, None, NOWHERE)
    assert isinstance(got[1], For)
    counter = b(BinOp.SUB, v("i"), v("s"), I64)
    assert got[1].body == (assign(Store("out", (counter,), F64), b(BinOp.MUL, ld("a", v("i")), c(2.0))),)


def test_append_in_two_loops_flattens_the_counter() -> None:
    got = body("""
        def f(A, n, m):
            out = []
            for i in range(1, n):
                for j in range(2, m):
                    out.append(A[i][j])
            return out
    """)
    trip_i = b(BinOp.SUB, v("n"), c(1), I64)
    trip_j = b(BinOp.SUB, v("m"), c(2), I64)
    assert got[0] == Alloc("out", (b(BinOp.MUL, trip_i, trip_j, I64),), F64, None, NOWHERE)
    counter = b(BinOp.ADD, b(BinOp.MUL, b(BinOp.SUB, v("i"), c(1), I64), trip_j, I64),
                b(BinOp.SUB, v("j"), c(2), I64), I64)
    outer = got[1]
    assert isinstance(outer, For) and isinstance(outer.body[0], For)
    assert outer.body[0].body == (assign(Store("out", (counter,), F64), ld("A", v("i"), v("j"))),)


def test_append_with_a_step_divides_the_counter() -> None:
    got = body("""
        def f(a, n):
            out = []
            for i in range(0, n, 2):
                out.append(a[i])
            return out
    """)
    assert got[0] == Alloc("out", (b(BinOp.DIV_FLOOR, b(BinOp.ADD, v("n"), c(1), I64), c(2), I64),), F64, None,
                           NOWHERE)
    assert isinstance(got[1], For)
    assert got[1].body == (assign(Store("out", (b(BinOp.DIV_FLOOR, v("i"), c(2), I64),), F64), ld("a", v("i"))),)


def test_rows_appended_build_a_matrix() -> None:
    got = body("""
        def f(A, n, m):
            out = []
            for i in range(n):
                row = []
                for j in range(m):
                    row.append(A[j][i])
                out.append(row)
            return out
    """)
    assert got[0] == Alloc("out", (v("n"), v("m")), F64, None, NOWHERE)
    expected = loop("i", c(0), v("n"),
                    loop("j", c(0), v("m"), assign(Store("out", (v("i"), v("j")), F64), ld("A", v("j"), v("i")))))
    assert got[1] == expected


def test_conditional_append_is_refused() -> None:
    (alloc, reason) = unsupported("""
        def positives(a):
            out = []
            for x in a:
                if x > 0:
                    out.append(x)
            return out
    """)
    assert reason == "line 6: conditional append builds a variable-length result; not a tensor operation"
    assert alloc.startswith("line 3: `out` is filled by an `append`")


def test_an_append_in_every_branch_is_one_element_per_iteration() -> None:
    got = body("""
        def pick(mask, a, b):
            out = []
            for i in range(len(mask)):
                if mask[i] > 0:
                    out.append(a[i])
                elif mask[i] < -1:
                    out.append(-a[i])
                else:
                    out.append(b[i])
            return out
    """)
    assert got[0] == Alloc("out", (Dim("mask", 0),), F64, None, NOWHERE)
    loop_ = got[1]
    assert isinstance(loop_, For) and isinstance(loop_.body[0], If)
    stores = [s.target for s in walk(loop_.body) if isinstance(s, Assign)]
    assert stores == [Store("out", (v("i"),), F64)] * 3


@pytest.mark.parametrize(("branches", "message"), [
    ("if a[i] > 0:\n        out.append(a[i])\n    elif a[i] < 0:\n        out.append(b[i])\n    else:\n        pass",
     "appended to in some branches of this `if` only"),
    ("if a[i] > 0:\n        out.append(a[i])\n        out.append(b[i])\n    else:\n        out.append(b[i])",
     "several `append`s in one branch"),
    ("if a[i] > 0:\n        out.append(a[i])\n    else:\n        out.append(i)", "values of different types"),
])
def test_appends_in_some_branches_only_are_refused(branches: str, message: str) -> None:
    source = "def f(a, b, n):\n  out = []\n  for i in range(n):\n    " + branches.replace("\n    ", "\n    ") + \
        "\n  return out\n"
    reasons = unsupported(source)
    assert any(message in r for r in reasons), reasons


def test_triangular_append_is_refused() -> None:
    (_, reason) = unsupported("""
        def f(A, n):
            out = []
            for i in range(n):
                for j in range(i):
                    out.append(A[i][j])
            return out
    """)
    assert "line 6" in reason and "triangular" in reason


def test_a_tuple_return_reads_each_value() -> None:
    got = body("""
        def f(keys, width):
            q = [0] * len(keys)
            r = [0] * len(keys)
            for i in range(len(keys)):
                q[i] = keys[i] // width
                r[i] = keys[i] % width
            return q, r
    """)
    assert got[-2:] == (Return(Var("q", F64), NOWHERE), Return(Var("r", F64), NOWHERE))


def test_results_returned_as_a_tuple_are_the_units_outputs() -> None:
    from tensorlift.frontend import parse as parse_source

    source = b"def f(keys, width):\n    q = [0] * len(keys)\n    r = [0] * len(keys)\n" \
             b"    for i in range(len(keys)):\n        q[i] = keys[i] // width\n        r[i] = keys[i] % width\n" \
             b"    return q, r\n"
    (unit,) = parse_source(source, Language.PYTHON, "t.py").units
    assert [o.name for o in unit.outputs] == ["q", "r"]


def test_a_copy_is_an_allocation_and_the_loop_that_copies() -> None:
    got = body("""
        def f(a):
            c = a.copy()
            for i in range(len(c)):
                c[i] += 1.0
            return c
    """)
    alloc, copy = got[:2]
    assert alloc == Alloc("c", (Dim("a", 0),), F64, None, NOWHERE)
    assert isinstance(copy, For) and copy.stop == Dim("a", 0)
    [write] = copy.body
    assert isinstance(write, Assign) and write.target == Store("c", (v(copy.var),), F64)
    assert write.value == Load("a", (v(copy.var),), F64)


@pytest.mark.parametrize("spelling", ["np.copy(A)", "np.array(A)", "copy.deepcopy(A)", "A.copy()"])
def test_deep_copies_of_a_matrix_are_two_loops(spelling: str) -> None:
    got = body(f"""
        import copy
        import numpy as np
        def f(A):
            B = {spelling}
            for i in range(A.shape[0]):
                B[i, 0] = 0.0
            return B
    """, "f")
    alloc, copy = got[:2]
    assert isinstance(alloc, Alloc) and alloc.shape == (Dim("A", 0), Dim("A", 1))
    assert isinstance(copy, For) and isinstance(copy.body[0], For)


@pytest.mark.parametrize("spelling", ["list(A)", "copy.copy(A)"])
def test_a_shallow_copy_of_rows_is_refused(spelling: str) -> None:
    (reason, *_) = unsupported(f"""
        import copy
        def f(A, n):
            B = {spelling}
            for i in range(n):
                B[i][0] = 0.0
            return B
    """)
    assert reason.startswith("line 4:") and "rows stay shared" in reason


@pytest.mark.parametrize("spelling", ["a[1:]", "a[:]"])
def test_a_slice_is_refused_it_copies_a_list_but_is_a_view_of_an_array(spelling: str) -> None:
    (reason, *_) = unsupported(f"""
        def f(a):
            c = {spelling}
            for i in range(len(c)):
                c[i] += 1.0
            return c
    """)
    assert reason.startswith("line 3:") and "view of a NumPy array" in reason


# ----------------------------------------------------------------------------------------------- statements etc.


def test_chained_and_simultaneous_assignment() -> None:
    got = body("""
        def f(a, i, j):
            x = y = 0.0
            a[i], a[j] = a[j], a[i]
            x, y = y + 1.0, x
            return x
    """)
    assert got[:2] == (assign(VarRef("x", F64), c(0.0)), assign(VarRef("y", F64), c(0.0)))
    # a swap reads what it writes: both values go through temporaries first
    t0, t1, s0, s1 = got[2:6]
    assert isinstance(t0, Assign) and isinstance(t1, Assign) and isinstance(t0.target, VarRef)
    assert isinstance(t1.target, VarRef)
    assert (t0.value, t1.value) == (ld("a", v("j")), ld("a", v("i")))
    assert s0 == assign(Store("a", (v("i"),), F64), v(t0.target.name, F64))
    assert s1 == assign(Store("a", (v("j"),), F64), v(t1.target.name, F64))


def test_main_guard_runs_at_module_level() -> None:
    found = functions("""
        import numpy as np

        if __name__ == "__main__":
            a = np.zeros(4)
            for i in range(4):
                a[i] = i * 1.5
    """)
    module = tuple(unspan(s) for s in found["<module>"].body)
    assert module[0] == Alloc("a", (c(4),), F64, c(0.0), NOWHERE)
    assert isinstance(module[1], For) and module[1].stop == c(4)


def test_in_place_update() -> None:
    (got,) = body("""
        def axpy(y, x, alpha, n):
            for i in range(n):
                y[i] += alpha * x[i]
    """)
    update = b(BinOp.ADD, ld("y", v("i")), b(BinOp.MUL, v("alpha", F64), ld("x", v("i"))))
    assert got == loop("i", c(0), v("n"), assign(Store("y", (v("i"),), F64), update))


@pytest.mark.parametrize(("operator", "op"), [
    ("+=", BinOp.ADD), ("-=", BinOp.SUB), ("*=", BinOp.MUL), ("/=", BinOp.DIV_REAL), ("//=", BinOp.DIV_FLOOR),
    ("%=", BinOp.MOD_FLOOR),
])
def test_augmented_assignments(operator: str, op: BinOp) -> None:
    (got,) = body(f"""
        def f(a, x, n):
            for i in range(n):
                a[i] {operator} x[i]
    """)
    assert isinstance(got, For)
    assert got.body == (assign(Store("a", (v("i"),), F64), b(op, ld("a", v("i")), ld("x", v("i")))),)


def test_max_accumulators() -> None:
    got = body("""
        def f(a, n):
            m = a[0]
            k = a[0]
            for i in range(1, n):
                m = max(m, a[i])
                if a[i] < k:
                    k = a[i]
            return m - k
    """)
    outer = got[2]
    assert isinstance(outer, For)
    assert outer.body[0] == assign(VarRef("m", F64), b(BinOp.MAX, v("m", F64), ld("a", v("i"))))
    assert outer.body[1] == If(b(BinOp.LT, ld("a", v("i")), v("k", F64), BOOL),
                               (assign(VarRef("k", F64), ld("a", v("i"))),), (), NOWHERE)


def test_if_elif_else_nests() -> None:
    (got,) = body("""
        def f(a, n):
            for i in range(n):
                if a[i] < 0:
                    a[i] = -1.0
                elif a[i] == 0:
                    a[i] = 0.0
                else:
                    a[i] = 1.0
    """)
    assert isinstance(got, For)
    (outer,) = got.body
    store = Store("a", (v("i"),), F64)
    assert outer == If(b(BinOp.LT, ld("a", v("i")), c(0), BOOL), (assign(store, c(-1.0)),),
                       (If(b(BinOp.EQ, ld("a", v("i")), c(0), BOOL), (assign(store, c(0.0)),),
                           (assign(store, c(1.0)),), NOWHERE),), NOWHERE)


def test_conditional_expression_and_chained_comparison() -> None:
    (got,) = body("""
        def f(a, lo, hi, n):
            for i in range(n):
                a[i] = a[i] if lo < a[i] <= hi else 0.0
    """)
    x = ld("a", v("i"))
    cond = b(BinOp.AND, b(BinOp.LT, v("lo", F64), x, BOOL), b(BinOp.LE, x, v("hi", F64), BOOL), BOOL)
    assert isinstance(got, For)
    assert got.body == (assign(Store("a", (v("i"),), F64), Select(cond, x, c(0.0), F64)),)


@pytest.mark.parametrize(("expression", "expected"), [
    ("i // 2", b(BinOp.DIV_FLOOR, v("i"), c(2), I64)),
    ("i % 3", b(BinOp.MOD_FLOOR, v("i"), c(3), I64)),
    ("i / 2", b(BinOp.DIV_REAL, v("i"), c(2), F64)),
    ("i ** 2", b(BinOp.MUL, v("i"), v("i"), I64)),
    ("i ** 3", b(BinOp.MUL, b(BinOp.MUL, v("i"), v("i"), I64), v("i"), I64)),
    ("x[i] ** 0.5", Call("sqrt", (ld("x", v("i")),), F64)),
    ("i ** 2.0", b(BinOp.MUL, Cast(v("i"), F64), Cast(v("i"), F64), F64)),
    ("i ** -1", Call("pow", (v("i"), c(-1)), F64)),
    ("i ** n", Call("pow", (v("i"), v("n")), I64)),
    ("x[i] ** y[i]", Call("pow", (ld("x", v("i")), ld("y", v("i"))), F64)),
    ("-x[i]", Unary(UnOp.NEG, ld("x", v("i")), F64)),
    ("float(i)", Cast(v("i"), F64)),
    ("int(x[i])", Cast(ld("x", v("i")), I64)),
    ("abs(x[i])", Call("abs", (ld("x", v("i")),), F64)),
    ("math.fabs(x[i])", Call("abs", (ld("x", v("i")),), F64)),
    ("math.sqrt(x[i])", Call("sqrt", (ld("x", v("i")),), F64)),
    ("np.exp(x[i])", Call("exp", (ld("x", v("i")),), F64)),
    ("sqrt(x[i])", Call("sqrt", (ld("x", v("i")),), F64)),
    ("mexp(x[i])", Call("exp", (ld("x", v("i")),), F64)),
    ("math.tanh(x[i])", Call("tanh", (ld("x", v("i")),), F64)),
    ("min(x[i], y[i])", b(BinOp.MIN, ld("x", v("i")), ld("y", v("i")))),
    ("max(x[i], y[i], 0.0)", b(BinOp.MAX, b(BinOp.MAX, ld("x", v("i")), ld("y", v("i"))), c(0.0))),
    ("math.pi * x[i]", b(BinOp.MUL, c(3.141592653589793), ld("x", v("i")))),
])
def test_expressions(expression: str, expected: Expr) -> None:
    (got,) = body(f"""
        import math
        import numpy as np
        from math import sqrt
        from math import exp as mexp

        def f(x, y, out, n):
            for i in range(n):
                out[i] = {expression}
    """)
    assert isinstance(got, For)
    (store,) = got.body
    assert isinstance(store, Assign)
    value = store.value.operand if isinstance(store.value, Cast) and store.value.dtype is F64 and \
        expected.dtype is not F64 else store.value
    assert value == expected


# ------------------------------------------------------------------------------------------------------- dtypes


def test_integer_code_stays_integer() -> None:
    fn = functions("""
        def count(a, t):
            c = 0
            for x in a:
                if x > t:
                    c += 1
            return c
    """)["count"]
    locals_ = {p.name: p.dtype for p in fn.locals}
    assert locals_["c"] is I64
    assert {p.name: p.dtype for p in fn.params} == {"a": F64, "t": F64}


def test_values_used_as_indices_are_integers() -> None:
    fn = functions("""
        def histogram(keys, h, n):
            for i in range(n):
                h[keys[i]] += 1
    """)["histogram"]
    assert {p.name: (p.kind, p.dtype) for p in fn.params} == {
        "keys": ("array", I64), "h": ("array", F64), "n": ("scalar", I64)}


def test_type_hints_decide() -> None:
    fn = functions("""
        import numpy as np
        import numpy.typing as npt

        def f(a: list[int], B: list[list[float]], c: npt.NDArray[np.float32], k: float, n: int) -> None:
            for i in range(n):
                a[i] = a[i] + 1
                c[i] = c[i] * k
                B[i][i] = 0.0
    """)["f"]
    assert {p.name: (p.kind, p.dtype, p.rank) for p in fn.params} == {
        "a": ("array", I64, 1), "B": ("array", F64, 2), "c": ("array", DType.F32, 1), "k": ("scalar", F64, 0),
        "n": ("scalar", I64, 0)}


def test_numpy_hints_give_arrays_with_rank_from_use() -> None:
    fn = functions("""
        import numpy as np

        def f(A: np.ndarray, n: int, out: "np.ndarray") -> np.ndarray:
            for i in range(n):
                out[i] = A[i, 0]
            return out
    """)["f"]
    assert {p.name: (p.kind, p.dtype, p.rank) for p in fn.params} == {
        "A": ("array", F64, 2), "n": ("scalar", I64, 0), "out": ("array", F64, 1)}


def test_locals_are_reported() -> None:
    fn = functions("""
        import numpy as np

        def f(a, n):
            out = np.zeros((n, n))
            t = 0.0
            for i in range(n):
                t = a[i] * 2.0
                out[i, i] = t
            return out
    """)["f"]
    assert {p.name: (p.kind, p.dtype, p.rank) for p in fn.locals} == {
        "out": ("array", F64, 2), "t": ("scalar", F64, 0), "i": ("scalar", I64, 0)}


# -------------------------------------------------------------------------------------------- helpers, calls


def test_helpers_are_inlined() -> None:
    got = body("""
        def clamp(x, lo, hi):
            return lo if x < lo else hi if x > hi else x

        def sq(x):
            t = x * x
            return t

        def f(a, n):
            for i in range(n):
                a[i] = clamp(sq(a[i]), 0.0, 1.0)
    """, "f")
    x = b(BinOp.MUL, ld("a", v("i")), ld("a", v("i")))
    expected = Select(b(BinOp.LT, x, c(0.0), BOOL), c(0.0),
                      Select(b(BinOp.GT, x, c(1.0), BOOL), c(1.0), x, F64), F64)
    assert got == (loop("i", c(0), v("n"), assign(Store("a", (v("i"),), F64), expected)),)


def test_recursive_helper_and_unknown_calls_are_refused() -> None:
    reasons = unsupported("""
        def fact(k):
            return 1 if k <= 1 else k * fact(k - 1)

        def f(a, n):
            for i in range(n):
                a[i] = fact(a[i])
                a[i] = frobnicate(a[i])
    """)
    assert any("recursive" in r for r in reasons)
    assert any(r.startswith("line 8:") and "`frobnicate`" in r for r in reasons)


@pytest.mark.parametrize(("statement", "construct", "line"), [
    ("while i < n:\n        i += 1", "`while`", 3),
    ("for j in range(n):\n        break", "`break`", 4),
    ("for j in range(n):\n        continue", "`continue`", 4),
    ("try:\n        a[0] = 1.0\n    except ValueError:\n        pass", "`try`", 3),
    ("b = [x * 2 for x in a]", "list comprehensions", 3),
    ("a[1:3] = 0.0", "slicing", 3),
    ("s = sum(x for x in a)", "`sum`", 3),
    ("d = {}", "dicts", 3),
    ("a[0] = None", "`None` is not supported", 3),
    ("a.data = 3", "attribute", 3),
    ("global g", "`global`", 3),
])
def test_unsupported_constructs_name_the_construct_and_line(statement: str, construct: str, line: int) -> None:
    reasons = unsupported(f"def f(a, n):\n    i = 0\n    {statement}\n")
    assert len(reasons) == 1, reasons
    assert reasons[0].startswith(f"line {line}:") and construct in reasons[0], reasons


def test_object_state_is_refused_by_name() -> None:
    reasons = unsupported("""
        class M:
            def fwd(self, x):
                for i in range(len(x)):
                    x[i] = x[i] * self.w[i]
                self.count += 1
                return x
    """)
    assert reasons == ["line 5: reading the attribute `self.w` is not supported",
                       "line 6: assigning to `self.count` is not supported"]


def test_unsupported_statement_keeps_the_rest() -> None:
    got = body("""
        def f(a, n):
            print(n)
            for i in range(n):
                a[i] = 1.0
    """)
    assert isinstance(got[0], Unsupported) and "`print`" in got[0].reason
    assert got[1] == loop("i", c(0), v("n"), assign(Store("a", (v("i"),), F64), c(1.0)))


def test_module_constants_are_inlined_and_globals_refused() -> None:
    found = functions("""
        N = 16
        table = [1.0, 2.0]

        def f(a):
            for i in range(N):
                a[i] = table[i]
            for i in range(N):
                a[i] = 0.0
    """)
    got = tuple(unspan(s) for s in found["f"].body)
    assert isinstance(got[0], For) and isinstance(got[0].body[0], Unsupported)
    assert got[0].body[0].reason.startswith("line 7:") and "`table`" in got[0].body[0].reason
    assert got[1] == loop("i", c(0), c(16), assign(Store("a", (v("i"),), F64), c(0.0)))


# ------------------------------------------------------------------------------------- functions, spans, module


def test_methods_nested_functions_and_module_loops() -> None:
    found = functions("""
        class Model:
            def relu(self, a: list[float]):
                for i in range(len(a)):
                    a[i] = max(a[i], 0.0)

            @staticmethod
            def scale(a, k):
                def inner(x):
                    return x
                for i in range(len(a)):
                    a[i] *= k

        xs = [0.0] * 10
        for i in range(10):
            xs[i] = i * 2.0
    """)
    assert set(found) == {"Model.relu", "Model.scale", "Model.scale.inner", "<module>"}
    assert [p.name for p in found["Model.relu"].params] == ["a"]
    assert [p.name for p in found["Model.scale"].params] == ["a", "k"]
    module = tuple(unspan(s) for s in found["<module>"].body)
    assert module[0] == Alloc("xs", (c(10),), F64, c(0.0), NOWHERE)


def test_no_module_function_without_loops() -> None:
    assert set(functions("x = 1\n\ndef f(a):\n    return a[0]\n")) == {"f"}


def test_spans_are_zero_based_utf8_columns() -> None:
    source = "def f(a):\n    s = 'é'\n    for i in range(3): a[i] = 1.0\n"
    (fn,), _ = parse_functions(source.encode(), "t.py")
    loop_ = fn.body[1]
    assert isinstance(loop_, For)
    assert loop_.span == Span(Position(2, 4), Position(2, len("    for i in range(3): a[i] = 1.0")))
    assert fn.span.start == Position(0, 0)


def test_byte_order_mark_is_dropped() -> None:
    (fn,), errors = parse_functions(b"\xef\xbb\xbfdef f(a):\n    a[0] = 1.0\n", "t.py")
    assert errors == ()
    assert fn.span.start == Position(0, 0)
