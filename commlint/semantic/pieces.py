"""Sentence features without heavy imports: word pieces and hashed word n-grams.

The learned layer scores a sentence as the mean of per-piece rows plus hashed word uni- and
bigrams (see docs/semantic.md). Training and checking use this one segmentation, so they
always agree; it is a greedy longest match over the embedding model's piece vocabulary
(SentencePiece's "▁word" convention), with UTF-8 byte pieces for anything unknown.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

from commlint import regex_cache

MARK = "\u2581"  # SentencePiece's word-start marker
#: longest piece tried; the vocabulary's longest useful pieces are shorter than this
MAX_PIECE = 18
#: longest chunk (characters between spaces) read: a 1 MB "word" is a paste, not prose
MAX_CHUNK = 64
HASH_BITS = 14

_WORDS = regex_cache.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
_CHUNKS = regex_cache.compile(r"\S+")


class PieceVocab:
    """Greedy longest-match segmentation over a fixed piece vocabulary (cached per chunk)."""

    def __init__(self, pieces: Sequence[str]) -> None:
        self.ids = {p: i for i, p in enumerate(pieces)}
        self._byte_ids = [self.ids.get(f"<0x{b:02X}>", 0) for b in range(256)]
        self._cache: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def encode(self, text: str) -> list[int]:
        """Piece ids of ``text`` (whitespace separates chunks; each chunk starts with ▁)."""
        out: list[int] = []
        cache = self._cache
        for chunk in _CHUNKS.findall(text):
            ids = cache.get(chunk)
            if ids is None:
                ids = cache[chunk] = self.segment(chunk)
                if len(cache) > 50_000:  # bounded: a long-lived LSP server sees many words
                    cache.clear()
            out.extend(ids)
        return out

    def segment(self, chunk: str) -> tuple[int, ...]:
        """Piece ids of one chunk (no spaces), uncached; a chunk is cut at MAX_CHUNK characters."""
        word = MARK + chunk[:MAX_CHUNK]
        whole = self.ids.get(word)  # most chunks are one piece: skip the search
        return (whole,) if whole is not None and len(word) <= MAX_PIECE else tuple(self._segment(word))

    def _segment(self, word: str) -> Iterator[int]:
        ids, i, n = self.ids, 0, len(word)
        while i < n:
            for j in range(min(n, i + MAX_PIECE), i, -1):
                found = ids.get(word[i:j])
                if found is not None:
                    yield found
                    i = j
                    break
            else:
                yield from (self._byte_ids[b] for b in word[i].encode("utf-8"))
                i += 1


def words_of(chunk: str) -> list[str]:
    """The normalised words of a text or of one chunk (lower case, one apostrophe)."""
    return [w.lower().replace("’", "'") for w in _WORDS.findall(chunk)]


def gram_bucket(gram: str, bits: int = HASH_BITS) -> int:
    """The hash bucket of one word or word pair (CRC-32: stable across runs and platforms)."""
    return zlib.crc32(gram.encode("utf-8")) & ((1 << bits) - 1)


def ngram_buckets(text: str, bits: int = HASH_BITS) -> list[int]:
    """Hash buckets of the word unigrams and bigrams of ``text``, one per occurrence.

    Occurrences, not a set: the checker then sums cached per-chunk rows without deduplicating
    (commlint.semantic.model), and training counts the same way.
    """
    words = words_of(text)
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return [gram_bucket(g, bits) for g in grams]
