"""`--format sarif`: SARIF 2.1.0 for code-scanning tools. One result (level "note", rule "tensorlift/liftable")
per lifted unit, at the unit's lines; in-place rewrites come as `fixes` (artifact changes with replacements).

Columns: tensorlift spans count UTF-8 bytes; SARIF counts Unicode code points by default (`columnKind`
"unicodeCodePoints"), 1-based, so they are converted against the file's text.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..common import Position, Span
from ..results import LiftResult
from .core import Review, ReviewedFile, unit_diff
from .render_text import assumptions, status_text

RULE_ID = "tensorlift/liftable"
SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/tensorlift/tensorlift"
ROOT_ID = "%SRCROOT%"

RULE: dict[str, Any] = {
    "id": RULE_ID,
    "name": "Liftable",
    "shortDescription": {"text": "This loop computes one tensor operation and can be replaced by DSL code."},
    "fullDescription": {"text": "tensorlift lifted the loop to TensIR and proved the rewrite equivalent with Z3 "
                                "(for every size, or for every size up to a bound), under the stated assumptions."},
    "help": {"text": "Review the rewrite and its proof assumptions; apply it with `tensorlift lift --write` or "
                     "the editor's quick fix."},
    "defaultConfiguration": {"level": "note"},
}


def review_sarif(review: Review) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tensorlift", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": [RULE]}},
            "originalUriBaseIds": {ROOT_ID: {"uri": review.change.root.as_uri() + "/"}},
            "versionControlProvenance": [{"repositoryUri": review.change.root.as_uri(),
                                          "revisionId": review.change.base}],
            "columnKind": "unicodeCodePoints",
            "results": [_result(review, file, result) for file, result in review.lifted],
        }],
    }


def render_sarif(review: Review) -> str:
    return json.dumps(review_sarif(review), indent=2, ensure_ascii=False) + "\n"


def _result(review: Review, file: ReviewedFile, result: LiftResult) -> dict[str, Any]:
    lines = file.outcome.source.data.split(b"\n")
    artifact = {"uri": quote(str(file.outcome.source.path)), "uriBaseId": ROOT_ID}
    said = "; ".join(assumptions(result))
    message = (f"`{result.function}`: this loop is `{result.tensir}` ({status_text(result)}); "
               f"{review.target} rewrite available." + (f" Assuming: {said}." if said else ""))
    out: dict[str, Any] = {
        "ruleId": RULE_ID,
        "ruleIndex": 0,
        "level": "note",
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region(lines, result.range)}}],
        "partialFingerprints": {"tensorliftUnit/v1": f"{file.outcome.source.path}:{result.function}:"
                                                     f"{result.tensir}"},
        "properties": {"status": result.status.value, "tensir": result.tensir, "target": result.target,
                       "assumptions": list(assumptions(result)), "code": result.code,
                       "diff": unit_diff(file.outcome, result, review.target)},
    }
    if result.edits:
        out["fixes"] = [{
            "description": {"text": f"Replace the loop with {review.target} code ({status_text(result)})"},
            "artifactChanges": [{"artifactLocation": artifact, "replacements": [
                {"deletedRegion": region(lines, edit.span), "insertedContent": {"text": edit.new_text}}
                for edit in result.edits]}],
        }]
    return out


def region(lines: list[bytes], span: Span) -> dict[str, int]:
    """A SARIF region (1-based lines, 1-based code-point columns, end column exclusive) of a byte span."""
    start, end = _clamp(lines, span.start), _clamp(lines, span.end)
    return {"startLine": start[0] + 1, "startColumn": start[1] + 1, "endLine": end[0] + 1, "endColumn": end[1] + 1}


def _clamp(lines: list[bytes], position: Position) -> tuple[int, int]:
    """(line, code-point column), zero-based, of a (line, byte column) position; past the end means the end."""
    if position.line >= len(lines):
        last = len(lines) - 1
        return last, len(lines[last].decode("utf-8", errors="replace"))
    text = lines[position.line][:position.character]
    return position.line, len(text.decode("utf-8", errors="replace"))
