"""Language-server figures (design §10, "Editor"): a benchmark, not a test.

    python benchmarks/lsp_bench.py [--limit N] [--edits 1000] [--budget 10]

Drives a real `tensorlift serve` process with pytest-lsp's `LanguageClient` and prints:
1. didChange → diagnostics, per corpus file with a liftable kernel (cold cache: nothing lifted before): median, p95;
2. code-action and resolve latency with a warm cache (the target is under 50 ms);
3. hover response time while a long lift runs in the worker;
4. peak RSS (VmHWM) of the server and of the worker over N consecutive edits.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

CORPUS = Path(__file__).resolve().parent / "corpus"
LANGUAGES = {".py": "python", ".c": "c", ".cpp": "cpp", ".cc": "cpp"}

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


class Recorder:
    """A pytest-lsp client that keeps every publishDiagnostics with the time it arrived."""

    def __init__(self) -> None:
        self.client = LanguageClient()
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []
        features = dict(DEFAULT_CLIENT_FEATURES)

        def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            client.diagnostics[params.uri] = params.diagnostics
            self.published.append((time.perf_counter(), params))

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
        register_lsp_features(self.client, features)

    async def start(self, root: Path, budget: float) -> None:
        await self.client.start_io(sys.executable, "-m", "tensorlift", "serve")
        settings = {"cacheDir": str(root / "cache"), "budget": budget}
        self.client.set_configuration({"tensorlift": settings})
        await self.client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
            initialization_options=settings))

    async def stop(self) -> None:
        await self.client.shutdown_session()
        await self.client.stop()

    @property
    def server_pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    async def worker_pid(self) -> int:
        pid = await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams("tensorlift.debug.workerPid"))
        assert isinstance(pid, int)
        return pid

    def open(self, uri: str, language: str, text: str, version: int = 1) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, language, version, text)))

    def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangePartial(
                types.Range(types.Position(*start), types.Position(*end)), text)]))

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))

    async def wait_diagnostics(self, uri: str, version: int, count: int, timeout: float) -> float | None:
        """The time the first publish of `version` with at least `count` diagnostics arrived, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for at, params in self.published:
                if params.uri == uri and params.version == version and len(params.diagnostics) >= count:
                    return at
            await asyncio.sleep(0.005)
        return None


def liftable_files(limit: int | None) -> list[tuple[Path, int]]:
    """Corpus files (outside hard/ and notlifted/) with the number of units expected to lift."""
    expected = tomllib.loads((CORPUS / "expected.toml").read_text("utf-8"))
    out = []
    for name, entry in sorted(expected.items()):
        if name.startswith(("hard/", "notlifted/")):
            continue
        lifted = sum(1 for unit in entry.get("units", []) if unit.get("expect") == "lifted")
        path = CORPUS / name
        if lifted and path.exists() and path.suffix in LANGUAGES:
            out.append((path, lifted))
    return out[:limit] if limit else out


def summary(label: str, values: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    if not values:
        return f"{label}: no samples"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{label}: n={len(values)}  median {statistics.median(values) * scale:.1f} {unit}  "
            f"p95 {p95 * scale:.1f} {unit}  max {ordered[-1] * scale:.1f} {unit}")


def vm_hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = await call()
    return time.perf_counter() - started, answer


async def bench_change_to_diagnostics(lsp: Recorder, root: Path, files: list[tuple[Path, int]],
                                      budget: float) -> tuple[list[float], list[float], list[str]]:
    first: list[float] = []
    complete: list[float] = []
    missed: list[str] = []
    for index, (path, lifted) in enumerate(files):
        uri = (root / f"f{index}{path.suffix}").as_uri()
        text = path.read_text("utf-8")
        lsp.open(uri, LANGUAGES[path.suffix], "", 1)
        await asyncio.sleep(0.05)
        changed = time.perf_counter()
        lsp.change(uri, 2, (0, 0), (0, 0), text)
        at = await lsp.wait_diagnostics(uri, 2, 1, budget * lifted + 5)
        if at is None:
            missed.append(path.relative_to(CORPUS).as_posix())
        else:
            first.append(at - changed)
            done = await lsp.wait_diagnostics(uri, 2, lifted, budget * lifted + 5)
            if done is not None:
                complete.append(done - changed)
        lsp.close(uri)
    return first, complete, missed


async def bench_code_actions(lsp: Recorder, root: Path, files: list[tuple[Path, int]],
                             rounds: int) -> tuple[list[float], list[float]]:
    actions_times: list[float] = []
    resolve_times: list[float] = []
    for index, (path, _) in enumerate(files[:10]):
        uri = (root / f"warm{index}{path.suffix}").as_uri()
        lsp.open(uri, LANGUAGES[path.suffix], path.read_text("utf-8"))
        if await lsp.wait_diagnostics(uri, 1, 1, 30) is None:
            lsp.close(uri)
            continue
        diagnostic = lsp.client.diagnostics[uri][0]
        params = types.CodeActionParams(types.TextDocumentIdentifier(uri), diagnostic.range,
                                        types.CodeActionContext([diagnostic]))
        for _ in range(rounds):
            started = time.perf_counter()
            actions = await lsp.client.text_document_code_action_async(params)
            actions_times.append(time.perf_counter() - started)
            action = next((a for a in actions or [] if isinstance(a, types.CodeAction) and a.data), None)
            if action is not None:
                started = time.perf_counter()
                await lsp.client.code_action_resolve_async(action)
                resolve_times.append(time.perf_counter() - started)
        lsp.close(uri)
    return actions_times, resolve_times


async def bench_hover_during_lift(lsp: Recorder, root: Path, files: list[tuple[Path, int]]) -> list[float]:
    path = files[0][0]
    uri = (root / f"hover{path.suffix}").as_uri()
    lsp.open(uri, LANGUAGES[path.suffix], path.read_text("utf-8"))
    await lsp.wait_diagnostics(uri, 1, 1, 30)
    diagnostic = lsp.client.diagnostics[uri][0]
    slow = (root / "slow.c").as_uri()
    lsp.open(slow, "c", SLOW_C)
    await asyncio.sleep(1.0)  # past the debounce: the slow unit is in the worker now
    times: list[float] = []
    params = types.HoverParams(types.TextDocumentIdentifier(uri), diagnostic.range.start)
    for _ in range(40):
        seconds, answer = await timed(lambda: lsp.client.text_document_hover_async(params))
        if answer is not None:
            times.append(seconds)
        await asyncio.sleep(0.1)
    lsp.close(slow)
    lsp.close(uri)
    return times


async def bench_memory(lsp: Recorder, root: Path, files: list[tuple[Path, int]], edits: int) -> tuple[int, int, int]:
    """Peak RSS of the server and the worker over `edits` keystrokes in a comment, with a new loop every 50."""
    path = next((p for p, _ in files if p.suffix == ".c"), files[0][0])
    text = path.read_text("utf-8")
    uri = (root / f"typing{path.suffix}").as_uri()
    lsp.open(uri, LANGUAGES[path.suffix], "/*  */\n" + text)
    peak_worker = 0
    workers: set[int] = set()
    comment = "/* "
    end = 1 + text.count("\n")  # the empty last line
    for n in range(2, edits + 2):
        if n % 50 == 0:
            # a change to the code: a new function with a loop that has not been lifted before
            lsp.change(uri, n, (end, 0), (end, 0),
                       f"void touched_{n}(int n, float *x)\n{{\n    for (int i = 0; i < n; i++)\n"
                       f"        x[i] = {n}.0f * x[i];\n}}\n")
            end += 5
        else:
            lsp.change(uri, n, (0, len(comment)), (0, len(comment)), "x")
            comment += "x"
        await asyncio.sleep(0.01)
        if n % 100 == 0:
            pid = await lsp.worker_pid()
            workers.add(pid)
            peak_worker = max(peak_worker, vm_hwm_kib(pid))
    await asyncio.sleep(2.0)
    pid = await lsp.worker_pid()
    workers.add(pid)
    peak_worker = max(peak_worker, vm_hwm_kib(pid))
    lsp.close(uri)
    return vm_hwm_kib(lsp.server_pid), peak_worker, len(workers)


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="at most N corpus files for the first figure")
    parser.add_argument("--edits", type=int, default=1000, help="consecutive edits for the memory figure")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per unit (the server's budget)")
    parser.add_argument("--rounds", type=int, default=10, help="code-action requests per file (warm cache)")
    args = parser.parse_args(argv)
    files = liftable_files(args.limit)
    with tempfile.TemporaryDirectory(prefix="tensorlift-lsp-bench-") as folder:
        root = Path(folder)
        lsp = Recorder()
        await lsp.start(root, args.budget)
        try:
            started = time.perf_counter()
            first, complete, missed = await bench_change_to_diagnostics(lsp, root, files, args.budget)
            print(f"corpus: {len(files)} files with liftable kernels, cold cache, budget {args.budget:g} s "
                  f"({time.perf_counter() - started:.0f} s)")
            print("  " + summary("didChange → first diagnostic", first))
            print("  " + summary("didChange → all expected diagnostics", complete))
            if missed:
                print(f"  no diagnostic within the budget for {len(missed)} file(s): {', '.join(missed)}")
            actions, resolves = await bench_code_actions(lsp, root, files, args.rounds)
            print("warm cache:")
            print("  " + summary("textDocument/codeAction", actions))
            print("  " + summary("codeAction/resolve", resolves))
            hovers = await bench_hover_during_lift(lsp, root, files)
            print("while a long lift runs in the worker:")
            print("  " + summary("textDocument/hover", hovers))
            server_kib, worker_kib, workers = await bench_memory(lsp, root, files, args.edits)
            print(f"{args.edits} consecutive edits:")
            print(f"  peak RSS (VmHWM): server {server_kib / 1024:.1f} MiB, worker {worker_kib / 1024:.1f} MiB "
                  f"(largest of {workers} worker process(es))")
        finally:
            await lsp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
