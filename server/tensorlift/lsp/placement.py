"""Results independent of where a unit sits, and re-attached to where it sits now.

A `LiftResult` carries positions (the unit's range, its edits), but what search and proof found does not depend on
them. `ResultCache` keeps results by a position-independent key (`cache.key(unit, options)`, the target and the
unit's id); `relocate` gives a cached result the range and edits of the unit as it is in the current text, with the
engine's own edit rules (`codegen.edits.edit_for`), so a loop that only moved is never lifted again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from ..kernel.nodes import LiftUnit
from ..options import LiftOptions
from ..results import LiftResult, Status

CacheKey = tuple[str, str, str, str]  # (cache.key digest, target, unit id, function)


def digest(unit: LiftUnit, options: LiftOptions) -> str:
    """`cache.key` (search and proof), plus the rule packs, which `cache.key` leaves out but code generation uses."""
    from .. import cache

    key = cache.key(unit, options)
    return f"{key}+{'|'.join(options.rule_paths)}" if options.rule_paths else key


def cache_key(digest: str, target: str, unit: LiftUnit) -> CacheKey:
    return (digest, target, unit.id, unit.function)


def relocate(result: LiftResult, unit: LiftUnit, source: bytes) -> LiftResult:
    """`result` (lifted from an equal unit somewhere else, maybe in an older text) for `unit` in `source`."""
    moved = replace(result, unit_id=unit.id, function=unit.function, range=unit.span)
    if result.status is Status.NOT_LIFTED or result.code is None or result.module is not None:
        return moved
    from ..codegen import Emitted  # codegen loads numpy: not at server start
    from ..codegen.edits import edit_for

    emitted = Emitted(code=result.code, imports=result.imports, preconditions=(), function=None)
    plan = edit_for(unit, emitted, source, unit.language, result.target)
    return replace(moved, edits=plan.edits)


class ResultCache:
    """Lift results by position-independent key, least recently used first out."""

    def __init__(self, limit: int = 4096) -> None:
        self._items: OrderedDict[CacheKey, LiftResult] = OrderedDict()
        self._limit = limit

    def get(self, key: CacheKey) -> LiftResult | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: CacheKey, result: LiftResult) -> None:
        if result.reason and "budget" in result.reason:
            return  # a timeout says nothing about a larger budget: try again next time
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
