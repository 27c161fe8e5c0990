"""Lift units: init statements, inputs, outputs, sizes, assumptions and text (kernel/units.py)."""

from __future__ import annotations

import numpy as np
from kernel_builders import (
    F64,
    I32,
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
    ret,
    scalar,
    span,
    store,
    sub,
    var,
)

from tensorlift.common import BinOp, DType, Language
from tensorlift.kernel.interp import run_unit
from tensorlift.kernel.nodes import Bin, Dim, Unsupported
from tensorlift.kernel.normalize import normalize
from tensorlift.kernel.units import split_units
from tensorlift.semantics import ConcreteDomain

i, j, p, n, m, k = (var(x) for x in "ijpnmk")
CONCRETE = ConcreteDomain()

MATMUL_C = b"""void mm(int m, int n, int k, const float *A, const float *B, float *C) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++)
                C[i*n + j] += A[i*k + p] * B[p*n + j];
}
"""


def flat_matmul():
    f32 = DType.F32
    c_index = add(mul(i, n), j)
    update = store("C", (c_index,), add(load("C", c_index, dtype=f32),
                                        mul(load("A", add(mul(i, k), p), dtype=f32),
                                            load("B", add(mul(p, n), j), dtype=f32))), dtype=f32, sp=span(4, 4, 16, 54))
    nest = loop("i", 0, m, loop("j", 0, n, loop("p", 0, k, update, sp=span(3, 4, 12, 55)), sp=span(2, 4, 8, 55)),
                sp=span(1, 4, 4, 55))
    params = (scalar("m"), scalar("n"), scalar("k"), array("A", f32), array("B", f32), array("C", f32))
    return function("mm", params, nest)


def test_flattened_matmul_unit():
    (u,) = split_units(normalize(flat_matmul()), MATMUL_C)
    assert u.id == "mm:0" and u.function == "mm" and u.language is Language.C
    assert [x.name for x in u.inputs] == ["m", "n", "k", "A", "B", "C"]
    inputs = {x.name: x for x in u.inputs}
    assert inputs["A"].rank == 2 and inputs["A"].shape == (None, k)
    assert inputs["C"].shape == (None, n)
    assert [(o.name, o.kind, o.rank, o.fresh) for o in u.outputs] == [("C", "array", 2, False)]
    assert u.sizes == ("m", "n", "k")
    assert u.source.startswith("for (int i = 0; i < m; i++)") and u.source.endswith("A[i*k + p] * B[p*n + j];")
    assert u.unsupported is None and u.assumptions == ()
    rng = np.random.default_rng(0)
    a, b, c = (rng.integers(-9, 10, size=s).astype(float) for s in ((2, 3), (3, 4), (2, 4)))
    out = run_unit(u, {"m": 2, "n": 4, "k": 3, "A": a, "B": b, "C": c}, CONCRETE)
    assert out["C"].astype(float).tolist() == (c + a @ b).tolist()


def dot_function():
    s = var("s", F64)
    return function(
        "dot", (scalar("n"), array("x"), array("y")),
        assign("s", const(0.0), sp=span(1)),
        loop("i", 0, n, assign("s", add(s, mul(load("x", i), load("y", i))), sp=span(3)), sp=span(2, 3)),
        ret(s, sp=span(4)),
    )


def test_accumulator_init_is_part_of_the_unit_and_the_return_is_not():
    (u,) = split_units(dot_function(), b"")
    assert len(u.body) == 2 and u.span.start.line == 1 and u.span.end.line == 3
    assert [x.name for x in u.inputs] == ["n", "x", "y"]  # s is initialised by the unit: not an input
    assert [(o.name, o.kind) for o in u.outputs] == [("s", "scalar")]
    assert u.source == ""
    out = run_unit(u, {"n": 3, "x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0]}, CONCRETE)
    assert out == {"s": 32.0}


def test_accumulator_without_init_is_an_input():
    s = var("s", F64)
    fn = function("acc", (scalar("n"), array("x")), assign("s", const(1.0)), assign("t", const(0)),
                  loop("i", 0, n, assign("s", add(s, load("x", i)))), ret(s))
    (u,) = split_units(fn, b"")
    assert [x.name for x in u.inputs] == ["n", "x", "s"]  # `t = 0` breaks the run of initialisers
    assert len(u.body) == 1


def test_max_reduction_assumes_a_nonempty_array():
    mv = var("m", F64)
    fn = function(
        "amax", (scalar("n"), array("a")),
        assign("m", load("a", const(0))),
        loop("i", 1, n, if_(bin_(BinOp.GT, load("a", i), mv), (assign("m", load("a", i)),))),
        ret(mv),
    )
    (u,) = split_units(fn, b"")
    assert u.assumptions == (Bin(BinOp.GE, n, const(1), DType.BOOL),)
    assert [o.name for o in u.outputs] == ["m"]
    assert u.sizes == ("n",)


def test_python_max_reduction_assumes_through_len():
    mv = var("m", F64)
    fn = function(
        "amax", (array("a"),),
        assign("m", load("a", const(0))),
        loop("i", 1, Dim("a", 0), if_(bin_(BinOp.GT, load("a", i), mv), (assign("m", load("a", i)),))),
        ret(mv), language=Language.PYTHON,
    )
    (u,) = split_units(fn, b"")
    assert u.assumptions == (Bin(BinOp.GE, Dim("a", 0), const(1, DType.I64), DType.BOOL),)
    assert u.sizes == ()  # the extent is read off the array, not a separate input


def two_units():
    tmp, out, t = var("tmp", F64), load("out", i), var("t", F64)
    return function(
        "twice_sum", (scalar("n"), array("a")),
        alloc("out", (n,), sp=span(1)),
        loop("i", 0, n, assign("tmp", mul(load("a", i), const(2.0))), store("out", (i,), tmp), sp=span(2, 4)),
        assign("t", const(0.0), sp=span(5)),
        loop("i", 0, n, assign("t", add(t, out)), sp=span(6, 7)),
        ret(t, sp=span(8)),
        language=Language.PYTHON,
    )


def test_second_unit_reads_the_first_units_output():
    first, second = split_units(two_units(), b"")
    assert (first.id, second.id) == ("twice_sum:0", "twice_sum:1")
    assert [(o.name, o.fresh) for o in first.outputs] == [("out", True)]  # tmp is a temporary, not an output
    assert [x.name for x in first.inputs] == ["n", "a"]
    assert [x.name for x in second.inputs] == ["n", "out"]
    out_param = second.inputs[1]
    assert (out_param.kind, out_param.dtype, out_param.rank, out_param.shape) == ("array", F64, 1, (n,))
    assert [o.name for o in second.outputs] == ["t"]
    made = run_unit(first, {"n": 3, "a": [1.0, 2.0, 3.0]}, CONCRETE)
    assert run_unit(second, {"n": 3, "out": made["out"]}, CONCRETE) == {"t": 12.0}


def test_unsupported_statement_marks_the_unit():
    fn = function("f", (scalar("n"), array("a")),
                  loop("i", 0, n, Unsupported("call to unknown function `g`", span(2)), store("a", (i,), const(0.0))))
    (u,) = split_units(fn, b"")
    assert u.unsupported == "call to unknown function `g`"


def test_every_top_level_loop_is_a_unit_and_nested_ones_under_if_are_not():
    fn = function(
        "f", (scalar("n"), array("a")),
        loop("i", 0, n, assign("t", load("a", i))),  # writes nothing observable
        if_(bin_(BinOp.GT, n, const(0)), (loop("i", 0, n, store("a", (i,), const(0.0))),)),
    )
    (u,) = split_units(fn, b"")
    assert u.outputs == ()


def test_by_reference_scalar_and_array_parameters_are_outputs():
    fn = function(
        "f", (scalar("n"), array("y"), scalar("total", F64, by_reference=True), scalar("c", I32)),
        loop("i", 0, n, store("y", (i,), add(load("y", i), const(1.0))),
             assign("total", add(var("total", F64), load("y", i))), assign("c", add(var("c"), const(1)))),
    )
    (u,) = split_units(fn, b"")
    assert [(o.name, o.kind, o.fresh) for o in u.outputs] == [("y", "array", False), ("total", "scalar", False)]
    assert [x.name for x in u.inputs] == ["n", "y", "total", "c"]


def test_unit_source_text_uses_byte_columns():
    source = "x = 'é'\nfor i in range(n):\n    a[i] = 0\n".encode()
    fn = function("f", (scalar("n"), array("a")),
                  loop("i", 0, n, store("a", (i,), const(0.0)), sp=span(1, 2, 0, 12)), language=Language.PYTHON)
    (u,) = split_units(fn, source)
    assert u.source == "for i in range(n):\n    a[i] = 0"


def test_sizes_read_off_arrays_are_tied_to_them():
    rows, cols = var("rows", DType.I64), var("cols", DType.I64)
    r, c = var("r", DType.I64), var("c", DType.I64)
    fn = function(
        "diff", (array("a", rank=2), array("b", rank=2)),
        assign("rows", Dim("a", 0)), assign("cols", Dim("a", 1)), assign("eight", const(8)),
        alloc("out", (Dim("a", 0), Dim("a", 1))),
        loop("r", 0, rows, loop("c", 0, cols, store("out", (r, c), sub(load("a", r, c), load("b", r, c))))),
        ret(var("out", F64)), language=Language.PYTHON,
    )
    (u,) = split_units(fn, b"")
    assert u.sizes == ("rows", "cols")
    assert u.assumptions == (Bin(BinOp.EQ, rows, Dim("a", 0), DType.BOOL), Bin(BinOp.EQ, cols, Dim("a", 1), DType.BOOL))


def test_a_size_set_to_a_constant_stays_free():
    fn = function("f", (array("a"),), assign("n", const(8)), loop("i", 0, n, store("a", (i,), const(0.0))))
    (u,) = split_units(fn, b"")
    assert u.sizes == ("n",) and u.assumptions == ()


def test_a_leading_dimension_is_a_size():
    lda = var("lda")
    index = add(mul(i, lda), j)
    fn = function("dger", (scalar("m"), scalar("n"), scalar("alpha", F64), array("A"), scalar("lda")),
                  loop("i", 0, m, loop("j", 0, n, store("A", (index,), add(load("A", index), var("alpha", F64))))))
    (u,) = split_units(fn, b"")
    assert u.sizes == ("m", "n", "lda")  # the index needs it concrete; alpha is data
    # j < n says nothing of lda: A splits by its leading dimension under the stated assumption n <= lda
    assert [p.rank for p in u.inputs if p.name == "A"] == [2]
    assert u.layout_assumptions == (Bin(BinOp.LE, n, lda, DType.BOOL),) and u.layout_assumptions[0] in u.assumptions
