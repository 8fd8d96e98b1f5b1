"""Finding the documents to lint under the paths a user gives."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from commlint.errors import InputError

_ALWAYS_SKIP = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


def _gitignore_spec(folder: Path) -> Any:
    import pathspec

    lines: list[str] = []
    for name in (".gitignore", ".commlintignore"):
        f = folder / name
        if f.is_file():
            lines += f.read_text(encoding="utf-8", errors="replace").splitlines()
    return pathspec.PathSpec.from_lines("gitwildmatch", lines) if lines else None


def iter_documents(paths: list[str], extensions: dict[str, str], exclude: list[str] | None = None,
                   exclude_root: Path | None = None) -> Iterator[Path]:
    """Files to lint: named files as given; folders walked for known extensions.

    Walking skips VCS and virtualenv folders, anything a ``.gitignore`` or ``.commlintignore``
    on the way names, and the config's ``exclude`` patterns. Files named explicitly are
    always linted (as pre-commit expects), whatever their extension.
    """
    import pathspec

    excluded = pathspec.PathSpec.from_lines("gitwildmatch", exclude or [])
    root = (exclude_root or Path.cwd()).resolve()
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            yield p
            continue
        if not p.exists():
            raise InputError(f"{raw}: no such file or directory")
        yield from _walk(p, extensions, excluded, root)


def _walk(top: Path, extensions: dict[str, str], excluded: Any, root: Path) -> Iterator[Path]:
    ignores: list[tuple[Path, Any]] = []
    for dirpath, dirnames, filenames in os.walk(top):
        folder = Path(dirpath)
        spec = _gitignore_spec(folder)
        if spec is not None:
            ignores.append((folder, spec))
        active = [(base, s) for base, s in ignores if base == folder or base in folder.parents]

        def skipped(path: Path, is_dir: bool) -> bool:
            for base, s in active:
                rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
                if s.match_file(rel):
                    return True
            try:
                rel_root = path.resolve().relative_to(root).as_posix() + ("/" if is_dir else "")
            except ValueError:
                rel_root = path.as_posix()
            return bool(excluded.match_file(rel_root))

        dirnames[:] = sorted(d for d in dirnames if d not in _ALWAYS_SKIP and not skipped(folder / d, True))
        for name in sorted(filenames):
            path = folder / name
            if path.suffix.lower() in extensions and not skipped(path, False):
                yield path
