"""Lead words: where in a text a match of a rule's pattern can start.

Most rule patterns start from a handful of words (``\\b(?:never|always)\\s+...``). Every
match then starts with one of those words, so instead of trying the pattern at every
character, a rule tries it only where one of them occurs (``leads`` finds the words,
``WordIndex`` finds where they occur in the lower-cased prose, once per document). Each
top-level alternative (``branches``) also has words every one of its matches contains
(``required_words``): a start is tried only where such words occur close enough ahead. The
analysis is conservative: whenever it cannot tell what a match starts with, it yields
``None`` and the pattern is tried everywhere.

It models only plain syntax (read with commlint.matching.syntax). A pattern using anything
else anywhere is refused outright: fuzzy matching (``{e<=1}``) or any brace that is not a
plain repeat, inline or scoped flags, conditionals, recursion, branch reset, ``\\K``,
``\\G``, named lists (``\\L<...>``), characters given by code or name (``\\N{...}``,
``\\x``, ``\\u``, octal), and any non-ASCII character outside a character class that is a
letter, a combining mark, a word character or has case (ſ, K, İ, é, a combining accent).
"""

from __future__ import annotations

import _thread  # threading.Lock itself, without the threading module (~1.5 ms of a start)
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from commlint.digest import sha256_hex
from commlint.matching import regex_cache, syntax


def _source(module_file: str) -> Path:
    """A module's ``.py`` file, also when it runs compiled: mypyc's ``__file__`` is the extension,
    whose bytes differ from build to build, while the ``.py`` beside it is the code it runs and
    the file whose digest the wheel's prepared records carry (no hashing on a first run)."""
    path = Path(module_file)
    source = path.with_name(path.name.partition(".")[0] + ".py")
    return source if source.is_file() else path


#: results are cached on disk under this version: a digest of this file's and the syntax
#: reader's SHA-256 (each remembered under the file's identity: ``regex_cache.file_digest``),
#: so any change to the analysis retires what older versions cached
VERSION: Final = sha256_hex(
    f"{regex_cache.file_digest(_source(__file__))}|{regex_cache.file_digest(_source(syntax.__file__))}".encode()
)[:12]


class _Unsure(Exception):
    """The pattern uses syntax the analysis does not follow: give up (always run the rule)."""


#: escapes refused anywhere: match start/position (K, G), named lists (L), and characters
#: given by name or code (N, x, u, U, octal 0), whose case the analysis would not see
_REFUSED_ESCAPES: Final = frozenset("KGLNxuU0")
#: what may follow ``(?`` : non-capturing, atomic, look-arounds, named group, comment
_GROUP_OPENERS: Final = (":", ">", "=", "!", "<=", "<!", "P<", "#")
_REPEAT: Final = regex_cache.compile(r"\{(?:\d+|\d*,\d*)\}")
_WORD_CHAR: Final = regex_cache.compile(r"\w")


@lru_cache(maxsize=4096)
def _plain_char(c: str) -> bool:
    """True for characters the analysis models: ASCII, or a non-ASCII character that is not
    a word character or mark and has no case (dashes, curly quotes, spaces, symbols)."""
    if c.isascii():
        return True
    if unicodedata.category(c)[0] == "M" or _WORD_CHAR.match(c):
        return False
    return c.lower() == c == c.upper() == c.casefold()


@lru_cache(maxsize=512)
def _structure(p: str) -> dict[int, int]:
    """Each group's opening parenthesis -> its closing one.

    Raises _Unsure on syntax the analysis does not model (see the module docstring)."""
    groups: dict[int, int] = {}
    stack: list[int] = []
    for kind, i, end in syntax.tokens(p):
        if kind == syntax.ESCAPE:
            if end > len(p) or p[i + 1] in _REFUSED_ESCAPES or not _plain_char(p[i + 1]):
                raise _Unsure
        elif kind == syntax.CLASS:
            if end < 0:
                raise _Unsure
        elif kind == syntax.OPEN:
            if p.startswith("?", i + 1) and not p.startswith(_GROUP_OPENERS, i + 2):
                raise _Unsure  # inline flags, conditionals, recursion, branch reset...
            stack.append(i)
        elif kind == syntax.CLOSE:
            if not stack:
                raise _Unsure
            groups[stack.pop()] = i
        elif not _plain_char(p[i]) or (p[i] == "{" and not _REPEAT.match(p, i)):
            raise _Unsure  # fuzzy matching ({e<=1}) or a brace regex may read either way
    if stack:
        raise _Unsure
    return groups


def _split_top(p: str, start: int, end: int) -> list[tuple[int, int]]:
    _structure(p)  # refuses syntax it does not model
    return syntax.split_top(p, start, end)


def _alternation(p: str, start: int, end: int) -> set[str] | None:
    """Anchor words for ``p[start:end]`` (which may contain top-level ``|``)."""
    out: set[str] = set()
    for lo, hi in _split_top(p, start, end):
        words = _sequence(p, lo, hi)
        if not words:
            return None
        out |= words
    return out


def _group_close(p: str, i: int) -> int:
    """Index of the ``)`` closing the group opened at ``i``."""
    return _structure(p)[i]


def _word_run(p: str, i: int, end: int) -> tuple[int, int]:
    """(end of the literal letters/digits starting at ``i``, index after any quantifier on them)."""
    j = i
    while j < end and p[j].isalnum():
        j += 1
    return j, syntax.quantifier(p, j)[1]


def _sequence(p: str, start: int, end: int) -> set[str] | None:
    """Anchor words of a concatenation: those of its most selective required element.

    Every required element must occur in a match, so any one of them will do; the one whose
    shortest word is longest rules out the most documents ("never" rather than "can").
    """
    best: set[str] | None = None

    def offer(words: set[str] | None) -> None:
        nonlocal best
        if words and (best is None or min(map(len, words)) > min(map(len, best))):
            best = words

    i = start
    while i < end:
        c = p[i]
        if c.isalnum():
            j, after = _word_run(p, i, end)
            word = p[i : j - 1] if after > j else p[i:j]  # a quantifier binds to the last letter
            if word:
                offer({word.casefold()})
            i = after
            continue
        if c == "\\":
            if i + 1 >= end:
                raise _Unsure
            nxt = p[i + 1]
            if nxt.isdigit() or nxt in "gpPNxuUo":
                raise _Unsure  # back-references, properties, code points: not followed
            _, i = syntax.quantifier(p, i + 2)
            continue
        if c == "[":
            _, i = syntax.quantifier(p, syntax.class_end(p, i))
            continue
        if c == "(":
            close = _group_close(p, i)
            if close >= end:
                raise _Unsure
            kind, body = syntax.group_opening(p, i)
            if kind == "look":
                _, i = syntax.quantifier(p, close + 1)  # zero-width: contributes no words
                continue
            if kind == "comment":
                i = close + 1
                continue
            if kind == "other":
                raise _Unsure  # inline flags (verbose mode changes the syntax), conditionals
            optional, after = syntax.quantifier(p, close + 1)
            if not optional:
                offer(_alternation(p, body, close))
            i = after
            continue
        # Any other character (., ^, $, space, punctuation): required or not, not a word.
        _, i = syntax.quantifier(p, i + 1)
    return best


#: Lead = (word, whole): a match starts with ``word``; if ``whole``, the ``\\w+`` token
#: there is exactly ``word`` (the pattern puts a boundary, space or punctuation after it).
Lead = tuple[str, bool]


def leads(pattern: str) -> tuple[frozenset[Lead], bool] | None:
    """(leads, at_word_start): every match starts with one of the lead words; if
    ``at_word_start``, also where a ``\\w+`` token starts (the pattern puts ``\\b`` first).
    None when the analysis cannot tell.

    Zero-width assertions at the front (``\\b``, look-arounds) are skipped; the first
    element that consumes text must be a required word or a group of alternatives that
    each start with one. With these, a scan only has to try the pattern where one of the
    words occurs instead of at every character.
    """
    try:
        _structure(pattern)  # refuses syntax it does not model, wherever it is
        found = _leading_alternation(pattern, 0, len(pattern), False, False)
    except _Unsure:
        return None
    if not found:
        return None
    bounded = all(b for _, _, b in found)
    return frozenset((w, whole and bounded) for w, whole, _ in found), bounded


def _ends_token(p: str, i: int, end: int, tail: bool) -> bool:
    """True if a word followed by ``p[i:end]`` (then whatever gives ``tail``) ends its token."""
    if i >= end:
        return tail
    c = p[i]
    if c == "\\":
        ends = i + 1 < end and p[i + 1] in "bsWZ"
        after = i + 2
    else:
        ends = not (c.isalnum() or c == "_" or c in "([{.?*+|)^$")
        after = i + 1
    return ends and not syntax.quantifier(p, after)[0]  # an optional separator proves nothing


def _leading_alternation(p: str, start: int, end: int, bounded: bool, tail: bool) -> set[tuple[str, bool, bool]] | None:
    out: set[tuple[str, bool, bool]] = set()
    for lo, hi in _split_top(p, start, end):
        words = _leading_sequence(p, lo, hi, bounded, tail)
        if not words:
            return None
        out |= words
    return out


def _leading_sequence(p: str, start: int, end: int, bounded: bool, tail: bool) -> set[tuple[str, bool, bool]] | None:
    i = start
    while i < end:
        c = p[i]
        if c.isalnum():
            j, after = _word_run(p, i, end)
            if after > j:  # a quantifier binds to the last letter
                word, whole = p[i : j - 1], False
            else:
                word, whole = p[i:j], _ends_token(p, j, end, tail)
                longer = _continued(p, j, end, tail)
                if word and longer:  # "t(?:ook|ake)" starts with "took" or "take", not just "t"
                    return {((word + more).lower(), more_whole, bounded) for more, more_whole in longer}
            return {(word.lower(), whole, bounded)} if word else None
        if c == "\\":
            if i + 1 < end and p[i + 1] in "bA":  # zero-width at the front: skip
                if syntax.quantifier(p, i + 2)[1] != i + 2:
                    return None
                bounded = bounded or p[i + 1] == "b"
                i += 2
                continue
            return None
        if c == "^":
            i += 1
            continue
        if c == "(":
            close = _group_close(p, i)
            if close >= end:
                raise _Unsure
            kind, body = syntax.group_opening(p, i)
            if kind == "look":
                if syntax.quantifier(p, close + 1)[1] != close + 1:
                    return None
                i = close + 1
                continue
            if kind != "group":
                return None
            optional, after = syntax.quantifier(p, close + 1)
            # Words ending the group end their token only if what follows the group ends it.
            group_tail = after == close + 1 and _ends_token(p, close + 1, end, tail)
            inside = _leading_alternation(p, body, close, bounded, group_tail)
            if not optional or not inside:
                return inside
            # An optional group: a match starts with it, or with what follows it.
            rest = _leading_sequence(p, after, end, bounded, tail)
            return inside | rest if rest else None
        return None
    return None


def _continued(p: str, j: int, end: int, tail: bool) -> set[tuple[str, bool]] | None:
    """The words a required group right after a literal run starts with (run + group is one
    longer literal), or None when there is no such group or it cannot be analysed."""
    if j >= end or p[j] != "(":
        return None
    close = _group_close(p, j)
    if close >= end:
        return None
    optional, after = syntax.quantifier(p, close + 1)
    if optional or after != close + 1:
        return None
    kind, body = syntax.group_opening(p, j)
    if kind != "group":
        return None
    group_tail = _ends_token(p, close + 1, end, tail)
    inner: set[tuple[str, bool]] = set()
    for lo, hi in _split_top(p, body, close):
        k = lo
        m = k
        while m < hi and p[m].isalnum():
            m += 1
        if m == k:
            return None  # an alternative not starting with letters: keep the shorter word
        _, q_after = syntax.quantifier(p, m)
        if q_after > m:
            piece, whole = p[k : m - 1], False
        else:
            piece, whole = (
                p[k:m],
                (m == hi and group_tail) or (m < hi and _ends_token(p, m, hi, group_tail)),
            )
        inner.add((piece, whole))
    return inner


# -- branches: each alternative's leads, and the words each of its matches must contain -----

#: a required word shorter than this proves little (almost every stretch of prose has one)
MIN_REQUIRED: Final = 3

#: words a match contains one of (see required_words)
Words = frozenset[str]
#: alternatives a match has one of, each a conjunction: it contains a word of every set
Clause = tuple[tuple[Words, ...], ...]
Requirement = Words | Clause
#: Branch = (leads, required, within): every match of the branch starts with one of ``leads``
#: (as ``leads`` gives them) and meets every requirement in ``required``; if ``within``, it
#: holds none of STOPS (so it ends before the first of them after its start)
Branch = tuple[tuple[frozenset[Lead], bool], tuple[Requirement, ...], bool]
#: branches as the word index reads them: (leads, numbers of its sets, numbers of its
#: clauses, within), numbered by REQUIRED
BranchPlan = tuple[tuple[frozenset[Lead], bool], tuple[int, ...], tuple[int, ...], bool]
#: (gate, branches, firsts): with a gate, one set of each branch; none of them anywhere, no
#: branch can match. ``firsts``: each branch's first set, or -1 if it has none
Plan = tuple[tuple[int, ...], tuple[BranchPlan, ...], tuple[int, ...]]


def plan(found: Iterable[Branch], required: RequiredWords | None = None) -> Plan:
    """Branches as the word index reads them, their required sets registered in ``required``
    (REQUIRED, the process's, by default)."""
    register = (REQUIRED if required is None else required).add
    branches = tuple((leads, *register(needed), within) for leads, needed, within in found)
    gate = tuple(sets[0] for _, sets, _, _ in branches if sets)
    firsts = tuple(sets[0] if sets else -1 for _, sets, _, _ in branches)
    return (gate if len(gate) == len(branches) else ()), branches, firsts


def branches(pattern: str) -> tuple[Branch, ...] | None:
    """The pattern's alternatives (a group that makes up a whole alternative is opened up),
    each with its leads and required words; None when some alternative has no leads.

    A match of the pattern is a match of one branch, so a place where no branch can start,
    or where some required word of each branch is missing nearby, holds no match.
    """
    try:
        _structure(pattern)  # refuses syntax it does not model, wherever it is
        parts = _open_alternatives(pattern, 0, len(pattern))
    except _Unsure:
        return None
    out: list[Branch] = []
    for lo, hi in parts:
        branch = pattern[lo:hi]
        found = leads(branch)
        if found is None:
            return None
        out.append((found, required_words(branch), _within(branch)))
    return tuple(out)


#: characters most sentences end with: a branch that cannot match one (``within``) has its
#: required words between its start and the next of them, which narrows its starts far more
#: than its 1,000-character window does
STOPS: Final = ".!?"


def _within(branch: str) -> bool:
    """True if no match of ``branch`` holds one of STOPS (False when unsure)."""
    try:
        return not _takes_any(branch, STOPS)
    except _Unsure:
        return False


def _takes_any(p: str, chars: str) -> bool:
    """True if a match of ``p`` may consume one of ``chars`` (what look-arounds read is not
    consumed). ``.`` takes any; an escape or a class is asked of the engine; a group opener's
    ``?`` and a quantifier are not characters. Raises _Unsure as _structure does."""
    groups = _structure(p)
    i, n = 0, len(p)
    while i < n:
        c = p[i]
        if c == "\\" or c == "[":
            end = syntax.class_end(p, i) if c == "[" else next(syntax.tokens(p, i))[2]
            if _element_takes(p[i:end], chars):
                return True
            i = end
        elif c == "(":
            kind, body = syntax.group_opening(p, i)
            i = groups[i] + 1 if kind in ("look", "comment") else body
        elif c == "." or c in chars and c != "?":  # an unescaped ? is a quantifier
            return True
        else:
            i += 1
    return False


@lru_cache(maxsize=1024)
def _element_takes(element: str, chars: str) -> bool:
    """True if the escape or character class ``element`` may match one of ``chars``; a
    class with a nested set or set operations (version 1 syntax) is assumed to."""
    if "[" in element[1:] or any(op in element for op in ("--", "&&", "||", "~~")):
        return True
    import regex

    try:
        compiled = regex.compile(element, regex.V0)
    except regex.error:
        return True
    return any(compiled.fullmatch(c) for c in chars)


def _open_alternatives(p: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in _split_top(p, start, end):
        if lo < hi and p[lo] == "(" and _group_close(p, lo) == hi - 1:
            kind, body = syntax.group_opening(p, lo)
            if kind == "group" and not p.startswith("(?>", lo):  # (?:...) or (?P<name>...), whole
                out += _open_alternatives(p, body, hi - 1)
                continue
        out.append((lo, hi))
    return out


def required_words(pattern: str) -> tuple[Requirement, ...]:
    """What every match of ``pattern`` contains (case-folded): for each set, one of its words;
    for each clause (a required group of alternatives), a word of every set of one of them.

    A word written ``^word`` begins a ``\\w+`` token wherever the match has it (the pattern
    puts ``\\b``, a space or punctuation before it): "ricin" is not found in "pricing". A
    set is left out when it holds a word too short to prove much (MIN_REQUIRED letters, or
    MIN_REQUIRED_START for a token's start). Empty when unsure.
    """
    try:
        _structure(pattern)
        found, _ = _required_sequence(pattern, 0, len(pattern), False, True)
    except _Unsure:
        return ()
    out: list[Requirement] = []
    for need in found:
        if (not isinstance(need, frozenset) or _selective(need)) and need not in out:
            out.append(need)
    return tuple(out)


#: a token's start (``^word``) may be shorter than a word found anywhere: "vx" starts few tokens
MIN_REQUIRED_START: Final = 2


#: words nearly every stretch of English prose has: a set holding one proves nothing, and
#: looking for it would cost more than it saves
COMMON: Final = frozenset({"the", "and", "of", "to", "in", "for", "is", "on", "that", "with", "as", "at", "by"})


#: letters among the rarest in English words: a two-letter word holding one ("vx") is found
#: in about as few tokens as a three-letter word, so it may stand in a required set
RARE_LETTERS: Final = frozenset("jqxz")


def _selective(words: frozenset[str]) -> bool:
    return all(
        (len(w) > MIN_REQUIRED_START and w[1:] not in COMMON)
        if w[0] == "^"
        else (len(w) >= MIN_REQUIRED or len(w) == 2 and not RARE_LETTERS.isdisjoint(w)) and w not in COMMON
        for w in words
    )


def _score(words: frozenset[str]) -> int:
    """How much a set narrows things down: its shortest word's length (a token start counts
    two letters more)."""
    return min(len(w) + 1 if w[0] == "^" else len(w) for w in words)


#: escapes that stand for one character that is never a word character
_NON_WORD_ESCAPES: Final = frozenset("sWtnrfv") | frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~ ")


def _non_word_class(p: str, start: int, stop: int) -> bool:
    """True if the character class ``p[start:stop]`` (brackets included) holds only non-word
    characters: spaces, punctuation, ``\\s``, ``\\W`` (a negated class is not read)."""
    i = start + 1
    if i < stop and p[i] == "^":
        return False
    while i < stop - 1:
        c = p[i]
        if c == "\\":
            if i + 1 >= stop - 1 or p[i + 1] not in _NON_WORD_ESCAPES:
                return False
            i += 2
            continue
        if c.isalnum() or c == "_" or not c.isascii() and _WORD_CHAR.match(c):
            return False
        i += 1
    return True


def _required_sequence(p: str, start: int, end: int, boundary: bool, top: bool) -> tuple[list[Requirement], bool]:
    """Every required element's words (see _sequence, which keeps only the best one), and
    whether the sequence's end is at a token boundary.

    ``boundary``: the character before ``p[start]``'s place in a match is never a word
    character (or there is none), so a word written next begins a token. With ``top``, a
    required group of alternatives gives a clause; deeper, the union of each alternative's
    most telling set.
    """
    out: list[Requirement] = []
    i = start
    while i < end:
        c = p[i]
        if c.isalnum():
            j, after = _word_run(p, i, end)
            word = p[i : j - 1] if after > j else p[i:j]  # a quantifier binds to the last letter
            if word:
                word = word.casefold()
                out.append(frozenset({"^" + word if boundary else word}))
            boundary = False
            i = after
            continue
        if c == "\\":
            if i + 1 >= end:
                raise _Unsure
            nxt = p[i + 1]
            if nxt.isdigit() or nxt in "gpPNxuUo":
                raise _Unsure  # back-references, properties, code points: not followed
            optional, i = syntax.quantifier(p, i + 2)
            if nxt in "bmA":  # zero-width: a word character next starts a token
                boundary = boundary or not optional
            elif nxt in _NON_WORD_ESCAPES:
                boundary = boundary and optional or not optional
            elif nxt not in "MZz":  # \M, \Z, \z: zero-width, what came before stays
                boundary = False
            continue
        if c == "[":
            close = syntax.class_end(p, i)
            optional, after = syntax.quantifier(p, close)
            if _non_word_class(p, i, close):
                boundary = boundary and optional or not optional
            else:
                boundary = False
            i = after
            continue
        if c == "(":
            close = _group_close(p, i)
            if close >= end:
                raise _Unsure
            kind, body = syntax.group_opening(p, i)
            if kind == "other":
                raise _Unsure  # inline flags (verbose mode changes the syntax), conditionals
            if kind in ("look", "comment"):  # zero-width: contributes no words
                _, i = syntax.quantifier(p, close + 1)
                continue
            optional, after = syntax.quantifier(p, close + 1)
            alternatives = _split_top(p, body, close)
            inner = top and not optional and len(alternatives) == 1
            parts = [_required_sequence(p, lo, hi, boundary, inner) for lo, hi in alternatives]
            ends = all(b for _, b in parts)
            if not optional:
                if len(parts) == 1:
                    out += parts[0][0]  # each of its elements is required
                else:
                    sets = [[w for w in found if isinstance(w, frozenset) and _selective(w)] for found, _ in parts]
                    if all(len(alt) == 1 for alt in sets):  # one word of any: one set
                        out.append(frozenset().union(*[alt[0] for alt in sets]))
                    elif all(sets) and top:  # whichever alternative matched, each of its sets
                        out.append(tuple(tuple(dict.fromkeys(alt)) for alt in sets))
                    elif all(sets):  # one alternative's most telling set, whichever matched
                        out.append(frozenset().union(*[max(alt, key=_score) for alt in sets]))
            boundary = ends and (boundary or not optional) if optional else ends
            i = after
            continue
        optional, i = syntax.quantifier(p, i + 1)
        if c == "^":
            boundary = True
        elif c in ".$":
            boundary = boundary and c == "$"
        elif c == "_" or not c.isascii() and _WORD_CHAR.match(c):
            boundary = False
        else:  # a space or punctuation: never a word character
            boundary = boundary and optional or not optional
    return out, boundary


def _merged(clause: Clause) -> Clause:
    """``clause`` with its alternatives of one set each made one alternative of one set: the
    words of any of them (the places near a word of that set are those near a word of one of
    them), so a text's clause is read with fewer ANDs and ORs."""
    ones = [alternative[0] for alternative in clause if len(alternative) == 1]
    if len(ones) < 2:
        return clause
    return ((frozenset().union(*ones),), *[alternative for alternative in clause if len(alternative) != 1])


class RequiredWords:
    """Every required word set of the branches in use, each with a number, and which sets
    have a word inside each token.

    A required word is letters and digits only, so where it occurs it lies inside one
    ``\\w+`` token (at its start, for a ``^word``): the tokens of a text tell where each set
    has a word. What a token holds is remembered for the process (prose repeats its words
    from one document to the next).
    """

    #: tokens whose contents are remembered, at most (then the memo starts again)
    LIMIT: Final = 100_000

    def __init__(self) -> None:
        #: words found anywhere in a token, and words found at a token's start (without "^")
        self.words: set[str] = set()
        self.starts: set[str] = set()
        #: set -> its number; word (as the set writes it) -> the numbers of the sets that hold it
        self.ids: dict[frozenset[str], int] = {}
        self.sets_of: dict[str, list[int]] = {}
        #: each clause, by number, as the numbers of each alternative's sets
        self.clauses: list[tuple[tuple[int, ...], ...]] = []
        self._clause_ids: dict[Clause, int] | None = {}
        self._longest = 0
        self._longest_start = 0
        #: the first MIN_REQUIRED letters of each word in ``words``, and its shorter words
        self._grams: set[str] = set()
        self._short: tuple[str, ...] = ()
        self._memo = _Memo()
        #: registration and the reading of a text's masks, one thread at a time (the language
        #: server lints in threads)
        self._lock = _thread.allocate_lock()

    def add(self, required: Iterable[Requirement]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(the numbers of the sets, the numbers of the clauses) of ``required``, registering
        those not seen before."""
        with self._lock:
            sets: list[int] = []
            clauses: list[int] = []
            number: int | None
            for need in required:
                if isinstance(need, frozenset):
                    number = self.ids.get(need)
                    sets.append(self._add_set(need) if number is None else number)
                    continue
                need = _merged(need)
                number = self._clause_numbers().get(need)
                if number is None:
                    ids = self.ids
                    clause = tuple(
                        tuple(ids[w] if w in ids else self._add_set(w) for w in alternative) for alternative in need
                    )
                    number = len(self.clauses)
                    self.clauses.append(clause)
                    self._clause_numbers()[need] = number  # published last: see _add_set
                clauses.append(number)
            return tuple(sets), tuple(clauses)

    def _add_set(self, words: frozenset[str]) -> int:
        """Register a set. Its number is published last and a new set empties the memo first,
        so a lint stopped half-way through (the language server cancels jobs with an exception
        raised in their thread) leaves nothing that hides a word: at worst a set gets a few
        extra words' places, which only adds starts to try."""
        number = len(self.ids)
        sets_of = self.sets_of
        for word in words:
            holders = sets_of.get(word)
            if holders is None:
                sets_of[word] = [number]
                if word[0] == "^":
                    self.starts.add(word[1:])
                    self._longest_start = max(self._longest_start, len(word) - 1)
                else:
                    self.words.add(word)
                    if len(word) < MIN_REQUIRED:
                        self._short += (word,)
                    self._grams.add(word[:MIN_REQUIRED])
                    self._longest = max(self._longest, len(word))
            elif holders[-1] != number:
                holders.append(number)
        # What the memo says of each token does not know this set: start it again (the engine
        # registers every rule's sets when it builds a linter, before any document).
        self._memo = _Memo()
        self.ids[words] = number
        return number

    def export(self) -> tuple[Any, ...]:
        """What has been registered, as plain data for ``restore``: the sets in the order of
        their numbers, each clause as the numbers of its alternatives' sets, and the look-up
        tables derived from them (loading them is cheaper than deriving them again)."""
        with self._lock:
            return (
                list(self.ids),
                list(self.clauses),
                self.sets_of,
                self.words,
                self.starts,
                self._grams,
                self._longest,
                self._longest_start,
            )

    def restore(self, state: Any) -> bool:
        """Take on what ``export`` gave of a RequiredWords that started empty: the state that
        registering it all again gives. False, and nothing changed, if this one has
        registered anything already or ``state`` is not such an export."""
        try:
            sets, clauses, sets_of, words, starts, grams, longest, longest_start = state
            ids = dict(zip(sets, range(len(sets)), strict=True))
            ok = (
                type(sets) is list
                and len(ids) == len(sets)  # no set twice
                and {*map(type, sets)} <= {frozenset}
                and type(clauses) is list
                and {*map(type, clauses)} <= {tuple}
                and type(sets_of) is dict
                and {*map(type, sets_of)} <= {str}
                and {*map(type, sets_of.values())} <= {list}
                and all(type(x) is set for x in (words, starts, grams))
                and type(longest) is int
                and type(longest_start) is int
                # every word of a set is there, and a number is a set's
                and sets_of.keys() == {*words, *[f"^{w}" for w in starts]}
                and min(map(min, sets_of.values()), default=0) >= 0
                and max(map(max, sets_of.values()), default=0) < max(1, len(sets))
                and sum(map(len, sets)) == sum(map(len, sets_of.values()))
            )
        except (TypeError, ValueError):
            return False
        if not ok:
            return False
        with self._lock:
            if self.ids or self.clauses:
                return False
            self.words, self.starts, self.sets_of, self._grams = words, starts, sets_of, grams
            self._short = tuple(sorted(w for w in words if len(w) < MIN_REQUIRED))
            self._longest, self._longest_start = longest, longest_start
            self.clauses, self._clause_ids = clauses, None  # rebuilt when a clause is next added
            self._memo = _Memo()
            self.ids = ids  # published last: see _add_set
            return True

    def _clause_numbers(self) -> dict[Clause, int]:
        """Each registered clause (as written) -> its number."""
        if self._clause_ids is None:
            pick = self.id_sets().__getitem__
            self._clause_ids = {
                tuple(tuple(map(pick, alternative)) for alternative in clause): number
                for number, clause in enumerate(self.clauses)
            }
        return self._clause_ids

    def id_sets(self) -> list[frozenset[str]]:
        """The registered sets, in the order of their numbers."""
        return list(self.ids)

    def near_masks(
        self, tokens: dict[str, list[int]], piece: list[int], chunks: list[int], stretches: list[int]
    ) -> tuple[list[int], list[int]]:
        """For each registered set (by number), the places near its words, given a text's
        ``tokens`` (token -> offsets), its ``piece`` at each offset and, for each piece, the
        ``chunks`` and ``stretches`` near it (numbers: each place a bit; see
        WordIndex._near_masks): (the chunks, the stretches) of each set, then -1 for "no set"
        (every place). A token's places are those near each character it has (a word inside
        it may lie past the chunk it starts in): near its first and last character, and every
        2**CHUNK_BITS in between (one chunk's places are the same)."""
        with self._lock:
            memo = self._memo
            if len(memo.sets) >= self.LIMIT:
                memo = self._memo = _Memo()
            known = memo.sets
            # One more: a set registered half-way (see _add_set) has the next number, at most.
            near_chunks = [0] * (len(self.ids) + 1)
            near_stretches = [0] * (len(self.ids) + 1)
            for token, at in tokens.items():
                inside = known.get(token)
                if inside is None:  # new to the memo (or a lint stopped while it read it)
                    inside = self._read(memo, token)
                if not inside:  # most tokens hold no required word
                    continue
                last = len(token) - 1
                near_chunk = near_stretch = 0
                if last < 1 << CHUNK_BITS:
                    for p in at:
                        first, end = piece[p], piece[p + last]
                        near_chunk |= chunks[first]
                        near_stretch |= stretches[first]
                        if end != first:  # a token across a chunk's end (a stop ends none)
                            near_chunk |= chunks[end]
                else:
                    for p in at:
                        for q in range(p, p + last, 1 << CHUNK_BITS):
                            near_chunk |= chunks[piece[q]]
                        near_chunk |= chunks[piece[p + last]]
                        near_stretch |= stretches[piece[p]]
                for number in inside:
                    held = near_chunks[number]
                    if held:
                        near_chunks[number] = held | near_chunk
                        near_stretches[number] = near_stretches[number] | near_stretch
                    else:
                        near_chunks[number], near_stretches[number] = near_chunk, near_stretch
            near_chunks[-1] = near_stretches[-1] = -1
            return near_chunks, near_stretches

    def _read(self, memo: _Memo, token: str) -> tuple[int, ...]:
        """The numbers of the sets with a word inside ``token`` (a lower-cased ``\\w+`` run),
        remembered in ``memo``."""
        words, grams, n, longest = self.words, self._grams, len(token), self._longest
        inside = {
            token[i:j]
            for i in range(n - MIN_REQUIRED + 1)
            if token[i : i + MIN_REQUIRED] in grams  # most places start no word at all
            for j in range(i + MIN_REQUIRED, min(n, i + longest) + 1)
            if token[i:j] in words
        }
        inside.update(word for word in self._short if word in token)
        starts = self.starts
        inside.update(
            "^" + token[:j] for j in range(MIN_REQUIRED_START, min(n, self._longest_start) + 1) if token[:j] in starts
        )
        found = tuple({number for word in inside for number in self.sets_of[word]})
        if found:
            memo.holding.add(token)  # before the entry: a stop in between is read again
        memo.sets[token] = found
        return found


class _Memo:
    """What the tokens seen so far hold: token -> set numbers, and the tokens holding any."""

    __slots__ = ("holding", "sets")

    def __init__(self) -> None:
        self.sets: dict[str, tuple[int, ...]] = {}
        self.holding: set[str] = set()


#: the required words of every branch commlint has analysed in this process
REQUIRED: Final = RequiredWords()


class PrefixLeads:
    """The lead words looked up as a token's start (a lead that is not a whole word), and
    which of them each token seen so far starts with: prose repeats its words from one
    document to the next, so a text's tokens are read once against all of them, not once
    per lead."""

    #: tokens whose prefix leads are remembered, at most (then the memo starts again)
    LIMIT: Final = 100_000

    def __init__(self) -> None:
        #: (the words, token -> the words it starts with, the words by their first two letters
        #: (a one-letter word by its letter)), replaced whole when a word is added: a reader
        #: keeps a consistent state
        self.state: tuple[frozenset[str], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = (
            frozenset(),
            {},
            {},
        )
        self._lock = _thread.allocate_lock()

    def add(self, new: Iterable[str]) -> None:
        """Look for ``new`` words from now on (what tokens hold is read again)."""
        with self._lock:
            words, _, by_start = self.state
            added = [word for word in dict.fromkeys(new) if word not in words]
            if added:
                by_start = dict(by_start)
                for word in added:
                    by_start[word[:2]] = (*by_start.get(word[:2], ()), word)
                self.state = (words.union(added), {}, by_start)

    def read(
        self, memo: dict[str, tuple[str, ...]], token: str, by_start: dict[str, tuple[str, ...]]
    ) -> tuple[str, ...]:
        """The words ``token`` starts with (``by_start`` from the same state as ``memo``),
        remembered in ``memo``."""
        if len(memo) >= self.LIMIT:
            memo.clear()
        held = tuple(w for w in by_start.get(token[:2], ()) if token.startswith(w))
        single = by_start.get(token[:1])
        if single is not None and len(token) > 1:  # one-letter words (a two-letter token's are above)
            held += single
        memo[token] = held
        return held


#: the prefix leads of every pattern tried in this process
PREFIXES: Final = PrefixLeads()

#: a text is cut into chunks of 2**CHUNK_BITS characters; a required word counts as near a
#: start when it occurs in a chunk the start's match window reaches
CHUNK_BITS: Final = 8


def safe_lower(text: str) -> str | None:
    """``text.lower()`` when its offsets line up with ``text`` and lower-casing agrees with
    the regex engine's case-insensitive matching; None otherwise (then scan everything).

    Where ``lower()`` and ``casefold()`` differ (ſ, ς, ß...) the engine may match a
    character that lower-casing does not turn into the pattern's letter.
    """
    return _lower(text)[0]


#: a run of ASCII characters: removed, it leaves a text's non-ASCII characters
_ASCII_RUN: Final = re.compile(r"[\x00-\x7f]+")
_ASCII_BYTES: Final = bytes(range(128))
#: non-ASCII character -> its lower case when lower-casing it alone is what lower-casing it
#: in any text gives (every character but capital sigma), one character that case folding
#: gives too and its own lower case; None otherwise
_ONE_LOWER: Final[dict[str, str | None]] = {}


def _lower(text: str) -> tuple[str | None, set[str] | None]:
    """(safe_lower(text), the non-ASCII characters of it, or None when not known).

    ``lower()`` and ``casefold()`` map a text character by character (``lower()`` but for a
    capital sigma, which reads its neighbours), so when every distinct character of the text
    lower-cases to one character that case folding gives too, the text's lower case is its
    case folding, of the same length: found from the few distinct non-ASCII characters
    (remembered per character) instead of folding the whole text. The lower case itself is
    then made as ``lower()`` makes it for ASCII text: the UTF-8 bytes' ASCII letters lowered
    in C, then each of those few characters replaced by its own lower case (``lower()`` of a
    text that is not all ASCII looks up every character's full case mapping)."""
    if text.isascii():
        return text.lower(), set()
    data = text.encode("utf-8", "surrogatepass")
    # without its ASCII bytes, UTF-8 is the non-ASCII characters' own sequences
    odd = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    lowered = set()
    changes = []
    for c in odd:
        one = _ONE_LOWER.get(c, "")
        if one == "":
            one = c.lower()
            if c == "\u03a3" or len(one) != 1 or one != c.casefold() or one.lower() != one:
                one = None
            _ONE_LOWER[c] = one
        if one is None:
            # str.lower(text), not text.lower(): compiled by mypyc, the method lower-cases one
            # character at a time, without the final sigma's rule ("ZΣ" -> "zσ", not "zς")
            low = str.lower(text)
            if len(low) != len(text) or low != text.casefold():
                return None, None
            return low, None
        if one != c:
            changes.append((c, one))
        if not one.isascii():
            lowered.add(one)
    low = data.lower().decode("utf-8", "surrogatepass")
    for c, one in changes:
        low = low.replace(c, one)
    return low, lowered


def occurrences(low: str, word: str) -> list[int]:
    """Every index where ``word`` occurs in ``low`` (overlapping)."""
    out = []
    i = low.find(word)
    while i >= 0:
        out.append(i)
        i = low.find(word, i + 1)
    return out


_TOKEN_SPLIT: Final = regex_cache.compile(r"(\w+)")
#: the same split by the standard library's engine, about 1.5x faster; used where every
#: character of the text is a word character for both engines or for neither
_FAST_SPLIT: Final = re.compile(r"(\w+)")
#: non-ASCII character -> both engines agree whether it is a word character
_AGREES: Final[dict[str, bool]] = {}


def _split_tokens(low: str) -> list[str]:
    """``low`` split at its ``\\w+`` runs (tokens at odd places), as ``regex`` reads ``\\w``."""
    if not low.isascii():
        for c in set(low):
            agrees = _AGREES.get(c)
            if agrees is None:
                agrees = _AGREES[c] = c.isascii() or bool(_FAST_SPLIT.match(c)) == bool(_WORD_CHAR.match(c))
            if not agrees:
                parts: list[str] = _TOKEN_SPLIT.split(low)
                return parts
    return _FAST_SPLIT.split(low)


#: bytes.translate's table: an ASCII word character (``[A-Za-z0-9_]``) stays, any other byte
#: becomes a space
_ASCII_WORDS: Final = bytes([c if c < 128 and (chr(c).isalnum() or c == 95) else 32 for c in range(256)])
#: non-ASCII character -> whether ``regex`` reads it as a word character, for the process
_WORDY: Final[dict[str, bool]] = {}
#: distinct non-ASCII characters a text may hold for _token_offsets to mask them one by one
_FEW_NON_ASCII: Final = 48


def _token_offsets(low: str, odd: set[str] | None = None) -> dict[str, list[int]]:
    """Each ``\\w+`` run of ``low`` (as ``regex`` reads ``\\w``) -> its offsets, in order of
    first occurrence. ``odd``: the non-ASCII characters of ``low``, when known.

    ``\\w`` is a class of single characters, so the runs are where a copy of ``low`` with
    every non-word character turned into a space has its space-separated parts: made in C by
    ``str.replace`` for each distinct non-ASCII character (most prose has a handful: dashes,
    curly quotes, the block break's pilcrow; a non-ASCII word character becomes an ASCII one
    there, and its tokens are read from ``low``) and one ``bytes.translate``. A plain loop
    groups the parts (faster than grouping them by C-level ``map`` calls, interpreted and
    compiled by mypyc alike). A text with many distinct non-ASCII characters (CJK) is split
    by the engines instead."""
    masked = low
    wordy = False
    if odd is None:
        odd = set() if low.isascii() else set(_ASCII_RUN.sub("", low))
    if odd:
        if len(odd) > _FEW_NON_ASCII:
            return _grouped_split(low)
        for c in odd:
            word = _WORDY.get(c)
            if word is None:
                word = _WORDY[c] = _WORD_CHAR.match(c) is not None
            masked = masked.replace(c, "a" if word else " ")
            wordy = wordy or word
    parts = masked.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split(" ")
    grouped: dict[str, list[int]] = {}
    at = 0  # part i starts after the parts before it and one space after each
    for part in parts:
        size = len(part)
        if size:
            if wordy:  # the masked copy's tokens may hold stand-ins: the text's own
                part = low[at : at + size]
            found = grouped.get(part)
            if found is None:
                grouped[part] = [at]
            else:
                found.append(at)
        at += size + 1
    return grouped


def _grouped_split(low: str) -> dict[str, list[int]]:
    """_token_offsets by a split at ``\\w+`` runs (tokens at odd places) and running lengths."""
    grouped: dict[str, list[int]] = {}
    at = 0
    for number, part in enumerate(_split_tokens(low)):
        if number & 1:
            found = grouped.get(part)
            if found is None:
                grouped[part] = [at]
            else:
                found.append(at)
        at += len(part)
    return grouped


class WordIndex:
    """Where words and word prefixes occur in one text (built once, shared by every rule)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.low, self._odd = _lower(text)
        self._exact: dict[str, list[int]] | None = None
        self._by_prefix: dict[str, list[str]] | None = None
        #: (the prefix leads known when it was built, each one's offsets in this text)
        self._prefix_index: tuple[frozenset[str], dict[str, list[int]]] | None = None
        self._cache: dict[tuple[str, bool, bool], list[int]] = {}
        self._starts: dict[tuple[frozenset[Lead], bool], list[int]] = {}
        self._viable: dict[tuple[int, int], list[int]] = {}
        self._plans: list[Plan] = []
        #: for each registered set (by number), then one more for "no set": the chunks and
        #: the stretches near its words (see _near_masks), for this many sets and this window;
        #: for each clause (by number), the same of its alternatives (None until needed)
        self._near: list[int] = []
        self._near_stretches: list[int] = []
        self._near_sets = self._near_window = -1
        self._clause_near: list[int | None] = []
        self._clause_stretches: list[int | None] = []
        #: offset -> the piece of text it lies in (one chunk, one stretch); piece -> its own
        #: chunk, and its own stretch (see _near_masks)
        self._piece: list[int] = []
        self._own_chunk: list[int] = []
        self._own_stretch: list[int] = []

    def build(self) -> None:
        """Index the text now (otherwise the first rule that needs it pays)."""
        self._tokens()

    def _tokens(self) -> dict[str, list[int]]:
        """token -> its offsets."""
        if self._exact is None:
            self._exact = _token_offsets(self.low or "", self._odd)
        return self._exact

    def _prefixed(self, word: str) -> list[int]:
        """Offsets of tokens starting with ``word``."""
        exact = self._exact if self._exact is not None else self._tokens()
        if len(word) < 3:
            tokens: Iterable[str] = exact
        else:
            if self._by_prefix is None:
                index: dict[str, list[str]] = {}
                for token in exact:
                    index.setdefault(token[:3], []).append(token)
                self._by_prefix = index
            tokens = self._by_prefix.get(word[:3], ())
        return [at for token in tokens if token.startswith(word) for at in exact[token]]

    def starts(self, found: tuple[frozenset[Lead], bool]) -> list[int] | None:
        """Sorted offsets where a match could start, from ``leads(pattern)``; None if the
        text cannot be searched safely this way."""
        if self.low is None:
            return None
        done = self._starts.get(found)  # exceptions are searched once per finding: reuse
        if done is not None:
            return done
        words, at_word_start = found
        split = _split_leads(words)
        hits: list[list[int]] = []  # each word's offsets
        if not at_word_start:
            for word in split[2]:
                hits.append(self._occurrences(word))
        else:
            exact = self._tokens()
            for word in exact.keys() & split[0]:  # whole words: one C-level set intersection
                hits.append(exact[word])
            if split[1]:
                index = self._prefix_index
                if index is None:
                    if not PREFIXES.state[0].issuperset(split[1]):
                        # Leads not seen before (the process's first text, mostly): scanned
                        # for, and known from the next text on; indexing this text's tokens
                        # against the few known so far would cost a cold start more than it saves.
                        PREFIXES.add(split[1])
                        for word in split[1]:
                            hits.append(self._prefix_hits(word))
                        done = self._starts[found] = _in_order(hits)
                        return done
                    index = self._index_prefixes()
                known, by_word = index
                missing = []
                for word in split[1]:
                    if word in known:
                        got = by_word.get(word)
                        if got is not None:
                            hits.append(got)
                    else:  # a lead first seen after this text was indexed
                        missing.append(word)
                        hits.append(self._prefix_hits(word))
                if missing:
                    PREFIXES.add(missing)  # the next text's index has them
        done = self._starts[found] = _in_order(hits)
        return done

    def _index_prefixes(self) -> tuple[frozenset[str], dict[str, list[int]]]:
        """(the prefix leads known, each one's offsets in this text): every token of the text
        names the leads it starts with (remembered for the process: most were seen in earlier
        texts), so all leads are looked up in one pass instead of a scan per lead."""
        words, memo, by_start = PREFIXES.state
        by_word: dict[str, list[int]] = {}
        for token, at in self._tokens().items():
            held = memo.get(token)
            if held is None:
                held = PREFIXES.read(memo, token, by_start)
            for word in held:
                found = by_word.get(word)
                if found is None:
                    by_word[word] = at.copy()
                else:
                    found += at
        self._prefix_index = index = (words, by_word)
        return index

    def viable_starts(self, plan: Plan, window: int) -> list[int] | None:
        """Sorted offsets where a match of a pattern with this ``plan`` could start within
        ``window`` characters: where some branch's lead occurs with a word of each of its
        required sets close enough ahead. None if the text cannot be searched this way."""
        if self.low is None:
            return None
        key = (id(plan), window)
        done = self._viable.get(key)
        if done is not None:
            return done
        near = self._near_masks(window)
        clause_near = self._clause_near
        if len(clause_near) < len(REQUIRED.clauses):  # clauses registered since
            more = len(REQUIRED.clauses) - len(clause_near)
            clause_near += [None] * more
            self._clause_stretches += [None] * more
        gate, branches, firsts = plan
        self._plans.append(plan)  # keeps id(plan) from being reused while the key is here
        if gate:
            for held in gate:
                if near[held]:
                    break
            else:  # not one word of the gate's sets anywhere: no branch can match
                done = self._viable[key] = []
                return done
        hits: set[int] = set()
        for number, first in enumerate(firsts):  # (zip with strict= is not compiled to a loop)
            # The chunks from which a match window reaches a word of each set (chunk i: bit i).
            # The first set (or none: near[-1] is every chunk) first: most branches need a word
            # the text does not hold at all.
            chunks = near[first]
            if not chunks:
                continue
            found, sets, clauses, within = branches[number]
            for held in sets:
                chunks &= near[held]
                if not chunks:
                    break
            else:
                for held in clauses:
                    clause = clause_near[held]
                    if clause is None:
                        clause = clause_near[held] = _clause_places(held, near)
                    chunks &= clause
                    if not chunks:
                        break
            if not chunks:
                continue
            if not sets and not clauses:
                at = self.starts(found)
                if at is None:
                    return None
                hits.update(at)
                continue
            # A match that holds no STOPS character lies in one stretch between them, with
            # its required words: only a stretch holding a word of each set can hold a start.
            within = within and found[1]
            stretches = self._stretches(sets, clauses) if within else 0
            if within and not stretches:
                continue
            at = self.starts(found)
            if at is None:
                return None
            own_chunk, piece = self._own_chunk, self._piece
            if within:
                own_stretch = self._own_stretch
                hits.update([p for p in at if chunks & own_chunk[piece[p]] and stretches & own_stretch[piece[p]]])
            else:
                hits.update([p for p in at if chunks & own_chunk[piece[p]]])
        done = self._viable[key] = sorted(hits)
        return done

    def _stretches(self, sets: tuple[int, ...], clauses: tuple[int, ...]) -> int:
        """The stretches holding a word of each of ``sets`` and, for each of ``clauses``, a
        word of each set of one of its alternatives."""
        near = self._near_stretches
        stretches = near[sets[0]] if sets else -1  # not -1 & ...: a slow AND
        for held in sets[1:]:
            stretches &= near[held]
        for held in clauses:
            clause = self._clause_stretches[held]
            if clause is None:
                clause = self._clause_stretches[held] = _clause_places(held, near)
            stretches &= clause
        return stretches

    def _near_masks(self, window: int) -> list[int]:
        """For each registered required set (by number), then -1 for "no set": the chunks of
        2**CHUNK_BITS characters from which a window of ``window`` characters reaches one of
        its words (chunk i: bit i). Also kept, in ``_near_stretches``: the stretches between
        STOPS characters holding one (bit k: the stretch that ends at the k-th STOPS
        character; the last, the text after every one). Kept apart, the chunks rule out most
        branches with numbers that fit in a machine word (up to 62 chunks): compiled by mypyc,
        no big-number arithmetic, which the stretches (one per sentence) need."""
        if self._near_window == window and self._near_sets == len(REQUIRED.ids):
            return self._near
        low = self.low or ""
        size = len(low)
        reach = (window + (1 << CHUNK_BITS) - 2) >> CHUNK_BITS  # chunks past a start's own
        stops: list[int] = []
        for c in STOPS:
            stops += occurrences(low, c)
        stops.sort()
        # The text in pieces that lie in one chunk and one stretch: for each piece, the chunks
        # near it (each chunk from which a window reaches its own), its own chunk and its
        # stretch; for each offset, its piece.
        cuts: list[int] = sorted(
            {*range(1 << CHUNK_BITS, size, 1 << CHUNK_BITS), *[i + 1 for i in stops if i + 1 < size]}
        )
        cuts.append(size)
        near_chunks: list[int] = []
        own_chunk: list[int] = []
        own_stretch: list[int] = []
        piece: list[int] = []
        stretch = begin = 0
        chunk = reached = -1
        for number, end in enumerate(cuts):
            while stretch < len(stops) and stops[stretch] < begin:
                stretch += 1
            if begin >> CHUNK_BITS != chunk:
                chunk = begin >> CHUNK_BITS
                reached = (1 << (chunk + 1)) - (1 << (chunk - reach if chunk > reach else 0))
            near_chunks.append(reached)
            own_chunk.append(1 << chunk)
            own_stretch.append(1 << stretch)
            piece += [number] * (end - begin)
            begin = end
        near, stretches = REQUIRED.near_masks(self._tokens(), piece, near_chunks, own_stretch)
        self._near, self._near_stretches = near, stretches
        self._near_sets, self._near_window = len(near) - 1, window
        self._piece, self._own_chunk, self._own_stretch = piece, own_chunk, own_stretch
        self._clause_near = [None] * len(REQUIRED.clauses)
        self._clause_stretches = [None] * len(REQUIRED.clauses)
        return near

    def _occurrences(self, word: str) -> list[int]:
        key = (word, False, False)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = occurrences(self.low or "", word)
        return got

    def _prefix_hits(self, word: str) -> list[int]:
        key = (word, False, True)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = self._prefixed(word)
        return got


def _in_order(parts: list[list[int]]) -> list[int]:
    """The offsets in ``parts``, sorted, each once (one part needs no set)."""
    if len(parts) == 1:
        return sorted(parts[0])
    every: set[int] = set()
    for part in parts:
        every.update(part)
    return sorted(every)


def _clause_places(number: int, near: list[int]) -> int:
    """The places where one of the clause's alternatives has a word of each of its sets,
    given each set's places ``near`` (its chunks, or its stretches)."""
    places = 0
    for alternative in REQUIRED.clauses[number]:
        mask = near[alternative[0]] if alternative else -1  # not -1 & ...: a slow AND
        for held in alternative:
            if not mask:
                break
            mask &= near[held]
        places |= mask
    return places


#: a lead set -> its _split_leads, for the process (a dict: compiled, an lru_cache call costs
#: more than the work it saves)
_SPLIT: Final[dict[frozenset[Lead], tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]]] = {}


def _split_leads(words: frozenset[Lead]) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """(whole words, prefix-only words, every word) of a lead set."""
    done = _SPLIT.get(words)
    if done is None:
        if len(_SPLIT) >= 4096:
            _SPLIT.clear()
        whole = frozenset(w for w, is_whole in words if is_whole)
        prefix = tuple(sorted(w for w, is_whole in words if not is_whole))
        done = _SPLIT[words] = whole, prefix, tuple(sorted({w for w, _ in words}))
    return done
