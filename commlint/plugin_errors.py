"""Plugin failures: what a hook or rule that raised becomes (a CL901 finding), and where it goes.

A failure is caught where the plugin is called (``commlint.plugins.call_each``/``call_first``,
the engine's rule loop) and reported against the documents it affects, so one broken plugin
never stops the run or hides the other plugins' findings.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from commlint.engine.diagnostics import Diagnostic
from commlint.records import FrozenRecord, set_fields

RULE_ID, RULE_NAME = "CL901", "plugin-error"
SKIPPED = "its contribution was skipped"


class PluginFailure(FrozenRecord):
    """One plugin that raised (or answered nonsense) in one hook."""

    __slots__ = ("plugin", "hook", "error", "consequence")

    #: who failed: ``plugin 'acme' (commlint-acme 1.0.0)``, as pluggy names it, or ``rule pack 'x'``
    plugin: str
    #: the hook (``commlint_rules``), or ``the check of rule X (name)``
    hook: str
    #: ``ValueError: boom``
    error: str
    #: what commlint did about it (shown after the error)
    consequence: str

    def __init__(self, plugin: str, hook: str, error: str, consequence: str = SKIPPED) -> None:
        set_fields(self, plugin=plugin, hook=hook, error=error, consequence=consequence)

    @classmethod
    def from_exception(cls, plugin: str, hook: str, exc: BaseException, consequence: str = SKIPPED) -> PluginFailure:
        return cls(plugin, hook, describe(exc), consequence)

    @property
    def message(self) -> str:
        return f"{self.plugin} failed in {self.hook} and {self.consequence}: {self.error}"


def describe(exc: BaseException) -> str:
    """``ValueError: boom`` (the class alone when the message is empty)."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def as_diagnostic(failure: PluginFailure, path: str | None) -> Diagnostic:
    """The CL901 finding for ``failure``, about the whole document at ``path``."""
    return Diagnostic.internal(RULE_ID, RULE_NAME, failure.message, path, severity="error")


# Failures found deep inside a lint (a grammar backend asked from a suggestion) have no
# caller that could return them: they go to the innermost collector instead.
_collector: ContextVar[list[PluginFailure] | None] = ContextVar("commlint_plugin_failures", default=None)


@contextmanager
def collecting() -> Iterator[list[PluginFailure]]:
    """Collect the failures reported with :func:`report` inside the ``with`` block."""
    found: list[PluginFailure] = []
    token = _collector.set(found)
    try:
        yield found
    finally:
        _collector.reset(token)


def report(failures: Iterable[PluginFailure]) -> None:
    """Hand failures to the active collector; with none (``commlint rules``), warn on stderr."""
    found = _collector.get()
    for failure in failures:
        if found is not None:
            found.append(failure)
        else:
            sys.stderr.write(f"commlint: warning: {failure.message}\n")
