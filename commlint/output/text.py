"""Human output, like ruff's: location, rule, message, the source line underlined, a suggestion."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from commlint.diagnostics import Diagnostic
from commlint.engine import LintResult
from commlint.report import Report
from commlint.source import display_name

_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_BOLD, _DIM, _RESET, _CYAN = "\x1b[1m", "\x1b[2m", "\x1b[0m", "\x1b[36m"


def write_text(report: Report, stream: IO[str], options: dict[str, Any]) -> None:
    colour = bool(options.get("colour"))
    quiet = bool(options.get("quiet"))

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    for result in report.results:
        for diag in result.diagnostics:
            _write_one(stream, result, diag, paint, quiet)
        if options.get("density") and "density" in result.extras:
            summary = result.extras["density"].get("summary", "")
            stream.write(f"{display_name(result.path or '-')}: density: {summary}\n")
    if options.get("statistics"):
        _write_statistics(report, stream)
    if quiet:
        return
    counts = report.counts()
    total = sum(counts.values())
    if report.fixed:
        stream.write(f"Fixed {sum(report.fixed.values())} finding(s).\n")
    if total:
        parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        stream.write(paint(_BOLD, f"Found {total} finding(s) in {len(report.results)} file(s) ({parts}).") + "\n")
        fixable = sum(1 for d in report.diagnostics if any(s.safe for s in d.suggestions))
        if fixable:
            stream.write(f"[*] {fixable} fixable with `commlint check --fix`.\n")
    elif not report.errors:
        stream.write(paint(_BOLD, f"All clear: {len(report.results)} file(s) checked.") + "\n")
    if report.errors:
        # The one-line errors themselves go to stderr; say here that the check is incomplete.
        stream.write(paint(_BOLD, f"{len(report.errors)} file(s) could not be checked (see the errors above).") + "\n")


def _write_one(stream: IO[str], result: LintResult, diag: Diagnostic, paint: Any, quiet: bool) -> None:
    fixable = "[*] " if any(s.safe for s in diag.suggestions) else ""
    location = f"{display_name(diag.path or '-')}:{diag.line}:{diag.column}:"  # one line, whatever the name
    stream.write(
        f"{paint(_BOLD, location)} "
        f"{paint(_COLOURS[diag.severity], diag.rule)} [{diag.severity}] {fixable}{diag.message}\n"
    )
    if quiet or diag.scope == "document":
        return
    width = len(str(diag.end_line))
    pad = " " * width
    line_text = result.source.line_text(diag.line)
    stream.write(f"{pad} {paint(_DIM, '|')}\n")
    stream.write(f"{diag.line:>{width}} {paint(_DIM, '|')} {line_text}\n")
    end_col = diag.end_column if diag.end_line == diag.line else len(line_text) + 1
    marks = "^" * max(1, end_col - diag.column)
    stream.write(f"{pad} {paint(_DIM, '|')} {' ' * (diag.column - 1)}{paint(_COLOURS[diag.severity], marks)}\n")
    if diag.suggestions:
        s = diag.suggestions[0]
        kind = "needs your input" if s.needs_input else ("safe fix" if s.safe else "unsafe fix")
        stream.write(f"{pad} {paint(_CYAN, '=')} suggestion ({kind}): {s.text.strip()}\n")
    stream.write("\n")


def _write_statistics(report: Report, stream: IO[str]) -> None:
    counts = Counter((d.rule, d.name, d.severity) for d in report.diagnostics)
    for (rule, name, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        stream.write(f"{n:>5}  {rule:<8} {severity:<8} {name}\n")
