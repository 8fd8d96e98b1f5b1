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
from typing import NamedTuple

from commlint.errors import ConfigError
from commlint.semantic.pieces import PieceVocab, normal, tokens

MODEL_JSON = "model.json"
MODEL_BIN = "model.bin"


class _Token(NamedTuple):
    """What one token adds to a sentence's logits."""

    pieces: tuple[float, ...]  # its summed piece rows
    n_pieces: int
    normal: str  # its n-gram form
    gram: tuple[float, ...] | None  # its unigram row, if it has one


@dataclass(frozen=True)
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
        self._row = struct.Struct(f"<{k}e")
        self._p_off = pieces_len + grams_len
        self._g_off = self._p_off + n_pieces * self._row.size
        expected = self._g_off + n_grams * self._row.size
        if len(blob) != expected:
            raise ValueError(f"model tables are {len(blob)} bytes, expected {expected}")
        self._blob = blob
        self._gram_ids = {g: i for i, g in enumerate(grams)}
        self._neutral = self.labels.index("neutral")
        self._tokens: dict[str, _Token] = {}
        self._gram_rows: dict[int, tuple[float, ...]] = {}
        self._zero = (0.0,) * k

    def logits(self, text: str) -> list[float]:
        """``bias + mean(piece rows) + sum(n-gram rows)`` over the tokens of ``text``.

        Each distinct token's piece rows and unigram row are read once and cached; a sentence
        then costs one dictionary lookup per token and one per token pair.
        """
        cache, gram_ids, gram_row = self._tokens, self._gram_ids, self._gram_row
        piece_rows: list[tuple[float, ...]] = []
        gram_rows: list[Sequence[float]] = [self.bias]
        n = 0
        prev = ""
        for token in tokens(text):
            t = cache.get(token)
            if t is None:
                t = cache[token] = self._token(token)
                if len(cache) > 50_000:  # bounded: a long-lived LSP server sees many words
                    cache.clear()
            piece_rows.append(t.pieces)
            n += t.n_pieces
            if t.gram is not None:
                gram_rows.append(t.gram)
            if prev:
                i = gram_ids.get(f"{prev} {t.normal}")
                if i is not None:
                    gram_rows.append(gram_row(i))
            prev = t.normal
        grams = [sum(col) for col in zip(*gram_rows, strict=True)]
        if not n:
            return grams
        return [g + sum(col) / n for g, col in zip(grams, zip(*piece_rows, strict=True), strict=True)]

    def _token(self, token: str) -> _Token:
        """One token's summed piece rows, piece count, normal form and unigram row."""
        row, blob, off = self._row, self._blob, self._p_off
        ids = self.vocab.segment(token)
        if len(ids) == 1:  # the common case: one piece, no column sums
            pieces = row.unpack_from(blob, off + ids[0] * row.size)
        else:
            rows = [row.unpack_from(blob, off + i * row.size) for i in ids]
            pieces = tuple(map(sum, zip(*rows, strict=True))) if rows else (0.0,) * self._k
        norm = normal(token)
        i = self._gram_ids.get(norm)  # an n-gram the training data never had weighs nothing
        return _Token(pieces, len(ids), norm, None if i is None else self._gram_row(i))

    def _gram_row(self, i: int) -> tuple[float, ...]:
        row = self._gram_rows.get(i)
        if row is None:
            row = self._gram_rows[i] = self._row.unpack_from(self._blob, self._g_off + i * self._row.size)
        return row

    def probabilities(self, text: str) -> list[float]:
        z = self.logits(text)
        top = max(z)
        e = [math.exp(v - top) for v in z]
        s = sum(e)
        return [v / s for v in e]

    def score(self, text: str, thresholds: dict[str, float] | None = None) -> SentenceScore:
        """The most likely risk category (never "neutral") and whether it clears its threshold."""
        probs = self.probabilities(text)
        best = max((c for c in range(self._k) if c != self._neutral), key=probs.__getitem__)
        label = self.labels[best]
        bar = (thresholds or {}).get(label, self.thresholds[label])
        risk = 1.0 - probs[self._neutral]
        return SentenceScore(label, probs[best], probs[best] >= bar or risk >= self.any_risk_bar, risk)

    def score_many(self, texts: Sequence[str], thresholds: dict[str, float] | None = None) -> list[SentenceScore]:
        return [self.score(t, thresholds) for t in texts]


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
