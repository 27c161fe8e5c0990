"""JSON schemas of rule-pack files, generated from the field tables of `model` (the loader checks the same tables).

`python -m tensorlift.codegen.schema OUT_DIR` writes `rule-pack.schema.json` (a `<target>.toml`) and
`pack.schema.json` (a `pack.toml`); the repository keeps them in `rules/schema/` for editors (taplo / Even Better
TOML) and a test fails when they are out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .model import CONSTRAINT_FIELDS, EXAMPLE_FIELDS, FALLBACK_FIELDS, PACK_FIELDS, REQUIRED_RULE_FIELDS, RULE_FIELDS

_ID = "https://tensorlift.dev/schema/"


def _object(fields: dict[str, tuple[dict[str, object], str]], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": {name: {**schema, "description": doc} for name, (schema, doc) in fields.items()},
    }


def rule_pack_schema() -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": _ID + "rule-pack.schema.json",
        "title": "tensorlift rule file (<pack>/<target>.toml)",
        "type": "object",
        "additionalProperties": False,
        "required": ["fallback"],
        "properties": {
            "fallback": {"$ref": "#/definitions/fallback"},
            "rule": {"type": "array", "items": {"$ref": "#/definitions/rule"},
                     "description": "Ordered rules; the most specific match wins, order breaks ties."},
        },
        "definitions": {
            "fallback": _object(FALLBACK_FIELDS, ("translator",)),
            "rule": _object(RULE_FIELDS, REQUIRED_RULE_FIELDS),
            "constraint": _object(CONSTRAINT_FIELDS),
            "example": _object(EXAMPLE_FIELDS, ("program",)),
        },
    }


def pack_schema() -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": _ID + "pack.schema.json",
        "title": "tensorlift rule pack (<pack>/pack.toml)",
        **_object(PACK_FIELDS, ("name", "version", "targets")),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("rule-pack.schema.json", rule_pack_schema()), ("pack.schema.json", pack_schema())):
        path = folder / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "rules/schema")):
        print(path)
