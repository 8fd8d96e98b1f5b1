"""The command line, run as a user runs it: walking, options, output formats, exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import bad_actors, pack_toml, rule_toml, totally_secure, write_project

REPO = Path(__file__).resolve().parent.parent

PACK = pack_toml(
    "clitest",
    totally_secure(
        "CLI001",
        "Absolute security claim",
        suggest=[{"text": "designed to be secure", "safe": True, "description": "Describe the design"}],
    ),
    bad_actors("CLI002", "Alarmist phrase", severity="warning"),
    rule_toml(
        id="CLI003",
        name="soon",
        category="style",
        severity="info",
        message="Vague timing",
        patterns=[r"\bsoon\b"],
    ),
)

DRAFT = "# Launch\n\nIt is totally secure.\nBad actors, soon.\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A folder with a config selecting the test pack, and one draft."""
    write_project(tmp_path, PACK, "pack.toml", ["CLI"])
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_text_output_is_like_ruff(project, cli):
    proc = cli("check", "draft.md", cwd=project)
    assert proc.returncode == 1
    assert proc.stderr == ""
    assert proc.stdout == (
        "draft.md:3:7: CLI001 [error] [*] Absolute security claim\n"
        "  |\n"
        "3 | It is totally secure.\n"
        "  |       ^^^^^^^^^^^^^^\n"
        "  = suggestion (safe fix): designed to be secure\n"
        "\n"
        "draft.md:4:1: CLI002 [warning] Alarmist phrase\n"
        "  |\n"
        "4 | Bad actors, soon.\n"
        "  | ^^^^^^^^^^\n"
        "\n"
        "draft.md:4:13: CLI003 [info] Vague timing\n"
        "  |\n"
        "4 | Bad actors, soon.\n"
        "  |             ^^^^\n"
        "\n"
        "Found 3 findings in 1 file (1 error, 1 warning, 1 info).\n"
        "[*] 1 fixable with `commlint check --fix`.\n"
    )
    assert "\x1b[" not in proc.stdout  # not a TTY: no colour


def test_colour_only_on_a_tty(project):
    import pty

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "commlint", "check", "draft.md", "-q"],
        cwd=project,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=120) == 1
    out = b"".join(chunks).decode()
    assert "\x1b[1;31mCLI001\x1b[0m" in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r\n", "\n")
    assert plain.splitlines()[0] == "draft.md:3:7: CLI001 [error] [*] Absolute security claim"
    # NO_COLOR wins over a TTY; --color always forces colour into a pipe.
    assert (
        "\x1b["
        not in subprocess.run(
            [sys.executable, "-m", "commlint", "check", "draft.md", "--color", "never"],
            cwd=project,
            capture_output=True,
            text=True,
        ).stdout
    )


def test_color_always_into_a_pipe(project, cli):
    assert "\x1b[1;33mCLI002\x1b[0m" in cli("check", "draft.md", "--color", "always", cwd=project).stdout


def test_quiet_and_statistics(project, cli):
    # --statistics prints the table alone, as ruff does
    proc = cli("check", "draft.md", "--quiet", "--statistics", cwd=project)
    assert proc.stdout.splitlines() == [
        "    1  CLI001   error    totally-secure",
        "    1  CLI002   warning  bad-actors",
        "    1  CLI003   info     soon",
    ]


def test_select_and_ignore_options(project, cli):
    assert cli("check", "draft.md", "-q", "--select", "CLI002,soon", cwd=project).stdout.splitlines() == [
        "draft.md:4:1: CLI002 [warning] Alarmist phrase",
        "draft.md:4:13: CLI003 [info] Vague timing",
    ]
    assert cli("check", "draft.md", "-q", "--ignore", "CLI001,CLI002", cwd=project).stdout.splitlines() == [
        "draft.md:4:13: CLI003 [info] Vague timing",
    ]
    bad = cli("check", "draft.md", "--select", "NOPE1", cwd=project)
    assert (bad.returncode, bad.stdout) == (2, "")
    # The selector came from the command line, so the error names the flag, not the config file.
    assert bad.stderr == "commlint: error: command line: --select: unknown rule id or selector 'NOPE1'\n"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--select", "CLI003"), 0),  # info is below the default fail level (warning)
        (("--select", "CLI003", "--fail-level", "info"), 1),
        (("--select", "CLI002"), 1),
        (("--select", "CLI002", "--fail-level", "error"), 0),
        (("--select", "CLI001", "--fail-level", "error"), 1),
    ],
)
def test_exit_codes_follow_the_fail_level(project, cli, args, code):
    assert cli("check", "draft.md", "-q", *args, cwd=project).returncode == code


def test_clean_file_exits_0(project, cli):
    write(project / "clean.md", "We test the system and publish the results.\n")
    proc = cli("check", "clean.md", cwd=project)
    assert (proc.returncode, proc.stdout) == (0, "All clear: 1 file checked.\n")


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (("check",), "commlint: error: check: give at least one PATH (or '-' for stdin)\n"),
        (
            ("check", "draft.md", "--format", "xml"),
            "commlint: error: check: unknown --format 'xml'",
        ),
        (("check", "nowhere.md"), "commlint: error: nowhere.md: no such file or directory\n"),
        (
            ("check", "draft.md", "--fail-level", "loud"),
            "commlint: error: check: argument --fail-level",
        ),
        (
            ("frobnicate",),
            "commlint: error: unknown command 'frobnicate' (commands: check, rules",
        ),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(project, cli, args, stderr):
    proc = cli(*args, cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.startswith(stderr)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_directories_are_walked_for_supported_extensions(project, cli):
    write(project / ".gitignore", "build/\n*.tmp.md\n")
    write(
        project / "commlint.toml",
        "packs = ['pack.toml']\nselect = ['CLI001']\nexclude = ['docs/drafts/old/']\n",
    )
    for name in (
        "a.md",
        "b.markdown",
        "c.txt",
        "d.html",
        "e.htm",
        "notes.rst",
        "script.py",
        "x.tmp.md",
        "build/out.md",
        "drafts/old/stale.md",
        "drafts/new.md",
        "node_modules/pkg/readme.md",
        "sub/.gitignore",
        "sub/keep.md",
        "sub/secret.md",
    ):
        write(
            project / "docs" / name,
            "<p>totally secure</p>\n" if "htm" in name else "totally secure\n",
        )
    write(project / "docs" / "sub" / ".gitignore", "secret.md\n")
    (project / "draft.md").unlink()
    proc = cli("check", ".", "-q", cwd=project)
    files = [line.split(":")[0] for line in proc.stdout.splitlines()]
    assert files == [
        "docs/a.md",
        "docs/b.markdown",
        "docs/c.txt",
        "docs/d.html",
        "docs/e.htm",
        "docs/notes.rst",  # reStructuredText is read too; script.py is not
        "docs/drafts/new.md",
        "docs/sub/keep.md",
    ]
    assert proc.stdout.splitlines()[3] == "docs/d.html:1:4: CLI001 [error] [*] Absolute security claim"
    # A file named explicitly is linted whatever its extension or ignore status (pre-commit).
    proc = cli("check", "docs/notes.rst", "docs/build/out.md", "-q", cwd=project)
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == [
        "docs/notes.rst",
        "docs/build/out.md",
    ]


def test_gitignore_above_the_walked_folder_applies_inside_a_repository(project, cli):
    (project / ".git").mkdir()
    write(project / ".gitignore", "docs/generated/\n")
    write(project / "docs" / "generated" / "g.md", "totally secure\n")
    write(project / "docs" / "kept.md", "totally secure\n")
    proc = cli("check", "docs", "-q", "--select", "CLI001", cwd=project)
    assert proc.stdout.splitlines() == ["docs/kept.md:1:1: CLI001 [error] [*] Absolute security claim"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("note.md", []),  # inline code is not prose in Markdown
        ("note.txt", ["note.txt:1:8: CLI001 [error] [*] Absolute security claim"]),
        ("page.html", ["page.html:1:8: CLI001 [error] [*] Absolute security claim"]),
    ],
)
def test_stdin_with_stdin_filename_picks_the_format(project, cli, name, expected):
    text = "<b>`totally secure`</b>\n" if name != "page.html" else "<p>`<i>totally secure</i>`</p>\n"
    if name == "note.txt":
        text = "It is `totally secure`.\n"
    proc = cli("check", "-", "--stdin-filename", name, "-q", "--select", "CLI001", input=text, cwd=project)
    assert proc.stdout.splitlines() == expected
    assert proc.returncode == (1 if expected else 0)


def test_stdin_without_a_name_is_text_named_dash(project, cli):
    proc = cli("check", "-", "-q", input="it is totally secure\n", cwd=project)
    assert proc.stdout.splitlines() == ["-:1:7: CLI001 [error] [*] Absolute security claim"]


def test_python_m_commlint_works_like_commlint(project, cli):
    beside = Path(sys.executable).parent / "commlint"  # the console script of this environment
    script = str(beside) if beside.is_file() else shutil.which("commlint")
    if script is None:
        pytest.skip("the commlint console script is not on PATH")
    console = subprocess.run(
        [script, "check", "draft.md", "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    module = cli("check", "draft.md", "--format", "json", cwd=project)
    assert (console.returncode, console.stdout, console.stderr) == (
        module.returncode,
        module.stdout,
        module.stderr,
    )
    assert module.returncode == 1


# -- the JSON contract ---------------------------------------------------------------------------

_TYPES = {"integer": int, "string": str, "boolean": bool, "object": dict}


def documented_tables() -> dict[str, dict[str, tuple[str, bool]]]:
    """docs/json.md's field tables: section -> field -> (type, optional)."""
    doc = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
    section = ""
    for line in doc.splitlines():
        if line.startswith("## "):
            section = line[3:].strip().lower()
        m = re.match(r"\| `([a-z_]+)` \| ([^|]+) \|", line)
        if m:
            kind = m.group(2).strip()
            tables.setdefault(section, {})[m.group(1)] = (
                kind.split(",")[0].strip(),
                kind.endswith("optional"),
            )
    return tables


def check_object(obj: dict, table: dict[str, tuple[str, bool]], where: str) -> None:
    required = {k for k, (_, optional) in table.items() if not optional}
    assert required <= set(obj), f"{where}: missing documented fields {required - set(obj)}"
    assert set(obj) <= set(table), f"{where}: undocumented fields {set(obj) - set(table)}"
    for key, value in obj.items():
        kind = table[key][0]
        if kind.startswith("array"):
            assert isinstance(value, list), f"{where}.{key} is not an array"
        elif kind == "string" and key == "path":
            assert isinstance(value, str)
        else:
            expected = _TYPES[kind]
            assert isinstance(value, expected) and not (expected is int and isinstance(value, bool)), (
                f"{where}.{key}: {value!r} is not {kind}"
            )


def test_json_output_matches_docs_json_md(project, cli):
    write(project / "docs" / "latin1.md", "")
    (project / "docs" / "latin1.md").write_bytes(b"caf\xe9\n")
    write(
        project / "pack.toml",
        PACK
        + r"""
[[rule]]
id = "CLI004"
name = "danger-count"
type = "occurrence"
category = "alarmist"
severity = "warning"
message = "Too many dangers"
patterns = ['\bdanger\b']
max = 1
""",
    )
    write(project / "docs" / "b.md", "Café 😀: a danger, a danger.\n\nIt is totally\nsecure.\n")
    proc = cli("check", "draft.md", "docs", "--format", "json", cwd=project)
    assert proc.returncode == 2  # the latin-1 file is an input error; the rest is still reported
    report = json.loads(proc.stdout)
    tables = documented_tables()
    assert set(tables) == {"top level", "file", "diagnostic", "suggestion", "summary"}
    check_object(report, tables["top level"], "report")
    assert report["version"] == 1
    check_object(report["summary"], tables["summary"], "summary")
    seen_suggestion = seen_data = False
    for file in report["files"]:
        check_object(file, tables["file"], file["path"])
        source = (project / file["path"]).read_text(encoding="utf-8-sig")
        for diag in file["diagnostics"]:
            check_object(diag, tables["diagnostic"], f"{file['path']} {diag['rule']}")
            seen_data = seen_data or "data" in diag
            assert diag["scope"] in ("span", "document")
            assert diag["severity"] in ("error", "warning", "info")
            # start/end are character offsets in the decoded source; line/column agree with them.
            lines = source.split("\n")
            line_starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
            assert line_starts[diag["line"] - 1] + diag["column"] - 1 == diag["start"]
            assert line_starts[diag["end_line"] - 1] + diag["end_column"] - 1 == diag["end"]
            for s in diag["suggestions"]:
                check_object(s, tables["suggestion"], f"{diag['rule']} suggestion")
                seen_suggestion = True
    assert seen_suggestion and seen_data
    by_path = {f["path"]: f for f in report["files"]}
    assert list(by_path) == ["draft.md", "docs/b.md"]
    b = by_path["docs/b.md"]
    assert b["words"] == 9
    assert [
        (d["rule"], d["line"], d["column"], d["end_line"], d["end_column"], d["start"], d["end"])
        for d in b["diagnostics"]
    ] == [
        ("CLI004", 1, 21, 1, 27, 20, 26),  # the first danger too many
        ("CLI001", 3, 7, 4, 7, 35, 49),
    ]
    assert b["diagnostics"][0]["data"] == {"count": 2, "max": 1}
    assert report["summary"] == {
        "files": 2,
        "diagnostics": 5,
        "by_severity": {"error": 2, "warning": 2, "info": 1},
        "by_rule": {"CLI001": 2, "CLI002": 1, "CLI003": 1, "CLI004": 1},
        "errors": [
            "docs/latin1.md: not valid UTF-8 (byte 0xe9 at offset 3); "
            "commlint reads UTF-8 only, so re-save the file as UTF-8"
        ],
        "fail_level": "warning",
        "failed": True,
        "fixed": 0,
    }


def test_unknown_selector_on_the_command_line_names_the_flag(tmp_path, cli):
    (tmp_path / "draft.md").write_text("Nothing to see.\n", encoding="utf-8")
    proc = cli("check", "--ignore", "ABS,NOPE", "draft.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["commlint: error: command line: --ignore: unknown rule id or selector 'NOPE'"]
