"""``commlint baseline build/show/list`` and the built-in baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from density_helpers import write_doc

from commlint.config import Config
from commlint.engine.linter import Linter

BUILTIN = REPO / "rules" / "baselines"


@pytest.fixture
def peers(tmp_path: Path) -> Path:
    """Four 1,000-word documents: 0 to 3 risk-family terms, plus one harm and one safeguard."""
    write_doc(tmp_path / "peers" / "p0.txt", 1000, [])
    write_doc(tmp_path / "peers" / "p1.txt", 1000, ["risk"])
    write_doc(tmp_path / "peers" / "p2.txt", 1000, ["risks", "harm"])
    write_doc(tmp_path / "peers" / "p3.md", 1000, ["risk", "risk", "safeguards"])
    return tmp_path / "peers"


def test_build_writes_counts_distribution_terms_lexicon_and_provenance(peers: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    r = run_cli("baseline", "build", "peers", str(peers), "-o", str(out), "--description", "four test notes")
    assert r.returncode == 0, r.stderr
    assert "4 documents, 4,000 words" in r.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "commlint-baseline/1" and data["name"] == "peers" and not data["aggregate_only"]
    assert (data["documents"], data["words"], data["count"], data["rate"]) == (4, 4000, 6, 1.5)
    # per-document rates 0, 1, 2, 3 per 1,000 words
    dist = data["distribution"]
    assert (
        dist["mean"],
        dist["median"],
        dist["p10"],
        dist["p25"],
        dist["p75"],
        dist["p90"],
        dist["p95"],
    ) == (1.5, 1.5, 0.3, 0.75, 2.25, 2.7, 2.85)
    assert dist["sd"] == pytest.approx(1.290994)
    assert data["families"]["risk"] == {"count": 4, "rate": 1.0}
    assert data["families"]["harm"] == {"count": 1, "rate": 0.25}
    assert data["terms"] == {
        "harm": {"count": 1, "rate": 0.25},
        "risk": {"count": 3, "rate": 0.75},
        "risks": {"count": 1, "rate": 0.25},
        "safeguards": {"count": 1, "rate": 0.25},
    }
    lexicon = Linter(Config.default()).lexicons["risk"]
    assert data["lexicon"] == {
        "name": "risk",
        "version": lexicon.version,
        "fingerprint": lexicon.fingerprint(),
    }
    prov = data["provenance"]
    assert prov["inputs"] == [str(peers)] and prov["description"] == "four test notes"
    assert prov["built_at"].startswith("20") and prov["built_with"].startswith("commlint ")
    assert [d["path"] for d in prov["documents"]] == [str(peers / f) for f in ("p0.txt", "p1.txt", "p2.txt", "p3.md")]
    assert [d["count"] for d in prov["documents"]] == [0, 1, 2, 3]


def test_show_prints_a_baseline_file_and_a_builtin(peers: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    run_cli("baseline", "build", "peers", str(peers), "-o", str(out))
    text = run_cli("baseline", "show", str(out)).stdout
    assert "baseline peers" in text and "documents:   4   words: 4,000" in text
    assert "median 1.50" in text and "p90 2.70" in text
    shown = json.loads(run_cli("baseline", "show", "product-announcements", "--format", "json").stdout)
    assert shown == json.loads((BUILTIN / "product-announcements.json").read_text())
    listing = run_cli("baseline", "list").stdout
    for name in ("ft-2026", "ai-lab-statements", "security-advisories", "product-announcements"):
        assert name in listing


def test_article_baseline_is_aggregate_only_and_cites_its_source() -> None:
    r = run_cli("baseline", "show", "ft-2026")
    assert r.returncode == 0
    assert "(aggregate only)" in r.stdout and "Financial Times" in r.stdout
    data = json.loads((BUILTIN / "ft-2026.json").read_text())
    assert data["aggregate_only"] is True and data["distribution"] is None and data["rate"] == 0.6
    groups = data["published"]["groups"]
    assert groups["Anthropic"] == {
        "rate": 5.0,
        "families": {"risk": 336, "safeguard": 121, "vulnerability": 128},
    }
    assert groups["OpenAI"] == {
        "rate": 0.6,
        "families": {"risk": 30, "safeguard": 33, "vulnerability": 10},
    }
    # Recorded against the three terms the FT named, so only ft-terms measurements compare.
    ft_terms = Linter(Config.default()).lexicons["ft-terms"]
    assert data["lexicon"]["name"] == "ft-terms"
    assert data["lexicon"]["fingerprint"] == ft_terms.fingerprint(), "ft-terms changed: update ft-2026's fingerprint"
    assert [f.name for f in ft_terms.families] == ["risk", "safeguard", "vulnerability"]


@pytest.mark.parametrize("name", ["ai-lab-statements", "security-advisories", "product-announcements"])
def test_distributional_builtins_hold_figures_and_sources_not_text(name: str) -> None:
    data = json.loads((BUILTIN / f"{name}.json").read_text())
    assert data["lexicon"]["fingerprint"] == Linter(Config.default()).lexicons["risk"].fingerprint(), (
        "the risk lexicon changed: rebuild the built-in baselines (docs/density.md)"
    )
    docs = data["provenance"]["documents"]
    assert len(docs) == data["documents"] and sum(d["words"] for d in docs) == data["words"]
    for d in docs:
        assert set(d) == {"path", "words", "count", "rate", "source"}
        assert set(d["source"]) == {"repo", "path", "commit", "description"} and len(d["source"]["commit"]) == 40


def test_builtin_rebuilds_identically_from_the_corpus(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    shipped = json.loads((BUILTIN / "product-announcements.json").read_text())
    r = run_cli(
        "baseline",
        "build",
        "product-announcements",
        "../shared/corpus/C",
        "-o",
        str(out),
        "--manifest",
        "../shared/corpus/MANIFEST.tsv",
        "--description",
        shipped["description"],
    )
    assert r.returncode == 0, r.stderr
    rebuilt = json.loads(out.read_text())
    for d in (rebuilt, shipped):
        d["provenance"].pop("built_at")
        d["provenance"].pop("built_with")
    assert rebuilt == shipped


def test_config_baseline_by_name(tmp_path: Path) -> None:
    (tmp_path / "commlint.toml").write_text('baseline = "ft-2026"\n[density]\nlexicon = "ft-terms"\n', encoding="utf-8")
    write_doc(tmp_path / "draft.txt", 300, ["risk", "harm", "safety", "risk", "safeguards"])
    r = run_cli("check", "draft.txt", "--select", "DEN101", cwd=tmp_path)
    assert "10.0 ft-terms terms per 1,000 words; peer rate 0.6 (baseline: ft-2026, aggregate only)" in r.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{", "not a baseline file (invalid JSON"),
        ('{"format": "other"}', 'not a baseline file (want "format": "commlint-baseline/1")'),
        ('{"format": "commlint-baseline/1", "rate": 1.0}', "'distribution' needs median and p90"),
    ],
)
def test_bad_baseline_file_is_one_line(content: str, needle: str, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(content, encoding="utf-8")
    for args in (("baseline", "show", "b.json"), ("check", "x.txt", "--baseline", "b.json")):
        write_doc(tmp_path / "x.txt", 10, [])
        r = run_cli(*args, cwd=tmp_path)
        assert r.returncode == 2 and needle in r.stderr and str(Path("b.json")) in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_build_errors_are_one_line(tmp_path: Path) -> None:
    r = run_cli("baseline", "build", "x", "nope", "-o", "x.json", cwd=tmp_path)
    assert r.returncode == 2 and "nope: no such file or directory" in r.stderr
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 risk\n")
    r = run_cli("baseline", "build", "x", "bad.txt", "-o", "x.json", "--jobs", "2", cwd=tmp_path)
    assert r.returncode == 2 and "bad.txt: not valid UTF-8" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run_cli("baseline", cwd=tmp_path)
    assert r.returncode == 2 and "give an action" in r.stderr
