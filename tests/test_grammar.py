"""The grammar layer: demoting safe suggestions, opt-in grammar findings, failing backends.

A tiny backend registered in-process stands in for Harper/LanguageTool (those are tested
in plugins/*/tests and end to end in test_grammar_plugins.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from helpers import pack_toml, rule_toml, substitution_rule

from commlint.api import lint_text
from commlint.config import Config
from commlint.engine import grammar
from commlint.errors import ConfigError
from commlint.fix.apply import fix_text
from commlint.hookspecs import hookimpl
from commlint.plugins import plugin_manager

PACK = pack_toml(
    "gram",
    substitution_rule("TGR001", "flawless", r"\bflawless\b", "an robust"),
    substitution_rule("TGR002", "guaranteed", r"\bguaranteed\b", "expected"),
    rule_toml(
        id="TGR003",
        name="perfect",
        type="phrase",
        category="absolute",
        severity="warning",
        message="perfect",
        patterns=[r"\bperfect\b"],
        suggest=[{"text": "an strong", "safe": False}],
    ),
)

_AN_CONSONANT = regex.compile(r"\ban (?=[bcdfgjklmnpqrstvwxz])", regex.I)


class Backend:
    """Flags 'an' before a consonant; counts its calls; can be told to fail."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail: Exception | None = None

    @hookimpl(tryfirst=True)
    def commlint_grammar_check(self, text, config):
        if config.grammar.get("backend", "test") != "test":
            return None
        self.calls.append(text)
        if self.fail is not None:
            raise self.fail
        return [
            {
                "start": m.start(),
                "end": m.end() - 1,
                "message": "Use 'a' before a consonant sound",
                "rule": "test:AN",
                "replacements": ["a"],
            }
            for m in _AN_CONSONANT.finditer(text)
        ]


@pytest.fixture
def backend():
    b = Backend()
    pm = plugin_manager()
    pm.register(b, name="test-grammar-backend")
    grammar.reset()
    yield b
    pm.unregister(b)
    grammar.reset()


@pytest.fixture
def cfg(tmp_path: Path) -> dict:
    (tmp_path / "gram.toml").write_text(PACK, encoding="utf-8")
    return {"packs": [str(tmp_path / "gram.toml")], "select": ["TGR"]}


def test_safe_suggestion_adding_a_problem_is_demoted_with_reason(backend, cfg):
    diags = lint_text("Our record is flawless. It is guaranteed.\n", path="a.md", config=cfg)
    by = {d.rule: d.suggestions[0] for d in diags}
    assert by["TGR001"].safe is False
    assert "demoted to unsafe" in by["TGR001"].description
    assert "Use 'a' before a consonant sound [test:AN]" in by["TGR001"].description
    assert by["TGR002"].safe is True


def test_problem_already_in_the_original_is_not_blamed_on_the_rewrite(backend, cfg):
    # "an big" is there before and after: the rewrite adds nothing new
    diags = lint_text("It is an big deal and guaranteed.\n", path="a.md", config=cfg)
    assert diags[0].suggestions[0].safe is True


def test_only_safe_suggestions_are_checked(backend, cfg):
    lint_text("A perfect launch.\n", path="a.md", config=cfg)
    assert backend.calls == []


def test_results_are_cached(backend, cfg):
    for _ in range(3):
        lint_text("It is guaranteed.\n", path="a.md", config=cfg)
    assert len(backend.calls) == len(set(backend.calls)) == 2  # before and after, once each


def test_fix_skips_demoted_even_with_unsafe(backend, cfg):
    text = "Our record is flawless.\n"
    assert fix_text(text, path="a.md", config=cfg).text == text
    unsafe = fix_text(text, path="a.md", config=cfg, unsafe=True)
    assert unsafe.text == text  # every applied fix is checked: a demoted one fails again
    assert [s.rule for s in unsafe.skipped] == ["TGR001"] and "grammar problem" in unsafe.skipped[0].reason


def test_validation_off(backend, cfg):
    cfg = {**cfg, "grammar": {"validate": False}}
    diags = lint_text("Our record is flawless.\n", path="a.md", config=cfg)
    assert diags[0].suggestions[0].safe is True
    assert backend.calls == []


def test_failing_backend_warns_once_and_changes_nothing(backend, cfg, capsys):
    backend.fail = grammar.GrammarUnavailable("TestTool is unavailable (no server)")
    for _ in range(2):
        diags = lint_text("It is guaranteed.\n", path="a.md", config=cfg)
        assert diags[0].suggestions[0].safe is True
    err = capsys.readouterr().err
    assert err.count("commlint: warning: TestTool is unavailable (no server); grammar checks are off") == 1
    assert len(backend.calls) == 1


def test_grammar_findings_are_off_by_default_and_opt_in(backend, cfg):
    text = "We run an big test.\n"
    assert [d for d in lint_text(text, path="a.md", config={}) if d.category == "grammar"] == []
    on = lint_text(text, path="a.md", config={"grammar": {"enabled": True}})
    found = [d for d in on if d.category == "grammar"]
    assert [(d.rule, d.text, d.message) for d in found] == [
        ("GRM001", "an", "Use 'a' before a consonant sound [test:AN]")
    ]
    assert found[0].suggestions[0].text == "a" and not found[0].suggestions[0].safe


def test_no_backend_is_a_no_op_and_enabling_is_a_clear_error(cfg):
    grammar.reset()
    if grammar.backend_installed():
        pytest.skip("a grammar plugin is installed in this environment")
    diags = lint_text("Our record is flawless. It is guaranteed.\n", path="a.md", config=cfg)
    by = {d.rule: d.suggestions[0] for d in diags}
    assert by["TGR002"].safe is True  # no backend: nothing else to ask
    # commlint's own checks need no backend: "an robust" is still caught
    assert by["TGR001"].safe is False and "[commlint:a-an]" in by["TGR001"].description
    with pytest.raises(ConfigError, match="no grammar backend is installed"):
        lint_text("x\n", path="a.md", config={"grammar": {"enabled": True, "spelling": False}})  # uncached config


def test_grammar_table_is_validated():
    from commlint.engine.grammar import grammar_rules

    with pytest.raises(ConfigError, match="unknown key 'enable'"):
        grammar_rules(Config(grammar={"enable": True}))
    with pytest.raises(ConfigError, match="allow-remote has the wrong type"):
        grammar_rules(Config(grammar={"allow-remote": "yes"}))


def test_cli_enabling_without_backend_is_one_line(cli, tmp_path: Path):
    grammar.reset()
    if grammar.backend_installed():
        pytest.skip("a grammar plugin is installed in this environment")
    (tmp_path / "commlint.toml").write_text("[grammar]\nenabled = true\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Hello.\n", encoding="utf-8")
    proc = cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("commlint: error: ") and "no grammar backend is installed" in proc.stderr
    assert "Traceback" not in proc.stderr
