"""``commlint lsp``: run the language server over stdio (needs the ``lsp`` extra: pygls)."""

from __future__ import annotations

import argparse
import logging
import sys

from commlint.errors import UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)")
    p.add_argument(
        "--debounce-ms",
        type=int,
        metavar="MS",
        default=None,
        help="wait this long after the last change before linting (default 200; "
        "clients may override with initializationOptions.commlint.debounceMs)",
    )
    p.add_argument(
        "--log-level",
        choices=("error", "warning", "info", "debug"),
        default="warning",
        help="what the server logs to stderr",
    )


def run(args: argparse.Namespace) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401  (pygls is the optional extra `lsp`)
    except ImportError:
        from commlint.install import pip_hint

        sys.stderr.write(f"commlint: error: the language server needs pygls: {pip_hint('lsp')}\n")
        return 2
    if args.debounce_ms is not None and args.debounce_ms < 0:
        raise UsageError("lsp: --debounce-ms must be 0 or more")
    # stdout carries the protocol: every log line goes to stderr.
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, args.log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from commlint.lsp.config import ServerSettings
    from commlint.lsp.server import serve

    settings = ServerSettings()
    if args.debounce_ms is not None:
        settings.debounce_ms = args.debounce_ms
    serve(settings)
    return 0
