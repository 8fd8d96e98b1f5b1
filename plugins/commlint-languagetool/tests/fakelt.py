"""A tiny LanguageTool stand-in on 127.0.0.1 serving recorded /v2 responses (for tests only)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "recorded"


def _empty(text: str) -> dict[str, Any]:
    return {
        "software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
        "language": {"name": "English (US)", "code": "en-US"},
        "matches": [],
    }


class FakeLanguageTool:
    """Serves GET /v2/languages and POST /v2/check; unknown texts get no matches."""

    def __init__(self) -> None:
        self.checks: dict[str, Any] = json.loads((RECORDED / "check.json").read_text(encoding="utf-8"))
        self.languages = json.loads((RECORDED / "languages.json").read_text(encoding="utf-8"))
        self.requests: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if urllib.parse.urlsplit(self.path).path.rstrip("/") == "/v2/languages":
                    self._send(fake.languages)
                else:
                    self._send({"error": "not found"}, 404)

            def do_POST(self) -> None:  # noqa: N802
                if urllib.parse.urlsplit(self.path).path.rstrip("/") != "/v2/check":
                    self._send({"error": "not found"}, 404)
                    return
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                params = {k: v[0] for k, v in form.items()}
                fake.requests.append(params)
                text = params.get("text", "")
                self._send(fake.lookup(text))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def lookup(self, text: str) -> Any:
        """The recording for ``text``, or for the longest recorded text it starts with.

        Whatever follows a recorded prefix (block breaks, further paragraphs) does not
        move the recorded offsets.
        """
        if text in self.checks:
            return self.checks[text]
        prefixes = [k for k in self.checks if text.startswith(k) and not text[len(k) : len(k) + 1].isalnum()]
        return self.checks[max(prefixes, key=len)] if prefixes else _empty(text)

    def __enter__(self) -> FakeLanguageTool:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    """A localhost URL where nothing listens (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


if __name__ == "__main__":  # serve until killed: used by the CLI end-to-end test
    import sys
    import time

    with FakeLanguageTool() as fake:
        sys.stdout.write(fake.url + "\n")
        sys.stdout.flush()
        deadline = time.monotonic() + float(sys.argv[1] if len(sys.argv) > 1 else 120)
        while time.monotonic() < deadline:
            time.sleep(0.2)
