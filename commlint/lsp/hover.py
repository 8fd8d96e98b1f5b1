"""Hover: the rule's rationale and suggestions for the findings under the cursor, and the
draft's density on the first line."""

from __future__ import annotations

from lsprotocol import types as lsp

from commlint.engine.diagnostics import Diagnostic
from commlint.lsp.diagnostics import diagnostic_range, rule_doc_link, suggestion_label
from commlint.lsp.state import DocState


def _contains(r: lsp.Range, p: lsp.Position) -> bool:
    return (r.start.line, r.start.character) <= (p.line, p.character) <= (r.end.line, r.end.character)


def findings_at(state: DocState, position: lsp.Position) -> list[Diagnostic]:
    return [d for d in state.diagnostics if _contains(diagnostic_range(state.posmap, d), position)]


def finding_markdown(state: DocState, d: Diagnostic) -> str:
    """One finding as Markdown: id, name and severity, message, why, and what to write."""
    rule = state.linter.rule(d.rule)
    lines = [f"**{d.rule}** `{d.name}` ({d.severity})", "", d.message]
    if rule is not None and rule.rationale:
        lines += ["", "**Why:** " + " ".join(rule.rationale.split())]
    if d.suggestions:
        lines += ["", "**Suggestions:**"]
        lines += [f"- {suggestion_label(s)}" for s in d.suggestions]
    if not d.rule.startswith("CL9"):
        lines += ["", f"[{d.rule} in the rule reference]({rule_doc_link(d.rule, d.name)})"]
    return "\n".join(lines)


def hover(state: DocState, position: lsp.Position, density_text: str | None) -> lsp.Hover | None:
    """The hover for a position; None when there is nothing to say there."""
    parts = [finding_markdown(state, d) for d in findings_at(state, position)]
    if position.line == 0 and density_text:
        parts.append(density_text)
    if not parts:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))
