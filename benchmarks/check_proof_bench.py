"""Re-checking proofs: lift the corpus, write every certificate to a file, re-check each one, and print the median
and p95 seconds per certificate; then change one byte in the middle of each certificate and count how many the
re-check still accepts (it must be none).

    python benchmarks/check_proof_bench.py [CORPUS] [--budget S] [--cli]

`--cli` also runs `tensorlift check-proof` on all of them in one process, as a user would.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tensorlift.api import lift_file
from tensorlift.bench import load_expectations
from tensorlift.options import LiftOptions
from tensorlift.sources import read_source
from tensorlift.verify.recheck import check_certificate_file


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default="benchmarks/corpus")
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--cli", action="store_true")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    folder = Path(tempfile.mkdtemp(prefix="tensorlift-proofs-"))
    written: list[Path] = []
    methods: dict[str, int] = {}
    for relative in load_expectations(corpus):
        source = read_source(corpus / relative)
        if not hasattr(source, "data"):
            continue
        for result in lift_file(source.data, source.language, LiftOptions(budget=args.budget), relative).results:
            if result.proof and result.proof.certificate:
                path = folder / f"{relative.replace('/', '__')}.{result.unit_id.replace(':', '-')}.smt2"
                path.write_text(result.proof.certificate, encoding="utf-8")
                written.append(path)
                methods[result.proof.method] = methods.get(result.proof.method, 0) + 1
    seconds: list[float] = []
    failed = 0
    for path in written:
        started = time.perf_counter()
        ok = check_certificate_file(path).ok
        seconds.append(time.perf_counter() - started)
        failed += not ok
    tampered_accepted = 0
    for path in written:
        text = path.read_text("utf-8")
        middle = len(text) // 2
        flipped = "1" if text[middle] != "1" else "2"
        copy = path.with_suffix(".tampered.smt2")
        copy.write_text(text[:middle] + flipped + text[middle + 1:], encoding="utf-8")
        tampered_accepted += check_certificate_file(copy).ok
        copy.unlink()
    ordered = sorted(seconds)
    print(f"certificates: {len(written)} ({', '.join(f'{n} {m}' for m, n in sorted(methods.items()))}) in {folder}")
    print(f"re-check: median {statistics.median(ordered):.3f} s, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.3f} s, "
          f"max {ordered[-1]:.3f} s; {failed} failed")
    print(f"one byte changed in the middle: {tampered_accepted} of {len(written)} still accepted (must be 0)")
    if args.cli:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tensorlift", "check-proof", *map(str, written)],
                              capture_output=True, text=True)
        print(f"tensorlift check-proof on all {len(written)}: exit {done.returncode}, "
              f"{time.perf_counter() - started:.1f} s")
    return 1 if failed or tampered_accepted else 0


if __name__ == "__main__":
    sys.exit(main())
