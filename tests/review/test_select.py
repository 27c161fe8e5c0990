"""Which units a change touches: overlap of unit lines with changed lines (pure)."""

from __future__ import annotations

from tensorlift.common import Position, Span
from tensorlift.review.git import Hunk
from tensorlift.review.select import touches

UNIT = Span(Position(4, 4), Position(7, 20))  # lines 4..7, zero-based


def test_changed_lines_inside_or_at_the_edges_touch() -> None:
    assert touches(UNIT, Hunk(5, 1))
    assert touches(UNIT, Hunk(4, 1)) and touches(UNIT, Hunk(7, 1))
    assert touches(UNIT, Hunk(0, 5)), "a hunk that ends on the first line"
    assert touches(UNIT, Hunk(2, 10)), "a hunk that covers the unit"


def test_changed_lines_outside_do_not_touch() -> None:
    assert not touches(UNIT, Hunk(0, 4))
    assert not touches(UNIT, Hunk(8, 3))


def test_a_deletion_touches_only_from_inside() -> None:
    assert touches(UNIT, Hunk(5, 0)), "lines removed between 4 and 5"
    assert touches(UNIT, Hunk(7, 0)), "lines removed between 6 and 7"
    assert not touches(UNIT, Hunk(4, 0)), "removed just before the unit"
    assert not touches(UNIT, Hunk(8, 0)), "removed just after the unit"
