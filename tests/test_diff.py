"""``commlint diff OLD NEW``: findings added, removed and kept (by fingerprint), density of each
version and the change; text, JSON and HTML; files or git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import bad_actors, pack_toml, totally_secure, write_project

PACK = pack_toml("difftest", totally_secure("DIF001"), bad_actors("DIF002"))

OLD = """# Launch

Our vault is totally secure, and we stop bad actors.

A second paragraph that says nothing risky.
"""
# The bad-actors paragraph moved below the other one (kept), "totally secure" is gone (removed),
# and a new paragraph says it again (added).
NEW = """# Launch

A second paragraph that says nothing risky.

Our vault is well protected, and we stop bad actors.

Then again, the new gateway is totally secure.
"""


@pytest.fixture
def project(tmp_path):
    write_project(tmp_path, PACK, "pack.toml", ["DIF"])
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    return tmp_path


def test_json_added_removed_kept_and_density(project, cli):
    proc = cli("diff", "old.md", "new.md", "--format", "json", "--no-semantic", cwd=project)
    assert proc.returncode == 1, proc.stderr  # an added error-level finding fails the run
    data = json.loads(proc.stdout)
    assert data["summary"] == {"added": 1, "removed": 1, "kept": 1}
    assert [(f["rule"], f["line"], f["column"]) for f in data["added"]] == [("DIF001", 7, 32)]
    assert [(f["rule"], f["line"], f["column"]) for f in data["removed"]] == [("DIF001", 3, 14)]
    assert [(f["rule"], f["old_line"], f["line"]) for f in data["kept"]] == [("DIF002", 3, 5)]
    assert data["old"]["findings"] == 2 and data["new"]["findings"] == 2
    for side in ("old", "new"):
        assert set(data[side]["density"]) >= {"lexicon", "words", "count", "rate"}
    assert data["density_change"] == pytest.approx(data["new"]["density"]["rate"] - data["old"]["density"]["rate"])


def test_text_report(project, cli):
    proc = cli("diff", "old.md", "new.md", "--no-semantic", cwd=project)
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["--- old.md", "+++ new.md"]
    assert "+ new.md:7:32: DIF001 [error] absolute claim: totally secure" in lines
    assert "- old.md:3:14: DIF001 [error] absolute claim: totally secure" in lines
    assert "Findings: 1 added, 1 removed, 1 kept (2 -> 2)." in lines
    assert lines[-1].startswith("Density: ") and "; change " in lines[-1]


def test_no_added_finding_exits_0(project, cli):
    proc = cli("diff", "new.md", "old.md", "--no-semantic", cwd=project)
    assert proc.returncode == 1  # old.md's "totally secure" sentence is new relative to new.md
    (project / "same.md").write_text(OLD, encoding="utf-8")
    proc = cli("diff", "old.md", "same.md", "--no-semantic", cwd=project)
    assert proc.returncode == 0
    assert "Findings: 0 added, 0 removed, 2 kept (2 -> 2)." in proc.stdout


def test_html_report(project, cli):
    proc = cli("diff", "old.md", "new.md", "--format", "html", "--no-semantic", "-o", "d.html", cwd=project)
    page = (project / "d.html").read_text(encoding="utf-8")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Content-Security-Policy" in page and "<script" not in page
    assert "Added (1)" in page and "Removed (1)" in page and "Kept (1)" in page
    assert "<mark>totally secure</mark>" in page


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True, capture_output=True
    )


@needs_git
def test_git_revisions(project, cli):
    _git(project, "init", "-q")
    (project / "press.md").write_text(OLD, encoding="utf-8")
    _git(project, "add", "press.md")
    _git(project, "commit", "-qm", "v1")
    (project / "press.md").write_text(NEW, encoding="utf-8")
    by_spec = cli("diff", "HEAD:press.md", "press.md", "--format", "json", "--no-semantic", cwd=project)
    by_flag = cli("diff", "--git", "HEAD", "press.md", "--format", "json", "--no-semantic", cwd=project)
    for proc in (by_spec, by_flag):
        data = json.loads(proc.stdout)
        assert data["summary"] == {"added": 1, "removed": 1, "kept": 1}, proc.stderr
    assert json.loads(by_flag.stdout)["old"]["source"] == "HEAD:./press.md"


@needs_git
def test_unknown_revision_is_one_line_exit_2(project, cli):
    _git(project, "init", "-q")
    proc = cli("diff", "nosuch:old.md", "new.md", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.startswith("commlint: error: nosuch:old.md: cannot read it from git (")
    assert len(proc.stderr.splitlines()) == 1


def test_usage_errors(project, cli):
    assert cli("diff", "old.md", cwd=project).returncode == 2
    proc = cli("diff", "old.md", "new.md", "--git", "HEAD", cwd=project)
    assert proc.returncode == 2 and "--git REV give one file" in proc.stderr
