"""What the learned sentence layer costs: in process per 1,000 words, and at cold start.

    python bench/bench_semantic.py [--docs 60] [--rounds 3] [--starts 10]

In process: real posts from ../shared/corpus-labs (or generated prose when it is absent), each
linted with the layer off and on, in alternating rounds, with the model's per-token caches
emptied before every document, so each document is fresh text. The model's tables are decoded
first, as in any process that has checked a few hundred fresh documents (the API in a loop, a
folder of drafts); the same is measured with the tables read row by row, as in a process's first
documents. Then once more with the caches kept, as the LSP re-linting one draft sees it.
CPU time of this process only; the time inside the learned rules is also measured directly,
which a busy machine disturbs less than a difference of two totals. Cold start: `commlint check`
on one file with and without the layer, beside `python -c pass`, interleaved in the same run;
medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prose import press_release

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.semantic import model as model_module
from commlint.semantic.model import load_model
from commlint.semantic.rules import LearnedCategoryRule
from commlint.source.decode import decode

REPO = Path(__file__).resolve().parent.parent
LABS = REPO.parent / "shared" / "corpus-labs"


def documents(n: int) -> list[str]:
    files = sorted(LABS.glob("*/*.md"))[:n]
    if files:
        return [f.read_text(encoding="utf-8") for f in files]
    return [press_release(1000, seed) for seed in range(n)]


def lint_one(linter: Linter, text: str, name: str, fresh: bool = True) -> float:
    """CPU seconds to lint ``text``; with ``fresh``, nothing learned from earlier documents."""
    if fresh:  # as in a one-file check
        load_model().clear_caches()
    source = decode(text.encode("utf-8"), name)
    start = time.process_time()
    linter.lint(source)
    return time.process_time() - start


def lint_all(linter: Linter, texts: list[str], fresh: bool = True) -> float:
    return sum(lint_one(linter, text, f"doc{i}.md", fresh) for i, text in enumerate(texts))


class LayerClock:
    """CPU time spent inside the learned rules' checks (scoring included), measured directly."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._check = LearnedCategoryRule.check
        clock = self

        def timed(rule: LearnedCategoryRule, doc: Any, ctx: Any) -> Iterator[Any]:
            start = time.process_time()
            found = list(clock._check(rule, doc, ctx))
            clock.seconds += time.process_time() - start
            yield from found

        LearnedCategoryRule.check = timed  # type: ignore[method-assign,assignment]


def in_process(texts: list[str], rounds: int) -> dict[str, float]:
    """Each document linted with the layer off and on, one after the other, so a change in the
    machine's load between the two hits both alike; the minimum over rounds of each total."""
    on = Linter(Config.default())
    off = Linter(Config.default().replace(semantic=False))
    lint_all(off, texts[:2])  # warm the packs once
    clock = LayerClock()
    words = sum(len(t.split()) for t in texts) / 1000
    # a process's first documents: every table read row by row (never decoded whole)
    decode_after, model_module.DECODE_AFTER = model_module.DECODE_AFTER, float("inf")
    load_model.cache_clear()
    lint_all(on, texts[:2])
    rows_added = []
    for _ in range(rounds):
        a = b = 0.0
        for i, text in enumerate(texts):
            a += lint_one(off, text, f"doc{i}.md")
            b += lint_one(on, text, f"doc{i}.md")
        rows_added.append(b - a)
    model_module.DECODE_AFTER = decode_after
    load_model.cache_clear()
    load_model().prepare()  # a long-lived process: the tables decoded whole
    lint_all(on, texts[:2])
    t_off, t_on, t_layer, added = [], [], [], []
    for _ in range(rounds):
        clock.seconds = 0.0
        a = b = 0.0
        for i, text in enumerate(texts):
            a += lint_one(off, text, f"doc{i}.md")
            b += lint_one(on, text, f"doc{i}.md")
        t_off.append(a)
        t_on.append(b)
        t_layer.append(clock.seconds)
        added.append(b - a)
    # a run over many files (a folder, the API in a loop, the LSP): the layer's per-token cache stays
    warm, warm_added = [], []
    for _ in range(rounds):
        clock.seconds = 0.0
        a = b = 0.0
        for i, text in enumerate(texts):
            a += lint_one(off, text, f"doc{i}.md", fresh=False)
            b += lint_one(on, text, f"doc{i}.md", fresh=False)
        warm.append(clock.seconds)
        warm_added.append(b - a)
    return {
        "words": words * 1000,
        "off": min(t_off) / words * 1000,
        "on": min(t_on) / words * 1000,
        "added": statistics.median(added) / words * 1000,
        "added_rows": statistics.median(rows_added) / words * 1000,
        "layer": min(t_layer) / words * 1000,
        "layer_warm": min(warm) / words * 1000,
        "added_warm": statistics.median(warm_added) / words * 1000,
    }


def cold_start(starts: int) -> dict[str, float]:
    draft = REPO / "examples" / "risky-press-release.md"
    exe = [sys.executable, "-m", "commlint", "check", str(draft)]
    cmds = {"pass": [sys.executable, "-c", "pass"], "off": [*exe, "--no-semantic"], "on": exe}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(starts):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--starts", type=int, default=10)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    ip = in_process(documents(args.docs), args.rounds)
    print(f"in process, {ip['words']:,.0f} words of fresh text, CPU ms per 1,000 words:")
    print(f"  layer off {ip['off']:.2f}  on {ip['on']:.2f}  added (median over rounds) {ip['added']:.2f}")
    print(f"  added in a process's first documents (tables read row by row): {ip['added_rows']:.2f}")
    print(
        f"  inside the learned rules: {ip['layer']:.2f} fresh, "
        f"{ip['layer_warm']:.2f} with the cache kept across documents (added {ip['added_warm']:.2f})"
    )
    if args.starts < 1:
        return 0
    cs = cold_start(args.starts)
    print(f"cold start, `check` one file, median ms: python -c pass {cs['pass']:.0f}")
    print(f"  layer off {cs['off']:.0f}  on {cs['on']:.0f}  on/off {cs['on'] / cs['off']:.2f}")
    print(f"load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
