"""commlint's LanguageTool backend, behind ``commlint_grammar_check``.

Local LanguageTool (Java, downloaded once by language-tool-python) or a server from config
``[grammar] languagetool-url``. Drafts are private: a server that is not on this machine is
refused unless ``[grammar] allow-remote = true``.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import threading
import urllib.parse
from typing import Any

from commlint.errors import ConfigError
from commlint.hookspecs import hookimpl

ENV_URL = "COMMLINT_LANGUAGETOOL_URL"
#: LanguageTool categories left out unless ``[grammar] spelling = true``
SPELLING_CATEGORIES = frozenset({"TYPOS"})

_tools: dict[tuple[str, str | None], Any] = {}
_lock = threading.Lock()


def server_url(settings: dict[str, Any]) -> str | None:
    """The configured server URL (config first, then the environment), or None for local."""
    url = settings.get("languagetool-url") or os.environ.get(ENV_URL) or None
    return str(url) if url else None


def is_local(url: str) -> bool:
    """True when ``url`` names this machine (localhost or a loopback address)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate(settings: dict[str, Any], where: str = "<config>") -> None:
    """Refuse a malformed server URL, or a remote one without ``allow-remote = true``."""
    url = server_url(settings)
    if url is None:
        return
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: grammar.languagetool-url must be an http(s) URL, not {url!r}")
    if not is_local(url) and settings.get("allow-remote") is not True:
        raise ConfigError(
            f"{where}: grammar.languagetool-url {parts.hostname!r} is not on this machine; drafts would be "
            "sent to it, so set grammar.allow-remote = true to allow that"
        )


def unavailable(reason: str) -> Exception:
    from commlint.engine.grammar import GrammarUnavailable

    return GrammarUnavailable(f"LanguageTool is unavailable ({reason})")


def tool(language: str, url: str | None) -> Any:
    """One LanguageTool client per (language, server) per process."""
    key = (language, url)
    with _lock:
        found = _tools.get(key)
        if found is not None:
            return found
        try:
            import language_tool_python
        except ImportError:
            raise unavailable("language-tool-python is not installed") from None
        if url is None and shutil.which("java") is None:
            raise unavailable("local LanguageTool needs Java 17+; install it, or set grammar.languagetool-url")
        try:
            if url is None:
                found = language_tool_python.LanguageTool(language)
            else:
                found = language_tool_python.LanguageTool(language, remote_server=url)
        except Exception as exc:  # no Java, no download, server down: all one message
            if url is not None:
                raise unavailable(f"{url}: {_first_line(exc)}") from None
            raise unavailable(
                f"local LanguageTool could not start: {_first_line(exc)}; it needs Java 17+ and a one-time "
                "download, or set grammar.languagetool-url to a LanguageTool server"
            ) from None
        _tools[key] = found
        return found


def problems(matches: list[Any], spelling: bool = False) -> list[dict[str, Any]]:
    """language-tool-python Match objects as commlint problems."""
    out = []
    for m in matches:
        if not spelling and m.category in SPELLING_CATEGORIES:
            continue
        out.append(
            {
                "start": int(m.offset),
                "end": int(m.offset) + int(m.error_length),
                "message": m.message,
                "rule": f"languagetool:{m.rule_id}",
                "replacements": list(m.replacements)[:5],
            }
        )
    return out


def check(text: str, settings: dict[str, Any]) -> list[dict[str, Any]]:
    url = server_url(settings)
    validate(settings)
    client = tool(str(settings.get("language", "en-US")), url)
    try:
        matches = client.check(text)
    except Exception as exc:
        raise unavailable(f"{url or 'local server'}: {_first_line(exc)}") from None
    return problems(matches, bool(settings.get("spelling", False)))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


@hookimpl
def commlint_configure(config: Any) -> None:
    if config.grammar.get("backend") == "languagetool" or config.grammar.get("languagetool-url"):
        validate(config.grammar, str(config.path or "<config>"))


@hookimpl
def commlint_grammar_check(text: str, config: Any) -> list[dict[str, Any]] | None:
    if config.grammar.get("backend", "languagetool") != "languagetool":
        return None
    return check(text, config.grammar)
