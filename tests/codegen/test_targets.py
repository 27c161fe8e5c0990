"""Differential tests: emitted code for every target, run on random inputs, equals the TensIR interpreter."""

from __future__ import annotations

import pytest

from tensorlift.codegen import Emitted, Refusal

from .helpers import differences, emitted, require
from .programs import PROGRAMS, Program

PYTHON_TARGETS = ("numpy", "torch", "jax", "tensorflow", "mlx")


@pytest.mark.parametrize("target", PYTHON_TARGETS)
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_emitted_code_agrees_with_the_interpreter(program: Program, target: str) -> None:
    require(target)
    result = emitted(program, target)
    if target in program.refused_by:
        assert isinstance(result, Refusal) and result.reason, result
        return
    assert isinstance(result, Emitted), result
    assert differences(program, target) == []


def test_every_python_rule_of_the_core_pack_fires_somewhere() -> None:
    from .helpers import packs

    fired = set()
    for target in PYTHON_TARGETS:
        for program in PROGRAMS:
            result = emitted(program, target)
            if isinstance(result, Emitted):
                fired |= set(result.rules)
    rules = {r.id for t in PYTHON_TARGETS for r in packs().rules_for(t)}
    assert rules - fired == set()


def test_idiomatic_forms_come_from_rules() -> None:
    by_name = {p.name: p for p in PROGRAMS}
    matmul = emitted(by_name["matmul"], "numpy")
    assert isinstance(matmul, Emitted) and matmul.code == "C = A @ B" and matmul.rules == ("numpy.matmul",)
    axpy = emitted(by_name["in_place_axpy"], "torch")
    assert isinstance(axpy, Emitted) and axpy.code == "y[:n] += (alpha * x[:n])"
    jax_axpy = emitted(by_name["in_place_axpy"], "jax")
    assert isinstance(jax_axpy, Emitted) and jax_axpy.code == "y = y.at[:n].set(y[:n] + alpha * x[:n])"


def test_fallback_writes_every_program_without_rules() -> None:
    from dataclasses import replace

    from tensorlift.codegen import emit

    from .helpers import build, packs

    bare = replace(packs(), rules={})
    for program in PROGRAMS:
        unit, tprogram, _ = build(program)
        result = emit(unit, tprogram, "numpy", bare)
        if "numpy" in program.refused_by:
            assert isinstance(result, Refusal) and result.reason
            continue
        assert isinstance(result, Emitted), (program.name, result)
        assert result.rules == ()


def test_unknown_target_is_refused() -> None:
    result = emitted(PROGRAMS[0], "fortran")
    assert isinstance(result, Refusal) and "fortran" in result.reason
