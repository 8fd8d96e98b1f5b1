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
from commlint.semantic.pieces import PieceVocab, ngram_buckets

MODEL_JSON = "model.json"
MODEL_BIN = "model.bin"


@dataclass(frozen=True)
class SentenceScore:
    """The top risk category of one sentence, its probability and whether it passes the bar."""

    category: str
    confidence: float
    flagged: bool


class TableModel:
    """Scores sentences with the projected piece table and the hashed n-gram table."""

    def __init__(self, meta: dict[str, object], blob: bytes) -> None:
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])  # type: ignore[call-overload]
        self.thresholds: dict[str, float] = dict(meta["thresholds"])  # type: ignore[call-overload]
        self.bias: list[float] = list(meta["bias"])  # type: ignore[call-overload]
        self.hash_bits = int(meta["hash_bits"])  # type: ignore[call-overload]
        k = len(self.labels)
        n_pieces = int(meta["pieces"])  # type: ignore[call-overload]
        layout = meta["layout"]
        pieces_len = int(layout["pieces_bytes"])  # type: ignore[index]
        pieces = blob[:pieces_len].decode("utf-8").split("\n")
        if len(pieces) != n_pieces:
            raise ValueError("piece count does not match the model's metadata")
        self.vocab = PieceVocab(pieces)
        self._k = k
        self._row = struct.Struct(f"<{k}e")
        self._p_off = pieces_len
        self._h_off = pieces_len + n_pieces * self._row.size
        expected = self._h_off + (1 << self.hash_bits) * self._row.size
        if len(blob) != expected:
            raise ValueError(f"model tables are {len(blob)} bytes, expected {expected}")
        self._blob = blob
        self._neutral = self.labels.index("neutral")
        self._chunks: dict[str, tuple[tuple[float, ...], int]] = {}
        self._buckets: dict[int, tuple[float, ...]] = {}

    def logits(self, text: str) -> list[float]:
        chunks = self._chunks
        rows: list[tuple[float, ...]] = []
        n = 0
        for chunk in text.split():
            found = chunks.get(chunk)
            if found is None:
                found = chunks[chunk] = self._chunk_row(chunk)
                if len(chunks) > 50_000:  # bounded: a long-lived LSP server sees many words
                    chunks.clear()
            rows.append(found[0])
            n += found[1]
        # Sum columns in one pass (zip(*rows) transposes in C): the mean piece row ...
        acc = [sum(col) / n for col in zip(*rows, strict=True)] if n else [0.0] * self._k
        # ... plus the n-gram rows and the bias.
        buckets = self._buckets
        hashed: list[Sequence[float]] = [acc, self.bias]
        for b in ngram_buckets(text, self.hash_bits):
            row = buckets.get(b)
            if row is None:
                row = buckets[b] = self._row.unpack_from(self._blob, self._h_off + b * self._row.size)
            hashed.append(row)
        return [sum(col) for col in zip(*hashed, strict=True)]

    def _chunk_row(self, chunk: str) -> tuple[tuple[float, ...], int]:
        """The summed piece rows of one whitespace-separated chunk, and how many pieces it has."""
        row, blob, off = self._row, self._blob, self._p_off
        ids = self.vocab.segment(chunk)
        if len(ids) == 1:  # the common case: one piece, no column sums
            return row.unpack_from(blob, off + ids[0] * row.size), 1
        rows = [row.unpack_from(blob, off + i * row.size) for i in ids]
        return tuple(map(sum, zip(*rows, strict=True))) if rows else (0.0,) * self._k, len(ids)

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
        return SentenceScore(label, probs[best], probs[best] >= bar)

    def score_many(self, texts: Sequence[str], thresholds: dict[str, float] | None = None) -> list[SentenceScore]:
        return [self.score(t, thresholds) for t in texts]


def model_dir() -> Path:
    from commlint.packs import builtin_rules_dir

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
