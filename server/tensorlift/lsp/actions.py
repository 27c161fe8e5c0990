"""Code actions: one per configured target for each lifted unit in the range; the edit is filled by resolve.

An action carries `data` = {uri, version, unitId, key, target}; `resolve` finds the unit again (by id, or by key
when the document changed meanwhile), lifts it for the action's target if that has not happened yet (within the
budget), and builds the edit (or, for a C/C++ unit lifted to Python in a client that cannot create files, the
`tensorlift.openLifted` command that returns the module text). A unit that did not lift gets no action: nothing
unverified is ever offered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..common import Language, Span
from ..kernel.nodes import LiftUnit
from ..results import Status
from .diagnostics import SOURCE, action_data
from .documents import DocumentState
from .lifting import LiftService
from .positions import Positions
from .rewrite import ClientAbilities, RewriteBuilder, is_python_target, status_text
from .settings import target_name

log = logging.getLogger(__name__)

KINDS = (types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite)
OPEN_LIFTED = "tensorlift.openLifted"
CANNOT_CREATE = " (this client cannot create files: opens the module text instead)"


def _overlaps(span: Span, start_line: int, end_line: int) -> bool:
    return span.start.line <= end_line and start_line <= span.end.line


def offered_targets(language: Language, targets: tuple[str, ...]) -> list[str]:
    """Targets that can take a unit of `language` (Gemmini replaces C code, never Python)."""
    return [t for t in targets if is_python_target(t) or language is not Language.PYTHON]


class CodeActionFeature:
    def __init__(self, service: LiftService, tell: Callable[[str], None] = lambda message: None) -> None:
        self.service = service
        self.tell = tell  # shows the user why a resolved action has no edit

    def actions(self, params: types.CodeActionParams, codec: PositionCodec,
                abilities: ClientAbilities) -> list[types.CodeAction]:
        state = self.service.documents.get(params.text_document.uri)
        if state is None:
            return []
        kinds = self._kinds(params.context)
        if not kinds:
            return []
        settings = self.service.settings
        default = settings.default_target
        wanted = params.range
        out: list[types.CodeAction] = []
        builder = RewriteBuilder(state.snapshot, Positions(state.snapshot.text, codec), abilities)
        for unit in state.units:
            base = state.result(unit.id, default)
            if base is None or base.status is Status.NOT_LIFTED:
                continue
            if not _overlaps(unit.span, wanted.start.line, wanted.end.line):
                continue
            diagnostics = [d for d in params.context.diagnostics
                           if d.source == SOURCE and isinstance(d.data, dict) and d.data.get("unitId") == unit.id]
            for target in offered_targets(state.snapshot.language, settings.targets):
                known = state.result(unit.id, target)
                if known is not None and known.status is Status.NOT_LIFTED:
                    continue  # this target cannot express it
                shown = known or base
                title = f"Lift to {target_name(target)} — {status_text(shown)}"
                if not builder.can_apply(target):
                    title += CANNOT_CREATE
                data = action_data(state, unit.id, target)
                for kind in kinds:
                    quick = kind == types.CodeActionKind.QuickFix
                    out.append(types.CodeAction(
                        title=title, kind=kind, diagnostics=diagnostics if quick else None,
                        is_preferred=quick and target == default, data=data))
        return out

    @staticmethod
    def _kinds(context: types.CodeActionContext) -> list[types.CodeActionKind]:
        if not context.only:
            return list(KINDS)
        only = [str(k) for k in context.only]
        return [k for k in KINDS if any(k.value == o or k.value.startswith(o + ".") for o in only)]

    async def resolve(self, action: types.CodeAction, codec: PositionCodec,
                      abilities: ClientAbilities) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else None
        if data is None or action.edit is not None:
            return action
        found = self._find(data)
        if found is None:
            log.info("resolve: %s is no longer in the document", data.get("unitId"))
            return action
        state, unit = found
        target = str(data.get("target") or self.service.settings.default_target)
        result = await self.service.ensure(state.snapshot.uri, unit.id, target)
        state = self.service.documents.get(state.snapshot.uri) or state
        if result is None or result.status is Status.NOT_LIFTED:
            why = result.reason if result is not None else "the lift did not finish within the budget"
            self.tell(f"tensorlift: cannot lift {unit.function} to {target_name(target)}: {why}")
            return action
        builder = RewriteBuilder(state.snapshot, Positions(state.snapshot.text, codec), abilities)
        if not builder.can_apply(target):
            # the command is added here, not in the action list: lsprotocol (pygls clients) reads a listed action
            # with a `command` as a bare Command
            action.command = types.Command(action.title, OPEN_LIFTED, arguments=[state.snapshot.uri, unit.id, target])
            return action
        action.edit = builder.build([result])
        return action

    def _find(self, data: dict[str, Any]) -> tuple[DocumentState, LiftUnit] | None:
        state = self.service.documents.get(str(data.get("uri")))
        if state is None:
            return None
        unit_id, key = data.get("unitId"), data.get("key")
        unit = state.unit(str(unit_id))
        if unit is not None and (not key or state.digests.get(unit.id) == key):
            return state, unit
        moved = next((u for u in state.units if state.digests.get(u.id) == key), None)
        return (state, moved) if moved is not None else None

