"""commlint-example: a Python class rule, a rule type and a rule pack, through commlint's hooks.

commlint finds this module through the ``commlint`` entry-point group (see pyproject.toml)
and calls the ``commlint_*`` functions below marked with ``hookimpl``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import regex

from commlint.config import Config
from commlint.errors import ConfigError
from commlint.hookspecs import hookimpl
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import CheckContext, Finding, Rule, RuleEnv, SuggestionSpec
from commlint.rules.ruletypes.data import DataRule

PACKS = Path(__file__).parent / "packs"


class VagueTimelineRule(Rule):
    """EXA001: "soon" in a statement invites the question "when?"; give a date instead."""

    id = "EXA001"
    name = "vague-timeline"
    category = "style"
    severity = "warning"
    message = "Vague timeline: “{match}”. Give a date or a quarter, or leave the timing out."
    rationale = "A promise with no date is read as a commitment you can be held to at any time."
    examples_flag = ("We will ship safeguards soon.",)
    examples_pass = ("We will ship safeguards in March 2026.",)
    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {"extra-words": list}
    WORDS = ("soon", "shortly", "in the near future", "in due course")

    def __init__(self) -> None:
        self.pattern = self._compile(())

    def _compile(self, extra: Iterable[str]) -> regex.Pattern[str]:
        words = [*self.WORDS, *extra]
        # Words separated by any whitespace, so a phrase wrapped over two lines still matches.
        alternation = "|".join(r"\s+".join(map(regex.escape, w.split())) for w in words)
        return regex.compile(rf"\b(?:{alternation})\b", regex.IGNORECASE)

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        unknown = set(options) - set(self.OPTIONS)
        if unknown:
            raise ConfigError(f"rule {self.id}: unknown option(s) {', '.join(sorted(unknown))}")
        extra = options.get("extra-words", [])
        if not isinstance(extra, list) or not all(isinstance(w, str) for w in extra):
            raise ConfigError(f"rule {self.id}: 'extra-words' must be a list of strings")
        self.pattern = self._compile(extra)

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        spec = SuggestionSpec(text="by {date}", safe=False, description="Name the date")
        for m in ctx.finditer(self.pattern, doc.prose):
            yield Finding(m.start(), m.end(), suggestions=[(m.start(), m.end(), spec.text, spec)])


class WordListRule(DataRule):
    """Rule type ``word-list``: like ``phrase``, but ``words`` are plain words, not patterns."""

    type = "word-list"
    KEYS = frozenset({"words"})

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        words = spec.get("words")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise ConfigError(f"{where}: a word-list rule needs 'words', a list of strings")
        alternation = "|".join(r"\s+".join(map(regex.escape, w.split())) for w in words)
        self.pattern = regex.compile(rf"\b(?:{alternation})\b", regex.IGNORECASE)

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        for m in ctx.finditer(self.pattern, doc.prose):
            yield Finding(
                m.start(),
                m.end(),
                suggestions=[(m.start(), m.end(), s.text, s) for s in self.suggestions],
            )


@hookimpl
def commlint_rule_types() -> dict[str, type]:
    return {"word-list": WordListRule}


@hookimpl
def commlint_rule_packs() -> list[str]:
    return [str(PACKS)]


@hookimpl
def commlint_rules(config: Config) -> list[Rule]:
    # A fresh instance per configuration: configure() keeps per-config options on it.
    return [VagueTimelineRule()]
