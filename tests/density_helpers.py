"""Fixture writers for the density tests: documents with an exact word count and known terms."""

from __future__ import annotations

from pathlib import Path

# Neutral words: none is in any built-in lexicon, and each is one word to the tokeniser.
FILLER = [
    "team",
    "product",
    "release",
    "customers",
    "today",
    "new",
    "faster",
    "search",
    "design",
    "people",
    "offices",
    "maps",
    "cleaner",
    "version",
    "shipped",
    "and",
    "with",
    "for",
    "of",
    "a",
    "garden",
    "river",
    "morning",
    "library",
]


def doc_text(words: int, terms: list[str]) -> str:
    """Plain prose of exactly ``words`` words, ``terms`` (single words) spread through it."""
    assert len(terms) <= words
    out = [FILLER[i % len(FILLER)] for i in range(words)]
    if terms:
        step = words // len(terms)
        for i, term in enumerate(terms):
            out[i * step + step // 2] = term
    sentences = [" ".join(out[i : i + 12]) for i in range(0, words, 12)]
    return ". ".join(s[0].upper() + s[1:] for s in sentences) + ".\n"


def write_doc(path: Path, words: int, terms: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc_text(words, terms), encoding="utf-8")
    return path


def write_group(folder: Path, counts: dict[str, int], words: int, files: int) -> None:
    """``files`` documents sharing ``words`` words and ``counts`` term occurrences between them."""
    terms = [t for t, n in counts.items() for _ in range(n)]
    per_words, per_terms = words // files, -(-len(terms) // files)
    for i in range(files):
        chunk = terms[i * per_terms : (i + 1) * per_terms]
        w = per_words + (words - per_words * files if i == files - 1 else 0)
        write_doc(folder / f"doc{i:02d}.txt", w, chunk)
