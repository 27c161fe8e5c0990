"""A real editor as the client: headless Neovim (0.7+) opens a C and a Python file, gets tensorlift's diagnostics,
requests, resolves and applies the quick fix, and writes the buffers; the files on disk are checked here."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tensorlift.verify.recheck import check_certificate_file

LUA = Path(__file__).with_name("neovim_client.lua")

SAXPY_PY = textwrap.dedent('''\
    def saxpy(a, x, y, n):
        for i in range(n):
            y[i] = a * x[i] + y[i]
        return y
''')

SCALE_C = textwrap.dedent('''\
    /* y = alpha * x, the BLAS way */
    void sscal_copy(int n, float alpha, const float *x, float *y)
    {
        for (int i = 0; i < n; ++i)
            y[i] = alpha * x[i];
    }
''')


def test_neovim_lifts_a_python_and_a_c_file(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (Debian: apt-get install neovim)")
    py_file, c_file = tmp_path / "saxpy.py", tmp_path / "scale.c"
    py_file.write_text(SAXPY_PY, "utf-8")
    c_file.write_text(SCALE_C, "utf-8")
    env = {**os.environ, "TL_PYTHON": sys.executable, "TL_DIR": str(tmp_path),
           "TL_FILES": f"{c_file}:{py_file}", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}
    run = subprocess.run([nvim, "--headless", "--clean", "-c", f"luafile {LUA}"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    report_file = tmp_path / "report.json"
    assert report_file.exists(), f"nvim wrote no report (exit {run.returncode}): {run.stderr[-2000:]}"
    report = json.loads(report_file.read_text("utf-8"))
    assert report["ok"], f"{report['error']}\n{run.stderr[-2000:]}"
    assert run.returncode == 0

    c_entry, py_entry = report["files"]
    for entry in (c_entry, py_entry):
        assert entry["diagnostic"]["source"] == "tensorlift" and entry["diagnostic"]["code"] == "liftable"
        assert entry["diagnostic"]["severity"] == 4  # vim.diagnostic.severity.HINT
        assert entry["titles"] == ["Lift to NumPy — verified for all sizes"]
    assert py_entry["diagnostic"]["line"] == 1 and c_entry["diagnostic"]["line"] == 3

    # Python: rewritten in place, with the proof comment and the import, and still computes saxpy
    new_py = py_file.read_text("utf-8")
    assert not any(isinstance(node, ast.For) for node in ast.walk(ast.parse(new_py)))
    assert "# tensorlift: verified for all sizes (proof: .tensorlift/proofs/saxpy.saxpy-0.smt2)" in new_py
    assert new_py.startswith("import numpy as np\n")
    namespace: dict[str, Any] = {}
    exec(compile(new_py, str(py_file), "exec"), namespace)
    y = namespace["saxpy"](2.0, np.arange(4.0), np.ones(4), 4)
    assert list(y) == [1.0, 3.0, 5.0, 7.0]

    # C: untouched; the NumPy version is a new module next to it
    assert c_file.read_text("utf-8") == SCALE_C
    module = tmp_path / "scale_numpy.py"
    text = module.read_text("utf-8")
    assert "(proof: .tensorlift/proofs/scale.sscal_copy-0.smt2)" in text
    namespace = {}
    exec(compile(text, str(module), "exec"), namespace)
    function = next(v for k, v in namespace.items() if k.startswith("sscal_copy") and callable(v))
    out = function(3, 2.0, np.array([1.0, 2.0, 3.0]), np.zeros(3))
    assert list(out) == [2.0, 4.0, 6.0]

    # the certificates were written and still check
    for name in ("saxpy.saxpy-0.smt2", "scale.sscal_copy-0.smt2"):
        checked = check_certificate_file(tmp_path / ".tensorlift" / "proofs" / name)
        assert checked.ok, checked.message
    assert report["messages"] == []
