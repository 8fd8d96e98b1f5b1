"""Turning a rule's suggestion into a source edit: case, articles and placeholders."""

from __future__ import annotations

import regex

from commlint.diagnostics import Suggestion
from commlint.document import Document
from commlint.ruletypes.base import SuggestionSpec

PLACEHOLDER = regex.compile(r"\{[^{}]+\}")
_ARTICLE_BEFORE = regex.compile(r"\b(a|an|A|An|AN)([ \t]+)$")
_VOWEL_SOUND_EXCEPTIONS = regex.compile(r"^(?:uni|use|usu|uti|one|once|eu|ewe|ur[aeiou])", regex.I)
_SILENT_H = regex.compile(r"^(?:hour|honest|honou?r|heir)", regex.I)
_VOWEL_LETTER_ACRONYM = regex.compile(r"^[AEFHILMNORSX](?:[A-Z0-9]|$)")


def article_for(word: str) -> str:
    """'a' or 'an' for the word that follows (sound, not spelling, where it is easy to tell)."""
    if not word:
        return "a"
    if _VOWEL_LETTER_ACRONYM.match(word) and word[:2].isupper():
        return "an"
    if _SILENT_H.match(word):
        return "an"
    if word[0].lower() in "aeiou" and not _VOWEL_SOUND_EXCEPTIONS.match(word):
        return "an"
    return "a"


def match_case(original: str, replacement: str) -> str:
    """Carry the original's capitalisation over to the replacement."""
    if not original or not replacement:
        return replacement
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if original[0].isupper() and replacement[0].islower():
        return replacement[0].upper() + replacement[1:]
    if original[0].islower() and replacement[0].isupper() and not replacement[:2].isupper():
        # "Never wrong" -> "Accurate ..." mid-sentence should read "accurate ..."
        return replacement[0].lower() + replacement[1:]
    return replacement


def make_suggestion(doc: Document, start: int, end: int, text: str, spec: SuggestionSpec) -> Suggestion:
    """A Suggestion whose edit replaces prose[start:end] (or inserts at ``start``)."""
    needs_input = bool(PLACEHOLDER.search(text))
    description = spec.description
    safe = spec.safe and not needs_input
    src = doc.source.text
    if start == end:
        at = doc.ends[start - 1] if start > 0 else (doc.starts[0] if doc.starts else 0)
        return Suggestion(text=text, description=description, safe=safe, needs_input=needs_input, start=at, end=at)
    s_start, s_end = doc.source_span(start, end)
    if not doc.is_contiguous(start, end):
        return Suggestion(
            text=text,
            description=(description + " " if description else "") + "(the phrase spans formatting; edit it by hand)",
            safe=False,
            needs_input=True,
            start=s_start,
            end=s_end,
        )
    original = src[s_start:s_end]
    new = match_case(original, text) if not needs_input else text
    article = _ARTICLE_BEFORE.search(src, max(0, s_start - 4), s_start)
    if article and new and new.split()[0] != original.split()[0]:
        want = article_for(new.split()[0].strip("\"'“‘("))
        have = article.group(1)
        if want != have.lower():
            fixed = match_case(have, want)
            return Suggestion(
                text=fixed + article.group(2) + new,
                description=description,
                safe=safe,
                needs_input=needs_input,
                start=article.start(),
                end=s_end,
            )
    return Suggestion(text=new, description=description, safe=safe, needs_input=needs_input, start=s_start, end=s_end)
