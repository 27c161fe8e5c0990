"""`tensorlift lift PATH…`: lift files and folders, print results (text, JSON or diff), optionally write them.

Files are lifted in parallel worker processes (`--jobs N`, default the number of cores; `--jobs 1` stays in this
process). Workers share the persistent result cache on disk (the one the language server uses, see
`cache.default_cache_dir`); the parent alone writes source files, each atomically, as its results arrive.

Ctrl-C: workers ignore SIGINT; the parent stops handing out files, terminates the workers and exits 130. A worker
killed mid-lift can leave at most a stray temporary file in the cache folder (never a partial entry: entries are
renamed into place), and a source file is either untouched or completely rewritten. A worker that dies (killed,
out of memory) ends the run with an error instead of a hang.

Reports (`--report FILE`, markdown or JSON by extension) are reproducible: files in a fixed order, the tensorlift
version, the rule packs with a sha256 over each pack's files, and the options that decide results (budget, seed,
…). Wall-clock times change from run to run, so they live only in a separate, marked section (`"timing"` in JSON,
`## Timing` at the end of markdown) that a comparison of two reports leaves out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import tomllib

from . import __version__
from .api import FileReport, lift_file
from .cache import default_cache_dir, write_atomically
from .common import Language, SourceError, TensorliftError
from .edits import apply_edits, unified_diff
from .options import LiftOptions
from .results import LiftResult, Status
from .sources import SourceFile, discover, read_source

PYTHON_TARGETS = ("numpy", "torch", "tensorflow", "jax", "mlx")


@dataclass(frozen=True, slots=True)
class FileOutcome:
    source: SourceFile
    report: FileReport
    seconds: float = 0.0  # wall-clock time of the whole file (detection, lifts, code generation)


# ------------------------------------------------------------------------------------------------------ lifting


def lift_one(path: Path, options: LiftOptions) -> FileOutcome | SourceError:
    """Read and lift one file: the job of one worker."""
    started = time.monotonic()
    source = read_source(path)
    if isinstance(source, SourceError):
        return source
    report = lift_file(source.data, source.language, options, str(path))
    return FileOutcome(source, report, time.monotonic() - started)


def lift_paths(paths: list[str], options: LiftOptions, jobs: int = 1,
               on_done: Callable[[FileOutcome | SourceError], None] | None = None,
               on_start: Callable[[int], None] | None = None) -> tuple[list[FileOutcome], list[SourceError]]:
    """Lift every file under `paths`; results in discovery order whatever the number of jobs.

    `on_start(count)` is called once the files are known, `on_done` after each file (in completion order)."""
    files, errors = discover(paths)
    if on_start is not None:
        on_start(len(files))
    done: list[FileOutcome | SourceError] = []
    for item in _lift_all(files, options, jobs):
        done.append(item)
        if on_done is not None:
            on_done(item)
    order = {str(path): index for index, path in enumerate(files)}
    outcomes = sorted((o for o in done if isinstance(o, FileOutcome)), key=lambda o: order[str(o.source.path)])
    read_errors = sorted((e for e in done if isinstance(e, SourceError)), key=lambda e: order.get(e.path or "", 0))
    return outcomes, errors + read_errors


def _lift_all(files: list[Path], options: LiftOptions, jobs: int) -> Iterator[FileOutcome | SourceError]:
    if jobs <= 1 or len(files) <= 1:
        for path in files:
            yield lift_one(path, options)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs a progress thread
    pool = ProcessPoolExecutor(min(jobs, len(files)), mp_context=context, initializer=_worker_init)
    try:
        futures = [pool.submit(lift_one, path, options) for path in files]
        for future in as_completed(futures):
            yield future.result()
    except BrokenProcessPool:
        _stop(pool)
        raise TensorliftError(SourceError("a worker process died while lifting (out of memory, or killed)",
                                          hint="rerun with --jobs 1 to find the file")) from None
    except BaseException:
        _stop(pool)  # Ctrl-C or an error: stop the workers now, not after their current file
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers (the executor alone would let each finish its current file) and wait for them."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=10)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


# ---------------------------------------------------------------------------------------------- the command


def run_lift(args: argparse.Namespace, options: LiftOptions) -> int:
    started = time.monotonic()
    options = with_cache_dir(options, args)
    jobs = args.jobs or available_cores()
    write = _writer(options.target) if args.write else None
    with _Progress(enabled=sys.stderr.isatty()) as progress:
        def done(item: FileOutcome | SourceError) -> None:
            progress.advance()
            if write is not None and isinstance(item, FileOutcome):
                write(item)

        outcomes, errors = lift_paths(args.paths, options, jobs, on_done=done, on_start=progress.start)
    seconds = time.monotonic() - started
    for error in errors:
        print(f"tensorlift: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(json_report(outcomes), indent=2, ensure_ascii=False))
    elif args.diff:
        for outcome in outcomes:
            sys.stdout.write(diff_for(outcome, options.target))
    else:
        print_text(outcomes, sys.stdout, quiet=args.quiet)
    if not args.json:
        out = sys.stderr if args.diff else sys.stdout
        if len(outcomes) > 1:
            print_table(summary_rows(outcomes), out)
        print(summary(outcomes, seconds), file=out)
    if getattr(args, "report", None):
        write_report(Path(args.report), outcomes, options, seconds)
    return 1 if errors else 0


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask or quota)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def with_cache_dir(options: LiftOptions, args: argparse.Namespace) -> LiftOptions:
    """The persistent cache: `--cache-dir`, none with `--no-cache`, else the one shared with the language server
    (LLM answers go to its `llm` folder unless the options name another)."""
    if getattr(args, "no_cache", False):
        return replace(options, cache_dir=None)
    folder = options.cache_dir or default_cache_dir()
    llm = options.llm
    if llm is not None and llm.cache_dir is None:
        llm = replace(llm, cache_dir=os.path.join(folder, "llm"))
    return replace(options, cache_dir=folder, llm=llm)


def _writer(target: str) -> Callable[[FileOutcome], None]:
    def write(outcome: FileOutcome) -> None:
        write_back(outcome, target)

    return write


class _Progress:
    """A rich progress bar with counts and ETA on stderr, or nothing when stderr is not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def start(self, total: int) -> None:
        if not self.enabled or total < 2:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("lifting"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=_console(sys.stderr), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("lifting", total=total)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# ------------------------------------------------------------------------------------------- JSON and diffs


def json_report(outcomes: list[FileOutcome]) -> dict[str, Any]:
    """The contract of design §8."""
    return {
        "version": 1,
        "files": [
            {
                "path": str(o.source.path),
                "language": o.source.language.value,
                "units": [r.to_json() for r in o.report.results],
                "errors": [str(e) for e in o.report.errors],
            }
            for o in outcomes
        ],
    }


def new_text(outcome: FileOutcome) -> str:
    data = outcome.source.data
    edits = [e for r in outcome.report.results if r.status is not Status.NOT_LIFTED for e in r.edits]
    return apply_edits(data, edits, str(outcome.source.path)).decode("utf-8")


def module_path(path: Path, target: str) -> Path:
    return path.with_name(f"{path.stem}_{target}.py")


def module_text(outcome: FileOutcome) -> str | None:
    modules = [r.module for r in outcome.report.results if r.status is not Status.NOT_LIFTED and r.module]
    if not modules:
        return None
    return join_modules(modules)


def join_modules(modules: list[str]) -> str:
    """One Python module from several units' modules: one docstring, their imports once, then each body."""
    docstring: str | None = None
    imports: list[str] = []
    bodies: list[str] = []
    for module in modules:
        lines = module.strip("\n").splitlines()
        if lines and lines[0].startswith('"""') and lines[0].endswith('"""') and len(lines[0]) > 3:
            docstring = docstring or lines[0]
            lines = lines[1:]
        body_start = 0
        for index, line in enumerate(lines):
            if line.startswith(("import ", "from ")):
                if line not in imports:
                    imports.append(line)
                body_start = index + 1
            elif line.strip() and not line.startswith(("import ", "from ")):
                break
        bodies.append("\n".join(lines[body_start:]).strip("\n"))
    head = "\n\n".join(part for part in (docstring, "\n".join(imports)) if part)
    return head + "\n\n\n" + "\n\n\n".join(bodies) + "\n"


def diff_for(outcome: FileOutcome, target: str) -> str:
    path = str(outcome.source.path)
    before = outcome.source.data.decode("utf-8")
    text = unified_diff(before, new_text(outcome), path)
    module = module_text(outcome)
    if module is not None:
        text += unified_diff("", module, path, str(module_path(outcome.source.path, target)))
    return text


def write_back(outcome: FileOutcome, target: str) -> None:
    path = outcome.source.path
    after = new_text(outcome)
    if after != outcome.source.data.decode("utf-8"):
        if not outcome.source.utf8:
            print(f"tensorlift: {path}: not UTF-8; not rewritten (tensorlift writes UTF-8 only; convert the file "
                  "first)", file=sys.stderr)
        else:
            write_atomically(path, after)
    module = module_text(outcome)
    if module is not None:
        write_atomically(module_path(path, target), module)


# ------------------------------------------------------------------------------------------ text and tables


def summary(outcomes: list[FileOutcome], seconds: float) -> str:
    row = _row("all", outcomes)
    units = row.loops
    return (f"{units} loop{'s' if units != 1 else ''} in {len(outcomes)} file{'s' if len(outcomes) != 1 else ''}: "
            f"{row.verified} verified for all sizes, {row.bounded} bounded, "
            f"{row.not_lifted} not lifted ({seconds:.1f} s)")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    language: str
    files: int
    loops: int
    verified: int
    bounded: int
    not_lifted: int
    seconds: float  # summed over files (worker time, so more than the wall clock with several jobs)


def summary_rows(outcomes: list[FileOutcome]) -> list[SummaryRow]:
    """One row per language present (C, C++, Python order), then the total."""
    rows = [_row(language.value, [o for o in outcomes if o.source.language is language]) for language in Language]
    return [r for r in rows if r.files] + [_row("total", outcomes)]


def _row(name: str, outcomes: list[FileOutcome]) -> SummaryRow:
    results = [r for o in outcomes for r in o.report.results]
    count = {status: sum(r.status is status for r in results) for status in Status}
    return SummaryRow(name, len(outcomes), len(results), count[Status.VERIFIED], count[Status.BOUNDED],
                      count[Status.NOT_LIFTED], sum(o.seconds for o in outcomes))


def print_table(rows: list[SummaryRow], out: TextIO) -> None:
    from rich.table import Table

    table = Table(title="tensorlift lift")
    for name in ("language", "files", "loops", "verified", "bounded", "not lifted", "seconds"):
        table.add_column(name, justify="left" if name == "language" else "right")
    for row in rows:
        table.add_row(row.language, str(row.files), str(row.loops), str(row.verified), str(row.bounded),
                      str(row.not_lifted), f"{row.seconds:.1f}")
    _console(out).print(table)


_MARK = {Status.VERIFIED: "✔", Status.BOUNDED: "≈", Status.NOT_LIFTED: "✘"}


def describe_status(result: LiftResult) -> str:
    match result.status:
        case Status.VERIFIED:
            return "verified for all sizes"
        case Status.BOUNDED:
            bound = result.proof.bound if result.proof else None
            return f"verified for sizes up to {bound} (bounded)"
        case Status.NOT_LIFTED:
            return "not lifted"


def print_text(outcomes: list[FileOutcome], out: TextIO, quiet: bool = False) -> None:
    for outcome in outcomes:
        if quiet:
            continue
        report = outcome.report
        print(f"{outcome.source.path}", file=out)
        for error in report.errors:
            print(f"  ! {error}", file=out)
        if not report.results:
            print("  (no loops found)", file=out)
        for r in report.results:
            line = r.range.start.line + 1
            head = f"  {_MARK[r.status]} {r.function} (line {line}): {describe_status(r)}"
            if r.status is Status.NOT_LIFTED:
                print(f"{head}: {r.reason}", file=out)
                continue
            print(f"{head}  [{r.seconds:.2f} s]", file=out)
            print(_indent(f"tensir: {r.tensir}", 6), file=out)
            print(_indent(f"{r.target}:\n{_indent(r.code or '', 2)}", 6), file=out)
        print(file=out)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.splitlines())


# ------------------------------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class PackStamp:
    name: str
    version: str
    path: str
    sha256: str  # over every file of the pack: relative path and bytes, in sorted order


def pack_stamps(options: LiftOptions) -> list[PackStamp]:
    """The rule packs a run uses (extra packs first, then the bundled ones), each with a hash of its files."""
    from .codegen.loader import bundled_rules, pack_dirs

    stamps = []
    for folder in pack_dirs([*options.rule_paths, bundled_rules()]):
        digest = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
        try:
            meta = tomllib.loads((folder / "pack.toml").read_text("utf-8"))
        except (OSError, ValueError):
            meta = {}
        where = "bundled" if folder.is_relative_to(bundled_rules()) else str(folder)
        stamps.append(PackStamp(str(meta.get("name", folder.name)), str(meta.get("version", "0")), where,
                                digest.hexdigest()))
    return stamps


def provenance(options: LiftOptions) -> dict[str, Any]:
    """Everything that decides a report's results: version, rule packs with hashes, and the options."""
    return {
        "tensorlift": __version__,
        "rule_packs": [{"name": p.name, "version": p.version, "path": p.path, "sha256": p.sha256}
                       for p in pack_stamps(options)],
        "options": {"target": options.target, "budget": options.budget, "seed": options.seed,
                    "bound": options.bound, "proof": options.proof, "int_model": options.int_model,
                    "float_model": options.float_model, "guidance": options.guidance,
                    "llm_model": options.llm.model if options.llm else None},
    }


def report_json(outcomes: list[FileOutcome], options: LiftOptions, seconds: float) -> dict[str, Any]:
    """The `--report x.json` document: provenance, the §8 files without times, then the marked timing section."""
    files = json_report(outcomes)["files"]
    for entry in files:
        for unit in entry["units"]:
            unit.pop("seconds", None)
    return {
        "version": 1,
        "run": provenance(options),
        "summary": [_row_json(r) for r in summary_rows(outcomes)],
        "files": files,
        "timing": {
            "note": "wall-clock seconds; they change from run to run and are not part of the reproducible report",
            "total_seconds": round(seconds, 3),
            "files": {str(o.source.path): round(o.seconds, 3) for o in outcomes},
        },
    }


def _row_json(row: SummaryRow) -> dict[str, Any]:
    return {"language": row.language, "files": row.files, "loops": row.loops, "verified": row.verified,
            "bounded": row.bounded, "not_lifted": row.not_lifted}


TIMING_HEADING = "## Timing"


def report_markdown(outcomes: list[FileOutcome], options: LiftOptions, seconds: float) -> str:
    """The `--report x.md` document; everything above `## Timing` is the same for the same inputs."""
    run = provenance(options)
    opts = run["options"]
    lines = ["# tensorlift report", "",
             f"tensorlift {run['tensorlift']}; target `{opts['target']}`, budget {opts['budget']:g} s per loop, "
             f"seed {opts['seed']}, bound {opts['bound']}, proof {opts['proof']}, integers {opts['int_model']}, "
             f"floats {opts['float_model']}, guidance {opts['guidance']}.", "",
             "| rule pack | version | sha256 |", "|---|---|---|"]
    lines += [f"| {p['name']} ({_cell(p['path'])}) | {p['version']} | `{p['sha256']}` |" for p in run["rule_packs"]]
    lines += ["", "## Summary", "", "| language | files | loops | verified | bounded | not lifted |",
              "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.language} | {r.files} | {r.loops} | {r.verified} | {r.bounded} | {r.not_lifted} |"
              for r in summary_rows(outcomes)]
    lines += ["", "## Files", ""]
    for o in outcomes:
        lines.append(f"### {o.source.path}")
        lines.append("")
        lines += [f"- error: {_cell(str(e))}" for e in o.report.errors]
        if not o.report.results:
            lines += ["(no loops found)", ""]
            continue
        lines += ["| function | line | status | TensIR or reason | assumptions |", "|---|---:|---|---|---|"]
        for r in o.report.results:
            detail = r.tensir if r.status is not Status.NOT_LIFTED else r.reason
            assumptions = "; ".join(r.proof.assumptions) if r.proof and r.status is not Status.NOT_LIFTED else ""
            lines.append(f"| {_cell(r.function)} | {r.range.start.line + 1} | {describe_status(r)} | "
                         f"{_cell(detail or '')} | {_cell(assumptions)} |")
        lines.append("")
    lines += [TIMING_HEADING, "", "Wall-clock seconds: they change from run to run and are not part of the "
              "reproducible report above.", "", f"Total: {seconds:.1f} s", "", "| file | seconds |", "|---|---:|"]
    lines += [f"| {o.source.path} | {o.seconds:.2f} |" for o in outcomes]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def write_report(path: Path, outcomes: list[FileOutcome], options: LiftOptions = LiftOptions(),
                 seconds: float = 0.0) -> None:
    if path.suffix == ".json":
        text = json.dumps(report_json(outcomes, options, seconds), indent=2, ensure_ascii=False) + "\n"
    else:
        text = report_markdown(outcomes, options, seconds)
    write_atomically(path, text)


def _console(stream: TextIO) -> Any:
    from rich.console import Console

    return Console(file=stream)
