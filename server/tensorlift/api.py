"""The one entry every front door uses: `lift(source, language, options) -> list[LiftResult]`.

source -> frontend (Kernel IR, lift units) -> candidates (analysis, LLM, guided enumeration), each checked on
examples -> verifier (bounded, then inductive) -> codegen (rule pack for the target) -> edits. Nothing that failed
a check is ever returned as lifted: a unit is `verified` or `bounded` only with the proof that says so.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .common import Language, SourceError
from .kernel.nodes import LiftUnit, ParsedFile
from .options import LiftOptions
from .results import LiftResult, Proof, SearchStats, Status


@dataclass(frozen=True, slots=True)
class FileReport:
    """All a front door needs for one file: the results per unit and the file-level errors."""

    path: str
    language: Language
    results: tuple[LiftResult, ...]
    errors: tuple[SourceError, ...]


def detect(source: bytes | str, language: Language, path: str = "<input>") -> ParsedFile:
    """Parse and find lift units, without lifting: fast enough to run on every keystroke."""
    from . import frontend

    return frontend.parse(source, language, path)


def lift(source: bytes | str, language: Language, options: LiftOptions = LiftOptions(),
         path: str = "<input>", only: Iterable[str] | None = None) -> list[LiftResult]:
    """Lift every unit of `source` (or only the units whose ids are in `only`)."""
    return list(lift_file(source, language, options, path, only).results)


def lift_file(source: bytes | str, language: Language, options: LiftOptions = LiftOptions(),
              path: str = "<input>", only: Iterable[str] | None = None) -> FileReport:
    data = source.encode("utf-8") if isinstance(source, str) else source
    parsed = detect(data, language, path)
    wanted = set(only) if only is not None else None
    results = tuple(
        lift_unit(unit, data, options) for unit in parsed.units if wanted is None or unit.id in wanted
    )
    return FileReport(path, language, results, parsed.errors)


def lift_unit(unit: LiftUnit, source: bytes, options: LiftOptions) -> LiftResult:
    """Lift one unit under `options.budget` seconds (search and proofs together)."""
    from . import cache

    started = time.monotonic()
    key = cache.key(unit, options)
    hit = cache.lookup(key, unit, options)
    if hit is not None:
        return _with_code(unit, source, options, hit, started)
    core = _search_and_verify(unit, options, started + options.budget)
    cache.store(key, core, options)
    return _with_code(unit, source, options, core, started)


@dataclass(frozen=True, slots=True)
class CoreResult:
    """What search and verification found, independent of the target and of where the unit sits in the file."""

    status: Status
    reason: str | None
    program: object | None  # tensir.nodes.Program
    proof: Proof | None
    stats: SearchStats


def _search_and_verify(unit: LiftUnit, options: LiftOptions, deadline: float) -> CoreResult:
    from .search import find_candidates
    from .verify import verify

    if unit.unsupported:
        return CoreResult(Status.NOT_LIFTED, unit.unsupported, None, None, SearchStats())
    search = find_candidates(unit, options, deadline)
    first_failure: str | None = None
    for candidate in search:
        if time.monotonic() > deadline:
            break
        written = {statement.target for statement in candidate.program.statements}
        if not any(out.name in written for out in unit.outputs):
            continue  # a program that computes none of the outputs proves nothing, however it verifies
        status, proof, reason = verify(unit, candidate.program, options, deadline)
        if status is not Status.NOT_LIFTED and proof is not None:
            stats = replace(search.stats, source=candidate.origin)
            why_bounded = f"no proof for every size: {reason}" if status is Status.BOUNDED and reason else None
            return CoreResult(status, why_bounded, candidate.program, proof, stats)
        first_failure = first_failure or reason
    reason = search.reason or first_failure or "no candidate matched the loop on its examples"
    if time.monotonic() > deadline:
        reason = f"{reason} (stopped at the {options.budget:g} s budget; raise it with --budget)"
    return CoreResult(Status.NOT_LIFTED, reason, None, None, search.stats)


def _with_code(unit: LiftUnit, source: bytes, options: LiftOptions, core: CoreResult, started: float) -> LiftResult:
    base = LiftResult(unit_id=unit.id, function=unit.function, range=unit.span, status=core.status,
                      target=options.target, reason=core.reason, stats=core.stats)
    if core.status is Status.NOT_LIFTED or core.program is None:
        return replace(base, seconds=time.monotonic() - started)
    from .codegen import Refusal, emit, load_packs
    from .codegen.edits import PROOF_SLOT, edit_for
    from .tensir import nodes as T
    from .tensir.printer import show

    program = core.program
    assert isinstance(program, T.Program)
    packs = load_packs(options.rule_paths)
    emitted = emit(unit, program, options.target, packs)
    text = show(program)
    if isinstance(emitted, Refusal):
        return replace(base, status=Status.NOT_LIFTED, tensir=text, proof=core.proof,
                       reason=f"proved, but the {options.target} target cannot express it: {emitted.reason}",
                       seconds=time.monotonic() - started)
    proof = core.proof
    if proof is not None and emitted.preconditions:
        proof = replace(proof, assumptions=proof.assumptions + tuple(emitted.preconditions))
    plan = edit_for(unit, emitted, source, unit.language, options.target)
    module = plan.module.replace(PROOF_SLOT, proof_comment(core.status, proof, "# ")) if plan.module else None
    return replace(base, tensir=text, code=emitted.code, imports=tuple(emitted.imports), edits=tuple(plan.edits),
                   module=module, proof=proof, seconds=time.monotonic() - started)


def proof_comment(status: Status, proof: Proof | None, prefix: str) -> str:
    """What a rewrite says about its proof, as comment lines: the status and every assumption."""
    if status is Status.VERIFIED:
        head = "verified equivalent for all sizes (inductive proof)"
    else:
        head = f"verified equivalent for sizes up to {proof.bound if proof else '?'} per dimension (bounded check)"
    lines = [f"{prefix}tensorlift: {head}"]
    lines += [f"{prefix}  assuming {a}" for a in (proof.assumptions if proof else ())]
    return "\n".join(lines)
