"""Human output, like ruff's: location, rule, message, the source line underlined, a suggestion."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from commlint.engine.diagnostics import Diagnostic
from commlint.engine.report import Report
from commlint.engine.result import LintResult
from commlint.source.decode import display_name

_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_BOLD, _DIM, _RESET, _CYAN = "\x1b[1m", "\x1b[2m", "\x1b[0m", "\x1b[36m"


#: characters of a source line shown under a finding; longer lines are cut around the span
MAX_WIDTH = 100


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 finding``, ``9 findings``: messages count what happened."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def write_text(report: Report, stream: IO[str], options: dict[str, Any]) -> None:
    colour = bool(options.get("colour"))
    quiet = bool(options.get("quiet"))

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    if options.get("statistics"):
        # As ruff: the table alone (the findings themselves are what the table counts).
        _write_statistics(report, stream)
        if report.errors:
            stream.write(_unchecked(report) + "\n")
        return
    for result in report.results:
        for diag in result.diagnostics:
            _write_one(stream, result, diag, paint, quiet)
        if "density" in result.extras:  # commlint check --density
            summary = result.extras["density"].get("summary", "")
            stream.write(f"{display_name(result.path or '-')}: density: {summary}\n")
    if quiet:
        return
    counts = report.counts()
    total = sum(counts.values())
    files = plural(len(report.results), "file")
    if report.fixed:
        stream.write(f"Fixed {plural(sum(report.fixed.values()), 'finding')}.\n")
    accepted = getattr(report, "accepted", None) or {}
    if total:
        parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        stream.write(paint(_BOLD, f"Found {plural(total, 'finding')} in {files} ({parts}).") + "\n")
        fixable = sum(1 for d in report.diagnostics if any(s.safe for s in d.suggestions))
        if fixable:
            stream.write(f"[*] {fixable} fixable with `commlint check --fix`.\n")
    elif accepted.get("written") is not None:
        written = plural(int(accepted["written"]), "finding")
        stream.write(paint(_BOLD, f"{written} accepted in {accepted['file']} ({files} checked).") + "\n")
    elif not report.errors:
        hidden = int(accepted.get("hidden") or 0)
        note = f" ({plural(hidden, 'accepted finding')} hidden)" if hidden else ""
        stream.write(paint(_BOLD, f"All clear: {files} checked{note}.") + "\n")
    if report.errors:
        # The one-line errors themselves go to stderr; say here that the check is incomplete.
        stream.write(paint(_BOLD, _unchecked(report)) + "\n")


def _unchecked(report: Report) -> str:
    return f"{plural(len(report.errors), 'file')} could not be checked (see the errors above)."


def _write_one(stream: IO[str], result: LintResult, diag: Diagnostic, paint: Any, quiet: bool) -> None:
    fixable = "[*] " if any(s.safe for s in diag.suggestions) else ""
    location = f"{display_name(diag.path or '-')}:{diag.line}:{diag.column}:"  # one line, whatever the name
    stream.write(
        f"{paint(_BOLD, location)} "
        f"{paint(_COLOURS[diag.severity], diag.rule)} [{diag.severity}] {fixable}{diag.message}\n"
    )
    pointless = diag.scope == "document" and (diag.end_line, diag.end_column) == (diag.line, diag.column)
    if quiet or pointless:
        return
    width = len(str(diag.end_line))
    pad = " " * width
    line_text = result.source.line_text(diag.line)
    end_col = diag.end_column if diag.end_line == diag.line else len(line_text) + 1
    shown, column, end_col = trim(line_text, diag.column, end_col)
    stream.write(f"{pad} {paint(_DIM, '|')}\n")
    stream.write(f"{diag.line:>{width}} {paint(_DIM, '|')} {shown}\n")
    marks = "^" * max(1, end_col - column)
    stream.write(f"{pad} {paint(_DIM, '|')} {' ' * (column - 1)}{paint(_COLOURS[diag.severity], marks)}\n")
    if diag.suggestions:
        s = diag.suggestions[0]
        kind = "needs your input" if s.needs_input else ("safe fix" if s.safe else "unsafe fix")
        stream.write(f"{pad} {paint(_CYAN, '=')} suggestion ({kind}): {s.text.strip()}\n")
    stream.write("\n")


def trim(line: str, column: int, end_column: int, width: int = MAX_WIDTH) -> tuple[str, int, int]:
    """A line of at most ``width`` characters around the span [column, end_column) (1-based),
    with an ellipsis where it was cut, and the span's columns in what is shown."""
    if len(line) <= width:
        return line, column, end_column
    start, end = column - 1, max(column, end_column) - 1
    if end - start >= width - 20:  # a span longer than the window: show where it starts
        lo = max(0, start - 10)
    else:
        lo = max(0, start - (width - (end - start)) // 2)
    hi = min(len(line), lo + width)
    lo = max(0, hi - width)
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(line) else ""
    shown = head + line[lo:hi] + tail
    new_start = start - lo + len(head) + 1
    new_end = min(end, hi) - lo + len(head) + 1
    return shown, new_start, new_end


def _write_statistics(report: Report, stream: IO[str]) -> None:
    counts = Counter((d.rule, d.name, d.severity) for d in report.diagnostics)
    for (rule, name, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        stream.write(f"{n:>5}  {rule:<8} {severity:<8} {name}\n")
