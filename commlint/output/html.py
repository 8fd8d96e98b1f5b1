"""``check --format html``: the findings as a self-contained report with charts.

Findings by category and by rule as bar charts, then a table of every finding; with
``--density``, each file's density line too. Built on ``commlint.output.html_report``.
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from commlint.engine.report import Report

#: findings listed in the table (the charts count them all)
MAX_ROWS = 2000


def build(report: Report) -> Any:
    """The HtmlReport for a check run."""
    from commlint.output import charts
    from commlint.output.html_report import HtmlReport

    diags = report.diagnostics
    counts = report.counts()
    page = HtmlReport("commlint findings", subtitle=f"{len(report.results):,} file(s) checked")
    summary = page.section("Summary")
    summary.table(
        ["files", *counts, "failed"],
        [[f"{len(report.results):,}", *(f"{n:,}" for n in counts.values()), "yes" if report.failed() else "no"]],
        numeric=range(0, len(counts) + 1),
    )
    for error in report.errors:
        summary.paragraph(error, "warn")
    if not diags:
        summary.paragraph("No findings.", "note")
    else:
        by_category = Counter(d.category for d in diags).most_common()
        by_rule = Counter(f"{d.rule} {d.name}" for d in diags).most_common(25)
        charts_sec = page.section("Findings by category and rule")
        charts_sec.figure(
            charts.count_bars([c for c, _ in by_category], [n for _, n in by_category], xlabel="findings"),
            caption="Findings per category",
            name="by-category",
        )
        charts_sec.figure(
            charts.count_bars([r for r, _ in by_rule], [n for _, n in by_rule], xlabel="findings"),
            caption="Findings per rule (the 25 most frequent)",
            name="by-rule",
        )
        rows = [
            [
                f"{d.path or '-'}:{d.line}:{d.column}",
                d.rule,
                d.severity,
                d.category,
                d.text,
                d.message,
            ]
            for d in diags[:MAX_ROWS]
        ]
        page.section(
            "Findings",
            intro=f"{len(diags):,} findings"
            + (f"; the first {MAX_ROWS:,} are listed." if len(diags) > MAX_ROWS else "."),
        ).table(["where", "rule", "severity", "category", "text", "message"], rows, scroll=True)
    density = [(r.path or "-", r.extras["density"]) for r in report.results if "density" in r.extras]
    if density:
        page.section("Density").table(
            ["file", "words", "count", "rate", "summary"],
            [[p, f"{e['words']:,}", f"{e['count']:,}", f"{e['rate']:.1f}", e["summary"]] for p, e in density],
            numeric=(1, 2, 3),
        )
    return page


def write_html(report: Report, stream: IO[str], options: dict[str, Any]) -> None:
    stream.write(build(report).render())
