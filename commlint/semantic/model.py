"""The learned sentence classifier at check time: a small table model, no numpy needed.

A sentence's logits are ``bias + mean(P[piece] for its pieces) + sum(H[bucket] for its word
n-grams)``. ``P`` is the classifier's embedding weights multiplied into the embedding
model's piece vectors at training time (``commlint.semantic.train``), so checking never loads
the 16 MB embedding matrix, numpy or a tokenizer library; the model file records which
embedding weights it was projected from.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import struct
import sys
import zlib
from _thread import RLock  # not ``threading``: a command-line check never imports it
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, chain, compress, count, islice, repeat
from operator import add, ge, is_, itemgetter, lt, mul, sub
from pathlib import Path
from typing import NamedTuple, cast

from commlint.errors import ConfigError
from commlint.semantic.lookup import LazyLines, SortedLookup
from commlint.semantic.pieces import PieceVocab, word_tokens

MODEL_JSON = "model.json"
MODEL_BIN = "model.bin"


#: Rows are stored and summed as packed integers: each category a signed fixed-point lane
#: (SCALE units per 1.0), so a sentence's sum is one C-level ``sum`` over its tokens instead of a
#: Python loop per category. Piece rows carry their piece count in one more lane above the
#: categories. Lane widths leave room for CHUNK rows of the largest value training may write
#: (``train.to_packed_rows`` checks); longer token lists are summed CHUNK tokens at a time.
SCALE = 1 << 16
PIECE_LANE_BYTES = 6
GRAM_LANE_BYTES = 4
CHUNK = 1024
#: how far below ``top_many``'s skip bar a text's bound on its logits must be for the logits to be
#: skipped: far wider than the rounding of the few float operations on logits of magnitude < 2**20
BOUND_MARGIN = 1e-6
#: half of a lane's range, added to every lane before reading (``TableModel._lanes``)
P_HALF, G_HALF = 1 << 47, 1 << 31
#: (``_lanes`` reads a piece lane as "HI" and an n-gram lane as "I": change it with the widths)


#: the word table is decoded whole once this fraction of its rows has been read one at a time:
#: reading a row alone costs about 2.5 us, decoding the table about 1.6 us a row, so by then the
#: reads have cost about what the decoding does (the ski-rental rule: never more than twice the best)
DECODE_AFTER = 0.6

#: most tokens (and token pairs) remembered: a long-lived LSP server sees many words
CACHE_SIZE = 50_000

#: most tokens of a word remembered in a pair of words (``TableModel._packed_sums``), and so
#: most words of a text summed from remembered pairs alone: no more than CHUNK tokens
PAIRED_TOKENS = 8
PAIRED_WORDS = CHUNK // PAIRED_TOKENS

_NONES = repeat(None)
_ONES = repeat(1)

#: stands between two texts' tokens in ``logits_many`` (no token is empty)
SEPARATOR = ""
_SEPARATED = (SEPARATOR,)
_SEPARATED_EACH = repeat(_SEPARATED)


class SentenceScore(NamedTuple):
    """The top risk category of one sentence, its probability and whether it passes the bar."""

    # (a named tuple, not a dataclass: a cold check builds this class, and a dataclass costs ~1 ms)
    category: str
    confidence: float
    flagged: bool
    risk: float  # all risk categories together: 1 - P(neutral)


class TableModel:
    """Scores sentences with the projected piece table and the hashed n-gram table."""

    def __init__(self, meta: dict[str, object], blob: bytes | mmap.mmap) -> None:
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])  # type: ignore[call-overload]
        self.thresholds: dict[str, float] = dict(meta["thresholds"])  # type: ignore[call-overload]
        #: the bar on all risk categories together (a sentence split between two is still risky)
        self.any_risk_bar = float(meta.get("any_risk_bar", 2.0))  # type: ignore[arg-type]
        self.bias: list[float] = list(meta["bias"])  # type: ignore[call-overload]
        k = len(self.labels)
        counts = {name: int(meta.get(name, 0)) for name in ("pieces", "grams", "unigrams", "bigrams", "words")}  # type: ignore[call-overload]
        n_pieces, n_grams, n_words = counts["pieces"], counts["grams"], counts["words"]
        n_uni, n_bi = counts["unigrams"], counts["bigrams"]
        if n_uni + n_bi != n_grams:
            raise ValueError("unigram and bigram counts do not add up to the n-gram count")
        layout = meta["layout"]
        if layout.get("row") != ROW_LAYOUT:  # type: ignore[attr-defined]
            raise ValueError(f"row layout {layout.get('row')!r} is not {ROW_LAYOUT!r}: rebuild the model")  # type: ignore[attr-defined]
        if layout.get("keys") != KEYS_LAYOUT:  # type: ignore[attr-defined]
            raise ValueError(f"key lists {layout.get('keys')!r} are not {KEYS_LAYOUT!r}: rebuild the model")  # type: ignore[attr-defined]
        self._k = k
        #: a token's row: its piece lanes (categories, then the count), then its n-gram lanes
        self._gram_shift = 8 * PIECE_LANE_BYTES * (k + 1)
        self._struct = struct.Struct("<" + "HI" * (k + 1) + "I" * k)
        # the signed reading of the same row; not named ``_signed``: compiled with mypyc, that
        # becomes the C field ``__signed``, a GCC keyword, and the C compile fails
        self._lane_struct = struct.Struct("<" + "Hi" * (k + 1) + "i" * k)
        self._flip = sum(1 << (48 * c + 47) for c in range(k + 1)) + sum(
            1 << (self._gram_shift + 32 * c + 31) for c in range(k)
        )
        self._bias_all = sum(P_HALF << (48 * c) for c in range(k + 1)) + sum(
            G_HALF << (self._gram_shift + 32 * c) for c in range(k)
        )
        self._p_size = PIECE_LANE_BYTES * (k + 1)
        self._g_size = GRAM_LANE_BYTES * k
        self._w_size = self._p_size + self._g_size
        self._w_half = 1 << (8 * self._w_size - 1)  # word rows are stored unsigned, offset by half their range
        sections = _Sections(blob)
        pieces_at = sections.skip(int(layout["pieces_bytes"]))  # type: ignore[index]
        unigrams_at = sections.skip(int(layout["unigrams_bytes"]))  # type: ignore[index]
        words = sections.lines(int(layout["words_bytes"]), n_words)  # type: ignore[index]
        self._p_off = sections.skip(n_pieces * self._p_size)
        self._g_off = sections.skip(n_grams * self._g_size)
        self._w_off = sections.skip(n_words * self._w_size)
        uni_ids = sections.ints(n_uni)
        bigram_keys = sections.ints(n_bi, wide=True)  # first word's unigram id * (n_grams + 1) + second's
        bigram_ids = sections.ints(n_bi)
        word_uni = sections.ints(n_words)
        # The piece and unigram lists are read line by line where a check needs them (most of a
        # text's tokens are in the word table): each line's start, so they are never split whole
        # unless a long-lived process asks enough (``lookup.LazyLines``).
        pieces = sections.lazy_lines(pieces_at, int(layout["pieces_bytes"]), n_pieces)  # type: ignore[index]
        unigrams = sections.lazy_lines(unigrams_at, int(layout["unigrams_bytes"]), n_uni)  # type: ignore[index]
        sections.end()
        self._blob = blob
        # The key lists are stored sorted, so a one-file check bisects them instead of building
        # dicts of 100,000 keys it looks a few hundred up in (``lookup.SortedLookup``).
        self.vocab = PieceVocab(SortedLookup(pieces, range(n_pieces)))
        #: n-gram ids: a token's unigram by its normal form; a pair by its two unigrams' ids
        #: as one integer (NO_GRAM, past every id, stands for a token that is not a unigram)
        self.NO_GRAM = n_grams
        self._base = n_grams + 1
        self._unigram_ids = SortedLookup(unigrams, uni_ids)
        self._bigram_ids = SortedLookup(bigram_keys, bigram_ids)
        #: the word table: tokens common in the training data, each with its whole row ready
        #: (what ``token_rows`` would compute) and its unigram's id: one look-up and one read
        self._word_ids = SortedLookup(words, range(n_words))
        self._word_unigram = word_uni
        self._neutral = self.labels.index("neutral")
        risky = [c for c in range(k) if c != self._neutral]
        if not risky:
            raise ValueError("no risk category besides neutral")
        #: getters of the risk categories' high piece halves and n-gram lanes in an unpacked sum,
        #: and their largest bias (``top_many``'s bound)
        self._risky_lanes = (
            _getter([2 * c + 1 for c in risky]),
            _getter([2 * k + 2 + c for c in risky]),
            max(self.bias[c] for c in risky),
        )
        #: the caches are shared by every lint of the process, and the language server lints
        #: documents on threads of their own: one thread updates them at a time (made once:
        #: clearing the caches, under it, must not replace it)
        self._lock = RLock()
        self._start_caches()

    def _start_caches(self) -> None:
        """Every cache as a newly loaded model has it: nothing read, nothing decoded."""
        #: the whole word table decoded, once this process has read enough of it row by row
        #: (``_learn``); until then a one-file check reads only the rows its text needs
        self._word_rows: dict[str, int] | None = None
        self._word_grams: dict[str, int] | None = None
        self._rows_read = 0
        #: per token: its packed row, and its unigram's id
        self._tokens: dict[str, int] = {SEPARATOR: 0}
        self._token_grams: dict[str, int] = {SEPARATOR: self.NO_GRAM}
        #: rows read so far, by piece id and by n-gram id (n-gram rows shifted above the piece lanes)
        self._piece_rows: dict[int, int] = {}
        self._gram_cache: dict[int, int] = {self.NO_GRAM: 0}
        #: once the n-gram table is decoded (``_decode_gram_table``): each token pair's row by its
        #: key, so a pair costs one look-up
        self._pair_rows: dict[int, int] | None = None
        #: until then: each token pair seen so far, by its key, with its row (0 for no bigram)
        self._pairs_seen: dict[int, int] = {}
        self._grams_read = 0
        self._pieces_read = 0
        self._pieces_decoded = False
        self._forget_words()

    def _forget_words(self) -> None:
        """Per white-space word seen: its packed row (its tokens' rows and the pairs inside it),
        its first token's unigram id, its last token's times the pair base, and for a word of
        other than one token its token count (SEPARATOR: none)."""
        self._word_memo: dict[str, int] = {SEPARATOR: 0}
        self._heads: dict[str, int] = {SEPARATOR: self.NO_GRAM}
        self._tails: dict[str, int] = {SEPARATOR: self.NO_GRAM * self._base}
        self._odd_words: dict[str, int] = {SEPARATOR: 0}
        #: words of no token (never in a remembered pair: the pairs skip them)
        self._silent_words: set[str] = {SEPARATOR}
        #: words of more than PAIRED_TOKENS tokens (never in a remembered pair)
        self._long_words: set[str] = set()
        #: both of those (``_pair_sums`` looks for either in one pass)
        self._special_words: set[str] = {SEPARATOR}
        #: (the word before, the word) -> the word's row plus the row of the token pair where the
        #: two meet (SEPARATOR before a text's first word)
        self._adjacent: dict[tuple[str, str], int] = {}
        #: whether texts were summed since the caches were last cleared: the first are summed token
        #: by token (``_token_sums``), and words and pairs are remembered from the second on
        self._summed = False

    def logits(self, text: str) -> list[float]:
        """``bias + mean(piece rows) + sum(n-gram rows)`` over the tokens of ``text``."""
        return self.logits_many([text.split()])[0]

    def logits_many(self, texts: Sequence[Sequence[str]]) -> list[list[float]]:
        """The logits of several texts, each given as its white-space-separated words."""
        bias, logits_of = self.bias, self._logits_of
        return [logits_of(chunks) if chunks else list(bias) for chunks in self._packed_sums(texts)]

    def _packed_sums(self, texts: Sequence[Sequence[str]]) -> list[list[int]]:
        with self._lock:
            try:
                return self._packed_sums_unlocked(texts)
            except BaseException:
                # The language server stops a runaway lint by raising inside its thread wherever
                # it is, which can leave the caches (or a table being decoded) half-updated.
                self._start_caches()
                raise

    def _packed_sums_unlocked(self, texts: Sequence[Sequence[str]]) -> list[list[int]]:
        """Each text's packed sum of token rows and token-pair rows, in chunks that fit the lanes
        (one chunk for prose, none for a text with no token).

        A process's first texts are summed token by token (``_token_sums``), its second word by
        word (``_word_sums``), and from then on by pairs of neighbouring words (``_pair_sums``).
        """
        if len(self._adjacent) > CACHE_SIZE:
            self.clear_caches()  # bounded: a long-lived LSP server sees many words
        if not self._adjacent:
            if not self._summed:  # a process's first texts: nothing remembered by word yet
                self._summed = True
                return self._token_sums(texts)
            return self._word_sums(texts)
        return self._pair_sums(texts)

    def _pair_sums(self, texts: Sequence[Sequence[str]]) -> list[list[int]]:
        """``_packed_sums`` by pairs of neighbouring words, all the texts in one pass.

        Each pair of neighbouring words (a text's first word after SEPARATOR) is remembered, by
        the two words, with the second word's row plus the row of the token pair where the two
        meet. The pairs not seen before are computed from the words' remembered rows
        (``_learn_words``: each new word read once) and remembered; a text is then a difference
        of prefix sums, in C over all the texts at once. Texts of more than PAIRED_WORDS words or
        with a word of more than PAIRED_TOKENS tokens are summed by ``_word_sums``.
        """
        if (
            len(self._word_memo) > CACHE_SIZE
            or len(self._tokens) > CACHE_SIZE
            or len(self._pairs_seen) > 4 * CACHE_SIZE
        ):
            self.clear_caches()  # bounded: a long-lived LSP server sees many words
            return self._word_sums(texts)
        given = texts
        special, silent, many = self._special_words, self._silent_words, self._long_words
        out: list[list[int]] = [[]] * len(texts)
        todo: Sequence[int] = range(len(texts))
        long: list[int] = []
        odd = not all(map(special.isdisjoint, texts))
        if odd:  # words of no token ("—"): the pairs remembered skip them
            texts = [t if silent.isdisjoint(t) else [w for w in t if w not in silent] for t in texts]
        if (odd and not all(map(many.isdisjoint, texts))) or max(map(len, texts), default=0) > PAIRED_WORDS:
            long = [i for i, t in enumerate(texts) if len(t) > PAIRED_WORDS or not many.isdisjoint(t)]
            todo = [i for i, t in enumerate(texts) if len(t) <= PAIRED_WORDS and many.isdisjoint(t)]
            rest, texts = texts, [texts[i] for i in todo]
        # The texts one after another, each followed by SEPARATOR (row 0): a pair of a word and
        # SEPARATOR has row 0, so one prefix sum serves every text.
        flat = list(chain.from_iterable(chain.from_iterable(zip(texts, _SEPARATED_EACH, strict=False))))
        adjacent, memo = self._adjacent, self._word_memo
        vals = list(map(adjacent.get, zip(chain(_SEPARATED, flat), flat, strict=False)))
        at = list(compress(count(), map(is_, vals, _NONES)))
        if at:  # pairs not seen before: the word's row and the row of the token pair where they meet
            words = list(map(flat.__getitem__, at))
            new = set(words).difference(memo)
            if new:
                self._learn_words(new)
                if not special.isdisjoint(new):  # a new word of no token or of many: plan again
                    return self._pair_sums(given)
            before = list(map(flat.__getitem__, map(sub, at, _ONES)))  # flat[-1] is SEPARATOR
            pairs = self._pair_rows_of(
                list(map(add, map(self._tails.__getitem__, before), map(self._heads.__getitem__, words)))
            )
            fresh = list(map(add, map(memo.__getitem__, words), pairs))
            for i, v in zip(at, fresh, strict=True):
                vals[i] = v
            adjacent.update(zip(zip(before, words, strict=True), fresh, strict=True))
        # Python integers do not overflow; only a decoded sum must fit its lanes: each word
        # remembered has at most PAIRED_TOKENS tokens, so a text of PAIRED_WORDS words at most CHUNK.
        cum = [0, *accumulate(cast("list[int]", vals))]  # each None filled in above
        a = 0
        for i, t in zip(todo, texts, strict=True):
            b = a + len(t)
            if b != a:
                out[i] = [cum[b] - cum[a]]
            a = b + 1  # past the separator
        if long:  # last: ``_word_sums`` may clear the caches this pass used
            for i, sums in zip(long, self._word_sums([rest[i] for i in long]), strict=True):
                out[i] = sums
        return out

    def _word_sums(self, texts: Sequence[Sequence[str]]) -> list[list[int]]:
        """``_packed_sums`` word by word: each distinct word is read once per process
        (``_learn_words``): its tokens' rows and the pairs inside it as one packed row, and its
        first and last tokens' unigram ids. A text is then its words' rows plus the rows of the
        pairs where two words meet, summed in C over all the texts at once."""
        if (
            len(self._word_memo) > CACHE_SIZE
            or len(self._tokens) > CACHE_SIZE
            or len(self._pairs_seen) > 4 * CACHE_SIZE
        ):
            self.clear_caches()  # bounded: a long-lived LSP server sees many words
        memo = self._word_memo
        seen = set(chain.from_iterable(texts))
        new = seen.difference(memo)
        if new:
            self._learn_words(new)
        odd = self._odd_words
        counts: list[int] | None = None
        if not odd.keys().isdisjoint(seen):  # a word of no token, or of several
            get, ones = odd.get, repeat(1)
            texts = [t if odd.keys().isdisjoint(t) else [w for w in t if get(w, 1)] for t in texts]
            counts = [sum(map(get, t, ones)) for t in texts]
        elif max(map(len, texts), default=0) > CHUNK:
            counts = list(map(len, texts))
        out: list[list[int]] = [[]] * len(texts)
        todo: Sequence[int] = range(len(texts))
        if counts is not None and max(counts, default=0) > CHUNK:  # a paste, not prose: token by token
            todo = [i for i, n in enumerate(counts) if n <= CHUNK]
            for i, n in enumerate(counts):
                if n > CHUNK:
                    out[i] = self._token_sums([texts[i]])[0]
            texts = [texts[i] for i in todo]
        # The texts one after another, each followed by SEPARATOR: its row is 0 and no pair with
        # it has a row, so a pair never joins two texts and one prefix sum serves them all.
        flat = list(chain.from_iterable(chain.from_iterable(zip(texts, repeat(_SEPARATED)))))
        heads = list(map(self._heads.__getitem__, flat))
        # Most token pairs were never trained on: a pair costs an addition and a look-up, and
        # only the pairs with a row are read. Each pair's row goes with the second word.
        pairs = self._pair_rows_of(list(map(add, map(self._tails.__getitem__, flat), islice(heads, 1, None))))
        vals = list(map(add, map(memo.__getitem__, flat), chain((0,), pairs)))
        # Remember each pair of neighbouring words (none of no token: they are not in ``flat``),
        # unless a word has more than PAIRED_TOKENS tokens (``_packed_sums`` bounds a text's tokens).
        pairs_of = zip(chain(_SEPARATED, flat), flat, strict=False)
        if self._long_words.isdisjoint(seen):
            self._adjacent.update(zip(pairs_of, vals, strict=False))
        else:
            many = self._long_words
            self._adjacent.update((k, v) for k, v in zip(pairs_of, vals, strict=False) if many.isdisjoint(k))
        # Python integers do not overflow; only a decoded sum must fit its lanes, hence CHUNK.
        cum = [0, *accumulate(vals)]
        a = 0
        for i, t in zip(todo, texts, strict=False):
            b = a + len(t)
            if b != a:
                out[i] = [cum[b] - cum[a]]
            a = b + 1  # past the separator
        return out

    def _learn_words(self, new: set[str]) -> None:
        """Remember each word's packed row (its tokens' rows and the pairs inside it), its first
        token's unigram id and its last's (times the pair base); words of other than one token also
        by their token count."""
        # Most words are plain ASCII letters and digits: their one token is the word (``word_tokens``)
        plain = list(filter(str.isascii, filter(str.isalnum, new)))
        words = list(new.difference(plain))
        per_word = [word_tokens((w,)) for w in words]
        need = set(chain(plain, chain.from_iterable(per_word))).difference(self._tokens)
        if need:
            self._learn(need)
        rows, grams, base = self._tokens, self._token_grams, self._base
        memo, heads, tails, odd = self._word_memo, self._heads, self._tails, self._odd_words
        memo.update(zip(plain, map(rows.__getitem__, plain), strict=False))
        uni = list(map(grams.__getitem__, plain))
        heads.update(zip(plain, uni, strict=False))
        tails.update(zip(plain, map(mul, uni, repeat(base)), strict=False))
        for w, toks in zip(words, per_word, strict=True):
            if len(toks) == 1:
                t = toks[0]
                memo[w] = rows[t]
                heads[w] = g = grams[t]
                tails[w] = g * base
                continue
            odd[w] = len(toks)
            if not toks:
                self._silent_words.add(w)
                self._special_words.add(w)
            if len(toks) > PAIRED_TOKENS:
                self._long_words.add(w)
                self._special_words.add(w)
            uni = [grams[t] for t in toks] or [self.NO_GRAM]
            inner = self._pair_rows_of(list(map(add, map(mul, uni, repeat(base)), islice(uni, 1, None))))
            memo[w] = sum(map(rows.__getitem__, toks)) + sum(inner)
            heads[w] = uni[0]
            tails[w] = uni[-1] * base

    def _pair_rows_of(self, keys: list[int]) -> Iterable[int]:
        """The rows of token pairs by their keys (0 where no bigram has a row)."""
        if self._pair_rows is not None:
            return map(self._pair_rows.get, keys, repeat(0))
        # Pairs seen before cost one look-up; a new pair is bisected once (a dict of every
        # bigram key would cost more to build than a few documents' new pairs to bisect).
        seen = self._pairs_seen
        fresh = list(set(keys).difference(seen))
        if fresh:
            seen.update(zip(fresh, self._gram_rows(self._bigram_ids.get_many(fresh, self.NO_GRAM)), strict=True))
        return map(seen.__getitem__, keys)

    def _token_sums(self, texts: Sequence[Sequence[str]]) -> list[list[int]]:
        """``_packed_sums`` token by token, nothing remembered by word: a process's first texts
        (a one-file check reads each of its few hundred words once or twice) and pastes.

        All the texts' tokens are looked up in one pass (each distinct token's and n-gram's row
        is read once and cached), and a text then costs a difference of prefix sums.
        """
        per_text = [word_tokens(words) for words in texts]
        # The texts one after another, each followed by SEPARATOR: its row is 0 and no token pair
        # with it has a row, so a pair never joins two texts and one prefix sum serves them all.
        flat = list(chain.from_iterable(chain.from_iterable(zip(per_text, repeat(_SEPARATED)))))
        new = set(flat).difference(self._tokens)
        if new:
            self._learn(new)
        # Most token pairs were never trained on: a pair costs two integer operations and a
        # look-up, and only the pairs with a row are read. Each pair's row goes with its second token.
        uni = list(map(self._token_grams.__getitem__, flat))
        pairs = self._pair_rows_of(list(map(add, map(mul, uni, repeat(self._base)), islice(uni, 1, None))))
        # Prefix sums: a text's sum is a difference of two, exact whatever the lanes (Python
        # integers do not overflow; only a decoded sum must fit its lanes, hence CHUNK).
        cum = [0, *accumulate(map(add, map(self._tokens.__getitem__, flat), chain((0,), pairs)))]
        out: list[list[int]] = []
        a = 0
        for toks in per_text:
            b = a + len(toks)
            out.append([cum[min(b, lo + CHUNK)] - cum[lo] for lo in range(a, b, CHUNK)])
            a = b + 1  # past the separator
        return out

    def _logits_of(self, chunks: list[int]) -> list[float]:
        """``bias + (n-gram lanes + piece lanes / piece count) / SCALE`` of one text's packed sum,
        given as one or more chunks that each fit the lanes."""
        if len(chunks) == 1:  # prose: the lanes decoded and combined in one pass
            # Half of each lane's range added, then each lane's top bit flipped: each lane holds its
            # value in two's complement with no borrow from the lane below, so one ``struct``
            # call reads them signed (a 48-bit lane as 16 unsigned and 32 signed bits).
            lanes = self._lane_struct
            u = lanes.unpack(((chunks[0] + self._bias_all) ^ self._flip).to_bytes(lanes.size, "little"))
            k2 = 2 * self._k
            n = u[k2] + (u[k2 + 1] << 16)
            return [
                bias + (g + (lo + (hi << 16)) / n) / SCALE
                for bias, lo, hi, g in zip(self.bias, u[0:k2:2], u[1:k2:2], u[k2 + 2 :], strict=False)
            ]
        # a paste: each chunk decoded (the fused path above is _lanes plus this line, for speed)
        parts = [self._lanes(c) for c in chunks]
        p = [sum(v) for v in zip(*(x[0] for x in parts), strict=True)]
        n = sum(x[1] for x in parts)
        g = [sum(v) for v in zip(*(x[2] for x in parts), strict=True)]
        return [bias + (gv + pv / n) / SCALE for bias, pv, gv in zip(self.bias, p, g, strict=True)]

    def _lanes(self, packed: int) -> tuple[list[int], int, list[int]]:
        """A sum of packed rows as its piece lanes, piece count and n-gram lanes.

        Adding half of each lane's range makes every lane non-negative, so no lane borrows from
        the next and one ``struct`` call reads them all (a 48-bit lane as 16 + 32 bits).
        """
        u = self._struct.unpack((packed + self._bias_all).to_bytes(self._struct.size, "little"))
        k = self._k
        pieces = [lo + (hi << 16) - P_HALF for lo, hi in zip(u[0 : 2 * k : 2], u[1 : 2 * k : 2], strict=True)]
        n = u[2 * k] + (u[2 * k + 1] << 16) - P_HALF
        return pieces, n, [v - G_HALF for v in u[2 * k + 2 :]]

    def _learn(self, new: set[str]) -> None:
        """Cache the packed rows of tokens not seen before: from the word table, else computed."""
        cache, grams = self._tokens, self._token_grams
        rest = list(new)
        # Once the word table is decoded it is part of the cache, so ``new`` holds no listed token.
        if self._word_rows is None:
            found = self._word_ids.get_many(rest, -1)
            ids = [i for i in found if i >= 0]
            if ids:
                listed = list(compress(rest, map(ge, found, repeat(0))))
                rest = list(compress(rest, map(lt, found, repeat(0))))
                rows = self._read(ids, self._w_size, self._w_off, signed=False)
                cache.update(zip(listed, map(sub, rows, repeat(self._w_half)), strict=True))
                grams.update(zip(listed, map(self._word_unigram.__getitem__, ids), strict=True))
                # Ski rental: a long-lived process (a folder, the API in a loop, the LSP) decodes the
                # whole table once it has paid about as much for rows read one by one.
                self._rows_read += len(ids)
                if self._rows_read > DECODE_AFTER * len(self._word_ids):
                    self._decode_word_table()
        if rest:
            uni = self.unigram_ids(rest)
            cache.update(zip(rest, self.token_rows(rest, uni), strict=True))
            grams.update(zip(rest, uni, strict=True))

    def _decode_word_table(self) -> None:
        """Every word-table row decoded into a dict, so a common token costs one look-up."""
        words = list(self._word_ids.keys)
        rows = self._read(list(range(len(words))), self._w_size, self._w_off, signed=False)
        self._word_rows = dict(zip(words, map(sub, rows, repeat(self._w_half)), strict=True))
        self._word_grams = dict(zip(words, self._word_unigram, strict=True))
        # The table's rows are the model's, not text seen: they stay in the cache from now on.
        self._tokens.update(self._word_rows)
        self._token_grams.update(self._word_grams)

    def unigram_ids(self, tokens: Sequence[str]) -> list[int]:
        """Each token's unigram n-gram id (by its lower-cased form), or NO_GRAM."""
        # str.lower(t): compiled, t.lower() would skip the final sigma rule (a different key)
        norms = [str.lower(t) for t in tokens]
        if "’" in "".join(norms):
            norms = [n.replace("’", "'") for n in norms]
        return self._unigram_ids.get_many(norms, self.NO_GRAM)

    def _read(self, ids: list[int], size: int, at: int, signed: bool) -> list[int]:
        """Rows ``ids`` of the table at ``at`` (``size`` bytes each) as integers."""
        blob, fb = self._blob, int.from_bytes
        if signed:
            return [fb(blob[s : s + size], "little", signed=True) for s in [at + i * size for i in ids]]
        return [fb(blob[s : s + size], "little") for s in [at + i * size for i in ids]]

    def token_rows(self, tokens: Sequence[str], unigrams: Sequence[int] | None = None) -> list[int]:
        """Each token's packed row, computed from the tables: its piece rows summed, with their
        count, and above them its unigram row. (Training fills the word table with these rows.)
        """
        segments = list(map(self.vocab.segment, tokens))
        pieces = self._piece_rows
        need = set(chain.from_iterable(segments)).difference(pieces)
        if need:
            ids = list(need)
            pieces.update(zip(ids, self._read(ids, self._p_size, self._p_off, signed=True), strict=True))
            self._pieces_read += len(ids)  # ski rental, as for the word table
            if self._pieces_read > DECODE_AFTER * len(self.vocab):
                self._decode_piece_table()
        rows = [sum(map(pieces.__getitem__, seg)) for seg in segments]
        grams = self._gram_rows(list(unigrams) if unigrams is not None else self.unigram_ids(tokens))
        return list(map(add, rows, grams))

    def _gram_rows(self, ids: list[int]) -> list[int]:
        """The rows of n-grams ``ids`` (0 for NO_GRAM), shifted above the piece lanes; each read once."""
        seen = self._gram_cache
        need = set(ids).difference(seen)
        if need:
            new = list(need)
            rows = self._read(new, self._g_size, self._g_off, signed=True)
            seen.update(zip(new, [r << self._gram_shift for r in rows], strict=True))
            self._grams_read += len(new)  # ski rental, as for the word table
            if self._grams_read > DECODE_AFTER * self.NO_GRAM:
                self._decode_gram_table()
        return list(map(seen.__getitem__, ids))

    def _decode_gram_table(self) -> None:
        """Every n-gram row decoded, and every token pair's row keyed by the pair: model data,
        kept when the caches of text seen are cleared."""
        shift = self._gram_shift
        rows = [r << shift for r in self._read(list(range(self.NO_GRAM)), self._g_size, self._g_off, signed=True)]
        self._gram_cache = dict(enumerate(rows))
        self._gram_cache[self.NO_GRAM] = 0
        pairs = self._bigram_ids
        self._pair_rows = dict(zip(pairs.keys, map(rows.__getitem__, pairs.values), strict=True))
        self._pairs_seen = {}

    def _decode_piece_table(self) -> None:
        """Every piece row decoded: model data, kept when the caches of text seen are cleared."""
        n = len(self.vocab)
        self._piece_rows = dict(enumerate(self._read(list(range(n)), self._p_size, self._p_off, signed=True)))
        self._pieces_decoded = True

    def prepare(self) -> None:
        """Decode every table now, as a long-lived process would after its first few hundred
        documents (about 0.2 s once): from then on a token, piece or pair costs one look-up."""
        with self._lock:
            try:
                self._prepare_unlocked()
            except BaseException:
                self._start_caches()  # as in _packed_sums
                raise

    def _prepare_unlocked(self) -> None:
        if self._word_rows is None:
            self._decode_word_table()
        if not self._pieces_decoded:
            self._decode_piece_table()
        if self._pair_rows is None:
            self._decode_gram_table()

    def clear_caches(self) -> None:
        """Forget every token and row seen (benchmarks use this to measure fresh text). Decoded
        tables are model data and stay."""
        with self._lock:
            self._clear_unlocked()

    def _clear_unlocked(self) -> None:
        self._tokens = {**(self._word_rows or {}), SEPARATOR: 0}
        self._token_grams = {**(self._word_grams or {}), SEPARATOR: self.NO_GRAM}
        if not self._pieces_decoded:
            self._piece_rows.clear()
        self._pairs_seen.clear()
        self._forget_words()
        if self._pair_rows is None:
            self._gram_cache.clear()
            self._gram_cache[self.NO_GRAM] = 0

    def probabilities(self, text: str) -> list[float]:
        return _softmax(self.logits(text))

    def score(self, text: str, thresholds: dict[str, float] | None = None) -> SentenceScore:
        """The most likely risk category (never "neutral") and whether it clears its threshold."""
        return self.score_many_words([text.split()], thresholds)[0]

    def score_many(self, texts: Sequence[str], thresholds: dict[str, float] | None = None) -> list[SentenceScore]:
        return self.score_many_words([t.split() for t in texts], thresholds)

    def score_many_words(
        self, texts: Sequence[Sequence[str]], thresholds: dict[str, float] | None = None
    ) -> list[SentenceScore]:
        """``score`` of several texts, each given as its white-space-separated words."""
        bars = {**self.thresholds, **(thresholds or {})}
        any_bar = self.any_risk_bar
        out = []
        for top in self.top_many(texts):  # (no floor: never None)
            assert top is not None
            label, p, risk = top
            out.append(SentenceScore(label, p, p >= bars[label] or risk >= any_bar, risk))
        return out

    def top_many(self, texts: Sequence[Sequence[str]], floor: float = 0.0) -> list[tuple[str, float, float] | None]:
        """Each text's most likely risk category (never "neutral"), its probability and the
        probability of all risk categories together (``score_many_words`` without the bars).

        None for a text whose risk is provably below ``floor``: with S the sum of
        exp(z - z_neutral) over the risk categories, risk = S / (1 + S) and S is at most their
        number times exp(max z - z_neutral), so the softmax is skipped when that is below floor's
        odds (less a margin far wider than the rounding).

        Most sentences are far below it, and are told apart before their logits are computed: a
        risk category's logit ``b + (g + p / n) / SCALE`` is at most the largest bias plus the
        largest n-gram lane plus the largest piece lane over the piece count (a piece lane is
        below its high 32 bits' value plus 65,536), so a text whose bound is below too (less
        BOUND_MARGIN) needs only its neutral logit.
        """
        labels, neutral_at, bias, logits_of = self.labels, self._neutral, self.bias, self._logits_of
        below = math.log(floor / (1.0 - floor) / (len(labels) - 1)) - 1e-6 if 0.0 < floor < 1.0 else -math.inf
        out: list[tuple[str, float, float] | None] = []
        unpack, size, bias_all, flip, k2 = (
            self._lane_struct.unpack,
            self._lane_struct.size,
            self._bias_all,
            self._flip,
            2 * self._k,
        )
        risky_hi, risky_g, top_bias = self._risky_lanes
        b_n, lo_n, hi_n, g_n = bias[neutral_at], 2 * neutral_at, 2 * neutral_at + 1, k2 + 2 + neutral_at
        bound_below = below - BOUND_MARGIN
        exp, inf = math.exp, math.inf
        for chunks in self._packed_sums(texts):
            if len(chunks) == 1:  # ``_logits_of``, inline
                u = unpack(((chunks[0] + bias_all) ^ flip).to_bytes(size, "little"))
                n = u[k2] + (u[k2 + 1] << 16)
                zn = b_n + (u[g_n] + (u[lo_n] + (u[hi_n] << 16)) / n) / SCALE  # as ``z[neutral_at]``
                if top_bias + (max(risky_g(u)) + ((max(risky_hi(u)) << 16) + 65535) / n) / SCALE - zn < bound_below:
                    out.append(None)
                    continue
                z = [
                    b + (g + (lo + (hi << 16)) / n) / SCALE
                    for b, lo, hi, g in zip(bias, u[0:k2:2], u[1:k2:2], u[k2 + 2 :], strict=False)
                ]
            else:
                z = logits_of(chunks) if chunks else list(bias)
            zn = z[neutral_at]
            z[neutral_at] = -inf
            if max(z) - zn < below:
                out.append(None)
                continue
            z[neutral_at] = zn
            top = max(z)
            e = list(map(exp, map(sub, z, repeat(top))))  # the softmax, normalised only where read
            total = sum(e)
            risk = 1.0 - e[neutral_at] / total
            e[neutral_at] = -1.0  # never the top risk category
            p = max(e)
            out.append((labels[e.index(p)], p / total, risk))
        return out


class _Sections:
    """Reads model.bin's sections in order: text lists, row tables (skipped, by offset), int32 arrays."""

    def __init__(self, blob: bytes | mmap.mmap) -> None:
        self.blob = blob
        self.at = 0

    def lines(self, size: int, count: int) -> list[str]:
        text = self.blob[self.at : self.at + size].decode("utf-8")
        self.at += size
        out = text.split("\n") if count else []
        if len(out) != count:
            raise ValueError(f"a list of {len(out)} entries where the metadata says {count}")
        return out

    def lazy_lines(self, start: int, size: int, count: int) -> LazyLines:
        """The list of ``count`` lines stored at ``start``, by the line offsets that come next."""
        offsets = self.ints(count + 1)
        if offsets[0] != 0 or offsets[-1] != (size + 1 if count else 0):
            raise ValueError("a list's line offsets do not match its size")
        return LazyLines(self.blob, start, offsets)

    def skip(self, size: int) -> int:
        start, self.at = self.at, self.at + size
        return start

    def ints(self, count: int, wide: bool = False) -> Sequence[int]:
        """``count`` little-endian int32s (int64s if ``wide``): a view of the file's bytes where
        the machine is little-endian (nothing copied), else a byte-swapped copy."""
        size = 8 if wide else 4
        end = self.at + size * count
        if end > len(self.blob):
            raise ValueError("an id array is cut short")
        out: Sequence[int]
        if sys.byteorder == "little":
            out = memoryview(self.blob)[self.at : end].cast("q" if wide else "i")
        else:  # stored little-endian
            out = array("q" if wide else "i")
            out.frombytes(self.blob[self.at : end])
            out.byteswap()
        if len(out) != count:
            raise ValueError("an id array is cut short")
        self.at = end
        return out

    def end(self) -> None:
        if self.at != len(self.blob):
            raise ValueError(f"model tables are {len(self.blob)} bytes, expected {self.at}")


#: how model.json names the row format this module reads
ROW_LAYOUT = (
    f"packed signed little-endian integers, 1/{SCALE} units: piece rows {PIECE_LANE_BYTES} bytes per lane "
    f"(categories, then the piece count), n-gram rows {GRAM_LANE_BYTES} bytes per lane; word rows a piece row "
    "and an n-gram row as one integer, stored unsigned, offset by half its range"
)


#: how model.json says the key lists are stored (``SortedLookup`` bisects them)
KEYS_LAYOUT = (
    "pieces (with their rows), unigrams, words and bigram keys each sorted; "
    "the piece and unigram lists' line offsets after the id arrays"
)


def _getter(at: list[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """The items at ``at`` of a sequence, always as a tuple (``itemgetter`` of one item gives it bare)."""
    get = itemgetter(*at)
    return get if len(at) > 1 else lambda u: (get(u),)


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    s = sum(e)
    return [v / s for v in e]


def pack_row(values: Sequence[int], lane_bytes: int) -> bytes:
    """Integer lane values as one packed row of signed ``lane_bytes``-byte lanes, lowest lane first."""
    bits = 8 * lane_bytes
    packed = sum(v << (bits * c) for c, v in enumerate(values))
    return packed.to_bytes(lane_bytes * len(values), "little", signed=True)


def _map_tables(path: Path) -> bytes | mmap.mmap:
    """The table file, mapped read-only where the platform allows it, else read whole.

    Mapping costs no copy: a one-file check touches each page once, for the checksum, and then
    reads a few hundred rows. Installers replace the file rather than rewrite it in place, so a
    long-lived process keeps reading the file it checked. (On Windows a mapped file cannot be
    replaced while mapped, so it is read.)
    """
    with open(path, "rb") as f:
        if os.name == "posix":
            try:
                return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (ValueError, OSError):  # an empty file, or a file system that cannot map
                pass
        return f.read()


def model_dir() -> Path:
    from commlint.rules.packs import builtin_rules_dir

    return builtin_rules_dir() / "semantic"


@lru_cache(maxsize=4)
def load_model(folder: str | None = None) -> TableModel:
    """Load (once per process) the model in ``folder`` (default: the one shipped in rules/).

    The table file is checked against the CRC-32 in model.json before use: a damaged, cut
    short or swapped file is an error, never a silent change in findings. (model.json also records
    the tables' SHA-256, for provenance; a checksum kept beside the file cannot stop someone who can
    rewrite both, so the cheaper one is checked at every start.)
    """
    base = Path(folder) if folder else model_dir()
    meta_path, bin_path = base / MODEL_JSON, base / MODEL_BIN
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        blob = _map_tables(bin_path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{meta_path}: cannot load the semantic model: {exc}") from None
    if zlib.crc32(blob) != meta.get("tables_crc32"):
        raise ConfigError(
            f"{bin_path}: checksum does not match {MODEL_JSON}; rebuild with `python -m commlint.semantic.train`"
        )
    try:
        return TableModel(meta, blob)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{meta_path}: malformed semantic model: {exc}") from None
