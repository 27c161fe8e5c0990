"""From source text through a frontend to units, examples and symbolic execution."""

from __future__ import annotations

import numpy as np
import z3

from tensorlift.common import BinOp, DType, Language
from tensorlift.frontend import parse
from tensorlift.kernel.examples import make_examples
from tensorlift.kernel.interp import run_unit
from tensorlift.kernel.nodes import Bin, Const, Dim, LiftUnit
from tensorlift.semantics import ConcreteDomain, NumericModel, Z3Domain, Z3Semantics

C_SOURCE = b"""
void mm(int m, int n, int k, const float *A, const float *B, float *C) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float acc = 0.0f;
            for (int p = 0; p < k; p++)
                acc += A[i*k + p] * B[p*n + j];
            C[i*n + j] = acc;
        }
}

void divs(int n, const int *a, const int *b, int *q) {
    for (int i = 0; i < n; i++) q[i] = a[i] / b[i];
}
"""

PY_SOURCE = b'''
def amax(a):
    m = a[0]
    for i in range(1, len(a)):
        if a[i] > m:
            m = a[i]
    return m


def twice_sum(a, n):
    out = [0.0] * n
    for i in range(n):
        out[i] = a[i] * 2.0
    t = 0.0
    for i in range(n):
        t = t + out[i]
    return t


def divs(a: list[int], b: list[int]) -> list[int]:
    q = [0] * len(a)
    for i in range(len(a)):
        q[i] = a[i] // b[i]
    return q
'''


def units(source: bytes, language: Language) -> dict[str, LiftUnit]:
    parsed = parse(source, language, "example")
    assert parsed.errors == ()
    return {u.id: u for u in parsed.units}


def test_c_flattened_matmul_is_split_and_runs_like_numpy():
    u = units(C_SOURCE, Language.C)["mm:0"]
    shapes = {p.name: (p.rank, p.shape) for p in u.inputs if p.kind == "array"}
    assert {name: rank for name, (rank, _) in shapes.items()} == {"A": 2, "B": 2, "C": 2}
    assert u.sizes == ("m", "n", "k")
    assert [o.name for o in u.outputs] == ["C"]
    assert u.source.startswith("for (int i = 0; i < m; i++)")
    examples = make_examples(u, seed=0)
    assert len(examples) == 6
    for e in examples:
        a, b = e.inputs["A"].astype(float), e.inputs["B"].astype(float)
        assert a.shape == (e.sizes["m"], e.sizes["k"]) and b.shape == (e.sizes["k"], e.sizes["n"])
        assert e.outputs["C"].astype(float).tolist() == (a @ b).tolist()


def test_c_and_python_integer_division_differ_on_negative_operands():
    c_unit = units(C_SOURCE, Language.C)["divs:0"]
    py_unit = units(PY_SOURCE, Language.PYTHON)["divs:0"]
    a, b = [-7, 7, -7], [2, -2, -2]
    c_out = run_unit(c_unit, {"n": 3, "a": a, "b": b, "q": [0, 0, 0]}, ConcreteDomain())
    py_out = run_unit(py_unit, {"a": a, "b": b}, ConcreteDomain())
    assert list(c_out["q"]) == [-3, -3, 3]
    assert [int(v) for v in py_out["q"]] == [-4, -4, 3]


def test_python_max_is_symbolically_the_max():
    u = units(PY_SOURCE, Language.PYTHON)["amax:0"]
    assert u.assumptions == (Bin(BinOp.GE, Dim("a", 0), Const(1, DType.I64), DType.BOOL),)
    semantics = Z3Semantics(NumericModel())
    xs = [semantics.fresh(f"a{q}", DType.F64) for q in range(3)]
    m = run_unit(u, {"a": np.array(xs, dtype=object)}, Z3Domain(semantics))["m"]
    solver = z3.Solver()
    solver.add(z3.Or(*(m < x for x in xs), z3.And(*(m != x for x in xs))))
    assert solver.check() == z3.unsat
    assert all(e.sizes == {} and len(e.inputs["a"]) >= 1 for e in make_examples(u, seed=3))


def test_python_second_unit_reads_the_first_units_output():
    found = units(PY_SOURCE, Language.PYTHON)
    first, second = found["twice_sum:0"], found["twice_sum:1"]
    assert [(o.name, o.fresh) for o in first.outputs] == [("out", True)]
    assert "out" in [p.name for p in second.inputs]
    assert [o.name for o in second.outputs] == ["t"]
    for e in make_examples(first, seed=1):
        following = run_unit(second, {"n": e.inputs["n"], "out": e.outputs["out"]}, ConcreteDomain())
        assert following["t"] == 2.0 * sum(e.inputs["a"][: e.inputs["n"]])
