"""Read rule-pack folders into `RulePacks`: TOML in, compiled rules out, every problem a `Finding` with
file:line:col. Rule packs are data: nothing in them is evaluated, only parsed (TOML, the pattern grammar, and
`{name}` placeholders in templates)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..common import SourceError, TensorliftError
from .model import (
    CONSTRAINT_FIELDS,
    EXAMPLE_FIELDS,
    FALLBACK_FIELDS,
    PACK_FIELDS,
    REQUIRED_RULE_FIELDS,
    RULE_FIELDS,
    TARGETS,
    Constraint,
    ExampleSpec,
    Fallback,
    Location,
    Pack,
    Rule,
    RulePacks,
)
from .pattern import PatternError, PStatement, metavariables, parse_pattern

PLACEHOLDER = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
GEMMINI_ATTRIBUTES = ("ptr", "stride")
TENSOR_ONLY = ("rank", "full")
EXPR_ONLY = ("scalar", "const", "division", "reads_not")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Literal["error", "warning"]
    message: str
    at: Location
    rule: str | None = None

    def __str__(self) -> str:
        return f"{self.at}: {self.severity}: {self.message}"


def bundled_rules() -> Path:
    """The packs shipped inside the package (`tensorlift/data/rules`)."""
    return Path(str(files("tensorlift").joinpath("data", "rules")))


def pack_dirs(paths: Sequence[str | Path]) -> list[Path]:
    """Pack folders: each path is a pack (has pack.toml) or a folder of packs."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if (path / "pack.toml").is_file():
            out.append(path)
        elif path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if (p / "pack.toml").is_file()))
    return out


# --------------------------------------------------------------------------------------------------- positions


class _Lines:
    """Where keys of a TOML file sit, found by scanning its text (tomllib keeps no positions)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.rule_starts = [i for i, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*rule\s*\]\]", line)]

    def block(self, index: int) -> tuple[int, int]:
        start = self.rule_starts[index] if index < len(self.rule_starts) else 0
        end = self.rule_starts[index + 1] if index + 1 < len(self.rule_starts) else len(self.lines)
        return start, end

    def key(self, index: int, key: str, after: int | None = None) -> int:
        start, end = self.block(index)
        for i in range(after if after is not None else start, end):
            if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", self.lines[i]) or re.search(
                    rf"[{{,]\s*\"?{re.escape(key)}\"?\s*=", self.lines[i]) or re.match(
                    rf"^\s*\[\s*rule\.[\w.]*{re.escape(key)}\s*\]", self.lines[i]):
                return i
        return start

    def loc(self, line: int, column: int = 0) -> Location:
        return Location(self.path, line + 1, column + 1)

    def in_string(self, line: int, offset: int) -> Location:
        """The position of character `offset` of the string value that starts on `line`."""
        text = self.lines[line] if line < len(self.lines) else ""
        m = re.search(r"=\s*('''|\"\"\"|'|\")", text)
        if m is None:
            return self.loc(line)
        quote = m.group(1)
        if len(quote) == 3:
            rest = text[m.end():]
            chunks = [rest, *self.lines[line + 1:]]
            if rest == "":
                chunks = chunks[1:]
                line += 1
                col = 0
            else:
                col = m.end()
            remaining = offset
            for chunk in chunks:
                if remaining <= len(chunk):
                    return self.loc(line, col + remaining)
                remaining -= len(chunk) + 1
                line += 1
                col = 0
            return self.loc(line)
        return self.loc(line, m.end() + offset)

    def find_text(self, line: int, needle: str) -> Location:
        for i in range(line, min(line + 60, len(self.lines))):
            col = self.lines[i].find(needle)
            if col >= 0:
                return self.loc(i, col)
        return self.loc(line)


# ------------------------------------------------------------------------------------------------------ checking


def _type_ok(value: Any, schema: Mapping[str, Any]) -> bool:
    if "enum" in schema:
        return value in schema["enum"]
    kind = schema.get("type")
    if kind == "string":
        return isinstance(value, str) and (
            "pattern" not in schema or re.match(str(schema["pattern"]), value) is not None)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and value >= int(schema.get("minimum", 0))
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        items = schema.get("items", {})
        return isinstance(value, list) and all(
            _type_ok(v, items) if "$ref" not in items else isinstance(v, dict) for v in value)
    if kind == "object":
        return isinstance(value, dict)
    return True


def _describe(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    if schema.get("type") == "array" and "enum" in schema.get("items", {}):
        return "a list of " + ", ".join(map(str, schema["items"]["enum"]))
    return f"a {schema.get('type', 'value')}" + (f" matching {schema['pattern']}" if "pattern" in schema else "")


def _check_fields(data: Mapping[str, Any], fields: Mapping[str, tuple[dict[str, object], str]], what: str,
                  where: Location, findings: list[Finding], rule: str | None = None) -> bool:
    ok = True
    for key, value in data.items():
        if key not in fields:
            findings.append(Finding("error", f"unknown {what} field {key!r} (known: {', '.join(fields)})", where,
                                    rule))
            ok = False
        elif not _type_ok(value, fields[key][0]):
            findings.append(Finding("error", f"{what} field {key!r} must be {_describe(fields[key][0])}", where,
                                    rule))
            ok = False
    return ok


def _read_toml(path: Path, findings: list[Finding]) -> tuple[dict[str, Any], _Lines] | None:
    text = path.read_text(encoding="utf-8")
    lines = _Lines(str(path), text)
    try:
        return tomllib.loads(text), lines
    except tomllib.TOMLDecodeError as error:
        m = re.search(r"line (\d+), column (\d+)", str(error))
        at = Location(str(path), int(m.group(1)), int(m.group(2))) if m else Location(str(path), 1)
        findings.append(Finding("error", f"not valid TOML: {error}", at))
        return None


def _compile_rule(raw: Mapping[str, Any], index: int, lines: _Lines, pack: str, target: str, order: int,
                  expected_dir: str, findings: list[Finding]) -> Rule | None:
    start, _ = lines.block(index)
    at = lines.loc(start)
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    before = len(findings)
    _check_fields(raw, RULE_FIELDS, "rule", at, findings, rule_id)
    for key in REQUIRED_RULE_FIELDS:
        if key not in raw:
            findings.append(Finding("error", f"rule is missing required field {key!r}", at, rule_id))
    if len(findings) > before:
        return None
    assert rule_id is not None
    pattern_line = lines.key(index, "pattern")
    try:
        pattern = parse_pattern(raw["pattern"])
    except PatternError as error:
        findings.append(Finding("error", f"pattern: {error}", lines.in_string(pattern_line, error.offset), rule_id))
        return None
    metas = metavariables(pattern)
    kind = raw.get("kind", "expr")
    if kind == "stmt" and not isinstance(pattern, PStatement):
        findings.append(Finding("error", "kind = \"stmt\" needs a statement pattern", lines.loc(pattern_line),
                                rule_id))
    # where: constraints keyed by bound metavariables
    where: dict[str, Constraint] = {}
    where_line = lines.key(index, "where")
    for name, spec in dict(raw.get("where", {})).items():
        name_at = lines.loc(lines.key(index, name, after=where_line))
        if name not in metas:
            findings.append(Finding("error", f"where: unbound metavariable ${name} (the pattern binds "
                                    f"{', '.join('$' + m for m in metas) or 'none'})", name_at, rule_id))
            continue
        if not isinstance(spec, dict) or not _check_fields(spec, CONSTRAINT_FIELDS, "constraint", name_at,
                                                           findings, rule_id):
            if not isinstance(spec, dict):
                findings.append(Finding("error", f"where.{name} must be a table of constraints", name_at, rule_id))
            continue
        role = metas[name][0]
        wrong = [f for f in spec if (role == "expr" and f in TENSOR_ONLY) or (role == "tensor" and f in EXPR_ONLY)]
        if wrong:
            findings.append(Finding("error", f"where.{name}: {', '.join(wrong)} does not apply to a {role} "
                                    "metavariable", name_at, rule_id))
            continue
        where[name] = Constraint(
            dtype=tuple(spec["dtype"]) if "dtype" in spec else None, rank=spec.get("rank"),
            scalar=spec.get("scalar"), const=spec.get("const"), full=spec.get("full"),
            division=tuple(spec["division"]) if "division" in spec else None,
            reads_not=tuple(spec["reads_not"]) if "reads_not" in spec else None)
        unbound = [other for other in spec.get("reads_not", ()) if metas.get(other, ("",))[0] != "tensor"]
        if unbound:
            findings.append(Finding("error", f"where.{name}.reads_not: ${unbound[0]} is not a tensor metavariable "
                                    "of the pattern", name_at, rule_id))
    # placeholders in emit and preconditions
    for field_name in ("emit", "preconditions"):
        texts = raw.get(field_name, "")
        for text in [texts] if isinstance(texts, str) else texts:
            field_line = lines.key(index, field_name)
            for m in PLACEHOLDER.finditer(text.replace("{{", "  ").replace("}}", "  ")):
                name, attribute = m.group(1), m.group(2)
                if name not in metas:
                    findings.append(Finding("error", f"{field_name}: unbound metavariable {{{name}}} (the pattern "
                                            f"binds {', '.join('$' + m for m in metas) or 'none'})",
                                            lines.find_text(field_line, m.group(0)), rule_id))
                elif attribute is not None and (target != "gemmini" or attribute not in GEMMINI_ATTRIBUTES):
                    known = ", ".join(GEMMINI_ATTRIBUTES)
                    findings.append(Finding("error", f"{field_name}: {m.group(0)}: attributes ({known}) exist only "
                                            "in gemmini templates", lines.find_text(field_line, m.group(0)), rule_id))
    examples: list[ExampleSpec] = []
    example_line = lines.key(index, "example")
    for n, example in enumerate(raw.get("example", [])):
        ex_at = lines.loc(example_line)
        if not _check_fields(example, EXAMPLE_FIELDS, "example", ex_at, findings, rule_id):
            continue
        if "program" not in example:
            findings.append(Finding("error", f"example {n + 1} has no program", ex_at, rule_id))
            continue
        examples.append(ExampleSpec(example["program"], dict(example.get("inputs", {})), ex_at))
    if len(findings) > before:
        return None
    return Rule(id=rule_id, pack=pack, target=target, order=order, pattern=pattern, pattern_text=raw["pattern"],
                where=where, emit=raw["emit"], kind=kind, imports=tuple(raw.get("imports", ())),
                preconditions=tuple(raw.get("preconditions", ())), note=raw.get("note", ""),
                examples=tuple(examples), at=at, expected_dir=expected_dir)


def read_packs(paths: Sequence[str | Path]) -> tuple[RulePacks, list[Finding]]:
    """Load every pack under `paths` (earlier paths first in priority), with every problem found."""
    findings: list[Finding] = []
    packs: list[Pack] = []
    rules: dict[str, list[Rule]] = {}
    fallbacks: dict[str, Fallback] = {}
    for folder in pack_dirs(paths):
        read = _read_toml(folder / "pack.toml", findings)
        if read is None:
            continue
        meta, _ = read
        pack_at = Location(str(folder / "pack.toml"), 1)
        if not _check_fields(meta, PACK_FIELDS, "pack", pack_at, findings):
            continue
        name = str(meta.get("name", folder.name))
        targets = tuple(meta.get("targets", ()))
        packs.append(Pack(name, str(meta.get("version", "0")), str(meta.get("description", "")), targets,
                          str(folder)))
        for target in targets:
            path = folder / f"{target}.toml"
            if not path.is_file():
                findings.append(Finding("error", f"pack {name} lists target {target} but has no {target}.toml",
                                        pack_at))
                continue
            read = _read_toml(path, findings)
            if read is None:
                continue
            data, lines = read
            for key in data:
                if key not in ("rule", "fallback"):
                    findings.append(Finding("error", f"unknown top-level key {key!r} (expected [[rule]] and "
                                            "[fallback])", lines.loc(0)))
            fb = data.get("fallback")
            if isinstance(fb, dict):
                fb_line = next((i for i, line in enumerate(lines.lines) if line.strip() == "[fallback]"), 0)
                if _check_fields(fb, FALLBACK_FIELDS, "fallback", lines.loc(fb_line), findings) and (
                        "translator" in fb) and target not in fallbacks:
                    fallbacks[target] = Fallback(fb["translator"], str(fb.get("note", "")), lines.loc(fb_line))
            for index, raw in enumerate(data.get("rule", [])):
                order = len(rules.get(target, ()))
                rule = _compile_rule(raw, index, lines, name, target, order, str(folder / "expected"), findings)
                if rule is not None:
                    rules.setdefault(target, []).append(rule)
    unknown = [t for p in packs for t in p.targets if t not in TARGETS]
    for target in unknown:
        findings.append(Finding("error", f"unknown target {target}", Location("pack.toml", 1)))
    return RulePacks(tuple(packs), {k: tuple(v) for k, v in rules.items()}, fallbacks), findings


_LOADED: dict[tuple[tuple[str, int, int], ...], RulePacks] = {}


def _stamp(paths: Sequence[str | Path]) -> tuple[tuple[str, int, int], ...]:
    """Every rule file under `paths` with its modification time and size: the cache key of a load."""
    stamp: list[tuple[str, int, int]] = []
    for folder in pack_dirs(paths):
        for path in sorted(folder.glob("*.toml")):
            info = path.stat()
            stamp.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def load_packs(extra_paths: Sequence[str] = ()) -> RulePacks:
    """The extra packs (searched first) and the bundled ones; raises `TensorliftError` at the first error.
    Loads are cached until a rule file changes (the language server lifts many units per second)."""
    paths: list[str | Path] = [*extra_paths, bundled_rules()]
    key = _stamp(paths)
    if key in _LOADED:
        return _LOADED[key]
    packs, findings = read_packs(paths)
    for finding in findings:
        if finding.severity == "error":
            raise TensorliftError(SourceError(finding.message, path=finding.at.path, line=finding.at.line - 1,
                                              column=finding.at.column - 1))
    if len(_LOADED) > 16:
        _LOADED.clear()
    _LOADED[key] = packs
    return packs
