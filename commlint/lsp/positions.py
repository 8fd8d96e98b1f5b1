"""Character offsets <-> LSP positions, in whichever position encoding was negotiated.

commlint offsets index Python strings (code points). LSP positions count code units of the
negotiated encoding: UTF-16 by default (an astral-plane emoji is two units), UTF-8 (bytes)
or UTF-32 (code points) when both sides agree. Lines end at ``\\n``, ``\\r\\n`` or ``\\r``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from itertools import accumulate

from commlint.matching import regex_cache

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
#: the server's preference: UTF-32 is the identity on Python offsets, UTF-8 is cheap too
PREFERENCE = (UTF32, UTF8)

_EOL = regex_cache.compile(r"\r\n|\r|\n")


def choose_encoding(offered: Sequence[str] | None) -> str:
    """The encoding to use given the client's ``general.positionEncodings`` (UTF-16 if none fit)."""
    offered = [str(getattr(e, "value", e)) for e in (offered or ())]
    for want in PREFERENCE:
        if want in offered:
            return want
    return UTF16


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    # an astral-plane character is two UTF-16 units, any other (a lone surrogate too) one
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_index(line: str, count: int, encoding: str) -> int:
    """The character index in ``line`` that is ``count`` code units in (clamped to the line)."""
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    used = 0
    for index, char in enumerate(line):
        if used >= count:
            return index
        used += (
            1
            if encoding == UTF16 and ord(char) <= 0xFFFF
            else (2 if encoding == UTF16 else len(char.encode("utf-8", "surrogatepass")))
        )
    return len(line)


class PositionMap:
    """Converts between offsets into ``text`` and LSP (line, character) in ``encoding``."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        #: where each line starts, and where its content ends (before its line break)
        self.line_starts: list[int]
        self._content_ends: list[int]
        if "\r" in text:
            self.line_starts = [0] + [m.end() for m in _EOL.finditer(text)]
            self._content_ends = [m.start() for m in _EOL.finditer(text)] + [len(text)]
        else:  # the same from str.split, several times faster: built on every keystroke
            sizes = [len(line) + 1 for line in text.split("\n")]
            self.line_starts = [0, *accumulate(sizes)]
            self.line_starts.pop()
            self._content_ends = [start + size - 1 for start, size in zip(self.line_starts, sizes, strict=True)]

    def position(self, offset: int) -> tuple[int, int]:
        """The 0-based LSP (line, character) of a character offset (clamped to the text)."""
        # Comparisons, not min() and max(): this runs twice per diagnostic on every keystroke.
        if offset < 0:
            offset = 0
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        end = self._content_ends[line]
        if offset > end:
            offset = end  # past the text, or inside a "\r\n" pair: the end of the line's content
        piece = self.text[start:offset]
        return line, len(piece) if self.encoding == UTF32 or piece.isascii() else units(piece, self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The character offset of an LSP position; past-the-end lines/characters are clamped."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start, end = self.line_starts[line], self._content_ends[line]
        return start + _char_index(self.text[start:end], max(0, character), self.encoding)
