"""Corpus manifests: a TSV or CSV file with a ``file`` column and facts about each document.

A row's ``file`` (like ``openai/2025-08-05-gpt-oss.md``) matches a measured document whose
path is it or ends with ``/`` + it. Other columns (``date``, ``type``, ``title``...) can group
documents: ``group_value`` reads a column, and derives ``year`` and ``month`` from a
``date`` column (``YYYY-MM-DD``) when the manifest has no such column itself.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from commlint.errors import InputError

#: what a document not listed in the manifest is grouped under
UNLISTED = "(not in manifest)"
#: columns derived from a date column when the manifest lacks them: name -> length of the prefix
DERIVED = {"year": 4, "month": 7}


@dataclass
class Manifest:
    path: str
    columns: list[str]
    rows: list[dict[str, str]]

    def row_for(self, doc_path: str) -> dict[str, str] | None:
        """The row whose ``file`` is ``doc_path`` or its tail, or None."""
        posix = PurePosixPath(Path(doc_path).as_posix()).as_posix()
        by_file = self._index()
        parts = posix.split("/")
        # Try the longest tails first: "a/b/c.md", "b/c.md", "c.md".
        for i in range(len(parts)):
            row = by_file.get("/".join(parts[i:]))
            if row is not None:
                return row
        return None

    def _index(self) -> dict[str, dict[str, str]]:
        cached: dict[str, dict[str, str]] | None = getattr(self, "_by_file", None)
        if cached is None:
            cached = {r["file"].strip("/"): r for r in self.rows}
            self._by_file = cached
        return cached

    def check_column(self, column: str) -> None:
        """A one-line InputError unless ``column`` can group documents."""
        if column in self.columns:
            return
        if column in DERIVED and "date" in self.columns:
            return
        derived = [c for c in DERIVED if "date" in self.columns]
        known = ", ".join(self.columns + derived)
        raise InputError(f"{self.path}: no column {column!r} to group by (columns: {known})")

    def group_value(self, doc_path: str, column: str) -> str:
        """The document's value in ``column`` (year/month from ``date``); UNLISTED when absent."""
        row = self.row_for(doc_path)
        if row is None:
            return UNLISTED
        if column in row:
            return row[column].strip() or "(empty)"
        date = (row.get("date") or "").strip()
        size = DERIVED[column]
        if len(date) < size or not date[:4].isdigit():
            raise InputError(f"{self.path}: row for {row['file']!r}: date {date!r} is not YYYY-MM-DD")
        return date[:size]


def read_manifest(path: str) -> Manifest:
    """Read a TSV (tab-separated) or CSV manifest; problems are one-line InputErrors."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first or path.lower().endswith(".tsv") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    columns = list(reader.fieldnames or [])
    if "file" not in columns:
        raise InputError(f"{path}: a manifest needs a 'file' column (found: {', '.join(columns) or 'none'})")
    rows = [{k: (v or "") for k, v in r.items() if k is not None} for r in reader]
    return Manifest(path, columns, rows)


def split_by(manifest: Manifest, column: str, paths: Sequence[str]) -> tuple[list[str], dict[str, list[int]]]:
    """(values in sorted order, value -> indexes into ``paths``); unlisted documents last."""
    manifest.check_column(column)
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(paths):
        groups.setdefault(manifest.group_value(p, column), []).append(i)
    values = sorted(v for v in groups if v != UNLISTED) + ([UNLISTED] if UNLISTED in groups else [])
    return values, groups
