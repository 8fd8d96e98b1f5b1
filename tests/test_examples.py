"""The README's first command on the bundled drafts: the risky one fails, the balanced passes."""

from __future__ import annotations

import json
import re

from conftest import REPO, run_cli

RISKY = "examples/risky-press-release.md"
BALANCED = "examples/balanced-press-release.md"


def test_readme_first_command_is_the_one_tested_here() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert blocks, "README has no sh code block"
    assert blocks[0].strip().endswith("commlint check examples/"), blocks[0]
    assert "pytest" in blocks[1]


def test_check_examples_flags_the_risky_draft_and_exits_1() -> None:
    proc = run_cli("check", "examples/")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(rf"^{re.escape(RISKY)}:\d+:\d+: [A-Z]+\d+ \[error\]", proc.stdout, re.M), proc.stdout
    assert BALANCED not in proc.stdout
    assert "Found " in proc.stdout and "in 2 files" in proc.stdout


def test_risky_draft_triggers_many_categories_at_exact_spans() -> None:
    proc = run_cli("check", "--format", "json", RISKY)
    assert proc.returncode == 1
    (report,) = json.loads(proc.stdout)["files"]
    diags = report["diagnostics"]
    categories = {d["category"] for d in diags}
    assert len(categories) >= 6, categories
    text = (REPO / RISKY).read_text(encoding="utf-8")
    lines = text.splitlines()
    for d in diags:
        if d["scope"] != "span":
            continue
        # The offsets, the line/column pair and the message's quoted phrase all agree.
        assert lines[d["line"] - 1][d["column"] - 1 :].startswith(text[d["start"] : d["end"]].split("\n")[0])
        quoted = re.search(r"“([^”]+)”", d["message"])
        if quoted and "\n" not in text[d["start"] : d["end"]]:
            assert " ".join(text[d["start"] : d["end"]].replace("*", "").split()) == quoted.group(1)
    by_rule = {(d["line"], d["column"]): d["rule"] for d in diags}
    # "Our AI is **totally secure** and cannot be hacked." (line 11): the match starts
    # inside the emphasis.
    assert (11, 59) in by_rule


def test_balanced_draft_passes() -> None:
    proc = run_cli("check", BALANCED)
    assert proc.returncode == 0, proc.stdout
    assert "All clear" in proc.stdout


def test_readme_rule_example_is_a_working_pack(tmp_path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[[rule]]" in b]
    pack = tmp_path / "acme.toml"
    pack.write_text('[pack]\nname = "acme"\n\n' + block, encoding="utf-8")
    config = tmp_path / "commlint.toml"
    config.write_text('packs = ["acme.toml"]\nselect = ["ACM"]\n', encoding="utf-8")
    (tmp_path / "flag.md").write_text("We offer guaranteed uptime.\n", encoding="utf-8")
    (tmp_path / "pass.md").write_text("We target 99.9% availability.\n", encoding="utf-8")
    flagged = run_cli("check", "flag.md", cwd=tmp_path)
    assert flagged.returncode == 1 and "flag.md:1:10: ACM101 [warning]" in flagged.stdout, (
        flagged.stdout + flagged.stderr
    )
    assert run_cli("check", "pass.md", cwd=tmp_path).returncode == 0
