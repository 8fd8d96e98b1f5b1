"""Reading LSP messages from stdio without trusting the client's framing.

pygls' reader believes any ``Content-Length``: ``99999999999`` makes it try to read that
much into memory, and a header it cannot parse makes it wait for a body that never ends.
This reader caps a message at ``MAX_MESSAGE_BYTES``, and after a bad header it discards
input in bounded chunks until the next ``Content-Length:`` header, so one bad message
costs one error response, never the session. The resync is safe because a JSON body
cannot hold ``Content-Length: N`` followed by a raw line break (JSON strings may not
contain one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from lsprotocol import types as lsp
from pygls.protocol import JsonRPCProtocol

log = logging.getLogger("commlint.lsp")

#: the largest message body the server reads (a 64 MiB JSON text is a ~50 MB document)
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
#: the longest header line; real ones are under 100 bytes
MAX_HEADER_LINE = 8 * 1024
CHUNK = 64 * 1024
PARSE_ERROR = -32700
INVALID_REQUEST = -32600

#: where the next message starts: digits and a raw line break cannot occur in a JSON body
_HEADER = re.compile(rb"content-length:[ \t]*[0-9]+[ \t]*\r?\n", re.IGNORECASE)


@dataclass(frozen=True)
class FramingError:
    """A message that could not be framed; it has been skipped."""

    message: str


class MessageReader:
    """Yields message bodies (bytes), FramingErrors for skipped messages, None at EOF.

    ``stream`` is unbuffered (``sys.stdin.buffer.raw``): each read returns what is there.
    A buffered reader would wait to fill its request, and its lock, held by a blocked
    daemon thread, aborts the interpreter at exit.
    """

    def __init__(self, stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> None:
        self._stream = stream
        self._limit = limit
        self._buf = bytearray()
        #: after a bad header: the input up to the next header is to be dropped
        self._lost = False
        #: bytes read from the stream so far (the tests count them: nothing huge is read)
        self.bytes_read = 0

    def _fill(self, size: int = CHUNK) -> bool:
        """Read what is available, up to ``size`` bytes; False at EOF."""
        chunk = self._stream.read(size)
        if not chunk:
            return False
        self.bytes_read += len(chunk)
        self._buf += chunk
        return True

    def _line(self) -> bytes | FramingError | None:
        """One header line without its line break; None at EOF."""
        while True:
            end = self._buf.find(b"\n")
            if end >= 0:
                if end > MAX_HEADER_LINE:
                    del self._buf[: end + 1]
                    return FramingError(f"header line longer than {MAX_HEADER_LINE} bytes")
                line = bytes(self._buf[:end]).rstrip(b"\r")
                del self._buf[: end + 1]
                return line
            if len(self._buf) > MAX_HEADER_LINE:
                self._buf.clear()
                return FramingError(f"header line longer than {MAX_HEADER_LINE} bytes")
            if not self._fill():
                return None

    def _resync(self) -> bool:
        """Drop input up to the next Content-Length header; False at EOF."""
        while True:
            found = _HEADER.search(self._buf)
            if found is not None:
                del self._buf[: found.start()]
                return True
            keep = 64  # a header split across two reads
            if len(self._buf) > keep:
                del self._buf[:-keep]
            if not self._fill():
                return False

    def _body(self, length: int) -> bytes | None:
        while len(self._buf) < length:
            if not self._fill(max(CHUNK, length - len(self._buf))):  # never above the limit
                return None
        body = bytes(self._buf[:length])
        del self._buf[:length]
        return body

    def next(self) -> bytes | FramingError | None:
        # The resync waits for the next message, so it comes after the error is answered.
        if self._lost and not self._resync():
            return None
        self._lost = False
        length: str | None = None
        seen_header = False
        while True:
            line = self._line()
            if line is None:
                return None
            if isinstance(line, FramingError):
                self._lost = True
                return line
            if not line:
                if seen_header:
                    break
                continue  # stray blank lines between messages
            seen_header = True
            name, sep, value = line.partition(b":")
            if not sep:
                return self._skip(f"malformed header line {_show(line)}")
            if name.strip().lower() == b"content-length":
                length = value.strip().decode("latin-1")
        if length is None:
            return self._skip("message without a Content-Length header")
        if not length.isascii() or not length.isdigit():
            return self._skip(f"malformed Content-Length {length!r}")
        size = int(length)
        if size > self._limit:
            return self._skip(
                f"Content-Length {size} is over the limit of {self._limit} bytes ({self._limit // 2**20} MiB)"
            )
        return self._body(size)

    def _skip(self, why: str) -> FramingError:
        self._lost = True
        return FramingError(f"{why}; message skipped")


def _show(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return repr(text if len(text) <= 60 else text[:60] + "...")


def error_response(code: int, message: str, msg_id: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def parse(body: bytes, protocol: JsonRPCProtocol) -> tuple[Any, dict[str, Any] | None]:
    """A message object from a body, or the error response to send instead."""
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, or absurd nesting
        return None, error_response(PARSE_ERROR, f"Parse error: {exc}")
    if not hasattr(message, "jsonrpc"):
        msg_id = message.get("id") if isinstance(message, dict) else None
        if not isinstance(msg_id, (str, int)) or isinstance(msg_id, bool):
            msg_id = None
        what = "a batch" if isinstance(message, list) else "not a JSON-RPC 2.0 message object"
        return None, error_response(INVALID_REQUEST, f"Invalid Request: {what}", msg_id)
    return message, None


async def serve(
    stop: threading.Event,
    reader: MessageReader,
    protocol: JsonRPCProtocol,
    on_error: Callable[[Exception, Any], Any],
) -> None:
    """The message loop: frames are read on a daemon thread, handled here one at a time."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | FramingError | None] = asyncio.Queue(maxsize=2)

    def read_all() -> None:
        # A daemon thread: a client that never closes stdin cannot hold the process at exit.
        while True:
            item = reader.next()
            try:
                asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()
            except RuntimeError:  # the loop has closed
                return
            if item is None:
                return

    threading.Thread(target=read_all, name="commlint-lsp-reader", daemon=True).start()
    while not stop.is_set():
        item = await queue.get()
        if item is None:
            break
        if isinstance(item, FramingError):
            _answer(protocol, error_response(PARSE_ERROR, f"Parse error: {item.message}"), item.message)
            continue
        message, error = parse(item, protocol)
        if error is not None:
            _answer(protocol, error, error["error"]["message"])
            continue
        try:
            protocol.handle_message(message)
        except Exception as exc:  # as pygls: a handler's failure must not end the session
            log.exception("unable to handle message")
            on_error(exc, type(exc))


def _answer(protocol: JsonRPCProtocol, response: dict[str, Any], why: str) -> None:
    """Send an error response (id null when unknown) and say so in the client's log."""
    log.error("bad message from the client: %s", why)
    protocol._send_data(response)
    with contextlib.suppress(Exception):
        protocol.notify(
            lsp.WINDOW_LOG_MESSAGE,
            lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"commlint: bad message from the client: {why}"),
        )
