"""Writing a fixed file without losing data: atomic replace, same permissions, no lost edits."""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from commlint.errors import CommlintError


class ChangedOnDisk(CommlintError):
    """The file changed between the read and the write; nothing was written."""


class WriteError(CommlintError):
    """The fixed file could not be written; the original is intact."""


class NotWritable(WriteError):
    """Replacing the file would change who may write it, or break a hard link: refused."""


def refusal(st: os.stat_result) -> str | None:
    """Why a file with this stat must not be replaced by a rename, or None when it may be.

    The mode bits and owner are checked themselves, not ``os.access``: as root, access()
    says yes to a read-only file or to anybody's file, and the rename would then make root
    its owner (in a world-writable folder) or lift its read-only protection.
    """
    euid = os.geteuid() if hasattr(os, "geteuid") else None
    if euid is not None and st.st_uid != euid:
        return f"owned by uid {st.st_uid}, not by you (uid {euid}); rewriting it would change its owner"
    if not st.st_mode & stat.S_IWUSR:
        return f"read-only (mode {stat.S_IMODE(st.st_mode):04o})"
    if st.st_nlink > 1:
        # A rename gives the name a new inode; the other names would keep the old text.
        return f"has {st.st_nlink} hard links; replacing it would split them"
    return None


def _identity_of(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_ino, st.st_dev, st.st_mode, st.st_uid, st.st_gid, st.st_nlink)


def _identity(target: Path) -> tuple[int, ...] | None:
    try:
        return _identity_of(target.stat())
    except OSError:
        return None


def _copy_group_and_mode(tmp: str, st: os.stat_result, path: str | Path) -> None:
    """Give the temp file the original's group, then its mode (a chown can clear set-id bits)."""
    if hasattr(os, "chown") and os.stat(tmp).st_gid != st.st_gid:
        try:
            os.chown(tmp, -1, st.st_gid)
        except OSError:
            # Group bits granted to another group would expose the file: refuse instead.
            raise NotWritable(f"{path}: cannot keep its group (gid {st.st_gid}); not fixed") from None
    os.chmod(tmp, stat.S_IMODE(st.st_mode))


@dataclass(frozen=True)
class Snapshot:
    """What a file held when it was read: compared again just before the write."""

    path: Path
    data: bytes
    mtime_ns: int
    size: int

    @classmethod
    def take(cls, path: str | Path) -> Snapshot:
        """Read the file's bytes and stat together (raises OSError)."""
        p = Path(path)
        st = p.stat()
        data = p.read_bytes()
        return cls(path=p, data=data, mtime_ns=st.st_mtime_ns, size=st.st_size)

    def unchanged(self) -> bool:
        """True when the file on disk still has this snapshot's size, mtime and bytes."""
        try:
            st = self.path.stat()
        except OSError:
            return False
        if (st.st_mtime_ns, st.st_size) != (self.mtime_ns, self.size):
            return False
        # Same mtime and size can hide an edit within the clock's resolution: compare bytes too.
        try:
            return self.path.read_bytes() == self.data
        except OSError:
            return False


def atomic_write(path: str | Path, data: bytes, expected: Snapshot | None = None) -> None:
    """Replace ``path`` with ``data``: temp file in the same folder, fsync, rename over it.

    Mode bits and group are kept. A file that the rename could not replace faithfully is
    refused with NotWritable (see ``refusal``). With ``expected``, the write is refused
    with ChangedOnDisk if the file no longer matches it. A symlink's target is replaced,
    not the link.
    """
    target = Path(os.path.realpath(path))
    if expected is not None and not expected.unchanged():
        raise ChangedOnDisk(
            f"{path}: changed on disk since commlint read it; not writing fixes (run again to fix the new version)"
        )
    try:
        st: os.stat_result | None = target.stat()
    except OSError:
        st = None
    if st is not None:
        reason = refusal(st)
        if reason:
            raise NotWritable(f"{path}: {reason}; not fixed")
    import tempfile  # here, not at the top: it imports shutil (and lzma), ~5 ms of every start

    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".commlint-tmp")
    except OSError as exc:
        raise WriteError(f"{path}: cannot write fixes ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            _copy_group_and_mode(tmp, st, path)
        # Last look right before the rename, to keep the race window as small as possible.
        if expected is not None and not expected.unchanged():
            raise ChangedOnDisk(f"{path}: changed on disk while commlint was fixing it; not writing fixes (run again)")
        if st is not None and _identity(target) != _identity_of(st):
            raise ChangedOnDisk(
                f"{path}: its owner, mode or links changed while commlint was fixing it; not writing fixes (run again)"
            )
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"{path}: cannot write fixes ({exc.strerror or exc})") from None
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (not possible on every platform)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
