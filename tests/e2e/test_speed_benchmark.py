"""Smoke test of benchmarks/speed_targets.py: on two small corpus files at tiny sizes it prints a table with rows,
every rewrite computes the loop's values (the script checks that at every size), and a wrong rewrite is reported
as a FAILURE with exit code 1."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tensorlift.codegen.cbuild import missing_compiler
from tensorlift.options import LiftOptions

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "benchmarks" / "corpus"
FILES = [str(CORPUS / "blas1" / "dot_lists.py"), str(CORPUS / "mllayer" / "residual_inplace.py")]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("speed_targets", ROOT / "benchmarks" / "speed_targets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["speed_targets"] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def run(bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = bench.main([*FILES, "--sizes", "100,1000", "--targets", "numpy", "--no-c", "--cache-dir", str(tmp_path)])
    return code, capsys.readouterr().out


def test_table_has_rows_and_every_rewrite_matches_its_loop(bench: ModuleType, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(bench, tmp_path, capsys)
    assert code == 0, out
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["dot"], ["add_residual"])]
    assert {(r[0], r[1]) for r in rows} == {("dot", "10^2"), ("dot", "10^3"), ("add_residual", "10^2"),
                                            ("add_residual", "10^3")}
    for row in rows:  # loop(L) loop(A) np(L) numpy, then the speed-ups: all measured, none marked
        assert not {"—", "MISMATCH", "ERROR", "n/a"} & set(row[3:]), row
        assert all(cell.endswith("x") for cell in row[-3:]), row
    assert "no failures" in out
    assert "FAILURE" not in out


def test_a_rewrite_that_computes_something_else_is_a_failure(bench: ModuleType, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    real = bench.rewritten_text

    def wrong(lifted: object, target: str) -> str:  # the rewritten dot is off by one
        text = real(lifted, target)
        if "def dot(" in text:
            text += "\n\n_dot = dot\n\n\ndef dot(xs, ys):\n    return _dot(xs, ys) + 1.0\n"
        return text

    monkeypatch.setattr(bench, "rewritten_text", wrong)
    code, out = run(bench, tmp_path, capsys)
    assert code == 1
    assert "MISMATCH" in out
    assert "FAILURE" in out and "dot n=100 [numpy]" in out


def test_inputs_follow_the_shapes_the_probe_derives(bench: ModuleType) -> None:
    from tensorlift.api import detect
    from tensorlift.common import Language

    path = CORPUS / "blas3" / "gemm_np.py"
    parsed = detect(path.read_bytes(), Language.PYTHON, str(path))
    function = parsed.functions[0]
    plan = bench.plan_inputs(function, [u for u in parsed.units if u.function == function.name])
    s = plan.scale_for(10**6)
    assert s == 1000
    assert plan.shapes(s) == {"A": (1000, 1000), "B": (1000, 1000), "C": (1000, 1000)}


@pytest.mark.skipif(missing_compiler() is not None, reason=str(missing_compiler()))
def test_c_matrix_product_rewrite_compiles_and_matches(bench: ModuleType, tmp_path: Path) -> None:
    rows, failures = bench.run_c([100], LiftOptions(budget=10.0, cache_dir=str(tmp_path)), lambda _: None)
    matmul = [r for r in rows if r[0] == "matmul_i8"]
    assert matmul and matmul[0][1] == "10x10" and "MISMATCH" not in matmul[0][3], rows
    assert not [f for f in failures if "matmul_i8" in f], failures
