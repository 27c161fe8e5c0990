"""Every lifted corpus unit on every Python target: the emitted function (over the unit's inputs, returning its
outputs), run with the target's own tensors on random inputs, gives what the Kernel interpreter gives for the loop.

A target whose library is not installed is skipped with the reason. The search and the proofs run once per unit
(the result cache is shared across targets); only code generation differs per target.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomllib

from tensorlift.api import detect, lift_unit
from tensorlift.cache import environment
from tensorlift.codegen import Refusal, emit, load_packs
from tensorlift.codegen.runner import call_emitted, load_function, missing_backend
from tensorlift.common import DType, Language
from tensorlift.kernel.examples import make_examples
from tensorlift.options import LiftOptions
from tensorlift.results import Status
from tensorlift.tensir.parser import parse

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus"
FILES = sorted(tomllib.loads((CORPUS / "expected.toml").read_text("utf-8")))
TARGETS = ("numpy", "torch", "jax", "tensorflow", "mlx")
OPTIONS = LiftOptions(budget=10.0)
NUMPY_DTYPES = {
    DType.BOOL: np.bool_, DType.I8: np.int8, DType.I16: np.int16, DType.I32: np.int32, DType.I64: np.int64,
    DType.U8: np.uint8, DType.U16: np.uint16, DType.U32: np.uint32, DType.U64: np.uint64, DType.F32: np.float32,
    DType.F64: np.float64,
}


def signature_of(function: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The emitted function's name, parameters and returned names."""
    tree = ast.parse(function)
    (definition,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    params = tuple(a.arg for a in definition.args.args)
    returns: tuple[str, ...] = ()
    for node in ast.walk(definition):
        if isinstance(node, ast.Return) and node.value is not None:
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            returns = tuple(v.id for v in values if isinstance(v, ast.Name))
    return definition.name, params, returns


def source_name(param: str, inputs: dict[str, Any]) -> str:
    """A parameter renamed because the source name is a Python keyword (`in` -> `in_`) reads the source's input."""
    return param if param in inputs else param.rstrip("_")


def as_numpy(value: Any, dtype: DType) -> Any:
    if isinstance(value, np.ndarray):
        return np.asarray(value.tolist(), dtype=NUMPY_DTYPES[dtype]).reshape(value.shape)
    return value


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("relative", FILES)
def test_every_target_matches_the_loop(relative: str, target: str) -> None:
    missing = missing_backend(target)
    if missing:
        pytest.skip(missing)
    if target == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)  # the precondition the jax target states for 64-bit types
    data = (CORPUS / relative).read_bytes()
    language = Language.from_path(relative)
    assert language is not None
    packs = load_packs(())
    checked = 0
    for unit in detect(data, language, relative).units:
        result = lift_unit(unit, data, OPTIONS)
        if result.status is Status.NOT_LIFTED or result.tensir is None:
            continue
        emitted = emit(unit, parse(result.tensir, environment(unit)), target, packs)
        if isinstance(emitted, Refusal) or emitted.function is None:
            continue  # a target may decline a program, with a reason; it never emits wrong code instead
        name, params, returns = signature_of(emitted.function)
        fn = load_function(emitted.function, name, emitted.imports)
        types = {p.name: p.dtype for p in unit.inputs}
        for example in make_examples(unit, seed=4321, count=3):
            inputs = {k: as_numpy(v, types.get(k, DType.F64)) for k, v in example.inputs.items()}
            got = call_emitted(fn, target, params, returns, {p: inputs[source_name(p, inputs)] for p in params})
            for out in unit.outputs:
                want = np.asarray(example.outputs[out.name]).astype(np.float64)
                have = np.asarray(got[out.name], dtype=np.float64)
                tolerance = 1e-4 if out.dtype is DType.F32 or target in ("torch", "mlx", "tensorflow") else 1e-9
                assert have.shape == want.shape and np.allclose(have, want, rtol=tolerance, atol=tolerance), (
                    f"{relative} {unit.id} on {target}: {out.name} differs on sizes {example.sizes}\n"
                    f"{result.tensir}\n{emitted.function}\ngot {have!r}\nwant {want!r}")
            checked += 1
    if checked == 0:
        pytest.skip(f"{relative}: nothing lifted to {target}")
