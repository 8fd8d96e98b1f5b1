"""Per rule: how many of its own flag examples `--fix` fixes, `--unsafe-fixes` fixes, or leave to
the author. Run from the repository root (no ../shared needed):

    python bench/fix_coverage.py [--markdown] [--skipped]

A flag example counts as *safe* when `commlint check --fix` applies a fix of that rule to it,
*unsafe* when only `--fix --unsafe-fixes` does, and *author input* when neither does (its
suggestions hold a placeholder, sit in a mention, fit nowhere in the sentence, or the fix was
skipped because it would add a grammar problem or a new finding). `--skipped` lists the last
kind with the reason.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def coverage() -> tuple[dict[str, Counter[str]], list[str]]:
    """Counts per rule id, and one line per fix that was chosen and then skipped."""
    import commlint
    from commlint.config import Config
    from commlint.engine.linter import linter_for

    config = Config.default(REPO)
    table: dict[str, Counter[str]] = {}
    skipped: list[str] = []
    for rule in linter_for(config).rules:
        examples = getattr(rule, "examples_flag", ())
        if not examples:
            continue
        counts = table.setdefault(rule.id, Counter())
        for text in examples:
            safe = commlint.fix_text(text + "\n", path="example.md", config=config)
            unsafe = commlint.fix_text(text + "\n", path="example.md", config=config, unsafe=True)
            if any(f.rule == rule.id for f in safe.applied):
                counts["safe"] += 1
            elif any(f.rule == rule.id for f in unsafe.applied):
                counts["unsafe"] += 1
            else:
                counts["input"] += 1
                skipped += [f"{s.rule}: {text} -- {s.reason}" for s in unsafe.skipped if s.rule == rule.id]
    return table, skipped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--skipped", action="store_true", help="list the fixes skipped, with the reason")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    table, skipped = coverage()
    total: Counter[str] = Counter()
    rows = []
    for rule_id, c in sorted(table.items()):
        total.update(c)
        rows.append((rule_id, c["safe"], c["unsafe"], c["input"]))
    rows.append(("all", total["safe"], total["unsafe"], total["input"]))
    if args.markdown:
        print("| rule | safe fix | unsafe fix | author input only |\n|---|---|---|---|")
        for r in rows:
            print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |")
    else:
        print(f"{'rule':<8} {'safe':>5} {'unsafe':>7} {'input':>6}")
        for r in rows:
            print(f"{r[0]:<8} {r[1]:>5} {r[2]:>7} {r[3]:>6}")
    if args.skipped:
        print("\n".join(["", "skipped:", *skipped]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
