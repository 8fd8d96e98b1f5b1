"""A throwaway git repository holding this checkout's files as they are on disk.

The packaging tests (wheel, pre-commit) must exercise the files the rest of the suite
tests, including uncommitted edits, but must never build inside the real checkout. So they
copy what git would see (tracked and untracked, minus ignored) into a fresh repository and
commit it there. In CI, a fresh clone, that is exactly HEAD.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: git settings that must not leak in from a hook or CI job running the suite
_GIT_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without git's per-repository variables and without PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARS and k != "PYTHONPATH"}
    # Installed copies get their own pattern cache, not the user's (keyed by interpreter).
    env["COMMLINT_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "commlint-test-cache")
    env.update(
        {
            "NO_COLOR": "1",
            "GIT_AUTHOR_NAME": "commlint tests",
            "GIT_AUTHOR_EMAIL": "tests@example.invalid",
            "GIT_COMMITTER_NAME": "commlint tests",
            "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        }
    )
    env.update(extra)
    return env


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120)
    if proc.returncode:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr}")
    return proc.stdout


def snapshot(dest: Path) -> tuple[Path, str]:
    """Copy the checkout into ``dest`` as a one-commit repository; returns (path, commit)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of commlint")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    dest.mkdir(parents=True)
    for rel in sorted(set(filter(None, listed.split("\0")))):
        src = REPO / rel
        if src.is_file():  # tracked files deleted on disk are skipped, as a commit would
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git(
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "snapshot of the commlint checkout under test",
        cwd=dest,
    )
    return dest, git("rev-parse", "HEAD", cwd=dest).strip()
