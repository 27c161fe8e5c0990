"""`tensorlift rules list | check | test`: pure functions that compute results, and a reporter that prints them.

`check_packs` is a linter over rule packs (schema errors, duplicate ids, unbound metavariables, rules without
examples, a target without a fallback, a rule its own examples never reach). `test_packs` runs every example:
it emits code, compares it with the expected file next to the rule (`<pack>/expected/<rule-id>.py|.c`), runs it
on random inputs and compares with the TensIR interpreter. Each case has one outcome:

- matched: the rule fired, the code equals the expected file and agrees with the interpreter;
- rejected: the example selected another rule or the fallback (the rule did not fire);
- missing: there is no expected file yet (`update=True` writes it);
- wrong: the emitted code differs from the expected file;
- diverged: the code ran but its results differ from the interpreter's;
- error: the example does not parse, the target refused it, or the code crashed;
- skipped: the target cannot run here (with the reason, e.g. "torch is not installed").
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

import numpy as np

from ..common import Language, TensorliftError
from ..tensir.nodes import Program
from .loader import Finding, bundled_rules, read_packs
from .model import TARGETS, Location, Rule, RulePacks
from .signature import Signature, parse_signature, unit_for

Outcome = Literal["matched", "rejected", "missing", "wrong", "diverged", "error", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("matched", "rejected", "missing", "wrong", "diverged", "error", "skipped")


@dataclass(frozen=True, slots=True)
class PackInfo:
    name: str
    version: str
    path: str
    description: str
    targets: tuple[str, ...]
    rules: int


@dataclass(frozen=True, slots=True)
class CaseResult:
    rule: str
    target: str
    example: int  # 1-based
    outcome: Outcome
    detail: str = ""
    at: Location | None = None


def _paths(paths: Sequence[str | Path]) -> list[str | Path]:
    return list(paths) if paths else [bundled_rules()]


def list_packs(paths: Sequence[str | Path] = ()) -> list[PackInfo]:
    """Every pack found under `paths` (the bundled packs when empty)."""
    packs, _ = read_packs(_paths(paths))
    return [PackInfo(p.name, p.version, p.path, p.description, p.targets,
                     sum(1 for rules in packs.rules.values() for r in rules if r.pack == p.name))
            for p in packs.packs]


def _example_program(rule: Rule, index: int) -> tuple[Program, Signature]:
    from ..tensir.parser import parse

    example = rule.examples[index]
    sig = parse_signature(example.inputs)
    return parse(example.program, sig.env), sig


def _language(target: str) -> Language:
    return Language.C if target == "gemmini" else Language.PYTHON


def check_packs(paths: Sequence[str | Path] = ()) -> list[Finding]:
    """Lint rule packs; every finding has file:line."""
    packs, findings = read_packs(_paths(paths))
    seen: dict[str, Rule] = {}
    for target, rules in packs.rules.items():
        if target not in packs.fallbacks:
            at = next((Location(str(Path(p.path) / f"{target}.toml"), 1) for p in packs.packs if target in p.targets),
                      Location("pack.toml", 1))
            findings.append(Finding("error", f"target {target} has no [fallback] translator", at))
        for rule in rules:
            if rule.id in seen:
                findings.append(Finding("error", f"duplicate rule id {rule.id} (first at {seen[rule.id].at})",
                                        rule.at, rule.id))
            else:
                seen[rule.id] = rule
            if not rule.examples:
                findings.append(Finding("warning", "rule has no [[rule.example]]", rule.at, rule.id))
            for n in range(len(rule.examples)):
                findings.extend(_check_example(rule, n, packs))
    return findings


def _check_example(rule: Rule, n: int, packs: RulePacks) -> list[Finding]:
    from . import Emitted, emit

    at = rule.examples[n].at
    try:
        program, sig = _example_program(rule, n)
    except (TensorliftError, ValueError) as error:
        return [Finding("error", f"example {n + 1}: {error}", at, rule.id)]
    unit = unit_for(program, sig, language=_language(rule.target))
    result = emit(unit, program, rule.target, packs)
    if not isinstance(result, Emitted):
        return [Finding("error", f"example {n + 1}: the target refuses it: {result.reason}", at, rule.id)]
    if rule.id not in result.rules:
        winner = next((r for r in packs.rules_for(rule.target) if r.id in result.rules), None)
        by = f"rule {winner.id} ({winner.at})" if winner else "the fallback"
        return [Finding("error", f"unreachable: example {n + 1} is taken by {by}, not by this rule", rule.at,
                        rule.id)]
    return []


def expected_text(emitted: object) -> str:
    """What an expected file holds: the imports, a blank line, the emitted function."""
    from . import Emitted

    assert isinstance(emitted, Emitted) and emitted.function is not None
    gap = "\n" if any(line.startswith("#") for line in emitted.imports) else "\n\n"
    return "\n".join(emitted.imports) + "\n" + gap + emitted.function if emitted.imports else emitted.function


def expected_path(rule: Rule, example: int) -> Path:
    suffix = ".c" if rule.target == "gemmini" else ".py"
    stem = rule.id if example == 1 else f"{rule.id}.{example}"
    return Path(rule.expected_dir) / f"{stem}{suffix}"


def test_packs(paths: Sequence[str | Path] = (), targets: Sequence[str] = TARGETS, trials: int = 5, seed: int = 0,
               update: bool = False) -> list[CaseResult]:
    """Run every example of every rule for `targets`; `update` writes missing/wrong expected files instead."""
    packs, findings = read_packs(_paths(paths))
    results: list[CaseResult] = [CaseResult(f.rule or "-", "-", 0, "error", str(f), f.at) for f in findings
                                 if f.severity == "error"]
    for target in targets:
        for rule in packs.rules_for(target):
            for n in range(len(rule.examples)):
                results.append(_test_case(rule, n, packs, trials, seed, update))
    return results


def _test_case(rule: Rule, n: int, packs: RulePacks, trials: int, seed: int, update: bool) -> CaseResult:
    from . import Emitted, emit, function_name

    def result(outcome: Outcome, detail: str = "") -> CaseResult:
        return CaseResult(rule.id, rule.target, n + 1, outcome, detail, rule.examples[n].at)

    try:
        program, sig = _example_program(rule, n)
    except (TensorliftError, ValueError) as error:
        return result("error", f"example does not parse: {error}")
    unit = unit_for(program, sig, language=_language(rule.target))
    emitted = emit(unit, program, rule.target, packs)
    if not isinstance(emitted, Emitted):
        return result("error", f"refused: {emitted.reason}")
    if rule.id not in emitted.rules:
        return result("rejected", f"emitted by {', '.join(emitted.rules) or 'the fallback'}")
    assert emitted.function is not None
    expected = expected_path(rule, n + 1)
    text = expected_text(emitted)
    if update and (not expected.is_file() or expected.read_text(encoding="utf-8") != text):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(text, encoding="utf-8")
    if not expected.is_file():
        return result("missing", f"no {expected.name} (run with update to write it)")
    if expected.read_text(encoding="utf-8") != text:
        return result("wrong", f"the code differs from {expected}")
    try:
        problems = run_example(unit, program, sig, emitted, rule.target, function_name(unit), trials, seed)
    except SkipTarget as skip:
        return result("skipped", str(skip))
    except Exception as error:  # the emitted code crashing is an outcome to report, whatever it raised
        return result("error", f"{type(error).__name__}: {error}")
    if problems:
        return result("diverged", problems[0])
    return result("matched")


class SkipTarget(Exception):
    """The target cannot run on this machine."""


def run_example(unit: object, program: Program, sig: Signature, emitted: object, target: str, name: str,
                trials: int, seed: int) -> list[str]:
    """Differences between the emitted code and the interpreter over `trials` random cases (empty: agreement)."""
    from ..kernel.nodes import LiftUnit
    from . import Emitted, runner

    assert isinstance(unit, LiftUnit) and isinstance(emitted, Emitted) and emitted.function is not None
    rng = np.random.default_rng(seed)
    if target == "gemmini":
        from . import cbuild

        why = cbuild.missing_compiler()
        if why:
            raise SkipTarget(why)
        problems: list[str] = []
        for _ in range(trials):
            case = runner.random_case(program, sig, rng)
            if case is None:
                continue
            got = cbuild.run_c_function(unit, emitted.function, name, case.inputs, emitted.imports)
            problems += runner.differences(case.expected, got)
        return problems
    why = runner.missing_backend(target)
    if why:
        raise SkipTarget(why)
    fn = runner.load_function(emitted.function, name, emitted.imports)
    params = tuple(p.name for p in unit.inputs) + tuple(
        o.name for o in unit.outputs if not o.fresh and o.name not in {p.name for p in unit.inputs})
    returns = tuple(o.name for o in unit.outputs)
    problems = []
    for _ in range(trials):
        case = runner.random_case(program, sig, rng)
        if case is None:
            continue
        got = runner.call_emitted(fn, target, params, returns, case.inputs)
        problems += runner.differences(case.expected, got, rtol=1e-4 if target in ("mlx", "tensorflow") else 1e-6)
    return problems


# ------------------------------------------------------------------------------------------------------- reporting


def summary(results: Sequence[CaseResult]) -> dict[str, int]:
    return {o: sum(1 for r in results if r.outcome == o) for o in OUTCOMES if any(r.outcome == o for r in results)}


def report(results: Sequence[CaseResult], out: TextIO = sys.stdout, color: bool | None = None) -> None:
    """A per-rule table (rich on a terminal, plain text otherwise) and the counts per outcome."""
    use_rich = out.isatty() if color is None else color
    if use_rich:
        from rich.console import Console
        from rich.table import Table

        styles = {"matched": "green", "skipped": "yellow", "missing": "yellow", "rejected": "red",
                  "wrong": "red", "diverged": "red", "error": "red"}
        table = Table("target", "rule", "example", "outcome", "detail")
        for r in results:
            table.add_row(r.target, r.rule, str(r.example), f"[{styles[r.outcome]}]{r.outcome}[/]", r.detail)
        console = Console(file=out)
        console.print(table)
        console.print(", ".join(f"{n} {o}" for o, n in summary(results).items()))
        return
    width = max([len(r.rule) for r in results] + [4])
    for r in results:
        out.write(f"{r.target:<11} {r.rule:<{width}} #{r.example:<2} {r.outcome:<9} {r.detail}\n")
    out.write(", ".join(f"{n} {o}" for o, n in summary(results).items()) + "\n")


def report_findings(findings: Sequence[Finding], out: TextIO = sys.stdout) -> None:
    for finding in findings:
        out.write(f"{finding}\n")
    errors = sum(1 for f in findings if f.severity == "error")
    out.write(f"{errors} error(s), {len(findings) - errors} warning(s)\n")


def report_packs(packs: Sequence[PackInfo], out: TextIO = sys.stdout) -> None:
    for p in packs:
        out.write(f"{p.name} {p.version}  {p.rules} rules  targets: {', '.join(p.targets)}\n  {p.path}\n"
                  f"  {p.description}\n")
