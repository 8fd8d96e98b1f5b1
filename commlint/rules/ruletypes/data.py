"""Rules defined as TOML data: the fields every data rule shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import regex

from commlint.engine.diagnostics import SEVERITIES
from commlint.errors import ConfigError
from commlint.matching import regex_cache
from commlint.prose.document import Document
from commlint.rules.examples import marked_spans, plain_example
from commlint.rules.ruletypes.base import CheckContext, Rule, SuggestionSpec, compile_patterns

COMMON_KEYS = frozenset(
    {
        "id",
        "name",
        "type",
        "category",
        "severity",
        "message",
        "rationale",
        "references",
        "examples",
        "suggest",
        "enabled",
        "scope",
        "description",
    }
)
_ID = regex_cache.compile(r"^[A-Z][A-Z0-9]*[0-9]+$")
_NAME = regex_cache.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: how far (characters, same sentence) an exception may be from a match and still cancel it
EXCEPTIONS_WINDOW = 200
#: how far past that window an exception's own text may run (a longer exception is not seen)
EXCEPTION_REACH = 200
_WORD_TAIL = regex_cache.compile(r"\w{0,64}")


class DataRule(Rule):
    """A rule built from a TOML table. Subclasses add their own keys in KEYS."""

    KEYS: ClassVar[frozenset[str]] = frozenset()
    #: see exception_near (rule types with ``exceptions`` read it from ``exceptions-window``)
    exceptions_window: int = EXCEPTIONS_WINDOW

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        self.spec = dict(spec)
        self.where = where
        unknown = set(spec) - COMMON_KEYS - self.KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("id", "name", "category", "message"):
            if not isinstance(spec.get(key), str) or not spec[key]:
                raise ConfigError(f"{where}: '{key}' is required and must be a string")
        self.id = spec["id"]
        if not _ID.match(self.id):
            raise ConfigError(f"{where}: id {self.id!r} must be capital letters then digits, like CAP101")
        self.name = spec["name"]
        if not _NAME.match(self.name):
            raise ConfigError(f"{where}: name {self.name!r} must be kebab-case")
        self.category = spec["category"]
        self.severity = spec.get("severity", "warning")
        if self.severity not in SEVERITIES:
            raise ConfigError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        self.message = spec["message"]
        self.rationale = str(spec.get("rationale", "")).strip()
        refs = spec.get("references", [])
        self.references = tuple(refs if isinstance(refs, list) else [refs])
        examples = spec.get("examples", {})
        if not isinstance(examples, Mapping) or set(examples) - {"flag", "pass"}:
            raise ConfigError(f"{where}: 'examples' takes 'flag' and 'pass' lists")
        self._flag_marked = tuple(examples.get("flag", ()))
        self._examples_flag: tuple[str, ...] | None = None
        if not all(isinstance(t, str) for t in self._flag_marked):
            _ = self.examples_flag  # fails here, where the rule is built, as it always did
        self.examples_pass = tuple(examples.get("pass", ()))
        raw_suggest = spec.get("suggest", [])
        if isinstance(raw_suggest, (str, Mapping)):
            raw_suggest = [raw_suggest]
        self.suggestions = tuple(SuggestionSpec.parse(s, f"{where} suggest") for s in raw_suggest)
        self.default_enabled = bool(spec.get("enabled", True))

    # The examples are read by tests, docs and `commlint rule`, never by a lint: their marks are
    # taken out on first use, not while every rule is built on each start.
    @property
    def examples_flag(self) -> tuple[str, ...]:
        """Flag examples as text to lint (without their ``[[...]]`` marks)."""
        if self._examples_flag is None:
            self._examples_flag = tuple(plain_example(t) for t in self._flag_marked)
        return self._examples_flag

    @examples_flag.setter
    def examples_flag(self, value: tuple[str, ...]) -> None:
        self._examples_flag = value

    @property
    def examples_flag_spans(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """The spans each flag example marks with ``[[...]]`` (may be none)."""
        return tuple(tuple(marked_spans(t)) for t in self._flag_marked)

    def patterns(self, key: str, extra: list[str] | None = None) -> regex.Pattern[str] | None:
        raw = self.spec.get(key, [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            raise ConfigError(f"{self.where}: '{key}' must be a list of regular expressions")
        return compile_patterns(list(raw) + list(extra or []), f"{self.where} {key}")

    def check_option(self, options: Mapping[str, Any]) -> None:
        for key, value in options.items():
            expected = self.OPTIONS.get(key)
            if expected is None:
                raise ConfigError(f"rule {self.id}: unknown option {key!r}")
            if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
                raise ConfigError(f"rule {self.id}: option {key!r} has the wrong type")

    def char_window(self, spec: Mapping[str, Any], key: str, default: int, where: str | None = None) -> int:
        """A window size in characters from ``spec`` (a whole number >= 0)."""
        value = spec.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where or self.where}: '{key}' must be a whole number of characters >= 0")
        return value

    def exception_near(
        self, exceptions: regex.Pattern[str] | None, doc: Document, start: int, end: int, ctx: CheckContext
    ) -> bool:
        """True when an exception overlaps the match ``[start, end)`` or comes within
        ``exceptions_window`` characters of it, in the same sentence.

        Only a bounded stretch is searched, so a rule's work per match does not grow with the
        sentence (searching the whole sentence for every match was quadratic), and an
        exception elsewhere in a long sentence no longer cancels an unrelated match.
        """
        if exceptions is None:
            return False
        prose = doc.prose
        sentence = doc.sentences[doc.sentence_index(start)] if doc.sentences else (0, len(prose))
        near_lo, near_hi = start - self.exceptions_window, end + self.exceptions_window
        lo = max(sentence[0], near_lo - EXCEPTION_REACH)
        hi = word_end(prose, min(sentence[1], near_hi + EXCEPTION_REACH), sentence[1])
        for e in ctx.finditer(exceptions, prose, lo, hi, overlapped=True):
            if e.start() >= near_hi:
                break
            if e.end() > near_lo:
                return True
        return False


def word_end(text: str, at: int, limit: int) -> int:
    """``at`` moved to the end of the word it falls in (at most 64 characters, not past
    ``limit``), so a search window ending there keeps the word prefilter and whole words."""
    m = _WORD_TAIL.match(text, at, limit)
    return m.end() if m else at
