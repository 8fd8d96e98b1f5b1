"""The pre-commit hook, through the real ``pre-commit try-repo`` (slow: builds a hook venv).

try-repo clones the hook repository at a commit and pip-installs it into a fresh
environment, exactly what a user's ``pre-commit install`` does on first run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from checkout import clean_env, git, snapshot

pytestmark = pytest.mark.slow

RISKY = """\
# Sentinel-7 launch

Acme AI today announced Sentinel-7, its most capable model yet.
Our AI is totally secure and cannot be hacked.
"""

CLEAN = """\
# Sentinel-7 launch

Acme AI today announced Sentinel-7, a model that helps security teams review their own code.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(hook repository snapshot, a user's repository with two drafts, snapshot commit)."""
    base = tmp_path_factory.mktemp("precommit")
    hook_repo, rev = snapshot(base / "commlint")
    user = base / "drafts"
    user.mkdir()
    (user / "risky.md").write_text(RISKY, encoding="utf-8")
    (user / "clean.md").write_text(CLEAN, encoding="utf-8")
    git("init", "-q", cwd=user)
    git("add", "risky.md", "clean.md", cwd=user)
    return hook_repo, user, rev


def try_repo(project: tuple[Path, Path, str], *files: str) -> subprocess.CompletedProcess[str]:
    hook_repo, user, rev = project
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "commlint",
            "--ref",
            rev,
            "--color",
            "never",
            "--files",
            *files,
        ],
        cwd=user,
        # The hook, not the compiled build (tests/test_compiled.py): pre-commit's pip builds the
        # hook's wheel pure-Python, without a mypyc compile taking both cores for a minute.
        env=clean_env(COMMLINT_COMPILE="0"),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_definition_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(Path(__file__).parent.parent / ".pre-commit-hooks.yaml"))}
    assert hooks["commlint"]["types_or"] == ["markdown", "plain-text", "html"]


def test_hook_fails_on_a_risky_draft_and_names_file_and_line(
    project: tuple[Path, Path, str],
) -> None:
    proc = try_repo(project, "risky.md")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "commlint" in out and "Failed" in out, out
    # "Our AI is totally secure and cannot be hacked." is line 4; "totally" starts at column 11.
    assert re.search(r"^risky\.md:4:11: [A-Z]+\d+ \[error\]", out, re.M), out


def test_hook_passes_on_a_clean_draft(project: tuple[Path, Path, str]) -> None:
    proc = try_repo(project, "clean.md")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"commlint\.+Passed", out), out
    assert "clean.md:" not in out
