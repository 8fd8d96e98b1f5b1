"""Property tests (hypothesis) of --fix over generated Markdown and plain text.

The rules come from the tests' own pack of safe substitutions (tests/fixpack.py), so the
properties hold whatever the built-in packs say.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from fixpack import PACK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import commlint
from commlint.api import lint_text

# Only the safe substitutions that cannot feed each other: one pass is always enough.
SAFE_RULES = ["TFX001", "TFX002", "TFX006"]

TRIGGERS = [
    "totally secure",
    "secure systems",
    "totally secure systems",
    "bad actors",
    "unhackable",
    "an unhackable",
    "Totally Secure",
    "BAD ACTORS",
    "“totally secure”",
]
WORDS = [
    "it",
    "is",
    "the",
    "vault",
    "our",
    "plan",
    "a",
    "and",
    "we",
    "ship",
    "today",
    "with",
    "care",
    "Acme",
    "café",
    "😀",
]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory) -> dict:
    folder: Path = tmp_path_factory.mktemp("props")
    (folder / "pack.toml").write_text(PACK, encoding="utf-8")
    return {"packs": [str(folder / "pack.toml")], "select": SAFE_RULES}


token = st.one_of(st.sampled_from(WORDS), st.sampled_from(TRIGGERS))
sentence = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(token, min_size=1, max_size=8),
    st.sampled_from([".", ",", "!", "", "?"]),
)
inline = st.one_of(
    sentence,
    st.builds(lambda t: f"`{t}`", st.sampled_from(TRIGGERS)),
    st.builds(
        lambda t, u: f"[{t}](https://x.example/{u.replace(' ', '-')})",
        sentence,
        st.sampled_from(TRIGGERS),
    ),
    st.builds(lambda t: f"<https://x.example/{t.replace(' ', '/')}>", st.sampled_from(TRIGGERS)),
    st.builds(lambda t: f"**{t}**", sentence),
    st.builds(lambda t: f"*{t}*", sentence),
)
paragraph = st.builds(" ".join, st.lists(inline, min_size=1, max_size=4))
md_block = st.one_of(
    paragraph,
    st.builds(lambda t: f"# {t}", sentence),
    st.builds(lambda t: f"```\n{t}\n```", sentence),
    st.builds(lambda t: f"    {t}", sentence),
    st.builds(lambda t: f"<!-- {t} -->", sentence),
    st.builds(lambda t: f"- {t}\n- {t}", paragraph),
    st.builds(lambda t: f"> {t}", paragraph),
)
front_matter = st.one_of(st.just(""), st.builds(lambda t: f"---\ntitle: {t}\n---\n\n", st.sampled_from(TRIGGERS)))


@st.composite
def markdown_docs(draw) -> str:
    body = "\n\n".join(draw(st.lists(md_block, min_size=1, max_size=6)))
    text = draw(front_matter) + body + draw(st.sampled_from(["\n", ""]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if draw(st.booleans()) else "") + text


@st.composite
def text_docs(draw) -> str:
    paras = draw(st.lists(st.builds(" ".join, st.lists(sentence, min_size=1, max_size=4)), min_size=1, max_size=4))
    return "\n\n".join(paras) + draw(st.sampled_from(["\n", ""]))


docs = st.one_of(st.tuples(markdown_docs(), st.just("doc.md")), st.tuples(text_docs(), st.just("doc.txt")))
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reported_spans(text: str, path: str, cfg: dict) -> list[tuple[int, int]]:
    """Source spans (offsets into ``text`` without BOM) of every suggestion reported."""
    spans = sorted((s.start, s.end) for d in lint_text(text, path=path, config=cfg) for s in d.suggestions)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


@PROPS
@given(docs)
def test_bytes_outside_reported_spans_are_unchanged(cfg, doc):
    text, path = doc
    fixed = commlint.fix_text(text, path=path, config=cfg)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    # Outside the spans: the very same characters, in order; inside: anything.
    pattern, at = [regex.escape(bom)], 0
    for s, e in reported_spans(body, path, cfg):
        pattern += [regex.escape(body[at:s]), "(.*?)"]
        at = e
    pattern.append(regex.escape(body[at:]))
    assert regex.fullmatch("".join(pattern), fixed.text, regex.DOTALL), (text, fixed.text)
    assert ("\r\n" in text) == ("\r\n" in fixed.text)
    assert fixed.text.endswith("\n") == text.endswith("\n")


@PROPS
@given(docs)
def test_relint_finds_nothing_from_the_fixed_rule_at_that_place(cfg, doc):
    text, path = doc
    fixed = commlint.fix_text(text, path=path, config=cfg)
    assert fixed.passes <= 1  # this pack's fixes never feed each other
    after = lint_text(fixed.text, path=path, config=cfg)
    shift = 0
    for f in sorted(fixed.applied, key=lambda f: f.start):
        start, end = f.start + shift, f.start + shift + len(f.new)
        shift += len(f.new) - (f.end - f.start)
        clash = [d for d in after if d.rule == f.rule and d.start < end and start < d.end]
        assert clash == [], (fixed.text, f, clash)


@PROPS
@given(docs)
def test_fixing_twice_is_fixing_once(cfg, doc):
    text, path = doc
    once = commlint.fix_text(text, path=path, config=cfg).text
    twice = commlint.fix_text(once, path=path, config=cfg)
    assert twice.text == once
    assert twice.applied == []


def _split_front_matter(text: str) -> tuple[str, str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    m = regex.match(r"---\n.*?\n---\n", text, regex.DOTALL)
    return (m.group(), text[m.end() :]) if m else ("", text)


def _non_prose(text: str) -> list[tuple]:
    """Every Markdown token except prose text: structure, code, HTML, link targets."""
    out: list[tuple] = []
    for tok in MarkdownIt("commonmark").parse(text):
        keep = tok.content if tok.type in ("fence", "code_block", "html_block") else None
        out.append((tok.type, tok.tag, tok.nesting, tok.markup, tok.info, keep))
        for child in tok.children or []:
            if child.type == "text":
                continue
            content = child.content if child.type in ("code_inline", "html_inline") else None
            out.append(
                (
                    child.type,
                    child.tag,
                    child.markup,
                    tuple(sorted((child.attrs or {}).items())),
                    content,
                )
            )
    return out


@PROPS
@given(markdown_docs())
def test_non_prose_markdown_tokens_are_identical(cfg, text):
    fixed = commlint.fix_text(text, path="doc.md", config=cfg).text
    fm_before, body_before = _split_front_matter(text)
    fm_after, body_after = _split_front_matter(fixed)
    assert fm_after == fm_before
    assert _non_prose(body_after) == _non_prose(body_before), (text, fixed)


def test_generators_do_reach_fixes(cfg):
    """Guard: the generated documents really exercise fixes (else the properties are empty)."""
    sample = "It is totally secure. `totally secure` and [bad actors](https://x.example/bad-actors)\n"
    fixed = commlint.fix_text(sample, path="doc.md", config=cfg)
    assert (
        fixed.text
        == "It is well protected. `totally secure` and [people who misuse it](https://x.example/bad-actors)\n"
    )
