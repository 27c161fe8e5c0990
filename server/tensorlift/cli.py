"""The `tensorlift` command: a thin front door over `api.lift_file` and friends.

Exit codes (design §8): 0 success (whatever was lifted), 1 usage or input errors (message on stderr),
2 internal error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .common import TensorliftError
from .options import Guidance, LiftOptions

TARGETS = ("numpy", "torch", "tensorflow", "jax", "mlx", "gemmini")


class UsageError(Exception):
    """Bad command-line use: exit code 1 with the message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 by default; usage errors are 1 here
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def _lift_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", choices=TARGETS, default="numpy", help="the DSL to emit (default: numpy)")
    parser.add_argument("--budget", type=_positive_float, default=10.0, metavar="SECONDS",
                        help="time for search and proofs per loop (default: 10)")
    parser.add_argument("--bound", type=_positive_int, default=4, metavar="N",
                        help="the bounded check covers every size up to N per dimension (default: 4)")
    parser.add_argument("--proof", choices=("inductive", "bounded"), default="inductive",
                        help="inductive: prove every size; bounded: stop after the bounded check")
    parser.add_argument("--int-model", choices=("ideal", "wrap32"), default="ideal",
                        help="integers as mathematical integers (default) or 32-bit wrap-around")
    parser.add_argument("--float-model", choices=("real", "ieee"), default="real",
                        help="floats as reals (default) or IEEE-754 in source order")
    parser.add_argument("--seed", type=int, default=0, help="seed for examples and search (default: 0)")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache-dir", metavar="DIR", default=None,
                       help="persistent result cache shared with the language server "
                            "(default: $XDG_CACHE_HOME/tensorlift or ~/.cache/tensorlift)")
    cache.add_argument("--no-cache", action="store_true", help="use no persistent result cache")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR",
                        help="an extra rule-pack folder, searched before the bundled packs (repeatable)")
    parser.add_argument("--llm-base-url", metavar="URL", help="an OpenAI-compatible endpoint to guide the search")
    parser.add_argument("--llm-model", metavar="NAME", help="the model to ask at --llm-base-url")
    parser.add_argument("--llm-key-env", metavar="VAR",
                        help="the NAME of the environment variable that holds the endpoint's key")
    parser.add_argument("--guidance", choices=("uniform", "priors", "features", "llm"), default=None,
                        help="how the search is weighted (default: features, or llm when an endpoint is set)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tensorlift", description="Lift loops to tensor DSL code, proved equivalent with Z3.")
    parser.add_argument("--version", action="version", version=f"tensorlift {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    lift = commands.add_parser("lift", help="lift the loops of files and folders")
    lift.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    _lift_options(lift)
    out = lift.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the JSON report of design §8")
    out.add_argument("--diff", action="store_true", help="print the rewrites as a unified diff")
    lift.add_argument("--write", action="store_true", help="apply the rewrites (atomically: no half-written file)")
    lift.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                      help="files lifted in parallel worker processes (default: the number of cores)")
    lift.add_argument("--report", metavar="FILE", help="also write a report (.md or .json) of every file")
    lift.add_argument("--quiet", action="store_true", help="print only the summary")

    bench = commands.add_parser("bench", help="lift the benchmark corpus and print figures per family")
    bench.add_argument("directory", nargs="?", default="benchmarks/corpus", metavar="DIR")
    bench.add_argument("--budget", type=_positive_float, default=10.0, metavar="SECONDS")
    bench.add_argument("--proof", choices=("inductive", "bounded"), default="inductive")
    bench.add_argument("--guidance", choices=("uniform", "priors", "features", "llm"), default="features")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")

    check = commands.add_parser("check-proof", help="re-check proof certificates with Z3")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--source", metavar="FILE", help="also check that the certificate matches this source file")

    rules = commands.add_parser("rules", help="tools for rule-pack authors")
    rules.add_argument("action", choices=("list", "check", "test", "learn", "schema"))
    rules.add_argument("packs", nargs="*", metavar="PACK", help="pack folders (default: the bundled packs)")
    rules.add_argument("--target", action="append", choices=TARGETS, help="only these targets (test)")
    rules.add_argument("--corpus", metavar="DIR", help="corpus to learn priors from (learn)")
    rules.add_argument("--output", metavar="FILE", help="where `learn` writes the priors")

    serve = commands.add_parser("serve", help="run the language server (stdio)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio (for debugging)")
    serve.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default; accepted because "
                       "many editors' clients pass it)")

    review = commands.add_parser("review", help="lifted diffs for the code a change touched")
    review.add_argument("--base", metavar="REF", help="compare with REF (default: merge base with main)")
    review.add_argument("--format", choices=("diff", "markdown", "json", "sarif"), default="diff")
    review.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")
    review.add_argument("--fail-on-liftable", action="store_true", help="exit 1 when a changed loop lifts")
    review.add_argument("--repo", metavar="DIR", default=".", help="the git repository (default: .)")
    _lift_options(review)
    return parser


def options_from(args: argparse.Namespace) -> LiftOptions:
    from .options import LLMConfig

    llm = None
    if getattr(args, "llm_base_url", None):
        if not args.llm_model:
            raise UsageError("--llm-base-url needs --llm-model")
        llm = LLMConfig(base_url=args.llm_base_url, model=args.llm_model, api_key_env=args.llm_key_env,
                        cache_dir=str(Path(args.cache_dir) / "llm") if args.cache_dir else None)
    guidance: Guidance = args.guidance or ("llm" if llm else "features")
    return LiftOptions(target=args.target, budget=args.budget, bound=args.bound, proof=args.proof,
                       int_model=args.int_model, float_model=args.float_model, seed=args.seed,
                       guidance=guidance, llm=llm, rule_paths=tuple(args.rules), cache_dir=args.cache_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 1
        return _dispatch(args)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 1
    except TensorliftError as error:
        print(f"tensorlift: {error.error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tensorlift: interrupted; no file was left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        print("tensorlift: internal error; please report it with the input that caused it:", file=sys.stderr)
        traceback.print_exc(limit=6, file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    match args.command:
        case "lift":
            from .batch import run_lift

            return run_lift(args, options_from(args))
        case "bench":
            from .bench import run_bench

            return run_bench(Path(args.directory), budget=args.budget, proof=args.proof, guidance=args.guidance,
                             as_json=args.json)
        case "check-proof":
            from .verify.recheck import check_certificate_file

            failed = 0
            for name in args.files:
                source = Path(args.source).read_text("utf-8") if args.source else None
                result = check_certificate_file(name, source) if source is not None else check_certificate_file(name)
                print(f"{name}: {result.message}")
                failed += not result.ok
            return 1 if failed else 0
        case "rules":
            from .rules_command import run_rules

            return run_rules(args)
        case "serve":
            from .lsp.server import serve

            return serve(args.tcp)
        case "review":
            from .review import run_review

            return run_review(args, options_from(args))
    raise UsageError(f"unknown command {args.command}")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text}")
    return value


if __name__ == "__main__":
    sys.exit(main())

