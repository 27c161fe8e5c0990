"""The TensIR interpreter against NumPy / plain Python on random inputs, and over Z3 against its concrete runs.

Expected values are computed here independently (NumPy, or Python loops written for the test), never by the code
under test."""

from __future__ import annotations

import numpy as np
import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensir_strategies import Env, programs

from tensorlift.common import DType
from tensorlift.semantics import ConcreteDomain, EvaluationError, NumericModel, Z3Domain, Z3Semantics
from tensorlift.tensir import Program, TensorType, parse
from tensorlift.tensir.interp import run

F64, I32, I64 = DType.F64, DType.I32, DType.I64
CONCRETE = ConcreteDomain()


def env(**types: tuple[DType, int]) -> dict[str, TensorType]:
    return {name: TensorType(dtype, rank) for name, (dtype, rank) in types.items()}


def floats(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=st.floats(-100, 100, allow_subnormal=False))


def ints(shape: tuple[int, ...], lo: int = -50, hi: int = 50) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.int64, shape, elements=st.integers(lo, hi))


def as_float(value: np.ndarray) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def as_int(value: np.ndarray) -> np.ndarray:
    return np.asarray(value, dtype=np.int64)


sizes = st.integers(0, 5)


@settings(max_examples=60, deadline=None)
@given(st.tuples(sizes, sizes, sizes).flatmap(lambda s: st.tuples(floats((s[0], s[2])), floats((s[2], s[1])))))
def test_matmul(case: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = case
    program = parse("C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
                    env(A=(F64, 2), B=(F64, 2), m=(I32, 0), n=(I32, 0), p=(I32, 0)))
    out = run(program, {"A": a, "B": b, "m": a.shape[0], "n": b.shape[1], "p": a.shape[1]}, CONCRETE)
    assert out["C"].shape == (a.shape[0], b.shape[1])
    np.testing.assert_allclose(as_float(out["C"]), a @ b, rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.tuples(sizes, sizes).flatmap(lambda s: ints(s)))
def test_integer_row_sums_and_row_maxima(a: np.ndarray) -> None:
    types = env(A=(I32, 2))
    sums = run(parse("r(i) = sum(j in 0:dim(A, 1), A(i, j))  for i in 0:dim(A, 0)", types), {"A": a}, CONCRETE)
    np.testing.assert_array_equal(as_int(sums["r"]), a.sum(axis=1))
    maxima = parse("r(i) = max(j in 0:dim(A, 1), A(i, j))  for i in 0:dim(A, 0)", types)
    if a.shape[1] == 0 and a.shape[0] > 0:
        with pytest.raises(EvaluationError, match="empty"):
            run(maxima, {"A": a}, CONCRETE)
    else:
        np.testing.assert_array_equal(as_int(run(maxima, {"A": a}, CONCRETE)["r"]), a.max(axis=1, initial=-(10**9)))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(floats((n,)), floats((n,)))))
def test_stencil_over_a_partial_domain_keeps_the_rest(case: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = case
    n = len(x)
    program = parse("y(i) = (x(i - 1) + x(i) + x(i + 1)) / 3.0  for i in 1:n - 1",
                    env(x=(F64, 1), y=(F64, 1), n=(I32, 0)))
    out = as_float(run(program, {"x": x, "y": y, "n": n}, CONCRETE)["y"])
    expected = y.copy()
    expected[1:-1] = (x[:-2] + x[1:-1] + x[2:]) / 3.0
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert out[0] == y[0] and out[-1] == y[-1]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 8).flatmap(lambda n: st.tuples(ints((n,)), ints((n,)))))
def test_in_place_update_reads_the_state_before_the_statement(case: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = case
    types = env(a=(I64, 1), b=(I64, 1), n=(I32, 0))
    inputs = {"a": a.copy(), "b": b, "n": len(a)}
    out = run(parse("a(i) = a(i) + b(i)  for i in 0:n", types), inputs, CONCRETE)
    np.testing.assert_array_equal(as_int(out["a"]), a + b)
    np.testing.assert_array_equal(inputs["a"], a)  # the caller's array is not modified
    shifted = run(parse("a(i) = a(i - 1)  for i in 1:n", types), {"a": a, "b": b, "n": len(a)}, CONCRETE)
    expected = a.copy()
    expected[1:] = a[:-1]  # a parallel assignment, not a cascade of a(0) to the end
    np.testing.assert_array_equal(as_int(shifted["a"]), expected)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 6).flatmap(lambda k: st.tuples(floats((2 * k,)), floats((2 * k,)))))
def test_strided_target_writes_only_its_elements(case: tuple[np.ndarray, np.ndarray]) -> None:
    a, out0 = case
    program = parse("out(2 * i) = a(2 * i) * 2.0  for i in 0:k", env(a=(F64, 1), out=(F64, 1), k=(I32, 0)))
    out = as_float(run(program, {"a": a, "out": out0, "k": len(a) // 2}, CONCRETE)["out"])
    expected = out0.copy()
    expected[::2] = a[::2] * 2.0
    np.testing.assert_array_equal(out, expected)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(ints((n,)), ints((n,), -7, 7).filter(lambda v: 0 not in v))))
def test_truncating_and_flooring_division(case: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = case
    program = parse("q(i) = tdiv(a(i), b(i))  for i in 0:n\nf(i) = a(i) // b(i)  for i in 0:n\n"
                    "r(i) = tmod(a(i), b(i))  for i in 0:n\nm(i) = a(i) % b(i)  for i in 0:n",
                    env(a=(I32, 1), b=(I32, 1), n=(I32, 0)))
    out = run(program, {"a": a, "b": b, "n": len(a)}, CONCRETE)
    truncated = [int(x / y) if abs(x) < 2**52 else None for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert as_int(out["q"]).tolist() == truncated  # C rounds toward zero
    np.testing.assert_array_equal(as_int(out["f"]), np.floor_divide(a, b))  # Python rounds down
    np.testing.assert_array_equal(as_int(out["r"]), np.fmod(a, b))  # C: the sign of the dividend
    np.testing.assert_array_equal(as_int(out["m"]), np.mod(a, b))  # Python: the sign of the divisor


def test_wrap32_integers_wrap_like_int32() -> None:
    a = np.array([2**30, -(2**31), 123456789, 7], dtype=np.int32)
    b = np.array([4, -1, 1000, -3], dtype=np.int32)
    program = parse("c(i) = a(i) * b(i) + a(i)  for i in 0:n", env(a=(I32, 1), b=(I32, 1), n=(I32, 0)))
    out = run(program, {"a": a, "b": b, "n": 4}, ConcreteDomain(NumericModel(ints="wrap32")))
    with np.errstate(over="ignore"):
        expected = a * b + a
    np.testing.assert_array_equal(as_int(out["c"]), expected.astype(np.int64))


def test_select_reads_only_the_side_its_condition_picks() -> None:
    x = np.array([1.5, -2.0, 4.0])
    program = parse("y(i) = select(i > 0, x(i - 1), 0.0) + select(i + 1 < n && x(i + 1) > 0.0, 1.0, 0.0)  "
                    "for i in 0:n", env(x=(F64, 1), n=(I32, 0)))
    out = as_float(run(program, {"x": x, "n": 3}, CONCRETE)["y"])
    np.testing.assert_array_equal(out, [0.0 + 0.0, 1.5 + 1.0, -2.0 + 0.0])


def test_casts_conversions_and_math_calls() -> None:
    x = np.array([2.7, -2.7, 0.5, 9.0])
    program = parse("t(i) = i32(x(i))  for i in 0:n\nh(i) = i / 2 + sqrt(x(i) * x(i)) + f64(i // 2)  for i in 0:n",
                    env(x=(F64, 1), n=(I32, 0)))
    out = run(program, {"x": x, "n": 4}, CONCRETE)
    np.testing.assert_array_equal(as_int(out["t"]), np.trunc(x).astype(np.int64))
    i = np.arange(4)
    np.testing.assert_allclose(as_float(out["h"]), i / 2 + np.abs(x) + i // 2)


def test_scalars_empty_ranges_and_later_statements_reading_earlier_ones() -> None:
    x = np.array([3.0, -1.0, 2.0, 5.0])
    program = parse("m = max(i in 0:n, x(i))\nz = sum(i in 0:0, x(i))\np = prod(i in n:n, x(i))\n"
                    "c(i) = x(i) - m + z + p  for i in 0:n", env(x=(F64, 1), n=(I32, 0)))
    out = run(program, {"x": x, "n": 4}, CONCRETE)
    assert out["m"] == 5.0 and out["z"] == 0.0 and out["p"] == 1.0
    np.testing.assert_array_equal(as_float(out["c"]), x - 5.0 + 1.0)
    assert out["x"] is x  # untouched inputs come back as they were given


def test_triangular_domain_and_reduction_ranges_from_outer_variables() -> None:
    u = np.arange(16, dtype=np.float64).reshape(4, 4)
    v = np.array([1.0, 2.0, -1.0, 0.5])
    program = parse("y(i) = sum(j in i:4, U(i, j) * v(j))  for i in 0:4", env(U=(F64, 2), v=(F64, 1)))
    out = as_float(run(program, {"U": u, "v": v}, CONCRETE)["y"])
    np.testing.assert_allclose(out, np.triu(u) @ v)
    lower = parse("L(i, j) = 1.0  for i in 0:4, j in 0:i + 1", env(L=(F64, 2)))
    ones = as_float(run(lower, {"L": np.zeros((4, 4))}, CONCRETE)["L"])
    np.testing.assert_array_equal(ones, np.tril(np.ones((4, 4))))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("y(i) = x(i + 1)  for i in 0:n", "outside its shape"),
        ("y(i) = 1.0  for i in 0:n + 1", "outside its shape"),
        ("y(i) = x(i) / 0.0  for i in 0:n", "division by zero"),
        ("s = tdiv(n, n - 3)", "division by zero"),
        ("s = min(i in 1:1, x(i))", "empty range"),
        ("s = q + 1.0", "no value for q"),
        ("y(i) = tmod(x(i), 0.0)  for i in 0:n", "remainder by zero"),
    ],
)
def test_runs_without_a_defined_result_raise(text: str, words: str) -> None:
    program = parse(text, env(x=(F64, 1), y=(F64, 1), n=(I32, 0), q=(F64, 0)))
    with pytest.raises(EvaluationError, match=words):
        run(program, {"x": np.zeros(3), "y": np.zeros(3), "n": 3}, CONCRETE)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 3), st.sampled_from(["ideal", "wrap32"]))
def test_random_programs_either_run_or_raise_evaluation_error(case: tuple[Program, Env], size: int,
                                                              ints: str) -> None:
    program, types = case
    rng = np.random.default_rng(size)
    inputs: dict[str, object] = {}
    for name, t in types.items():
        sample = rng.integers(-3, 4, size=(size,) * t.rank)
        if t.rank == 0:
            inputs[name] = size if t.dtype.is_int else float(sample) if t.dtype.is_float else bool(sample > 0)
        else:
            inputs[name] = sample.astype(float) if t.dtype.is_float else sample > 0 if t.dtype is DType.BOOL \
                else sample
    try:
        out = run(program, inputs, ConcreteDomain(NumericModel(ints=ints)))  # type: ignore[arg-type]
    except EvaluationError:
        return
    for statement in program.statements:
        value = out[statement.target]
        if statement.indices:
            assert isinstance(value, np.ndarray) and value.ndim == len(statement.indices)
            assert all(element is not None for element in value.flat)  # every element has a value
        else:
            assert not isinstance(value, np.ndarray)


# ------------------------------------------------------------------------------------------------------------ Z3


def _symbols(prefix: str, shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    for at in np.ndindex(*shape):
        out[at] = z3.Real(f"{prefix}_{'_'.join(map(str, at))}")
    return out


def _proved(claim: z3.BoolRef) -> bool:
    solver = z3.Solver()
    solver.add(z3.Not(claim))
    return solver.check() == z3.unsat


MATMUL = "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n"
MATMUL_ENV = env(A=(F64, 2), B=(F64, 2), m=(I32, 0), n=(I32, 0), p=(I32, 0))


def test_z3_terms_are_the_matmul_formula_for_every_input() -> None:
    a, b = _symbols("A", (2, 3)), _symbols("B", (3, 2))
    domain = Z3Domain(Z3Semantics(NumericModel()))
    out = run(parse(MATMUL, MATMUL_ENV), {"A": a, "B": b, "m": 2, "n": 2, "p": 3}, domain)["C"]
    for i in range(2):
        for j in range(2):
            formula = a[i, 0] * b[0, j] + a[i, 1] * b[1, j] + a[i, 2] * b[2, j]
            assert _proved(out[i, j] == formula)
            assert not _proved(out[i, j] == formula + a[0, 0])  # the check can fail


@settings(max_examples=15, deadline=None)
@given(floats((2, 3)), floats((3, 2)))
def test_z3_terms_evaluate_to_the_concrete_run(a: np.ndarray, b: np.ndarray) -> None:
    text = MATMUL + "\nt = max(i in 0:m, C(i, 0) - C(i, 1)) + select(C(0, 0) > 0.0, 1.0, -1.0)"
    program = parse(text, MATMUL_ENV)
    sa, sb = _symbols("A", a.shape), _symbols("B", b.shape)
    sizes = {"m": 2, "n": 2, "p": 3}
    symbolic = run(program, {"A": sa, "B": sb, **sizes}, Z3Domain(Z3Semantics(NumericModel())))
    concrete = run(program, {"A": a, "B": b, **sizes}, CONCRETE)
    model = [(sa[at], z3.RealVal(repr(float(a[at])))) for at in np.ndindex(*a.shape)]
    model += [(sb[at], z3.RealVal(repr(float(b[at])))) for at in np.ndindex(*b.shape)]
    for name in ("C", "t"):
        terms, values = np.atleast_1d(symbolic[name]), np.atleast_1d(concrete[name])
        for term, value in zip(terms.ravel(), values.ravel(), strict=True):
            exact = z3.simplify(z3.substitute(term, *model))
            # Reals are exact; the concrete run rounds, so the two agree to rounding error.
            assert abs(float(exact.as_fraction()) - value) <= 1e-9 * (1 + abs(value))


def test_z3_integer_division_kinds_match_python() -> None:
    program = parse("q = tdiv(a, b) + 10 * (a // b) + 100 * tmod(a, b) + 1000 * (a % b)",
                    env(a=(I32, 0), b=(I32, 0)))
    a, b = z3.Int("a"), z3.Int("b")
    term = run(program, {"a": a, "b": b}, Z3Domain(Z3Semantics(NumericModel())))["q"]
    for x, y in [(7, 2), (-7, 2), (7, -2), (-7, -2), (6, 3), (0, -5)]:
        trunc = abs(x) // abs(y) * (1 if (x >= 0) == (y >= 0) else -1)
        expected = trunc + 10 * (x // y) + 100 * (x - y * trunc) + 1000 * (x % y)
        assert z3.simplify(z3.substitute(term, (a, z3.IntVal(x)), (b, z3.IntVal(y)))).as_long() == expected


def test_z3_symbolic_conditions_become_if_terms_and_decided_ones_pick_a_side() -> None:
    x = np.array([z3.Real(f"x{i}") for i in range(3)], dtype=object)
    t = z3.Int("t")
    program = parse("y(i) = select(x(i) > 0.0 && i < t, x(i), 0.0) + select(i > 0, x(i - 1), 0.0)  for i in 0:n",
                    env(x=(F64, 1), n=(I32, 0), t=(I32, 0)))
    out = run(program, {"x": x, "n": 3, "t": t}, Z3Domain(Z3Semantics(NumericModel())))["y"]
    for i in range(3):
        relu = z3.If(z3.And(x[i] > 0, i < t), x[i], 0)
        assert _proved(out[i] == relu + (x[i - 1] if i > 0 else 0))
    assert not _proved(out[1] == z3.If(x[1] > 0, x[1], 0) + x[0])  # `i < t` is not dropped


def test_z3_wrap32_terms_wrap_like_int32() -> None:
    program = parse("c(i) = a(i) * b(i) + a(i)  for i in 0:n", env(a=(I32, 1), b=(I32, 1), n=(I32, 0)))
    a = np.array([z3.BitVec(f"a{i}", 32) for i in range(2)], dtype=object)
    b = np.array([z3.BitVec(f"b{i}", 32) for i in range(2)], dtype=object)
    out = run(program, {"a": a, "b": b, "n": 2}, Z3Domain(Z3Semantics(NumericModel(ints="wrap32"))))["c"]
    values_a, values_b = np.array([2**30, -7], dtype=np.int32), np.array([4, 3], dtype=np.int32)
    with np.errstate(over="ignore"):
        expected = values_a * values_b + values_a
    for i in range(2):
        pairs = [(a[i], z3.BitVecVal(int(values_a[i]), 32)), (b[i], z3.BitVecVal(int(values_b[i]), 32))]
        assert z3.simplify(z3.substitute(out[i], *pairs)).as_signed_long() == int(expected[i])
