"""Compiled rule patterns kept on disk, so a cold start does not re-parse every pattern.

The ``regex`` module parses and optimises a pattern in Python before handing a code list to
its C engine; for the built-in packs that is about two seconds, most of a pre-commit hook's
start. The first process to compile a pattern records what it handed to the engine; later
processes rebuild the same pattern object from that record in microseconds.

The engine trusts a code list completely (a changed integer can crash or hang it), and
nothing short of parsing the pattern again could check one. So a record is used only when:

- the folder and the file belong to this user and nobody else can write them;
- the CRC-32 of the file's index (every key, with where its entry lies in the file and,
  for a pattern, the flags it compiles with) and the exact ``regex`` build matches, and so
  does each entry's over its key and value, checked when the entry is first used (a rule
  pattern's when the engine first builds it: most are never run on a given draft; nothing
  is unmarshalled before its checksum);
- the rebuilt pattern has the source and at least the flags that were asked for.

The records of the built-in patterns are also prepared when the wheel is built
(commlint/matching/prepare.py) and shipped beside this module, read only: used on a miss in the user's
cache when that file and folder belong to the user or root and nobody else can write them,
and the file's checksum, keyed by the regex release and Python version, matches.

Anything else means the pattern is simply compiled (and the file rewritten). The checksums
catch damaged, truncated and stale files and entries moved or changed without their checksum;
no checksum kept beside the data (CRC-32 or SHA-256) can stop someone who can already write as
this user from recomputing it, so the cheap one is used (CRC-32 from ``zlib``: ~0.3 ms a MB,
and no OpenSSL to load, where ``hashlib``'s SHA-256 cost ~1 ms a MB and a 4-14 ms import on
every start); the folder's ownership is what keeps other users out. The cache holds rule patterns and facts derived
from commlint's own files (never document text or user configuration). It lives in
``$COMMLINT_CACHE_DIR`` or ``$XDG_CACHE_HOME/commlint`` (default ``~/.cache/commlint``);
``COMMLINT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import _thread  # threading.Lock itself, without the threading module (~1.5 ms of a start)
import atexit
import marshal
import os
import stat
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from zlib import crc32

import regex

from commlint.digest import sha256_hex

_LOCK = _thread.allocate_lock()
_FORMAT = 8  # 8: CRC-32 seals (7: SHA-256)
#: the engine's code words are 32-bit (``_regex.CODE_SIZE`` 4): kept in 4 bytes each, so the
#: records are half the size to read and checksum on every start (a larger word fails to
#: convert, and that pattern is just not cached)
_CODE = "I" if array("I").itemsize == 4 else "L"
_MAGIC = b"commlint-pattern-cache\n"
_DIGEST = 4  # bytes of a seal (a CRC-32)
_PREPARED_MAGIC = b"commlint-prepared-patterns\n"
#: the patterns prepared when the wheel was built (commlint/matching/prepare.py), in commlint/_prepared
PREPARED = Path(__file__).resolve().parents[1] / "_prepared" / "patterns.marshal"

Key = tuple[str, int]
#: a record's bytes: a slice of the file it was read from, or made in this process
Blob = bytes | memoryview


def _engine() -> Any:
    """regex's C engine module, whose ``compile`` builds pattern objects from a record, or
    None if this regex release is laid out differently (then nothing is cached). Taken from
    ``sys.modules`` when ``commlint.startup.defer_regex`` loaded it without the package."""
    engine = sys.modules.get("regex._regex")
    if engine is None:
        try:
            import regex._main as main
        except ImportError:
            return None
        engine = getattr(main, "_regex", None)
    return engine if hasattr(engine, "compile") else None


def _release() -> str:
    """regex's ``__version__``, read from its source when the package has not been run (see
    ``commlint.startup.defer_regex``): the records are what this release's parser produced."""
    loaded = sys.modules.get("regex._main")
    if loaded is not None:
        return str(loaded.__version__)
    engine = sys.modules.get("regex._regex")
    try:
        source = Path(engine.__file__).with_name("_main.py").read_text("utf-8")  # type: ignore[union-attr, arg-type]
        start = source.index('\n__version__ = "') + 16
        return source[start : source.index('"', start)]
    except (AttributeError, TypeError, OSError, ValueError):
        return str(regex.__version__)


def _build_key() -> str:
    """Identifies the regex build: version, C extension file and Python version."""
    engine = _engine()
    where = getattr(engine, "__file__", "") or ""
    try:
        info = os.stat(where)
        stamp = f"{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        stamp = "?"
    raw = f"{_FORMAT}|{_release()}|{where}|{stamp}|{sys.version_info[:3]}"
    return sha256_hex(raw.encode())[:16]


def _portable_key() -> str:
    """Identifies what a prepared record depends on, without this machine's file paths: the
    regex release and its engine's code format, the Python version and byte order."""
    engine = _engine()
    raw = (
        f"{_FORMAT}|prepared|{_release()}|{getattr(engine, 'MAGIC', '?')}|{getattr(engine, 'CODE_SIZE', '?')}"
        f"|{sys.version_info[:2]}|{sys.byteorder}|{sys.maxunicode}"
    )
    return sha256_hex(raw.encode())[:16]


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


def owned_safely(info: os.stat_result) -> bool:
    """True if only the current user can change this file or folder: it is theirs and is
    not group- or world-writable. (Without POSIX owners, the per-user profile folder is
    what guards it.)"""
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _digest(*parts: bytes | memoryview) -> bytes:
    """The seal of ``parts``: a CRC-32 over each one's length and bytes (see the module's notes)."""
    crc = 0
    for part in parts:
        crc = crc32(len(part).to_bytes(8, "little"), crc)  # lengths first: no two splits check alike
        crc = crc32(part, crc)
    return crc.to_bytes(_DIGEST, "little")


def _key_digest(key: Key, content: Blob) -> bytes:
    # The key's own bytes, not its repr: a repr of the long rule patterns cost ~15 ms a start.
    return _digest(str(key[1]).encode(), key[0].encode("utf-8", "surrogatepass"), content)


def _seal(key: Key, content: bytes) -> bytes:
    """``content`` prefixed with a checksum of its key and itself."""
    return _key_digest(key, content) + content


def _unseal(key: Key, sealed: Any) -> Blob | None:
    """The content of a sealed entry, or None if it is not the one written under ``key``."""
    if not isinstance(sealed, (bytes, memoryview)) or len(sealed) < _DIGEST:
        return None
    content = sealed[_DIGEST:]
    return content if _key_digest(key, content) == sealed[:_DIGEST] else None


def installed_safely(info: os.stat_result) -> bool:
    """True if only the current user or the administrator can change this file or folder
    (where an installed package lives): theirs or root's, not group- or world-writable."""
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows
        return True
    return info.st_uid in (0, os.geteuid()) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(
    path: Path, build: Callable[[], str] | None = None, safe: Callable[[os.stat_result], bool] = owned_safely
) -> tuple[dict[Key, Blob], dict[Key, int]]:
    """The entries of the cache file and, from its index, the flags each pattern's record
    compiles with; none if it is missing, foreign or damaged."""
    magic = _MAGIC if build is None else _PREPARED_MAGIC
    try:
        if not safe(os.stat(path.parent)):
            return {}, {}
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())  # the file opened, not whatever the path names now
            if not stat.S_ISREG(info.st_mode) or not safe(info):
                return {}, {}
            raw = fh.read()
    except OSError:
        return {}, {}
    head = len(magic) + _DIGEST + 8
    if not raw.startswith(magic) or len(raw) < head:
        return {}, {}
    size = int.from_bytes(raw[head - 8 : head], "little")
    view = memoryview(raw)  # slices of it, not copies of the file
    index, values = view[head : head + size], view[head + size :]
    if len(index) != size or _digest((build or _build_key)().encode(), index) != raw[len(magic) : head - 8]:
        return {}, {}  # marshal is never handed bytes this code did not write
    try:
        data = marshal.loads(index)
    except (EOFError, ValueError, TypeError):
        return {}, {}
    if not isinstance(data, tuple):
        return {}, {}
    out: dict[Key, Blob] = {}
    flags: dict[Key, int] = {}
    end = len(values)
    for item in data:
        if not (isinstance(item, tuple) and len(item) == 4):
            return {}, {}
        k, at, length, built = item
        if not (isinstance(k, tuple) and len(k) == 2 and isinstance(k[0], str) and type(k[1]) is int):
            return {}, {}
        if type(at) is not int or type(length) is not int or not 0 <= at <= at + length <= end:
            return {}, {}
        if type(built) is not int:
            return {}, {}
        out[k] = values[at : at + length]  # still sealed: checked when it is used
        if built >= 0:
            flags[k] = built
    return out, flags


def _layout(entries: dict[Key, Any], flags: dict[Key, int] | None = None) -> tuple[bytes, bytes]:
    """(index, values) as a cache file holds them: the sealed entries one after another, and an
    index of each key with its entry's offset and length among them and, for a pattern, the
    flags its record compiles with (-1: not known). Only the index is read and checksummed as
    a whole when the file is opened; each entry is checked by its own seal when it is used, so
    a start does not hash or decode the records it does not need (a rule pattern's flags are
    known from the index, so its record waits until the engine builds it)."""
    flags = flags or {}
    parts, index, at = [], [], 0
    for key, sealed in entries.items():
        parts.append(bytes(sealed))
        index.append((key, at, len(sealed), flags.get(key, -1)))
        at += len(sealed)
    return marshal.dumps(tuple(index)), b"".join(parts)


def _file_bytes(magic: bytes, build_key: str, entries: dict[Key, Any], flags: dict[Key, int] | None = None) -> bytes:
    """A cache file: magic, the checksum of the build key and index, the index's length, the
    index, then the entries (see ``_layout``)."""
    index, values = _layout(entries, flags)
    return magic + _digest(build_key.encode(), index) + len(index).to_bytes(8, "little") + index + values


class PatternCache:
    """(pattern, flags) -> the arguments the regex engine needs to rebuild it, plus facts
    derived from patterns or commlint's own files (``remember``). Each value is kept sealed
    and marshalled, and checked and decoded only when asked for."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[Key, Blob] | None = None
        #: the flags each pattern record of ``_entries`` compiles with (from the file's index)
        self._flags: dict[Key, int] = {}
        self._dirty = False
        self._saver_registered = False
        self._used: set[Key] = set()
        self._prepared: dict[Key, Blob] | None = None
        self._prepared_flags: dict[Key, int] = {}

    def entries(self) -> dict[Key, Blob]:
        if self._entries is None:
            self._entries, self._flags = _read(self.path) if self.path is not None else ({}, {})
        return self._entries

    def prepared(self) -> dict[Key, Blob]:
        """The records prepared when commlint was built and installed (read on the first miss
        in the user's cache, so the first run after installing needs no compiling either)."""
        if self._prepared is None:
            if self.path is None:
                self._prepared = {}
            else:
                self._prepared, self._prepared_flags = _read(PREPARED, _portable_key, installed_safely)
        return self._prepared

    def _sealed(self, key: Key) -> tuple[Blob | None, int]:
        """The still sealed entry under ``key`` (the user's, else the prepared one) and the
        flags its index gives for it (-1: none given)."""
        sealed = self.entries().get(key)
        if sealed is not None:
            return sealed, self._flags.get(key, -1)
        sealed = self.prepared().get(key)
        return sealed, -1 if sealed is None else self._prepared_flags.get(key, -1)

    def _checked_record(self, key: Key, sealed: Blob, flags: int) -> list[Any] | None:
        """The engine's arguments of a pattern's sealed entry, checked now (a LazyPattern's first
        use); None if it is not what was written under ``key`` with those flags (the user's
        entry is then dropped, to be written again)."""
        with _LOCK:
            content = _unseal(key, sealed)
            args = None if content is None else _record(content, key[0], key[1])
            if args is not None and args[1] == flags:
                return args
            entries = self.entries()
            if entries.get(key) is sealed:
                del entries[key]
                self._flags.pop(key, None)
                self._dirty = True
            return None

    def _load(self, key: Key) -> Blob | None:
        """The checked content stored under ``key``; a bad entry is dropped (and rewritten)."""
        entries = self.entries()
        sealed = entries.get(key)
        if sealed is None:
            sealed = self.prepared().get(key)
            return None if sealed is None else _unseal(key, sealed)
        content = _unseal(key, sealed)
        if content is None:
            del entries[key]
            self._dirty = True
        return content

    def write_prepared(self, path: Path) -> int:
        """Write the records this process used as a prepared file (at build time); their count."""
        self.entries()
        # (a data file's digest under its place on this machine is of no use elsewhere; under
        # its size and CRC-32, "file-crc32:", it serves the first run after installing)
        keep = {
            k: v for k, v in (self._entries or {}).items() if k in self._used and not k[0].startswith("file-sha256:")
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_file_bytes(_PREPARED_MAGIC, _portable_key(), keep, self._flags))
        return len(keep)

    def _store(self, key: Key, value: Any) -> None:
        if self.path is None:
            return
        try:
            packed = marshal.dumps(value)
        except ValueError:
            return  # not marshallable: just not cached
        self.entries()[key] = _seal(key, packed)
        if key[1] != -1 and isinstance(value, tuple) and len(value) > 1 and type(value[1]) is int:
            self._flags[key] = value[1]  # a pattern's record: the flags it compiles with
        else:
            self._flags.pop(key, None)
        self._dirty = True
        if not self._saver_registered:
            atexit.register(self.save)
            self._saver_registered = True

    def compile(self, pattern: str, flags: int) -> regex.Pattern[str]:
        """``regex.compile(pattern, flags)``, from the cache when possible."""
        key = (pattern, int(flags))
        with _LOCK:
            self._used.add(key)
            stored = self._load(key)
            if stored is not None:
                rebuilt = _rebuild(stored, pattern, int(flags))
                if rebuilt is not None:
                    return rebuilt
                self.entries().pop(key, None)  # stale for this build: record it again
            compiled, recorded = _compile_recording(pattern, flags)
            if recorded is not None:
                self._store(key, recorded)
            return compiled

    def compile_later(self, pattern: str, flags: int) -> regex.Pattern[str]:
        """``compile(pattern, flags)``, built by the engine only when first used, if its
        record is at hand: the file's index gives the flags it compiles with, and the record
        itself is checked by its seal when the pattern is first used (most rule patterns are
        never run on a given draft); otherwise compiled now."""
        key = (pattern, int(flags))
        with _LOCK:
            sealed, built = self._sealed(key)
            if sealed is not None and built >= 0 and not key[1] & ~built:
                self._used.add(key)
                return cast("regex.Pattern[str]", LazyPattern(pattern, built, (self, key, sealed)))
            stored = self._load(key)
            args = None if stored is None else _record(stored, pattern, int(flags))
            if args is not None:
                self._used.add(key)
                return cast("regex.Pattern[str]", LazyPattern(pattern, args[1], args))
        return self.compile(pattern, flags)

    def remember(self, kind: str, text: str, compute: Callable[[str], Any]) -> Any:
        """``compute(text)``, kept in the cache under ``kind`` (unmarshallable values are
        recomputed each time)."""
        key = (f"{kind}:{text}", -1)
        with _LOCK:
            self._used.add(key)
            stored = self._load(key)
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
        edited packs and old analyses do not pile up. Nothing is written into a folder that
        another user could change."""
        if not self._dirty or self.path is None or self._entries is None:
            return
        if len(self._entries) > 2 * len(self._used) + 64:
            self._entries = {k: v for k, v in self._entries.items() if k in self._used}
            self._flags = {k: v for k, v in self._flags.items() if k in self._entries}
        folder = self.path.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not owned_safely(os.stat(folder)):
                return
            content = _file_bytes(_MAGIC, _build_key(), self._entries, self._flags)
            fd, tmp = _new_file(folder, ".patterns-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            self._dirty = False
        except (OSError, ValueError):
            pass


def _new_file(folder: Path, prefix: str) -> tuple[int, str]:
    """A new file of a random name in ``folder``, created for writing by this user alone (mode
    0600, never an existing file or a link): ``tempfile.mkstemp`` without importing
    ``tempfile``, whose imports (``shutil`` with ``bz2`` and ``lzma``, ``random``) cost the run
    that writes the cache, the first after installing among them, ~5-7 ms."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def _record(stored: Blob, pattern: str, flags: int) -> list[Any] | None:
    """The engine's arguments a checked record holds, if they are those of ``pattern``
    compiled with ``flags`` (at least)."""
    try:
        args = list(marshal.loads(stored))
    except (EOFError, ValueError, TypeError):
        return None
    if len(args) < 3 or args[0] != pattern or type(args[1]) is not int or flags & ~args[1]:
        return None
    if not isinstance(args[2], bytes):
        return None
    return args


def _build(args: list[Any]) -> regex.Pattern[str] | None:
    """The pattern object the engine builds from a record's arguments (None if it rejects them)."""
    try:
        args = list(args)
        code = array(_CODE)
        code.frombytes(args[2])
        args[2] = code.tolist()
        compiled: regex.Pattern[str] = _engine().compile(*args)
    except Exception:  # a record from another layout of the engine's arguments
        return None
    if compiled.pattern != args[0] or compiled.flags != args[1]:
        return None
    global _BUILT_TYPE
    _BUILT_TYPE = type(compiled)
    return compiled


#: the type of the pattern objects the engine built from records (regex.Pattern)
_BUILT_TYPE: type | None = None


def pattern_types() -> tuple[type, ...]:
    """``(regex.Pattern, LazyPattern)`` for ``isinstance``, without running the regex package
    when it has not run (see ``commlint.startup.defer_regex``): then every pattern object in
    the process was built here from a record."""
    if "regex._main" in sys.modules:
        return (regex.Pattern, LazyPattern)
    return (LazyPattern,) if _BUILT_TYPE is None else (_BUILT_TYPE, LazyPattern)


def _rebuild(stored: Blob, pattern: str, flags: int) -> regex.Pattern[str] | None:
    """The pattern object a checked record describes, or None if it does not describe
    ``pattern`` compiled with ``flags`` (or this engine rejects it)."""
    args = _record(stored, pattern, flags)
    return None if args is None else _build(args)


class LazyPattern:
    """A compiled pattern whose engine object is built on first use, from its checked record.

    A rule's big alternations are tried only where the word index finds a start for them, so
    on a single short document most are never run: building them all cost a cold check about
    40 ms, and checking their records' seals a few more. ``pattern`` and ``flags`` are the
    compiled pattern's (the flags from the cache file's checked index); every other attribute
    is the built pattern's. It compares and hashes as its text and flags.
    """

    # (a __dict__ too: each attribute read from the built pattern is kept there, so later
    # reads of ``search``, ``finditer``... cost what they cost on the pattern itself)
    __slots__ = ("__dict__", "_args", "_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int, args: list[Any] | tuple[PatternCache, Key, Blob]) -> None:
        self.pattern = pattern
        self.flags: int = flags
        #: the engine's arguments from a checked record, or (cache, key, sealed entry) to check
        self._args: list[Any] | tuple[PatternCache, Key, Blob] | None = args
        self._compiled: regex.Pattern[str] | None = None

    def compiled(self) -> regex.Pattern[str]:
        """The engine's pattern object (built now if it was not yet)."""
        done = self._compiled
        if done is None:
            args = self._args
            cache, asked = None, self.flags
            if isinstance(args, tuple):  # a sealed entry: check it now
                cache, key, sealed = args
                asked = key[1]
                args = cache._checked_record(key, sealed, self.flags)
            done = _build(args) if args is not None else None
            if done is None:  # the record does not check or build here after all: compile it
                done = (cache or _cache()).compile(self.pattern, asked)
            self._compiled, self._args = done, None
        return done

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.compiled(), name)
        if not name.startswith("__"):
            self.__dict__[name] = value  # the built pattern's: read there from now on
        return value

    def __hash__(self) -> int:
        return hash((LazyPattern, self.pattern, self.flags))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            return self.pattern == other.pattern and self.flags == other.flags
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self.compiled())

    def __reduce__(self) -> Any:
        return (compile, (self.pattern, self.flags))


def is_built(pattern: regex.Pattern[str]) -> bool:
    """False for a LazyPattern whose engine object is not built yet (using it builds it)."""
    return not isinstance(pattern, LazyPattern) or pattern._compiled is not None


def _compile_recording(pattern: str, flags: int) -> tuple[regex.Pattern[str], tuple[Any, ...] | None]:
    """Compile, capturing the engine-level arguments (None if regex served it from memory)."""
    engine = _engine()
    if engine is None:
        return regex.compile(pattern, flags), None
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
        args[2] = array(_CODE, args[2]).tobytes()  # the code list: bytes load ~10x faster
        packed = tuple(args)
        marshal.dumps(packed)
    except (ValueError, TypeError, OverflowError):
        return compiled, None
    if compiled.pattern != pattern or compiled.flags != args[1]:
        return compiled, None  # not the record of this pattern object: do not keep it
    return compiled, packed


_CACHE: PatternCache | None = None


def _cache() -> PatternCache:
    global _CACHE
    if _CACHE is None:
        _CACHE = PatternCache(cache_file())
    return _CACHE


def remember(kind: str, text: str, compute: Callable[[str], Any]) -> Any:
    """A derived fact about a pattern or one of commlint's own files, cached beside it."""
    return _cache().remember(kind, text, compute)


def file_digest(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes, remembered in the cache under the file's identity
    on disk: its absolute path, device, inode, size, and modification and change times in
    nanoseconds. Any write to the file changes its change time, which only the system clock
    sets, so a remembered digest is never that of other contents; a file not seen before (the
    first run after installing) is read, and its SHA-256 found by its size and CRC-32 (see
    ``_file_sha256``). For facts kept under a data file's checksum (``remember``) without
    reading a large file on every start."""
    info = os.stat(path)
    times = f"{info.st_mtime_ns}|{info.st_ctime_ns}"
    identity = f"{os.path.abspath(path)}|{info.st_dev}|{info.st_ino}|{info.st_size}|{times}"
    digest = remember("file-sha256", identity, lambda _: _file_sha256(path))
    return digest if _is_sha256_hex(digest) else _file_sha256(path)


#: a large data file is read and checked in pieces of this size (``_file_sha256``)
_CHUNK = 1 << 18


def _file_sha256(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes (``file_digest``), remembered under their size and
    CRC-32: the wheel's prepared records carry those of every data file a check digests
    (CMUdict's 3.6 MB, the packs, the prefilter's source), so the first run after installing
    reads each file and checks its CRC-32 (~0.3 ms a MB) instead of loading OpenSSL and hashing
    it (a 4-14 ms import, then ~1 ms a MB). The CRC-32 and size are what catch a changed file
    here, as the cache's seals do (see the module's notes); a file whose size and CRC-32 are not
    known is hashed, by ``hashlib``: imported only then (OpenSSL hashes a large data file ~10x
    faster than the built-in module). A large file is read in pieces into one buffer: reading
    it whole made a fresh process map, fault in and zero ~900 new pages for CMUdict alone
    (~2.5 ms of the first run)."""
    with open(path, "rb", buffering=0) as fh:
        if os.fstat(fh.fileno()).st_size <= _CHUNK:
            data = fh.read()
            size, crc = len(data), crc32(data)
        else:
            buffer = bytearray(_CHUNK)
            view = memoryview(buffer)
            size = crc = 0
            while n := fh.readinto(buffer):
                crc = crc32(view[:n], crc)
                size += n
    try:
        digest = remember("file-crc32", f"{size}:{crc:08x}", lambda _: _sha256_if_unchanged(path, size, crc))
    except _Changed:  # nothing is remembered under a size and CRC-32 the file no longer has
        return _sha256_hex(Path(path).read_bytes())
    return digest if _is_sha256_hex(digest) else _sha256_hex(Path(path).read_bytes())


class _Changed(Exception):
    """The file was written between two reads."""


def _sha256_if_unchanged(path: Path, size: int, crc: int) -> str:
    """The SHA-256 (hex) of the file whose ``size`` and CRC-32 ``crc`` were just read; raises
    _Changed if it no longer has them (written meanwhile)."""
    data = Path(path).read_bytes()
    if len(data) != size or crc32(data) != crc:
        raise _Changed(path)
    return _sha256_hex(data)


def _sha256_hex(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _is_sha256_hex(value: object) -> bool:
    """True for a SHA-256 in lower-case hex, as ``hexdigest()`` gives it."""
    return isinstance(value, str) and len(value) == 64 and not value.strip("0123456789abcdef")


def compile_later(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``compile``, with the engine's object built when the pattern is first used (see
    LazyPattern): for rule patterns, most of which one document never runs."""
    return _cache().compile_later(pattern, flags)


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:  # noqa: A001 - mirrors regex.compile
    """``regex.compile`` through the process-wide on-disk cache (module-level patterns too:
    regex's pure-Python parser costs about 1 ms a pattern, on every start). A pattern whose
    record is in the cache is built by the engine on first use (see ``LazyPattern``): a
    check of one file uses about 60 of the 180 module-level patterns it imports, and building
    the rest cost ~12 ms of every cold start."""
    return _cache().compile_later(pattern, flags)
