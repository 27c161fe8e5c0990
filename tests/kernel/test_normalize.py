"""Flat-index splitting and index simplification (kernel/normalize.py, kernel/affine.py, kernel/visit.py)."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_builders import (
    F64,
    I32,
    S,
    add,
    array,
    assign,
    const,
    function,
    load,
    loop,
    mul,
    out_array,
    scalar,
    store,
    sub,
    unit,
    var,
)

from tensorlift.common import BinOp, DType, UnOp
from tensorlift.kernel.affine import from_poly, simplify_index, to_poly
from tensorlift.kernel.interp import run_unit
from tensorlift.kernel.nodes import Alloc, Assign, Bin, Const, Expr, For, KernelFunction, Load, Store, Unary, Var
from tensorlift.kernel.normalize import normalize
from tensorlift.kernel.visit import (
    all_exprs,
    arrays_read,
    arrays_written,
    free_vars,
    map_expr,
    substitute,
    walk_stmts,
)
from tensorlift.semantics import ConcreteDomain, EvaluationError

i, j, k, p, n, m = (var(x) for x in "ijkpnm")


def accesses(fn_body: tuple, array: str) -> list[tuple[Expr, ...]]:
    found = [e.indices for e in all_exprs(fn_body) if isinstance(e, Load) and e.array == array]
    found += [
        s.target.indices for s in walk_stmts(fn_body)
        if isinstance(s, Assign) and isinstance(s.target, Store) and s.target.array == array
    ]
    return found


def flat_matmul(c_index: Expr) -> KernelFunction:
    # C[i*n + j] += A[i*k + p] * B[p*n + j]
    a = load("A", add(mul(i, k), p))
    b = load("B", add(mul(p, n), j))
    c = load("C", c_index)
    body = loop("i", 0, m, loop("j", 0, n, loop("p", 0, k, store("C", (c_index,), add(c, mul(a, b))))))
    return function("mm", (scalar("m"), scalar("n"), scalar("k"), array("A"), array("B"), array("C")), body)


def test_flattened_matmul_splits_every_array_into_its_view():
    fn = normalize(flat_matmul(add(mul(i, n), j)))
    params = {q.name: q for q in fn.params}
    assert params["A"].rank == 2 and params["A"].shape == (None, k)
    assert params["B"].shape == (None, n) and params["C"].shape == (None, n)
    assert set(accesses(fn.body, "C")) == {(i, j)}
    assert set(accesses(fn.body, "A")) == {(i, p)}
    assert set(accesses(fn.body, "B")) == {(p, j)}


def test_commuted_and_parenthesised_forms_split_the_same_way():
    for index in (add(j, mul(i, n)), add(mul(n, i), j), add(mul(n, i), add(j, const(0)))):
        fn = normalize(flat_matmul(index))
        assert set(accesses(fn.body, "C")) == {(i, j)}, index


def one_array(index: Expr, inner_stop: Expr) -> KernelFunction:
    body = loop("i", 0, m, loop("j", 0, inner_stop, store("A", (index,), const(1.0))))
    return function("f", (scalar("m"), scalar("n"), array("A")), body)


def test_offset_inner_index_splits_only_when_still_in_range():
    shifted = add(add(mul(i, n), j), const(1))
    fn = normalize(one_array(shifted, sub(n, const(1))))
    (idx,) = set(accesses(fn.body, "A"))
    assert idx == (i, add(j, const(1)))
    fn = normalize(one_array(shifted, n))  # j + 1 can reach n: no exact split
    (idx,) = set(accesses(fn.body, "A"))
    assert len(idx) == 1
    assert fn.params[2].rank == 1


def test_a_written_array_with_a_leading_dimension_splits_under_a_stated_assumption():
    fn = normalize(one_array(add(mul(i, n), j), m))  # A[i*n + j] for j < m: rows do not overlap iff m <= n
    assert fn.params[2].rank == 2 and fn.params[2].shape == (None, n)
    assert set(accesses(fn.body, "A")) == {(i, j)}
    assert fn.layout_assumptions == (Bin(BinOp.LE, m, n, DType.BOOL),)


def test_a_stride_one_shorter_than_a_size_splits_when_exact():
    w1 = sub(n, const(1))  # rows of n - 1 elements: A[i*(n - 1) + j] for j < n - 1
    fn = normalize(one_array(add(mul(i, w1), j), w1))
    assert fn.params[2].rank == 2 and fn.params[2].shape == (None, w1) and fn.layout_assumptions == ()
    assert set(accesses(fn.body, "A")) == {(i, j)}
    fn = normalize(one_array(add(mul(i, w1), j), n))  # j reaches n - 1: rows overlap, no split
    assert fn.params[2].rank == 1


def test_an_array_only_read_through_a_leading_dimension_stays_flat():
    body = loop("i", 0, m, loop("j", 0, m, store("B", (add(mul(i, m), j),), load("A", add(mul(i, n), j)))))
    fn = normalize(function("f", (scalar("m"), scalar("n"), array("A"), array("B")), body))
    assert fn.params[2].rank == 1 and fn.params[3].rank == 2
    assert fn.layout_assumptions == ()


def test_three_dimensional_split():
    index = add(add(mul(mul(i, m), k), mul(j, k)), p)
    body = loop("i", 0, n, loop("j", 0, m, loop("p", 0, k, store("T", (index,), const(0.0)))))
    fn = normalize(function("f", (scalar("n"), scalar("m"), scalar("k"), array("T")), body))
    assert fn.params[3].rank == 3 and fn.params[3].shape == (None, m, k)
    assert set(accesses(fn.body, "T")) == {(i, j, p)}


def test_an_array_accessed_two_ways_stays_flat():
    body = (
        loop("i", 0, mul(m, n), store("A", (i,), const(0.0))),
        loop("i", 0, m, loop("j", 0, n, store("A", (add(mul(i, n), j),), const(1.0)))),
    )
    fn = normalize(function("f", (scalar("m"), scalar("n"), array("A")), *body))
    assert fn.params[2].rank == 1
    assert {len(x) for x in accesses(fn.body, "A")} == {1}


def test_stride_that_changes_inside_the_loops_prevents_the_split():
    body = loop("i", 0, m, loop("j", 0, n, store("A", (add(mul(i, n), j),), const(1.0)), assign("n", n)))
    fn = normalize(function("f", (scalar("m"), scalar("n"), array("A")), body))
    assert fn.params[2].rank == 1


def test_alloc_of_a_split_array_gets_the_view_shape():
    body = (
        Alloc("C", (mul(m, n),), F64, const(0.0), S),
        loop("i", 0, m, loop("j", 0, n, store("C", (add(mul(i, n), j),), const(1.0)))),
    )
    fn = normalize(function("f", (scalar("m"), scalar("n")), *body))
    allocated = fn.body[0]
    assert isinstance(allocated, Alloc) and allocated.shape == (m, n)


def test_index_cleanup():
    body = loop("i", 1, n, store("a", (sub(add(i, const(1)), const(1)),), load("b", add(i, const(0)))),
                store("c", (mul(const(1), i),), const(0.0)))
    fn = normalize(function("f", (scalar("n"), array("a"), array("b"), array("c")), body))
    assert set(accesses(fn.body, "a")) == {(i,)}
    assert set(accesses(fn.body, "b")) == {(i,)}
    assert set(accesses(fn.body, "c")) == {(i,)}


def test_nothing_to_do_returns_the_same_function():
    fn = function("f", (scalar("n"), array("a")), loop("i", 0, n, store("a", (i,), const(0.0))))
    assert normalize(fn) is fn


# --------------------------------------------------------------------------------------------- visit and affine


def test_map_expr_shares_unchanged_trees_and_substitute_replaces_vars():
    e = add(mul(i, n), load("a", j))
    assert map_expr(e, lambda x: x) is e
    assert substitute(e, {"z": const(1)}) is e
    replaced = substitute(e, {"n": const(4)})
    assert replaced == add(mul(i, const(4)), load("a", j))
    assert free_vars(e) == {"i", "n", "j"}


def test_reads_and_writes():
    body = (loop("i", 0, n, store("y", (i,), add(load("x", i), load("y", i)))),)
    assert arrays_read(body) == {"x", "y"}
    assert arrays_written(body) == {"y"}


def int_exprs() -> st.SearchStrategy[Expr]:
    leaves = st.one_of(st.sampled_from([i, j, n]), st.integers(-5, 5).map(lambda c: Const(c, I32)))

    def grow(sub_: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        ops = st.sampled_from([BinOp.ADD, BinOp.SUB, BinOp.MUL])
        return st.one_of(
            st.tuples(ops, sub_, sub_).map(lambda t: Bin(t[0], t[1], t[2], I32)),
            sub_.map(lambda e: Unary(UnOp.NEG, e, I32)),
        )

    return st.recursive(leaves, grow, max_leaves=8)


def evaluate(e: Expr, env: dict[str, int]) -> int:
    match e:
        case Const(value, _):
            return int(value)
        case Var(name, _):
            return env[name]
        case Unary(_, operand, _):
            return -evaluate(operand, env)
        case Bin(op, lhs, rhs, _):
            a, b = evaluate(lhs, env), evaluate(rhs, env)
            return a + b if op is BinOp.ADD else a - b if op is BinOp.SUB else a * b
    raise AssertionError(e)


@settings(max_examples=200, deadline=None)
@given(int_exprs(), st.integers(0, 10_000))
def test_simplify_index_preserves_value_and_is_canonical(e: Expr, seed: int):
    rng = random.Random(seed)
    env = {x: rng.randint(-20, 20) for x in "ijn"}
    simplified = simplify_index(e)
    assert evaluate(simplified, env) == evaluate(e, env)
    assert simplify_index(simplified) is simplified  # a fixed point
    poly = to_poly(e)
    assert poly is not None and to_poly(from_poly(poly)) == poly


def test_for_loop_builder_sanity():
    assert isinstance(loop("i", 0, n), For)
    assert to_poly(load("a", i)) is None
    assert to_poly(add(Var("x", F64), i)) is None


# ------------------------------------------------------------------------- differential: split vs flat, on data


@settings(max_examples=150, deadline=None)
@given(
    offset=st.sampled_from([-1, 0, 1]),
    row_shift=st.sampled_from([0, 1]),
    inner=st.sampled_from([(0, 0), (0, -1), (1, 0), (0, 1)]),
    commuted=st.booleans(),
    m_size=st.integers(0, 3),
    n_size=st.integers(1, 4),
    seed=st.integers(0, 1000),
)
def test_split_arrays_compute_what_the_flat_ones_do(
    offset: int, row_shift: int, inner: tuple[int, int], commuted: bool, m_size: int, n_size: int, seed: int
):
    row = add(i, const(row_shift)) if row_shift else i
    flat = add(j, mul(row, n)) if commuted else add(mul(n, row), j)
    index = add(flat, const(offset)) if offset else flat
    read = add(mul(i, n), j)
    body = (loop("i", 0, m, loop("j", const(inner[0]), add(n, const(inner[1])) if inner[1] else n,
                                 store("C", (index,), add(load("C", index), mul(load("B", read), const(2.0)))))),)
    fn = function("f", (scalar("m"), scalar("n"), array("B"), array("C")), *body)
    split = normalize(fn)
    if offset == 0 and inner == (0, 0):
        assert split.params[3].rank == 2  # the plain case does split: the comparison below is not flat vs flat

    def run(f: KernelFunction) -> object:
        inputs_ = tuple(f.params)
        u = unit(f.body, inputs_, (out_array("C", rank=inputs_[3].rank),), ("m", "n"))
        rng = random.Random(seed)
        size = (m_size + 2) * n_size
        b = [float(rng.randint(-9, 9)) for _ in range(size)]
        c = [float(rng.randint(-9, 9)) for _ in range(size)]
        values: dict[str, object] = {"m": m_size, "n": n_size, "B": b, "C": c}
        for name in ("B", "C"):
            rank = inputs_[2 if name == "B" else 3].rank
            values[name] = np.array(values[name], dtype=object).reshape((-1, n_size) if rank == 2 else (-1,))
        try:
            return np.asarray(run_unit(u, values, ConcreteDomain())["C"]).reshape(-1).tolist()
        except EvaluationError:
            return "undefined"

    assert run(split) == run(fn)
