"""A plugin adds a ``commlint check`` option and an after-lint step through the hooks
(``commlint_addoption``, ``commlint_check_start``, ``commlint_after_lint``), installed as an
entry point and run through the real command line, as --fix, --density and --accepted are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO, run_cli

PLUGIN = """
from commlint.errors import UsageError
from commlint.hookspecs import hookimpl


@hookimpl
def commlint_addoption(parser):
    group = parser.add_argument_group("word cap")
    group.add_argument("--max-words", type=int, metavar="N", help="fail a file of more than N prose words")


@hookimpl
def commlint_check_start(run):
    cap = run.options.max_words
    if cap is not None and cap < 1:
        raise UsageError(f"--max-words {cap}: give a positive number of words")
    if cap is not None:
        run.overrides["ignore+"] = ["TST001"]  # a length check: findings are not its business


@hookimpl
def commlint_after_lint(run):
    cap = run.options.max_words
    for result in run.report.results if cap is not None else []:
        if result.words > cap:
            run.report.errors.append(f"{result.path}: {result.words} words, over --max-words {cap}")
"""

PACK = r"""
[pack]
name = "hooktest"

[[rule]]
id = "TST001"
name = "totally-secure"
category = "absolute"
message = "absolute claim"
patterns = ['\btotally\s+secure\b']
"""


@pytest.fixture()
def installed(tmp_path: Path) -> dict[str, str]:
    """The plugin module and its distribution's entry point on the path, as pip would leave them."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "wordcap_plugin.py").write_text(PLUGIN, encoding="utf-8")
    dist = site / "wordcap-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: wordcap\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[commlint]\nwordcap = wordcap_plugin\n", encoding="utf-8")
    path = os.pathsep.join(p for p in (str(site), str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pack").mkdir(parents=True)
    (root / "pack" / "hooktest.toml").write_text(PACK, encoding="utf-8")
    (root / "commlint.toml").write_text('packs = ["pack"]\nselect = ["TST"]\nsemantic = false\n', encoding="utf-8")
    (root / "short.md").write_text("It is totally secure.\n", encoding="utf-8")
    (root / "long.md").write_text("Our new model helps teams write better reports every day.\n", encoding="utf-8")
    return root


def test_the_option_is_listed_in_check_help(installed: dict[str, str]) -> None:
    proc = run_cli("check", "--help", env=installed)
    assert proc.returncode == 0, proc.stderr
    assert "word cap:" in proc.stdout and "--max-words N" in proc.stdout
    assert "--fix" in proc.stdout and "--density" in proc.stdout and "--accepted" in proc.stdout


def test_the_after_lint_step_acts_on_the_run(installed: dict[str, str], project: Path) -> None:
    proc = run_cli("check", "--format", "json", "--max-words", "5", "short.md", "long.md", cwd=project, env=installed)
    assert proc.returncode == 2  # an error of the run: its own exit code
    assert proc.stderr == "commlint: error: long.md: 10 words, over --max-words 5\n"
    report = json.loads(proc.stdout)
    assert [f["path"] for f in report["files"]] == ["short.md", "long.md"]
    # check_start's override reached each file's configuration: TST001 is ignored
    assert report["summary"]["diagnostics"] == 0


def test_without_the_option_the_run_is_as_before(installed: dict[str, str], project: Path) -> None:
    proc = run_cli("check", "short.md", "long.md", cwd=project, env=installed)
    assert proc.returncode == 1, proc.stderr
    assert "TST001" in proc.stdout and "over --max-words" not in proc.stderr


def test_a_bad_option_value_is_one_line_and_exit_2(installed: dict[str, str], project: Path) -> None:
    proc = run_cli("check", "--max-words", "0", "short.md", cwd=project, env=installed)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "commlint: error: --max-words 0: give a positive number of words\n"


def test_builtin_features_use_the_same_hooks() -> None:
    from commlint.plugins import plugin_manager

    pm = plugin_manager()
    for hook in ("commlint_addoption", "commlint_check_start", "commlint_after_lint"):
        names = {pm.get_name(impl.plugin) for impl in getattr(pm.hook, hook).get_hookimpls()}
        assert {"commlint.fix.plugin", "commlint.density.plugin", "commlint.accepted.plugin"} <= names
