"""``commlint check --write-accepted FILE`` / ``--accepted FILE``: fail CI only on new findings.

A built-in plugin: its options and its after-lint step come through the same hooks as any
plugin's (``commlint_addoption``, ``commlint_check_start``, ``commlint_after_lint``)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, fields
from typing import Any

from commlint.engine.check_run import CheckRun
from commlint.engine.report import Report
from commlint.hookspecs import hookimpl


@hookimpl
def commlint_addoption(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("accepted findings (see docs/ci.md)")
    x = g.add_mutually_exclusive_group()
    x.add_argument(
        "--write-accepted",
        metavar="FILE",
        help="record every current finding in FILE (JSON) as accepted; exit 0 (2 if a file could not be read)",
    )
    x.add_argument(
        "--accepted",
        metavar="FILE",
        help="hide the findings recorded in FILE; report entries that no longer occur",
    )


@dataclass
class AcceptedReport(Report):
    """A Report whose JSON summary also says what the accepted-findings file did."""

    accepted: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["accepted"] = self.accepted
        return out


def _rebuild(report: Report, results: list[Any], accepted: dict[str, Any]) -> AcceptedReport:
    values = {f.name: getattr(report, f.name) for f in fields(Report)}
    values["results"] = results
    return AcceptedReport(**values, accepted=accepted)


def _accepting(options: argparse.Namespace) -> bool:
    return bool(getattr(options, "write_accepted", None) or getattr(options, "accepted", None))


@hookimpl
def commlint_check_start(run: CheckRun) -> None:
    if _accepting(run.options):
        run.keep_documents = True  # fingerprints read the prose around each finding


@hookimpl(trylast=True)  # last: --fix re-lints, so accepted findings are hidden from what is left after it
def commlint_after_lint(run: CheckRun) -> None:
    if _accepting(run.options):
        run.report = _accept(run.options, run.report)


def _accept(args: argparse.Namespace, report: Report) -> Report:
    """Write the accepted file, or hide its findings and report its stale entries."""
    from commlint.accepted import store as acc

    if getattr(args, "write_accepted", None):
        file = acc.record(report.results, args.write_accepted)
        file.write()
        total = sum(e.count for e in file.entries)
        entries = len(file.entries)
        sys.stderr.write(
            f"commlint: {total} {'finding' if total == 1 else 'findings'} accepted "
            f"({entries} {'entry' if entries == 1 else 'entries'}) in {args.write_accepted}\n"
        )
        # Everything found is accepted now, so the run passes unless a file could not be read.
        empty = [r.with_diagnostics([]) for r in report.results]
        return _rebuild(
            report,
            empty,
            {"file": args.write_accepted, "written": total, "hidden": total, "stale": []},
        )
    if getattr(args, "accepted", None):
        file = acc.AcceptedFile.read(args.accepted)
        applied = acc.apply(file, report.results)
        for e in applied.stale:
            times = f" (x{e.count})" if e.count > 1 else ""
            sys.stderr.write(
                f"commlint: stale accepted finding in {args.accepted}: {e.path}: {e.rule} "
                f"{e.context}{times} no longer occurs; refresh with --write-accepted\n"
            )
        if applied.hidden:
            n = applied.hidden
            sys.stderr.write(f"commlint: {n} accepted {'finding' if n == 1 else 'findings'} hidden ({args.accepted})\n")
        return _rebuild(
            report,
            applied.results,
            {
                "file": args.accepted,
                "hidden": applied.hidden,
                "stale": [e.to_dict() for e in applied.stale],
            },
        )
    return report
