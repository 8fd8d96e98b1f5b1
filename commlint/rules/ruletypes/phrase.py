"""phrase: flag any match of the patterns, unless an exception matches near it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

import regex

from commlint.matching import regex_cache, regex_light
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import CheckContext, Finding, OptionType, RuleEnv, SuggestionSpec, compile_patterns
from commlint.rules.ruletypes.data import EXCEPTIONS_WINDOW, DataRule


class PhraseRule(DataRule):
    """Existence of a phrase. Keys: ``patterns``, ``exceptions`` (overlapping the match or within
    ``exceptions-window`` characters of it, same sentence), ``negations`` (searched only in the
    sentence just before the match).

    A suggestion may carry ``when`` (a pattern the matched text must contain) and is skipped when a
    group it refers to (``\\g<name>``) did not take part in the match: one rule, several phrasings,
    each with the rewrite that fits it.
    """

    type = "phrase"
    KEYS = frozenset({"patterns", "exceptions", "negations", "exceptions-window"})
    #: how far before a match (in characters, same sentence) a ``negations`` pattern is looked for
    NEGATION_WINDOW: ClassVar[int] = 60
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {"extend-exceptions": list, "exceptions-window": int}

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        spec, self.when = _split_when(spec, where)
        super().__init__(spec, where)
        self.pattern = self.patterns("patterns")
        if self.pattern is None:
            from commlint.errors import ConfigError

            raise ConfigError(f"{where}: a phrase rule needs 'patterns'")
        self.exceptions = self.patterns("exceptions")
        self.exceptions_window = self.char_window(spec, "exceptions-window", EXCEPTIONS_WINDOW)
        # Negations ("does not", "cannot") only cancel a match they come before: "the model does
        # not write exploits" is fine, "writes exploits that do not trigger alerts" is not.
        self.negations = self.patterns("negations")

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        if options.get("extend-exceptions"):
            self.exceptions = self.patterns("exceptions", options["extend-exceptions"])
        where = f"rule {self.id}"
        self.exceptions_window = self.char_window(options, "exceptions-window", self.exceptions_window, where)

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        assert self.pattern is not None
        prose = doc.prose
        for m in ctx.finditer_in_blocks(self.pattern, prose):
            if m.end() == m.start():
                continue
            if self.exception_near(self.exceptions, doc, m.start(), m.end(), ctx):
                continue
            if self.negations is not None:
                sentences = doc.sentences
                sentence_start = sentences[doc.sentence_index(m.start())][0] if sentences else 0
                lo = max(sentence_start, m.start() - self.NEGATION_WINDOW)
                if ctx.search(self.negations, prose, lo, m.start()) is not None:
                    continue
            yield Finding(
                m.start(),
                m.end(),
                suggestions=[
                    (m.start(), m.end(), _expand(m, s.text), _with_forms(m, s))
                    for s, when in zip(self.suggestions, self.when, strict=True)
                    if _applies(m, s.text, when)
                ],
            )


def _expand(match: Any, template: str) -> str:
    if "\\" not in template:
        return template
    try:
        return regex_light.expand(match, template)
    except Exception:  # a bad group reference: show the template as written
        return template


def _with_forms(match: Any, spec: SuggestionSpec) -> SuggestionSpec:
    """The spec with its other positions' forms expanded for this match (group references)."""
    if not spec.forms:
        return spec
    return replace(spec, forms={k: _expand(match, v) for k, v in spec.forms.items()})


_GROUP_REF = regex_cache.compile(r"\\g<(\w+)>|\\(\d+)")


def _split_when(spec: Mapping[str, Any], where: str) -> tuple[Mapping[str, Any], list[regex.Pattern[str] | None]]:
    """Take the optional ``when`` pattern off each suggestion (one that fits one phrasing only)."""
    raw = spec.get("suggest", [])
    if not isinstance(raw, list):
        return spec, [None] * (1 if raw else 0)
    whens: list[regex.Pattern[str] | None] = []
    cleaned: list[Any] = []
    for item in raw:
        if isinstance(item, Mapping) and "when" in item:
            whens.append(compile_patterns([str(item["when"])], f"{where} suggest when"))
            item = {k: v for k, v in item.items() if k != "when"}
        else:
            whens.append(None)
        cleaned.append(item)
    return {**spec, "suggest": cleaned}, whens


def _applies(match: Any, template: str, when: regex.Pattern[str] | None) -> bool:
    """A suggestion fits a match when its ``when`` pattern is found in the matched text and every
    group it refers to took part in the match (so one rule can carry per-phrasing suggestions)."""
    if when is not None and when.search(match.group()) is None:
        return False
    for name, number in _GROUP_REF.findall(template):
        try:
            if match.group(name or int(number)) is None:
                return False
        except (IndexError, regex.error):
            return False
    return True
