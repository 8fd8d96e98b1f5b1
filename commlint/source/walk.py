"""Finding the documents to lint under the paths a user gives."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from commlint.errors import InputError
from commlint.source.decode import display_name

_ALWAYS_SKIP = {
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
}


def gitignore_spec(lines: list[str]) -> Any:
    """A pathspec matcher with .gitignore semantics (pathspec >= 0.12 calls it "gitignore")."""
    import pathspec

    try:
        return pathspec.PathSpec.from_lines("gitignore", lines)
    except (KeyError, LookupError):  # older pathspec: only the deprecated name exists
        return pathspec.PathSpec.from_lines("gitwildmatch", lines)


def _gitignore_spec(folder: Path) -> Any:
    lines: list[str] = []
    for name in (".gitignore", ".commlintignore"):
        f = folder / name
        if f.is_file():
            lines += f.read_text(encoding="utf-8", errors="replace").splitlines()
    return gitignore_spec(lines) if lines else None


def iter_documents(
    paths: list[str],
    extensions: dict[str, str],
    exclude: list[str] | None = None,
    exclude_root: Path | None = None,
) -> Iterator[Path]:
    """Files to lint: named files as given; folders walked for known extensions.

    Walking skips VCS and virtualenv folders, anything a ``.gitignore`` or ``.commlintignore``
    on the way names, and the config's ``exclude`` patterns. Files named explicitly are
    always linted (as pre-commit expects), whatever their extension. Anything that is not a
    regular file (a FIFO, a device, a socket) is yielded too, so reading it reports it.
    """
    excluded: Any = None  # built on the first folder: pathspec costs ~20 ms to import
    root = (exclude_root or Path.cwd()).resolve()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{display_name(raw)}: no such file or directory")
        if not p.is_dir():
            # Named files are linted whatever they are: a FIFO or a device is then refused,
            # by name, when it is read (read_source), rather than silently yielding nothing.
            yield p
            continue
        if excluded is None:
            import pathspec

            excluded = pathspec.PathSpec.from_lines("gitwildmatch", exclude or [])
        yield from _walk(p, extensions, excluded, root)


def _ancestor_ignores(top: Path) -> list[tuple[Path, Any]]:
    """Ignore files above ``top`` (resolved), up to the repository root (the folder with .git).

    ``commlint check docs/`` must skip what the repository's top-level .gitignore names.
    Outside a repository only the ignore files at or below ``top`` apply.
    """
    if (top / ".git").exists():
        return []
    chain: list[Path] = []
    for folder in top.parents:
        chain.append(folder)
        if (folder / ".git").exists():
            break
    else:
        return []
    found = []
    for folder in reversed(chain):
        spec = _gitignore_spec(folder)
        if spec is not None:
            found.append((folder, spec))
    return found


def _walk(top: Path, extensions: dict[str, str], excluded: Any, root: Path) -> Iterator[Path]:
    absolute_top = top.resolve()
    ignores = _ancestor_ignores(absolute_top)
    for dirpath, dirnames, filenames in os.walk(top):
        folder = Path(dirpath)
        here = absolute_top / folder.relative_to(top)  # resolved, for matching
        spec = _gitignore_spec(folder)
        if spec is not None:
            ignores.append((here, spec))
        active = [(base, s) for base, s in ignores if base == here or base in here.parents]

        def skipped(name: str, is_dir: bool, here: Path = here, active: list[Any] = active) -> bool:
            return _skipped(here / name, is_dir, active, excluded, root)

        dirnames[:] = sorted(d for d in dirnames if d not in _ALWAYS_SKIP and not skipped(d, True))
        for name in sorted(filenames):
            if Path(name).suffix.lower() in extensions and not skipped(name, False):
                yield folder / name


def _skipped(path: Path, is_dir: bool, active: list[Any], excluded: Any, root: Path) -> bool:
    """True when an ignore file in force, or the config's ``exclude``, names ``path``."""
    slash = "/" if is_dir else ""
    for base, spec in active:
        if spec.match_file(path.relative_to(base).as_posix() + slash):
            return True
    try:
        rel_root = path.relative_to(root).as_posix() + slash
    except ValueError:
        rel_root = path.as_posix()
    return bool(excluded.match_file(rel_root))
