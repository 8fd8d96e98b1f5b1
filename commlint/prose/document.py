"""The prose view of a document: one string of prose and a map back to source offsets."""

from __future__ import annotations

import re
from bisect import bisect_right

from commlint.native import mypyc_attr
from commlint.source.decode import Source

#: Separator emitted between blocks (paragraphs, headings, list items, cells). The pilcrow
#: keeps a pattern's ``\s+`` from running from one block into the next.
BLOCK_BREAK = "\n\u00b6\n"
#: Stands in the prose for something visible that is not prose (inline code, an image, a URL):
#: neither a word nor whitespace, so "bad `x` actors" never reads as "bad actors".
PLACEHOLDER = "\ufffc"
#: one whitespace character: ``re`` reads ``\s`` as ``str.isspace`` does, character for character
_WHITESPACE = re.compile(r"\s")


# Subclassed outside this module (formats.markdown._Shifted), compiled or not.
@mypyc_attr(allow_interpreted_subclasses=True)
class ProseBuilder:
    """Accumulates prose characters, each with the source span it came from.

    The map is kept as pieces, not per character: a piece is a run of prose characters that
    either came verbatim from consecutive source characters (character ``i`` of the piece from
    ``source[src + i]``) or all stand for one source span (a replacement: an entity, an escape,
    a block break). A paragraph's words and soft line breaks are one piece; Document reads
    offsets from the pieces and builds the per-character lists only when asked for them.
    """

    def __init__(self) -> None:
        self._chars: list[str] = []
        self._length = 0
        #: the pieces: prose offset of each piece's first character, its source start, and its
        #: source end for a replacement (-1 for verbatim characters)
        self._at: list[int] = []
        self._src: list[int] = []
        self._rep: list[int] = []
        #: source ranges of code (blocks and spans): not prose, and no directives live there
        self.code_ranges: list[tuple[int, int]] = []

    def code(self, start: int, end: int) -> None:
        """Record that source[start:end] is code (a directive shown there is not obeyed)."""
        self.code_ranges.append((start, end))

    def text(self, source_text: str, start: int, end: int | None = None) -> None:
        """Emit source characters ``source_text`` found at ``start`` verbatim, or, with ``end``,
        a replacement: every character of ``source_text`` maps to the whole of source[start:end]."""
        self._chars.append(source_text)
        n = len(source_text)
        if not n:
            return
        at = self._length
        self._length = at + n
        rep = self._rep
        if end is None or n == 1 and end == start + 1:  # verbatim (one character for one: the same)
            if rep and rep[-1] < 0 and self._src[-1] + at - self._at[-1] == start:
                return  # continues the last piece
            end = -1
        elif rep and rep[-1] == end and self._src[-1] == start:
            return  # the same span as the last piece
        self._at.append(at)
        self._src.append(start)
        rep.append(end)

    def space(self, start: int, end: int) -> None:
        """Emit one space standing for source[start:end] (a soft break, a removed token)."""
        if self.ends_with_space():
            return
        self.text(" ", start, end)

    def placeholder(self, start: int, end: int) -> None:
        """Emit PLACEHOLDER for source[start:end] (visible, but not prose)."""
        self.text(PLACEHOLDER, start, end)

    def ends_with_space(self) -> bool:
        """True when the prose so far ends in whitespace (or is empty)."""
        return not self._chars or self._chars[-1][-1:].isspace()

    def block_break(self, at: int) -> None:
        """End the current block so sentences and phrases never run across it."""
        if not self._chars:
            return
        joined_tail = self._chars[-1]
        if joined_tail.endswith(BLOCK_BREAK):
            return
        self.text(BLOCK_BREAK, at, at)

    def build(self, source: Source, fmt: str) -> Document:
        prose = "".join(self._chars)
        assert len(prose) == self._length
        doc = Document(source, fmt, prose, pieces=(self._at, self._src, self._rep))
        if self.code_ranges:
            doc.meta["code"] = list(self.code_ranges)
        return doc


# Subclassed outside this module (engine.result.ReleasedDocument, perhaps plugins).
@mypyc_attr(allow_interpreted_subclasses=True)
class Document:
    """A source plus its prose view. Rules only ever read ``prose``.

    ``starts[i]``/``ends[i]``: the source span prose character ``i`` came from. Documents built
    by a ProseBuilder keep that map as pieces: ``start_of``/``end_of``/``source_span`` read it
    there, and the per-character lists are made the first time ``starts`` or ``ends`` is read.
    """

    def __init__(
        self,
        source: Source,
        format: str,  # noqa: A002  (the field's name since the first release)
        prose: str,
        starts: list[int] | None = None,
        ends: list[int] | None = None,
        meta: dict[str, object] | None = None,
        *,
        pieces: tuple[list[int], list[int], list[int]] | None = None,
    ) -> None:
        if pieces is None and (starts is None or ends is None):
            raise TypeError("Document needs starts and ends (or a ProseBuilder's pieces)")
        self.source = source
        self.format = format
        self.prose = prose
        #: facts the format found; ``"code"``: source ranges of code blocks and spans.
        self.meta: dict[str, object] = {} if meta is None else meta
        self._starts = starts
        self._ends = ends
        self._pieces = pieces if starts is None else None
        # made on first use (sentences, paragraphs, words, sentence_index's starts): kept here, not by
        # cached_property, which needs an instance __dict__ a compiled (mypyc) class lacks
        self._sentences: list[tuple[int, int]] | None = None
        self._paragraphs: list[tuple[int, int]] | None = None
        self._words: list[tuple[int, int]] | None = None
        self._starts_of_sentences: list[int] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self.path!r}, format={self.format!r}, prose={self.prose!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Document)
        return (self.source, self.format, self.prose, self.starts, self.ends, self.meta) == (
            other.source,
            other.format,
            other.prose,
            other.starts,
            other.ends,
            other.meta,
        )

    @property
    def starts(self) -> list[int]:
        """Source start of each prose character."""
        if self._starts is None:
            self._materialize()
        assert self._starts is not None
        return self._starts

    @property
    def ends(self) -> list[int]:
        """Source end of each prose character."""
        if self._ends is None:
            self._materialize()
        assert self._ends is not None
        return self._ends

    def _materialize(self) -> None:
        self._starts, self._ends = self._offsets(0, self._length())

    def _length(self) -> int:
        """Number of prose characters the map covers."""
        return len(self.prose) if self._starts is None else len(self._starts)

    def _offsets(self, lo: int, hi: int) -> tuple[list[int], list[int]]:
        """(starts[lo:hi], ends[lo:hi]) for 0 <= lo <= hi <= the prose's length."""
        if self._starts is not None and self._ends is not None:
            return self._starts[lo:hi], self._ends[lo:hi]
        assert self._pieces is not None
        at, src, rep = self._pieces
        starts: list[int] = []
        ends: list[int] = []
        if hi <= lo:
            return starts, ends
        k = bisect_right(at, lo) - 1
        pos = lo
        last = len(at) - 1
        while pos < hi:
            stop = min(hi, at[k + 1]) if k < last else hi
            if rep[k] < 0:
                first = src[k] + pos - at[k]
                starts.extend(range(first, first + stop - pos))
                ends.extend(range(first + 1, first + stop - pos + 1))
            else:
                starts.extend([src[k]] * (stop - pos))
                ends.extend([rep[k]] * (stop - pos))
            pos = stop
            k += 1
        return starts, ends

    def _index(self, i: int) -> int:
        n = self._length()
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("prose offset out of range")
        return i

    def start_of(self, i: int) -> int:
        """``starts[i]``: where prose character ``i`` starts in the source."""
        if self._starts is not None:
            return self._starts[i]
        i = self._index(i)
        assert self._pieces is not None
        at, src, rep = self._pieces
        k = bisect_right(at, i) - 1
        return src[k] + i - at[k] if rep[k] < 0 else src[k]

    def end_of(self, i: int) -> int:
        """``ends[i]``: where prose character ``i`` ends in the source."""
        if self._ends is not None:
            return self._ends[i]
        i = self._index(i)
        assert self._pieces is not None
        at, src, rep = self._pieces
        k = bisect_right(at, i) - 1
        return src[k] + i - at[k] + 1 if rep[k] < 0 else rep[k]

    @property
    def path(self) -> str | None:
        return self.source.path

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a prose span [start, end) to a source span."""
        n = self._length()
        if not n:
            return 0, 0
        if end <= start:
            at = self.start_of(start) if start < n else self.end_of(-1)
            return at, at
        return self.start_of(start), self.end_of(end - 1)

    def is_contiguous(self, start: int, end: int) -> bool:
        """True when prose[start:end] is exactly the source text it maps to (safe to edit)."""
        s, e = self.source_span(start, end)
        if self.source.text[s:e] == self.prose[start:end]:
            return True
        # A soft line break ("totally\nsecure", prose "totally secure") is still safe to replace:
        # each prose character must stand for the same character, or whitespace for whitespace,
        # with no markup dropped in between.
        text, prose = self.source.text, self.prose
        starts, ends = self._offsets(start, end)  # starts[j] is the map's starts[start + j]
        if e - s == end - start and starts[1:] == ends[:-1]:
            # The characters' source pieces tile text[s:e] and are as many as its characters, so
            # each is one character unless one is empty (never allowed): then compare the two
            # strings with every whitespace character read as a space, in C.
            if any(map(int.__ge__, starts, ends)):
                return False
            return _WHITESPACE.sub(" ", text[s:e]) == _WHITESPACE.sub(" ", prose[start:end])
        for j in range(end - start):
            i = start + j
            piece = text[starts[j] : ends[j]]
            if piece != prose[i] and not (prose[i].isspace() and piece and piece.isspace()):
                return False
            if j + 1 < end - start and starts[j + 1] != ends[j]:
                return False
        return True

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            from commlint.prose.sentences import split_sentences

            self._sentences = split_sentences(self.prose, self.paragraphs)
        return self._sentences

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        if self._paragraphs is None:
            from commlint.prose.sentences import split_paragraphs

            self._paragraphs = split_paragraphs(self.prose)
        return self._paragraphs

    @property
    def words(self) -> list[tuple[int, int]]:
        if self._words is None:
            from commlint.prose.sentences import word_spans

            self._words = word_spans(self.prose)
        return self._words

    @property
    def word_count(self) -> int:
        if self._words is not None:
            return len(self._words)
        from commlint.prose.sentences import count_words

        return count_words(self.prose)

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing prose ``offset`` (or the nearest one before it)."""
        if self._starts_of_sentences is None:
            self._starts_of_sentences = [s for s, _ in self.sentences]
        i = bisect_right(self._starts_of_sentences, offset)
        return i - 1 if i else 0
