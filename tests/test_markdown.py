"""Markdown prose view: what is prose, what is not, and exact source positions.

Every test lints a small inline document with a tiny rule pack of its own (written to a temp
folder and selected through config), so the built-in rule content can change freely.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import bad_actors, pack_fixture, pack_toml, spans_for, totally_secure

from commlint.api import lint_result, lint_text
from commlint.prose.document import BLOCK_BREAK, PLACEHOLDER

PACK = pack_toml("mdtest", totally_secure("MDT001"), bad_actors("MDT002"))


cfg = pack_fixture(PACK, "MDT", "mdpack")
spans = spans_for("draft.md")


def prose(text: str) -> str:
    """The prose view, with the trailing block break removed."""
    doc = lint_result(text, path="draft.md", config={"select": [], "ignore": []}).document
    return doc.prose.removesuffix(BLOCK_BREAK)


# -- what is not prose ---------------------------------------------------------------------


# (test id, document, expected spans)
NOT_PROSE = [
    (
        "front_matter_is_not_prose",
        "---\ntitle: totally secure\n---\nBody is totally secure.\n",
        [("MDT001", 4, 9, 4, 23)],
    ),
    (
        "toml_front_matter_is_not_prose",
        "+++\ntitle = 'totally secure'\n+++\n\ntotally secure\n",
        [("MDT001", 5, 1, 5, 15)],
    ),
    (
        "fenced_and_indented_code_are_not_prose",
        "```text\ntotally secure\n```\n"
        "\n"
        "~~~\nbad actors\n~~~\n"
        "\n"
        "    totally secure in indented code\n"
        "\n"
        "After the code, totally secure.\n",
        [("MDT001", 11, 17, 11, 31)],
    ),
    (
        "code_inside_list_item_is_not_prose",
        "- item\n\n      totally secure\n\n  ```\n  bad actors\n  ```\n",
        [],
    ),
    (
        "inline_code_is_not_prose_and_does_not_join_a_phrase",
        "Run `totally secure` now; bad `x` actors; `a\nb` totally secure.\n",
        [("MDT001", 2, 4, 2, 18)],
    ),
    (
        "html_comments_and_tags_are_not_prose_but_their_text_and_titles_are",
        "<!-- totally secure -->\n"
        "\n"
        'A <span title="totally secure">tag</span> and a '
        "<!-- multi\nline totally secure --> comment.\n"
        "\n"
        "<div>\ntotally secure inside an HTML block\n</div>\n"
        "\n"
        "It is <b>totally</b> secure.\n",
        # The title attribute and the raw-HTML block's text are prose; inline tags are dropped but
        # do not split the phrase: start on "totally", end after "secure".
        [("MDT001", 3, 16, 3, 30), ("MDT001", 7, 1, 7, 15), ("MDT001", 10, 10, 10, 28)],
    ),
    (
        "urls_autolinks_and_link_targets_are_not_prose",
        "See https://example.com/totally secure and www.totally-secure.example.\n"
        "Mail <https://bad.example/bad actors> or <me@totally.secure>.\n"
        '[a link](https://example.com/totally%20secure "totally secure") '
        "and ![totally secure](img.png) and [ref][bad actors].\n"
        "\n"
        '[bad actors]: https://example.com/totally-secure "totally secure"\n',
        # Only the bare "secure" after the URL remains; no phrase is complete. The link's title
        # and the image's alt text are read (as blocks of their own): readers see them.
        [("MDT001", 3, 48, 3, 62), ("MDT001", 3, 71, 3, 85)],
    ),
    (
        "alt_text_and_titles_are_prose_but_do_not_join_the_sentence",
        'Bad ![totally secure](a.png "bad actors") actors.\n'
        "\n"
        '<img src="b.png" alt="We are totally secure."> and <abbr title="bad &amp; actors">x</abbr>\n',
        [("MDT001", 1, 7, 1, 21), ("MDT002", 1, 30, 1, 40), ("MDT001", 3, 30, 3, 44)],
    ),
    (
        "link_text_is_prose",
        "We are [totally secure](https://example.com) today.\n",
        [("MDT001", 1, 9, 1, 23)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in NOT_PROSE], ids=[c[0] for c in NOT_PROSE])
def test_what_is_and_is_not_prose(cfg, text, expected):
    assert spans(text, cfg) == expected


# -- markup never splits a phrase ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**totally secure**\n", ("MDT001", 1, 3, 1, 17)),
        ("__totally secure__\n", ("MDT001", 1, 3, 1, 17)),
        ("*totally* secure\n", ("MDT001", 1, 2, 1, 17)),
        ("***totally*** _secure_\n", ("MDT001", 1, 4, 1, 22)),
        ("~~totally~~ secure\n", ("MDT001", 1, 3, 1, 19)),
        ("[totally](https://x.example) secure\n", ("MDT001", 1, 2, 1, 36)),
        ("[totally\nsecure](https://x.example)\n", ("MDT001", 1, 2, 2, 7)),
    ],
)
def test_emphasis_and_links_never_split_a_phrase(cfg, text, expected):
    assert spans(text, cfg) == [expected]


def test_phrase_wrapped_over_two_lines(cfg):
    text = "Our new model is totally\nsecure, and bad\nactors cannot use it.\n"
    assert spans(text, cfg) == [("MDT001", 1, 18, 2, 7), ("MDT002", 2, 13, 3, 7)]


def test_hard_breaks_do_not_split_a_phrase(cfg):
    text = "It is totally  \nsecure and bad\\\nactors.\n"
    assert spans(text, cfg) == [("MDT001", 1, 7, 2, 7), ("MDT002", 2, 12, 3, 7)]


def test_blocks_do_split_a_phrase(cfg):
    # Two paragraphs, a heading and a list item are separate blocks.
    text = "It is totally\n\nsecure.\n\n# totally\nsecure\n\n- bad\n- actors\n"
    assert spans(text, cfg) == []


def test_list_marker_like_text_on_a_wrapped_line_is_prose(cfg):
    # "2019." on a continuation line is text ("2." could not interrupt a paragraph).
    assert prose("In\n2019. We said so.\n") == "In 2019. We said so."


# -- entities and escapes ---------------------------------------------------------------------


def test_entities_do_not_break_positions(cfg):
    text = "Tom &amp; Jerry &copy; are totally&nbsp;secure &mdash; bad actors.\n"
    assert spans(text, cfg) == [("MDT001", 1, 28, 1, 47), ("MDT002", 1, 56, 1, 66)]


def test_backslash_escapes_do_not_break_positions(cfg):
    text = "\\*Note\\* \\[sic\\] it is totally secure \\#1.\n"
    assert spans(text, cfg) == [("MDT001", 1, 24, 1, 38)]
    assert prose(text) == "*Note* [sic] it is totally secure #1."


def test_prose_view_of_visible_non_prose_and_blocks():
    text = "# Title\n\nSee `code`, ![img](a.png) and https://x.example now.\n"
    # The image's alt text is a block of its own, so the sentence around it is split there.
    assert prose(text) == (
        f"Title{BLOCK_BREAK}See {PLACEHOLDER}, {PLACEHOLDER}{BLOCK_BREAK}img{BLOCK_BREAK}and {PLACEHOLDER} now."
    )


# -- containers ---------------------------------------------------------------------------------


# (test id, document, expected spans)
CONTAINERS = [
    (
        "lists",
        "- first\n- it is totally secure\n  and bad\n  actors\n1. one totally\n   secure\n",
        [("MDT001", 2, 9, 2, 23), ("MDT002", 3, 7, 4, 9), ("MDT001", 5, 8, 6, 10)],
    ),
    ("task_list_items", "- [x] totally secure\n", [("MDT001", 1, 7, 1, 21)]),
    (
        "blockquotes_nested_and_lazy",
        "> It is totally\n> secure.\n>\n> > bad\n> > actors\n\n> lazy totally\nsecure\n",
        [("MDT001", 1, 9, 2, 9), ("MDT002", 4, 5, 5, 11), ("MDT001", 7, 8, 8, 7)],
    ),
    (
        "tables",
        "| Claim | Note |\n|-------|------|\n| totally secure | `bad actors` |\n| ok | bad actors \\| x |\n",
        [("MDT001", 3, 3, 3, 17), ("MDT002", 4, 8, 4, 18)],
    ),
    ("table_cells_are_separate_blocks", "| a | b |\n|---|---|\n| totally | secure |\n", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CONTAINERS], ids=[c[0] for c in CONTAINERS])
def test_containers(cfg, text, expected):
    assert spans(text, cfg) == expected


def test_atx_and_setext_headings(cfg):
    text = "# A totally secure heading #\n\n## bad actors\n\nSetext totally\nsecure\n======\n\nAnother\n-------\n"
    assert spans(text, cfg) == [
        ("MDT001", 1, 5, 1, 19),
        ("MDT002", 3, 4, 3, 14),
        ("MDT001", 5, 8, 6, 7),
    ]
    assert "=" not in prose(text)


def test_message_shows_the_prose_not_the_markup(cfg):
    (diag,) = lint_text("**totally**\nsecure\n", path="x.md", config=cfg)
    assert diag.message == "absolute claim: totally secure"
    assert diag.text == "totally**\nsecure"


def test_markdown_extensions_pick_markdown(cfg, tmp_path: Path):
    for name in ("a.md", "a.markdown"):
        assert spans("`totally secure`\n", cfg, path=name) == []
    # The same text as plain text is prose.
    assert spans("`totally secure`\n", cfg, path="a.txt") == [("MDT001", 1, 2, 1, 16)]


def test_tables_inside_blockquotes_and_lists(cfg):
    text = "> | a | b |\n> |---|---|\n> | totally secure | x |\n\n- | c |\n  |---|\n  | bad actors |\n"
    assert spans(text, cfg) == [("MDT001", 3, 5, 3, 19), ("MDT002", 7, 5, 7, 15)]
    assert ">" not in prose(text) and "-" not in prose(text)


def test_footnote_labels_are_not_prose(cfg):
    text = "A claim[^1].\n\n[^1]: It is totally secure.\n"
    assert prose(text) == f"A claim.{BLOCK_BREAK}It is totally secure."
    assert spans(text, cfg) == [("MDT001", 3, 13, 3, 27)]


def test_url_must_start_a_word():
    text = "awww.example stays, xhttps://also stays, www.x.example and (https://y.example/a) go.\n"
    assert prose(text) == (f"awww.example stays, xhttps://also stays, {PLACEHOLDER} and ({PLACEHOLDER}) go.")


def test_sentences_over_the_prose_view():
    doc = lint_result(
        "# Title\n\nDone. `commlint` runs next. U.S. officials agree, e.g. Smith.\nReally? Yes!\n",
        path="a.md",
        config={"select": []},
    ).document
    assert [doc.prose[a:b] for a, b in doc.sentences] == [
        "Title",
        "Done.",
        f"{PLACEHOLDER} runs next.",
        "U.S. officials agree, e.g. Smith.",
        "Really?",
        "Yes!",
    ]
    assert doc.word_count == 13  # "U.S." and "e.g." are two words each; code is none


def test_a_list_number_starts_its_sentence_and_is_never_one():
    """ "1." before a heading's words is part of the sentence after it, through the real linter."""
    doc = lint_result(
        "**1\\. Hazard helpfulness**  \nWe ran expert evaluations. It scored 3. Then 2023. Ends.\n",
        path="a.md",
        config={"select": []},
    ).document
    assert [doc.prose[a:b] for a, b in doc.sentences] == [
        "1. Hazard helpfulness We ran expert evaluations.",
        "It scored 3.",
        "Then 2023.",
        "Ends.",
    ]


def test_nested_containers_in_any_order(cfg):
    text = "- > It is totally\n  > secure.\n\n> - # bad actors\n\n1. - [x] totally secure\n"
    assert spans(text, cfg) == [
        ("MDT001", 1, 11, 2, 11),
        ("MDT002", 4, 7, 4, 17),
        ("MDT001", 6, 10, 6, 24),
    ]


# -- the plain-document fast path gives markdown-it's blocks --------------------------------

#: token types parse_markdown reads, and those whose line map it reads
_READ = {
    "blockquote_open",
    "blockquote_close",
    "list_item_open",
    "list_item_close",
    "fence",
    "code_block",
    "html_block",
    "table_open",
    "table_close",
    "tr_open",
    "heading_open",
    "heading_close",
    "inline",
}
_MAP_READ = {"fence", "code_block", "html_block", "tr_open", "heading_open", "inline"}

#: documents the fast path must read (and agree on) or hand to markdown-it
_TRICKY = [
    "**Bold** opens a paragraph.\nA -based word, #hashtag, 2026 figures\n+1 and _emphasis_ and = signs.\n",
    "# Title\nText right under it.\n## Another\n\nMore text\n[a link](x) on a continuation line.\n",
    "- one item\n- two items\n\n- a loose third\n\nAfter the list.\n\n* star list\n* more stars\n\n+ plus list\n",
    "Windows\r\nline ends\r\n\r\nand old Mac\rones\r\r# heading\r",
    "blank lines with spaces\n   \n\t\nand tabs\n  indented continuation\n",
    "no final newline",
    "",
    "\n\n\n",
    "#\n\n# \n\n####### seven\n\n#5 not a heading\n",
    "`code` at the start, ``double``, ~strike~\n~~struck~~\n",
    "***\n",
    "Text\n***\n",
    "Text\n---\n",
    "Text\n===\n",
    "Text\n= not setext\n",
    "a | b\n-|-\n",
    "a | b\n:-|-\n",
    "a | b\n--|--\n",
    "Text\n- item\n",
    "Text\n1. item\n",
    "Text\n2) item\n",
    "- item\nlazy\n",
    "- item\n  continued\n",
    "- - nested\n",
    "- # heading item\n",
    "- [link]: /url\n",
    "-  two spaces\n",
    "-\ttab\n",
    "-\n",
    "[ref]: /url\n\ntext [ref]\n",
    "Text\n[not]: a definition here\n",
    "    indented code\n",
    "Text\n    indented continuation\n",
    "  two-space paragraph\n",
    "> quote\n",
    "Text\n> quote\n",
    "<div>html</div>\n",
    "Text\n<div>\n",
    "```\nfence\n```\n",
    "Text\n~~~\nfence\n~~~\n",
    "Text\n   # indented heading\n",
    "Text\n    # not a heading\n",
    "_ _ _\n",
    "Text\n* * *\n",
    "Text\n-- double dash\n",
    "Text\n*emphasis* line\n",
    "\u00a0nbsp\n\u00a0\n",
    "vertical\x0btab\n\nform\x0cfeed\u2028line separator\n",
    # plain regions between others: what stays open across blank lines
    "Text\n\n```\ncode\n\nmore code\n```\n\nAfter.\n\n~~~~\n~~~\n\nstill code\n~~~~\n\nDone.\n",
    "Text\n\n```\nunclosed\n\nstill code\n",
    "Text\n\n```js`x\nnot a fence\n\nPlain.\n",
    "Text\n\n<!-- a comment\n\nstill comment -->\n\nAfter.\n\n<!-- one line -->\n\nPlain.\n",
    "<div>\n```\n</div>\n\nText\n\n```\ncode\n\nmore\n",
    "<span>x</span> text\n```\n\ncode\n",
    "Text\n<span>\n```\n\ncode\n",
    "<script>\n\nx\n</script>\n\nAfter.\n",
    "<?php\n\n?>\n\n<!DOCTYPE html>\n\n<![CDATA[\n\n]]>\n\nPlain.\n",
    "- item\n\n  continued in the item\n\nOut.\n\n- again\n\n      code in it\n\nText\n",
    "- item\n\n  ```\n  fenced\n\n  ```\n\nOut.\n",
    "> quote\n> ```\n\nlazy?\n\nText\n",
    "  ```\nindented fence\n\nText\n",
    "Text\n\n    code\n\n    more code\n\nText\n",
    "a | b\n--|--\n1 | 2\n\nText\n\n| c |\n|---|\n| ``` |\n\nAfter.\n",
    "1. one\n2. two\n\nText\n\n- a\n\n1. b\n\nEnd.\n",
    "```\nx\n```\t\n\nText\n\n```\n",
    # list items over several lines, numbered lists
    "1. one\n2. two\n   wrapped\nlazy line\n10. ten\n\n1) a\n2) b\n\n2026. was a year\n",
    "1. a\n2) b\n",
    "- a\n* b\n",
    "- a\n  - nested\n",
    "- a\n  1.20 version\n",
    "- a\n   # heading\n",
    "- a\n      indented more\n- b\n-c not an item\n",
    "* ** bold\n* *em* text\n",
    "- a\n  ---\n",
    "1.  two spaces\n",
    "1.\n",
    "1234567890. ten digits\n",
]


def _markdown_text(text: str) -> str:
    from commlint.prose.formats.markdown import markdown_text
    from commlint.source.decode import decode

    return markdown_text(decode(text.encode("utf-8"), "draft.md"))[1]


def _read_blocks(tokens: list[Any]) -> list[tuple[str, Any]]:
    """Block tokens as compared: type, and the line map where the prose view reads it."""
    read = [t for t in tokens if t.type in _READ]
    return [
        (
            t.type,
            t.map
            if t.type in _MAP_READ
            or t.type == "list_item_open"
            and i + 1 < len(read)
            and read[i + 1].type == "list_item_close"
            else None,
        )
        for i, t in enumerate(read)
    ]


def _markdown_it_blocks(text: str) -> list[tuple[str, Any]]:
    from commlint.prose.formats.markdown import _parser

    return _read_blocks(_parser().parse(text))


def _fast_blocks(text: str) -> list[tuple[str, Any]]:
    from commlint.prose.formats.markdown import _blocks

    return _read_blocks(_blocks(text))


def _markdown_inputs() -> list[tuple[str, str]]:
    import ast
    import sys

    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent / "bench"))
    try:
        from prose import press_release
    finally:
        sys.path.remove(str(here.parent / "bench"))
    found = [(f"tricky{i}", t) for i, t in enumerate(_TRICKY)]
    found += [(f"press_release{seed}", press_release(1000, seed=seed)) for seed in range(40)]
    # every string written in the tests (most are small Markdown documents)
    for path in sorted(here.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
                found.append((f"{path.name}:{node.lineno}", node.value))
    roots = [here, here.parent / "docs", here.parent / "rules", here.parent.parent / "shared"]
    for root in roots:
        for path in sorted(root.rglob("*.md")) if root.is_dir() else []:
            found.append((str(path), path.read_text(encoding="utf-8", errors="replace")))
    return found


def test_plain_regions_get_markdown_its_blocks(monkeypatch):
    """The block tokens read region by region (plain regions here, the rest by markdown-it)
    are markdown-it's own for the whole document."""
    from commlint.prose.formats import markdown

    handed: list[int] = []
    real = markdown._markdown_it_blocks

    def counted(lines: list[str], first: int, last: int) -> list[Any]:
        handed.append(last - first)
        return real(lines, first, last)

    monkeypatch.setattr(markdown, "_markdown_it_blocks", counted)
    whole = 0
    for name, text in _markdown_inputs():
        for variant in (text, _markdown_text(text), _markdown_text(text.replace("\n", "\r\n"))):
            handed.clear()
            assert _fast_blocks(variant) == _markdown_it_blocks(variant), name
            whole += not handed
    assert whole > 300  # generated drafts and plain test documents need no markdown-it at all


def test_plain_fast_path_gives_the_same_prose_view(monkeypatch):
    """Through the Python API: a plain draft's prose view and findings, with and without it."""
    import sys

    from commlint.prose.formats import markdown

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from prose import press_release
    finally:
        sys.path.pop(0)
    for seed in range(3):
        text = press_release(600, seed=seed)
        fast = lint_result(text, path="draft.md")
        with monkeypatch.context() as m:
            m.setattr(markdown, "_blocks", lambda md: markdown._parser().parse(md))
            slow = lint_result(text, path="draft.md")
        assert fast.document.prose == slow.document.prose
        assert fast.document.meta == slow.document.meta
        assert [d.to_dict() for d in fast.diagnostics] == [d.to_dict() for d in slow.diagnostics]


_FRAGMENTS = (
    "word ", "b ", " ", "  ", "\t", "\n", "\r\n", "\r", "> ", ">", "- ", "* ", "1. ", "2) ", "# ", "#", "[", "]",
    "(", ")", "`", "*", "_", "~", "\\", "&amp;", "&", "<", "<b>", "<!-- c -->", "http://x.y", "www.z.com",
    "[^1]: ", "[^", "!", "[x](y)", '![a](b "t")', "    ", "---", "|", ":", "[ ] ", "x_y", "\u00a0",
)  # fmt: skip


def test_paragraphs_read_in_place_give_the_masked_reading(monkeypatch):
    """A paragraph whose masked copy would be its own source text is scanned in place: the
    prose view (text, offsets, code ranges) is the masked reading's, for the test inputs and
    random Markdown, through the Markdown format and (for drafts) the Python API's findings."""
    import random

    from commlint.prose.formats import markdown
    from commlint.source.decode import decode

    rng = random.Random(15)
    texts = [text for _name, text in _markdown_inputs()]
    texts += ["".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 60))) for _ in range(2500)]
    # each fragment right after each container prefix, and opening a continuation line
    prefixes = (">", "> ", ">>", "- ", "1. ", "- [x] ", "> - ", "   ")
    texts += [f"{p}{f}{end}" for p in prefixes for f in _FRAGMENTS for end in ("", " word", f"word\n{f}")]
    taken = 0
    real = markdown._unmasked_block

    def counted(*args: Any) -> bool:
        nonlocal taken
        done = real(*args)
        taken += done
        return done

    for text in texts:
        source = decode(text.encode("utf-8"), "draft.md")
        with monkeypatch.context() as m:
            m.setattr(markdown, "_unmasked_block", counted)
            try:
                fast: Any = markdown.parse_markdown(source)
            except Exception as exc:  # the same failure either way (raw HTML html.parser rejects)
                fast = repr(exc)
        with monkeypatch.context() as m:
            m.setattr(markdown, "_unmasked_block", lambda *args: False)
            try:
                slow: Any = markdown.parse_markdown(source)
            except Exception as exc:
                slow = repr(exc)
        if isinstance(fast, str) or isinstance(slow, str):
            assert fast == slow, text
            continue
        assert (fast.prose, fast.starts, fast.ends, fast.meta) == (slow.prose, slow.starts, slow.ends, slow.meta), text
    assert taken > 2000  # most paragraphs of the drafts and of the random texts take it
    draft = texts[len(_TRICKY) + 1]
    in_place = lint_result(draft, path="draft.md")
    with monkeypatch.context() as m:
        m.setattr(markdown, "_unmasked_block", lambda *args: False)
        masked = lint_result(draft, path="draft.md")
    assert [d.to_dict() for d in in_place.diagnostics] == [d.to_dict() for d in masked.diagnostics]
    assert in_place.diagnostics


def test_plain_text_emitted_in_one_piece_gives_the_line_by_line_reading(monkeypatch):
    """Plain text whose line breaks are each a lone "\\n" between non-blank characters is
    emitted as it stands ("\\n" read as a space): the prose view (text, offsets, code ranges)
    is the line-by-line reading's, for the test inputs and random Markdown and reStructuredText,
    and a draft's findings through the Python API are the same."""
    import random
    import re

    from commlint.prose.formats import markdown
    from commlint.prose.formats.rst import parse_rst
    from commlint.source.decode import decode

    rng = random.Random(16)
    texts = [text for _name, text in _markdown_inputs()]
    texts += ["".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 60))) for _ in range(2500)]
    taken = 0
    real = markdown._UNUSUAL_BREAK

    class Counted:
        def search(self, *args: Any) -> Any:
            nonlocal taken
            found = real.search(*args)
            taken += found is None
            return found

    for n, text in enumerate(texts):
        source = decode(text.encode("utf-8"), "draft.md")
        parse = parse_rst if n % 4 == 3 else markdown.parse_markdown
        views = []
        for fast in (Counted(), re.compile("")):  # the empty pattern always matches: no fast path
            with monkeypatch.context() as m:
                m.setattr(markdown, "_UNUSUAL_BREAK", fast)
                try:
                    doc = parse(source)
                    views.append((doc.prose, doc.starts, doc.ends, doc.meta))
                except Exception as exc:  # the same failure either way
                    views.append(repr(exc))
        assert views[0] == views[1], text
    assert taken > 2000
    draft = texts[len(_TRICKY) + 1]
    fast_result = lint_result(draft, path="draft.md")
    with monkeypatch.context() as m:
        m.setattr(markdown, "_UNUSUAL_BREAK", re.compile(""))
        slow_result = lint_result(draft, path="draft.md")
    assert [d.to_dict() for d in fast_result.diagnostics] == [d.to_dict() for d in slow_result.diagnostics]
    assert fast_result.diagnostics


def _sentences_by_definition(text: str) -> list[tuple[int, int]]:
    """The sentence split as first written: each paragraph sliced out and searched, every
    full stop's trailing word found by the pattern, every span trimmed."""
    from commlint.prose import sentences as s

    def trim(a: int, b: int) -> tuple[int, int]:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return a, b

    out: list[tuple[int, int]] = []
    for p_start, p_end in s.split_paragraphs(text):
        block = text[p_start:p_end]
        pos = 0
        for m in s._END.finditer(block):
            dot = m.start()
            if block[dot] == ".":
                word_m = s._TRAILING_WORD.search(block, 0, dot)
                if word_m:
                    word = word_m.group(1).lower().rstrip(".")
                    if word in s._ABBREV or (len(word) == 1 and block[dot - 1].isupper()):
                        continue
            head = block[pos:dot].strip()
            if 0 < len(head) <= 3 and head.isdigit():
                continue
            out.append(trim(p_start + pos, p_start + m.end()))
            pos = m.end()
        if block[pos:].strip():
            out.append(trim(p_start + pos, p_end))
    return [x for x in out if x[1] > x[0]]


def test_sentences_are_the_split_by_definition():
    """Document.sentences (paragraphs searched in place, abbreviations read from the last
    token) against the split as defined, on random prose full of stops, abbreviations,
    initials, list numbers, quotes, line breaks and non-ASCII letters, in Markdown and text."""
    import random

    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.prose.sentences import split_sentences
    from commlint.source.decode import decode

    linter = Linter(Config.default())
    rng = random.Random(17)
    words = ["word", "Word", "Dr.", "dr.", "J.", "j.", "U.S.", "e.g.", "etc.", "1.", "12.", "1234.", "A.", "x.y."]
    words += [".", "!", "?", "…", "...", "\u201cQuote.\u201d", "(Aside.)", "Zoë.", "Éclair.", "ß.", "\n", "\n\n"]
    words += ["\u00a0", "\t", "“", "Inc.", "no.", "No.", "2.", "`c`.", "![i](j).", "¶", "a.b.", ". .", "7 ."]
    checked = 0
    for n in range(4000):
        text = "".join(rng.choice(words) + rng.choice("  \n") for _ in range(rng.randint(1, 30)))
        doc = linter.document(decode(text.encode("utf-8"), "draft.txt" if n % 3 else "draft.md"))
        assert doc.sentences == _sentences_by_definition(doc.prose), text
        assert split_sentences(text) == _sentences_by_definition(text), text  # raw: line breaks too
        checked += len(doc.sentences)
    assert checked > 15_000


def test_sentence_ends_are_the_patterns_matches():
    """split_sentences finds sentence ends as runs of stops and closers, most settled by what
    follows them, the rest by the pattern itself: the same spans as the pattern's own search,
    between any bounds, whatever follows a run (an ellipsis character: the pattern's search)."""
    import random

    from commlint.prose.sentences import _END, _ends

    rng = random.Random(23)
    atoms = [".", "!", "?", "...", ".)", '."', ".\u201d", ".]", "’", " ", "  ", "\n", "\t", "\u00a0", "\x1c", "\u2003"]
    atoms += ["\n\u00b6\n", "\u00b6", "A", "a", "7", "É", "é", "\ufffc", '"', "'", "(", "[", "“", "‘", '"A', "(b", "[C"]
    atoms += ["‘Z", "“1", "_", "-", "word", "Word"]
    for n in range(30_000):
        text = "".join(rng.choice(atoms + ["…"] * (n % 5 == 0)) for _ in range(rng.randint(0, 16)))
        start = rng.randint(0, len(text))
        stop = rng.randint(start, len(text))
        assert _ends(text, start, stop) == [m.span() for m in _END.finditer(text, start, stop)], (text, start, stop)
