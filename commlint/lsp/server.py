"""The commlint language server: state, scheduling, and the wiring of each LSP feature.

Each lint runs as its own job on its own thread (``jobs.Job``), so the event loop keeps
reading messages and a huge document never delays another one's diagnostics. A document
change cancels the pending lint of that document (debounce) and stops a running one; a
lint whose document has moved on to a newer version by the time it finishes is dropped,
not published. A lint that runs past ``lintBudgetMs`` is stopped and the document gets an
error diagnostic saying it was not fully checked: silence would read as "all clear".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import attrs
from cattrs.errors import ClassValidationError
from lsprotocol import types as lsp
from pygls.exceptions import (
    FeatureRequestError,
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
)
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from commlint import __version__
from commlint.engine.linter import Linter
from commlint.errors import CommlintError
from commlint.lsp import code_actions, density, hover, transport
from commlint.lsp.config import ServerSettings, WorkspaceConfigs, is_config_file, parse_settings
from commlint.lsp.diagnostics import SOURCE, to_json
from commlint.lsp.jobs import Job
from commlint.lsp.positions import PositionMap, choose_encoding
from commlint.lsp.state import DocState
from commlint.prose.formats import format_for_path

log = logging.getLogger("commlint.lsp")

#: LSP languageId -> commlint format
LANGUAGES = {"markdown": "markdown", "plaintext": "text", "text": "text", "html": "html"}
SHOW_DENSITY = "commlint.showDensity"
#: seconds a cancelled lint has to reach a checkpoint (the end of its current rule) before it is
#: stopped where it is
FORCE_AFTER_S = 1.0


@attrs.define
class _InvalidRequest:
    """A request whose params did not match the LSP schema: answered with an error."""

    id: Any
    method: str
    jsonrpc: str
    error: JsonRpcException


class CommlintProtocol(LanguageServerProtocol):
    """pygls' protocol, plus: invalid request params get a JSON-RPC error *response*
    (pygls only logs them, leaving the client waiting), and the position encoding the
    server prefers is negotiated."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                cause = exc.__cause__
                detail = str(cause).splitlines()[0] if cause else ""
                if isinstance(cause, ClassValidationError):
                    detail = "; ".join(_leaf_errors(cause)) or detail
                error: JsonRpcException = exc
                if isinstance(exc, JsonRpcInvalidParams):
                    error = JsonRpcInvalidParams(f"invalid params for {data['method']}: {detail}".rstrip(": "))
                return _InvalidRequest(
                    id=data["id"], method=str(data["method"]), jsonrpc=str(data.get("jsonrpc")), error=error
                )
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _InvalidRequest):
            log.warning("answering %s request %s with an error: %s", message.method, message.id, message.error)
            self._send_response(message.id, None, message.error.to_response_error())
            return
        super().handle_message(message)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        """pygls' handler, with incremental changes applied by ``CommlintServer.apply_change``."""
        server = self._server
        for change in params.content_changes:
            if not (isinstance(server, CommlintServer) and server.apply_change(params.text_document, change)):
                self.workspace.update_text_document(params.text_document, change)
        if (user_handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield user_handler, (params,), None

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Any:
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            # pygls takes the client's first choice; narrow the offer to ours so it agrees.
            general.position_encodings = [choose_encoding(general.position_encodings)]
        return (yield from super().lsp_initialize(params))


def _leaf_errors(exc: BaseException) -> list[str]:
    subs = getattr(exc, "exceptions", None)
    if not subs:
        return [f"{type(exc).__name__}: {exc}"]
    return [m for sub in subs for m in _leaf_errors(sub)]


class CommlintServer(LanguageServer):
    """The server's state: open documents' last lints, pending lints, per-workspace Linters."""

    def __init__(self, settings: ServerSettings | None = None) -> None:
        super().__init__(
            "commlint",
            __version__,
            protocol_cls=CommlintProtocol,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
        )
        self.configs = WorkspaceConfigs()
        self.configs.settings = settings or ServerSettings()
        self.cli_settings = self.configs.settings
        self.documents: dict[str, DocState] = {}
        self.languages: dict[str, str] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._pending_full: dict[str, asyncio.Handle] = {}
        #: the running lint of each document, and the timer that enforces its budget
        self._jobs: dict[str, tuple[Job[DocState | None], asyncio.TimerHandle]] = {}
        self._shown_errors: set[str] = set()
        self._logged: set[tuple[str, str, str]] = set()
        #: documents whose next lint is published even if nothing changed (after a save)
        self._publish_anyway: set[str] = set()

    # -- documents ------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        try:
            return str(getattr(self.workspace.position_encoding, "value", self.workspace.position_encoding))
        except RuntimeError:
            return "utf-16"

    def format_of(self, uri: str) -> str | None:
        """The commlint format of an open document, or None when it is not prose we lint."""
        lang = self.languages.get(uri)
        if lang in LANGUAGES:
            return LANGUAGES[lang]
        path = _path(uri)
        if lang is None or lang == "":
            return format_for_path(str(path)) if path else "text"
        if path is not None and path.suffix.lower() in (".md", ".markdown", ".txt", ".text", ".html", ".htm"):
            return format_for_path(str(path))
        return None

    def apply_change(self, ident: lsp.VersionedTextDocumentIdentifier, change: Any) -> bool:
        """Apply one incremental change to an open document (False: not one, or the document
        is not open; pygls handles it). The range is read with the LSP's lines (ending at
        \\n, \\r\\n or \\r, as the diagnostics' ranges are; pygls also breaks lines at
        \\f, \\u2028 and other separators) through the position map of the last lint when
        it was made from the same text, so a keystroke does not re-read the document line by line."""
        if not isinstance(change, lsp.TextDocumentContentChangePartial):
            return False
        doc = self.workspace.text_documents.get(unquote(ident.uri))
        if doc is None:
            return False
        source, encoding = doc.source, self.encoding
        state = self.documents.get(ident.uri)
        pm = (
            state.posmap
            if state is not None and state.text is source and state.posmap.encoding == encoding
            else PositionMap(source, encoding)
        )
        start = pm.offset(change.range.start.line, change.range.start.character)
        end = max(start, pm.offset(change.range.end.line, change.range.end.character))
        whole = lsp.TextDocumentContentChangeWholeDocument(text=source[:start] + change.text + source[end:])
        self.workspace.update_text_document(ident, whole)
        return True

    def schedule(self, uri: str, delay_ms: int, *, full: bool = False) -> None:
        """Lint ``uri`` after ``delay_ms`` (a fast pass, or a full one); a later call for
        the same document replaces any pending lint of it."""
        loop = asyncio.get_running_loop()
        self._cancel(uri)
        if self.format_of(uri) is None:
            return
        pending = self._pending_full if full else self._pending
        if delay_ms <= 0:
            pending[uri] = loop.call_soon(self._start_lint, uri, full)  # type: ignore[assignment]
        else:
            pending[uri] = loop.call_later(delay_ms / 1000, self._start_lint, uri, full)

    def _cancel(self, uri: str) -> None:
        self._stop_job(uri)
        for pending in (self._pending, self._pending_full):
            handle = pending.pop(uri, None)
            if handle is not None:
                handle.cancel()

    def _start_lint(self, uri: str, full: bool) -> None:
        (self._pending_full if full else self._pending).pop(uri, None)
        try:
            doc = self.workspace.get_text_document(uri)
        except Exception:
            return
        version, text, fmt = doc.version, doc.source, self.format_of(uri)
        if fmt is None:
            return
        self._stop_job(uri)  # its text is older than this one: its result would be dropped
        loop = asyncio.get_running_loop()
        previous = self.documents.get(uri)
        encoding = self.encoding
        job: Job[DocState | None] = Job(
            lambda: self._lint(uri, version, text, fmt, encoding, full, previous), name=f"commlint-lint {uri}"
        )
        budget = self.configs.settings.lint_budget_ms
        timer = loop.call_later(budget / 1000, self._over_budget, uri, version, job)
        self._jobs[uri] = (job, timer)
        future = asyncio.wrap_future(job.start().future, loop=loop)
        future.add_done_callback(lambda f: self._job_done(uri, version, job, f))

    def _stop_job(self, uri: str) -> None:
        running = self._jobs.pop(uri, None)
        if running is not None:
            job, timer = running
            timer.cancel()
            _let_go(job)

    def _job_done(self, uri: str, version: int | None, job: Job[DocState | None], future: asyncio.Future[Any]) -> None:
        running = self._jobs.get(uri)
        if running is not None and running[0] is job:
            running[1].cancel()
            del self._jobs[uri]
        self._finish(uri, version, future)

    def _over_budget(self, uri: str, version: int | None, job: Job[DocState | None]) -> None:
        """Fail closed: stop the lint and say the document was not fully checked."""
        running = self._jobs.get(uri)
        if running is None or running[0] is not job or job.future.done():
            return
        del self._jobs[uri]
        _let_go(job)
        budget = self.configs.settings.lint_budget_ms
        log.warning("linting %s took over %d ms; stopped", uri, budget)
        self._report_config_errors()  # found before the rules ran: not lost with the lint
        if uri not in self.languages or self._current_version(uri) != version:
            return
        self._publish_anyway.add(uri)  # the next lint that finishes replaces this notice
        self.documents.pop(uri, None)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=[not_checked(budget)])
        )

    def _lint(
        self, uri: str, version: int | None, text: str, fmt: str, encoding: str, full: bool, previous: DocState | None
    ) -> DocState | None:
        """Runs on the lint thread. Lints one text; returns None if it is already stale."""
        if self._current_version(uri) != version:
            return None
        path = _path(uri)
        inc = self.configs.incremental_for(path)
        name = str(path) if path else None
        if not full and previous is not None and previous.linter is not inc.linter:
            previous = None  # the configuration changed: nothing to carry over
        if full:
            snap = inc.full(text, name, fmt)
        else:
            snap = inc.fast(text, name, fmt, previous.snapshot if previous is not None else None)
        posmap = PositionMap(text, encoding)
        published, reused = _published(snap.diagnostics, posmap, version, previous)
        state = DocState(
            uri=uri,
            version=version,
            text=text,
            fmt=fmt,
            path=path,
            linter=inc.linter,
            snapshot=snap,
            posmap=posmap,
            diagnostics=snap.diagnostics,
            published=published,
            reused=reused,
        )
        if snap.full:
            state.density = density.summary(state)
        elif previous is not None:
            state.density = previous.density
        return state

    def _current_version(self, uri: str) -> int | None:
        try:
            return self.workspace.get_text_document(uri).version
        except Exception:
            return None

    def _finish(self, uri: str, version: int | None, future: asyncio.Future[DocState | None]) -> None:
        """On the event loop: publish a finished lint unless a newer version arrived; after
        a fast pass, schedule the full one."""
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            # Never a dead server: say what failed and keep serving.
            log.error("linting %s failed", uri, exc_info=exc)
            self.log(lsp.MessageType.Error, f"commlint: linting {uri} failed: {type(exc).__name__}: {exc}")
            return
        state = future.result()
        if state is None or uri not in self.languages or self._current_version(uri) != version:
            return  # stale: a newer version is already scheduled
        before = self.documents.get(uri)
        self.documents[uri] = state
        for d in state.snapshot.internal:
            key = (uri, d.rule, d.message)
            if key not in self._logged:  # once per document, not on every keystroke
                self._logged.add(key)
                self.log(lsp.MessageType.Warning, f"commlint: {uri}: {d.rule} {d.message}")
        self._report_config_errors()
        unchanged = before is not None and before.version == version and before.published == state.published
        if not unchanged or uri in self._publish_anyway:
            self._publish_anyway.discard(uri)
            self._publish(uri, version, state.published)
        if not state.snapshot.full:
            self.schedule_full(uri)

    def _publish(self, uri: str, version: int | None, diagnostics: list[dict[str, Any]]) -> None:
        """textDocument/publishDiagnostics with diagnostics already in their JSON form
        (diagnostics.to_json): the message pygls would write for the lsprotocol objects,
        without unstructuring them through cattrs on every keystroke."""
        params: dict[str, Any] = {"uri": uri, "diagnostics": diagnostics}
        if version is not None:
            params["version"] = version
        self.protocol._send_data({"jsonrpc": "2.0", "method": lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params})

    def schedule_full(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        handle = self._pending_full.pop(uri, None)
        if handle is not None:
            handle.cancel()
        delay = self.configs.settings.full_lint_delay_ms
        self._pending_full[uri] = (
            loop.call_later(delay / 1000, self._start_lint, uri, True)
            if delay > 0
            else loop.call_soon(self._start_lint, uri, True)
        )

    def relint_all(self) -> None:
        for uri in list(self.languages):
            self.schedule(uri, 0)

    # -- messages -------------------------------------------------------------------------
    def log(self, kind: lsp.MessageType, message: str) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def _report_config_errors(self) -> None:
        for error in list(self.configs.errors.values()):  # one C call: a lint thread may add to it
            if error not in self._shown_errors:
                self._shown_errors.add(error)
                self.window_show_message(
                    lsp.ShowMessageParams(
                        type=lsp.MessageType.Error, message=f"commlint: {error} (using the last good configuration)"
                    )
                )
                self.log(lsp.MessageType.Error, f"commlint: {error}")

    def apply_settings(self, raw: Any, origin: str) -> None:
        """Take settings from ``origin`` (initializationOptions or didChangeConfiguration)."""
        try:
            settings = parse_settings(raw, self.configs.settings, origin=origin)
        except ValueError as exc:
            message = f"commlint: {exc} (ignored; the previous settings stay in use)"
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=message))
            self.log(lsp.MessageType.Error, message)
            return
        self.configs.update(settings)
        self._shown_errors.clear()

    def report_server_error(self, error: Exception, source: Any) -> None:
        # Request errors are already answered; everything else goes to the log, not a popup.
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)
        if source is FeatureRequestError:
            return
        with contextlib.suppress(Exception):  # the transport itself may be what failed
            self.log(lsp.MessageType.Error, f"commlint: internal error: {error}")

    def linter_for_uri(self, uri: str) -> Linter:
        return self.configs.linter_for(_path(uri))

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """Serve over stdio with commlint's own framing (``transport``), not pygls' reader."""
        self._stop_event = stop = threading.Event()
        reader = transport.MessageReader(stdin or sys.stdin.buffer.raw)  # type: ignore[union-attr]
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(transport.serve(stop, reader, self.protocol, self.report_server_error))
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]


def _let_go(job: Job[Any]) -> None:
    """Cancel ``job``: it stops at its next checkpoint, between two rules, so no cache shared
    with other lints is left half-updated. One still inside a rule ``FORCE_AFTER_S`` later (a
    rule that never returns) is stopped where it is."""
    if job.cancel() and not job.future.done():
        asyncio.get_running_loop().call_later(FORCE_AFTER_S, job.force)


def _published(
    diagnostics: list[Any], posmap: PositionMap, version: int | None, previous: DocState | None
) -> tuple[list[dict[str, Any]], dict[int, tuple[Any, dict[str, Any]]]]:
    """The JSON of each diagnostic, and what the next lint may reuse: a finding the fast pass
    carried over unchanged (the same object, from a block that has not moved) has the range
    and message it had, so only its version is new. Document-level findings are always
    rebuilt (their range is the first line, which an edit may change)."""
    before = previous.reused if previous is not None and previous.posmap.encoding == posmap.encoding else {}
    out: list[dict[str, Any]] = []
    reused: dict[int, tuple[Any, dict[str, Any]]] = {}
    for d in diagnostics:
        hit = before.get(id(d))
        if hit is not None and hit[0] is d:
            json = {**hit[1], "data": {**hit[1]["data"], "version": version}}
        else:
            json = to_json(d, posmap, version)
        out.append(json)
        if d.scope != "document":
            reused[id(d)] = (d, json)
    return out, reused


def not_checked(budget_ms: int) -> lsp.Diagnostic:
    """The diagnostic of a document whose lint was stopped: an error, on the first line."""
    seconds = f"{budget_ms / 1000:g}"
    return lsp.Diagnostic(
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=1, character=0)),
        message=(
            f"commlint stopped checking this document after {seconds} s: it has NOT been fully checked. "
            "Split it, or raise the lintBudgetMs setting."
        ),
        severity=lsp.DiagnosticSeverity.Error,
        code="CL902",
        source=SOURCE,
    )


def _path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    fs = to_fs_path(uri)
    return Path(fs).resolve() if fs else None


def _versioned(server: CommlintServer) -> bool:
    caps = server.client_capabilities
    ws = caps.workspace if caps else None
    edit = ws.workspace_edit if ws else None
    return bool(edit and edit.document_changes)


def build_server(settings: ServerSettings | None = None) -> CommlintServer:
    """A server with every feature registered (not started)."""
    server = CommlintServer(settings)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CommlintServer, params: lsp.InitializeParams) -> None:
        roots = [Path(p) for p in (to_fs_path(f.uri) for f in params.workspace_folders or []) if p]
        if not roots and params.root_uri:
            fs = to_fs_path(params.root_uri)
            roots = [Path(fs)] if fs else []
        elif not roots and params.root_path:
            roots = [Path(params.root_path)]
        ls.configs.roots = [r.resolve() for r in roots]
        if params.initialization_options is not None:
            ls.apply_settings(params.initialization_options, "initializationOptions")

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: CommlintServer, params: lsp.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch and watch.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[
                    lsp.FileSystemWatcher(glob_pattern=f"**/{name}")
                    for name in ("commlint.toml", ".commlint.toml", "pyproject.toml")
                ]
            )
            try:
                await ls.client_register_capability_async(
                    lsp.RegistrationParams(
                        registrations=[
                            lsp.Registration(
                                id="commlint-config-watch",
                                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=options,
                            )
                        ]
                    )
                )
            except Exception as exc:  # a client may refuse; config still reloads on didChangeConfiguration
                log.warning("could not register file watchers: %s", exc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CommlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.languages[params.text_document.uri] = params.text_document.language_id
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CommlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.configs.settings.debounce_ms)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CommlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls._publish_anyway.add(params.text_document.uri)
        ls.schedule(params.text_document.uri, 0, full=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CommlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls._cancel(uri)
        ls._logged = {k for k in ls._logged if k[0] != uri}
        ls.languages.pop(uri, None)
        ls.documents.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: CommlintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(is_config_file(to_fs_path(c.uri) or c.uri) for c in params.changes):
            ls.log(lsp.MessageType.Info, "commlint: configuration changed; reloading")
            ls.configs.invalidate()
            ls._shown_errors.clear()
            ls._logged.clear()
            ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: CommlintServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        removed = {Path(p).resolve() for p in (to_fs_path(f.uri) for f in params.event.removed) if p}
        added = [Path(p).resolve() for p in (to_fs_path(f.uri) for f in params.event.added) if p]
        ls.configs.roots = [r for r in ls.configs.roots if r not in removed] + added
        ls.configs.invalidate()
        ls.relint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: CommlintServer, params: lsp.DidChangeConfigurationParams) -> None:
        ls.apply_settings(params.settings, "workspace/didChangeConfiguration settings")
        ls.relint_all()

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, code_actions.FIX_ALL_KIND], resolve_provider=False
        ),
    )
    def code_action(ls: CommlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        state = ls.documents.get(params.text_document.uri)
        if state is None or state.version != ls._current_version(state.uri):
            return None  # a lint of the current text is on its way; offer nothing stale
        return code_actions.code_actions(state, params, _versioned(ls))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: CommlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        state = ls.documents.get(params.text_document.uri)
        if state is None or state.version != ls._current_version(state.uri):
            return None
        return hover.hover(state, params.position, density.hover_text(state.density))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: CommlintServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
        state = ls.documents.get(params.text_document.uri)
        if state is None or state.density is None:
            return None
        start = lsp.Position(line=0, character=0)
        return [
            lsp.CodeLens(
                range=lsp.Range(start=start, end=start),
                command=lsp.Command(
                    title=density.lens_title(state.density), command=SHOW_DENSITY, arguments=[state.uri]
                ),
            )
        ]

    @server.command(SHOW_DENSITY)
    def show_density(ls: CommlintServer, *args: Any) -> dict[str, Any]:
        uri = args[0] if args and isinstance(args[0], str) else None
        if uri is None:
            raise JsonRpcInvalidParams(f"{SHOW_DENSITY} takes one argument: the document URI")
        state = ls.documents.get(uri)
        if state is None:
            raise JsonRpcInvalidParams(f"{SHOW_DENSITY}: {uri} is not an open, linted document")
        figures = state.density
        if figures is None:
            raise JsonRpcInternalError(f"{SHOW_DENSITY}: the density measure is not available in this build")
        ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=density.message(figures)))
        return figures

    return server


def serve(settings: ServerSettings | None = None) -> None:
    """Run the server over stdio until the client says exit."""
    started = time.perf_counter()
    server = build_server(settings)
    log.info("commlint language server ready in %.0f ms", (time.perf_counter() - started) * 1000)
    try:
        server.start_io()
    except CommlintError as exc:  # pragma: no cover - errors are handled per request
        log.error("%s", exc)
