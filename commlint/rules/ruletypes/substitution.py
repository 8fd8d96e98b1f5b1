"""substitution: flag a phrase and offer its replacement (capture groups and case kept)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import regex

from commlint.errors import ConfigError
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import DEFAULT_FLAGS, CheckContext, Finding, OptionType, RuleEnv, SuggestionSpec
from commlint.rules.ruletypes.data import EXCEPTIONS_WINDOW, DataRule
from commlint.rules.ruletypes.phrase import _expand


class SubstitutionRule(DataRule):
    """Keys: ``swap`` (pattern -> replacement), ``safe`` (default true), ``exceptions`` (near the
    match, as in phrase rules; ``exceptions-window``).

    A replacement may be a table, ``{ text = "hardened against attack", before-noun = "hardened" }``,
    giving the rewrite's form for other positions in the sentence (commlint.rules.fitting).
    """

    type = "substitution"
    KEYS = frozenset({"swap", "safe", "exceptions", "exceptions-window"})
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {"extend-swap": dict, "exceptions-window": int}

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        swap = spec.get("swap")
        if not isinstance(swap, Mapping) or not swap:
            raise ConfigError(f"{where}: a substitution rule needs a 'swap' table")
        self.safe = bool(spec.get("safe", True))
        self.forms: dict[str, dict[str, str]] = {}
        self._build(self._split_forms(dict(swap)))
        self.exceptions = self.patterns("exceptions")
        self.exceptions_window = self.char_window(spec, "exceptions-window", EXCEPTIONS_WINDOW)

    def _split_forms(self, swap: dict[str, Any]) -> dict[str, str]:
        """Replacements as text; a table's other forms go to ``self.forms`` (by pattern)."""
        out: dict[str, str] = {}
        for pattern, value in swap.items():
            if isinstance(value, Mapping):
                parsed = SuggestionSpec.parse(value, f"{self.where} swap {pattern!r}")
                out[pattern] = parsed.text
                self.forms[pattern] = parsed.forms
            elif isinstance(value, str):
                out[pattern] = value
            else:
                raise ConfigError(f"{self.where}: swap {pattern!r} must be a string or a table with 'text'")
        return out

    def _build(self, swap: dict[str, str]) -> None:
        from commlint.matching import regex_cache  # compiled patterns cached on disk: start-up time

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
        self._forms = [self.forms.get(p, {}) for p in swap]

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        if options.get("extend-swap"):
            self._build(self._split_forms({**self.swap, **options["extend-swap"]}))
        where = f"rule {self.id}"
        self.exceptions_window = self.char_window(options, "exceptions-window", self.exceptions_window, where)

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        prose = doc.prose
        for m in ctx.finditer_in_blocks(self.pattern, prose):
            index = next(i for i in range(len(self.replacements)) if m.group(f"s{i}") is not None)
            if self.exception_near(self.exceptions, doc, m.start(), m.end(), ctx):
                continue
            single = self._single[index].fullmatch(m.group())
            text = _expand(single, self.replacements[index]) if single else self.replacements[index]
            forms = {k: _expand(single, v) if single else v for k, v in self._forms[index].items()}
            spec = SuggestionSpec(text=text, safe=self.safe, description=f"Replace with “{text}”", forms=forms)
            extra = [(m.start(), m.end(), _expand(single, s.text) if single else s.text, s) for s in self.suggestions]
            yield Finding(m.start(), m.end(), suggestions=[(m.start(), m.end(), text, spec), *extra])
