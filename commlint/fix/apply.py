"""Applying suggestions as fixes: choose non-overlapping edits, apply, re-lint, repeat.

The model is ruff's: a finding's first *safe* suggestion is applied by ``--fix``; with
``unsafe=True`` a complete unsafe suggestion is applied when the finding has no safe one.
A suggestion that still needs the author's input (``needs_input``) is never applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commlint.engine.diagnostics import SEVERITY_RANK, Diagnostic, Suggestion
from commlint.engine.grammar import edit_problem
from commlint.source.decode import Source, decode

if TYPE_CHECKING:
    from commlint.api import ConfigLike
    from commlint.engine.linter import Linter
    from commlint.engine.result import LintResult

#: Re-lint-and-fix rounds before giving up on reaching a stable text.
MAX_PASSES = 8


@dataclass(frozen=True)
class AppliedFix:
    """One edit that was applied: where (in the text it was applied to), what, and why."""

    rule: str
    name: str
    severity: str
    line: int
    column: int
    start: int
    end: int
    old: str
    new: str
    description: str
    safe: bool
    #: the 1-based pass it was applied in (offsets refer to that pass's text)
    round: int = 1

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SkippedFix:
    """A fix ``--fix`` chose and then did not apply, and why (a new finding, a grammar problem)."""

    rule: str
    line: int
    column: int
    old: str
    new: str
    reason: str
    #: the rules of the findings the fix would have brought in (empty for a grammar problem)
    introduces: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "introduces": list(self.introduces)}

    def describe(self, path: str | None) -> str:
        """One line: where, which rule's fix, and why it was not applied."""
        where = f"{path or '-'}:{self.line}:{self.column}"
        return f"{where}: {self.rule} fix “{self.old}” → “{self.new}” not applied: {self.reason}"


@dataclass
class FixResult:
    """The fixed text, the fixes applied in order, what was skipped, and what is left after them."""

    text: str
    applied: list[AppliedFix] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    passes: int = 0
    skipped: list[SkippedFix] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)

    def fixed_by_rule(self) -> Counter[str]:
        return Counter(f.rule for f in self.applied)


def pick_suggestion(diag: Diagnostic, unsafe: bool = False) -> Suggestion | None:
    """The suggestion ``--fix`` would apply for this finding, or None.

    The first safe one; with ``unsafe``, else the first complete (no placeholder) one.
    """
    usable = [s for s in diag.suggestions if not s.needs_input]
    for s in usable:
        if s.safe:
            return s
    if unsafe and usable:
        return usable[0]
    return None


def choose_edits(
    diagnostics: list[Diagnostic],
    text: str,
    unsafe: bool = False,
    allowed: set[int] | None = None,
    refused: set[tuple[str, str, str]] | None = None,
) -> list[tuple[Diagnostic, Suggestion]]:
    """Non-overlapping edits for one pass: higher severity wins an overlap, then the earlier.

    ``allowed`` (source offsets of prose characters) rejects any edit reaching outside prose;
    ``refused`` holds (rule, old, new) of fixes found wanting earlier. Edits that would change
    nothing are dropped. The result is sorted by position.
    """
    candidates: list[tuple[Diagnostic, Suggestion]] = []
    for diag in diagnostics:
        s = pick_suggestion(diag, unsafe)
        if s is None or text[s.start : s.end] == s.text:
            continue
        if refused and (diag.rule, text[s.start : s.end], s.text) in refused:
            continue
        if allowed is not None and any(i not in allowed for i in range(s.start, s.end)):
            continue
        candidates.append((diag, s))
    candidates.sort(key=lambda ds: (-SEVERITY_RANK[ds[0].severity], ds[1].start, ds[1].end, ds[0].rule))
    chosen: list[tuple[Diagnostic, Suggestion]] = []
    for diag, s in candidates:
        if any(_overlap(s, t) for _, t in chosen):
            continue
        chosen.append((diag, s))
    chosen.sort(key=lambda ds: (ds[1].start, ds[1].end))
    return chosen


def _overlap(a: Suggestion, b: Suggestion) -> bool:
    """Two edits collide when their spans intersect, or both insert at the same point."""
    if a.start == a.end or b.start == b.end:
        if a.start == a.end and b.start == b.end:
            return a.start == b.start
        point, span = (a, b) if a.start == a.end else (b, a)
        return span.start < point.start < span.end
    return a.start < b.end and b.start < a.end


def apply_edits(text: str, edits: list[tuple[Diagnostic, Suggestion]], newline: str = "\n") -> str:
    """Apply position-sorted, non-overlapping edits; replacement newlines follow the file's."""
    out: list[str] = []
    at = 0
    for _, s in edits:
        out.append(text[at : s.start])
        new = s.text
        if newline != "\n" and "\n" in new:
            new = new.replace("\r\n", "\n").replace("\n", newline)
        out.append(new)
        at = s.end
    out.append(text[at:])
    return "".join(out)


def prose_offsets(result: LintResult) -> set[int]:
    """Source offsets covered by prose characters: the only places a fix may touch."""
    doc = result.document
    covered: set[int] = set()
    for s, e in zip(doc.starts, doc.ends, strict=True):
        covered.update(range(s, e))
    return covered


def fix_source(
    linter: Linter,
    source: Source,
    fmt: str | None = None,
    *,
    unsafe: bool = False,
    first: LintResult | None = None,
    max_passes: int = MAX_PASSES,
    observer: Callable[[LintResult, list[tuple[Diagnostic, Suggestion]]], None] | None = None,
) -> tuple[FixResult, LintResult]:
    """Fix ``source`` until stable (at most ``max_passes``); also return the final lint.

    ``first`` is a lint of ``source`` already made (saves one lint). Stops early when a
    pass changes nothing or brings back a text seen before (two rules undoing each other).
    Every chosen fix is grammar-checked, and the text is linted again after it: a fix that
    adds a grammar problem or brings in a finding that was not there is not applied, and is
    reported in ``FixResult.skipped``. ``observer`` sees each pass's lint and the edits applied
    from it (for measurements).
    """
    result = first if first is not None else linter.lint(source, fmt)
    text = source.text
    seen = {text}
    applied: list[AppliedFix] = []
    skipped: list[SkippedFix] = []
    refused: set[tuple[str, str, str]] = set()
    passes = 0
    config = linter.config

    def skip(diag: Diagnostic, s: Suggestion, reason: str, introduces: tuple[str, ...] = ()) -> None:
        line, col = result.source.position(s.start)
        old = text[s.start : s.end]
        refused.add((diag.rule, old, s.text))
        skipped.append(SkippedFix(diag.rule, line, col, old, s.text, reason, introduces))

    for round_no in range(1, max_passes + 1):
        edits = choose_edits(result.diagnostics, text, unsafe, prose_offsets(result), refused)
        kept = []
        for diag, s in edits:
            problem = edit_problem(result.document, s, config)
            if problem is not None:
                skip(diag, s, f"it would add a grammar problem ({problem})")
            else:
                kept.append((diag, s))
        edits = kept
        new_result = None
        while edits:
            new_text = apply_edits(text, edits, source.newline)
            if new_text in seen:
                break
            new_result = linter.lint(
                Source(text=new_text, path=source.path, bom=source.bom, newline=source.newline), fmt
            )
            bad = introduced_findings(result.diagnostics, new_result.diagnostics, edits)
            if not bad:
                break
            for index, found in sorted(bad.items()):
                diag, s = edits[index]
                rules = tuple(sorted({d.rule for d in found}))
                skip(diag, s, f"it would introduce {', '.join(rules)} ({found[0].message})", rules)
            edits = [e for i, e in enumerate(edits) if i not in bad]
            new_result = None
        if not edits or new_result is None:
            break
        passes = round_no
        if observer is not None:
            observer(result, edits)
        for diag, s in edits:
            line, col = result.source.position(s.start)
            applied.append(
                AppliedFix(
                    rule=diag.rule,
                    name=diag.name,
                    severity=diag.severity,
                    line=line,
                    column=col,
                    start=s.start,
                    end=s.end,
                    old=text[s.start : s.end],
                    new=s.text,
                    description=s.description,
                    safe=s.safe,
                    round=round_no,
                )
            )
        text = apply_edits(text, edits, source.newline)
        seen.add(text)
        result = new_result
    fixed = FixResult(text=text, applied=applied, remaining=list(result.diagnostics), passes=passes, skipped=skipped)
    return fixed, result


def introduced_findings(
    before: list[Diagnostic], after: list[Diagnostic], edits: list[tuple[Diagnostic, Suggestion]]
) -> dict[int, list[Diagnostic]]:
    """Findings in the fixed text that were not there before, by the index of the edit they touch.

    A finding after the fix touches an edit when it overlaps the edit's new text; it is new
    when no finding of the same rule overlapped the edit's old text, or when it is the edit's
    own rule (the fix did not fix it). A learned-layer finding of the fixed rule's own category
    is not new: the pack finding hid it (commlint.engine.linter.drop_learned_duplicates), and it is
    reported as left.
    """
    # Where each edit's new text lands in the fixed text.
    landed: list[tuple[int, int]] = []
    shift = 0
    for _, s in edits:
        start = s.start + shift
        landed.append((start, start + len(s.text)))
        shift += len(s.text) - (s.end - s.start)
    out: dict[int, list[Diagnostic]] = {}
    for d in after:
        if d.scope != "span" or d.category == "internal":
            continue
        for i, ((diag, s), (lo, hi)) in enumerate(zip(edits, landed, strict=True)):
            if not _touches(d.start, d.end, lo, hi):
                continue
            if d.data.get("layer") == "semantic" and d.category == diag.category:
                continue
            had = any(b.rule == d.rule and _touches(b.start, b.end, s.start, s.end) and b is not diag for b in before)
            if d.rule == diag.rule or not had:
                out.setdefault(i, []).append(d)
    return out


def _touches(start: int, end: int, lo: int, hi: int) -> bool:
    """A span overlaps [lo, hi), or holds it when the edit is an insertion or a deletion."""
    if lo == hi:
        return start <= lo <= end
    return start < hi and lo < end


def fix_text(
    text: str,
    *,
    path: str | None = None,
    config: ConfigLike = None,
    unsafe: bool = False,
    format: str | None = None,
) -> FixResult:
    """Apply fixes to one document given as text; return the new text and the fixes applied.

    ``path`` picks the format (by extension) and, with ``config=None``, the config found
    near it. A leading BOM in ``text`` is kept.
    """
    from commlint.api import as_config
    from commlint.engine.linter import linter_for

    linter = linter_for(as_config(config, Path(path).parent if path else None))
    source = decode(text.encode("utf-8", "surrogateescape"), path)
    fixed, _ = fix_source(linter, source, format, unsafe=unsafe)
    if source.bom:
        fixed.text = "\ufeff" + fixed.text
    return fixed
