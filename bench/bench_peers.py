"""commlint beside its peers, proselint and write-good, measured in the same run.

    python bench/bench_peers.py [--rounds 5] [--copies 40] [--only cold,first,inproc,corpus,lsp]

The peers are installed on first use into ``bench/.venv-peers`` (``--peers DIR`` to put
them elsewhere): proselint from PyPI into a venv of its own, write-good from npm; neither
goes near commlint's own environment. Each figure is taken round-robin (every tool once per
round, in a rotating order) and given as the median of the per-round ratios, with the load
average before and after, so figures from a busy machine stay comparable.

- ``cold``: ``check`` on one generated 1,000-word Markdown draft, a fresh process each time
  (the pattern cache warm), with the learned sentence layer on (the default).
- ``first``: the same with an empty user cache: the first run after installing.
- ``inproc``: lint time per 1,000 words in one process, on drafts it has not seen (CPU time
  of the lint calls only; set-up excluded on both sides).
- ``corpus``: whole process on ``--copies`` copies of ``../shared/corpus`` (skipped when
  absent): words per second pinned to one core (``taskset -c 0``), ``--jobs 2`` against
  ``--jobs 1`` unpinned, and the peak memory of the process tree.
- ``lsp``: ``bench_lsp.py``'s didChange -> publish p95 on 5,000 words (no peer has an LSP), run
  with its defaults (300 measured edits after 10 unmeasured, its raw JSON-RPC client) by the
  Python under test, so the figure is the one ``python bench/bench_lsp.py`` reports.

Run with the interpreter whose ``commlint`` you want to measure, from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prose import press_release

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = REPO.parent / "shared" / "corpus"
PROSELINT, WRITE_GOOD = "proselint==0.16.0", "write-good@1.0.8"
PY = sys.executable
# Installed Python packages have their bytecode compiled at install time; a shell that sets
# this would make every tool recompile its sources on each start instead.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


# -- the peers --------------------------------------------------------------------------
def ensure_peers(folder: Path) -> dict[str, Path]:
    """Install proselint (its own venv) and write-good (npm) under ``folder`` if missing."""
    py = folder / "py" / "bin" / "python"
    if not (folder / "py" / "bin" / "proselint").exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder / "py")], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", PROSELINT], check=True)
    wg = folder / "npm" / "node_modules" / ".bin" / "write-good"
    if not wg.exists():
        subprocess.run(["npm", "install", "--silent", "--prefix", str(folder / "npm"), WRITE_GOOD], check=True)
    return {"proselint": folder / "py" / "bin" / "proselint", "peer-python": py, "write-good": wg}


def install_wheel(folder: Path) -> None:
    """Build a wheel of this checkout and install it into a venv of its own under ``folder``;
    the figures are then those of what a user installs (compiled patterns included)."""
    global PY
    dist, venv = folder / "dist", folder / "commlint"
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)], check=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    wheel = next(dist.glob("commlint-*.whl"))
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"{wheel}[lsp]"], check=True)
    PY = str(venv / "bin" / "python")
    os.environ.pop("PYTHONPATH", None)  # the installed copy, not this checkout


def commlint_cmd() -> list[str]:
    script = shutil.which("commlint", path=str(Path(PY).parent))
    return [script] if script else [PY, "-m", "commlint"]


# -- process measurement ----------------------------------------------------------------
def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 once gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_measured(
    cmd: list[str], env: dict[str, str] | None = None, sample: bool = False, ok: tuple[int, ...] | None = (0, 1)
) -> dict[str, float]:
    """Wall seconds, child CPU seconds, and peak RSS (own maxrss; whole tree when ``sample``)."""
    # stderr to a file, not a pipe: a chatty tool cannot block on it
    with tempfile.TemporaryFile() as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while True:  # wait4, not poll(): the child's own resource usage comes with its exit status
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if sample else 0)
            if pid:
                break
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if ok is not None and proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:6])} ... exited {proc.returncode}: {err[-600:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": max(peak, usage.ru_maxrss * 1024),
    }


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def round_robin(
    tools: dict[str, Callable[[int], dict[str, float]]], rounds: int, warmup: bool = True
) -> dict[str, list[dict[str, float]]]:
    """Run each tool once per round, rotating the order; the first round is a warm-up."""
    names = list(tools)
    out: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for r in range(rounds + (1 if warmup else 0)):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            result = tools[name](r)
            if r or not warmup:
                out[name].append(result)
    return out


def ratio(results: dict[str, list[dict[str, float]]], a: str, b: str, key: str = "wall") -> float:
    """Median over rounds of a's figure over b's (times: lower is better; rates: higher)."""
    return statistics.median(x[key] / y[key] for x, y in zip(results[a], results[b], strict=True))


def med(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


# -- the figures ------------------------------------------------------------------------
def cold(peers: dict[str, Path], rounds: int, tmp: Path, first: bool) -> dict[str, Any]:
    draft = tmp / "one.md"
    draft.write_text(press_release(1000, seed=1), encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    caches = tmp / "caches"

    def commlint(r: int) -> dict[str, float]:
        # A cache of its own, filled by the warm-up round: on a shared machine, runs of other
        # commlint versions rewrite ~/.cache/commlint and drop the records they do not use.
        run_env = {**env, "COMMLINT_CACHE_DIR": str(caches / "warm")}
        if first:  # a cache folder nobody has used: what the first run after installing sees
            run_env = {**env, "XDG_CACHE_HOME": str(caches / str(r)), "COMMLINT_CACHE_DIR": ""}
            run_env.pop("COMMLINT_CACHE_DIR")
        return run_measured([*commlint_cmd(), "check", str(draft)], run_env)

    tools = {
        "commlint": commlint,
        "proselint": lambda r: run_measured([str(peers["proselint"]), "check", str(draft)], env, ok=None),
        "write-good": lambda r: run_measured([str(peers["write-good"]), str(draft)], env, ok=None),
    }
    before = load()
    res = round_robin(tools, rounds)
    words = len(draft.read_text(encoding="utf-8").split())
    return {
        "figure": "cold start, `check` on one file" + (" (first run after install)" if first else ""),
        "words": words,
        "ms": {n: round(med(v, "wall") * 1000, 1) for n, v in res.items()},
        "cpu_ms": {n: round(med(v, "cpu") * 1000, 1) for n, v in res.items()},
        "ratio_proselint": round(ratio(res, "commlint", "proselint"), 3),
        "ratio_write_good": round(ratio(res, "commlint", "write-good"), 3),
        "cpu_ratio_proselint": round(ratio(res, "commlint", "proselint", "cpu"), 3),
        "target": "<= 0.8x proselint",
        "load": f"{before} -> {load()}",
    }


INPROC_COMMLINT = """
import json, sys, time
from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.source.decode import decode
docs = json.load(open(sys.argv[1]))
linter = Linter(Config.default())
linter.lint(decode(docs[0].encode(), "warm.md"))
cpu = 0.0
for i, text in enumerate(docs[1:]):
    source = decode(text.encode(), f"d{i}.md")
    c0 = time.process_time(); linter.lint(source); cpu += time.process_time() - c0
print(json.dumps({"cpu": cpu, "words": sum(len(t.split()) for t in docs[1:])}))
"""

INPROC_PROSELINT = """
import json, sys, time
from proselint.checks import __register__
from proselint.config import DEFAULT
from proselint.registry import CheckRegistry
from proselint.tools import LintFile
CheckRegistry().register_many(__register__)
docs = json.load(open(sys.argv[1]))
LintFile("warm.md", docs[0]).lint(DEFAULT)
cpu = 0.0
for i, text in enumerate(docs[1:]):
    c0 = time.process_time(); LintFile(f"d{i}.md", text).lint(DEFAULT); cpu += time.process_time() - c0
print(json.dumps({"cpu": cpu, "words": sum(len(t.split()) for t in docs[1:])}))
"""


def inproc(peers: dict[str, Path], rounds: int, tmp: Path, docs: int) -> dict[str, Any]:
    def runner(python: str, script: str) -> Callable[[int], dict[str, float]]:
        def go(r: int) -> dict[str, float]:
            batch = tmp / f"docs{r}.json"
            if not batch.exists():  # fresh drafts each round, the same for both tools
                texts = [press_release(1000, seed=10_000 + r * (docs + 1) + i) for i in range(docs + 1)]
                batch.write_text(json.dumps(texts), encoding="utf-8")
            out = subprocess.run(
                [python, "-c", script, str(batch)], capture_output=True, text=True, check=True, cwd=tmp
            )
            got = json.loads(out.stdout.strip().splitlines()[-1])
            return {"ms_per_1000": got["cpu"] * 1000 * 1000 / got["words"]}

        return go

    before = load()
    res = round_robin(
        {"commlint": runner(PY, INPROC_COMMLINT), "proselint": runner(str(peers["peer-python"]), INPROC_PROSELINT)},
        rounds,
        warmup=False,
    )
    return {
        "figure": "in process, CPU ms per 1,000 words of fresh text",
        "ms_per_1000": {n: round(med(v, "ms_per_1000"), 2) for n, v in res.items()},
        "ratio_proselint": round(ratio(res, "commlint", "proselint", "ms_per_1000"), 3),
        "target": "<= 0.3x proselint",
        "load": f"{before} -> {load()}",
    }


def corpus(peers: dict[str, Path], rounds: int, tmp: Path, copies: int) -> dict[str, Any] | None:
    if not CORPUS.is_dir():
        print(f"corpus: {CORPUS} absent, skipped", file=sys.stderr)
        return None
    files = sorted(p for p in CORPUS.rglob("*.md") if p.name != "README.md")
    root = tmp / "corpus"
    words = 0
    for c in range(copies):
        for f in files:
            dest = root / f"copy{c:02d}" / f.relative_to(CORPUS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
            words += len(f.read_text(encoding="utf-8").split())
    all_files = sorted(str(p) for p in root.rglob("*.md"))
    env = {**os.environ, "NO_COLOR": "1"}
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []

    def tool(cmd: list[str], ok: tuple[int, ...] | None = (0, 1)) -> Callable[[int], dict[str, float]]:
        return lambda r: run_measured(cmd, env, sample=True, ok=ok)

    # One unmeasured check first, so the first measured run does not build the user's pattern
    # cache for a newly installed commlint (the rounds have no warm-up: each is a whole corpus).
    run_measured([*commlint_cmd(), "check", all_files[0]], env)
    before = load()
    res = round_robin(
        {
            "commlint --jobs 1 (1 core)": tool([*pin, *commlint_cmd(), "check", "--jobs", "1", str(root)]),
            "proselint (1 core)": tool([*pin, str(peers["proselint"]), "check", str(root)], None),
            "write-good (1 core)": tool([*pin, str(peers["write-good"]), *all_files], None),
            "commlint --jobs 1": tool([*commlint_cmd(), "check", "--jobs", "1", str(root)]),
            "commlint --jobs 2": tool([*commlint_cmd(), "check", "--jobs", "2", str(root)]),
        },
        rounds,
        warmup=False,
    )
    for rows in res.values():
        for row in rows:
            row["rate"] = words / row["wall"]
    one = "commlint --jobs 1 (1 core)"
    return {
        "figure": f"whole process, {copies} copies of ../shared/corpus ({len(all_files)} files, {words} words)",
        "words_per_s": {n: round(med(v, "rate")) for n, v in res.items()},
        "cpu_s": {n: round(med(v, "cpu"), 1) for n, v in res.items()},
        "peak_mib": {n: round(max(r["rss"] for r in v) / 2**20, 1) for n, v in res.items()},
        "ratio_proselint": round(ratio(res, one, "proselint (1 core)", "rate"), 3),
        "ratio_write_good": round(ratio(res, one, "write-good (1 core)", "rate"), 3),
        "jobs2_over_jobs1": round(ratio(res, "commlint --jobs 2", "commlint --jobs 1", "rate"), 3),
        "target": ">= 2x each peer on one core; --jobs 2 >= 1.7x --jobs 1; peak <= 150 MiB",
        "load": f"{before} -> {load()}",
    }


def lsp() -> dict[str, Any]:
    before = load()
    # bench_lsp's defaults, as its own runs in bench/README use them: the same measure
    out = subprocess.run([PY, str(BENCH / "bench_lsp.py"), "--json"], capture_output=True, text=True, cwd=REPO)
    if "{" not in out.stdout:  # it exits 1 when its own target is missed, with the figures
        raise SystemExit(f"bench_lsp.py failed: {out.stderr[-600:]}")
    got = json.loads(out.stdout[out.stdout.index("{") :])
    return {
        "figure": "LSP didChange -> publish, 5,000 words",
        "result": got,
        "target": "p95 <= 20 ms",
        "load": f"{before} -> {load()}",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--corpus-rounds", type=int, default=2)
    ap.add_argument("--copies", type=int, default=40)
    ap.add_argument("--docs", type=int, default=10, help="fresh 1,000-word drafts per in-process round")
    ap.add_argument("--peers", type=Path, default=BENCH / ".venv-peers")
    ap.add_argument("--only", default="cold,first,inproc,corpus,lsp")
    ap.add_argument(
        "--wheel", action="store_true", help="measure a wheel built from this checkout, installed in a venv of its own"
    )
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    want = set(args.only.split(","))
    peers = ensure_peers(args.peers)
    if args.wheel:
        install_wheel(args.peers)
    figures = []
    print(f"commlint: {' '.join(commlint_cmd())}; load {load()}; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        steps: list[tuple[str, Callable[[], dict[str, Any] | None]]] = [
            ("cold", lambda: cold(peers, args.rounds, tmp, first=False)),
            ("first", lambda: cold(peers, args.rounds, tmp, first=True)),
            ("inproc", lambda: inproc(peers, args.rounds, tmp, args.docs)),
            ("corpus", lambda: corpus(peers, args.corpus_rounds, tmp, args.copies)),
            ("lsp", lsp),
        ]
        for key, step in steps:
            if key in want:
                figure = step()
                if figure:
                    figures.append(figure)
                    print(json.dumps(figure, indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
