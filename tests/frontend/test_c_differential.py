"""Differential tests: each kernel compiled with gcc/g++ and run, against its Kernel IR run by the interpreter, on
the same random inputs. Pointer walks, loop normal forms, push_back counters and inlined helpers must compute
what the C code computes, not just look plausible."""

from __future__ import annotations

import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tensorlift.common import Language, Position, Span
from tensorlift.frontend.c_family import parse_functions
from tensorlift.kernel.interp import Interpreter, initial_state
from tensorlift.kernel.nodes import LiftUnit, Return, Var
from tensorlift.semantics import ConcreteDomain


@dataclass(frozen=True)
class Case:
    name: str
    language: Language
    source: str
    call: str  # the call expression, in terms of the inputs' names
    scalars: dict[str, int]
    arrays: dict[str, tuple[int, ...]]  # input/output arrays and their shapes (1-D or 2-D)
    outputs: tuple[str, ...]  # arrays and by-reference scalars to compare after the call
    returns: bool = False


CASES = [
    Case("pointer_walk_reversed", Language.C, """
void kernel(int n, const int *a, const int *b, int *d) {
  const int *pa = a + n - 1;
  int *pd = d;
  for (int i = 0; i < n; i++) *pd++ = *pa-- * 2 + b[i] % 3;
}""", "kernel(n, a, b, d)", {"n": 7}, {"a": (7,), "b": (7,), "d": (7,)}, ("d",)),
    Case("pointer_walk_descending_loop", Language.C, """
void kernel(int n, const int *a, int *d) {
  int *p = d + 1;
  for (int i = n - 1; i >= 1; i--) *p++ = a[i] + i;
  for (int i = 0; i < 1; i++) *p++ = 5;
}""", "kernel(n, a, d)", {"n": 6}, {"a": (6,), "d": (7,)}, ("d",)),
    Case("loop_forms_and_reset_pointers", Language.C, """
#define W 2
void kernel(int n, int m, int *a, const int *b, int *s) {
  int i, j, *p;
  for (i = 0; i != n; i++) s[i] = 0;
  for (i = 0; i + W <= n; i += 1) {
    p = a + i * m;
    for (j = m - 1; j >= 0; --j) s[i] += p[j] * (j % 2 ? -1 : 1);
  }
  for (i = 1; n > i; i += 3) { s[i] /= 3; s[i] %= 5; }
  for (i = 0; i < n; i++) *a++ += *b++;
}""", "kernel(n, m, a, b, s)", {"n": 5, "m": 3}, {"a": (15,), "b": (5,), "s": (5,)}, ("a", "s")),
    Case("loops_over_pointers", Language.C, """
void kernel(int n, int *a, const int *b, int *c) {
  const int *end = b + n;
  int *q = c;
  for (const int *p = b + 1; p != end; ++p) *q++ = p[0] * 2 - *(p - 1);
  int *r;
  for (r = a + n - 1; r >= a; r -= 2) r[0] += 7;
  for (int *p = a; p <= a + 2; p++) *p = -*p;
}""", "kernel(n, a, b, c)", {"n": 7}, {"a": (7,), "b": (7,), "c": (6,)}, ("a", "c")),
    Case("macros", Language.C, """
#define IDX(i, j) ((i) * m + (j))
#define AT(i, j) a[IDX(i, j)]
#define SQR(x) ((x) * (x))
#define MAX(x, y) ((x) > (y) ? (x) : (y))
void kernel(int n, int m, int *a, const int *b) {
  for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) AT(i, j) = SQR(b[IDX(i, j)] - 3) + MAX(i, j);
}""", "kernel(n, m, a, b)", {"n": 3, "m": 4}, {"a": (12,), "b": (12,)}, ("a",)),
    Case("initialiser_lists_and_tables", Language.C, """
void kernel(int n, const int *x, int *y) {
  static const int w[] = {1, -2, 3};
  int m[2][3] = {{1, 2}, {4}};
  int flat[2][2] = {5, 6, 7, 8};
  for (int i = 1; i < n - 1; i++)
    y[i] = w[0] * x[i - 1] + w[1] * x[i] + w[2] * x[i + 1] + w[i % 3] + m[1][0] + m[0][2] + flat[1][i % 2];
}""", "kernel(n, x, y)", {"n": 6}, {"x": (6,), "y": (6,)}, ("y",)),
    Case("pointer_walk_nested_step", Language.C, """
void kernel(int n, int m, const int *x, int *y) {
  int *p = y;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j += 2)
      *p++ = x[i] - j;
  *p = 99;
}""", "kernel(n, m, x, y)", {"n": 3, "m": 5}, {"x": (3,), "y": (10,)}, ("y",)),
    Case("helpers_and_truncating_division", Language.C, """
static inline int clamp(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }
static int mix(int a, int b) { int t = a * 3; t -= b; return t / 4; }
void kernel(int n, const int *a, int *r) {
  for (int i = n - 1; i >= 0; i--) r[i] = clamp(a[i] / 3 - a[i] % 4, -5, 5) + mix(a[i], i);
}""", "kernel(n, a, r)", {"n": 9}, {"a": (9,), "r": (9,)}, ("r",)),
    Case("scalar_out_and_accumulators", Language.C, """
void kernel(int n, const int *x, const int *y, int *out, int *m) {
  int s = 0;
  int best = x[0];
  for (int i = 0; i <= n - 1; ++i) {
    s += x[i] * y[i];
    if (x[i] > best) best = x[i]; else if (x[i] == best) best = best + 1;
    m[i] = (x[i] > 0 && y[i] > 0) || !x[i];
  }
  *out = s - best;
}""", "kernel(n, x, y, &out, m)", {"n": 8, "out": 0}, {"x": (8,), "y": (8,), "m": (8,)}, ("out", "m")),
    Case("matrix_rows_and_memset", Language.C, """
#include <string.h>
#define N 4
void kernel(int n, int A[N][N], int *c, int *t) {
  memset(c, 0, N * sizeof(int));
  memcpy(t, c, 2 * sizeof(int));
  for (int i = 0; i < N; i++) {
    int *row = A[i];
    for (int j = 0; j < n; j++, row++) c[i] += *row * (j + 1);
  }
}""", "kernel(n, A, c, t)", {"n": 4}, {"A": (4, 4), "c": (4,), "t": (2,)}, ("c", "t")),
    Case("vector_push_back_rows", Language.CPP, """
#include <vector>
#include <algorithm>
std::vector<std::vector<int>> kernel(const std::vector<std::vector<int>>& a, int k) {
  std::vector<std::vector<int>> out;
  for (size_t i = 1; i < a.size(); i++) {
    std::vector<int> row;
    for (size_t j = 0; j < a[0].size(); j++) row.push_back(std::max(a[i][j], a[i - 1][j]) - k);
    out.push_back(row);
  }
  return out;
}""", "kernel(a, k)", {"k": 2}, {"a": (4, 3)}, (), returns=True),
    Case("vector_push_back_sized_rows", Language.CPP, """
#include <cstddef>
#include <vector>
std::vector<std::vector<int>> kernel(const std::vector<std::vector<int>>& a, int m) {
  std::vector<std::vector<int>> out;
  for (std::size_t i = 0; i < a.size(); i++) {
    std::vector<int> row(m);
    for (int j = 0; j < m; j++) row[j] = a[i][j] * 2 - j;
    out.push_back(row);
  }
  return out;
}""", "kernel(a, m)", {"m": 3}, {"a": (4, 3)}, (), returns=True),
    Case("vector_flat_push_back", Language.CPP, """
#include <vector>
std::vector<int> kernel(int n, int m, const std::vector<int>& x) {
  std::vector<int> out;
  for (int i = 1; i < n; i++)
    for (int j = m - 1; j >= 0; j -= 2)
      out.push_back(x[i * m + j] * i);
  return out;
}""", "kernel(n, m, x)", {"n": 3, "m": 4}, {"x": (12,)}, (), returns=True),
    Case("range_for_by_reference", Language.CPP, """
#include <vector>
void kernel(std::vector<int>& v, std::vector<std::vector<int>>& m, int k) {
  for (auto& x : v) x = x * k - 1;
  for (auto& row : m) for (int& e : row) e += row.size();
}""", "kernel(v, m, k)", {"k": 3}, {"v": (5,), "m": (2, 3)}, ("v", "m")),
]


def _literal(values: object) -> str:
    if isinstance(values, list):
        return "{" + ", ".join(_literal(v) for v in values) + "}"
    return str(values)


def _harness(case: Case, inputs: dict[str, object]) -> str:
    lines = [case.source, "#include <stdio.h>", "int main(void) {"]
    for name, value in case.scalars.items():
        lines.append(f"  int {name} = {value};")
    for name, shape in case.arrays.items():
        dims = "".join(f"[{n}]" for n in shape)
        if case.language is Language.CPP:
            kind = "std::vector<int>" if len(shape) == 1 else "std::vector<std::vector<int>>"
            lines.append(f"  {kind} {name} = {_literal(inputs[name])};")
        else:
            lines.append(f"  int {name}{dims} = {_literal(inputs[name])};")
    if case.returns:
        lines.append(f"  auto result = {case.call};")
    else:
        lines.append(f"  {case.call};")
    for name in case.outputs:
        if name in case.scalars:
            lines.append(f'  printf("%d\\n", {name});')
        else:
            shape = case.arrays[name]
            index = "".join(f"[k{d}]" for d in range(len(shape)))
            loops = "".join(f"for (int k{d} = 0; k{d} < {n}; k{d}++) " for d, n in enumerate(shape))
            if case.language is Language.CPP:
                loops = "".join(f"for (size_t k{d} = 0; k{d} < {name}{''.join(f'[k{e}]' for e in range(d))}.size();"
                                f" k{d}++) " for d in range(len(shape)))
            lines.append(f'  {loops}printf("%d\\n", (int){name}{index});')
    lines.append("  return 0;\n}")
    return "\n".join(lines)


def _returned_harness(case: Case, inputs: dict[str, object]) -> str:
    """C++ kernels returning vectors: print every element, rows first."""
    text = _harness(case, {**inputs})
    head, _, _ = text.partition("  auto result =")
    body = [f"  auto result = {case.call};"]
    body.append("  print(result);")
    printer = (
        "#include <cstdio>\n#include <vector>\n"
        "static void print(int x) { std::printf(\"%d\\n\", x); }\n"
        "template <class T> static void print(const std::vector<T>& v) { for (const auto& x : v) print(x); }\n"
    )
    return head.replace("#include <stdio.h>", printer) + "\n".join(body) + "\n  return 0;\n}"


def _native(case: Case, inputs: dict[str, object], tmp: Path) -> list[int]:
    compiler = "g++" if case.language is Language.CPP else "gcc"
    suffix = ".cpp" if case.language is Language.CPP else ".c"
    source = tmp / f"{case.name}{suffix}"
    source.write_text(_returned_harness(case, inputs) if case.returns else _harness(case, inputs))
    binary = tmp / case.name
    std = ["-std=c++17"] if case.language is Language.CPP else ["-std=c11"]
    subprocess.run([compiler, *std, "-O0", "-o", str(binary), str(source)], check=True, capture_output=True)
    run = subprocess.run([str(binary)], check=True, capture_output=True, text=True, timeout=30)
    return [int(line) for line in run.stdout.split()]


def _interpreted(case: Case, inputs: dict[str, object]) -> list[int]:
    functions, errors = parse_functions(case.source.encode(), case.language, f"{case.name}.c")
    assert errors == ()
    function = next(f for f in functions if f.name == "kernel")
    nowhere = Span(Position(0, 0), Position(0, 0))
    unit = LiftUnit("u", "kernel", case.language, nowhere, function.body, function.params, (), ())
    values = {p.name: inputs[p.name] for p in function.params}
    domain = ConcreteDomain()
    interp = Interpreter(domain, initial_state(unit, values, domain))
    body = function.body
    returned = body[-1] if body and isinstance(body[-1], Return) else None
    interp.run(body[:-1] if returned is not None else body)
    found: list[int] = []
    if returned is not None:
        assert isinstance(returned.value, Var)
        found += [int(x) for x in interp.state.arrays[returned.value.name].data.flat]
    for name in case.outputs:
        if name in case.scalars:
            found.append(int(interp.state.scalars[name][0]))
        else:
            found += [int(x) for x in interp.state.arrays[name].data.flat]
    return found


@pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("g++") is None, reason="needs gcc and g++")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kernel_ir_computes_what_the_compiled_code_computes(case: Case, seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    inputs: dict[str, object] = dict(case.scalars)
    for name, shape in case.arrays.items():
        if len(shape) == 1:
            inputs[name] = [rng.randint(-20, 20) for _ in range(shape[0])]
        else:
            inputs[name] = [[rng.randint(-20, 20) for _ in range(shape[1])] for _ in range(shape[0])]
    assert _interpreted(case, inputs) == _native(case, inputs, tmp_path)


def test_cases_have_no_unsupported_parts() -> None:
    for case in CASES:
        functions, _ = parse_functions(case.source.encode(), case.language, "x")
        kernel = next(f for f in functions if f.name == "kernel")
        assert "Unsupported(" not in repr(kernel.body), case.name
