"""Shared fixtures: the CLI as a user runs it, and ../shared when it exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def run_cli(
    *args: str, cwd: Path | str | None = None, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m commlint ARGS`` in a subprocess, exactly as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "commlint", *args],
        cwd=cwd or REPO,
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


@pytest.fixture
def cli():
    return run_cli


def require_shared() -> Path:
    """The shared folder beside the checkout, or a skip that says what is not measured and why."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared eval sets and corpora in {SHARED} (not present): not measured here")
    return SHARED


@pytest.fixture
def shared() -> Path:
    """The shared folder beside the checkout; tests using it skip, saying why, without it."""
    return require_shared()
