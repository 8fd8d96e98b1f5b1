"""Suggestions read well: a/an agreement, case carried over, quotes and punctuation kept."""

from __future__ import annotations

import pytest

from commlint.rules.suggest import article_for, match_case, preserve_edges


@pytest.mark.parametrize(
    ("word", "article"),
    [
        ("apple", "an"),
        ("robust", "a"),
        ("hour", "an"),
        ("honest", "an"),
        ("heir", "an"),
        ("unique", "a"),
        ("universal", "a"),
        ("unimportant", "an"),
        ("uninformed", "an"),
        ("user", "a"),
        ("usual", "a"),
        ("utility", "a"),
        ("one-off", "a"),
        ("onerous", "an"),
        ("European", "a"),
        ("ewe", "a"),
        ("urgent", "an"),
        ("uranium", "a"),
        ("ubiquitous", "a"),
        ("FBI", "an"),
        ("LLM", "an"),
        ("SDK", "an"),
        ("API", "an"),
        ("MRI", "an"),
        ("HTTP", "an"),
        ("URL", "a"),
        ("GPU", "a"),
        ("NASA", "a"),
        ("NATO", "a"),
        ("MMLU", "an"),
        ("LLMs", "an"),
        ("8-bit", "an"),
        ("11-point", "an"),
        ("18-month", "an"),
        ("110-page", "a"),
        ("3-step", "a"),
        ("“independent", "an"),
        ("(early", "an"),
        ("", "a"),
    ],
)
def test_article_for(word, article):
    assert article_for(word) == article


@pytest.mark.parametrize(
    ("original", "replacement", "expected"),
    [
        ("never fails", "rarely fails", "rarely fails"),
        ("Never fails", "rarely fails", "Rarely fails"),
        ("NEVER FAILS", "rarely fails", "RARELY FAILS"),
        ("GUARANTEED", "expected", "EXPECTED"),
        ("AI", "machine learning", "machine learning"),  # an acronym says nothing of case
        ("never", "Rarely", "rarely"),  # lower-case original, mid-sentence
        ("never", "AI-based", "AI-based"),  # but keep a leading acronym
        ("Totally Secure", "designed with strong protections", "Designed with Strong Protections"),
        ("“never", "rarely", "rarely"),
    ],
)
def test_match_case(original, replacement, expected):
    assert match_case(original, replacement) == expected


@pytest.mark.parametrize(
    ("original", "replacement", "expected"),
    [
        ("unhackable.", "strongly protected", "strongly protected."),
        ("unhackable,", "strongly protected", "strongly protected,"),
        ("“unhackable”", "strongly protected", "“strongly protected”"),
        ('"unhackable."', "strongly protected", '"strongly protected."'),
        ("(unhackable)", "strongly protected", "(strongly protected)"),
        ("never fails.", "rarely fails.", "rarely fails."),  # already there: not doubled
        ("unhackable", "strongly protected", "strongly protected"),
        ("unhackable.", "", ""),  # a deletion stays a deletion
    ],
)
def test_preserve_edges(original, replacement, expected):
    assert preserve_edges(original, replacement) == expected


def test_through_the_linter(tmp_path):
    from fixpack import write_pack

    from commlint.api import lint_text

    cfg = write_pack(tmp_path)
    # A statement, not a question: a question is a mention, and mentions get no fix.
    diags = lint_text("It is AN UNHACKABLE vault. An unhackable one.\n", path="a.md", config=cfg)
    texts = [(d.suggestions[0].text, d.suggestions[0].start, d.suggestions[0].end) for d in diags]
    assert texts == [("A STRONGLY PROTECTED", 6, 19), ("A strongly protected", 27, 40)]


@pytest.mark.parametrize(
    ("original", "replacement", "expected"),
    [
        (
            "reasons better than any human\nexpert",
            "is designed to support human experts",
            "is designed to support human\nexperts",
        ),
        ("totally\n  secure", "designed to be secure", "designed\n  to be secure"),
        ("totally\r\nsecure", "designed to be secure", "designed to\r\nbe secure"),
        ("totally secure", "designed to be secure", "designed to be secure"),  # no break: as is
        ("un\nhackable", "strong", "strong"),  # nowhere to put it
    ],
)
def test_keep_line_breaks(original, replacement, expected):
    from commlint.rules.suggest import keep_line_breaks

    assert keep_line_breaks(original, replacement) == expected


def test_a_fix_over_a_wrapped_phrase_keeps_the_lines(tmp_path):
    from fixpack import write_pack

    import commlint

    cfg = write_pack(tmp_path)
    text = "Our vault is totally\nsecure today.\n"
    assert commlint.fix_text(text, path="a.md", config=cfg).text == "Our vault is well\nprotected today.\n"


def test_an_intensifier_before_a_phrase_is_found_as_a_whole_sentence_search_finds_it() -> None:
    """``intensifier_before`` searches only the few characters where a match can start: the
    same match as ``_INTENSIFIER_BEFORE`` searched from the sentence's start, on texts built
    around every intensifier with spaces, tabs, line breaks, "100 %" and words glued on."""
    import random
    import sys

    import regex

    from commlint.rules import suggest

    pattern = suggest._INTENSIFIER_BEFORE
    # the bound holds for every intensifier word the pattern lists
    words = pattern.pattern.split("(?:")[1].split(")")[0].split("|")
    assert max(len(w) for w in words if w.isalpha()) < suggest._LONGEST_INTENSIFIER
    # what the "100 %" walk skips: every character regex's \s matches is one isspace() knows
    space = regex.compile(r"\s")
    assert all(chr(c).isspace() for c in range(sys.maxunicode + 1) if space.match(chr(c)))
    pieces = [*words, "100", "100 %", "100\u00a0%", "%", "x", "un", "ab", "Totally", "ABSOLUTELY", "ſ", "é"]
    gaps = ["", " ", "  ", "\t", "\n", " \n", "\t\n", "\r\n", "\u2003", "-"]
    rnd = random.Random(15)
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) + rnd.choice(gaps) for _ in range(rnd.randint(1, 6)))
        start = rnd.randint(0, len(text))
        lo = rnd.randint(0, start)
        want = pattern.search(text, lo, start)
        got = suggest.intensifier_before(text, lo, start)
        assert (got and got.span()) == (want and want.span()), (text, lo, start)
