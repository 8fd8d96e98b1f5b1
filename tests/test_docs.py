"""The generated rule reference, the rule commands, and commlint's own docs passing commlint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.rules.docgen import builtin_reference, is_builtin
from commlint.rules.docgen import main as docgen_main
from commlint.rules.ruletypes.base import Rule

REGENERATE = "python -m commlint.rules.docgen docs/rules.md"


@pytest.fixture(scope="module")
def builtin_rules() -> list:
    return [r for r in Linter(Config.default()).all_rules if is_builtin(r)]


def test_rule_reference_is_up_to_date() -> None:
    committed = REPO / "docs" / "rules.md"
    assert committed.is_file(), f"docs/rules.md is missing: run `{REGENERATE}`"
    wanted = builtin_reference()
    if committed.read_text(encoding="utf-8") != wanted:
        have = committed.read_text(encoding="utf-8").splitlines()
        first = next(
            (i for i, (a, b) in enumerate(zip(have, wanted.splitlines(), strict=False)) if a != b),
            min(len(have), len(wanted.splitlines())),
        )
        pytest.fail(
            f"docs/rules.md is stale (first difference at line {first + 1}); "
            f"regenerate it with `{REGENERATE}` and commit the result"
        )


def test_reference_documents_every_builtin_rule(builtin_rules: list) -> None:
    text = builtin_reference()
    for rule in builtin_rules:
        assert f"### {rule.id} {rule.name}\n" in text
    assert text.splitlines()[3] == "<!-- commlint-disable -->"  # it quotes risky phrases on purpose
    for section in (
        "#### What it flags",
        "#### Why",
        "#### Example",
        "#### Use instead",
        "#### Fix safety",
    ):
        assert section in text


def test_docgen_check_mode_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "rules.md"
    target.write_text("# old\n", encoding="utf-8")
    assert docgen_main(["--check", str(target)]) == 1
    assert "python -m commlint.rules.docgen" in capsys.readouterr().err
    assert docgen_main([str(target)]) == 0
    assert docgen_main(["--check", str(target)]) == 0


def test_rules_command_lists_every_enabled_rule(builtin_rules: list) -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0, proc.stderr
    listed = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    enabled = {r.id for r in builtin_rules if r.default_enabled}
    assert enabled <= listed
    for line in proc.stdout.splitlines():
        ident, severity, category = line.split()[:3]
        rule = next((r for r in builtin_rules if r.id == ident), None)
        if rule is not None:
            assert (severity, category) == (rule.severity, rule.category)


def test_rules_command_json_includes_off_by_default_rules_with_all(builtin_rules: list) -> None:
    proc = run_cli("rules", "--all", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    described = {r["id"]: r for r in json.loads(proc.stdout)}
    assert {r.id for r in builtin_rules} <= set(described)
    for rule in builtin_rules:
        assert described[rule.id]["rationale"] == rule.rationale


def _one_rule_per_category(rules: list) -> list:
    seen: dict[str, object] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        if rule.examples_flag and rule.category not in seen:
            seen[rule.category] = rule
    return list(seen.values())


def _documented(rule: Rule, out: str) -> None:
    assert rule.rationale.splitlines()[0] in out
    for example in (*rule.examples_flag, *rule.examples_pass):
        assert example in out, (rule.id, example)
    for spec in rule.suggestions:
        assert spec.description in out, (rule.id, spec.text)
    assert "## Fix safety" in out


def test_every_rule_page_has_rationale_examples_and_suggestions(builtin_rules: list) -> None:
    from commlint.rules.docgen import rule_markdown

    for rule in builtin_rules:
        if rule.rationale:
            _documented(rule, rule_markdown(rule))


def test_rule_command_prints_rationale_examples_and_suggestions(builtin_rules: list) -> None:
    chosen = _one_rule_per_category(builtin_rules)[:5]  # a subprocess each: a sample is enough
    assert len(chosen) >= 3
    for rule in chosen:
        proc = run_cli("rule", rule.id)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout
        assert out.startswith(f"# {rule.id} {rule.name}\n")
        _documented(rule, out)


def test_rule_command_finds_a_rule_by_name_and_rejects_unknown_ids(builtin_rules: list) -> None:
    rule = builtin_rules[0]
    by_name = run_cli("rule", rule.name)
    assert by_name.returncode == 0 and by_name.stdout.startswith(f"# {rule.id} ")
    unknown = run_cli("rule", "NOPE999")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("commlint: error:") and "NOPE999" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_project_docs_pass_their_own_linter() -> None:
    """commlint holds its own docs/ and README to its standards (examples need suppressions).

    The learned sentence layer is for statements, not reference documentation: on these docs
    it raises false alarms on about 3% of sentences (docs/semantic.md), so it is off here.
    """
    pages = ("docs/", "README.md", "CONTRIBUTING.md", "CHANGELOG.md")
    proc = run_cli("check", "--format", "json", "--no-semantic", *pages)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    problems = [
        f"{f['path']}:{d['line']}:{d['column']}: {d['rule']} [{d['severity']}] {d['message']}"
        for f in report["files"]
        for d in f["diagnostics"]
    ]
    assert proc.returncode == 0, "commlint flags its own docs:\n" + "\n".join(problems)
    assert {Path(f["path"]).name for f in report["files"]} >= {"README.md", "rules.md"}
