"""Offline learning of grammar priors, for rule-pack authors (`tensorlift rules learn --corpus DIR --output FILE`).

    write_priors(learn_priors(Path(corpus), LiftOptions()), Path(output))

`learn_priors` lifts every kernel of a corpus folder (C, C++ and Python files, recursively), keeps the units that
came back `verified` or `bounded`, and counts the productions (by label: `bin:+`, `access:reverse`,
`reduce:max`, ...) in the derivations of their proved TensIR. With `llm_answers_dir`, it also counts the
productions of the recorded LLM answers stored there (`<kernel path>.txt`, in the prompt's answer format) that
parse in their unit's environment. `write_priors` writes the counts as a TOML file whose header says how it was
made: the command, the corpus, the date, how many units and answers were counted.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import tomli_w

from ..common import Language
from ..kernel.nodes import LiftUnit
from ..options import LiftOptions
from ..results import Status
from ..tensir import nodes as T
from ..tensir.visit import children
from .grammar import access_kind
from .pcfg import Priors

SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".py")


def learn_priors(corpus_dir: Path | str, options: LiftOptions, *, llm_answers_dir: Path | str | None = None) -> Priors:
    """Label counts from the verified lifts of `corpus_dir` and, optionally, from recorded LLM answers."""
    from ..api import detect, lift_file

    corpus = Path(corpus_dir)
    counts: Counter[str] = Counter()
    solved = 0
    answers = 0
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file()):
        language = Language.from_path(str(path))
        if language is None:
            continue
        data = path.read_bytes()
        relative = str(path.relative_to(corpus))
        units = {u.id: u for u in detect(data, language, relative).units}
        report = lift_file(data, language, replace(options, cache_dir=None), relative)
        for result in report.results:
            unit = units.get(result.unit_id)
            if result.status is Status.NOT_LIFTED or result.tensir is None or unit is None:
                continue
            program = _parse(result.tensir, unit)
            if program is not None:
                solved += 1
                counts.update(program_labels(program))
        if llm_answers_dir is not None:
            recorded = Path(llm_answers_dir) / f"{relative}.txt"
            if recorded.is_file():
                from .llm import parse_answer

                for line in parse_answer(recorded.read_text("utf-8")):
                    for unit in units.values():
                        program = _parse(line, unit)
                        if program is not None:
                            answers += 1
                            counts.update(program_labels(program))
                            break
    made = {
        "command": _command(),
        "corpus": str(corpus_dir),
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "solved_units": str(solved),
        "llm_answers": str(answers),
        "guidance": options.guidance,
        "analysis": str(options.analysis).lower(),
    }
    return Priors(dict(sorted(counts.items())), (str(corpus_dir),), made)


def _command() -> str:
    """The command line this process was started with, as a user would type it."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program == "learn.py":
        program = "python -m tensorlift.search.learn"
    return " ".join([program, *sys.argv[1:]])


def _parse(text: str, unit: LiftUnit) -> T.Program | None:
    from ..tensir.parser import TensIRSyntaxError, parse

    env = {p.name: T.TensorType(p.dtype, p.rank) for p in unit.inputs}
    for o in unit.outputs:
        if not o.fresh:
            env.setdefault(o.name, T.TensorType(o.dtype, o.rank))
    try:
        return parse(text, env)
    except TensIRSyntaxError:
        return None


def program_labels(program: T.Program) -> Counter[str]:
    """The templatised productions of a program's derivation (see `grammar` for the labels)."""
    counts: Counter[str] = Counter()
    for statement in program.statements:
        counts["sketch"] += 1
        _labels(statement.value, tuple(loop.var for loop in statement.domain), statement.target, counts)
    return counts


def _labels(e: T.Expr, scope: tuple[str, ...], target: str, counts: Counter[str]) -> None:
    match e:
        case T.Reduce(op=op, var=var, body=body):
            counts[f"reduce:{op.value}"] += 1
            _labels(body, (*scope, var), target, counts)
            return
        case T.Access(tensor=tensor):
            counts["access:self" if tensor == target else "access:" + access_kind(e, scope)] += 1
            return
        case T.Scalar(name=name):
            counts["scalar:self" if name == target else "scalar"] += 1
            return
        case T.Const(value=value):
            counts[f"const:{value:g}" if not isinstance(value, bool) and value in (0, 1) else "const:other"] += 1
            return
        case T.Idx():
            counts["idx"] += 1
            return
        case T.Dim():
            return
        case T.Bin(op=op):
            counts[f"cmp:{op.value}" if op.is_comparison else f"bin:{op.value}"] += 1
        case T.Unary():
            counts["un:-"] += 1
        case T.Call(fn=fn):
            counts[f"call:{fn}"] += 1
        case T.Select():
            counts["select"] += 1
        case T.Cast():
            counts["cast"] += 1
    for child in children(e):
        _labels(child, scope, target, counts)


def write_priors(priors: Priors, path: Path | str) -> None:
    """The priors as TOML: a comment header saying how they were made, a `[made]` table, and `[counts]`."""
    made: Mapping[str, str] = priors.made or {}
    header = ["# Grammar priors for tensorlift's guided search: production counts by label (see search/pcfg.py).",
              "# Learned, not hand-written. Regenerate rather than edit:"]
    header += [f"#   {key}: {value}" for key, value in made.items()]
    header.append(f"#   labels: {len(priors.counts)}, productions counted: {int(sum(priors.counts.values()))}")
    body = tomli_w.dumps({"made": dict(made), "counts": {k: _number(v) for k, v in priors.counts.items()}})
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text("\n".join(header) + "\n\n" + body, "utf-8")
    temporary.replace(target)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)


def main(argv: list[str] | None = None) -> int:
    """`python -m tensorlift.search.learn CORPUS OUTPUT [LLM_ANSWERS]` (the CLI's `rules learn` does the same)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m tensorlift.search.learn CORPUS OUTPUT [LLM_ANSWERS]", file=sys.stderr)
        return 1
    priors = learn_priors(args[0], LiftOptions(), llm_answers_dir=args[2] if len(args) == 3 else None)
    write_priors(priors, args[1])
    print(f"{args[1]}: {len(priors.counts)} labels from {(priors.made or {}).get('solved_units')} solved units")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
