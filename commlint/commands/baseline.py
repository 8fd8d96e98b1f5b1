"""``commlint baseline build NAME PATHS... -o FILE`` and ``commlint baseline show FILE|NAME``."""

from __future__ import annotations

import argparse
import json
import sys

from commlint.commands.corpus_args import add_engine_arguments, config_from, progress_choice
from commlint.errors import UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    build = sub.add_parser("build", help="measure documents and write a baseline file")
    build.add_argument("name", metavar="NAME", help="the baseline's name (shown in density findings)")
    build.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or fsspec URLs (Dask engine)")
    build.add_argument("--output", "-o", required=True, metavar="FILE", help="where to write the baseline JSON")
    build.add_argument("--description", default="", help="what the documents are (kept in provenance)")
    build.add_argument(
        "--lexicon",
        default=None,
        metavar="NAME",
        help="lexicon to measure (default: [density] lexicon)",
    )
    build.add_argument(
        "--manifest",
        metavar="TSV",
        help="a MANIFEST.tsv whose rows (file, repo, path, commit, description) are recorded as each document's source",
    )
    add_engine_arguments(build)
    show = sub.add_parser("show", help="print a baseline file or built-in baseline")
    show.add_argument("ref", metavar="FILE|NAME")
    show.add_argument("--format", choices=("text", "json"), default="text")
    sub.add_parser("list", help="list the built-in baselines")


def run(args: argparse.Namespace) -> int:
    from commlint.density import baseline as baselines

    if args.action == "build":
        return _build(args)
    if args.action == "show":
        b = baselines.resolve(args.ref)
        if args.format == "json":
            sys.stdout.write(json.dumps(b.data, indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(baselines.describe(b))
        return 0
    if args.action == "list":
        for name in baselines.builtin_names():
            b = baselines.resolve(name)
            kind = "aggregate only" if b.aggregate_only else f"{b.data['documents']} documents"
            sys.stdout.write(
                f"{name:<24} {b.data['rate']:>6.2f}/1k  {kind}  {_first_sentence(b.data.get('description', ''))}\n"
            )
        return 0
    raise UsageError("baseline: give an action: build, show or list")


def _build(args: argparse.Namespace) -> int:
    from commlint.density import baseline as baselines
    from commlint.density.corpus import counter_for, measure_corpus
    from commlint.density.measure import DensitySettings

    config = config_from(args)
    lexicon = args.lexicon or DensitySettings.from_config(config).lexicon
    counter = counter_for(config, [lexicon])
    docs = measure_corpus(
        args.paths,
        config,
        counter,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        show_progress=progress_choice(args),
    )
    data = baselines.build(
        args.name,
        docs,
        counter.lexicons[lexicon],
        inputs=args.paths,
        description=args.description,
        manifest=args.manifest,
    )
    baselines.write(data, args.output)
    sys.stderr.write(
        f"wrote baseline {args.name!r} to {args.output}: {data['documents']} documents, "
        f"{data['words']:,} words, {data['rate']:.2f} {lexicon} terms per 1,000 words "
        f"(median {data['distribution']['median']:.2f}, p90 {data['distribution']['p90']:.2f})\n"
    )
    return 0


def _first_sentence(text: str) -> str:
    head = text.split("; ")[0].split(". ")[0]
    return head if len(head) <= 90 else head[:87] + "..."
