"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run per invocation. ``tool.driver.rules`` describes every rule that has a result
(help text and Markdown from the rule's metadata and rationale). Regions count Unicode
code points (``columnKind``); URIs are relative to ``SRCROOT``, the working directory.
Only safe, complete suggestions become SARIF ``fixes``. ``partialFingerprints`` carry
commlint's text-context fingerprint (the one accepted-findings files use), so a finding
keeps its identity when lines move.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from commlint.engine.diagnostics import Diagnostic
from commlint.engine.report import Report
from commlint.engine.result import LintResult
from commlint.output import ruleinfo
from commlint.source.decode import Source

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
URI_BASE = "SRCROOT"
FINGERPRINT_KEY = "commlintContext/v1"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# GitHub code scanning reads this property to rank alerts.
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def write_sarif(report: Report, stream: IO[str], options: dict[str, Any]) -> None:
    json.dump(sarif_log(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def sarif_log(report: Report, root: Path | None = None) -> dict[str, Any]:
    """The whole SARIF log as a dict (see the module docstring for the choices made)."""
    root = root or Path.cwd()
    known = report.rules
    samples: dict[str, Diagnostic] = {}
    for d in report.diagnostics:
        samples.setdefault(d.rule, d)
    rule_ids = sorted(samples)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [_descriptor(ruleinfo.rule_facts(rid, samples[rid], known)) for rid in rule_ids]
    results = [res for r in report.results for res in _results(r, index, root)]
    notifications = [{"level": "error", "message": {"text": e}} for e in report.errors]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "commlint",
                "version": ruleinfo.tool_version(),
                "semanticVersion": ruleinfo.tool_version(),
                "informationUri": ruleinfo.INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "exitCode": report.exit_code(),
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {URI_BASE: {"uri": root.resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _descriptor(facts: dict[str, Any]) -> dict[str, Any]:
    link = ruleinfo.rule_doc_link(facts["id"], facts["name"])
    help_text = facts["rationale"] or facts["message"]
    tags = list(dict.fromkeys(t for t in ("commlint", facts["category"], facts["pack"]) if t))
    return {
        "id": facts["id"],
        "name": facts["name"],
        "shortDescription": {"text": ruleinfo.humanise(facts["name"])},
        "fullDescription": {"text": facts["message"]},
        "help": {"text": f"{help_text}\n\nDocumentation: {link}", "markdown": facts["markdown"]},
        "helpUri": link,
        "defaultConfiguration": {"level": LEVEL[facts["severity"]]},
        "properties": {
            "category": facts["category"],
            "tags": tags,
            "problem.severity": PROBLEM_SEVERITY[facts["severity"]],
        },
    }


def artifact_location(path: str | None, root: Path) -> dict[str, Any]:
    """A relative URI under SRCROOT when the file is inside ``root``, else an absolute file URI."""
    shown = ruleinfo.display_path(path, root)
    if shown == "-":
        return {"uri": "stdin"}
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": URI_BASE}


def region(source: Source, start: int, end: int) -> dict[str, int]:
    sl, sc = source.position(start)
    el, ec = source.position(end)
    return {
        "startLine": sl,
        "startColumn": sc,
        "endLine": el,
        "endColumn": ec,
        "charOffset": start,
        "charLength": end - start,
    }


def _results(result: LintResult, index: dict[str, int], root: Path) -> list[dict[str, Any]]:
    location = artifact_location(result.path, root)
    seen: Counter[str] = Counter()
    out = []
    for d, fp, _ in result.fingerprints():
        seen[fp] += 1  # identical findings in one file are told apart by their order
        where = {"startLine": 1} if d.scope == "document" else region(result.source, d.start, d.end)
        item: dict[str, Any] = {
            "ruleId": d.rule,
            "ruleIndex": index[d.rule],
            "level": LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {"artifactLocation": dict(location), "region": where}}],
            "partialFingerprints": {FINGERPRINT_KEY: f"{fp}:{seen[fp]}"},
            "properties": {
                "category": d.category,
                "scope": d.scope,
                "suggestions": [s.to_dict() for s in d.suggestions],
            },
        }
        fixes = [
            {
                "description": {"text": s.description or f"Replace with “{s.text}”"},
                "artifactChanges": [
                    {
                        "artifactLocation": dict(location),
                        "replacements": [
                            {
                                "deletedRegion": region(result.source, s.start, s.end),
                                "insertedContent": {"text": s.text},
                            }
                        ],
                    }
                ],
            }
            for s in d.suggestions
            if s.safe and not s.needs_input
        ]
        if fixes:
            # SARIF wants the fixes array free of duplicates (two rules may suggest the same).
            unique = {json.dumps(f, sort_keys=True): f for f in fixes}
            item["fixes"] = list(unique.values())
        out.append(item)
    return out
