"""The worker process: stale work is cancelled (and a runaway lift killed), progress is reported, a crashed worker
is restarted and the user told once."""

from __future__ import annotations

import asyncio
import os
import signal
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest_lsp
from lsp_helpers import CONFIG, diagnostics, execute, open_document, replace_all, start, wait_for
from lsprotocol import types
from pytest_lsp import LanguageClient

# Not one tensor operation: the search runs until the budget is spent.
SLOW_C = textwrap.dedent('''\
    void mix(int n, const int *a, const int *b, int *out)
    {
        int acc = 0;
        for (int i = 0; i < n; i++) {
            acc = acc * 3 + a[i] - b[i];
            out[i] = acc % 7;
        }
    }
''')

FAST_C = textwrap.dedent('''\
    void add(int n, const float *a, const float *b, float *out)
    {
        for (int i = 0; i < n; i++)
            out[i] = a[i] + b[i];
    }
''')

SCALE_PY = textwrap.dedent('''\
    def scale{n}(x, y, n):
        for i in range(n):
            y[i] = {n}.0 * x[i]
        return y
''')


@pytest_lsp.fixture(config=CONFIG)
async def patient(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    await start(lsp_client, tmp_path, {"budget": 120})
    yield
    await lsp_client.shutdown_session()


def begins(client: LanguageClient) -> int:
    return sum(isinstance(v, types.WorkDoneProgressBegin) for vs in client.progress_reports.values() for v in vs)


def ends(client: LanguageClient) -> int:
    return sum(isinstance(v, types.WorkDoneProgressEnd) for vs in client.progress_reports.values() for v in vs)


def progress_began(client: LanguageClient) -> bool:
    return begins(client) > 0


async def test_a_newer_version_cancels_a_running_lift(patient: LanguageClient, tmp_path: Path) -> None:
    client = patient
    uri = open_document(client, tmp_path / "mix.c", SLOW_C)
    await wait_for(lambda: progress_began(client), 60, "work-done progress for the slow lift")
    pid = await execute(client, "tensorlift.debug.workerPid")
    changed = time.monotonic()
    replace_all(client, uri, SLOW_C, FAST_C, 2)
    found = await diagnostics(client, uri, version=2, timeout=60)
    waited = time.monotonic() - changed
    assert "liftable to NumPy" in found[0].message
    # the slow lift had a 120 s budget: v2 came through because v1's lift was killed, not waited for
    assert waited < 40, waited
    versions = [p.version for p in client.published if p.uri == uri]  # type: ignore[attr-defined]
    first_v2 = versions.index(2)
    assert all(v is not None and v >= 2 for v in versions[first_v2:]), versions
    new_pid = await execute(client, "tensorlift.debug.workerPid")
    assert new_pid != pid
    assert not client.messages, "killing stale work is not a crash to tell the user about"
    # the progress of the killed lift was ended
    kinds = [type(v).__name__ for values in client.progress_reports.values() for v in values]
    assert kinds.count("WorkDoneProgressBegin") == kinds.count("WorkDoneProgressEnd") >= 1


async def test_typing_elsewhere_reuses_results(client: LanguageClient, tmp_path: Path) -> None:
    text = SCALE_PY.format(n=2) + "\n\n" + SCALE_PY.format(n=3)
    uri = open_document(client, tmp_path / "scales.py", text)
    await diagnostics(client, uri, count=2)
    await wait_for(lambda: begins(client) == ends(client), 10, "the first lifts' progress to end")
    lifted_before = begins(client)
    moved = "# a comment that moves both loops down\n\n" + text
    replace_all(client, uri, text, moved, 2)
    # both results come from the cache: published with the change, before any debounce or lift
    found = await diagnostics(client, uri, count=2, version=2, timeout=2)
    assert sorted(d.range.start.line for d in found) == [3, 9]
    first_v2 = next(p for p in client.published if p.uri == uri and p.version == 2)  # type: ignore[attr-defined]
    assert len(first_v2.diagnostics) == 2, "the first publish of the new version already has both results"
    await asyncio.sleep(1.0)  # past the debounce: nothing is left to lift
    assert begins(client) == lifted_before


async def test_a_crashed_worker_is_restarted_and_the_user_told_once(client: LanguageClient, tmp_path: Path) -> None:
    first = await execute(client, "tensorlift.debug.workerPid")
    os.kill(first, signal.SIGKILL)
    uri = open_document(client, tmp_path / "s2.py", SCALE_PY.format(n=2))
    assert len(await diagnostics(client, uri)) == 1
    second = await execute(client, "tensorlift.debug.workerPid")
    assert second != first
    await wait_for(lambda: client.messages, 10, "a message about the restart")
    assert len(client.messages) == 1
    assert "restarted" in client.messages[0].message

    os.kill(second, signal.SIGKILL)
    uri = open_document(client, tmp_path / "s3.py", SCALE_PY.format(n=3))
    assert len(await diagnostics(client, uri)) == 1
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(2, 10)))
    assert hover is not None
    assert len(client.messages) == 1, "told once"
    assert any("restarted" in m.message for m in client.log_messages)
