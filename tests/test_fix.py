"""--fix, --unsafe-fixes, --diff and commlint.fix_text, on a rule pack of the tests' own."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixpack import CHAIN, LOOP, write_pack
from helpers import pack_toml, substitution_rule

import commlint
from commlint.fix.apply import MAX_PASSES


@pytest.fixture
def cfg(tmp_path: Path) -> dict:
    return write_pack(tmp_path)


def fix(text: str, cfg: dict, path: str = "a.md", **kw) -> commlint.fix.apply.FixResult:  # type: ignore[name-defined]
    return commlint.fix_text(text, path=path, config=cfg, **kw)


# -- the Python API -------------------------------------------------------------------------


def test_fix_text_applies_safe_fix_and_lists_it(cfg):
    result = fix("Our vault is totally secure today.\n", cfg)
    assert result.text == "Our vault is well protected today.\n"
    assert [(f.rule, f.old, f.new, f.line, f.column, f.safe) for f in result.applied] == [
        ("TFX001", "totally secure", "well protected", 1, 14, True)
    ]
    assert result.remaining == []


def test_unsafe_only_on_request_and_placeholders_never(cfg):
    text = "We guarantee it. It is risky.\n"
    safe = fix(text, cfg)
    assert safe.text == text and safe.applied == []
    assert sorted(d.rule for d in safe.remaining) == ["TFX003", "TFX004"]
    unsafe = fix(text, cfg, unsafe=True)
    assert unsafe.text == "We aim for it. It is risky.\n"  # sentence-initial capital kept
    assert [f.rule for f in unsafe.applied] == ["TFX003"]
    assert [d.rule for d in unsafe.remaining] == ["TFX004"]


def test_overlap_higher_severity_wins(cfg):
    # TFX001 (error) "totally secure" overlaps TFX002 (warning) "secure systems"
    result = fix("They sell totally secure systems.\n", cfg)
    assert result.text == "They sell well protected systems.\n"
    assert [f.rule for f in result.applied] == ["TFX001"]


def test_overlap_same_severity_earlier_wins(tmp_path: Path):
    pack = pack_toml(
        "ov",
        *(
            substitution_rule(rule_id, name, rf"\b{phrase}\b", swap, category="style", severity="warning", message=name)
            for rule_id, name, phrase, swap in [
                ("TOV001", "ab", "alpha beta", "one"),
                ("TOV002", "bg", "beta gamma", "two"),
            ]
        ),
    )
    cfg = write_pack(tmp_path, pack, select="TOV")
    result = commlint.fix_text("so alpha beta gamma\n", path="a.txt", config=cfg)
    assert result.text == "so one gamma\n"
    assert [f.rule for f in result.applied] == ["TOV001"]


def test_non_overlapping_fixes_in_one_pass(cfg):
    result = fix("It is totally secure. Bad actors exist. It never fails.\n", cfg)
    assert result.text == "It is well protected. People who misuse it exist. It rarely fails.\n"
    assert result.passes == 1
    assert sorted(f.rule for f in result.applied) == ["TFX001", "TFX005", "TFX006"]


def test_repeats_until_stable(tmp_path: Path):
    # TFX002 loses the overlap with TFX001 in pass 1; in pass 2 its phrase is still there
    pack = pack_toml(
        "rep",
        substitution_rule("TRP001", "alpha", r"\balpha beta\b", "one beta", severity="error"),
        substitution_rule("TRP002", "beta", r"\bbeta gamma\b", "two", category="style", severity="warning"),
    )
    cfg = write_pack(tmp_path, pack, select="TRP")
    result = commlint.fix_text("so alpha beta gamma\n", path="a.txt", config=cfg)
    assert result.text == "so one two\n"
    assert [(f.rule, f.round) for f in result.applied] == [("TRP001", 1), ("TRP002", 2)]
    assert result.passes == 2


def test_a_fix_that_brings_in_a_finding_is_skipped_and_named(tmp_path: Path):
    # "flawless" -> "totally secure" would be flagged by TFX001: not applied, and said so
    cfg = write_pack(tmp_path, CHAIN, name="chain.toml", select="TCH")
    cfg["packs"].append(write_pack(tmp_path)["packs"][0])
    cfg["select"] = ["TCH", "TFX"]
    result = commlint.fix_text("The design is flawless.\n", path="a.md", config=cfg)
    assert result.text == "The design is flawless.\n"
    assert [(s.rule, s.old, s.new, s.introduces) for s in result.skipped] == [
        ("TCH001", "flawless", "totally secure", ("TFX001",))
    ]
    assert "would introduce TFX001" in result.skipped[0].reason


def test_rules_undoing_each_other_are_stopped(tmp_path: Path):
    cfg = write_pack(tmp_path, LOOP, name="loop.toml", select="TLP")
    result = commlint.fix_text("a ping here\n", path="a.txt", config=cfg)
    assert result.passes <= MAX_PASSES
    assert result.text == "a ping here\n"
    assert [(s.rule, s.introduces) for s in result.skipped] == [("TLP001", ("TLP002",))]


def test_articles_agree(cfg):
    assert fix("It is an unhackable vault.\n", cfg).text == "It is a strongly protected vault.\n"
    assert fix("An unhackable vault.\n", cfg).text == "A strongly protected vault.\n"


def test_case_and_punctuation_at_edges(cfg):
    assert fix("Totally secure, they said.\n", cfg).text == "Well protected, they said.\n"
    assert fix("IT IS TOTALLY SECURE.\n", cfg).text == "IT IS WELL PROTECTED.\n"
    # quoted words are not rewritten (they may be someone else's, or a claim being rejected)
    assert fix("It is “totally secure”.\n", cfg).text == "It is “totally secure”.\n"
    # the pattern swallowed the full stop: the replacement keeps it
    assert fix("It never fails.\n", cfg).text == "It rarely fails.\n"
    assert fix("The Vault Is Totally Secure\n", cfg, path="a.txt").text == "The Vault Is Well Protected\n"


def test_nothing_outside_prose_is_touched(cfg):
    text = (
        "---\ntitle: totally secure\n---\n\n"
        "# Totally secure\n\n"
        "```\ntotally secure\n```\n\n"
        "<!-- totally secure -->\n\n"
        "See `totally secure` and [the page](https://x.example/totally secure) and <https://x.example/unhackable>.\n"
    )
    result = fix(text, cfg)
    assert result.text == text.replace("# Totally secure", "# Well protected")
    assert [f.line for f in result.applied] == [5]


def test_bom_crlf_and_missing_final_newline_kept(cfg):
    result = fix("\ufeffIt is totally secure.\r\nNext line.", cfg)
    assert result.text == "\ufeffIt is well protected.\r\nNext line."


# -- the command line -----------------------------------------------------------------------


def test_cli_fix_writes_and_exit_code_reflects_what_is_left(cli, tmp_path: Path):
    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text("It is totally secure. It is risky.\n", encoding="utf-8")
    proc = cli("check", "--fix", str(doc), cwd=tmp_path)
    assert doc.read_text(encoding="utf-8") == "It is well protected. It is risky.\n"
    assert proc.returncode == 1, proc.stderr  # TFX004 (warning) is left
    assert "TFX004" in proc.stdout and "TFX001" not in proc.stdout
    assert "commlint: 1 fixed, 1 left" in proc.stderr
    assert "TFX001   1 fixed, 0 left" in proc.stderr


def test_cli_fix_everything_fixed_exits_zero(cli, tmp_path: Path):
    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text("It is totally secure.\n", encoding="utf-8")
    before = cli("check", str(doc), cwd=tmp_path)
    assert before.returncode == 1
    proc = cli("check", "--fix", str(doc), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert cli("check", str(doc), cwd=tmp_path).returncode == 0


def test_cli_unsafe_fixes(cli, tmp_path: Path):
    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text("We guarantee it.\n", encoding="utf-8")
    assert cli("check", "--fix", str(doc), cwd=tmp_path).returncode == 1
    assert doc.read_text(encoding="utf-8") == "We guarantee it.\n"
    proc = cli("check", "--fix", "--unsafe-fixes", str(doc), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert doc.read_text(encoding="utf-8") == "We aim for it.\n"


def test_cli_diff_prints_and_writes_nothing(cli, tmp_path: Path):
    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    original = "Intro.\n\nIt is totally secure.\n"
    doc.write_text(original, encoding="utf-8")
    proc = cli("check", "--diff", "a.md", cwd=tmp_path)
    assert doc.read_text(encoding="utf-8") == original
    assert proc.stdout.splitlines() == [
        "--- a/a.md",
        "+++ b/a.md",
        "@@ -1,3 +1,3 @@",
        " Intro.",
        " ",
        "-It is totally secure.",
        "+It is well protected.",
    ]
    assert "1 would be fixed, 0 left" in proc.stderr
    assert proc.returncode == 0


def test_cli_fix_stdin_writes_fixed_text_to_stdout(cli, tmp_path: Path):
    write_pack(tmp_path)
    proc = cli(
        "check",
        "--fix",
        "--stdin-filename",
        "draft.md",
        "-",
        cwd=tmp_path,
        input="It is totally secure. It is risky.\n",
    )
    assert proc.stdout == "It is well protected. It is risky.\n"
    assert proc.returncode == 1
    assert "1 fixed, 1 left" in proc.stderr


def test_cli_fix_several_files_and_folders(cli, tmp_path: Path):
    write_pack(tmp_path)
    (tmp_path / "docs").mkdir()
    a, b = tmp_path / "docs" / "a.md", tmp_path / "docs" / "b.txt"
    a.write_text("Bad actors. Totally secure.\n", encoding="utf-8")
    b.write_text("Nothing here.\n", encoding="utf-8")
    proc = cli("check", "--fix", "docs", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert a.read_text(encoding="utf-8") == "People who misuse it. Well protected.\n"
    assert b.read_text(encoding="utf-8") == "Nothing here.\n"
    assert "2 fixed, 0 left" in proc.stderr


def test_cli_fix_json_reports_only_what_is_left(cli, tmp_path: Path):
    import json

    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text("It is totally secure. It is risky.\n", encoding="utf-8")
    proc = cli("check", "--fix", "--format", "json", "a.md", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert [d["rule"] for d in data["files"][0]["diagnostics"]] == ["TFX004"]
    assert data["files"][0]["diagnostics"][0]["column"] == 29  # a position in the fixed text
    assert data["summary"]["fixed"] == 1
    assert proc.returncode == 1


def test_cli_fix_and_diff_name_the_rule_a_fix_would_bring_in(cli, tmp_path: Path):
    cfg = write_pack(tmp_path, CHAIN, name="chain.toml", select="TCH")
    write_pack(tmp_path)
    (tmp_path / "commlint.toml").write_text(
        f"packs = {cfg['packs'] + [str(tmp_path / 'fixpack.toml')]!r}\nselect = ['TCH', 'TFX']\n", encoding="utf-8"
    )
    doc = tmp_path / "a.md"
    doc.write_text("The design is flawless.\n", encoding="utf-8")
    for flag in ("--diff", "--fix"):
        proc = cli("check", flag, "a.md", cwd=tmp_path)
        assert doc.read_text(encoding="utf-8") == "The design is flawless.\n"
        assert proc.stdout == "" if flag == "--diff" else "TCH001" in proc.stdout
        assert (
            "commlint: a.md:1:15: TCH001 fix “flawless” → “totally secure” not applied: it would introduce TFX001"
            in proc.stderr
        ), proc.stderr
