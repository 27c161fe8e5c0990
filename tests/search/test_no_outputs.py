"""A loop whose results nobody observes must never be reported lifted: every program, even the empty one, would
"agree" with it, so any proof would be vacuous."""

from __future__ import annotations

from tensorlift.api import lift
from tensorlift.common import Language
from tensorlift.results import Status

UNRETURNED = """
def split(keys, width):
    q = [0] * len(keys)
    r = [0] * len(keys)
    for i in range(len(keys)):
        q[i] = keys[i] // width
        r[i] = keys[i] % width
    return len(keys)
"""

DISCARDED = """
double unused(const double *a, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += a[i];
    return 0.0;
}
"""


def test_a_unit_without_outputs_is_not_lifted() -> None:
    for source, language in ((UNRETURNED, Language.PYTHON), (DISCARDED, Language.C)):
        results = lift(source, language)
        assert results, "the loop is still found, so the user sees why it was not lifted"
        for result in results:
            assert result.status is Status.NOT_LIFTED
            assert result.proof is None and result.code is None
            assert "nothing that is used after it" in (result.reason or "")


def test_results_returned_as_a_tuple_are_observed() -> None:
    (result,) = lift(UNRETURNED.replace("return len(keys)", "return q, r"), Language.PYTHON)
    assert result.status is Status.VERIFIED and result.code is not None
