"""Source variables may be called like TensIR's reserved words (C accumulators named `sum`, `max`): when the
environment declares them, printing and parsing still round-trip."""

from __future__ import annotations

import pytest

from tensorlift.common import DType
from tensorlift.tensir import TensIRSyntaxError, TensorType, parse, show


def test_a_declared_scalar_named_sum_round_trips() -> None:
    env = {"sum": TensorType(DType.F64, 0), "x": TensorType(DType.F64, 1), "n": TensorType(DType.I32, 0)}
    program = parse("sum = sum(i in 0:n, x(i)) + sum", env)
    assert parse(show(program), env) == program


def test_an_undeclared_reserved_word_is_still_refused() -> None:
    env = {"x": TensorType(DType.F64, 1), "n": TensorType(DType.I32, 0)}
    with pytest.raises(TensIRSyntaxError, match="reserved"):
        parse("max = max(i in 0:n, x(i))", env)
