"""Inline suppression in the markdownlint style, for Markdown, HTML and plain text."""

from __future__ import annotations

import pytest

from commlint.suppress import parse_suppressions
from helpers import Span, bad_actors, pack_config, pack_toml, totally_secure
from helpers import spans as _spans

PACK = pack_toml("suptest", totally_secure("SUP001", "absolute claim"), bad_actors("SUP002"))


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    return pack_config(tmp_path_factory, PACK, "SUP", "suppack")


def spans(text: str, cfg: dict[str, list[str]], path: str = "a.md") -> list[Span]:
    return _spans(text, cfg, path)


LINE = "totally secure, bad actors\n"  # SUP001 at 1-15, SUP002 at 17-27


def test_disable_named_rules_then_enable(cfg):
    text = LINE + "<!-- commlint-disable SUP001 -->\n" + LINE + "<!-- commlint-enable -->\n" + LINE
    assert spans(text, cfg) == [
        ("SUP001", 1, 1, 1, 15),
        ("SUP002", 1, 17, 1, 27),
        ("SUP002", 3, 17, 3, 27),
        ("SUP001", 5, 1, 5, 15),
        ("SUP002", 5, 17, 5, 27),
    ]


def test_disable_a_list_by_id_and_name_and_enable_one(cfg):
    text = (
        "<!-- commlint-disable SUP001,bad-actors -->\n"
        + LINE
        + "<!-- commlint-enable bad-actors -->\n"
        + LINE
    )
    assert spans(text, cfg) == [("SUP002", 4, 17, 4, 27)]


def test_disable_without_rules_disables_all_and_enable_one_brings_it_back(cfg):
    text = (
        "<!--commlint-disable-->\n"
        + LINE
        + "<!-- commlint-enable SUP002 -->\n"
        + LINE
        + "<!-- commlint-enable -->\n"
        + LINE
    )
    assert spans(text, cfg) == [
        ("SUP002", 4, 17, 4, 27),
        ("SUP001", 6, 1, 6, 15),
        ("SUP002", 6, 17, 6, 27),
    ]


def test_disable_next_line(cfg):
    text = (
        "<!-- commlint-disable-next-line -->\n"
        + LINE
        + LINE
        + "<!-- commlint-disable-next-line SUP002 -->\n"
        + LINE
    )
    assert spans(text, cfg) == [
        ("SUP001", 3, 1, 3, 15),
        ("SUP002", 3, 17, 3, 27),
        ("SUP001", 5, 1, 5, 15),
    ]


def test_disable_next_line_applies_to_where_the_finding_starts(cfg):
    text = (
        "<!-- commlint-disable-next-line SUP001 -->\n"
        "It is totally\nsecure. It is totally\nsecure.\n"
    )
    assert spans(text, cfg) == [("SUP001", 3, 15, 4, 7)]


def test_disable_line_on_the_same_line(cfg):
    text = "totally secure <!-- commlint-disable-line SUP001 --> bad actors\n" + LINE
    assert spans(text, cfg) == [
        ("SUP002", 1, 54, 1, 64),
        ("SUP001", 2, 1, 2, 15),
        ("SUP002", 2, 17, 2, 27),
    ]


def test_two_directives_on_one_line(cfg):
    text = (
        "<!-- commlint-disable SUP001 --> <!-- commlint-disable-next-line SUP002 -->\n"
        + LINE
        + LINE
    )
    assert spans(text, cfg) == [("SUP002", 3, 17, 3, 27)]


def test_directives_shown_in_code_are_not_obeyed(cfg):
    text = (
        "Write `<!-- commlint-disable -->` to silence every rule.\n"
        "\n"
        "```markdown\n<!-- commlint-disable -->\n```\n"
        "\n"
        "    <!-- commlint-disable-next-line -->\n" + LINE
    )
    assert spans(text, cfg) == [("SUP001", 8, 1, 8, 15), ("SUP002", 8, 17, 8, 27)]


def test_html_uses_comments_too(cfg):
    text = (
        "<p>totally secure</p>\n"
        "<!-- commlint-disable-next-line -->\n"
        "<p>totally secure</p>\n"
        "<!-- commlint-disable bad-actors -->\n"
        "<p>totally secure, bad actors</p>\n"
    )
    assert spans(text, cfg, "a.html") == [("SUP001", 1, 4, 1, 18), ("SUP001", 5, 4, 5, 18)]


def test_plain_text_uses_the_same_words_on_a_line_of_their_own(cfg):
    text = (
        LINE
        + "commlint-disable-next-line SUP002\n"
        + LINE
        + "  commlint-disable  \n"
        + LINE
        + "commlint-enable\n"
        + "Say commlint-disable here and totally secure.\n"  # not on a line of its own: text
    )
    assert spans(text, cfg, "a.txt") == [
        ("SUP001", 1, 1, 1, 15),
        ("SUP002", 1, 17, 1, 27),
        ("SUP001", 3, 1, 3, 15),
        ("SUP001", 7, 31, 7, 45),
    ]


def test_html_comment_syntax_does_nothing_in_plain_text(cfg):
    assert spans("<!-- commlint-disable -->\n" + LINE, cfg, "a.txt") == [
        ("SUP001", 2, 1, 2, 15),
        ("SUP002", 2, 17, 2, 27),
    ]


def test_id_prefix_selects_a_family(cfg):
    assert spans("<!-- commlint-disable SUP -->\n" + LINE, cfg) == []


def test_parse_suppressions_records_directive_lines():
    text = "a\n<!-- commlint-disable X1 -->\nb\n<!-- commlint-enable -->\n"
    sup = parse_suppressions(text, [0, 2, 31, 33], "html")
    assert sup.directives == [2, 4]
    assert sup.is_suppressed("X1", "x", 3) and not sup.is_suppressed("X1", "x", 4)
    assert not sup.is_suppressed("Y1", "y", 3)
