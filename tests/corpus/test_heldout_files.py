"""Checks on the held-out kernel set (benchmarks/heldout/) itself, independent of the engine.

Every kernel compiles or byte-compiles (with the corpus test's own checks), starts with a one-line header
comment, and has a well-formed table in expected.toml (no tensir hints: the set was written without them);
not-lifted kernels sit in notlifted/ only; no file repeats a corpus kernel or one of its function names.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

# tests/corpus has no __init__.py, so pytest puts this folder on sys.path and the sibling module imports by
# name. Imported as a module (not `from ... import test_*`) so its tests are not collected a second time here.
import test_corpus_files as corpus_checks

HELDOUT = corpus_checks.REPO / "benchmarks" / "heldout"
EXPECTED = HELDOUT / "expected.toml"
FAMILIES = {"blas", "image", "dsp", "ml", "stencil", "integer"}
NOT_LIFTED_FOLDER = corpus_checks.NOT_LIFTED_FOLDER
UNIT_KEYS = corpus_checks.UNIT_KEYS - {"tensir"}
LANGUAGES = corpus_checks.LANGUAGES


def kernel_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in LANGUAGES and "__pycache__" not in p.parts)


def rel(p: Path) -> str:
    return p.relative_to(HELDOUT).as_posix()


def expected() -> dict:
    with EXPECTED.open("rb") as f:
        return corpus_checks.tomllib.load(f)


FILES = kernel_files(HELDOUT)
IDS = [rel(p) for p in FILES]


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".c"], ids=rel)
def test_c_file_compiles(path: Path) -> None:
    corpus_checks.test_c_file_compiles(path)


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".cpp"], ids=rel)
def test_cpp_file_compiles(path: Path) -> None:
    corpus_checks.test_cpp_file_compiles(path)


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".py"], ids=rel)
def test_python_file_byte_compiles(path: Path, tmp_path: Path) -> None:
    corpus_checks.test_python_file_byte_compiles(path, tmp_path)


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_header_comment(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    marker = {".c": "/*", ".cpp": "//", ".py": '"""'}[path.suffix]
    assert first.startswith(marker) and len(first) > 20, f"first line is not a one-line header comment: {first!r}"


def test_files_and_tables_match() -> None:
    data = expected()
    assert sorted(data) == IDS, (
        f"files without a table: {sorted(set(IDS) - set(data))}; tables without a file: {sorted(set(data) - set(IDS))}"
    )


@pytest.mark.parametrize("relpath", IDS)
def test_entry_is_well_formed(relpath: str) -> None:
    entry = expected()[relpath]
    assert set(entry) <= {"family", "units"}, f"unknown keys {set(entry) - {'family', 'units'}}"
    folder = relpath.split("/")[0]
    assert entry.get("family") == folder, f"family {entry.get('family')!r} does not match folder {folder!r}"
    assert folder in FAMILIES | {NOT_LIFTED_FOLDER}, f"unknown family {folder!r}"

    units = entry.get("units")
    assert isinstance(units, list) and units, "units must be a non-empty list"
    source = (HELDOUT / relpath).read_text()
    per_function: dict[str, list[int]] = {}
    for u in units:
        assert set(u) <= UNIT_KEYS, f"unknown unit keys {set(u) - UNIT_KEYS}"
        fn = u.get("function")
        assert isinstance(fn, str) and re.search(rf"\b{re.escape(fn)}\s*\(", source), f"function {fn!r} not in file"
        assert u.get("expect") in corpus_checks.STATUSES
        assert ("reason_contains" in u) == (u["expect"] == "not-lifted"), "reason_contains exactly for not-lifted"
        assert isinstance(u.get("note"), str) and u["note"].strip(), "every unit has a note"
        per_function.setdefault(fn, []).append(u.get("unit", 0))
    for fn, idx in per_function.items():
        assert idx == list(range(len(idx))), f"{fn}: unit indices must be 0, 1, ... in order, got {idx}"
    in_folder = folder == NOT_LIFTED_FOLDER
    assert in_folder == all(u["expect"] == "not-lifted" for u in units), "not-lifted kernels belong in notlifted/ only"


def test_size_and_language_mix() -> None:
    langs = Counter(LANGUAGES[p.suffix] for p in FILES)
    assert len(FILES) >= 25 and set(langs) == {"c", "cpp", "python"}, langs
    assert sum(r.startswith(NOT_LIFTED_FOLDER + "/") for r in IDS) >= 5


def test_independent_of_the_corpus() -> None:
    def body(p: Path) -> str:
        return re.sub(r"\s+", " ", p.read_text()).strip()

    corpus = kernel_files(corpus_checks.CORPUS)
    corpus_bodies = {body(p) for p in corpus}
    corpus_functions = {u["function"] for e in corpus_checks.expected().values() for u in e["units"]}
    copies = [rel(p) for p in FILES if body(p) in corpus_bodies]
    assert not copies, f"held-out files identical to corpus kernels: {copies}"
    shared = sorted({u["function"] for e in expected().values() for u in e["units"]} & corpus_functions)
    assert not shared, f"held-out functions named like corpus kernels: {shared}"


def test_no_build_droppings() -> None:
    junk = [rel(p) for p in HELDOUT.rglob("*") if p.suffix in {".o", ".pyc", ".so"} or p.name == "__pycache__"]
    assert not junk, junk
