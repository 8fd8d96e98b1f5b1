"""One lint in its own thread, which can be stopped: the language server's unit of work.

Each job runs on a daemon thread of its own, so a huge document never queues the others
behind it and an unfinished lint never holds the process open at exit.

``cancel()`` asks the job to stop at its next checkpoint: the engine calls
``commlint.engine.cancel.checkpoint`` between rules, where no cache shared with the other
lints is half-updated. Python cannot kill a thread, so for a rule that never returns there is
``force()``: it raises ``Cancelled`` inside the thread at its next Python instruction
(CPython's ``PyThreadState_SetAsyncExc``) wherever that is, so the server uses it only when a
lint has run past its budget or has not reached a checkpoint well after it was cancelled.
``Cancelled`` derives from BaseException so the engine's per-rule ``except Exception`` cannot
swallow it. (CPython 3.11 may skip the handlers of a ``try`` whose body opens with a
``while`` loop when such an exception arrives at the loop's jump back; commlint's lint code
has no such block, and ``with`` blocks are not affected.)
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from commlint.engine.cancel import Cancelled, forget, stop_when

__all__ = ["Cancelled", "Job"]

T = TypeVar("T")


def _set_async_exc(ident: int, exc: type[BaseException] | None) -> bool:
    """Raise ``exc`` in thread ``ident`` at its next instruction (None: clear a pending one)."""
    api = getattr(ctypes, "pythonapi", None)
    if api is None or not hasattr(api, "PyThreadState_SetAsyncExc"):
        return False  # not CPython: the job runs to its end and its result is dropped
    obj = ctypes.py_object(exc) if exc is not None else None
    return bool(api.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), obj) == 1)


class Job(Generic[T]):
    """``fn()`` on a daemon thread; ``future`` gets its result, exception, or is cancelled."""

    def __init__(self, fn: Callable[[], T], name: str) -> None:
        self.future: Future[T] = Future()
        self._fn = fn
        self._lock = threading.Lock()
        self._armed = False  # the thread is inside fn(): a Cancelled may be raised in it
        self._cancelled = False
        self._forced = False  # force() raised Cancelled in the thread
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Job[T]:
        self._thread.start()
        return self

    def cancel(self) -> bool:
        """Ask the job to stop at its next checkpoint (once); False when it had already been asked."""
        with self._lock:
            if self._cancelled:
                return False
            self._cancelled = True
            return True

    def force(self) -> None:
        """Stop a cancelled job that is still running wherever it is (a last resort: an
        instruction stopped half-way may leave a shared cache half-updated)."""
        with self._lock:
            if self._cancelled and self._armed and not self._forced and self._thread.ident is not None:
                self._forced = True
                _set_async_exc(self._thread.ident, Cancelled)

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _arm(self) -> None:
        with self._lock:
            if self._cancelled:
                raise Cancelled  # stopped before it started
            self._armed = True

    def _disarm(self) -> None:
        # After this no Cancelled can arrive: the flag stops new ones, the clear drops one
        # requested while fn() was returning.
        with self._lock:
            if self._armed:
                self._armed = False
                if self._forced and self._thread.ident is not None:
                    _set_async_exc(self._thread.ident, None)

    def _run(self) -> None:
        try:
            self._run_fn()
        finally:
            forget()

    def _run_fn(self) -> None:
        try:
            try:
                stop_when(lambda: self._cancelled)
                self._arm()
                value = self._fn()
            finally:
                self._disarm()
        except Cancelled:
            self._disarm()  # it may have arrived inside the first _disarm, before the flag
            self.future.cancel()
            return
        except BaseException as exc:  # the server reports it; the thread must not die silently
            self.future.set_exception(exc)
            return
        if self._cancelled:
            self.future.cancel()  # asked to stop as it finished: its result is not wanted
        else:
            self.future.set_result(value)
