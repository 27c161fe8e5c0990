"""`--format markdown`: a pull-request comment. A summary table, then per unit a collapsible section with the
TensIR, the proof and its assumptions, and the rewrite in a ```diff block."""

from __future__ import annotations

from ..results import LiftResult, Status
from .core import Review, ReviewedFile, unit_diff
from .render_text import assumptions, headline, status_text, where

_ICON = {Status.VERIFIED: "✅", Status.BOUNDED: "☑️", Status.NOT_LIFTED: "➖"}


def render_markdown(review: Review) -> str:
    lines = ["## tensorlift review", "", headline(review) + ".", ""]
    lines += [f"> ⚠️ `{_code(str(e))}`" for e in review.errors]
    if not review.results:
        lines.append("No loop in the changed code.")
        return "\n".join(lines) + "\n"
    lines += ["| | location | function | status | TensIR or reason |", "|---|---|---|---|---|"]
    for file, result in review.results:
        detail = result.tensir if result.status is not Status.NOT_LIFTED else result.reason
        lines.append(f"| {_ICON[result.status]} | `{_code(where(file, result))}` | `{_code(result.function)}` | "
                     f"{status_text(result)} | {_cell(detail or '')} |")
    lines.append("")
    for file, result in review.lifted:
        lines += _details(review, file, result)
    return "\n".join(lines) + "\n"


def _details(review: Review, file: ReviewedFile, result: LiftResult) -> list[str]:
    proof = result.proof
    method = f"{proof.method} proof" if proof else "proof"
    if proof and proof.method == "bounded":
        method += f" (every size up to {proof.bound} per dimension)"
    lines = ["<details>", f"<summary><code>{_html(where(file, result))}</code> <b>{_html(result.function)}</b>: "
             f"{status_text(result)}</summary>", "", "**TensIR**", "", "```", result.tensir or "", "```", "",
             f"**Proof**: {method}" + (", assuming:" if assumptions(result) else ", no assumptions."), ""]
    lines += [f"- {_cell(a)}" for a in assumptions(result)]
    lines += ["", f"**Rewrite** ({review.target})", "", "```diff",
              unit_diff(file.outcome, result, review.target).rstrip("\n"), "```", "", "</details>", ""]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
