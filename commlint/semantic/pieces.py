"""Sentence features without heavy imports: word pieces and hashed word n-grams.

The learned layer scores a sentence as the mean of per-piece rows plus token uni- and bigrams
from a fixed list (see docs/semantic.md). Both read the same tokens (words and a few symbols), and
training and checking use this one module, so they always agree. Pieces come from a greedy
longest match over the embedding model's piece vocabulary (SentencePiece's "▁word"
convention), with UTF-8 byte pieces for anything unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from commlint.matching import regex_cache
from commlint.semantic.lookup import SortedLookup

MARK = "\u2581"  # SentencePiece's word-start marker
#: longest piece tried; the vocabulary's longest useful pieces are shorter than this
MAX_PIECE = 18
#: longest token read: a 1 MB "word" is a paste, not prose
MAX_TOKEN = 64
#: an n-gram needs this many training sentences to get a weight: unseen n-grams weigh nothing
MIN_GRAM_COUNT = 2

#: a sentence's tokens: words (with inner apostrophes and hyphens) and the symbols that carry
#: meaning in claims (100%, $5m, "safe?"); other punctuation is not read
_TOKENS = regex_cache.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*|[%$€£!?]")


#: punctuation that is never part of a token, stripped from a word's ends before the ASCII check
_EDGES = '.,;:()[]"“”'


def tokens(text: str) -> list[str]:
    """The tokens of ``text``, in order: both the piece features and the n-grams read these."""
    return word_tokens(text.split())


def word_tokens(words: Iterable[str]) -> list[str]:
    """The tokens of white-space-separated ``words``, in order.

    The same as ``_TOKENS.findall`` over the words (a token never spans white space), but most
    words are plain ASCII letters and digits, perhaps with a comma or full stop, and skip the regex.
    """
    out: list[str] = []
    add, more, findall = out.append, out.extend, _TOKENS.findall
    for word in words:
        if word.isalnum() and word.isascii():
            add(word)
            continue
        core = word.strip(_EDGES)
        if core.isalnum() and core.isascii():
            add(core)
        else:
            more(findall(word))
    return out


def normal(token: str) -> str:
    """A token as the n-gram features read it (lower case, one apostrophe)."""
    return token.lower().replace("’", "'")


class PieceVocab:
    """Greedy longest-match segmentation over a fixed piece vocabulary (cached per token in ``encode``)."""

    def __init__(self, pieces: Sequence[str] | SortedLookup[str]) -> None:
        """``pieces`` in id order (training), or a model's sorted look-up of piece to id (checking)."""
        if isinstance(pieces, SortedLookup):
            self._lookup = pieces
        else:
            self._lookup = SortedLookup.from_dict(dict(zip(pieces, range(len(pieces)), strict=True)))
        self._byte_ids: list[int] | None = None
        self._cache: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self._lookup)

    def encode(self, text: str) -> list[int]:
        """Piece ids of ``text``'s tokens (each token starts a word: ▁)."""
        out: list[int] = []
        cache = self._cache
        for token in tokens(text):
            ids = cache.get(token)
            if ids is None:
                ids = cache[token] = self.segment(token)
                if len(cache) > 50_000:  # bounded: a long-lived LSP server sees many words
                    cache.clear()
            out.extend(ids)
        return out

    def segment(self, token: str) -> tuple[int, ...]:
        """Piece ids of one token, uncached; a token is cut at MAX_TOKEN characters."""
        word = MARK + token[:MAX_TOKEN]
        get = self._lookup.getter(len(word))
        whole = get(word)  # most tokens are one piece: skip the search
        return (whole,) if whole is not None and len(word) <= MAX_PIECE else tuple(self._segment(word, get))

    def _segment(self, word: str, get: Callable[[str], int | None]) -> list[int]:
        out: list[int] = []
        i, n = 0, len(word)
        while i < n:
            j = i + MAX_PIECE
            if j > n:
                j = n
            found = get(word[i:j])
            while found is None and j > i + 1:  # longest piece first
                j -= 1
                found = get(word[i:j])
            if found is not None:
                out.append(found)
                i = j
            else:
                out.extend([self._byte_id(b) for b in word[i].encode("utf-8")])
                i += 1
        return out

    def _byte_id(self, byte: int) -> int:
        """The piece for one UTF-8 byte of a character the vocabulary has no piece for."""
        if self._byte_ids is None:
            find = self._lookup.find
            self._byte_ids = [find(f"<0x{b:02X}>") or 0 for b in range(256)]
        return self._byte_ids[byte]


def grams(text: str) -> list[str]:
    """The normalised token unigrams and bigrams of ``text``, one per occurrence."""
    words = [normal(t) for t in tokens(text)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
