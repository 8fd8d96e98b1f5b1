"""Named vocabularies for rule packs: word lists written once and used by name in patterns.

A pack's ``[vocab]`` table, or a file in ``vocabularies/`` next to the packs (shared by every
pack), names lists of terms. A pattern says ``{cbrn-agents}`` and gets ``(?:term|term|...)``.
A vocabulary is either a list of regular-expression terms or a table of:

- ``terms``: regular-expression fragments, used as written;
- ``words``: plain words and phrases (spaces match any run of spaces, nothing else is special);
- ``verbs``: base forms, each giving its four forms (``exploit`` → exploit, exploits, exploited,
  exploiting); in a phrase (``hack into``) the first word is inflected; an irregular verb lists
  its forms with commas (``find, finds, found, finding``);
- ``nouns``: singular forms, each giving its plural too (``weapon`` → weapon, weapons).

Terms may use other vocabularies by name. Comms leads edit these lists, never a regex.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from commlint.errors import ConfigError
from commlint.matching import regex_cache

#: ``{name}``: lower-case words joined by hyphens, at least two characters (so the fuzzy
#: ``{e}`` and quantifiers ``{2,3}`` are untouched); not ``\p{...}``, a Unicode property
REFERENCE = regex_cache.compile(r"(?<!\\[pPN])\{([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\}")
_NAME = regex_cache.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_KINDS = ("terms", "words", "verbs", "nouns")
_SPECIAL = regex_cache.compile(r"[.^$*+?{}\[\]\\|()]")
_VOWELS = "aeiou"


def word_forms(base: str) -> list[str]:
    """The forms of a verb (base, -s, -ed, -ing), by the regular English spelling rules."""
    w = base.lower()
    if w.endswith("e") and not w.endswith(("ee", "ye", "oe")):
        return [base, base + "s", base + "d", base[:-1] + "ing"]
    if w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
        return [base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return [base, base + "es", base + "ed", base + "ing"]
    if _doubles(w):
        return [base, base + "s", base + base[-1] + "ed", base + base[-1] + "ing"]
    return [base, base + "s", base + "ed", base + "ing"]


def _doubles(w: str) -> bool:
    """A one-syllable consonant-vowel-consonant verb doubles its last letter (spot, spotted)."""
    if len(w) < 3 or w[-1] in _VOWELS + "wxy" or w[-2] not in _VOWELS or w[-3] in _VOWELS:
        return False
    return sum(1 for c in w if c in _VOWELS) == 1


def plural(noun: str) -> str:
    """The regular plural of ``noun``."""
    w = noun.lower()
    if w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def _literal(text: str) -> str:
    """A plain word or phrase as a regular expression (runs of spaces match any white space)."""
    return r"\s+".join(_SPECIAL.sub(lambda m: "\\" + m.group(), part) for part in text.split())


def alternation(forms: list[str]) -> str:
    """Plain ``forms`` of one word as one regex: a shared prefix, then the endings in the order of
    ``forms``, as an author writes them (``exploit(?:s|ed|ing)?``, ``identif(?:y|ies|ied|ying)``).
    Followed by a word boundary, as vocabulary terms are, the order does not change a match."""
    prefix = forms[0]
    for f in forms[1:]:
        while not f.startswith(prefix):
            prefix = prefix[:-1]
    endings = list(dict.fromkeys(f[len(prefix) :] for f in forms))
    optional = "" in endings
    endings = [e for e in endings if e]
    head = _literal(prefix) if prefix.strip() else ""
    if not endings:
        return head
    body = "|".join(_literal(e) for e in endings)
    if not head:
        return f"(?:{body})"
    if optional:
        return f"{head}{body}?" if len(endings) == 1 and len(endings[0]) == 1 else f"{head}(?:{body})?"
    return f"{head}{body}" if len(endings) == 1 else f"{head}(?:{body})"


def _phrase_forms(phrase: str, kind: str) -> str:
    if "," in phrase:  # irregular: every form written out ("find, finds, found, finding")
        return alternation([f.strip() for f in phrase.split(",") if f.strip()])
    first, _, rest = phrase.strip().partition(" ")
    forms = word_forms(first) if kind == "verbs" else [first, plural(first)]
    word = alternation(forms)
    return word + (r"\s+" + _literal(rest) if rest else "")


def terms_of(name: str, value: Any, where: str) -> list[str]:
    """The regular-expression terms a vocabulary defines (references not yet expanded)."""
    if isinstance(value, list):
        value = {"terms": value}
    if not isinstance(value, Mapping) or not value or set(value) - set(_KINDS):
        raise ConfigError(f"{where}: vocabulary {name!r} must be a list of terms or a table of {', '.join(_KINDS)}")
    out: list[str] = []
    for kind in _KINDS:
        items = value.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            raise ConfigError(f"{where}: vocabulary {name!r}: '{kind}' must be a list of non-empty strings")
        for item in items:
            if kind == "terms":
                out.append(item)
            elif kind == "words":
                out.append(_literal(item))
            else:
                out.append(_phrase_forms(item, kind))
    return out


class Vocabularies:
    """Named vocabularies, and the expansion of ``{name}`` in patterns."""

    def __init__(self) -> None:
        #: name -> (where it is defined, its terms)
        self.terms: dict[str, tuple[str, list[str]]] = {}

    def add(self, table: Mapping[str, Any], where: str) -> None:
        """Add every vocabulary of ``table`` (a later definition of a name replaces an earlier one)."""
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}: 'vocab' must be a table of named lists")
        for name, value in table.items():
            if not _NAME.match(name):
                raise ConfigError(f"{where}: vocabulary name {name!r} must be lower-case words joined by hyphens")
            self.terms[name] = (where, terms_of(name, value, where))

    def child(self, table: Mapping[str, Any] | None, where: str) -> Vocabularies:
        """These vocabularies with a pack's own ``[vocab]`` on top."""
        out = Vocabularies()
        out.terms = dict(self.terms)
        if table:
            out.add(table, where)
        return out

    def expand(self, pattern: str, where: str, _seen: tuple[str, ...] = ()) -> str:
        """``pattern`` with every ``{name}`` replaced by its vocabulary as one group.

        A pattern that is one ``{name}`` alone becomes the bare alternation of its terms: a
        rule's pattern is a group already, and its terms keep their own leading look-behind
        (which the compiler reorders for speed, commlint.matching.syntax.lookbehind_last).
        """
        whole = REFERENCE.fullmatch(pattern)
        if whole and not _seen:
            group = REFERENCE.sub(lambda m: self._group(m, where, _seen), pattern)
            return str(group)[3:-1]
        return str(REFERENCE.sub(lambda m: self._group(m, where, _seen), pattern))

    def _group(self, m: regex.Match[str], where: str, _seen: tuple[str, ...]) -> str:
        name = m.group(1)
        if name in _seen:
            raise ConfigError(f"{where}: vocabulary {name!r} uses itself ({' -> '.join((*_seen, name))})")
        found = self.terms.get(name)
        if found is None:
            raise ConfigError(f"{where}: unknown vocabulary {{{name}}}")
        inner = [self.expand(t, f"{found[0]}: vocabulary {name!r}", (*_seen, name)) for t in found[1]]
        return "(?:" + "|".join(inner) + ")"
