"""The C/C++ frontend on small kernels: each construct of legacy code and the Kernel IR it must become."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tensorlift.common import BinOp, DType, Language, Position, Span, UnOp
from tensorlift.frontend.c_family import parse_functions
from tensorlift.kernel.nodes import (
    Alloc,
    Assign,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    For,
    If,
    KernelFunction,
    Load,
    Param,
    Return,
    Select,
    Stmt,
    Store,
    Unary,
    Unsupported,
    Var,
    VarRef,
)

I32, I64, F32, F64, BOOL = DType.I32, DType.I64, DType.F32, DType.F64, DType.BOOL
NOWHERE = Span(Position(0, 0), Position(0, 0))


# ------------------------------------------------------------------------------------------------- helpers


def functions(source: str, language: Language = Language.C) -> dict[str, KernelFunction]:
    found, errors = parse_functions(source.encode(), language, "test.c")
    assert errors == (), errors
    return {f.name: f for f in found}


def body(source: str, name: str | None = None, language: Language = Language.C) -> tuple[Stmt, ...]:
    """The function's body with spans blanked, so expected trees can be written without positions."""
    found = functions(source, language)
    function = found[name] if name is not None else next(iter(found.values()))
    return tuple(blank(s) for s in function.body)


def cpp(source: str, name: str | None = None) -> tuple[Stmt, ...]:
    return body(source, name, Language.CPP)


def blank(stmt: Stmt) -> Stmt:
    match stmt:
        case For():
            return replace(stmt, body=tuple(blank(s) for s in stmt.body), span=NOWHERE)
        case If():
            return replace(stmt, then=tuple(blank(s) for s in stmt.then),
                           else_=tuple(blank(s) for s in stmt.else_), span=NOWHERE)
        case _:
            return replace(stmt, span=NOWHERE)


def unsupported(stmts: tuple[Stmt, ...]) -> list[str]:
    """Every Unsupported reason anywhere in `stmts`."""
    reasons: list[str] = []
    for stmt in stmts:
        match stmt:
            case Unsupported():
                reasons.append(stmt.reason)
            case For():
                reasons += unsupported(stmt.body)
            case If():
                reasons += unsupported(stmt.then) + unsupported(stmt.else_)
    return reasons


def v(name: str, dtype: DType = I32) -> Var:
    return Var(name, dtype)


def c(value: int | float, dtype: DType = I32) -> Const:
    return Const(value, dtype)


def ld(array: str, *indices: Expr, dtype: DType = I32) -> Load:
    return Load(array, indices, dtype)


def st(array: str, *indices: Expr, dtype: DType = I32) -> Store:
    return Store(array, indices, dtype)


def b(op: BinOp, lhs: Expr, rhs: Expr, dtype: DType | None = None) -> Bin:
    if dtype is None:
        dtype = BOOL if op.is_comparison or op.is_logical else lhs.dtype
    return Bin(op, lhs, rhs, dtype)


def assign(target: VarRef | Store, value: Expr) -> Assign:
    return Assign(target, value, NOWHERE)


def loop(var: str, start: Expr, stop: Expr, step: int, *stmts: Stmt) -> For:
    return For(var, start, stop, step, stmts, NOWHERE)


ADD, SUB, MUL = BinOp.ADD, BinOp.SUB, BinOp.MUL
i, j, n, m = v("i"), v("j"), v("n"), v("m")


# ------------------------------------------------------------------------------------------------ loops


def test_elementwise_add_is_one_indexed_loop() -> None:
    src = "void add(int n, const float *a, const float *b, float *restrict c) {\n" \
          "  for (int i = 0; i < n; ++i) c[i] = a[i] + b[i];\n}\n"
    assert body(src) == (
        loop("i", c(0), n, 1,
             assign(st("c", i, dtype=F32), b(ADD, ld("a", i, dtype=F32), ld("b", i, dtype=F32)))),
    )


@pytest.mark.parametrize(
    ("header", "start", "stop", "step"),
    [
        ("int i = 0; i < n; ++i", c(0), n, 1),
        ("int i = 0; i < n; i++", c(0), n, 1),
        ("int i = 0; i < n; i += 2", c(0), n, 2),
        ("int i = 0; i <= n; i++", c(0), b(ADD, n, c(1)), 1),
        ("int i = n - 1; i >= 0; i--", b(SUB, n, c(1)), c(-1), -1),
        ("int i = 0; i != n; i++", c(0), n, 1),
        ("int i = 0; n > i; i++", c(0), n, 1),
        ("int i = 1; i < 2 * n; i = i + 3", c(1), b(MUL, c(2), n), 3),
        ("int i = 0; i < n - 1; i++", c(0), b(SUB, n, c(1)), 1),
        ("int i = n; i > 0; i -= 2", n, c(0), -2),
        ("int i = 0; i <= n - 1; i++", c(0), n, 1),
    ],
)
def test_loop_headers_normalise_to_range(header: str, start: Expr, stop: Expr, step: int) -> None:
    src = f"void f(int n, int *a) {{ for ({header}) a[i] = 1; }}"
    assert body(src) == (loop("i", start, stop, step, assign(st("a", i), c(1))),)


def test_loop_variable_declared_earlier() -> None:
    src = "void f(int n, int *a) { int i; for (i = 0; i < n; i++) a[i] = i; }"
    assert body(src) == (loop("i", c(0), n, 1, assign(st("a", i), i)),)


def test_unsigned_loop_counter_start_has_its_type() -> None:
    (stmt,) = body("void f(unsigned long n, int *a) { for (size_t i = 0; i < n; i++) a[i] = 0; }")
    assert isinstance(stmt, For)
    assert stmt.start == Const(0, DType.U64)


@pytest.mark.parametrize(
    ("snippet", "words"),
    [
        ("for (int i = 0; i < n; i++) { a[i] = 0; i++; }", "modifies the loop variable `i`"),
        ("for (int i = 0; i < n; i++) { n--; }", "modifies `n`"),
        ("for (int i = 0; a[i]; i++) a[i] = 0;", "is not a comparison"),
        ("for (;;) { }", "without an initialiser"),
        ("int i = 0; while (i < n) { a[i] = 0; i++; }", "`while` loops are not supported; rewrite as a `for` loop"),
        ("int i = 0; do { a[i] = 0; } while (++i < n);", "`do`"),
        ("for (int i = 0; i < n; i++) { if (a[i]) break; }", "`break`"),
        ("for (int i = 0; i < n; i++) { if (a[i]) continue; }", "`continue`"),
        ("goto out; out: return;", "`goto`"),
        ("switch (n) { case 1: a[0] = 1; }", "`switch`"),
        ("a[0] = n << 2;", "bit operation `<<`"),
        ("a[0] = n & 1;", "bit operation `&`"),
        ("a[0] = foo(n);", "`foo`"),
        ("a[0] = g_undeclared[n];", "`g_undeclared` is not declared"),
        ("float m = -INFINITY;", "`INFINITY` has no value in the real-number model"),
        ("int i = 0; for (; i < n; i++) a[i] = 0;", "without an initialiser"),
        ("for (int i = 0; i < n; i = i * 2) a[i] = 0;", "does not step `i`"),
        ("int *p; for (int i = 0, *q = a; i < n; i++) a[i] = 0;", "does not declare integer scalars"),
    ],
)
def test_unsupported_constructs_name_themselves_and_their_line(snippet: str, words: str) -> None:
    stmts = body(f"void f(int n, int *a)\n{{\n  {snippet}\n}}\n")
    reasons = unsupported(stmts)
    assert any(words in reason for reason in reasons), reasons
    assert all(reason.startswith("line 3: ") for reason in reasons), reasons


def test_unsupported_statement_leaves_the_rest_of_the_function() -> None:
    stmts = body("void f(int n, int *a) { a[0] = 1; while (n) n--; a[1] = 2; }")
    assert stmts[0] == assign(st("a", c(0)), c(1))
    assert isinstance(stmts[1], Unsupported)
    assert stmts[2] == assign(st("a", c(1)), c(2))


# ---------------------------------------------------------------------------------------------- pointers


def test_pointer_walk_becomes_indexed_accesses() -> None:
    src = """
    void vadd(int *a, int *b, int *d, int n) {
      int i, *pa = a, *pb = b, *pd = d;
      for (i = 0; i < n; i++) *pd++ = *pa++ + *pb++;
    }"""
    assert body(src) == (loop("i", c(0), n, 1, assign(st("d", i), b(ADD, ld("a", i), ld("b", i)))),)


def test_pointer_offsets_and_pointer_arithmetic() -> None:
    src = """
    void f(int n, int k, float *x, float *y) {
      float *p = x + k;
      for (int i = 0; i < n; i++) y[i] = p[i] + *(x + i) + *(p - 1);
    }"""
    k = v("k")
    value = b(ADD, b(ADD, ld("x", b(ADD, k, i), dtype=F32), ld("x", i, dtype=F32)),
              ld("x", b(SUB, k, c(1)), dtype=F32))
    assert body(src) == (loop("i", c(0), n, 1, assign(st("y", i, dtype=F32), value)),)


def test_pointer_walk_in_loop_not_starting_at_zero_and_after_the_loop() -> None:
    src = """
    void f(int n, int *a, int *out) {
      int *p = out;
      for (int i = 2; i < n; i++) *p++ = a[i];
      *p = 0;
    }"""
    assert body(src) == (
        loop("i", c(2), n, 1, assign(st("out", b(SUB, i, c(2))), ld("a", i))),
        assign(st("out", b(SUB, n, c(2))), c(0)),
    )


def test_pointer_walk_through_nested_loops() -> None:
    src = """
    void f(int n, int m, const int *x, int *y) {
      int *p = y;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
          *p++ = x[i];
    }"""
    assert body(src) == (
        loop("i", c(0), n, 1, loop("j", c(0), m, 1, assign(st("y", b(ADD, b(MUL, i, m), j)), ld("x", i)))),
    )


def test_pointer_walk_with_a_descending_loop() -> None:
    src = "void rev(int n, int *a, int *d) { int *p = d; for (int i = n - 1; i >= 0; i--) *p++ = a[i]; }"
    assert body(src) == (
        loop("i", b(SUB, n, c(1)), c(-1), -1, assign(st("d", b(SUB, b(SUB, n, c(1)), i)), ld("a", i))),
    )


def test_row_pointer_and_address_of_element() -> None:
    src = """
    void f(int n, int **A, int *x) {
      for (int i = 0; i < n; i++) {
        int *row = A[i];
        int *q = &x[1];
        for (int j = 0; j < n; j++) row[j] = q[j];
      }
    }"""
    assert body(src) == (loop("i", c(0), n, 1, loop("j", c(0), n, 1,
                                                   assign(st("A", i, j), ld("x", b(ADD, c(1), j))))),)


def test_pointer_moved_conditionally_is_unsupported() -> None:
    stmts = body("void f(int n, int *a) { int *p = a; for (int i = 0; i < n; i++) if (i > 2) *p++ = 0; }")
    assert any("moved conditionally" in r for r in unsupported(stmts))


def test_comma_update_moves_pointer_each_iteration() -> None:
    src = "void f(int n, int *a, int *b) { int *p = b; for (int i = 0; i < n; i++, p++) *p = a[i]; }"
    assert body(src) == (loop("i", c(0), n, 1, assign(st("b", i), ld("a", i))),)


def test_flattened_index_is_kept_as_written() -> None:
    src = "void f(int n, int m, float *A, float *x) { for (int i = 0; i < n; i++) " \
          "for (int j = 0; j < m; j++) x[i] += A[i*m + j]; }"
    xi = ld("x", i, dtype=F32)
    assert body(src) == (loop("i", c(0), n, 1, loop("j", c(0), m, 1, assign(
        st("x", i, dtype=F32), b(ADD, xi, ld("A", b(ADD, b(MUL, i, m), j), dtype=F32))))),)


# ------------------------------------------------------------------------------------- arrays and params


def test_two_dimensional_params_and_constants() -> None:
    src = """
    #define N 16
    enum { M = 8, P };
    static const int Q = 3;
    void f(int **A, int a[N][M], long s[][P], int n) {
      for (int i = 0; i < N; i++) A[i][0] = a[i][1] + Q + P;
    }"""
    function = functions(src)["f"]
    params = {p.name: p for p in function.params}
    assert params["A"] == Param("A", "array", I32, 2)
    assert params["a"] == Param("a", "array", I32, 2, (c(16), c(8)))
    assert params["s"] == Param("s", "array", I64, 2, (None, c(9)))
    value = b(ADD, ld("a", i, c(1)), c(12))  # (a[i][1] + 3) + 9: constants fold
    assert tuple(blank(s) for s in function.body) == (loop("i", c(0), c(16), 1, assign(st("A", i, c(0)), value)),)


def test_define_with_an_expression_and_local_const() -> None:
    src = "#define N (4 * 4)\n#define HALF (N / 2)\n" \
          "void f(int *a) { const int K = 2; for (int i = 0; i < HALF; i++) a[i] = K; }"
    assert body(src) == (loop("i", c(0), c(8), 1, assign(st("a", i), c(2))),)


def test_param_kinds_and_dtypes() -> None:
    src = "void f(const double *x, float *restrict y, unsigned char *u, int8_t *q, size_t n, long k, " \
          "short s, int *out) { *out = 1; }"
    params = functions(src)["f"].params
    assert [(p.name, p.kind, p.dtype) for p in params] == [
        ("x", "array", F64), ("y", "array", F32), ("u", "array", DType.U8), ("q", "array", DType.I8),
        ("n", "scalar", DType.U64), ("k", "scalar", I64), ("s", "scalar", DType.I16), ("out", "scalar", I32),
    ]
    assert params[-1].by_reference


def test_scalar_out_param_is_var() -> None:
    src = "void dot(int n, const int *x, const int *y, int *out) {\n" \
          "  int s = 0;\n  for (int k = 0; k < n; k++) s += x[k] * y[k];\n  *out = s;\n}"
    k, s = v("k"), v("s")
    assert body(src) == (
        assign(VarRef("s", I32), c(0)),
        loop("k", c(0), n, 1, assign(VarRef("s", I32), b(ADD, s, b(MUL, ld("x", k), ld("y", k))))),
        assign(VarRef("out", I32), s),
    )


def test_output_pointer_indexed_beyond_zero_stays_an_array() -> None:
    params = functions("void f(int *out) { out[0] = 1; out[1] = 2; }")["f"].params
    assert params == (Param("out", "array", I32, 1),)


def test_locals_are_recorded_with_types() -> None:
    src = "void f(int n, float *a) { float t = 0; int buf[4][5]; for (int i = 0; i < n; i++) t += a[i]; }"
    locals_ = {p.name: p for p in functions(src)["f"].locals}
    assert locals_["t"] == Param("t", "scalar", F32)
    assert locals_["buf"] == Param("buf", "array", I32, 2, (c(4), c(5)))
    assert locals_["i"] == Param("i", "scalar", I32)


# ---------------------------------------------------------------------------------------------- allocation


@pytest.mark.parametrize(
    ("init", "fill"),
    [
        ("(int*)malloc(n * sizeof(int))", None),
        ("malloc(sizeof(int) * n)", None),
        ("calloc(n, sizeof(int))", c(0)),
        ("new int[n]", None),
        ("new int[n]()", c(0)),
    ],
)
def test_allocations(init: str, fill: Const | None) -> None:
    src = f"int *f(int n, int *a) {{ int *r = {init}; for (int i = 0; i < n; i++) r[i] = a[i] * 2; return r; }}"
    assert body(src, language=Language.CPP) == (
        Alloc("r", (n,), I32, fill, NOWHERE),
        loop("i", c(0), n, 1, assign(st("r", i), b(MUL, ld("a", i), c(2)))),
        Return(v("r"), NOWHERE),
    )


def test_local_fixed_array_with_zero_initialiser() -> None:
    stmts = body("#define N 4\nvoid f(void) { int h[N] = {0}; float g[N][2]; }")
    assert stmts == (Alloc("h", (c(4),), I32, c(0), NOWHERE), Alloc("g", (c(4), c(2)), F32, None, NOWHERE))


# ----------------------------------------------------------------------------------- statements and typing


def test_compound_assignments_and_increments() -> None:
    src = """
    void f(int n, int *a, float *x) {
      int s = 0;
      for (int i = 0; i < n; i++) { a[i] -= 1; a[i] *= 3; a[i] /= 2; a[i] %= 5; a[i]++; --s; x[i] /= 2; }
    }"""
    ai = ld("a", i)
    assert body(src)[1] == loop("i", c(0), n, 1,
        assign(st("a", i), b(SUB, ai, c(1))),
        assign(st("a", i), b(MUL, ai, c(3))),
        assign(st("a", i), b(BinOp.DIV_TRUNC, ai, c(2))),
        assign(st("a", i), b(BinOp.MOD_TRUNC, ai, c(5))),
        assign(st("a", i), b(ADD, ai, c(1))),
        assign(VarRef("s", I32), b(SUB, v("s"), c(1))),
        assign(st("x", i, dtype=F32), b(BinOp.DIV_REAL, ld("x", i, dtype=F32), c(2.0, F32))),
    )


def test_if_else_chain_and_conditional_operator() -> None:
    src = """
    void f(int n, int *a, int *r) {
      for (int i = 0; i < n; i++) {
        if (a[i] > 0) r[i] = 1; else if (!a[i]) r[i] = 0; else r[i] = a[i] < -5 ? -5 : a[i];
      }
    }"""
    ai = ld("a", i)
    inner_if = If(Unary(UnOp.NOT, b(BinOp.NE, ai, c(0)), BOOL), (assign(st("r", i), c(0)),),
                  (assign(st("r", i), Select(b(BinOp.LT, ai, c(-5)), c(-5), ai, I32)),), NOWHERE)
    assert body(src) == (loop("i", c(0), n, 1, If(b(BinOp.GT, ai, c(0)), (assign(st("r", i), c(1)),),
                                                   (inner_if,), NOWHERE)),)


def test_local_temporaries_and_several_loop_nests() -> None:
    src = """
    int f(int n, int *a, int *c) {
      for (int i = 0; i < n; i++) { int t = a[i] * 2; c[i] = t + 1; }
      int s = 0;
      for (int i = 0; i < n; i++) s += c[i];
      return s;
    }"""
    t = v("t")
    assert body(src) == (
        loop("i", c(0), n, 1, assign(VarRef("t", I32), b(MUL, ld("a", i), c(2))), assign(st("c", i), b(ADD, t, c(1)))),
        assign(VarRef("s", I32), c(0)),
        loop("i", c(0), n, 1, assign(VarRef("s", I32), b(ADD, v("s"), ld("c", i)))),
        Return(v("s"), NOWHERE),
    )


def test_typing_follows_c() -> None:
    src = """
    double f(int n, int k, float x, double y, long w) {
      float a = x / 2;
      int q = n / k;
      double r = y / n;
      long z = w + n;
      float e = (float)n;
      return n < k && x > 0;
    }"""
    stmts = body(src)
    assert stmts[0] == assign(VarRef("a", F32), b(BinOp.DIV_REAL, v("x", F32), c(2.0, F32)))
    assert stmts[1] == assign(VarRef("q", I32), b(BinOp.DIV_TRUNC, n, v("k")))
    assert stmts[2] == assign(VarRef("r", F64), b(BinOp.DIV_REAL, v("y", F64), Cast(n, F64)))
    assert stmts[3] == assign(VarRef("z", I64), Bin(ADD, v("w", I64), n, I64))
    assert stmts[4] == assign(VarRef("e", F32), Cast(n, F32))
    cond = Bin(BinOp.AND, b(BinOp.LT, n, v("k")), b(BinOp.GT, v("x", F32), c(0.0, F32)), BOOL)
    assert stmts[5] == Return(Cast(cond, F64), NOWHERE)


def test_math_calls_are_canonical() -> None:
    src = """
    void f(int n, float *x, double *y, int *z) {
      for (int i = 0; i < n; i++) {
        x[i] = sqrtf(x[i]) + fabsf(x[i]) + expf(x[i]);
        y[i] = sqrt(x[i]) + pow(y[i], 2) + fmax(y[i], 0.0) + MIN(y[i], 1.0);
        z[i] = abs(z[i]);
      }
    }"""
    (stmt,) = body(src)
    assert isinstance(stmt, For)
    xi, yi = ld("x", i, dtype=F32), ld("y", i, dtype=F64)
    x_value = b(ADD, b(ADD, Call("sqrt", (xi,), F32), Call("abs", (xi,), F32)), Call("exp", (xi,), F32))
    assert stmt.body[0] == assign(st("x", i, dtype=F32), x_value)
    y_value = b(ADD, b(ADD, b(ADD, Call("sqrt", (Cast(xi, F64),), F64), Call("pow", (yi, c(2.0, F64)), F64)),
                        b(BinOp.MAX, yi, c(0.0, F64))), b(BinOp.MIN, yi, c(1.0, F64)))
    assert stmt.body[1] == assign(st("y", i, dtype=F64), y_value)
    assert stmt.body[2] == assign(st("z", i), Call("abs", (ld("z", i),), I32))


def test_straight_line_helper_is_inlined() -> None:
    src = """
    static inline int clamp(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }
    static int sq(int x) { int y = x * x; y += 1; return y; }
    void f(int n, int *a, int *r) { for (int i = 0; i < n; i++) r[i] = clamp(a[i], 0, 255) + sq(i); }
    """
    ai = ld("a", i)
    clamped = Select(b(BinOp.LT, ai, c(0)), c(0), Select(b(BinOp.GT, ai, c(255)), c(255), ai, I32), I32)
    squared = b(ADD, b(MUL, i, i), c(1))
    assert body(src, "f") == (loop("i", c(0), n, 1, assign(st("r", i), b(ADD, clamped, squared))),)


def test_helpers_that_cannot_be_inlined_are_named() -> None:
    src = """
    int total(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
    int rec(int x) { return rec(x - 1); }
    void f(int n, int *a, int *r) { r[0] = total(a, n); r[1] = rec(n); }
    """
    reasons = unsupported(body(src, "f"))
    assert any("`total`" in reason for reason in reasons)
    assert any("`rec`" in reason for reason in reasons)


def test_pragmas_and_comments_are_ignored() -> None:
    src = "void f(int n, int *a) {\n  // zero\n#pragma omp parallel for\n  for (int i = 0; i < n; i++) a[i] = 0;\n}"
    assert body(src) == (loop("i", c(0), n, 1, assign(st("a", i), c(0))),)


# --------------------------------------------------------------------------------------------------- C++


def test_vector_params_and_methods() -> None:
    src = """
    #include <vector>
    void f(std::vector<int> v, const std::vector<float>& w, std::vector<std::vector<int>> &m, int &s) {
      for (int i = 0; i < v.size(); i++) s += v.at(i) + m[0].size() + m[i].size() + w.size();
    }"""
    found = functions(src, Language.CPP)["f"]
    assert found.params == (
        Param("v", "array", I32, 1), Param("w", "array", F32, 1, by_reference=True),
        Param("m", "array", I32, 2, by_reference=True), Param("s", "scalar", I32, by_reference=True),
    )
    rhs = Bin(ADD, Bin(ADD, Bin(ADD, ld("v", i), Dim("m", 1), I64), Dim("m", 1), I64), Dim("w", 0), I64)
    value = Bin(ADD, v("s"), rhs, I64)
    assert tuple(blank(s) for s in found.body) == (
        loop("i", c(0), Dim("v", 0), 1, assign(VarRef("s", I32), Cast(value, I32))),
    )


def test_range_for_and_push_back() -> None:
    src = """
    std::vector<int> relu(const std::vector<int>& v) {
      std::vector<int> out;
      for (auto x : v) out.push_back(std::max(x, 0));
      return out;
    }"""
    k = Var("i", I64)
    assert cpp(src) == (
        Alloc("out", (Dim("v", 0),), I32, None, NOWHERE),
        For("i", c(0, I64), Dim("v", 0), 1,
            (assign(st("out", k), b(BinOp.MAX, ld("v", k), c(0))),), NOWHERE),
        Return(v("out"), NOWHERE),
    )


def test_push_back_counter_over_two_loops() -> None:
    src = """
    std::vector<float> f(int n, int m, const float *x) {
      std::vector<float> out;
      for (int i = 1; i < n; i++)
        for (int j = 0; j < m; j++)
          out.push_back(x[i * m + j] * 2);
      return out;
    }"""
    counter = b(ADD, b(MUL, b(SUB, i, c(1)), m), j)
    value = b(MUL, ld("x", b(ADD, b(MUL, i, m), j), dtype=F32), c(2.0, F32))
    assert cpp(src) == (
        Alloc("out", (b(MUL, b(SUB, n, c(1)), m),), F32, None, NOWHERE),
        loop("i", c(1), n, 1, loop("j", c(0), m, 1, assign(st("out", counter, dtype=F32), value))),
        Return(Var("out", F32), NOWHERE),
    )


def test_push_back_of_rows_builds_a_matrix() -> None:
    src = """
    using namespace std;
    vector<vector<int>> f(const vector<vector<int>>& a, int n, int m) {
      vector<vector<int>> out;
      for (int i = 0; i < n; i++) {
        vector<int> row;
        for (int j = 0; j < m; j++) row.push_back(a[i][j] + 1);
        out.push_back(row);
      }
      return out;
    }"""
    assert cpp(src) == (
        Alloc("out", (n, m), I32, None, NOWHERE),
        loop("i", c(0), n, 1, loop("j", c(0), m, 1, assign(st("out", i, j), b(ADD, ld("a", i, j), c(1))))),
        Return(v("out"), NOWHERE),
    )


def test_conditional_push_back_is_a_filter() -> None:
    src = """
    std::vector<int> f(const std::vector<int>& v) {
      std::vector<int> out;
      for (int x : v) if (x > 0) out.push_back(x);
      return out;
    }"""
    reasons = unsupported(cpp(src))
    assert any("conditional push_back builds a variable-length result; not a tensor operation" in r
               for r in reasons)


def test_sized_vectors() -> None:
    src = """
    void f(int n, int m) {
      std::vector<int> a(n);
      std::vector<double> b(n, 1.5);
      std::vector<std::vector<float>> c(n, std::vector<float>(m, 2));
      std::vector<std::vector<int>> d(n, std::vector<int>(m));
    }"""
    assert cpp(src) == (
        Alloc("a", (n,), I32, c(0), NOWHERE),
        Alloc("b", (n,), F64, c(1.5, F64), NOWHERE),
        Alloc("c", (n, m), F32, c(2.0, F32), NOWHERE),
        Alloc("d", (n, m), I32, c(0), NOWHERE),
    )


def test_range_for_over_rows_by_reference() -> None:
    src = """
    void scale(std::vector<std::vector<float>>& m, float k) {
      for (auto& row : m) for (float& x : row) x *= k;
    }"""
    (outer,) = cpp(src)
    assert isinstance(outer, For)
    assert outer.stop == Dim("m", 0)
    (inner,) = outer.body
    assert isinstance(inner, For)
    assert inner.stop == Dim("m", 1)
    element = ld("m", Var(outer.var, I64), Var(inner.var, I64), dtype=F32)
    assert inner.body == (assign(st("m", Var(outer.var, I64), Var(inner.var, I64), dtype=F32),
                                 b(MUL, element, v("k", F32))),)


def test_std_math_follows_argument_type_in_cpp() -> None:
    src = "void f(int n, float *x) { for (int i = 0; i < n; i++) x[i] = std::sqrt(x[i]) + std::exp(x[i]) " \
          "+ std::abs(x[i]) + std::min(x[i], 1.0f); }"
    (stmt,) = cpp(src)
    assert isinstance(stmt, For)
    xi = ld("x", i, dtype=F32)
    value = b(ADD, b(ADD, b(ADD, Call("sqrt", (xi,), F32), Call("exp", (xi,), F32)), Call("abs", (xi,), F32)),
              b(BinOp.MIN, xi, c(1.0, F32)))
    assert stmt.body == (assign(st("x", i, dtype=F32), value),)


def test_cpp_casts_aliases_and_vexing_constructor() -> None:
    src = """
    using Image = std::vector<std::vector<float>>;
    typedef double real;
    void f(const Image &a, Image &out, real *r, int rows, int cols) {
      std::vector<float> flat(rows * cols);
      for (std::size_t y = 0; y < a.size(); ++y) r[y] = static_cast<float>(y) + float(rows);
    }"""
    found = functions(src, Language.CPP)["f"]
    assert found.params[:3] == (
        Param("a", "array", F32, 2, by_reference=True), Param("out", "array", F32, 2, by_reference=True),
        Param("r", "array", F64, 1),
    )
    y = Var("y", DType.U64)
    value = Cast(b(ADD, Cast(y, F32), Cast(v("rows"), F32)), F64)
    assert tuple(blank(s) for s in found.body) == (
        Alloc("flat", (b(MUL, v("rows"), v("cols")),), F32, c(0.0, F32), NOWHERE),
        loop("y", c(0, DType.U64), Dim("a", 0), 1, assign(st("r", y, dtype=F64), value)),
    )


def test_shifted_loop_condition_and_auto_counter() -> None:
    src = "void f(int n, int w, unsigned *a) { for (int i = 0; i + w <= n; i++) a[i] = 0; " \
          "for (auto k = 0u; k < 4; k++) a[k] = 1; }"
    u = DType.U32
    assert cpp(src) == (
        loop("i", c(0), b(ADD, b(SUB, n, v("w")), c(1)), 1, assign(st("a", i, dtype=u), c(0, u))),
        loop("k", c(0, u), c(4), 1, assign(st("a", Var("k", u), dtype=u), c(1, u))),
    )


def test_struct_parameters_are_unsupported_where_used() -> None:
    src = "struct img { int w; };\nvoid f(struct img *m, int *a) {\n  a[0] = 1;\n  a[1] = m->w;\n}"
    found = functions(src)["f"]
    assert [p.name for p in found.params] == ["a"]
    reasons = unsupported(found.body)
    assert len(reasons) == 1 and reasons[0].startswith("line 4: ") and "struct field access `m->w`" in reasons[0]


def test_function_pointer_parameter_is_unsupported_only_where_called() -> None:
    src = "void f(int n, int (*op)(int), int *a) {\n  for (int i = 0; i < n; i++) a[i] = op(a[i]);\n  a[0] = 1;\n}"
    found = functions(src)["f"]
    assert [p.name for p in found.params] == ["n", "a"]
    reasons = unsupported(found.body)
    assert len(reasons) == 1 and reasons[0].startswith("line 2: ") and "function pointer" in reasons[0]
    assert blank(found.body[-1]) == assign(st("a", c(0)), c(1))


def test_memset_and_memcpy_are_loops() -> None:
    src = "void f(int n, int m, float *C, const float *A, float *B) {\n" \
          "  memset(C, 0, n * m * sizeof(float));\n  memcpy(B + 1, A, sizeof(float) * n);\n}"
    stmts = body(src)
    assert len(stmts) == 2 and all(isinstance(s, For) for s in stmts)
    first, second = stmts
    assert isinstance(first, For) and isinstance(second, For)
    k1, k2 = Var(first.var, I64), Var(second.var, I64)
    assert first == loop(first.var, c(0, I64), b(MUL, n, m), 1, assign(st("C", k1, dtype=F32), c(0.0, F32)))
    assert second == loop(second.var, c(0, I64), n, 1,
                          assign(st("B", Bin(ADD, c(1), k2, I64), dtype=F32), ld("A", k2, dtype=F32)))
    reasons = unsupported(body("void f(int n, int *a) { memset(a, 1, n * sizeof(int)); }"))
    assert len(reasons) == 1 and "sets bytes" in reasons[0]


def test_vector_resize_and_assign_allocate() -> None:
    src = "void f(int n) { std::vector<int> v; v.resize(n); v[0] = 1; std::vector<double> w; w.assign(n, 2); }"
    assert cpp(src) == (
        Alloc("v", (n,), I32, c(0), NOWHERE), assign(st("v", c(0)), c(1)),
        Alloc("w", (n,), F64, c(2.0, F64), NOWHERE),
    )


def test_for_initialiser_setting_other_scalars() -> None:
    src = """
    void f(std::vector<int>& v, int *a) {
      for (int i = 0, m = v.size(); i < m; i++) v[i] = 0;
      int j, k;
      for (j = 1, k = 2; j < 5; j++) a[j] = k;
    }"""
    m_, k = v("m"), v("k")
    assert cpp(src) == (
        assign(VarRef("m", I32), Cast(Dim("v", 0), I32)),
        loop("i", c(0), m_, 1, assign(st("v", i), c(0))),
        assign(VarRef("k", I32), c(2)),
        loop("j", c(1), c(5), 1, assign(st("a", j), k)),
    )


def test_void_casts_and_frees_have_no_effect() -> None:
    src = "void f(int n, float a, int *y) { (void)a; int *t = malloc(n * sizeof(int)); t[0] = 1; y[1] = t[0]; " \
          "free(t); }"
    assert body(src) == (
        Alloc("t", (n,), I32, None, NOWHERE), assign(st("t", c(0)), c(1)), assign(st("y", c(1)), ld("t", c(0))),
    )


def test_loops_over_pointers_become_indexed_loops() -> None:
    src = """
    void f(int n, float *a, const float *b) {
      for (float *p = a; p < a + n; p++) *p = 0;
      const float *end = b + n;
      for (const float *p = b + 1; p != end; ++p) a[0] += p[0] * *(p - 1);
    }"""
    first, second = body(src)
    assert isinstance(first, For) and isinstance(second, For)
    k1, k2 = Var(first.var, I64), Var(second.var, I64)
    assert first == loop(first.var, c(0, I64), n, 1, assign(st("a", k1, dtype=F32), c(0.0, F32)))
    a0 = ld("a", c(0), dtype=F32)
    value = b(ADD, a0, b(MUL, ld("b", k2, dtype=F32), ld("b", Bin(SUB, k2, c(1), I64), dtype=F32)))
    assert second == loop(second.var, c(1, I64), n, 1, assign(st("a", c(0), dtype=F32), value))
    reasons = unsupported(body("void f(int n, float *a, float *b) { for (float *p = a; p < b + n; p++) *p = 0; }"))
    assert len(reasons) == 1 and "different array" in reasons[0]


def test_function_like_and_expression_macros_are_expanded() -> None:
    src = """
    #define IDX(i, j) ((i) * n + (j))
    #define A(i, j) a[IDX(i, j)]
    #define SQR(x) ((x) * (x))
    #define LEN (n * 2)
    #define LOOP(x) LOOP(x)
    void f(int n, int *a, int *b) {
      for (int i = 0; i < n; i++) A(i, 0) = SQR(b[IDX(0, i)]) + LEN;
      b[0] = LOOP(1);
    }"""
    b_elem = ld("b", i)  # b[IDX(0, i)] = b[0 * n + i]: the constants fold
    stmts = body(src)
    assert stmts[0] == loop("i", c(0), n, 1, assign(st("a", b(MUL, i, n)), b(ADD, b(MUL, b_elem, b_elem),
                                                                          b(MUL, n, c(2)))))
    reasons = unsupported(stmts)
    assert len(reasons) == 1 and reasons[0].startswith("line 9: ") and "`LOOP`" in reasons[0]


def test_array_initialiser_lists() -> None:
    src = """
    void f(int n, float *x, float *y) {
      static const float w[] = {0.25f, 0.5f, 0.25f};
      int m[2][3] = {{1, 2, 3}, {4}};
      int flat[2][2] = {1, 2, 3, 4};
      for (int i = 1; i < n - 1; i++) y[i] = w[0] * x[i - 1] + w[1] * x[i] + w[i % 3] + m[1][1] + flat[1][0];
    }"""
    stmts = body(src)
    f32 = F32
    assert stmts[:4] == (
        Alloc("w", (c(3),), f32, None, NOWHERE), assign(st("w", c(0), dtype=f32), c(0.25, f32)),
        assign(st("w", c(1), dtype=f32), c(0.5, f32)), assign(st("w", c(2), dtype=f32), c(0.25, f32)),
    )
    assert stmts[4:9] == (
        Alloc("m", (c(2), c(3)), I32, c(0), NOWHERE), assign(st("m", c(0), c(0)), c(1)),
        assign(st("m", c(0), c(1)), c(2)), assign(st("m", c(0), c(2)), c(3)), assign(st("m", c(1), c(0)), c(4)),
    )
    assert stmts[9:14] == (
        Alloc("flat", (c(2), c(2)), I32, None, NOWHERE), assign(st("flat", c(0), c(0)), c(1)),
        assign(st("flat", c(0), c(1)), c(2)), assign(st("flat", c(1), c(0)), c(3)),
        assign(st("flat", c(1), c(1)), c(4)),
    )
    # The const table's constant-index reads are its values; m is not const, so it is read.
    xs = ld("x", b(SUB, i, c(1)), dtype=f32)
    value = b(ADD, b(ADD, b(ADD, b(ADD, b(MUL, c(0.25, f32), xs), b(MUL, c(0.5, f32), ld("x", i, dtype=f32))),
                              ld("w", b(BinOp.MOD_TRUNC, i, c(3)), dtype=f32)), Cast(ld("m", c(1), c(1)), f32)),
              Cast(ld("flat", c(1), c(0)), f32))
    assert stmts[14] == loop("i", c(1), b(SUB, n, c(1)), 1, assign(st("y", i, dtype=f32), value))


def test_file_scope_variables_become_parameters_and_const_tables_locals() -> None:
    src = """
    #define N 8
    static const int W[2] = {3, 4};
    double A[N][N], x[N];
    int count;
    int n;
    void kernel(void) {
      for (int i = 0; i < N; i++) x[i] = A[i][i] * W[1];
      count++;
    }
    void shadow(int *a) { int n = 3; a[1] = n; }"""
    found = functions(src)
    kernel = found["kernel"]
    assert kernel.params == (
        Param("A", "array", F64, 2, (c(8), c(8))), Param("x", "array", F64, 1, (c(8),)),
        Param("count", "scalar", I32, by_reference=True),
    )
    start = kernel.body[0].span
    assert start.start == start.end and kernel.span.start < start.start, "the table fill sits at the brace"
    assert tuple(blank(s) for s in kernel.body) == (
        Alloc("W", (c(2),), I32, None, NOWHERE), assign(st("W", c(0)), c(3)), assign(st("W", c(1)), c(4)),
        loop("i", c(0), c(8), 1, assign(st("x", i, dtype=F64), b(MUL, ld("A", i, i, dtype=F64), c(4.0, F64)))),
        assign(VarRef("count", I32), b(ADD, v("count"), c(1))),
    )
    assert found["shadow"].params == (Param("a", "array", I32, 1),), "a local `n` hides the global"


def test_limits_macros_are_constants() -> None:
    src = "void f(int n, int *a, float *x) { int m = INT_MIN; float y = -FLT_MAX; a[0] = m; x[0] = y; }"
    stmts = body(src)
    assert stmts[0] == assign(VarRef("m", I32), c(-(2**31)))
    assert stmts[1] == assign(VarRef("y", F32), c(-3.4028234663852886e38, F32))


def test_writes_through_copies_are_refused() -> None:
    src = """
    void f(std::vector<std::vector<int>>& m, std::vector<int>& v, int **A) {
      for (auto row : m) row[0] = 1;
      for (auto& row : m) row[0] = 2;
      for (auto x : v) x = 3;
      auto r = m[1];
      r[0] = 5;
      auto p = A[1];
      p[0] = 7;
    }"""
    stmts = cpp(src)
    reasons = unsupported(stmts)
    assert len(reasons) == 3
    assert reasons[0].startswith("line 3: `row` is a copy")
    assert reasons[1].startswith("line 5: the loop assigns to `x`, a copy")
    assert reasons[2].startswith("line 7: `r` is a copy")
    assert stmts[-1] == assign(st("A", c(1), c(0)), c(7)), "`auto p = A[1]` copies a pointer: an alias"


def test_pointer_moves_that_happen_only_sometimes_are_refused() -> None:
    src = "void f(int n, int *a, int *p) {\n  a[0] = n > 0 ? *p++ : 0;\n  a[1] = n > 0 && *p++;\n  a[2] = *p;\n}"
    stmts = body(src)
    reasons = unsupported(stmts)
    moved = "the pointer `p` is moved conditionally"
    assert reasons == [f"line 2: {moved}", f"line 3: {moved}"]
    assert stmts[-1] == assign(st("a", c(2)), ld("p", c(0))), "the refused moves did not move `p`"


def test_loop_bounds_the_body_changes_are_refused() -> None:
    src = "void f(int *a, int *len, std::vector<int>& v) {\n" \
          "  for (int i = 0; i < a[0]; i++) a[0]--;\n" \
          "  for (int i = 0; i < *len; i++) *len -= 1;\n" \
          "  for (int i = 0; i < v.size(); i++) v[i] = 0;\n}"
    stmts = cpp(src)
    reasons = unsupported(stmts)
    assert reasons == ["line 2: the loop body modifies `a`, which the loop condition reads",
                       "line 3: the loop body modifies `len`, which the loop condition reads"]
    assert stmts[-1] == loop("i", c(0), Dim("v", 0), 1, assign(st("v", i), c(0))), "writing elements keeps the size"
