"""What runs in the worker process: lifting one unit of an immutable snapshot.

The worker is started with the `spawn` context, so it shares nothing with the server but what it is sent: a
`LiftRequest` (the text, not the live document). Its stdout is the server's stdout (the LSP stream), so the first
thing it does is point its own stdout at stderr.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ..common import Language
from ..options import LiftOptions
from ..results import LiftResult


@dataclass(frozen=True, slots=True)
class LiftRequest:
    text: str
    language: Language
    path: str
    unit_id: str
    options: LiftOptions


def initialize() -> None:
    """Runs once in each new worker: protect the LSP stream, load the engine so the first lift is not slow."""
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from .. import api, cache  # noqa: F401
    from ..search import find_candidates  # noqa: F401
    from ..verify import verify  # noqa: F401


def pid() -> int:
    return os.getpid()


def lift(request: LiftRequest) -> LiftResult | None:
    """Lift the unit `request.unit_id` of the snapshot; None when the snapshot has no such unit."""
    from .. import api

    data = request.text.encode("utf-8")
    parsed = api.detect(data, request.language, request.path)
    unit = next((u for u in parsed.units if u.id == request.unit_id), None)
    if unit is None:
        return None
    return api.lift_unit(unit, data, request.options)


def crash() -> None:  # pragma: no cover - only the crash test calls it, through the debug command
    os._exit(70)
