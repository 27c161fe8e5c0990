"""Edits into source files: whole files compared, imports added once at the right place, indentation kept."""

from __future__ import annotations

import ast

import pytest

from tensorlift.codegen import Emitted, emit
from tensorlift.codegen.edits import PROOF_SLOT, apply_edits, edit_for, python_import_edits
from tensorlift.common import Language
from tensorlift.frontend import parse as parse_source
from tensorlift.kernel.nodes import LiftUnit
from tensorlift.tensir.nodes import TensorType
from tensorlift.tensir.parser import parse as parse_tensir

from .helpers import packs

SAXPY = b'''"""Module doc."""

from __future__ import annotations

import sys


def saxpy(a, x, y, n):
    for i in range(n):
        y[i] = a * x[i] + y[i]
    return y
'''

SAXPY_NUMPY = b'''"""Module doc."""

from __future__ import annotations

import sys
import numpy as np


def saxpy(a, x, y, n):
    y_array = np.asarray(y, dtype=np.float64)
    y_array[:n] += (a * np.asarray(x, dtype=np.float64)[:n])
    if y_array is not y:
        y[:] = y_array.tolist() if isinstance(y, list) else y_array
    return y
'''
# x and y may be lists (nothing in the loop shows they are arrays): read through np.asarray, updated in place
# through an array (see tensorlift.codegen.pylists)
SAXPY_BODY = b"\n".join(SAXPY_NUMPY.splitlines()[9:13]) + b"\n"


def unit_of(source: bytes, language: Language) -> LiftUnit:
    [unit] = parse_source(source, language, "test").units
    return unit


def env_of(unit: LiftUnit) -> dict[str, TensorType]:
    return {p.name: TensorType(p.dtype, p.rank) for p in unit.inputs}


def lifted(source: bytes, language: Language, tensir: str, target: str) -> tuple[LiftUnit, Emitted]:
    unit = unit_of(source, language)
    result = emit(unit, parse_tensir(tensir, env_of(unit)), target, packs())
    assert isinstance(result, Emitted), result
    return unit, result


def rewrite(source: bytes, language: Language, tensir: str, target: str) -> bytes:
    unit, result = lifted(source, language, tensir, target)
    plan = edit_for(unit, result, source, language, target)
    assert plan.module is None
    return apply_edits(source, plan.edits)


def test_python_unit_is_replaced_in_place_with_the_import_after_the_import_block() -> None:
    out = rewrite(SAXPY, Language.PYTHON, "y(i) = a * x(i) + y(i)  for i in 0:n", "numpy")
    assert out == SAXPY_NUMPY


def test_import_present_in_another_spelling_is_not_added_again() -> None:
    source = SAXPY.replace(b"import sys\n", b"import sys, numpy as np\n")
    out = rewrite(source, Language.PYTHON, "y(i) = y(i) + a * x(i)  for i in 0:n", "numpy")
    assert out == source.replace(b"    for i in range(n):\n        y[i] = a * x[i] + y[i]\n",
                                 SAXPY_BODY)
    twice = apply_edits(out, python_import_edits(out, ("import numpy as np",)))
    assert twice == out
    plain_numpy = SAXPY.replace(b"import sys\n", b"import numpy\n")
    assert [e.new_text for e in python_import_edits(plain_numpy, ("import numpy as np",))] == [
        "import numpy as np\n"]


def test_imports_go_after_the_docstring_when_there_is_no_import() -> None:
    source = b'"""Doc."""\n\n\ndef f(a, n):\n    s = 0\n    for i in range(n):\n        s += a[i]\n    return s\n'
    [edit] = python_import_edits(source, ("import torch",))
    out = apply_edits(source, [edit])
    assert out == b'"""Doc."""\nimport torch\n\n\ndef f(a, n):\n    s = 0\n    for i in range(n):\n' \
                  b'        s += a[i]\n    return s\n'


def test_multi_line_code_keeps_the_units_indentation() -> None:
    source = b'''import numpy as np


class K:
    def run(self, x, n):
        e = np.zeros(n)
        for i in range(n):
            e[i] = x[i] * 2.0
        return e
'''
    unit = unit_of(source, Language.PYTHON)
    program = "e(i) = 0.0  for i in 0:n\ne(i) = x(i) * 2.0  for i in 0:n"
    result = emit(unit, parse_tensir(program, env_of(unit)), "numpy", packs())
    assert isinstance(result, Emitted) and "\n" in result.code
    plan = edit_for(unit, result, source, Language.PYTHON, "numpy")
    out = apply_edits(source, plan.edits).decode()
    start = unit.span.start.line
    lines = out.splitlines()
    assert lines[:start] == source.decode().splitlines()[:start]
    assert lines[start] == " " * 8 + result.code.splitlines()[0]
    assert lines[start + 1] == " " * 8 + result.code.splitlines()[1]
    assert lines[start + 2:] == source.decode().splitlines()[unit.span.end.line + 1:]
    ast.parse(out)


MATMUL_C = b'''#include <stdint.h>
#include <stdio.h>

void mm(int m, int n, int p, int8_t A[m][p], int8_t B[p][n], int32_t C[m][n]) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            int32_t acc = 0;
            for (int k = 0; k < p; k++) {
                acc += A[i][k] * B[k][j];
            }
            C[i][j] = acc;
        }
    }
}
'''

MATMUL_GEMMINI = b'''#include <stdint.h>
#include <stdio.h>
#include "gemmini.h"

void mm(int m, int n, int p, int8_t A[m][p], int8_t B[p][n], int32_t C[m][n]) {
    tiled_matmul_auto(m, n, p, &A[0][0], &B[0][0], NULL, &C[0][0], p, n, n, n, MVIN_SCALE_IDENTITY, \
MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, NO_ACTIVATION, ACC_SCALE_IDENTITY, 0, false, false, false, true, false, \
0, WS);
}
'''

MATMUL_TENSIR = "C(i, j) = sum(k in 0:p, i32(A(i, k)) * i32(B(k, j)))  for i in 0:m, j in 0:n"


def test_c_unit_is_rewritten_in_place_for_gemmini_with_the_include_once() -> None:
    out = rewrite(MATMUL_C, Language.C, MATMUL_TENSIR, "gemmini")
    assert out == MATMUL_GEMMINI
    unit, result = lifted(MATMUL_C, Language.C, MATMUL_TENSIR, "gemmini")
    with_include = MATMUL_C.replace(b"#include <stdio.h>\n", b'#include <stdio.h>\n#include "gemmini.h"\n')
    plan = edit_for(unit, result, with_include, Language.C, "gemmini")
    assert len(plan.edits) == 1  # only the replacement: the include is there


def test_c_unit_lifted_to_python_becomes_a_new_module_function() -> None:
    unit, result = lifted(MATMUL_C, Language.C, MATMUL_TENSIR, "numpy")
    plan = edit_for(unit, result, MATMUL_C, Language.C, "numpy")
    assert plan.edits == () and plan.module is not None
    tree = ast.parse(plan.module)
    [fn] = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert fn.name == "mm_0" and [a.arg for a in fn.args.args] == ["m", "n", "p", "A", "B", "C"]
    assert PROOF_SLOT in plan.module and "import numpy as np" in plan.module
    namespace: dict[str, object] = {}
    exec(compile(plan.module, "<module>", "exec"), namespace)
    import numpy as np

    a = np.arange(6, dtype=np.int8).reshape(2, 3)
    b = np.arange(12, dtype=np.int8).reshape(3, 4)
    c = np.zeros((2, 4), dtype=np.int32)
    mm = namespace["mm_0"]
    assert callable(mm)
    assert np.array_equal(mm(2, 4, 3, a, b, c), a.astype(np.int32) @ b.astype(np.int32))


def test_gemmini_code_cannot_replace_python() -> None:
    unit = unit_of(SAXPY, Language.PYTHON)
    with pytest.raises(ValueError, match="Python unit"):
        edit_for(unit, Emitted("x", (), (), None), SAXPY, Language.PYTHON, "gemmini")
