"""Python lists in, C names that are Python keywords, the extracted module's signature, ragged masks in range.

Rewritten sources are executed: the original function and the rewrite are called on the same lists (and arrays)
and must agree, on every Python target that is installed.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

import numpy as np
import pytest

from tensorlift.codegen import Emitted, emit, function_name
from tensorlift.codegen.edits import apply_edits, edit_for
from tensorlift.codegen.pylists import list_arrays
from tensorlift.common import Language
from tensorlift.frontend import parse as parse_source
from tensorlift.frontend.py_arrays import known_array
from tensorlift.kernel.nodes import LiftUnit
from tensorlift.tensir.nodes import TensorType
from tensorlift.tensir.parser import parse as parse_tensir

from .helpers import packs, require

TARGETS = ("numpy", "torch", "jax", "tensorflow", "mlx")

SCALE = b"""def scale(xs, k):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * k
    return out
"""

RESIDUAL = b"""def add_residual(hidden, skip):
    for i in range(len(hidden)):
        hidden[i] += skip[i]
    return hidden
"""

GRID = b"""import numpy as np


def double(A, n, m):
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            C[i, j] = A[i, j] * 2.0
    return C
"""


def only_unit(source: bytes, language: Language) -> LiftUnit:
    [unit] = parse_source(source, language, "test").units
    return unit


def emitted(source: bytes, language: Language, tensir: str, target: str) -> tuple[LiftUnit, Emitted]:
    unit = only_unit(source, language)
    env = {p.name: TensorType(p.dtype, p.rank) for p in unit.inputs}
    result = emit(unit, parse_tensir(tensir, env), target, packs())
    assert isinstance(result, Emitted), result
    return unit, result


def rewritten(source: bytes, tensir: str, target: str) -> str:
    unit, result = emitted(source, Language.PYTHON, tensir, target)
    plan = edit_for(unit, result, source, Language.PYTHON, target)
    return apply_edits(source, plan.edits).decode()


def function(text: str, name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(text, "<test>", "exec"), namespace)
    return namespace[name]


def as_floats(value: Any) -> list[float]:
    if hasattr(value, "numpy"):
        value = value.numpy()
    return [float(v) for v in np.asarray(value).reshape(-1)]


@pytest.mark.parametrize("target", TARGETS)
def test_a_list_input_is_converted_and_the_result_equals_the_loops(target: str) -> None:
    require(target)
    text = rewritten(SCALE, "out(i) = xs(i) * k  for i in 0:dim(xs, 0)", target)
    assert "for i in range" not in text
    original, lifted = function(SCALE.decode(), "scale"), function(text, "scale")
    for xs, k in (([1.0, -2.0, 3.5], 2.0), ([1, 2, 3], 3), ([], 2.0)):
        assert as_floats(lifted(list(xs), k)) == as_floats(original(list(xs), k)), text
    assert as_floats(lifted(np.array([1.0, 2.0]), 0.5)) == [0.5, 1.0]


@pytest.mark.parametrize("target", TARGETS)
def test_an_in_place_update_of_a_list_updates_the_callers_list(target: str) -> None:
    require(target)
    text = rewritten(RESIDUAL, "hidden(i) = hidden(i) + skip(i)  for i in 0:dim(hidden, 0)", target)
    original, lifted = function(RESIDUAL.decode(), "add_residual"), function(text, "add_residual")
    hidden, skip = [1.0, 2.0, 3.0], [0.5, -1.0, 4.0]
    want = original(copy.copy(hidden), skip)
    mine = list(hidden)
    got = lifted(mine, skip)
    assert got is mine and isinstance(mine, list) and mine == want, text
    assert all(type(v) is float for v in mine), "the list holds Python numbers again"
    array = np.array(hidden)
    lifted(array, np.array(skip))
    assert array.tolist() == want, "an array argument is updated in place too"


def test_arrays_the_unit_shows_are_arrays_stay_idiomatic() -> None:
    text = rewritten(GRID, "C(i, j) = A(i, j) * 2.0  for i in 0:n, j in 0:m", "numpy")
    assert "asarray" not in text and "C = A[:n, :m] * 2.0" in text, text
    unit = only_unit(GRID, Language.PYTHON)
    assert list_arrays(unit) == frozenset()
    assert list_arrays(only_unit(SCALE, Language.PYTHON)) == {"xs"}


@pytest.mark.parametrize(("source", "evidence"), [
    ("a = np.zeros(n)\nfor i in range(n): a[i] = b[i]", True),
    ("for i in range(n): s += a[i, 0]", True),
    ("for i in range(a.shape[0]): s += a[i]", True),
    ("for i in range(n): s += a[i][0]", False),
    ("for i in range(n): s += a[f(i, 1)]", False),
    ("for i in range(n): s += data[i] + ta[i, 1]", False),
])
def test_the_array_evidence_rule(source: str, evidence: bool) -> None:
    assert known_array(source, "a") is evidence


SQUARES = b"""def squares_plus(xs, ys):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * xs[i] + ys[i]
    return out
"""


@pytest.mark.parametrize("target", TARGETS)
def test_a_list_read_several_times_is_converted_once(target: str) -> None:
    require(target)
    text = rewritten(SQUARES, "out(i) = xs(i) * xs(i) + ys(i)  for i in 0:dim(xs, 0)", target)
    conversion = text.split("xs_array = ", 1)[1].split("\n", 1)[0]
    assert conversion.count("xs") == 1 and text.count(conversion) == 1, text
    original, lifted = function(SQUARES.decode(), "squares_plus"), function(text, "squares_plus")
    xs, ys = [1.0, -2.0, 3.5], [0.5, 0.25, 4.0]
    assert as_floats(lifted(list(xs), ys)) == as_floats(original(list(xs), ys)), text


@pytest.mark.parametrize("op", ["+", "*"])
@pytest.mark.parametrize("target", TARGETS)
def test_an_in_place_update_reading_its_own_next_element(target: str, op: str) -> None:
    require(target)  # a += a[1:] overlaps in memory: numpy copies, torch refuses; the rewrite must run anyway
    source = f"def shift(y, n):\n    for i in range(n):\n        y[i] = y[i] {op} y[i + 1]\n    return y\n"
    text = rewritten(source.encode(), f"y(i) = y(i) {op} y(i + 1)  for i in 0:n", target)
    original, lifted = function(source, "shift"), function(text, "shift")
    values = [1.0, -2.0, 3.5, 0.5, 4.0]
    assert as_floats(lifted(list(values), 4)) == as_floats(original(list(values), 4)), text
    assert as_floats(lifted(np.array(values), 4)) == as_floats(original(np.array(values), 4)), text


ANNOTATED = b"""import numpy as np


def axpy(alpha: float, x: np.ndarray, y: "npt.NDArray[np.float64]", ys: list[float], n: int) -> None:
    for i in range(n):
        y[i] += alpha * x[i]
        ys[i] += alpha * x[i]
"""

SHAPE_ELSEWHERE = b"""def axpy(alpha, x, y):
    n = x.shape[0]
    m = y.shape[0]
    for i in range(n):
        y[i] += alpha * x[i]
    return m
"""

REBOUND = b"""def axpy(alpha, x, y: np.ndarray):
    y = list(y)
    n = x.shape[0]
    for i in range(n):
        y[i] += alpha * x[i]
    return y
"""


TWO_PASSES = """import numpy as np


def normalise(z, n):
    e = np.zeros(n)
    for i in range(n):
        e[i] = z[i] * 2.0
    p = [0.0] * n
    for i in range(n):
        p[i] = e[i] / 4.0
    return p
"""


def test_a_local_made_once_by_an_array_constructor_is_an_array_in_later_loops() -> None:
    *_, second = parse_source(TWO_PASSES.encode(), Language.PYTHON, "test").units
    assert "e" in second.known_arrays and list_arrays(second) == frozenset()
    rebound = TWO_PASSES.replace("    p = [0.0] * n\n", "    e = list(e)\n    p = [0.0] * n\n")
    *_, second = parse_source(rebound.encode(), Language.PYTHON, "test").units
    assert "e" not in second.known_arrays and list_arrays(second) == {"e"}


def test_the_function_shows_which_parameters_are_arrays() -> None:
    annotated = only_unit(ANNOTATED, Language.PYTHON)
    assert annotated.known_arrays == {"x", "y"} and list_arrays(annotated) == {"ys"}
    assert list_arrays(only_unit(SHAPE_ELSEWHERE, Language.PYTHON)) == frozenset()
    *_, rebound = parse_source(REBOUND, Language.PYTHON, "test").units  # the copy's loop, then the update
    assert "y" not in rebound.known_arrays and list_arrays(rebound) == {"y"}


@pytest.mark.parametrize("target", ("numpy", "torch"))
def test_an_annotated_array_is_updated_in_place_without_a_copy(target: str) -> None:
    require(target)
    source = SHAPE_ELSEWHERE.replace(b"def axpy(alpha, x, y):", b"def axpy(alpha, x, y: np.ndarray):")
    text = rewritten(source, "y(i) = y(i) + alpha * x(i)  for i in 0:n", target)
    assert "y_array" not in text and "asarray" not in text and "as_tensor" not in text, text
    original, lifted = function(SHAPE_ELSEWHERE.decode(), "axpy"), function(text, "axpy")
    x, y = np.array([1.0, -2.0, 3.5]), np.array([0.5, 0.25, 4.0])
    want, got = y.copy(), y.copy()
    original(2.0, x, want)
    if target == "torch":
        import torch

        tensor = torch.tensor(got)
        lifted(2.0, torch.tensor(x), tensor)
        got = tensor.numpy()
    else:
        lifted(2.0, x, got)
    assert got.tolist() == want.tolist(), text


GAIN_C = b"""void gain(int n, float g, const float *in, float *out, float lambda) {
    for (int i = 0; i < n; i++)
        out[i] = g * in[i] + lambda;
}
"""

DOT_C = b"""double dot(const double *a, const double *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
"""


@pytest.mark.parametrize("target", TARGETS)
def test_c_names_that_are_python_keywords_are_renamed_in_the_module(target: str) -> None:
    require(target)
    unit, result = emitted(GAIN_C, Language.C, "out(i) = g * in(i) + lambda  for i in 0:n", target)
    plan = edit_for(unit, result, GAIN_C, Language.C, target)
    assert plan.module is not None and not plan.edits
    ast.parse(plan.module)
    ast.parse(result.code)
    assert f"def {function_name(unit)}(n, g, in_, out, lambda_):" in plan.module, plan.module
    if target != "numpy":
        return
    out = np.zeros(4, dtype=np.float32)
    got = function(plan.module, function_name(unit))(3, 2.0, np.arange(4, dtype=np.float32), out, 0.5)
    assert got is out and out.tolist() == [0.5, 2.5, 4.5, 0.0]


def test_the_module_function_takes_the_units_inputs_and_returns_its_outputs() -> None:
    unit, result = emitted(DOT_C, Language.C, "s = sum(i in 0:n, a(i) * b(i))", "numpy")
    plan = edit_for(unit, result, DOT_C, Language.C, "numpy")
    assert plan.module is not None
    name = function_name(unit)
    tree = ast.parse(plan.module)
    [fn] = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert [a.arg for a in fn.args.args] == [p.name for p in unit.inputs] == ["a", "b", "n"]
    assert plan.module.startswith('"""') and "import numpy as np\n" in plan.module
    assert "# proof: {proof}" in plan.module
    assert "lifted from C source" in plan.module
    got = function(plan.module, name)(np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0]), 3)
    assert got == 12.0


RAGGED = "r(l) = sum(i in 0:n - l, x(i) * y(i + l))  for l in 0:m"


@pytest.mark.parametrize("target", TARGETS)
def test_a_masked_gather_stays_in_range(target: str) -> None:
    require(target)
    from .helpers import differences
    from .programs import Program

    program = Program("ragged_correlation", RAGGED, {"x": "f64[n]", "y": "f64[n]", "n": "i64", "m": "i64"})
    assert differences(program, target) == []
