"""`--format json`: the `tensorlift lift --json` contract of design §8 for the touched units, plus what the change
was compared with."""

from __future__ import annotations

import json
from typing import Any

from ..batch import json_report
from .core import Review


def review_json(review: Review) -> dict[str, Any]:
    report = json_report([f.outcome for f in review.files])
    for entry, file in zip(report["files"], review.files, strict=True):
        entry["renamed_from"] = file.changed.old_path
    report["base"] = {"commit": review.change.base, "name": review.change.base_name}
    report["errors"] = [str(e) for e in review.errors]
    return report


def render_json(review: Review) -> str:
    return json.dumps(review_json(review), indent=2, ensure_ascii=False) + "\n"
