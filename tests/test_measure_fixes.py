"""bench/measure_fixes.py runs and its figures add up (on a tiny shared/ of its own)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_measure_fixes_figures_add_up(tmp_path: Path):
    pytest.importorskip("harper")
    shared = tmp_path / "shared"
    (shared / "eval").mkdir(parents=True)
    rows = [
        {"id": "t1", "text": "Our AI is totally secure and cannot be hacked.", "flag": True, "kind": "absolute"},
        {"id": "t2", "text": "We shipped a new search feature today.", "flag": False, "kind": "neutral"},
    ]
    (shared / "eval" / "labeled-sentences.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    for group in ("A", "B"):
        (shared / "corpus" / group).mkdir(parents=True)
    (shared / "corpus" / "A" / "a.md").write_text("# News\n\nOur vault is totally secure.\n")
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "measure_fixes.py"), "--shared", str(shared), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    runs = json.loads(proc.stdout)
    assert set(runs) == {
        "no-validator/fix",
        "no-validator/fix+unsafe",
        "harper-validated/fix",
        "harper-validated/fix+unsafe",
    }
    for run in runs.values():
        for part in ("labeled", "corpus_AB"):
            r = run[part]
            assert r["fixes_applied"] == r["fixes_harper_clean"] + sum(r["harper_problems_by_rule"].values())
            assert r["fixes_applied"] == sum(r["fixes_by_rule"].values())
        lab = run["labeled"]
        assert lab["sentences"] == 2 and 0 <= lab["left_clean"] <= lab["flagged"] <= 2
