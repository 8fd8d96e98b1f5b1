"""Code actions: a quick fix per suggestion, "Disable RULE for this line", and fix-all.

Each diagnostic's ``data`` names the document version it was published for and the
finding's rule and source span; the finding, its suggestions' edits included, is taken
from the server's record of that version, so no action needs a second lint. An action
whose diagnostic belongs to an older version of the document is not offered: its offsets
no longer point at the same text.
"""

from __future__ import annotations

import regex
from lsprotocol import types as lsp

from commlint.engine.diagnostics import Diagnostic, Suggestion
from commlint.lsp.diagnostics import SOURCE, diagnostic_range, lsp_range, message
from commlint.lsp.state import DocState
from commlint.matching import regex_cache

FIX_ALL_KIND = "source.fixAll.commlint"
_NEXT_LINE = regex_cache.compile(
    r"^([ \t]*)<!--[ \t]*commlint-disable-next-line\b[ \t]*([A-Za-z0-9_,\- \t]*?)[ \t]*-->[ \t]*$"
)
_NEXT_LINE_TEXT = regex_cache.compile(r"^([ \t]*)commlint-disable-next-line\b[ \t]*([A-Za-z0-9_,\- \t]*?)[ \t]*$")


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return "“" + (flat if len(flat) <= limit else flat[: limit - 1] + "…") + "”"


def fix_title(s: Suggestion, original: str) -> str:
    """The quick fix title names the replacement; an unsafe one says so."""
    if s.text == "":
        title = f"Delete {_quote(original)}"
    elif s.start == s.end:
        title = f"Insert {_quote(s.text)}"
    else:
        title = f"Replace {_quote(original)} with {_quote(s.text)}"
    return title if s.safe else title + " (unsafe)"


def workspace_edit(uri: str, version: int | None, edits: list[lsp.TextEdit], versioned: bool) -> lsp.WorkspaceEdit:
    """A versioned edit when the client supports documentChanges (it then refuses stale edits)."""
    if versioned:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=list(edits),
                )
            ]
        )
    return lsp.WorkspaceEdit(changes={uri: list(edits)})


def finding_for(state: DocState, diag: lsp.Diagnostic) -> Diagnostic | None:
    """The finding of ``state`` a client's diagnostic stands for: by the rule and source span
    in its ``data`` when that names this version (None for another version: its offsets no
    longer point at the same text), or, when a client dropped ``data``, by code and range."""
    data = diag.data
    if isinstance(data, dict) and "version" in data:
        if data.get("version") != state.version:
            return None
        found = [
            d
            for d in state.diagnostics
            if d.rule == data.get("rule") and d.start == data.get("start") and d.end == data.get("end")
        ]
    else:
        found = [
            d for d in state.diagnostics if d.rule == diag.code and diagnostic_range(state.posmap, d) == diag.range
        ]
    if len(found) > 1:  # the same rule twice on one span: the message tells them apart
        found = [d for d in found if message(d) == diag.message] or found
    return found[0] if found else None


def _diagnostics_in(state: DocState, params: lsp.CodeActionParams) -> list[lsp.Diagnostic]:
    """The client's diagnostics for the range, or the cached ones overlapping it."""
    given = [d for d in params.context.diagnostics if d.source == SOURCE]
    if given or params.context.diagnostics:
        return given
    r = params.range
    return [
        d
        for d in state.lsp_diagnostics
        if (d.range.start.line, d.range.start.character) <= (r.end.line, r.end.character)
        and (r.start.line, r.start.character) <= (d.range.end.line, d.range.end.character)
    ]


def _wanted(only: list[str] | None, kind: str) -> bool:
    if not only:
        return kind != FIX_ALL_KIND  # fix-all is asked for by kind (or offered with a selection)
    return any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(state: DocState, params: lsp.CodeActionParams, versioned: bool) -> list[lsp.CodeAction]:
    """All actions for the requested range, filtered by ``context.only``."""
    only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only else None
    out: list[lsp.CodeAction] = []
    want_fix = _wanted(only, lsp.CodeActionKind.QuickFix.value)
    for diag in _diagnostics_in(state, params) if want_fix else []:
        finding = finding_for(state, diag)
        if finding is None:
            continue
        out.extend(quick_fixes(state, diag, finding, versioned))
        disable = disable_action(state, diag, finding, versioned)
        if disable is not None:
            out.append(disable)
    if _wanted(only, FIX_ALL_KIND) or (only is None and out):
        fix_all = fix_all_action(state, versioned)
        if fix_all is not None:
            out.append(fix_all)
    return out


def quick_fixes(state: DocState, diag: lsp.Diagnostic, finding: Diagnostic, versioned: bool) -> list[lsp.CodeAction]:
    """One quick fix per suggestion that is a complete edit (needs_input ones are not)."""
    out = []
    preferred_given = False
    for s in finding.suggestions:
        if s.needs_input:
            continue
        edit = lsp.TextEdit(range=lsp_range(state.posmap, s.start, s.end), new_text=s.text)
        preferred = s.safe and not preferred_given
        preferred_given = preferred_given or preferred
        out.append(
            lsp.CodeAction(
                title=fix_title(s, state.text[s.start : s.end]),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=preferred,
                edit=workspace_edit(state.uri, state.version, [edit], versioned),
            )
        )
    return out


def _in_front_matter(state: DocState, line: int) -> bool:
    """A Markdown line inside leading YAML front matter, where an HTML comment would break it."""
    if state.fmt != "markdown" or not state.text.startswith("---"):
        return False
    lines = state.text.splitlines()
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return line <= index
    return False


def disable_action(
    state: DocState, diag: lsp.Diagnostic, finding: Diagnostic, versioned: bool
) -> lsp.CodeAction | None:
    """Insert ``commlint-disable-next-line RULE`` above the finding's first line (or add
    RULE to such a directive already there). None for a document-level finding."""
    if finding.scope == "document":
        return None
    rule = finding.rule
    line = state.posmap.position(finding.start)[0]
    if _in_front_matter(state, line):
        return None
    pm = state.posmap
    html = state.comment_style == "html"
    directive = _NEXT_LINE if html else _NEXT_LINE_TEXT
    if line > 0:
        above_start, above_end = pm.line_starts[line - 1], pm.line_starts[line]
        above = state.text[above_start:above_end].rstrip("\r\n")
        m = directive.match(above)
        if m and m.group(2).strip():
            rules = [r for r in regex.split(r"[,\s]+", m.group(2)) if r]
            if rule in rules:
                return None
            new = (
                f"{m.group(1)}<!-- commlint-disable-next-line {', '.join([*rules, rule])} -->"
                if html
                else f"{m.group(1)}commlint-disable-next-line {', '.join([*rules, rule])}"
            )
            edit = lsp.TextEdit(range=lsp_range(pm, above_start, above_start + len(above)), new_text=new)
            return _disable(state, diag, rule, edit, versioned)
    start = pm.line_starts[line]
    text_line = state.text[start : pm.line_starts[line + 1] if line + 1 < len(pm.line_starts) else len(state.text)]
    indent = text_line[: len(text_line) - len(text_line.lstrip(" \t"))]
    comment = f"<!-- commlint-disable-next-line {rule} -->" if html else f"commlint-disable-next-line {rule}"
    at = lsp.Position(line=line, character=0)
    edit = lsp.TextEdit(range=lsp.Range(start=at, end=at), new_text=indent + comment + state.newline)
    return _disable(state, diag, rule, edit, versioned)


def _disable(state: DocState, diag: lsp.Diagnostic, rule: str, edit: lsp.TextEdit, versioned: bool) -> lsp.CodeAction:
    return lsp.CodeAction(
        title=f"Disable {rule} for this line",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=workspace_edit(state.uri, state.version, [edit], versioned),
    )


def fix_all_edits(state: DocState) -> list[Suggestion]:
    """The safe edits one ``--fix`` pass would apply: non-overlapping, in document order."""
    try:
        from commlint.fix.apply import choose_edits
    except ImportError:  # a build without the fix module: first safe suggestion per finding
        return _first_safe_edits(state)
    chosen = choose_edits(state.diagnostics, state.text, False, state.snapshot.prose_offsets())
    return [s for _, s in chosen]


def _first_safe_edits(state: DocState) -> list[Suggestion]:
    chosen = [
        s
        for d in state.diagnostics
        for s in [next((s for s in d.suggestions if s.safe and not s.needs_input), None)]
        if s is not None
    ]
    chosen.sort(key=lambda s: (s.start, s.end))
    out: list[Suggestion] = []
    for s in chosen:
        if out and (s.start < out[-1].end or s.start == out[-1].start):
            continue  # overlaps an edit already taken: the next fix-all gets it
        out.append(s)
    return out


def _with_newline(text: str, newline: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", newline) if newline != "\n" and "\n" in text else text


def fix_all_action(state: DocState, versioned: bool) -> lsp.CodeAction | None:
    """``source.fixAll.commlint``: every safe fix at once (None when there is none)."""
    edits = [
        lsp.TextEdit(range=lsp_range(state.posmap, s.start, s.end), new_text=_with_newline(s.text, state.newline))
        for s in fix_all_edits(state)
    ]
    if not edits:
        return None
    return lsp.CodeAction(
        title=f"Fix all safe commlint findings ({len(edits)})",
        kind=FIX_ALL_KIND,
        edit=workspace_edit(state.uri, state.version, edits, versioned),
    )
