"""``commlint rules`` and ``commlint rule ID``: the rule reference from rule metadata."""

from __future__ import annotations

import argparse
import json
import sys

from commlint.errors import UsageError


def add_rules_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--config", metavar="FILE", help="config whose packs and plugins to include")
    p.add_argument("--all", action="store_true", help="include rules that are off by default")
    p.add_argument(
        "--check",
        action="store_true",
        help="lint the rule packs: long lines, duplicated alternations, unknown vocabularies, "
        "patterns that never fire on an example (exit 1 if any)",
    )


def add_rule_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule_id", metavar="ID", help="rule id (CAP101) or name (universal-vulnerability-discovery)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--config", metavar="FILE")


def _linter(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from commlint.config import Config
    from commlint.engine.linter import linter_for
    from commlint.plugin_errors import report

    config = Config.from_file(args.config) if args.config else Config.discover(".")
    linter = linter_for(config)
    report(linter.plugin_failures)  # no document to carry them: a warning line each on stderr
    return linter


def run_rules(args: argparse.Namespace) -> int:
    from commlint.rules.docgen import rules_markdown

    linter = _linter(args)
    if args.check:
        return _check(linter)
    rules = linter.all_rules if args.all else [r for r in linter.all_rules if r.default_enabled or r in linter.rules]
    if args.format == "json":
        json.dump([r.describe() for r in rules], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "markdown":
        sys.stdout.write(rules_markdown(rules))
    else:
        for r in rules:
            on = "" if r in linter.rules else "  (off)"
            sys.stdout.write(f"{r.id:<8} {r.severity:<8} {r.category:<18} {r.name}{on}\n")
    return 0


def _check(linter) -> int:  # type: ignore[no-untyped-def]
    from commlint.rules.packcheck import check_examples, check_packs

    problems = check_packs(linter.pack_paths)
    problems += check_examples(linter.config, [r for r in linter.all_rules if r.pack])
    for line in problems:
        sys.stdout.write(line + "\n")
    packs = sum(1 for _ in {r.pack for r in linter.all_rules if r.pack})
    rules = sum(1 for r in linter.all_rules if r.pack)
    if problems:
        sys.stdout.write(f"{len(problems)} problem(s) in {packs} packs\n")
        return 1
    sys.stdout.write(f"{packs} packs, {rules} rules: no problems\n")
    return 0


def run_rule(args: argparse.Namespace) -> int:
    from commlint.rules.docgen import rule_markdown

    linter = _linter(args)
    rule = linter.rule(args.rule_id)
    if rule is None:
        raise UsageError(f"rule: no rule {args.rule_id!r} (see `commlint rules`)")
    if args.format == "json":
        json.dump(rule.describe(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(rule_markdown(rule))
    return 0
