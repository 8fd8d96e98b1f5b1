"""``commlint stats``: the FT-style table, its three formats, and the article's own numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli
from density_helpers import write_doc, write_group

# The FT's published 2026 counts (Anthropic vs OpenAI) and rates per 1,000 words.
ARTICLE_A = {"risk": 336, "safeguard": 121, "vulnerability": 128}
ARTICLE_B = {"risk": 30, "safeguard": 33, "vulnerability": 10}


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two folders written so that their counts and rates are the article's."""
    root = tmp_path_factory.mktemp("article")
    # 585 terms in 117,000 words is 5.0 per 1,000; 73 in 121,667 is 0.6.
    write_group(root / "anthropic", ARTICLE_A, 117_000, 6)
    write_group(root / "openai", ARTICLE_B, 121_667, 6)
    return root


def _row(text: str, label: str) -> list[str]:
    """The cells after ``label`` on the first text-table line that starts with it."""
    for line in text.splitlines():
        if line.startswith(label + "  "):
            return line[len(label) :].split()
    raise AssertionError(f"no row {label!r} in:\n{text}")


def test_text_table_prints_the_articles_counts(article: Path) -> None:
    r = run_cli(
        "stats",
        str(article / "anthropic"),
        "--vs",
        str(article / "openai"),
        "--label",
        "Anthropic",
        "--label",
        "OpenAI",
    )
    assert r.returncode == 0, r.stderr
    assert "Anthropic/OpenAI" in r.stdout
    risk = _row(r.stdout, "risk")
    assert risk[0] == "336" and risk[3] == "30"
    assert _row(r.stdout, "safeguard")[0] == "121" and _row(r.stdout, "safeguard")[3] == "33"
    assert _row(r.stdout, "vulnerability")[0] == "128" and _row(r.stdout, "vulnerability")[3] == "10"
    total = _row(r.stdout, "all risk terms")
    assert (total[0], total[1], total[3], total[4], total[6]) == ("585", "5.00", "73", "0.60", "8.33×")
    assert _row(r.stdout, "documents") == ["6", "6"]
    # Thousands are grouped in every text table.
    assert _row(r.stdout, "prose words") == ["117,000", "121,667"]
    # risk: (336/117000) / (30/121667) = 11.65
    assert risk[6] == "11.65×"
    assert _row(r.stdout, "threat")[-2:] == ["-", "-"]


def test_json_and_csv_carry_the_same_numbers(article: Path) -> None:
    args = ("stats", str(article / "anthropic"), "--vs", str(article / "openai"))
    data = json.loads(run_cli(*args, "--format", "json").stdout)
    a, b = data["groups"]
    assert (a["label"], b["label"]) == ("anthropic", "openai")
    for fam, n in ARTICLE_A.items():
        assert a["lexicons"]["risk"]["families"][fam]["count"] == n
    for fam, n in ARTICLE_B.items():
        assert b["lexicons"]["risk"]["families"][fam]["count"] == n
    assert (a["lexicons"]["risk"]["all"]["count"], a["lexicons"]["risk"]["all"]["rate"]) == (585, 5.0)
    assert b["lexicons"]["risk"]["all"]["rate"] == pytest.approx(0.6, abs=1e-5)
    assert data["ratio"]["lexicons"]["risk"]["all"]["ratio"] == pytest.approx(5.0 / (73 * 1000 / 121_667), rel=1e-5)
    assert data["ratio"]["lexicons"]["risk"]["families"]["threat"]["ratio"] is None
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv").stdout)))
    by_family = {r["family"]: r for r in rows if r["lexicon"] == "risk"}
    assert by_family["vulnerability"]["anthropic_count"] == "128"
    assert by_family["vulnerability"]["openai_count"] == "10"
    assert by_family["ALL"]["anthropic_rate"] == "5.0000"
    assert by_family["ALL"]["anthropic_words"] == "117000"  # CSV numbers are plain
    assert float(by_family["ALL"]["ratio_anthropic/openai"]) == pytest.approx(8.33, abs=0.01)


def test_jobs_gives_the_same_table(article: Path) -> None:
    args = (
        "stats",
        str(article / "anthropic"),
        "--vs",
        str(article / "openai"),
        "--format",
        "json",
    )
    one = json.loads(run_cli(*args).stdout)
    two = json.loads(run_cli(*args, "--jobs", "2").stdout)
    assert one == two


def test_several_lexicons_side_by_side_and_short_document_interval(tmp_path: Path) -> None:
    write_doc(tmp_path / "short.txt", 100, ["risk", "dual-use", "harm"])
    r = run_cli("stats", str(tmp_path), "--lexicon", "risk", "--lexicon", "capability", "--format", "json")
    assert r.returncode == 0, r.stderr
    group = json.loads(r.stdout)["groups"][0]
    # One document: every resample is that document, so the interval is the rate itself.
    assert group["lexicons"]["risk"]["all"] == {"count": 2, "rate": 20.0, "low": 20.0, "high": 20.0}
    assert group["lexicons"]["capability"]["all"] == {"count": 1, "rate": 10.0, "low": 10.0, "high": 10.0}
    interval = group["per_document"][0]["interval"]
    # Exact Poisson 95% interval for 2 events is 0.2422-7.2247; per 1,000 of 100 words x10.
    assert interval["low"] == pytest.approx(2.422, abs=1e-3)
    assert interval["high"] == pytest.approx(72.247, abs=1e-2)
    assert "No group B" not in r.stdout and "ratio" not in json.loads(r.stdout)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("stats", "no/such/folder"), "no/such/folder: no such file or directory"),
        (("stats", ".", "--label", "a", "--label", "b"), "2 --label values for 1 group"),
        (("stats", ".", "--scheduler", "tcp://127.0.0.1:1"), "--scheduler needs --engine dask"),
        (("stats", ".", "--lexicon", "nosuch"), "unknown lexicon 'nosuch'"),
        (("stats", ".", "--jobs", "0"), "--jobs must be at least 1"),
    ],
)
def test_bad_input_is_one_line(args: tuple[str, ...], needle: str, tmp_path: Path) -> None:
    write_doc(tmp_path / "a.txt", 20, [])
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_corpus_a_is_far_denser_than_c(shared: Path) -> None:
    r = run_cli(
        "stats",
        str(shared / "corpus" / "A"),
        "--vs",
        str(shared / "corpus" / "C"),
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    a, c = (g["lexicons"]["risk"]["all"]["rate"] for g in data["groups"])
    assert a > 5 * c and a > 5.0
    assert data["groups"][0]["documents"] == 13 and data["groups"][1]["documents"] == 8
    text = run_cli("stats", str(shared / "corpus" / "A"), "--vs", str(shared / "corpus" / "C")).stdout
    assert "all risk terms" in text and "A/C" in text


def test_progress_falls_back_to_a_plain_line_without_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from commlint.density.progress import Progress

    monkeypatch.setitem(sys.modules, "rich.progress", None)  # as if the rich extra were missing
    stream = io.StringIO()
    bar = Progress(4, enabled=True, stream=stream)
    bar.advance(1)
    bar.advance(3)
    bar.close()
    assert "1/4 documents" in stream.getvalue() and "4/4 documents" in stream.getvalue()
    silent = io.StringIO()
    Progress(4, stream=silent).advance(4)  # not a terminal: nothing
    assert silent.getvalue() == ""
