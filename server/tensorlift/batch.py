"""`tensorlift lift PATH…`: lift files and folders, print results (text, JSON or diff), optionally write them."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .api import FileReport, lift_file
from .cache import write_atomically
from .common import SourceError
from .edits import apply_edits, unified_diff
from .options import LiftOptions
from .results import LiftResult, Status
from .sources import SourceFile, discover, read_source

PYTHON_TARGETS = ("numpy", "torch", "tensorflow", "jax", "mlx")


@dataclass(frozen=True, slots=True)
class FileOutcome:
    source: SourceFile
    report: FileReport


def lift_paths(paths: list[str], options: LiftOptions, progress: bool = False) -> tuple[list[FileOutcome],
                                                                                          list[SourceError]]:
    files, errors = discover(paths)
    outcomes: list[FileOutcome] = []
    for path in _progress(files, progress):
        source = read_source(path)
        if isinstance(source, SourceError):
            errors.append(source)
            continue
        report = lift_file(source.data, source.language, options, str(path))
        outcomes.append(FileOutcome(source, report))
    return outcomes, errors


def _progress(files: list[Path], enabled: bool) -> Any:
    if not enabled or len(files) < 4:
        return files
    from rich.progress import track

    return track(files, description="lifting", console=_console(sys.stderr), transient=True)


def run_lift(args: argparse.Namespace, options: LiftOptions) -> int:
    started = time.monotonic()
    show_progress = sys.stderr.isatty() and not args.json
    outcomes, errors = lift_paths(args.paths, options, progress=show_progress)
    for error in errors:
        print(f"tensorlift: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(json_report(outcomes), indent=2, ensure_ascii=False))
    elif args.diff:
        for outcome in outcomes:
            sys.stdout.write(diff_for(outcome, options.target))
    else:
        print_text(outcomes, sys.stdout, quiet=args.quiet)
    if args.write:
        for outcome in outcomes:
            write_back(outcome, options.target)
    if not args.json:
        print(summary(outcomes, time.monotonic() - started), file=sys.stderr if args.diff else sys.stdout)
    if getattr(args, "report", None):
        write_report(Path(args.report), outcomes)
    return 1 if errors else 0


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


def summary(outcomes: list[FileOutcome], seconds: float) -> str:
    counts: Counter[str] = Counter(r.status.value for o in outcomes for r in o.report.results)
    units = sum(counts.values())
    return (f"{units} loop{'s' if units != 1 else ''} in {len(outcomes)} file{'s' if len(outcomes) != 1 else ''}: "
            f"{counts['verified']} verified for all sizes, {counts['bounded']} bounded, "
            f"{counts['not-lifted']} not lifted ({seconds:.1f} s)")


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


def write_report(path: Path, outcomes: list[FileOutcome]) -> None:
    if path.suffix == ".json":
        write_atomically(path, json.dumps(json_report(outcomes), indent=2, ensure_ascii=False))
        return
    lines = ["# tensorlift report", ""]
    lines += ["| file | function | line | status | TensIR | seconds |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        for r in o.report.results:
            tensir = (r.tensir or r.reason or "").replace("|", "\\|").replace("\n", "<br>")
            lines.append(f"| {o.source.path} | {r.function} | {r.range.start.line + 1} | {r.status.value} | "
                         f"{tensir} | {r.seconds:.2f} |")
    write_atomically(path, "\n".join(lines) + "\n")


def _console(stream: TextIO) -> Any:
    from rich.console import Console

    return Console(file=stream)
