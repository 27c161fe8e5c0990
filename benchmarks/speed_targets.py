"""Speed of lifted code: the original Python loop vs the code `tensorlift.codegen.emit` writes for each installed
target, at several sizes; and a C loop compiled with -O2 vs the Gemmini reference path (gemmini_ref.h on the CPU).

    python benchmarks/speed_targets.py [--quick] [--targets numpy,torch,...]

The lifted code comes from `emit` on hand-written TensIR programs (the pipeline's lift would produce the same
programs from the loops). Times are the best of a few runs; ratios are loop time / lifted time (higher is better).
Takes about a minute (`--quick`: seconds).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tensorlift.codegen import Emitted, emit, function_name, load_packs
from tensorlift.codegen.cbuild import include_dir
from tensorlift.codegen.runner import load_function, to_target
from tensorlift.codegen.signature import parse_signature, unit_for
from tensorlift.common import Language
from tensorlift.tensir.parser import parse

# ----------------------------------------------------------------------------------------- the original Python loops


def dot(a: Any, b: Any, n: int) -> float:
    s = 0.0
    for i in range(n):
        s += a[i] * b[i]
    return s


def saxpy(x: Any, y: Any, alpha: float, n: int) -> Any:
    for i in range(n):
        y[i] = y[i] + alpha * x[i]
    return y


def relu(a: Any, n: int) -> Any:
    r = [0.0] * n
    for i in range(n):
        r[i] = a[i] if a[i] > 0 else 0.0
    return r


def blend(a: Any, b: Any, t: float, n: int) -> Any:
    r = [0.0] * n
    for i in range(n):
        r[i] = a[i] * (1.0 - t) + b[i] * t
    return r


def stencil(a: Any, o: Any, n: int) -> Any:
    for i in range(1, n - 1):
        o[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0
    return o


def softmax_exp(x: Any, n: int) -> Any:
    m = x[0]
    for i in range(n):
        m = max(m, x[i])
    e = [0.0] * n
    for i in range(n):
        e[i] = np.exp(x[i] - m)
    return e


def gemv(A: Any, x: Any, m: int, n: int) -> Any:
    y = [0.0] * m
    for i in range(m):
        acc = 0.0
        for k in range(n):
            acc += A[i][k] * x[k]
        y[i] = acc
    return y


def gemm(A: Any, B: Any, m: int, n: int, p: int) -> Any:
    C = [[0.0] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            acc = 0.0
            for k in range(p):
                acc += A[i][k] * B[k][j]
            C[i][j] = acc
    return C


@dataclass(frozen=True)
class Kernel:
    name: str
    loop: Callable[..., Any]
    tensir: str
    inputs: dict[str, str]
    sizes: tuple[int, ...]  # n: the number of elements (matrices: n = rows * cols)
    args: Callable[[int, np.random.Generator], dict[str, Any]]


def _vec(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-1, 1, n)


KERNELS = (
    Kernel("dot", dot, "s = sum(i in 0:n, a(i) * b(i))", {"a": "f64[n]", "b": "f64[n]", "n": "i64"},
           (10**3, 10**4, 10**6), lambda n, r: {"a": _vec(n, r), "b": _vec(n, r), "n": n}),
    Kernel("saxpy", saxpy, "y(i) = y(i) + alpha * x(i)  for i in 0:n",
           {"x": "f64[n]", "y": "f64[n]", "alpha": "f64", "n": "i64"}, (10**3, 10**4, 10**6),
           lambda n, r: {"x": _vec(n, r), "y": _vec(n, r), "alpha": 0.5, "n": n}),
    Kernel("relu", relu, "r(i) = select(a(i) > 0.0, a(i), 0.0)  for i in 0:n", {"a": "f64[n]", "n": "i64"},
           (10**3, 10**4, 10**6), lambda n, r: {"a": _vec(n, r), "n": n}),
    Kernel("blend", blend, "r(i) = a(i) * (1.0 - t) + b(i) * t  for i in 0:n",
           {"a": "f64[n]", "b": "f64[n]", "t": "f64", "n": "i64"}, (10**3, 10**4, 10**6),
           lambda n, r: {"a": _vec(n, r), "b": _vec(n, r), "t": 0.25, "n": n}),
    Kernel("stencil", stencil, "o(i) = (a(i - 1) + a(i) + a(i + 1)) / 3.0  for i in 1:n - 1",
           {"a": "f64[n]", "o": "f64[n]", "n": "i64"}, (10**3, 10**4, 10**6),
           lambda n, r: {"a": _vec(n, r), "o": np.zeros(n), "n": n}),
    Kernel("softmax-exp", softmax_exp, "m = max(i in 0:n, x(i))\ne(i) = exp(x(i) - m)  for i in 0:n",
           {"x": "f64[n]", "n": "i64"}, (10**3, 10**4, 10**6), lambda n, r: {"x": _vec(n, r), "n": n}),
    Kernel("gemv", gemv, "y(i) = sum(k in 0:n, A(i, k) * x(k))  for i in 0:m",
           {"A": "f64[m, n]", "x": "f64[n]", "m": "i64", "n": "i64"}, (10**3, 10**4, 10**6),
           lambda n, r: (lambda s: {"A": r.uniform(-1, 1, (s, s)), "x": _vec(s, r), "m": s, "n": s})(int(n**0.5))),
    Kernel("gemm", gemm, "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
           {"A": "f64[m, p]", "B": "f64[p, n]", "m": "i64", "n": "i64", "p": "i64"}, (10**3, 10**4, 10**6),
           lambda n, r: (lambda s: {"A": r.uniform(-1, 1, (s, s)), "B": r.uniform(-1, 1, (s, s)), "m": s, "n": s,
                                    "p": s})(round(n ** (1 / 3)) if n > 10**4 else int(n**0.5) // 3)),
)

MODULES = {"numpy": "numpy", "torch": "torch", "jax": "jax", "tensorflow": "tensorflow", "mlx": "mlx"}


def _sync(target: str, value: Any) -> None:
    if target == "jax":
        import jax

        jax.block_until_ready(value)
    elif target == "mlx":
        import mlx.core as mx

        mx.eval(value)


def best_time(fn: Callable[[], Any], budget: float, sync: Callable[[Any], None] = lambda v: None) -> float:
    best = float("inf")
    start = time.perf_counter()
    runs = 0
    while runs < 2 or (time.perf_counter() - start < budget and runs < 50):
        t0 = time.perf_counter()
        sync(fn())
        best = min(best, time.perf_counter() - t0)
        runs += 1
    return best


def python_args(args: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in args.items()}


def run_python(targets: list[str], quick: bool) -> list[list[str]]:
    packs = load_packs()
    rows = []
    rng = np.random.default_rng(0)
    for kernel in KERNELS:
        sig = parse_signature(kernel.inputs)
        program = parse(kernel.tensir, sig.env)
        unit = unit_for(program, sig, name=kernel.name.replace("-", "_"))
        for n in kernel.sizes[:2] if quick else kernel.sizes:
            args = kernel.args(n, rng)
            loop_args = python_args(args)
            def run_loop(kernel: Kernel = kernel, loop_args: dict[str, Any] = loop_args) -> Any:
                return kernel.loop(**loop_args)

            loop_time = best_time(run_loop, 0.2 if quick else 0.5)
            row = [kernel.name, f"{n:.0e}", f"{loop_time * 1e3:9.3f} ms"]
            for target in targets:
                result = emit(unit, program, target, packs)
                if not isinstance(result, Emitted) or result.function is None:
                    row.append("refused")
                    continue
                fn = load_function(result.function, function_name(unit), result.imports)
                targs = {k: to_target(target, v) for k, v in args.items()}
                fn(**targs)  # warm up (jit, allocation)
                def run_lifted(fn: Callable[..., Any] = fn, targs: dict[str, Any] = targs) -> Any:
                    return fn(**targs)

                def sync(value: Any, target: str = target) -> None:
                    _sync(target, value)

                t = best_time(run_lifted, 0.2 if quick else 0.5, sync)
                row.append(f"{loop_time / t:8.0f}x")
            rows.append(row)
    return rows


C_KERNELS = {
    "gemm-int8": ("C(i, j) = sum(k in 0:p, i32(A(i, k)) * i32(B(k, j)))  for i in 0:m, j in 0:n",
                  {"A": "i8[_, p]", "B": "i8[_, n]", "C": "i32[_, n]", "m": "i32", "n": "i32", "p": "i32"},
                  """    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
        int32_t acc = 0;
        for (int k = 0; k < p; k++) acc += A[i * p + k] * B[k * n + j];
        C[i * n + j] = acc;
    }"""),
    "dot-int8": ("s = sum(k in 0:n, i32(a(k)) * i32(b(k)))", {"a": "i8[n]", "b": "i8[n]", "n": "i32"},
                 """    int32_t s = 0;
    for (int k = 0; k < n; k++) s += a[k] * b[k];
    *s_out = s;"""),
}


def run_gemmini(quick: bool) -> list[list[str]]:
    if subprocess.run(["which", "gcc"], capture_output=True).returncode != 0:
        return [["gemmini", "-", "gcc is not installed", ""]]
    packs = load_packs()
    rows = []
    for name, (text, inputs, loop) in C_KERNELS.items():
        sig = parse_signature(inputs)
        program = parse(text, sig.env)
        unit = unit_for(program, sig, name="lifted", language=Language.C)
        result = emit(unit, program, "gemmini", packs)
        assert isinstance(result, Emitted) and result.function is not None
        params = result.function.split("(", 1)[1].split(")", 1)[0]
        original = f"void original({params}) {{\n{loop}\n}}\n"
        if name.startswith("gemm"):
            sizes: tuple[int, ...] = (64, 128) if quick else (64, 128, 256)
        else:
            sizes = (10**4,) if quick else (10**4, 10**6)
        for size in sizes:
            m = n = p = size
            count = m * p if name.startswith("gemm") else size
            setup = (f"    int32_t m = {m}, n = {n}, p = {p};\n    (void)m; (void)p;\n"
                     if name.startswith("gemm") else f"    int32_t n = {size};\n")
            arrays = (f"    int8_t *A = malloc({count}); int8_t *B = malloc({count});\n"
                      f"    int32_t *C = malloc({count} * 4);\n"
                      f"    for (int i = 0; i < {count}; i++) {{ A[i] = (int8_t)(i * 7 % 255 - 127); "
                      f"B[i] = (int8_t)(i * 13 % 255 - 127); }}\n" if name.startswith("gemm") else
                      f"    int8_t *a = malloc({count}); int8_t *b = malloc({count}); int32_t s1 = 0, s2 = 0;\n"
                      f"    for (int i = 0; i < {count}; i++) {{ a[i] = (int8_t)(i % 9 - 4); "
                      f"b[i] = (int8_t)(i % 5 - 2); }}\n")
            calls = ("original(m, n, p, A, B, C)", "lifted(m, n, p, A, B, C)") if name.startswith("gemm") else (
                "original(n, a, b, &s1)", "lifted(n, a, b, &s2)")
            main = ("int main(void) {\n" + setup + arrays
                    + "    struct timespec t0, t1; double best[2] = {1e30, 1e30};\n"
                    "    for (int r = 0; r < 5; r++) {\n"
                    + "".join(f"        clock_gettime(CLOCK_MONOTONIC, &t0); {c};\n"
                              f"        clock_gettime(CLOCK_MONOTONIC, &t1);\n"
                              f"        {{ double d = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec); "
                              f"if (d < best[{i}]) best[{i}] = d; }}\n" for i, c in enumerate(calls))
                    + "    }\n    printf(\"%g %g\\n\", best[0], best[1]);\n"
                    + (f"    long sum = 0; for (int i = 0; i < {m * n}; i++) sum += C[i];\n" if name.startswith("gemm")
                       else "    long sum = (long)s1 - s2;\n")
                    + "    fprintf(stderr, \"%ld\\n\", sum); /* keeps the results live */\n    return 0;\n}\n")
            source = ("#define _POSIX_C_SOURCE 199309L\n#include <stdio.h>\n#include <stdlib.h>\n"
                      "#include <stdint.h>\n#include <time.h>\n" + "\n".join(result.imports) + "\n" + original
                      + result.function + main)
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                inc = include_dir(folder / "include")
                (folder / "b.c").write_text(source)
                subprocess.run(["gcc", "-std=c99", "-O2", f"-I{inc}", str(folder / "b.c"), "-o", str(folder / "b"),
                                "-lm"], check=True, capture_output=True)
                out = subprocess.run([str(folder / "b")], check=True, capture_output=True, text=True).stdout
            loop_t, ref_t = (float(x) for x in out.split())
            rows.append([name, str(size), f"{loop_t * 1e6:11.1f} us", f"{ref_t * 1e6:11.1f} us",
                         f"{loop_t / ref_t:6.2f}x"])
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=False)) for r in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--targets", default=",".join(MODULES), help="comma-separated Python targets")
    options = parser.parse_args(argv)
    targets = [t for t in options.targets.split(",") if importlib.util.find_spec(MODULES[t]) is not None]
    skipped = sorted(set(options.targets.split(",")) - set(targets))
    if "jax" in targets:
        import jax

        jax.config.update("jax_enable_x64", True)
    print("Python loop vs lifted code (speed-up = loop time / lifted time)"
          + (f"; not installed: {', '.join(skipped)}" if skipped else ""))
    print(table(["kernel", "n", "python loop", *targets], run_python(targets, options.quick)))
    print()
    print("C loop (-O2) vs the Gemmini reference path (gemmini_ref.h on this CPU; a model, not the accelerator)")
    print(table(["kernel", "size", "C loop", "gemmini ref", "loop/ref"], run_gemmini(options.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
