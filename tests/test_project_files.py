"""The repository's own files: the licence pyproject names, one version, a changelog, a guide, pre-commit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from conftest import REPO

import commlint

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_license_file_is_the_license_pyproject_names() -> None:
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


def test_the_version_is_written_once() -> None:
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "commlint/__init__.py"
    written = [
        path.relative_to(REPO)
        for path in (REPO / "commlint").rglob("*.py")
        if regex.search(r"^__version__\s*=", path.read_text(encoding="utf-8"), regex.M)
    ]
    assert [str(p) for p in written] == ["commlint/__init__.py"]
    assert regex.fullmatch(r"\d+\.\d+\.\d+(?:[ab]\d+|rc\d+)?", commlint.__version__)


def test_changelog_has_the_current_version_and_unreleased() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unreleased" in text
    assert f"## {commlint.__version__}" in text


def test_contributing_says_how_to_add_a_rule_run_the_checks_and_release() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in ("## Add a rule", "## Run the checks", "## Cut a release"):
        assert heading in text
    assert "commlint rules --check" in text and "__version__" in text


def test_the_repository_runs_its_own_checks_in_pre_commit() -> None:
    import yaml

    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h["entry"] for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["ruff-check"] == "ruff check" and hooks["ruff-format"] == "ruff format --check"
    assert hooks["mypy"] == "mypy"
    assert hooks["pack-check"] == "commlint rules --check"
    assert "docgen --check docs/rules.md" in hooks["rule-reference"]


@pytest.mark.slow
def test_pre_commit_runs_the_pack_linter_and_the_rule_reference_check() -> None:
    """A real ``pre-commit run`` of the repository's own hooks (those that need no other tool)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for hook in ("pack-check", "rule-reference"):
        proc = subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", hook, "--all-files"],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Passed" in proc.stdout
