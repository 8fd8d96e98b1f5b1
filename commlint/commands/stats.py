"""``commlint stats A_PATHS... [--vs B_PATHS...]``: the FT-style table of term-family rates."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from commlint.commands.corpus_args import add_engine_arguments, config_from, progress_choice
from commlint.density import DensitySettings, DocDensity, GroupTotals, rate, rate_interval
from commlint.errors import UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="documents of the first group (files or folders)")
    p.add_argument("--vs", nargs="+", metavar="PATH", help="documents of the group to compare with")
    p.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="LABEL",
        help="name of a group (give it once per group, in order)",
    )
    p.add_argument(
        "--lexicon",
        action="append",
        default=[],
        metavar="NAME",
        help="lexicon to measure (repeat for several; default: [density] lexicons)",
    )
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the table to FILE instead of stdout")
    add_engine_arguments(p)


def _default_label(paths: Sequence[str], fallback: str) -> str:
    if len(paths) == 1:
        name = Path(paths[0].rstrip("/")).name
        return name or fallback
    return fallback


def run(args: argparse.Namespace) -> int:
    from commlint.corpus import check_engine, collect_files, counter_for, measure_files

    groups = [list(args.paths)] + ([list(args.vs)] if args.vs else [])
    if len(args.label) > len(groups):
        raise UsageError(f"stats: {len(args.label)} --label values for {len(groups)} group(s)")
    labels = [args.label[i] if i < len(args.label) else _default_label(g, "AB"[i]) for i, g in enumerate(groups)]
    if len(labels) == 2 and labels[0] == labels[1]:
        labels = [f"{labels[0]} (1)", f"{labels[1]} (2)"]
    config = config_from(args)
    settings = DensitySettings.from_config(config)
    names = list(dict.fromkeys(args.lexicon)) or list(settings.lexicons)
    counter = counter_for(config, names)
    check_engine([p for g in groups for p in g], jobs=args.jobs, engine=args.engine, scheduler=args.scheduler)
    files = [collect_files(g, config) for g in groups]
    docs = measure_files(
        [f for fs in files for f in fs],
        counter,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        show_progress=progress_choice(args),
    )
    split, pos = [], 0
    for fs in files:
        split.append(docs[pos : pos + len(fs)])
        pos += len(fs)
    table = build_table(labels, groups, split, counter.lexicons, settings)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        {"text": write_text, "json": write_json, "csv": write_csv}[args.format](table, out)
    finally:
        if args.output:
            out.close()
    return 0


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 6) if b else None


def build_table(
    labels: list[str],
    inputs: list[list[str]],
    groups: list[list[DocDensity]],
    lexicons: dict[str, Any],
    settings: DensitySettings,
) -> dict[str, Any]:
    """The stats table as data: per group and lexicon, family counts and rates; A/B ratios."""
    out: dict[str, Any] = {
        "groups": [],
        "lexicons": {n: {"fingerprint": lx.fingerprint(), "version": lx.version} for n, lx in lexicons.items()},
    }
    totals_by_group = []
    for label, paths, docs in zip(labels, inputs, groups, strict=True):
        per_lex: dict[str, Any] = {}
        totals = {}
        for name, lex in lexicons.items():
            t = GroupTotals.from_docs(docs, name, [f.name for f in lex.families])
            totals[name] = t
            per_lex[name] = {
                "families": {f: {"count": c, "rate": round(rate(c, t.words), 6)} for f, c in t.families.items()},
                "all": {"count": t.count, "rate": round(t.rate, 6)},
                "top_terms": sorted(t.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
            }
        first = next(iter(lexicons), None)
        documents = []
        for d in docs:
            row: dict[str, Any] = {
                "path": d.path,
                "words": d.words,
                "counts": {n: d.count(n) for n in lexicons},
                "rates": {n: round(d.rate(n), 6) for n in lexicons},
            }
            if d.words < settings.interval_below and first:
                lo, hi = rate_interval(d.count(first), d.words, settings.confidence)
                row["interval"] = {
                    "lexicon": first,
                    "confidence": settings.confidence,
                    "low": round(lo, 6),
                    "high": round(hi, 6),
                }
            documents.append(row)
        out["groups"].append(
            {
                "label": label,
                "inputs": paths,
                "documents": len(docs),
                "words": sum(d.words for d in docs),
                "lexicons": per_lex,
                "per_document": documents,
            }
        )
        totals_by_group.append(totals)
    if len(totals_by_group) == 2:
        a, b = totals_by_group
        out["ratio"] = {
            "label": f"{labels[0]}/{labels[1]}",
            "lexicons": {
                n: {
                    "families": {
                        f: _ratio(
                            rate(a[n].families[f], a[n].words),
                            rate(b[n].families.get(f, 0), b[n].words),
                        )
                        for f in a[n].families
                    },
                    "all": _ratio(a[n].rate, b[n].rate),
                }
                for n in lexicons
            },
        }
    return out


def _fmt_ratio(value: float | None, a_count: int) -> str:
    if value is None:
        return "inf" if a_count else "-"
    return f"{value:.1f}×"


def write_text(table: dict[str, Any], out: IO[str]) -> None:
    groups = table["groups"]
    ratio = table.get("ratio")
    label_w = 22
    col_w = max(18, *(len(g["label"]) + 2 for g in groups))
    ratio_w = max(9, len(ratio["label"]) if ratio else 0) + 2
    for name in table["lexicons"]:
        head = f"{'':<{label_w}}" + "".join(f"{g['label']:>{col_w}}" for g in groups)
        if ratio:
            head += f"{ratio['label']:>{ratio_w}}"
        out.write(f"{name} lexicon: occurrences and rate per 1,000 prose words\n")
        out.write(head + "\n")
        sub = f"{'':<{label_w}}" + "".join(f"{'count':>8}{'rate':>{col_w - 8}}" for _ in groups)
        out.write(sub + "\n")
        out.write(f"{'documents':<{label_w}}" + "".join(f"{g['documents']:>8}{'':>{col_w - 8}}" for g in groups) + "\n")
        out.write(f"{'words':<{label_w}}" + "".join(f"{g['words']:>8}{'':>{col_w - 8}}" for g in groups) + "\n")
        fams = groups[0]["lexicons"][name]["families"]
        rows = [
            (
                f,
                [g["lexicons"][name]["families"][f] for g in groups],
                ratio["lexicons"][name]["families"][f] if ratio else None,
            )
            for f in fams
        ]
        rows.append(
            (
                f"all {name} terms",
                [g["lexicons"][name]["all"] for g in groups],
                ratio["lexicons"][name]["all"] if ratio else None,
            )
        )
        for label, cells, r in rows:
            line = f"{label:<{label_w}}" + "".join(f"{c['count']:>8}{c['rate']:>{col_w - 8}.2f}" for c in cells)
            if ratio:
                line += f"{_fmt_ratio(r, cells[0]['count']):>{ratio_w}}"
            out.write(line + "\n")
        out.write("\n")


def write_json(table: dict[str, Any], out: IO[str]) -> None:
    json.dump(table, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_csv(table: dict[str, Any], out: IO[str]) -> None:
    groups = table["groups"]
    ratio = table.get("ratio")
    writer = csv.writer(out, lineterminator="\n")
    header = ["lexicon", "family"]
    for g in groups:
        header += [
            f"{g['label']}_documents",
            f"{g['label']}_words",
            f"{g['label']}_count",
            f"{g['label']}_rate",
        ]
    if ratio:
        header.append(f"ratio_{ratio['label']}")
    writer.writerow(header)
    for name in table["lexicons"]:
        fams = list(groups[0]["lexicons"][name]["families"]) + ["ALL"]
        for fam in fams:
            row: list[Any] = [name, fam]
            for g in groups:
                lx = g["lexicons"][name]
                cell = lx["all"] if fam == "ALL" else lx["families"][fam]
                row += [g["documents"], g["words"], cell["count"], f"{cell['rate']:.4f}"]
            if ratio:
                r = ratio["lexicons"][name]["all"] if fam == "ALL" else ratio["lexicons"][name]["families"][fam]
                row.append("" if r is None else f"{r:.4f}")
            writer.writerow(row)
