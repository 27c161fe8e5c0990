"""Which persistent cache a run uses: one default shared with the language server, or none."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tensorlift.batch import with_cache_dir
from tensorlift.cache import default_cache_dir
from tensorlift.options import LiftOptions, LLMConfig


def test_default_is_under_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == str(tmp_path / "tensorlift")
    chosen = with_cache_dir(LiftOptions(), argparse.Namespace(no_cache=False))
    assert chosen.cache_dir == str(tmp_path / "tensorlift")


def test_home_cache_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == str(tmp_path / ".cache" / "tensorlift")


def test_explicit_folder_and_no_cache(tmp_path: Path) -> None:
    given = LiftOptions(cache_dir=str(tmp_path / "mine"))
    assert with_cache_dir(given, argparse.Namespace(no_cache=False)).cache_dir == str(tmp_path / "mine")
    assert with_cache_dir(given, argparse.Namespace(no_cache=True)).cache_dir is None


def test_llm_answers_go_next_to_the_results(tmp_path: Path) -> None:
    options = LiftOptions(cache_dir=str(tmp_path), llm=LLMConfig(base_url="http://127.0.0.1:9", model="m"))
    chosen = with_cache_dir(options, argparse.Namespace(no_cache=False))
    assert chosen.llm is not None and chosen.llm.cache_dir == str(tmp_path / "llm")
