"""End to end over the corpus: for every unit that lifts, the emitted NumPy code, run on random inputs, gives what
the Kernel interpreter gives for the original loop.

The inputs come from a different seed than the search's own examples, so the code is checked on data the search
never saw. Arrays are real NumPy arrays of the unit's dtypes. A Python unit's code runs in a namespace holding the
unit's inputs, as it would in place of the loop; a C/C++ unit's code goes to a new module (its names may be renamed
where they are Python keywords), so its function is called with the unit's inputs, in order, and must return every
output of the unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomllib

from tensorlift.api import detect, lift_unit
from tensorlift.codegen import function_name
from tensorlift.common import DType, Language
from tensorlift.kernel.examples import make_examples
from tensorlift.kernel.nodes import LiftUnit
from tensorlift.options import LiftOptions
from tensorlift.results import LiftResult, Status

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus"
FILES = sorted(tomllib.loads((CORPUS / "expected.toml").read_text("utf-8")))
OPTIONS = LiftOptions(budget=10.0)

NUMPY_DTYPES = {
    DType.BOOL: np.bool_, DType.I8: np.int8, DType.I16: np.int16, DType.I32: np.int32, DType.I64: np.int64,
    DType.U8: np.uint8, DType.U16: np.uint16, DType.U32: np.uint32, DType.U64: np.uint64, DType.F32: np.float32,
    DType.F64: np.float64,
}


def as_numpy(value: Any, dtype: DType) -> Any:
    if isinstance(value, np.ndarray):
        return np.array(value.tolist(), dtype=NUMPY_DTYPES[dtype]).reshape(value.shape)
    return value


def run_emitted(result: LiftResult, unit: LiftUnit, inputs: dict[str, Any]) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    for line in result.imports:
        exec(line, namespace)
    types = {p.name: p.dtype for p in unit.inputs}
    namespace.update({name: as_numpy(value, types.get(name, DType.F64)) for name, value in inputs.items()})
    exec(compile(result.code or "", f"<{result.unit_id}>", "exec"), namespace)
    return namespace


def run_module(result: LiftResult, unit: LiftUnit, inputs: dict[str, Any]) -> dict[str, Any]:
    assert result.module, "a C/C++ unit lifted to Python comes with a module"
    namespace: dict[str, Any] = {}
    exec(compile(result.module, f"<module {result.unit_id}>", "exec"), namespace)
    function = namespace[function_name(unit)]
    args = [as_numpy(inputs[p.name], p.dtype) for p in unit.inputs]
    returned = function(*args)
    values = (returned,) if len(unit.outputs) == 1 else tuple(returned)
    assert len(values) == len(unit.outputs), f"{result.module}\nreturned {returned!r}"
    return {out.name: value for out, value in zip(unit.outputs, values, strict=True)}


def same(got: Any, want: Any, dtype: DType) -> bool:
    got_array = np.asarray(got, dtype=np.float64)
    want_array = np.asarray(want).astype(np.float64)
    if got_array.shape != want_array.shape:
        return False
    tolerance = 1e-4 if dtype is DType.F32 else 1e-9
    return bool(np.allclose(got_array, want_array, rtol=tolerance, atol=tolerance, equal_nan=True))


@pytest.mark.slow
@pytest.mark.parametrize("relative", FILES)
def test_emitted_numpy_matches_the_loop(relative: str) -> None:
    path = CORPUS / relative
    data = path.read_bytes()
    language = Language.from_path(relative)
    assert language is not None
    checked = 0
    for unit in detect(data, language, relative).units:
        result = lift_unit(unit, data, OPTIONS)
        if result.status is Status.NOT_LIFTED:
            continue
        assert result.proof is not None and result.code, "a lifted unit has a proof and code"
        for example in make_examples(unit, seed=1234, count=4):
            run = run_emitted if unit.language is Language.PYTHON else run_module
            namespace = run(result, unit, dict(example.inputs))
            for out in unit.outputs:
                assert out.name in namespace, f"{result.code!r} does not define {out.name}"
                assert same(namespace[out.name], example.outputs[out.name], out.dtype), (
                    f"{relative} {unit.id}: {out.name} differs on sizes {example.sizes}\n{result.tensir}\n"
                    f"{result.code}\ngot {namespace[out.name]!r}\nwant {example.outputs[out.name]!r}")
            checked += 1
    if checked == 0:
        pytest.skip(f"{relative}: no unit lifted")
