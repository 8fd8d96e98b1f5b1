"""Compiled rule patterns kept on disk, so a cold start does not re-parse every pattern.

The ``regex`` module parses and optimises a pattern in Python before handing a code list to
its C engine; for the built-in packs that is ~100-200 ms, most of a pre-commit hook's start.
The first process to compile a pattern records what it handed to the engine; later
processes rebuild the same pattern object from that record in microseconds.

The cache holds rule patterns only (never document text), lives in
``$COMMLINT_CACHE_DIR`` or ``$XDG_CACHE_HOME/commlint`` (default ``~/.cache/commlint``),
is keyed by the exact ``regex`` build, and is written atomically. ``COMMLINT_NO_CACHE=1``
turns it off. Any problem reading or writing it means patterns are simply compiled.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
import threading
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex

_LOCK = threading.Lock()
_FORMAT = 3


def _engine() -> Any:
    """The module whose ``_regex.compile`` builds pattern objects, or None if this regex
    release is laid out differently (then nothing is cached)."""
    try:
        import regex._main as main
    except ImportError:
        return None
    return main if hasattr(getattr(main, "_regex", None), "compile") else None


def _build_key() -> str:
    """Identifies the regex build: version, C extension file and Python version."""
    engine = _engine()._regex
    where = getattr(engine, "__file__", "") or ""
    try:
        stat = os.stat(where)
        stamp = f"{stat.st_size}:{int(stat.st_mtime)}"
    except OSError:
        stamp = "?"
    raw = f"{_FORMAT}|{regex.__version__}|{where}|{stamp}|{sys.version_info[:3]}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def cache_file() -> Path | None:
    """Where the cache lives, or None when caching is off."""
    if os.environ.get("COMMLINT_NO_CACHE") or _engine() is None:
        return None
    base = os.environ.get("COMMLINT_CACHE_DIR")
    if base:
        folder = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        folder = (Path(xdg) if xdg else Path.home() / ".cache") / "commlint"
    return folder / f"patterns-{_build_key()}.marshal"


class PatternCache:
    """(pattern, flags) -> the arguments the regex engine needs to rebuild it, plus facts
    derived from patterns or rule files (``remember``). Each value is kept marshalled and
    decoded only when asked for, so loading the file stays cheap however much it holds."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[tuple[str, int], bytes] | None = None
        self._dirty = False
        self._saver_registered = False
        self._used: set[tuple[str, int]] = set()

    def entries(self) -> dict[tuple[str, int], bytes]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                try:
                    with open(self.path, "rb") as fh:
                        data = marshal.load(fh)
                    if isinstance(data, dict):
                        self._entries = data
                except (OSError, EOFError, ValueError, TypeError):
                    pass  # no cache yet, or an unreadable one: compile as usual
        return self._entries

    def _store(self, key: tuple[str, int], value: Any) -> None:
        if self.path is None:
            return
        try:
            packed = marshal.dumps(value)
        except ValueError:
            return  # not marshallable: just not cached
        self.entries()[key] = packed
        self._dirty = True
        if not self._saver_registered:
            atexit.register(self.save)
            self._saver_registered = True

    def compile(self, pattern: str, flags: int) -> regex.Pattern[str]:
        """``regex.compile(pattern, flags)``, from the cache when possible."""
        key = (pattern, int(flags))
        with _LOCK:
            self._used.add(key)
            entries = self.entries()
            stored = entries.get(key)
            if stored is not None:
                try:
                    compiled: regex.Pattern[str] = _engine()._regex.compile(*_unpack(marshal.loads(stored)))
                    return compiled
                except Exception:  # a stale or damaged entry: rebuild it
                    entries.pop(key, None)
            compiled, recorded = _compile_recording(pattern, flags)
            if recorded is not None:
                self._store(key, recorded)
            return compiled

    def remember(self, kind: str, text: str, compute: Callable[[str], Any]) -> Any:
        """``compute(text)``, kept in the cache under ``kind`` (unmarshallable values are
        recomputed each time)."""
        key = (f"{kind}:{text}", -1)
        with _LOCK:
            self._used.add(key)
            stored = self.entries().get(key)
            if stored is not None:
                try:
                    return marshal.loads(stored)
                except (EOFError, ValueError, TypeError):
                    pass
        value = compute(text)
        with _LOCK:
            self._store(key, value)
        return value

    def save(self) -> None:
        """Write the cache atomically if this process added to it (errors are ignored).

        Entries this process did not use are dropped once they outnumber the used ones, so
        edited packs and old analyses do not pile up."""
        if not self._dirty or self.path is None or self._entries is None:
            return
        if len(self._entries) > 2 * len(self._used) + 64:
            self._entries = {k: v for k, v in self._entries.items() if k in self._used}
        import tempfile

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".patterns-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    marshal.dump(self._entries, fh)
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            self._dirty = False
        except (OSError, ValueError):
            pass


def _compile_recording(pattern: str, flags: int) -> tuple[regex.Pattern[str], tuple[Any, ...] | None]:
    """Compile, capturing the engine-level arguments (None if regex served it from memory)."""
    main = _engine()
    if main is None:
        return regex.compile(pattern, flags), None
    engine = main._regex
    real = engine.compile
    seen: list[tuple[Any, ...]] = []

    def recording(*args: Any) -> Any:
        if args and args[0] == pattern and not seen:
            seen.append(args)
        return real(*args)

    engine.compile = recording
    try:
        compiled: regex.Pattern[str] = regex.compile(pattern, flags)
    finally:
        engine.compile = real
    if not seen:
        return compiled, None
    # Flags arrive as RegexFlag (an int subclass); marshal stores plain ints only.
    args: list[Any] = [int(a) if isinstance(a, int) and type(a) is not int else a for a in seen[0]]
    try:
        args[2] = array("q", args[2]).tobytes()  # the code list: bytes load ~10x faster
        packed = tuple(args)
        marshal.dumps(packed)
    except (ValueError, TypeError, OverflowError):
        return compiled, None
    return compiled, packed


def _unpack(stored: tuple[Any, ...]) -> tuple[Any, ...]:
    args = list(stored)
    code = array("q")
    code.frombytes(args[2])
    args[2] = code.tolist()
    return tuple(args)


_CACHE: PatternCache | None = None


def _cache() -> PatternCache:
    global _CACHE
    if _CACHE is None:
        _CACHE = PatternCache(cache_file())
    return _CACHE


def remember(kind: str, text: str, compute: Callable[[str], Any]) -> Any:
    """A derived fact about a pattern (e.g. its leading words), cached beside it."""
    return _cache().remember(kind, text, compute)


def compile(pattern: str, flags: int) -> regex.Pattern[str]:  # noqa: A001 - mirrors regex.compile
    """``regex.compile`` through the process-wide on-disk cache."""
    return _cache().compile(pattern, flags)
