"""MLX and empty arrays: a sum or product of a bare slice is guarded by its range, a scatter by its target's size.

mlx 0.32's CPU reduction may never return (the stream thread spins) when its input is an empty array made by
`mx.array(<numpy array>)`, or that same array handed back by a slice that keeps its shape or by a transpose; it
happens in about half of the processes, whatever the dtype, with or without a step in the slice. So the emitted
code only reduces when the range is not empty, and gives the identity otherwise. The emitted functions run in
fresh subprocesses with a timeout, so that a hang fails the test instead of hanging the run.

A write through index arrays into an array with an empty axis raises in mlx ("Updates with shape (1,0,1) are too
large for array with shape (0)") although it writes nothing: it runs only when the target is not empty.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from tensorlift.codegen import Emitted, function_name
from tensorlift.codegen.runner import call_emitted, load_function, reference
from tensorlift.common import DType

from .helpers import build, emitted, require
from .programs import Program

STRIDED_SUM = Program("strided_sum", "s = sum(t in 0:(n + 1) // 2, x(2 * t))", {"x": "f32[n]", "n": "i64"})
PROGRAMS = (
    STRIDED_SUM,
    Program("strided_prod", "p = prod(t in 0:(n + 1) // 2, x(2 * t))", {"x": "f64[n]", "n": "i64"}),
    Program("strided_row_sums", "r(i) = sum(t in 0:(n + 1) // 2, A(i, 2 * t))  for i in 0:m",
            {"A": "f32[m, n]", "m": "i64", "n": "i64"}),
    Program("int_sum", "s = sum(t in 0:n, a(t))", {"a": "i32[n]", "n": "i64"}),  # the mlx.sum rule
)
SIZES = (0, 1, 2, 5)
PROCESSES = 4  # each old (unguarded) run hung in about half of the processes
TIMEOUT = 60.0
NUMPY = {DType.F32: np.float32, DType.F64: np.float64, DType.I32: np.int32}

# runs in a fresh interpreter: reads the functions and their inputs, prints each call's outputs
CHILD = """
import json, sys
import numpy as np
from tensorlift.codegen.runner import call_emitted, load_function
jobs = json.load(sys.stdin)
results = []
for job in jobs:
    fn = load_function(job["function"], job["name"], tuple(job["imports"]))
    for case in job["cases"]:
        inputs = {k: np.asarray(v["data"], dtype=v["dtype"]).reshape(v["shape"]) if isinstance(v, dict) else v
                  for k, v in case.items()}
        got = call_emitted(fn, "mlx", tuple(job["params"]), tuple(job["returns"]), inputs)
        results.append({k: np.asarray(v, dtype=np.float64).tolist() for k, v in got.items()})
print(json.dumps(results))
"""


def _cases(program: Program) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Inputs (as JSON) and the interpreter's outputs for every size in SIZES (`m` is 3)."""
    unit, tprogram, sig = build(program)
    rng = np.random.default_rng(7)
    payload, expected = [], []
    for n in SIZES:
        sizes = {"n": n, "m": 3}
        inputs: dict[str, Any] = {}
        for name, ty in sig.env.items():
            if ty.rank == 0:
                inputs[name] = sizes[name]
                continue
            shape = tuple(sizes[str(e)] for e in sig.shapes[name])
            values = rng.uniform(0.5, 1.5, size=shape) if ty.dtype.is_float else rng.integers(-9, 10, size=shape)
            inputs[name] = values.astype(NUMPY[ty.dtype])
        payload.append({k: {"data": v.tolist(), "dtype": str(v.dtype), "shape": list(v.shape)}
                        if isinstance(v, np.ndarray) else v for k, v in inputs.items()})
        want = reference(tprogram, inputs, sig)
        expected.append({o.name: np.asarray(np.asarray(want[o.name]).tolist(), dtype=np.float64)
                         for o in unit.outputs})
    return payload, expected


def test_mlx_guards_a_reduction_of_a_slice_by_its_range() -> None:
    mlx = emitted(STRIDED_SUM, "mlx")
    assert isinstance(mlx, Emitted)
    assert mlx.code == "s = float(mx.sum(x[:2 * ((n + 1) // 2):2], axis=0) if (n + 1) // 2 > 0 else 0.0)"
    rows = emitted(PROGRAMS[2], "mlx")
    assert isinstance(rows, Emitted)
    assert rows.code == ("r = mx.sum(A[:, :2 * ((n + 1) // 2):2], axis=1) if (n + 1) // 2 > 0 else "
                         "mx.full((m,), 0.0, dtype=mx.float32)")
    for target in ("numpy", "torch", "jax", "tensorflow"):  # the other targets' code is unchanged
        other = emitted(STRIDED_SUM, target)
        assert isinstance(other, Emitted) and " if " not in other.code, other


def test_mlx_does_not_guard_computed_operands_or_ranges_never_empty() -> None:
    for text in ("s = sum(t in 0:n, x(t) * 2.0)", "s = sum(t in 0:3, x(t))", "s = max(t in 0:n, x(t))"):
        result = emitted(Program("unguarded", text, {"x": "f32[1]", "n": "i64"}), "mlx")
        assert isinstance(result, Emitted) and " if " not in result.code, result


@pytest.mark.slow
def test_mlx_strided_reductions_return_on_empty_arrays() -> None:
    require("mlx")
    jobs, expected = [], []
    for program in PROGRAMS:
        unit, _, _ = build(program)
        result = emitted(program, "mlx")
        assert isinstance(result, Emitted) and result.function is not None
        cases, want = _cases(program)
        jobs.append({"function": result.function, "name": function_name(unit), "imports": list(result.imports),
                     "params": [p.name for p in unit.inputs], "returns": [o.name for o in unit.outputs],
                     "cases": cases})
        expected += [(program.name, n, w) for n, w in zip(SIZES, want, strict=True)]
    for _ in range(PROCESSES):
        try:
            done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(jobs), capture_output=True,
                                  text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the emitted MLX code did not return within {TIMEOUT:.0f}s (a reduction of an empty array)")
        assert done.returncode == 0, done.stderr
        for (name, n, want), got in zip(expected, json.loads(done.stdout), strict=True):
            for out, value in want.items():
                have = np.asarray(got[out], dtype=np.float64)
                assert have.shape == value.shape and np.allclose(have, value, rtol=1e-5), (name, n, out, have, value)


SCATTER = Program("scatter_rows", "g(w * y + x - y) = img(y, x + 1) - img(y, x)  for y in 0:h, x in 0:w - 1",
                  {"img": "f32[h, w]", "g": "f32[1]", "h": "i64", "w": "i64"})


def test_mlx_writes_through_index_arrays_only_into_a_non_empty_array() -> None:
    mlx = emitted(SCATTER, "mlx")
    assert isinstance(mlx, Emitted) and mlx.code.startswith("if g.size:  # an empty array has nothing to write\n    g[")
    for target in ("numpy", "torch", "jax"):
        other = emitted(SCATTER, target)
        assert isinstance(other, Emitted) and not other.code.startswith("if "), other
    require("mlx")
    unit, tprogram, sig = build(SCATTER)
    assert mlx.function is not None
    fn = load_function(mlx.function, function_name(unit), mlx.imports)
    rng = np.random.default_rng(3)
    for h, w in ((3, 1), (0, 4), (3, 2), (2, 5)):
        inputs = {"img": rng.uniform(-1, 1, size=(h, w)).astype(np.float32),
                  "g": np.zeros(h * (w - 1), dtype=np.float32), "h": h, "w": w}
        want = np.asarray(np.asarray(reference(tprogram, inputs, sig)["g"]).tolist(), dtype=np.float64)
        got = call_emitted(fn, "mlx", ("img", "g", "h", "w"), ("g",), inputs)["g"]
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-6), (h, w, got, want)
