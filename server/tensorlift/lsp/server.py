"""The tensorlift language server (pygls 2): wiring only; each feature is a class in its own module.

`serve(tcp)` runs it on stdio, or on `HOST:PORT` for debugging. Every handler is guarded: an exception is logged
to the client (`window/logMessage`) and the request answers with nothing, so bad input never stops the server.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace.position_codec import PositionCodec

from .. import __version__
from .actions import KINDS, CodeActionFeature
from .commands import COMMANDS, Client, CommandsFeature
from .diagnostics import DiagnosticsFeature
from .documents import Snapshot, language_of
from .hover import HoverFeature
from .lifting import LiftService
from .progress import ProgressFeature
from .rewrite import ClientAbilities
from .scheduler import Job
from .settings import SECTION, Settings, settings_from

log = logging.getLogger("tensorlift.lsp")
F = TypeVar("F", bound=Callable[..., Any])


class TensorliftServer(LanguageServer):
    """The server, and the `LiftEvents` sink of the lifting service."""

    def __init__(self) -> None:
        super().__init__("tensorlift", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.service = LiftService(self)
        self.diagnostics = DiagnosticsFeature()
        self.code_actions = CodeActionFeature(self.service, self.tell)
        self.hovers = HoverFeature(self.service)
        self.progress_feature = ProgressFeature()
        self.commands_feature = CommandsFeature(self.service, cast(Client, self))
        self._told_crash = False
        self._configuration_pull = False

    # --------------------------------------------------------------------------------------------- client facts

    @property
    def codec(self) -> PositionCodec:
        return self.workspace.position_codec

    @property
    def abilities(self) -> ClientAbilities:
        return ClientAbilities.of(self.client_capabilities)

    def apply_edit(self, edit: types.WorkspaceEdit, label: str) -> Awaitable[types.ApplyWorkspaceEditResult]:
        return self.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=label))

    def tell(self, message: str) -> None:
        """A message the user should see (`window/showMessage`)."""
        try:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))
        except Exception:
            log.warning("%s", message)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # not connected (yet)
            log.warning("%s", message)

    # --------------------------------------------------------------------------------------------- LiftEvents

    def results_changed(self, uri: str) -> None:
        state = self.service.documents.get(uri)
        if state is None:
            return
        self.text_document_publish_diagnostics(self.diagnostics.params(state, self.service.settings, self.codec))

    def job_started(self, job: Job) -> None:
        self.progress_feature.started(job)

    def job_finished(self, job: Job) -> None:
        self.progress_feature.finished(job)

    def worker_crashed(self, message: str) -> None:
        self.log(f"tensorlift: {message}; the worker was restarted", types.MessageType.Warning)
        if not self._told_crash:
            self._told_crash = True
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning,
                message="tensorlift: the lifting worker stopped unexpectedly and was restarted "
                        "(details in the output log)."))

    # --------------------------------------------------------------------------------------------- settings

    def apply_settings(self, raw: Any) -> None:
        settings = settings_from(raw, self.service.settings)
        for problem in settings.problems:
            self.log(f"tensorlift settings: {problem}", types.MessageType.Warning)
        self.service.configure(settings)

    async def pull_settings(self) -> None:
        if not self._configuration_pull:
            return
        answer = await self.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)]))
        if answer and answer[0] is not None:
            self.apply_settings(answer[0])

    # --------------------------------------------------------------------------------------------- documents

    def snapshot(self, uri: str) -> Snapshot | None:
        document = self.workspace.get_text_document(uri)
        language = language_of(uri, document.language_id)
        if language is None:
            return None
        return Snapshot(uri, document.version or 0, document.source, language)


class ClientLogHandler(logging.Handler):
    """Sends the server's own log records (warnings and errors of `tensorlift.*`, info of the LSP layer) to the
    client as `window/logMessage`, from the event-loop thread only."""

    LEVELS = ((logging.ERROR, types.MessageType.Error), (logging.WARNING, types.MessageType.Warning),
              (logging.INFO, types.MessageType.Info))

    def __init__(self, server: TensorliftServer) -> None:
        super().__init__(logging.INFO)
        self.server = server
        self._busy = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy or threading.current_thread() is not threading.main_thread():
            return
        self._busy = True
        try:
            kind = next((k for level, k in self.LEVELS if record.levelno >= level), types.MessageType.Log)
            self.server.window_log_message(types.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:
            pass  # not connected: stderr has it
        finally:
            self._busy = False


def _guard(server: TensorliftServer, name: str, default: Any = None) -> Callable[[F], F]:
    """Log what a handler raises to the client instead of failing the request or the server."""

    def decorate(fn: F) -> F:
        if asyncio.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def run_async(*args: Any) -> Any:
                try:
                    return await fn(*args)
                except Exception as error:
                    log.exception("%s failed", name)
                    server.log(f"tensorlift: {name} failed: {error!r}", types.MessageType.Error)
                    return default(*args) if callable(default) else default

            return cast(F, run_async)

        @functools.wraps(fn)
        def run(*args: Any) -> Any:
            try:
                return fn(*args)
            except Exception as error:
                log.exception("%s failed", name)
                server.log(f"tensorlift: {name} failed: {error!r}", types.MessageType.Error)
                return default(*args) if callable(default) else default

        return cast(F, run)

    return decorate


def build_server() -> TensorliftServer:
    server = TensorliftServer()
    service = server.service

    @server.feature(types.INITIALIZE)
    @_guard(server, "initialize")
    def initialize(params: types.InitializeParams) -> None:
        workspace = params.capabilities.workspace
        server._configuration_pull = bool(workspace and workspace.configuration)
        server.progress_feature.configure(params.capabilities, server.work_done_progress)
        service.settings = settings_from(params.initialization_options, Settings())
        for problem in service.settings.problems:
            log.warning("settings: %s", problem)

    @server.feature(types.INITIALIZED)
    @_guard(server, "initialized")
    async def initialized(params: types.InitializedParams) -> None:
        service.scheduler.start()
        await server.pull_settings()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @_guard(server, "didOpen")
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is not None:
            service.update(snapshot)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @_guard(server, "didChange")
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is not None:
            service.update(snapshot)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @_guard(server, "didSave")
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        state = service.documents.get(params.text_document.uri)
        if state is not None:
            service.lift_soon(state.snapshot.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @_guard(server, "didClose")
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        service.close(uri)
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guard(server, "didChangeConfiguration")
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
            server.apply_settings(settings[SECTION])
        else:
            await server.pull_settings()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=list(KINDS), resolve_provider=True))
    @_guard(server, "codeAction")
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return server.code_actions.actions(params, server.codec, server.abilities) or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    @_guard(server, "codeAction/resolve", default=lambda action: action)
    async def resolve(action: types.CodeAction) -> types.CodeAction:
        return await server.code_actions.resolve(action, server.codec, server.abilities)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guard(server, "hover")
    def hover(params: types.HoverParams) -> types.Hover | None:
        return server.hovers.hover(params, server.codec)

    @server.feature(types.SHUTDOWN)
    @_guard(server, "shutdown")
    def shutdown(params: Any = None) -> None:
        service.shutdown()

    for name, handler in server.commands_feature.handlers().items():
        server.command(name)(_guard(server, name)(_positional(handler)))
    assert set(server.commands_feature.handlers()) == set(COMMANDS)
    return server


def _positional(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """pygls 2 passes command arguments positionally and converts them by annotation: take them raw."""

    async def command(*args: Any) -> Any:
        return await handler(*args)

    return command


def serve(tcp: str | None = None) -> int:
    """Run the server on stdio (or on TCP `HOST:PORT`) until the client says exit."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="tensorlift-lsp %(levelname)s %(message)s")
    server = build_server()
    to_client = ClientLogHandler(server)
    to_client.setFormatter(logging.Formatter("tensorlift: %(message)s"))
    logging.getLogger("tensorlift").addHandler(to_client)
    logging.getLogger("tensorlift.lsp").setLevel(logging.INFO)
    try:
        if tcp:
            host, _, port = tcp.rpartition(":")
            server.start_tcp(host or "127.0.0.1", int(port))
        else:
            server.start_io()
    finally:
        server.service.scheduler.close()
    return 0
