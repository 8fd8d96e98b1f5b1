"""Every example of every built-in rule: 'flag' examples must flag, 'pass' examples must not."""

from __future__ import annotations

import pytest

import commlint
from commlint.config import Config
from commlint.engine.linter import Linter

LINTER = Linter(Config.default())
RULES = [r for r in LINTER.all_rules if r.pack]
#: flag examples of data rules mark their spans; a Python rule's examples (the learned layer's)
#: only have to be flagged somewhere
CASES = [
    (r.id, "flag", text, spans)
    for r in RULES
    for text, spans in zip(
        r.examples_flag, getattr(r, "examples_flag_spans", [None] * len(r.examples_flag)), strict=True
    )
] + [(r.id, "pass", text, ()) for r in RULES for text in r.examples_pass]


def _hits(rule_id: str, text: str) -> list[commlint.Diagnostic]:
    config = Config.from_dict({"select": [rule_id]})
    return [d for d in commlint.lint_text(text, path="example.txt", config=config) if d.rule == rule_id]


@pytest.mark.parametrize(
    ("rule_id", "kind", "text", "spans"), CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_example(rule_id: str, kind: str, text: str, spans: tuple[tuple[int, int], ...] | None) -> None:
    """A flag example is flagged at exactly the spans its ``[[...]]`` marks; a pass example not at all."""
    hits = _hits(rule_id, text)
    if kind == "flag" and spans is None:
        assert hits, f"{rule_id} should flag: {text!r}"
    elif kind == "flag":
        assert spans, f"{rule_id}: mark what this flag example must flag with [[...]]: {text!r}"
        got = sorted({(h.start, h.end) for h in hits})
        assert got == sorted(spans), (
            f"{rule_id} should flag {[text[s:e] for s, e in spans]} in {text!r}, flagged {[text[s:e] for s, e in got]}"
        )
    else:
        assert not hits, f"{rule_id} should not flag: {text!r} (got {[h.text for h in hits]})"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule) -> None:
    assert rule.rationale, f"{rule.id} needs a rationale"
    assert rule.references, f"{rule.id} needs a public source in 'references'"
    if rule.type not in ("readability", "density"):
        assert rule.examples_flag and rule.examples_pass, f"{rule.id} needs flag and pass examples"
    if rule.severity in ("warning", "error") and rule.type in ("phrase", "substitution", "balance"):
        assert rule.suggestions or rule.type in ("substitution", "balance"), f"{rule.id} needs a suggestion"


def test_rule_ids_are_unique_and_stable_shape() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
