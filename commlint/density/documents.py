"""What every corpus engine runs on a document: read it (a path or an fsspec URL), build its
prose view and count its lexicon terms; and the file list cut into chunks for the workers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from commlint.density.measure import DensityCounter, DocDensity
from commlint.errors import InputError
from commlint.prose.formats import format_for_path
from commlint.source.decode import decode, read_source


def is_url(path: str) -> bool:
    """True for fsspec URLs (s3://, gs://, file://, ...), which only the Dask engine reads."""
    return "://" in path


def read_any(path: str) -> Any:
    """A Source for a local path or an fsspec URL; errors are one-line InputErrors."""
    if not is_url(path):
        return read_source(path)
    import fsspec

    try:
        with fsspec.open(path, "rb") as fh:
            data = fh.read()
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    return decode(data, path)


def measure_file(path: str, counter: DensityCounter) -> DocDensity:
    """Counts for one document file: its prose words and lexicon occurrences."""
    from commlint.plugin_errors import report
    from commlint.plugins import call_first, file_extensions

    source = read_any(path)
    suffix = PurePosixPath(path).suffix.lower()
    fmt = file_extensions().get(suffix) or format_for_path(path)
    # A format plugin that raises is skipped (and named) rather than ending the measurement.
    doc, failures = call_first("commlint_document_format", source=source, format=fmt)
    report(failures)
    if doc is None:
        raise InputError(f"{path}: no parser for format {fmt!r}")
    measured = counter.measure(doc.prose, doc.word_count, path)
    if counter.keep_hits:
        from commlint.density.measure import hit_records

        measured.hits = hit_records(doc, counter, path)
    return measured


def measure_many(paths: Sequence[str], counter: DensityCounter) -> list[DocDensity]:
    return [measure_file(p, counter) for p in paths]


def chunks(items: Sequence[str], n: int) -> list[list[str]]:
    """``items`` in at most ``n`` contiguous, near-equal chunks (order kept)."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, pos = [], 0
    for i in range(n):
        step = size + (1 if i < extra else 0)
        out.append(list(items[pos : pos + step]))
        pos += step
    return [c for c in out if c]
