"""`tensorlift bench`: lift a corpus whose `expected.toml` records each unit's expected status; print, per
family, units, lifted, verified/bounded, misses and surprises, median and p95 seconds.

Units are lifted one after another in this process, so the seconds are wall-clock time per unit on an otherwise
idle machine (the cache is off: every unit is searched and proved from scratch).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .api import lift_file
from .cache import clear_memory
from .common import SourceError, TensorliftError
from .options import Guidance, LiftOptions, ProofMode
from .results import LiftResult, Status
from .sources import read_source

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


@dataclass(frozen=True, slots=True)
class UnitOutcome:
    path: str
    family: str
    hard: bool
    function: str
    expected: str  # "lifted" | "not-lifted"
    status: str
    seconds: float
    reason: str | None
    origin: str
    nodes: int


@dataclass
class FamilyFigures:
    units: int = 0
    lifted: int = 0
    verified: int = 0
    bounded: int = 0
    expected_lifted: int = 0
    missed: list[str] = field(default_factory=list)
    surprises: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {"units": self.units, "lifted": self.lifted, "verified": self.verified, "bounded": self.bounded,
                "expected_lifted": self.expected_lifted, "median_s": _median(self.seconds),
                "p95_s": _p95(self.seconds), "missed": self.missed, "surprises": self.surprises}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3)


def load_expectations(directory: Path) -> dict[str, dict[str, Any]]:
    manifest = directory / "expected.toml"
    try:
        return tomllib.loads(manifest.read_text("utf-8"))
    except FileNotFoundError:
        raise TensorliftError(SourceError("no expected.toml in the corpus folder", str(manifest), hint=(
            "a corpus needs expected.toml; see benchmarks/corpus/README.md"))) from None
    except tomllib.TOMLDecodeError as error:
        raise TensorliftError(SourceError(f"invalid TOML: {error}", str(manifest))) from None


def run_corpus(directory: Path, options: LiftOptions) -> list[UnitOutcome]:
    expectations = load_expectations(directory)
    outcomes: list[UnitOutcome] = []
    for relative, entry in expectations.items():
        source = read_source(directory / relative)
        if isinstance(source, SourceError):
            raise TensorliftError(source)
        clear_memory()
        report = lift_file(source.data, source.language, options, relative)
        expected_units = entry.get("units", [])
        for index, result in enumerate(report.results):
            expected = _expected_for(expected_units, result, index)
            outcomes.append(_outcome(relative, entry, result, expected))
    return outcomes


def _expected_for(units: list[dict[str, Any]], result: LiftResult, index: int) -> str:
    same_function = [u for u in units if u.get("function") == result.function]
    position = int(result.unit_id.rsplit(":", 1)[-1]) if ":" in result.unit_id else 0
    for unit in same_function:
        if int(unit.get("unit", 0)) == position:
            return str(unit.get("expect", "lifted"))
    return "unlisted"


def _outcome(path: str, entry: dict[str, Any], result: LiftResult, expected: str) -> UnitOutcome:
    return UnitOutcome(path=path, family=str(entry.get("family", Path(path).parts[0])), hard=path.startswith("hard/"),
                       function=result.function, expected=expected, status=result.status.value,
                       seconds=result.seconds, reason=result.reason, origin=result.stats.source,
                       nodes=result.stats.nodes)


def figures(outcomes: list[UnitOutcome]) -> dict[str, FamilyFigures]:
    table: dict[str, FamilyFigures] = defaultdict(FamilyFigures)
    for o in outcomes:
        for key in (("hard/" if o.hard else "") + o.family, "ALL"):
            f = table[key]
            f.units += 1
            lifted = o.status != Status.NOT_LIFTED.value
            f.lifted += lifted
            f.verified += o.status == Status.VERIFIED.value
            f.bounded += o.status == Status.BOUNDED.value
            f.expected_lifted += o.expected == "lifted"
            if lifted:
                f.seconds.append(o.seconds)
            if o.expected == "lifted" and not lifted:
                f.missed.append(f"{o.path}:{o.function}: {o.reason}")
            if o.expected == "not-lifted" and lifted:
                f.surprises.append(f"{o.path}:{o.function}")
    return dict(sorted(table.items(), key=lambda kv: (kv[0] == "ALL", kv[0])))


def run_bench(directory: Path, *, budget: float, proof: ProofMode, guidance: Guidance, as_json: bool) -> int:
    options = LiftOptions(budget=budget, proof=proof, guidance=guidance)
    started = time.monotonic()
    outcomes = run_corpus(directory, options)
    table = figures(outcomes)
    elapsed = time.monotonic() - started
    if as_json:
        print(json.dumps({"corpus": str(directory), "budget": budget, "proof": proof, "guidance": guidance,
                          "seconds": round(elapsed, 1), "families": {k: v.row() for k, v in table.items()},
                          "units": [asdict(o) for o in outcomes]}, indent=2))
        return 0
    print_table(table, directory, options, elapsed)
    return 0


def print_table(table: dict[str, FamilyFigures], directory: Path, options: LiftOptions, elapsed: float) -> None:
    header = ("family", "units", "lifted", "verified", "bounded", "expected", "median s", "p95 s")
    rows = []
    for name, f in table.items():
        rows.append((name, str(f.units), str(f.lifted), str(f.verified), str(f.bounded), str(f.expected_lifted),
                     _fmt(_median(f.seconds)), _fmt(_p95(f.seconds))))
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True)))
    print(f"tensorlift bench {directory}  (budget {options.budget:g} s, proof {options.proof}, "
          f"guidance {options.guidance})")
    print(line)
    print("-" * len(line))
    for r in rows:
        if r[0] == "ALL":
            print("-" * len(line))
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    total = table.get("ALL")
    if total:
        share = 100.0 * total.lifted / max(1, total.expected_lifted)
        print(f"\nlifted {total.lifted} of {total.expected_lifted} units expected to lift ({share:.0f}%); "
              f"{total.verified} verified for all sizes; {elapsed:.0f} s in all")
        for miss in total.missed:
            print(f"  missed: {miss}", file=sys.stdout)
        for surprise in total.surprises:
            print(f"  lifted but expected not to: {surprise}", file=sys.stdout)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
