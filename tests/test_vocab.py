"""Packs as data: vocabularies, word forms, ``extends``, and the pack linter (``rules --check``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from commlint.api import lint_text
from commlint.rules.vocab import Vocabularies, alternation, plural, word_forms

PACK_HEAD = """[pack]
name = "acme"
"""

RULE = """
[[rule]]
id = "ACME{n}"
name = "rule-{n}"
category = "absolute"
message = "m"
"""


def _write(tmp_path: Path, body: str) -> Path:
    pack = tmp_path / "acme.toml"
    pack.write_text(PACK_HEAD + body, encoding="utf-8")
    (tmp_path / "commlint.toml").write_text('packs = ["acme.toml"]\nselect = ["ACME"]\n', encoding="utf-8")
    return pack


def _spans(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    config = {"packs": [str(tmp_path / "acme.toml")], "select": ["ACME"]}
    return [(d.rule, text[d.start : d.end]) for d in lint_text(text, config=config)]


@pytest.mark.parametrize(
    ("base", "forms"),
    [
        ("exploit", ["exploit", "exploits", "exploited", "exploiting"]),
        ("identify", ["identify", "identifies", "identified", "identifying"]),
        ("locate", ["locate", "locates", "located", "locating"]),
        ("spot", ["spot", "spots", "spotted", "spotting"]),
        ("reach", ["reach", "reaches", "reached", "reaching"]),
        ("deploy", ["deploy", "deploys", "deployed", "deploying"]),
    ],
)
def test_verb_forms_follow_english_spelling(base: str, forms: list[str]) -> None:
    assert word_forms(base) == forms


def test_forms_compile_to_the_pattern_an_author_would_write() -> None:
    assert alternation(word_forms("exploit")) == "exploit(?:s|ed|ing)?"
    assert alternation(word_forms("identify")) == "identif(?:y|ies|ied|ying)"
    assert alternation(["weapon", plural("weapon")]) == "weapons?"
    assert plural("vulnerability") == "vulnerabilities"


def test_a_pattern_names_a_vocabulary_and_gets_every_term(tmp_path: Path) -> None:
    _write(
        tmp_path,
        """
[vocab]
hype = ["game-changing", "{boasts}"]
boasts = ["world-beating", "best-in-class"]

[vocab.replace]
verbs = ["replace"]
words = ["do away with"]

[vocab.jobs]
nouns = ["lawyer", "accountant"]
"""
        + RULE.format(n=101)
        + """patterns = ['\\b{hype}\\b', '\\b{replace}\\s+(?:your\\s+)?{jobs}\\b']
""",
    )
    text = "A world-beating model. It replaced your accountants, and will do away with lawyers."
    assert _spans(tmp_path, text) == [
        ("ACME101", "world-beating"),
        ("ACME101", "replaced your accountants"),
        ("ACME101", "do away with lawyers"),
    ]


def test_extends_shares_exceptions_and_a_rule_adds_its_own(tmp_path: Path) -> None:
    _write(
        tmp_path,
        """
[template.fiction]
exceptions = ['\\bfilm\\b']
exceptions-window = 40
"""
        + RULE.format(n=101)
        + """extends = "fiction"
patterns = ['\\bdoom\\b']
"""
        + RULE.format(n=102)
        + """extends = "ACME101"
patterns = ['\\bruin\\b']
exceptions = ['\\bnovel\\b']
""",
    )
    assert _spans(tmp_path, "Doom for all. The film ends in doom.") == [("ACME101", "Doom")]
    # ACME102 takes ACME101's exceptions (and so the template's) and adds its own
    assert _spans(tmp_path, "Ruin. In the film, ruin. In the novel, ruin.") == [("ACME102", "Ruin")]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("patterns = ['\\b{nope}\\b']\n", "unknown vocabulary {nope}"),
        ("extends = \"missing\"\npatterns = ['x']\n", "extends 'missing', which is no template or rule"),
    ],
)
def test_a_bad_reference_is_a_one_line_error_naming_the_pack(tmp_path: Path, body: str, problem: str) -> None:
    _write(tmp_path, RULE.format(n=101) + body)
    result = run_cli("check", "-", "--stdin-filename", "a.txt", cwd=tmp_path, input="text\n")
    assert result.returncode == 2
    assert "acme.toml" in result.stderr and problem in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow  # `commlint rules check` processes (README: the test command stays short; CI runs it)
def test_rules_check_rejects_what_the_pack_linter_is_for(tmp_path: Path) -> None:
    long_term = "x" * 210
    _write(
        tmp_path,
        f"""
[vocab]
twice = ["doom", "ruin", "doom"]
long = ['{long_term}']
"""
        + RULE.format(n=101)
        + """patterns = ['\\b(?:catastrophe|apocalypse|armageddon|cataclysm)\\b', '\\bnever-fires\\b']
examples.flag = ["A [[catastrophe]]."]
"""
        + RULE.format(n=102)
        + """patterns = ['\\bthe\\s+(?:catastrophe|apocalypse|armageddon|cataclysm)\\b']
examples.flag = ["It is [[the apocalypse]]."]
""",
    )
    result = run_cli("rules", "--check", "--config", "commlint.toml", cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 1
    assert "acme.toml:6: line is 221 characters (at most 200)" in out
    assert "vocabulary 'twice' lists 'doom' twice" in out
    assert "is also in" in out and "name it in [vocab]" in out
    assert "rule ACME101 patterns: '\\\\bnever-fires\\\\b' never fires on a flag example" in out


@pytest.mark.slow  # `commlint rules check` processes (README: the test command stays short; CI runs it)
def test_rules_check_lints_each_example_as_the_tests_do(tmp_path: Path) -> None:
    """The five-line recipe's step 4: a mis-marked span or a pass example that flags is a line."""
    _write(
        tmp_path,
        RULE.format(n=101)
        + """patterns = ['\\bthe\\s+doom\\b']
examples.flag = ["It is [[doom]].", "It is [[the doom]].", "No d-o-o-m here."]
examples.pass = ["We predict the doom of nothing."]
""",
    )
    result = run_cli("rules", "--check", "--config", "commlint.toml", cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 1, out
    assert "ACME101: flag example 'It is [[doom]].' should flag ['doom'], flags nothing" not in out
    assert "ACME101: flag example 'It is doom.' should flag ['doom'], flags nothing" in out
    assert "It is the doom." not in out  # the right span: no problem
    assert "ACME101: flag example 'No d-o-o-m here.' is not flagged" in out
    assert "ACME101: pass example 'We predict the doom of nothing.' is flagged at ['the doom']" in out


def test_the_builtin_packs_pass_their_linter() -> None:
    result = run_cli("rules", "--check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith("rules: no problems\n")


def test_no_line_in_rules_is_over_200_characters() -> None:
    root = Path(__file__).resolve().parent.parent / "rules"
    long = [
        f"{p.relative_to(root)}:{n}"
        for p in sorted(root.rglob("*.toml"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 200
    ]
    assert not long


def test_vocabularies_nest_and_a_loop_is_an_error() -> None:
    vocab = Vocabularies()
    vocab.add({"a": ["x", "{b}"], "b": ["y", "z"]}, "here")
    assert vocab.expand(r"\b{a}\b", "p") == r"\b(?:x|(?:y|z))\b"
    assert vocab.expand("{a}", "p") == "x|(?:y|z)"  # a whole pattern is a group already
    vocab.add({"c": ["{c}"]}, "here")
    with pytest.raises(Exception, match="uses itself"):
        vocab.expand("{c}", "p")
