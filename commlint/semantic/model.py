"""The learned sentence classifier at check time: a small table model, no numpy needed.

A sentence's logits are ``bias + mean(P[piece] for its pieces) + sum(H[bucket] for its word
n-grams)``. ``P`` is the classifier's embedding weights multiplied into the embedding
model's piece vectors at training time (``commlint.semantic.train``), so checking never loads
the 16 MB embedding matrix, numpy or a tokenizer library; the model file records which
embedding weights it was projected from.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from commlint.errors import ConfigError
from commlint.semantic.pieces import MARK, MAX_PIECE, PieceVocab, word_tokens

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
#: half of a lane's range, added to every lane before reading (``TableModel._lanes``)
P_HALF, G_HALF = 1 << 47, 1 << 31
#: (``_lanes`` reads a piece lane as "HI" and an n-gram lane as "I": change it with the widths)


#: what one token adds to a sentence: one packed integer (its piece rows summed, their count,
#: and above them its unigram row) and its n-gram form; a plain tuple, as a NamedTuple costs a
#: Python call per new token
_Token = tuple[int, str]
#: most tokens (and token pairs) remembered: a long-lived LSP server sees many words
CACHE_SIZE = 50_000


@dataclass(slots=True)
class SentenceScore:
    """The top risk category of one sentence, its probability and whether it passes the bar."""

    category: str
    confidence: float
    flagged: bool
    risk: float  # all risk categories together: 1 - P(neutral)


class TableModel:
    """Scores sentences with the projected piece table and the hashed n-gram table."""

    def __init__(self, meta: dict[str, object], blob: bytes) -> None:
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])  # type: ignore[call-overload]
        self.thresholds: dict[str, float] = dict(meta["thresholds"])  # type: ignore[call-overload]
        #: the bar on all risk categories together (a sentence split between two is still risky)
        self.any_risk_bar = float(meta.get("any_risk_bar", 2.0))  # type: ignore[arg-type]
        self.bias: list[float] = list(meta["bias"])  # type: ignore[call-overload]
        k = len(self.labels)
        n_pieces = int(meta["pieces"])  # type: ignore[call-overload]
        n_grams = int(meta["grams"])  # type: ignore[call-overload]
        layout = meta["layout"]
        pieces_len = int(layout["pieces_bytes"])  # type: ignore[index]
        grams_len = int(layout["grams_bytes"])  # type: ignore[index]
        pieces = blob[:pieces_len].decode("utf-8").split("\n")
        grams = blob[pieces_len : pieces_len + grams_len].decode("utf-8").split("\n") if n_grams else []
        if len(pieces) != n_pieces or len(grams) != n_grams:
            raise ValueError("piece or n-gram count does not match the model's metadata")
        self.vocab = PieceVocab(pieces)
        self._k = k
        #: a token's row: its piece lanes (categories, then the count), then its n-gram lanes
        self._gram_shift = 8 * PIECE_LANE_BYTES * (k + 1)
        self._struct = struct.Struct("<" + "HI" * (k + 1) + "I" * k)
        self._bias_all = sum(P_HALF << (48 * c) for c in range(k + 1)) + sum(
            G_HALF << (self._gram_shift + 32 * c) for c in range(k)
        )
        self._p_size = PIECE_LANE_BYTES * (k + 1)
        self._g_size = GRAM_LANE_BYTES * k
        self._p_off = pieces_len + grams_len
        self._g_off = self._p_off + n_pieces * self._p_size
        expected = self._g_off + n_grams * self._g_size
        if len(blob) != expected:
            raise ValueError(f"model tables are {len(blob)} bytes, expected {expected}")
        row_layout = layout.get("row")  # type: ignore[attr-defined]
        if row_layout != ROW_LAYOUT:
            raise ValueError(f"row layout {row_layout!r} is not {ROW_LAYOUT!r}: rebuild the model")
        self._blob = blob
        self._gram_ids = {g: i for i, g in enumerate(grams)}
        self._neutral = self.labels.index("neutral")
        self._tokens: dict[str, _Token] = {}
        self._pairs: dict[tuple[str, str], int] = {}

    def logits(self, text: str) -> list[float]:
        """``bias + mean(piece rows) + sum(n-gram rows)`` over the tokens of ``text``."""
        return self.logits_many([text.split()])[0]

    def logits_many(self, texts: Sequence[Sequence[str]]) -> list[list[float]]:
        """The logits of several texts, each given as its white-space-separated words.

        All the texts' tokens are looked up in one pass: each distinct token's and token pair's
        packed row is read once and cached, and a text then costs two integer sums over slices.
        """
        per_text = [word_tokens(words) for words in texts]
        flat = [t for toks in per_text for t in toks]
        cache = self._tokens
        if len(cache) > CACHE_SIZE:  # bounded: a long-lived LSP server sees many words
            cache.clear()
            self._pairs.clear()
        found = list(map(cache.get, flat))
        if None in found:
            self._learn(list(dict.fromkeys(w for t, w in zip(found, flat, strict=True) if t is None)))
            found = list(map(cache.get, flat))
        rows = [t[0] for t in found]  # type: ignore[index]
        norms = [t[1] for t in found]  # type: ignore[index]
        # pairs are looked up as tuples of the tokens' normal forms, whose hashes are cached
        keys = list(zip(norms, norms[1:], strict=False))
        known = self._pairs
        pairs: list[int] = list(map(known.get, keys))  # type: ignore[arg-type]
        if None in pairs:
            new = list(dict.fromkeys(key for v, key in zip(pairs, keys, strict=True) if v is None))
            ids = list(map(self._gram_ids.get, map(" ".join, new)))  # most pairs were never trained on
            known.update(zip(new, [0 if i is None else self._gram_row(i) for i in ids], strict=True))
            pairs = list(map(known.__getitem__, keys))
        out: list[list[float]] = []
        k = self._k
        a = 0
        for toks in per_text:
            b = a + len(toks)
            if b == a:
                out.append(list(self.bias))
                continue
            # a text's pairs are those inside it: pairs[i] joins tokens i and i + 1
            if b - a <= CHUNK:
                p, n, g = self._lanes(sum(rows[a:b]) + sum(pairs[a : b - 1]))
            else:  # a paste, not prose: summed in chunks so no lane overflows
                p, n, g = [0] * k, 0, [0] * k
                for lo in range(a, b, CHUNK):
                    hi = min(b, lo + CHUNK)
                    cp, cn, cg = self._lanes(sum(rows[lo:hi]) + sum(pairs[lo : min(hi, b - 1)]))
                    p, n, g = (
                        [x + y for x, y in zip(p, cp, strict=True)],
                        n + cn,
                        [x + y for x, y in zip(g, cg, strict=True)],
                    )
            out.append([bias + (gv + pv / n) / SCALE for bias, pv, gv in zip(self.bias, p, g, strict=True)])
            a = b
        return out

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

    def _learn(self, new: list[str]) -> None:
        """Cache the packed rows of tokens not seen before, in one pass.

        A token's row is its piece rows summed, with their count, plus its unigram row packed
        above them. Most tokens are one piece of the vocabulary: one lookup, no segmentation.
        """
        vocab, segment = self.vocab.ids, self.vocab.segment
        blob, off, size = self._blob, self._p_off, self._p_size
        g_off, g_size, shift = self._g_off, self._g_size, self._gram_shift
        whole = list(map(vocab.get, [MARK + t for t in new]))
        norms = [t.lower() for t in new]
        if "’" in "".join(norms):
            norms = [n.replace("’", "'") for n in norms]
        grams = list(map(self._gram_ids.get, norms))
        cache = self._tokens
        for token, piece, norm, gram in zip(new, whole, norms, grams, strict=True):
            if piece is not None and len(token) < MAX_PIECE:  # as PieceVocab.segment's fast path
                at = off + piece * size
                row = int.from_bytes(blob[at : at + size], "little", signed=True)
            else:
                rows = [blob[off + i * size : off + (i + 1) * size] for i in segment(token)]
                row = sum([int.from_bytes(r, "little", signed=True) for r in rows])
            if gram is not None:
                at = g_off + gram * g_size
                row += int.from_bytes(blob[at : at + g_size], "little", signed=True) << shift
            cache[token] = (row, norm)

    def _gram_row(self, i: int) -> int:
        """N-gram ``i``'s row, packed above the piece lanes."""
        at = self._g_off + i * self._g_size
        return int.from_bytes(self._blob[at : at + self._g_size], "little", signed=True) << self._gram_shift

    def clear_caches(self) -> None:
        """Forget every token and pair seen (benchmarks use this to measure fresh text)."""
        self._tokens.clear()
        self._pairs.clear()

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
        labels, neutral_at, any_bar = self.labels, self._neutral, self.any_risk_bar
        out = []
        for z in self.logits_many(texts):
            probs = _softmax(z)
            neutral = probs[neutral_at]
            probs[neutral_at] = -1.0  # never the top risk category
            p = max(probs)
            label = labels[probs.index(p)]
            risk = 1.0 - neutral
            out.append(SentenceScore(label, p, p >= bars[label] or risk >= any_bar, risk))
        return out


#: how model.json names the row format this module reads
ROW_LAYOUT = (
    f"packed signed little-endian integers, 1/{SCALE} units: piece rows {PIECE_LANE_BYTES} bytes per lane "
    f"(categories, then the piece count), n-gram rows {GRAM_LANE_BYTES} bytes per lane"
)


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


def model_dir() -> Path:
    from commlint.rules.packs import builtin_rules_dir

    return builtin_rules_dir() / "semantic"


@lru_cache(maxsize=4)
def load_model(folder: str | None = None) -> TableModel:
    """Load (once per process) the model in ``folder`` (default: the one shipped in rules/).

    The table file is checked against the checksum in model.json before use: a damaged or
    swapped file is an error, never a silent change in findings.
    """
    base = Path(folder) if folder else model_dir()
    meta_path, bin_path = base / MODEL_JSON, base / MODEL_BIN
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        blob = bin_path.read_bytes()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{meta_path}: cannot load the semantic model: {exc}") from None
    digest = hashlib.sha256(blob).hexdigest()
    if digest != meta.get("tables_sha256"):
        raise ConfigError(
            f"{bin_path}: checksum does not match {MODEL_JSON}; rebuild with `python -m commlint.semantic.train`"
        )
    try:
        return TableModel(meta, blob)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{meta_path}: malformed semantic model: {exc}") from None
