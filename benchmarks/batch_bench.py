"""Batch lifting throughput: `tensorlift lift DIR` on a generated tree of legacy-looking files.

Not a test. Generates a tree of at least 2,000 files in a temporary folder (each one a kernel of
benchmarks/corpus surrounded by unrelated code: a header comment, a struct or class, functions without loops),
then runs the real command and prints files per second for

- `--jobs 1` with a cold cache (a fresh cache folder),
- `--jobs 2` with a cold cache (another fresh cache folder),
- `--jobs 2` with the warm cache the previous run left.

Copies of the same corpus kernel share results inside one run (the in-process cache, then the disk cache), as
duplicated loops in a real codebase do; "cold" means an empty persistent cache at the start.

    python benchmarks/batch_bench.py [--files 2000] [--budget 5] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus"
FAMILIES = ("blas1", "blas2", "blas3", "dsp", "blend", "mllayer", "stencil", "elementwise", "notlifted")


def corpus_kernels() -> list[Path]:
    """The corpus kernels (regular families and the not-liftable ones; the `hard/` ones are left out because
    they can run to the budget, which is not what this measures)."""
    found = [p for family in FAMILIES for p in sorted((CORPUS / family).glob("*"))
             if p.suffix in (".c", ".cpp", ".py")]
    if not found:
        sys.exit(f"no kernels under {CORPUS}")
    return found


def c_surroundings(index: int, suffix: str) -> tuple[str, str]:
    head = (f"/* unit_{index}{suffix}: part of a legacy numeric library (generated for the batch benchmark).\n"
            " * The kernel below is one tensor operation; the rest of the file is bookkeeping. */\n\n"
            f"struct config_{index} {{\n    int mode;\n    double scale;\n}};\n\n"
            f"static int clamp_mode_{index}(int mode) {{\n    return mode < 0 ? 0 : (mode > 3 ? 3 : mode);\n}}\n\n")
    tail = (f"\n/* helpers without loops */\nstatic double half_{index}(double x) {{\n    return x * 0.5;\n}}\n\n"
            f"int version_{index}(void) {{\n    return {index % 7} + clamp_mode_{index}(2);\n}}\n")
    return head, tail


def py_surroundings(index: int) -> tuple[str, str]:
    head = (f'"""unit_{index}: part of a legacy numeric package (generated for the batch benchmark)."""\n\n\n'
            f"class Settings{index}:\n    \"\"\"Options of the kernel below.\"\"\"\n\n"
            "    def __init__(self, mode=0, scale=1.0):\n        self.mode = mode\n        self.scale = scale\n\n"
            "    def describe(self):\n        return f\"mode {self.mode}, scale {self.scale}\"\n\n\n"
            f"def clamp_{index}(value, low, high):\n    # no loop here\n    return max(low, min(high, value))\n\n\n")
    tail = f"\n\ndef version_{index}():\n    return {index % 7}\n"
    return head, tail


def generate(folder: Path, count: int) -> int:
    """Write `count` files (in nested folders of 100) around the corpus kernels, round-robin; returns bytes."""
    kernels = corpus_kernels()
    total = 0
    for index in range(count):
        kernel = kernels[index % len(kernels)]
        text = kernel.read_text("utf-8")
        head, tail = py_surroundings(index) if kernel.suffix == ".py" else c_surroundings(index, kernel.suffix)
        if kernel.suffix == ".py":
            imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
            body = "\n".join(line for line in text.splitlines() if not line.startswith(("import ", "from ")))
            content = "\n".join(imports) + ("\n\n" if imports else "") + head + body.strip("\n") + "\n" + tail
        else:
            includes = [line for line in text.splitlines() if line.startswith("#include")]
            body = "\n".join(line for line in text.splitlines() if not line.startswith("#include"))
            content = "\n".join(includes) + ("\n\n" if includes else "") + head + body.strip("\n") + "\n" + tail
        target = folder / f"pkg{index // 100:03}" / f"unit_{index:05}{kernel.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
        total += len(content)
    return total


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    summary: str


def lift(tree: Path, jobs: int, cache: Path, budget: float, label: str) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    command = [sys.executable, "-m", "tensorlift", "lift", str(tree), "--quiet", "--jobs", str(jobs),
               "--cache-dir", str(cache), "--budget", str(budget)]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{label}: exit {done.returncode}\n{done.stderr[-2000:]}")
    summary = next((line for line in done.stdout.splitlines() if " loops in " in line), "")
    return Run(label, seconds, summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per loop (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the generated tree and caches")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tensorlift-batch-bench-"))
    try:
        tree = work / "tree"
        size = generate(tree, args.files)
        print(f"{args.files} files ({size / 1e6:.1f} MB) from {len(corpus_kernels())} corpus kernels in {tree}; "
              f"{os.cpu_count()} cores; budget {args.budget:g} s per loop")
        runs = [
            lift(tree, 1, work / "cache-jobs1", args.budget, "--jobs 1, cold cache"),
            lift(tree, 2, work / "cache-jobs2", args.budget, "--jobs 2, cold cache"),
            lift(tree, 2, work / "cache-jobs2", args.budget, "--jobs 2, warm cache"),
        ]
        for run in runs:
            print(f"{run.label:22} {run.seconds:8.1f} s  {args.files / run.seconds:8.1f} files/s   {run.summary}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
