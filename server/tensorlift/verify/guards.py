"""Checks on a candidate that come before any proof: what no equivalence of outputs can excuse."""

from __future__ import annotations

from ..kernel.nodes import LiftUnit
from ..tensir.nodes import Program


def overwritten_inputs(unit: LiftUnit, program: Program) -> list[str]:
    """Inputs of the unit that the candidate writes although the loop does not: code emitted from it would
    clobber them, so no verifier may accept it (its outputs can still be equal)."""
    inputs = {p.name for p in unit.inputs}
    outputs = {o.name for o in unit.outputs}
    return sorted({st.target for st in program.statements if st.target in inputs and st.target not in outputs})


def clobber_reason(unit: LiftUnit, program: Program) -> str | None:
    names = overwritten_inputs(unit, program)
    if not names:
        return None
    return f"the candidate writes {', '.join(names)}, which the loop only reads"
