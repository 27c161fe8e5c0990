"""The LLM client: ask an OpenAI-compatible chat-completions endpoint for candidate TensIR statements.

- Configuration is `options.LLMConfig`: base URL (with or without `/v1`), model, number of candidates,
  temperature, timeout, retries, cache folder, and the *name* of the environment variable that holds the key. The
  key is read when a request is made, sent as `Authorization: Bearer ...`, and never logged, cached or written.
- One request per unit. Retries (at most `retries`) on 429 and 5xx with exponential backoff, honouring
  `Retry-After`; everything (retries and waits included) fits in `timeout` seconds and the search's deadline.
- Answers are cached on disk, keyed by the sha256 of (model, temperature, candidates, prompt); files are written
  atomically (temporary file, then rename) and hold only the prompt's hash and the answer text.
- A failing endpoint is remembered for the life of the process: later units do not wait for it again, and the
  search carries on with priors and features (the failure is logged once and reported in the unit's reason).
- Answers are read leniently (`parse_answer`): code fences, numbering, bullets and prose around the statements are
  dropped, one candidate per line, and `for` clauses may be left out (`tensir.parse_statement_line`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from ..kernel.nodes import LiftUnit
from ..options import LLMConfig
from ..tensir import nodes as T
from ..tensir.printer import show_expr
from .grammar import UnitGrammar, access_kind

log = logging.getLogger(__name__)

BACKOFF = 0.5  # seconds before the first retry; doubles each time
MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True, slots=True)
class Reply:
    lines: tuple[str, ...]
    error: str | None = None
    cached: bool = False


_FAILED: dict[str, str] = {}  # endpoint -> why it failed, for the life of the process


def forget_failures() -> None:
    """Let the next request try every endpoint again (tests, long-lived servers after a configuration change)."""
    _FAILED.clear()


def endpoint(base_url: str) -> str:
    """`{base}/v1/chat/completions`, whether or not the base URL already ends in `/v1`."""
    base = base_url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if not base.endswith("/v1"):
        base += "/v1"
    return base + "/chat/completions"


# ------------------------------------------------------------------------------------------------------ prompt

GRAMMAR = """\
TensIR statements (one per line):
  out(i, j) = expr  for i in lo:hi, j in lo:hi      # a tensor over a domain (ranges are half-open)
  s = expr                                         # a scalar
expr: tensor accesses with affine indices  a(i + 1), A(k, i), x(n - 1 - i)
      scalars and constants  alpha, n, 0, 2.5
      + - * /   // and % (Python integer division), tdiv(a, b) and tmod(a, b) (C integer division)
      min(a, b), max(a, b), comparisons < <= > >= == !=, && ||, select(cond, a, b), -x
      abs sqrt exp log tanh sigmoid ... (math calls), casts f32(x), i32(x), dim(A, 0) (an extent)
      reductions  sum(k in lo:hi, e)  prod(k in lo:hi, e)  max(k in lo:hi, e)  min(k in lo:hi, e)"""

EXAMPLES = """\
Example 1 (C):  for (i = 0; i < n; i++) { s = 0; for (j = 0; j < m; j++) s += A[i*m + j] * x[j]; y[i] = s; }
  y(i) = sum(j in 0:m, A(i, j) * x(j))  for i in 0:n
Example 2 (Python):  best = 0.0 \\n for v in xs: best = max(best, abs(v))
  best = max(0.0, max(i in 0:dim(xs, 0), abs(xs(i))))
Example 3 (C++):  for (int i = 0; i < n; ++i) out[i] = a[i] > t ? a[i] - t : 0.0f;
  out(i) = select(a(i) > t, a(i) - t, 0.0)  for i in 0:n"""


def build_prompt(unit: LiftUnit, candidates: int) -> str:
    """The user message: the unit's source, the tensors it may use, the grammar, three worked examples, and the
    request for `candidates` statements in that syntax."""
    tensors = [f"{p.name} ({p.dtype.value}, rank {p.rank})" for p in unit.inputs if p.kind == "array"]
    scalars = [f"{p.name} ({p.dtype.value})" for p in unit.inputs if p.kind == "scalar"]
    outputs = [f"{o.name} ({o.dtype.value}, rank {o.rank}{', new' if o.fresh else ''})" for o in unit.outputs]
    return "\n".join([
        f"This {unit.language.value} loop nest computes one tensor operation:",
        "```",
        unit.source.strip() or "(source unavailable)",
        "```",
        f"Inputs (tensors): {', '.join(tensors) or 'none'}",
        f"Inputs (scalars): {', '.join(scalars) or 'none'}",
        f"Outputs: {', '.join(outputs)}",
        "",
        GRAMMAR,
        "",
        EXAMPLES,
        "",
        f"Write {candidates} different candidate TensIR statements for the outputs, the most likely first, one "
        "per line, with no numbering and no explanation. A unit with several outputs needs one statement per "
        "output; put them on one line separated by ';'.",
    ])


SYSTEM = "You translate legacy loops into TensIR, a small tensor index notation. Answer with TensIR only."


# ------------------------------------------------------------------------------------------------------ client


def ask(unit: LiftUnit, config: LLMConfig, deadline: float | None = None) -> Reply:
    """Candidate lines for `unit` from the endpoint (or its cache). Never raises: a failure is a Reply with no
    lines and the reason in `error`."""
    prompt = build_prompt(unit, config.candidates)
    url = endpoint(config.base_url)
    digest = prompt_key(config, prompt)
    cached = _cache_read(config, digest)
    if cached is not None:
        return Reply(tuple(parse_answer(cached)), cached=True)
    if url in _FAILED:
        return Reply((), f"{_FAILED[url]} (not retried in this process)")
    text, error = _request(url, config, prompt, deadline)
    if error is not None:
        _FAILED[url] = error
        log.warning("LLM guidance off for %s: %s; lifting continues with priors and features", url, error)
        return Reply((), error)
    assert text is not None
    _cache_write(config, digest, text)
    return Reply(tuple(parse_answer(text)))


def prompt_key(config: LLMConfig, prompt: str) -> str:
    payload = json.dumps({"model": config.model, "temperature": config.temperature, "n": config.candidates,
                          "prompt": prompt}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _request(url: str, config: LLMConfig, prompt: str, deadline: float | None) -> tuple[str | None, str | None]:
    stop = time.monotonic() + config.timeout
    if deadline is not None:
        stop = min(stop, deadline)
    headers = {"Content-Type": "application/json"}
    if config.api_key_env:
        key = os.environ.get(config.api_key_env)
        if not key:
            return None, f"the environment variable {config.api_key_env} that should hold the API key is not set"
        headers["Authorization"] = f"Bearer {key}"
    body = {"model": config.model, "temperature": config.temperature,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]}
    last = "no attempt was made"
    for attempt in range(config.retries + 1):
        remaining = stop - time.monotonic()
        if remaining <= 0.05:
            return None, f"timed out after {config.timeout:g} s ({last})"
        try:
            with httpx.Client(timeout=httpx.Timeout(remaining)) as client:
                response = client.post(url, json=body, headers=headers)
        except httpx.TimeoutException:
            return None, f"timed out after {config.timeout:g} s"
        except httpx.HTTPError as error:
            return None, f"cannot reach the endpoint: {type(error).__name__}"
        if response.status_code == 200:
            text = _content(response)
            if text is None:
                return None, "the endpoint's answer is not a chat completion"
            return text, None
        last = f"HTTP {response.status_code}"
        if response.status_code != 429 and response.status_code < 500:
            return None, f"the endpoint refused the request ({last})"
        if attempt == config.retries:
            break
        wait = BACKOFF * 2**attempt
        retry_after = _retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            wait = max(wait, retry_after)
        if time.monotonic() + wait >= stop:
            return None, f"{last}, and waiting {wait:g} s to retry would exceed the {config.timeout:g} s timeout"
        time.sleep(wait)
    return None, f"{last} after {config.retries + 1} attempts"


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        return None


def _content(response: httpx.Response) -> str | None:
    try:
        data = response.json()
        texts = [c["message"]["content"] for c in data["choices"]]
    except (ValueError, KeyError, TypeError):
        return None
    if not texts or not all(isinstance(t, str) for t in texts):
        return None
    return "\n".join(texts)


# ------------------------------------------------------------------------------------------------------- cache


def cache_dir(config: LLMConfig) -> Path:
    if config.cache_dir:
        return Path(config.cache_dir)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tensorlift" / "llm"


def _cache_read(config: LLMConfig, digest: str) -> str | None:
    path = cache_dir(config) / f"{digest}.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    answer = data.get("answer") if isinstance(data, dict) else None
    return answer if isinstance(answer, str) else None


def _cache_write(config: LLMConfig, digest: str, answer: str) -> None:
    folder = cache_dir(config)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"prompt_sha256": digest, "model": config.model, "answer": answer}, stream)
        os.replace(temporary, folder / f"{digest}.json")
    except OSError as error:
        log.info("could not cache an LLM answer in %s: %s", folder, error)


# ---------------------------------------------------------------------------------------------------- answers

_FENCE = re.compile(r"^\s*```")
_PREFIX = re.compile(r"^\s*(?:(?:[-*•+]|\d+[.):]|\(\d+\)|candidate\s*\d*\s*[:.)-])\s*)+", re.IGNORECASE)


def parse_answer(text: str) -> list[str]:
    """Candidate statements in an answer, one per line, with fences, numbering, bullets and prose dropped."""
    lines: list[str] = []
    for raw in text.splitlines():
        if _FENCE.match(raw):
            continue
        line = _PREFIX.sub("", raw).strip().strip("`").strip()
        if "#" in line:
            line = line.split("#", 1)[0].strip()
        if "=" not in line.replace("==", "").replace("<=", "").replace(">=", "").replace("!=", ""):
            continue
        if line and line not in lines:
            lines.append(line)
    return lines


def answer_statements(unit: LiftUnit, grammar: UnitGrammar, lines: Sequence[str]) -> list[T.Statement]:
    """The statements of the answer lines that parse in the unit's environment (others are skipped)."""
    from ..tensir.parser import TensIRSyntaxError, parse, parse_statement_line

    env = {p.name: T.TensorType(p.dtype, p.rank) for p in unit.inputs}
    for o in unit.outputs:
        if not o.fresh:
            env.setdefault(o.name, T.TensorType(o.dtype, o.rank))
    default: dict[str, tuple[T.Expr, ...]] = {}
    for g in grammar.outputs:
        for sketch in g.sketches:
            if all(loop.lo == T.Const(0, loop.lo.dtype) for loop in sketch.domain):
                default.setdefault(g.output.name, tuple(loop.hi for loop in sketch.domain))
    found: list[T.Statement] = []
    for line in lines:
        try:
            found.append(parse_statement_line(line, env, default))
            continue
        except TensIRSyntaxError:
            pass
        try:
            found.extend(parse(line.rstrip(";"), env).statements)
        except TensIRSyntaxError:
            log.debug("skipped an LLM candidate that does not parse: %s", line)
    return found


def derivation_counts(grammar: UnitGrammar, statements: Sequence[T.Statement]) -> dict[str, int]:
    """How often each production (by key, and by label) occurs in the answers' derivations, with index
    variables renamed to the grammar's (domain variables by position, reductions by range, else in order)."""
    counts: Counter[str] = Counter()
    by_output = {g.output.name: g for g in grammar.outputs}
    for statement in statements:
        g = by_output.get(statement.target)
        if g is None or not g.sketches:
            continue
        sketch = next((s for s in g.sketches if len(s.domain) == len(statement.domain)), g.sketches[0])
        mapping: dict[str, T.Expr] = {loop.var: T.Idx(mine.var)
                                      for loop, mine in zip(statement.domain, sketch.domain, strict=False)}
        free = list(sketch.reductions)
        _count(statement.value, tuple(d.var for d in sketch.domain), mapping, free, counts)
    return dict(counts)


def _count(e: T.Expr, scope: tuple[str, ...], mapping: Mapping[str, T.Expr], free: list[T.Loop],
           counts: Counter[str]) -> None:
    from ..tensir.visit import children, substitute

    match e:
        case T.Reduce(op=op, var=var, lo=lo, hi=hi, body=body):
            lo2, hi2 = substitute(lo, mapping), substitute(hi, mapping)
            pick = next((r for r in free if r.lo == lo2 and r.hi == hi2), free[0] if free else None)
            name = pick.var if pick is not None else var
            if pick is not None:
                free.remove(pick)
            counts[f"reduce:{op.value}:{name}"] += 1
            counts[f"reduce:{op.value}"] += 1
            _count(body, (*scope, name), {**mapping, var: T.Idx(name)}, free, counts)
            return
        case T.Access():
            renamed = substitute(e, mapping)
            assert isinstance(renamed, T.Access)
            counts["leaf:" + show_expr(renamed)] += 1
            counts["access:" + access_kind(renamed, scope)] += 1
            return
        case T.Scalar(name=name):
            counts["leaf:" + name] += 1
            return
        case T.Const():
            counts["leaf:" + show_expr(e)] += 1
            return
        case T.Bin(op=op):
            counts[f"cmp:{op.value}" if op.is_comparison else f"bin:{op.value}"] += 1
        case T.Unary():
            counts["un:-"] += 1
        case T.Call(fn=fn):
            counts[f"call:{fn}"] += 1
        case T.Select():
            counts["select"] += 1
        case T.Cast(dtype=dtype):
            counts[f"cast:{dtype.value}"] += 1
        case T.Idx(name=name):
            counts["leaf:" + name] += 1
        case T.Dim():
            pass
    for c in children(e):
        _count(c, scope, mapping, free, counts)
