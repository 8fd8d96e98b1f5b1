"""In-process lint speed: a 1,000-word Markdown press release with all built-in packs,
and throughput in words per second on ../shared/corpus (skipped when absent).

    python bench/bench_lint.py [--runs 200] [--docs 20] [--corpus PATH]

Each run lints one freshly decoded document with a Linter built once (as the CLI, the API
and the LSP server do), so the figure is parse + all rules + diagnostics, not set-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from prose import press_release

from commlint.config import Config
from commlint.engine import Linter
from commlint.source import decode

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def all_packs_config() -> Config:
    """Every built-in rule on, including any that are off by default."""
    return Config.default().replace(select=["ALL"])


def time_docs(linter: Linter, texts: list[str], runs: int) -> list[float]:
    """Seconds per lint, cycling through ``texts`` (after one warm-up pass over them)."""
    for i, text in enumerate(texts):
        linter.lint(decode(text.encode("utf-8"), f"warm{i}.md"))
    times = []
    for i in range(runs):
        text = texts[i % len(texts)]
        t0 = time.perf_counter()
        linter.lint(decode(text.encode("utf-8"), f"doc{i}.md"))
        times.append(time.perf_counter() - t0)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def corpus_throughput(linter: Linter, corpus: Path, repeats: int) -> tuple[int, int, float]:
    """(files, words, seconds) to lint every .md/.txt/.html under ``corpus`` ``repeats`` times."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".md", ".txt", ".html"))
    sources = [(p, p.read_bytes()) for p in files]
    words = 0
    t0 = time.perf_counter()
    for _ in range(repeats):
        for path, data in sources:
            words += linter.lint(decode(data, str(path))).words
    return len(files), words // repeats, (time.perf_counter() - t0) / repeats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--docs", type=int, default=20, help="distinct generated documents to cycle through")
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--corpus-repeats", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    linter = Linter(all_packs_config())
    build = time.perf_counter() - t0
    texts = [press_release(args.words, seed) for seed in range(args.docs)]
    sample = linter.lint(decode(texts[0].encode("utf-8"), "sample.md"))
    times = time_docs(linter, texts, args.runs)
    median, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"linter build (all {len(linter.rules)} rules): {build * 1000:.1f} ms")
    print(f"generated doc: {sample.words} prose words, {len(sample.diagnostics)} findings")
    print(f"in-process lint per doc: median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms "
          f"({args.runs} runs over {args.docs} docs)")
    print(f"  = {median * 1000 * 1000 / max(sample.words, 1):.2f} ms per 1,000 words (target <= 10 ms)")
    if args.corpus.is_dir():
        n, words, secs = corpus_throughput(linter, args.corpus, args.corpus_repeats)
        print(f"corpus {args.corpus}: {n} files, {words} words in {secs * 1000:.0f} ms "
              f"= {words / secs:,.0f} words/s")
    else:
        print(f"corpus {args.corpus} absent: throughput skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
