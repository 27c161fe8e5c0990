"""What a lift produces, per unit: the contract every front door reports (design §8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from .common import Span


class Status(str, Enum):
    VERIFIED = "verified"  # proved equal for every size (inductive proof)
    BOUNDED = "bounded"  # proved equal for every size up to `Proof.bound` per dimension
    NOT_LIFTED = "not-lifted"


@dataclass(frozen=True, slots=True)
class Proof:
    method: Literal["inductive", "bounded"]
    bound: int | None
    assumptions: tuple[str, ...]
    certificate: str | None  # a self-contained SMT-LIB2 text whose every check is unsat

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "bound": self.bound,
            "assumptions": list(self.assumptions),
            "certificate": self.certificate,
        }


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace `span` of the source (UTF-8 byte columns) with `new_text`."""

    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class SearchStats:
    nodes: int = 0  # grammar nodes expanded by the enumerator
    candidates: int = 0  # complete candidates checked on examples
    source: str = ""  # where the winning candidate came from: "analysis", "llm", "enumeration"


@dataclass(frozen=True, slots=True)
class LiftResult:
    unit_id: str
    function: str
    range: Span
    status: Status
    target: str
    reason: str | None = None  # why not lifted, in words a user can act on
    tensir: str | None = None  # the lifted program in TensIR surface syntax
    code: str | None = None  # the target code that replaces the unit
    imports: tuple[str, ...] = ()  # import lines / #include lines the code needs
    edits: tuple[TextEdit, ...] = ()  # edits to the source file (empty where the code goes to a new module)
    module: str | None = None  # for C/C++ units lifted to a Python DSL: a Python module with the function
    proof: Proof | None = None
    seconds: float = 0.0
    stats: SearchStats = field(default_factory=SearchStats)

    def to_json(self) -> dict[str, Any]:
        """The unit object of `tensorlift lift --json` (design §8)."""
        return {
            "id": self.unit_id,
            "function": self.function,
            "range": self.range.to_json(),
            "status": self.status.value,
            "reason": self.reason,
            "tensir": self.tensir,
            "target": self.target,
            "code": self.code,
            "proof": self.proof.to_json() if self.proof else None,
            "seconds": round(self.seconds, 4),
        }
