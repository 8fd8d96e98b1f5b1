"""Cooperative cancellation: a lint that is no longer wanted stops between two rules.

The language server lints on threads it may stop at any keystroke. Stopping a thread at an
arbitrary instruction could leave a cache shared by every lint (a lazily loaded pattern, the
learned layer's rows) half-updated, so the engine calls :func:`checkpoint` between rules and
the thread stops there, where no rule is running. A thread that never reaches one (a rule
that does not return) is stopped where it is, as a last resort (``commlint.lsp.jobs``).
"""

from __future__ import annotations

from _thread import get_ident  # not ``threading``: a command-line check never imports it
from collections.abc import Callable


class Cancelled(BaseException):
    """Raised inside a lint's thread to stop it. Not an Exception, so that no ``except
    Exception`` (the engine's per-rule one included) can swallow it."""


#: thread id -> "is this thread's lint still wanted?" (empty outside the language server)
_flags: dict[int, Callable[[], bool]] = {}


def stop_when(flag: Callable[[], bool]) -> None:
    """Make :func:`checkpoint` on this thread raise Cancelled once ``flag()`` is true."""
    _flags[get_ident()] = flag


def forget() -> None:
    """This thread's lint is over: drop its flag."""
    _flags.pop(get_ident(), None)


def checkpoint() -> None:
    """Raise Cancelled if this thread's lint is no longer wanted."""
    if _flags:
        flag = _flags.get(get_ident())
        if flag is not None and flag():
            raise Cancelled
