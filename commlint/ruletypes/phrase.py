"""phrase: flag any match of the patterns, unless an exception matches in the same sentence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from commlint.document import Document
from commlint.ruletypes.base import RuleEnv, CheckContext, Finding
from commlint.ruletypes.data import DataRule


class PhraseRule(DataRule):
    """Existence of a phrase. Keys: ``patterns``, ``exceptions`` (searched in the sentence)."""

    type = "phrase"
    KEYS = frozenset({"patterns", "exceptions"})
    OPTIONS: ClassVar[Mapping[str, type | tuple[type, ...]]] = {"extend-exceptions": list}

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        self.pattern = self.patterns("patterns")
        if self.pattern is None:
            from commlint.errors import ConfigError

            raise ConfigError(f"{where}: a phrase rule needs 'patterns'")
        self.exceptions = self.patterns("exceptions")

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        if options.get("extend-exceptions"):
            self.exceptions = self.patterns("exceptions", options["extend-exceptions"])

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        assert self.pattern is not None
        prose = doc.prose
        for m in ctx.finditer(self.pattern, prose):
            if m.end() == m.start():
                continue
            if self.exceptions is not None:
                sentence = doc.sentences[doc.sentence_index(m.start())] if doc.sentences else (0, len(prose))
                if self.sentence_exceptions_hit(self.exceptions, prose, sentence, ctx):
                    continue
            yield Finding(
                m.start(),
                m.end(),
                suggestions=[(m.start(), m.end(), _expand(m, s.text), s) for s in self.suggestions],
            )


def _expand(match: Any, template: str) -> str:
    if "\\" not in template:
        return template
    try:
        return str(match.expand(template))
    except Exception:  # a bad group reference: show the template as written
        return template
