"""``check --jobs N``: lint files in N processes, handing results back in input order."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from commlint.errors import CommlintError, ConfigError, InputError

if TYPE_CHECKING:  # multiprocessing and concurrent.futures cost start-up time: only for --jobs > 1
    from concurrent.futures import ProcessPoolExecutor

    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.engine.result import LintResult

T = TypeVar("T")
#: tasks in flight per process: enough to keep each busy, few enough that memory stays flat
AHEAD = 4
#: files a task lints, once the first ``jobs * AHEAD`` files have gone out one by one (so a
#: short run is shared evenly): each task costs the parent a hand-off to a worker and back
#: (~0.9 ms of its CPU, which a 2-core run takes from the workers)
CHUNK = 4


def lint_in_order(
    work: Iterable[T | tuple[Linter, Path, str | None]],
    in_process: Callable[[tuple[Linter, Path, str | None]], T],
    jobs: int,
) -> Iterator[T | LintResult | CommlintError]:
    """Each item of ``work`` in order: a (linter, file, format) task is linted (here when
    ``jobs`` is 1, else by a pool of ``jobs`` processes), anything else is passed through."""
    if jobs == 1:
        for item in work:
            yield in_process(item) if _is_task(item) else item  # type: ignore[arg-type,misc]
        return
    pending: deque[Any] = deque()  # in input order: a task's future (a list of results) or an item
    batch: list[tuple[str, str | None]] = []  # files of the task being gathered
    sent = 0
    with _pool(jobs) as pool:
        config: Config | None = None

        def submit() -> None:
            """Send the files gathered so far (all of one configuration) as one task."""
            if batch and config is not None:
                pending.append(pool.submit(lint_jobs, config, batch[:]))
                batch.clear()

        for item in work:
            if _is_task(item):
                linter, file, fmt = item  # type: ignore[misc]
                if linter.config is not config:
                    submit()
                    config = linter.config
                batch.append((str(file), fmt))
                sent += 1
                if len(batch) >= (CHUNK if sent > jobs * AHEAD else 1):
                    submit()
            else:
                submit()
                pending.append(_Passed(item))
            while len(pending) > jobs * AHEAD:
                yield from _ready(pending.popleft())
        submit()
        while pending:
            yield from _ready(pending.popleft())


class _Passed:
    """An item of the work that is not a task, waiting its turn."""

    __slots__ = ("item",)

    def __init__(self, item: Any) -> None:
        self.item = item


def _is_task(item: object) -> bool:
    return isinstance(item, tuple) and len(item) == 3 and isinstance(item[1], Path)


def _ready(item: Any) -> list[Any]:
    """What a pending entry stands for, in order: a task's results, or the item passed through."""
    return [item.item] if isinstance(item, _Passed) else item.result()


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where there is one: workers start with the parent's imports, pattern cache and
    # built linters instead of paying the start-up again.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def lint_jobs(config: Config, files: list[tuple[str, str | None]]) -> list[LintResult | CommlintError]:
    """Lint files in a worker, in order; input and config errors come back as values."""
    return [lint_job(config, file, fmt) for file, fmt in files]


def lint_job(config: Config, file: str, fmt: str | None) -> LintResult | CommlintError:
    """Lint one file in a worker; input and config errors come back as values, in order."""
    from commlint.engine.linter import linter_for
    from commlint.prose.formats import read_document

    try:
        linter = linter_for(config)
        source = read_document(Path(file), fmt or "text", linter.config.max_file_size)
        return linter.lint(source, fmt).released()
    except (InputError, ConfigError) as exc:
        return exc
