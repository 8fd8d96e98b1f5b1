"""Equality check for speed work: every finding (rule, span) before and after a change.

    python bench/findings_snapshot.py save /tmp/before.json
    python bench/findings_snapshot.py compare /tmp/before.json

Lints, with every built-in rule on and the learned layer on: each rule's flag and pass
examples (and, so plain text is covered too, each as a .txt), the bundled examples/,
every file of ``../shared/corpus`` (when present) and a generated text of about 200,000
words (bench/prose.py, 20 documents of 10,000). ``compare`` prints what differs and
exits 1 if anything does. A speed change to matching must leave this output unchanged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from prose import press_release

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.source.decode import decode

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def inputs(linter: Linter) -> Iterator[tuple[str, str]]:
    """(name, text) of everything the check lints; the name carries the format's suffix."""
    for rule in linter.all_rules:
        for kind, texts in (("flag", rule.examples_flag), ("pass", rule.examples_pass)):
            for i, text in enumerate(texts):
                yield f"{rule.id}/{kind}{i}.md", text
                yield f"{rule.id}/{kind}{i}.txt", text
    for path in sorted((REPO / "examples").rglob("*")):
        if path.suffix in (".md", ".txt", ".html"):
            yield f"examples/{path.relative_to(REPO / 'examples')}", path.read_text(encoding="utf-8")
    if CORPUS.is_dir():
        for path in sorted(CORPUS.rglob("*.md")):
            yield f"corpus/{path.relative_to(CORPUS)}", path.read_text(encoding="utf-8")
    for seed in range(20):
        yield f"generated/{seed}.md", press_release(10_000, seed=500 + seed)


def snapshot() -> dict[str, list[list[object]]]:
    linter = Linter(Config.default().replace(select=["ALL"]))
    out: dict[str, list[list[object]]] = {}
    for name, text in inputs(linter):
        result = linter.lint(decode(text.encode("utf-8"), name))
        out[name] = [[d.rule, d.start, d.end] for d in result.diagnostics]
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("save", "compare"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, file = argv[0], Path(argv[1])
    now = snapshot()
    total = sum(len(v) for v in now.values())
    if mode == "save":
        file.write_text(json.dumps(now, indent=0, sort_keys=True), encoding="utf-8")
        print(f"saved {total} findings over {len(now)} inputs to {file}")
        return 0
    before = json.loads(file.read_text(encoding="utf-8"))
    differ = 0
    for name in sorted(set(before) | set(now)):
        old, new = before.get(name), now.get(name)
        if old != new:
            differ += 1
            gone = [f for f in old or [] if f not in (new or [])]
            added = [f for f in new or [] if f not in (old or [])]
            print(f"{name}: lost {gone[:5]} gained {added[:5]}")
    print(f"{total} findings over {len(now)} inputs; {differ} input(s) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
