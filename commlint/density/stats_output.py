"""``commlint stats`` output: the tables in text, CSV and JSON, and the hit listing.

Text tables group thousands with commas (1,156; 122,478) everywhere; CSV and JSON never do,
so spreadsheets and scripts read plain numbers. Rates are per 1,000 prose words.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from typing import IO, Any

#: the tables ``--table`` can name; text prints DEFAULT_TEXT when none is named
TABLES = ("families", "groups", "terms", "documents", "series")
DEFAULT_TEXT = ("families", "groups", "terms", "series")


# -- formatting -----------------------------------------------------------------------------
def num(n: int) -> str:
    return f"{n:,}"


def fmt_rate(x: float | None) -> str:
    return "-" if x is None else f"{x:,.2f}"


def _bound(x: Any) -> str:
    if x is None:
        return "?"
    if x == "inf" or (isinstance(x, float) and math.isinf(x)):
        return "inf"
    return f"{x:,.2f}"


def fmt_interval(low: Any, high: Any) -> str:
    return "-" if low is None and high is None else f"{_bound(low)}–{_bound(high)}"


def fmt_ratio(value: Any) -> str:
    if value is None:
        return "-"
    if value == "inf":
        return "inf"
    return f"{value:,.2f}×"


def render(headers: list[str], rows: list[list[str]], spans: Sequence[tuple[str, int]] = ()) -> str:
    """A plain text table: first column left-aligned, the rest right-aligned.

    ``spans`` is an optional line above the headers: (title, number of columns) pairs,
    each title centred over its columns (the first pair usually covers the label column).
    """
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    gap = "  "

    def line(cells: list[str]) -> str:
        parts = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return gap.join(parts).rstrip()

    out = []
    if spans:
        top, col = [], 0
        for title, n in spans:
            width = sum(widths[col : col + n]) + len(gap) * (n - 1)
            top.append(title.center(width) if title else " " * width)
            col += n
        out.append(gap.join(top).rstrip())
    out.append(line(headers))
    out.extend(line(r) for r in rows)
    return "\n".join(out) + "\n"


# -- text -----------------------------------------------------------------------------------
def write_text(table: dict[str, Any], out: IO[str], tables: Sequence[str] = DEFAULT_TEXT) -> None:
    groups = table["groups"]
    ratio = table.get("ratio")
    boot = table["bootstrap"]
    method = (
        f"{boot['confidence']:.0%} bootstrap intervals over documents "
        f"({boot['resamples']:,} resamples, seed {boot['seed']})"
    )
    for name in table["lexicons"]:
        title = f"{name} lexicon: " + " vs ".join(g["label"] for g in groups)
        out.write(f"{title}; rates per 1,000 prose words; {method}\n\n")
        if "families" in tables:
            out.write(_families_text(name, groups, ratio) + "\n")
        if "groups" in tables:
            out.write(_groups_text(name, groups) + "\n")
        if ratio and ("families" in tables or "groups" in tables):
            out.write(
                ratio_sentence(ratio["label"], ratio["lexicons"][name]["all"], boot["confidence"], groups) + "\n\n"
            )
        if "terms" in tables:
            out.write(_terms_text(table["terms"][name], groups, ratio) + "\n")
        if "series" in tables and table.get("series"):
            out.write(_series_text(name, table["series"], groups, ratio) + "\n")
        if "documents" in tables:
            out.write(_documents_text(name, groups) + "\n")


def _families_text(name: str, groups: list[dict[str, Any]], ratio: dict[str, Any] | None) -> str:
    headers = ["family"]
    spans: list[tuple[str, int]] = [("", 1)]
    for g in groups:
        headers += ["count", "rate", "interval"]
        spans.append((g["label"], 3))
    if ratio:
        headers += ["ratio", "interval"]
        spans.append((ratio["label"], 2))
    rows = []
    lex = [g["lexicons"][name] for g in groups]
    for fam in [*lex[0]["families"], "all"]:
        label = f"all {name} terms" if fam == "all" else fam
        row = [label]
        for lx in lex:
            cell = lx["all"] if fam == "all" else lx["families"][fam]
            row += [num(cell["count"]), fmt_rate(cell["rate"]), fmt_interval(cell["low"], cell["high"])]
        if ratio:
            r = ratio["lexicons"][name]["all" if fam == "all" else "families"]
            r = r if fam == "all" else r[fam]
            row += [fmt_ratio(r["ratio"]), fmt_interval(r["low"], r["high"])]
        rows.append(row)
    return render(headers, rows, spans)


def _groups_text(name: str, groups: list[dict[str, Any]]) -> str:
    lex = [g["lexicons"][name] for g in groups]
    top = lex[0]["top_documents"]
    rows = [
        ["documents", *(num(g["documents"]) for g in groups)],
        ["prose words", *(num(g["words"]) for g in groups)],
        [f"{name} terms counted", *(num(lx["all"]["count"]) for lx in lex)],
        ["pooled rate", *(fmt_rate(lx["all"]["rate"]) for lx in lex)],
        ["  interval", *(fmt_interval(lx["all"]["low"], lx["all"]["high"]) for lx in lex)],
        ["median document rate", *(fmt_rate(lx["median"]) for lx in lex)],
        ["p90 document rate", *(fmt_rate(lx["p90"]) for lx in lex)],
        [
            f"share held by top {top} documents",
            *("-" if lx["top_share"] is None else f"{lx['top_share']:.0%}" for lx in lex),
        ],
    ]
    return render(["group", *(g["label"] for g in groups)], rows)


def ratio_sentence(label: str, cell: dict[str, Any], confidence: float, groups: list[dict[str, Any]]) -> str:
    """The ratio with its interval, and plainly whether the interval includes 1."""
    a, b = groups[0]["label"], groups[1]["label"]
    span = fmt_interval(cell["low"], cell["high"])
    head = f"Ratio {label}: {fmt_ratio(cell['ratio'])} ({confidence:.0%} interval {span})."
    if cell["includes_one"] is None:
        return head + " No interval: a group has no documents or no terms."
    if cell["includes_one"]:
        return (
            head + f" The interval includes 1: these documents do not show that {a} uses these terms at a "
            f"different rate from {b}; resampling the documents gives ratios on both sides of 1."
        )
    side = "higher" if (cell["low"] or 0) > 1 else "lower"
    return head + f" The interval excludes 1: across resamples of these documents, {a}'s rate stays {side} than {b}'s."


def _terms_text(rows: list[dict[str, Any]], groups: list[dict[str, Any]], ratio: dict[str, Any] | None) -> str:
    headers = ["term", "family"]
    spans: list[tuple[str, int]] = [("", 2)]
    for g in groups:
        headers += ["count", "rate"]
        spans.append((g["label"], 2))
    if ratio:
        headers.append("ratio")
        spans.append(("", 1))
    body = []
    for r in rows:
        row = [r["term"], r["family"]]
        for c, x in zip(r["counts"], r["rates"], strict=True):
            row += [num(c), fmt_rate(x)]
        if ratio:
            row.append(fmt_ratio(r.get("ratio")))
        body.append(row)
    return f"Every counted term ({len(rows)})\n" + render(headers, body, spans)


def _series_text(name: str, series: dict[str, Any], groups: list[dict[str, Any]], ratio: dict[str, Any] | None) -> str:
    headers = [series["column"]]
    spans: list[tuple[str, int]] = [("", 1)]
    for g in groups:
        headers += ["docs", "words", "count", "rate", "interval"]
        spans.append((g["label"], 5))
    if ratio:
        headers += ["ratio", "interval", "includes 1"]
        spans.append((ratio["label"], 3))
    body = []
    for r in series["lexicons"][name]:
        row = [r["value"]]
        for c in r["groups"]:
            row += [
                num(c["documents"]),
                num(c["words"]),
                num(c["count"]),
                fmt_rate(c["rate"]),
                fmt_interval(c["low"], c["high"]),
            ]
        if ratio:
            x = r["ratio"]
            inc = "-" if x["includes_one"] is None else ("yes" if x["includes_one"] else "no")
            row += [fmt_ratio(x["ratio"]), fmt_interval(x["low"], x["high"]), inc]
        body.append(row)
    return f"{name} terms by {series['column']}\n" + render(headers, body, spans)


def _documents_text(name: str, groups: list[dict[str, Any]]) -> str:
    body = []
    for g in groups:
        for d in sorted(g["per_document"], key=lambda d: (-d["counts"][name], d["path"])):
            iv = d["interval"]
            body.append(
                [
                    d["path"],
                    g["label"],
                    num(d["words"]),
                    num(d["counts"][name]),
                    fmt_rate(d["rates"][name]),
                    fmt_interval(iv["low"], iv["high"]) if iv and iv["lexicon"] == name else "",
                ]
            )
    return f"Documents by {name} terms\n" + render(
        ["document", "group", "words", "count", "rate", "short-doc interval"], body
    )


# -- JSON and CSV ---------------------------------------------------------------------------
def write_json(table: dict[str, Any], out: IO[str]) -> None:
    json.dump(table, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _csv_number(x: Any, digits: int = 4) -> str:
    if x is None:
        return ""
    if x == "inf" or (isinstance(x, float) and math.isinf(x)):
        return "inf"
    return f"{x:.{digits}f}"


def _count_header(labels: list[str]) -> list[str]:
    """Column names for each group's count, rate and interval (the families and series tables)."""
    return [f"{lb}_{col}" for lb in labels for col in ("documents", "words", "count", "rate", "low", "high")]


def _count_cells(totals: dict[str, Any], c: dict[str, Any]) -> list[Any]:
    """``totals``' documents and words, then ``c``'s count, rate and interval."""
    return [
        totals["documents"],
        totals["words"],
        c["count"],
        _csv_number(c["rate"]),
        _csv_number(c["low"]),
        _csv_number(c["high"]),
    ]


def _ratio_cells(r: dict[str, Any]) -> list[str]:
    return [_csv_number(r["ratio"]), _csv_number(r["low"]), _csv_number(r["high"])]


def write_csv(table: dict[str, Any], out: IO[str], which: str = "families") -> None:
    """One table as CSV: families (the default), groups, terms, documents or series."""
    writer = csv.writer(out, lineterminator="\n")
    groups = table["groups"]
    ratio = table.get("ratio")
    labels = [g["label"] for g in groups]
    if which == "families":
        header = ["lexicon", "family", *_count_header(labels)]
        if ratio:
            header += [f"ratio_{ratio['label']}", "ratio_low", "ratio_high"]
        writer.writerow(header)
        for name in table["lexicons"]:
            for fam in [*groups[0]["lexicons"][name]["families"], "ALL"]:
                row: list[Any] = [name, fam]
                for g in groups:
                    lx = g["lexicons"][name]
                    row += _count_cells(g, lx["all"] if fam == "ALL" else lx["families"][fam])
                if ratio:
                    r = ratio["lexicons"][name]["all"] if fam == "ALL" else ratio["lexicons"][name]["families"][fam]
                    row += _ratio_cells(r)
                writer.writerow(row)
    elif which == "groups":
        writer.writerow(
            [
                "lexicon",
                "group",
                "documents",
                "words",
                "count",
                "rate",
                "low",
                "high",
                "median",
                "p90",
                "top_documents",
                "top_share",
            ]
        )
        for name in table["lexicons"]:
            for g in groups:
                lx = g["lexicons"][name]
                writer.writerow(
                    [
                        name,
                        g["label"],
                        *_count_cells(g, lx["all"]),
                        _csv_number(lx["median"]),
                        _csv_number(lx["p90"]),
                        lx["top_documents"],
                        _csv_number(lx["top_share"]),
                    ]
                )
    elif which == "terms":
        header = ["lexicon", "term", "family"]
        for lb in labels:
            header += [f"{lb}_count", f"{lb}_rate"]
        if ratio:
            header.append(f"ratio_{ratio['label']}")
        writer.writerow(header)
        for name, rows in table["terms"].items():
            for r in rows:
                row = [name, r["term"], r["family"]]
                for c, x in zip(r["counts"], r["rates"], strict=True):
                    row += [c, _csv_number(x)]
                if ratio:
                    row.append(_csv_number(r.get("ratio")))
                writer.writerow(row)
    elif which == "documents":
        names = list(table["lexicons"])
        fams = {n: list(groups[0]["lexicons"][n]["families"]) for n in names}
        header = ["group", "path", "words"]
        for n in names:
            header += [f"{n}_count", f"{n}_rate"] + [f"{n}_{f}" for f in fams[n]]
        header += ["interval_low", "interval_high", "date", "title"]
        writer.writerow(header)
        for g in groups:
            for d in g["per_document"]:
                row = [g["label"], d["path"], d["words"]]
                for n in names:
                    row += [d["counts"][n], _csv_number(d["rates"][n])] + [d["families"][n].get(f, 0) for f in fams[n]]
                iv = d["interval"] or {}
                facts = d.get("manifest") or {}
                row += [
                    _csv_number(iv.get("low")),
                    _csv_number(iv.get("high")),
                    facts.get("date", ""),
                    facts.get("title", ""),
                ]
                writer.writerow(row)
    elif which == "series":
        series = table.get("series")
        if not series:
            from commlint.errors import UsageError

            raise UsageError("stats: --table series needs --manifest FILE --group-by COLUMN")
        header = ["lexicon", series["column"], *_count_header(labels)]
        if ratio:
            header += ["ratio", "ratio_low", "ratio_high"]
        writer.writerow(header)
        for name, rows in series["lexicons"].items():
            for r in rows:
                row = [name, r["value"]]
                for c in r["groups"]:
                    row += _count_cells(c, c)
                if ratio:
                    row += _ratio_cells(r["ratio"])
                writer.writerow(row)


# -- the hit listing --------------------------------------------------------------------------
HIT_FIELDS = [
    "group",
    "path",
    "line",
    "col",
    "lexicon",
    "family",
    "term",
    "text",
    "excluded_by",
    "protected_by",
    "sentence",
]


def write_hits(hits: list[dict[str, Any]], out: IO[str], fmt: str) -> None:
    """Every listed hit: ``path:line:col: term [family] sentence`` (text), or CSV/JSON rows."""
    if fmt == "json":
        counted = [h for h in hits if h["excluded_by"] is None]
        json.dump(
            {
                "hits": hits,
                "summary": {
                    "counted": len(counted),
                    "excluded": len(hits) - len(counted),
                    "documents": len({h["path"] for h in counted}),
                },
            },
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HIT_FIELDS)
        for h in hits:
            writer.writerow(["" if h.get(k) is None else h.get(k) for k in HIT_FIELDS])
        return
    for h in hits:
        note = f" (not counted: {h['excluded_by']})" if h["excluded_by"] else ""
        out.write(f"{h['path']}:{h['line']}:{h['col']}: {h['text']} [{h['family']}]{note} {h['sentence']}\n")
    counted = [h for h in hits if h["excluded_by"] is None]
    excluded = len(hits) - len(counted)
    out.write(
        f"\n{num(len(counted))} counted hits in {num(len({h['path'] for h in counted}))} documents"
        + (f"; {num(excluded)} not counted (names and exclusions)" if excluded else "")
        + "\n"
    )
