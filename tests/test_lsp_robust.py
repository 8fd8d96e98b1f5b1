"""The language server survives a hostile or broken client, and one huge document.

Raw protocol tests write bytes to ``python -m commlint lsp`` and read its framed replies;
the rest drive it with pytest-lsp like tests/test_lsp.py. No assertion is about time:
timeouts are hang guards only, and the huge-document test asserts an order of events.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")
pytest.importorskip("pytest_lsp")
from lsprotocol import types as lsp  # noqa: E402
from test_lsp import TIMEOUT, eventually, next_diagnostics, open_doc, replace_all, session, workspace  # noqa: E402


# -- a raw client: bytes in, framed JSON messages out ----------------------------------------
def frame(body: bytes | str) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def request(msg_id: Any, method: str, params: Any = None) -> bytes:
    return frame(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))


def initialize(msg_id: Any, root: Path) -> bytes:
    return request(msg_id, "initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})


class RawServer:
    """``python -m commlint lsp`` with its stdin and stdout as byte pipes."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "commlint", "lsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(out.read(length)))

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def response(self, msg_id: Any) -> dict[str, Any]:
        """The next response whose id is ``msg_id`` (log notifications are skipped)."""
        while True:
            message = self.messages.get(timeout=TIMEOUT)  # a hang guard, not a measurement
            assert message is not None, "the server closed its output"
            if "method" not in message and message.get("id") == msg_id:
                return message

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def raw(tmp_path: Path):
    server = RawServer(tmp_path)
    yield server
    server.close()


def assert_serves(raw: RawServer, root: Path, msg_id: str = "after") -> None:
    raw.send(initialize(msg_id, root))
    reply = raw.response(msg_id)
    assert "capabilities" in reply.get("result", {}), reply


#: the body of the broken message: a request that must be skipped, not answered
NEXT = json.dumps({"jsonrpc": "2.0", "id": "bad", "method": "shutdown"}).encode()

BAD_FRAMES = {
    "huge": (b"Content-Length: 99999999999\r\n\r\n" + NEXT, "Content-Length 99999999999 is over the limit"),
    "word": (b"Content-Length: abc\r\n\r\n" + NEXT, "malformed Content-Length 'abc'"),
    "negative": (b"Content-Length: -5\r\n\r\n" + NEXT, "malformed Content-Length '-5'"),
    "empty": (b"Content-Length: \r\n\r\n" + NEXT, "malformed Content-Length ''"),
    "missing": (b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + NEXT, "without a Content-Length"),
    "no colon": (b"Content-Length 12\r\n\r\n" + NEXT, "malformed header line"),
    "long header": (b"X-Padding: " + b"p" * 100_000 + b"\r\n\r\n" + NEXT, "header line longer than"),
}


@pytest.mark.slow  # one server process per case; the one-session test below stays fast
@pytest.mark.parametrize("name", list(BAD_FRAMES))
def test_a_bad_frame_gets_an_error_and_the_server_keeps_serving(raw: RawServer, tmp_path: Path, name: str):
    data, why = BAD_FRAMES[name]
    raw.send(data)
    error = raw.response(None)
    assert error["error"]["code"] == -32700 and why in error["error"]["message"], error
    assert_serves(raw, tmp_path)


@pytest.mark.parametrize(
    ("body", "code", "why"),
    [
        (b'{"jsonrpc": "2.0", "id": 1, "method": ', -32700, "Parse error"),
        (b"\xff\xfe not utf-8 at all", -32700, "Parse error"),
        (b"", -32700, "Parse error"),
        (b"[1, 2, 3]", -32600, "a batch"),
        (b"42", -32600, "not a JSON-RPC 2.0 message"),
    ],
    ids=["truncated", "bad-utf8", "empty", "batch", "number"],
)
@pytest.mark.slow  # one server process per case; the one-session test below stays fast
def test_malformed_json_gets_an_error_with_id_null(raw: RawServer, tmp_path: Path, body: bytes, code: int, why: str):
    raw.send(frame(body))
    error = raw.response(None)
    assert error["id"] is None and error["error"]["code"] == code and why in error["error"]["message"], error
    assert_serves(raw, tmp_path)


def test_every_kind_of_bad_message_in_one_session(raw: RawServer, tmp_path: Path):
    assert_serves(raw, tmp_path, "first")
    for data, _ in BAD_FRAMES.values():
        raw.send(data)
        raw.send(frame(b"{not json"))
    raw.send(request("down", "shutdown"))
    assert raw.response("down") == {"jsonrpc": "2.0", "id": "down", "result": None}
    raw.send(frame(json.dumps({"jsonrpc": "2.0", "method": "exit"})))
    assert raw.proc.wait(TIMEOUT) == 0


# -- the framing reader in process: a huge Content-Length is never read into memory ----------
class CountingStream(io.BytesIO):
    """Records the largest single read the reader asks for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def read(self, size: int | None = -1) -> bytes:
        self.largest = max(self.largest, size if size is not None and size >= 0 else len(self.getvalue()))
        return super().read(size)


def test_a_huge_body_is_discarded_in_bounded_reads():
    from commlint.lsp.transport import CHUNK, FramingError, MessageReader

    junk = b"x" * (3 * 2**20)  # the client really sends a lot after a lying header
    good = b'{"jsonrpc": "2.0", "id": 7, "method": "shutdown"}'
    stream = CountingStream(b"Content-Length: 99999999999\r\n\r\n" + junk + frame(good))
    reader = MessageReader(stream, limit=2**20)
    first = reader.next()
    assert isinstance(first, FramingError) and "over the limit of 1048576 bytes" in first.message
    assert reader.next() == good
    assert reader.next() is None
    assert stream.largest <= CHUNK  # no read was sized by the header's claim


# -- one huge document never delays another -------------------------------------------------
PARAGRAPH = (
    "Acme Widgets said on Tuesday that its new routing service is totally secure and ready for "
    "customers in every region. The team will publish a report about it next month.\n\n"
)


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_a_small_document_is_published_while_a_5_mb_one_is_still_linting(tmp_path):
    workspace(tmp_path)
    big_uri, small_uri = (tmp_path / "big.md").as_uri(), (tmp_path / "small.md").as_uri()
    big = "# Archive\n\n" + PARAGRAPH * (5 * 2**20 // len(PARAGRAPH))
    assert len(big) > 5_000_000
    async with session(tmp_path, options={"lintBudgetMs": 600_000}) as client:

        def open_both() -> None:
            open_doc(client, big_uri, big)()
            open_doc(client, small_uri, "Our vault is unhackable.\n")()

        params = await next_diagnostics(client, small_uri, open_both)
        assert [d.code for d in params.diagnostics] == ["TST101"]
        # The big one was opened first and is still being linted: nothing published for it yet.
        assert big_uri not in client.diagnostics


# -- a lint that never ends is stopped, and the document says it was not checked ------------
SPINNING_PLUGIN = """
import os
from commlint.hookspecs import hookimpl
from commlint.rules.ruletypes.base import Rule


class Spins(Rule):
    id = "SPN001"
    name = "spins"
    category = "test"
    message = "never shown"

    def check(self, doc, ctx):
        if "spin forever" not in doc.prose:
            return []
        with open(os.environ["SPIN_MARKER"], "a", encoding="utf-8") as fh:
            fh.write("spinning\\n")
        try:
            # Not a `while` first thing in the `try`: CPython 3.11 can skip the `finally`
            # of such a loop when an asynchronous exception stops it.
            laps = 0
            while True:
                laps += len(doc.prose) > 0
        finally:
            with open(os.environ["SPIN_MARKER"], "a", encoding="utf-8") as fh:
                fh.write("stopped\\n")


@hookimpl
def commlint_rules(config):
    return [Spins()]
"""


def install_plugin(site: Path, name: str, source: str) -> dict[str, str]:
    (site / f"{name}-0.1.dist-info").mkdir(parents=True)
    (site / f"{name}.py").write_text(source, encoding="utf-8")
    (site / f"{name}-0.1.dist-info" / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8"
    )
    (site / f"{name}-0.1.dist-info" / "entry_points.txt").write_text(f"[commlint]\n{name} = {name}\n", encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}


def spinning_workspace(tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """A workspace with the spinning plugin on: its marker file, the server's env, a draft's URI."""
    marker = tmp_path / "spin-marker.txt"
    env = {**install_plugin(tmp_path / "site", "spinplugin", SPINNING_PLUGIN), "SPIN_MARKER": str(marker)}
    workspace(tmp_path, 'extend-select = ["SPN"]\n')
    return marker, env, (tmp_path / "draft.md").as_uri()


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_a_lint_over_its_budget_is_stopped_and_fails_closed(tmp_path):
    marker, env, uri = spinning_workspace(tmp_path)
    async with session(tmp_path, env=env, options={"lintBudgetMs": 1500}) as client:
        # A first lint loads what every lint uses, so the budget below is the lints' alone even
        # on a loaded machine (the edit after it stops its full pass, if still running).
        await next_diagnostics(client, uri, open_doc(client, uri, "It is unhackable.\n"))
        published = await next_diagnostics(
            client, uri, replace_all(client, uri, "It is unhackable. We spin forever.\n", 2)
        )
        (notice,) = published.diagnostics
        assert notice.code == "CL902" and notice.severity == lsp.DiagnosticSeverity.Error
        assert "NOT been fully checked" in notice.message and "lintBudgetMs" in notice.message
        # The server goes on: an edit without the trigger is linted normally.
        published = await next_diagnostics(client, uri, replace_all(client, uri, "It is unhackable.\n", 3))
        assert [d.code for d in published.diagnostics] == ["TST101"]
        # Stuck in a rule, it is stopped where it is a moment later.
        await eventually(lambda: marker.read_text(encoding="utf-8").endswith("stopped\n"))
    assert marker.read_text(encoding="utf-8") == "spinning\nstopped\n"  # the spinning rule was stopped, once


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_a_cancelled_lint_stuck_in_a_rule_is_stopped_where_it_is(tmp_path):
    """An edit cancels the running lint; one that never reaches a checkpoint is stopped all the same."""
    marker, env, uri = spinning_workspace(tmp_path)
    async with session(tmp_path, env=env, options={"lintBudgetMs": 600_000}) as client:
        open_doc(client, uri, "We spin forever.\n")()
        await eventually(marker.exists, 0.01)  # the first lint is inside the rule
        published = await next_diagnostics(client, uri, replace_all(client, uri, "It is unhackable.\n", 2))
        assert [d.code for d in published.diagnostics] == ["TST101"]
        await eventually(lambda: marker.read_text(encoding="utf-8").endswith("stopped\n"))
    assert marker.read_text(encoding="utf-8") == "spinning\nstopped\n"


# -- an edit stops the running lint between two rules, never inside one ---------------------
LAPPING_PLUGIN = """
import os
import threading
import time
from commlint.hookspecs import hookimpl
from commlint.rules.ruletypes.base import Rule


def note(what):
    with open(os.environ["LAP_MARKER"], "a", encoding="utf-8") as fh:
        fh.write(f"{what} {threading.get_ident()}\\n")


class Laps(Rule):
    id = "LAP001"
    name = "laps"
    category = "test"
    message = "never shown"

    def check(self, doc, ctx):
        if "lap" not in doc.prose:
            return []
        note("enter")
        # Python work a stopped thread would be stopped in (a sleep is one C call).
        until = time.monotonic() + 0.3
        laps = 0
        while time.monotonic() < until:
            laps += 1
        note("leave")
        return []


@hookimpl
def commlint_rules(config):
    return [Laps()]
"""


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_an_edit_stops_the_running_lint_between_rules_not_inside_one(tmp_path):
    """Stopping a lint inside a rule could leave a cache every lint shares half-updated: the
    lint an edit makes stale finishes the rule it is in, then stops, and its result is dropped."""
    marker = tmp_path / "lap-marker.txt"
    env = {**install_plugin(tmp_path / "site", "lapplugin", LAPPING_PLUGIN), "LAP_MARKER": str(marker)}
    workspace(tmp_path, 'extend-select = ["LAP"]\n')
    uri = (tmp_path / "draft.md").as_uri()

    def laps() -> list[list[str]]:
        return [line.split() for line in marker.read_text(encoding="utf-8").splitlines()] if marker.exists() else []

    async with session(tmp_path, env=env, options={"lintBudgetMs": 600_000}) as client:
        open_doc(client, uri, "A lap. It is unhackable.\n")()
        await eventually(laps, 0.01)  # the first lint is inside the rule
        published = await next_diagnostics(
            client, uri, replace_all(client, uri, "Another lap. It is unhackable.\n", 2), until=lambda p: p.version == 2
        )
        assert [d.code for d in published.diagnostics] == ["TST101"]
        # Every lap started has ended.
        await eventually(lambda: [w for w, _ in laps()].count("enter") == [w for w, _ in laps()].count("leave"))
    by_thread: dict[str, list[str]] = {}
    for what, thread in laps():
        by_thread.setdefault(thread, []).append(what)
    assert by_thread, laps()
    assert all(v == ["enter", "leave"] * (len(v) // 2) for v in by_thread.values()), laps()


# -- settings errors name the message they came in -------------------------------------------
async def shown_errors(client: Any, uri: str, text: str) -> list[str]:
    shown = asyncio.wrap_future(client.protocol.wait_for_notification(lsp.WINDOW_SHOW_MESSAGE))
    await next_diagnostics(client, uri, open_doc(client, uri, text))
    await asyncio.wait_for(shown, TIMEOUT)
    return [m.message for m in client.messages if m.type == lsp.MessageType.Error]


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_a_bad_config_key_in_initialization_options_is_blamed_on_them(tmp_path):
    workspace(tmp_path)
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path, options={"config": {"selekt": ["TST"]}}) as client:
        errors = await shown_errors(client, uri, "It is unhackable.\n")
    assert len(errors) == 1, errors
    assert "initializationOptions commlint.config: unknown key 'selekt'" in errors[0]
    assert "commlint.toml" not in errors[0]


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_a_bad_rule_in_did_change_configuration_is_blamed_on_it(tmp_path):
    workspace(tmp_path)
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path) as client:
        await next_diagnostics(client, uri, open_doc(client, uri, "It is unhackable.\n"))
        shown = asyncio.wrap_future(client.protocol.wait_for_notification(lsp.WINDOW_SHOW_MESSAGE))
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"commlint": {"config": {"select": ["NOPE999"]}}})
        )
        message = (await asyncio.wait_for(shown, TIMEOUT)).message
        assert message.startswith("commlint: workspace/didChangeConfiguration settings commlint.config: select:")
        assert "NOPE999" in message and "commlint.toml" not in message
        # A malformed server setting names the same message.
        shown = asyncio.wrap_future(client.protocol.wait_for_notification(lsp.WINDOW_SHOW_MESSAGE))
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"commlint": {"debounceMs": "soon"}})
        )
        message = (await asyncio.wait_for(shown, TIMEOUT)).message
        assert message.startswith(
            "commlint: workspace/didChangeConfiguration settings: commlint setting 'debounceMs' must be a number"
        )


@pytest.mark.slow  # an LSP session over stdio (CI runs it)
@pytest.mark.asyncio
async def test_a_broken_config_file_is_still_blamed_on_the_file(tmp_path):
    workspace(tmp_path, "fail-level = 'loud'\n")
    uri = (tmp_path / "draft.md").as_uri()
    async with session(tmp_path, options={"config": {"ignore": ["TST102"]}}) as client:
        errors = await shown_errors(client, uri, "It is unhackable.\n")
    assert len(errors) == 1 and str(tmp_path / "commlint.toml") in errors[0] and "fail-level" in errors[0], errors
