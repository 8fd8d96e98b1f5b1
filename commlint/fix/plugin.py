"""``commlint check --fix / --unsafe-fixes / --diff``: apply fixes, then report what is left.

A built-in plugin: its options and its after-lint step come through the same hooks as any
plugin's (``commlint_addoption``, ``commlint_check_start``, ``commlint_after_lint``)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from commlint.engine.check_run import CheckRun
from commlint.engine.report import Report
from commlint.errors import CommlintError
from commlint.hookspecs import hookimpl


@hookimpl
def commlint_addoption(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("fixing")
    g.add_argument(
        "--fix",
        action="store_true",
        help="apply safe fixes in place (stdin: print the fixed text), then report what is left",
    )
    g.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, also apply unsafe suggestions that are complete text",
    )
    g.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff and write nothing (implies --fix)",
    )


def _fixing(options: argparse.Namespace) -> bool:
    return bool(getattr(options, "fix", False) or getattr(options, "diff", False))


@hookimpl
def commlint_check_start(run: CheckRun) -> None:
    if _fixing(run.options):
        run.keep_documents = True  # fixes are made on each document's prose view


@hookimpl
def commlint_after_lint(run: CheckRun) -> None:
    """Fix every linted document; the report becomes what remains (the exit code's basis)."""
    if _fixing(run.options):
        run.report = _fix_all(run)


def _fix_all(run: CheckRun) -> Report:
    """Fix each linted document (in place, or to stdout for stdin; only a diff with --diff)."""
    from commlint.config import Config
    from commlint.engine.linter import linter_for
    from commlint.fix.apply import fix_source
    from commlint.fix.atomic import Snapshot, atomic_write  # only a fix needs them (start-up time)

    args, report = run.options, run.report
    unsafe = bool(args.unsafe_fixes)
    out = Report(errors=list(report.errors), fail_level=report.fail_level, fixed=Counter(report.fixed))
    remaining_before = Counter(d.rule for d in report.diagnostics)
    stdin_name = args.stdin_filename or "-"
    stdin_pending = "-" in args.paths
    for result in report.results:
        is_stdin = stdin_pending and result.path == stdin_name
        stdin_pending = stdin_pending and not is_stdin
        linter = linter_for(result.config or Config.default())
        snapshot = None
        if not is_stdin and not args.diff:
            try:
                snapshot = Snapshot.take(result.path)  # type: ignore[arg-type]
            except OSError as exc:
                out.errors.append(f"{result.path}: cannot read ({exc.strerror or exc})")
                out.results.append(result)
                continue
            if snapshot.data != result.source.encode():
                out.errors.append(f"{result.path}: changed on disk since commlint read it; not fixing it (run again)")
                out.results.append(result)
                continue
        fixed, final = fix_source(linter, result.source, result.document.format, unsafe=unsafe, first=result)
        if not fixed.changed:
            # Unchanged text: keep what other check hooks (density, accepted) attached.
            for key, value in result.extras.items():
                final.extras.setdefault(key, value)
        out.results.append(final)
        for skipped in fixed.skipped:
            sys.stderr.write(f"commlint: {skipped.describe(result.path)}\n")
        if args.diff:
            if fixed.changed:
                sys.stdout.write(unified_diff(result.source.text, fixed.text, result.path or "-"))
        elif is_stdin:
            sys.stdout.flush()
            sys.stdout.buffer.write(result.source.encode(fixed.text))
            sys.stdout.flush()
            run.write_report = False  # the fixed text is the output
        elif fixed.changed:
            try:
                atomic_write(result.path, result.source.encode(fixed.text), expected=snapshot)  # type: ignore[arg-type]
            except CommlintError as exc:
                out.errors.append(str(exc))
                out.results[-1] = result  # nothing was written: what is left is what was found
                continue
        out.fixed.update(fixed.fixed_by_rule())
    if args.diff:
        run.write_report = False  # the diff is the output
    _write_summary(out, remaining_before, sys.stderr, would=bool(args.diff))
    return out


def unified_diff(before: str, after: str, name: str) -> str:
    """A unified diff of one file, as ``git diff`` shows it (``a/``, ``b/`` prefixes)."""
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    text = ""
    for line in lines:
        text += line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
    return text


def _write_summary(report: Report, before: Counter[str], stream: Any, would: bool) -> None:
    """'N fixed, M left', then one line per rule that had findings."""
    left = Counter(d.rule for d in report.diagnostics)
    fixed_word = "would be fixed" if would else "fixed"
    stream.write(f"commlint: {sum(report.fixed.values())} {fixed_word}, {sum(left.values())} left\n")
    for rule in sorted(set(report.fixed) | set(left) | set(before)):
        if report.fixed[rule] or left[rule]:
            stream.write(f"  {rule:<8} {report.fixed[rule]} {fixed_word}, {left[rule]} left\n")
