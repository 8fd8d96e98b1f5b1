"""``commlint diff OLD NEW``: findings a revision added, removed and kept, and its density change."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from commlint.engine.diagnostics import SEVERITIES
from commlint.errors import UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="OLD", help="the earlier version: a file, or git's REV:path (HEAD:press.md)")
    p.add_argument("new", metavar="NEW", nargs="?", help="the later version: a file or REV:path")
    p.add_argument("--git", metavar="REV", help="compare the file OLD with its version at git revision REV")
    p.add_argument("--format", choices=("text", "json", "html"), default="text", help="output format")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovering one")
    p.add_argument("--no-semantic", action="store_true", help="skip the learned sentence layer (rule packs only)")
    p.add_argument(
        "--fail-level",
        choices=SEVERITIES,
        help="lowest severity of an added finding that makes the exit code 1 (default: the config's)",
    )


def run(args: argparse.Namespace) -> int:
    from commlint.accepted import revdiff
    from commlint.config import Config
    from commlint.engine.linter import linter_for
    from commlint.plugins import file_extensions
    from commlint.prose.formats import format_for_path

    if args.git:
        if args.new:
            raise UsageError("diff: with --git REV give one file (it is compared with its version at REV)")
        old_spec, new_spec = revdiff.git_spec(args.git, args.old), args.old
    elif not args.new:
        raise UsageError("diff: give OLD and NEW (files or REV:path), or one file with --git REV")
    else:
        old_spec, new_spec = args.old, args.new
    if args.config:
        config = Config.from_file(args.config)
    else:
        near = Path(new_spec) if Path(new_spec).exists() else Path.cwd()
        config = Config.discover(near)
    overrides: dict[str, object] = {}
    if args.no_semantic:
        overrides["semantic"] = False
    if args.fail_level:
        overrides["fail_level"] = args.fail_level
    if overrides:
        config = config.replace(**overrides)
    # One linter for both versions: a changed config must not show up as changed findings.
    linter = linter_for(config)
    extensions = {**file_extensions(), **config.extensions}
    sides = []
    for spec in (old_spec, new_spec):
        data, name = revdiff.read_version(spec, config.max_file_size)
        fmt = format_for_path(name, extensions)
        sides.append(revdiff.lint_side(linter, spec, data, name, fmt))
    diff = revdiff.compare(sides[0], sides[1])
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "json":
            json.dump(diff.to_dict(), out, indent=2, ensure_ascii=False)
            out.write("\n")
        elif args.format == "html":
            revdiff.write_html(diff, out)
        else:
            revdiff.write_text(diff, out)
    finally:
        if args.output:
            out.close()
    return 1 if diff.failed(config.fail_level) else 0
