"""Differential check of the Python frontend: each kernel runs as Python and, translated, in the Kernel
interpreter, on the same random inputs; the results must agree. This tests the translation's semantics (flooring
division, append counters, negative steps, inlining, dtype choices), not just its shape."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np
import pytest

from tensorlift.common import Language
from tensorlift.frontend.python import parse_functions
from tensorlift.kernel.interp import run_unit
from tensorlift.kernel.nodes import KernelFunction, LiftUnit, Output, Return, Var
from tensorlift.semantics import ConcreteDomain

KERNELS = textwrap.dedent('''
    import math
    import numpy as np

    def clamp(x, lo, hi):
        return lo if x < lo else hi if x > hi else x

    def dot(a, b):
        s = 0
        for i in range(len(a)):
            s += a[i] * b[i]
        return s

    def matmul(A, B):
        n, k = len(A), len(B)
        m = len(B[0])
        C = [[0.0] * m for _ in range(n)]
        for i in range(n):
            for j in range(m):
                for p in range(k):
                    C[i][j] += A[i][p] * B[p][j]
        return C

    def scaled_rows(A):
        out = []
        for i in range(len(A)):
            row = []
            for j in range(len(A[0])):
                row.append(A[i][j] * 2.0 + i)
            out.append(row)
        return out

    def tail(a, start):
        out = []
        for i in range(start, len(a)):
            out.append(a[i] - a[start])
        return out

    def pairs(A):
        out = []
        for i in range(1, len(A)):
            for j in range(0, len(A[0]), 2):
                out.append(A[i][j])
        return out

    def relu6(a):
        out = np.zeros_like(a)
        for i, x in enumerate(a):
            out[i] = clamp(x, 0.0, 6.0)
        return out

    def sqdist(a, b):
        s = 0.0
        for x, y in zip(a, b):
            s += (x - y) ** 2
        return s

    def backwards(a, n):
        for i in range(n - 1, -1, -1):
            a[i] = a[i] // 3 + a[i] % 3
        return a

    def running_max(a):
        m = a[0]
        best = 0
        for i in range(1, len(a)):
            if a[i] > m:
                m = a[i]
                best = i
        return best

    def signs(a):
        for i in range(len(a)):
            if a[i] < 0:
                a[i] = -1.0
            elif a[i] == 0:
                a[i] = 0.0
            else:
                a[i] = a[i] / 2
        return a

    def flat_mv(A, x, n, m):
        y = [0.0] * n
        for i in range(n):
            for j in range(m):
                y[i] += A[i * m + j] * x[j]
        return y

    def total(A):
        s = 0.0
        for row in A:
            for v in row:
                s += abs(v)
        return s

    def last_minus_first(a):
        d = a[-1] - a[-2] * 2
        return d

    def smooth(a):
        out = np.empty(len(a) - 2)
        for i in range(1, len(a) - 1):
            out[i - 1] = (a[i - 1] + a[i] + a[i + 1]) / 3
        return out

    def count_above(a, t):
        c = 0
        for x in a:
            if x > t:
                c += 1
        return c

    def doubled_then_shifted(a):
        out = []
        for x in a:
            out.append(x * 2.0)
        for i in range(len(out)):
            out[i] += out[0]
        return out

    def pyth(a, b):
        out = [0.0] * len(a)
        for i in range(len(a)):
            out[i] = math.sqrt(a[i] * a[i] + b[i] ** 2)
        return out
''').encode()

FUNCTIONS = {f.name: f for f in parse_functions(KERNELS, "kernels.py")[0]}
NAMESPACE: dict[str, Any] = {}
exec(compile(KERNELS, "kernels.py", "exec"), NAMESPACE)  # the same source, run as Python


def as_unit(fn: KernelFunction) -> tuple[LiftUnit, str | None]:
    """The whole function as one unit: its parameters in, the returned value and array parameters out."""
    body = fn.body
    returned: str | None = None
    outputs: list[Output] = []
    if body and isinstance(body[-1], Return):
        value = body[-1].value
        assert isinstance(value, Var), "the differential kernels return a name"
        returned = value.name
        body = body[:-1]
        kinds = {p.name: p for p in (*fn.params, *fn.locals)}
        declared = kinds[returned]
        outputs.append(Output(returned, declared.kind, declared.dtype, declared.rank))
    for p in fn.params:
        if p.kind == "array" and p.name != returned:
            outputs.append(Output(p.name, "array", p.dtype, p.rank))
    unit = LiftUnit(f"{fn.name}#0", fn.name, Language.PYTHON, fn.span, body, fn.params, tuple(outputs), ())
    return unit, returned


def random_inputs(name: str, rng: np.random.Generator, n: int) -> dict[str, Any]:
    """Integers stored as floats: real arithmetic and Python floats then agree exactly."""
    def vec(size: int) -> list[float]:
        return [float(v) for v in rng.integers(-9, 10, size)]

    def mat(rows: int, cols: int) -> list[list[float]]:
        return [vec(cols) for _ in range(rows)]

    m = max(1, n - 1)
    match name:
        case "matmul":
            return {"A": mat(n, m), "B": mat(m, n + 1)}
        case "scaled_rows" | "pairs" | "total":
            return {"A": mat(n, m + 1)}
        case "tail":
            return {"a": vec(n + 1), "start": int(rng.integers(0, n + 1))}
        case "backwards":
            return {"a": vec(n), "n": n}
        case "flat_mv":
            return {"A": vec(n * m), "x": vec(m), "n": n, "m": m}
        case "count_above":
            return {"a": vec(n), "t": float(rng.integers(-3, 3))}
        case "smooth":
            return {"a": vec(n + 2)}
        case "running_max" | "last_minus_first":
            return {"a": vec(n + 1)}
        case "dot" | "sqdist" | "pyth":
            return {"a": vec(n), "b": vec(n)}
        case _:
            return {"a": vec(n)}


def same(expected: Any, got: Any) -> bool:
    if isinstance(got, np.ndarray):
        return np.asarray(expected, dtype=float).shape == got.shape and all(
            math.isclose(float(e), float(g), rel_tol=1e-9, abs_tol=1e-9)
            for e, g in zip(np.asarray(expected, dtype=float).ravel(), got.ravel(), strict=True))
    return math.isclose(float(expected), float(got), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - {"clamp"}))
def test_kernel_agrees_with_python(name: str) -> None:
    unit, returned = as_unit(FUNCTIONS[name])
    rng = np.random.default_rng(sum(map(ord, name)))
    for n in (1, 2, 3, 5):
        inputs = random_inputs(name, rng, n)
        python_inputs = {k: (np.array(v) if name in ("relu6", "smooth") and k == "a" else
                             [list(r) if isinstance(r, list) else r for r in v] if isinstance(v, list) else v)
                         for k, v in inputs.items()}
        expected = NAMESPACE[name](**python_inputs)
        got = run_unit(unit, inputs, ConcreteDomain())
        assert returned is not None
        assert same(expected, got[returned]), (name, n, inputs, expected, got[returned])
        for out in unit.outputs:  # arrays updated in place agree too
            if out.name != returned and out.name in python_inputs:
                assert same(python_inputs[out.name], got[out.name]), (name, out.name)


def test_all_kernels_translate_without_unsupported() -> None:
    assert set(FUNCTIONS) >= {"dot", "matmul", "tail", "pairs", "pyth"}
    for fn in FUNCTIONS.values():
        assert "Unsupported" not in repr(fn.body), (fn.name, fn.body)
