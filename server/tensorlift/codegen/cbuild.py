"""Compile and run emitted C (gemmini target) on this machine with gcc against the reference header.

`run_c_function` writes a small program: the emitted function, a `main` that fills the inputs with given values,
calls it and prints every output; it compiles with `gcc -std=c99 -Wall` where `gemmini.h` is the project's
`gemmini_ref.h`, and returns the printed outputs as numpy arrays.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from ..kernel import nodes as k
from .gemmini import c_type


def reference_header() -> Path:
    return Path(str(files("tensorlift").joinpath("data", "gemmini", "gemmini_ref.h")))


def missing_compiler() -> str | None:
    return None if shutil.which("gcc") else "gcc is not installed"


def include_dir(folder: Path) -> Path:
    """A folder where `#include "gemmini.h"` finds the reference header."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(reference_header(), folder / "gemmini.h")
    return folder


def _literal(values: np.ndarray) -> str:
    """A C initializer, braced per row for multi-dimensional arrays."""
    if values.size == 0:
        return "{0}"
    if values.ndim <= 1:
        return "{" + ", ".join(str(int(v)) for v in values.reshape(-1)) + "}"
    return "{" + ", ".join(_literal(row) for row in values) + "}"


def harness(unit: k.LiftUnit, function_name: str, inputs: Mapping[str, Any],
            call_order: Sequence[str]) -> str:
    """A `main` that defines the inputs, calls `function_name(call_order...)` and prints the outputs."""
    lines = ["int main(void) {"]
    flat = {p.name for p in unit.inputs if p.kind == "array" and p.shape is not None and p.shape[0] is None}
    for p in unit.inputs:
        value = inputs[p.name]
        if p.kind == "scalar":
            lines.append(f"    {c_type(p.dtype)} {p.name} = {int(value)};")
            continue
        arr = np.asarray(value)
        if p.rank == 1 or p.name in flat:
            lines.append(f"    static {c_type(p.dtype)} {p.name}[{max(arr.size, 1)}] = {_literal(arr.reshape(-1))};")
        else:
            dims = "".join(f"[{max(d, 1)}]" for d in arr.shape)
            lines.append(f"    static {c_type(p.dtype)} {p.name}{dims} = {_literal(arr)};")
    scalar_outputs = [o for o in unit.outputs if o.kind == "scalar" and o.name not in {p.name for p in unit.inputs}]
    for o in scalar_outputs:
        lines.append(f"    {c_type(o.dtype)} {o.name}_out = 0;")
    args = list(call_order) + [f"&{o.name}_out" for o in scalar_outputs]
    lines.append(f"    {function_name}({', '.join(args)});")
    for o in unit.outputs:
        if o.kind == "scalar":
            name = f"{o.name}_out" if o in scalar_outputs else o.name
            lines.append(f'    printf("{o.name} %lld\\n", (long long){name});')
            continue
        arr = np.asarray(inputs[o.name])
        lines.append(f'    printf("{o.name}");')
        lines.append(f"    for (long _i = 0; _i < {arr.size}; ++_i) printf(\" %lld\", "
                     f"(long long)(({c_type(o.dtype)} *){o.name})[_i]);")
        lines.append('    printf("\\n");')
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


def compile_and_run(source: str, workdir: Path, extra_flags: Sequence[str] = ()) -> str:
    """Compile `source` with gcc -std=c99 -Wall -Werror against the reference header and return its output."""
    inc = include_dir(workdir / "include")
    c_file = workdir / "main.c"
    c_file.write_text(source, encoding="utf-8")
    exe = workdir / "main"
    build = subprocess.run(["gcc", "-std=c99", "-Wall", "-Werror", "-O1", f"-I{inc}", str(c_file), "-o", str(exe),
                            "-lm", *extra_flags], capture_output=True, text=True, timeout=120)
    if build.returncode != 0:
        raise RuntimeError(f"gcc failed:\n{build.stderr}\n--- source ---\n{source}")
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f"the program failed ({run.returncode}): {run.stderr}")
    return run.stdout


def run_c_function(unit: k.LiftUnit, function_text: str, function_name: str, inputs: Mapping[str, Any],
                   imports: Sequence[str] = ()) -> dict[str, Any]:
    """Run an emitted C function on `inputs`; returns its outputs (arrays shaped like the inputs, or ints)."""
    call_order = [p.name for p in sorted(unit.inputs, key=lambda p: p.kind == "array")]
    source = "\n".join(["#include <stdio.h>", "#include <stdint.h>", "#include <stdbool.h>", *imports, "",
                        function_text, harness(unit, function_name, inputs, call_order)])
    with tempfile.TemporaryDirectory(prefix="tensorlift-c-") as tmp:
        out = compile_and_run(source, Path(tmp))
    results: dict[str, Any] = {}
    for line in out.splitlines():
        name, *numbers = line.split()
        output = next(o for o in unit.outputs if o.name == name)
        if output.kind == "scalar":
            results[name] = int(numbers[0])
        else:
            results[name] = np.array([int(x) for x in numbers], dtype=np.int64).reshape(np.asarray(inputs[name]).shape)
    return results
