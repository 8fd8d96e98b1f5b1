"""The cyclic garbage collector during a command's start-up.

Starting a check allocates hundreds of thousands of objects that live as long as the process
(modules, rules, compiled patterns, the word index's tables): the collector's passes over
them during start-up free nothing and cost about 5% of a cold ``commlint check`` of one file.
``pause()`` turns it off for the start-up; ``resume()`` (once a linter is built, or when the
command ends) moves what was allocated so far out of its reach (``gc.freeze``) and turns it
back on, so the documents are collected as before and later passes skip the start-up heap.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Turn the collector off until ``resume()`` (a no-op if it is off already)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Undo ``pause()``: freeze what was allocated so far and turn the collector back on."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
