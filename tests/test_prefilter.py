"""The matching shortcuts give exactly the matches plain ``regex`` gives.

Rules scan with ``CheckContext.finditer``/``search``, which try a pattern only where one of
its leading words occurs (commlint.matching.prefilter), and ``compile_patterns`` reorders a leading
look-behind. Both are speed-ups only: any difference in matches is a bug.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator

import pytest
import regex
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.matching import regex_cache
from commlint.matching.prefilter import branches, leads, required_words
from commlint.matching.syntax import lookbehind_last, words_before
from commlint.rules.ruletypes.base import DEFAULT_FLAGS, CheckContext, compile_patterns

EDGE_TEXTS = [
    "Σecure straße, Kelvin \u212a, ſecure and totally ſecure",
    "foo_bar can never fail",
    "x-it is sentient",
    "Our AI is ſecure and totally secure.",
    "İt is totally secure",
    "AI_model is sentient",
    "It's totally-secure, its AI's",
    "un-hackable, unhackable",
    "The model can autonomously identify and exploit weaknesses.\n\nNothing is totally secure.",
    "",
]


@pytest.fixture(scope="module")
def corpus_and_patterns() -> tuple[list[str], list[regex.Pattern[str]]]:
    linter = Linter(Config.default().replace(select=["ALL"]))
    examples: list[str] = []
    patterns: list[regex.Pattern[str]] = []
    for rule in linter.all_rules:
        examples += [*rule.examples_flag, *rule.examples_pass]
        spec = getattr(rule, "spec", {})
        for key in ("patterns", "exceptions", "requires"):
            raw = spec.get(key)
            if raw:
                compiled = compile_patterns([raw] if isinstance(raw, str) else raw, rule.id)
                if compiled is not None:
                    patterns.append(compiled)
        if rule.type == "substitution":
            patterns.append(rule.pattern)  # type: ignore[attr-defined]  # a SubstitutionRule's one pattern
    texts = examples + EDGE_TEXTS + ["\n\n".join(examples)]
    return texts, patterns


def test_most_builtin_patterns_have_leading_words(corpus_and_patterns) -> None:
    _, patterns = corpus_and_patterns
    assert sum(leads(p.pattern) is not None for p in patterns) >= 0.8 * len(patterns)


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
def test_finditer_and_search_match_plain_regex_exactly(corpus_and_patterns) -> None:
    texts, patterns = corpus_and_patterns
    rnd = random.Random(7)
    for text in texts:
        ctx = CheckContext(timeout=5)
        for p in patterns:
            want = [(m.span(), m.groupdict()) for m in p.finditer(text)]
            got = [(m.span(), m.groupdict()) for m in ctx.finditer(p, text)]
            assert got == want, (p.pattern[:80], text[:80])
            for _ in range(2):  # sentence-like windows, some ending inside a word
                lo = rnd.randrange(len(text) + 1)
                hi = min(len(text), lo + rnd.randrange(120))
                plain, fast = p.search(text, lo, hi), ctx.search(p, text, lo, hi)
                assert (fast and fast.span()) == (plain and plain.span()), (
                    p.pattern[:80],
                    text[lo:hi],
                )


def test_long_texts_match_plain_regex_exactly(corpus_and_patterns) -> None:
    """Starts are also skipped where a word the match needs is not close enough ahead (chunks
    of a long text): examples far apart, near and across chunk edges, still match as regex."""
    texts, patterns = corpus_and_patterns
    rnd = random.Random(11)
    filler = "Our teams met partners in the city and wrote a report about the weather. "
    pieces = [t for t in texts if 0 < len(t) < 400]
    for _ in range(3):
        parts = []
        for _ in range(40):
            parts.append(rnd.choice(pieces))
            parts.append((filler * 30)[: rnd.choice([0, 1, 200, 255, 256, 700, 999, 1000, 1300])])
        text = " ".join(parts)
        ctx = CheckContext(timeout=60)
        for p in patterns:
            want = [m.span() for m in p.finditer(text)]
            assert [m.span() for m in ctx.finditer(p, text)] == want, p.pattern[:80]


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bno\b", "Nothing here, no."),
        (r"\b(?:AI|model|it)\s+is\s+sentient", "Its model is sentient; it is sentient."),
        (r"\bun-?hackable\b", "unhackable and un-hackable"),
        (
            r"(?<=\b(?:model|it)\b[^.!?\n]{0,60}?)\bexploits?\s+bugs",
            "The model quickly exploits bugs. Attackers exploit bugs.",
        ),
        (r"makes?\s+mistakes", "It never makes mistakes or make mistakes."),
        (r"ing\b", "testing, shipping"),
    ],
)
def test_edge_patterns(pattern: str, text: str) -> None:
    p = compile_patterns([pattern], "test")
    assert p is not None
    plain = regex.compile(pattern, DEFAULT_FLAGS)
    ctx = CheckContext()
    assert [m.span() for m in ctx.finditer(p, text)] == [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in ctx.finditer(p, text, 0, 3)] == [m.span() for m in plain.finditer(text, 0, 3)]


def test_required_words_know_where_a_token_starts() -> None:
    assert required_words(r"\bmore\s+(?:complete|detailed)\s+plans?") == (
        frozenset({"^more"}),
        frozenset({"^complete", "^detailed"}),
        frozenset({"^plan"}),
    )
    assert required_words(r"(?:un)?hackable") == (frozenset({"hackable"}),)  # "unhackable" too
    # a group of alternatives: one of them, with every word it needs
    assert required_words(r"\b(?:sarin|dirty\s+bombs?)\b") == (
        ((frozenset({"^sarin"}),), (frozenset({"^dirty"}), frozenset({"^bomb"}))),
    )
    assert required_words(r"\ba\s+b\s+it") == (frozenset({"^it"}),)  # one letter proves nothing


def test_a_two_letter_word_with_a_rare_letter_is_a_required_word() -> None:
    # "vx" is found in about as few tokens as a three-letter word; "ed" is found everywhere
    assert required_words(r"\bhelp[^.!?\n]{0,40}?(?:sarin|VX)\b") == (
        frozenset({"^help"}),
        frozenset({"sarin", "vx"}),
    )
    assert required_words(r"\bhelp[^.!?\n]{0,40}?(?:sarin|ed)\b") == (frozenset({"^help"}),)
    pattern = compile_patterns([r"\bhelp\w*[^.!?\n]{0,40}?(?:sarin|VX)\b"], "test")
    assert pattern is not None
    ctx = CheckContext()
    assert list(ctx.finditer(pattern, "We help teams with pricing. " * 20)) == []
    assert ctx.calls == 0  # no token holds either word
    text = "We help teams. " * 20 + "It helped make VX. It helps the AVX line."
    assert [m.group() for m in ctx.finditer(pattern, text)] == ["helped make VX", "helps the AVX"]
    assert ctx.calls == 2  # "vx" inside "avx" counts too


def test_a_start_without_the_words_a_match_needs_ahead_is_not_tried() -> None:
    pattern = compile_patterns([r"\bhelp\w*\s+(?:\S+\s+){0,3}?(?:sarin|ricin)\b"], "test")
    assert pattern is not None
    ctx = CheckContext()
    assert list(ctx.finditer(pattern, "We help teams with pricing. " * 50)) == []
    assert ctx.calls == 0  # "pricing" holds "ricin", but no word starts with it
    text = "We help teams with pricing. " * 100 + "It helped make ricin."
    assert [m.group() for m in ctx.finditer(pattern, text)] == ["helped make ricin"]
    assert ctx.calls < 60  # of 101 starts, only those whose match window may reach "ricin"


def test_a_start_whose_words_lie_past_the_next_full_stop_is_not_tried() -> None:
    ctx = CheckContext()
    pattern = compile_patterns([r"\bhelp\w*\s+(?:\w+\s+){0,3}?(?:sarin|ricin)\b"], "test")
    assert pattern is not None
    text = "We help teams. Ricin is a toxin! Help? Sarin. " * 40
    assert list(ctx.finditer(pattern, text)) == []
    assert ctx.calls == 0  # no match of it can hold a full stop, so its words must come first
    assert [m.group() for m in ctx.finditer(pattern, text + "It helped make ricin.")] == ["helped make ricin"]
    # a gap that can take a full stop (\S) is still tried across one, and matches there
    loose = compile_patterns([r"\bhelp\w*\s+(?:\S+\s+){0,3}?(?:sarin|ricin)\b"], "test")
    assert loose is not None
    assert [m.group() for m in ctx.finditer(loose, "We help teams. Ricin")] == ["help teams. Ricin"]


def test_a_group_of_one_word_alternatives_and_a_word_pair_gates_as_written() -> None:
    # (?:sarin|ricin|dirty bomb): a match holds "sarin", or "ricin", or both "dirty" and "bomb"
    pattern = compile_patterns([r"\bhelp\w*\s+(?:\w+\s+){0,3}?(?:sarin|ricin|dirty\s+bombs?)\b"], "test")
    assert pattern is not None
    plain = regex.compile(pattern.pattern, DEFAULT_FLAGS)
    ctx = CheckContext()
    filler = "We help teams with pricing. " * 20
    assert list(ctx.finditer(pattern, filler + "A dirty trick. A bombshell.")) == []
    assert ctx.calls == 0  # no word of any alternative, and "dirty" without "bomb" ahead
    for tail in ("It helped make ricin.", "It helps with sarin.", "It helps build dirty bombs."):
        text = filler + tail
        calls = ctx.calls
        assert [m.span() for m in ctx.finditer(pattern, text)] == [m.span() for m in plain.finditer(text)] != []
        assert ctx.calls - calls < 5  # only the starts near the words


def test_long_tokens_and_a_text_of_many_sentences_match_plain_regex_exactly() -> None:
    # a token longer than a chunk of the word index (its words may lie in any chunk it
    # touches), and a text cut into more pieces by full stops than two bytes can number
    pattern = compile_patterns([r"\bhelp\w*\s+(?:\w+\s+){0,3}?\w*ricin\b"], "test")
    assert pattern is not None
    plain = regex.compile(pattern.pattern, DEFAULT_FLAGS)
    ctx = CheckContext()
    for text in (
        "We help make " + "x" * 600 + "ricin. It helps. " + "y" * 700 + " help ricin",
        "a. " * 70_000 + "We help make ricin. Help? Ricin.",
    ):
        assert [m.span() for m in ctx.finditer(pattern, text)] == [m.span() for m in plain.finditer(text)] != []


@pytest.mark.parametrize(
    ("pattern", "within"),
    [
        (r"\bhelp\s+(?:\w+\s+)?sarin", True),
        (r"\bhelp[^.!?\n]{0,60}sarin", True),
        (r"\bhelp(?=.*)(?<=\S+)(?:,|;)\s+sarin", True),  # look-arounds consume nothing
        (r"\bhelp\w*?\s*+\bsarin", True),  # quantifiers are not characters
        (r"\bhelp\S+sarin", False),
        (r"\bhelp.sarin", False),
        (r"\bhelp\W+sarin", False),
        (r"\bhelp[^a-z]+sarin", False),
        (r"\bhelp\.\s+sarin", False),
        (r"\bhelp!\s+sarin", False),
        (r"\bhelp\?\s+sarin", False),
        (r"\bhelp[[:punct:]]sarin", False),
    ],
)
def test_a_branch_knows_whether_its_matches_can_hold_a_full_stop(pattern: str, within: bool) -> None:
    found = branches(pattern)
    assert found is not None
    assert found[0][2] is within


def test_lookbehind_is_moved_after_a_probe_only_when_variable_length() -> None:
    assert lookbehind_last(r"(?<=ab)x") == r"(?<=ab)x"
    assert lookbehind_last(r"(?<=a(b)c)x\1") == r"(?<=a(b)c)x\1"  # back-references: left alone
    assert lookbehind_last(r"(?<=\bmodel\b.{0,9})(x)").startswith(r"(?=(?:x))")


def test_a_bad_pattern_is_still_named() -> None:
    from commlint.errors import ConfigError

    with pytest.raises(ConfigError, match=r"invalid pattern 'a\)\|\(b'"):
        compile_patterns(["fine", "a)|(b"], "rule X")


# -- generated patterns: whatever the syntax, the prefilter finds exactly what regex finds ----

#: words with the letters where case folding is not one-to-one: the Kelvin sign, long s,
#: dotted and dotless i, final sigma, sharp s, a ligature, and é both composed and decomposed
WORDS = [
    "secure",
    "it",
    "is",
    "risk",
    "k",
    "s",
    "i",
    "ss",
    "fi",
    "sigma",
    "caf\u00e9",
    "cafe\u0301",
    "e\u0301",
    "\u00e9",
    "\u017fecure",
    "stra\u00dfe",
    "\u0130t",
    "\u0131t",
    "\u212a",
    "\u03c3",
    "\u03c2",
    "\u03a3",
    "\ufb01",
    "vx",
]
TEXT_PIECES = [
    *WORDS,
    "Secure",
    "SECURE",
    "IT",
    "It",
    "Risk",
    "CAFE\u0301",
    "Caf\u00c9",
    "STRASSE",
    "Fi",
    "K",
    "S",
    "I",
    " ",
    " ",
    "  ",
    "\n",
    ".",
    ",",
    "-",
    "_",
    "'",
    "1",
    "\u0301",
    "x",
    "ecure",
    "securr",
    "secur",
    "sec",
    "ure",
    "cafe",
    "caf",
    "isk",
    "rsk",  # near misses, for fuzzy
    "aVx",
]


def _spelled(word: str) -> st.SearchStrategy[str]:
    """``word``, sometimes written with escapes (by name, by code point)."""
    if not all(unicodedata.name(c, "") for c in word):
        return st.just(word)
    by_name = "".join(f"\\N{{{unicodedata.name(c)}}}" for c in word)
    by_code = "".join(f"\\u{ord(c):04x}" for c in word)
    return st.sampled_from([word, word, word, word, by_name, by_code, f"\\x{{{ord(word[0]):x}}}{word[1:]}"])


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def _some(element: st.SearchStrategy[str], sep: str = "", most: int = 3) -> st.SearchStrategy[str]:
    return st.lists(element, min_size=1, max_size=most).map(sep.join)


_WORD = st.one_of(st.sampled_from(WORDS[:10]), st.sampled_from(WORDS).flatmap(_spelled))
_LEAF = st.one_of(
    *[_WORD] * 3,
    st.sampled_from(["[a-z]", "[^.]", "[\u00e9e]", "[sS\u017f]", "[[:alpha:]]", ".", "[k-m]", r"\w", r"\s", r"\d"]),
    st.sampled_from([r"\W", r"\p{L}", " ", r"\s+", r"\ ", r"[ \t]", "-", r"\.", ",", "'", "_"]),
)
_REPEAT = st.sampled_from(["", "", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "??", "+?", "{,2}"])
_ZERO_WIDTH = st.sampled_from([r"\b", r"\b", r"\B", r"\m", r"\M", "^", "$", r"\A", r"\Z"])
_INNER = _some(_some(st.one_of(_joined(_LEAF, _REPEAT), _ZERO_WIDTH)), "|")
_GROUP = _joined(st.sampled_from(["(", "(?:", "(?>", "(?P<g>"]), _INNER, st.just(")"))
_LOOK = _joined(st.sampled_from(["(?=", "(?!", "(?<=", "(?<!"]), _INNER, st.just(")"))
#: syntax the prefilter must refuse; fuzzy matching only outside any repeat (exponential)
_EXOTIC = st.one_of(
    _joined(st.one_of(_LEAF, _GROUP), st.sampled_from(["{e<=1}", "{i<=1}", "{s<=1,d<=1}", "{1<=e<=2}", "{}", "{,}"])),
    _joined(st.sampled_from(["(?i:", "(?-i:", "(?r:", "(?|", "(?<n>", "(?x:"]), _INNER, st.just(")")),
    st.sampled_from(["(?i)", "(?-i)", "(?f)", "(?w)", "(?x)", "(?V1)", "(?a)", "(?s)", "(?r)", "(?b)", "(?(1)a|b)"]),
    st.sampled_from([r"\G", r"\K", "\u0301", r"\X", r"\L<names>", r"\N{COMBINING ACUTE ACCENT}", "\u017f", "\u212a"]),
)
_PLAIN = st.one_of(*[_joined(_LEAF, _REPEAT)] * 8, *[_joined(_GROUP, _REPEAT)] * 2, _ZERO_WIDTH, _LOOK)


def _branch(element: st.SearchStrategy[str], openers: list[str], fuzzy: list[str]) -> st.SearchStrategy[str]:
    """What rule patterns look like: maybe ``\\b`` and a look-around, then a word or a group
    of words (maybe optional or fuzzy), then anything."""
    lead = st.one_of(
        _joined(_WORD, st.sampled_from(["", "", "", "?", "s?", "+", *fuzzy])),
        _joined(st.just("(?:"), _some(_WORD, "|"), st.sampled_from([")", ")", ")?", *(f"){f}" for f in fuzzy)])),
    )
    return _joined(
        st.sampled_from(openers),
        st.sampled_from(["", "", "", "(?<!-)", r"(?=\w)", r"(?<=\s)"]),
        st.one_of(lead, lead, lead, element),
        st.lists(element, max_size=3).map("".join),
    )


_PLAIN_BRANCH = _branch(_PLAIN, ["", r"\b", r"\b"], [])
_ANY_BRANCH = _branch(
    st.one_of(_PLAIN, _PLAIN, _EXOTIC), ["", r"\b", r"\b", "^", r"\G", "(?i)", "(?x)"], ["{e<=1}", "{i<=1}"]
)
_FLAG_SETS = st.sampled_from([*[DEFAULT_FLAGS] * 3, regex.VERSION0, DEFAULT_FLAGS | regex.BESTMATCH])


def _near_miss(word: str) -> st.SearchStrategy[str]:
    """``word`` one edit away (what fuzzy matching accepts), or upper-cased."""
    return st.sampled_from([word[1:] or word, word + word[-1], word[:-1] + "x", "x" + word, word.upper()])


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, int, str]:
    """(pattern, flags, text): compiled by the test, so drawing never depends on regex."""
    pattern = draw(_some(draw(st.sampled_from([_PLAIN_BRANCH, _ANY_BRANCH])), "|", most=2))
    piece = st.one_of(st.sampled_from(TEXT_PIECES), st.sampled_from(WORDS).flatmap(_near_miss))
    text = "".join(draw(st.lists(piece, max_size=16)))
    return pattern, int(draw(_FLAG_SETS)), text


@st.composite
def _long_case(draw: st.DrawFn) -> tuple[str, int, str]:
    """A case whose text has long stretches between its pieces (chunks of the word index)."""
    pattern, flags, _ = draw(_case())
    piece = st.one_of(st.sampled_from(TEXT_PIECES), st.sampled_from(WORDS).flatmap(_near_miss))
    gap = st.sampled_from(["", " ", "x" * 300, " y" * 200, "zz " * 400, " " * 1100])
    text = "".join(draw(st.lists(_joined(piece, gap), max_size=12)))
    return pattern, flags, text


@pytest.fixture(scope="module")
def no_disk_cache() -> Iterator[None]:
    """Lead words of generated patterns stay out of the on-disk cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(regex_cache, "_CACHE", regex_cache.PatternCache(None))
        yield


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(_case(), st.integers(0, 60), st.integers(0, 60))
@example(case=("(?:secure){e<=1}", int(DEFAULT_FLAGS), "Totally securr."), lo=0, width=0)
@example(case=("\\bcafe\u0301\\b", int(DEFAULT_FLAGS), "Caf\u00e9 cafe\u0301"), lo=0, width=0)
@example(case=("\\b\u017fecure", int(DEFAULT_FLAGS), "secure"), lo=0, width=0)
def test_generated_patterns_match_exactly_as_regex(
    no_disk_cache: None, case: tuple[str, int, str], lo: int, width: int
) -> None:
    source, flags, text = case
    lists = {"names": ["secure", "Risk", "caf\u00e9"]} if r"\L<names>" in source else {}
    try:
        pattern = regex.compile(source, flags, **lists)
    except (regex.error, ValueError, OverflowError):  # e.g. (?V1) with VERSION0
        assume(False)
    ctx = CheckContext(timeout=10)
    want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
    assert [(m.span(), m.groups()) for m in ctx.finditer(pattern, text)] == want
    lo = min(lo, len(text))
    hi = min(len(text), lo + width)
    plain, fast = pattern.search(text, lo, hi), ctx.search(pattern, text, lo, hi)
    assert (fast and (fast.span(), fast.groups())) == (plain and (plain.span(), plain.groups()))


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(_long_case())
def test_generated_patterns_match_exactly_in_long_text(no_disk_cache: None, case: tuple[str, int, str]) -> None:
    source, flags, text = case
    lists = {"names": ["secure", "Risk", "caf\u00e9"]} if r"\L<names>" in source else {}
    try:
        pattern = regex.compile(source, flags, **lists)
    except (regex.error, ValueError, OverflowError):
        assume(False)
    want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
    assume(all(end - start < 600 for (start, end), _ in want))  # longer ones pass the match window
    ctx = CheckContext(timeout=10)
    assert [(m.span(), m.groups()) for m in ctx.finditer(pattern, text)] == want


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii words, under_scores and 42 digits",
        "caf\u00e9 na\u00efve \u2014 dash",
        "cafe\u0301 with a combining accent",  # a mark: a word character for regex, not for re
        "x\u00b2 and \u00bd, superscripts and fractions",
        "\u0905\u0928\u0941\u091a\u094d\u091b\u0947\u0926 Devanagari vowel signs",
        "a\u200db\u203fc joiners and connector punctuation\n\u00b6\nnext block \u2014 \u201cquoted\u201d",
        "\u4e00\u4e8c\u4e09 " + "".join(map(chr, range(0x4E00, 0x4E00 + 80))) + " many distinct CJK characters",
        "",
    ],
)
def test_word_index_tokens_are_regex_word_runs(text):
    """The word index may split with the standard library's engine, or mask the text's few
    non-ASCII characters, but its tokens are the ``\\w+`` runs as ``regex`` reads them, in
    order of first occurrence."""
    from commlint.matching.prefilter import WordIndex

    low = text.lower()
    expected: dict[str, list[int]] = {}
    for m in regex.finditer(r"\w+", low):
        expected.setdefault(m.group(), []).append(m.start())
    tokens = WordIndex(text)._tokens()
    assert tokens == expected
    assert list(tokens) == list(expected)


#: characters whose lower case is unusual: context (capital sigma), length (dotted capital I),
#: case folding (long s, sharp s, Kelvin sign, Greek iota subscript), besides word characters,
#: marks, joiners and the prose view's pilcrow and placeholder
_CASE_ALPHABET = "aZ _9.,-'\n\u00b6\ufffc\u2014\u2019\u00e9\u00c9\u0301\u00b2\u0905\u094d\u4e00\u200d\u203f"
_CASE_ALPHABET += "\u03a3\u03c3\u03c2\u017f\u0130\u00df\u1e9e\u212a\u0345\u1f88\u00b5"


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=_CASE_ALPHABET, max_size=40))
def test_word_index_lower_case_and_tokens_on_unusual_characters(text):
    """The lower-cased copy is ``text.lower()`` exactly when that lines up with the text and
    agrees with case folding (else None: everything is scanned), found from the text's distinct
    characters; its tokens are the ``\\w+`` runs ``regex`` finds."""
    from commlint.matching.prefilter import WordIndex

    low = text.lower()
    index = WordIndex(text)
    assert index.low == (low if len(low) == len(text) and low == text.casefold() else None)
    if index.low is not None:
        expected: dict[str, list[int]] = {}
        for m in regex.finditer(r"\w+", low):
            expected.setdefault(m.group(), []).append(m.start())
        tokens = index._tokens()
        assert tokens == expected
        assert list(tokens) == list(expected)


def test_lead_starts_are_every_token_that_is_or_begins_with_a_lead() -> None:
    """Prefix leads are looked up through one pass over a text's tokens, each token naming the
    leads it begins with (remembered for the process); leads first asked for after a text
    was indexed are scanned for. Both must give every start a plain scan of the tokens gives,
    text after text, as new leads and new tokens arrive."""
    from commlint.matching.prefilter import WordIndex

    rng = random.Random(15)
    vocabulary = ["help", "helps", "helped", "he", "hel", "x", "ai", "aid", "aids", "said", "un", "unhackable",
                  "secure", "securing", "se", "the", "theory", "zebra", "ſecure", "naïve", "über"]  # fmt: skip
    for _ in range(60):
        text = " ".join(rng.choice(vocabulary) + rng.choice(["", ",", ".", "-x"]) for _ in range(rng.randint(0, 40)))
        index = WordIndex(text)
        if index.low is None:
            continue
        tokens = [(m.group(), m.start()) for m in regex.finditer(r"\w+", index.low)]
        for _ in range(6):
            leads = frozenset((w, rng.random() < 0.4) for w in rng.sample(vocabulary[:18], rng.randint(1, 5)))
            want = sorted(
                {at for token, at in tokens for w, whole in leads if (token == w if whole else token.startswith(w))}
            )
            assert index.starts((leads, True)) == want, (text, leads)


# -- look-behind words: a start with none of them close enough before is not tried ----------


def test_look_behind_words_are_read_only_when_every_alternative_has_them() -> None:
    guard = r"(?<=\b(?:model|AI|GPT[-\w.]*)\b[^.!?\n]{0,40}?)"
    assert words_before(f"{guard}\\bhacks") == (("ai", "model"), ("gpt",), 40)
    joined = compile_patterns([f"{guard}\\bhacks", r"(?<=\b(?:it)\b[^.!?\n]{0,60})\bbreaks\s+in"], "test")
    assert joined is not None
    assert words_before(joined.pattern) == (("ai", "it", "model"), ("gpt",), 60)
    assert words_before(f"(?:{guard}\\bhacks|\\bbreaks)") is None  # one alternative needs no word
    assert words_before(r"(?<=\b(?:model|agents?)\b[^.!?\n]{0,40}?)\bhacks") is None  # not plain words
    assert words_before(r"(?<=\b(?:model)\b[^.!?]{0,40}?)\bhacks") is None  # a line break may come between
    assert words_before(r"(?<!\b(?:model)\b[^.!?\n]{0,40}?)\bhacks") is None
    assert words_before(r"(?<=\b(?:model)\b[^.!?\n]{0,40}?)?\bhacks") is None  # an optional look-behind
    assert words_before(r"\bhacks") is None


@pytest.mark.parametrize(
    "text",
    [
        "The model quietly hacks in. It hacks.",
        "The model. Hacks",  # a full stop between: not a match, not tried
        "The model\nhacks",
        "The model" + " " * 39 + "hacks and" + " " * 40 + "hacks",  # at the reach and one past it
        "The models hack; the modelled hacks; AI-driven hacks; an AI, then hacks",
        "Our GPT-4.5 hacks, gpt4o hacks, GPT-hacks. GPT. hacks",
        "MODEL HACKS",
        "the agent hacks",
        "",
    ],
)
def test_a_start_with_no_look_behind_word_close_enough_before_finds_what_regex_finds(text: str) -> None:
    source = r"(?<=\b(?:model|AI|GPT[-\w.]*)\b[^.!?\n]{0,40}?)\bhacks?\b"
    pattern = compile_patterns([source], "test")
    assert pattern is not None
    plain = regex.compile(source, DEFAULT_FLAGS)
    ctx = CheckContext()
    assert [m.span() for m in ctx.finditer(pattern, text)] == [m.span() for m in plain.finditer(text)]
    for lo in range(0, len(text), 7):  # windows: the words before them count, as for regex
        hi = min(len(text), lo + 30)
        fast, slow = ctx.search(pattern, text, lo, hi), plain.search(text, lo, hi)
        assert (fast and fast.span()) == (slow and slow.span()), (lo, hi)


def test_a_start_with_no_look_behind_word_close_enough_before_is_not_tried() -> None:
    pattern = compile_patterns([r"(?<=\b(?:model|it)\b[^.!?\n]{0,20}?)\bhack\w*\s+(?:\w+\s+)?into\b"], "test")
    assert pattern is not None
    ctx = CheckContext()
    text = "Attackers hack into servers. The model is safe. " * 30
    assert list(ctx.finditer(pattern, text)) == []
    assert ctx.calls == 0  # 30 starts at "hack", none within 20 characters of "model" or "it"
    found = ctx.finditer(pattern, text + "Then it hacked right into the lab.")
    assert [m.group() for m in found] == ["hacked right into"]
    assert ctx.calls == 1


_GUARD_WORDS = ["model", "it", "AI", "gpt"]


@st.composite
def _guarded_case(draw: st.DrawFn) -> tuple[list[str], str]:
    """Patterns guarded by a look-behind of words, and a text of those words, the phrases they
    guard and what may stand between (full stops, line breaks, version tails)."""
    items = []
    for _ in range(draw(st.integers(1, 3))):
        words = draw(st.lists(st.sampled_from(_GUARD_WORDS), min_size=1, max_size=3, unique=True))
        spelled = "|".join(w + (r"[-\w.]*" if w == "gpt" and draw(st.booleans()) else "") for w in words)
        reach = draw(st.integers(0, 12))
        lazy = draw(st.sampled_from(["?", ""]))
        lead = draw(st.sampled_from([r"hacks?", r"breaks?\s+in", r"(?:hack|crack)\w*"]))
        items.append(rf"(?<=\b(?:{spelled})\b[^.!?\n]{{0,{reach}}}{lazy})\b{lead}")
    pieces = ["model", "Model", "it", "IT", "AI", "gpt", "GPT-4.5", "gpt4o", "hacks", "hack", "cracked", "breaks in",
              "items", "said", " ", " ", "  ", ". ", "\n", ",", "-", "x", "quite far"]  # fmt: skip
    text = "".join(draw(st.lists(st.sampled_from(pieces), max_size=20)))
    return items, text


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(_guarded_case(), st.integers(0, 60), st.integers(0, 60))
def test_look_behind_guarded_patterns_match_exactly_as_regex(
    no_disk_cache: None, case: tuple[list[str], str], lo: int, width: int
) -> None:
    items, text = case
    pattern = compile_patterns(items, "test")
    assert pattern is not None
    plain = regex.compile("|".join(f"(?:{p})" for p in items), DEFAULT_FLAGS)
    ctx = CheckContext(timeout=10)
    assert [m.span() for m in ctx.finditer(pattern, text)] == [m.span() for m in plain.finditer(text)]
    lo = min(lo, len(text))
    hi = min(len(text), lo + width)
    fast, slow = ctx.search(pattern, text, lo, hi), plain.search(text, lo, hi)
    assert (fast and fast.span()) == (slow and slow.span())
