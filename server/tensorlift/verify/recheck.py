"""Re-checking a certificate (`tensorlift check-proof`): it must be unchanged, about the source it names, and
every block must still give its expected answer in a fresh Z3 context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import z3

from .certificate import CHECKSUM_PREFIX, END_HEADER, FORMAT, SECTIONS, checksum, section_digest, sha256, source_digest

BLOCK_TIMEOUT_MS = 30_000
_BLOCK = re.compile(r"\(push\)\n; check (\d+): (.*?)\n(.*?)\(check-sat\)\n; expect: (sat|unsat)\n\(pop\)\n", re.S)


@dataclass(frozen=True, slots=True)
class RecheckResult:
    ok: bool
    message: str  # one line a user reads: what was replayed, or which check failed and why
    failed: str | None = None  # the part that failed: "checksum", "section invariants", "check 3", "source"...
    checks: int = 0

    def __bool__(self) -> bool:
        return self.ok


def _fail(part: str, why: str, checks: int = 0) -> RecheckResult:
    return RecheckResult(False, f"FAILED ({part}): {why}", part, checks)


def check_certificate_file(path: str | Path, source_text: str | None = None) -> RecheckResult:
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return _fail("file", f"cannot read {path}: {error}")
    return check_certificate(text, source_text)


def check_certificate(text: str, source_text: str | None = None) -> RecheckResult:
    """Replay a certificate. `source_text`, when given, is the source as it is now (the unit's text or the whole
    file containing it); the certificate's embedded source must still be in it. Editors that add a final newline
    on save (Neovim's 'fixeol') change nothing that SMT-LIB reads, so any run of final newlines counts as one."""
    text = text.rstrip("\n") + "\n"
    head, sep, body = text.partition(END_HEADER + "\n")
    if not sep or not head.startswith(f"; {FORMAT}"):
        return _fail("format", "not a tensorlift certificate (header missing or damaged)")
    lines = head.splitlines()
    sections, digests, check_hashes = _sections(lines)
    stated = next((ln[len(CHECKSUM_PREFIX):] for ln in lines if ln.startswith(CHECKSUM_PREFIX)), None)
    # name the part that changed before reporting the overall checksum
    for name in SECTIONS:
        if name not in sections or digests.get(name) != section_digest(sections[name]):
            return _fail(f"section {name}", f"the {name} section was changed (its hash does not match)")
    source = "\n".join(sections["source"])
    source_hash = next((ln.split(": ", 1)[1] for ln in lines if ln.startswith("; source-sha256: ")), None)
    if source_hash != source_digest(source):
        return _fail("source", "the embedded source does not match the header's source-sha256")
    blocks = list(_BLOCK.finditer(body))
    if "".join(b.group(0) for b in blocks) != body:
        return _fail("body", "text outside the check blocks, or a damaged block")
    if len(blocks) != len(check_hashes):
        return _fail("checks", f"{len(blocks)} blocks but the header lists {len(check_hashes)}")
    for number, block in enumerate(blocks, start=1):
        if int(block.group(1)) != number or check_hashes[number - 1] != sha256(block.group(0)):
            return _fail(f"check {number}", f"block {number} ({block.group(2)}) was changed")
    if stated is None or stated != checksum(text):
        return _fail("checksum", "the certificate was changed (checksum mismatch in the header)")
    if source_text is not None and "\n".join(source.splitlines()).strip() not in "\n".join(source_text.splitlines()):
        return _fail("source", "the source has changed since the proof: the proved code is no longer there")
    return _replay(blocks)


def _sections(lines: list[str]) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    sections: dict[str, list[str]] = {}
    digests: dict[str, str] = {}
    checks: list[str] = []
    current: str | None = None
    for line in lines:
        if line.startswith("; section "):
            words = line.split()
            current = words[2]
            if current in SECTIONS and len(words) >= 5:
                digests[current] = words[4]
                sections[current] = []
        elif line.startswith(";|") and current is not None:
            content = line[3:] if line.startswith(";| ") else line[2:]
            if current == "checks":
                checks.append(content.rsplit(" ", 1)[-1])
            elif current in sections:
                sections[current].append(content)
        else:
            current = None
    return sections, digests, checks


def _solve(formulas: list[z3.BoolRef], ctx: z3.Context, incremental: bool) -> z3.CheckSatResult:
    """Check `formulas` as the prover did: an obligation's premises first, then its negated goal on top (Z3's
    incremental core answers some queries the one-shot path leaves `unknown`; both are sound)."""
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", BLOCK_TIMEOUT_MS)
    if incremental and formulas:
        solver.add(*formulas[:-1])
        if solver.check() != z3.sat:
            return z3.unknown
        formulas = formulas[-1:]
    solver.add(*formulas)
    return solver.check()


def _replay(blocks: list[re.Match[str]]) -> RecheckResult:
    if not any(b.group(4) == "unsat" for b in blocks):
        return _fail("checks", "no obligation (no `expect: unsat` block): nothing is proved")
    previous: tuple[str, list[str]] | None = None
    for number, block in enumerate(blocks, start=1):
        name, smt2, expect = block.group(2), block.group(3), block.group(4)
        ctx = z3.Context()
        parsed = z3.Solver(ctx=ctx)
        try:
            parsed.from_string(smt2)
        except z3.Z3Exception as error:
            return _fail(f"check {number}", f"{name}: does not parse: {error}", number - 1)
        formulas = list(parsed.assertions())
        assertions = [a.sexpr() for a in formulas]
        # an obligation counts only after the block before it showed the same premises satisfiable
        if expect == "unsat" and (previous is None or previous[0] != "sat" or previous[1] != assertions[:-1]):
            return _fail(f"check {number}", f"{name}: not preceded by a satisfiable check of its premises "
                         "(a proof could be vacuous)", number - 1)
        answer = _solve(formulas, ctx, incremental=expect == "unsat")
        if str(answer) != expect:
            return _fail(f"check {number}", f"{name}: expected {expect}, Z3 says {answer}", number - 1)
        previous = (expect, assertions)
    unsat = sum(b.group(4) == "unsat" for b in blocks)
    return RecheckResult(True, f"ok: {len(blocks)} checks replayed ({unsat} obligations unsat, "
                         f"{len(blocks) - unsat} consistency checks sat)", None, len(blocks))
