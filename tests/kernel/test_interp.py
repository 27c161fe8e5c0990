"""The Kernel evaluator over concrete and Z3 domains (kernel/interp.py)."""

from __future__ import annotations

import numpy as np
import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_builders import (
    BOOL,
    F64,
    I32,
    I64,
    add,
    alloc,
    array,
    assign,
    bin_,
    const,
    if_,
    load,
    loop,
    mul,
    out_array,
    out_scalar,
    scalar,
    span,
    store,
    sub,
    unit,
    var,
)

from tensorlift.common import BinOp, DType
from tensorlift.kernel.interp import run_unit
from tensorlift.kernel.nodes import Bin, Expr, Load, Select
from tensorlift.semantics import ConcreteDomain, EvaluationError, NumericModel, Z3Domain, Z3Semantics

i, j, k, n, m, p = (var(x) for x in "ijknmp")
CONCRETE = ConcreteDomain()


def z3_domain() -> Z3Domain:
    return Z3Domain(Z3Semantics(NumericModel()))


def dot_unit():
    body = (
        assign("s", const(0.0)),
        loop("i", 0, n, assign("s", add(var("s", F64), mul(load("x", i), load("y", i))))),
    )
    return unit(body, (scalar("n"), array("x"), array("y")), (out_scalar("s"),), ("n",))


def dyadic(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.integers(-16, 17, size=shape) / 4  # exact in binary, so sums do not depend on order


def test_dot_product_matches_numpy():
    rng = np.random.default_rng(1)
    x, y = dyadic(rng, 5), dyadic(rng, 5)
    out = run_unit(dot_unit(), {"n": 5, "x": x, "y": y}, CONCRETE)
    assert out["s"] == float(np.dot(x, y))


def test_saxpy_updates_a_copy_in_place():
    body = (loop("i", 0, n, store("y", (i,), add(mul(var("a", F64), load("x", i)), load("y", i)))),)
    u = unit(body, (scalar("n"), scalar("a", F64), array("x"), array("y")), (out_array("y"),), ("n",))
    x, y = np.arange(4.0), np.ones(4)
    out = run_unit(u, {"n": 4, "a": 2.0, "x": x, "y": y}, CONCRETE)
    assert list(out["y"]) == list(2.0 * x + y)
    assert list(y) == [1.0] * 4  # the caller's array is not touched


def matmul_unit():
    acc = var("acc", F64)
    body = (
        alloc("C", (m, n)),
        loop("i", 0, m, loop("j", 0, n,
             assign("acc", const(0.0)),
             loop("k", 0, p, assign("acc", add(acc, mul(load("A", i, k), load("B", k, j))))),
             store("C", (i, j), acc))),
    )
    inputs = (scalar("m"), scalar("n"), scalar("p"), array("A", rank=2), array("B", rank=2))
    return unit(body, inputs, (out_array("C", rank=2, fresh=True),), ("m", "n", "p"))


def test_matmul_with_accumulator_matches_numpy():
    rng = np.random.default_rng(2)
    a, b = dyadic(rng, 3, 4), dyadic(rng, 4, 2)
    out = run_unit(matmul_unit(), {"m": 3, "n": 2, "p": 4, "A": a, "B": b}, CONCRETE)
    assert out["C"].shape == (3, 2)
    assert out["C"].astype(float).tolist() == (a @ b).tolist()


def abs_unit():
    body = (loop("i", 0, n, if_(bin_(BinOp.GT, load("x", i), const(0.0)),
                               (store("y", (i,), load("x", i)),),
                               (store("y", (i,), sub(const(0.0), load("x", i))),))),)
    return unit(body, (scalar("n"), array("x"), array("y")), (out_array("y"),), ("n",))


def test_if_else_concrete_and_symbolic():
    x = np.array([-1.5, 2.0, 0.0, -3.0])
    out = run_unit(abs_unit(), {"n": 4, "x": x, "y": np.zeros(4)}, CONCRETE)
    assert list(out["y"]) == list(np.abs(x))
    xs = [z3.Real(f"x{q}") for q in range(3)]
    sym = run_unit(abs_unit(), {"n": 3, "x": np.array(xs, dtype=object), "y": np.zeros(3)}, z3_domain())
    s = z3.Solver()
    s.add(z3.Or([sym["y"][q] != z3.If(xs[q] >= 0, xs[q], -xs[q]) for q in range(3)]))
    assert s.check() == z3.unsat


def max_unit():
    mv = var("m", F64)
    body = (
        assign("m", load("a", const(0))),
        loop("i", 1, n, if_(bin_(BinOp.GT, load("a", i), mv), (assign("m", load("a", i)),))),
    )
    return unit(body, (scalar("n"), array("a")), (out_scalar("m"),), ("n",))


def test_symbolic_max_reduction_is_proved_equal_to_max():
    a = [z3.Real(f"a{q}") for q in range(3)]
    result = run_unit(max_unit(), {"n": 3, "a": np.array(a, dtype=object)}, z3_domain())["m"]
    assert isinstance(result, z3.ExprRef)
    expected = z3.If(z3.And(a[0] >= a[1], a[0] >= a[2]), a[0], z3.If(a[1] >= a[2], a[1], a[2]))
    s = z3.Solver()
    s.add(result != expected)
    assert s.check() == z3.unsat
    s = z3.Solver()  # and not vacuously: the result is not simply a[0]
    s.add(result != a[0])
    assert s.check() == z3.sat


def test_max_reduction_concrete():
    out = run_unit(max_unit(), {"n": 4, "a": np.array([1.0, 7.0, -2.0, 7.5])}, CONCRETE)
    assert out["m"] == 7.5


def division_unit(op: BinOp, dtype: DType = I32):
    body = (loop("i", 0, n, store("q", (i,), Bin(op, load("a", i, dtype=dtype), load("b", i, dtype=dtype), dtype),
                                  dtype=dtype)),)
    return unit(body, (scalar("n"), array("a", dtype), array("b", dtype), array("q", dtype)),
                (out_array("q", dtype),), ("n",))


@pytest.mark.parametrize(("op", "expected"), [
    (BinOp.DIV_TRUNC, [-3, 3, -3, 3]),
    (BinOp.DIV_FLOOR, [-4, 3, -4, 3]),
    (BinOp.MOD_TRUNC, [-1, 1, 1, -1]),
    (BinOp.MOD_FLOOR, [1, 1, -1, -1]),
])
def test_c_and_python_division_and_remainder(op: BinOp, expected: list[int]):
    a, b = [-7, 7, 7, -7], [2, 2, -2, -2]
    out = run_unit(division_unit(op), {"n": 4, "a": a, "b": b, "q": [0] * 4}, CONCRETE)
    assert list(out["q"]) == expected


def test_python_true_division_of_ints_is_a_float():
    body = (loop("i", 0, n, store("q", (i,), Bin(BinOp.DIV_REAL, load("a", i, dtype=I64), const(2, I64), F64))),)
    u = unit(body, (scalar("n"), array("a", I64), array("q")), (out_array("q"),), ("n",), )
    assert list(run_unit(u, {"n": 2, "a": [3, -3], "q": [0.0, 0.0]}, CONCRETE)["q"]) == [1.5, -1.5]


def test_division_by_zero_names_the_line():
    u = division_unit(BinOp.DIV_TRUNC)
    with pytest.raises(EvaluationError, match=r"line 1: .*division by zero"):
        run_unit(u, {"n": 2, "a": [1, 2], "b": [1, 0], "q": [0, 0]}, CONCRETE)


def test_out_of_range_read_names_the_access_and_line():
    body = (loop("i", 0, n, store("y", (i,), load("a", add(i, const(1))), sp=span(6)), sp=span(5)),)
    u = unit(body, (scalar("n"), array("a"), array("y")), (out_array("y"),), ("n",))
    with pytest.raises(EvaluationError, match=r"line 7: a\[3\] is out of range for shape \[3\]"):
        run_unit(u, {"n": 3, "a": [1.0, 2.0, 3.0], "y": [0.0] * 3}, CONCRETE)


def test_uninitialised_read_is_an_error():
    body = (alloc("t", (n,)), store("t", (const(0),), const(1.0)),
            loop("i", 0, n, store("y", (i,), load("t", i))))
    u = unit(body, (scalar("n"), array("y")), (out_array("y"),), ("n",))
    assert list(run_unit(u, {"n": 1, "y": [0.0]}, CONCRETE)["y"]) == [1.0]
    with pytest.raises(EvaluationError, match=r"t\[1\] is read before it is written"):
        run_unit(u, {"n": 2, "y": [0.0, 0.0]}, CONCRETE)


def test_fresh_output_with_an_unwritten_element_is_an_error():
    body = (alloc("o", (n,)), loop("i", 1, n, store("o", (i,), const(1.0))))
    u = unit(body, (scalar("n"),), (out_array("o", fresh=True),), ("n",))
    with pytest.raises(EvaluationError, match=r"o\[0\] is never written"):
        run_unit(u, {"n": 2}, CONCRETE)


def test_element_written_on_one_symbolic_path_only_cannot_be_read():
    body = (alloc("o", (n,)), loop("i", 0, n, if_(bin_(BinOp.GT, load("x", i), const(0.0)),
                                                  (store("o", (i,), load("x", i)),))))
    u = unit(body, (scalar("n"), array("x")), (out_array("o", fresh=True),), ("n",))
    with pytest.raises(EvaluationError, match="only some paths"):
        run_unit(u, {"n": 1, "x": np.array([z3.Real("x0")], dtype=object)}, z3_domain())


def test_conditions_short_circuit():
    guard = bin_(BinOp.AND, bin_(BinOp.GT, i, const(0)), bin_(BinOp.GT, load("a", sub(i, const(1))), const(0.0)))
    body = (loop("i", 0, n, store("y", (i,), Select(guard, const(1.0), const(0.0), F64))),)
    u = unit(body, (scalar("n"), array("a"), array("y")), (out_array("y"),), ("n",))
    assert list(run_unit(u, {"n": 3, "a": [1.0, -1.0, 2.0], "y": [9.0] * 3}, CONCRETE)["y"]) == [0.0, 1.0, 0.0]
    assert BOOL is guard.dtype


def test_symbolic_dot_product_is_the_sum_of_products():
    x = [z3.Real(f"x{q}") for q in range(3)]
    y = [z3.Real(f"y{q}") for q in range(3)]
    s = run_unit(dot_unit(), {"n": 3, "x": np.array(x, dtype=object), "y": np.array(y, dtype=object)},
                 z3_domain())["s"]
    solver = z3.Solver()
    solver.add(s != x[0] * y[0] + x[1] * y[1] + x[2] * y[2])
    assert solver.check() == z3.unsat


def test_wrap32_model_wraps_int_arithmetic():
    body = (loop("i", 0, n, store("y", (i,), mul(load("x", i, dtype=I32), const(65536)), dtype=I32)),)
    u = unit(body, (scalar("n"), array("x", I32), array("y", I32)), (out_array("y", I32),), ("n",))
    wrapped = run_unit(u, {"n": 1, "x": [65536], "y": [0]}, ConcreteDomain(NumericModel(ints="wrap32")))
    ideal = run_unit(u, {"n": 1, "x": [65536], "y": [0]}, CONCRETE)
    assert wrapped["y"][0] == 0 and ideal["y"][0] == 2**32


# ------------------------------------------------------------------------------------ property: equal to numpy

OPS = {BinOp.ADD: np.add, BinOp.SUB: np.subtract, BinOp.MUL: np.multiply, BinOp.MIN: np.minimum,
       BinOp.MAX: np.maximum}


def elementwise(dtype: DType) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.sampled_from([load("x", i, dtype=dtype), load("y", i, dtype=dtype)]),
        st.integers(-3, 3).map(lambda c: const(float(c) if dtype.is_float else c, dtype)),
    )

    def grow(sub_: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.tuples(st.sampled_from(list(OPS)), sub_, sub_).map(lambda t: Bin(t[0], t[1], t[2], dtype))

    return st.recursive(leaves, grow, max_leaves=6)


def numpy_eval(e: Expr, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    match e:
        case Load(array, _, _):
            return x if array == "x" else y
        case Bin(op, lhs, rhs, _):
            return OPS[op](numpy_eval(lhs, x, y), numpy_eval(rhs, x, y))
        case _:
            return np.full(x.shape, e.value)  # type: ignore[union-attr]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([I64, F64]), st.data())
def test_elementwise_expressions_agree_with_numpy(dtype: DType, data: st.DataObject):
    expr = data.draw(elementwise(dtype))
    size = data.draw(st.integers(0, 5))
    values = st.integers(-9, 9) if dtype.is_int else st.integers(-16, 16).map(lambda v: v / 4)
    x = np.array(data.draw(st.lists(values, min_size=size, max_size=size)), dtype=np.float64 if dtype.is_float
                 else np.int64)
    y = np.array(data.draw(st.lists(values, min_size=size, max_size=size)), dtype=x.dtype)
    body = (loop("i", 0, n, store("out", (i,), expr, dtype=dtype)),)
    u = unit(body, (scalar("n"), array("x", dtype), array("y", dtype), array("out", dtype)),
             (out_array("out", dtype),), ("n",))
    got = run_unit(u, {"n": size, "x": x, "y": y, "out": np.zeros(size, dtype=x.dtype)}, CONCRETE)["out"]
    assert got.tolist() == numpy_eval(expr, x, y).tolist()
