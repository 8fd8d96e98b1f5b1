"""``commlint check``: lint files, folders and stdin."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from commlint.cli import use_colour
from commlint.engine.diagnostics import SEVERITIES
from commlint.errors import UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; '-' reads stdin")
    p.add_argument("--format", default="text", help=f"output format: {', '.join(_format_names())}")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovering one")
    p.add_argument(
        "--select", metavar="RULES", help="comma-separated rule ids/prefixes/names to enable (replaces config)"
    )
    p.add_argument("--extend-select", metavar="RULES", help="comma-separated rules to enable in addition")
    p.add_argument("--ignore", metavar="RULES", help="comma-separated rules to disable (added to config)")
    p.add_argument("--fail-level", choices=SEVERITIES, help="lowest severity that makes the exit code 1")
    p.add_argument(
        "--no-semantic",
        action="store_true",
        help="skip the learned sentence layer (rule packs only; see docs/semantic.md)",
    )
    p.add_argument("--statistics", action="store_true", help="print counts per rule")
    p.add_argument(
        "--jobs", "-j", type=_jobs, default=1, metavar="N", help="lint files in N processes (0: one per core)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print only the diagnostics' first lines")
    p.add_argument("--stdin-filename", metavar="NAME", help="file name for stdin input (picks format and config)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    _add_plugin_options(p)


def _format_names() -> list[str]:
    """Every --format value, from the registry of formatters (built-in and plugins')."""
    from commlint.plugins import merged_tables

    names, _ = merged_tables("commlint_formatters")  # a failing plugin is reported by run()
    return ["text", *sorted(n for n in names if n != "text")]


def _add_plugin_options(p: argparse.ArgumentParser) -> None:
    """Every plugin's options, built-in features' (--fix, --density, --accepted) included."""
    from commlint.plugin_errors import report
    from commlint.plugins import call_each

    _, failures = call_each("commlint_addoption", parser=p)
    report(failures)


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, not {value!r}")
    import os

    return jobs or os.cpu_count() or 1


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """Config overrides from check's own options: rule selection, fail level, the learned layer."""
    out: dict[str, Any] = {}
    if args.select:
        out["select"] = _split(args.select)
    # "key+" appends to the list of whichever config each file ends up with (Config.replace).
    if args.extend_select:
        out["extend_select+"] = _split(args.extend_select)
    if args.ignore:
        out["ignore+"] = _split(args.ignore)
    given = _split(args.select) + _split(args.extend_select) + _split(args.ignore)
    if given:
        out["cli_selectors"] = frozenset(given)
    if args.fail_level:
        out["fail_level"] = args.fail_level
    if getattr(args, "no_semantic", False):
        out["semantic"] = False
    return out


def run(args: argparse.Namespace) -> int:
    from commlint import api
    from commlint.config import Config
    from commlint.engine.check_run import CheckRun
    from commlint.engine.linter import BUILTIN
    from commlint.errors import CommlintError
    from commlint.plugins import call_each, merged_tables_from

    if not args.paths:
        raise UsageError("check: give at least one PATH (or '-' for stdin)")
    fmts, plugin_failures = merged_tables_from("commlint_formatters")
    if args.format not in fmts:
        failed = "".join(f"; {f.plugin} failed in {f.hook}: {f.error}" for f in plugin_failures)
        raise UsageError(f"check: unknown --format {args.format!r} (known: {', '.join(sorted(fmts))}){failed}")
    config = Config.from_file(args.config) if args.config else None
    # Bytes, so a BOM, CRLF and a bad encoding reach decode() exactly as a file's would.
    stdin_text = sys.stdin.buffer.read() if "-" in args.paths else None
    run = CheckRun(options=args, overrides=overrides_from(args))
    # Plugins (--fix, --density, --accepted among them) read their options, add overrides
    # and say whether their after-lint step reads the documents' prose views.
    _, failures = call_each("commlint_check_start", passthrough=(CommlintError,), run=run)
    plugin_failures += failures
    # A run that only reports lets each document's prose view go once linted (flat memory),
    # unless a plugin's step or formatter may read it afterwards; --jobs then runs in one process.
    keep = fmts[args.format][0] != BUILTIN or run.keep_documents
    report = api.run(
        args.paths,
        config=config,
        stdin=stdin_text,
        stdin_filename=args.stdin_filename,
        overrides=run.overrides or None,
        jobs=1 if keep else args.jobs,
        keep_documents=keep,
    )
    if not report.results and not report.errors:
        # A CI gate must never pass on nothing: say so, and fail.
        sys.stderr.write(f"commlint: error: {_nothing_checked(args.paths)}\n")
        return 2
    run.report = report
    _, failures = call_each("commlint_after_lint", passthrough=(CommlintError,), run=run)
    report = run.report
    report.add_plugin_failures([*plugin_failures, *failures])
    for error in report.errors:
        sys.stderr.write(f"commlint: error: {error}\n")
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        options = {
            "colour": use_colour(out, args.color) and args.format == "text",
            "quiet": args.quiet,
            "statistics": args.statistics,
            "args": args,
        }
        if run.write_report:
            plugin, write = fmts[args.format]
            try:
                write(report, out, options)
            except BrokenPipeError:
                raise  # the reader went away (| head): the CLI ends quietly
            except Exception as exc:  # a plugin's formatter: name it, no traceback
                from commlint.plugin_errors import describe

                problem = f"{plugin} failed in its {args.format!r} formatter: {describe(exc)}"
                sys.stderr.write(f"commlint: error: {problem}\n")
                return 2
    finally:
        if args.output:
            out.close()
    return report.exit_code()


def _nothing_checked(paths: list[str]) -> str:
    from commlint.plugins import file_extensions
    from commlint.source.decode import display_name

    named = ", ".join(display_name(p) for p in paths)
    known = " ".join(sorted(file_extensions()))
    return (
        f"0 files checked: no file in {named} has a known extension ({known}); "
        "name files directly, or map more extensions to formats with 'extensions' in commlint.toml"
    )
