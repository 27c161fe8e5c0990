"""Finding and reading source files, with errors a user can act on.

Folders are searched recursively by extension, skipping hidden folders and the usual build and dependency trees.
Files are read as bytes; binary files (a NUL byte) and files too large to be source code are refused with the
reason. Text that is not UTF-8 is read as Latin-1 and marked, so that `--write` refuses to re-encode it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import Language, SourceError

SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "build", "dist", "venv", "site-packages", "target"})
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    language: Language
    data: bytes  # UTF-8 (a BOM removed); Latin-1 text re-encoded, with utf8=False
    utf8: bool = True


def discover(paths: Iterable[str]) -> tuple[list[Path], list[SourceError]]:
    """The source files named by `paths` (files, or folders searched recursively), and errors for bad paths."""
    found: list[Path] = []
    errors: list[SourceError] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(_walk(path)))
        elif path.is_file():
            if Language.from_path(path.name) is None:
                errors.append(SourceError(f"not a C, C++ or Python file ({path.suffix or 'no extension'})",
                                          str(path), hint="tensorlift reads .c .h .cc .cpp .hpp .py files"))
            else:
                found.append(path)
        elif path.exists():
            errors.append(SourceError("not a regular file", str(path)))
        else:
            errors.append(SourceError("no such file or folder", str(path), hint="check the path"))
    unique = list(dict.fromkeys(found))
    return unique, errors


def _walk(folder: Path) -> Iterator[Path]:
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name in SKIPPED_FOLDERS:
            continue
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry)
        elif entry.is_file() and Language.from_path(entry.name) is not None:
            yield entry


def read_source(path: Path) -> SourceFile | SourceError:
    language = Language.from_path(path.name)
    if language is None:
        return SourceError("not a C, C++ or Python file", str(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return SourceError(f"file is {size // (1024 * 1024)} MiB; larger than tensorlift reads "
                               f"({MAX_BYTES // (1024 * 1024)} MiB)", str(path))
        data = path.read_bytes()
    except OSError as error:
        return SourceError(f"cannot read: {error.strerror or error}", str(path))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return SourceError("invalid UTF-16 text", str(path))
        return SourceFile(path, language, text.encode("utf-8"), utf8=False)
    if b"\x00" in data:
        return SourceError("binary file (contains NUL bytes); not source code", str(path))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return SourceFile(path, language, data.decode("latin-1").encode("utf-8"), utf8=False)
    return SourceFile(path, language, data)
