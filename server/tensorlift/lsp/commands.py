"""`workspace/executeCommand` commands (the VS Code extension calls them with exactly these arguments):

- `tensorlift.liftAll` `[uri]`: lift every unit, apply the rewrites through `workspace/applyEdit`, answer
  `{lifted, notLifted, applied, message}`;
- `tensorlift.showProof` `[uri, {line, character}]`: `{certificate, status}` of the unit there, or null;
- `tensorlift.recheckProof` `[uri, {line, character}]`: `{ok, message}`, the stored certificate replayed with Z3
  against the document's current text;
- `tensorlift.openLifted` `[uri, unitId, target]`: `{module, target, status}` for clients that cannot create files;
- `tensorlift.debug.workerPid` `[]`: the pid of the lifting worker (tests kill it to check the restart).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..results import LiftResult, Status
from .actions import offered_targets
from .documents import DocumentState
from .lifting import LiftService
from .positions import Positions
from .rewrite import ClientAbilities, RewriteBuilder, status_text

LIFT_ALL = "tensorlift.liftAll"
SHOW_PROOF = "tensorlift.showProof"
RECHECK_PROOF = "tensorlift.recheckProof"
OPEN_LIFTED = "tensorlift.openLifted"
WORKER_PID = "tensorlift.debug.workerPid"
COMMANDS = (LIFT_ALL, SHOW_PROOF, RECHECK_PROOF, OPEN_LIFTED, WORKER_PID)


class Client(Protocol):
    """What the commands need from the server."""

    @property
    def codec(self) -> PositionCodec: ...

    @property
    def abilities(self) -> ClientAbilities: ...

    def apply_edit(self, edit: types.WorkspaceEdit, label: str) -> Awaitable[types.ApplyWorkspaceEditResult]: ...


class CommandsFeature:
    def __init__(self, service: LiftService, client: Client) -> None:
        self.service = service
        self.client = client

    def handlers(self) -> dict[str, Callable[..., Awaitable[Any]]]:
        return {LIFT_ALL: self.lift_all, SHOW_PROOF: self.show_proof, RECHECK_PROOF: self.recheck_proof,
                OPEN_LIFTED: self.open_lifted, WORKER_PID: self.worker_pid}

    async def lift_all(self, uri: Any = None, *_: Any) -> dict[str, Any]:
        if not isinstance(uri, str) or uri not in self.service.documents:
            return {"lifted": 0, "notLifted": 0, "applied": False, "message": "open the file first"}
        pairs = await self.service.ensure_all(uri)
        state = self.service.documents[uri]
        lifted = [r for _, r in pairs if r is not None and r.status is not Status.NOT_LIFTED and r.code is not None]
        not_lifted = len(pairs) - len(lifted)
        summary: dict[str, Any] = {"lifted": len(lifted), "notLifted": not_lifted, "applied": False}
        if not lifted:
            summary["message"] = f"no loop lifted ({not_lifted} not lifted)"
            return summary
        builder = RewriteBuilder(state.snapshot, Positions(state.snapshot.text, self.client.codec),
                                 self.client.abilities)
        edit = builder.build(lifted)
        if edit is None:
            summary["message"] = "the rewrite goes to a new file, and this client cannot create files"
            return summary
        answer = await self.client.apply_edit(edit, "tensorlift: lift all loops")
        summary["applied"] = bool(answer.applied)
        done = "lifted" if answer.applied else "not applied"
        summary["message"] = f"{len(lifted)} loop(s) {done}, {not_lifted} not lifted"
        if not answer.applied and answer.failure_reason:
            summary["message"] += f" ({answer.failure_reason})"
        return summary

    async def _result_at(self, uri: Any, position: Any) -> tuple[DocumentState, LiftResult] | None:
        if not isinstance(uri, str) or not isinstance(position, dict):
            return None
        state = self.service.documents.get(uri)
        if state is None:
            return None
        line, character = position.get("line"), position.get("character")
        if not isinstance(line, int) or not isinstance(character, int):
            return None
        at = Positions(state.snapshot.text, self.client.codec).from_client(types.Position(line, character))
        unit = state.unit_at(at)
        if unit is None:
            return None
        result = await self.service.ensure(uri, unit.id, self.service.settings.default_target)
        current = self.service.documents.get(uri) or state
        return (current, result) if result is not None else None

    async def show_proof(self, uri: Any = None, position: Any = None, *_: Any) -> dict[str, str] | None:
        found = await self._result_at(uri, position)
        if found is None:
            return None
        result = found[1]
        if result.proof is None or not result.proof.certificate or result.status is Status.NOT_LIFTED:
            return None
        return {"certificate": result.proof.certificate, "status": status_text(result)}

    async def recheck_proof(self, uri: Any = None, position: Any = None, *_: Any) -> dict[str, Any]:
        found = await self._result_at(uri, position)
        if found is None:
            return {"ok": False, "message": "no proof for the loop at the cursor (lift it first)"}
        state, result = found
        if result.proof is None or not result.proof.certificate:
            return {"ok": False, "message": "no proof for the loop at the cursor (it was not lifted)"}
        from ..verify.recheck import check_certificate  # loads z3: not at server start

        checked = await asyncio.to_thread(check_certificate, result.proof.certificate, state.snapshot.text)
        return {"ok": checked.ok, "message": checked.message}

    async def open_lifted(self, uri: Any = None, unit_id: Any = None, target: Any = None,
                          *_: Any) -> dict[str, Any] | None:
        if not isinstance(uri, str) or not isinstance(unit_id, str):
            return None
        state = self.service.documents.get(uri)
        if state is None:
            return None
        chosen = target if isinstance(target, str) else self.service.settings.default_target
        if chosen not in offered_targets(state.snapshot.language, (chosen,)):
            return None
        result = await self.service.ensure(uri, unit_id, chosen)
        if result is None or result.status is Status.NOT_LIFTED:
            return None
        return {"module": result.module if result.module is not None else result.code, "target": chosen,
                "status": status_text(result)}

    async def worker_pid(self, *_: Any) -> int:
        return await self.service.scheduler.worker_pid()
