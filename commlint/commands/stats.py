"""``commlint stats A_PATHS... [--vs B_PATHS...]``: term-family rates with intervals, terms, hits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from commlint.commands.corpus_args import add_engine_arguments, config_from, progress_choice
from commlint.density.stats_output import DEFAULT_TEXT, TABLES
from commlint.errors import UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="documents of the first group (files or folders)")
    p.add_argument("--vs", nargs="+", metavar="PATH", help="documents of the group to compare with")
    p.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="LABEL",
        help="short name of a group, used in every column header (give it once per group, in order)",
    )
    p.add_argument(
        "--lexicon",
        action="append",
        default=[],
        metavar="NAME",
        help="lexicon to measure (repeat for several; default: [density] lexicons; ft-terms: the FT's three terms)",
    )
    p.add_argument("--format", choices=("text", "json", "csv", "html"), default="text")
    p.add_argument(
        "--table",
        action="append",
        choices=(*TABLES, "all"),
        default=[],
        help="tables to print (text: families, groups, terms and series by default; CSV: one, families by default)",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout (html needs it)")
    p.add_argument("--manifest", metavar="FILE", help="a TSV or CSV with a 'file' column and facts (date, type...)")
    p.add_argument(
        "--group-by",
        metavar="COLUMN",
        help="split each group by a manifest column (year and month come from a 'date' column)",
    )
    p.add_argument("--hits", action="store_true", help="list every counted occurrence in its sentence instead")
    p.add_argument(
        "--excluded", action="store_true", help="with --hits: also list occurrences inside names and exclusions"
    )
    p.add_argument(
        "--family", action="append", default=[], metavar="NAME", help="with --hits: only this family (repeat)"
    )
    p.add_argument("--term", action="append", default=[], metavar="TERM", help="with --hits: only this term as counted")
    p.add_argument("--resamples", type=int, default=2000, metavar="N", help="bootstrap resamples (default 2000)")
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="bootstrap seed (default 0): same seed, same intervals"
    )
    add_engine_arguments(p)


def _default_label(paths: Sequence[str], fallback: str) -> str:
    if len(paths) == 1:
        name = Path(paths[0].rstrip("/")).name
        return name or fallback
    return fallback


def _check(args: argparse.Namespace) -> None:
    if args.group_by and not args.manifest:
        raise UsageError("stats: --group-by needs --manifest FILE")
    if (args.excluded or args.family or args.term) and not args.hits:
        raise UsageError("stats: --excluded, --family and --term go with --hits")
    if args.format == "html" and not args.output:
        raise UsageError("stats: --format html needs --output FILE")
    if args.hits and args.format == "html":
        raise UsageError("stats: --hits lists hits as text, csv or json; the html report shows the top hits itself")
    if args.format == "csv" and len(set(args.table)) > 1:
        raise UsageError("stats: CSV holds one table: give one --table")
    if args.resamples < 100:
        raise UsageError("stats: --resamples must be at least 100")


def run(args: argparse.Namespace) -> int:
    from commlint.density.corpus import check_engine, collect_files, counter_for, measure_files
    from commlint.density.measure import DensitySettings
    from commlint.density.stats import BootstrapSettings, build_table

    _check(args)
    groups = [list(args.paths)] + ([list(args.vs)] if args.vs else [])
    if len(args.label) > len(groups):
        raise UsageError(f"stats: {len(args.label)} --label values for {len(groups)} group(s)")
    labels = [args.label[i] if i < len(args.label) else _default_label(g, "AB"[i]) for i, g in enumerate(groups)]
    if len(labels) == 2 and labels[0] == labels[1]:
        labels = [f"{labels[0]} (1)", f"{labels[1]} (2)"]
    manifest = None
    if args.manifest:
        from commlint.density.manifest import read_manifest

        manifest = read_manifest(args.manifest)
        if args.group_by:
            manifest.check_column(args.group_by)
    config = config_from(args)
    settings = DensitySettings.from_config(config)
    names = list(dict.fromkeys(args.lexicon)) or list(settings.lexicons)
    counter = counter_for(config, names)
    counter.keep_hits = args.hits or args.format == "html"
    if args.family:
        known = {f.name for n in names for f in counter.lexicons[n].families}
        unknown = [f for f in args.family if f not in known]
        if unknown:
            raise UsageError(
                f"stats: no family {unknown[0]!r} in {', '.join(names)} (known: {', '.join(sorted(known))})"
            )
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
    if args.hits:
        hits = _select_hits(labels, split, args)
        with _open(args.output) as out:
            from commlint.density.stats_output import write_hits

            write_hits(hits, out, args.format)
        return 0
    boot = BootstrapSettings(args.resamples, args.seed, settings.confidence)
    group_by = args.group_by
    if args.format == "html" and manifest is not None and not group_by and "date" in manifest.columns:
        group_by = "year"  # the report charts the rate over time whenever the manifest has dates
    table = build_table(labels, groups, split, counter.lexicons, settings, boot, manifest=manifest, group_by=group_by)
    if args.format == "html":
        from commlint.density.stats_html import stats_report

        stats_report(table, split, manifest).write(args.output)
        return 0
    with _open(args.output) as out:
        _write(table, out, args)
    return 0


def _select_hits(labels: list[str], groups: list[list[Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    terms = {" ".join(t.lower().split()) for t in args.term}
    out = []
    for label, docs in zip(labels, groups, strict=True):
        for d in docs:
            for h in d.hits or []:
                if h["excluded_by"] and not args.excluded:
                    continue
                if args.family and h["family"] not in args.family:
                    continue
                if terms and h["term"] not in terms:
                    continue
                out.append({"group": label, **h})
    return out


def _write(table: dict[str, Any], out: IO[str], args: argparse.Namespace) -> None:
    from commlint.density.stats_output import write_csv, write_json, write_text

    chosen = list(TABLES) if "all" in args.table else list(dict.fromkeys(args.table))
    if args.format == "json":
        write_json(table, out)
    elif args.format == "csv":
        write_csv(table, out, chosen[0] if chosen else "families")
    else:
        write_text(table, out, chosen or DEFAULT_TEXT)


class _open:
    """stdout, or FILE opened for writing (a one-line error when it cannot be)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if not self.path:
            return sys.stdout
        from commlint.errors import InputError

        try:
            self.fh = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        return self.fh

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()
