"""Ablation of the guided search: what each source of guidance buys the enumerator.

    python benchmarks/ablation.py [--budget SECONDS] [--hard-only] [--configs uniform,priors,features,llm] [--json]

Runs the corpus (`benchmarks/corpus`, expected statuses in `expected.toml`, through `tensorlift.bench`'s corpus
runner) with the analysis-derived lift switched off (`LiftOptions.analysis = False`), so every unit is solved by
the enumerator alone, under four configurations:

1. uniform   enumeration with uniform production weights
2. priors    weights from the rule-pack priors (`rules/priors/*.toml`)
3. features  priors mixed with the static features of each unit
4. llm       (3) plus LLM answers, served from the recorded answers in `benchmarks/llm_answers/` by a small
             OpenAI-compatible HTTP server on 127.0.0.1 that this script starts (stdlib, in a thread). The recorded
             answers were written by the tensorlift team in the prompt's answer format; kernels without one get an
             empty answer. The client's disk cache goes to a fresh temporary folder, so every unit asks the server.

For each: units solved (verified or bounded), median and p95 seconds per unit, median states explored, overall and
on the hard set (`hard/`). Seconds and states are over every unit expected to lift, solved or not.

Note: the default priors were learned from this same corpus (`tensorlift rules learn`), so configurations 2-4
measure them on their training data.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tensorlift.bench import UnitOutcome, run_corpus
from tensorlift.options import LiftOptions, LLMConfig
from tensorlift.search.llm import forget_failures

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
ANSWERS = HERE / "llm_answers"
CONFIGS = ("uniform", "priors", "features", "llm")


# ------------------------------------------------------------------------------------- recorded-answer server


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class RecordedAnswers:
    """Answers by kernel: a prompt is matched to the corpus kernel whose source contains the prompt's code."""

    def __init__(self, corpus: Path, answers: Path) -> None:
        self.kernels: list[tuple[str, str]] = []  # (squashed kernel source, answer text)
        for path in sorted(answers.rglob("*.txt")):
            kernel = corpus / path.relative_to(answers).with_suffix("")
            if kernel.is_file():
                self.kernels.append((_squash(kernel.read_text("utf-8")), path.read_text("utf-8")))
        self.served = 0

    def answer(self, prompt: str) -> str:
        match = re.search(r"```\n(.*?)\n```", prompt, re.DOTALL)
        code = _squash(match.group(1)) if match else ""
        for source, text in self.kernels:
            if code and code in source:
                self.served += 1
                return text
        return ""


@contextmanager
def serve(recorded: RecordedAnswers) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            prompt = "\n".join(m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user")
            payload = json.dumps({"object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": recorded.answer(prompt)},
                 "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class Row:
    config: str
    scope: str  # "all" | "hard"
    units: int
    solved: int
    median_s: float
    p95_s: float
    median_nodes: float


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def rows(config: str, outcomes: Sequence[UnitOutcome]) -> list[Row]:
    found = []
    for scope in ("all", "hard"):
        chosen = [o for o in outcomes if o.expected == "lifted" and (scope == "all" or o.hard)]
        seconds = [o.seconds for o in chosen]
        nodes = [float(o.nodes) for o in chosen]
        found.append(Row(config, scope, len(chosen), sum(o.status != "not-lifted" for o in chosen),
                         round(statistics.median(seconds), 3) if seconds else 0.0, round(_p95(seconds), 3),
                         statistics.median(nodes) if nodes else 0.0))
    return found


@contextmanager
def _corpus(hard_only: bool) -> Iterator[Path]:
    """The corpus folder, or a temporary one holding only the hard set's entries (linked, not copied)."""
    if not hard_only:
        yield CORPUS
        return
    import tomli_w

    from tensorlift.bench import load_expectations

    entries = {k: v for k, v in load_expectations(CORPUS).items() if k.startswith("hard/")}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "expected.toml").write_text(tomli_w.dumps(entries), "utf-8")
        (root / "hard").symlink_to(CORPUS / "hard")
        yield root


def run(configs: Sequence[str], budget: float, hard_only: bool) -> tuple[list[Row], dict[str, list[UnitOutcome]]]:
    base = LiftOptions(budget=budget, analysis=False)
    table: list[Row] = []
    outcomes: dict[str, list[UnitOutcome]] = {}
    recorded = RecordedAnswers(CORPUS, ANSWERS)
    for config in configs:
        forget_failures()
        with tempfile.TemporaryDirectory() as cache, serve(recorded) as url:
            llm = LLMConfig(base_url=url, model="recorded-answers", cache_dir=cache, timeout=5.0) \
                if config == "llm" else None
            options = replace(base, guidance=config, llm=llm)  # type: ignore[arg-type]
            with _corpus(hard_only) as corpus:
                found = run_corpus(corpus, options)
        outcomes[config] = found
        table += rows(config, found)
        print(f"  ran {config}: {sum(o.status != 'not-lifted' for o in found)} units solved", file=sys.stderr)
    return table, outcomes


def print_table(table: Sequence[Row], budget: float) -> None:
    header = ("config", "set", "units", "solved", "median s", "p95 s", "median nodes")
    lines = [header] + [(r.config, r.scope, str(r.units), str(r.solved), f"{r.median_s:.3f}", f"{r.p95_s:.3f}",
                         f"{r.median_nodes:g}") for r in table]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print(f"guided-search ablation (analysis-derived lift off, budget {budget:g} s per unit)")
    for n, line in enumerate(lines):
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths,
                                                                                          strict=True))))
        if n == 0:
            print("-" * (sum(widths) + 2 * (len(widths) - 1)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per unit (search and proof)")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset of " + ",".join(CONFIGS))
    parser.add_argument("--hard-only", action="store_true", help="only the hard set")
    parser.add_argument("--json", metavar="FILE", help="also write every unit's outcome as JSON")
    args = parser.parse_args(argv)
    configs = [c for c in args.configs.split(",") if c]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration(s): {', '.join(unknown)}")
    table, outcomes = run(configs, args.budget, args.hard_only)
    print_table(table, args.budget)
    if args.json:
        Path(args.json).write_text(json.dumps({"budget": args.budget, "rows": [asdict(r) for r in table],
                                               "units": {c: [asdict(o) for o in found]
                                                         for c, found in outcomes.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
