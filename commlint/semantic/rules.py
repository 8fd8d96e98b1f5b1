"""The learned sentence layer as rules: one rule per risk category, registered through hooks.

Each rule reports whole sentences its category's classifier scores at or above the category's
threshold. The scores are computed once per document and shared by the nine rules. Mentions
(questions, denials, retractions, reported speech) are dropped by ``commlint.prose.mentions``, and
the engine drops a learned finding where a pack rule already flags the same sentence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NamedTuple

import regex

from commlint.errors import ConfigError
from commlint.matching import regex_cache
from commlint.prose.document import BLOCK_BREAK, PLACEHOLDER, Document
from commlint.rules.ruletypes.base import CheckContext, Finding, Rule, RuleEnv, SuggestionSpec

#: shortest and longest sentence (in words) the classifier is asked about
MIN_WORDS, MAX_WORDS = 8, 150
#: the bar for a block with no closing punctuation (a heading, a link title, a table cell): the
#: classifier was trained on sentences, and titles of related posts read to it like claims
TITLE_BAR = 0.75
#: the same bar for sentences this short: a bag of a few words is too little to go on
SHORT_WORDS = 12
#: a sentence ending in one of these is prose, not a title
CLOSES = frozenset('.!?:;…"”’)]*_')
LAYER = "semantic"
#: a stand-in for code, a URL or an image, with the punctuation that follows it
_PLACEHOLDERS = regex_cache.compile(PLACEHOLDER + r"[^\w\s]*")
#: categories where the fix stated beside the statement is the balanced form the rule asks for
BALANCED_BY_MITIGATION = frozenset({"unmitigated", "jailbreak"})


class Category(NamedTuple):
    """A risk category of the learned layer and the rule that reports it."""

    label: str
    id: str
    rule_category: str
    what: str
    suggestion: str
    references: tuple[str, ...]
    flag: str
    ok: str


CATEGORIES = (
    Category(
        "capability",
        "CAP901",
        "capability",
        "a dual-use capability admission",
        "State the capability with its scope and conditions (what was tested, on which systems, with "
        "what access), and say what limits its misuse.",
        ("EU AI Act, Article 51 and Annex XIII (general-purpose AI models with systemic risk)",),
        "Working intrusion code for two unknown flaws in a popular mail server was produced by the agent on its own.",
        "The agent helps maintainers find and fix bugs in code they own, and every report is reviewed.",
    ),
    Category(
        "jailbreak",
        "JBK901",
        "jailbreak",
        "an admission that safeguards can be bypassed",
        "Give the measured result with its method and the fix: how often the safeguard held, what failed, "
        "and what was changed.",
        ("EU AI Act, Article 15(5) (resilience against attempts to alter use, outputs or performance)",),
        "Anyone patient enough can talk the assistant out of its refusals within a few messages.",
        "The assistant declined 99.2% of 4,000 adversarial prompts in an external evaluation.",
    ),
    Category(
        "alarmist",
        "ALM901",
        "alarmist",
        "alarmist or catastrophising language",
        "Name the specific risk, its likelihood as you assess it, and what you are doing about it.",
        ("FTC, Keep your AI claims in check (Feb. 2023)",),
        "What we are building may well be the last thing our species ever gets to invent.",
        "We publish the risks we assess for each release and what we do about each of them.",
    ),
    Category(
        "absolute",
        "ABS901",
        "absolute",
        "an absolute guarantee",
        "Describe the design aim and the tested result instead of a promise (for example 'designed to', "
        "'in our tests').",
        ("FTC, Start with Security (2015); FTC v. Wyndham Worldwide Corp., 799 F.3d 236 (3d Cir. 2015)",),
        "Whatever the weather or the load, the Tallis payment network simply does not go down.",
        "The Tallis payment network was available 99.95% of the time last year.",
    ),
    Category(
        "ai-washing",
        "AIC901",
        "ai-claims",
        "an AI capability or performance overclaim",
        "Say what the system does, how it was measured, and where a person stays in the loop.",
        ("FTC, Keep your AI claims in check (Feb. 2023)",),
        "Hiring managers can retire entirely, because the Tallis engine now picks the perfect candidate every time.",
        "The Tallis engine suggests an order for reading the case files, and a caseworker decides each case.",
    ),
    Category(
        "surveillance",
        "SRV901",
        "surveillance",
        "surveillance or targeting framing",
        "Describe the lawful, consented use and the limits on identifying or tracking people.",
        ("EU AI Act, Article 5(1)(e) and 5(1)(h); Annex III point 1(a)",),
        "Every shopper who walks past our cameras is matched to a name and followed from store to store.",
        "Store cameras count how many people enter each hour and keep no images.",
    ),
    Category(
        "cbrn",
        "CBR901",
        "cbrn",
        "chemical, biological, radiological or nuclear uplift",
        "Report the evaluation and its result without operational detail, and state the safeguards.",
        ("EU General-Purpose AI Code of Practice, Safety and Security chapter (2025): CBRN risk",),
        "In testing, the model walked a novice through culturing and concentrating a dangerous pathogen.",
        "In a controlled study with outside experts, the model gave no meaningful help beyond textbooks.",
    ),
    Category(
        "national-security",
        "NSC901",
        "national-security",
        "race, dominance or weapon-of-state framing",
        "Describe the public benefit and the governance you support, not a contest between states.",
        ("US Export Administration Regulations, 15 CFR Parts 734, 740, 744 (advanced computing and AI model weights)",),
        "Whichever nation owns the biggest compute clusters will set the terms for everyone else this century.",
        "We support international agreements on testing large models before they are released.",
    ),
    Category(
        "unmitigated",
        "UNM901",
        "unmitigated",
        "a harm stated with no mitigation beside it",
        "Add what you did or are doing about it in the same or the next sentence; never delete the disclosure.",
        ("NIST AI Risk Management Framework 1.0 (2023), MANAGE function",),
        "For patients over seventy, the triage model's error rate was three times the average.",
        "The triage model's error rate was higher for patients over seventy, so a nurse now reviews each "
        "of their cases.",
    ),
)


#: a mitigation in action words: what was done or is in place (the broad mitigation lexicon also
#: counts "tested" or "evaluated", which a plain harm statement often contains)
_MITIGATION_WORDS = (
    r"\b(?:fix(?:ed|es)|patch(?:ed|es)|remediat(?:ed|es|ion)|mitigat(?:ed|es|ion|ions)|"
    r"corrected|retrained|rolled\s+back|recalled|"
    r"now\s+(?:requires?|blocks?|refuses?|checks?|routes?|limits?|reviews?|verifies|flags?|escalates?|asks?)|human\s+(?:review|oversight|approval|sign-off)|"
    r"(?:we|they|the\s+team)\s+(?:have\s+|has\s+)?(?:added|introduced|deployed|notified|closed|changed|"
    r"updated|retrained|replaced|stopped|blocked|limited|reviewed|audited|contacted|compensated|refunded|"
    r"removed|disabled|paused|suspended|restricted|withdrew|strengthened|hardened)|"
    r"(?:is|are|was|were)\s+being\s+(?:fixed|addressed|investigated|retrained|reviewed)|"
    r"(?:we\s+are|we're)\s+(?:working|investing|retraining|adding|reviewing)|"
    r"(?:to\s+address|to\s+reduce|to\s+prevent|to\s+close)\s+(?:this|these|the|that|it))\b"
)
MITIGATED = regex_cache.compile(
    # not after a negation: "was never patched", "without safeguards", "yet to be fixed"
    r"(?<!\b(?:not|never|no|without|nor|yet\s+to\s+be|un)\s+(?:\w+\s+)?)" + _MITIGATION_WORDS,
    regex.IGNORECASE,
)
#: MITIGATED without its look-behind: every match of MITIGATED is one of this at the same start,
#: and it is about three times cheaper to search a text that has none (``_mitigated_nearby``)
_MITIGATION_GATE = regex_cache.compile(_MITIGATION_WORDS, regex.IGNORECASE)


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
        # A placeholder suggestion: shown as advice, never applied by --fix (docs/fixing.md).
        if category.label == "unmitigated":
            self._spec = SuggestionSpec(
                text=" {State what you did or are doing about it}", safe=False, description=category.suggestion
            )
        else:
            self._spec = SuggestionSpec(
                text="{Rewrite: " + category.suggestion + "}", safe=False, description=category.suggestion
            )
        self.suggestions = (self._spec,)
        self.references = category.references
        self.examples_flag = (category.flag,)
        self.examples_pass = (category.ok,)
        self.threshold: float | None = None
        #: the learned rules made together (``learned_rules``), whose sentences are scored once
        self.siblings: list[LearnedCategoryRule] = [self]
        self._least_floor: float | None = None  # the siblings' lowest ``_floor``, once known

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        unknown = set(options) - set(self.OPTIONS)
        if unknown:
            raise ConfigError(f"rule {self.id}: unknown option(s) {', '.join(sorted(unknown))}")
        if "threshold" in options:
            value = options["threshold"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise ConfigError(f"rule {self.id}: 'threshold' must be a number in (0, 1]")
            self.threshold = float(value)
            for rule in self.siblings:
                rule._least_floor = None

    def _edit(self, start: int, end: int) -> tuple[int, int, str, SuggestionSpec]:
        """Advice in a placeholder: after the sentence (add a mitigation) or in its place (rewrite)."""
        if self.cat.label == "unmitigated":
            return (end, end, self._spec.text, self._spec)
        return (start, end, self._spec.text, self._spec)

    def _floor(self) -> float:
        """The least risk of all categories together with which this rule can report a sentence:
        its threshold, else the lower of its category's bar and the bar on all together (its
        probability is never above that risk; the title bar only raises both)."""
        if self.threshold is not None:
            return self.threshold
        from commlint.semantic.model import load_model

        model = load_model()
        return min(model.thresholds[self.cat.label], model.any_risk_bar)

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        # The sentences are scored once for all the learned rules made together: only those
        # whose risk may reach the lowest of their floors can be a finding of any.
        floor = self._least_floor
        if floor is None:
            floor = self._least_floor = min(rule._floor() for rule in self.siblings)
        for start, end, score in _scores_of(doc, self.cat.label, floor):
            bar = self.threshold if self.threshold is not None else score.bar
            # the bar on all risk categories together; a threshold set for this rule replaces both
            any_bar = score.any_bar if self.threshold is None else 2.0
            if score.title:
                bar, any_bar = max(bar, TITLE_BAR), max(any_bar, TITLE_BAR)
            if score.confidence < bar and score.risk < any_bar:
                continue
            if self.cat.label in BALANCED_BY_MITIGATION and _mitigated_nearby(doc, start):
                continue
            confidence = round(score.confidence, 2)
            yield Finding(
                start,
                end,
                message=self.message.replace("{confidence}", f"{confidence:.2f}"),
                suggestions=[self._edit(start, end)],
                data={"confidence": confidence, "layer": LAYER, "category": self.cat.label},
            )


class _Scored:
    """One sentence's top risk category, its probability and the bars it is held to."""

    # (a plain class, not a dataclass: a cold check builds this class, and a dataclass costs ~1 ms)
    __slots__ = ("category", "confidence", "bar", "risk", "any_bar", "title")

    def __init__(self, category: str, confidence: float, bar: float, risk: float, any_bar: float, title: bool) -> None:
        self.category = category
        self.confidence = confidence
        self.bar = bar
        self.risk = risk  # all risk categories together
        self.any_bar = any_bar
        self.title = title  # short, or a whole block with no closing punctuation: held to TITLE_BAR

    def _fields(self) -> tuple[object, ...]:
        return (self.category, self.confidence, self.bar, self.risk, self.any_bar, self.title)

    def __eq__(self, other: object) -> bool:  # two lints of one text are compared (tests, the LSP)
        return type(other) is _Scored and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"_Scored{self._fields()!r}"


def sentence_scores(doc: Document, floor: float = 0.0) -> list[tuple[int, int, _Scored]]:
    """(start, end, top risk category) for each sentence of ``doc``, computed once per document;
    with ``floor``, only the sentences whose risk may reach it (no other can be a finding)."""
    cached = doc.meta.get("semantic-scores")
    if cached is not None and cached[0] <= floor:  # type: ignore[index]
        return cached[1]  # type: ignore[index,no-any-return]
    from commlint.semantic.model import load_model

    model = load_model()
    bars, any_bar = model.thresholds, model.any_risk_bar
    prose = doc.prose
    spans: list[tuple[int, int, bool]] = []
    texts: list[list[str]] = []
    for start, end in doc.sentences:
        text = prose[start:end].replace("\u00b6", " ")
        if PLACEHOLDER in text:
            # Code, URLs and images stand in the prose as U+FFFC; the classifier never saw them, and
            # the commas of a list of code spans are not words ("`a`, `b`, `c` are faster." is 3 words).
            text = _PLACEHOLDERS.sub(" ", text)
        words = text.split()
        n = len(words)
        if not MIN_WORDS <= n <= MAX_WORDS:
            continue
        title = n < SHORT_WORDS or (words[-1][-1] not in CLOSES and _whole_block(prose, start, end))
        spans.append((start, end, title))
        texts.append(words)
    out = [
        (start, end, _Scored(top[0], top[1], bars[top[0]], top[2], any_bar, title))
        for (start, end, title), top in zip(spans, model.top_many(texts, floor), strict=True)
        if top is not None
    ]
    doc.meta["semantic-scores"] = (floor, out)
    doc.meta.pop("semantic-by-category", None)
    return out


def _scores_of(doc: Document, label: str, floor: float) -> list[tuple[int, int, _Scored]]:
    """The sentences whose top risk category is ``label`` (those whose risk may reach ``floor``):
    each of the nine rules reads only its own."""
    cached = doc.meta.get("semantic-by-category")
    if cached is None or cached[0] > floor:  # type: ignore[index]
        grouped: dict[str, list[tuple[int, int, _Scored]]] = {}
        for item in sentence_scores(doc, floor):
            grouped.setdefault(item[2].category, []).append(item)
        cached = doc.meta["semantic-by-category"] = (floor, grouped)
    return cached[1].get(label, [])  # type: ignore[index,no-any-return]


def _whole_block(prose: str, start: int, end: int) -> bool:
    """True when [start, end) is all of its block: nothing but a block break or the edge around it."""
    before = prose[max(0, start - len(BLOCK_BREAK)) : start]
    after = prose[end : end + len(BLOCK_BREAK)]
    return (start == 0 or not before.strip() or before.endswith("\u00b6\n") or before.endswith("\n")) and (
        end >= len(prose.rstrip()) or not after.strip() or after.lstrip(" ").startswith("\n")
    )


def _mitigated_nearby(doc: Document, offset: int) -> bool:
    """A mitigation in the sentence, the one before or the one after (as UNM101 looks)."""
    sentences = doc.sentences
    i = doc.sentence_index(offset)
    lo, hi = sentences[max(0, i - 1)][0], sentences[min(len(sentences) - 1, i + 1)][1]
    # MITIGATED's first match, if any, is at or after the look-behind-free pattern's first
    gate = _MITIGATION_GATE.search(doc.prose, lo, hi)
    return gate is not None and MITIGATED.search(doc.prose, gate.start(), hi) is not None


def learned_rules() -> list[Rule]:
    rules = [LearnedCategoryRule(c) for c in CATEGORIES]
    for rule in rules:
        rule.siblings = rules
    return list(rules)
