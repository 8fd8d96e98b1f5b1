"""Every commlint hook, grouped by the moment it runs. Docstrings only: see pluggy.

Built-in features register through these same hooks (commlint.builtin), so a third-party
plugin, found through the ``commlint`` entry-point group, has no second-class API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from commlint.config import Config
    from commlint.prose.document import Document
    from commlint.rules.ruletypes.base import Rule
    from commlint.source.decode import Source

hookspec = pluggy.HookspecMarker("commlint")
hookimpl = pluggy.HookimplMarker("commlint")

# -- configuration -------------------------------------------------------------------------


@hookspec
def commlint_configure(config: Config) -> None:
    """Called once a configuration is loaded and validated, before any rule is built.

    A plugin may adjust ``config`` in place (add accepted terms, change severities).
    """


# -- rules ---------------------------------------------------------------------------------


@hookspec
def commlint_rule_types() -> dict[str, type[Rule]]:
    """Return rule types by name (the ``type`` key of a TOML rule), e.g. ``{"phrase": PhraseRule}``.

    Each class is built as ``cls(spec_table, where)`` and must subclass ``Rule``.
    """


@hookspec
def commlint_rule_packs() -> list[str]:
    """Return paths of TOML rule packs (files or folders of ``*.toml``) to load by default."""


@hookspec
def commlint_lexicon_paths() -> list[str]:
    """Return paths of TOML lexicons (term lists) that rules and density measures can name."""


@hookspec
def commlint_rules(config: Config) -> list[Rule]:
    """Return Python rule instances (subclasses of ``commlint.Rule``) for this configuration."""


# -- documents -----------------------------------------------------------------------------


@hookspec
def commlint_file_extensions() -> dict[str, str]:
    """Return ``{".ext": "format"}`` for extensions to lint when walking folders."""


@hookspec(firstresult=True)
def commlint_document_format(source: Source, format: str) -> Document | None:
    """Build the prose view of ``source`` for the named ``format``; the first non-None wins."""


# -- suggestions ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def commlint_grammar_check(text: str, config: Config) -> list[dict[str, Any]] | None:
    """Check ``text`` for grammar problems; return ``[{"start", "end", "message", "rule"}]``.

    Return None when this backend is not available, so the next one is tried. Used to
    demote a safe suggestion that would add a grammar problem, and for ``grammar`` findings.
    """


# -- reporting -----------------------------------------------------------------------------


@hookspec
def commlint_formatters() -> dict[str, Any]:
    """Return output formatters by name: ``fn(results, stream, options) -> None``."""
