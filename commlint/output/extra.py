"""The CI formats, each in its own module; ``commlint.output`` merges this table.

Each module is imported only when its format is written (junit pulls in xml.etree, sarif the
rule metadata): a plain ``check`` does not pay for them at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any


def _lazy(module: str, name: str) -> Any:
    def write(report: Any, stream: Any, options: Any) -> Any:
        return getattr(importlib.import_module(module), name)(report, stream, options)

    write.__name__ = write.__qualname__ = name
    write.__doc__ = f"{module}.{name}, imported on first use."
    return write


EXTRA_FORMATTERS: dict[str, Any] = {
    "sarif": _lazy("commlint.output.sarif", "write_sarif"),
    "github": _lazy("commlint.output.github", "write_github"),
    "junit": _lazy("commlint.output.junit", "write_junit"),
}
