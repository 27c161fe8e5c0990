"""Open documents as immutable snapshots, with the lift units detected in each version.

Detection (`api.detect`: parse and find units) runs on every change; it is fast. Everything later (lifting,
diagnostics, code actions) reads a `DocumentState`, never pygls's live document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import to_fs_path

from .. import api
from ..common import Language, Position
from ..kernel.nodes import LiftUnit
from ..results import LiftResult
from .positions import contains

log = logging.getLogger(__name__)

LANGUAGE_IDS = {"c": Language.C, "cpp": Language.CPP, "cuda-cpp": Language.CPP, "python": Language.PYTHON}


@dataclass(frozen=True, slots=True)
class Snapshot:
    uri: str
    version: int
    text: str
    language: Language

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def path(self) -> str:
        return to_fs_path(self.uri) or self.uri

    @property
    def file(self) -> Path | None:
        """The file on disk, or None for `untitled:` and other non-file documents."""
        return Path(self.path) if self.uri.startswith("file:") else None


@dataclass(slots=True)
class DocumentState:
    snapshot: Snapshot
    units: tuple[LiftUnit, ...]
    digests: dict[str, str]  # unit id -> cache.key digest (options of the settings in force)
    results: dict[tuple[str, str], LiftResult] = field(default_factory=dict)  # (unit id, target) -> result

    def unit(self, unit_id: str) -> LiftUnit | None:
        return next((u for u in self.units if u.id == unit_id), None)

    def unit_at(self, position: Position) -> LiftUnit | None:
        """The innermost unit whose span contains `position` (engine coordinates), else one on that line."""
        inside = [u for u in self.units if contains(u.span, position)]
        if not inside:
            inside = [u for u in self.units if u.span.contains_line(position.line)]
        return min(inside, key=lambda u: (u.span.end.line - u.span.start.line, u.span.end.character), default=None)

    def result(self, unit_id: str, target: str) -> LiftResult | None:
        return self.results.get((unit_id, target))


def language_of(uri: str, language_id: str | None) -> Language | None:
    if language_id and language_id in LANGUAGE_IDS:
        return LANGUAGE_IDS[language_id]
    return Language.from_path(uri)


def detect(snapshot: Snapshot) -> tuple[LiftUnit, ...]:
    """The lift units of a snapshot; a text that does not parse just has fewer units."""
    try:
        return api.detect(snapshot.data, snapshot.language, snapshot.path).units
    except Exception:  # the frontends are robust, but a detection bug must not take the server down
        log.exception("detecting units in %s failed", snapshot.uri)
        return ()
