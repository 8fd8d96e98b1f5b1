"""The rule API: a small class every rule type, and every plugin rule, implements."""

from __future__ import annotations

import builtins
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

import regex

from commlint import regex_cache  # module-level patterns too: each compile costs ~1 ms
from commlint.document import Document
from commlint.errors import ConfigError

DEFAULT_FLAGS = regex.IGNORECASE | regex.VERSION0


class RuleTimeout(Exception):
    """A rule's pattern ran longer than the per-document timeout."""


@dataclass
class SuggestionSpec:
    """A suggestion as a rule declares it (text may use ``\\1`` or ``{placeholder}``)."""

    text: str
    safe: bool = False
    description: str = ""

    @classmethod
    def parse(cls, raw: Any, where: str) -> SuggestionSpec:
        if isinstance(raw, str):
            return cls(text=raw)
        if not isinstance(raw, Mapping) or not isinstance(raw.get("text"), str):
            raise ConfigError(f"{where}: each suggestion needs a 'text' string")
        unknown = set(raw) - {"text", "safe", "description"}
        if unknown:
            raise ConfigError(f"{where}: unknown suggestion key(s) {', '.join(sorted(unknown))}")
        return cls(text=raw["text"], safe=bool(raw.get("safe", False)), description=str(raw.get("description", "")))


@dataclass
class Finding:
    """What a rule reports, in prose offsets. ``edits`` are (start, end, text, spec) in prose."""

    start: int
    end: int
    message: str | None = None
    suggestions: list[tuple[int, int, str, SuggestionSpec]] = field(default_factory=list)
    scope: str = "span"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleEnv:
    """What the configuration offers rules when they are built: lexicons and statements."""

    #: lexicon name -> term patterns (after the config's replace/extend)
    lexicons: Mapping[str, list[str]] = field(default_factory=dict)
    #: mitigation statements the organisation really uses (config ``mitigations``)
    mitigations: list[str] = field(default_factory=list)
    #: anything else a plugin wants to read (the raw config table)
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class CheckContext:
    """What a rule may use while checking one document."""

    timeout: float = 1.0
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: where words occur in the text being checked (commlint.prefilter.WordIndex), shared by rules
    _index: Any = field(default=None, init=False, repr=False, compare=False)

    def finditer(
        self, pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[regex.Match[str]]:
        """``pattern.finditer`` with the per-document timeout; raises RuleTimeout.

        When every match must start with one of a few words (see commlint.prefilter), the
        pattern is tried only where those words occur: the same matches, found 5-20x faster.
        """
        end = len(text) if endpos is None else endpos
        starts = self._candidate_starts(pattern, text, end)
        try:
            if starts is None:
                yield from pattern.finditer(text, pos, end, timeout=self.timeout)
            else:
                yield from _finditer_at(pattern, text, starts, pos, end, self.timeout)
        except TimeoutError as exc:
            raise RuleTimeout(str(exc)) from None

    def _candidate_starts(self, pattern: regex.Pattern[str], text: str, end: int) -> list[int] | None:
        if pattern.flags & _FLAGS_WITHOUT_PREFILTER:
            return None  # verbose syntax, other word rules or full case folding: scan it all
        found = _leads(pattern.pattern)
        if found is None or 0 < end < len(text) and _MID_WORD.match(text, end - 1):
            return None  # a window ending inside a word changes what "a whole word" is
        if self._index is None or self._index.text is not text:
            from commlint.prefilter import WordIndex

            self._index = WordIndex(text)
        starts: list[int] | None = self._index.starts(found)
        return starts

    def search(
        self, pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
    ) -> regex.Match[str] | None:
        """``pattern.search`` with the timeout (and the same word prefilter as finditer)."""
        end = len(text) if endpos is None else endpos
        starts = self._candidate_starts(pattern, text, end)
        try:
            if starts is None:
                return pattern.search(text, pos, end, timeout=self.timeout)
            return next(_finditer_at(pattern, text, starts, pos, end, self.timeout), None)
        except TimeoutError as exc:
            raise RuleTimeout(str(exc)) from None


_MID_WORD = regex_cache.compile(r"\w\w", 0)
_FLAGS_WITHOUT_PREFILTER = regex.VERBOSE | regex.WORD | regex.REVERSE | regex.FULLCASE | regex.ASCII | regex.LOCALE


@lru_cache(maxsize=4096)
def _leads(pattern: str) -> tuple[frozenset[tuple[str, bool]], bool] | None:
    from commlint.prefilter import VERSION, leads

    found: tuple[frozenset[tuple[str, bool]], bool] | None = regex_cache.remember(f"leads-v{VERSION}", pattern, leads)
    return found


def _finditer_at(
    pattern: regex.Pattern[str], text: str, starts: list[int], pos: int, end: int, timeout: float
) -> Iterator[regex.Match[str]]:
    """What ``pattern.finditer(text, pos, end)`` yields, given every possible match start."""
    deadline = time.monotonic() + timeout
    for start in starts[bisect_left(starts, pos) :]:
        if start < pos:
            continue
        if start >= end:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("regex timed out")
        m = pattern.match(text, start, end, timeout=left)
        if m is not None:
            yield m
            pos = m.end() if m.end() > start else start + 1


#: the type (or types) a per-rule option must have; ``builtins.type`` because rules shadow ``type``
OptionType = builtins.type | tuple[builtins.type, ...]


class Rule:
    """Base class for rules. Plugins subclass it, set the metadata and implement ``check``.

    Example::

        class NoSynergy(Rule):
            id = "ACME001"
            name = "no-synergy"
            category = "style"
            message = "Avoid 'synergy'."

            def check(self, doc, ctx):
                for m in regex.finditer(r"\\bsynergy\\b", doc.prose, regex.I):
                    yield Finding(m.start(), m.end())
    """

    type: ClassVar[str] = "python"
    #: option name -> expected Python type, accepted under [rules.ID] in config
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {}

    id: str = ""
    name: str = ""
    category: str = "style"
    severity: str = "warning"
    message: str = ""
    rationale: str = ""
    references: tuple[str, ...] = ()
    examples_flag: tuple[str, ...] = ()
    examples_pass: tuple[str, ...] = ()
    suggestions: tuple[SuggestionSpec, ...] = ()
    scope: str = "span"
    pack: str = ""
    #: rules off by default are enabled only by select/extend-select
    default_enabled: bool = True

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        """Apply per-rule options from config and read what the environment offers."""

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    # -- metadata helpers -------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "rationale": self.rationale,
            "references": list(self.references),
            "examples": {"flag": list(self.examples_flag), "pass": list(self.examples_pass)},
            "suggestions": [{"text": s.text, "safe": s.safe, "description": s.description} for s in self.suggestions],
            "pack": self.pack,
            "enabled_by_default": self.default_enabled,
        }


def compile_patterns(patterns: Iterable[str], where: str, flags: int = DEFAULT_FLAGS) -> regex.Pattern[str] | None:
    """Compile a list of patterns into one alternation; errors name the rule."""
    items = list(patterns)
    if not items:
        return None
    if all(_closed(p) for p in items):
        # One compile, not one per pattern as well: compiling is most of the start-up time.
        try:
            return regex_cache.compile("|".join(f"(?:{lookbehind_last(p)})" for p in items), flags)
        except regex.error:
            pass  # compile one by one to name the bad pattern
    for p in items:
        try:
            regex.compile(p, flags)
        except regex.error as exc:
            raise ConfigError(f"{where}: invalid pattern {p!r}: {exc}") from None
    try:  # each compiles alone, and the quick scan was unsure: trust the compiler
        return regex.compile("|".join(f"(?:{p})" for p in items), flags)
    except regex.error as exc:
        raise ConfigError(f"{where}: patterns do not combine into one alternation: {exc}") from None


def _parens(pattern: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(index, depth after it) for each group parenthesis from ``start``, skipping escapes and
    character classes, where a parenthesis is literal."""
    depth, i, n = 0, start, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c in "()":
            depth += 1 if c == "(" else -1
            yield i, depth
        i += 1


def _closed(pattern: str) -> bool:
    """True if the pattern's groups open and close within it (so it cannot reach into its
    neighbours once alternated)."""
    depth = 0
    for _, depth in _parens(pattern):
        if depth < 0:
            return False
    return depth == 0


def _group_end(pattern: str, start: int) -> int:
    """Index just past the group opening at ``start``; -1 if it never closes."""
    return next((i + 1 for i, depth in _parens(pattern, start) if depth == 0), -1)


_CAPTURE = regex_cache.compile(r"\\.|\[(?:\\.|[^\]])*\]|\((?!\?)|\(\?P<\w+>", 0)
_BACKREF = regex_cache.compile(r"\(\?P=|\\g<|\\[1-9]", 0)
_QUANTIFIER = regex_cache.compile(r"[*+{]|(?<!\()\?", 0)


def lookbehind_last(pattern: str) -> str:
    """``(?<=LB)REST`` as ``(?=REST)(?<=LB)REST``: the same matches, found far faster.

    The engine tries a pattern at every position; a leading variable-length look-behind
    scans back up to its bound each time. Checking a capture-free copy of REST first
    means the look-behind runs only where REST could match (10-50x faster on prose).
    Patterns with back-references, or a fixed-length look-behind, are left alone.
    """
    if not pattern.startswith(("(?<=", "(?<!")) or _BACKREF.search(pattern):
        return pattern
    end = _group_end(pattern, 0)
    if end <= 0 or end == len(pattern):
        return pattern
    behind, rest = pattern[:end], pattern[end:]
    if not _QUANTIFIER.search(behind, 3):
        return pattern  # a fixed-length look-behind is cheap already
    probe = _CAPTURE.sub(lambda m: "(?:" if m.group().startswith("(") else m.group(), rest)
    return f"(?={probe}){behind}{rest}"
