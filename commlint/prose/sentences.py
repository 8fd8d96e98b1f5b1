"""Sentence, paragraph and word boundaries over the prose view.

Tokenisation (documented in docs/density.md): a word is a run of letters, marks and digits,
with inner apostrophes or hyphens (``don't``, ``dual-use`` and ``GPT-4`` are one word each).
Punctuation, symbols and markup are not words.
"""

from __future__ import annotations

import re
from itertools import chain

from commlint.matching import regex_cache

_WORD = regex_cache.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’\-][\p{L}\p{M}\p{N}]+)*")
# A block break: "\n¶\n" from the built-in formats (see document.BLOCK_BREAK), or a blank line.
_PARA = regex_cache.compile(r"\n[ \t]*(?:\u00b6[ \t]*)?\n")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a likely start.
# U+FFFC (code, an image) may start a sentence too: "Done. `commlint` runs next."
_END = regex_cache.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[\p{Lu}\p{N}\ufffc])|[.!?…]+[\"'”’)\]]*$")
_ABBREV = frozenset(
    """mr mrs ms dr prof sr jr st inc ltd co corp vs etc e.g i.e u.s u.k u.n no fig al approx
    dept est gov jan feb mar apr jun jul aug sep sept oct nov dec""".split()  # noqa: SIM905
)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the words in ``text``."""
    if _plain_classes(text):
        return [m.span() for m in _FAST_WORD.finditer(text)]
    return [m.span() for m in _WORD.finditer(text)]


def count_words(text: str) -> int:
    """``len(word_spans(text))``, without making the spans."""
    if _plain_classes(text):
        return len(_FAST_WORD.findall(text))
    return len(word_spans(text))


#: _WORD for a text without marks, in the standard library's engine (about twice as fast):
#: there ``[\p{L}\p{N}]`` and ``[\p{L}\p{M}\p{N}]`` are one class, letters and digits
_FAST_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_ALNUM = re.compile(r"[^\W_]")
#: non-ASCII character -> it is no mark, and both engines agree whether it is a letter or digit
_PLAIN: dict[str, bool] = {}


def _plain_classes(text: str) -> bool:
    """True when _FAST_WORD finds exactly _WORD's words in ``text``."""
    if text.isascii():
        return True
    for c in set(text):
        plain = _PLAIN.get(c)
        if plain is None:
            letter = _WORD.fullmatch(c) is not None
            plain = _PLAIN[c] = c.isascii() or letter == (_WORD.fullmatch("a" + c) is not None) == (
                _ALNUM.fullmatch(c) is not None
            )
        if not plain:
            return False
    return True


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of blocks separated by blank lines (block breaks in the prose view)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        if text[pos : m.start()].strip():
            spans.append(_trim(text, pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append(_trim(text, pos, len(text)))
    return spans


def split_sentences(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of sentences; a sentence never crosses a paragraph (block) boundary.
    ``paragraphs``: ``split_paragraphs(text)``, when the caller has it already.

    Sentence ends are what _END finds in each paragraph alone. They are searched for in the
    whole text at once, which finds the same ones: a match holds no whitespace, so it lies in
    one paragraph, and its lookahead reads the same characters unless it reaches the
    paragraph's end; there, alone, the ``$`` branch matches the same span instead, and where
    neither does the paragraph's rest (the same span) is its last sentence all the same.
    """
    paras = split_paragraphs(text) if paragraphs is None else paragraphs
    out: list[tuple[int, int]] = []
    if not paras:
        return out
    index, last = 0, len(paras) - 1
    p_start, p_end = paras[0]
    pos = p_start
    # After the last end, one past the text: the rest of its paragraph and every paragraph after.
    for dot, end in chain(_ends(text, p_start, paras[-1][1]), ((len(text), len(text) + 1),)):
        while dot >= p_end:  # the match is in a later paragraph: this one ends with its rest
            if text[pos:p_end].strip():
                out.append(_trim(text, pos, p_end))
            if index == last:
                break
            index += 1
            p_start, p_end = paras[index]
            pos = p_start
        if dot < p_start or end > p_end:
            continue  # not inside a paragraph (never, for paragraphs split_paragraphs found)
        before = text[dot - 1] if dot > p_start else ""
        maybe_word = before in _MAYBE_WORD or not before.isascii()
        if maybe_word and text[dot] == "." and _is_abbreviation(text, p_start, dot):
            continue
        if dot > pos and (before.isdigit() or before.isspace()) and _is_enumerator(text[pos:dot]):
            continue
        while text[pos].isspace():  # _trim: the end is punctuation, nothing to trim there
            pos += 1
        out.append((pos, end))
        pos = end
    return [s for s in out if s[1] > s[0]]


#: ASCII characters that, after a run of stops and closers and one space, settle _END's
#: lookahead: it holds before a capital or digit and fails before any other of these (none is
#: whitespace, an opening quote or bracket: what the lookahead could skip or take)
_STARTS_SENTENCE = {c: c.isupper() or c.isdigit() for c in map(chr, range(33, 127)) if c not in "\"'(["}
_CLOSERS = frozenset("\"'”’)]")


def _ends(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The spans of ``_END.finditer(text, start, stop)``, found without the engine's search
    over every character (its character-set test costs tens of instructions a character).

    _END matches a maximal run of stops and then of closers, or nothing there: a shorter run
    fails where the full one fails, its next character being the run's own. So the runs are
    found from where each stop is (``str.find``, in C), each is settled by what follows it
    (after one space, an ASCII character: _STARTS_SENTENCE; the block break that ends a
    paragraph: no match), and _END itself is asked only for the rest. A text with an ellipsis
    character is searched by _END as before."""
    if "…" in text:
        return [m.span() for m in _END.finditer(text, start, stop)]
    stops: list[int] = []
    for c in ".!?":
        at = text.find(c, start, stop)
        while at >= 0:
            stops.append(at)
            at = text.find(c, at + 1, stop)
    stops.sort()
    out: list[tuple[int, int]] = []
    after = start  # the end of the last run: a stop before it is inside that run
    settled = _STARTS_SENTENCE.get
    for dot in stops:
        if dot < after:
            continue
        end = dot + 1
        while end < stop and text[end] in ".!?":
            end += 1
        while end < stop and text[end] in _CLOSERS:
            end += 1
        after = end
        if end + 1 < stop:
            c = text[end]
            if c == " ":
                ok = settled(text[end + 1])
                if ok is not None:
                    if ok:
                        out.append((dot, end))
                    continue
            elif c == "\n" and text[end + 1] == "\u00b6":  # a block break: not before a sentence, not the end
                continue
        m = _END.match(text, dot, stop)
        if m:
            out.append(m.span())
    return out


#: the ASCII characters that may end _TRAILING_WORD's match before a full stop: a letter, a
#: dot, or a line break (``$`` matches before a final one)
_MAYBE_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n")


#: the letters and dots just before a full stop, searched backwards from it (a forward search
#: over the whole block before every full stop was quadratic in the paragraph's length)
_TRAILING_WORD = regex_cache.compile(r"(?r)([\p{L}.]+)$")


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial, reading the
    paragraph that starts at ``start``."""
    if text[dot] != ".":
        return False
    # The last space-separated token, when it is all ASCII letters and dots, is _TRAILING_WORD's
    # match (a cheaper way to the same run); anything else asks the pattern.
    token = text[text.rfind(" ", start, dot) + 1 or start : dot]
    if token and token.isascii() and (token.isalpha() or token.replace(".", "").isalpha()):
        word = token.lower().rstrip(".")
    else:
        m = _TRAILING_WORD.search(text, start, dot)
        if not m:
            return False
        word = m.group(1).lower().rstrip(".")
    # Single capital initials ("J. Smith") and known abbreviations do not end sentences.
    return word in _ABBREV or (len(word) == 1 and text[dot - 1].isupper())


def _is_enumerator(before: str) -> bool:
    """True for a list number standing alone before its full stop ("1." in "1. Scope"): it
    starts the sentence that follows, it is not a sentence of its own."""
    head = before.strip()
    return 0 < len(head) <= 3 and head.isdigit()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
