"""Result-cache keys: independent of where a loop sits in the file, dependent on the options and on the engine's
own code (so a fixed bug is never served from an old cache)."""

from __future__ import annotations

import pytest

from tensorlift import cache
from tensorlift.api import detect
from tensorlift.common import Language
from tensorlift.options import LiftOptions

LOOP = "def f(a, n):\n    s = 0.0\n    for i in range(n):\n        s += a[i]\n    return s\n"


def only_unit(source: str):
    (unit,) = detect(source, Language.PYTHON).units
    return unit


def test_a_loop_that_only_moved_has_the_same_key() -> None:
    moved = only_unit("\n\n# a comment\n" + LOOP)
    assert cache.key(only_unit(LOOP), LiftOptions()) == cache.key(moved, LiftOptions())


def test_the_key_changes_with_options_and_with_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = only_unit(LOOP)
    base = cache.key(unit, LiftOptions())
    assert cache.key(unit, LiftOptions(bound=3)) != base
    assert cache.key(unit, LiftOptions(target="torch")) == base  # code generation is not cached
    monkeypatch.setattr(cache, "engine_fingerprint", lambda: "0.1.0+other-engine")
    assert cache.key(unit, LiftOptions()) != base
