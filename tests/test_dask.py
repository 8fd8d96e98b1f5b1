"""The Dask engine on a LocalCluster gives exactly the local engine's results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from density_helpers import write_doc

pytest.importorskip("distributed")
# Each test starts a LocalCluster (a few seconds).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dcorpus")
    terms = ["risk", "harm", "safety", "vulnerability", "exploits", "safeguard"]
    for i in range(24):
        write_doc(
            root / f"sub{i % 3}" / f"d{i:02d}.{'md' if i % 2 else 'txt'}",
            200 + 37 * i,
            terms[: i % 7],
        )
    return root


def _without_timestamp(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    data["provenance"].pop("built_at")
    return data


def test_baseline_build_dask_equals_local(corpus: Path, tmp_path: Path) -> None:
    local, dask = tmp_path / "local.json", tmp_path / "dask.json"
    r1 = run_cli("baseline", "build", "x", str(corpus), "-o", str(local), "--jobs", "2")
    r2 = run_cli("baseline", "build", "x", str(corpus), "-o", str(dask), "--engine", "dask", "--jobs", "2")
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    assert _without_timestamp(local) == _without_timestamp(dask)
    assert json.loads(dask.read_text())["documents"] == 24


def test_stats_dask_equals_local_and_reads_fsspec_urls(corpus: Path) -> None:
    args = ("stats", str(corpus / "sub0"), "--vs", str(corpus / "sub1"), "--format", "json")
    local = json.loads(run_cli(*args).stdout)
    r = run_cli(*args, "--engine", "dask")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == local
    url = run_cli("stats", f"file://{corpus / 'sub0'}", "--engine", "dask", "--format", "json")
    assert url.returncode == 0, url.stderr
    group = json.loads(url.stdout)["groups"][0]
    assert group["lexicons"] == local["groups"][0]["lexicons"]
    assert all(d["path"].startswith("file://") for d in group["per_document"])


def test_dask_errors_are_one_line(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff risk\n")
    r = run_cli("stats", str(tmp_path), "--engine", "dask")
    assert r.returncode == 2 and "bad.txt: not valid UTF-8" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run_cli("stats", f"file://{corpus}/sub0")
    assert r.returncode == 2 and "URLs need --engine dask" in r.stderr


def test_builtin_corpus_baseline_dask_equals_local(shared: Path, tmp_path: Path) -> None:
    local, dask = tmp_path / "local.json", tmp_path / "dask.json"
    src = str(shared / "corpus" / "C")
    run_cli("baseline", "build", "c", src, "-o", str(local))
    run_cli("baseline", "build", "c", src, "-o", str(dask), "--engine", "dask")
    assert _without_timestamp(local) == _without_timestamp(dask)
