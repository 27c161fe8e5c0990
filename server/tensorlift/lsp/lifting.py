"""The lifting service: documents in, results out.

`update(snapshot)` detects the units of a new version at once, gives every unit whose key is cached its result
(relocated to where the unit is now), cancels the work older versions wanted and no longer need, and, after the
document has been quiet for `debounce` seconds, queues the units still without a result. Results come back from the
worker through the scheduler, go to the cache, and to every open document that has an equal unit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Protocol

from ..kernel.nodes import LiftUnit
from ..results import LiftResult
from .documents import DocumentState, Snapshot, detect
from .placement import CacheKey, ResultCache, cache_key, digest, relocate
from .scheduler import BACKGROUND, CRASH_REASON, ON_DEMAND, Scheduler, SchedulerListener
from .settings import Settings
from .worker import LiftRequest

log = logging.getLogger(__name__)


class LiftEvents(SchedulerListener, Protocol):
    def results_changed(self, uri: str) -> None: ...


class LiftService:
    def __init__(self, events: LiftEvents, settings: Settings | None = None, debounce: float = 0.3,
                 grace: float = 1.0) -> None:
        self.events = events
        self.settings = settings or Settings()
        self.debounce = debounce
        self.documents: dict[str, DocumentState] = {}
        self.cache = ResultCache()
        self.scheduler = Scheduler(events, grace=grace)
        self._timers: dict[str, asyncio.TimerHandle] = {}

    # ------------------------------------------------------------------------------------------------ documents

    def update(self, snapshot: Snapshot, lift_now: bool = False) -> DocumentState:
        units = detect(snapshot)
        options = self.settings.options()
        digests = {unit.id: digest(unit, options) for unit in units}
        state = DocumentState(snapshot, units, digests)
        data = snapshot.data
        for unit in units:
            for target in self.settings.targets:
                hit = self.cache.get(self.key(state, unit, target))
                if hit is not None:
                    state.results[(unit.id, target)] = relocate(hit, unit, data)
        self.documents[snapshot.uri] = state
        wanted = {self.key(state, unit, self.settings.default_target) for unit in units}
        self.scheduler.cancel_stale(snapshot.uri, snapshot.version, wanted)
        self._schedule(snapshot.uri, 0.0 if lift_now else self.debounce)
        self.events.results_changed(snapshot.uri)
        return state

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.scheduler.cancel_document(uri)

    def configure(self, settings: Settings) -> None:
        """New settings: results that depend on them are dropped and open documents lifted again."""
        old, self.settings = self.settings, settings
        if old.base != settings.base:
            self.cache.clear()
            self.scheduler.cancel_all()
        if old.base != settings.base or old.targets != settings.targets:
            for state in list(self.documents.values()):
                self.update(state.snapshot, lift_now=True)
        else:
            for uri in list(self.documents):
                self.events.results_changed(uri)

    def shutdown(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self.scheduler.close()

    # ------------------------------------------------------------------------------------------------ lifting

    def key(self, state: DocumentState, unit: LiftUnit, target: str) -> CacheKey:
        return cache_key(state.digests[unit.id], target, unit)

    def lift_soon(self, uri: str) -> None:
        """Lift what the document still lacks now, without waiting for the debounce (on save)."""
        self._schedule(uri, 0.0)

    def _schedule(self, uri: str, delay: float) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._timers[uri] = asyncio.get_running_loop().call_later(delay, self._lift_document, uri)

    def _lift_document(self, uri: str) -> None:
        self._timers.pop(uri, None)
        state = self.documents.get(uri)
        if state is None:
            return
        target = self.settings.default_target
        for unit in state.units:
            if state.result(unit.id, target) is None:
                self._submit(state, unit, target, BACKGROUND)

    def _submit(self, state: DocumentState, unit: LiftUnit, target: str,
                priority: int) -> asyncio.Future[LiftResult | None]:
        key = self.key(state, unit, target)
        snapshot = state.snapshot
        request = LiftRequest(snapshot.text, snapshot.language, snapshot.path, unit.id, self.settings.options(target))
        future = self.scheduler.submit(key, request, snapshot.uri, snapshot.version, priority)
        future.add_done_callback(lambda done: self._accept(key, done))
        return future

    def _accept(self, key: CacheKey, done: asyncio.Future[LiftResult | None]) -> None:
        try:
            result = None if done.cancelled() else done.result()
            if result is None:
                return
            if result.reason != CRASH_REASON:
                self.cache.put(key, result)
            for state in list(self.documents.values()):
                changed = False
                for unit in state.units:
                    if (unit.id, result.target) not in state.results and self.key(state, unit, result.target) == key:
                        state.results[(unit.id, result.target)] = relocate(result, unit, state.snapshot.data)
                        changed = True
                if changed:
                    self.events.results_changed(state.snapshot.uri)
        except Exception:
            log.exception("accepting a lift result failed")

    async def ensure(self, uri: str, unit_id: str, target: str, timeout: float | None = None) -> LiftResult | None:
        """The result of one unit of the current version for `target`, lifting it first if needed."""
        state = self.documents.get(uri)
        if state is None:
            return None
        found = state.result(unit_id, target)
        unit = state.unit(unit_id)
        if found is not None or unit is None:
            return found
        future = self._submit(state, unit, target, ON_DEMAND)
        limit = timeout if timeout is not None else self.settings.base.budget + 10.0
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(future), limit)
        current = self.documents.get(uri)
        return current.result(unit_id, target) if current is not None else None

    async def ensure_all(self, uri: str, target: str | None = None) -> list[tuple[LiftUnit, LiftResult | None]]:
        """Every unit of the current version with its result for `target` (lifting what is missing)."""
        state = self.documents.get(uri)
        if state is None:
            return []
        chosen = target or self.settings.default_target
        results = await asyncio.gather(*(self.ensure(uri, unit.id, chosen) for unit in state.units))
        return list(zip(state.units, results, strict=True))

    def lifted(self, uri: str) -> Iterable[tuple[LiftUnit, LiftResult]]:
        state = self.documents.get(uri)
        if state is None:
            return
        for unit in state.units:
            result = state.result(unit.id, self.settings.default_target)
            if result is not None:
                yield unit, result
