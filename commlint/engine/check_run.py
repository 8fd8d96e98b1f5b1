"""One ``commlint check`` run as the check hooks see it: the options, the overrides they
imply, and the report they may replace (see ``commlint_check_start``, ``commlint_after_lint``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from commlint.engine.report import Report


@dataclass
class CheckRun:
    """One ``commlint check`` run as the check hooks see it."""

    #: the parsed command line of ``commlint check`` (every plugin's options included)
    options: argparse.Namespace
    #: configuration overrides, applied to each file's configuration ("key+" appends to a list)
    overrides: dict[str, Any] = field(default_factory=dict)
    #: keep each linted document's prose view for the after-lint steps (one process then)
    keep_documents: bool = False
    #: the run's results; after-lint steps may replace it
    report: Report = field(default_factory=Report)
    #: False once a step has written the run's output itself (the report is then not written)
    write_report: bool = True
