"""A loop the frontend cannot express is still reported, as a unit that is not lifted with the reason; other
unsupported statements are not units."""

from __future__ import annotations

from tensorlift.api import lift
from tensorlift.common import Language
from tensorlift.results import Status

WHILE_C = """
int count_until(const int *a, int limit) {
    int i = 0;
    while (a[i] < limit) i++;
    printf("%d", i);
    return i;
}
"""

PY_WHILE_THEN_FOR = """
def f(a, n):
    i = 0
    while i < n:
        i += 1
    s = 0
    for k in range(n):
        s += a[k]
    return s
"""


def test_a_while_loop_is_a_not_lifted_unit_with_the_reason() -> None:
    (result,) = lift(WHILE_C, Language.C)
    assert result.status is Status.NOT_LIFTED
    assert "while" in (result.reason or "") and "line 4" in (result.reason or "")


def test_units_after_an_unsupported_loop_still_lift() -> None:
    results = lift(PY_WHILE_THEN_FOR, Language.PYTHON)
    assert [r.status for r in results] == [Status.NOT_LIFTED, Status.VERIFIED]
    assert results[0].range.start.line == 3 and results[1].range.start.line == 5
