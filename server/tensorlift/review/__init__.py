"""`tensorlift review`: for the code a change touched, what each loop lifts to, as a diff with its proof status.

git.py finds the changed files and lines; select.py the units they touch; core.py lifts them into a `Review`;
render_*.py turn it into a unified diff, a markdown pull-request comment, the JSON contract, or SARIF 2.1.0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..options import LiftOptions
from .core import Review, review


def _renderers() -> dict[str, Callable[[Review], str]]:
    from .render_diff import render_diff
    from .render_json import render_json
    from .render_markdown import render_markdown
    from .render_sarif import render_sarif

    return {"diff": render_diff, "markdown": render_markdown, "json": render_json, "sarif": render_sarif}


def run_review(args: argparse.Namespace, options: LiftOptions) -> int:
    """The command: exit 0, or 1 with `--fail-on-liftable` when a touched loop lifted (errors raise)."""
    from ..batch import with_cache_dir
    from ..cache import write_atomically
    from .git import repository_root

    root = repository_root(Path(args.repo).resolve())
    result = review(root, args.base, with_cache_dir(options, args))
    for error in result.errors:
        print(f"tensorlift: {error}", file=sys.stderr)
    text = _renderers()[args.format](result)
    if args.output:
        write_atomically(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 1 if args.fail_on_liftable and result.lifted else 0


__all__ = ["Review", "review", "run_review"]
