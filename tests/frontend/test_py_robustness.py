"""The Python frontend on broken, hostile and huge input: errors and `Unsupported`, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tensorlift.common import SourceError
from tensorlift.frontend.python import parse_functions
from tensorlift.kernel.nodes import For, If, KernelFunction, Stmt, Unsupported

KERNELS = b'''import math
import numpy as np
from math import sqrt

N = 8

def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x

def matmul(A, B, n, m, k):
    C = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            for p in range(k):
                C[i][j] += A[i][p] * B[p][j]
    return C

def rows(A: list[list[float]]):
    out = []
    for i in range(len(A)):
        row = []
        for j in range(len(A[0])):
            row.append(sqrt(A[i][j]) if A[i][j] > 0 else -A[i][j] ** 2)
        out.append(row)
    return out

class Ops:
    def relu(self, a):
        out = np.zeros_like(a)
        for i, x in enumerate(a):
            out[i] = clamp(x, 0.0, 6.0)
        return out

    def norm(self, a, b):
        s = 0
        for x, y in zip(a, b):
            s += (x - y) * (x - y)
        n, = a.shape
        return math.sqrt(s) / n

xs = np.empty(N)
for i in range(N - 1, -1, -1):
    xs[i] = i // 2 % 3
'''


def unsupported_reasons(functions: tuple[KernelFunction, ...]) -> list[str]:
    def walk(stmts: tuple[Stmt, ...]) -> list[str]:
        out: list[str] = []
        for s in stmts:
            if isinstance(s, Unsupported):
                out.append(s.reason)
            elif isinstance(s, For):
                out.extend(walk(s.body))
            elif isinstance(s, If):
                out.extend(walk(s.then) + walk(s.else_))
        return out

    return [r for f in functions for r in walk(f.body)]


def check(source: bytes) -> tuple[tuple[KernelFunction, ...], tuple[SourceError, ...]]:
    """Parse and check the result's shape; an internal error (a frontend bug caught late) fails the test."""
    functions, errors = parse_functions(source, "fuzz.py")
    assert all(isinstance(f, KernelFunction) for f in functions)
    assert all(isinstance(e, SourceError) and e.path == "fuzz.py" for e in errors)
    bugs = [r for r in unsupported_reasons(functions) if "internal error" in r]
    assert bugs == []
    return functions, errors


def test_the_sample_kernels_parse_cleanly() -> None:
    functions, errors = check(KERNELS)
    assert errors == ()
    names = {f.name for f in functions}
    assert names == {"clamp", "matmul", "rows", "Ops.relu", "Ops.norm", "<module>"}
    assert unsupported_reasons(functions) == []


def test_empty_and_blank_files() -> None:
    assert parse_functions(b"", "e.py") == ((), ())
    assert parse_functions(b"\n\n   \n# only a comment\n", "e.py") == ((), ())
    assert parse_functions(b"\xef\xbb\xbf", "e.py") == ((), ())


def test_crlf_and_utf16_sources() -> None:
    text = "def f(a, n):\r\n    for i in range(n):\r\n        a[i] = 2.0 * a[i]\r\n"
    crlf, errors = check(text.encode())
    assert errors == () and unsupported_reasons(crlf) == []
    utf16, errors = check(text.encode("utf-16"))
    assert errors == () and [f.name for f in utf16] == ["f"]
    assert utf16[0].body == crlf[0].body


def test_syntax_error_is_reported_and_other_functions_still_parse() -> None:
    source = (b"def ok(a):\n    a[0] = 1.0\n\n"
              b"def broken(a, n):\n    for i in range(n):\n        a[i] = (1 +\n    a[0] = 2.0\n")
    functions, errors = check(source)
    assert errors, "a syntax error must be reported"
    assert all(e.line is not None and e.column is not None for e in errors)
    assert any(e.line in (5, 6) for e in errors)
    by_name = {f.name: f for f in functions}
    assert unsupported_reasons((by_name["ok"],)) == []
    if "broken" in by_name:  # tree-sitter keeps the definition: its broken part is Unsupported
        assert any("syntax error" in r for r in unsupported_reasons((by_name["broken"],)))


def test_missing_token_inside_a_function() -> None:
    functions, errors = check(b"def f(a, n):\n    for i in range(n)\n        a[i] = 1.0\n    return a\n")
    assert errors
    assert any("syntax error" in r for r in unsupported_reasons(functions))


def test_half_written_loop() -> None:
    for source in (b"def f(a, n):\n    for i in range(", b"for i in range(", b"def f(a):\n    for i in ",
                   b"def f(a):\n    s = 0\n    for x in a:\n"):
        _, errors = check(source)
        assert errors, source


def test_binary_garbage() -> None:
    _, errors = check(bytes(range(256)) * 8)
    assert errors


def test_invalid_utf8_inside_a_function() -> None:
    functions, _ = check(b"def f(a):\n    s = '\xff\xfe'\n    for i in range(3):\n        a[i] = 1.0\n")
    assert [f.name for f in functions] == ["f"]


def test_deeply_nested_expression_does_not_crash() -> None:
    deep = b"def f(a):\n    a[0] = " + b"(" * 400 + b"1" + b")" * 400 + b"\n    a[1] = " + b"1 + " * 3000 + b"1\n"
    check(deep)


def _big_file(lines: int) -> bytes:
    chunk = (
        "def f{k}(a, b, n):\n"
        "    s = 0.0\n"
        "    out = []\n"
        "    for i in range(n):\n"
        "        for j in range(len(b)):\n"
        "            s += a[i] * b[j] // 2 if a[i] > 0 else math.sqrt(b[j])\n"
        "        out.append(s)\n"
        "    return out\n"
        "\n"
    )
    count = lines // chunk.count("\n") + 1
    return ("import math\n" + "".join(chunk.format(k=k) for k in range(count))).encode()


def test_ten_thousand_lines_parse_into_every_function() -> None:
    # behaviour only: how fast is for the benchmarks (a timed test fails on a loaded machine)
    source = _big_file(10_000)
    assert source.count(b"\n") >= 10_000
    functions, errors = parse_functions(source, "big.py")
    assert errors == () and len(functions) > 1000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(KERNELS)), st.integers(0, len(KERNELS)))
def test_truncations_and_cuts_of_valid_kernels_never_crash(start: int, stop: int) -> None:
    check(KERNELS[:stop])
    check(KERNELS[min(start, stop):max(start, stop)])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(KERNELS.split(b"\n")), max_size=40))
def test_shuffled_lines_of_valid_kernels_never_crash(lines: list[bytes]) -> None:
    check(b"\n".join(lines))
