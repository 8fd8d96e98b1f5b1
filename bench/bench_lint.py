"""In-process lint speed: a 1,000-word Markdown press release with all built-in packs,
and throughput in words per second on ../shared/corpus (skipped when absent).

    python bench/bench_lint.py [--runs 200] [--docs 20] [--corpus PATH]

Each run lints one freshly decoded document with a Linter built once (as the CLI, the API
and the LSP server do), so the figure is parse + all rules + diagnostics, not set-up.
Both CPU time (this process only: steady on a busy machine) and wall time are reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from prose import press_release

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.source.decode import decode

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def all_packs_config() -> Config:
    """Every built-in rule on, including any that are off by default."""
    return Config.default().replace(select=["ALL"])


def time_docs(linter: Linter, texts: list[str], runs: int) -> tuple[list[float], list[float]]:
    """(CPU seconds, wall seconds) per lint, cycling through ``texts`` after a warm-up pass."""
    for i, text in enumerate(texts):
        linter.lint(decode(text.encode("utf-8"), f"warm{i}.md"))
    cpu, wall = [], []
    for i in range(runs):
        text = texts[i % len(texts)]
        c0, t0 = time.process_time(), time.perf_counter()
        linter.lint(decode(text.encode("utf-8"), f"doc{i}.md"))
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return cpu, wall


def reference_ms(runs: int = 15) -> float:
    """CPU ms of a fixed pure-Python workload: the same-run yardstick for a busy machine."""
    times = []
    for _ in range(runs):
        c0 = time.process_time()
        sum(i * i for i in range(200_000))
        times.append(time.process_time() - c0)
    return statistics.median(times) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def corpus_throughput(linter: Linter, corpus: Path, repeats: int) -> tuple[int, int, float, float]:
    """(files, words, CPU seconds, wall seconds) per pass over every .md/.txt/.html under
    ``corpus`` (the mean of ``repeats`` passes, after a warm-up pass)."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".md", ".txt", ".html"))
    sources = [(p, p.read_bytes()) for p in files]
    words = sum(linter.lint(decode(data, str(path))).words for path, data in sources)
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        for path, data in sources:
            linter.lint(decode(data, str(path)))
    return (
        len(files),
        words,
        (time.process_time() - c0) / repeats,
        (time.perf_counter() - t0) / repeats,
    )


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
    cpu, wall = time_docs(linter, texts, args.runs)
    print(f"linter build (all {len(linter.rules)} rules): {build * 1000:.1f} ms")
    print(f"generated doc: {sample.words} prose words, {len(sample.diagnostics)} findings")
    print(f"in-process lint per doc ({args.runs} runs over {args.docs} docs):")
    for label, times in (("CPU ", cpu), ("wall", wall)):
        median, p95 = statistics.median(times), percentile(times, 0.95)
        per_1000 = median * 1000 * 1000 / max(sample.words, 1)
        print(
            f"  {label} median {median * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"
            f"  = {per_1000:.2f} ms per 1,000 words (target <= 10 ms)"
        )
    ref = reference_ms()
    per_1000_cpu = statistics.median(cpu) * 1000 * 1000 / max(sample.words, 1)
    print(
        f"  reference workload (sum of 200,000 squares): {ref:.2f} ms CPU; "
        f"lint per 1,000 words = {per_1000_cpu / ref:.2f}x reference"
    )
    if args.corpus.is_dir():
        n, words, cpu_s, wall_s = corpus_throughput(linter, args.corpus, args.corpus_repeats)
        print(
            f"corpus {args.corpus}: {n} files, {words} words per pass: "
            f"{words / cpu_s:,.0f} words/s CPU, {words / wall_s:,.0f} words/s wall"
        )
    else:
        print(f"corpus {args.corpus} absent: throughput skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
