"""Proofs that a TensIR candidate equals its Kernel unit (design §6).

`verify` runs the bounded checker first (it must pass: it runs both programs on arrays of the exact shapes, so
out-of-range accesses and undefined results fail there), then, when asked, the inductive prover (which states
the same conditions for every size: see `ranges`). A candidate that
failed any check is never reported as proved.
"""

from __future__ import annotations

from ..kernel.nodes import LiftUnit
from ..options import LiftOptions
from ..results import Proof, Status
from ..semantics import NumericModel
from ..tensir import nodes as t
from .bounded import refute_small, verify_bounded
from .certificate import build_certificate
from .inductive import verify_inductive
from .recheck import RecheckResult, check_certificate, check_certificate_file
from .result import VerifyResult

__all__ = [
    "RecheckResult", "VerifyResult", "build_certificate", "check_certificate", "check_certificate_file",
    "refute_small", "verify", "verify_bounded", "verify_inductive",
]


def verify(unit: LiftUnit, program: t.Program, options: LiftOptions,
           deadline: float | None) -> tuple[Status, Proof | None, str | None]:
    """(status, proof, reason): `VERIFIED` with an inductive proof, `BOUNDED` with the bound it holds to (the
    reason then says why no inductive proof), or `NOT_LIFTED` with the reason and no proof. A failure inside the
    verifier is a `NOT_LIFTED`, never a success."""
    try:
        return _verify(unit, program, options, deadline)
    except Exception as error:  # whatever went wrong, the candidate is not proved
        return Status.NOT_LIFTED, None, f"the verifier failed ({type(error).__name__}: {error}); not proved"


def _verify(unit: LiftUnit, program: t.Program, options: LiftOptions,
            deadline: float | None) -> tuple[Status, Proof | None, str | None]:
    model = NumericModel(options.int_model, options.float_model)
    bounded = verify_bounded(unit, program, bound=options.bound, model=model, deadline=deadline)
    if not bounded.ok:
        why = bounded.reason or "the bounded check failed"
        if bounded.counterexample:
            why = f"{why}: {bounded.counterexample}"
        return Status.NOT_LIFTED, None, why
    note: str | None = None
    if options.proof == "inductive":
        inductive = verify_inductive(unit, program, model=model, deadline=deadline)
        if inductive.ok:
            assumptions = _union(inductive.assumptions, bounded.assumptions)
            proof = Proof("inductive", None, assumptions, build_certificate(unit, program, inductive))
            return Status.VERIFIED, proof, None
        note = f"proved up to size {bounded.bound} only; no inductive proof: {inductive.reason}"
    proof = Proof("bounded", bounded.bound, bounded.assumptions, build_certificate(unit, program, bounded))
    return Status.BOUNDED, proof, note


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        seen += [s for s in group if s not in seen]
    return tuple(seen)
