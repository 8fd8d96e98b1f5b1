"""Plain text: the file is the prose; blank lines separate paragraphs; exact positions."""

from __future__ import annotations

import pytest
from helpers import pack_fixture, pack_toml, spans_for, totally_secure

from commlint.api import lint_result
from commlint.prose.document import BLOCK_BREAK

PACK = pack_toml("texttest", totally_secure("TXT001"))


cfg = pack_fixture(PACK, "TXT", "textpack")
spans = spans_for("note.txt")


def test_markup_characters_are_prose_in_text(cfg):
    # No Markdown here: the backticks and asterisks are just characters.
    assert spans("Say *totally secure* or `totally secure`.\n", cfg) == [
        ("TXT001", 1, 6, 1, 20),
        ("TXT001", 1, 26, 1, 40),
    ]


def test_wrapped_phrase_and_paragraphs(cfg):
    text = "It is totally\nsecure.\n\nIt is totally\n\nsecure.\n"
    assert spans(text, cfg) == [("TXT001", 1, 7, 2, 7)]


def test_prose_view_of_text():
    doc = lint_result("One line\nwrapped.\n\n  Second.\n", path="a.txt", config={"select": []}).document
    assert doc.prose == f"One line wrapped.{BLOCK_BREAK}  Second.{BLOCK_BREAK}"
    assert [doc.prose[a:b] for a, b in doc.sentences] == ["One line wrapped.", "Second."]
    assert doc.word_count == 4


@pytest.mark.parametrize("name", ["a.txt", "a.text", "README", "notes.unknown", None])
def test_unknown_and_missing_names_are_text(cfg, name):
    assert spans("`totally secure`\n", cfg, path=name) == [("TXT001", 1, 2, 1, 16)]


def test_indented_lines_keep_their_columns(cfg):
    assert spans("\tIt is\n    totally secure\n", cfg) == [("TXT001", 2, 5, 2, 19)]


def test_directive_lines_are_not_prose(cfg):
    text = "totally\ncommlint-disable-next-line\nsecure\n"
    # The directive line splits the paragraph: "totally" and "secure" are not one phrase.
    assert spans(text, cfg) == []


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII: don't, dual-use, GPT-4 and snake_case 42.",
        "Caf\u00e9 \u2014 na\u00efve co\u2019operation, \u00bd and x\u00b2, \u4e2d\u6587\u5b57",
        "cafe\u0301 with a combining accent",  # a mark: inside a word for commlint, not for re
        "\u0905\u0928\u0941\u091a\u094d\u091b\u0947\u0926 vowel signs, \u0661\u0662 Arabic digits",
        "",
    ],
)
def test_word_count_is_the_number_of_word_spans(text):
    """Through the API: a document's word count (counted fast where it can be) and its word
    spans are those of the documented word pattern."""
    import regex

    doc = lint_result(text, path="draft.txt", config={"select": []}).document
    word = r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’\-][\p{L}\p{M}\p{N}]+)*"
    expected = [m.span() for m in regex.finditer(word, doc.prose)]
    assert text.strip() in doc.prose
    assert doc.word_count == len(expected)  # before the spans exist: counted without them
    assert doc.words == expected
