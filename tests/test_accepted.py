"""Accepted findings: ``--write-accepted`` records, ``--accepted`` hides, stale entries show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ci_project import make_project
from conftest import run_cli

DRAFT = """# Statement

Our café model is totally secure, and a game-changer for banks.

We love synergy. We love synergy.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(DRAFT, encoding="utf-8")
    return tmp_path


def check(cwd: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("check", *args, cwd=cwd)


def check_json(cwd: Path, *args: str) -> tuple[dict, int, str]:
    proc = run_cli("check", "--format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc.returncode, proc.stderr


def rules_of(report: dict) -> list[str]:
    return [d["rule"] for f in report["files"] for d in f["diagnostics"]]


def test_write_records_current_findings(project: Path) -> None:
    assert check(project, "docs").returncode == 1
    proc = check(project, "docs", "--write-accepted", "accepted.json")
    assert proc.returncode == 0, proc.stderr
    assert "4 findings accepted (4 entries) in accepted.json" in proc.stderr
    data = json.loads((project / "accepted.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    entries = data["entries"]
    assert [(e["rule"], e["path"], e["count"]) for e in entries] == [
        ("CIT101", "docs/a.md", 1),
        ("CIT102", "docs/a.md", 1),
        ("CIT103", "docs/a.md", 1),
        ("CIT103", "docs/a.md", 1),
    ]
    assert all(len(e["fingerprint"]) == 20 for e in entries)
    assert entries[0]["context"] == "café model is [totally secure], and a game"
    # the file holds no line numbers: they are not part of a finding's identity
    assert "line" not in json.dumps(entries)


def test_accepted_findings_are_hidden_and_exit_is_clean(project: Path) -> None:
    check(project, "docs", "--write-accepted", "accepted.json")
    report, code, err = check_json(project, "docs", "--accepted", "accepted.json")
    assert code == 0 and rules_of(report) == []
    assert report["summary"]["accepted"] == {"file": "accepted.json", "hidden": 4, "stale": []}
    assert "4 accepted findings hidden" in err and "stale" not in err
    text = check(project, "docs", "--accepted", "accepted.json")
    assert text.returncode == 0 and "All clear" in text.stdout


def test_edits_elsewhere_keep_findings_accepted(project: Path) -> None:
    check(project, "docs", "--write-accepted", "accepted.json")
    doc = project / "docs" / "a.md"
    text = doc.read_text(encoding="utf-8")
    # paragraphs inserted above, a heading changed, the line endings and spacing moved about
    edited = text.replace("# Statement\n", "# A new title\n\nTwo new paragraphs.\n\nOf plain prose.\n")
    edited = edited.replace("We love synergy. We love", "We love  synergy.\nWe love")
    doc.write_text(edited, encoding="utf-8")
    report, code, err = check_json(project, "docs", "--accepted", "accepted.json")
    assert code == 0, report
    assert rules_of(report) == [] and report["summary"]["accepted"]["stale"] == []


def accept_then_edit(project: Path, text: str) -> tuple[dict, int, str]:
    """Accept every finding in docs/, rewrite docs/a.md as ``text``, check again as JSON."""
    check(project, "docs", "--write-accepted", "accepted.json")
    (project / "docs" / "a.md").write_text(text, encoding="utf-8")
    return check_json(project, "docs", "--accepted", "accepted.json")


def test_new_findings_still_fail(project: Path) -> None:
    doc = project / "docs" / "a.md"
    added = doc.read_text(encoding="utf-8") + "\nThe app is totally secure too.\n"
    report, code, _ = accept_then_edit(project, added)
    assert code == 1
    (diag,) = [d for f in report["files"] for d in f["diagnostics"]]
    assert (diag["rule"], diag["line"]) == ("CIT101", 7)
    assert report["summary"]["accepted"]["hidden"] == 4


def test_changed_phrase_reappears_and_old_entry_is_stale(project: Path) -> None:
    # the words right before the flagged phrase change: a different finding
    edited = DRAFT.replace("model is totally secure", "system is totally secure")
    report, code, err = accept_then_edit(project, edited)
    assert code == 1
    assert rules_of(report) == ["CIT101"]
    (stale,) = report["summary"]["accepted"]["stale"]
    assert (stale["rule"], stale["path"], stale["count"]) == ("CIT101", "docs/a.md", 1)
    assert "stale accepted finding in accepted.json: docs/a.md: CIT101 café model is [totally secure]" in err


def test_stale_entries_do_not_change_the_exit_code(project: Path) -> None:
    edited = DRAFT.replace("totally secure, and a game-changer", "well protected")
    report, code, err = accept_then_edit(project, edited)
    assert code == 0 and rules_of(report) == []
    assert sorted(s["rule"] for s in report["summary"]["accepted"]["stale"]) == ["CIT101", "CIT102"]
    assert err.count("stale accepted finding") == 2


def test_duplicates_are_counted(tmp_path: Path) -> None:
    make_project(tmp_path)
    para = "We love synergy.\n\n"
    (tmp_path / "a.md").write_text(para * 2, encoding="utf-8")
    check(tmp_path, "a.md", "--write-accepted", "acc.json")
    (entry,) = json.loads((tmp_path / "acc.json").read_text(encoding="utf-8"))["entries"]
    assert entry["count"] == 2 and entry["context"] == "We love [synergy]"
    (tmp_path / "a.md").write_text(para * 3, encoding="utf-8")
    report, code, _ = check_json(tmp_path, "a.md", "--accepted", "acc.json", "--fail-level", "info")
    assert code == 1 and rules_of(report) == ["CIT103"]  # the third copy is new
    (tmp_path / "a.md").write_text(para, encoding="utf-8")
    report, code, _ = check_json(tmp_path, "a.md", "--accepted", "acc.json", "--fail-level", "info")
    assert code == 0
    (stale,) = report["summary"]["accepted"]["stale"]
    assert stale["count"] == 1


def test_paths_are_relative_to_the_accepted_file(project: Path) -> None:
    check(project, "docs", "--write-accepted", "accepted.json")
    # run from inside docs/, naming the file differently: the entries still match
    report, code, _ = check_json(project / "docs", "a.md", "--accepted", "../accepted.json")
    assert code == 0 and report["summary"]["accepted"]["hidden"] == 4


def test_partial_runs_and_deleted_files(project: Path) -> None:
    (project / "docs" / "b.md").write_text("It is totally secure.\n", encoding="utf-8")
    check(project, "docs", "--write-accepted", "accepted.json")
    # linting only b.md says nothing about a.md's entries
    report, code, err = check_json(project, "docs/b.md", "--accepted", "accepted.json")
    assert code == 0 and report["summary"]["accepted"]["stale"] == [] and "stale" not in err
    (project / "docs" / "a.md").unlink()
    report, code, err = check_json(project, "docs", "--accepted", "accepted.json")
    assert code == 0
    assert {s["path"] for s in report["summary"]["accepted"]["stale"]} == {"docs/a.md"}


def test_other_formats_respect_accepted_findings(project: Path) -> None:
    check(project, "docs", "--write-accepted", "accepted.json")
    doc = project / "docs" / "a.md"
    doc.write_text(DRAFT + "\nA brand new game-changer.\n", encoding="utf-8")
    sarif = check(project, "docs", "--accepted", "accepted.json", "--format", "sarif")
    assert sarif.returncode == 1
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("CIT102", 7)
    ]
    github = check(project, "docs", "--accepted", "accepted.json", "--format", "github")
    assert github.stdout.count("::") == 2 and "line=7" in github.stdout


def test_fix_then_accepted(project: Path) -> None:
    doc = project / "docs" / "a.md"
    doc.write_text("Our model is totally secure today.\n\nIt is a game-changer for banks.\n", encoding="utf-8")
    check(project, "docs", "--write-accepted", "accepted.json")
    proc = check(project, "docs", "--fix", "--accepted", "accepted.json")
    # the safe fix is applied; what remains is accepted; the fixed finding's entry is stale
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "well protected" in doc.read_text(encoding="utf-8")
    assert proc.stderr.count("stale accepted finding") == 1 and ": CIT101 " in proc.stderr
    assert "1 accepted finding hidden" in proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such accepted-findings file"),
        ("{not json", "invalid JSON"),
        ('{"version": 99, "entries": []}', "unsupported accepted-findings version"),
        (
            '{"version": 1, "entries": [{"rule": "X1"}]}',
            "entries[0]: 'path' must be a non-empty string",
        ),
        (
            '{"version": 1, "entries": [{"rule": "X", "path": "a", "fingerprint": "f", "count": 0}]}',
            "'count' must be a positive integer",
        ),
    ],
)
def test_bad_accepted_files_are_one_line_errors(project: Path, content: str | None, message: str) -> None:
    if content is not None:
        (project / "acc.json").write_text(content, encoding="utf-8")
    proc = check(project, "docs", "--accepted", "acc.json")
    assert proc.returncode == 2
    assert proc.stderr.startswith("commlint: error: acc.json: ") and message in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_write_and_read_together_is_a_usage_error(project: Path) -> None:
    proc = check(project, "docs", "--accepted", "a.json", "--write-accepted", "b.json")
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr


def test_markup_is_not_part_of_the_fingerprint(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "a.html").write_text("<p>Our model is totally secure today.</p>\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Our [model](https://a.example/1) is totally secure.\n", encoding="utf-8")
    check(tmp_path, "a.html", "b.md", "--write-accepted", "acc.json")
    contexts = [e["context"] for e in json.loads((tmp_path / "acc.json").read_text())["entries"]]
    assert contexts == ["Our model is [totally secure] today", "Our model is [totally secure]"]
    (tmp_path / "a.html").write_text(
        '<h1>New</h1>\n<p>Intro.</p>\n<p>Our <em class="x">model</em> is\n  totally secure today.</p>\n',
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        "Intro.\n\nOur [model](https://b.example/2) is *totally secure*.\n", encoding="utf-8"
    )
    report, code, _ = check_json(tmp_path, "a.html", "b.md", "--accepted", "acc.json")
    assert code == 0 and report["summary"]["accepted"] == {
        "file": "acc.json",
        "hidden": 2,
        "stale": [],
    }
