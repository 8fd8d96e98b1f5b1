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

    Permission bits (and owner, where allowed) are kept. With ``expected``, the write is
    refused with ChangedOnDisk if the file no longer matches it. A symlink's target is
    replaced, not the link.
    """
    target = Path(os.path.realpath(path))
    if expected is not None and not expected.unchanged():
        raise ChangedOnDisk(
            f"{path}: changed on disk since commlint read it; not writing fixes (run again to fix the new version)"
        )
    try:
        st = target.stat()
    except OSError:
        st = None
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
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(tmp, st.st_uid, st.st_gid)
        # Last look right before the rename, to keep the race window as small as possible.
        if expected is not None and not expected.unchanged():
            raise ChangedOnDisk(f"{path}: changed on disk while commlint was fixing it; not writing fixes (run again)")
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
