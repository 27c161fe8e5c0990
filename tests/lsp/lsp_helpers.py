"""Fixtures for the language-server tests: a real `tensorlift serve` process driven by pytest-lsp's client.

The client records every `publishDiagnostics` it receives (pytest-lsp keeps only the last per uri), so tests can
check the order in which versions arrived.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "tensorlift", "serve"]
LANGUAGES = {".py": "python", ".c": "c", ".cpp": "cpp"}


def recording_client() -> LanguageClient:
    client = LanguageClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    client.published = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    client.applied_edits = []  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.applied_edits.append(params)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=recording_client)


async def start(client: LanguageClient, root: Path, options: dict[str, Any] | None = None,
                capabilities: str = "visual-studio-code", encodings: Sequence[str] | None = None) -> None:
    settings: dict[str, Any] = {"cacheDir": str(root / "cache"), "budget": 20}
    settings.update(options or {})
    client.set_configuration({"tensorlift": settings})
    caps = client_capabilities(capabilities)
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=list(encodings))
    result = await client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=root.as_uri(), initialization_options=settings))
    client.initialize_result = result  # type: ignore[attr-defined]


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text, "utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri, LANGUAGES[path.suffix], version, text)))
    return uri


def replace_all(client: LanguageClient, uri: str, old: str, new: str, version: int) -> None:
    """An incremental change that replaces the whole of `old` with `new`."""
    lines = old.split("\n")
    end = types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=version, uri=uri),
        [types.TextDocumentContentChangePartial(types.Range(types.Position(0, 0), end), new)]))


async def wait_for(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


async def diagnostics(client: LanguageClient, uri: str, count: int = 1, version: int | None = None,
                      timeout: float = 60.0) -> Sequence[types.Diagnostic]:
    """Wait until the last publish for `uri` (of `version`, if given) has at least `count` diagnostics."""

    def ready() -> Sequence[types.Diagnostic] | None:
        for params in reversed(client.published):  # type: ignore[attr-defined]
            if params.uri == uri:
                if (version is None or params.version == version) and len(params.diagnostics) >= count:
                    return params.diagnostics
                return None
        return None

    return await wait_for(ready, timeout, f"{count} diagnostic(s) for {uri}")


AnyTextEdit = types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit


def plain(edits: Sequence[AnyTextEdit]) -> list[types.TextEdit]:
    """The edits, checked to be plain text edits (the server never sends snippets)."""
    out = []
    for edit in edits:
        assert isinstance(edit, types.TextEdit), edit
        out.append(edit)
    return out


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    """`workspace/executeCommand` with positional arguments, as the VS Code extension sends them."""
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command, list(arguments)))


def apply_text_edits(text: str, edits: Sequence[AnyTextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) to `text`, as a client does."""
    edits = plain(edits)
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line)

    spans = sorted(((offset(e.range.start), offset(e.range.end), i, e.new_text) for i, e in enumerate(edits)),
                   reverse=True)
    for start, end, _, new in spans:
        text = text[:start] + new + text[end:]
    return text


def lift_forever(request: object) -> None:
    """A lift whose solver never returns (run in the worker process by the scheduler tests)."""
    while True:
        time.sleep(1.0)
