"""Hover on a liftable loop: the TensIR, the target code, the proof status and its assumptions (markdown)."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..results import LiftResult, Status
from .lifting import LiftService
from .positions import Positions
from .rewrite import status_text
from .settings import target_name


def hover_markdown(result: LiftResult) -> str:
    lines = [f"**tensorlift**: liftable to {target_name(result.target)} — {status_text(result)}", "",
             "TensIR:", "```", (result.tensir or "").strip(), "```", "",
             f"{target_name(result.target)}:", "```python" if result.target != "gemmini" else "```c",
             (result.code or "").strip(), "```"]
    proof = result.proof
    if proof is not None:
        bounded = f"bounded check (sizes ≤ {proof.bound})"
        method = "inductive proof (every size)" if proof.method == "inductive" else bounded
        lines += ["", f"Proof: {method}, checked with Z3."]
        if proof.assumptions:
            lines += ["", "Assumptions:", *(f"- {a}" for a in proof.assumptions)]
    return "\n".join(lines)


class HoverFeature:
    def __init__(self, service: LiftService) -> None:
        self.service = service

    def hover(self, params: types.HoverParams, codec: PositionCodec) -> types.Hover | None:
        state = self.service.documents.get(params.text_document.uri)
        if state is None:
            return None
        positions = Positions(state.snapshot.text, codec)
        unit = state.unit_at(positions.from_client(params.position))
        if unit is None:
            return None
        result = state.result(unit.id, self.service.settings.default_target)
        if result is None or result.status is Status.NOT_LIFTED or result.code is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, hover_markdown(result)),
                           positions.range_to_client(unit.span))
