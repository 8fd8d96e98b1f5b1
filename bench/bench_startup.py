"""CLI cold start: `commlint check one.md`, what a pre-commit hook pays on every commit.

    python bench/bench_startup.py [--runs 15] [--file PATH]

Each run is a fresh interpreter. Baselines measured in the same run, on the same machine:
`python -c pass` (interpreter start) and `python -c "import regex"` (the one heavy
dependency every lint needs). Results are medians of wall time and of the child's CPU
time (user + system, steady on a busy machine); ratios make machines comparable.
The first run of each command is a warm-up (OS file cache, commlint's pattern cache).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from prose import press_release


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_seconds(cmd: list[str], runs: int, cwd: str, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(median wall, median CPU) seconds of ``cmd`` over ``runs`` fresh processes."""
    env = {**os.environ, "NO_COLOR": "1"}
    wall, cpu = [], []
    for i in range(runs + 1):
        c0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed, used = time.perf_counter() - t0, _children_cpu() - c0
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
        if i:
            wall.append(elapsed)
            cpu.append(used)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--file", type=Path, help="lint this file instead of a generated 1,000-word draft")
    args = ap.parse_args()

    py = sys.executable
    script = shutil.which("commlint", path=str(Path(py).parent)) or shutil.which("commlint")
    with tempfile.TemporaryDirectory() as tmp:
        target = args.file.resolve() if args.file else Path(tmp) / "one.md"
        if not args.file:
            target.write_text(press_release(1000, seed=1), encoding="utf-8")
        rows = [
            ("python -c pass", [py, "-c", "pass"], (0,)),
            ('python -c "import regex"', [py, "-c", "import regex"], (0,)),
            (
                "python -m commlint check one.md",
                [py, "-m", "commlint", "check", str(target)],
                (0, 1),
            ),
        ]
        if script:
            rows.append(("commlint check one.md (console script)", [script, "check", str(target)], (0, 1)))
        results = [(label, median_seconds(cmd, args.runs, tmp, ok)) for label, cmd, ok in rows]
    (base, _), (regex_base, regex_cpu) = results[0][1], results[1][1]
    print(f"cold start, median of {args.runs} runs ({py}):")
    print(f"  {'command':<42} {'wall':>9} {'CPU':>9}   wall ratios")
    for label, (secs, cpu) in results:
        print(
            f"  {label:<42} {secs * 1000:6.1f} ms {cpu * 1000:6.1f} ms   "
            f"x{secs / base:4.1f} python  x{secs / regex_base:4.1f} import regex"
        )
    cli, cli_cpu = results[2][1]
    print(
        f"commlint over `import regex`: {(cli - regex_base) * 1000:.1f} ms wall, "
        f"{(cli_cpu - regex_cpu) * 1000:.1f} ms CPU (target: cold start <= 250 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
