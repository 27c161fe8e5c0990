"""Shared helpers of the codegen tests: parse a test program, emit it, run it against the interpreter."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from tensorlift.codegen import Emitted, Refusal, emit, function_name, load_packs
from tensorlift.codegen.model import RulePacks
from tensorlift.codegen.rules_cli import run_example
from tensorlift.codegen.signature import Signature, parse_signature, unit_for
from tensorlift.common import Language
from tensorlift.kernel.nodes import LiftUnit
from tensorlift.tensir.nodes import Program as TProgram
from tensorlift.tensir.parser import parse

from .programs import Program

_PACKS: RulePacks | None = None
MODULES = {"numpy": "numpy", "torch": "torch", "jax": "jax", "tensorflow": "tensorflow", "mlx": "mlx"}


def packs() -> RulePacks:
    global _PACKS
    if _PACKS is None:
        _PACKS = load_packs()
    return _PACKS


def require(target: str) -> None:
    """Skip with the reason when the target's module is not installed."""
    module = MODULES[target]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")
    if target == "mlx" and importlib.util.find_spec("mlx.core") is None:
        pytest.skip("mlx.core is not installed")


def build(program: Program, language: Language = Language.PYTHON) -> tuple[LiftUnit, TProgram, Signature]:
    sig = parse_signature(program.inputs)
    tprogram = parse(program.text, sig.env)
    return unit_for(tprogram, sig, name=program.name, language=language), tprogram, sig


def emitted(program: Program, target: str, language: Language = Language.PYTHON) -> Emitted | Refusal:
    unit, tprogram, _ = build(program, language)
    return emit(unit, tprogram, target, packs())


def differences(program: Program, target: str, trials: int = 6, seed: int = 1) -> list[str]:
    unit, tprogram, sig = build(program, Language.C if target == "gemmini" else Language.PYTHON)
    result = emit(unit, tprogram, target, packs())
    assert isinstance(result, Emitted), result
    return run_example(unit, tprogram, sig, result, target, function_name(unit), trials, seed)


def random_int8(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-128, 128, size=shape).astype(np.int8)
