"""A mention is not a claim: tell the company's own claims from phrases it reports or rejects.

Used by both layers (rule packs and the learned sentence layer) after a finding is made:
a risk finding inside a question, a denial ("we do not claim …"), a retraction ("an earlier
version said …; that was wrong"), a hypothetical, or words reported from critics and then
answered is dropped, and no fix is ever offered there. The tests pin each case with spans.
"""

from __future__ import annotations

import regex

_F = regex.IGNORECASE | regex.VERSION1

_QUOTES = regex.compile(r"“[^”]{1,400}”|\"[^\"]{1,400}\"|‘[^’]{1,400}’(?!\w)", _F)

#: a speaker who is not the company: critics, the press, "some"
_THIRD_PARTY = (
    r"(?:critics?|commentators?|sceptics?|skeptics?|detractors?|opponents?|campaigners?|activists?|"
    r"journalists?|reporters?|columnists?|pundits?|observers?|headlines?|press\s+reports?|news\s+reports?|"
    r"(?:an?|the|one|some)\s+(?:\w+\s+){0,3}(?:article|op-ed|editorial|newspaper|blog|post|report|story|"
    r"analyst|commentator|critic|researcher|academic|professor|headline|podcast|tweet)s?|"
    r"some(?:\s+(?:people|observers|users|outlets|reports|media))?|others|many\s+people)"
)
_SAYS = (
    r"(?:said|say|says|claimed|claim|claims|argued|argue|argues|suggested|suggests|called|calls|described|"
    r"describes|warned|warns|alleged|alleges|asserted|asserts|wrote|writes|feared|fear|fears|insisted|insists|"
    r"branded|brands|labelled|labeled|dubbed|accused|accuse|accuses|characterised|characterized|told|"
    r"speculated|speculate|worried|worry|worries|predicted|predict|predicts)"
)
#: reported speech before the span: "critics said …", "some have argued that …"
_REPORTED = regex.compile(
    rf"\b{_THIRD_PARTY}\s+(?:\w+\s+){{0,4}}?(?:have\s+|has\s+|had\s+)?{_SAYS}\b|"
    rf"\baccording\s+to\s+(?:{_THIRD_PARTY}|(?:\w+\s+){{0,3}}(?:critics?|reports?|articles?))\b|"
    r"\b(?:it\s+has\s+been|has\s+been|have\s+been|was|were)\s+(?:widely\s+)?(?:claimed|alleged|suggested|"
    r"reported|speculated|argued)\b",
    _F,
)
#: the text answering or rejecting what it reported
_REJECT = regex.compile(
    r"\b(?:we\s+(?:strongly\s+)?(?:disagree|reject|dispute|do\s+not\s+agree|don't\s+agree)|"
    r"(?:that|this|which|the\s+claim|such\s+claims?)\s+(?:is|was|are|were)\s+(?:simply\s+)?"
    r"(?:not\s+(?:true|accurate|correct|the\s+case)|wrong|false|incorrect|inaccurate|misleading|overstated|"
    r"unfounded|mistaken|exaggerated)|"
    r"in\s+fact|in\s+reality|actually|the\s+evidence\s+(?:does\s+not|doesn't)|our\s+(?:evaluations?|tests?|"
    r"data|audit|review|measurements?)\s+(?:found|show(?:ed|s)?|did\s+not)|does\s+not\s+(?:match|hold)|"
    r"not\s+(?:what|how)\s+(?:we|the)|there\s+is\s+no\s+evidence|we\s+think\s+(?:that|this)\s+overstates)",
    _F,
)
#: a denial of the claim: "we do not claim", "we never said", "nor do we promise"
_DENIAL = regex.compile(
    r"\b(?:(?:we|i|the\s+company|\w+\s+(?:labs?|ai|inc|ltd))\s+(?:do|does|did|would|will|can|could)\s*(?:not|n't)|"
    r"(?:we|i)\s+(?:have\s+)?never|(?:nor|neither)\s+(?:do|does|did|would|will|can)\s+(?:we|i)|"
    r"(?:we|i)\s+(?:are|am)\s+not|(?:we|i)\s+make\s+no|no\s+one\s+(?:here\s+)?(?:is|was))\s+"
    r"(?:\w+\s+){0,2}?(?:claim(?:ing)?|say(?:ing)?|said|promis(?:e|ing)|suggest(?:ing)?|mean|meant|believe|think|"
    r"describe|call|market|advertise|pretend|guarantee|assert|represent|imply|implying|state|stated)\b|"
    r"\b(?:it\s+is|it's|this\s+is)\s+not\s+(?:true|the\s+case|accurate)\s+that\b|"
    r"\bmake\s+no\s+(?:claim|promise|representation)s?\b",
    _F,
)
#: "no system is [unhackable]": a general denial right before the flagged words
_NO_SUBJECT = regex.compile(
    r"\b(?:no|nothing|none\s+of\s+(?:our|the)\s+\w+)\s+(?:[\w-]+\s+){0,3}?(?:is|are|was|can\s+be|will\s+ever\s+be)"
    r"\s+(?:(?:truly|completely|fully|totally|perfectly|ever|really)\s+)?$",
    _F,
)
#: a retraction of an earlier claim
_RETRACT = regex.compile(
    r"\b(?:an?\s+)?(?:earlier|previous|prior|original|initial|first)\s+(?:version|draft|edition|post|"
    r"statement|release|announcement|summary|report|update)\b(?:\s+\w+){0,6}?\s+(?:said|stated|claimed|"
    r"described|suggested|called|read|reported|incorrectly|wrongly|mistakenly)|"
    r"\b(?:we|it|this\s+(?:post|page|article))\s+(?:previously|originally|initially|earlier|once)\s+"
    r"(?:said|stated|claimed|described|suggested|called|wrote|reported|advertised|marketed|promised)|"
    r"\b(?:incorrectly|wrongly|mistakenly|erroneously)\s+(?:said|stated|claimed|described|suggested|called|"
    r"reported|implied)|\bwe\s+(?:retract|withdraw|have\s+withdrawn|have\s+retracted|corrected|have\s+corrected)\b|"
    r"^\s*(?:correction|clarification|update)\s*[:\-–—]",
    _F,
)
#: a sentence that corrects the one before it
_CORRECTS_PREVIOUS = regex.compile(
    r"^\W*(?:that|this|the\s+(?:claim|statement|figure|description|comparison|wording))\s+(?:was|is)\s+"
    r"(?:wrong|incorrect|inaccurate|false|misleading|a\s+mistake|an\s+error|not\s+(?:true|accurate|correct))|"
    r"^\W*(?:we\s+(?:retract|withdraw|regret|apologi[sz]e\s+for)|we\s+were\s+wrong)",
    _F,
)
#: a question that makes a claim: "Why pay an accountant when our AI files your taxes?"
_RHETORICAL = regex.compile(
    r"^\W*(?:why\s+(?:pay|hire|bother|wait|spend|settle|risk|keep|trust|use)|who\s+needs|"
    r"what\s+if\s+(?:you|your)\s+(?:could|never)|who\s+(?:else\s+)?(?:could|can)\s+(?:offer|promise))\b",
    _F,
)
_HYPOTHETICAL = regex.compile(r"^\W*(?:suppose|imagine|what\s+if|hypothetically|picture\s+a\s+world)\b", _F)
_QUESTION_END = regex.compile(r"\?[\"'”’)\]]*\s*$")


def mention_reason(
    text: str,
    sentence: tuple[int, int],
    span: tuple[int, int] | None = None,
    next_sentence: tuple[int, int] | None = None,
) -> str | None:
    """Why the claim at ``span`` (or the whole sentence) is a mention, not a claim; None if it is a claim.

    ``text`` is the prose view; ``sentence`` the span of the sentence holding the finding;
    ``next_sentence`` the one after it, which may reject or retract what this one says.
    """
    s_start, s_end = sentence
    sent = text[s_start:s_end]
    start, end = (span[0] - s_start, span[1] - s_start) if span else (0, len(sent))
    if _QUESTION_END.search(sent) and not _RHETORICAL.search(sent):
        return "question"
    if _HYPOTHETICAL.search(sent):
        return "hypothetical"
    before = sent[:start] if span else sent
    if _DENIAL.search(before if span else sent):
        return "denial"
    if span and _NO_SUBJECT.search(before):
        return "denial"
    if _RETRACT.search(sent):
        return "retraction"
    after = text[next_sentence[0] : next_sentence[1]] if next_sentence else ""
    if after and _CORRECTS_PREVIOUS.search(after):
        return "retraction"
    quoted = any(q.start() <= start and end <= q.end() for q in _QUOTES.finditer(sent)) if span else False
    reported = _REPORTED.search(sent)
    # Reported words the text leaves standing are amplified, not mentioned: only an answer
    # makes them a mention ("critics said X; our evaluation found otherwise").
    answered = reported is not None and (_REJECT.search(sent[reported.end() :]) or _REJECT.search(after))
    if answered and (not span or reported.start() <= start or quoted) and not _SAYS_BY_COMPANY.search(sent):
        return "reported and answered"
    if quoted and (_REJECT.search(sent[end:]) or _REJECT.search(after)):
        return "quoted and rejected"
    return None


#: the company itself speaking ("said Dana Ruiz, chief executive") keeps a quoted claim a claim
_SAYS_BY_COMPANY = regex.compile(
    r"\b(?:our|the\s+company's)\s+(?:chief|ceo|founder|president|head|director|spokesperson)|"
    r"\b(?:chief\s+\w+\s+officer|chief\s+executive|ceo|cto|coo|founder|co-founder|president|spokesperson|"
    r"spokeswoman|spokesman)\b",
    _F,
)
