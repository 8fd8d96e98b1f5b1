"""Word documents (python-docx): positions are paragraph and character; --fix keeps every run's
formatting or refuses in one line and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import bad_actors, pack_toml, phrase_rule, totally_secure, write_project

docx = pytest.importorskip("docx")

PACK = pack_toml(
    "docxtest",
    totally_secure("DOC001", suggest=[{"text": "well protected", "safe": True}]),
    bad_actors("DOC002"),
    phrase_rule(
        "DOC003",
        "fully-safe",
        "absolute",
        "absolute: {match}",
        "error",
        r"\bfully\s+safe\b",
        suggest=[{"text": "designed to be safe", "safe": True}],
    ),
)


def make_document(path: Path) -> None:
    """A draft as Word users write them: styled runs, an empty paragraph, a table, a line break."""
    document = docx.Document()
    document.add_heading("Press release", level=1)  # paragraph 1
    p = document.add_paragraph("Our cloud is ")  # paragraph 2
    p.add_run("totally secure").bold = True
    p.add_run(", say our ").italic = True
    p.add_run("engineers.")
    document.add_paragraph("")  # paragraph 3: empty paragraphs count
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "We stop bad actors."  # paragraph 4
    table.cell(0, 1).text = "Quarterly results."  # paragraph 5
    q = document.add_paragraph("First line")  # paragraph 6, with a line break inside
    q.add_run().add_break()
    q.add_run("then bad actors again.")
    document.save(str(path))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_project(tmp_path, PACK, "pack.toml", ["DOC"])
    make_document(tmp_path / "draft.docx")
    return tmp_path


def spans(proc) -> list[tuple[str, int, int, int, int]]:
    data = json.loads(proc.stdout)
    return [
        (d["rule"], d["line"], d["column"], d["end_line"], d["end_column"])
        for f in data["files"]
        for d in f["diagnostics"]
    ]


def test_positions_are_paragraph_and_character(project, cli):
    proc = cli("check", "--no-semantic", "--format", "json", "draft.docx", cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert spans(proc) == [
        ("DOC001", 2, 14, 2, 28),  # across the plain run into the bold one: paragraph 2, chars 14-27
        ("DOC002", 4, 9, 4, 19),  # a table cell is a paragraph of its own
        ("DOC002", 6, 17, 6, 27),  # a line break inside a paragraph is a space
    ]


def test_folder_walk_reads_docx_and_text_output_shows_the_paragraph(project, cli):
    proc = cli("check", "--no-semantic", ".", cwd=project)
    assert "draft.docx:2:14: DOC001 [error]" in proc.stdout
    assert "2 | Our cloud is totally secure, say our engineers." in proc.stdout


def test_fix_keeps_every_runs_formatting(project, cli):
    document = docx.Document(str(project / "draft.docx"))
    bold = document.paragraphs[1].runs[1]
    bold.text = "totally secure"  # the whole phrase inside one bold run
    document.save(str(project / "draft.docx"))
    proc = cli("check", "--no-semantic", "--fix", "draft.docx", cwd=project)
    assert "1 fixed" in proc.stderr, proc.stderr
    runs = docx.Document(str(project / "draft.docx")).paragraphs[1].runs
    assert [(r.text, r.bold, r.italic) for r in runs] == [
        ("Our cloud is ", None, None),
        ("well protected", True, None),
        (", say our ", None, True),
        ("engineers.", None, None),
    ]


def test_a_fix_sharing_words_with_the_phrase_stays_in_its_run(project, cli):
    document = docx.Document()
    p = document.add_paragraph("It is ")
    p.add_run("fully safe").italic = True
    p.add_run(", we said.")
    document.save(str(project / "safe.docx"))
    proc = cli("check", "--no-semantic", "--fix", "safe.docx", cwd=project)
    assert "1 fixed" in proc.stderr, proc.stderr
    runs = docx.Document(str(project / "safe.docx")).paragraphs[0].runs
    # "fully safe" -> "designed to be safe": all of the new words take the italic run's formatting
    assert [(r.text, r.italic) for r in runs] == [("It is ", None), ("designed to be safe", True), (", we said.", None)]


def test_fix_across_differently_formatted_runs_is_refused_in_one_line(project, cli):
    document = docx.Document(str(project / "draft.docx"))
    runs = document.paragraphs[1].runs
    runs[0].text, runs[1].text = "Our cloud is totally", " secure"  # the phrase spans plain + bold
    document.save(str(project / "draft.docx"))
    before = (project / "draft.docx").read_bytes()
    proc = cli("check", "--no-semantic", "--fix", "draft.docx", cwd=project)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("commlint: error:")]
    assert errors == [
        "commlint: error: draft.docx: paragraph 2: --fix would change text across differently formatted "
        "runs; nothing was written (make this edit in Word)"
    ]
    assert (project / "draft.docx").read_bytes() == before


def test_a_broken_docx_is_one_line_and_exit_2(project, cli):
    (project / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    proc = cli("check", "--no-semantic", "broken.docx", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[0].startswith("commlint: error: broken.docx: not a readable .docx file")
    assert "Traceback" not in proc.stderr
