"""The project holds itself to its own standards: ruff on all its Python, strict mypy on commlint/,
mypy on the tests, benchmarks and plugins."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import REPO

#: every folder of Python the repository holds: the package, its tests, the plugins, the benchmarks,
#: and the wheel's build hook with its compile step
PYTHON_TREES = ("commlint", "tests", "plugins", "bench", "hatch_build.py", "compile_modules.py")


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_lint_and_format_are_clean() -> None:
    if shutil.which("ruff") is None and _run(sys.executable, "-m", "ruff", "--version").returncode:
        pytest.skip("ruff is not installed (it is in the 'test' extra)")
    lint = _run(sys.executable, "-m", "ruff", "check", *PYTHON_TREES)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _run(sys.executable, "-m", "ruff", "format", "--check", *PYTHON_TREES)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean_on_tests_bench_and_plugins() -> None:
    """The tests, the benchmarks, the build hook and each plugin (its own root: the plugins'
    conftest files would clash in one run), with tests/mypy.ini."""
    config = str(REPO / "tests" / "mypy.ini")
    runs = [(REPO, ["tests", "bench", "hatch_build.py", "compile_modules.py"])] + [
        (p, ["."]) for p in sorted((REPO / "plugins").iterdir()) if p.is_dir()
    ]
    for cwd, targets in runs:
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", config, *targets],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{cwd}: {result.stdout}{result.stderr}"
