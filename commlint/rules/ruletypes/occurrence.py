"""occurrence: at most ``max`` matches per ``scope`` (sentence, paragraph or document)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from commlint.errors import ConfigError
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import CheckContext, Finding, OptionType, RuleEnv
from commlint.rules.ruletypes.data import DataRule


class OccurrenceRule(DataRule):
    type = "occurrence"
    KEYS = frozenset({"patterns", "max", "per"})
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {"max": int}

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        self.pattern = self.patterns("patterns")
        if self.pattern is None:
            raise ConfigError(f"{where}: an occurrence rule needs 'patterns'")
        limit = spec.get("max")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise ConfigError(f"{where}: 'max' must be a whole number >= 0")
        self.max: int = limit
        self.per = spec.get("per", "document")
        if self.per not in ("sentence", "paragraph", "document"):
            raise ConfigError(f"{where}: 'per' must be sentence, paragraph or document")

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        self.max = int(options.get("max", self.max))

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        assert self.pattern is not None
        scopes = {"sentence": doc.sentences, "paragraph": doc.paragraphs}.get(self.per, [(0, len(doc.prose))])
        for start, end in scopes:
            matches = list(ctx.finditer(self.pattern, doc.prose, start, end))
            if len(matches) > self.max:
                first_extra = matches[self.max]
                yield Finding(
                    first_extra.start(),
                    first_extra.end(),
                    message=f"{self.message} ({len(matches)} in this {self.per}; at most {self.max})",
                    data={"count": len(matches), "max": self.max},
                )
