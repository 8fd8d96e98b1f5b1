"""The CI formats, each in its own module; ``commlint.output`` merges this table."""

from __future__ import annotations

from typing import Any

from commlint.output.github import write_github
from commlint.output.junit import write_junit
from commlint.output.sarif import write_sarif

EXTRA_FORMATTERS: dict[str, Any] = {
    "sarif": write_sarif,
    "github": write_github,
    "junit": write_junit,
}
