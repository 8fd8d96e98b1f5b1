"""Cooperative cancellation: a lint that is no longer wanted stops between two rules.

The language server lints on threads it may stop at any keystroke. Stopping a thread at an
arbitrary instruction could leave a cache shared by every lint (a lazily loaded pattern, the
learned layer's rows) half-updated, so the engine calls :func:`checkpoint` between rules and
the thread stops there, where no rule is running. A thread that never reaches one (a rule
that does not return) is stopped where it is, as a last resort (``commlint.lsp.jobs``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(BaseException):
    """Raised inside a lint's thread to stop it. Not an Exception, so that no ``except
    Exception`` (the engine's per-rule one included) can swallow it."""


_local = threading.local()


def stop_when(flag: Callable[[], bool]) -> None:
    """Make :func:`checkpoint` on this thread raise Cancelled once ``flag()`` is true."""
    _local.flag = flag


def checkpoint() -> None:
    """Raise Cancelled if this thread's lint is no longer wanted."""
    flag = getattr(_local, "flag", None)
    if flag is not None and flag():
        raise Cancelled
