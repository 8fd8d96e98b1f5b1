"""The matching shortcuts give exactly the matches plain ``regex`` gives.

Rules scan with ``CheckContext.finditer``/``search``, which try a pattern only where one of
its leading words occurs (commlint.prefilter), and ``compile_patterns`` reorders a leading
look-behind. Both are speed-ups only: any difference in matches is a bug.
"""

from __future__ import annotations

import random

import pytest
import regex

from commlint.config import Config
from commlint.engine import Linter
from commlint.prefilter import leads
from commlint.ruletypes.base import DEFAULT_FLAGS, CheckContext, compile_patterns, lookbehind_last

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
            patterns.append(rule.pattern)
    texts = examples + EDGE_TEXTS + ["\n\n".join(examples)]
    return texts, patterns


def test_most_builtin_patterns_have_leading_words(corpus_and_patterns) -> None:
    _, patterns = corpus_and_patterns
    assert sum(leads(p.pattern) is not None for p in patterns) >= 0.8 * len(patterns)


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
    assert [m.span() for m in ctx.finditer(p, text, 0, 3)] == [
        m.span() for m in plain.finditer(text, 0, 3)
    ]


def test_lookbehind_is_moved_after_a_probe_only_when_variable_length() -> None:
    assert lookbehind_last(r"(?<=ab)x") == r"(?<=ab)x"
    assert lookbehind_last(r"(?<=a(b)c)x\1") == r"(?<=a(b)c)x\1"  # back-references: left alone
    assert lookbehind_last(r"(?<=\bmodel\b.{0,9})(x)").startswith(r"(?=(?:x))")


def test_a_bad_pattern_is_still_named() -> None:
    from commlint.errors import ConfigError

    with pytest.raises(ConfigError, match=r"invalid pattern 'a\)\|\(b'"):
        compile_patterns(["fine", "a)|(b"], "rule X")
