"""A proof as a self-contained SMT-LIB2 text that anyone can replay with Z3 (`recheck.check_certificate`).

Layout: a header of `;` comments (what was proved, from which source, under which assumptions, with which
invariants, one hash per section and per check, and a checksum over the whole file), then one
`(push) … (check-sat) ; expect: … (pop)` block per solver query. `sat` blocks are the non-vacuity checks: the
premises of the `unsat` block after them have a model.

The hashes make any edit detectable (and say where it was made); they are tamper-evidence, not a signature:
whoever can recompute them can forge them. What a certificate proves is its recorded obligations; re-deriving
those from the source is what `tensorlift lift` does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import z3

from ..kernel.nodes import LiftUnit
from ..tensir import nodes as t
from .result import Check, VerifyResult

FORMAT = "tensorlift-certificate 1"
CHECKSUM_PREFIX = "; checksum-sha256: "
END_HEADER = "; end of header"
SECTIONS = ("source", "tensir", "assumptions", "invariants")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_digest(text: str) -> str:
    """sha256 of a source text with its line endings normalised (a certificate stores it line by line)."""
    return sha256("\n".join(text.splitlines()))


def block_text(number: int, check: Check) -> str:
    """One check as a push/pop block; its exact text is what the per-check hash covers."""
    name = " ".join(check.name.split())
    return (f"(push)\n; check {number}: {name}\n{check.smt2.rstrip()}\n(check-sat)\n; expect: {check.expect}\n"
            f"(pop)\n")


def _commented(lines: Iterable[str]) -> list[str]:
    return [f";| {line}" for line in lines]


def section_lines(result: VerifyResult, unit: LiftUnit, tensir: str) -> dict[str, list[str]]:
    return {
        "source": unit.source.splitlines() or [""],
        "tensir": tensir.splitlines(),
        "assumptions": [f"- {a}" for a in result.assumptions],
        "invariants": [f"- {i}" for i in result.invariants] or ["- none (bounded proof: no loop invariants)"],
    }


def section_digest(lines: list[str]) -> str:
    return sha256("\n".join(lines))


def build_certificate(unit: LiftUnit, program: t.Program, result: VerifyResult) -> str:
    """The certificate of a successful `VerifyResult` for `unit` ≡ `program`."""
    if not result.ok:
        raise ValueError("only a successful proof has a certificate")
    from ..tensir.printer import show

    sections = section_lines(result, unit, show(program))
    blocks = [block_text(n, c) for n, c in enumerate(result.checks, start=1)]
    header = [
        f"; {FORMAT}",
        f"; method: {result.method}",
        f"; bound: {result.bound if result.bound is not None else 'none (every size)'}",
        f"; z3: {z3.get_version_string()}",
        f"; unit: {unit.id} (function {unit.function}, language {unit.language.value})",
        f"; source-sha256: {source_digest(unit.source)}",
        "; claim: every output of the unit equals the TensIR program's, under the assumptions below;",
        ";        each `expect: unsat` block is an obligation's negation, each `expect: sat` block shows the",
        ";        premises of the next one are consistent (the proof is not vacuous)",
    ]
    for name in SECTIONS:
        header.append(f"; section {name} sha256 {section_digest(sections[name])}")
        header += _commented(sections[name])
    header.append(f"; section checks ({len(blocks)})")
    header += [f";| {n}. expect {c.expect} sha256 {sha256(b)}" for n, (c, b) in
               enumerate(zip(result.checks, blocks, strict=True), start=1)]
    body = "".join(blocks)
    text = "\n".join([*header, CHECKSUM_PREFIX + "0" * 64, END_HEADER]) + "\n" + body
    return text.replace(CHECKSUM_PREFIX + "0" * 64, CHECKSUM_PREFIX + checksum(text), 1)


def checksum(text: str) -> str:
    """sha256 of the whole certificate with the checksum line's value blanked."""
    start = text.find(CHECKSUM_PREFIX)
    if start < 0:
        return sha256(text)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return sha256(text[:start] + CHECKSUM_PREFIX + "0" * 64 + text[end:])
