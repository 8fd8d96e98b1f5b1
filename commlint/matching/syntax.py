"""The one reader of regex syntax in commlint: where a pattern's escapes, character classes,
groups, alternatives and quantifiers are, as the ``regex`` module reads a pattern without
the VERBOSE flag.

Everything that looks inside a pattern's text goes through here: joining a rule's patterns
into one alternation (closed groups, look-behinds moved last), the anchor words of the
prefilter, and the pack linter's shared-alternation check.
"""

from __future__ import annotations

from collections.abc import Iterator

from commlint.matching import regex_cache

#: token kinds of :func:`tokens`
ESCAPE, CLASS, OPEN, CLOSE, BAR, CHAR = "\\", "[", "(", ")", "|", "c"


def class_end(p: str, i: int) -> int:
    """Index just past the character class opening at ``p[i] == "["``; -1 if it never closes.

    A ``]`` first in the class (after any ``^``) is a literal, as is anything escaped; a POSIX
    class (``[:alpha:]``) inside the set is skipped whole."""
    j, n = i + 1, len(p)
    if j < n and p[j] == "^":
        j += 1
    if j < n and p[j] == "]":
        j += 1
    while j < n and p[j] != "]":
        if p.startswith("[:", j):
            close = p.find(":]", j)
            j = close + 2 if close > 0 else j + 1
            continue
        j += 2 if p[j] == "\\" else 1
    return j + 1 if j < n else -1


def tokens(p: str, start: int = 0) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of each element of ``p`` from ``start``, in order.

    Kinds: ``ESCAPE`` (a backslash and what it escapes; ``\\p{...}`` whole; ``end`` may pass
    the pattern's end when a backslash ends it), ``CLASS`` (a character class; ``end`` is -1
    and the scan stops when it never closes), ``OPEN`` and ``CLOSE`` (group parentheses),
    ``BAR`` (``|``) and ``CHAR`` (any other character, quantifiers included)."""
    i, n = start, len(p)
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 2 < n and p[i + 1] in "pP" and p[i + 2] == "{":  # a property, \p{Lu}: not a repeat
                close = p.find("}", i + 2)
                if close > 0:
                    yield ESCAPE, i, close + 1
                    i = close + 1
                    continue
            yield ESCAPE, i, i + 2
            i += 2
        elif c == "[":
            end = class_end(p, i)
            yield CLASS, i, end
            if end < 0:
                return
            i = end
        else:
            yield (OPEN if c == "(" else CLOSE if c == ")" else BAR if c == "|" else CHAR), i, i + 1
            i += 1


def marks(p: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, character) for each ``(``, ``)`` and ``|`` of ``p`` from ``start`` that is
    neither escaped nor inside a character class (where those characters are literal)."""
    for kind, at, _ in tokens(p, start):
        if kind in (OPEN, CLOSE, BAR):
            yield at, kind


def parens(p: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(index, depth after it) for each group parenthesis from ``start`` (see :func:`marks`)."""
    depth = 0
    for i, c in marks(p, start):
        if c != BAR:
            depth += 1 if c == OPEN else -1
            yield i, depth


def closed(p: str) -> bool:
    """True if the pattern's groups open and close within it (so it cannot reach into its
    neighbours once alternated)."""
    depth = 0
    for _, depth in parens(p):
        if depth < 0:
            return False
    return depth == 0


def group_end(p: str, start: int) -> int:
    """Index just past the group opening at ``start``; -1 if it never closes."""
    return next((i + 1 for i, depth in parens(p, start) if depth == 0), -1)


def split_top(p: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The (start, end) spans of the top-level alternatives of ``p[start:end]``."""
    end = len(p) if end is None else end
    parts, lo, depth = [], start, 0
    for i, c in marks(p[:end], start):
        if c == OPEN:
            depth += 1
        elif c == CLOSE:
            depth -= 1
        elif depth == 0:
            parts.append((lo, i))
            lo = i + 1
    parts.append((lo, end))
    return parts


def quantifier(p: str, i: int) -> tuple[bool, int]:
    """(the element before ``i`` is optional, index after any quantifier at ``i``)."""
    if i >= len(p):
        return False, i
    c = p[i]
    optional = False
    if c in "?*+":
        optional = c in "?*"
        i += 1
    elif c == "{" and p.find("}", i) > 0:
        close = p.find("}", i)
        body = p[i + 1 : close]
        low = body.split(",", 1)[0].strip()
        if not (low.isdigit() or low == ""):
            return False, i  # a literal brace
        optional = low in ("", "0")
        i = close + 1
    else:
        return False, i
    if i < len(p) and p[i] in "?+":  # lazy / possessive
        i += 1
    return optional, i


def group_opening(p: str, i: int) -> tuple[str, int]:
    """What the group at ``p[i] == "("`` is, and where its body starts: "look" (a look-around),
    "group" (capturing, non-capturing, atomic or named), "comment", or "other" (inline flags,
    conditionals)."""
    body = i + 1
    if not p.startswith("?", body):
        return "group", body
    if p.startswith(("?=", "?!", "?<=", "?<!"), body):
        return "look", body
    if p.startswith(("?:", "?>"), body):
        return "group", body + 2
    if p.startswith("?P<", body):
        return "group", p.index(">", body) + 1
    if p.startswith("?#", body):
        return "comment", body
    return "other", body


# Quick reads that need no full scan (each is a regex over the pattern's text).
#: an unbounded gap: ``.``, a negated class or a group under ``*``, ``+`` or ``{n,}`` (not possessive)
_GAP = regex_cache.compile(r"(?:\)|(?<!\\)\.|\[\^(?:\\.|[^\]])*\])(?:[*+]|\{\d+,\})(?![+])", 0)
#: an escape, a class, or a group that captures (``(`` alone, or a named group)
_CAPTURE = regex_cache.compile(r"\\.|\[(?:\\.|[^\]])*\]|\((?!\?)|\(\?P<\w+>", 0)
_BACKREF = regex_cache.compile(r"\(\?P=|\\g<|\\[1-9]", 0)
_QUANTIFIER = regex_cache.compile(r"[*+{]|(?<!\()\?", 0)


def has_unbounded_gap(p: str) -> bool:
    """True if ``p`` has ``.``, a negated class or a group under ``*``, ``+`` or ``{n,}``
    (not possessive): a pattern that can backtrack for a long time inside one call."""
    return _GAP.search(p) is not None


def lookbehind_last(p: str) -> str:
    """``(?<=LB)REST`` as ``(?=REST)(?<=LB)REST``: the same matches, found far faster.

    The engine tries a pattern at every position; a leading variable-length look-behind
    scans back up to its bound each time. Checking a capture-free copy of REST first
    means the look-behind runs only where REST could match (10-50x faster on prose).
    Patterns with back-references, or a fixed-length look-behind, are left alone.
    """
    if not p.startswith(("(?<=", "(?<!")) or _BACKREF.search(p):
        return p
    end = group_end(p, 0)
    if end <= 0 or end == len(p):
        return p
    behind, rest = p[:end], p[end:]
    if not _QUANTIFIER.search(behind, 3):
        return p  # a fixed-length look-behind is cheap already
    probe = _CAPTURE.sub(lambda m: "(?:" if m.group().startswith("(") else m.group(), rest)
    return f"(?={probe}){behind}{rest}"


#: the body of a look-behind ``\b(?:word|word...)\b[^.!?\n]{0,N}`` (lazy or not): one of the
#: words, then at most N characters that hold none of ``.!?`` or a line break; a word may end
#: in ``[-\w.]*`` (``GPT[-\w.]*``: a name and its version)
_WORDS_BEFORE = regex_cache.compile_later(
    r"\\b\(\?:((?:[A-Za-z0-9]+(?:\[-\\w\.\]\*)?\|)*[A-Za-z0-9]+(?:\[-\\w\.\]\*)?)\)\\b\[\^\.!\?\\n\]\{0,(\d+)\}\??", 0
)
#: the tail a word of such a look-behind may have
TAIL = r"[-\w.]*"
#: the characters that look-behind's gap may not hold
GAP_STOPS = ".!?\n"


def could_need_words_before(p: str) -> bool:
    """A quick test every pattern words_before reads passes: it has a look-behind, and its
    first alternative begins with a look-around (after any ``(?:``)."""
    i = 0
    while p.startswith("(?:", i):
        i += 3
    return p.startswith(("(?=", "(?!", "(?<="), i) and "(?<=" in p


def words_before(p: str) -> tuple[tuple[str, ...], tuple[str, ...], int] | None:
    """(words, stems, reach) when every alternative of ``p`` (a group ``(?:...)`` that makes up
    an alternative opened) starts, after any look-aheads, with a look-behind
    ``(?<=\\b(?:w1|w2...)\\b[^.!?\\n]{0,N})`` whose words are plain ASCII letters and digits,
    each possibly followed by ``TAIL``: then a match starts at most ``reach`` characters after
    the end of one of ``words`` (whole ``\\w+`` tokens) or of a token starting with one of
    ``stems`` and its tail, with none of ``GAP_STOPS`` between (both lower-cased). The rule
    packs guard phrases so ("the model ... covered its tracks"; lookbehind_last puts a
    look-ahead first). None for any other pattern."""
    if not could_need_words_before(p):
        return None
    words: set[str] = set()
    stems: set[str] = set()
    reach = 0
    todo = [(0, len(p))]
    while todo:
        start, end = todo.pop()
        for lo, hi in split_top(p, start, end):
            if p.startswith("(?:", lo) and group_end(p, lo) == hi:
                todo.append((lo + 3, hi - 1))  # a group that is the whole alternative: its own
                continue
            i = lo
            while p.startswith(("(?=", "(?!"), i):  # look-aheads: zero-width, at the same place
                i = group_end(p, i)
                if i < 0 or i > hi:
                    return None
            close = group_end(p, i) if p.startswith("(?<=", i) else -1
            if close < 0 or close > hi or quantifier(p, close)[1] != close:  # (?<=...)? may be skipped
                return None
            found = _WORDS_BEFORE.fullmatch(p, i + 4, close - 1)
            if found is None:
                return None
            for word in found.group(1).split("|"):
                if word.endswith(TAIL):
                    stems.add(word[: -len(TAIL)].lower())
                else:
                    words.add(word.lower())
            reach = max(reach, int(found.group(2)))
    return tuple(sorted(words)), tuple(sorted(stems)), reach
