"""Checking candidates on examples: the Kernel interpreter's outputs against the TensIR interpreter's."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..kernel.examples import Example
from ..kernel.nodes import LiftUnit
from ..semantics import ConcreteDomain, EvaluationError, NumericModel
from ..tensir import nodes as T
from ..tensir.interp import run

REL_TOL = 1e-6
ABS_TOL = 1e-9


def agrees(unit: LiftUnit, program: T.Program, examples: Sequence[Example], model: NumericModel) -> bool:
    """Whether `program` gives the unit's outputs on every example (floats within a small relative tolerance)."""
    domain = ConcreteDomain(model)
    for example in examples:
        inputs = {name: _copy(value) for name, value in example.inputs.items()}
        try:
            got = run(program, inputs, domain)
        except (EvaluationError, ArithmeticError, IndexError, KeyError, ValueError, TypeError, RecursionError):
            return False
        for out in unit.outputs:
            want = example.outputs.get(out.name)
            if want is None or out.name not in got or not _same(want, got[out.name]):
                return False
    return True


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        return all(_same(x, y) for x, y in zip(a.flat, b.flat, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        x, y = float(a), float(b)
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return bool(a == b)
