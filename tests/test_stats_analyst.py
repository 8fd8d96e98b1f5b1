"""``commlint stats`` for an analyst: intervals, every table, every hit, grouping, the report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli
from density_helpers import write_doc


def _json(*args: str, cwd: Path | None = None) -> dict:
    r = run_cli("stats", *args, "--format", "json", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def even(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two groups whose documents each have the same rate: 4 and 2 per 1,000 words."""
    root = tmp_path_factory.mktemp("even")
    for i in range(5):
        write_doc(root / "north" / f"n{i}.txt", 500, ["risk", "harm"])
        write_doc(root / "south" / f"s{i}.txt", 1000, ["risk", "harm"])
    return root


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two groups with a dated manifest: uneven documents, so intervals are wide."""
    root = tmp_path_factory.mktemp("mixed")
    rows = ["file\tdate\ttype"]
    for i, terms in enumerate([[], ["risk"] * 6, ["harm"], [], ["threat", "risk"]]):
        write_doc(root / "north" / f"n{i}.txt", 400, terms)
        rows.append(f"north/n{i}.txt\t{2024 + i % 2}-0{i + 1}-10\tpost")
    for i, terms in enumerate([["risk"], [], ["safety", "harm", "risk"], ["danger"]]):
        write_doc(root / "south" / f"s{i}.txt", 400, terms)
        rows.append(f"south/s{i}.txt\t{2024 + i % 2}-0{i + 1}-12\t{'post' if i else 'policy'}")
    write_doc(root / "south" / "unlisted.txt", 400, ["risk"])
    (root / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


# -- intervals ------------------------------------------------------------------------------
def test_documents_with_equal_rates_give_a_point_interval_and_an_exact_ratio(even: Path) -> None:
    data = _json(str(even / "north"), "--vs", str(even / "south"))
    north, south = (g["lexicons"]["risk"]["all"] for g in data["groups"])
    assert (north["rate"], north["low"], north["high"]) == (4.0, 4.0, 4.0)
    assert (south["rate"], south["low"], south["high"]) == (2.0, 2.0, 2.0)
    ratio = data["ratio"]["lexicons"]["risk"]["all"]
    assert (ratio["ratio"], ratio["low"], ratio["high"], ratio["includes_one"]) == (2.0, 2.0, 2.0, False)


def test_the_bootstrap_is_seeded_and_deterministic(tmp_path: Path) -> None:
    for i in range(30):
        write_doc(tmp_path / "north" / f"n{i}.txt", 200 + 10 * i, ["risk"] * (i % 4))
        write_doc(tmp_path / "south" / f"s{i}.txt", 300, ["harm"] * (i % 3))
    args = (str(tmp_path / "north"), "--vs", str(tmp_path / "south"), "--resamples", "500")
    one, two = _json(*args), _json(*args)
    assert one == two
    other = _json(*args, "--seed", "7")
    assert other["bootstrap"]["seed"] == 7
    a, b = one["groups"][0]["lexicons"]["risk"]["all"], other["groups"][0]["lexicons"]["risk"]["all"]
    assert a["rate"] == b["rate"] and (a["low"], a["high"]) != (b["low"], b["high"])
    assert a["low"] <= a["rate"] <= a["high"]


def test_text_says_plainly_whether_the_ratio_interval_includes_one(mixed: Path, even: Path) -> None:
    wide = run_cli("stats", str(mixed / "north"), "--vs", str(mixed / "south"))
    assert "The interval includes 1: these documents do not show that north uses these terms" in wide.stdout
    tight = run_cli("stats", str(even / "north"), "--vs", str(even / "south"))
    assert "Ratio north/south: 2.00× (95% interval 2.00–2.00). The interval excludes 1" in tight.stdout


def test_groups_table_has_counts_words_median_p90_and_top_share(mixed: Path) -> None:
    data = _json(str(mixed / "north"), "--vs", str(mixed / "south"))
    north = data["groups"][0]["lexicons"]["risk"]
    # Per-document rates 0, 15, 2.5, 0, 5 per 1,000 words.
    assert (north["median"], north["p90"]) == (2.5, 11.0)
    assert (north["top_documents"], north["top_share"]) == (5, 1.0)
    text = run_cli("stats", str(mixed / "north"), "--vs", str(mixed / "south")).stdout
    assert "median document rate" in text and "share held by top 5 documents" in text


# -- every table ----------------------------------------------------------------------------
def test_every_term_is_listed_in_text_csv_and_json(mixed: Path) -> None:
    args = ("stats", str(mixed / "north"), "--vs", str(mixed / "south"))
    terms = {r["term"]: r for r in _json(*args[1:])["terms"]["risk"]}
    assert set(terms) == {"risk", "harm", "threat", "safety", "danger"}
    assert terms["risk"]["counts"] == [7, 3] and terms["risk"]["family"] == "risk"
    text = run_cli(*args).stdout
    assert "Every counted term (5)" in text
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv", "--table", "terms").stdout)))
    assert {r["term"] for r in rows} == set(terms)
    assert next(r for r in rows if r["term"] == "danger")["south_count"] == "1"


def test_per_document_table_in_text_and_csv(mixed: Path) -> None:
    args = ("stats", str(mixed / "north"), "--vs", str(mixed / "south"), "--label", "N", "--label", "S")
    text = run_cli(*args, "--table", "documents").stdout
    assert "Documents by risk terms" in text and "n1.txt" in text and "unlisted.txt" in text
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv", "--table", "documents").stdout)))
    assert len(rows) == 10
    n1 = next(r for r in rows if r["path"].endswith("n1.txt"))
    assert (n1["group"], n1["words"], n1["risk_count"], n1["risk_risk"]) == ("N", "400", "6", "6")


def test_labels_name_every_column(mixed: Path) -> None:
    args = ("stats", str(mixed / "north"), "--vs", str(mixed / "south"), "--label", "N", "--label", "S")
    header = run_cli(*args, "--format", "csv").stdout.splitlines()[0]
    assert "N_count" in header and "S_rate" in header and "ratio_N/S" in header
    assert "N/S" in run_cli(*args).stdout.splitlines()[2]
    # Labels name the columns only: the seeded intervals do not move with them.
    named = _json(*args[1:])["groups"][0]["lexicons"]["risk"]["all"]
    plain = _json(str(mixed / "north"), "--vs", str(mixed / "south"))["groups"][0]["lexicons"]["risk"]["all"]
    assert named == plain


def test_csv_holds_one_table(mixed: Path) -> None:
    r = run_cli("stats", str(mixed / "north"), "--format", "csv", "--table", "terms", "--table", "groups")
    assert r.returncode == 2 and "CSV holds one table" in r.stderr


# -- every hit ------------------------------------------------------------------------------
def test_hits_list_every_occurrence_with_position_and_sentence(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# Notes\n\nWe ship today. The risk is small, and the harm is\nsmaller. Our gpt-oss-safeguard model helps.\n",
        encoding="utf-8",
    )
    text = run_cli("stats", "a.md", "--hits", cwd=tmp_path).stdout
    assert text.splitlines()[:2] == [
        "a.md:3:20: risk [risk] The risk is small, and the harm is smaller.",
        "a.md:3:43: harm [harm] The risk is small, and the harm is smaller.",
    ]
    assert "2 counted hits in 1 documents" in text
    rows = list(csv.DictReader(io.StringIO(run_cli("stats", "a.md", "--hits", "--format", "csv", cwd=tmp_path).stdout)))
    assert [(r["line"], r["col"], r["family"]) for r in rows] == [("3", "20", "risk"), ("3", "43", "harm")]
    data = json.loads(run_cli("stats", "a.md", "--hits", "--excluded", "--format", "json", cwd=tmp_path).stdout)
    excluded = [h for h in data["hits"] if h["excluded_by"]]
    assert [(h["line"], h["col"], h["excluded_by"]) for h in excluded] == [(4, 22, "name 'gpt-oss-safeguard'")]
    risk = data["hits"][0]
    assert risk["sentence"][risk["mark"][0] : risk["mark"][1]] == "risk"
    only_harm = run_cli("stats", "a.md", "--hits", "--family", "harm", cwd=tmp_path).stdout
    assert only_harm.count("[harm]") == 1 and "[risk]" not in only_harm


def test_hit_options_need_hits(tmp_path: Path) -> None:
    write_doc(tmp_path / "a.txt", 20, [])
    r = run_cli("stats", "a.txt", "--family", "risk", cwd=tmp_path)
    assert r.returncode == 2 and "go with --hits" in r.stderr
    r = run_cli("stats", "a.txt", "--hits", "--family", "nosuch", cwd=tmp_path)
    assert r.returncode == 2 and "no family 'nosuch'" in r.stderr and len(r.stderr.splitlines()) == 1


# -- grouping by a manifest -----------------------------------------------------------------
def test_group_by_year_gives_a_per_year_series(mixed: Path) -> None:
    args = (str(mixed / "north"), "--vs", str(mixed / "south"), "--manifest", str(mixed / "MANIFEST.tsv"))
    data = _json(*args, "--group-by", "year")
    series = data["series"]
    assert series["column"] == "year" and series["values"] == ["2024", "2025", "(not in manifest)"]
    rows = {r["value"]: r for r in series["lexicons"]["risk"]}
    # north 2024: n0, n2, n4 (0 + 1 + 2 terms in 1,200 words); south 2024: s0, s2 (1 + 3 in 800).
    assert [(c["documents"], c["count"], c["words"]) for c in rows["2024"]["groups"]] == [(3, 3, 1200), (2, 4, 800)]
    assert rows["2024"]["ratio"]["ratio"] == pytest.approx(0.5)
    assert [c["documents"] for c in rows["(not in manifest)"]["groups"]] == [0, 1]
    text = run_cli("stats", *args, "--group-by", "year").stdout
    assert "risk terms by year" in text and "includes 1" in text
    by_type = _json(*args, "--group-by", "type")["series"]
    assert by_type["values"] == ["policy", "post", "(not in manifest)"]


def test_manifest_errors_are_one_line(mixed: Path, tmp_path: Path) -> None:
    r = run_cli("stats", str(mixed / "north"), "--manifest", str(mixed / "MANIFEST.tsv"), "--group-by", "colour")
    assert r.returncode == 2 and "no column 'colour' to group by (columns: file, date, type, year, month)" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    r = run_cli("stats", str(mixed / "north"), "--group-by", "year")
    assert r.returncode == 2 and "--group-by needs --manifest FILE" in r.stderr
    (tmp_path / "bad.csv").write_text("name,date\nx,2024\n", encoding="utf-8")
    r = run_cli("stats", str(mixed / "north"), "--manifest", str(tmp_path / "bad.csv"))
    assert r.returncode == 2 and "a manifest needs a 'file' column" in r.stderr


# -- the FT-terms preset --------------------------------------------------------------------
def test_ft_terms_preset_counts_only_the_three_named_terms(tmp_path: Path) -> None:
    write_doc(tmp_path / "a.txt", 100, ["risk", "harm", "safeguards", "vulnerable", "threat"])
    data = _json(str(tmp_path / "a.txt"), "--lexicon", "ft-terms")
    fams = data["groups"][0]["lexicons"]["ft-terms"]["families"]
    assert list(fams) == ["risk", "safeguard", "vulnerability"]
    assert data["groups"][0]["lexicons"]["ft-terms"]["all"]["count"] == 3


# -- the real corpus ------------------------------------------------------------------------
def test_labs_corpus_comparison_with_intervals_years_and_safeguard_hits(shared: Path) -> None:
    labs = shared / "corpus-labs"
    if not labs.is_dir():
        pytest.skip("../shared/corpus-labs is not present")
    a, b = str(labs / "anthropic"), str(labs / "openai")
    text = run_cli("stats", a, "--vs", b, "--manifest", str(labs / "MANIFEST.tsv"), "--group-by", "year")
    assert text.returncode == 0, text.stderr
    assert "Ratio anthropic/openai:" in text.stdout and "95% interval" in text.stdout
    assert "risk terms by year" in text.stdout and "\n2025 " in text.stdout
    hits = json.loads(
        run_cli("stats", a, "--vs", b, "--hits", "--excluded", "--family", "safeguard", "--format", "json").stdout
    )
    counted = [h for h in hits["hits"] if h["excluded_by"] is None]
    assert counted and not any("gpt-oss-safeguard" in h["text"].lower() for h in counted)
    assert sum(h["excluded_by"] == "name 'gpt-oss-safeguard'" for h in hits["hits"]) >= 20
