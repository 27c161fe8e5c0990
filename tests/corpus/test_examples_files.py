"""Checks on the bundled examples (examples/): they compile, have expected statuses, include a
deliberately non-liftable one, and are not copies of corpus kernels."""

from __future__ import annotations

import py_compile
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
CORPUS = REPO / "benchmarks" / "corpus"
SUFFIXES = {".c", ".cpp", ".py"}

FILES = sorted(p for p in EXAMPLES.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def expected() -> dict:
    with (EXAMPLES / "expected.toml").open("rb") as f:
        return tomllib.load(f)


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_example_count_and_languages() -> None:
    assert 6 <= len(FILES) <= 10, [p.name for p in FILES]
    assert {p.suffix for p in FILES} == SUFFIXES


def test_expected_matches_files() -> None:
    data = expected()
    assert set(data) == {p.name for p in FILES}


def test_one_example_is_not_liftable() -> None:
    data = expected()
    statuses = [u["expect"] for entry in data.values() for u in entry["units"]]
    assert "not-lifted" in statuses
    assert statuses.count("lifted") >= 5
    for entry in data.values():
        for u in entry["units"]:
            assert u["expect"] in {"lifted", "not-lifted"}
            if u["expect"] == "not-lifted":
                assert u.get("reason_contains")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_is_well_formed(path: Path, tmp_path: Path) -> None:
    text = path.read_text()
    first = text.lstrip().splitlines()[0]
    assert first.startswith(("/*", "//", '"""')), "examples start with an explanatory comment"
    for u in expected()[path.name]["units"]:
        assert re.search(rf"\b{re.escape(u['function'])}\s*\(", text)
    if path.suffix == ".py":
        py_compile.compile(str(path), cfile=str(tmp_path / "e.pyc"), doraise=True)
        return
    compiler = shutil.which("gcc" if path.suffix == ".c" else "g++")
    if compiler is None:
        pytest.skip("compiler not available")
    std = "-std=c99" if path.suffix == ".c" else "-std=c++17"
    proc = subprocess.run(
        [compiler, std, "-Wall", "-Wextra", "-Werror", "-fsyntax-only", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_examples_are_not_corpus_copies() -> None:
    corpus = {normalised(p.read_text()) for p in CORPUS.rglob("*") if p.suffix in SUFFIXES}
    copies = [p.name for p in FILES if normalised(p.read_text()) in corpus]
    assert not copies, copies
