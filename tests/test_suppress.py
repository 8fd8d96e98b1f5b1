"""Inline suppression in the markdownlint style, for Markdown, HTML and plain text."""

from __future__ import annotations

import pytest
from helpers import bad_actors, pack_fixture, pack_toml, spans_for, totally_secure

from commlint.prose.suppress import parse_suppressions

PACK = pack_toml("suptest", totally_secure("SUP001", "absolute claim"), bad_actors("SUP002"))


cfg = pack_fixture(PACK, "SUP", "suppack")
spans = spans_for("a.md")


LINE = "totally secure, bad actors\n"  # SUP001 at 1-15, SUP002 at 17-27


# (test id, file name, document, expected spans)
CASES = [
    (
        "disable_named_rules_then_enable",
        "a.md",
        LINE + "<!-- commlint-disable SUP001 -->\n" + LINE + "<!-- commlint-enable -->\n" + LINE,
        [
            ("SUP001", 1, 1, 1, 15),
            ("SUP002", 1, 17, 1, 27),
            ("SUP002", 3, 17, 3, 27),
            ("SUP001", 5, 1, 5, 15),
            ("SUP002", 5, 17, 5, 27),
        ],
    ),
    (
        "disable_a_list_by_id_and_name_and_enable_one",
        "a.md",
        "<!-- commlint-disable SUP001,bad-actors -->\n" + LINE + "<!-- commlint-enable bad-actors -->\n" + LINE,
        [("SUP002", 4, 17, 4, 27)],
    ),
    (
        "disable_without_rules_disables_all_and_enable_one_brings_it_back",
        "a.md",
        "<!--commlint-disable-->\n"
        + LINE
        + "<!-- commlint-enable SUP002 -->\n"
        + LINE
        + "<!-- commlint-enable -->\n"
        + LINE,
        [("SUP002", 4, 17, 4, 27), ("SUP001", 6, 1, 6, 15), ("SUP002", 6, 17, 6, 27)],
    ),
    (
        "disable_next_line",
        "a.md",
        "<!-- commlint-disable-next-line -->\n" + LINE + LINE + "<!-- commlint-disable-next-line SUP002 -->\n" + LINE,
        [("SUP001", 3, 1, 3, 15), ("SUP002", 3, 17, 3, 27), ("SUP001", 5, 1, 5, 15)],
    ),
    (
        "disable_next_line_applies_to_where_the_finding_starts",
        "a.md",
        "<!-- commlint-disable-next-line SUP001 -->\nIt is totally\nsecure. It is totally\nsecure.\n",
        [("SUP001", 3, 15, 4, 7)],
    ),
    (
        "disable_line_on_the_same_line",
        "a.md",
        "totally secure <!-- commlint-disable-line SUP001 --> bad actors\n" + LINE,
        [("SUP002", 1, 54, 1, 64), ("SUP001", 2, 1, 2, 15), ("SUP002", 2, 17, 2, 27)],
    ),
    (
        "two_directives_on_one_line",
        "a.md",
        "<!-- commlint-disable SUP001 --> <!-- commlint-disable-next-line SUP002 -->\n" + LINE + LINE,
        [("SUP002", 3, 17, 3, 27)],
    ),
    (
        "directives_shown_in_code_are_not_obeyed",
        "a.md",
        "Write `<!-- commlint-disable -->` to silence every rule.\n"
        "\n"
        "```markdown\n<!-- commlint-disable -->\n```\n"
        "\n"
        "    <!-- commlint-disable-next-line -->\n" + LINE,
        [("SUP001", 8, 1, 8, 15), ("SUP002", 8, 17, 8, 27)],
    ),
    (
        "html_uses_comments_too",
        "a.html",
        "<p>totally secure</p>\n"
        "<!-- commlint-disable-next-line -->\n"
        "<p>totally secure</p>\n"
        "<!-- commlint-disable bad-actors -->\n"
        "<p>totally secure, bad actors</p>\n",
        [("SUP001", 1, 4, 1, 18), ("SUP001", 5, 4, 5, 18)],
    ),
    (
        "plain_text_uses_the_same_words_on_a_line_of_their_own",
        "a.txt",
        LINE
        + "commlint-disable-next-line SUP002\n"
        + LINE
        + "  commlint-disable  \n"
        + LINE
        + "commlint-enable\n"
        + "Say commlint-disable here and totally secure.\n",  # not on a line of its own: text
        [
            ("SUP001", 1, 1, 1, 15),
            ("SUP002", 1, 17, 1, 27),
            ("SUP001", 3, 1, 3, 15),
            ("SUP001", 7, 31, 7, 45),
        ],
    ),
    (
        "html_comment_syntax_does_nothing_in_plain_text",
        "a.txt",
        "<!-- commlint-disable -->\n" + LINE,
        [("SUP001", 2, 1, 2, 15), ("SUP002", 2, 17, 2, 27)],
    ),
    ("id_prefix_selects_a_family", "a.md", "<!-- commlint-disable SUP -->\n" + LINE, []),
]


@pytest.mark.parametrize(("path", "text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_suppression(cfg, path, text, expected):
    assert spans(text, cfg, path) == expected


def test_parse_suppressions_records_directive_lines():
    text = "a\n<!-- commlint-disable X1 -->\nb\n<!-- commlint-enable -->\n"
    sup = parse_suppressions(text, [0, 2, 31, 33], "html")
    assert sup.directives == [2, 4]
    assert sup.is_suppressed("X1", "x", 3) and not sup.is_suppressed("X1", "x", 4)
    assert not sup.is_suppressed("Y1", "y", 3)
