"""The Dask engine: the same per-document measurement as the local engine, on a cluster.

Dask is an optional extra (``pip install 'commlint[dask]'``), imported only here. Partitions
are contiguous slices of the file list; each partition is measured by ``measure_many`` on a
worker and the per-document results come back in file order, so what is computed from them
(stats tables, baseline files) is identical to the local engine's.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from commlint.density.documents import chunks, measure_many
from commlint.density.measure import DensityCounter, DocDensity
from commlint.density.progress import Progress
from commlint.errors import InputError, UsageError


def _measure_partition(paths: list[str], counter: DensityCounter) -> list[dict[str, Any]]:
    # Plain dicts travel between processes without importing commlint classes on the client.
    # A bad document comes back as an error record: raising would make every worker log a
    # traceback, and the client reports it as one line anyway.
    try:
        return [d.to_dict() for d in measure_many(paths, counter)]
    except InputError as exc:
        return [{"error": str(exc)}]


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    try:
        # Typed as Any: distributed ships no annotations for Client and LocalCluster.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        from commlint.install import pip_hint

        raise UsageError(f"--engine dask needs Dask: {pip_hint('dask')}") from None
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach Dask scheduler {scheduler}: {exc}") from None
    cluster = distributed.LocalCluster(
        n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
    )
    return distributed.Client(cluster), cluster


def measure_dask(
    files: Sequence[str],
    counter: DensityCounter,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    partitions: int | None = None,
    progress: Progress | None = None,
) -> list[DocDensity]:
    """Measure ``files`` on a Dask cluster (``scheduler`` address, or a LocalCluster)."""
    from dask.delayed import delayed

    distributed: Any = importlib.import_module("distributed")

    client, cluster = _client(scheduler, workers)
    progress = progress or Progress(len(files), enabled=False)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        parts = chunks(list(files), partitions or n_workers * 8)
        tasks = [delayed(_measure_partition)(part, counter) for part in parts]
        futures = client.compute(tasks)
        index = {f.key: i for i, f in enumerate(futures)}
        results: dict[int, list[dict[str, Any]]] = {}
        for fut in distributed.as_completed(futures):
            i = index[fut.key]
            results[i] = fut.result()
            progress.advance(len(parts[i]))
        progress.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    records = [d for i in range(len(parts)) for d in results[i]]
    errors = [d["error"] for d in records if "error" in d]
    if errors:
        raise InputError(errors[0])
    return [DocDensity.from_dict(d) for d in records]
