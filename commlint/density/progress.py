"""A progress bar for corpus runs: rich when installed, else a plain line; silent off a TTY."""

from __future__ import annotations

import sys
from typing import IO, Any


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
