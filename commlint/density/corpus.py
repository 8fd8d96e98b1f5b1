"""Corpus work (stats, baseline build): find the documents, measure each, in N processes.

The measurement of one document is ``documents.measure_file``; the engines only decide where it runs.
The local engine uses a process pool (``--jobs N``); ``commlint.density.dask_engine`` runs the same
function on a Dask cluster. Both return per-document results in the order of the file list,
so everything computed from them is identical whichever engine ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import PurePosixPath
from typing import Any

from commlint.config import Config
from commlint.density.documents import chunks, is_url, measure_file, measure_many
from commlint.density.measure import DensityCounter, DocDensity
from commlint.density.progress import Progress
from commlint.errors import ConfigError, InputError, UsageError

ENGINES = ("local", "dask")


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
