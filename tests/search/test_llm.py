"""The LLM client against a real OpenAI-compatible HTTP endpoint on 127.0.0.1: answers steer the search,
failures fall back to priors within the timeout, retries honour 5xx and 429 with Retry-After, garbage is survived,
and the API key never reaches the logs or the cache."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_server import Step, serve
from search_kernels import SCREEN_C, examples_of, unit_of

from tensorlift.common import Language
from tensorlift.options import LiftOptions, LLMConfig
from tensorlift.search import find_candidates
from tensorlift.search.check import agrees
from tensorlift.search.guided import GuidedSearch
from tensorlift.search.llm import ask, endpoint, forget_failures, parse_answer
from tensorlift.semantics import NumericModel
from tensorlift.tensir.printer import show

SECRET = "sk-test-0123456789abcdef"
KEY_ENV = "TENSORLIFT_TEST_LLM_KEY"

ANSWER = """Here are ten candidates:
```
1. r(i) = p(i) + q(i) - p(i) * q(i)  for i in 0:n
2. r(i) = p(i) * q(i)
3) r(i) = p(i) + q(i) * (1.0 - p(i))
- r(i) = max(p(i), q(i)) for i in 0:n
* r(i) = p(i) +* q(i)
this line is prose, not a candidate
```
I hope this helps."""

NEAR_MISSES = """```
r(i) = p(i) - q(i) - p(i) * q(i)  for i in 0:n
r(i) = p(i) + q(i) + p(i) * q(i)  for i in 0:n
r(i) = q(i) - p(i) * q(i)  for i in 0:n
```"""


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    forget_failures()
    yield
    forget_failures()


def config(url: str, tmp_path: Path, **kw: object) -> LLMConfig:
    settings: dict[str, object] = {"base_url": url, "model": "test-model",
                                   "cache_dir": str(tmp_path / "cache"), "timeout": 5.0, "retries": 2}
    settings.update(kw)
    return LLMConfig(**settings)  # type: ignore[arg-type]


def lift_nodes(unit, llm: LLMConfig | None, guidance: str) -> tuple[int, str | None, str, str | None]:
    options = LiftOptions(analysis=False, guidance=guidance, llm=llm)  # type: ignore[arg-type]
    search = find_candidates(unit, options, time.monotonic() + 30)
    candidate = next(iter(search), None)
    return search.stats.nodes, show(candidate.program) if candidate else None, \
        candidate.origin if candidate else "", search.reason


def test_endpoint_accepts_base_urls_with_or_without_v1() -> None:
    assert endpoint("http://h:1") == endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"


def test_answers_are_read_leniently() -> None:
    lines = parse_answer(ANSWER)
    assert lines[0] == "r(i) = p(i) + q(i) - p(i) * q(i)  for i in 0:n"
    assert "r(i) = p(i) * q(i)" in lines and "r(i) = max(p(i), q(i)) for i in 0:n" in lines
    assert not any("prose" in line or "hope" in line for line in lines)


def test_a_correct_answer_is_tried_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(text=ANSWER)) as server:
        nodes, text, origin, _ = lift_nodes(unit, config(server.url, tmp_path, api_key_env=KEY_ENV), "llm")
    assert origin == "llm" and text is not None and "p(i) * q(i)" in text
    baseline, _, _, _ = lift_nodes(unit, None, "features")
    assert nodes < baseline
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == f"Bearer {SECRET}"  # type: ignore[index]


def test_near_miss_answers_steer_the_enumeration(tmp_path: Path) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    examples = examples_of(unit)
    model = NumericModel()
    lines = tuple(parse_answer(NEAR_MISSES))
    results = {}
    for guidance, answer in (("features", ()), ("llm", lines)):
        engine = GuidedSearch(unit, examples, model, LiftOptions(guidance=guidance, max_nodes=50_000),  # type: ignore
                              time.monotonic() + 30, answer, fragments=False)  # the body alone would give it away
        assert not engine.llm_solutions()  # none of the answers is itself right
        program = next(iter(engine.run()), None)
        assert program is not None and agrees(unit, program, examples, model)
        results[guidance] = engine.counters.nodes
    assert results["llm"] < results["features"], results


def test_a_slow_endpoint_costs_at_most_its_timeout_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    caplog.set_level(logging.DEBUG)
    with serve(Step(text=ANSWER, delay=3.0)) as server:
        llm = config(server.url, tmp_path, timeout=0.5)
        started = time.monotonic()
        reply = ask(unit, llm)
        assert time.monotonic() - started < 3.0, "the client gave up before the server's 3 s reply"
        assert reply.lines == () and reply.error is not None and "timed out" in reply.error
        again = ask(unit, llm)  # remembered: no second request, so no second wait
        assert again.error is not None
        assert len(server.requests) == 1
        _, text, origin, _ = lift_nodes(unit, llm, "llm")  # lifting goes on, on priors and features
    assert text is not None and origin == "enumeration"
    assert "timed out" in caplog.text


def test_server_errors_are_retried_then_succeed(tmp_path: Path) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(status=500), Step(status=503), Step(text=ANSWER)) as server:
        reply = ask(unit, config(server.url, tmp_path, retries=2))
    assert reply.error is None and len(reply.lines) >= 4
    assert len(server.requests) == 3


def test_retries_are_bounded(tmp_path: Path) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(status=500)) as server:
        reply = ask(unit, config(server.url, tmp_path, retries=1))
    assert reply.error is not None and "500" in reply.error
    assert len(server.requests) == 2


def test_rate_limits_wait_for_retry_after(tmp_path: Path) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(status=429, headers={"Retry-After": "1"}), Step(text=ANSWER)) as server:
        reply = ask(unit, config(server.url, tmp_path))
    assert reply.error is None and reply.lines
    assert server.times[1] - server.times[0] >= 0.95


@pytest.mark.parametrize("step", [Step(body="<html>not json</html>"), Step(body='{"choices": 7}'),
                                  Step(text="I am sorry, I cannot write that.")])
def test_garbage_answers_are_survived(tmp_path: Path, step: Step) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    with serve(step) as server:
        _, text, origin, _ = lift_nodes(unit, config(server.url, tmp_path), "llm")
    assert text is not None and origin == "enumeration"


def test_answers_are_cached_by_prompt_without_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    caplog.set_level(logging.DEBUG)
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(text=ANSWER)) as server:
        llm = config(server.url, tmp_path, api_key_env=KEY_ENV)
        first = ask(unit, llm)
        second = ask(unit, llm)
    assert len(server.requests) == 1 and second.cached and second.lines == first.lines
    files = list((tmp_path / "cache").rglob("*"))
    assert files and all(SECRET not in f.read_text("utf-8") for f in files if f.is_file())
    assert all(SECRET not in f.name for f in files)
    assert SECRET not in caplog.text


def test_the_key_stays_out_of_failure_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    caplog.set_level(logging.DEBUG)
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(status=401, body='{"error": "bad key"}')) as server:
        nodes, text, _, _ = lift_nodes(unit, config(server.url, tmp_path, api_key_env=KEY_ENV), "llm")
    assert text is not None and nodes > 0
    assert "401" in caplog.text and SECRET not in caplog.text
    assert not (tmp_path / "cache").exists() or all(SECRET not in f.read_text("utf-8")
                                                     for f in (tmp_path / "cache").rglob("*") if f.is_file())


def test_a_missing_key_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    unit = unit_of(SCREEN_C, Language.C)
    with serve(Step(text=ANSWER)) as server:
        reply = ask(unit, config(server.url, tmp_path, api_key_env=KEY_ENV))
    assert reply.error is not None and KEY_ENV in reply.error and not server.requests
