"""``--format github``: workflow commands with the Actions toolkit's escaping."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ci_project import make_project
from conftest import run_cli

DRAFT = "# Note\n\nOur café model is totally secure, a game-changer.\n\nWe love synergy.\n"
_COMMAND = re.compile(r"^::(?P<cmd>\w+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_prop(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Parse a workflow command the way the Actions runner does (split on unescaped , and =)."""
    m = _COMMAND.match(line)
    assert m, line
    props = {}
    for pair in (m["props"] or "").split(","):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = _unescape_prop(value)
    return m["cmd"], props, _unescape_data(m["data"])


def test_one_command_per_finding_with_positions(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(DRAFT, encoding="utf-8")
    proc = run_cli("check", "--format", "github", "docs", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    cmds = [parse(line) for line in lines]
    assert [c[0] for c in cmds] == ["error", "warning", "notice"]
    cmd, props, data = cmds[0]
    # columns count characters: "Our café model is " is 18 of them
    assert props == {
        "file": "docs/a.md",
        "line": "3",
        "col": "19",
        "endLine": "3",
        "endColumn": "33",
        "title": "CIT101 totally-secure",
    }
    assert data == "Absolute claim: “totally secure”.\nSuggestion (safe fix): well protected"
    assert "\n" not in lines[0] and "%0A" in lines[0]
    assert cmds[1][2].endswith("Suggestion (unsafe fix): notable step")


def test_escaping_of_data_and_properties(tmp_path: Path) -> None:
    make_project(tmp_path, select=["CIT105"])
    name = "odd,name:100%.md"
    (tmp_path / name).write_text("A foobar here.\n", encoding="utf-8")
    proc = run_cli("check", "--format", "github", name, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stdout.splitlines()
    # data escapes % CR LF only; properties also escape : and ,
    assert line == (
        "::warning file=odd%2Cname%3A100%25.md,line=1,col=3,endLine=1,endColumn=9,"
        "title=CIT105 odd-message::"
        '100%25 sure: foobar, <really> & "truly"%0D%0Asecond line'
    )
    cmd, props, data = parse(line)
    assert props["file"] == name
    assert data == '100% sure: foobar, <really> & "truly"\r\nsecond line'


def test_document_scope_and_input_errors(tmp_path: Path) -> None:
    make_project(tmp_path, select=["CIT104"])
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "bad.md").write_bytes(b"caf\xe9\n")
    proc = run_cli("check", "--format", "github", "a.md", "bad.md", cwd=tmp_path)
    assert proc.returncode == 2
    doc_line, error_line = proc.stdout.splitlines()
    cmd, props, _ = parse(doc_line)
    assert cmd == "notice" and props == {
        "file": "a.md",
        "line": "1",
        "title": "CIT104 whole-draft-check",
    }
    cmd, props, data = parse(error_line)
    assert cmd == "error" and props == {"title": "commlint"} and data.startswith("bad.md: not valid UTF-8")


def test_clean_run_prints_nothing(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "a.md").write_text("Nothing to flag.\n", encoding="utf-8")
    proc = run_cli("check", "--format", "github", "a.md", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""


def _documented_commands() -> tuple[list[dict], list[str]]:
    """The YAML blocks of docs/ci.md, and every `commlint check` command they run."""
    yaml = pytest.importorskip("yaml")
    text = (Path(__file__).resolve().parent.parent / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    commands = []
    for block in blocks:
        for job in (block.get("jobs") or {}).values():
            commands += [s["run"] for s in job["steps"] if "commlint check" in s.get("run", "")]
        script = (block.get("commlint") or {}).get("script", [])
        commands += [line for line in script if "commlint check" in line]
    return blocks, [" ".join(c.split()) for c in commands]


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
def test_documented_workflows_parse_and_their_commands_run(tmp_path: Path) -> None:
    blocks, commands = _documented_commands()
    sarif_job = next(b for b in blocks if "security-events" in str(b.get("permissions", "")))
    steps = sarif_job["jobs"]["commlint"]["steps"]
    action = "github/codeql-action/upload-sarif@"
    upload = next(s for s in steps if s.get("uses", "").startswith(action))
    lint = next(s for s in steps if s.get("id") == "lint")
    assert f"--output {upload['with']['sarif_file']}" in " ".join(lint["run"].split())
    assert len(commands) == 3  # SARIF, annotations, GitLab JUnit

    make_project(tmp_path)
    for folder in ("press", "blog", "model-cards"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "old.md").write_text(DRAFT, encoding="utf-8")
    setup = run_cli(
        "check",
        "press",
        "blog",
        "model-cards",
        "--write-accepted",
        ".commlint-accepted.json",
        cwd=tmp_path,
    )
    assert setup.returncode == 0, setup.stderr
    for new_finding in (False, True):
        if new_finding:
            (tmp_path / "press" / "new.md").write_text("Totally secure.\n", encoding="utf-8")
        for command in commands:
            args = shlex.split(command)
            assert args[:2] == ["commlint", "check"]
            proc = run_cli(*args[1:], cwd=tmp_path)
            assert proc.returncode == (1 if new_finding else 0), (command, proc.stderr)
    sarif = json.loads((tmp_path / "commlint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    ET.parse(tmp_path / "commlint-junit.xml")
