"""Fingerprints of findings that survive edits: what accepted findings, ``commlint diff`` and
SARIF's ``partialFingerprints`` match findings by.

A fingerprint is the rule id plus the finding's *text context* (the flagged words and up
to ``CONTEXT_WORDS`` words either side, within the same paragraph), read from the prose
view (so Markdown/HTML markup, URLs and code are not part of it) and lower-cased with
punctuation and whitespace dropped. Line numbers play no part, so inserting or
removing paragraphs elsewhere keeps a finding's fingerprint; rewording the flagged phrase
(or the words right next to it) makes a new finding.
"""

from __future__ import annotations

import bisect
from itertools import islice

import regex

from commlint.digest import sha256_hex
from commlint.engine.diagnostics import Diagnostic
from commlint.matching import regex_cache
from commlint.prose.document import PLACEHOLDER, Document
from commlint.records import FrozenRecord, set_fields

#: words of context kept on each side of the flagged text
CONTEXT_WORDS = 3

_WORD = regex_cache.compile(r"\w+(?:['’]\w+)*")
# A paragraph break: a block break of the prose view, or a line of nothing but whitespace.
_PARA_BREAK = regex_cache.compile(r"\n\u00b6\n|\n[ \t\r\f\v]*\n")


def _norm(words: list[str]) -> str:
    # casefold() and replace() read one character at a time: the same on the joined words
    return " ".join(words).casefold().replace("’", "'")


class Context(FrozenRecord):
    """The words around a finding: what its fingerprint is computed from."""

    __slots__ = ("before", "match", "after", "snippet")
    before: list[str]
    match: list[str]
    after: list[str]
    snippet: str

    def __init__(self, before: list[str], match: list[str], after: list[str], snippet: str) -> None:
        set_fields(self, before=before, match=match, after=after, snippet=snippet)

    def key(self) -> str:
        return "\x1f".join((_norm(self.before), _norm(self.match), _norm(self.after)))


class ContextIndex:
    """Paragraph bounds of one text, computed once for all its findings.

    ``text`` is a document's prose view and ``offsets`` its map from prose characters to
    source offsets (``Document.starts``); spans given to :meth:`context` are source spans.
    Without ``offsets`` the text is the source itself.
    """

    def __init__(self, text: str, offsets: list[int] | None = None) -> None:
        self.text = text
        self.offsets = offsets
        found = [m.span() for m in _PARA_BREAK.finditer(text)]
        self.breaks = found
        self._break_starts = [s for s, _ in found]
        self._break_ends = [e for _, e in found]

    def paragraph(self, start: int, end: int) -> tuple[int, int]:
        """(first, last) offsets of the paragraph around ``start..end``."""
        i = bisect.bisect_right(self._break_ends, start)
        first = self._break_ends[i - 1] if i else 0
        j = bisect.bisect_left(self._break_starts, end)
        last = self._break_starts[j] if j < len(self._break_starts) else len(self.text)
        return first, max(last, end)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """The text span of a source span (the prose characters that came from it)."""
        if self.offsets is None:
            return start, end
        return bisect.bisect_left(self.offsets, start), bisect.bisect_left(self.offsets, end)

    def context(self, src_start: int, src_end: int, words: int = CONTEXT_WORDS) -> Context:
        if src_start == src_end:  # a document-level finding: no text of its own
            return Context([], [], [], "(whole document)")
        start, end = self.to_text(src_start, src_end)
        first, last = self.paragraph(start, end)
        before_m = _last_words(self.text, first, start, words) if words else []
        after_m = list(islice(_WORD.finditer(self.text, end, last), words)) if words else []
        match = _WORD.findall(self.text, start, end)
        lo = before_m[0].start() if before_m else start
        hi = after_m[-1].end() if after_m else end
        marked = f"{self.text[lo:start]}[{self.text[start:end]}]{self.text[end:hi]}"
        snippet = " ".join(marked.replace(PLACEHOLDER, "…").split())
        return Context([m.group() for m in before_m], match, [m.group() for m in after_m], snippet)


def _last_words(text: str, first: int, start: int, words: int) -> list[regex.Match[str]]:
    """The last ``words`` words of ``text[first:start]``, as a scan from ``first`` finds them,
    read from a stretch just before ``start`` (a paragraph can be long, and a document has a
    finding in most of its paragraphs). A scan from just after a space or line break finds
    what the whole scan finds there: no word runs across either."""
    span = 64
    while start - span > first:
        lo = start - span
        cut = max(text.rfind(" ", first, lo), text.rfind("\n", first, lo))
        if cut < first:
            break
        found = list(_WORD.finditer(text, cut + 1, start))
        if len(found) >= words:
            return found[-words:]
        span *= 4
    return list(_WORD.finditer(text, first, start))[-words:]


def fingerprint(rule: str, context: Context) -> str:
    """A stable id of a finding: rule + normalised text context (no positions)."""
    digest = sha256_hex(f"{rule}\x1e{context.key()}".encode())
    return digest[:20]


def document_fingerprints(document: Document, diagnostics: list[Diagnostic]) -> list[tuple[Diagnostic, str, Context]]:
    """(diagnostic, fingerprint, context) for each of ``diagnostics``, found in ``document``."""
    index = ContextIndex(document.prose, document.starts)
    out = []
    for d in diagnostics:
        ctx = index.context(d.start, d.end) if d.scope != "document" else index.context(0, 0)
        out.append((d, fingerprint(d.rule, ctx), ctx))
    return out
