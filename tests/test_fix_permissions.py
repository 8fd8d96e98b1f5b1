"""``check --fix`` never changes who owns or may write a file, and never splits hard links."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fixpack import write_pack

RISKY = "It is totally secure.\n"
FIXED = "It is well protected.\n"

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another owner needs root"
)


def drafts(tmp_path: Path) -> tuple[Path, Path]:
    """A project with two fixable drafts: ``a.md`` (the one under test) and ``b.md``."""
    write_pack(tmp_path)
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(RISKY, encoding="utf-8")
    b.write_text(RISKY, encoding="utf-8")
    return a, b


def refused_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.endswith("; not fixed")]


def assert_refused(proc, doc: Path, before: os.stat_result, reason: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = refused_lines(proc.stderr)
    assert len(lines) == 1 and "a.md: " in lines[0] and reason in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    after = doc.stat()
    assert doc.read_bytes() == RISKY.encode()
    assert (after.st_ino, after.st_uid, after.st_gid, after.st_mode) == (
        before.st_ino,
        before.st_uid,
        before.st_gid,
        before.st_mode,
    )


@needs_root
def test_another_owners_file_in_a_world_writable_folder_is_not_replaced(cli, tmp_path: Path):
    a, b = drafts(tmp_path)
    os.chmod(tmp_path, 0o777)  # anyone may create and rename files here
    os.chown(a, 12345, 12345)
    os.chmod(a, 0o666)  # and anyone may write the file: the owner must still not change
    before = a.stat()
    proc = cli("check", "--fix", "a.md", "b.md", cwd=tmp_path)
    assert_refused(proc, a, before, "owned by uid 12345, not by you (uid 0)")
    assert b.read_text(encoding="utf-8") == FIXED  # the other file is still fixed


@pytest.mark.parametrize("mode", [0o444, 0o044, 0o400], ids=oct)
def test_a_read_only_file_is_not_rewritten_even_as_root(cli, tmp_path: Path, mode: int):
    a, b = drafts(tmp_path)
    os.chmod(a, mode)
    before = a.stat()
    proc = cli("check", "--fix", "a.md", "b.md", cwd=tmp_path)
    assert_refused(proc, a, before, f"read-only (mode {mode:04o})")
    assert b.read_text(encoding="utf-8") == FIXED


def test_a_hard_linked_file_is_not_split(cli, tmp_path: Path):
    a, b = drafts(tmp_path)
    other = tmp_path / "elsewhere.txt"
    os.link(a, other)
    before = a.stat()
    proc = cli("check", "--fix", "a.md", "b.md", cwd=tmp_path)
    assert_refused(proc, a, before, "has 2 hard links")
    assert other.stat().st_ino == a.stat().st_ino and a.stat().st_nlink == 2
    assert b.read_text(encoding="utf-8") == FIXED


def test_nothing_to_fix_in_a_read_only_file_is_not_an_error(cli, tmp_path: Path):
    a, _ = drafts(tmp_path)
    a.write_text("A calm sentence about Acme.\n", encoding="utf-8")
    os.chmod(a, 0o444)
    proc = cli("check", "--fix", "a.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o2660, 0o755], ids=oct)
def test_a_written_file_keeps_its_mode_and_group(cli, tmp_path: Path, mode: int):
    a, _ = drafts(tmp_path)
    group = os.getegid()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        group = 54321  # root may hand the file to a group it is not in: that group must stay
        os.chown(a, -1, group)
    os.chmod(a, mode)
    inode = a.stat().st_ino
    proc = cli("check", "--fix", "a.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    st = a.stat()
    assert st.st_ino != inode  # replaced by rename
    assert a.read_text(encoding="utf-8") == FIXED
    assert (stat.S_IMODE(st.st_mode), st.st_gid) == (mode, group)
