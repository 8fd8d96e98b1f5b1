"""A mention is not a claim: tell the company's own claims from phrases it reports or rejects.

Used by both layers (rule packs and the learned sentence layer) after a finding is made:
a risk finding inside a question, a denial ("we do not claim …"), a retraction ("an earlier
version said …; that was wrong"), a hypothetical, or words reported from critics and then
answered is dropped, and no fix is ever offered there. The tests pin each case with spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import regex

from commlint.matching import regex_cache
from commlint.prose.document import BLOCK_BREAK

if TYPE_CHECKING:
    from commlint.prose.document import Document

_F = regex.IGNORECASE | regex.VERSION1

_QUOTES = regex_cache.compile(r"“[^”]{1,400}”|\"[^\"]{1,400}\"|‘[^’]{1,400}’(?!\w)", _F)

#: a speaker who is not the company: critics, the press, "some"
_THIRD_PARTY = (
    r"(?:critics?|commentators?|sceptics?|skeptics?|detractors?|opponents?|campaigners?|activists?|"
    r"journalists?|reporters?|columnists?|pundits?|observers?|headlines?|press\s+reports?|news\s+reports?|"
    r"tabloids?|newspapers|(?:the\s+)?media|media\s+outlets|bloggers?|influencers?|doomers?|futurists?|"
    r"(?:an?|the|one|some)\s+(?:\w+\s+){0,3}(?:article|op-ed|editorial|newspaper|blog|post|report|story|"
    r"analyst|commentator|critic|researcher|academic|professor|headline|podcast|tweet|coalition|group|"
    r"watchdog|regulator|lawmaker|legislator|union|advocate|ngo|charity|organi[sz]ation|campaign)s?|"
    r"(?:\w+\s+){0,2}(?:advocacy|campaign|consumer|privacy|civil[- ]liberties|rights|parents')\s+groups|"
    r"(?:regulators|lawmakers|legislators|watchdogs|advocates|unions|ngos)|"
    r"(?:some|many|several)\s+(?:people|observers|outlets|reports|media|researchers|analysts|experts|critics))"
)
_SAYS = (
    r"(?:said|say|says|claimed|claim|claims|argued|argue|argues|suggested|suggests|called|calls|described|"
    r"describes|warned|warns|alleged|alleges|asserted|asserts|wrote|writes|feared|fear|fears|insisted|insists|"
    r"branded|brands|labelled|labeled|dubbed|accused|accuse|accuses|characterised|characterized|told|"
    r"speculated|speculate|worried|worry|worries|predicted|predict|predicts)"
)
#: reported speech before the span: "critics said …", "some have argued that …"
_REPORTED = regex_cache.compile(
    rf"\b{_THIRD_PARTY}\s+(?:\w+\s+){{0,4}}?(?:have\s+|has\s+|had\s+)?{_SAYS}\b|"
    rf"\baccording\s+to\s+(?:{_THIRD_PARTY}|(?:\w+\s+){{0,3}}(?:critics?|reports?|articles?))\b|"
    r"\b(?:it\s+has\s+been|has\s+been|have\s+been|was|were)\s+(?:widely\s+)?(?:claimed|alleged|suggested|"
    r"reported|speculated|argued)\b",
    _F,
)
#: the text answering or rejecting what it reported
_REJECT = regex_cache.compile(
    r"\b(?:we\s+(?:strongly\s+)?(?:disagree|reject|dispute|do\s+not\s+agree|don't\s+agree)|"
    # "…, a view we do not share", "…, which we do not accept"
    r"(?:a|the)\s+(?:view|claim|picture|prediction|forecast)\s+(?:that\s+)?we\s+(?:do\s+not|don't|no\s+longer)\s+"
    r"(?:share|hold|accept)|which\s+we\s+(?:do\s+not|don't)\s+(?:share|accept|believe)|"
    r"(?:that|this|which|the\s+claim|such\s+claims?)\s+(?:is|was|are|were)\s+(?:simply\s+)?"
    r"(?:not\s+(?:true|accurate|correct|the\s+case)|wrong|false|incorrect|inaccurate|misleading|overstated|"
    r"unfounded|mistaken|exaggerated)|"
    r"the\s+evidence\s+(?:does\s+not|doesn't)|our\s+(?:evaluations?|tests?|"
    r"data|audit|review|measurements?)\s+(?:found|show(?:ed|s)?|did\s+not)|does\s+not\s+(?:match|hold)|"
    r"not\s+(?:what|how)\s+(?:we|the)|there\s+is\s+no\s+evidence|we\s+think\s+(?:that|this)\s+overstates|"
    # an answer by action: the company responds to what it reported rather than saying it
    r"in\s+response(?:\s+to\s+(?:that|this|these|those|them|it))?,?\s+we|"
    r"we\s+take\s+(?:that|this|these|those|the|such)\s+(?:\w+\s+)?(?:concerns?|criticisms?|points?|warnings?)\s+"
    r"seriously|to\s+address\s+(?:that|this|these|those|such)\s+(?:concerns?|criticisms?|points?|worries)|"
    r"we\s+have\s+since\s+(?:changed|switched|removed|added|limited|restricted|published|paused|disabled))",
    _F,
)
#: a denial of the claim: "we do not claim", "we never said", "nor do we promise"
_DENIAL = regex_cache.compile(
    r"\b(?:(?:we|i|the\s+company|our\s+(?:company|team|firm)|\w+\s+(?:labs?|ai|inc|ltd)|(?-i:[A-Z][\w-]+))\s+"
    r"(?:do|does|did|would|will|can|could)\s*(?:not|n't)|"
    r"(?:we|i)\s+(?:have\s+)?never|(?:nor|neither)\s+(?:do|does|did|would|will|can)\s+(?:we|i)|"
    r"(?:we|i)\s+(?:are|am)\s+not|(?:we|i)\s+make\s+no|no\s+one\s+(?:here\s+)?(?:is|was))\s+"
    r"(?:\w+\s+){0,2}?(?:claim(?:ing)?|say(?:ing)?|said|promis(?:e|ing)|suggest(?:ing)?|"
    r"describe|call|market|advertise|pretend|guarantee|assert|represent|imply|implying|state|stated|present|"
    r"position|bill|sell|label|characteri[sz]e)\b|"
    # "no vendor can guarantee …", "nobody can promise …": a general denial, not a claim
    r"\b(?:(?:no|not\s+a\s+single)\s+(?!other\b|else\b)(?:[\w-]+\s+){0,2}?|nobody\s+|no\s+one\s+)"
    r"(?:can|could|will|would|should)\s+(?:\w+\s+)?(?:guarantee|promise|claim|ensure|assure)\b|"
    r"\b(?:it\s+is|it's|this\s+is)\s+not\s+(?:true|the\s+case|accurate)\s+that\b|"
    r"\bmake\s+no\s+(?:claim|promise|representation)s?\b",
    _F,
)
#: "no system is [unhackable]": a general denial right before the flagged words
_NO_SUBJECT = regex_cache.compile(
    r"\b(?:no|nothing|none\s+of\s+(?:our|the)\s+\w+)\s+(?!other\b|else\b)(?:[\w-]+\s+){0,3}?"
    r"(?:is|are|was|can\s+be|will\s+ever\s+be)\s+(?:(?:truly|completely|fully|totally|perfectly|ever|really)\s+)?",
    _F,
)
#: a retraction of an earlier claim
_RETRACT = regex_cache.compile(
    r"\b(?:an?\s+)?(?:earlier|previous|prior|original|initial|first)\s+(?:[\w-]+\s+)?(?:version|draft|"
    r"edition|post|statement|release|announcement|summary|report|update)\b(?:\s+\w+){0,6}?\s+(?:said|stated|"
    r"claimed|described|suggested|called|read|reported|implied|incorrectly|wrongly|mistakenly)|"
    r"\b(?:earlier|previous|prior|original)\s+(?:statement|claim|description|assertion|wording)\s+that\b|"
    r"\bwe\s+(?:are|were)\s+(?:withdrawing|retracting|correcting)\b|\bwe\s+(?:withdrew|retracted)\b|"
    r"\b(?:we|it|this\s+(?:post|page|article))\s+(?:previously|originally|initially|earlier|once)\s+"
    r"(?:said|stated|claimed|described|suggested|called|wrote|reported|advertised|marketed|promised)|"
    r"\b(?:incorrectly|wrongly|mistakenly|erroneously)\s+(?:said|stated|claimed|described|suggested|called|"
    r"reported|implied)|\bwe\s+(?:retract|withdraw|have\s+withdrawn|have\s+retracted|corrected|have\s+corrected)\b|"
    r"^\s*correction\s*[:\-–—]",
    _F,
)
#: a sentence that corrects the one before it
_CORRECTS_PREVIOUS = regex_cache.compile(
    r"^\W*(?:that|this|the\s+(?:claim|statement|figure|description|comparison|wording))\s+(?:was|is)\s+"
    r"(?:wrong|incorrect|inaccurate|false|misleading|a\s+mistake|an\s+error|not\s+(?:true|accurate|correct))"
    r"(?!\s+(?:of|for|about|in)\b)|"
    r"^\W*(?:we\s+(?:retract|withdraw|apologi[sz]e\s+for)|we\s+were\s+wrong)",
    _F,
)
#: a question that makes a claim: "Why pay an accountant when our AI files your taxes?"
_RHETORICAL = regex_cache.compile(
    r"^\W*(?:why\s+(?:pay|hire|bother|wait|spend|settle|risk|keep|trust|use|choose|look)|who\s+needs|"
    r"did\s+you\s+know|ready\s+(?:for|to)|isn't\s+it\s+time|want\s+(?:a|an|to)|looking\s+for|"
    r"what\s+if\s+(?:you|your)\s+(?:could|never)|who\s+(?:else\s+)?(?:could|can)\s+(?:offer|promise))\b",
    _F,
)
#: a law or rule described as the subject: "The Ruritania AI Act prohibits social scoring …"
_LAW_SAYS = regex_cache.compile(
    r"^\W*(?:the|a|an|this|that|its|our|new|proposed)\s+(?:[\w'’.-]+\s+){0,6}?(?:act|regulation|law|convention|"
    r"treaty|directive|statute|code\s+of\s+practice|bill|ordinance|rules|guidance|protocol)\b(?:\s*\([^)]{0,40}\))?"
    r",?\s+(?:(?:also|already|now|expressly|explicitly)\s+)?(?:prohibits?|bans?|forbids?|outlaws?|restricts?|"
    r"requires?|classif(?:y|ies)|obliges?|limits?|lists?|defines?|regulates?|governs?|criminali[sz]es?|"
    r"makes?\s+it\s+(?:illegal|unlawful))\b",
    _F,
)
_HYPOTHETICAL = regex_cache.compile(r"^\W*(?:suppose|imagine|what\s+if|hypothetically|picture\s+a\s+world)\b", _F)
_QUESTION_END = regex_cache.compile(r"\?[\"'”’)\]]*\s*$")


#: where one clause ends and another starts: a denial does not reach past it
_CLAUSE_BREAK = regex_cache.compile(r"[:;]|,\s+(?:but|yet|and\s+yet|however)\b|\s[-–—]\s|\.\s")
#: how far before a flagged phrase a denial or "no X is" is looked for, in characters
DENIAL_REACH = 160


@dataclass(frozen=True)
class SentenceFacts:
    """What one sentence says about itself, read once however many findings it holds."""

    whole: str | None  # a reason that covers the whole sentence (question, retraction, ...)
    denials: tuple[tuple[int, int], ...]  # (start, end) of each denial cue
    no_subject_ends: tuple[int, ...]
    breaks: tuple[int, ...]  # clause breaks, where the sentence has a denial (empty otherwise)
    quotes: tuple[tuple[int, int], ...]
    reported_at: int | None  # end of "critics said", when the text answers them
    rebuttal_at: int | None  # where the answer starts (the sentence's end if the next one answers)
    answered_after_quote: tuple[bool, ...]
    #: end of "critics said", answered or not (reported_speech_end of the sentence); fixes read it
    reported_end: int | None


#: Gates: what the case-folded sentence must hold for a costly pattern to match, read off the
#: pattern's alternatives (each needs one of these at the start of a word, and _DENIAL a negation
#: as well). The patterns fold case fully and try every position; a gate is one quick scan, so
#: the patterns run only on the few sentences that could match. tests/test_mentions.py checks
#: every gate on every sentence of the training data and the corpora.
_GATES = {
    # "an earlier version said": the version (retract-version) and, after it, what it did
    "retract-version": (
        r"\b(?:earlier|previous|prior|original|initial|first)\s+(?:[\w-]+\s+)?(?:version|draft|edition|post|"
        r"statement|release|announcement|summary|report|update)"
    ),
    "retract-said": (
        r"\s(?:said|stated|claimed|described|suggested|called|read|reported|implied|incorrectly|wrongly|mistakenly)"
    ),
    "retract": (
        r"\b(?:earlier|previous|prior|original)\s+(?:statement|claim|description|assertion|wording)|"
        r"\b(?:previously|originally|initially|earlier|once)\s+(?:said|stated|claimed|described|suggested|called|"
        r"wrote|reported|advertised|marketed|promised)|"
        r"\b(?:withdr|retract|correct|incorrect|wrongly|mistaken|erroneous)"
    ),
    "reported": (
        r"\b(?:said|say|claim|argu|suggest|call|describ|warn|alleg|assert|wrote|write|fear|insist|brand|label|"
        r"dubbed|accus|characteri|told|speculat|worr|predict|according|report)"
    ),
    "negation": r"not\b|n't\b|\b(?:never|nor|neither|no|nobody)\b",
    # "no system is …": the "no" word, then (retract-style) the verb after it
    "no-subject": r"\b(?:no|nothing|none)\b",
    "no-subject-verb": r"\b(?:is|are|was|be)\b",
    "denial-verb": (
        r"\b(?:claim|say|said|promis|suggest|describe|call|market|advertise|pretend|guarantee|assert|represent|"
        r"impl|state|present|position|bill|sell|label|characteri|ensure|assure|true|the\s+case|accurate)"
    ),
    "law-start": r"\W*(?:the|a|an|this|that|its|our|new|proposed)\s",  # matched at the start
    "law-noun": (
        r"\b(?:act|regulation|law|convention|treaty|directive|statute|code\s+of\s+practice|bill|ordinance|rules|"
        r"guidance|protocol)\b"
    ),
    "law-verb": (
        r"\b(?:prohibit|ban|forbid|outlaw|restrict|requir|classif|oblig|limit|list|defin|regulat|govern|"
        r"criminali|illegal|unlawful)"
    ),
}


@cache
def _gate(name: str) -> re.Pattern[str]:
    """A gate, compiled when first used (a check that meets no mention never compiles them)."""
    return re.compile(_GATES[name])


def _may_retract(folded: str) -> bool:
    if _gate("retract").search(folded) is not None:
        return True
    return _gate("retract-version").search(folded) is not None and _gate("retract-said").search(folded) is not None


def _may_have_no_subject(folded: str) -> bool:
    return _gate("no-subject").search(folded) is not None and _gate("no-subject-verb").search(folded) is not None


def _may_report(folded: str) -> bool:
    return _gate("reported").search(folded) is not None


def _may_be_law(folded: str) -> bool:
    return (
        _gate("law-start").match(folded) is not None
        and _gate("law-noun").search(folded) is not None
        and _gate("law-verb").search(folded) is not None
    )


def _may_deny(folded: str) -> bool:
    return _gate("negation").search(folded) is not None and _gate("denial-verb").search(folded) is not None


def sentence_facts(text: str, sentence: tuple[int, int], next_sentence: tuple[int, int] | None) -> SentenceFacts:
    """Read the mention cues of one sentence (each pattern runs once over it: linear time)."""
    sent = text[sentence[0] : sentence[1]]
    after = text[next_sentence[0] : next_sentence[1]] if next_sentence else ""
    folded = sent.casefold()  # as the patterns' full case folding reads it
    whole = None
    if _QUESTION_END.search(sent) and not _RHETORICAL.search(sent):
        whole = "question"
    elif _HYPOTHETICAL.search(sent):
        whole = "hypothetical"
    elif _may_be_law(folded) and _LAW_SAYS.match(sent):
        whole = "law described"
    elif (_may_retract(folded) and _RETRACT.search(sent)) or (
        after and len(after.split()) <= 14 and _CORRECTS_PREVIOUS.search(after)
    ):
        whole = "retraction"
    reported = _REPORTED.search(sent) if _may_report(folded) else None
    rebuttal_at = None
    reported_end = None
    if reported is not None and not _SAYS_BY_COMPANY.search(sent):
        reported_end = reported.end()
        answer = _REJECT.search(sent, reported.end())
        if answer is not None:
            rebuttal_at = answer.start()
        elif _REJECT.search(after):
            rebuttal_at = len(sent)
    quotes = tuple(q.span() for q in _QUOTES.finditer(sent))
    answered = tuple(bool(_REJECT.search(sent, q[1]) or _REJECT.search(after)) for q in quotes)
    denials = tuple(m.span() for m in _DENIAL.finditer(sent)) if _may_deny(folded) else ()
    return SentenceFacts(
        whole=whole,
        denials=denials,
        no_subject_ends=tuple(m.end() for m in _NO_SUBJECT.finditer(sent)) if _may_have_no_subject(folded) else (),
        # read only to stop a denial's reach, so found only where there is a denial
        breaks=tuple(m.start() for m in _CLAUSE_BREAK.finditer(sent)) if denials else (),
        quotes=quotes,
        reported_at=reported.end() if rebuttal_at is not None and reported is not None else None,
        rebuttal_at=rebuttal_at,
        answered_after_quote=answered,
        reported_end=reported_end,
    )


def reason_for_span(facts: SentenceFacts, start: int, end: int) -> str | None:
    """Why the phrase at sentence-relative [start, end) is a mention; None if it is a claim."""
    if facts.whole is not None:
        return facts.whole
    for d_start, d in facts.denials:
        # the flagged word may be the denial's own verb: "no vendor can guarantee"
        if d_start <= start and start - DENIAL_REACH <= d and not any(d <= b < start for b in facts.breaks):
            return "denial"
    if any(start - 4 <= d <= start for d in facts.no_subject_ends):
        return "denial"
    reported, rebuttal = facts.reported_at, facts.rebuttal_at
    if reported is not None and rebuttal is not None and reported <= start and end <= rebuttal:
        return "reported and answered"
    for (q_start, q_end), answered in zip(facts.quotes, facts.answered_after_quote, strict=True):
        if q_start <= start and end <= q_end and answered:
            return "quoted and rejected"
    return None


def facts_at(doc: Document, index: int) -> SentenceFacts:
    """The facts of ``doc``'s sentence ``index``, read once per document and shared by every finding
    (and every fix) in it. The next sentence answers it only within the same block."""
    cache = doc.meta.setdefault("mention-facts", {})
    assert isinstance(cache, dict)
    facts = cache.get(index)
    if facts is None:
        sentences = doc.sentences
        following = sentences[index + 1] if index + 1 < len(sentences) else None
        if following is not None and doc.prose.find(BLOCK_BREAK, sentences[index][1], following[0]) >= 0:
            following = None  # the next block is not this sentence's answer
        facts = cache[index] = sentence_facts(doc.prose, sentences[index], following)
    return facts


def reported_speech_end(sentence: str) -> int | None:
    """Where "critics said" (someone other than the company speaking) ends in ``sentence``, answered
    or not; None when nobody else is reported. No fix rewrites what another party said."""
    found = _REPORTED.search(sentence)
    return found.end() if found is not None and not _SAYS_BY_COMPANY.search(sentence) else None


def reason_for_sentence(facts: SentenceFacts) -> str | None:
    """Why a whole sentence (as the learned layer scores it) is a mention; None if it is a claim."""
    if facts.whole is None and facts.reported_at is not None:
        return "reported and answered"
    return facts.whole or ("denial" if facts.denials else None)


#: the company itself speaking ("said Dana Ruiz, chief executive") keeps a quoted claim a claim
_SAYS_BY_COMPANY = regex_cache.compile(
    r"\b(?:our|the\s+company's)\s+(?:chief|ceo|founder|president|head|director|spokesperson)|"
    r"\b(?:chief\s+\w+\s+officer|chief\s+executive|ceo|cto|coo|founder|co-founder|president|spokesperson|"
    r"spokeswoman|spokesman)\b",
    _F,
)
