"""Shapes and examples for units (kernel/examples.py)."""

from __future__ import annotations

import numpy as np
import pytest
from kernel_builders import (
    F64,
    I32,
    S,
    add,
    alloc,
    array,
    assign,
    bin_,
    const,
    function,
    if_,
    load,
    loop,
    mul,
    out_array,
    out_scalar,
    ret,
    scalar,
    store,
    sub,
    unit,
    var,
)

from tensorlift.common import BinOp, DType, Language
from tensorlift.kernel.examples import dim_refs, example_inputs_for_sizes, make_examples, required_shapes
from tensorlift.kernel.nodes import Bin, Dim, Unsupported
from tensorlift.kernel.normalize import normalize
from tensorlift.kernel.units import split_units
from tensorlift.semantics import EvaluationError

i, j, k, n, m = (var(x) for x in "ijknm")


def stencil_unit():
    body = (loop("i", 1, sub(n, const(1)),
                 store("out", (i,), add(load("a", sub(i, const(1))), load("a", add(i, const(1)))))),)
    return unit(body, (scalar("n"), array("a"), array("out")), (out_array("out"),), ("n",))


def test_stencil_needs_a_of_extent_n():
    for size in (3, 5, 7):
        shapes = required_shapes(stencil_unit(), {"n": size}, {})
        assert shapes["a"] == (size,)
        assert shapes["out"] == (size - 1,)  # written at 1..n-2


def test_declared_view_shapes_are_used():
    fn = function("mm", (scalar("m"), scalar("n"), scalar("k"), array("A"), array("B"), array("C")),
                  loop("i", 0, m, loop("j", 0, n, loop("p", 0, k, store(
                      "C", (add(mul(i, n), j),),
                      add(load("C", add(mul(i, n), j)), mul(load("A", add(mul(i, k), var("p"))),
                                                           load("B", add(mul(var("p"), n), j)))))))))
    (u,) = split_units(normalize(fn), b"")
    assert required_shapes(u, {"m": 2, "n": 3, "k": 4}) == {"A": (2, 4), "B": (4, 3), "C": (2, 3)}
    # a size of 0 still gives the declared extents on the other axes (numpy's (0, n) arrays)
    assert required_shapes(u, {"m": 0, "n": 3, "k": 4})["C"] == (0, 3)


def dot_unit():
    body = (assign("s", const(0.0)), loop("i", 0, n, assign("s", add(var("s", F64), mul(load("x", i), load("y", i))))))
    return unit(body, (scalar("n"), array("x"), array("y")), (out_scalar("s"),), ("n",))


def as_plain(examples) -> list:
    return [
        (e.sizes, {k_: np.asarray(v).tolist() for k_, v in e.inputs.items()},
         {k_: np.asarray(v).tolist() for k_, v in e.outputs.items()})
        for e in examples
    ]


def test_examples_are_deterministic_for_a_seed_and_vary_across_seeds():
    first = as_plain(make_examples(dot_unit(), seed=7))
    assert first == as_plain(make_examples(dot_unit(), seed=7))
    assert first != as_plain(make_examples(dot_unit(), seed=8))


def test_examples_cover_sizes_zero_and_one_and_their_outputs_are_the_loops():
    examples = make_examples(dot_unit(), seed=0)
    assert len(examples) == 6
    sizes = [e.sizes["n"] for e in examples]
    assert 0 in sizes and 1 in sizes and max(sizes) <= 7 and any(s >= 2 for s in sizes)
    for e in examples:
        x, y = e.inputs["x"], e.inputs["y"]
        assert x.shape == (e.sizes["n"],) and e.inputs["n"] == e.sizes["n"]
        assert all(isinstance(v, float) and -4 <= v <= 4 for v in x)
        assert e.outputs["s"] == float(np.dot(x.astype(float), y.astype(float)))


def test_assumptions_are_respected():
    mv = var("m", F64)
    fn = function("amax", (scalar("n"), array("a")), assign("m", load("a", const(0))),
                  loop("i", 1, n, if_(bin_(BinOp.GT, load("a", i), mv), (assign("m", load("a", i)),))), ret(mv))
    (u,) = split_units(fn, b"")
    examples = make_examples(u, seed=1)
    assert examples and all(e.sizes["n"] >= 1 for e in examples)
    assert 1 in [e.sizes["n"] for e in examples]
    for e in examples:
        assert e.outputs["m"] == max(e.inputs["a"])


def test_zero_divisors_are_redrawn():
    body = (loop("i", 0, n, store("q", (i,), Bin(BinOp.DIV_TRUNC, load("a", i, dtype=I32), load("b", i, dtype=I32),
                                                  I32), dtype=I32)),)
    u = unit(body, (scalar("n"), array("a", I32), array("b", I32), array("q", I32)), (out_array("q", I32),), ("n",))
    examples = make_examples(u, seed=4)
    assert any(e.sizes["n"] >= 2 for e in examples)
    for e in examples:
        assert all(b != 0 for b in e.inputs["b"])


def test_a_unit_that_cannot_run_raises_its_reason():
    fn = function("f", (scalar("n"), array("a")),
                  loop("i", 0, n, Unsupported("goto is not supported", S), store("a", (i,), const(0.0))))
    (u,) = split_units(fn, b"")
    with pytest.raises(EvaluationError, match="goto"):
        make_examples(u, seed=0)
    always_fails = unit((loop("i", 0, n, store("a", (i,), load("a", add(i, n)))),),
                        (scalar("n"), array("a", shape=(n,))), (out_array("a"),), ("n",))
    with pytest.raises(EvaluationError):
        required_shapes(always_fails, {"n": 2})
    assert {e.sizes["n"] for e in make_examples(always_fails, seed=0)} == {0}  # only the empty loop runs


def test_python_extents_are_sizes_of_their_own():
    body = (alloc("out", (Dim("a", 0),)), loop("i", 0, Dim("a", 0), store("out", (i,), mul(load("a", i), const(2.0)))))
    u = unit(body, (array("a"),), (out_array("out", fresh=True),), (), language=Language.PYTHON)
    assert dim_refs(u) == (("a", 0),)
    examples = make_examples(u, seed=2)
    lengths = [len(e.inputs["a"]) for e in examples]
    assert 0 in lengths and 1 in lengths
    for e in examples:
        assert e.outputs["out"].tolist() == [2 * v for v in e.inputs["a"]]


def test_inputs_for_given_sizes_have_the_required_shapes():
    rng = np.random.default_rng(0)
    inputs = example_inputs_for_sizes(stencil_unit(), {"n": 4}, rng)
    assert inputs["n"] == 4 and inputs["a"].shape == (4,) and inputs["out"].shape == (3,)
    ints = example_inputs_for_sizes(
        unit((loop("i", 0, n, store("o", (i,), load("a", i, dtype=DType.U8), dtype=DType.U8)),),
             (scalar("n"), array("a", DType.U8), array("o", DType.U8)), (out_array("o", DType.U8),), ("n",)),
        {"n": 30}, rng)
    assert all(isinstance(v, int) and 0 <= v <= 9 for v in ints["a"])


def test_an_index_past_a_given_extent_is_infeasible():
    body = (loop("i", 0, Dim("a", 0), store("o", (i,), load("b", add(i, const(1))))),)
    u = unit(body, (array("a"), array("b"), array("o")), (out_array("o"),), (), language=Language.PYTHON)
    assert required_shapes(u, {}, {("a", 0): 3}) == {"a": (3,), "b": (4,), "o": (3,)}
    with pytest.raises(EvaluationError):
        required_shapes(
            unit(body, (array("a", shape=(const(2),)), array("b", shape=(const(2),)), array("o")), (), ()),
            {}, {("a", 0): 3},
        )


def test_tied_sizes_follow_their_extents():
    rows, cols = var("rows", DType.I64), var("cols", DType.I64)
    r, c = var("r", DType.I64), var("c", DType.I64)
    fn = function(
        "diff", (array("a", rank=2), array("b", rank=2)),
        assign("rows", Dim("a", 0)), assign("cols", Dim("a", 1)),
        alloc("out", (Dim("a", 0), Dim("a", 1))),
        loop("r", 0, rows, loop("c", 0, cols, store("out", (r, c), sub(load("a", r, c), load("b", r, c))))),
        ret(var("out", F64)), language=Language.PYTHON,
    )
    (u,) = split_units(fn, b"")
    examples = make_examples(u, seed=5)
    assert len(examples) == 6
    for e in examples:
        assert e.inputs["a"].shape == (e.inputs["rows"], e.inputs["cols"]) == e.inputs["b"].shape
        assert e.outputs["out"].tolist() == (e.inputs["a"] - e.inputs["b"]).tolist()
    rng = np.random.default_rng(0)
    inputs = example_inputs_for_sizes(u, {"rows": 2, "cols": 3}, rng)  # the extents follow the sizes
    assert inputs["a"].shape == (2, 3)


def test_fixed_shape_units_get_several_examples():
    body = (loop("i", 0, 4, store("o", (i,), mul(load("a", i), const(2.0)))),)
    u = unit(body, (array("a", shape=(const(4),)), array("o", shape=(const(4),))), (out_array("o"),))
    examples = make_examples(u, seed=0)
    assert len(examples) == 6 and len({tuple(e.inputs["a"]) for e in examples}) > 1


def test_positive_inputs_are_tried_when_the_loop_needs_them():
    from tensorlift.kernel.nodes import Call

    body = (loop("i", 0, n, store("o", (i,), Call("sqrt", (load("a", i),), F64))),)
    u = unit(body, (scalar("n"), array("a"), array("o")), (out_array("o"),), ("n",))
    examples = make_examples(u, seed=0)
    assert len(examples) == 6 and max(e.sizes["n"] for e in examples) >= 2
