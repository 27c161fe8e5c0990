"""Speed of what tensorlift actually writes: every Python kernel of the corpus, lifted through the public API for
each installed target, timed against its original loop on this machine's CPU; and an int8 C matrix product and dot
product compiled with gcc -O2 against their Gemmini rewrite (the reference header `gemmini_ref.h`, run on the CPU).

    python benchmarks/speed_targets.py [PATH…] [--quick] [--sizes 1e3,1e4,1e5,1e6] [--targets numpy,torch,…]
                                       [--max-loop-seconds 5] [--budget 10] [--cache-dir DIR | --no-cache]
                                       [--no-c] [--no-python]

Python part. For each file (default: benchmarks/corpus/**/*.py except notlifted/), for each target, the file is
lifted with `tensorlift.api.lift_file` (the persistent cache by default) and its edits are applied with
`tensorlift.edits.apply_edits`, exactly as `tensorlift lift --write` would; the original and the rewritten module
are imported from temporary files. A function is timed when every loop in it was lifted; the others are listed
under "skipped" with the reason. Inputs are derived from the parsed file, never from a kernel's name: every free
size and `Dim` extent of the function's units is set to s, `required_shapes` gives each parameter's shape at s = 4
and s = 8, each axis is extrapolated linearly, and s is chosen so that the largest input array has about n elements.
Floats are uniform in [0.5, 1.5), integers in 1..9. Columns, per function and n (times are the best of several
runs of one call; the NumPy copies and list conversions that set a run up are outside the timing):
  loop(L)   the original loop given Python lists (nested for rank >= 2); "—" when it does not run on lists
  loop(A)   the original loop given NumPy arrays
  np(L)     the NumPy rewrite given the same Python lists (its conversion to arrays included)
  <target>  that target's rewrite given its own arrays (`tensorlift.codegen.runner.to_target`, except that MLX
            gets float64 where to_target would give float32); JAX is synchronised with block_until_ready, MLX
            evaluated (its results and the arguments it updated in place)
  speed-ups L/np(L) = loop(L) / np(L), L/numpy = loop(L) / numpy, A/<target> = loop(A) / <target>
A variant whose estimated time for one call exceeds --max-loop-seconds is "—" (the estimate: its time at the
previous size, growing as the loop's time grew over the last two sizes, since a rewrite does the loop's work); "n/a"
means the target refused the function; "in place" means the rewrite returns nothing and its only result is an
argument updated in place, which JAX and TensorFlow cannot do (their tensors are immutable), so there is nothing to
time. Every result is checked against the loop on NumPy arrays at every size (np.allclose, rtol 1e-6; against the
NumPy rewrite when no loop ran); a mismatch or an error is printed as a FAILURE and the script exits 1.

C part: an int8 source (a matrix product and a dot product with int32 accumulation) is lifted for target
"gemmini", its edits applied, and the original and the rewrite are compiled with gcc -O2 against the reference
header and run at a few sizes; the outputs must be equal.

Takes about 10 minutes with the default sizes on 2 cores (lifting about 1 minute when the cache is cold, most of
the rest the loops at n = 10^6); `--quick` (n = 10^3, 10^4) about 3 minutes. Run it on an idle machine: the
multi-threaded libraries (BLAS behind np.dot and @, torch's intra-op threads) lose milliseconds per call when another
process holds a core, and the load average printed at the start and the end says how idle it was.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import inspect
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import tomllib

from tensorlift.api import detect, lift_file
from tensorlift.cache import default_cache_dir
from tensorlift.codegen.cbuild import include_dir
from tensorlift.codegen.runner import missing_backend, to_numpy, to_target
from tensorlift.common import DType, Language
from tensorlift.edits import apply_edits
from tensorlift.kernel.examples import complete_sizes, free_sizes, required_shapes
from tensorlift.kernel.nodes import KernelFunction, LiftUnit, ParsedFile
from tensorlift.options import LiftOptions
from tensorlift.results import LiftResult, Status

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
TARGETS = ("numpy", "torch", "jax", "tensorflow", "mlx")
IMMUTABLE = ("jax", "tensorflow")  # their tensors cannot be updated in place: a rewrite rebinds the argument
PROBE_SIZES = (4, 8)  # the sizes the shape probe runs at; larger shapes are extrapolated linearly per axis
RTOL = 1e-6
ATOL = 1e-9
MIN_RUNS, MIN_SECONDS, MAX_RUNS, MAX_SECONDS = 5, 0.2, 200, 3.0  # best of: at least 5 runs and 0.2 s, at most 3 s

_NP_DTYPES = {DType.BOOL: np.bool_, DType.I8: np.int8, DType.I16: np.int16, DType.I32: np.int32,
              DType.I64: np.int64, DType.U8: np.uint8, DType.U16: np.uint16, DType.U32: np.uint32,
              DType.U64: np.uint64, DType.F32: np.float32, DType.F64: np.float64}

# ------------------------------------------------------------------------------------------------------ lifting


@dataclass
class LiftedFile:
    path: Path
    family: str
    text: str
    parsed: ParsedFile
    results: dict[str, dict[str, LiftResult]]  # target -> unit id -> result
    crashed: dict[str, str] = field(default_factory=dict)  # target -> the error lift_file raised


def shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def family_of(path: Path, expected: dict[str, Any]) -> str:
    try:
        relative = path.resolve().relative_to(CORPUS).as_posix()
    except ValueError:
        return path.parent.name or "."
    entry = expected.get(relative, {})
    family = str(entry.get("family", Path(relative).parts[0]))
    return ("hard/" if relative.startswith("hard/") else "") + family


def python_files(paths: list[str]) -> list[Path]:
    if not paths:
        return sorted(p for p in CORPUS.rglob("*.py") if "notlifted" not in p.relative_to(CORPUS).parts)
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


def lift_python(path: Path, targets: list[str], options: LiftOptions, expected: dict[str, Any]) -> LiftedFile:
    data = path.read_bytes()
    parsed = detect(data, Language.PYTHON, str(path))
    results: dict[str, dict[str, LiftResult]] = {}
    crashed: dict[str, str] = {}
    for target in targets:
        try:
            report = lift_file(data, Language.PYTHON, replace(options, target=target), str(path))
        except Exception as error:  # an internal error of the engine: a failure, and the other files go on
            crashed[target] = f"{type(error).__name__}: {error}"
            results[target] = {}
            continue
        results[target] = {r.unit_id: r for r in report.results}
    return LiftedFile(path, family_of(path, expected), data.decode("utf-8"), parsed, results, crashed)


def rewritten_text(lifted: LiftedFile, target: str) -> str:
    """The file as `tensorlift lift --write --target T` leaves it: every lifted unit's edits applied."""
    edits = [e for r in lifted.results[target].values() if r.status is not Status.NOT_LIFTED for e in r.edits]
    return apply_edits(lifted.text.encode("utf-8"), edits, str(lifted.path)).decode("utf-8")


_MODULE_COUNT = 0


def load_module(text: str, folder: Path, stem: str) -> ModuleType:
    global _MODULE_COUNT
    _MODULE_COUNT += 1
    name = f"_speed_{_MODULE_COUNT}_{stem}"
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class InputPlan:
    """How a function's inputs grow with s: per array parameter and axis, extent = a * s + b; size parameters
    likewise; other scalars are drawn."""

    function: KernelFunction
    arrays: dict[str, tuple[tuple[float, float], ...]]
    sizes: dict[str, tuple[float, float]]
    mutated: tuple[str, ...]  # array parameters the function's units update in place

    def shapes(self, s: int) -> dict[str, tuple[int, ...]]:
        return {name: tuple(max(0, round(a * s + b)) for a, b in axes) for name, axes in self.arrays.items()}

    def largest(self, s: int) -> int:
        return max((math.prod(shape) for shape in self.shapes(s).values()), default=0)

    def scale_for(self, n: int) -> int:
        """The s at which the largest input array has about n elements."""
        if self.largest(n) < n:  # no array grows with s far enough
            return max(PROBE_SIZES)
        lo, hi = 1, n
        while lo < hi:
            mid = (lo + hi) // 2
            if self.largest(mid) >= n:
                hi = mid
            else:
                lo = mid + 1
        below = max(1, lo - 1)
        return below if abs(math.log(max(self.largest(below), 1) / n)) < abs(math.log(self.largest(lo) / n)) else lo


def plan_inputs(function: KernelFunction, units: list[LiftUnit]) -> InputPlan | str:
    """The input plan from the function's units (shape probe at s = 4 and 8), or why there is none."""
    extents: dict[int, dict[str, list[int]]] = {}
    sizes: dict[int, dict[str, int]] = {}
    for s in PROBE_SIZES:
        extents[s], sizes[s] = {}, {}
        for unit in units:
            names, dims = free_sizes(unit)
            given, given_dims = {name: s for name in names}, {dim: s for dim in dims}
            try:
                completed, _ = complete_sizes(unit, given, given_dims)
                shapes = required_shapes(unit, given, given_dims)
            except Exception as error:  # the probe's reason is the skip reason
                return f"no input shapes at s = {s}: {error}"
            for name, shape in shapes.items():
                old = extents[s].setdefault(name, [0] * len(shape))
                extents[s][name] = [max(a, b) for a, b in zip(old, shape, strict=True)]
            for name in unit.sizes:
                if name in completed:
                    sizes[s].setdefault(name, completed[name])
    lo, hi = PROBE_SIZES
    arrays: dict[str, tuple[tuple[float, float], ...]] = {}
    size_plan: dict[str, tuple[float, float]] = {}
    for param in function.params:
        if param.kind == "array":
            if param.name not in extents[lo]:
                return f"parameter {param.name} is not read by any loop: no shape for it"
            arrays[param.name] = tuple(_line(lo, a, hi, b) for a, b in zip(extents[lo][param.name],
                                                                            extents[hi][param.name], strict=True))
        elif param.name in sizes[lo]:
            size_plan[param.name] = _line(lo, sizes[lo][param.name], hi, sizes[hi][param.name])
    params = {p.name for p in function.params if p.kind == "array"}
    mutated = tuple(dict.fromkeys(o.name for u in units for o in u.outputs if not o.fresh and o.name in params))
    return InputPlan(function, arrays, size_plan, mutated)


def _line(x0: int, y0: int, x1: int, y1: int) -> tuple[float, float]:
    slope = (y1 - y0) / (x1 - x0)
    return slope, y0 - slope * x0


def make_inputs(plan: InputPlan, s: int, rng: np.random.Generator) -> dict[str, Any]:
    shapes = plan.shapes(s)
    values: dict[str, Any] = {}
    for param in plan.function.params:
        dtype = _NP_DTYPES[param.dtype]
        if param.kind == "array":
            values[param.name] = _draw(param.dtype, shapes[param.name], rng).astype(dtype)
        elif param.name in plan.sizes:
            a, b = plan.sizes[param.name]
            values[param.name] = max(0, round(a * s + b))
        else:
            values[param.name] = _draw(param.dtype, (), rng).item()
    return values


def _draw(dtype: DType, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if dtype is DType.BOOL:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype.is_float:
        return rng.uniform(0.5, 1.5, size=shape)  # keeps sqrt, log and division valid
    return rng.integers(1, 10, size=shape)


# ------------------------------------------------------------------------------------------------------ timing


@dataclass
class Variant:
    """One way of calling a function: the function, how an input array is handed to it, how to wait for it."""

    key: str
    fn: Callable[..., Any]
    convert: Callable[[np.ndarray], Any]
    target: str | None = None  # the backend whose arrays it gets; None for the plain Python / NumPy variants


def _sync(target: str | None, result: Any, args: dict[str, Any]) -> None:
    if target == "jax":
        import jax

        leaves = [x for x in jax.tree_util.tree_leaves(result) if isinstance(x, jax.Array)]
        jax.block_until_ready(leaves)
    elif target == "mlx":
        import mlx.core as mx

        values = list(result) if isinstance(result, tuple) else [result]
        arrays = [x for x in [*values, *args.values()] if isinstance(x, mx.array)]  # results and in-place updates
        if arrays:
            mx.eval(*arrays)


def _fresh(variant: Variant, inputs: dict[str, Any], fixed: dict[str, Any], mutated: tuple[str, ...]) -> dict[str, Any]:
    args = dict(fixed)
    for name in mutated:
        args[name] = variant.convert(inputs[name])
    if variant.target == "mlx":
        _sync("mlx", None, args)
    return args


def call_once(variant: Variant, inputs: dict[str, Any], mutated: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    args = {k: variant.convert(v) if isinstance(v, np.ndarray) else v for k, v in inputs.items()}
    result = variant.fn(**args)
    _sync(variant.target, result, args)
    return result, args


def best_time(variant: Variant, inputs: dict[str, Any], mutated: tuple[str, ...]) -> float:
    """Best of several calls; arguments the function updates in place are fresh for every call (set up untimed)."""
    fixed = {k: variant.convert(v) if isinstance(v, np.ndarray) else v for k, v in inputs.items() if k not in mutated}
    if variant.target == "mlx":
        _sync("mlx", None, fixed)
    times: list[float] = []
    started = time.perf_counter()
    while True:
        args = _fresh(variant, inputs, fixed, mutated)
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            t0 = time.perf_counter()
            result = variant.fn(**args)
            _sync(variant.target, result, args)
            times.append(time.perf_counter() - t0)
        finally:
            if gc_was_enabled:
                gc.enable()
        elapsed = time.perf_counter() - started
        if len(times) >= MAX_RUNS or elapsed >= MAX_SECONDS or (len(times) >= MIN_RUNS and elapsed >= MIN_SECONDS):
            return min(times)


def growth(history: list[tuple[int, float]]) -> float | None:
    """How a loop's time grows with n (t ~ n^k): k from its last two measured sizes, between 1 and 3."""
    if len(history) < 2:
        return None
    (n0, t0), (n1, t1) = history[-2:]
    if n1 == n0 or t0 <= 0 or t1 <= 0:
        return None
    return min(3.0, max(1.0, math.log(t1 / t0) / math.log(n1 / n0)))


def estimate(history: list[tuple[int, float]], n: int, exponent: float | None) -> float | None:
    """One call's time at n from the last measured size, growing as n^exponent (2 when not known yet: an outer
    product's loop grows so from the first size on, and a linear loop's first estimate is small anyway)."""
    if not history:
        return None
    n1, t1 = history[-1]
    return t1 * (n / n1) ** (exponent if exponent is not None else 2.0)


# ------------------------------------------------------------------------------------------------- comparison


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return np.asarray(value)
    return to_numpy(value)


def difference(got: Any, want: Any) -> str | None:
    """Why `got` is not `want` (np.allclose, rtol 1e-6), or None when they agree."""
    got, want = _plain(got), _plain(want)
    if isinstance(want, tuple) or isinstance(got, tuple):
        if not (isinstance(want, tuple) and isinstance(got, tuple) and len(got) == len(want)):
            return f"returned {_brief(got)} where the loop returned {_brief(want)}"
        for g, w in zip(got, want, strict=True):
            problem = difference(g, w)
            if problem:
                return problem
        return None
    if want is None or got is None:
        same = want is None and got is None
        return None if same else f"returned {_brief(got)} where the loop returned {_brief(want)}"
    g, w = np.asarray(got), np.asarray(want)
    if g.shape != w.shape:
        return f"shape {g.shape} where the loop has {w.shape}"
    if g.size == 0:
        return None
    if not np.allclose(g.astype(np.float64), w.astype(np.float64), rtol=RTOL, atol=ATOL, equal_nan=True):
        bad = np.argmax(~np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=RTOL, atol=ATOL, equal_nan=True))
        index = np.unravel_index(bad, w.shape) if w.shape else ()
        return f"at {list(map(int, index))}: {g[index]!r} where the loop has {w[index]!r}"
    return None


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def outcome(result: Any, args: dict[str, Any], mutated: tuple[str, ...], immutable: bool) -> dict[str, Any]:
    """What a call makes observable: its return value and the arguments it updates in place."""
    seen = {"return": result}
    if not immutable:
        seen.update({name: args[name] for name in mutated})
    return seen


# -------------------------------------------------------------------------------------------------- python part


@dataclass
class Row:
    family: str
    function: str
    n: int
    shape: str
    cells: dict[str, float | str] = field(default_factory=dict)  # variant key -> seconds, or a mark


@dataclass
class Run:
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    list_notes: list[tuple[str, str]] = field(default_factory=list)  # (why '—', function)


def run_python(files: list[Path], targets: list[str], sizes: list[int], options: LiftOptions, max_loop: float,
               log: Callable[[str], None]) -> Run:
    run = Run()
    expected = _expected()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="tensorlift-speed-") as tmp:
        folder = Path(tmp)
        for path in files:
            started = time.monotonic()
            try:
                lifted = lift_python(path, targets, options, expected)
            except Exception as error:  # the file cannot be read or parsed: a failure, and the others go on
                run.failures.append(f"{shown(path)}: {type(error).__name__}: {error}")
                continue
            log(f"lifted {path} for {len(targets)} targets in {time.monotonic() - started:.1f} s")
            for target, error in lifted.crashed.items():
                run.failures.append(f"{shown(path)} [{target}]: lift_file raised {error}")
            try:
                original = load_module(lifted.text, folder, "loop")
            except Exception as error:  # a file that does not import is skipped, with the reason
                run.skipped.append(f"{shown(lifted.path)}: the original does not import: {error}")
                continue
            modules: dict[str, ModuleType | str] = {}
            for target in targets:
                try:
                    modules[target] = load_module(rewritten_text(lifted, target), folder, target)
                except Exception as error:  # reported as a failure of that target
                    modules[target] = f"{type(error).__name__}: {error}"
            for function in lifted.parsed.functions:
                _run_function(run, lifted, function, original, modules, targets, sizes, max_loop, rng, log)
    return run


def _expected() -> dict[str, Any]:
    path = CORPUS / "expected.toml"
    return tomllib.loads(path.read_text("utf-8")) if path.exists() else {}


def _run_function(run: Run, lifted: LiftedFile, function: KernelFunction, original: ModuleType,
                  modules: dict[str, ModuleType | str], targets: list[str], sizes: list[int], max_loop: float,
                  rng: np.random.Generator, log: Callable[[str], None]) -> None:
    where = f"{shown(lifted.path)}:{function.name}"
    units = [u for u in lifted.parsed.units if u.function == function.name]
    if not units:
        run.skipped.append(f"{where}: no loop")
        return
    usable: list[str] = []
    missing: dict[str, tuple[LiftUnit, str]] = {}
    for target in targets:
        for unit in units:
            result = lifted.results[target].get(unit.id)
            if result is None or result.status is Status.NOT_LIFTED:
                missing[target] = (unit, (result.reason or "no reason given") if result else
                                   f"lift_file raised {lifted.crashed[target]}" if target in lifted.crashed else
                                   "no result")
                break
        else:
            usable.append(target)
    if not usable:
        unit, reason = missing[targets[0]]
        run.skipped.append(f"{where}: {unit.id} not lifted: {reason}")
        return
    for target, (unit, reason) in missing.items():
        run.skipped.append(f"{where} [{target} only]: {unit.id}: {reason}")
    plan = plan_inputs(function, units)
    if isinstance(plan, str):
        run.skipped.append(f"{where}: {plan}")
        return
    loop_fn = getattr(original, function.name, None)
    if not callable(loop_fn):
        run.skipped.append(f"{where}: not a module-level function")
        return
    # the loop on arrays first: its results are the reference the others are checked against
    variants = [Variant("loop(A)", loop_fn, np.copy), Variant("loop(L)", loop_fn, lambda a: a.tolist())]
    rewrites: dict[str, Callable[..., Any]] = {}
    for target in usable:
        module = modules[target]
        fn = getattr(module, function.name, None) if isinstance(module, ModuleType) else None
        if fn is None:
            run.failures.append(f"{where} [{target}]: the rewritten module does not load: {module}")
            continue
        rewrites[target] = fn
    if "numpy" in rewrites:
        variants.append(Variant("np(L)", rewrites["numpy"], lambda a: a.tolist()))
    for target, fn in rewrites.items():
        variants.append(Variant(target, fn, _converter(target), target))
    history: dict[str, list[tuple[int, float]]] = {v.key: [] for v in variants}
    dead: dict[str, str] = {}  # variant -> the mark it keeps for the larger sizes
    for n in sizes:
        s = plan.scale_for(n)
        inputs = make_inputs(plan, s, rng)
        biggest = max(plan.shapes(s).values(), key=math.prod, default=())
        row = Row(lifted.family, function.name, n, "x".join(map(str, biggest)) or "-")
        for target in targets:
            if target not in usable:
                row.cells[target] = "n/a"
        reference: dict[str, Any] | None = None
        reference_name = "the loop"
        for variant in variants:
            if variant.key in dead:
                row.cells[variant.key] = dead[variant.key]
                continue
            # A loop's own times say how its work grows; a rewrite's small-size times are mostly call overhead and
            # noise, so it is assumed to grow like the loop it replaces (its work is the loop's work), and like its
            # own times only when no loop ran at two sizes.
            grows = [growth(history[k]) for k in ("loop(A)", "loop(L)", variant.key)]
            exponent = grows[2] if variant.key.startswith("loop(") else next((k for k in grows if k is not None), None)
            guess = estimate(history[variant.key], n, exponent)
            if guess is not None and guess > max_loop:
                row.cells[variant.key] = "—"
                continue
            immutable = variant.target in IMMUTABLE
            try:
                result, args = call_once(variant, inputs, plan.mutated)
            except Exception as error:  # what failed is reported below
                message = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                if variant.key == "loop(L)":
                    dead[variant.key] = "—"
                    run.list_notes.append((f"loop(L): the original does not run on lists ({message})",
                                           function.name))
                    row.cells[variant.key] = "—"
                elif variant.key == "loop(A)":
                    run.skipped.append(f"{where}: the loop fails on the derived inputs at n = {n}: {message}")
                    return
                elif variant.key == "np(L)" and dead.get("loop(L)") == "—":
                    dead[variant.key] = "—"  # the original does not run on lists either
                    row.cells[variant.key] = "—"
                elif variant.key == "np(L)" and declares_arrays(loop_fn, list(plan.arrays)):
                    dead[variant.key] = "—"
                    run.list_notes.append((f"np(L): the rewrite needs arrays, as the source's annotations declare "
                                           f"({message})", function.name))
                    row.cells[variant.key] = "—"
                else:
                    row.cells[variant.key] = "ERROR"
                    run.failures.append(f"{where} n={n} [{variant.key}]: {message}")
                continue
            if immutable and result is None and plan.mutated:
                dead[variant.key] = "in place"
                row.cells[variant.key] = "in place"
                continue
            seen = outcome(result, args, plan.mutated, immutable)
            if variant.key == "loop(A)":
                reference = seen
            elif reference is None and variant.key == "loop(L)":
                reference, reference_name = seen, "the loop on lists (the loop on arrays was not run)"
            elif reference is None and variant.key == "numpy":
                reference, reference_name = seen, "the NumPy rewrite (the loop was not run)"
            problem = _compare(seen, reference) if reference is not None and seen is not reference else None
            if problem:
                row.cells[variant.key] = "MISMATCH"
                run.failures.append(f"{where} n={n} [{variant.key}]: differs from {reference_name}: {problem}")
                continue
            seconds = best_time(variant, inputs, plan.mutated)
            history[variant.key].append((n, seconds))
            row.cells[variant.key] = seconds
        run.rows.append(row)
        log(f"  {function.name} n={n}: " + ", ".join(f"{k} {_time(v)}" for k, v in row.cells.items()))


def _compare(seen: dict[str, Any], reference: dict[str, Any]) -> str | None:
    for name, value in seen.items():
        if name in reference:
            problem = difference(value, reference[name])
            if problem:
                return f"{name}: {problem}"
    return None


def _converter(target: str) -> Callable[[np.ndarray], Any]:
    def convert(value: np.ndarray) -> Any:
        converted = to_target(target, value)
        if target == "mlx" and str(converted.dtype).rsplit(".", 1)[-1] != value.dtype.name:
            import mlx.core as mx  # to_target gives MLX float32 for float64; the loop computes in float64

            converted = mx.array(value, dtype=getattr(mx, "bool_" if value.dtype == np.bool_ else value.dtype.name))
        return converted

    return convert


def declares_arrays(fn: Callable[..., Any], names: list[str]) -> bool:
    """Whether the source annotates an array parameter with a type that is not a list (`x: np.ndarray`): then a
    rewrite may rely on it, and lists are outside the function's contract."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    for name in names:
        annotation = parameters[name].annotation if name in parameters else inspect.Parameter.empty
        if annotation is not inspect.Parameter.empty and "list" not in str(annotation).lower():
            return True
    return False


# ------------------------------------------------------------------------------------------------------ output


def _time(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if value >= scale or unit == "us":
            number = value / scale
            return f"{number:.3g}{unit}" if number >= 1 else f"{number:.2g}{unit}"
    return str(value)


def _ratio(a: float | str | None, b: float | str | None) -> float | None:
    if isinstance(a, float) and isinstance(b, float) and b > 0:
        return a / b
    return None


def _x(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x" if ratio >= 0.1 else f"{ratio:.2f}x"


def _n(n: int) -> str:
    exponent = round(math.log10(n)) if n > 0 else 0
    return f"10^{exponent}" if 10**exponent == n else str(n)


def speedups(row: Row, targets: list[str]) -> dict[str, float | None]:
    found = {"L/np(L)": _ratio(row.cells.get("loop(L)"), row.cells.get("np(L)")),
             "L/numpy": _ratio(row.cells.get("loop(L)"), row.cells.get("numpy"))}
    for target in targets:
        found[f"A/{target}"] = _ratio(row.cells.get("loop(A)"), row.cells.get(target))
    return found


def table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]).rstrip()


def report_python(run: Run, targets: list[str], sizes: list[int]) -> list[str]:
    out: list[str] = []
    timed = ["loop(L)", "loop(A)", *(["np(L)"] if "numpy" in targets else []), *targets]
    ratio_keys = [*(["L/np(L)", "L/numpy"] if "numpy" in targets else []), *(f"A/{t}" for t in targets)]
    families = list(dict.fromkeys(r.family for r in run.rows))
    for family in families:
        rows = [r for r in run.rows if r.family == family]
        body = []
        for r in rows:
            ratios = speedups(r, targets)
            body.append([r.function, _n(r.n), r.shape, *(_time(r.cells.get(k)) for k in timed),
                         *(_x(ratios[k]) for k in ratio_keys)])
        out += [f"[{family}]", table(["function", "n", "shape", *timed, *ratio_keys], body, left=2), ""]
    largest = max(sizes)
    out.append(f"Summary: median speed-up per family at n = {_n(largest)} (over the kernels measured there)")
    body = []
    for family in families:
        rows = [r for r in run.rows if r.family == family and r.n == largest]
        kernels = len({r.function for r in run.rows if r.family == family})
        cells = [family, str(kernels)]
        for key in ratio_keys:
            values = [v for r in rows if (v := speedups(r, targets)[key]) is not None]
            cells.append(f"{_x(statistics.median(values))} ({len(values)})" if values else "—")
        body.append(cells)
    out += [table(["family", "kernels", *ratio_keys], body), "(in brackets: how many kernels the median is over)", ""]
    out += done_when(run, sizes)
    return out


def done_when(run: Run, sizes: list[int]) -> list[str]:
    bar, size = 50.0, 10**6
    if size not in sizes:
        return [f"Done-when bar (NumPy rewrite >= {bar:.0f}x the loop at n = 10^6): not measured in this run "
                f"(sizes {', '.join(_n(n) for n in sizes)})"]
    rows = [r for r in run.rows if r.n == size and "numpy" in r.cells]
    lines = []
    for base, label in (("loop(A)", "the loop on NumPy arrays"), ("loop(L)", "the loop on Python lists")):
        measured = [(r, _ratio(r.cells.get(base), r.cells.get("numpy"))) for r in rows]
        have = [(r, x) for r, x in measured if x is not None]
        passed = [r for r, x in have if x >= bar]
        lines.append(f"Done-when bar: NumPy rewrite (given NumPy arrays) at n = 10^6 >= {bar:.0f}x faster than "
                     f"{label}: {len(passed)} of {len(have)} measured kernels"
                     + (f" ({len(rows) - len(have)} of {len(rows)} not measured: {_why_not(rows, have, base)})"
                        if len(have) < len(rows) else ""))
        for r, x in have:
            if x < bar:
                lines.append(f"    below the bar: {r.family}/{r.function}: {_x(x)} ({_time(r.cells.get(base))} vs "
                             f"{_time(r.cells.get('numpy'))})")
    return lines


def _why_not(rows: list[Row], have: list[tuple[Row, float | None]], base: str) -> str:
    done = {id(r) for r, _ in have}
    return ", ".join(f"{r.family}/{r.function} ({base} {_time(r.cells.get(base, '—'))}, numpy "
                     f"{_time(r.cells.get('numpy'))})" for r in rows if id(r) not in done)


# ------------------------------------------------------------------------------------------------------- C part

C_SOURCE = """\
#include <stdint.h>

/* matmul_i8: C = A * B for row-major int8 matrices (A is m-by-p, B is p-by-n), accumulated in int32. */
void matmul_i8(int m, int n, int p, const int8_t *A, const int8_t *B, int32_t *C)
{
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            int32_t acc = 0;
            for (int k = 0; k < p; k++) {
                acc += A[i * p + k] * B[k * n + j];
            }
            C[i * n + j] = acc;
        }
    }
}

/* dot_i8: dot product of two int8 vectors, accumulated in int32. */
int32_t dot_i8(int n, const int8_t *a, const int8_t *b)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) {
        s += a[i] * b[i];
    }
    return s;
}
"""

# A main per kernel: fills the inputs (deterministic int8 values), times the loop and the rewrite (best of up to
# 5 calls, at most about 2 s each), compares their outputs and prints "loop_seconds lifted_seconds mismatches".
C_MAIN_HEAD = """\
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int8_t value(long i, long salt) { return (int8_t)((i * 2654435761L + salt * 40503L) % 255 - 127); }
/* in -4..4: a dot product of up to 10^6 of them stays within the |sum| <= 2^24 the Gemmini rewrite's proof states
   as its precondition (the accumulator is scaled through float32); full-range values would violate it */
static int8_t small(long i, long salt) { return (int8_t)((i * 2654435761L + salt * 40503L) % 9 - 4); }
#define BEST(call, best) do { double started = now(); for (int r = 0; r < 5 && (r == 0 || now() - started < 2.0); r++) \
    { double t0 = now(); call; double t = now() - t0; if (t < best) best = t; } } while (0)
"""

C_MAINS = {
    "matmul_i8": """
void loop_matmul_i8(int, int, int, const int8_t *, const int8_t *, int32_t *);
void lifted_matmul_i8(int, int, int, const int8_t *, const int8_t *, int32_t *);
int main(int argc, char **argv) {
    int s = atoi(argv[1]); int m = s, n = s, p = s;
    int8_t *A = malloc((size_t)m * p), *B = malloc((size_t)p * n);
    int32_t *C1 = malloc(sizeof(int32_t) * m * n), *C2 = malloc(sizeof(int32_t) * m * n);
    for (long i = 0; i < (long)m * p; i++) A[i] = value(i, 1);
    for (long i = 0; i < (long)p * n; i++) B[i] = value(i, 2);
    double t1 = 1e30, t2 = 1e30;
    BEST(loop_matmul_i8(m, n, p, A, B, C1), t1);
    BEST(lifted_matmul_i8(m, n, p, A, B, C2), t2);
    long bad = 0; for (long i = 0; i < (long)m * n; i++) bad += C1[i] != C2[i];
    printf("%.9g %.9g %ld\\n", t1, t2, bad);
    return 0;
}
""",
    "dot_i8": """
int32_t loop_dot_i8(int, const int8_t *, const int8_t *);
int32_t lifted_dot_i8(int, const int8_t *, const int8_t *);
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    int8_t *a = malloc((size_t)n), *b = malloc((size_t)n);
    for (long i = 0; i < n; i++) { a[i] = small(i, 3); b[i] = small(i, 4); }
    volatile int32_t s1 = 0, s2 = 0;
    double t1 = 1e30, t2 = 1e30;
    BEST(s1 = loop_dot_i8(n, a, b), t1);
    BEST(s2 = lifted_dot_i8(n, a, b), t2);
    printf("%.9g %.9g %ld\\n", t1, t2, (long)(s1 != s2));
    return 0;
}
""",
}


def run_c(sizes: list[int], options: LiftOptions, log: Callable[[str], None]) -> tuple[list[list[str]], list[str]]:
    """Rows (kernel, size, C loop, Gemmini rewrite, loop/rewrite) and failures."""
    if shutil.which("gcc") is None:
        return [["(gcc is not installed)", "", "", "", ""]], []
    try:
        report = lift_file(C_SOURCE, Language.C, replace(options, target="gemmini"), "speed_int8.c")
    except Exception as error:  # an internal error of the engine
        return [["(lift failed)", "", "", "", ""]], [f"C: lift_file raised {type(error).__name__}: {error}"]
    rows: list[list[str]] = []
    failures: list[str] = []
    renames = {name: name for name in C_MAINS}
    with tempfile.TemporaryDirectory(prefix="tensorlift-speed-c-") as tmp:
        folder = Path(tmp)
        inc = include_dir(folder / "include")
        (folder / "loop.c").write_text(C_SOURCE)
        for kernel, main in C_MAINS.items():
            results = [r for r in report.results if r.function == kernel]
            not_lifted = [r for r in results if r.status is Status.NOT_LIFTED]
            if not results or not_lifted:
                reason = not_lifted[0].reason if not_lifted else "no loop found"
                rows.append([kernel, "", "", "not lifted", ""])
                failures.append(f"C {kernel}: not lifted for gemmini: {reason}")
                continue
            edits = [e for r in results for e in r.edits]
            lifted_text = apply_edits(C_SOURCE.encode(), edits, "speed_int8.c").decode()
            (folder / f"{kernel}_lifted.c").write_text(lifted_text)
            (folder / f"{kernel}_main.c").write_text(C_MAIN_HEAD + main)
            binary = folder / kernel
            prefix = {"loop.c": "loop_", f"{kernel}_lifted.c": "lifted_"}
            steps = [["gcc", "-std=c99", "-O2", f"-I{inc}", "-c", str(folder / src), "-o", str(folder / f"{src}.o"),
                      *(f"-D{name}={pre}{name}" for name in renames)] for src, pre in prefix.items()]
            steps.append(["gcc", "-std=c99", "-O2", str(folder / f"{kernel}_main.c"),
                          *(str(folder / f"{src}.o") for src in prefix), "-o", str(binary), "-lm"])
            error = None
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True)
                if done.returncode != 0:
                    error = next((line for line in done.stderr.splitlines() if "error" in line), done.stderr.strip())
                    break
            if error is not None:
                rows.append([kernel, "", "", "does not compile", ""])
                failures.append(f"C {kernel}: the gemmini rewrite does not compile: {error.strip()}\n"
                                + "".join(f"        | {line}\n" for line in _body(lifted_text, kernel)).rstrip())
                continue
            for n in sizes:
                size = round(math.sqrt(n)) if kernel == "matmul_i8" else n
                out = subprocess.run([str(binary), str(size)], capture_output=True, text=True, check=True).stdout
                loop_s, lifted_s, bad = out.split()
                shape = f"{size}x{size}" if kernel == "matmul_i8" else str(size)
                if int(bad):
                    failures.append(f"C {kernel} {shape}: {bad} outputs differ between the loop and the rewrite")
                rows.append([kernel, shape, _time(float(loop_s)), _time(float(lifted_s)) + (" MISMATCH" if int(bad)
                             else ""), _x(_ratio(float(loop_s), float(lifted_s)))])
                log(f"  C {kernel} {shape}: {rows[-1][2:]}")
    return rows, failures


def _body(text: str, function: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if f" {function}(" in line), 0)
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("}")), len(lines) - 1)
    return lines[start:end + 1]


# --------------------------------------------------------------------------------------------------------- main


def parse_sizes(text: str) -> list[int]:
    return sorted({int(float(part)) for part in text.split(",") if part.strip()})


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def versions(targets: list[str]) -> str:
    found = []
    for target in targets:
        module = importlib.import_module("mlx.core" if target == "mlx" else target)
        found.append(f"{target} {getattr(module, '__version__', '?')}"
                     + (f" ({module.get_num_threads()} threads)" if target == "torch" else ""))
    return ", ".join(found)


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="Python files or folders (default: the corpus without notlifted/)")
    parser.add_argument("--quick", action="store_true", help="n = 10^3 and 10^4 only")
    parser.add_argument("--sizes", help="comma-separated n (elements of the largest input), e.g. 1e3,1e6")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated Python targets")
    parser.add_argument("--max-loop-seconds", type=float, default=5.0,
                        help="skip a variant ('—') whose estimated time for one call exceeds this (default 5)")
    parser.add_argument("--budget", type=float, default=10.0, help="lift budget per unit in seconds (default 10)")
    parser.add_argument("--cache-dir", help="result cache folder (default: the persistent one)")
    parser.add_argument("--no-cache", action="store_true", help="lift without a persistent cache")
    parser.add_argument("--no-c", action="store_true", help="skip the C / Gemmini part")
    parser.add_argument("--no-python", action="store_true", help="skip the Python part")
    parser.add_argument("--verbose", action="store_true", help="progress on stderr")
    options = parser.parse_args(argv)
    sizes = parse_sizes(options.sizes) if options.sizes else [10**3, 10**4] if options.quick else [
        10**3, 10**4, 10**5, 10**6]
    wanted = [t.strip() for t in options.targets.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)} (choose from {', '.join(TARGETS)})")
    targets = [t for t in wanted if missing_backend(t) is None]
    absent = [f"{t} ({missing_backend(t)})" for t in wanted if t not in targets]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "jax" in targets:
        import jax

        jax.config.update("jax_enable_x64", True)
    cache = None if options.no_cache else options.cache_dir or default_cache_dir()
    lift_options = LiftOptions(budget=options.budget, cache_dir=cache)
    started = time.monotonic()

    def log(message: str) -> None:
        if options.verbose:
            print(message, file=sys.stderr, flush=True)

    print(f"tensorlift speed benchmark on {machine()}; {load()} at the start")
    print(f"targets: {versions(targets)}" + (f"; not installed: {', '.join(absent)}" if absent else ""))
    failures: list[str] = []
    if not options.no_python:
        files = python_files(options.paths)
        print(f"Python: {len(files)} files, n = {', '.join(_n(n) for n in sizes)} (elements of the largest input), "
              f"lift budget {options.budget:g} s per unit, loops estimated over {options.max_loop_seconds:g} s skipped")
        print("columns: loop(L) the original loop given lists, loop(A) given NumPy arrays, np(L) the NumPy rewrite "
              "given lists (conversion included), <target> the rewrite given that target's arrays;")
        print("speed-ups: L/np(L) = loop(L)/np(L), L/numpy = loop(L)/numpy, A/<target> = loop(A)/<target>; times are "
              "the best of several calls")
        print()
        run = run_python(files, targets, sizes, lift_options, options.max_loop_seconds, log)
        for line in report_python(run, targets, sizes):
            print(line)
        print()
        notes: dict[str, list[str]] = {}
        for why, name in run.list_notes:
            notes.setdefault(why, []).append(name)
        for why, names in notes.items():
            print(f"'—' in {why}: {', '.join(names)}")
        print(f"skipped ({len(run.skipped)}):")
        for line in run.skipped:
            print(f"  {line}")
        print()
        failures += run.failures
    if not options.no_c:
        print("C: the loop compiled with gcc -O2 vs its Gemmini rewrite (produced by lift_file, target gemmini) "
              "on the reference header gemmini_ref.h, on this CPU (a model of the accelerator, not the accelerator)")
        rows, c_failures = run_c(sizes, lift_options, log)
        print(table(["kernel", "size", "C loop -O2", "gemmini ref", "loop/ref"], rows))
        print()
        failures += c_failures
    if failures:
        print(f"FAILURES ({len(failures)}): rewrites that differ from the loop, fail to run or fail to compile")
        for line in failures:
            print(f"  FAILURE {line}")
    else:
        print("no failures: every rewrite computed the loop's values at every size it ran")
    print(f"wall time {time.monotonic() - started:.0f} s; {load()} at the end")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
