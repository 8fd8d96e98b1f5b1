"""LSP latency: didChange -> publishDiagnostics on a 5,000-word Markdown draft, all built-in packs.

Starts ``python -m commlint lsp`` as an editor would (stdio), opens a generated press
release (bench/prose.py) of about 5,000 prose words with every built-in rule selected,
then sends one-word incremental edits, waiting each time for the diagnostics of exactly
that version. Reports p50/p95 with debounce 0 (the server's own cost: transport, lint,
positions, serialisation) and with the default debounce (what a typist sees after the last
keystroke). The server publishes the fast pass (sentence-local rules on the changed
blocks, other findings carried over) first; the full pass follows after a pause in typing,
so the bench also reports the in-process time of a full pass over the same text.
Target (issue 15): p95 <= 20 ms at debounce 0. Run from the repository root:

    python bench/bench_lsp.py [--words 5000] [--edits 60] [--default-edits 15] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from prose import press_release
from pygls.lsp.client import LanguageClient

from commlint.lsp.config import DEFAULT_DEBOUNCE_MS
from commlint.lsp.incremental import IncrementalLinter
from commlint.source.decode import Source

TARGET_P95_MS = 20.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Client(LanguageClient):
    """Records when each version's diagnostics arrive."""

    def __init__(self) -> None:
        super().__init__("commlint-bench", "1")
        self.arrived: dict[int, tuple[float, int]] = {}
        self.waiters: dict[int, asyncio.Future[None]] = {}

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(params: lsp.PublishDiagnosticsParams) -> None:
            if params.version is None:
                return
            self.arrived[params.version] = (time.perf_counter(), len(params.diagnostics))
            waiter = self.waiters.pop(params.version, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    async def version_published(self, version: int, timeout: float = 30) -> None:
        if version in self.arrived:
            return
        future = asyncio.get_running_loop().create_future()
        self.waiters[version] = future
        await asyncio.wait_for(future, timeout)


async def measure(root: Path, text: str, edits: int, debounce_ms: int) -> dict[str, Any]:
    client = Client()
    await client.start_io(sys.executable, "-m", "commlint", "lsp")
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=root.as_uri(),
            # The lint budget is a safety net, not what is measured: on a loaded machine the
            # first lint (a cold server) can pass the default 10 s, and the bench would then
            # time edits against a "not fully checked" notice.
            initialization_options={"commlint": {"debounceMs": debounce_ms, "lintBudgetMs": 120_000}},
        )
    )
    client.initialized(lsp.InitializedParams())
    uri = (root / "draft.md").as_uri()
    t_open = time.perf_counter()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    await client.version_published(1, timeout=120)
    first = (client.arrived[1][0] - t_open) * 1000
    findings = client.arrived[1][1]
    # Edit in the middle of the document: insert a word, then delete it again.
    lines = text.split("\n")
    line = next(i for i in range(len(lines) // 2, len(lines)) if len(lines[i]) > 20)
    latencies = []
    for n in range(edits):
        version = n + 2
        at = lsp.Position(line=line, character=0)
        change = (
            lsp.TextDocumentContentChangePartial(range=lsp.Range(start=at, end=at), text="Today ")
            if n % 2 == 0
            else lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=at, end=lsp.Position(line=line, character=6)), text=""
            )
        )
        t0 = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
            )
        )
        await client.version_published(version)
        latencies.append((client.arrived[version][0] - t0) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "debounce_ms": debounce_ms,
        "edits": edits,
        "findings": findings,
        "first_publish_ms": round(first, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=60, help="edits measured at debounce 0")
    ap.add_argument("--default-edits", type=int, default=15, help="edits measured at the default debounce")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from commlint.api import lint_result
    from commlint.config import Config
    from commlint.engine.linter import Linter

    text = press_release(args.words, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "commlint.toml").write_text('select = ["ALL"]\n', encoding="utf-8")
        path = str(root / "draft.md")
        sample = lint_result(text, path=path)
        linter = Linter(Config.from_file(root / "commlint.toml"))
        t0 = time.perf_counter()
        linter.lint(Source(text=text, path=path), "markdown")
        whole_ms = (time.perf_counter() - t0) * 1000
        inc = IncrementalLinter(linter)
        inc.full(text, path, "markdown")
        edited = text.replace("\n\n", "\n\nToday ", 1)
        t0 = time.perf_counter()
        inc.full(edited, path, "markdown")
        full_ms = (time.perf_counter() - t0) * 1000
        results = [asyncio.run(measure(root, text, args.edits, 0))]
        if args.default_edits:
            results.append(asyncio.run(measure(root, text, args.default_edits, DEFAULT_DEBOUNCE_MS)))
    if args.json:
        print(
            json.dumps(
                {
                    "words": sample.words,
                    "whole_lint_ms": round(whole_ms, 1),
                    "full_pass_ms": round(full_ms, 1),
                    "results": results,
                },
                indent=2,
            )
        )
    else:
        print(f"document: {sample.words} prose words, {len(sample.diagnostics)} findings, all built-in rules")
        print(
            f"in-process: one whole-document lint {whole_ms:.0f} ms; the server's full pass after a one-block "
            f"edit {full_ms:.0f} ms (runs after a pause in typing, not per keystroke)"
        )
        for r in results:
            print(
                f"debounce {r['debounce_ms']:>3} ms: didChange -> publishDiagnostics p50 {r['p50_ms']:.1f} ms, "
                f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms over {r['edits']} edits "
                f"(first publish after didOpen {r['first_publish_ms']:.0f} ms)"
            )
        verdict = "meets" if results[0]["p95_ms"] <= TARGET_P95_MS else "MISSES"
        print(f"p95 at debounce 0 {verdict} the {TARGET_P95_MS:.0f} ms target")
    return 0 if results[0]["p95_ms"] <= TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
