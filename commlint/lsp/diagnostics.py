"""commlint Diagnostics -> LSP diagnostics, with what code actions need to find them again in ``data``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lsprotocol import types as lsp

from commlint.engine.diagnostics import Diagnostic
from commlint.lsp.positions import PositionMap

SOURCE = "commlint"
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
#: the LSP severity numbers, for the JSON written on every keystroke
_SEVERITY_NUMBER = {name: int(value.value) for name, value in SEVERITY.items()}
_DOCS_FALLBACK = "https://github.com/commlint/commlint/tree/main/docs"


@lru_cache(maxsize=1)
def rules_doc_url() -> str:
    """The URL of docs/rules.md, from the package's Documentation project URL."""
    base = _DOCS_FALLBACK
    try:
        from importlib.metadata import metadata

        for entry in metadata("commlint").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation" and url.strip():
                base = url.strip()
    except Exception:  # no installed metadata (a bare checkout): use the known URL
        pass
    return base.rstrip("/").replace("/tree/", "/blob/", 1) + "/rules.md"


@lru_cache(maxsize=4096)
def rule_doc_link(rule: str, name: str) -> str:
    """The docs/rules.md anchor of a rule (GitHub's slug of the heading "ID name")."""
    return f"{rules_doc_url()}#{rule.lower()}-{name.lower()}"


def is_internal(d: Diagnostic) -> bool:
    """CL9xx: commlint's own notices (a rule failed), logged; the errors among them (CL900, a rule
    that could not finish) are published as well."""
    return d.category == "internal"


def lsp_range(pm: PositionMap, start: int, end: int) -> lsp.Range:
    sl, sc = pm.position(start)
    el, ec = pm.position(end)
    return lsp.Range(start=lsp.Position(line=sl, character=sc), end=lsp.Position(line=el, character=ec))


def _span(pm: PositionMap, d: Diagnostic) -> tuple[int, int]:
    """A finding's source span; a document-level finding covers the first line so it can be seen."""
    if d.scope == "document":
        first_end = pm.line_starts[1] if len(pm.line_starts) > 1 else len(pm.text)
        return 0, len(pm.text[:first_end].rstrip("\r\n"))
    return d.start, d.end


def diagnostic_range(pm: PositionMap, d: Diagnostic) -> lsp.Range:
    """A span's range; a document-level finding covers the first line so it can be seen."""
    return lsp_range(pm, *_span(pm, d))


def suggestion_label(s: Any) -> str:
    kind = "needs your input" if s.needs_input else ("safe" if s.safe else "unsafe")
    return f"{s.text} ({kind})" + (f" — {s.description}" if s.description else "")


def _data(d: Diagnostic, version: int | None) -> dict[str, Any]:
    """What code actions need to find the finding again in the server's record of
    ``version`` (its rule and source span), and the finding's facts. The suggestions' edits
    are not sent: they are most of a diagnostic's JSON, and every publish (every keystroke)
    would carry them; the server takes them from its record when a code action is asked."""
    data: dict[str, Any] = {"version": version, "rule": d.rule, "scope": d.scope, "start": d.start, "end": d.end}
    if d.data:
        data["facts"] = d.data
    return data


def message(d: Diagnostic) -> str:
    """The diagnostic's message: the finding's, and each suggestion that needs the author's input."""
    text = d.message
    hand = [s for s in d.suggestions if s.needs_input]
    if hand:
        # Not offered as an edit, so say it where the author reads.
        text += "\n" + "\n".join(f"Suggestion (needs your input): {s.text.strip()}" for s in hand)
    return text


def to_lsp(d: Diagnostic, pm: PositionMap, version: int | None) -> lsp.Diagnostic:
    """One LSP diagnostic. ``data`` holds the document version and the finding's rule and
    source span, so code actions find it in the server's record of that version (no second lint)."""
    return lsp.Diagnostic(
        range=diagnostic_range(pm, d),
        message=message(d),
        severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Warning),
        code=d.rule,
        code_description=lsp.CodeDescription(href=rule_doc_link(d.rule, d.name)),
        source=SOURCE,
        data=_data(d, version),
    )


def to_json(d: Diagnostic, pm: PositionMap, version: int | None) -> dict[str, Any]:
    """``to_lsp(d, pm, version)`` as the JSON the client receives, built directly: the
    language server publishes these on every keystroke, and building the lsprotocol
    objects and unstructuring them through cattrs took half of a publish."""
    return {
        "range": _span_json(pm, *_span(pm, d)),
        "message": message(d),
        "severity": _SEVERITY_NUMBER.get(d.severity, 2),
        "code": d.rule,
        "codeDescription": {"href": rule_doc_link(d.rule, d.name)},
        "source": SOURCE,
        "data": _data(d, version),
    }


def _span_json(pm: PositionMap, start: int, end: int) -> dict[str, Any]:
    sl, sc = pm.position(start)
    el, ec = pm.position(end)
    return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}
