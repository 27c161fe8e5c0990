"""End to end from source text: C and Python kernels through the frontends and the unit splitter, candidates in
TensIR surface syntax, both verifiers. Mutants are rejected by both."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tensorlift.common import Language
from tensorlift.frontend.c_family import parse_functions as parse_c
from tensorlift.frontend.python import parse_functions as parse_python
from tensorlift.kernel.nodes import LiftUnit
from tensorlift.kernel.units import split_units
from tensorlift.semantics import NumericModel
from tensorlift.tensir.nodes import Program, TensorType
from tensorlift.tensir.parser import parse
from tensorlift.verify import verify_bounded, verify_inductive

C, PY = Language.C, Language.PYTHON

# (name, language, source, unit index, candidate, {mutant name: mutant candidate})
KERNELS: list[tuple[str, Language, str, int, str, Mapping[str, str]]] = [
    ("dot", C, "float dot(const float *a, const float *b, int n) {\n"
               "  float s = 0;\n  for (int i = 0; i < n; i++) s += a[i] * b[i];\n  return s;\n}\n", 0,
     "s = sum(i in 0:n, a(i) * b(i))",
     {"range off by one": "s = sum(i in 1:n, a(i) * b(i))", "+ for *": "s = sum(i in 0:n, a(i) + b(i))"}),
    ("gemm", C, "void gemm(int m, int n, int p, const float *A, const float *B, float *C) {\n"
                "  for (int i = 0; i < m; i++)\n    for (int j = 0; j < n; j++) {\n      float acc = 0;\n"
                "      for (int k = 0; k < p; k++) acc += A[i*p + k] * B[k*n + j];\n      C[i*n + j] = acc;\n"
                "    }\n}\n", 0,
     "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j)) for i in 0:m, j in 0:n",
     {"doubled": "C(i, j) = f32(2.0) * sum(k in 0:p, A(i, k) * B(k, j)) for i in 0:m, j in 0:n",
      "A(k, i)": "C(i, j) = sum(k in 0:p, A(k, i) * B(k, j)) for i in 0:m, j in 0:n"}),
    ("dger leading dimension", C, "void dger(int m, int n, double alpha, const double *x, const double *y,"
                                  " double *A, int lda) {\n  for (int i = 0; i < m; i++)\n"
                                  "    for (int j = 0; j < n; j++) A[i*lda + j] += alpha * x[i] * y[j];\n}\n", 0,
     "A(i, j) = A(i, j) + alpha * x(i) * y(j)  for i in 0:m, j in 0:n",
     {"transposed update": "A(i, j) = A(i, j) + alpha * x(j) * y(i)  for i in 0:m, j in 0:n",
      "one row short": "A(i, j) = A(i, j) + alpha * x(i) * y(j)  for i in 0:m - 1, j in 0:n"}),
    ("gemv alpha beta", C, "void gemv(int m, int n, float alpha, float beta, const float *A, const float *x,"
                           " float *y) {\n  for (int i = 0; i < m; i++) {\n    float t = 0;\n"
                           "    for (int j = 0; j < n; j++) t += A[i*n+j] * x[j];\n"
                           "    y[i] = alpha * t + beta * y[i];\n  }\n}\n", 0,
     "y(i) = alpha * sum(j in 0:n, A(i, j) * x(j)) + beta * y(i) for i in 0:m",
     {"swapped coefficients": "y(i) = beta * sum(j in 0:n, A(i, j) * x(j)) + alpha * y(i) for i in 0:m"}),
    ("stencil 2-D", C, "void blur(int h, int w, const float *in, float *out) {\n"
                       "  for (int i = 1; i < h - 1; i++)\n    for (int j = 1; j < w - 1; j++)\n"
                       "      out[i*w + j] = (in[(i-1)*w + j] + in[(i+1)*w + j] + in[i*w + j-1] + in[i*w + j+1])"
                       " * 0.25f;\n}\n", 0,
     "out(i, j) = (in(i - 1, j) + in(i + 1, j) + in(i, j - 1) + in(i, j + 1)) * f32(0.25) "
     "for i in 1:h - 1, j in 1:w - 1",
     {"dropped term": "out(i, j) = (in(i - 1, j) + in(i + 1, j) + in(i, j - 1)) * f32(0.25) "
                      "for i in 1:h - 1, j in 1:w - 1"}),
    ("reversed loop", C, "void rev(int n, const int *a, int *out) {\n"
                         "  for (int i = n - 1; i >= 0; i--) out[n - 1 - i] = a[i];\n}\n", 0,
     "out(i) = a(n - 1 - i) for i in 0:n", {"not reversed": "out(i) = a(i) for i in 0:n"}),
    ("strided", C, "void evens(int n, const int *a, int *b) {\n"
                   "  for (int i = 0; i < n; i += 2) b[i] = a[i] * 3;\n}\n", 0,
     "b(2 * i) = a(2 * i) * 3 for i in 0:(n + 1) // 2",
     {"one too many": "b(2 * i) = a(2 * i) * 3 for i in 0:n // 2 + 1"}),
    ("softmax exp and sum", C, "void softmax(int n, const float *x, float *y) {\n  float m = x[0];\n"
                               "  for (int i = 1; i < n; i++) if (x[i] > m) m = x[i];\n  float s = 0;\n"
                               "  for (int i = 0; i < n; i++) { y[i] = expf(x[i] - m); s += y[i]; }\n"
                               "  for (int i = 0; i < n; i++) y[i] = y[i] / s;\n}\n", 1,
     "y(i) = exp(x(i) - m) for i in 0:n\ns = sum(i in 0:n, y(i))",
     {"sum of x": "y(i) = exp(x(i) - m) for i in 0:n\ns = sum(i in 0:n, x(i))"}),
    ("max with if", C, "float top(int n, const float *x) {\n  float m = x[0];\n"
                       "  for (int i = 1; i < n; i++) if (x[i] > m) m = x[i];\n  return m;\n}\n", 0,
     "m = max(i in 0:n, x(i))", {"min": "m = min(i in 0:n, x(i))"}),
    ("C division", C, "void halve(int n, int *a) {\n  for (int i = 0; i < n; i++) a[i] = a[i] / 2;\n}\n", 0,
     "a(i) = tdiv(a(i), 2) for i in 0:n", {"flooring": "a(i) = a(i) // 2 for i in 0:n"}),
    ("Python division", PY, "def halve(a, n):\n    for i in range(n):\n        a[i] = a[i] // 2\n", 0,
     "a(i) = a(i) // 2 for i in 0:n", {"truncating": "a(i) = tdiv(a(i), 2) for i in 0:n"}),
    ("clamp", PY, "def clamp(xs, lo, hi):\n    out = []\n    for x in xs:\n        out.append(min(max(x, lo), hi))\n"
                  "    return out\n", 0,
     "out(i) = min(max(xs(i), lo), hi) for i in 0:dim(xs, 0)",
     {"max outside": "out(i) = max(min(xs(i), lo), hi) for i in 0:dim(xs, 0)"}),
    ("conditional sum", PY, "def total(a):\n    s = 0\n    for i in range(len(a)):\n        if a[i] > 0:\n"
                            "            s += a[i]\n    return s\n", 0,
     "s = sum(i in 0:dim(a, 0), select(a(i) > 0, a(i), 0))",
     {"dropped condition": "s = sum(i in 0:dim(a, 0), a(i))"}),
    ("column sums (loop interchange)", PY,
     "import numpy as np\n\ndef column_sums(M):\n    rows, cols = M.shape\n    totals = np.zeros(cols)\n"
     "    for r in range(rows):\n        for c in range(cols):\n            totals[c] += M[r, c]\n"
     "    return totals\n", 0,
     "totals(c) = sum(r in 0:rows, M(r, c)) for c in 0:cols",
     {"row sums": "totals(c) = sum(r in 0:cols, M(c, r)) for c in 0:cols"}),
    ("i-k-j matmul", C, "void mm(int n, const double *A, const double *B, double *C) {\n"
                        "  for (int i = 0; i < n; i++) {\n    for (int j = 0; j < n; j++) C[i*n + j] = 0.0;\n"
                        "    for (int k = 0; k < n; k++) {\n      double aik = A[i*n + k];\n"
                        "      for (int j = 0; j < n; j++) C[i*n + j] += aik * B[k*n + j];\n    }\n  }\n}\n", 0,
     "C(i, j) = sum(k in 0:n, A(i, k) * B(k, j)) for i in 0:n, j in 0:n",
     {"transposed B": "C(i, j) = sum(k in 0:n, A(i, k) * B(j, k)) for i in 0:n, j in 0:n"}),
    ("scaled sum", C, "float wdiff(int n, float w, const float *a, const float *b) {\n  float acc = 0.0f;\n"
                      "  for (int i = 0; i < n; i++) acc += a[i] * w - b[i] * w;\n  return acc;\n}\n", 0,
     "acc = w * sum(i in 0:n, a(i) - b(i))", {"swapped": "acc = w * sum(i in 0:n, b(i) - a(i))"}),
    ("branch temporaries", PY, "def overlay(base, layer):\n    result = []\n    for i in range(len(base)):\n"
                               "        a = base[i]\n        b = layer[i]\n        if a < 0.5:\n"
                               "            v = 2.0 * a * b\n        else:\n"
                               "            v = 1.0 - 2.0 * (1.0 - a) * (1.0 - b)\n        result.append(v)\n"
                               "    return result\n", 0,
     "result(i) = select(base(i) < 0.5, 2.0 * base(i) * layer(i), 1.0 - 2.0 * (1.0 - base(i)) * (1.0 - layer(i))) "
     "for i in 0:dim(base, 0)",
     # (`<=` for `<` would be no mutant: both branches give layer(i) at base(i) == 0.5, and both verifiers agree)
     {"> for <": "result(i) = select(base(i) > 0.5, 2.0 * base(i) * layer(i), "
                 "1.0 - 2.0 * (1.0 - base(i)) * (1.0 - layer(i))) for i in 0:dim(base, 0)"}),
    ("FIR on vectors", Language.CPP,
     "#include <vector>\nstd::vector<float> fir(const std::vector<float> &x, const std::vector<float> &taps) {\n"
     "  std::size_t nt = taps.size();\n  std::vector<float> y(x.size() - nt + 1);\n"
     "  for (std::size_t i = 0; i < y.size(); ++i) {\n    float acc = 0.0f;\n"
     "    for (std::size_t k = 0; k < nt; ++k) acc += taps[k] * x[i + nt - 1 - k];\n    y[i] = acc;\n  }\n"
     "  return y;\n}\n", 0,
     "y(i) = sum(k in 0:dim(taps, 0), taps(k) * x(i + dim(taps, 0) - 1 - k)) for i in 0:dim(x, 0) - dim(taps, 0) + 1",
     {"not flipped": "y(i) = sum(k in 0:dim(taps, 0), taps(k) * x(i + k)) for i in 0:dim(x, 0) - dim(taps, 0) + 1"}),
    ("max from the first element", PY,
     "def top(z):\n    m = z[0]\n    for i in range(len(z)):\n        if z[i] > m:\n            m = z[i]\n"
     "    return m\n", 0,
     "m = max(i in 0:dim(z, 0), z(i))", {"min": "m = min(i in 0:dim(z, 0), z(i))"}),
]


def _unit(language: Language, source: str, index: int) -> LiftUnit:
    data = source.encode()
    if language is Language.PYTHON:
        functions, errors = parse_python(data, "kernel.py")
    else:
        functions, errors = parse_c(data, language, "kernel.c")
    assert not errors, errors
    units = [u for fn in functions for u in split_units(fn, data)]
    return units[index]


def _program(unit: LiftUnit, text: str) -> Program:
    env = {p.name: TensorType(p.dtype, p.rank) for p in unit.inputs}
    for o in unit.outputs:
        env.setdefault(o.name, TensorType(o.dtype, o.rank))
    return parse(text, env)


@pytest.mark.parametrize("kernel", KERNELS, ids=[k[0] for k in KERNELS])
def test_source_kernel_is_verified_both_ways(kernel: tuple[str, Language, str, int, str, Mapping[str, str]]) -> None:
    _, language, source, index, candidate, _ = kernel
    unit = _unit(language, source, index)
    program = _program(unit, candidate)
    bounded = verify_bounded(unit, program, bound=3, model=NumericModel(), deadline=None)
    assert bounded.ok, (bounded.reason, bounded.counterexample)
    inductive = verify_inductive(unit, program, model=NumericModel(), deadline=None)
    assert inductive.ok, inductive.reason


MUTANTS = [(k, name, text) for k in KERNELS for name, text in k[5].items()]


@pytest.mark.parametrize(("kernel", "name", "text"), MUTANTS, ids=[f"{k[0]}: {n}" for k, n, _ in MUTANTS])
def test_source_kernel_mutant_is_rejected_both_ways(kernel: tuple[str, Language, str, int, str, Mapping[str, str]],
                                                    name: str, text: str) -> None:
    _, language, source, index, _, _ = kernel
    unit = _unit(language, source, index)
    program = _program(unit, text)
    assert not verify_bounded(unit, program, bound=3, model=NumericModel(), deadline=None).ok, name
    assert not verify_inductive(unit, program, model=NumericModel(), deadline=None).ok, name


def test_a_leading_dimension_is_a_stated_assumption_of_the_proof() -> None:
    from tensorlift.api import lift
    from tensorlift.options import LiftOptions
    from tensorlift.results import Status

    source = next(text for name, _, text, *_ in KERNELS if name == "dger leading dimension")
    (result,) = lift(source, C, LiftOptions(budget=20.0))
    assert result.status is Status.VERIFIED and result.proof is not None
    assert "the rows of a matrix with a leading dimension do not overlap: (n <= lda)" in result.proof.assumptions
    assert "(assert (<= n lda))" in (result.proof.certificate or "")
