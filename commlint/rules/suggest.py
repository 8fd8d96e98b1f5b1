"""Turning a rule's suggestion into a source edit: case, articles and placeholders."""

from __future__ import annotations

from typing import Any

import regex

from commlint import lazyimport
from commlint.engine.diagnostics import Suggestion
from commlint.matching import regex_cache
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import SuggestionSpec

PLACEHOLDER = regex_cache.compile(r"\{[^{}]+\}")
_ARTICLE_BEFORE = regex_cache.compile(r"\b(a|an|A|An|AN)([ \t]+)$")
_LINE_BREAK = regex_cache.compile(r"[ \t]*\r?\n[ \t]*")
_ELEVEN_EIGHTEEN = regex_cache.compile(r"1[18](?![0-9])")
_ARTICLE_ACROSS_MARKUP = regex_cache.compile(r"\b(a|an|A|An|AN)[ \t]+[*_]+$")
_VOWEL_SOUND_EXCEPTIONS = regex_cache.compile(
    # "a unique", "a user", "a one-off", "a European", "a urologist" (but "an unimportant")
    r"^(?:uni(?![nm])|use|usu|uti|ubiq|one(?!r)|once|eu|ewe|ur[aeiou])",
    regex.I,
)
_SILENT_H = regex_cache.compile(r"^(?:hour|honest|honou?r|heir)", regex.I)
_ACRONYM = regex_cache.compile(r"^[A-Z][A-Z0-9]+(?:s|'s|’s)?$")
#: letters whose English names start with a vowel sound: "an FBI", "an LLM", "an SDK"
_VOWEL_NAMED_LETTERS = frozenset("AEFHILMNORSX")
_VOWELS = frozenset("AEIOU")
_EDGE_OPEN = "\"'“‘«(["
_EDGE_CLOSE = "\"'”’»)]"
_TRAILING_PUNCT = ".,;:!?"
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
)


def article_for(word: str) -> str:
    """'a' or 'an' for the word that follows (sound, not spelling, where it is easy to tell)."""
    word = word.lstrip("\"'“‘(*_")
    if not word:
        return "a"
    if word[0].isdigit():
        # "an 8-bit", "an 11-point", "an 18-month"; every other leading digit takes "a"
        return "an" if word[0] == "8" or _ELEVEN_EIGHTEEN.match(word) else "a"
    if _ACRONYM.match(word):
        letters = word.rstrip("s'’")
        # Read as a word when it has a vowel second (NASA, NATO); otherwise letter by letter.
        if not (len(letters) >= 4 and letters[1] in _VOWELS):
            return "an" if letters[0] in _VOWEL_NAMED_LETTERS else "a"
    if _SILENT_H.match(word):
        return "an"
    if word[0].lower() in "aeiou" and not _VOWEL_SOUND_EXCEPTIONS.match(word):
        return "an"
    return "a"


def match_case(original: str, replacement: str) -> str:
    """Carry the original's capitalisation over to the replacement.

    ALL CAPS (a word of four letters or more, or several words) stays all caps; Title Case
    over several words stays Title Case; a capital first letter stays capital; a lower-case
    original turns a capitalised replacement lower case, unless it starts with an acronym.
    """
    if not original or not replacement:
        return replacement
    letters = [c for c in original if c.isalpha()]
    words = original.split()
    if letters and all(c.isupper() for c in letters):
        # "NEVER FAILS" is shouting and stays so; "AI" is an acronym, and says nothing of case
        return replacement.upper() if (len(letters) > 3 or len(words) > 1) else replacement
    first = next((c for c in original if c.isalpha()), "")
    multi = len(replacement.split()) > 1 or "-" in replacement
    if len(words) > 1 and all(w[:1].isupper() for w in words if w[:1].isalpha()) and multi:
        return _title(replacement)
    if first.isupper():
        return _capitalise(replacement)
    if first.islower():
        lead = next((i for i, c in enumerate(replacement) if c.isalpha()), None)
        if lead is not None and replacement[lead].isupper() and not replacement[lead : lead + 2].isupper():
            # "Never wrong" -> "Accurate ..." mid-sentence should read "accurate ..."
            return replacement[:lead] + replacement[lead].lower() + replacement[lead + 1 :]
    return replacement


def _capitalise(text: str) -> str:
    lead = next((i for i, c in enumerate(text) if c.isalpha()), None)
    if lead is None or text[lead].isupper():
        return text
    return text[:lead] + text[lead].upper() + text[lead + 1 :]


def _title(text: str) -> str:
    """Title Case: each word (and each part of a hyphenated one) capitalised, small words apart."""
    out = []
    for i, w in enumerate(text.split(" ")):
        parts = w.split("-")
        out.append(
            "-".join(
                p if ((i or j) and p.lower() in _SMALL_WORDS) or p[:2].isupper() else _capitalise(p)
                for j, p in enumerate(parts)
            )
        )
    return " ".join(out)


def _in_title(doc: Document, start: int) -> bool:
    """The phrase stands in a Title Case line ("The Kestrel Vault Is Unhackable")."""
    if not doc.sentences:
        return False
    a, b = doc.sentences[doc.sentence_index(start)]
    words = [w for w in doc.prose[a:b].split() if w[:1].isalpha()]
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    return len(big) >= 3 and all(w[:1].isupper() for w in big)


def preserve_edges(original: str, replacement: str) -> str:
    """Keep the quotes and trailing punctuation that the matched span carried at its edges.

    A pattern that swallowed the full stop, comma or quotes around a phrase must not take
    them away: '“unhackable.”' -> '“strongly protected.”'. An empty replacement (a
    deletion) is left alone.
    """
    if not replacement.strip():
        return replacement
    lead = len(original) - len(original.lstrip(_EDGE_OPEN))
    opening = original[:lead]
    body = original[lead:]
    tail = len(body) - len(body.rstrip(_EDGE_CLOSE + _TRAILING_PUNCT))
    closing = body[len(body) - tail :] if tail else ""
    if opening and not replacement.startswith(opening):
        replacement = opening + replacement.lstrip(_EDGE_OPEN)
    if closing and not replacement.endswith(closing):
        replacement = replacement.rstrip(_EDGE_CLOSE + _TRAILING_PUNCT) + closing
    return replacement


def keep_line_breaks(original: str, replacement: str) -> str:
    """A phrase wrapped over lines keeps its line breaks, at the spaces nearest to where they
    were, so a fix does not join two lines of the file into one."""
    breaks = list(_LINE_BREAK.finditer(original))
    if not breaks or "\n" in replacement or " " not in replacement:
        return replacement
    out = list(replacement)
    spaces = [i for i, c in enumerate(out) if c == " "]
    for m in breaks[::-1]:  # not reversed(): mypyc 2.4 crashes on reversed() of a list of Any
        if not spaces:
            break
        target = round(m.start() / max(1, len(original)) * len(replacement))
        at = min(spaces, key=lambda i: abs(i - target))
        spaces.remove(at)
        out[at] = m.group()
    return "".join(out)


def _sentence_initial(doc: Document, start: int) -> bool:
    """True when prose ``start`` begins its sentence (after any opening quotes or emphasis)."""
    if not doc.sentences:
        return start == 0
    first = doc.sentences[doc.sentence_index(start)][0]
    return not doc.prose[first:start].strip(_EDGE_OPEN + " *_")


#: an intensifier left before a bounded rewrite contradicts it: "totally hardened" -> "hardened"
_INTENSIFIER_BEFORE = regex_cache.compile(
    r"\b(?:totally|completely|fully|absolutely|entirely|utterly|perfectly|truly|100\s*%)[ \t]+$", regex.I
)


def intensifier_before(prose: str, lo: int, start: int) -> regex.Match[str] | None:
    """``_INTENSIFIER_BEFORE.search(prose, lo, start)``, the same match, searched only where
    one can start. A match ends at ``start`` (or before a line break just before it) with
    spaces after an intensifier, so it starts at most a word before those spaces (or, for
    "100 %", before the "%" and the spaces and "100" before it): searching the whole sentence
    up to ``start`` cost ~60 us a suggestion. ``regex`` reads ``\\b`` at ``pos`` from the
    text before it, so a later ``pos`` finds what the whole search finds there."""
    end = start
    while end > lo and prose[end - 1] in " \t\n":
        end -= 1
    if end == start:
        return None  # no space before ``start``: ``[ \t]+$`` cannot match
    bound = end - _LONGEST_INTENSIFIER
    if end > lo and prose[end - 1] == "%":
        at = end - 1
        while at > lo and prose[at - 1].isspace():  # every character \s matches is isspace()
            at -= 1
        bound = min(bound, at - len("100") - 1)
    return _INTENSIFIER_BEFORE.search(prose, max(lo, bound), start)


#: characters of the longest intensifier word, with a margin
_LONGEST_INTENSIFIER = len("absolutely") + 2


def _by_hand(text: str, description: str, why: str, start: int, end: int) -> Suggestion:
    """Shown to the author, never applied: ``why`` says what stops it being a fix."""
    return Suggestion(
        text=text,
        description=f"{description} ({why})" if description else why,
        safe=False,
        needs_input=True,
        start=start,
        end=end,
    )


def make_suggestion(
    doc: Document,
    start: int,
    end: int,
    text: str,
    spec: SuggestionSpec,
    shared: dict[Any, Any] | None = None,
) -> Suggestion:
    """A Suggestion whose edit replaces prose[start:end] (or inserts at ``start``).

    A rewrite takes the form that fits where the phrase stands (commlint.rules.fitting); one with no
    fitting form, or one in a mention (a quotation, a negation, a question ...), is shown as
    needing the author's input and never applied. ``shared``, a dict the caller passes to
    every suggestion of one finding, keeps what depends on the span alone (where it stands, its
    source span), so a finding's second suggestion does not read them again.
    """
    needs_input = spec.needs_input or bool(PLACEHOLDER.search(text))
    description = spec.description
    safe = spec.safe and not needs_input
    src = doc.source.text
    if start == end:
        at = doc.end_of(start - 1) if start > 0 else (doc.start_of(0) if doc.prose else 0)
        return Suggestion(text=text, description=description, safe=safe, needs_input=needs_input, start=at, end=at)
    if shared is None:
        shared = {}
    if not needs_input and text.strip():
        why, start, before, after, where = _standing(doc, start, end, shared)
        if why is not None:
            s_start, s_end = _source_span(doc, start, end, shared)
            return _by_hand(
                text,
                description,
                f"not applied: the phrase is in a {why}; a rewrite would change "
                "words that are not your claim, or turn them around",
                s_start,
                s_end,
            )
        fit = lazyimport.module("commlint.rules.fitting").choose(
            before, doc.prose[start:end], after, text, spec.forms, where
        )
        if fit.text is None:
            s_start, s_end = _source_span(doc, start, end, shared)
            return _by_hand(text, description, f"not applied: {fit.reason}", s_start, s_end)
        text = fit.text
    s_start, s_end = _source_span(doc, start, end, shared)
    key = ("contiguous", start, end)
    contiguous = shared.get(key)
    if contiguous is None:
        contiguous = shared[key] = doc.is_contiguous(start, end)
    if not contiguous:
        return _by_hand(text, description, "the phrase spans formatting; edit it by hand", s_start, s_end)
    original = src[s_start:s_end]
    new = preserve_edges(original, match_case(original, text)) if not needs_input else text
    if not needs_input:
        new = keep_line_breaks(original, new)
    if not needs_input and _sentence_initial(doc, start):
        new = _capitalise(new)
    if not needs_input and original[:1].isupper() and _in_title(doc, start):
        new = _title(new)
    across = _ARTICLE_ACROSS_MARKUP.search(src, max(0, s_start - 12), s_start)
    if across and not needs_input and article_for(text) != across.group(1).lower():
        # "an **unhackable** vault": the article is outside the edit, past markup a fix may not touch
        return _by_hand(
            new, description, f"not applied: the “{across.group(1)}” before it must change too", s_start, s_end
        )
    article = _ARTICLE_BEFORE.search(src, max(0, s_start - 4), s_start)
    if article and new and new.split()[0] != original.split()[0]:
        # Judge the sound from the rule's own spelling: "STRONGLY" shouted is not an acronym.
        want = article_for((text.split() or [""])[0])
        have = article.group(1)
        if want != have.lower():
            fixed = (
                want.upper() if have.isupper() and len(have) > 1 else (want.capitalize() if have[0].isupper() else want)
            )
            return Suggestion(
                text=fixed + article.group(2) + new,
                description=description,
                safe=safe,
                needs_input=needs_input,
                start=article.start(),
                end=s_end,
            )
    return Suggestion(text=new, description=description, safe=safe, needs_input=needs_input, start=s_start, end=s_end)


def _source_span(doc: Document, start: int, end: int, shared: dict[Any, Any]) -> tuple[int, int]:
    key = ("source", start, end)
    span: tuple[int, int] | None = shared.get(key)
    if span is None:
        span = shared[key] = doc.source_span(start, end)
    return span


def _standing(
    doc: Document, start: int, end: int, shared: dict[Any, Any]
) -> tuple[str | None, int, str, str, str | None]:
    """Where the phrase prose[start:end] stands, for a rewrite of it: (why no fix may be offered
    there or None, the start of the words to replace (an intensifier before the phrase goes with
    it), the sentence before and after them, their position (commlint.rules.fitting))."""
    key = ("standing", start, end)
    found: tuple[str | None, int, str, str, str | None] | None = shared.get(key)
    if found is not None:
        return found
    fitting = lazyimport.module("commlint.rules.fitting")
    why = fitting.no_fix_reason(doc, start, end)
    if why is not None:
        found = (why, start, "", "", None)
    else:
        prose = doc.prose
        sentence = doc.sentences[doc.sentence_index(start)] if doc.sentences else (0, len(prose))
        lead = intensifier_before(prose, sentence[0], start)
        if lead is not None and doc.is_contiguous(lead.start(), end):
            start = lead.start()
        before, after = prose[sentence[0] : start], prose[end : max(end, sentence[1])]
        found = (None, start, before, after, fitting.position_of(before, prose[start:end], after))
    shared[key] = found
    return found
