"""commlint-harper: Harper's lints as commlint problems, and suggestion demotion through commlint."""

from __future__ import annotations

from pathlib import Path

import pytest

harper = pytest.importorskip("harper")

import commlint_harper as ch  # noqa: E402

from commlint.api import lint_text  # noqa: E402
from commlint.errors import ConfigError  # noqa: E402

PACK = """
[pack]
name = "harper-test"
[[rule]]
id = "HPT001"
name = "flawless"
type = "substitution"
category = "absolute"
severity = "error"
message = "absolute: {match}"
swap = { '\\bflawless\\b' = "an robust" }
[[rule]]
id = "HPT002"
name = "guaranteed"
type = "substitution"
category = "absolute"
severity = "error"
message = "absolute: {match}"
swap = { '\\bguaranteed to be\\b' = "designed to be" }
"""


@pytest.fixture
def registered():
    from commlint.engine import grammar
    from commlint.plugins import plugin_manager

    pm = plugin_manager()
    if not any(getattr(p, "__name__", "") == "commlint_harper" for p in pm.get_plugins()):
        pm.register(ch, name="harper-test")
    grammar.reset()
    yield pm
    grammar.reset()


def test_linter_is_built_once():
    assert ch.linter() is ch.linter()
    assert ch.linter("british") is not ch.linter()


def test_problems_have_code_point_offsets():
    text = "Caf\u00e9 \U0001f600 owners offer an robust plan."
    found = ch.check(text)
    assert len(found) == 1
    p = found[0]
    assert text[p["start"] : p["end"]] == "an"
    assert p["rule"].startswith("harper:") and "a" in p["replacements"]


def test_spelling_only_on_request():
    text = "Sentinelx is reddy."
    assert all(not p["rule"].endswith("Spelling") for p in ch.check(text))
    assert any(p["rule"].endswith("Spelling") for p in ch.check(text, spelling=True))


def test_unknown_dialect_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown Harper dialect"):
        ch.linter("martian")


def test_safe_suggestion_that_adds_a_problem_is_demoted(registered, tmp_path: Path):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    config = {"packs": [str(tmp_path / "pack.toml")], "select": ["HPT"]}
    diags = lint_text("Our process is flawless. It is guaranteed to be safe.\n", path="a.md", config=config)
    by_rule = {d.rule: d for d in diags}
    bad = by_rule["HPT001"].suggestions[0]
    assert bad.safe is False
    assert "demoted to unsafe" in bad.description and "harper:" in bad.description
    good = by_rule["HPT002"].suggestions[0]
    assert good.safe is True and "demoted" not in good.description


def test_validation_can_be_turned_off(registered, tmp_path: Path):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    config = {
        "packs": [str(tmp_path / "pack.toml")],
        "select": ["HPT"],
        "grammar": {"validate": False},
    }
    diags = lint_text("Our process is flawless.\n", path="a.md", config=config)
    assert diags[0].suggestions[0].safe is True


def test_grammar_findings_are_opt_in(registered):
    text = "We offer an robust plan.\n"
    off = [d for d in lint_text(text, path="a.md", config={}) if d.category == "grammar"]
    assert off == []
    on = [d for d in lint_text(text, path="a.md", config={"grammar": {"enabled": True}}) if d.category == "grammar"]
    assert [(d.rule, d.text, d.severity) for d in on] == [("GRM001", "an", "info")]
    assert on[0].suggestions[0].text == "a" and on[0].suggestions[0].safe is False
    selected = lint_text(text, path="a.md", config={"select": ["GRM001"]})
    assert [d.rule for d in selected] == ["GRM001"]


def test_other_backend_chosen_means_harper_stays_quiet(registered):
    from commlint.config import Config

    assert ch.commlint_grammar_check("We offer an robust plan.", Config(grammar={"backend": "languagetool"})) is None
