"""Inputs that used to break a run: FIFOs and devices, huge files, lone CRs, deep nesting,
odd file names and wide encodings. Each is driven through the CLI, and each checks that the
other files of the same run are still linted and reported."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from helpers import pack_toml, phrase_rule, substitution_rule, totally_secure, write_pack

CLAIM = "Our vault is totally unhackable."
PACK = pack_toml(
    "inputs",
    phrase_rule("INP001", "unhackable", "absolute", "absolute claim: {match}", "error", r"\bunhackable\b"),
    totally_secure("INP002"),
)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


def project(folder: Path, extra: str = "") -> Path:
    """A folder with the test pack, a commlint.toml selecting it, and one good draft."""
    write_pack(folder, PACK, "inputs.toml")
    (folder / "commlint.toml").write_text(f'packs = ["inputs.toml"]\nselect = ["INP"]\n{extra}', encoding="utf-8")
    (folder / "good.md").write_text(f"Launch news.\n\n{CLAIM}\n", encoding="utf-8")
    return folder


def findings(proc: object) -> dict[str, list[tuple[str, int, int]]]:
    """path -> (rule, line, column) of each finding of the test pack in a ``--format json`` run."""
    report = json.loads(proc.stdout)  # type: ignore[attr-defined]
    return {
        f["path"]: [(d["rule"], d["line"], d["column"]) for d in f["diagnostics"] if d["rule"].startswith("INP")]
        for f in report["files"]
    }


GOOD = {"good.md": [("INP001", 3, 22)]}


def one_error(proc: object) -> str:
    """The single stderr line (without its prefix); fails unless there is exactly one."""
    lines = proc.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, lines
    assert lines[0].startswith("commlint: error: ")
    return str(lines[0].removeprefix("commlint: error: "))


def assert_refused(proc, line: str) -> None:
    """Exit 2, one error line naming the file, and the good file still linted."""
    assert proc.returncode == 2
    assert one_error(proc) == line
    assert findings(proc) == GOOD


# -- only regular files are read ------------------------------------------------------------


@needs_fifo
def test_fifo_in_a_walked_folder_is_skipped_by_name(tmp_path, cli):
    project(tmp_path)
    os.mkfifo(tmp_path / "pipe.md")  # nothing ever writes to it: opening it to read would block
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert_refused(proc, "pipe.md: a FIFO (named pipe), not a regular file; only regular files are read")


@needs_fifo
def test_fifo_named_on_the_command_line_is_not_silently_skipped(tmp_path, cli):
    project(tmp_path)
    os.mkfifo(tmp_path / "pipe.md")
    proc = cli("check", "pipe.md", "good.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error(proc).startswith("pipe.md: a FIFO (named pipe), not a regular file")
    assert "good.md:3:22: INP001 [error]" in proc.stdout
    assert "All clear" not in proc.stdout
    assert "1 file could not be checked" in proc.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this platform")
@pytest.mark.parametrize("named", [False, True])
def test_symlink_to_a_device_is_treated_as_the_device(tmp_path, cli, named):
    project(tmp_path)
    (tmp_path / "zero.md").symlink_to("/dev/zero")  # reading it would never end
    proc = cli("check", *(["zero.md", "good.md"] if named else ["."]), "--format", "json", cwd=tmp_path)
    assert_refused(proc, "zero.md: a character device, not a regular file; only regular files are read")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this platform")
def test_socket_in_a_walked_folder_is_skipped_by_name(tmp_path, cli):
    project(tmp_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            server.bind(str(tmp_path / "s.md"))
        except OSError:
            pytest.skip("socket path too long here")
        proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    finally:
        server.close()
    assert_refused(proc, "s.md: a socket, not a regular file; only regular files are read")


# -- sizes are checked before reading -------------------------------------------------------


def test_file_over_max_file_size_is_refused_up_front(tmp_path, cli):
    project(tmp_path, "max-file-size = 100\n")
    (tmp_path / "big.md").write_text(CLAIM + " padding" * 60 + "\n", encoding="utf-8")
    size = (tmp_path / "big.md").stat().st_size
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert_refused(proc, f"big.md: file is {size} bytes, over max-file-size (100)")


def test_default_limit_refuses_a_50_mb_draft_without_reading_it(tmp_path, cli):
    project(tmp_path)
    with open(tmp_path / "huge.md", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: all NUL bytes, so reading it would say "binary"
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert_refused(proc, "huge.md: file is 52428800 bytes, over max-file-size (2097152)")


@pytest.mark.skipif(not Path("/proc/cpuinfo").is_file(), reason="needs /proc (its files report size 0)")
def test_read_is_bounded_when_the_size_is_misreported(tmp_path, cli):
    if len(Path("/proc/cpuinfo").read_bytes()) <= 100:
        pytest.skip("/proc/cpuinfo is too short here")
    project(tmp_path, "max-file-size = 100\n")
    (tmp_path / "lies.txt").symlink_to("/proc/cpuinfo")  # stat says 0 bytes; it holds more
    # --config: a symlink's config is looked for beside its target, here in /proc
    proc = cli("check", "lies.txt", "good.md", "--config", "commlint.toml", "--format", "json", cwd=tmp_path)
    assert_refused(proc, "lies.txt: file is over 100 bytes, over max-file-size (100)")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "'max-file-size' must be a positive number of bytes"),
        ("-5", "'max-file-size' must be a positive number of bytes"),
        ('"10MB"', "'max-file-size' must be a whole number"),
        ("1.5", "'max-file-size' must be a whole number"),
    ],
)
def test_bad_max_file_size_is_a_config_error(tmp_path, cli, value, problem):
    project(tmp_path, f"max-file-size = {value}\n")
    proc = cli("check", "good.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error(proc) == f"{(tmp_path / 'commlint.toml').resolve()}: {problem}"


# -- line breaks: "\r", "\n" and "\r\n", alone or mixed ---------------------------------------

CR_CASES = {
    "cr.txt": "Launch news.\r\rIt is totally\rsecure.\r\r" + CLAIM + "\r",
    "cr.md": "---\rtitle: Launch\r---\r# Launch news\r\rIt is totally\rsecure.\r\r> " + CLAIM + "\r",
    "cr.html": "<h1>Launch news</h1>\r\r<p>It is totally\rsecure.</p>\r\r<p>" + CLAIM + "</p>\r",
    "mixed.txt": "Launch news.\r\n\nIt is totally\rsecure.\n\r\n" + CLAIM + "\n",
    "mixed.md": "# Launch news\r\n\r- It is totally\n  secure.\r\r\n- " + CLAIM + "\r",
    "mixed.html": "<h1>Launch news</h1>\n\r\n<p>It is totally\rsecure.</p>\r\r\n<p>" + CLAIM + "</p>\n",
}
# (rule, line, column) in each: the two-line claim first, then the one on the last line.
CR_EXPECTED = {
    "cr.txt": [("INP002", 3, 7), ("INP001", 6, 22)],
    "cr.md": [("INP002", 6, 7), ("INP001", 9, 24)],
    "cr.html": [("INP002", 3, 10), ("INP001", 6, 25)],
    "mixed.txt": [("INP002", 3, 7), ("INP001", 6, 22)],
    "mixed.md": [("INP002", 3, 9), ("INP001", 6, 24)],
    "mixed.html": [("INP002", 3, 10), ("INP001", 6, 25)],
}


@pytest.mark.parametrize("name", sorted(CR_CASES))
def test_lone_cr_and_mixed_line_breaks_keep_positions_right(tmp_path, cli, name):
    project(tmp_path)
    (tmp_path / name).write_bytes(CR_CASES[name].encode("utf-8"))
    proc = cli("check", name, "good.md", "--format", "json", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert findings(proc) == {name: CR_EXPECTED[name], **GOOD}


def test_text_output_shows_the_line_after_a_lone_cr(tmp_path, cli):
    project(tmp_path)
    (tmp_path / "cr.md").write_bytes(("Launch news.\r" + CLAIM + "\r").encode("utf-8"))
    proc = cli("check", "cr.md", "good.md", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert "cr.md:2:22: INP001 [error]" in proc.stdout
    assert f"2 | {CLAIM}\n" in proc.stdout
    assert "\r" not in proc.stdout


def test_fix_keeps_lone_cr_line_breaks(tmp_path, cli):
    pack = pack_toml("crfix", substitution_rule("INP003", "unhackable-fix", r"\bunhackable\b", "hardened"))
    write_pack(tmp_path, pack, "crfix.toml")
    (tmp_path / "commlint.toml").write_text('packs = ["crfix.toml"]\nselect = ["INP"]\n', encoding="utf-8")
    (tmp_path / "cr.md").write_bytes(("Launch news.\r" + CLAIM + "\r").encode("utf-8"))
    proc = cli("check", "--fix", "cr.md", cwd=tmp_path)
    assert "INP003   1 fixed, 0 left" in proc.stderr
    # the swap takes its intensifier with it ("totally unhackable" -> "hardened")
    assert (tmp_path / "cr.md").read_bytes() == b"Launch news.\rOur vault is hardened.\r"


# -- nesting depth never hides prose ----------------------------------------------------------


def _nested_list(depth: int) -> str:
    return "".join("  " * level + f"- Item {level}.\n" for level in range(depth)) + "  " * depth + f"- {CLAIM}\n"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        (_nested_list(12), 13, 2 * 12 + 3 + 21),
        (">" * 25 + " " + CLAIM + "\n", 1, 25 + 2 + 21),
        ("> " * 25 + CLAIM + "\n", 1, 50 + 1 + 21),
        ("> - " * 15 + CLAIM + "\n", 1, 60 + 1 + 21),
        (
            "> " * 30 + "Launch news,\n" + "> " * 30 + "and then: " + CLAIM + "\n\nAfter: " + CLAIM + "\n",
            2,
            60 + 10 + 1 + 21,
        ),
    ],
    ids=["list-12", "quote-25-tight", "quote-25-spaced", "quote-list-15", "quote-30-wrapped"],
)
def test_deep_nesting_never_hides_prose(tmp_path, cli, text, line, column):
    project(tmp_path)
    (tmp_path / "deep.md").write_text(text, encoding="utf-8")
    proc = cli("check", "deep.md", "good.md", "--format", "json", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "")
    got = findings(proc)
    assert got["deep.md"][0] == ("INP001", line, column)
    if "After: " in text:  # prose after the deep block is still read, and only once
        assert got["deep.md"] == [("INP001", line, column), ("INP001", 4, 8 + 21)]
    else:
        assert len(got["deep.md"]) == 1
    assert got["good.md"] == GOOD["good.md"]


def test_deeply_nested_lines_are_separate_items(tmp_path, cli):
    # Two sibling items at the same deep level: the claim must not run across them.
    project(tmp_path)
    text = "> " * 30 + "- It is totally\n" + "> " * 30 + "- secure, we hope.\n"
    (tmp_path / "deep.md").write_text(text, encoding="utf-8")
    proc = cli("check", "deep.md", "good.md", "--format", "json", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert findings(proc) == {"deep.md": [], **GOOD}


# -- file names and encodings ---------------------------------------------------------------


def test_newline_in_a_file_name_keeps_the_error_on_one_line(tmp_path, cli):
    project(tmp_path)
    (tmp_path / "bad\nname.md").write_bytes("Caf\xe9 news\n".encode("latin-1"))
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error(proc).startswith("bad\\nname.md: not valid UTF-8 (byte 0xe9 at offset 3)")
    assert findings(proc) == GOOD


def test_escape_sequences_in_names_are_printed_escaped(tmp_path, cli):
    project(tmp_path)
    (tmp_path / "\x1b[31mred.md").write_text(CLAIM + "\n", encoding="utf-8")
    (tmp_path / "\x1b]0;title\x07.md").write_bytes("\xff\n".encode("latin-1"))
    proc = cli("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error(proc).startswith("\\x1b]0;title\\x07.md: not valid UTF-8")
    assert "\\x1b[31mred.md:1:22: INP001 [error]" in proc.stdout
    assert "good.md:3:22: INP001 [error]" in proc.stdout
    assert "\x1b" not in proc.stdout + proc.stderr


def test_undecodable_bytes_in_a_name_are_printed_escaped(tmp_path, cli):
    project(tmp_path)
    try:
        (tmp_path / os.fsdecode(b"caf\xe9.md")).write_text(CLAIM + "\n", encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system only takes UTF-8 names")
    proc = cli("check", ".", cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8"})
    assert (proc.returncode, proc.stderr) == (1, "")
    assert "caf\\xe9.md:1:22: INP001 [error]" in proc.stdout
    assert "good.md:3:22: INP001 [error]" in proc.stdout


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ("Launch news.\n".encode("utf-16"), "UTF-16"),  # with BOM
        ("Launch news.\n".encode("utf-16-le"), "UTF-16"),
        ("Launch news.\n".encode("utf-16-be"), "UTF-16"),
        ("新闻稿\n".encode("utf-16"), "UTF-16"),
        ("Launch news.\n".encode("utf-32"), "UTF-32"),
        ("Launch news.\n".encode("utf-32-le"), "UTF-32"),
        ("Launch news.\n".encode("utf-32-be"), "UTF-32"),
    ],
    ids=["utf16-bom", "utf16-le", "utf16-be", "utf16-cjk", "utf32-bom", "utf32-le", "utf32-be"],
)
def test_wide_encodings_are_named(tmp_path, cli, data, kind):
    project(tmp_path)
    (tmp_path / "wide.md").write_bytes(data)
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert_refused(proc, f"wide.md: {kind} text is not supported; save it as UTF-8")


def test_binary_with_scattered_nuls_is_still_binary(tmp_path, cli):
    project(tmp_path)
    (tmp_path / "blob.md").write_bytes(bytes(range(256)) * 4)
    proc = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert "UTF-16" not in one_error(proc) and one_error(proc).startswith("blob.md: ")
    assert findings(proc) == GOOD
