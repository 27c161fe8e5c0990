"""Which lift units a change touched: those whose lines overlap a changed line (pure; no git, no lifting)."""

from __future__ import annotations

from collections.abc import Sequence

from ..common import Span
from ..kernel.nodes import LiftUnit
from .git import ChangedFile, Hunk


def touches(span: Span, hunk: Hunk) -> bool:
    """Whether `hunk` changed a line of `span`; a pure deletion counts when it sits strictly inside the span."""
    if hunk.count == 0:
        return span.start.line < hunk.start <= span.end.line
    return span.start.line <= hunk.start + hunk.count - 1 and hunk.start <= span.end.line


def touched_units(units: Sequence[LiftUnit], changed: ChangedFile) -> list[str]:
    """The ids of the units the change touched, in file order (every unit of a new file)."""
    return [u.id for u in units if changed.added or any(touches(u.span, h) for h in changed.hunks)]

