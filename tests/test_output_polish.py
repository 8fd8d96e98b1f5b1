"""What the command line says: counts of what happened, the statistics table alone, every
format in --help, errors naming the flag typed, long lines cut around the span, paragraph and
document findings pointing at a first sentence, plain phrases in `commlint rule`."""

from __future__ import annotations

import json

from helpers import hard_document, hard_paragraph, pack_toml, totally_secure, write_project

from commlint.plugins import formatters

PACK = pack_toml(
    "polish",
    totally_secure("POL001"),
    hard_paragraph("POL002"),
    hard_document("POL003"),
)

HARD = (
    "Notwithstanding the aforementioned considerations, the organisation's comprehensive "
    "institutional governance infrastructure necessitates continuous multidisciplinary evaluation. "
    "Heterogeneous operational vulnerabilities necessitate sophisticated adversarial manipulation "
    "methodologies and unprecedented technological capabilities."
)
FIRST = HARD.index(". ") + 1  # the first sentence's length


def project(tmp_path, text: str = "It is totally secure.\n\nAnd totally secure again.\n"):
    write_project(tmp_path, PACK, "pack.toml", ["POL"])
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_statistics_alone_prints_the_table(tmp_path, cli):
    proc = cli("check", "--no-semantic", "--statistics", "a.md", cwd=project(tmp_path))
    assert proc.returncode == 1
    assert proc.stdout == "    2  POL001   error    totally-secure\n"


def test_write_accepted_counts_what_it_recorded(tmp_path, cli):
    proc = cli("check", "--no-semantic", "--write-accepted", "acc.json", "a.md", cwd=project(tmp_path))
    assert proc.returncode == 0
    assert "All clear" not in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "2 findings accepted in acc.json (1 file checked)."
    assert "commlint: 2 findings accepted (2 entries) in acc.json" in proc.stderr
    proc = cli("check", "--no-semantic", "--accepted", "acc.json", "a.md", cwd=tmp_path)
    assert proc.stdout.strip().splitlines()[-1] == "All clear: 1 file checked (2 accepted findings hidden)."


def test_help_lists_every_registered_format(cli):
    proc = cli("check", "--help", env={"COLUMNS": "400"})
    line = next(x for x in proc.stdout.splitlines() if "output format:" in x)
    listed = line.split("output format:")[1].strip().split(", ")
    assert sorted(listed) == sorted(formatters()) and {"text", "json", "sarif", "junit", "github"} <= set(listed)


def test_errors_name_the_flag_or_command_typed(tmp_path, cli):
    project(tmp_path)
    proc = cli("check", "--baseline", "nosuch", "a.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("commlint: error: --baseline nosuch: no such file and not a built-in baseline")
    proc = cli("chek", "a.md", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, "commlint: error: unknown command 'chek'; did you mean 'check'?\n")
    proc = cli("check", "--fail-level", "fatal", "a.md", cwd=tmp_path)
    assert proc.stderr.startswith("commlint: error: check: argument --fail-level: invalid choice: 'fatal'")
    assert proc.stderr.count("commlint") == 1


def test_long_lines_are_cut_around_the_span(tmp_path, cli):
    text = "word " * 60 + "and it is totally secure, " + "more words " * 40 + "\n"
    proc = cli("check", "--no-semantic", "--select", "POL001", "a.md", cwd=project(tmp_path, text))
    lines = proc.stdout.splitlines()
    shown = next(x for x in lines if x.startswith("1 | "))
    marks = lines[lines.index(shown) + 1]
    assert shown.startswith("1 | …") and shown.endswith("…") and len(shown) <= len("1 | ") + 102
    col = marks.index("^")
    assert shown[col : col + len("totally secure")] == "totally secure"
    assert marks.count("^") == len("totally secure")


def test_paragraph_finding_points_at_its_first_sentence(tmp_path, cli):
    proc = cli("check", "--no-semantic", "--format", "json", "a.md", cwd=project(tmp_path, HARD + "\n"))
    diags = {d["rule"]: d for d in json.loads(proc.stdout)["files"][0]["diagnostics"]}
    para, whole = diags["POL002"], diags["POL003"]
    assert (para["line"], para["column"], para["end_line"], para["end_column"]) == (1, 1, 1, FIRST + 1)
    # document scope: no span of its own (start = end = 0), pointing at the first sentence
    assert (whole["start"], whole["end"]) == (0, 0)
    assert (whole["line"], whole["column"], whole["end_column"]) == (1, 1, FIRST + 1)
    text = cli("check", "--no-semantic", "--select", "POL003", "a.md", cwd=tmp_path).stdout.splitlines()
    marks = next(x for x in text if "^" in x)
    assert marks == "  | " + "^" * 100  # the first sentence, as far as the cut line shows it


def test_rule_shows_plain_phrases_not_regexes(cli):
    proc = cli("rule", "ABS102")
    use_instead = proc.stdout.split("## Use instead")[1].split("##")[0]
    entries = [x for x in use_instead.splitlines() if x.startswith("- ")]
    assert entries and all("\\" not in x and "(?" not in x for x in entries)
    assert any(x.startswith("- “unhackable” → “hardened against attack” (safe)") for x in entries), entries


def test_unmitigated_message_says_which_sentences_count(tmp_path, cli):
    text = "The voice tool could be misused for fraud. We will keep this page updated. Learn more.\n"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    proc = cli("check", "--no-semantic", "--select", "UNM101", "a.md", cwd=tmp_path)
    assert "UNM101 [warning] States a risk of misuse or harm with no mitigation in the sentence before, " in proc.stdout
    text = "We monitor for abuse. The voice tool could be misused for fraud.\n"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    assert cli("check", "--no-semantic", "--select", "UNM101", "a.md", cwd=tmp_path).returncode == 0
