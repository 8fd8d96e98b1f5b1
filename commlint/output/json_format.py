"""The JSON report: a stable contract, documented in docs/json.md."""

from __future__ import annotations

import json
from typing import IO, Any

from commlint.engine.report import Report

JSON_VERSION = 1


def report_dict(report: Report, options: dict[str, Any]) -> dict[str, Any]:
    files = []
    for result in report.results:
        entry: dict[str, Any] = {
            "path": result.path,
            "words": result.words,
            "diagnostics": [d.to_dict() for d in result.diagnostics],
        }
        if "density" in result.extras:
            entry["density"] = result.extras["density"]
        files.append(entry)
    return {"version": JSON_VERSION, "files": files, "summary": report.summary()}


def write_json(report: Report, stream: IO[str], options: dict[str, Any]) -> None:
    json.dump(report_dict(report, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
