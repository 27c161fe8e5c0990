"""`--format diff`: per changed file, comment lines naming each touched unit (status, TensIR, assumptions), then
the unified diff of the file's rewrites. `git apply` and `patch` skip the comment lines."""

from __future__ import annotations

from ..batch import diff_for
from ..results import Status
from .core import Review
from .render_text import assumptions, headline, status_text, where


def render_diff(review: Review) -> str:
    lines = [f"# tensorlift review: {headline(review)}"]
    for error in review.errors:
        lines.append(f"# ! {error}")
    out = "\n".join(lines) + "\n"
    for file in review.files:
        notes = []
        for result in file.outcome.report.results:
            if result.status is Status.NOT_LIFTED:
                notes.append(f"# {where(file, result)} {result.function}: not lifted: {result.reason}")
                continue
            notes.append(f"# {where(file, result)} {result.function}: {status_text(result)}")
            notes.append(f"#   tensir: {result.tensir}")
            notes += [f"#   assuming {a}" for a in assumptions(result)]
        out += "\n".join(notes) + "\n" + diff_for(file.outcome, review.target)
    return out
