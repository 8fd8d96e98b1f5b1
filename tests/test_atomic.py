"""No data loss: the file keeps its form and permissions, and concurrent edits are respected."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fixpack import write_pack

from commlint.fix.atomic import ChangedOnDisk, Snapshot, atomic_write


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".commlint-tmp"))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            b"It is totally secure.\r\nSecond line.\r\n",
            b"It is well protected.\r\nSecond line.\r\n",
        ),
        (b"\xef\xbb\xbfIt is totally secure.\n", b"\xef\xbb\xbfIt is well protected.\n"),
        (b"It is totally secure.", b"It is well protected."),
        (
            b"\xef\xbb\xbfA\r\n\r\nIt is totally secure, yes",
            b"\xef\xbb\xbfA\r\n\r\nIt is well protected, yes",
        ),
        (
            "Caf\u00e9 \U0001f600 is totally secure.\n".encode(),
            "Caf\u00e9 \U0001f600 is well protected.\n".encode(),
        ),
    ],
    ids=["crlf", "bom", "no-final-newline", "bom-crlf", "non-ascii"],
)
def test_cli_fix_keeps_the_file_form(cli, tmp_path: Path, before: bytes, after: bytes):
    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_bytes(before)
    proc = cli("check", "--fix", "a.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert doc.read_bytes() == after
    assert leftovers(tmp_path) == []


def test_cli_fix_keeps_permissions(cli, tmp_path: Path):
    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text("It is totally secure.\n", encoding="utf-8")
    os.chmod(doc, 0o640)
    inode = doc.stat().st_ino
    assert cli("check", "--fix", "a.md", cwd=tmp_path).returncode == 0
    assert stat.S_IMODE(doc.stat().st_mode) == 0o640
    assert doc.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert doc.read_text(encoding="utf-8") == "It is well protected.\n"


def test_symlink_target_is_replaced_not_the_link(cli, tmp_path: Path):
    write_pack(tmp_path)
    real = tmp_path / "real.md"
    real.write_text("It is totally secure.\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert cli("check", "--fix", "link.md", cwd=tmp_path).returncode == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "It is well protected.\n"


def test_atomic_write_refuses_a_file_changed_since_read(tmp_path: Path):
    doc = tmp_path / "a.md"
    doc.write_text("first\n", encoding="utf-8")
    snap = Snapshot.take(doc)
    doc.write_text("someone else's edit\n", encoding="utf-8")
    with pytest.raises(ChangedOnDisk, match="changed on disk"):
        atomic_write(doc, b"fixed\n", expected=snap)
    assert doc.read_text(encoding="utf-8") == "someone else's edit\n"
    assert leftovers(tmp_path) == []


def test_same_size_same_mtime_edit_is_still_caught(tmp_path: Path):
    doc = tmp_path / "a.md"
    doc.write_text("aaaa\n", encoding="utf-8")
    snap = Snapshot.take(doc)
    doc.write_text("bbbb\n", encoding="utf-8")
    os.utime(doc, ns=(snap.mtime_ns, snap.mtime_ns))
    with pytest.raises(ChangedOnDisk):
        atomic_write(doc, b"fixed\n", expected=snap)
    assert doc.read_text(encoding="utf-8") == "bbbb\n"


def test_atomic_write_unchanged_file_is_replaced(tmp_path: Path):
    doc = tmp_path / "a.md"
    doc.write_text("first\n", encoding="utf-8")
    atomic_write(doc, b"second\n", expected=Snapshot.take(doc))
    assert doc.read_bytes() == b"second\n"
    assert leftovers(tmp_path) == []


def linted_draft(tmp_path: Path, monkeypatch) -> tuple[Path, Any]:
    """A draft with one TFX001 finding in ``tmp_path`` (now the cwd), and its lint report."""
    from commlint import api

    write_pack(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text("It is totally secure.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return doc, api.run([str(doc)])


def after_lint(doc: Path, report: Any) -> Any:
    """Run check's after-lint steps (the fix step acts) over ``report`` as ``check --fix <doc>`` would."""
    from commlint.engine.check_run import CheckRun
    from commlint.plugins import plugin_manager

    run = CheckRun(options=fix_args(doc), report=report)
    plugin_manager().hook.commlint_after_lint(run=run)
    return run.report


def fix_args(doc: Path) -> argparse.Namespace:
    """The parsed ``check --fix <doc>`` options that check's fix step reads."""
    return argparse.Namespace(
        fix=True,
        diff=False,
        unsafe_fixes=False,
        paths=[str(doc)],
        stdin_filename=None,
        config=None,
        select=None,
        extend_select=None,
        ignore=None,
        fail_level=None,
    )


def test_file_changed_during_the_fix_run_is_refused_and_left_intact(tmp_path: Path, monkeypatch, capsys):
    """Drive check's fix step in-process, editing the file while the fixes are computed."""
    from commlint.fix import apply as fix

    doc, report = linted_draft(tmp_path, monkeypatch)
    real = fix.fix_source

    def editing_fix_source(*args, **kwargs):
        doc.write_text("The author rewrote this meanwhile. Totally secure.\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(fix, "fix_source", editing_fix_source)
    out = after_lint(doc, report)
    assert out is not None
    assert doc.read_text(encoding="utf-8") == "The author rewrote this meanwhile. Totally secure.\n"
    assert len(out.errors) == 1 and "changed on disk" in out.errors[0] and str(doc) in out.errors[0]
    assert out.exit_code() == 2
    assert [d.rule for d in out.diagnostics] == ["TFX001"]  # what was found is what is left
    assert leftovers(tmp_path) == []


def test_file_changed_between_lint_and_fix_is_not_fixed(tmp_path: Path, monkeypatch):
    doc, report = linted_draft(tmp_path, monkeypatch)
    doc.write_text("New text, totally secure.\n", encoding="utf-8")
    out = after_lint(doc, report)
    assert out is not None and out.exit_code() == 2
    assert "changed on disk" in out.errors[0]
    assert doc.read_text(encoding="utf-8") == "New text, totally secure.\n"


def test_failed_rename_leaves_the_original_and_no_temp_file(tmp_path: Path, monkeypatch):
    from commlint.fix import atomic

    doc = tmp_path / "a.md"
    doc.write_text("original\n", encoding="utf-8")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)  # the os module atomic.py uses
    with pytest.raises(atomic.WriteError, match=r"a\.md: cannot write fixes \(Permission denied\)"):
        atomic_write(doc, b"fixed\n", expected=Snapshot.take(doc))
    assert doc.read_text(encoding="utf-8") == "original\n"
    assert leftovers(tmp_path) == []
