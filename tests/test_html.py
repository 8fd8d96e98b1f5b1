"""HTML prose view: page text without scripts, styles, code, comments or tags; exact positions."""

from __future__ import annotations

import pytest
from helpers import bad_actors, pack_fixture, pack_toml, spans_for, totally_secure

PACK = pack_toml("htmltest", totally_secure("HTT001"), bad_actors("HTT002"))


cfg = pack_fixture(PACK, "HTT", "htmlpack")
spans = spans_for("page.html")


PAGE = """<!DOCTYPE html>
<html><head><title>totally secure</title><style>p{}</style></head>
<body>
<p>It is <em>totally</em>
secure.</p>
<pre>totally secure</pre>
<p>caf\u00e9 &eacute; totally secure</p>
<!-- totally secure -->
<script>var s = "bad actors";</script>
<p>bad <code>x</code> actors, <a href="https://totally.secure/">bad actors</a></p>
<ul><li>totally</li><li>secure</li></ul>
<p>bad<br>actors &amp; totally&nbsp;secure</p>
</body></html>
"""


def test_page_positions(cfg):
    assert spans(PAGE, cfg) == [
        ("HTT001", 2, 20, 2, 34),  # the page title is prose: search results quote it
        ("HTT001", 4, 14, 5, 7),  # inline <em> does not split; the span ends on the next line
        ("HTT001", 7, 18, 7, 32),  # after é and an entity: columns count characters
        ("HTT002", 10, 65, 10, 75),  # link text is prose, href is not; <code> breaks the phrase
        ("HTT002", 12, 4, 12, 17),  # <br> is a line break inside the paragraph
        ("HTT001", 12, 24, 12, 43),  # &nbsp; is a space
    ]


def test_script_style_code_and_comments_are_not_prose(cfg):
    text = (
        "<head><meta name='x' content='bad actors'></head><script>bad actors</script>"
        "<style>/* bad actors */</style>"
        "<pre>bad actors</pre><kbd>bad actors</kbd><!-- bad actors --><p data-x='bad actors'>ok</p>"
        "<script title='bad actors'></script>"
    )
    assert spans(text, cfg) == []


ATTRIBUTES = """<html><head>
<meta name="description" content="Our platform is totally secure.">
<meta property="og:title" content='bad actors beware'>
<meta name="keywords" content="totally secure">
</head><body>
<p>Logo: <img src="a.png" alt="totally secure"> and <span title="bad &amp;actors">x</span>.</p>
<a href="/x" title="bad
actors">link</a>
</body></html>
"""


def test_meta_descriptions_alt_and_title_attributes_are_prose(cfg):
    # Each value is a block of its own, at its exact position (entities decoded, line breaks kept).
    assert spans(ATTRIBUTES, cfg) == [
        ("HTT001", 2, 51, 2, 65),  # <meta name="description">: search results quote it
        ("HTT002", 3, 36, 3, 46),  # Open Graph title: link previews show it
        ("HTT001", 6, 32, 6, 46),  # alt text
        ("HTT002", 7, 21, 8, 7),  # a title attribute across a line break
    ]


def test_block_elements_split_phrases(cfg):
    assert spans("<ul><li>totally</li><li>secure</li></ul><p>bad</p><p>actors</p>", cfg) == []


def test_bare_urls_in_text_are_not_prose(cfg):
    assert spans("<p>see https://example.com/bad actors</p>", cfg) == []


def test_numeric_character_references(cfg):
    # &#116; is "t": the phrase still matches and its start is the reference itself.
    assert spans("<p>&#116;otally secure and bad&#x20;actors</p>", cfg) == [
        ("HTT001", 1, 4, 1, 23),
        ("HTT002", 1, 28, 1, 43),
    ]


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML", "page.xhtml"])
def test_html_extensions(cfg, name):
    assert spans("<p>bad <b>actors</b></p>", cfg, path=name) == [("HTT002", 1, 4, 1, 17)]


@pytest.mark.parametrize("ext", ["html", "md"])
@pytest.mark.parametrize("section", ["<![a", "<![if !IE]> totally secure <![endif]>", "<![a b>"])
def test_an_unknown_marked_section_is_a_bogus_comment_not_a_rejected_file(tmp_path, cli, ext, section):
    """Python's HTML parser stops on ``<![`` followed by anything but a known keyword; browsers
    read it as a comment up to the next ``>``. The draft is checked, not refused."""
    draft = tmp_path / f"draft.{ext}"
    draft.write_text(f"Intro.\n\n{section}\n\nOur vault is totally unhackable.\n", encoding="utf-8")
    proc = cli("check", "--format", "json", str(draft), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "unhackable" in proc.stdout and "could not be checked" not in proc.stderr
