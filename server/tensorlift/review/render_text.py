"""Words shared by the review formats: where a unit is, what its status means, its proof assumptions."""

from __future__ import annotations

from ..batch import describe_status
from ..results import LiftResult, Status
from .core import Review, ReviewedFile


def where(file: ReviewedFile, result: LiftResult) -> str:
    return f"{file.outcome.source.path}:{result.range.start.line + 1}"


def status_text(result: LiftResult) -> str:
    return describe_status(result)


def assumptions(result: LiftResult) -> tuple[str, ...]:
    if result.status is Status.NOT_LIFTED or result.proof is None:
        return ()
    return result.proof.assumptions


def headline(review: Review) -> str:
    """One sentence: what was compared and what was found."""
    results = review.results
    counts = {status: sum(r.status is status for _, r in results) for status in Status}
    loops = len(results)
    return (f"{loops} loop{'s' if loops != 1 else ''} in changed code since {review.change.base[:12]} "
            f"({review.change.base_name}): {counts[Status.VERIFIED]} verified for all sizes, "
            f"{counts[Status.BOUNDED]} bounded, {counts[Status.NOT_LIFTED]} not lifted; target {review.target}")
