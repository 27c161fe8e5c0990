"""Python's array copies (`u.copy()`, `np.copy(u)`, `list(xs)`, `copy.copy(xs)`) and shapes taken from another array
(`np.zeros(a.shape)`, `dtype=a.dtype`) lift end to end: the rewritten function, run on lists and on NumPy arrays,
returns what the original returns and leaves the arguments as the original leaves them."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from tensorlift.api import lift
from tensorlift.common import Language
from tensorlift.edits import apply_edits
from tensorlift.options import LiftOptions
from tensorlift.results import Status

SMOOTH = """\
def smooth(u, spelling):
    n = len(u)
    v = SPELLING
    for i in range(1, n - 1):
        v[i] = (u[i - 1] + u[i] + u[i + 1]) / 3.0
    return v
"""

JACOBI = """\
import numpy as np


def jacobi(u):
    h, w = u.shape
    out = u.copy()
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            out[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
    return out
"""

LEAKY = """\
import numpy as np


def leaky(a, slope):
    out = np.zeros(a.shape, dtype=a.dtype)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j] if a[i, j] > 0 else slope * a[i, j]
    return out
"""


def rewrite(source: str) -> str:
    results = lift(source, Language.PYTHON, LiftOptions(budget=20.0, cache_dir=None))
    assert results and all(r.status is Status.VERIFIED for r in results), [(r.status, r.reason) for r in results]
    return apply_edits(source.encode(), [e for r in results for e in r.edits]).decode()


def function(text: str, name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(text, "<test>", "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize("spelling", ["u.copy()", "list(u)", "copy.copy(u)", "np.array(u)"])
def test_a_copied_signal_smoothed_inside(spelling: str) -> None:
    source = "import copy\n\nimport numpy as np\n\n\n" + SMOOTH.replace("SPELLING", spelling)
    text = rewrite(source)
    assert "for i in range" not in text, text
    original, lifted = function(source, "smooth"), function(text, "smooth")
    for values in ([1.0, 4.0, -2.0, 8.0, 0.5], [2.0], []):
        for make in (list, np.array):
            argument = make(copy.copy(values))
            got = lifted(argument, spelling)
            assert np.asarray(got).tolist() == pytest.approx(np.asarray(original(make(values), spelling)).tolist())
            assert np.asarray(argument).tolist() == values, "the argument is not changed"


def test_a_copied_grid_updated_inside() -> None:
    text = rewrite(JACOBI)
    original, lifted = function(JACOBI, "jacobi"), function(text, "jacobi")
    u = np.random.default_rng(1).uniform(-1, 1, (5, 7))
    before = u.copy()
    assert np.allclose(lifted(u), original(u))
    assert (u == before).all()


def test_a_result_shaped_and_typed_like_its_input() -> None:
    text = rewrite(LEAKY)
    assert "np.zeros" not in text or "for i in range" not in text, text
    original, lifted = function(LEAKY, "leaky"), function(text, "leaky")
    a = np.random.default_rng(2).uniform(-1, 1, (4, 3))
    got = lifted(a, 0.1)
    assert got.shape == (4, 3) and np.allclose(got, original(a, 0.1))


HEAT = """\
def heat(u, r):
    v = list(u)
    for i, (left, mid, right) in enumerate(zip(u, u[1:], u[2:])):
        v[i + 1] = mid + r * (left - 2 * mid + right)
    return v
"""


def test_a_copy_lifted_alone_keeps_the_fractions_the_loop_after_it_stores() -> None:
    results = lift(HEAT, Language.PYTHON, LiftOptions(budget=20.0, cache_dir=None))
    assert [r.status for r in results][:1] == [Status.VERIFIED]  # the copy; the zip over slices is not lifted
    text = apply_edits(HEAT.encode(), [e for r in results if r.status is not Status.NOT_LIFTED for e in r.edits])
    original, lifted = function(HEAT, "heat"), function(text.decode(), "heat")
    ints = [0, 0, 10, 0, 0]  # a list of ints: the copy must still hold 2.5, as the list does
    assert np.asarray(lifted(list(ints), 0.25)).tolist() == original(list(ints), 0.25) == [0, 2.5, 5.0, 2.5, 0]


TRANSPOSE = """\
def transpose(mat):
    result = []
    for c in range(len(mat[0])):
        row = []
        for r in range(len(mat)):
            row.append(mat[r][c])
        result.append(row)
    return result
"""


def test_a_transposed_result_is_a_new_array_not_a_view_of_the_input() -> None:
    lifted = function(rewrite(TRANSPOSE), "transpose")
    mat = np.arange(6.0).reshape(2, 3)
    result = lifted(mat)
    mat[0, 0] = 99.0  # the loop built a new matrix: changing the input afterwards does not change it
    assert np.asarray(result).tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


LAGGED = """\
double lagged(const double *x, int n, int lag)
{
    double r = 0.0;
    for (int i = 0; i < n - lag; i++)
        r += x[i] * x[i + lag];
    return r;
}
"""


def test_a_slice_bound_that_goes_negative_when_the_range_is_empty_is_clamped() -> None:
    (result,) = lift(LAGGED, Language.C, LiftOptions(budget=20.0, cache_dir=None))
    assert result.module is not None and result.status is not Status.NOT_LIFTED, result.reason
    lagged = function(result.module, "lagged_0")
    x = np.arange(1.0, 7.0)
    for n, lag in ((6, 2), (6, 6), (3, 5), (0, 1)):  # lag > n: the loop runs zero times, the sum is 0
        want = sum(x[i] * x[i + lag] for i in range(n - lag))
        assert lagged(x, n, lag) == want, (n, lag)


ZIPPED = """\
def zipped_dot(u, v):
    s = 0.0
    for a, b in zip(u, v):
        s += a * b
    return s
"""


def test_zip_stops_at_the_shorter_sequence_in_the_rewrite_too() -> None:
    lifted = function(rewrite(ZIPPED), "zipped_dot")
    assert lifted([1.0, 2.0, 3.0], [4.0, 5.0]) == 14.0 and lifted([1.0], [2.0, 3.0]) == 2.0
