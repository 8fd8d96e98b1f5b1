"""Every commlint hook, grouped by the moment it runs. Docstrings only: see pluggy.

Built-in features register through these same hooks (``commlint.plugins.BUILTIN_PLUGINS``:
the rule types, formats and formatters in commlint.builtin; ``--fix``, ``--density`` and
``--accepted`` in their packages' ``plugin`` modules), so a third-party plugin, found through
the ``commlint`` entry-point group, has no second-class API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    import argparse

    from commlint.config import Config
    from commlint.engine.check_run import CheckRun
    from commlint.prose.document import Document
    from commlint.rules.ruletypes.base import Rule
    from commlint.source.decode import Source

_F = TypeVar("_F", bound=Callable[..., Any])


class HookspecMarker:
    """``pluggy.HookspecMarker("commlint")`` without importing pluggy (whose import, with the
    ``typing`` and ``inspect`` it needs, is ~10 ms of a cold start): it marks a function as
    pluggy's does, with the same options under the same attribute, so pluggy's
    ``PluginManager.add_hookspecs`` finds it (tests/test_plugins.py compares the two)."""

    __slots__ = ("project_name",)

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    @overload
    def __call__(
        self,
        function: _F,
        firstresult: bool = ...,
        historic: bool = ...,
        warn_on_impl: Warning | None = ...,
        warn_on_impl_args: Any = ...,
    ) -> _F: ...

    @overload
    def __call__(
        self,
        function: None = ...,
        firstresult: bool = ...,
        historic: bool = ...,
        warn_on_impl: Warning | None = ...,
        warn_on_impl_args: Any = ...,
    ) -> Callable[[_F], _F]: ...

    def __call__(
        self,
        function: _F | None = None,
        firstresult: bool = False,
        historic: bool = False,
        warn_on_impl: Warning | None = None,
        warn_on_impl_args: Any = None,
    ) -> Any:
        def mark(func: _F) -> _F:
            if historic and firstresult:
                raise ValueError("cannot have a historic firstresult hook")
            opts = {
                "firstresult": firstresult,
                "historic": historic,
                "warn_on_impl": warn_on_impl,
                "warn_on_impl_args": warn_on_impl_args,
            }
            setattr(func, self.project_name + "_spec", opts)
            return func

        return mark if function is None else mark(function)


class HookimplMarker:
    """``pluggy.HookimplMarker("commlint")`` without importing pluggy: marks a hook
    implementation as pluggy's does (the same options under the same attribute), so pluggy's
    ``PluginManager.register`` finds it, and so does ``commlint.plugins``' own reading of the
    built-in plugins when no other plugin is installed."""

    __slots__ = ("project_name",)

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    @overload
    def __call__(
        self,
        function: _F,
        hookwrapper: bool = ...,
        optionalhook: bool = ...,
        tryfirst: bool = ...,
        trylast: bool = ...,
        specname: str | None = ...,
        wrapper: bool = ...,
    ) -> _F: ...

    @overload
    def __call__(
        self,
        function: None = ...,
        hookwrapper: bool = ...,
        optionalhook: bool = ...,
        tryfirst: bool = ...,
        trylast: bool = ...,
        specname: str | None = ...,
        wrapper: bool = ...,
    ) -> Callable[[_F], _F]: ...

    def __call__(
        self,
        function: _F | None = None,
        hookwrapper: bool = False,
        optionalhook: bool = False,
        tryfirst: bool = False,
        trylast: bool = False,
        specname: str | None = None,
        wrapper: bool = False,
    ) -> Any:
        def mark(func: _F) -> _F:
            opts = {
                "wrapper": wrapper,
                "hookwrapper": hookwrapper,
                "optionalhook": optionalhook,
                "tryfirst": tryfirst,
                "trylast": trylast,
                "specname": specname,
            }
            setattr(func, self.project_name + "_impl", opts)
            return func

        return mark if function is None else mark(function)


hookspec = HookspecMarker("commlint")
hookimpl = HookimplMarker("commlint")

# -- the command line ----------------------------------------------------------------------


@hookspec
def commlint_addoption(parser: argparse.ArgumentParser) -> None:
    """Add options to ``commlint check``; ``parser`` is its argparse parser.

    Called while the command line is parsed. Put a feature's options in a group of their own
    (``parser.add_argument_group("my feature")``); their values reach ``commlint_check_start``
    and ``commlint_after_lint`` as ``run.options``. Built-in ``--fix``, ``--density`` and
    ``--accepted`` are added this way.
    """


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


# -- a check run ---------------------------------------------------------------------------


@hookspec
def commlint_check_start(run: CheckRun) -> None:
    """Called once ``commlint check``'s options are parsed, before any document is linted.

    Read your options from ``run.options``. Put configuration overrides the options imply in
    ``run.overrides`` (applied to every file's configuration), and set
    ``run.keep_documents = True`` when your ``commlint_after_lint`` reads the documents'
    prose views (a run that only reports lets each one go once linted). Raise
    ``commlint.errors.UsageError`` for an option value that cannot work: the run stops with
    that one line and exit code 2.
    """


@hookspec
def commlint_after_lint(run: CheckRun) -> None:
    """Called once every document is linted, before the report is written.

    ``run.report`` holds the results; replace it (or add to each result's ``extras``) to
    change what is reported and the exit code. Set ``run.write_report = False`` when this
    step wrote the run's output itself (fixed text on stdout, a diff). Steps run in hook
    order: density (``tryfirst``) measures what was linted, then plugins and ``--fix``, and
    accepted findings (``trylast``) are hidden from whatever is left.
    """


# -- reporting -----------------------------------------------------------------------------


@hookspec
def commlint_formatters() -> dict[str, Any]:
    """Return output formatters by name: ``fn(results, stream, options) -> None``."""
