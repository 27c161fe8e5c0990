"""Text edits that put emitted code into a source file, per source language and target.

- Python source, Python target: the unit's span is replaced by the code at the unit's indentation, and each
  import the code needs is added once, after the module docstring, `__future__` imports and the leading import
  block (an import already binding the same name to the same module, in any spelling, is not repeated).
- C / C++ source, gemmini: the unit's span is replaced in place and `#include "gemmini.h"` is added once, after
  the last `#include`.
- C / C++ source, Python target: no in-place edit; the unit becomes a function in a new Python module (named after
  the unit; its parameters are the unit's inputs in order, C names that are Python keywords renamed (`in` ->
  `in_`), plus an array it only writes in place; it returns its outputs: the value when one, a tuple when several)
  with a proof comment slot above it.
Columns are UTF-8 byte offsets, as in `Span`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..common import Language, Position, Span
from ..kernel.nodes import LiftUnit
from ..results import TextEdit
from . import Emitted, function_name

PROOF_SLOT = "# proof: {proof}"
_LANGUAGE_NAMES = {"c": "C", "cpp": "C++", "python": "Python"}


@dataclass(frozen=True, slots=True)
class EditPlan:
    edits: tuple[TextEdit, ...]
    module: str | None


def _lines(source: bytes) -> list[bytes]:
    return source.split(b"\n")


def _indentation(source: bytes, span: Span) -> str:
    lines = _lines(source)
    if span.start.line >= len(lines):
        return ""
    line = lines[span.start.line]
    prefix = line[: span.start.character]
    if prefix.strip() == b"":
        return prefix.decode("utf-8")
    return line[: len(line) - len(line.lstrip())].decode("utf-8")


def _indented(code: str, indent: str) -> str:
    """The code for a span: its first line starts where the span starts, later lines get the indentation."""
    lines = code.splitlines() or ["pass"]
    rest = [f"{indent}{line}" if line else "" for line in lines[1:]]
    return "\n".join([lines[0], *rest])


def _bound_names(tree: ast.Module) -> dict[str, str]:
    """Top-level `import` bindings: name -> module (`import numpy as np` binds np -> numpy)."""
    bound: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    bound[alias.name.split(".")[0]] = alias.name.split(".")[0]
                    bound[alias.name] = alias.name
    return bound


_IMPORT = re.compile(r"^import\s+([\w.]+)(?:\s+as\s+(\w+))?$")


def _needed(imports: Sequence[str], bound: dict[str, str]) -> list[str]:
    out: list[str] = []
    for line in imports:
        m = _IMPORT.match(line.strip())
        if m is None:
            out.append(line)
            continue
        module, alias = m.group(1), m.group(2) or m.group(1)
        if bound.get(alias) != module:
            out.append(line)
    return list(dict.fromkeys(out))


def _import_line(tree: ast.Module | None, lines: list[bytes]) -> int:
    """The zero-based line before which new imports go."""
    if tree is None:
        line = 0
        while line < len(lines) and (lines[line].startswith(b"#") or lines[line].strip() == b""):
            line += 1
        return line
    after = 0
    for i, node in enumerate(tree.body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, str):
            after = node.end_lineno or 0
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno or after
            continue
        break
    return after


def python_import_edits(source: bytes, imports: Sequence[str]) -> list[TextEdit]:
    """Edits adding the imports `source` lacks, once each, at the end of its leading import block."""
    try:
        tree: ast.Module | None = ast.parse(source)
    except SyntaxError:
        tree = None
    bound = _bound_names(tree) if tree is not None else {}
    missing = _needed(imports, bound)
    if not missing:
        return []
    line = _import_line(tree, _lines(source))
    at = Position(line, 0)
    # one edit per line, so that units lifted together that need the same import add it once (`apply_edits`)
    return [TextEdit(Span(at, at), f"{imp}\n") for imp in missing]


def c_include_edits(source: bytes, includes: Sequence[str]) -> list[TextEdit]:
    """Edits adding `#include` lines the source lacks, after its last `#include`."""
    text = source.decode("utf-8", errors="replace")
    missing = []
    for inc in includes:
        m = re.match(r'#\s*include\s*([<"])(.+?)[>"]', inc.strip())
        name = m.group(2) if m else inc
        if not re.search(rf'^\s*#\s*include\s*[<"]{re.escape(name)}[>"]', text, re.MULTILINE):
            missing.append(inc)
    if not missing:
        return []
    lines = _lines(source)
    last = max((i for i, line in enumerate(lines) if re.match(rb"\s*#\s*include\b", line)), default=-1)
    at = Position(last + 1, 0)
    return [TextEdit(Span(at, at), f"{inc}\n") for inc in missing]


def python_module(units: Sequence[tuple[LiftUnit, Emitted]], source_path: str = "") -> str:
    """A Python module with one function per unit (imports once, a proof comment slot above each function)."""
    imports: list[str] = []
    for _, emitted in units:
        imports.extend(emitted.imports)
    where = f" from {source_path}" if source_path else ""
    parts = [f'"""Lifted by tensorlift{where}."""', "", *dict.fromkeys(imports), ""]
    for unit, emitted in units:
        assert emitted.function is not None
        language = _LANGUAGE_NAMES.get(unit.language.value, unit.language.value)
        parts += ["", f"# {unit.function} ({unit.id}), lifted from {language} source",
                  PROOF_SLOT, emitted.function.rstrip("\n")]
    return "\n".join(parts) + "\n"


def edit_for(unit: LiftUnit, emitted: Emitted, source: bytes, language: Language, target: str) -> EditPlan:
    """How `emitted` goes into the file: in-place edits, or a new module for C/C++ units lifted to Python."""
    if target == "gemmini":
        if language is Language.PYTHON:
            raise ValueError("gemmini code cannot replace a Python unit")
        indent = _indentation(source, unit.span)
        replace = TextEdit(unit.span, _indented(emitted.code, indent))
        return EditPlan((*c_include_edits(source, emitted.imports), replace), None)
    if language is Language.PYTHON:
        indent = _indentation(source, unit.span)
        replace = TextEdit(unit.span, _indented(emitted.code, indent))
        return EditPlan((*python_import_edits(source, emitted.imports), replace), None)
    return EditPlan((), python_module([(unit, emitted)]))


def apply_edits(source: bytes, edits: Sequence[TextEdit]) -> bytes:
    """The source with non-overlapping edits applied (last first, so earlier positions stay valid)."""
    lines = _lines(source)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: Position) -> int:
        return starts[min(p.line, len(lines))] + p.character if p.line < len(lines) else len(source)

    out = source
    for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        a, b = offset(edit.span.start), offset(edit.span.end)
        out = out[:a] + edit.new_text.encode("utf-8") + out[b:]
    return out


__all__ = ["PROOF_SLOT", "EditPlan", "apply_edits", "edit_for", "function_name", "python_import_edits",
           "python_module"]
