"""Decoding documents: text plus the form it came in (BOM, newline style, final newline)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from commlint.errors import InputError

_BOM = "\ufeff"


@dataclass(frozen=True)
class Source:
    """A decoded document. Offsets everywhere in commlint index ``text`` (BOM removed)."""

    text: str
    path: str | None = None
    bom: bool = False
    newline: str = "\n"
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        object.__setattr__(self, "_line_starts", starts)

    @property
    def final_newline(self) -> bool:
        return self.text.endswith("\n")

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
        """Encode ``text`` (default: this source) back in the form this source was read in."""
        body = self.text if text is None else text
        return ((_BOM if self.bom else "") + body).encode("utf-8")


def decode(data: bytes, path: str | None = None) -> Source:
    """Decode UTF-8 bytes (with or without BOM). Any other encoding is an InputError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = path or "<stdin>"
        raise InputError(
            f"{where}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "commlint reads UTF-8 only, so re-save the file as UTF-8"
        ) from None
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    if "\x00" in text:
        raise InputError(f"{path or '<stdin>'}: looks like a binary file (contains NUL bytes)")
    newline = "\r\n" if "\r\n" in text else "\n"
    return Source(text=text, path=path, bom=bom, newline=newline)


def read_source(path: str | Path) -> Source:
    """Read and decode a file, turning OS errors into InputError."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory") from None
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return decode(data, str(path))
