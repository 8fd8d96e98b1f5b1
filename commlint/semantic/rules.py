"""The learned sentence layer as rules: one rule per risk category, registered through hooks.

Each rule reports whole sentences its category's classifier scores at or above the category's
threshold. The scores are computed once per document and shared by the nine rules. Mentions
(questions, denials, retractions, reported speech) are dropped by ``commlint.mentions``, and
the engine drops a learned finding where a pack rule already flags the same sentence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from commlint.document import Document
from commlint.errors import ConfigError
from commlint.ruletypes.base import CheckContext, Finding, Rule, RuleEnv, SuggestionSpec

#: shortest and longest sentence (in words) the classifier is asked about
MIN_WORDS, MAX_WORDS = 6, 150
LAYER = "semantic"


@dataclass(frozen=True)
class Category:
    label: str
    id: str
    rule_category: str
    what: str
    suggestion: str


CATEGORIES = (
    Category("capability", "CAP901", "capability", "a dual-use capability admission",
             "State the capability with its scope and conditions (what was tested, on which systems, with "
             "what access), and say what limits its misuse."),
    Category("jailbreak", "JBK901", "jailbreak", "an admission that safeguards can be bypassed",
             "Give the measured result with its method and the fix: how often the safeguard held, what failed, "
             "and what was changed."),
    Category("alarmist", "ALM901", "alarmist", "alarmist or catastrophising language",
             "Name the specific risk, its likelihood as you assess it, and what you are doing about it."),
    Category("absolute", "ABS901", "absolute", "an absolute guarantee",
             "Describe the design aim and the tested result instead of a promise (for example 'designed to', "
             "'in our tests')."),
    Category("ai-washing", "AIC901", "ai-claims", "an AI capability or performance overclaim",
             "Say what the system does, how it was measured, and where a person stays in the loop."),
    Category("surveillance", "SRV901", "surveillance", "surveillance or targeting framing",
             "Describe the lawful, consented use and the limits on identifying or tracking people."),
    Category("cbrn", "CBR901", "cbrn", "chemical, biological, radiological or nuclear uplift",
             "Report the evaluation and its result without operational detail, and state the safeguards."),
    Category("national-security", "NSC901", "national-security", "race, dominance or weapon-of-state framing",
             "Describe the public benefit and the governance you support, not a contest between states."),
    Category("unmitigated", "UNM901", "unmitigated", "a harm stated with no mitigation beside it",
             "Add what you did or are doing about it in the same or the next sentence; never delete the "
             "disclosure."),
)


class LearnedCategoryRule(Rule):
    """A sentence the learned classifier scores as one risk category (see docs/semantic.md)."""

    type: ClassVar[str] = "semantic"
    OPTIONS: ClassVar[Mapping[str, Any]] = {"threshold": (int, float)}
    scope = "span"
    pack = "semantic"

    def __init__(self, category: Category) -> None:
        self.cat = category
        self.id = category.id
        self.name = f"learned-{category.label}"
        self.category = category.rule_category
        self.severity = "warning"
        self.message = f"Reads as {category.what} (learned sentence classifier, confidence {{confidence}})."
        self.rationale = (
            f"A sentence classifier trained on thousands of labelled sentences scores this sentence as "
            f"{category.what}, though no pattern in the packs names it. Read the sentence as a regulator or a "
            "journalist would. The classifier is a second reader, not a verdict: if the sentence is fine, "
            f"raise the threshold under [rules.{category.id}] or silence it with a suppression comment."
        )
        self.suggestions = (SuggestionSpec(text=category.suggestion, safe=False, description=category.suggestion),)
        self.threshold: float | None = None

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        unknown = set(options) - set(self.OPTIONS)
        if unknown:
            raise ConfigError(f"rule {self.id}: unknown option(s) {', '.join(sorted(unknown))}")
        if "threshold" in options:
            value = options["threshold"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise ConfigError(f"rule {self.id}: 'threshold' must be a number in (0, 1]")
            self.threshold = float(value)

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        for start, end, score in sentence_scores(doc):
            if score.category != self.cat.label:
                continue
            bar = self.threshold if self.threshold is not None else score.bar
            if score.confidence < bar:
                continue
            confidence = round(score.confidence, 2)
            yield Finding(start, end, message=self.message.replace("{confidence}", f"{confidence:.2f}"),
                          data={"confidence": confidence, "layer": LAYER, "category": self.cat.label})


@dataclass(frozen=True)
class _Scored:
    category: str
    confidence: float
    bar: float


def sentence_scores(doc: Document) -> list[tuple[int, int, _Scored]]:
    """(start, end, top risk category) for each sentence of ``doc``, computed once per document."""
    cached = doc.meta.get("semantic-scores")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from commlint.semantic.model import load_model

    model = load_model()
    out: list[tuple[int, int, _Scored]] = []
    prose = doc.prose
    for start, end in doc.sentences:
        text = " ".join(prose[start:end].replace("\u00b6", " ").split())
        if not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
            continue
        score = model.score(text)
        out.append((start, end, _Scored(score.category, score.confidence, model.thresholds[score.category])))
    doc.meta["semantic-scores"] = out
    return out


def learned_rules() -> list[Rule]:
    return [LearnedCategoryRule(c) for c in CATEGORIES]
