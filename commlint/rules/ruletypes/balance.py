"""balance: a statement matching ``patterns`` needs one matching ``requires`` nearby.

"Nearby" is the same sentence or the next ``window`` sentences (and the ``look-behind`` previous
ones, since a mitigation often comes first), but no further than ``requires-window`` characters
from the match. ``requires`` may name lexicons in ``requires-lexicons``. ``exceptions`` cancel a
match they overlap or come within ``exceptions-window`` characters of (same sentence).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from commlint.errors import ConfigError
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import CheckContext, Finding, OptionType, RuleEnv, SuggestionSpec
from commlint.rules.ruletypes.data import EXCEPTIONS_WINDOW, DataRule, word_end

#: how far (characters) from a match its ``requires`` (a mitigation) is looked for
REQUIRES_WINDOW = 1000

_ADD_MITIGATION = (
    "{State the safeguard you actually apply to this risk, e.g. usage policies, monitoring, "
    "access controls or staged release}"
)


class BalanceRule(DataRule):
    type = "balance"
    KEYS = frozenset(
        {
            "patterns",
            "exceptions",
            "requires",
            "requires-lexicons",
            "window",
            "look-behind",
            "exceptions-window",
            "requires-window",
        }
    )
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {
        "window": int,
        "extend-requires": list,
        "look-behind": int,
        "exceptions-window": int,
        "requires-window": int,
    }

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        self.trigger = self.patterns("patterns")
        if self.trigger is None:
            raise ConfigError(f"{where}: a balance rule needs 'patterns'")
        self.exceptions = self.patterns("exceptions")
        self.window = int(spec.get("window", 1))
        self.look_behind = int(spec.get("look-behind", 1))
        self.exceptions_window = self.char_window(spec, "exceptions-window", EXCEPTIONS_WINDOW)
        self.requires_window = self.char_window(spec, "requires-window", REQUIRES_WINDOW)
        lex = spec.get("requires-lexicons", [])
        self.lexicon_names = [lex] if isinstance(lex, str) else list(lex)
        self.requires = self.patterns("requires")
        self.mitigations: list[str] = []

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        self.window = int(options.get("window", self.window))
        self.look_behind = int(options.get("look-behind", self.look_behind))
        where = f"rule {self.id}"
        self.exceptions_window = self.char_window(options, "exceptions-window", self.exceptions_window, where)
        self.requires_window = self.char_window(options, "requires-window", self.requires_window, where)
        extra: list[str] = list(options.get("extend-requires", []))
        for name in self.lexicon_names:
            if name not in env.lexicons:
                raise ConfigError(f"{self.where}: unknown lexicon {name!r} in requires-lexicons")
            extra.extend(env.lexicons[name])
        self.requires = self.patterns("requires", extra)
        self.mitigations = list(env.mitigations)

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        assert self.trigger is not None
        prose = doc.prose
        sentences = doc.sentences
        reported: set[int] = set()
        for m in ctx.finditer(self.trigger, prose):
            index = doc.sentence_index(m.start())
            if index in reported or not sentences:
                continue
            end = sentences[index][1]
            if self.exception_near(self.exceptions, doc, m.start(), m.end(), ctx):
                continue
            if self.requires is not None and self._mitigated(doc, index, m.start(), m.end(), ctx):
                continue
            reported.add(index)
            yield Finding(m.start(), m.end(), suggestions=self._suggest(end))

    def _mitigated(self, doc: Document, index: int, start: int, end: int, ctx: CheckContext) -> bool:
        """A ``requires`` match in the neighbouring sentences, within ``requires-window``."""
        assert self.requires is not None
        sentences = doc.sentences
        first = sentences[max(0, index - self.look_behind)][0]
        last = sentences[min(len(sentences) - 1, index + self.window)][1]
        lo = max(first, start - self.requires_window)
        hi = word_end(doc.prose, min(last, end + self.requires_window), last)
        return ctx.search(self.requires, doc.prose, lo, hi) is not None

    def _suggest(self, sentence_end: int) -> list[tuple[int, int, str, SuggestionSpec]]:
        if self.mitigations:
            return [
                (
                    sentence_end,
                    sentence_end,
                    " " + text.strip(),
                    SuggestionSpec(
                        text=" " + text.strip(),
                        safe=False,
                        # the author confirms it fits this risk: configured text is never applied
                        needs_input=True,
                        description=(
                            "Add the mitigation your organisation uses (from config `mitigations`); "
                            "confirm it applies here"
                        ),
                    ),
                )
                for text in self.mitigations
            ]
        spec = SuggestionSpec(
            text=" " + _ADD_MITIGATION,
            safe=False,
            description=(
                "Add the mitigation you actually use after this sentence; "
                "set `mitigations` in config to get ready-made text"
            ),
        )
        return [(sentence_end, sentence_end, spec.text, spec)]
