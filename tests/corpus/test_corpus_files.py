"""Checks on the kernel corpus itself (benchmarks/corpus/), independent of the engine.

Every kernel file compiles (C: gcc -std=c99 -Wall, C++: g++ -std=c++17 -Wall, both -fsyntax-only) or
byte-compiles (Python); every file has a table in expected.toml and every table names an existing file;
families match folders; the corpus meets its size and language minimums.
"""

from __future__ import annotations

import py_compile
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "benchmarks" / "corpus"
EXPECTED = CORPUS / "expected.toml"

LANGUAGES = {".c": "c", ".cpp": "cpp", ".py": "python"}
FAMILIES = {"blas1", "blas2", "blas3", "dsp", "blend", "mllayer", "stencil", "elementwise"}
NOT_LIFTED_FOLDER = "notlifted"
HARD_FOLDER = "hard"
STATUSES = {"lifted", "not-lifted"}
UNIT_KEYS = {"function", "unit", "expect", "reason_contains", "tensir", "note"}

MIN_TOTAL = 90
MIN_HARD = 30
MIN_NOT_LIFTED = 6


def kernel_files() -> list[Path]:
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in LANGUAGES and "__pycache__" not in p.parts
    )


def rel(p: Path) -> str:
    return p.relative_to(CORPUS).as_posix()


def expected() -> dict:
    with EXPECTED.open("rb") as f:
        return tomllib.load(f)


def folder_family(relpath: str) -> str:
    parts = relpath.split("/")
    if parts[0] == HARD_FOLDER:
        assert len(parts) >= 3, f"{relpath}: hard kernels live in hard/<family>/"
        return parts[1]
    return parts[0]


FILES = kernel_files()
IDS = [rel(p) for p in FILES]


# ----------------------------------------------------------------------------- compiling


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".c"], ids=lambda p: rel(p))
def test_c_file_compiles(path: Path) -> None:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not available")
    proc = subprocess.run(
        [gcc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".cpp"], ids=lambda p: rel(p))
def test_cpp_file_compiles(path: Path) -> None:
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("g++ not available")
    proc = subprocess.run(
        [gxx, "-std=c++17", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".py"], ids=lambda p: rel(p))
def test_python_file_byte_compiles(path: Path, tmp_path: Path) -> None:
    # cfile in tmp_path so that the corpus folder never gets a __pycache__
    py_compile.compile(str(path), cfile=str(tmp_path / "k.pyc"), doraise=True)


# ----------------------------------------------------------------------------- expected.toml


def test_expected_toml_parses() -> None:
    data = expected()
    assert data, "expected.toml is empty"


def test_every_file_has_an_entry() -> None:
    data = expected()
    missing = [r for r in IDS if r not in data]
    assert not missing, f"kernel files without a table in expected.toml: {missing}"


def test_every_entry_names_a_file() -> None:
    data = expected()
    stale = [k for k in data if not (CORPUS / k).is_file()]
    assert not stale, f"expected.toml tables for missing files: {stale}"


@pytest.mark.parametrize("relpath", IDS)
def test_entry_is_well_formed(relpath: str) -> None:
    entry = expected()[relpath]
    assert set(entry) <= {"family", "units"}, f"unknown keys {set(entry) - {'family', 'units'}}"
    family = entry.get("family")
    want = folder_family(relpath)
    assert family == want, f"family {family!r} does not match folder {want!r}"
    assert family in FAMILIES | {NOT_LIFTED_FOLDER}, f"unknown family {family!r}"

    units = entry.get("units")
    assert isinstance(units, list) and units, "units must be a non-empty list"
    source = (CORPUS / relpath).read_text()
    per_function: dict[str, list[int]] = {}
    for u in units:
        assert isinstance(u, dict)
        assert set(u) <= UNIT_KEYS, f"unknown unit keys {set(u) - UNIT_KEYS}"
        fn = u.get("function")
        assert isinstance(fn, str) and fn, "unit without function"
        assert re.search(rf"\b{re.escape(fn)}\s*\(", source), f"function {fn!r} not defined in the file"
        assert u.get("expect") in STATUSES, f"expect must be one of {STATUSES}"
        if u["expect"] == "not-lifted":
            assert isinstance(u.get("reason_contains"), str) and u["reason_contains"], (
                "not-lifted units need reason_contains"
            )
        else:
            assert "reason_contains" not in u
        for key in ("tensir", "note"):
            if key in u:
                assert isinstance(u[key], str) and u[key].strip()
        per_function.setdefault(fn, []).append(u.get("unit", 0))
    for fn, idx in per_function.items():
        assert idx == list(range(len(idx))), f"{fn}: unit indices must be 0, 1, ... in order, got {idx}"

    # not-lifted kernels sit in their own folder and nowhere else
    in_folder = relpath.startswith(NOT_LIFTED_FOLDER + "/")
    all_not_lifted = all(u["expect"] == "not-lifted" for u in units)
    assert in_folder == all_not_lifted, "not-lifted kernels belong in notlifted/, and only there"


# ----------------------------------------------------------------------------- counts


def test_minimum_counts() -> None:
    hard = [r for r in IDS if r.startswith(HARD_FOLDER + "/")]
    not_lifted = [r for r in IDS if r.startswith(NOT_LIFTED_FOLDER + "/")]
    regular = [r for r in IDS if r not in hard and r not in not_lifted]
    assert len(regular) >= MIN_TOTAL, f"{len(regular)} regular kernels, want >= {MIN_TOTAL}"
    assert len(hard) >= MIN_HARD, f"{len(hard)} hard kernels, want >= {MIN_HARD}"
    assert len(not_lifted) >= MIN_NOT_LIFTED, f"{len(not_lifted)} not-liftable kernels"


def test_every_family_is_covered_in_both_sets() -> None:
    regular = Counter(folder_family(r) for r in IDS if not r.startswith((HARD_FOLDER, NOT_LIFTED_FOLDER)))
    hard = Counter(folder_family(r) for r in IDS if r.startswith(HARD_FOLDER + "/"))
    assert set(regular) == FAMILIES, f"families without regular kernels: {FAMILIES - set(regular)}"
    assert set(hard) == FAMILIES, f"families without hard kernels: {FAMILIES - set(hard)}"
    assert min(regular.values()) >= 8, regular


def test_language_mix() -> None:
    langs = Counter(LANGUAGES[p.suffix] for p in FILES)
    assert set(langs) == {"c", "cpp", "python"}, langs
    total = sum(langs.values())
    # roughly 45% C, 20% C++, 35% Python: allow generous slack
    assert 0.35 <= langs["c"] / total <= 0.55, langs
    assert 0.12 <= langs["cpp"] / total <= 0.30, langs
    assert 0.25 <= langs["python"] / total <= 0.45, langs


def test_no_build_droppings() -> None:
    junk = [rel(p) for p in CORPUS.rglob("*") if p.suffix in {".o", ".pyc"} or p.name == "__pycache__"]
    assert not junk, junk
