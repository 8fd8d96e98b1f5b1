"""The example plugin's rules through real documents, with exact positions."""

from __future__ import annotations

import pytest

from commlint.api import lint_text
from commlint.config import Config
from commlint.engine.linter import linter_for
from commlint.errors import ConfigError


def spans(text: str, path: str = "a.md", **config) -> list[tuple[str, int, int, int, int]]:
    diags = lint_text(text, path=path, config={"select": ["EXA"], **config})
    return [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in diags]


def test_python_rule_and_word_list_rule():
    text = "# Update\n\nOur *revolutionary* model ships soon,\nin the near\nfuture: `soon` is code.\n"
    assert spans(text) == [
        ("EXA101", 3, 6, 3, 19),
        ("EXA001", 3, 33, 3, 37),
        ("EXA001", 4, 1, 5, 7),
    ]


def test_suggestions():
    (diag,) = lint_text("We ship shortly.", path="a.txt", config={"select": ["EXA001"]})
    (s,) = diag.suggestions
    assert (s.text, s.safe, s.needs_input, s.start, s.end) == ("by {date}", False, True, 8, 15)


def test_extra_words_option():
    assert spans("Imminently, yes.", rules={"EXA001": {"extra-words": ["imminently"]}}) == [("EXA001", 1, 1, 1, 11)]
    with pytest.raises(ConfigError, match="EXA001.*extra-words"):
        linter_for(Config.from_dict({"select": ["EXA"], "rules": {"EXA001": {"extra-words": "x"}}}))


def test_pack_examples():
    linter = linter_for(Config.from_dict({"select": ["EXA"]}))
    rules = {r.id: r for r in linter.rules}
    assert set(rules) == {"EXA001", "EXA101"}
    for rule in rules.values():
        for example in rule.examples_flag:
            assert any(d.rule == rule.id for d in lint_text(example, config={"select": [rule.id]})), example
        for example in rule.examples_pass:
            assert lint_text(example, config={"select": [rule.id]}) == [], example
