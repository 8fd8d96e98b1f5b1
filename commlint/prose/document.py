"""The prose view of a document: one string of prose and a map back to source offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from commlint.source.decode import Source

#: Separator emitted between blocks (paragraphs, headings, list items, cells). The pilcrow
#: keeps a pattern's ``\s+`` from running from one block into the next.
BLOCK_BREAK = "\n\u00b6\n"
#: Stands in the prose for something visible that is not prose (inline code, an image, a URL):
#: neither a word nor whitespace, so "bad `x` actors" never reads as "bad actors".
PLACEHOLDER = "\ufffc"
#: one whitespace character: ``re`` reads ``\s`` as ``str.isspace`` does, character for character
_WHITESPACE = re.compile(r"\s")


class ProseBuilder:
    """Accumulates prose characters, each with the source span it came from."""

    def __init__(self) -> None:
        self._chars: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        #: source ranges of code (blocks and spans): not prose, and no directives live there
        self.code_ranges: list[tuple[int, int]] = []

    def code(self, start: int, end: int) -> None:
        """Record that source[start:end] is code (a directive shown there is not obeyed)."""
        self.code_ranges.append((start, end))

    def text(self, source_text: str, start: int, end: int | None = None) -> None:
        """Emit source characters ``source_text`` found at ``start`` verbatim."""
        if end is None:
            self._chars.append(source_text)
            self._starts.extend(range(start, start + len(source_text)))
            self._ends.extend(range(start + 1, start + len(source_text) + 1))
        else:
            # A replacement (entity, escape, soft break): every char maps to the whole span.
            self._chars.append(source_text)
            self._starts.extend([start] * len(source_text))
            self._ends.extend([end] * len(source_text))

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
        assert len(prose) == len(self._starts)
        doc = Document(source=source, format=fmt, prose=prose, starts=self._starts, ends=self._ends)
        if self.code_ranges:
            doc.meta["code"] = list(self.code_ranges)
        return doc


@dataclass
class Document:
    """A source plus its prose view. Rules only ever read ``prose``."""

    source: Source
    format: str
    prose: str
    starts: list[int]
    ends: list[int]
    #: facts the format found; ``"code"``: source ranges of code blocks and spans.
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def path(self) -> str | None:
        return self.source.path

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a prose span [start, end) to a source span."""
        if not self.starts:
            return 0, 0
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else self.ends[-1]
            return at, at
        return self.starts[start], self.ends[end - 1]

    def is_contiguous(self, start: int, end: int) -> bool:
        """True when prose[start:end] is exactly the source text it maps to (safe to edit)."""
        s, e = self.source_span(start, end)
        if self.source.text[s:e] == self.prose[start:end]:
            return True
        # A soft line break ("totally\nsecure", prose "totally secure") is still safe to replace:
        # each prose character must stand for the same character, or whitespace for whitespace,
        # with no markup dropped in between.
        text, prose = self.source.text, self.prose
        starts, ends = self.starts, self.ends
        if e - s == end - start and starts[start + 1 : end] == ends[start : end - 1]:
            # The characters' source pieces tile text[s:e] and are as many as its characters, so
            # each is one character unless one is empty (never allowed): then compare the two
            # strings with every whitespace character read as a space, in C.
            if any(map(int.__ge__, starts[start:end], ends[start:end])):
                return False
            return _WHITESPACE.sub(" ", text[s:e]) == _WHITESPACE.sub(" ", prose[start:end])
        for i in range(start, end):
            piece = text[self.starts[i] : self.ends[i]]
            if piece != prose[i] and not (prose[i].isspace() and piece and piece.isspace()):
                return False
            if i + 1 < end and self.starts[i + 1] != self.ends[i]:
                return False
        return True

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        from commlint.prose.sentences import split_sentences

        return split_sentences(self.prose)

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        from commlint.prose.sentences import split_paragraphs

        return split_paragraphs(self.prose)

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        from commlint.prose.sentences import word_spans

        return word_spans(self.prose)

    @property
    def word_count(self) -> int:
        if "words" in self.__dict__:
            return len(self.words)
        from commlint.prose.sentences import count_words

        return count_words(self.prose)

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing prose ``offset`` (or the nearest one before it)."""
        import bisect

        starts = self._sentence_starts
        return max(0, bisect.bisect_right(starts, offset) - 1)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]
