"""``stats --format html``: the stats table as a self-contained report with charts."""

from __future__ import annotations

from typing import Any

from commlint.density.manifest import UNLISTED
from commlint.density.measure import DocDensity
from commlint.density.stats_output import fmt_interval, fmt_rate, fmt_ratio, num, ratio_sentence
from commlint.output import charts
from commlint.output.html_report import HtmlReport, Marked

#: documents per group whose hits the report shows in context
HIT_DOCUMENTS = 5
#: hits per group shown in context
HIT_ROWS = 40


def stats_report(table: dict[str, Any], groups: list[list[DocDensity]], manifest: Any = None) -> HtmlReport:
    """The report: summary, rates per family, the spread of documents, the series, terms and hits."""
    labels = [g["label"] for g in table["groups"]]
    boot = table["bootstrap"]
    report = HtmlReport("Risk-term density", subtitle=" vs ".join(labels))
    first = next(iter(table["lexicons"]))
    ratio = table.get("ratio")
    summary = report.section(
        "Summary",
        intro=f"Rates are per 1,000 prose words. Intervals are {boot['confidence']:.0%} percentile-bootstrap "
        f"intervals over documents ({boot['resamples']:,} resamples, seed {boot['seed']}).",
    )
    for name in table["lexicons"]:
        rows = []
        for g in table["groups"]:
            lx = g["lexicons"][name]
            share = "-" if lx["top_share"] is None else f"{lx['top_share']:.0%}"
            rows.append(
                [
                    g["label"],
                    num(g["documents"]),
                    num(g["words"]),
                    num(lx["all"]["count"]),
                    fmt_rate(lx["all"]["rate"]),
                    fmt_interval(lx["all"]["low"], lx["all"]["high"]),
                    fmt_rate(lx["median"]),
                    fmt_rate(lx["p90"]),
                    share,
                ]
            )
        summary.table(
            [
                "group",
                "documents",
                "words",
                f"{name} terms",
                "rate",
                "interval",
                "median doc",
                "p90 doc",
                f"top {table['groups'][0]['lexicons'][name]['top_documents']} share",
            ],
            rows,
            numeric=range(1, 9),
            caption=f"{name} lexicon",
        )
        if ratio:
            cell = ratio["lexicons"][name]["all"]
            kind = "warn" if cell["includes_one"] else "note"
            summary.paragraph(
                f"{name}: " + ratio_sentence(ratio["label"], cell, boot["confidence"], table["groups"]), kind
            )

    rates = report.section("Rate per family", intro="Bars are pooled rates; whiskers are the bootstrap intervals.")
    for name in table["lexicons"]:
        fams = list(table["groups"][0]["lexicons"][name]["families"])
        series = {
            g["label"]: [(c["rate"], c["low"], c["high"]) for c in (g["lexicons"][name]["families"][f] for f in fams)]
            + [
                (
                    g["lexicons"][name]["all"]["rate"],
                    g["lexicons"][name]["all"]["low"],
                    g["lexicons"][name]["all"]["high"],
                )
            ]
            for g in table["groups"]
        }
        rates.figure(
            charts.interval_bars([*fams, "all"], series),
            caption=f"{name} lexicon: rate per family and for all terms, per group",
            name=f"family-rates-{name}",
        )

    spread = report.section(
        "Spread of documents",
        intro="Each dot is one document's rate; the box spans the middle half, the line is the median. "
        "A few dense documents can carry a group's pooled rate.",
    )
    spread.figure(
        charts.strip_plot(
            {lb: [d.rate(first) for d in docs if d.words] for lb, docs in zip(labels, groups, strict=True)}
        ),
        caption=f"{first} terms per 1,000 words, per document",
        name="spread",
    )

    by_value = table.get("series")
    if by_value:
        _series_section(report, by_value, labels, ratio)

    terms = report.section("Terms", intro="Every counted term, most frequent first.")
    for name, rows in table["terms"].items():
        headers = ["term", "family", *(f"{lb} count" for lb in labels), *(f"{lb} rate" for lb in labels)]
        body = [
            [r["term"], r["family"], *(num(c) for c in r["counts"]), *(fmt_rate(x) for x in r["rates"])] for r in rows
        ]
        if ratio:
            headers.append("ratio")
            for b, r in zip(body, rows, strict=True):
                b.append(fmt_ratio(r.get("ratio")))
        terms.table(headers, body, numeric=range(2, len(headers)), caption=f"{name} lexicon", scroll=True)

    _hits_section(report, labels, groups, first)
    return report


def _series_section(report: HtmlReport, series: dict[str, Any], labels: list[str], ratio: Any) -> None:
    column = series["column"]
    sec = report.section(f"By {column}", intro="Each group's pooled rate per value, with its bootstrap interval.")
    for name, rows in series["lexicons"].items():
        rows = [r for r in rows if r["value"] != UNLISTED]
        values = [r["value"] for r in rows]
        points = {
            lb: [
                None if c["rate"] is None else (c["rate"], c["low"], c["high"]) for c in (r["groups"][i] for r in rows)
            ]
            for i, lb in enumerate(labels)
        }
        if column in ("year", "month", "date"):
            svg = charts.time_series(values, points)
            caption = f"{name} terms per 1,000 words over time"
        else:
            svg = charts.interval_bars(
                values, {lb: [p or (0.0, None, None) for p in pts] for lb, pts in points.items()}
            )
            caption = f"{name} terms per 1,000 words by {column}"
        sec.figure(svg, caption=caption, name=f"series-{name}")
        headers = [column]
        for lb in labels:
            headers += [f"{lb} docs", f"{lb} rate", f"{lb} interval"]
        body = []
        for r in rows:
            row = [r["value"]]
            for c in r["groups"]:
                row += [num(c["documents"]), fmt_rate(c["rate"]), fmt_interval(c["low"], c["high"])]
            if ratio:
                x = r["ratio"]
                row += [fmt_ratio(x["ratio"]), fmt_interval(x["low"], x["high"])]
            body.append(row)
        if ratio:
            headers += ["ratio", "ratio interval"]
        sec.table(headers, body, numeric=range(1, len(headers)), caption=f"{name} lexicon by {column}")


def _hits_section(report: HtmlReport, labels: list[str], groups: list[list[DocDensity]], lexicon: str) -> None:
    sec = report.section(
        "Top hits in context",
        intro=f"Counted {lexicon} terms in each group's {HIT_DOCUMENTS} documents with the most, in their sentences "
        f"(at most {HIT_ROWS // HIT_DOCUMENTS} per document). commlint stats --hits lists every one.",
    )
    where = _where([d.path for docs in groups for d in docs])
    for label, docs in zip(labels, groups, strict=True):
        top = sorted(docs, key=lambda d: (-d.count(lexicon), d.path))[:HIT_DOCUMENTS]
        rows: list[list[Any]] = []
        for d in top:
            counted = [h for h in d.hits or [] if h["lexicon"] == lexicon and h["excluded_by"] is None]
            for h in counted[: HIT_ROWS // HIT_DOCUMENTS]:
                rows.append([where(h), h["family"], Marked(h["sentence"], *h["mark"])])
        sec.table(["where", "family", "sentence"], rows, caption=label, scroll=True)
    names = [
        [where(h), h["excluded_by"].removeprefix("name "), Marked(h["sentence"], *h["mark"])]
        for docs in groups
        for d in docs
        for h in d.hits or []
        if h["lexicon"] == lexicon and (h["excluded_by"] or "").startswith("name ")
    ]
    if names:
        sec.paragraph(
            f"{len(names):,} occurrences sit inside names (products, programmes, teams, laws) and are not counted.",
            "note",
        )
        sec.table(["where", "name", "sentence"], names[:HIT_ROWS], caption="Not counted: names", scroll=True)


def _where(paths: list[str]) -> Any:
    """``path:line:col`` with the documents' common folder left out (the groups' folders stay)."""
    import os

    dirs = [os.path.dirname(p) for p in paths]
    try:
        root = os.path.dirname(os.path.commonpath(dirs)) if len(set(dirs)) == 1 else os.path.commonpath(dirs)
    except ValueError:  # mixed absolute and relative paths
        root = ""

    def where(h: dict[str, Any]) -> str:
        path = os.path.relpath(h["path"], root) if root else h["path"]
        return f"{path}:{h['line']}:{h['col']}"

    return where
