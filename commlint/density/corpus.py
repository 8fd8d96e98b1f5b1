"""Corpus work (stats, baseline build): find the documents, measure each, in N processes.

The measurement of one document is ``measure_file``; the engines only decide where it runs.
The local engine uses a process pool (``--jobs N``); ``commlint.density.dask_engine`` runs the same
function on a Dask cluster. Both return per-document results in the order of the file list,
so everything computed from them is identical whichever engine ran.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import PurePosixPath
from typing import IO, Any

from commlint.config import Config
from commlint.density.measure import DensityCounter, DocDensity
from commlint.errors import ConfigError, InputError, UsageError
from commlint.prose.formats import format_for_path
from commlint.source.decode import decode, read_source

ENGINES = ("local", "dask")


def is_url(path: str) -> bool:
    """True for fsspec URLs (s3://, gs://, file://, ...), which only the Dask engine reads."""
    return "://" in path


def collect_files(paths: Sequence[str], config: Config) -> list[str]:
    """The documents under ``paths`` (walked like ``commlint check``), URLs passed through."""
    from commlint.plugins import file_extensions
    from commlint.source.walk import iter_documents

    extensions = file_extensions()
    files: list[str] = []
    for raw in paths:
        if is_url(raw):
            files.extend(_url_files(raw, extensions))
        else:
            files.extend(str(p) for p in iter_documents([raw], extensions, config.exclude, config.root))
    if not files:
        raise InputError(f"{', '.join(paths)}: no documents found")
    return files


def _url_files(url: str, extensions: dict[str, str]) -> list[str]:
    """Documents under an fsspec URL: the URL itself, or every known extension below it."""
    try:
        import fsspec
    except ImportError:
        from commlint.install import pip_hint

        raise UsageError(f"{url}: reading URLs needs fsspec ({pip_hint('dask')})") from None
    fs, _, [root] = fsspec.get_fs_token_paths(url)
    protocol = url.split("://", 1)[0]
    if fs.isfile(root):
        return [url]
    found = sorted(p for p in fs.find(root) if PurePosixPath(p).suffix.lower() in extensions)
    if not found and not fs.exists(root):
        raise InputError(f"{url}: no such file or directory")
    return [p if "://" in p else f"{protocol}://{p}" for p in found]


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


# -- the local engine ----------------------------------------------------------------------
_WORKER_COUNTER: DensityCounter | None = None


def _init_worker(counter: DensityCounter) -> None:
    global _WORKER_COUNTER
    _WORKER_COUNTER = counter


def _measure_chunk(paths: list[str]) -> list[DocDensity]:
    assert _WORKER_COUNTER is not None
    return measure_many(paths, _WORKER_COUNTER)


def measure_local(
    files: Sequence[str], counter: DensityCounter, jobs: int = 1, progress: Progress | None = None
) -> list[DocDensity]:
    """Measure ``files`` in ``jobs`` processes; results in file order."""
    progress = progress or Progress(len(files), enabled=False)
    if jobs <= 1 or len(files) < 2:
        out = []
        for path in files:
            out.append(measure_file(path, counter))
            progress.advance(1)
        progress.close()
        return out
    # Several chunks per process keep the pool busy when file sizes differ.
    parts = chunks(files, jobs * 8)
    results: dict[int, list[DocDensity]] = {}
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(counter,)) as pool:
        futures = {pool.submit(_measure_chunk, part): i for i, part in enumerate(parts)}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            progress.advance(len(parts[futures[fut]]))
    progress.close()
    return [d for i in range(len(parts)) for d in results[i]]


def check_engine(paths: Sequence[str], *, jobs: int, engine: str, scheduler: str | None) -> None:
    """One-line usage errors for engine options that do not fit together."""
    if engine not in ENGINES:
        raise UsageError(f"unknown --engine {engine!r} (known: {', '.join(ENGINES)})")
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    urls = [p for p in paths if is_url(p)]
    if urls and engine != "dask":
        raise UsageError(f"{urls[0]}: URLs need --engine dask")


def measure_files(
    files: Sequence[str],
    counter: DensityCounter,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    show_progress: bool | None = None,
) -> list[DocDensity]:
    """Per-document counts for ``files``, in file order, with the chosen engine."""
    progress = Progress(len(files), enabled=show_progress)
    if engine == "dask":
        from commlint.density.dask_engine import measure_dask

        return measure_dask(files, counter, scheduler=scheduler, workers=max(jobs, 2), progress=progress)
    return measure_local(files, counter, jobs, progress)


def measure_corpus(
    paths: Sequence[str],
    config: Config,
    counter: DensityCounter,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    show_progress: bool | None = None,
) -> list[DocDensity]:
    """Per-document counts for every document under ``paths``, with the chosen engine."""
    check_engine(paths, jobs=jobs, engine=engine, scheduler=scheduler)
    files = collect_files(paths, config)
    return measure_files(files, counter, jobs=jobs, engine=engine, scheduler=scheduler, show_progress=show_progress)


def load_lexicons(config: Config) -> dict[str, Any]:
    """The configuration's lexicons (built-in, lexicon-paths, replace/extend tables).

    Corpus commands need only the lexicons, not the rule packs, so they use the engine's
    lexicon loading without building every rule (a broken pack does not stop ``stats``).
    """
    from commlint.engine.linter import configured_lexicons

    return configured_lexicons(config)


def counter_for(config: Config, names: Sequence[str]) -> DensityCounter:
    """A counter for the named lexicons of ``config`` (after its replace/extend tables)."""
    lexicons = load_lexicons(config)
    missing = [n for n in names if n not in lexicons]
    if missing:
        raise ConfigError(f"unknown lexicon {missing[0]!r} (known: {', '.join(sorted(lexicons))})")
    return DensityCounter({n: lexicons[n] for n in names})


# -- progress ------------------------------------------------------------------------------
class Progress:
    """A progress bar on a TTY (rich when installed, else a plain line); silent otherwise."""

    def __init__(self, total: int, enabled: bool | None = None, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self._rich: Any = None
        if enabled:
            try:  # rich is an optional extra
                from rich.console import Console
                from rich.progress import Progress as RichProgress
            except ImportError:
                pass
            else:
                self._rich = RichProgress(transient=True, console=Console(file=self.stream))
                self._rich.start()
                self._task = self._rich.add_task("measuring", total=total)

    def advance(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        if self._rich is not None:
            self._rich.update(self._task, advance=n)
        else:
            width = 30
            filled = width * self.done // max(1, self.total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} documents")
            self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        if self._rich is not None:
            self._rich.stop()
        else:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
