"""Result cache: search and proof results keyed by a hash of (normalised unit, options, tensorlift version).

The key leaves out source positions, so a loop that only moved is not lifted again; code generation is not cached
(it is cheap and depends on where the unit sits). Memory first, then an optional directory shared by the CLI and the
language server. Disk entries are JSON written atomically (temporary file, then rename), so an interrupted run
never leaves a half-written entry; unreadable entries count as misses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .kernel.nodes import LiftUnit
from .options import LiftOptions
from .results import Proof, SearchStats, Status

if TYPE_CHECKING:
    from .api import CoreResult

_SPAN = re.compile(r"span=Span\(start=Position\(line=\d+, character=\d+\), end=Position\(line=\d+, character=\d+\)\)")
_MEMORY: dict[str, CoreResult] = {}
_MEMORY_LIMIT = 4096


def key(unit: LiftUnit, options: LiftOptions) -> str:
    shape = _SPAN.sub("", repr((unit.body, unit.inputs, unit.outputs, unit.sizes, unit.assumptions, unit.language)))
    settings = replace(options, cache_dir=None, rule_paths=(), target="")
    text = f"{engine_fingerprint()}\n{shape}\n{settings!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """The version and a hash of the engine's own source files: a result proved by other code (a development
    checkout, an upgrade that kept the version number) is never served from the cache."""
    digest = hashlib.sha256(__version__.encode("utf-8"))
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        if path.parent.name in ("lsp", "review"):
            continue  # front doors: they do not change what a lift finds
        digest.update(path.relative_to(package).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def lookup(digest: str, unit: LiftUnit, options: LiftOptions) -> CoreResult | None:
    if digest in _MEMORY:
        return _MEMORY[digest]
    if not options.cache_dir:
        return None
    path = Path(options.cache_dir) / digest[:2] / f"{digest}.json"
    try:
        data = json.loads(path.read_text("utf-8"))
        found = _decode(data, unit)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if found is not None:
        _remember(digest, found)
    return found


_INCONCLUSIVE = ("budget", "gave up", "undecided", "timeout", "deadline")


def store(digest: str, result: CoreResult, options: LiftOptions) -> None:
    if is_inconclusive(result, options):
        return  # a timeout says nothing about a larger budget or a less loaded machine
    _remember(digest, result)
    if not options.cache_dir:
        return
    folder = Path(options.cache_dir) / digest[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{digest}.json", json.dumps(_encode(result)))
    except OSError:
        pass  # a cache that cannot be written is only slower


def default_cache_dir() -> str:
    """The persistent cache the CLI and the language server share: `$XDG_CACHE_HOME/tensorlift`, else
    `~/.cache/tensorlift`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tensorlift")


def is_inconclusive(result: CoreResult, options: LiftOptions) -> bool:
    """Whether the result depends on how fast this run was: the search or a proof ran out of time, or the
    bounded check stopped below the bound asked for."""
    if result.reason and any(word in result.reason for word in _INCONCLUSIVE):
        return True
    proof = result.proof
    return proof is not None and proof.method == "bounded" and (proof.bound or 0) < options.bound


def clear_memory() -> None:
    _MEMORY.clear()


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never a part."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remember(digest: str, result: CoreResult) -> None:
    if len(_MEMORY) >= _MEMORY_LIMIT:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[digest] = result


def _encode(result: CoreResult) -> dict[str, Any]:
    from .tensir import nodes as T
    from .tensir.printer import show

    program = result.program
    return {
        "status": result.status.value,
        "reason": result.reason,
        "tensir": show(program) if isinstance(program, T.Program) else None,
        "proof": result.proof.to_json() if result.proof else None,
        "stats": asdict(result.stats),
    }


def _decode(data: dict[str, Any], unit: LiftUnit) -> CoreResult | None:
    from .api import CoreResult
    from .tensir.parser import parse

    program = None
    if data["tensir"] is not None:
        program = parse(data["tensir"], environment(unit))
    proof = None
    if data["proof"] is not None:
        p = data["proof"]
        proof = Proof(p["method"], p["bound"], tuple(p["assumptions"]), p["certificate"])
    return CoreResult(Status(data["status"]), data["reason"], program, proof, SearchStats(**data["stats"]))


def environment(unit: LiftUnit) -> dict[str, Any]:
    """The TensIR typing environment of a unit: its inputs and outputs with dtypes and ranks."""
    from .tensir.nodes import TensorType

    env: dict[str, TensorType] = {}
    for p in unit.inputs:
        env[p.name] = TensorType(p.dtype, p.rank if p.kind == "array" else 0)
    for o in unit.outputs:
        env[o.name] = TensorType(o.dtype, o.rank if o.kind == "array" else 0)
    return env
