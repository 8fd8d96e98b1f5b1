"""The fix regression set (tests/data/fix-regressions.toml) and the packs' own flag examples:
every fix reads well where it stands, and none is applied where the words are not a claim."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

import commlint
from commlint.config import Config

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from commlint.engine.grammar import first_new, own_problems
from commlint.engine.linter import linter_for
from commlint.rules.ruletypes.substitution import SubstitutionRule
from commlint.rules.suggest import PLACEHOLDER

REPO = Path(__file__).resolve().parent.parent
CASES = tomllib.loads((REPO / "tests" / "data" / "fix-regressions.toml").read_text(encoding="utf-8"))["case"]
UNCHANGED = ("no safe fix", "no fix")


@cache
def builtin() -> Config:
    return Config.default(REPO)


def fixed(text: str, unsafe: bool = False) -> commlint.fix.apply.FixResult:  # type: ignore[name-defined]
    return commlint.fix_text(text + "\n", path="case.md", config=builtin(), unsafe=unsafe)


def test_the_set_is_big_enough_and_well_formed():
    assert len(CASES) >= 150
    for case in CASES:
        assert set(case) <= {"about", "text", "expect", "unsafe"} and {"text", "expect"} <= set(case), case
    assert sum(c["expect"] in UNCHANGED for c in CASES) >= 40  # the "no fix" half matters as much


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['about']}" for i, c in enumerate(CASES)])
def test_fix_regression(case):
    result = fixed(case["text"], unsafe=case.get("unsafe", False))
    expect = case["text"] if case["expect"] in UNCHANGED else case["expect"]
    assert result.text == expect + "\n"


def _rules_with_complete_rewrites() -> set[str]:
    """Rules of the built-in packs that have a rewrite --fix or --unsafe-fixes could apply."""
    out = set()
    for rule in linter_for(builtin()).rules:
        texts = [s.text for s in rule.suggestions]
        if isinstance(rule, SubstitutionRule):
            texts += list(rule.swap.values())
        if any(not PLACEHOLDER.search(t) for t in texts):
            out.add(rule.id)
    return out


def test_the_set_covers_every_rule_with_a_rewrite():
    applied = set()
    for case in CASES:
        applied |= {f.rule for f in fixed(case["text"], unsafe=case.get("unsafe", False)).applied}
    wanted = _rules_with_complete_rewrites()
    assert wanted and wanted <= applied, sorted(wanted - applied)


def _flag_examples() -> list[tuple[str, str]]:
    return [(rule.id, ex) for rule in linter_for(builtin()).rules for ex in getattr(rule, "examples_flag", ())]


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
def test_fixes_on_every_flag_example_add_none_of_our_grammar_problems(unsafe):
    bad = []
    for rule, text in _flag_examples():
        after = fixed(text, unsafe).text.rstrip("\n")
        if after != text and first_new(text, own_problems(text), after, own_problems(after)):
            bad.append((rule, text, after))
    assert bad == []


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
def test_fixes_on_every_flag_example_add_no_harper_problem(unsafe):
    """Harper checks the result independently: the fixes were chosen without it."""
    harper = pytest.importorskip("harper")
    linter = harper.Linter(harper.Dialect.AMERICAN)

    def problems(text: str) -> list[dict]:
        return [
            {"start": lint.span.start, "end": lint.span.end, "rule": lint.lint_kind, "message": lint.message}
            for lint in linter.lint(text, language=harper.Language.PLAINTEXT)
            if lint.lint_kind != "Spelling"
        ]

    bad = []
    for rule, text in _flag_examples():
        after = fixed(text, unsafe).text.rstrip("\n")
        if after != text:
            new = first_new(text, problems(text), after, problems(after))
            if new:
                bad.append((rule, text, after, new))
    assert bad == []


# -- the examples from the issue, one by one ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("It is an unhackable vault.", "It is a hardened vault."),
        ("It is a totally secure vault.", "It is a secure-by-design vault."),
        ("Totally secure is our motto.", "Secure by design is our motto."),
    ],
)
def test_a_rewrite_takes_the_form_that_fits_where_the_phrase_stands(text, expect):
    assert fixed(text).text == expect + "\n"


@pytest.mark.parametrize(
    "text",
    [
        "We do not claim that Orion-3 is unhackable.",
        'Critics called it "the most dangerous technology ever built". We disagree: our evaluations found none.',
        "Is our system totally secure? No, and here is why.",
        "We never said the product was 100% accurate.",
        'A columnist wrote that our vault is "totally secure".',
        "The vault is not unhackable.",
    ],
)
def test_no_fix_in_a_mention_even_unsafe(text):
    result = fixed(text, unsafe=True)
    assert result.text == text + "\n" and result.applied == []
    for d in result.remaining:  # what is still reported there offers nothing to apply
        assert all(s.needs_input for s in d.suggestions), d


def test_an_unsafe_clause_does_not_run_into_the_sentence():
    text = "The Vell chatbot never makes mistakes, it answers in seconds."
    assert fixed(text, unsafe=True).text == text + "\n"
    assert fixed("The Vell chatbot never makes mistakes.", unsafe=True).text == (
        "The Vell chatbot is designed to be accurate, but can make mistakes.\n"
    )


def test_a_plural_subject_gets_a_plural_verb():
    assert fixed("The Vell assistants will never generate harmful content.", unsafe=True).text == (
        "The Vell assistants are designed not to generate harmful content.\n"
    )


def test_configured_mitigations_are_never_applied(tmp_path: Path):
    (tmp_path / "commlint.toml").write_text(
        'mitigations = ["Our usage policy prohibits this, and we monitor for abuse."]\n', encoding="utf-8"
    )
    text = "The system poses serious risks of large-scale fraud.\n"
    diags = commlint.lint_text(text, path=str(tmp_path / "a.md"))
    mitigation = [s for d in diags for s in d.suggestions if "usage policy" in s.text]
    assert mitigation and all(s.needs_input and not s.safe for s in mitigation)
    assert commlint.fix_text(text, path=str(tmp_path / "a.md"), unsafe=True).text == text
