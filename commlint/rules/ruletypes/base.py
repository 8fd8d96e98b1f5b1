"""The rule API (the classes of commlint.rules.ruletypes.rule, imported from here) and the
context a rule checks a document in: its regex calls within a time budget, tried only where
the word index finds a place a match could start."""

from __future__ import annotations

import time
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from commlint.errors import ConfigError
from commlint.matching import regex_cache, syntax  # module-level patterns too: each compile costs ~1 ms
from commlint.prose.document import BLOCK_BREAK, Document
from commlint.rules.ruletypes.rule import FORM_KEYS as FORM_KEYS
from commlint.rules.ruletypes.rule import Finding as Finding
from commlint.rules.ruletypes.rule import OptionType as OptionType
from commlint.rules.ruletypes.rule import Rule as Rule
from commlint.rules.ruletypes.rule import RuleEnv as RuleEnv
from commlint.rules.ruletypes.rule import SuggestionSpec as SuggestionSpec

DEFAULT_FLAGS = regex.IGNORECASE | regex.VERSION0
_IGNORECASE = int(regex.IGNORECASE)


class RuleTimeout(Exception):
    """A rule's pattern ran longer than the per-document timeout."""


@dataclass
class CheckContext:
    """What a rule may use while checking one document.

    ``timeout`` is each rule's time budget on a document of up to BUDGET_CHARS characters of
    prose, and grows in proportion beyond that (the engine calls :meth:`begin` before each
    rule). Running past it raises RuleTimeout, which the engine reports as a CL900 error: a
    rule that could not finish fails the check rather than passing it.
    """

    timeout: float = 1.0
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: characters handed to the regex engine (the sum of every call's window): a deterministic
    #: measure of a rule's work, which tests/test_linear.py checks grows linearly
    scanned: int = field(default=0, compare=False)
    #: regex calls made (one per match attempt, search or scan)
    calls: int = field(default=0, compare=False)
    #: where words occur in the text being checked (commlint.matching.prefilter.WordIndex), shared by rules
    _index: Any = field(init=False, repr=False, compare=False)
    #: the current rule's budget in seconds (``timeout``, scaled to the document's length)
    budget: float = field(init=False, compare=False)
    _deadline: float = field(init=False, repr=False, compare=False)
    #: the last reading of _clock and the wall clock then (see _now)
    _read_cpu: float = field(init=False, repr=False, compare=False)
    _read_wall: float = field(init=False, repr=False, compare=False)
    #: begin() was called: one budget for the whole rule, not one per call
    _per_rule: bool = field(init=False, repr=False, compare=False)
    #: the text short windows were scanned in directly, and the characters so scanned per pattern
    _direct_text: Any = field(init=False, repr=False, compare=False)
    _direct: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: (words, stems) -> where they end in the text of the word index ``_ends_of`` (see _word_ends)
    _ends: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _ends_of: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The init=False fields' starting values, set here rather than as field defaults: a
        # dataclass mypyc compiles has no class attributes for them to fall back on
        self._index = None
        self.budget = 0.0
        self._deadline = 0.0
        self._read_cpu = 0.0
        self._read_wall = -1e9
        self._per_rule = False
        self._direct_text = None
        self._ends_of = None

    def begin(self, doc: Document | None = None) -> None:
        """Start a rule's time budget (the engine calls this before each rule; without it,
        each finditer or search call gets ``timeout``).

        With ``doc``, what every rule shares (its sentences and word index) is built first,
        outside any rule's budget, and the budget grows with the document: a rule's work is
        linear in its length, so a long document must not fail for being long.
        """
        size = 0
        if doc is not None:
            size = len(doc.prose)
            self._word_index(doc.prose)
            _ = doc.sentences
        self.budget = self.timeout * max(1.0, size / BUDGET_CHARS)
        self._deadline = self._now() + self.budget
        self._per_rule = True

    def _now(self) -> float:
        """The thread's CPU time, or a bound just above it: reading that clock is a system call
        (~3 us here, once per rule per document), but it cannot run ahead of the wall clock, so
        within _REREAD seconds of the last reading that reading plus the wall time since is at
        most _REREAD too high (a budget that long more lenient), never too low."""
        wall = _wall()
        if wall - self._read_wall < _REREAD:
            return self._read_cpu + (wall - self._read_wall)
        now = _clock()
        self._read_cpu, self._read_wall = now, wall  # the wall clock read first: a bound from above
        return now

    def _left(self) -> float:
        """Seconds left in the budget; raises RuleTimeout when none are."""
        left = self._deadline - _clock()
        if left <= 0:
            raise RuleTimeout(f"ran past the {self.budget:g}s budget")
        return left

    def _word_index(self, text: str) -> Any:
        if self._index is None or self._index.text is not text:
            from commlint.matching.prefilter import WordIndex

            self._index = WordIndex(text)
            self._index.build()
        return self._index

    def finditer(
        self,
        pattern: regex.Pattern[str],
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        *,
        overlapped: bool = False,
    ) -> Iterator[regex.Match[str]]:
        """``pattern.finditer`` within the rule's time budget; raises RuleTimeout.

        When every match must start with one of a few words (see commlint.matching.prefilter), the
        pattern is tried only where those words occur: the same matches, found 5-20x faster.
        """
        if not self._per_rule:
            self.budget = self.timeout
            self._deadline = _clock() + self.timeout
        end = len(text) if endpos is None else endpos
        starts = None if self._scan_directly(pattern, text, pos, end) else self._candidate_starts(pattern, text, end)
        if starts is not None:
            first = bisect_left(starts, pos)
            if first == len(starts) or starts[first] >= end:
                return  # no place a match could start in the window (most rules on most documents)
        guard = _guarded(pattern.pattern)
        try:
            if starts is None:
                self._tick(end - pos)
                found = pattern.finditer(text, pos, end, overlapped=overlapped, timeout=self._left() if guard else None)
                for count, m in enumerate(found, 1):
                    if count % _CHECK_EVERY == 0:
                        self._left()
                    yield m
            else:
                yield from self._finditer_at(pattern, text, starts, pos, end, guard, overlapped)
        except TimeoutError:
            raise RuleTimeout(f"ran past the {self.budget:g}s budget") from None

    def _scan_directly(self, pattern: regex.Pattern[str], text: str, pos: int, end: int) -> bool:
        """Scan a short window (an exception near a match, a negation before it) with the pattern
        itself rather than at the word index's candidate starts: those cost a pass over the
        whole document per pattern, a short window's scan a fraction of that. The same
        matches: a window of at most MATCH_WINDOW characters is what each attempt at a
        candidate start sees. Only while the windows so scanned for a pattern stay under a
        quarter of the text, so the work stays linear and a pattern searched often goes back to
        the candidate starts; and only with a pattern already built: building one costs ~0.2 ms,
        more than a few documents' scans save (the candidate starts often spare the build)."""
        size = end - pos
        if size > MATCH_WINDOW or not regex_cache.is_built(pattern):
            return False
        if text is not self._direct_text:
            self._direct_text = text
            self._direct.clear()
        key = id(pattern)
        spent = self._direct.get(key, 0) + size
        if spent > len(text) >> 2:
            return False
        self._direct[key] = spent
        return True

    def finditer_in_blocks(self, pattern: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
        """``finditer`` over ``text``, where no match runs into a block break (``BLOCK_BREAK``,
        between paragraphs, headings, items): a match that would is dropped, the rest of its
        block is searched on its own and the scan goes on after the break. So the matches in
        a block are those of the block alone, whatever comes before or after it (the language
        server lints the blocks an edit touched on their own). A scan that meets no break
        inside a match is ``finditer``'s, at the cost of one ``str.find`` a match."""
        pos, size, find = 0, len(BLOCK_BREAK), text.find
        while True:
            for m in self.finditer(pattern, text, pos):
                start, end = m.span()
                brk = find(BLOCK_BREAK, max(0, start - size + 1), end + size - 1)
                if brk < 0:
                    yield m
                    continue
                if start < brk:  # the rest of the match's own block, alone
                    yield from self.finditer(pattern, text, start, brk)
                pos = brk + size
                break
            else:
                return

    def _tick(self, chars: int) -> None:
        """Count one regex call over ``chars`` characters; check the budget now and then."""
        self.calls += 1
        self.scanned += max(0, chars)
        if self.calls % _CHECK_EVERY == 0:
            self._left()

    def _candidate_starts(self, pattern: regex.Pattern[str], text: str, end: int) -> list[int] | None:
        plan = _pattern_branches(pattern)
        found = _pattern_leads(pattern) if plan is None else None
        if plan is None and found is None or 0 < end < len(text) and _MID_WORD.match(text, end - 1):
            return None  # a window ending inside a word changes what "a whole word" is
        index = self._word_index(text)
        if plan is not None:  # where a branch starts with a word each match needs close ahead
            viable: list[int] | None = index.viable_starts(plan, MATCH_WINDOW)
            return viable
        assert found is not None
        starts: list[int] | None = index.starts(found)
        return starts

    def _word_ends(self, text: str, words: tuple[str, ...], stems: tuple[str, ...]) -> list[int] | None:
        """Where the whole words ``words`` end in ``text`` (the indexed text), and every place
        from the end of one of ``stems`` (found anywhere) to the end of its tail (syntax.TAIL):
        sorted, kept for the text. None if it cannot be searched by words."""
        index = self._index
        if self._ends_of is not index:
            self._ends, self._ends_of = {}, index
        key = (words, stems)
        done = self._ends.get(key, _UNKNOWN)
        if done is not _UNKNOWN:
            return done  # type: ignore[return-value]
        low = index.low
        ends: list[int] | None = None
        if low is not None:
            tokens = index._tokens()  # token -> its offsets
            ends = [at + len(word) for word in words for at in tokens.get(word, ())]
            for stem in stems:
                tail = _tail()
                at = low.find(stem)
                while at >= 0:
                    ends += range(at + len(stem), tail.match(text, at + len(stem)).end() + 1)
                    at = low.find(stem, at + 1)
            ends.sort()
        self._ends[key] = ends
        return ends

    def search(
        self, pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
    ) -> regex.Match[str] | None:
        """``pattern.search`` within the time budget (and the same word prefilter as finditer)."""
        return next(self.finditer(pattern, text, pos, endpos), None)

    def _finditer_at(
        self,
        pattern: regex.Pattern[str],
        text: str,
        starts: list[int],
        pos: int,
        end: int,
        guard: bool,
        overlapped: bool,
    ) -> Iterator[regex.Match[str]]:
        """What ``pattern.finditer(text, pos, end)`` yields, given every possible match start.

        Each attempt sees a window of MATCH_WINDOW characters: ``regex`` scans ahead for a
        string the pattern requires, so an unbounded attempt costs the rest of the text, and one
        attempt per candidate made a scan quadratic. A match reaching near the window's edge is
        tried again in a window twice as long (the edge reads as the end of the text), so only
        a match longer than MATCH_WINDOW characters can be missed.
        """
        i = bisect_left(starts, pos)  # an index, not a slice: a copy per call was quadratic
        n = len(starts)
        gate = _GATES.get(pattern.pattern)
        if gate is not None and not pattern.flags & _IGNORECASE:  # (a plain int: a flag's & runs Python code)
            gate = None
        ends, reach = (None, 0) if gate is None else (self._word_ends(text, gate[0], gate[1]), gate[2])
        while i < n:
            start = starts[i]
            i += 1
            if start < pos:
                continue
            if start >= end:
                break
            if ends is not None:  # no word the pattern's look-behinds need close enough before
                k = bisect_right(ends, start) - 1
                if k < 0 or ends[k] < start - reach or _stops_in(text, ends[k], start):
                    continue
            window = min(end, start + MATCH_WINDOW)
            while True:
                self._tick(window - start)
                m = pattern.match(text, start, window, timeout=self._left() if guard else None)
                if m is None or window >= end or m.end() <= window - _EDGE:
                    break
                window = min(end, start + 2 * (window - start))
            if m is not None:
                yield m
                pos = start + 1 if overlapped else m.end() if m.end() > start else start + 1


#: the budget is processor time of the thread running the rule, not wall time: a loaded machine
#: must not make a rule run out of time (and a check fail) where an idle one would not
_clock = time.thread_time
_wall = time.perf_counter
#: how long a reading of _clock is reused by CheckContext.begin (seconds)
_REREAD = 0.005
#: the length of prose (characters) ``timeout`` is the budget for; longer documents get more
BUDGET_CHARS = 100_000
#: characters after its start a match attempt sees (a longer match is not found)
MATCH_WINDOW = 1000
#: a match ending this close to the window's edge is tried again in a longer window (the edge
#: reads as the end of the text to ``\b``, ``$`` and look-aheads)
_EDGE = 200
#: the time budget is checked every this many regex calls (a clock read costs ~1.4 us, as did a
#: ``timeout=`` on every call)
_CHECK_EVERY = 64
_MID_WORD = regex_cache.compile(r"\w\w", 0)
_FLAGS_WITHOUT_PREFILTER = regex.VERBOSE | regex.WORD | regex.REVERSE | regex.FULLCASE | regex.ASCII | regex.LOCALE


@lru_cache(maxsize=4096)
def _guarded(pattern: str) -> bool:
    """A pattern with an unbounded gap can backtrack for a long time inside one call, so only
    it gets the regex-level timeout; the budget checks between calls bound every other one."""
    return syntax.has_unbounded_gap(pattern)


#: joined pattern text -> what each of its alternatives' look-behind needs before a match start
#: (syntax.words_before: words, stems, reach), for patterns compile_patterns made
_GATES: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {}


_TAIL: list[regex.Pattern[str]] = []


def _tail() -> regex.Pattern[str]:
    """syntax.TAIL, compiled when first needed."""
    if not _TAIL:
        _TAIL.append(regex_cache.compile(syntax.TAIL, 0))
    return _TAIL[0]


def _stops_in(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` holds one of syntax.GAP_STOPS."""
    gap = text[start:end]
    return "." in gap or "!" in gap or "?" in gap or "\n" in gap


@lru_cache(maxsize=4096)
def _pattern_leads(pattern: regex.Pattern[str]) -> tuple[frozenset[tuple[str, bool]], bool] | None:
    """The words a match of ``pattern`` may start with (cached: rules ask once per match)."""
    if pattern.flags & _FLAGS_WITHOUT_PREFILTER:
        return None  # verbose syntax, other word rules or full case folding: scan it all
    return _leads(pattern.pattern)


def prepare_patterns(rule: Rule) -> None:
    """Read the branches of every compiled pattern ``rule`` holds (directly, or in a list,
    tuple or dict), so the word index knows all their required words before the first
    document: one learned during a lint makes it forget what it knew of each token."""
    prepare_rules([rule])


def _compiled_in(rule: Rule) -> Iterator[regex.Pattern[str]]:
    """The compiled patterns ``rule`` holds, directly or in a list, tuple or dict."""
    types = regex_cache.pattern_types()
    for value in list(getattr(rule, "__dict__", {}).values()):
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, types):
                yield item


def prepare_rules(rules: Iterable[Rule]) -> None:
    """``prepare_patterns`` for every rule. When nothing is registered yet (a process's first
    linter), what registering all their patterns gives is taken from the pattern cache: the
    required words and each pattern's plan, one sealed record keyed by the patterns' text,
    so a cold start does not redo it (about 50 ms for the built-in packs). The record holds
    that text and is used only if it is the same (its key, a CRC-32 and length of the text,
    finds it: ~0.1 ms for the ~200 KB of the built-in packs, where a SHA-256 without OpenSSL
    took ~2.5 ms of every start)."""
    # Patterns by their text and flags (one may be held both as built and as not yet built:
    # see regex_cache.LazyPattern), in the order the rules hold them.
    same: dict[tuple[str, int], list[regex.Pattern[str]]] = {}
    for rule in rules:
        for p in _compiled_in(rule):
            if p not in _PLANS and not p.flags & _FLAGS_WITHOUT_PREFILTER:
                held = same.setdefault((p.pattern, p.flags), [])
                if not any(q is p for q in held):
                    held.append(p)
    if not same:
        return
    todo = [held[0] for held in same.values()]
    from commlint.matching.prefilter import REQUIRED, VERSION

    if not REQUIRED.ids and len(todo) > 1:
        joined = "\0".join(f"{flags}\1{text}" for text, flags in same).encode("utf-8", "surrogatepass")
        key = f"{zlib.crc32(joined):08x}-{len(joined)}"
        found = regex_cache.remember(f"registered-{VERSION}-4", key, lambda _: (joined, *_registration(todo)))
        if (
            isinstance(found, tuple)
            and len(found) == 3
            and found[0] == joined
            and isinstance(found[2], tuple)
            and len(found[2]) == len(todo)
            and REQUIRED.restore(found[1])
        ):
            for held, plan in zip(same.values(), found[2], strict=True):
                _PLANS.update(dict.fromkeys(held, plan))
            return
    for held in same.values():  # something is registered already (or the record is unusable): one by one
        plan = _pattern_branches(held[0])
        _PLANS.update(dict.fromkeys(held[1:], plan))


def _registration(patterns: list[regex.Pattern[str]]) -> tuple[Any, tuple[Any, ...]]:
    """(the required words, each pattern's plan) of registering ``patterns`` from nothing."""
    from commlint.matching.prefilter import VERSION, RequiredWords, branches, plan

    fresh = RequiredWords()
    plans = []
    for p in patterns:
        found = regex_cache.remember(f"branches-v{VERSION}", p.pattern, branches)
        plans.append(None if found is None else plan(found, fresh))
    return fresh.export(), tuple(plans)


#: pattern -> its plan for the word index (None: fall back on its leads); patterns compare by
#: their text and flags
_PLANS: dict[regex.Pattern[str], Any] = {}


def _pattern_branches(pattern: regex.Pattern[str]) -> Any:
    """``pattern``'s branches (commlint.matching.prefilter.branches) as a plan for the word index,
    their required words registered there; None to fall back on the pattern's leads."""
    known = _PLANS.get(pattern, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    if pattern.flags & _FLAGS_WITHOUT_PREFILTER:
        made = None
    else:
        from commlint.matching.prefilter import VERSION, branches, plan

        found = regex_cache.remember(f"branches-v{VERSION}", pattern.pattern, branches)
        made = None if found is None else plan(found)
    if len(_PLANS) >= 4096:
        _PLANS.clear()
    _PLANS[pattern] = made
    return made


_UNKNOWN = object()


@lru_cache(maxsize=4096)
def _leads(pattern: str) -> tuple[frozenset[tuple[str, bool]], bool] | None:
    from commlint.matching.prefilter import VERSION, leads

    found: tuple[frozenset[tuple[str, bool]], bool] | None = regex_cache.remember(f"leads-v{VERSION}", pattern, leads)
    return found


def compile_patterns(patterns: Iterable[str], where: str, flags: int = DEFAULT_FLAGS) -> regex.Pattern[str] | None:
    """Compile a list of patterns into one alternation; errors name the rule."""
    items = list(patterns)
    if not items:
        return None
    # The scan of the pattern text (closed groups, look-behinds moved last) is remembered
    # with the compiled patterns: it is pure Python over every pattern, on every start.
    found = regex_cache.remember("alternation-2", "\0".join(items), lambda _: _alternation(items))
    joined = found[0] if isinstance(found, (tuple, list)) and len(found) == 2 and isinstance(found[0], str) else None
    if joined is not None:
        gate = found[1]
        if gate is not None and flags & _IGNORECASE:  # its words are looked up lower-cased
            if len(_GATES) >= 4096:
                _GATES.clear()
            _GATES[joined] = (tuple(gate[0]), tuple(gate[1]), int(gate[2]))
        # One compile, not one per pattern as well: compiling is most of the start-up time.
        try:
            return regex_cache.compile_later(joined, flags)
        except regex.error:
            pass  # compile one by one to name the bad pattern
    for p in items:
        try:
            regex.compile(p, flags)
        except regex.error as exc:
            raise ConfigError(f"{where}: invalid pattern {p!r}: {exc}") from None
    try:  # each compiles alone, and the quick scan was unsure: trust the compiler
        return regex.compile("|".join(f"(?:{p})" for p in items), flags)
    except regex.error as exc:
        raise ConfigError(f"{where}: patterns do not combine into one alternation: {exc}") from None


def _alternation(items: list[str]) -> tuple[str, Any] | None:
    """The patterns as one alternation, and what its look-behinds need before a match
    (syntax.words_before); None when one of them is not closed."""
    if all(syntax.closed(p) for p in items):
        joined = "|".join(f"(?:{syntax.lookbehind_last(p)})" for p in items)
        return joined, syntax.words_before(joined)
    return None
