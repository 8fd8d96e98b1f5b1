"""Decoding documents: text plus the form it came in (BOM, newline style, final newline)."""

from __future__ import annotations

import bisect
import os
import stat
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import regex

from commlint.errors import InputError
from commlint.matching import regex_cache

_BOM = "\ufeff"
#: Files larger than this many bytes are refused unless the config's ``max-file-size`` says more.
#: 2 MiB of prose (a book's length) took 45 s of CPU and 280 MB to lint; 10 MiB had not finished
#: after six minutes of CPU and 1.1 GB, so the default stays well below that.
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
# "\r\n", a lone "\r" and "\n" each end a line, as in the LSP's position map.
_EOL = regex_cache.compile(r"\r\n?|\n")
# Control characters, lone surrogates (undecodable bytes in a file name) and bidi overrides
# would break a one-line error or recolour the terminal, so names show them escaped.
_UNPRINTABLE = regex_cache.compile(r"[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_name(path: str | Path) -> str:
    """A file name safe to print on one line: control characters shown as ``\\n``, ``\\x1b``."""
    return str(_UNPRINTABLE.sub(_escape, str(path)))


def _escape(m: regex.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True)
class Source:
    """A decoded document. Offsets everywhere in commlint index ``text`` (BOM removed)."""

    text: str
    path: str | None = None
    bom: bool = False
    newline: str = "\n"
    #: the file this text was taken from when it is not plain text (a .docx): it writes fixes back
    container: Any = field(default=None, repr=False, compare=False)
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        text = self.text
        if "\r" in text:
            starts = [0] + [m.end() for m in _EOL.finditer(text)]
        else:  # the common case: the lines' lengths from str.split, summed in C
            starts = [0, *accumulate([len(line) + 1 for line in text.split("\n")])]
            starts.pop()
        object.__setattr__(self, "_line_starts", starts)

    @property
    def final_newline(self) -> bool:
        return self.text.endswith(("\n", "\r"))

    @property
    def line_starts(self) -> list[int]:
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset) - 1 + 1

    def encode(self, text: str | None = None) -> bytes:
        """Encode ``text`` (default: this source) back in the form this source was read in.

        A source taken from a container (a .docx) is written back through it, which keeps the
        document's formatting or raises InputError saying why it cannot.
        """
        if self.container is not None:
            return bytes(self.container.encode(self.text if text is None else text))
        body = self.text if text is None else text
        return ((_BOM if self.bom else "") + body).encode("utf-8")


def decode(data: bytes, path: str | None = None) -> Source:
    """Decode UTF-8 bytes (with or without BOM). Any other encoding is an InputError."""
    where = display_name(path) if path else "<stdin>"
    wide = _wide_encoding(data)
    if wide:
        raise InputError(f"{where}: {wide} text is not supported; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "commlint reads UTF-8 only, so re-save the file as UTF-8"
        ) from None
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    if "\x00" in text:
        raise InputError(f"{where}: looks like a binary file (contains NUL bytes)")
    if "\r\n" in text:
        newline = "\r\n"
    elif "\r" in text and "\n" not in text:
        newline = "\r"  # classic Mac line endings: fixes keep them
    else:
        newline = "\n"
    return Source(text=text, path=path, bom=bom, newline=newline)


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),  # before UTF-16: the UTF-16 LE BOM is its prefix
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """The name "UTF-16" or "UTF-32" when ``data`` starts with their BOM or has their NUL-byte pattern.

    Without a BOM, mostly-Latin UTF-16 text has a NUL in every other byte (UTF-32: three in
    every four), always at the same positions; binary files scatter their NULs.
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    if b"\x00" not in head or len(head) < 4:
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        usable = head[: len(head) - len(head) % width]
        lanes = [usable[i::width] for i in range(width)]
        zero = [lane.count(0) / len(lane) for lane in lanes]
        # LE: the first byte of each unit carries the letter; BE: the last one does.
        for text_lane in (0, width - 1):
            others = [z for i, z in enumerate(zero) if i != text_lane]
            if zero[text_lane] < 0.1 and min(others) > 0.7:
                return name
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# O_NONBLOCK: should a FIFO slip past the stat check (swapped in between), opening it must
# not wait for a writer. Neither flag exists on Windows, where neither problem does either.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_source(path: str | Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Source:
    """Read and decode a regular UTF-8 file of at most ``max_size`` bytes; problems are InputErrors."""
    return decode(read_bytes(path, max_size), str(path))


def read_bytes(path: str | Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The bytes of a regular file of at most ``max_size`` bytes; problems are InputErrors.

    FIFOs, devices and sockets are refused before they are opened (reading one can block
    forever or never end), and the read itself is bounded, so a file that grows while it is
    read, or a size the file system misreports, cannot exhaust memory.
    """
    name = display_name(path)
    try:
        info = os.stat(path)  # follows symlinks: a link to /dev/zero is a device
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: {_kind(info.st_mode)}, not a regular file; only regular files are read")
        if info.st_size > max_size:
            raise InputError(f"{name}: file is {info.st_size} bytes, over max-file-size ({max_size})")
        fd = os.open(path, _OPEN_FLAGS)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputError(f"{name}: not a regular file; only regular files are read")
            data = _read_at_most(fd, max_size + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_size:
        raise InputError(f"{name}: file is over {max_size} bytes, over max-file-size ({max_size})")
    return data


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
