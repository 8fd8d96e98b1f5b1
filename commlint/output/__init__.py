"""Output formatters. Each is ``fn(report, stream, options)``; names map to --format values."""

from __future__ import annotations

from typing import Any

from commlint.output.extra import EXTRA_FORMATTERS
from commlint.output.html import write_html
from commlint.output.json_format import write_json
from commlint.output.text import write_text

FORMATTERS: dict[str, Any] = {"text": write_text, "json": write_json}

FORMATTERS.update(EXTRA_FORMATTERS)
FORMATTERS["html"] = write_html
