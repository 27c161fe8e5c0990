"""`tensorlift lift` as a user runs it: the real command in a subprocess, on files the tests write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

DOT_C = """\
double dot(const double *a, const double *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
"""

SCALE_PY = """\
def scale(xs, k):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = xs[i] * k
    return out
"""

PREFIX_PY = """\
def running(xs):
    total = [0.0] * len(xs)
    total[0] = xs[0]
    for i in range(1, len(xs)):
        total[i] = total[i - 1] + xs[i]
    return total
"""


def tensorlift(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
    return subprocess.run([sys.executable, "-m", "tensorlift", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    (tmp_path / "dot.c").write_text(DOT_C)
    (tmp_path / "scale.py").write_text(SCALE_PY)
    (tmp_path / "prefix.py").write_text(PREFIX_PY)
    return tmp_path


def test_json_report_follows_the_contract(sources: Path) -> None:
    done = tensorlift("lift", str(sources / "dot.c"), str(sources / "prefix.py"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["version"] == 1
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    (dot,) = by_name["dot.c"]["units"]
    assert by_name["dot.c"]["language"] == "c"
    assert set(dot) >= {"id", "function", "range", "status", "reason", "tensir", "target", "code", "proof",
                        "seconds"}
    assert dot["status"] == "verified" and dot["function"] == "dot" and dot["reason"] is None
    assert dot["proof"]["method"] == "inductive" and dot["proof"]["bound"] is None
    assert any("overflow" in a or "real" in a for a in dot["proof"]["assumptions"])
    assert dot["proof"]["certificate"].lstrip().startswith(";")
    assert dot["range"]["start"]["line"] == 1  # zero-based: the `double s = 0.0;` that starts the unit
    (prefix,) = by_name["prefix.py"]["units"]
    assert prefix["status"] == "not-lifted" and "loop-carried" in prefix["reason"]
    assert prefix["code"] is None and prefix["proof"] is None


def test_write_rewrites_python_in_place_and_the_result_still_computes_the_same(sources: Path) -> None:
    target = sources / "scale.py"
    done = tensorlift("lift", str(target), "--write")
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert "for i in range" not in text and "import numpy as np" in text
    namespace: dict[str, object] = {}
    exec(compile(text, str(target), "exec"), namespace)
    result = namespace["scale"]([1.0, -2.0, 3.5], 2.0)  # type: ignore[operator]
    assert list(result) == [2.0, -4.0, 7.0]
    assert not [p for p in sources.iterdir() if p.name.startswith(".")], "no temporary file is left behind"


def test_two_loops_in_one_file_that_need_the_same_imports_add_them_once(tmp_path: Path) -> None:
    target = tmp_path / "two.py"
    target.write_text(SCALE_PY + "\n\n" + SCALE_PY.replace("scale", "scale_again"))
    done = tensorlift("lift", str(target), "--write", "--target", "torch")
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert text.count("for i in range") == 0 and text.count("import torch\n") == 1, text
    namespace: dict[str, object] = {}
    exec(compile(text, str(target), "exec"), namespace)
    assert list(namespace["scale_again"]([1.0, 2.0], 3.0)) == [3.0, 6.0]  # type: ignore[operator]


def test_diff_shows_the_rewrite_without_touching_the_file(sources: Path) -> None:
    before = (sources / "scale.py").read_text()
    done = tensorlift("lift", str(sources / "scale.py"), "--diff")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("--- a/") and "-    for i in range(len(xs)):" in done.stdout
    assert (sources / "scale.py").read_text() == before


def test_c_units_lifted_to_python_go_to_a_new_module(sources: Path) -> None:
    done = tensorlift("lift", str(sources / "dot.c"), "--write")
    assert done.returncode == 0, done.stderr
    assert (sources / "dot.c").read_text() == DOT_C, "a C source is not rewritten for a Python target"
    module = (sources / "dot_numpy.py").read_text()
    namespace: dict[str, object] = {}
    exec(compile(module, "dot_numpy.py", "exec"), namespace)
    import numpy as np

    functions = [v for k, v in namespace.items() if callable(v) and not k.startswith("_") and k != "np"]
    assert functions, module
    a, b = np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0])
    results = [f(a, b, 3) for f in functions]  # type: ignore[operator]
    assert any(np.isclose(float(np.asarray(r).reshape(-1)[0]), 12.0) for r in results), module


def test_missing_file_is_a_usage_error_with_the_path(tmp_path: Path) -> None:
    done = tensorlift("lift", str(tmp_path / "nope.c"))
    assert done.returncode == 1
    assert "nope.c" in done.stderr and "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_option_is_exit_code_1() -> None:
    done = tensorlift("lift", "--no-such-option", "x.c")
    assert done.returncode == 1 and "unrecognized arguments" in done.stderr


def test_bad_input_never_gives_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "binary.c").write_bytes(b"\x7fELF\x00\x01\x02" * 50)
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "broken.c").write_text("void f(int n, int *a) {\n  for (int i = 0; i <\n")
    (tmp_path / "half.py").write_text("def f(a):\n    for i in range(\n")
    latin1 = "/* caf\xe9 */\nvoid f(int n, int *a) { for (int i = 0; i < n; i++) a[i] = 0; }\n"
    (tmp_path / "latin1.c").write_bytes(latin1.encode("latin-1"))
    done = tensorlift("lift", str(tmp_path), "--json")
    assert done.returncode == 1  # the binary file is an input error
    assert "binary" in done.stderr and "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    names = {Path(f["path"]).name: f for f in report["files"]}
    assert set(names) == {"empty.py", "broken.c", "half.py", "latin1.c"}
    assert names["broken.c"]["errors"], "a syntax error is reported with its position"
    assert all(u["status"] in ("verified", "bounded", "not-lifted") for f in names.values() for u in f["units"])


def test_a_ten_thousand_line_file_is_handled(tmp_path: Path) -> None:
    body = "".join(f"int f{k}(int n, const int *a) {{\n  int s = 0;\n  for (int i = 0; i < n; i++) s += a[i];\n"
                   f"  return s;\n}}\n" for k in range(2000))
    (tmp_path / "big.c").write_text(body)
    assert body.count("\n") == 10_000
    done = tensorlift("lift", str(tmp_path / "big.c"), "--json", "--budget", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    units = json.loads(done.stdout)["files"][0]["units"]
    assert len(units) == 2000 and all(u["status"] == "verified" for u in units)
