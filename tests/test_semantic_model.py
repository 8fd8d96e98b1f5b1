"""The committed semantic model is the one its training data builds (a reproducible rebuild)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from commlint.semantic.model import model_dir

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

pytest.importorskip("wordllama", reason="the rebuild needs the train extra (pip install -e '.[train]')")
pytest.importorskip("scipy", reason="the rebuild needs the train extra (pip install -e '.[train]')")


@pytest.mark.slow
def test_committed_model_matches_a_rebuild_from_its_data(tmp_path: Path) -> None:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus is not present: the model also trains on its neutral sentences")
    proc = subprocess.run(
        [sys.executable, "-m", "commlint.semantic.train", "--out", str(tmp_path), "--shared", str(SHARED)],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    built = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    committed = json.loads((model_dir() / "model.json").read_text(encoding="utf-8"))
    assert built["training"]["data_sha256"] == committed["training"]["data_sha256"], "training data changed: retrain"
    assert built["embedding"] == committed["embedding"], "embedding weights changed: retrain"
    assert built["thresholds"] == committed["thresholds"]
    assert built["tables_sha256"] == committed["tables_sha256"]
    assert (tmp_path / "model.bin").read_bytes() == (model_dir() / "model.bin").read_bytes()
