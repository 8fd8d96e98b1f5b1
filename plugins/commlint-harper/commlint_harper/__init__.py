"""commlint's Harper backend: one ``harper.Linter`` per process, behind ``commlint_grammar_check``."""

from __future__ import annotations

import threading
from typing import Any

from commlint.hookspecs import hookimpl

#: Harper lint kinds left out unless ``[grammar] spelling = true``: names and jargon trip them.
SPELLING_KINDS = frozenset({"Spelling"})

_linters: dict[str, Any] = {}
# A harper.Linter is not thread-safe (the LSP may lint from worker threads).
_lock = threading.Lock()


def linter(dialect: str = "american") -> Any:
    """The process's Harper linter for ``dialect``; building one takes most of a second."""
    import harper

    key = dialect.upper()
    with _lock:
        found = _linters.get(key)
        if found is None:
            try:
                value = harper.Dialect[key]
            except KeyError:
                from commlint.errors import ConfigError

                known = ", ".join(d.name.lower() for d in harper.Dialect)
                raise ConfigError(f"grammar.dialect: unknown Harper dialect {dialect!r} (known: {known})") from None
            found = _linters[key] = harper.Linter(value)
        return found


def check(text: str, dialect: str = "american", spelling: bool = False) -> list[dict[str, Any]]:
    """Harper's lints of plain ``text`` as commlint problems (offsets in code points)."""
    import harper

    lint_with = linter(dialect)
    with _lock:
        lints = lint_with.lint(text, language=harper.Language.PLAINTEXT)
    out = []
    for lint in lints:
        if not spelling and lint.lint_kind in SPELLING_KINDS:
            continue
        span = lint.span
        out.append(
            {
                "start": span.start,
                "end": span.end,
                "message": lint.message,
                "rule": f"harper:{lint.lint_kind}",
                "replacements": [s.replacement_text for s in lint.suggestions],
            }
        )
    return out


@hookimpl(tryfirst=True)
def commlint_grammar_check(text: str, config: Any) -> list[dict[str, Any]] | None:
    settings = config.grammar
    if settings.get("backend", "harper") != "harper":
        return None
    try:
        import harper  # noqa: F401
    except ImportError:
        return None
    return check(text, str(settings.get("dialect", "american")), bool(settings.get("spelling", False)))
