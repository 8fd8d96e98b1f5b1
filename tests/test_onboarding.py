"""What a new user meets first: install commands that work without PyPI, a pre-commit rev that
exists, and a test run that starts without warnings."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from commlint.install import RELEASE, REPOSITORY, pip_hint

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
# "pip install commlint" or "pip install 'commlint[lsp]'" with nothing after: not installable.
_UNPUBLISHED = re.compile(r"pip install '?(commlint(?:-harper|-languagetool)?(?:\[[a-z,]+\])?)'?(?=[\s`)]|$)(?! @)")


def test_docs_never_install_commlint_from_pypi():
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            m = _UNPUBLISHED.search(line)
            assert m is None or "@" in line, f"{doc.name}: {line.strip()!r} installs an unpublished package"


def test_install_hints_name_a_checkout_path_or_the_repository_url():
    assert pip_hint("lsp") == (
        f"pip install -e '.[lsp]' in a commlint checkout, or pip install 'commlint[lsp] @ git+{REPOSITORY}@{RELEASE}'"
    )
    hint = pip_hint(plugin="commlint-harper")
    assert "pip install ./plugins/commlint-harper" in hint
    assert f"git+{REPOSITORY}@{RELEASE}#subdirectory=plugins/commlint-harper" in hint
    assert (REPO_ROOT / "plugins" / "commlint-harper" / "pyproject.toml").is_file()


def test_grammar_error_says_how_to_install_a_backend(tmp_path, cli):
    (tmp_path / "commlint.toml").write_text("[grammar]\nenabled = true\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Hello.\n", encoding="utf-8")
    proc = cli("check", "a.md", cwd=tmp_path)
    if proc.returncode != 2:
        pytest.skip("a grammar backend is installed in this environment")
    assert "pip install ./plugins/commlint-harper" in proc.stderr and "pip install commlint-harper" not in proc.stderr


def test_readme_precommit_rev_is_the_release_tag_and_exists():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    revs = re.findall(r"^\s+rev: (\S+)$", readme, flags=re.M)
    assert revs == [RELEASE]
    ci = (REPO_ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert re.findall(r"^\s+rev: (\S+)$", ci, flags=re.M) == [RELEASE]
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tag cannot be looked up")
    tags = subprocess.run(["git", "tag", "--list"], cwd=REPO_ROOT, capture_output=True, text=True).stdout.split()
    if not tags:
        pytest.skip("this clone has no tags (a shallow or tag-less clone)")
    assert RELEASE in tags, f"the README pins rev {RELEASE}, but this repository has no such tag (has: {tags})"


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
def test_pytest_starts_without_warnings():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests/test_text.py"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Warning" not in proc.stdout + proc.stderr
