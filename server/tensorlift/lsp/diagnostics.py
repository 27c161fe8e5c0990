"""Pushed diagnostics: one per unit that lifted for the default target, at the unit's loop."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..results import LiftResult, Status
from .documents import DocumentState
from .positions import Positions
from .rewrite import status_text
from .settings import Settings, target_name

SOURCE = "tensorlift"
CODE_LIFTABLE = "liftable"
CODE_NOT_LIFTED = "not-lifted"
SEVERITIES = {
    "hint": types.DiagnosticSeverity.Hint,
    "information": types.DiagnosticSeverity.Information,
    "warning": types.DiagnosticSeverity.Warning,
}


def action_data(state: DocumentState, unit_id: str, target: str | None = None) -> dict[str, Any]:
    """What a diagnostic or a code action carries so that `codeAction/resolve` finds the result again."""
    data: dict[str, Any] = {"uri": state.snapshot.uri, "version": state.snapshot.version, "unitId": unit_id,
                            "key": state.digests.get(unit_id, "")}
    if target is not None:
        data["target"] = target
    return data


def message(result: LiftResult) -> str:
    tensir = (result.tensir or "").strip()
    return f"liftable to {target_name(result.target)} — {status_text(result)}: {tensir}"


class DiagnosticsFeature:
    """Turns a document's results into the diagnostics to publish."""

    def diagnostics(self, state: DocumentState, settings: Settings, codec: PositionCodec) -> list[types.Diagnostic]:
        positions = Positions(state.snapshot.text, codec)
        target = settings.default_target
        out = []
        for unit in state.units:
            result = state.result(unit.id, target)
            if result is None:
                continue
            data = action_data(state, unit.id)
            where = positions.range_to_client(unit.span)
            if result.status is not Status.NOT_LIFTED and result.code is not None:
                out.append(types.Diagnostic(where, message(result), SEVERITIES[settings.severity], CODE_LIFTABLE,
                                            source=SOURCE, data=data))
            elif settings.show_not_lifted:
                why = result.reason or "no tensor operation found"
                out.append(types.Diagnostic(where, f"not lifted: {why}", types.DiagnosticSeverity.Information,
                                            CODE_NOT_LIFTED, source=SOURCE, data=data))
        return out

    def params(self, state: DocumentState, settings: Settings, codec: PositionCodec) -> types.PublishDiagnosticsParams:
        return types.PublishDiagnosticsParams(state.snapshot.uri, self.diagnostics(state, settings, codec),
                                              version=state.snapshot.version)
