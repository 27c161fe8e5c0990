"""The rule-pack model: raw specs as read (with their file positions) apart from compiled rules.

A pack is a folder: `pack.toml` (name, version, description, targets) and one `<target>.toml` per target holding
ordered `[[rule]]` records and one `[fallback]` table naming the built-in expression translator. The JSON schema
editors use (`rules/schema/rule-pack.schema.json`) is generated from the field tables here (`schema.py`), and the
loader validates against the same tables, so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..common import DType
from ..tensir import nodes as t
from .pattern import Match, Pattern

DTYPE_GROUPS: dict[str, tuple[DType, ...]] = {
    "int": tuple(d for d in DType if d.is_int),
    "float": (DType.F32, DType.F64),
    "signed": tuple(d for d in DType if d.is_int and d.is_signed),
    "bool": (DType.BOOL,),
    **{d.value: (d,) for d in DType},
}
DIVISION_KINDS = ("trunc", "floor", "real", "none")
TRANSLATORS = ("numpy", "torch", "tensorflow", "jax", "mlx", "c-loops")
TARGETS = ("numpy", "torch", "tensorflow", "jax", "mlx", "gemmini")

# Field tables: name -> (JSON schema, description). The loader checks types against these; `schema.py` emits them.
PACK_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "name": ({"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}, "The pack's name (its folder name)."),
    "version": ({"type": "string"}, "The pack's version, e.g. 0.1.0."),
    "description": ({"type": "string"}, "What the pack is for."),
    "targets": ({"type": "array", "items": {"enum": list(TARGETS)}}, "Targets with a <target>.toml in the pack."),
}
CONSTRAINT_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "dtype": ({"type": "array", "items": {"enum": sorted(DTYPE_GROUPS)}},
              "The bound expression's (or tensor's) dtype is one of these (groups: int, float, signed, bool)."),
    "rank": ({"type": "integer", "minimum": 0}, "A tensor metavariable's rank."),
    "scalar": ({"type": "boolean"}, "The bound expression reads no tensor and no index variable (loop-invariant)."),
    "const": ({"type": "number"}, "The bound expression is this constant."),
    "full": ({"type": "boolean"}, "Every access of the tensor covers its whole extent along every axis."),
    "division": ({"type": "array", "items": {"enum": list(DIVISION_KINDS)}},
                 "Divisions and remainders inside the bound expression are only of these kinds."),
    "reads_not": ({"type": "array", "items": {"type": "string"}},
                  "The bound expression reads none of these tensor metavariables (for in-place code a target cannot "
                  "run over overlapping memory)."),
}
EXAMPLE_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "program": ({"type": "string"}, "A TensIR program this rule must match (surface syntax)."),
    "inputs": ({"type": "object", "additionalProperties": {"type": "string", "pattern": r"^[a-z0-9]+(\[.*\])?$"}},
               "Input signature: name -> dtype, dtype[rank] or dtype[extent, ...] (extents: sizes or integers)."),
}
RULE_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "id": ({"type": "string", "pattern": r"^[A-Za-z0-9_.-]+$"}, "Unique id; expected/<id>.py or .c holds the code."),
    "pattern": ({"type": "string"}, "TensIR statement or expression with $X metavariables."),
    "where": ({"type": "object", "additionalProperties": {"$ref": "#/definitions/constraint"}},
              "Constraints keyed by metavariable name (without $)."),
    "emit": ({"type": "string"}, "Code template; {X} is the emitted code of metavariable $X."),
    "kind": ({"enum": ["expr", "stmt"]},
             "expr: emit is the statement's (or subexpression's) value; stmt: emit is the whole statement."),
    "imports": ({"type": "array", "items": {"type": "string"}}, "Import / #include lines the code needs."),
    "preconditions": ({"type": "array", "items": {"type": "string"}},
                      "Assumptions the emitted code needs (stated in the proof); may use {X} placeholders."),
    "note": ({"type": "string"}, "Why the rule exists, shown in `tensorlift rules list`."),
    "example": ({"type": "array", "items": {"$ref": "#/definitions/example"}}, "Programs the rule must match."),
}
FALLBACK_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "translator": ({"enum": list(TRANSLATORS)}, "The built-in expression-level translator used when no rule fits."),
    "note": ({"type": "string"}, "What the fallback produces."),
}
REQUIRED_RULE_FIELDS = ("id", "pattern", "emit")


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int  # 1-based
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class ExampleSpec:
    program: str
    inputs: Mapping[str, str]
    at: Location


@dataclass(frozen=True, slots=True)
class Constraint:
    dtype: tuple[str, ...] | None = None
    rank: int | None = None
    scalar: bool | None = None
    const: float | None = None
    full: bool | None = None
    division: tuple[str, ...] | None = None
    reads_not: tuple[str, ...] | None = None

    @property
    def count(self) -> int:
        return sum(v is not None for v in (self.dtype, self.rank, self.scalar, self.const, self.full,
                                           self.division, self.reads_not))


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule: its pattern parsed, its metavariables checked, its template split into placeholders."""

    id: str
    pack: str
    target: str
    order: int  # position among the target's rules across packs (earlier packs first)
    pattern: Pattern
    pattern_text: str
    where: Mapping[str, Constraint]
    emit: str
    kind: Literal["expr", "stmt"]
    imports: tuple[str, ...]
    preconditions: tuple[str, ...]
    note: str
    examples: tuple[ExampleSpec, ...]
    at: Location
    expected_dir: str  # rules/<pack>/expected

    @property
    def specificity(self) -> int:
        from .pattern import specificity

        return specificity(self.pattern) + sum(c.count for c in self.where.values())


@dataclass(frozen=True, slots=True)
class Fallback:
    translator: str
    note: str
    at: Location


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    version: str
    description: str
    targets: tuple[str, ...]
    path: str


@dataclass(frozen=True, slots=True)
class RulePacks:
    """Every loaded pack's rules per target, in priority order (extra packs before the bundled ones)."""

    packs: tuple[Pack, ...]
    rules: Mapping[str, tuple[Rule, ...]]
    fallbacks: Mapping[str, Fallback]

    def rules_for(self, target: str) -> tuple[Rule, ...]:
        return self.rules.get(target, ())


def _dtype_ok(dtype: DType, allowed: tuple[str, ...]) -> bool:
    return any(dtype in DTYPE_GROUPS[name] for name in allowed)


def _divisions(expr: t.Expr) -> set[str]:
    from ..common import BinOp
    from ..tensir.visit import walk

    kinds = {BinOp.DIV_TRUNC: "trunc", BinOp.MOD_TRUNC: "trunc", BinOp.DIV_FLOOR: "floor",
             BinOp.MOD_FLOOR: "floor", BinOp.DIV_REAL: "real"}
    return {kinds[e.op] for e in walk(expr) if isinstance(e, t.Bin) and e.op in kinds}


def is_invariant(expr: t.Expr) -> bool:
    from ..tensir.visit import walk

    return not any(isinstance(e, (t.Idx, t.Access, t.Reduce)) for e in walk(expr))


def satisfied(rule: Rule, m: Match, is_full: Callable[[t.Access], bool]) -> bool:
    """Whether a match meets the rule's `where` constraints."""
    for name, c in rule.where.items():
        if name in m.tensors:
            accesses = m.accesses.get(name, ())
            if c.dtype is not None and not all(_dtype_ok(a.dtype, c.dtype) for a in accesses):
                return False
            if c.rank is not None and not all(len(a.indices) == c.rank for a in accesses):
                return False
            if c.full is not None and all(is_full(a) for a in accesses) != c.full:
                return False
            continue
        expr = m.exprs.get(name)
        if expr is None:
            return False
        if c.dtype is not None and not _dtype_ok(expr.dtype, c.dtype):
            return False
        if c.scalar is not None and is_invariant(expr) != c.scalar:
            return False
        if c.const is not None and not (isinstance(expr, t.Const) and expr.value == c.const):
            return False
        if c.division is not None:
            found = _divisions(expr) or {"none"}
            if not found <= set(c.division) | {"none"}:
                return False
        if c.rank is not None and c.rank != 0:
            return False
        if c.reads_not is not None:
            from ..tensir.visit import walk

            avoided = {m.tensors[other] for other in c.reads_not if other in m.tensors}
            if any(isinstance(e, t.Access) and e.tensor in avoided for e in walk(expr)):
                return False
    return True
