"""Applying text edits to source bytes, and rendering them as unified diffs."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence

from .common import SourceError, TensorliftError
from .results import TextEdit


def _offset(data: bytes, line_starts: list[int], line: int, column: int) -> int:
    if line >= len(line_starts):
        return len(data)
    return min(line_starts[line] + column, len(data))


def apply_edits(data: bytes, edits: Sequence[TextEdit], path: str = "<input>") -> bytes:
    """`data` with every edit applied (spans are line / UTF-8 byte column); overlapping edits are an error.
    An edit repeated exactly is applied once: units lifted together that need the same import each carry it."""
    edits = list(dict.fromkeys(edits))
    line_starts = [0]
    for index, byte in enumerate(data):
        if byte == 0x0A:
            line_starts.append(index + 1)
    spans = []
    for edit in edits:
        start = _offset(data, line_starts, edit.span.start.line, edit.span.start.character)
        end = _offset(data, line_starts, edit.span.end.line, edit.span.end.character)
        spans.append((start, end, edit.new_text.encode("utf-8")))
    spans.sort(key=lambda s: (s[0], s[1]))
    for (_s1, e1, _), (s2, _, _) in itertools.pairwise(spans):
        if s2 < e1:
            raise TensorliftError(SourceError("two rewrites overlap; lift the units one at a time", path))
    out = bytearray(data)
    for start, end, text in reversed(spans):
        out[start:end] = text
    return bytes(out)


def unified_diff(before: str, after: str, path: str, new_path: str | None = None) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path}" if before else "/dev/null", tofile=f"b/{new_path or path}")
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return text
