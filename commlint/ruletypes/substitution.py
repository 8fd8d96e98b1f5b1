"""substitution: flag a phrase and offer its replacement (capture groups and case kept)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import regex

from commlint.document import Document
from commlint.errors import ConfigError
from commlint.ruletypes.base import DEFAULT_FLAGS, CheckContext, Finding, OptionType, RuleEnv, SuggestionSpec
from commlint.ruletypes.data import DataRule
from commlint.ruletypes.phrase import _expand


class SubstitutionRule(DataRule):
    """Keys: ``swap`` (pattern -> replacement), ``safe`` (default true), ``exceptions``."""

    type = "substitution"
    KEYS = frozenset({"swap", "safe", "exceptions"})
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {"extend-swap": dict}

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        swap = spec.get("swap")
        if not isinstance(swap, Mapping) or not swap:
            raise ConfigError(f"{where}: a substitution rule needs a 'swap' table")
        self.safe = bool(spec.get("safe", True))
        self._build(dict(swap))
        self.exceptions = self.patterns("exceptions")

    def _build(self, swap: dict[str, str]) -> None:
        from commlint import regex_cache  # compiled patterns cached on disk: start-up time

        self.swap = swap
        for p in swap:
            try:
                regex_cache.compile(p, DEFAULT_FLAGS)
            except regex.error as exc:
                raise ConfigError(f"{self.where}: invalid pattern {p!r}: {exc}") from None
        # One alternation, one named group per entry, so a document is scanned once.
        self.pattern = regex_cache.compile("|".join(f"(?P<s{i}>{p})" for i, p in enumerate(swap)), DEFAULT_FLAGS)
        self.replacements = list(swap.values())
        self._single = [regex_cache.compile(p, DEFAULT_FLAGS) for p in swap]

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        if options.get("extend-swap"):
            self._build({**self.swap, **options["extend-swap"]})

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        prose = doc.prose
        for m in ctx.finditer(self.pattern, prose):
            index = next(i for i in range(len(self.replacements)) if m.group(f"s{i}") is not None)
            if self.exceptions is not None:
                sentence = doc.sentences[doc.sentence_index(m.start())]
                if self.sentence_exceptions_hit(self.exceptions, prose, sentence, ctx):
                    continue
            single = self._single[index].fullmatch(m.group())
            text = _expand(single, self.replacements[index]) if single else self.replacements[index]
            spec = SuggestionSpec(text=text, safe=self.safe, description=f"Replace with “{text}”")
            extra = [(m.start(), m.end(), _expand(single, s.text) if single else s.text, s) for s in self.suggestions]
            yield Finding(m.start(), m.end(), suggestions=[(m.start(), m.end(), text, spec), *extra])
