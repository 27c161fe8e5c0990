"""`tensorlift rules list | check | test | learn | schema`: the rule-pack author's front door.

Each action computes its results with the codegen / search functions, then reports them; the exit code is 1 when a
check or test found a problem, so the command can gate a pack's CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import SourceError, TensorliftError


def run_rules(args: argparse.Namespace) -> int:
    from .codegen import rules_cli

    packs = [Path(p) for p in args.packs]
    for pack in packs:
        if not pack.is_dir():
            raise TensorliftError(SourceError("no such rule-pack folder", str(pack),
                                              hint="pass a folder that holds pack.toml"))
    match args.action:
        case "list":
            rules_cli.report_packs(rules_cli.list_packs(packs))
            return 0
        case "check":
            findings = rules_cli.check_packs(packs)
            rules_cli.report_findings(findings)
            return 1 if any(f.severity == "error" for f in findings) else 0
        case "test":
            targets = tuple(args.target) if args.target else rules_cli.TARGETS
            results = rules_cli.test_packs(packs, targets)
            rules_cli.report(results)
            return 1 if any(r.outcome in ("rejected", "missing", "wrong", "diverged", "error") for r in results) else 0
        case "learn":
            return _learn(args)
        case "schema":
            from .codegen.schema import write

            folder = Path(args.output or "rules/schema")
            folder.mkdir(parents=True, exist_ok=True)
            for path in write(folder):
                print(path)
            return 0
    raise TensorliftError(SourceError(f"unknown rules action {args.action}"))


def _learn(args: argparse.Namespace) -> int:
    from .options import LiftOptions
    from .search.learn import learn_priors, write_priors

    if not args.corpus:
        raise TensorliftError(SourceError("`rules learn` needs --corpus DIR (a corpus with expected.toml)"))
    output = Path(args.output or "rules/priors/learned.toml")
    priors = learn_priors(Path(args.corpus), LiftOptions(guidance="uniform"))
    write_priors(priors, output)
    print(f"wrote {output}", file=sys.stderr)
    return 0
