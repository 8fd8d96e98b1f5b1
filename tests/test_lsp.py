"""The language server end to end: ``python -m commlint lsp`` driven over stdio by pytest-lsp."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import attrs
import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from helpers import absolute_claim, pack_toml, rule_toml, unmitigated_risk, write_project  # noqa: E402
from lsprotocol import types as lsp  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PUBLISH = lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
TIMEOUT = 60

RISKY = textwrap.dedent("""\
    # Launch

    🚀 Our AI is totally secure, and the café team agrees.

    The system poses serious risks of large-scale fraud.
    """)

#: The rules these tests lint with: their own pack, so the built-in packs can evolve freely.
PACK = pack_toml(
    "lsptest",
    absolute_claim(
        [r"\btotally secure\b", r"\bunhackable\b", r"\b100% secure\b"],
        [
            {"text": "designed to be secure", "safe": True, "description": "Describe the design, not a guarantee"},
            {"text": "hardened against known attacks"},
        ],
        rationale="Absolute claims become the plaintiff's exhibit after the first incident.",
    ),
    unmitigated_risk(
        rationale="Say what you do about a risk in the same breath.",
        suggest=[{"text": "serious risks, which we address by {name the safeguard}"}],
    ),
    rule_toml(
        id="TST103",
        name="perfectly-safe",
        type="phrase",
        category="absolute",
        severity="info",
        message="\u201c{match}\u201d is an absolute.",
        rationale="Nothing is perfectly safe.",
        patterns=[r"\bperfectly safe\b"],
        examples={"flag": ["It is perfectly safe."], "pass": ["It is safe to use."]},
        suggest=[{"text": "carefully tested", "safe": True}],
    ),
)


def workspace(root: Path, extra: str = "") -> Path:
    """A workspace folder whose commlint.toml selects only the test pack."""
    write_project(root, PACK, "lsptest.toml", ["TST"], extra)
    return root


# -- a client session ---------------------------------------------------------------------------
def _capabilities(encodings: list[str] | None = None) -> lsp.ClientCapabilities:
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    if encodings is not None:
        caps.general = lsp.GeneralClientCapabilities(position_encodings=encodings)
    return caps


@contextlib.asynccontextmanager
async def session(
    root: Path,
    *,
    options: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    encodings: list[str] | None = None,
) -> AsyncIterator[Any]:
    """A pytest-lsp client talking to a fresh ``python -m commlint lsp`` rooted at ``root``."""
    if not (root / "commlint.toml").exists():
        workspace(root)
    config = pytest_lsp.ClientServerConfig(
        server_command=[sys.executable, "-m", "commlint", "lsp"],
        server_env={**os.environ, **(env or {})},
    )
    client = await config.start()
    # A budget no lint reaches, unless a test is about the budget: on a loaded machine (CI, or
    # xdist beside other work) a lint can take longer than the default's 10 s of wall time.
    init = {"commlint": {"debounceMs": 0, "fullLintDelayMs": 0, "lintBudgetMs": 600_000, **(options or {})}}
    result = await client.initialize_session(
        lsp.InitializeParams(
            capabilities=_capabilities(encodings),
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options=init,
        )
    )
    client.init_result = result
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        await client.stop()


async def eventually(check: Any, step: float = 0.05) -> None:
    """Wait, up to TIMEOUT, until ``check()`` holds (the caller then asserts what it waited for)."""
    for _ in range(int(TIMEOUT / step)):
        if check():
            return
        await asyncio.sleep(step)


async def next_diagnostics(client: Any, uri: str, send: Any = None, until: Any = None) -> lsp.PublishDiagnosticsParams:
    """Run ``send()`` and wait for the next publishDiagnostics for ``uri`` (for which
    ``until(params)`` holds: the full pass may publish after the fast one)."""
    while True:
        waiter = asyncio.wrap_future(client.protocol.wait_for_notification(PUBLISH))
        if send is not None:
            send()
            send = None
        params = await asyncio.wait_for(waiter, TIMEOUT)
        if params.uri == uri and (until is None or until(params)):
            return params


def open_doc(client: Any, uri: str, text: str, language: str = "markdown", version: int = 1) -> Any:
    return lambda: client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)
        )
    )


def replace_all(client: Any, uri: str, text: str, version: int) -> Any:
    return lambda: client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


# -- applying edits the way an editor does (UTF-16 positions, independent of the server) ---------
def _offset(text: str, pos: lsp.Position, encoding: str = "utf-16") -> int:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    codec = {"utf-16": "utf-16-le", "utf-8": "utf-8", "utf-32": "utf-32-le"}[encoding]
    width = {"utf-16": 2, "utf-8": 1, "utf-32": 4}[encoding]
    prefix = line.encode(codec)[: pos.character * width].decode(codec)
    return start + len(prefix)


def apply_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    spans = sorted(
        ((_offset(text, e.range.start), _offset(text, e.range.end), e.new_text) for e in edits), reverse=True
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        (change,) = edit.document_changes
        assert isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == uri
        return [e for e in change.edits if isinstance(e, lsp.TextEdit)]
    assert edit.changes is not None
    return list(edit.changes[uri])


async def actions_for(client: Any, uri: str, diag: lsp.Diagnostic) -> Any:
    """The code actions the server offers at one diagnostic, asked the way an editor asks."""
    return await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=lsp.CodeActionContext(diagnostics=[diag]),
        )
    )


# -- tests ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encodings", "expected", "start", "end"),
    [
        (None, "utf-16", 13, 27),  # 🚀 is two UTF-16 units
        (["utf-8", "utf-16"], "utf-8", 15, 29),  # ... and four UTF-8 bytes
        (["utf-32", "utf-8", "utf-16"], "utf-32", 12, 26),
        (["utf-16", "utf-8"], "utf-8", 15, 29),  # the server prefers UTF-8 over UTF-16
    ],
)
@pytest.mark.asyncio
async def test_open_publishes_diagnostics_with_exact_ranges(tmp_path, encodings, expected, start, end):
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path, encodings=encodings) as client:
        assert client.init_result.capabilities.position_encoding == expected
        published = await next_diagnostics(client, uri, open_doc(client, uri, RISKY))
    assert published.version == 1
    by_code = {d.code: d for d in published.diagnostics}
    assert set(by_code) == {"TST101", "TST102"}
    tst101 = by_code["TST101"]
    assert tst101.range == lsp.Range(
        start=lsp.Position(line=2, character=start), end=lsp.Position(line=2, character=end)
    )
    assert tst101.severity == lsp.DiagnosticSeverity.Error
    assert tst101.source == "commlint"
    assert tst101.code_description is not None and tst101.data is not None
    assert tst101.code_description.href.endswith("/docs/rules.md#tst101-absolute-claim")
    # data names the version and the finding; the suggestions' edits stay on the server (each
    # publish would carry them on every keystroke) and come back through code actions.
    offset = RISKY.index("totally secure")
    assert tst101.data == {"version": 1, "rule": "TST101", "scope": "span", "start": offset, "end": offset + 14}
    assert by_code["TST102"].severity == lsp.DiagnosticSeverity.Warning
    # A suggestion that needs the author's input is shown in the message, not offered as an edit.
    assert (
        "Suggestion (needs your input): serious risks, which we address by {name the safeguard}"
        in by_code["TST102"].message
    )


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_change_relints_and_only_the_newest_version_is_published(tmp_path):
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path, options={"debounceMs": 300}) as client:
        await next_diagnostics(client, uri, open_doc(client, uri, "Nothing to see here.\n"))

        def burst() -> None:
            for version, text in enumerate(
                ["Our AI is unhackable.\n", "Our AI is totally safe.\n", "Hello 👋🏽 — our model is 100% secure.\n"],
                start=2,
            ):
                replace_all(client, uri, text, version)()

        published = await next_diagnostics(client, uri, burst)
        assert published.version == 4
        (diag,) = published.diagnostics
        assert diag.code == "TST101"
        # 👋🏽 is two astral characters: four UTF-16 units before "—".
        assert diag.range.start == lsp.Position(line=0, character=26)

        # An incremental edit (the range is in UTF-16 units) that removes the claim.
        def edit() -> None:
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=5),
                    content_changes=[lsp.TextDocumentContentChangePartial(range=diag.range, text="designed with care")],
                )
            )

        published = await next_diagnostics(client, uri, edit)
        assert published.version == 5
        assert list(published.diagnostics) == []

        # Saving publishes again (a full pass) even when nothing changed.
        again = await next_diagnostics(
            client,
            uri,
            lambda: client.text_document_did_save(
                lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            ),
        )
        assert again.version == 5 and list(again.diagnostics) == []


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_quick_fix_applies_through_the_returned_edit(tmp_path):
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, RISKY))
        tst101 = next(d for d in published.diagnostics if d.code == "TST101")
        actions = await actions_for(client, uri, tst101)
        titles = [a.title for a in actions]
        fix = next(a for a in actions if a.kind == lsp.CodeActionKind.QuickFix and a.title.startswith("Replace"))
        assert fix.title == "Replace “totally secure” with “designed to be secure”"
        assert fix.is_preferred
        assert "Disable TST101 for this line" in titles
        new_text = apply_edits(RISKY, edits_of(fix, uri))
        assert "🚀 Our AI is designed to be secure, and the café team agrees." in new_text
        published = await next_diagnostics(client, uri, replace_all(client, uri, new_text, 2))
        assert [d.code for d in published.diagnostics] == ["TST102"]

        # The finding that needs author input offers no edit, only the disable action.
        unm = published.diagnostics[0]
        actions = await actions_for(client, uri, unm)
        assert [a.title for a in actions] == ["Disable TST102 for this line"]


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
@pytest.mark.parametrize("separator", ["\u2028", "\x0c"])
async def test_an_edit_after_a_separator_that_is_no_lsp_line_break_lands_where_the_client_says(tmp_path, separator):
    """Only \\n, \\r\\n and \\r end a line in the LSP: an incremental change on a line that holds
    a U+2028 or a form feed before it is applied where the client's position says."""
    uri = (tmp_path / "draft.md").as_uri()
    line = f"A line{separator}separator and more text."
    async with session(tmp_path) as client:
        await next_diagnostics(client, uri, open_doc(client, uri, f"Intro.\n\n{line}\n"))
        at = lsp.Position(line=2, character=len("A line separator "))
        change = lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(range=lsp.Range(start=at, end=at), text="It is unhackable. ")
            ],
        )
        published = await next_diagnostics(client, uri, lambda: client.text_document_did_change(change))
    (diag,) = published.diagnostics
    start = len("A line separator It is ")
    assert diag.code == "TST101"
    assert diag.range == lsp.Range(
        start=lsp.Position(line=2, character=start), end=lsp.Position(line=2, character=start + len("unhackable"))
    )


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_unsafe_suggestion_is_labelled_and_not_preferred(tmp_path):
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, "It is unhackable.\n"))
        (diag,) = published.diagnostics
        actions = await actions_for(client, uri, diag)
        # A client that drops ``data`` gets the same actions (the finding is found by code and range),
        # and a diagnostic of another version gets none.
        dropped = await actions_for(client, uri, attrs.evolve(diag, data=None))
        stale = await actions_for(client, uri, attrs.evolve(diag, data={**diag.data, "version": 0}))
    assert [(a.title, a.is_preferred) for a in actions] == [
        ("Replace “unhackable” with “designed to be secure”", True),
        ("Replace “unhackable” with “hardened against known attacks” (unsafe)", False),
        ("Disable TST101 for this line", None),
        ("Fix all safe commlint findings (1)", None),
    ]
    assert [(a.title, a.edit) for a in dropped] == [(a.title, a.edit) for a in actions]
    assert not stale


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_no_quick_fix_where_the_words_are_not_a_claim(tmp_path):
    # a quotation nobody answers, and a negation: still reported, but nothing to apply there
    uri = (tmp_path / "draft.md").as_uri()
    text = 'A columnist wrote that our vault is "totally secure".\n\nThe vault is not unhackable.\n'
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, text))
        assert [d.code for d in published.diagnostics] == ["TST101", "TST101"]
        for diag in published.diagnostics:
            actions = await actions_for(client, uri, diag)
            assert [a.title for a in actions] == ["Disable TST101 for this line"]


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_fix_all_applies_every_safe_fix(tmp_path):
    uri = (tmp_path / "draft.md").as_uri()
    text = "Our AI is totally secure.\n\nThe vault is unhackable and perfectly safe. It poses serious risks.\n"
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, text))
        assert [d.code for d in published.diagnostics] == ["TST101", "TST101", "TST103", "TST102"]
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
                context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll]),
            )
        )
        (fix_all,) = actions
        assert fix_all.kind == "source.fixAll.commlint"
        new_text = apply_edits(text, edits_of(fix_all, uri))
        published = await next_diagnostics(client, uri, replace_all(client, uri, new_text, 2))
    # Only the finding that needs the author's input is left.
    assert [d.code for d in published.diagnostics] == ["TST102"]
    assert new_text.startswith(
        "Our AI is designed to be secure.\n\nThe vault is designed to be secure and carefully tested."
    )
    # The same text `commlint check --fix` produces.
    from commlint.fix.apply import fix_text

    assert new_text == fix_text(text, path=str(tmp_path / "draft.md")).text


@pytest.mark.parametrize(
    ("name", "language", "directive"),
    [
        ("draft.md", "markdown", "  <!-- commlint-disable-next-line TST101 -->"),
        ("draft.html", "html", "  <!-- commlint-disable-next-line TST101 -->"),
        ("draft.txt", "plaintext", "  commlint-disable-next-line TST101"),
    ],
)
@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_disable_for_this_line_inserts_the_suppression(tmp_path, name, language, directive):
    uri = (tmp_path / name).as_uri()
    body = "  Our AI is totally secure.\n" if language != "html" else "  Our AI is totally secure.\n"
    text = "<p>\n" + body + "</p>\n" if language == "html" else "Intro.\n\n" + body
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, text, language))
        (diag,) = published.diagnostics
        actions = await actions_for(client, uri, diag)
        disable = next(a for a in actions if a.title == "Disable TST101 for this line")
        new_text = apply_edits(text, edits_of(disable, uri))
        lines = new_text.splitlines()
        assert lines[lines.index(body.rstrip("\n")) - 1] == directive
        published = await next_diagnostics(client, uri, replace_all(client, uri, new_text, 2))
        assert list(published.diagnostics) == []
        # Another rule on the same line joins the directive already there.
        newer = new_text.replace("totally secure.", "totally secure and perfectly safe.")
        published = await next_diagnostics(client, uri, replace_all(client, uri, newer, 3))
        (diag,) = published.diagnostics
        actions = await actions_for(client, uri, diag)
        disable = next(a for a in actions if a.title == "Disable TST103 for this line")
        merged = apply_edits(newer, edits_of(disable, uri))
        assert directive.replace("TST101", "TST101, TST103") in merged.splitlines()
        published = await next_diagnostics(client, uri, replace_all(client, uri, merged, 4))
    assert list(published.diagnostics) == []


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_hover_shows_rationale_and_suggestions(tmp_path):
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, RISKY))
        by_code = {d.code: d for d in published.diagnostics}
        inside = lsp.Position(line=2, character=by_code["TST101"].range.start.character + 3)
        result = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=inside)
        )
        value = result.contents.value
        assert "**TST101**" in value
        assert "**Why:** Absolute claims become the plaintiff's exhibit" in value
        assert "designed to be secure (safe)" in value
        unm = by_code["TST102"].range.start
        result = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=unm)
        )
        assert "(needs your input)" in result.contents.value
        nothing = await client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=1, character=0)
            )
        )
    assert nothing is None


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_config_reloads_on_watched_file_change_and_settings(tmp_path):
    workspace(tmp_path)
    (tmp_path / "drafts").mkdir()
    uri = (tmp_path / "drafts" / "draft.md").as_uri()
    async with session(tmp_path) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, RISKY))
        assert {d.code for d in published.diagnostics} == {"TST101", "TST102"}

        # A config file appears nearer the document: it is found and used.
        config = tmp_path / "drafts" / "commlint.toml"
        config.write_text('packs = ["../lsptest.toml"]\nselect = ["TST"]\nignore = ["TST101"]\n', encoding="utf-8")
        changed = lambda: client.workspace_did_change_watched_files(  # noqa: E731
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Created)]
            )
        )
        published = await next_diagnostics(client, uri, changed)
        assert [d.code for d in published.diagnostics] == ["TST102"]

        # workspace/didChangeConfiguration overrides lie over the file, key by key.
        settings = lambda: client.workspace_did_change_configuration(  # noqa: E731
            lsp.DidChangeConfigurationParams(
                settings={"commlint": {"config": {"ignore": ["TST102"], "severity": {"TST101": "info"}}}}
            )
        )
        published = await next_diagnostics(client, uri, settings)
        assert [(d.code, d.severity) for d in published.diagnostics] == [("TST101", lsp.DiagnosticSeverity.Information)]

        # A broken config is reported once, and the last good configuration stays in use
        # (so the diagnostics do not change and are not published again).
        config.write_text('packs = ["../lsptest.toml"]\nselect = ["NOPE999"]\n', encoding="utf-8")
        shown = asyncio.wrap_future(client.protocol.wait_for_notification(lsp.WINDOW_SHOW_MESSAGE))
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Changed)]
            )
        )
        await asyncio.wait_for(shown, TIMEOUT)
        # A later edit is still linted with the last good configuration.
        published = await next_diagnostics(client, uri, replace_all(client, uri, RISKY + "It is unhackable.\n", 2))
        assert [(d.code, d.severity) for d in published.diagnostics] == [
            ("TST101", lsp.DiagnosticSeverity.Information),
            ("TST101", lsp.DiagnosticSeverity.Information),
        ]
    errors = [m.message for m in client.messages if m.type == lsp.MessageType.Error]
    assert len(errors) == 1 and "NOPE999" in errors[0] and str(config) in errors[0]


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_initialization_options_override_the_config(tmp_path):
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path, options={"config": {"select": ["TST102"]}}) as client:
        published = await next_diagnostics(client, uri, open_doc(client, uri, RISKY))
    assert [d.code for d in published.diagnostics] == ["TST102"]


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_invalid_params_get_an_error_response(tmp_path):
    async with session(tmp_path) as client:
        # Not the LSP schema: the server must answer, not leave the request hanging.
        future = send_raw_request(client, "bad-1", lsp.TEXT_DOCUMENT_HOVER, {"textDocument": 5})
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(future, TIMEOUT)
        assert info.value.code == -32602
        assert "textDocument/hover" in info.value.message
        # A command with the wrong arguments is an invalid-params error too.
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(
                client.workspace_execute_command_async(
                    lsp.ExecuteCommandParams(command="commlint.showDensity", arguments=[])
                ),
                TIMEOUT,
            )
        assert info.value.code == -32602
        # ... and the server is still alive.
        uri = (tmp_path / "draft.md").as_uri()
        published = await next_diagnostics(client, uri, open_doc(client, uri, "It is unhackable.\n"))
        assert [d.code for d in published.diagnostics] == ["TST101"]


def send_raw_request(client: Any, msg_id: str, method: str, params: Any) -> Any:
    """Send a request exactly as given (the client would refuse to build ill-typed params)."""
    future: Future[Any] = Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return asyncio.wrap_future(future)


BROKEN_PLUGIN = """
import regex
from commlint.hookspecs import hookimpl
from commlint.rules.ruletypes.base import Finding, Rule


class Explodes(Rule):
    id = "BRK001"
    name = "explodes"
    category = "test"
    message = "never shown"

    def check(self, doc, ctx):
        if "kaboom" in doc.prose:
            raise RuntimeError("the plugin rule blew up")
        return []


class Works(Rule):
    id = "BRK002"
    name = "works"
    category = "test"
    message = "Found 'widget'."

    def check(self, doc, ctx):
        for m in regex.finditer(r"widget", doc.prose):
            yield Finding(m.start(), m.end())


@hookimpl
def commlint_rules(config):
    return [Explodes(), Works()]
"""


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_an_exception_inside_a_rule_is_logged_and_the_server_lives(tmp_path):
    site = tmp_path / "site"
    (site / "brokenplugin-0.1.dist-info").mkdir(parents=True)
    (site / "brokenplugin.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    (site / "brokenplugin-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: brokenplugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (site / "brokenplugin-0.1.dist-info" / "entry_points.txt").write_text(
        "[commlint]\nbroken = brokenplugin\n", encoding="utf-8"
    )
    env = {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    workspace(tmp_path, 'extend-select = ["BRK"]\n')
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path, env=env) as client:
        has_brk = lambda p: any(d.code == "BRK002" for d in p.diagnostics)  # noqa: E731
        text = "A widget. kaboom. It is unhackable.\n"
        published = await next_diagnostics(client, uri, open_doc(client, uri, text), until=has_brk)
        # The broken rule contributes nothing but a CL901 error naming it; the others still report.
        assert sorted(str(d.code) for d in published.diagnostics) == ["BRK002", "CL901", "TST101"]
        published = await next_diagnostics(client, uri, replace_all(client, uri, "A widget.\n", 2), until=has_brk)
        assert [d.code for d in published.diagnostics] == ["BRK002"]
    logged = [m.message for m in client.log_messages]
    assert any("BRK001" in m and "the plugin rule blew up" in m for m in logged), logged


def _baseline_file(path: Path) -> Path:
    path.write_text(
        json.dumps(
            {
                "format": "commlint-baseline/1",
                "name": "test-peers",
                "rate": 1.0,
                "documents": 10,
                "words": 10000,
                "count": 10,
                "distribution": {
                    "mean": 1.0,
                    "p10": 0.2,
                    "p25": 0.5,
                    "median": 0.8,
                    "p75": 1.2,
                    "p90": 1.5,
                    "p95": 2.0,
                },
                "lexicon": {"name": "risk"},
            }
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
async def test_density_on_demand(tmp_path):
    pytest.importorskip("commlint.density.measure")
    pytest.importorskip("commlint.density.baseline")
    pytest.importorskip("commlint.rules.ruletypes.density")
    from commlint.api import lint_result

    _baseline_file(tmp_path / "peers.json")
    workspace(tmp_path, 'extend-select = ["DEN101"]\nbaseline = "peers.json"\n')
    uri = (tmp_path / "draft.md").as_uri()
    text = "# Risks\n\n" + "We discuss risk and danger and threats to safety in detail. " * 40 + "\n"
    words = lint_result(text, path=str(tmp_path / "draft.md")).words
    async with session(tmp_path) as client:
        published = await next_diagnostics(
            client, uri, open_doc(client, uri, text), until=lambda p: any(d.code == "DEN101" for d in p.diagnostics)
        )
        figures = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="commlint.showDensity", arguments=[uri])
        )
        lenses = await client.text_document_code_lens_async(
            lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        hover = await client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=2)
            )
        )
        await asyncio.sleep(0.2)
    assert figures["words"] == words
    assert figures["baseline"] == "test-peers"
    assert figures["rate"] > figures["target_rate"] and figures["above"] is True
    (lens,) = lenses
    assert lens.command.command == "commlint.showDensity" and list(lens.command.arguments) == [uri]
    assert lens.range.start.line == 0 and "test-peers" in lens.command.title
    assert "**Density:**" in hover.contents.value and "above the p90 of baseline test-peers" in hover.contents.value
    assert any(m.message.startswith("Risk-term density:") for m in client.messages)
    # The document-level density finding is published as an ordinary diagnostic.
    (den,) = [d for d in published.diagnostics if d.code == "DEN101"]
    assert den.data is not None
    assert den.data["scope"] == "document" and den.data["facts"]["baseline"] == "test-peers"
    assert den.range == lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=7))


def test_without_pygls_the_command_says_how_to_install_it(tmp_path):
    blocker = tmp_path / "block"
    (blocker / "pygls").mkdir(parents=True)
    (blocker / "pygls" / "__init__.py").write_text("raise ImportError('no pygls here')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    proc = subprocess.run(
        [sys.executable, "-m", "commlint", "lsp"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        input="",
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "commlint: error: the language server needs pygls: pip install -e '.[lsp]' in a commlint checkout, "
        "or pip install 'commlint[lsp] @ git+https://github.com/commlint/commlint@v0.1.0'"
    )


# -- the two-pass linting behind the server (in process) -------------------------------------------
TRICKY = textwrap.dedent("""\
    ---
    title: "Totally secure"

    summary: unhackable
    ---

    <!-- commlint-disable ABS -->
    Our AI is totally secure.

    <!-- commlint-enable -->

    - A list item that is unhackable.

        A continuation paragraph: it cannot be hacked.

    ```text
    an example

    that is totally secure
    ```

    <!-- a comment

    that is unhackable -->

    The system poses serious risks of large-scale fraud. It is 100% secure.
    """)


def test_blocks_never_split_fences_comments_front_matter_or_continuations():
    from commlint.lsp.incremental import split_blocks

    blocks = [TRICKY[s:e] for s, e in split_blocks(TRICKY, "markdown")]
    assert "".join(blocks) == TRICKY
    assert blocks[0].startswith("---\n") and "summary: unhackable\n---\n" in blocks[0]
    assert any(b.startswith("```text") and b.rstrip().endswith("```") for b in blocks)
    assert any(b.startswith("<!-- a comment") and "unhackable -->" in b for b in blocks)
    assert any(b.startswith("- A list item") and "continuation paragraph" in b for b in blocks)
    html = "<p>\n\nOne.\n\n</p>\n"
    assert split_blocks(html, "html") == [(0, len(html))]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_every_offset_has_the_lsp_position_an_independent_count_gives(encoding):
    """PositionMap.position on texts with \\r\\n, \\r, accents, astral characters and a lone
    surrogate, at every offset (and past both ends), against a count of code units."""
    import random

    from commlint.lsp.positions import PositionMap

    def expected(text: str, offset: int) -> tuple[int, int]:
        lines = []  # (start, end of content), read character by character
        start = index = 0
        while index < len(text):
            if text[index] in "\r\n":
                step = 2 if text[index : index + 2] == "\r\n" else 1
                lines.append((start, index))
                start = index = index + step
            else:
                index += 1
        lines.append((start, len(text)))
        offset = max(0, min(offset, len(text)))
        line = max(n for n, (begin, _) in enumerate(lines) if begin <= offset)
        begin, end = lines[line]
        piece = text[begin : min(offset, end)]
        size = {"utf-16": 2, "utf-8": 1, "utf-32": 4}[encoding]
        codec = {"utf-16": "utf-16-le", "utf-8": "utf-8", "utf-32": "utf-32-le"}[encoding]
        return line, len(piece.encode(codec, "surrogatepass")) // size

    rng = random.Random(15)
    pieces = ["a", "word ", "é", "“", "\U0001f680", "\ud800", "\n", "\r\n", "\r", "\n\n"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 25)))
        pm = PositionMap(text, encoding)
        for offset in range(-2, len(text) + 3):
            assert pm.position(offset) == expected(text, offset), (text, offset)


#: pieces of random texts: every line break str.splitlines knows (only "\n", "\r\n" and "\r"
#: end a line for Source, markdown-it and the LSP), blank-looking lines, and what opens or
#: closes a block that a blank line does not end (fences of several lengths, HTML, front matter)
PIECES = ["Word", "word.", " ", "\t", "\n", "\n\n", "  \n", "\t\n", "\xa0", "\xa0x", "\u3000\n", "- item", "1. item",
          "> quote", "# Head", "    code", "---\n", "+++\n", "...\n", "```", "````", "~~~", "<!--", "-->", "<script>",
          "</script>", "<pre>", "<div>", "<?", "?>", "\r\n", "\r", "\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c",
          "\x1d", "\x1e", "[x]: /url", "[x]", "===", "| a |", "|---|", "*"]  # fmt: skip


def _prose_pieces(text: str, fmt: str, shift: int = 0) -> tuple[list[Any], list[tuple[int, int]]]:
    """The prose view of ``text`` as the pieces between block breaks (each with the source
    offsets of its characters, moved by ``shift``) and its code ranges."""
    from commlint.prose.document import BLOCK_BREAK
    from commlint.prose.formats.markdown import parse_markdown
    from commlint.prose.formats.text import parse_text
    from commlint.source.decode import Source

    doc = (parse_markdown if fmt == "markdown" else parse_text)(Source(text=text))
    out: list[Any] = []
    pos = 0
    while pos <= len(doc.prose):
        cut = doc.prose.find(BLOCK_BREAK, pos)
        end = len(doc.prose) if cut < 0 else cut
        if end > pos:
            starts = [s + shift for s in doc.starts[pos:end]]
            out.append((doc.prose[pos:end], starts, [e + shift for e in doc.ends[pos:end]]))
        pos = end + len(BLOCK_BREAK)
    return out, [(a + shift, b + shift) for a, b in doc.meta.get("code", ())]  # type: ignore[attr-defined]


def test_each_block_alone_has_the_prose_view_the_whole_document_gives_it():
    """The fast pass lints each block on its own: every block's prose view (paragraphs and
    headings with their source offsets, code ranges) is the whole document's for those
    lines. Front matter is read only at the top of a document, so a "---" line after a blank
    line (a thematic break) never starts a block; U+2028, form feeds and the other characters
    str.splitlines breaks at do not end a line; fences, HTML blocks and indented lines are
    followed as the Markdown parser does."""
    import random

    from commlint.lsp.incremental import split_blocks

    files = [*REPO.glob("examples/*.md"), *REPO.glob("docs/*.md"), *REPO.glob("tests/data/**/*.md")]
    texts = [RISKY, TRICKY, "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(REPO.glob("examples/*.md")))]
    texts += [p.read_text(encoding="utf-8") for p in files]
    rng = random.Random(15)
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 40)))
        texts.append("---\n" + text if rng.random() < 0.3 else text)
    split = 0
    for text in texts:
        for fmt in ("markdown", "text"):
            blocks = split_blocks(text, fmt)
            assert "".join(text[s:e] for s, e in blocks) == text
            whole, code = _prose_pieces(text, fmt)
            pieces: list[Any] = []
            ranges: list[tuple[int, int]] = []
            for s, e in blocks:
                block_pieces, block_code = _prose_pieces(text[s:e], fmt, s)
                pieces += block_pieces
                ranges += block_code
            assert (pieces, ranges) == (whole, code), (fmt, text, blocks)
            split += len(blocks) > 1
    assert split > 1000


def test_markdown_blocks_found_with_regular_expressions_are_the_line_by_line_reading():
    """Without "\\r", split_blocks finds Markdown blocks with regular expressions, asking the
    Markdown view's _open_after only where a fence or HTML may open; the same blocks as the
    line-by-line reading."""
    import random

    from commlint.lsp.incremental import _lines, _markdown_starts, _markdown_starts_fast

    files = [*REPO.glob("examples/*.md"), *REPO.glob("docs/*.md"), *REPO.glob("tests/data/**/*.md")]
    texts = [RISKY, TRICKY, *(p.read_text(encoding="utf-8") for p in files)]
    pieces = [p for p in PIECES if "\r" not in p]
    rng = random.Random(15)
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))
        texts.append("---\n" + text if rng.random() < 0.3 else text)
    for text in texts:
        assert _markdown_starts_fast(text) == _markdown_starts(*_lines(text)), text


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_a_phrase_never_matches_across_a_paragraph_break(fmt):
    """A phrase rule's match never runs from one paragraph into the next (the pattern's gap
    could take the break), so each paragraph's findings are those it has alone, as the
    fast pass lints it; within one paragraph the same words are found."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.source.decode import Source

    linter = Linter(Config.default(REPO).replace(select=["ALL"]))

    def found(text: str, shift: int = 0) -> list[tuple[str, int, int]]:
        diagnostics = linter.lint(Source(text=text, path="draft.md"), fmt).diagnostics
        return [(d.rule, d.start + shift, d.end + shift) for d in diagnostics if d.rule in ("AIC102", "JBK101")]

    for first, second in [
        ("It reasons", "better than any human expert in every field.\n"),
        ("Testers found a jailbreak that switched", "off the content filter entirely.\n"),
    ]:
        assert found(f"{first} {second}")  # one paragraph: flagged
        split = f"{first}\n\n{second}"
        assert found(split) == found(first + "\n\n") + found(second, len(first) + 2)
    assert [r for r, _, _ in found("It reasons\n\nbetter than any human expert in every field.\n")] == ["AIC102"]
    assert found("Testers found a jailbreak that switched\n\noff the content filter entirely.\n") == []


@pytest.mark.parametrize("name", ["risky", "tricky", "examples"])
def test_full_pass_equals_a_whole_document_lint(name):
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.lsp.incremental import IncrementalLinter
    from commlint.source.decode import Source

    linter = Linter(Config.default(REPO).replace(select=["ALL"]))
    texts = {
        "risky": [RISKY],
        "tricky": [TRICKY],
        "examples": [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").glob("*.md"))],
    }[name]
    inc = IncrementalLinter(linter)
    for text in texts:
        whole = [
            d
            for d in linter.lint(Source(text=text, path="draft.md"), "markdown").diagnostics
            if d.category != "internal"
        ]
        assert inc.full(text, "draft.md", "markdown").diagnostics == whole
        assert inc.full(text, "draft.md", "markdown").diagnostics == whole  # from the block cache
        # After an edit, the fast pass agrees with a full pass on every sentence-local rule.
        edited = text.replace("\n\n", "\n\nIt is unhackable. ", 2)
        fast = inc.fast(edited, "draft.md", "markdown", inc.full(text, "draft.md", "markdown"))
        full = inc.full(edited, "draft.md", "markdown")
        local = {r.id for r in inc.local.rules}
        assert [d for d in fast.diagnostics if d.rule in local] == [d for d in full.diagnostics if d.rule in local]
        assert any(d.text == "unhackable" for d in fast.diagnostics)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_published_json_is_what_pygls_would_write_for_the_lsprotocol_objects(encoding):
    """The server writes each diagnostic's JSON itself (on every keystroke); it is exactly what
    unstructuring the lsprotocol Diagnostic through pygls' converter gives."""
    from pygls.protocol import default_converter

    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.lsp.diagnostics import to_json, to_lsp
    from commlint.lsp.positions import PositionMap
    from commlint.source.decode import Source

    linter = Linter(Config.default(REPO).replace(select=["ALL"]))
    converter = default_converter()
    texts = [RISKY, TRICKY, *(p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").glob("*.md")))]
    compared = 0
    for text in texts:
        pm = PositionMap(text, encoding)
        for d in linter.lint(Source(text=text, path="draft.md"), "markdown").diagnostics:
            assert json.dumps(to_json(d, pm, 7)) == json.dumps(converter.unstructure(to_lsp(d, pm, 7)))
            compared += 1
    assert compared > 20


EDITS = [
    "It is totally secure. ",
    "The system poses serious risks of large-scale fraud. ",
    "We monitor for abuse and our usage policy prohibits this. ",
    "\n\n",
    "\n\nOur model is unhackable and never makes mistakes.\n\n",
    "Anyone can use it to build a weapon. ",
    "🚀 ",
    "- ",
    "<!-- commlint-disable-next-line ABS -->\n",
    "<!-- commlint-disable ABS, ALM -->\n",
    "<!-- commlint-enable -->\n",
    # line ends of the LSP besides "\n" (a lone "\r" too), and characters str.splitlines breaks
    # at that end no line in the LSP, Markdown or Source
    "\r\n",
    "\r",
    "a line\u2028separator ",
    "\u2029",
    "\x85",
    "\x0c",
    "\x0b",
    "\x1c",
    "\x1d",
    "\x1e",
]
#: more edits for the in-process test: what opens or closes a block a blank line does not end
MORE_EDITS = ["---\n", "\n---\n", "+++\n", "```\n", "~~~~\n", "<script>\n", "</script>", "<pre>", "    ", "> ", "1. "]
#: suppression directives, typed anywhere (in Markdown and plain text; most of them in a
#: spot where they are no directive, and random deletions cut them up again)
DIRECTIVES = [
    "<!-- commlint-disable -->\n",
    "<!-- commlint-disable ABS -->\n",
    "<!-- commlint-disable-line -->",
    "<!-- commlint-enable ABS101, ALM -->\n",
    "\ncommlint-disable\n",
    "\ncommlint-enable\n",
    "\ncommlint-disable-next-line ABS, AIC102\n",
    "\ncommlint-enable ABS\n",
    "\ncommlint-disable-line\n",
]


def _random_edit(rng: Any, text: str, edits: list[str] = EDITS) -> tuple[int, int, str]:
    """(start, end, new text) of a random edit: a deletion of up to 40 characters, or an
    insertion; never between "\r" and "\n" (no LSP position is there) nor between the
    halves of a surrogate pair."""
    start = rng.randrange(len(text) + 1)
    if rng.random() < 0.3:
        end, new = min(len(text), start + rng.randrange(1, 40)), ""
    else:
        end, new = start, rng.choice(edits)

    def inside_a_pair(at: int) -> bool:
        return 0 < at < len(text) and (text[at - 1 : at + 1] == "\r\n" or "\udc00" > text[at - 1] >= "\ud800")

    if end == start:
        start = end = start - inside_a_pair(start)
    else:
        start, end = start - inside_a_pair(start), end + inside_a_pair(end)
    return start, end, new


def _change(text: str, version: int, uri: str, start: int, end: int, new: str) -> lsp.DidChangeTextDocumentParams:
    return lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=_position(text, start), end=_position(text, end)), text=new
            )
        ],
    )


def _examples() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "examples").glob("*.md")))


def _shown(diagnostics: Any) -> list[Any]:
    return [(d.range, d.code, d.message, d.severity) for d in diagnostics]


def _fresh(linter: Any, text: str, path: Path, version: int) -> list[lsp.Diagnostic]:
    """What a whole-document lint of ``text`` finds, as the server would publish it."""
    from commlint.lsp.diagnostics import to_json
    from commlint.lsp.positions import PositionMap
    from commlint.source.decode import Source

    pm = PositionMap(text, "utf-16")
    found = linter.lint(Source(text=text, path=str(path)), "markdown").diagnostics
    return [_diagnostic(to_json(d, pm, version)) for d in found if d.category != "internal"]


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
@pytest.mark.parametrize("seed", [15, 16, 17])
async def test_after_random_edits_the_published_findings_are_a_fresh_lint_of_the_final_text(tmp_path, seed):
    """Typing fast (one-word edits, deletions, new paragraphs, pastes, line separators, form
    feeds, lone carriage returns) through incremental changes: once the server settles, what
    it has published for the last version is exactly what a fresh lint of the final text
    finds, with every built-in rule on."""
    import random

    from commlint.config import Config
    from commlint.engine.linter import Linter

    (tmp_path / "commlint.toml").write_text('select = ["ALL"]\n', encoding="utf-8")
    text = _examples()
    path = tmp_path / "draft.md"
    uri = path.as_uri()
    rng = random.Random(seed)
    # A budget no loaded CI machine reaches: over it, the server rightly publishes "not fully
    # checked" (tests/test_lsp_robust.py), which is not what this test is about.
    async with session(tmp_path, encodings=["utf-16"], options={"lintBudgetMs": 600_000}) as client:
        await next_diagnostics(client, uri, open_doc(client, uri, text))
        version = 1
        for _ in range(40):
            version += 1
            start, end, new = _random_edit(rng, text)
            client.text_document_did_change(_change(text, version, uri, start, end, new))
            text = text[:start] + new + text[end:]
            if rng.random() < 0.3:
                await asyncio.sleep(rng.choice([0.0, 0.01, 0.05]))
        expected = _shown(_fresh(Linter(Config.from_file(tmp_path / "commlint.toml")), text, path, version))
        assert expected
        # The client keeps the last diagnostics published (the fast pass's, then the full
        # pass's when they differ): wait for the server to settle on the fresh lint's.
        await eventually(lambda: _shown(client.diagnostics.get(uri, ())) == expected)
        # On a failure, say what the server logged (a lint that raised, a stale cache...).
        logged = [m.message for m in client.log_messages]
        assert _shown(client.diagnostics.get(uri, ())) == expected, logged


@pytest.mark.slow  # an LSP session over stdio (CI runs it; README: which tests are slow)
@pytest.mark.asyncio
@pytest.mark.parametrize("seed", [15, 16])
async def test_every_fast_pass_publishes_the_local_findings_of_a_whole_document_lint(tmp_path, seed):
    """The same random edits, one at a time, with the full pass held back: the diagnostics of
    the sentence-local rules the server publishes for each version (its fast pass, a block
    lint of the edited blocks) are exactly a whole-document lint's; after a save (a full
    pass) every diagnostic is."""
    import random

    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.lsp.incremental import IncrementalLinter

    (tmp_path / "commlint.toml").write_text('select = ["ALL"]\n', encoding="utf-8")
    linter = Linter(Config.from_file(tmp_path / "commlint.toml"))
    local = {r.id for r in IncrementalLinter(linter).local.rules}
    text = _examples()
    path = tmp_path / "draft.md"
    uri = path.as_uri()
    rng = random.Random(seed)
    compared = 0
    async with session(tmp_path, encodings=["utf-16"], options={"fullLintDelayMs": 600_000}) as client:
        await next_diagnostics(client, uri, open_doc(client, uri, text))
        version = 1
        for _ in range(80):
            version += 1
            start, end, new = _random_edit(rng, text)
            change = _change(text, version, uri, start, end, new)
            text = text[:start] + new + text[end:]
            published = await next_diagnostics(
                client,
                uri,
                lambda c=change: client.text_document_did_change(c),
                until=lambda p, v=version: p.version == v,
            )
            expected = [d for d in _shown(_fresh(linter, text, path, version)) if d[1] in local]
            assert [d for d in _shown(published.diagnostics) if d[1] in local] == expected, (version, text)
            compared += len(expected)
        ident = lsp.TextDocumentIdentifier(uri=uri)
        saved = await next_diagnostics(
            client, uri, lambda: client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=ident))
        )
        assert _shown(saved.diagnostics) == _shown(_fresh(linter, text, path, version))
    assert compared > 200


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize("seed", [15] + [pytest.param(s, marks=pytest.mark.slow) for s in range(16, 26)])
def test_after_every_random_edit_both_passes_equal_a_whole_document_lint(fmt, seed):
    """In process, a seeded run of random edits as the server makes them: after every edit
    the fast pass (cached blocks, the edited ones linted alone) finds exactly what a
    whole-document lint finds with the sentence-local rules, and the full pass exactly
    everything (every built-in rule on)."""
    import random

    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.lsp.incremental import IncrementalLinter
    from commlint.source.decode import Source

    linter = Linter(Config.default(REPO).replace(select=["ALL"]))
    inc = IncrementalLinter(linter)
    local = {r.id for r in inc.local.rules}

    def found(diagnostics: Any, rules: Any = None) -> list[Any]:
        return [
            (d.start, d.end, d.rule, d.message, d.line, d.column)
            for d in diagnostics
            if d.category != "internal" and (rules is None or d.rule in rules)
        ]

    rng = random.Random(seed)
    # Suppression directives in the text from the start (TRICKY's region), typed and cut up by
    # the edits: the blocks' findings are kept unsuppressed and each pass applies the
    # directives of the whole text, so these documents too are linted block by block.
    edits = EDITS + MORE_EDITS + DIRECTIVES
    text = _examples() + "\n\n" + TRICKY + "\ncommlint-disable-next-line ABS101\nIt is totally secure.\n"
    snap = inc.full(text, "draft.md", fmt)
    unsuppressed = linter.lint(Source(text=text, path="draft.md"), fmt, suppress=False).diagnostics
    assert len(found(unsuppressed, local)) > len(found(snap.diagnostics, local))  # a directive silences one
    block_passes = 0
    for step in range(60):
        start, end, new = _random_edit(rng, text, edits)
        text = text[:start] + new + text[end:]
        whole = linter.lint(Source(text=text, path="draft.md"), fmt).diagnostics
        snap = inc.fast(text, "draft.md", fmt, snap)
        assert found(snap.diagnostics, local) == found(whole, local), (step, text)
        block_passes += not snap.full
        if rng.random() < 0.3:
            snap = inc.full(text, "draft.md", fmt)
            assert found(snap.diagnostics) == found(whole), (step, text)
    assert block_passes > 20  # many edits were linted block by block (an unclosed fence may end that)


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_a_directive_typed_or_deleted_in_one_block_silences_findings_in_others(fmt):
    """Typing or deleting a directive (region, next-line, same-line, every rule or some) in
    one block changes what is shown in other blocks: each fast pass, linted block by block,
    shows exactly what a whole-document lint shows, also where a block alone would read its
    own directives otherwise (``disable``, then ``enable ABS``, then ``disable`` again:
    ABS stays on in the document, but not in the last block alone)."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.lsp.incremental import IncrementalLinter
    from commlint.source.decode import Source

    linter = Linter(Config.default(REPO).replace(select=["ALL"]))
    inc = IncrementalLinter(linter)
    local = {r.id for r in inc.local.rules}
    if fmt == "markdown":
        disable, enable, next_line, same_line = (
            f"<!-- commlint-{w} -->" for w in ("disable", "enable ABS", "disable-next-line ABS101", "disable-line")
        )
    else:
        disable, enable, next_line, same_line = (
            "commlint-disable",
            "commlint-enable ABS",
            "commlint-disable-next-line ABS101",
            "commlint-disable-line",
        )
    claim = "It is totally secure and unhackable."
    paragraphs = [f"Paragraph {n}. {claim}" for n in range(12)]
    text = "\n\n".join(paragraphs) + "\n"

    def shown(snap: Any) -> list[tuple[int, str]]:
        return [(d.line, d.rule) for d in snap.diagnostics if d.rule in local]

    def whole(text: str) -> list[tuple[int, str]]:
        found = linter.lint(Source(text=text, path="draft.md"), fmt).diagnostics
        return [(d.line, d.rule) for d in found if d.rule in local]

    snap = inc.full(text, "draft.md", fmt)
    assert len(shown(snap)) == 24
    steps = [
        (paragraphs[2], f"{disable}\n{paragraphs[2]}"),  # a region from block 2 on
        (paragraphs[5], f"{enable}\n{paragraphs[5]}"),  # ABS back on from block 5
        (paragraphs[8], f"{disable}\n{paragraphs[8]}"),  # "disable" again: ABS stays exempt
        (paragraphs[10], f"{next_line}\n{paragraphs[10]}"),
        (paragraphs[11], f"{paragraphs[11]} {same_line}"),
        (f"{disable}\n{paragraphs[2]}", paragraphs[2]),  # the region's start deleted
        (f"{enable}\n{paragraphs[5]}", paragraphs[5]),
    ]
    seen = []
    for old, new in steps:
        assert text.count(old) == 1
        text = text.replace(old, new)
        snap = inc.fast(text, "draft.md", fmt, snap)
        assert not snap.full  # block by block
        assert shown(snap) == whole(text), (old, new)
        seen.append(len(shown(snap)))
    assert len(set(seen)) > 3  # each edit changed what is shown
    assert inc.full(text, "draft.md", fmt).diagnostics == [
        d for d in linter.lint(Source(text=text, path="draft.md"), fmt).diagnostics if d.category != "internal"
    ]
    # Opened with directives (the block cache filled from one lint of the whole text), then
    # the directives deleted: the blocks they silenced show their findings again.
    inc = IncrementalLinter(linter)
    snap = inc.full(text, "draft.md", fmt)
    assert len(shown(snap)) < 24
    for old, new in [
        (f"{disable}\n{paragraphs[8]}", paragraphs[8]),
        (f"{next_line}\n{paragraphs[10]}", paragraphs[10]),
        (f"{paragraphs[11]} {same_line}", paragraphs[11]),
    ]:
        text = text.replace(old, new)
        snap = inc.fast(text, "draft.md", fmt, snap)
        assert not snap.full
        assert shown(snap) == whole(text), (old, new)
    assert len(shown(snap)) == 24


def _position(text: str, offset: int) -> lsp.Position:
    """The UTF-16 LSP position of a character offset (lines end at "\\n", "\\r\\n" or "\\r")."""
    import re

    breaks = [m.end() for m in re.finditer(r"\r\n?|\n", text[:offset])]
    start = breaks[-1] if breaks else 0
    return lsp.Position(line=len(breaks), character=len(text[start:offset].encode("utf-16-le")) // 2)


def _diagnostic(raw: dict[str, Any]) -> lsp.Diagnostic:
    from pygls.protocol import default_converter

    return default_converter().structure(raw, lsp.Diagnostic)


@pytest.mark.parametrize(
    ("fmt", "directive"),
    [
        ("rst", ".. commlint-disable-next-line ABS101"),
        ("mdx", "{/* x */}\n<!-- commlint-disable-next-line ABS101 -->"),
        ("html", "<!-- commlint-disable-next-line ABS101 -->"),
        ("markdown", "<!-- commlint-disable-next-line ABS101 -->"),
        ("text", "commlint-disable-next-line ABS101"),
    ],
)
def test_a_pass_from_the_block_cache_reads_the_directives_of_each_format(fmt, directive):
    """A fast pass over a text the cache already holds (one block: reStructuredText, MDX)
    applies the directives as the engine reads them in that format."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.lsp.incremental import IncrementalLinter
    from commlint.source.decode import Source

    linter = Linter(Config.default(REPO).replace(select=["ALL"]))
    inc = IncrementalLinter(linter)
    text = f"Title\n\nIt is totally secure.\n\n{directive}\nIt is totally secure.\n"
    whole = [d for d in linter.lint(Source(text=text, path="draft"), fmt).diagnostics if d.category != "internal"]
    assert [d.rule for d in whole].count("ABS101") == 1
    snap = inc.full(text, "draft", fmt)
    assert snap.diagnostics == whole
    assert inc.fast(text, "draft", fmt, snap).diagnostics == whole
