"""What a verifier returns: the verdict, its reason, and the solver checks a certificate replays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Expect = Literal["sat", "unsat"]
Method = Literal["bounded", "inductive"]


@dataclass(frozen=True, slots=True)
class Check:
    """One solver query as SMT-LIB2 (declarations, definitions, assertions; no `check-sat`) and the answer that
    makes the proof hold: `unsat` for an obligation's negation, `sat` for a non-vacuity check."""

    name: str
    expect: Expect
    smt2: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    method: Method
    bound: int | None
    counterexample: str | None
    reason: str | None
    assumptions: tuple[str, ...]
    checks: tuple[Check, ...] = ()
    invariants: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok
