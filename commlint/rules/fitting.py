"""Where a flagged phrase stands in its sentence, and whether a rewrite reads well there.

A rewrite is a drop-in for the flagged words, so it must be the same kind of phrase in the
same slot: "is unhackable" takes "is hardened against attack", but "an unhackable vault" needs
a form that can stand before a noun ("a hardened vault"), and "Totally secure is our motto"
needs one that can be a subject ("Secure by design is our motto"). Rules give those forms
(``before-noun``, ``subject``); where the rewrite has none that fits, it is not offered as a
fix. No tagger: the words around the span decide (closed word classes are short lists), and
tests/data/fix-regressions.toml measures the result.

Also here: where no fix may be offered at all, because the words are not the company's own
claim (a quotation, reported speech, a negation, a question, a retraction).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from commlint import lazyimport
from commlint.matching import regex_cache
from commlint.prose.document import Document

#: positions a flagged phrase can take
PREDICATE, BEFORE_NOUN, SUBJECT = "predicate", "before-noun", "subject"
#: after a verb and its object ("keeps your files secure"): not a form a rule declares
COMPLEMENT = "complement"
_COPULAS = frozenset(
    "is are was were be been being am 's 're remain remains remained stay stays stayed seem seems seemed "  # noqa: SIM905
    "become becomes became prove proves proved look looks feel feels sound sounds".split()
)
_WORDS = regex_cache.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")

#: object pronouns and the like: after a verb, not a noun the phrase describes
_PRONOUNS = frozenset(
    "it them us you him her me everything anything nothing something everyone anyone all both".split()  # noqa: SIM905
)
#: a phrase ending in a plural noun ("bad actors") is not an adjective before the next word
_PLURAL_NOUN_END = regex_cache.compile(r"(?<!ou|les|s)s\W*$", regex.I)
_LAST_WORDS = regex_cache.compile(r"([\p{L}\p{N}][\p{L}\p{N}'’-]*)[^\p{L}\p{N}]*$")

_DETERMINERS = frozenset(
    "a an the our your their its his her my this that these those every each any some no another".split()  # noqa: SIM905
)
#: auxiliaries and modals that follow a subject: "is", "can", "must"...
_AUXILIARIES = frozenset("is are was were has have had will would can could should may might must shall".split())  # noqa: SIM905
#: linking verbs in the present: "remains", "seems", "makes"...
_LINKING = frozenset("remains remain stays stay seems seem becomes become means mean makes make keeps keep".split())  # noqa: SIM905
#: words after a phrase that show it is not standing before a noun
_NOT_NOUN = (
    frozenset(
        "and or but nor so yet for to of in on at by with from against as than that which who whom whose when "  # noqa: SIM905
        "where while if because unless until since though although whether into onto over under about around "
        "across through throughout within without after before during per via like be been being am do does did "
        "cannot can't won't isn't aren't doesn't don't didn't wasn't weren't too enough either also even still "
        "again already just only here there now then today tomorrow yesterday anymore forever indeed ever always "
        "never not".split()
    )
    | _AUXILIARIES
    | _LINKING
)
#: finite verbs that follow a sentence's subject
_FINITE = _AUXILIARIES | _LINKING | {"sounds", "sound"}
#: a rewrite ending in one of these wants the noun after it ("aim for accuracy")
_TAKES_OBJECT = frozenset(["for", "of", "to", "against", "with", "about", "on", "in", "from", "ensure"])
_PLURAL_PRONOUNS = frozenset(["we", "they", "you", "these", "those", "both", "all", "many", "several"])
_SINGULAR_S = regex_cache.compile(r"(?:ss|us|is|ics|ness|news|series|its|this|always|gas|has|was|does)$", regex.I)
#: a participle or adjective with a complement after it: cannot stand before a noun or be a subject
_POSTMODIFIED = regex_cache.compile(
    r"^\W*(?:\w+ly\s+)?[\w-]+\s+(?:to|against|from|by|for|with|of|in|on|at|under|as|not|but)\b", regex.I
)
#: an auxiliary or modal first: a verb phrase ("is designed to", "cannot easily be")
_AUX_LEAD = regex_cache.compile(
    r"^\W*(?:is|are|was|were|be|been|has|have|had|will|would|can|cannot|could|should|may|might|must|does|do|did)\b",
    regex.I,
)
#: a participle first (after an adverb): "designed to be safe", "strongly protected"
_PARTICIPLE_LEAD = regex_cache.compile(r"^\W*(?:\w+ly\s+)?\w+(?:ed|en)\b", regex.I)
_AGREE = {"is": "are", "was": "were", "has": "have", "does": "do"}


@dataclass(frozen=True)
class Fit:
    """The text to offer (None when no form fits) and, if so, why not."""

    text: str | None
    position: str
    reason: str = ""


def _last_word(text: str) -> str:
    m = _LAST_WORDS.search(text)
    return m.group(1).lower() if m else ""


# Through the pattern cache, not regex.match(str): regex's own parser costs ~1 ms a pattern on
# the first call of every process.
_NEXT_WORD = regex_cache.compile(r"[*_]*[ \t]+([\p{L}][\p{L}\p{N}'’-]*)")
_CLAUSE_BREAK = regex_cache.compile(r"[,;:()—–]|\s-\s")
_CLAUSE_GOES_ON = regex_cache.compile(r"[.!?;:]|(?:about|in|on|with|for|at|when|if|during|because)\b")


def _next_word(text: str) -> str | None:
    """The word right after the span (only spaces between), else None (punctuation or end)."""
    m = _NEXT_WORD.match(text)
    return m.group(1) if m else None


def position_of(before: str, original: str, after: str) -> str:
    """The slot of ``original`` given its sentence's text before and after it."""
    nxt = _next_word(after)
    lead = not before.strip(" \t\"'“‘(*_")
    low = nxt.lower() if nxt is not None else ""
    noun_next = low and low not in _NOT_NOUN | _DETERMINERS | _PRONOUNS and not low.endswith("ly")
    if noun_next and not _PLURAL_NOUN_END.search(original) and not _VERB_AFTER_SUBJECT.search(before + original):
        return BEFORE_NOUN
    if lead and nxt is not None and nxt.lower() in _FINITE:
        return SUBJECT
    return PREDICATE


#: "We guarantee accuracy": a word right after a subject pronoun is a verb, and the noun its object
_VERB_AFTER_SUBJECT = regex_cache.compile(r"\b(?:we|i|you|they|he|she|it|who|which)\s+[\w'’-]+\W*$", regex.I)


def _postmodified(text: str) -> bool:
    return bool(_POSTMODIFIED.match(text)) or "," in text


def fits_before_noun(text: str) -> bool:
    """A phrase that can stand between a determiner and its noun ("hardened", "low-risk")."""
    words = text.split()
    if _postmodified(text) or _AUX_LEAD.match(text):
        return False
    return 0 < len(words) <= 3 and not any(w.lower() in _NOT_NOUN for w in words)


def fits_subject(text: str) -> bool:
    """A phrase that can be a sentence's subject: not a participle or verb phrase."""
    return not _AUX_LEAD.match(text) and not _PARTICIPLE_LEAD.match(text)


def choose(before: str, original: str, after: str, text: str, forms: dict[str, str], where: str | None = None) -> Fit:
    """The form of a rewrite for ``original`` that fits between ``before`` and ``after`` (its
    sentence), or why none does. ``where`` is ``position_of(before, original, after)``, when
    the caller has it already."""
    if where is None:
        where = position_of(before, original, after)
    if where == BEFORE_NOUN and _last(original) == _last(text) and len(_WORDS.findall(original)) >= 3:
        # "cannot produce biased results": a longer phrase whose last word keeps its noun
        where = PREDICATE
    if where == BEFORE_NOUN:
        for candidate in (forms.get(BEFORE_NOUN), text):
            if candidate is not None and fits_before_noun(candidate):
                return Fit(candidate, where)
        if _last(text) in _TAKES_OBJECT:
            return Fit(_agree(before, text), PREDICATE)  # "aim for" + the noun: a verb and its object
        return _no(where, "it cannot stand before a noun")
    if where == SUBJECT:
        for candidate in (forms.get(SUBJECT), text):
            if candidate is not None and fits_subject(candidate):
                return Fit(candidate, where)
        return _no(where, "it cannot be the subject of the sentence")
    if _clause_clash(text, after):
        return _no(where, "its second clause would run into the rest of the sentence")
    if _PARTICIPLE_LEAD.match(text) and _postmodified(text) and not _after_copula(before):
        # "keeps your files totally secure": a participle phrase there would describe the files
        other = forms.get(SUBJECT)
        if other is not None and fits_subject(other):
            return Fit(other, COMPLEMENT)
        return _no(COMPLEMENT, "it would read as describing the word before it")
    return Fit(_agree(before, text), where)


def _last(text: str) -> str:
    words = _WORDS.findall(text.lower())
    return words[-1] if words else ""


def _after_copula(before: str) -> bool:
    """The clause before the span links a subject to it ("is", "are", "will be", "remains")."""
    clause = _CLAUSE_BREAK.split(before)[-1]
    words = _WORDS.findall(clause.lower())[-6:]
    return any(w in _COPULAS for w in words) or not words


def _no(where: str, why: str) -> Fit:
    return Fit(None, where, f"no form of the rewrite fits here: {why}")


def _clause_clash(text: str, after: str) -> bool:
    """A rewrite ending in a clause of its own (", but can make mistakes") before more sentence."""
    if "," not in text:
        return False
    rest = after.lstrip(" \t*_\"'”’)")
    return bool(rest) and not _CLAUSE_GOES_ON.match(rest)


def _agree(before: str, text: str) -> str:
    """'is designed …' after a plural subject reads 'are designed …'."""
    first, _, rest = text.partition(" ")
    low = first.lower()
    if low not in _AGREE or not rest:
        return text
    subject = _last_word(before)
    plural = subject in _PLURAL_PRONOUNS or (
        subject.endswith("s") and len(subject) > 3 and not _SINGULAR_S.search(subject) and not subject.endswith("'s")
    )
    if not plural:
        return text
    new = _AGREE[low]
    return (new.capitalize() if first[0].isupper() else new) + " " + rest


# -- where no fix is offered ---------------------------------------------------------------

#: a negation earlier in the clause turns a rewrite around ("Nobody should call it unhackable")
_NEGATION = regex_cache.compile(
    r"(?:\b(?:not|never|no|nobody|no-one|none|nothing|neither|nor|without|hardly|cannot)\b|n['’]t\b)", regex.I
)
_CLAUSE_END = regex_cache.compile(r"[,;:()—–]|\s-\s|\b(?:but|yet|however|while|whereas)\b", regex.I)
#: "some call it", "many say": speech of others without a named speaker
_OTHERS_SAY = regex_cache.compile(
    r"\b(?:some|many|others|several|a\s+few|analysts|experts|researchers|reporters|journalists|critics|"
    r"commentators|observers|sceptics|skeptics|people|users|customers|rivals|competitors)\s+"
    r"(?:people\s+|have\s+|had\s+)?(?:call|called|say|said|describe|"
    r"described|claim|claimed|fear|feared|argue|argued|think|thought|believe|believed|warn|warned|label|labelled|labeled)\b",
    regex.I,
)
#: "If the vault were unhackable, ...": the clause up to its comma is not a claim
_COUNTERFACTUAL = regex_cache.compile(r"^[\W_]*(?:if|even\s+if|as\s+if|as\s+though)\b[^,;]*?\bwere\b[^,;]*", regex.I)
#: how far back in the clause a negation counts, in characters
NEGATION_REACH = 80


def _negated(before: str) -> bool:
    """A negation in the same clause, not too far before the span."""
    tail = before[-NEGATION_REACH:]
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(tail)), default=0)
    return _NEGATION.search(tail, clause_start) is not None


def no_fix_reason(doc: Document, start: int, end: int) -> str | None:
    """Why no rewrite may be offered for prose[start:end], or None when one may.

    A fix there would change words that are not the company's own claim, or turn a denial
    around: inside quotation marks or reported speech, after a negation, in a question, a
    retraction, a hypothetical, a denial or answered criticism.
    """
    sentences = doc.sentences
    if not sentences:
        return None
    index = doc.sentence_index(start)
    a, b = sentences[index]
    if not a <= start < b:
        return None
    mentions = lazyimport.module("commlint.prose.mentions")
    facts = mentions.facts_at(doc, index)
    rel_start, rel_end = start - a, min(end, b) - a
    why: str | None = mentions.reason_for_span(facts, rel_start, rel_end)
    if why is not None:
        return why
    sentence = doc.prose[a:b]
    if sentence.rstrip(" \t\n\"'”’)*_").endswith("?"):
        return "question"
    if any(q_start <= rel_start and rel_end <= q_end for q_start, q_end in facts.quotes):
        return "quotation"
    reported = facts.reported_end  # reported_speech_end(sentence), read with the sentence's facts
    others = _OTHERS_SAY.search(sentence, 0, rel_start)
    if (reported is not None and reported <= rel_start) or others is not None:
        return "reported speech"
    if _negated(sentence[:rel_start]):
        return "negation"
    counterfactual = _COUNTERFACTUAL.match(sentence)
    if counterfactual is not None and rel_start < counterfactual.end():
        return "hypothetical"
    return None
