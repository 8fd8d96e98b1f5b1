"""readability: a textstat metric per document or paragraph against ``min``/``max``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from commlint.errors import ConfigError
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import CheckContext, Finding, OptionType, RuleEnv
from commlint.rules.ruletypes.data import DataRule

METRICS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
)


def _measure(metric: str) -> Callable[..., float]:
    """The function computing ``metric`` of a text: the Flesch scores from commlint.prose.syllables
    (textstat's values, with a syllable memo), the others from textstat itself."""
    from commlint.prose import syllables

    if metric == "flesch_kincaid_grade":
        return syllables.flesch_kincaid_grade
    if metric == "flesch_reading_ease":
        return syllables.flesch_reading_ease
    # textstat is imported only when such a metric runs: it costs start-up time.
    import textstat

    syllables.install()  # syllables from a lazy CMUdict: textstat's own loader costs ~0.9 s
    return getattr(textstat, metric)  # type: ignore[no-any-return]


class ReadabilityRule(DataRule):
    type = "readability"
    KEYS = frozenset({"metric", "min", "max", "per", "min-words"})
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {"min": (int, float), "max": (int, float), "min-words": int}

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        self.metric = spec.get("metric", "")
        if self.metric not in METRICS:
            raise ConfigError(f"{where}: 'metric' must be one of {', '.join(METRICS)}")
        self.min = spec.get("min")
        self.max = spec.get("max")
        if self.min is None and self.max is None:
            raise ConfigError(f"{where}: a readability rule needs 'min' or 'max'")
        self.per = spec.get("per", "document")
        if self.per not in ("paragraph", "document"):
            raise ConfigError(f"{where}: 'per' must be paragraph or document")
        self.min_words = int(spec.get("min-words", 100 if self.per == "document" else 30))
        self.scope = "document" if self.per == "document" else "span"

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        self.check_option(options)
        self.min = options.get("min", self.min)
        self.max = options.get("max", self.max)
        self.min_words = int(options.get("min-words", self.min_words))

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        measure = _measure(self.metric)
        # The Flesch scores take the text's whitespace tokens, split here for the word count.
        flesch = self.metric in ("flesch_kincaid_grade", "flesch_reading_ease")
        spans = doc.paragraphs if self.per == "paragraph" else [(0, len(doc.prose))]
        for start, end in spans:
            text = doc.prose[start:end]
            tokens = text.split()
            if len(tokens) < self.min_words:
                continue
            value = float(measure(text, tokens) if flesch else measure(text))
            low = self.min is not None and value < self.min
            high = self.max is not None and value > self.max
            if low or high:
                bound = f"at least {self.min}" if low else f"at most {self.max}"
                if self.scope != "document":
                    # The paragraph is the finding, but underlining all of it hides the text:
                    # point at its first sentence.
                    end = next((e for s, e in doc.sentences if s <= start < e or s >= start), end)
                    end = min(end, start + len(text.rstrip()))
                yield Finding(
                    start,
                    end,
                    message=f"{self.message} ({self.metric.replace('_', ' ')} {value:.1f}; want {bound})",
                    scope=self.scope,
                    data={"metric": self.metric, "value": round(value, 2)},
                )
