"""The rule API: a small class every rule type, and every plugin rule, implements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import regex

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

    def finditer(self, pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        """``pattern.finditer`` with the per-document timeout; raises RuleTimeout."""
        try:
            yield from pattern.finditer(text, pos, len(text) if endpos is None else endpos, timeout=self.timeout)
        except TimeoutError as exc:
            raise RuleTimeout(str(exc)) from None

    def search(self, pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        try:
            return pattern.search(text, pos, len(text) if endpos is None else endpos, timeout=self.timeout)
        except TimeoutError as exc:
            raise RuleTimeout(str(exc)) from None


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
    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {}

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
            "suggestions": [
                {"text": s.text, "safe": s.safe, "description": s.description} for s in self.suggestions
            ],
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
            return regex.compile("|".join(f"(?:{p})" for p in items), flags)
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


def _closed(pattern: str) -> bool:
    """True if the pattern's groups open and close within it (so it cannot reach into its
    neighbours once alternated); escapes and character classes are skipped."""
    depth, i, n = 0, 0, len(pattern)
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
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0
