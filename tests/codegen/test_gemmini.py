"""Gemmini: the reference header's arithmetic, and emitted C compiled with gcc and run against the original loop."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from tensorlift.codegen import Emitted, Refusal, emit, function_name
from tensorlift.codegen.cbuild import compile_and_run, missing_compiler, reference_header
from tensorlift.common import Language

from .helpers import build, differences, emitted, packs, random_int8
from .programs import PROGRAMS, Program

pytestmark = pytest.mark.skipif(missing_compiler() is not None, reason=str(missing_compiler()))


def run_c(source: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        return compile_and_run(source, Path(tmp))


# ------------------------------------------------------------------------------------------- the reference header


def test_header_compiles_strictly_on_its_own() -> None:
    out = run_c('#include <stdio.h>\n#include "gemmini.h"\nint main(void) { printf("%d\\n", DIM); return 0; }\n')
    assert out.strip() == "16"
    assert "tiled_matmul_auto" in reference_header().read_text()


def test_rounding_is_half_to_even() -> None:
    cases = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.7, 7.0]
    body = "".join(f'    printf("%.1f\\n", (double)gemmini_round_near_even({v}f));\n' for v in cases)
    out = run_c(f'#include <stdio.h>\n#include "gemmini.h"\nint main(void) {{\n{body}    return 0;\n}}\n')
    assert [float(x) for x in out.split()] == [float(np.round(np.float32(v))) for v in cases]


def test_matmul_scales_rounds_saturates_then_activates() -> None:
    # 1x1x2 products with a float scale: (a0*b0 + a1*b1) * scale, rounded half to even, clamped, ReLU last
    rows = [((100, 100), (100, 100), 1.0, 0, 127), ((-100, -100), (100, 100), 1.0, 0, -128),
            ((3, 0), (1, 0), 0.5, 0, 2), ((5, 0), (1, 0), 0.5, 0, 2), ((7, 0), (1, 0), 0.5, 0, 4),
            ((-5, 0), (1, 0), 0.5, 0, -2), ((-100, 0), (100, 0), 1.0, 1, 0), ((50, 0), (2, 0), 1.0, 1, 100)]
    lines = []
    for n, (a, b, scale, relu, _) in enumerate(rows):
        lines.append(f"    elem_t A{n}[2] = {{{a[0]}, {a[1]}}}; elem_t B{n}[2] = {{{b[0]}, {b[1]}}}; elem_t C{n}[1];")
        lines.append(f"    tiled_matmul_auto(1, 1, 2, A{n}, B{n}, NULL, C{n}, 2, 1, 1, 1, 1.0f, 1.0f, 1.0f, "
                     f"{'RELU' if relu else 'NO_ACTIVATION'}, {scale}f, 0, false, false, false, false, false, 0, WS);")
        lines.append(f'    printf("%d\\n", C{n}[0]);')
    out = run_c("#include <stdio.h>\n#include \"gemmini.h\"\nint main(void) {\n" + "\n".join(lines)
                + "\n    return 0;\n}\n")
    assert [int(x) for x in out.split()] == [r[4] for r in rows]


def test_full_c_accumulator_wraps_at_32_bits_and_bias_adds() -> None:
    source = """#include <stdio.h>
#include "gemmini.h"
int main(void) {
    elem_t A[1] = {-128}; elem_t B[1] = {-128};
    acc_t D[1] = {2147483647 - 100}; acc_t C[1];
    tiled_matmul_auto(1, 1, 1, A, B, NULL, C, 1, 1, 1, 1, 1.0f, 1.0f, 1.0f, NO_ACTIVATION, 1.0f, 0,
                      false, false, false, true, false, 0, WS);
    printf("%d\\n", C[0]);
    printf("%d\\n", gemmini_wrap_add(D[0], 16384));
    printf("%d\\n", (int)gemmini_mvin_scale(-128, -1.0f));
    elem_t a[3] = {100, -100, 7}; elem_t b[3] = {100, -100, -9}; elem_t c[3];
    tiled_resadd_auto(1, 3, 1.0f, 1.0f, 1.0f, a, b, c, false, WS);
    printf("%d %d %d\\n", c[0], c[1], c[2]);
    tiled_resadd_auto(1, 3, 1.0f, 1.0f, 1.0f, a, b, c, true, WS);
    printf("%d %d %d\\n", c[0], c[1], c[2]);
    elem_t A2[2] = {5, 7}; elem_t B2[2] = {3, 1}; acc_t C2[1];
    tiled_matmul_auto(1, 1, 2, A2, B2, NULL, C2, 2, 1, 1, 1, 0.5f, 1.0f, 1.0f, NO_ACTIVATION, 1.0f, 0,
                      false, false, false, true, false, 0, WS);
    printf("%d\\n", C2[0]);
    return 0;
}
"""
    out = run_c(source).split("\n")
    assert int(out[0]) == 16384
    assert int(out[1]) == int(np.int32(np.int64(2147483647 - 100 + 16384) - 2**32))  # wrapped
    assert int(out[2]) == 127  # -(-128) saturates
    assert out[3].split() == ["127", "-128", "-2"]
    assert out[4].split() == ["127", "0", "0"]
    assert int(out[5]) == 2 * 3 + 4 * 1  # inputs scaled by 0.5 on the way in: 2.5 -> 2, 3.5 -> 4 (half to even)


# --------------------------------------------------------------------------------------- emitted code vs C loops

GEMMINI_PROGRAMS = (
    Program("g_matmul", "C(i, j) = sum(k in 0:p, i32(A(i, k)) * i32(B(k, j)))  for i in 0:m, j in 0:n",
            {"A": "i8[m, p]", "B": "i8[p, n]", "C": "i32[m, n]", "m": "i32", "n": "i32", "p": "i32"}),
    Program("g_matmul_flat", "C(i, j) = sum(k in 0:p, i32(A(i, k)) * i32(B(k, j)))  for i in 0:m, j in 0:n",
            {"A": "i8[_, p]", "B": "i8[_, n]", "C": "i32[_, n]", "m": "i32", "n": "i32", "p": "i32"}),
    Program("g_gemv", "y(i) = sum(k in 0:p, i32(A(i, k)) * i32(x(k)))  for i in 0:m",
            {"A": "i8[m, p]", "x": "i8[p]", "y": "i32[m]", "m": "i32", "p": "i32"}),
    Program("g_dot", "s = sum(k in 0:n, i32(a(k)) * i32(b(k)))", {"a": "i8[n]", "b": "i8[n]", "n": "i32"}),
    Program("g_resadd", "c(i) = i8(i32(a(i)) + i32(b(i)))  for i in 0:n", {"a": "i8[n]", "b": "i8[n]", "c": "i8[n]",
                                                                          "n": "i32"}),
    Program("g_loops", "c(i) = select(a(i) > 0, tdiv(i32(a(i)), 3), tmod(i32(b(i)), 4))  for i in 1:n",
            {"a": "i8[n]", "b": "i8[n]", "c": "i32[n]", "n": "i32"}),
    Program("g_loops_reduce", "r(i) = max(j in 0:n, i32(A(i, j)) * 2) + min(j in 0:n, i32(A(i, j)))  for i in 0:m",
            {"A": "i8[m, n]", "r": "i32[m]", "m": "i32", "n": "i32"}),
)


@pytest.mark.parametrize("program", GEMMINI_PROGRAMS, ids=lambda p: p.name)
def test_gemmini_code_agrees_with_the_interpreter(program: Program) -> None:
    assert differences(program, "gemmini", trials=4) == []


EXPECTED_CALLS = {"g_matmul": "tiled_matmul_auto", "g_matmul_flat": "tiled_matmul_auto", "g_gemv": "tiled_matmul_auto",
                  "g_dot": "tiled_matmul_auto", "g_resadd": "tiled_resadd_auto", "g_loops": "for (long i = 1;",
                  "g_loops_reduce": "for (long j = 0;"}


@pytest.mark.parametrize("program", GEMMINI_PROGRAMS, ids=lambda p: p.name)
def test_gemmini_code_uses_the_accelerator_where_a_rule_fits(program: Program) -> None:
    result = emitted(program, "gemmini", Language.C)
    assert isinstance(result, Emitted)
    assert EXPECTED_CALLS[program.name] in result.code
    if "tiled_" in result.code:
        assert ", WS);" in result.code and result.preconditions and result.imports == ('#include "gemmini.h"',)


ORIGINAL_MATMUL = """
void original(int32_t m, int32_t n, int32_t p, int8_t A[][p], int8_t B[][n], int32_t C[][n]) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            int32_t acc = 0;
            for (int k = 0; k < p; k++) acc += A[i][k] * B[k][j];
            C[i][j] = acc;
        }
}
"""


def test_emitted_matmul_equals_the_original_c_loop_on_random_int8() -> None:
    program = GEMMINI_PROGRAMS[0]
    unit, tprogram, _ = build(program, Language.C)
    result = emit(unit, tprogram, "gemmini", packs())
    assert isinstance(result, Emitted) and result.function is not None
    rng = np.random.default_rng(7)
    m, n, p = 5, 7, 19
    a, b = random_int8(rng, (m, p)), random_int8(rng, (p, n))

    def init(name: str, arr: np.ndarray) -> str:
        rows = ", ".join("{" + ", ".join(str(int(v)) for v in row) + "}" for row in arr)
        return f"    static int8_t {name}[{arr.shape[0]}][{arr.shape[1]}] = {{{rows}}};\n"

    main = ("int main(void) {\n" + init("A", a) + init("B", b)
            + f"    static int32_t C1[{m}][{n}], C2[{m}][{n}];\n"
            + f"    original({m}, {n}, {p}, A, B, C1);\n    {function_name(unit)}({m}, {n}, {p}, A, B, C2);\n"
            + f"    for (int i = 0; i < {m}; i++) for (int j = 0; j < {n}; j++)\n"
            + "        printf(\"%d %d\\n\", C1[i][j], C2[i][j]);\n"
            + "    return 0;\n}\n")
    source = "#include <stdio.h>\n#include <stdint.h>\n" + "\n".join(result.imports) + "\n" + ORIGINAL_MATMUL + \
        result.function + main
    pairs = [tuple(map(int, line.split())) for line in run_c(source).splitlines()]
    assert len(pairs) == m * n and all(x == y for x, y in pairs)
    assert pairs[0][0] == int(a[0].astype(np.int32) @ b[:, 0].astype(np.int32))


def test_gemmini_refuses_floats_and_python_sources() -> None:
    floats = emitted(next(p for p in PROGRAMS if p.name == "matmul"), "gemmini", Language.C)
    assert isinstance(floats, Refusal) and "float" in floats.reason
    python = emitted(GEMMINI_PROGRAMS[0], "gemmini", Language.PYTHON)
    assert isinstance(python, Refusal) and "Python" in python.reason


DOT_I8 = """\
#include <stdint.h>

int32_t dot_i8(int n, const int8_t *a, const int8_t *b)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
"""


def test_a_c_source_rewritten_in_place_keeps_its_scalar_result_declared_and_compiles() -> None:
    from tensorlift.api import lift
    from tensorlift.edits import apply_edits
    from tensorlift.options import LiftOptions

    (result,) = lift(DOT_I8, Language.C, LiftOptions(target="gemmini"))
    assert result.code is not None and "tiled_matmul_auto" in result.code, result.reason
    rewritten = apply_edits(DOT_I8.encode(), result.edits).decode()
    original = DOT_I8.replace("dot_i8", "original")
    main = ("int main(void) {\n    int8_t a[9], b[9];\n"
            "    for (int i = 0; i < 9; i++) { a[i] = (int8_t)(i * 37 - 120); b[i] = (int8_t)(100 - i * 23); }\n"
            "    for (int n = 0; n <= 9; n++) printf(\"%d %d\\n\", original(n, a, b), dot_i8(n, a, b));\n"
            "    return 0;\n}\n")
    source = "#include <stdio.h>\n" + original + rewritten + main
    pairs = [tuple(map(int, line.split())) for line in run_c(source).splitlines()]
    assert len(pairs) == 10 and all(x == y for x, y in pairs), pairs
