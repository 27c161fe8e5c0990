"""Run emitted Python code against the TensIR interpreter on random inputs: the check behind `rules test`, the
differential tests and the speed benchmark.

Emitted code is executed here (`exec` of generated text in a fresh namespace): that is the point of this module,
and it only ever runs code tensorlift generated, never text taken from a rule pack.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..common import DType
from ..semantics import ConcreteDomain, EvaluationError
from ..tensir import nodes as t
from .signature import Signature, size_names

_MODULES = {"numpy": "numpy", "torch": "torch", "jax": "jax", "tensorflow": "tensorflow", "mlx": "mlx.core"}


def missing_backend(target: str) -> str | None:
    """Why a Python target cannot run here (its module is not installed), or None."""
    module = _MODULES.get(target)
    if module is None:
        return f"{target} is not a Python target"
    try:
        if importlib.util.find_spec(module.split(".")[0]) is None:
            return f"{module.split('.')[0]} is not installed"
    except (ImportError, ValueError):
        return f"{module} is not installed"
    return None


def _backend(target: str) -> Any:
    module = importlib.import_module(_MODULES[target])
    if target == "jax":
        module.config.update("jax_enable_x64", True)
    return module


_NP = {DType.BOOL: np.bool_, DType.I8: np.int8, DType.I16: np.int16, DType.I32: np.int32, DType.I64: np.int64,
       DType.U8: np.uint8, DType.U16: np.uint16, DType.U32: np.uint32, DType.U64: np.uint64,
       DType.F32: np.float32, DType.F64: np.float64}


@dataclass(frozen=True, slots=True)
class Case:
    inputs: dict[str, Any]  # numpy arrays and Python numbers
    expected: dict[str, Any]  # the interpreter's outputs, as numpy arrays / numbers


def random_case(program: t.Program, sig: Signature, rng: np.random.Generator, max_size: int = 6,
                positive: bool = False, tries: int = 30) -> Case | None:
    """Inputs on which the interpreter defines a result (resampled on division by zero, empty max...)."""
    sizes = size_names(sig, program)
    for _ in range(tries):
        values: dict[str, Any] = {n: int(rng.integers(0, max_size + 1)) for n in sizes}
        big = 2 * max([*values.values(), 1]) + 4
        for name, ty in sig.env.items():
            if name in values:
                continue
            if ty.rank == 0:
                values[name] = _number(ty.dtype, rng, positive)
                continue
            shape = tuple(big if e is None else values.get(e, big) if isinstance(e, str) else e
                          for e in sig.shapes.get(name, (None,) * ty.rank))
            values[name] = _array(ty.dtype, shape, rng, positive)
        try:
            expected = reference(program, values, sig)
        except (EvaluationError, IndexError, ZeroDivisionError, OverflowError, ValueError):
            positive = not positive if rng.random() < 0.3 else positive
            continue
        return Case(values, expected)
    return None


def _number(dtype: DType, rng: np.random.Generator, positive: bool) -> Any:
    if dtype is DType.BOOL:
        return bool(rng.integers(0, 2))
    if dtype.is_float:
        return float(rng.uniform(0.25, 2.0) if positive else rng.uniform(-2.0, 2.0))
    value = int(rng.integers(1, 6))
    return value if positive or not dtype.is_signed or rng.random() < 0.5 else -value


def _array(dtype: DType, shape: tuple[int, ...], rng: np.random.Generator, positive: bool) -> np.ndarray:
    if dtype is DType.BOOL:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype.is_float:
        low = 0.25 if positive else -2.0
        return rng.uniform(low, 2.0, size=shape).astype(_NP[dtype])
    low = 1 if positive or not dtype.is_signed else -9
    return rng.integers(low, 10, size=shape).astype(_NP[dtype])


# ----------------------------------------------------------------------------------------------------- reference


def _interpreter() -> Callable[..., dict[str, Any]] | None:
    try:
        module = importlib.import_module("tensorlift.tensir.interp")
    except ImportError:
        return None
    run = getattr(module, "run", None)
    return run if callable(run) else None


def reference(program: t.Program, inputs: Mapping[str, Any], sig: Signature) -> dict[str, Any]:
    """The TensIR interpreter's outputs (object arrays of Python numbers) for numpy inputs."""
    objects: dict[str, Any] = {}
    for name, value in inputs.items():
        if isinstance(value, np.ndarray):
            objects[name] = np.array(value.tolist(), dtype=object) if value.ndim else value.item()
            if value.size == 0:
                objects[name] = np.empty(value.shape, dtype=object)
        else:
            objects[name] = value
    run = _interpreter()
    if run is None:
        raise RuntimeError("tensorlift.tensir.interp is not importable")
    result = run(program, objects, ConcreteDomain())
    targets = {s.target for s in program.statements}
    return {name: result[name] for name in targets if name in result}


# ---------------------------------------------------------------------------------------------------- emitted code


def load_function(function_text: str, name: str, imports: tuple[str, ...]) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(imports) + "\n", "<imports>", "exec"), namespace)
    exec(compile(function_text, f"<emitted {name}>", "exec"), namespace)
    fn = namespace[name]
    assert callable(fn)
    return fn


def to_target(target: str, value: Any) -> Any:
    if not isinstance(value, np.ndarray):
        return value
    backend = _backend(target)
    match target:
        case "numpy":
            return value.copy()
        case "torch":
            return backend.from_numpy(value.copy())
        case "jax":
            return backend.numpy.asarray(value)
        case "tensorflow":
            return backend.constant(value)
        case "mlx":  # mx.array(<float64 array>) gives float32 unless told
            return backend.array(value, dtype=backend.float64) if value.dtype == np.float64 else backend.array(value)
    raise ValueError(target)


def to_numpy(value: Any) -> Any:
    if isinstance(value, (bool, int, float)):
        return value
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        try:
            return np.asarray(value.numpy())
        except (TypeError, RuntimeError):
            pass
    return np.asarray(value)


def call_emitted(fn: Callable[..., Any], target: str, params: tuple[str, ...], returns: tuple[str, ...],
                 inputs: Mapping[str, Any]) -> dict[str, Any]:
    args = {p: to_target(target, inputs[p]) for p in params}
    out = fn(**args)
    values = out if len(returns) > 1 else (out,)
    return {name: to_numpy(v) for name, v in zip(returns, values, strict=True)}


def differences(expected: Mapping[str, Any], actual: Mapping[str, Any], rtol: float = 1e-6) -> list[str]:
    """What differs between the interpreter's outputs and the emitted code's; empty when they agree."""
    problems: list[str] = []
    for name, want in expected.items():
        if name not in actual:
            problems.append(f"{name}: not returned")
            continue
        got = np.asarray(actual[name])
        want_arr = np.asarray(want.tolist() if isinstance(want, np.ndarray) else want)
        if want_arr.size == 0 and got.size == 0:
            continue
        if got.shape != want_arr.shape:
            problems.append(f"{name}: shape {got.shape} != {want_arr.shape}")
            continue
        if want_arr.dtype.kind == "f" or got.dtype.kind == "f":
            ok = np.allclose(got.astype(np.float64), want_arr.astype(np.float64), rtol=rtol, atol=1e-9,
                             equal_nan=True)
        else:
            ok = bool(np.array_equal(got.astype(np.int64) if got.dtype.kind != "b" else got,
                                     want_arr.astype(got.dtype)))
        if not ok:
            problems.append(f"{name}: {got.tolist()!r} != {want_arr.tolist()!r}")
    return problems
