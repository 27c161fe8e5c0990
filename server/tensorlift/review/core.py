"""The review of a change, as data: for each changed source file, the lift of every unit the change touched.

Rendering (diff, markdown, JSON, SARIF) is done elsewhere from this value; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..api import detect, lift_file
from ..batch import FileOutcome, join_modules, module_path
from ..common import Language, SourceError
from ..edits import apply_edits, unified_diff
from ..options import LiftOptions
from ..results import LiftResult, Status
from ..sources import SourceFile, read_source
from .git import Change, ChangedFile, changes
from .select import touched_units


@dataclass(frozen=True, slots=True)
class ReviewedFile:
    changed: ChangedFile
    outcome: FileOutcome  # paths relative to the repository root; only the touched units' results


@dataclass(frozen=True, slots=True)
class Review:
    change: Change
    target: str
    files: tuple[ReviewedFile, ...]
    errors: tuple[SourceError, ...]  # changed source files that could not be read

    @property
    def results(self) -> list[tuple[ReviewedFile, LiftResult]]:
        return [(f, r) for f in self.files for r in f.outcome.report.results]

    @property
    def lifted(self) -> list[tuple[ReviewedFile, LiftResult]]:
        return [(f, r) for f, r in self.results if r.status is not Status.NOT_LIFTED]


def review(root: Path, ref: str | None, options: LiftOptions) -> Review:
    """Find what changed since `ref` (default: the merge base with main) and lift the units it touched."""
    change = changes(root, ref)
    files: list[ReviewedFile] = []
    errors: list[SourceError] = []
    for changed in change.files:
        reviewed = review_file(root, changed, options)
        if isinstance(reviewed, SourceError):
            errors.append(reviewed)
        elif reviewed is not None:
            files.append(reviewed)
    return Review(change, options.target, tuple(files), tuple(errors))


def review_file(root: Path, changed: ChangedFile, options: LiftOptions) -> ReviewedFile | SourceError | None:
    """The touched units of one changed file lifted; None when it is not source code or no unit was touched."""
    if Language.from_path(changed.path) is None:
        return None
    read = read_source(root / changed.path)
    if isinstance(read, SourceError):
        return None if "binary" in read.message else SourceError(read.message, changed.path, hint=read.hint)
    source = SourceFile(Path(changed.path), read.language, read.data, read.utf8)
    wanted = touched_units(detect(source.data, source.language, changed.path).units, changed)
    if not wanted:
        return None
    report = lift_file(source.data, source.language, options, changed.path, only=wanted)
    return ReviewedFile(changed, FileOutcome(source, report))


def unit_diff(outcome: FileOutcome, result: LiftResult, target: str) -> str:
    """What one unit's rewrite does to the code: its in-place edits, or its new Python module as a new file."""
    if result.status is Status.NOT_LIFTED:
        return ""
    path = str(outcome.source.path)
    text = ""
    if result.edits:
        before = outcome.source.data
        after = apply_edits(before, result.edits, path)
        text += unified_diff(before.decode("utf-8"), after.decode("utf-8"), path)
    if result.module:
        text += unified_diff("", join_modules([result.module]), path, str(module_path(outcome.source.path, target)))
    return text
