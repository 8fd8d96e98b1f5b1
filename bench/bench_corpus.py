"""Corpus throughput: words per second of the local engine (1 and 2 processes) and Dask.

Generates a corpus of at least 1M prose words into a temporary folder (from a word list of
its own, with risk terms sprinkled in), then measures it with each engine, as
``commlint stats``/``baseline build`` would. Run from the repository root:

    python bench/bench_corpus.py [--words 1000000] [--docs 400] [--repeat 1] [--json]

Figures are relative to each other and to the machine; the Dask figure includes starting
a LocalCluster (two worker processes), which is what a user without a scheduler pays.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from commlint.config import Config
from commlint.density.corpus import collect_files, counter_for, measure_files

WORDS = [
    "announce",
    "product",
    "release",
    "customers",
    "partners",
    "today",
    "new",
    "faster",
    "search",
    "design",
    "people",
    "teams",
    "maps",
    "cleaner",
    "version",
    "shipped",
    "with",
    "for",
    "of",
    "a",
    "an",
    "the",
    "garden",
    "river",
    "morning",
    "library",
    "network",
    "developers",
    "platform",
    "support",
    "update",
    "improved",
    "performance",
    "quality",
    "open",
    "community",
    "research",
    "model",
    "data",
    "training",
    "evaluation",
    "policy",
    "usage",
    "availability",
    "region",
    "pricing",
    "feature",
]
RISK = ["risk", "risks", "safety", "harm", "safeguards", "vulnerability", "misuse", "threat"]


def generate(folder: Path, words: int, docs: int, seed: int = 7) -> int:
    """Write ``docs`` Markdown documents totalling at least ``words`` prose words."""
    rng = random.Random(seed)
    per_doc = -(-words // docs)
    total = 0
    for i in range(docs):
        paras, n = [f"# Update {i}\n"], 2
        while n < per_doc:
            sentence = [rng.choice(RISK) if rng.random() < 0.004 else rng.choice(WORDS) for _ in range(14)]
            paras.append(" ".join(sentence).capitalize() + ".")
            n += 14
        (folder / f"doc{i:04d}.md").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        total += n
    return total


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def available_speedup(n: int = 5_000_000) -> float:
    """How much 2 processes gain over 1 on a pure CPU loop right now (the machine's headroom)."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    for _ in range(4):
        _burn(n)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [n] * 4))
    return serial / (time.perf_counter() - start)


def run(files: list[str], engine: str, jobs: int) -> tuple[float, int]:
    counter = counter_for(Config.default(), ["risk"])
    start = time.perf_counter()
    docs = measure_files(files, counter, jobs=jobs, engine=engine, show_progress=False)
    return time.perf_counter() - start, sum(d.words for d in docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=1, help="runs per engine; the best is reported")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.words, args.docs)
        files = collect_files([tmp], Config.default())
        setups = [("local", 1), ("local", 2)] + ([] if args.no_dask else [("dask", 2)])
        results: list[dict[str, Any]] = []
        for engine, jobs in setups:
            best, words = min(run(files, engine, jobs) for _ in range(args.repeat))
            results.append(
                {
                    "engine": engine,
                    "jobs": jobs,
                    "documents": len(files),
                    "words": words,
                    "seconds": round(best, 3),
                    "words_per_second": round(words / best),
                }
            )
    headroom = available_speedup()
    base = results[0]["words_per_second"]
    if args.json:
        print(json.dumps({"results": results, "cpu_loop_speedup_2_procs": round(headroom, 2)}, indent=2))
        return
    print(f"{'engine':<8}{'jobs':>5}{'docs':>7}{'words':>10}{'seconds':>9}{'words/s':>11}{'vs 1 proc':>11}")
    for r in results:
        print(
            f"{r['engine']:<8}{r['jobs']:>5}{r['documents']:>7}{r['words']:>10}{r['seconds']:>9.2f}"
            f"{r['words_per_second']:>11,}{r['words_per_second'] / base:>10.2f}×"
        )
    print(f"control: a pure CPU loop ran {headroom:.2f}× faster in 2 processes than in 1 (machine headroom)")


if __name__ == "__main__":
    main()
