"""What CI formatters need besides diagnostics: rule metadata, doc links, display paths."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from commlint.engine.diagnostics import Diagnostic
from commlint.matching import regex_cache

DOCS_FALLBACK = "https://github.com/commlint/commlint/tree/main/docs"
INFORMATION_URI = "https://github.com/commlint/commlint"

_MATCH = regex_cache.compile(r"[“\"'‘«]?\{match\}[”\"'’»]?")


@lru_cache(maxsize=1)
def rules_doc_url() -> str:
    """docs/rules.md, from the package's Documentation project URL (or the known default)."""
    base = DOCS_FALLBACK
    try:
        from importlib.metadata import metadata

        for entry in metadata("commlint").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation" and url.strip():
                base = url.strip()
    except Exception:  # a bare checkout without installed metadata
        pass
    return base.rstrip("/").replace("/tree/", "/blob/", 1) + "/rules.md"


def rule_doc_link(rule_id: str, name: str) -> str:
    """The anchor of a rule in docs/rules.md (GitHub's slug of the heading "ID name")."""
    return f"{rules_doc_url()}#{rule_id.lower()}-{name.lower()}"


def tool_version() -> str:
    from commlint import __version__

    return __version__


def humanise(name: str) -> str:
    """``absolute-security-claim`` -> ``Absolute security claim``."""
    words = name.replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def generic_message(message: str) -> str:
    """A rule message with its ``{match}`` placeholder made generic."""
    return " ".join(_MATCH.sub("the flagged text", message).split())


def rule_facts(rule_id: str, sample: Diagnostic, rules: dict[str, Any]) -> dict[str, Any]:
    """id, name, category, severity, message, rationale, markdown help of a rule.

    Falls back to what the diagnostic itself carries when the rule object is not known
    (commlint's internal CL9xx notices, or a report built outside the CLI).
    """
    from commlint.rules.docgen import rule_markdown

    rule = rules.get(rule_id)
    if rule is None:
        return {
            "id": rule_id,
            "name": sample.name,
            "category": sample.category,
            "severity": sample.severity,
            "message": generic_message(sample.message),
            "rationale": "",
            "markdown": f"# {rule_id} {sample.name}\n\n{sample.message}\n",
            "pack": "",
        }
    return {
        "id": rule.id,
        "name": rule.name,
        "category": rule.category,
        "severity": rule.severity,
        "message": generic_message(rule.message),
        "rationale": " ".join(rule.rationale.split()),
        "markdown": rule_markdown(rule),
        "pack": rule.pack,
    }


def display_path(path: str | None, root: Path | None = None) -> str:
    """A path relative to ``root`` (default: the working directory) when inside it, POSIX."""
    if not path or path == "-":
        return "-"
    here = Path(os.path.normpath(root or Path.cwd()))
    p = Path(path)
    absolute = p if p.is_absolute() else (Path.cwd() / p)
    absolute = Path(os.path.normpath(absolute))
    try:
        return absolute.relative_to(here).as_posix()
    except ValueError:
        return absolute.as_posix() if p.is_absolute() else p.as_posix()
