"""The HTML report: one offline file whose charts draw in a real browser and fetch nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from chromium import render
from conftest import REPO

from commlint.output import charts
from commlint.output.html_report import CSP, HtmlReport, Marked

#: screenshots are kept here (build/ is ignored by git) for a person to look at
SCREENSHOTS = REPO / "build" / "screenshots"


def keep(shot: Path) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(shot, SCREENSHOTS / shot.name))


def demo_report() -> HtmlReport:
    report = HtmlReport("Northwind <draft> review", subtitle="Northwind vs Bluebell")
    rates = report.section("Rates", intro="Per 1,000 prose words, 95% intervals.")
    rates.figure(
        charts.interval_bars(
            ["risk", "harm", "safety"],
            {
                "Northwind": [(2.0, 1.5, 2.6), (1.0, 0.6, 1.4), (3.0, 2.2, 3.9)],
                "Bluebell": [(1.1, 0.7, 1.5), (0.2, None, None), (2.0, 1.2, 2.9)],
            },
        ),
        caption="Rate per family",
        name="family-rates",
    )
    rates.figure(charts.strip_plot({"Northwind": [0.0, 1.5, 2.0, 9.0], "Bluebell": [0.0, 0.4, 1.1]}), name="spread")
    rates.figure(
        charts.time_series(
            ["2024", "2025"], {"Northwind": [(2.0, 1.0, 3.0), (2.5, 1.9, 3.1)], "Bluebell": [None, (1.0, 0.4, 1.6)]}
        ),
        name="over-time",
    )
    hits = report.section("Hits")
    hits.table(["where", "sentence"], [["a.md:3:5", Marked("The <risk> is small.", 5, 9)]])
    hits.paragraph("Names such as Northwind Safety Board are not counted.", kind="note")
    return report


def test_the_page_escapes_text_and_forbids_every_fetch() -> None:
    page = demo_report().render()
    assert f'content="{CSP}"' in page and "default-src 'none'" in page
    assert "<script" not in page.lower()
    assert "Northwind &lt;draft&gt; review" in page
    assert "The &lt;<mark>risk</mark>&gt; is small." in page
    # Only the SVG namespace and matplotlib's own doctype mention a URL; nothing is fetched.
    assert not re.search(r'\b(?:src|href)\s*=\s*"(?!#)', page)
    assert page.count('<figure class="chart"') == 3


def test_the_same_figures_give_the_same_bytes() -> None:
    assert demo_report().render() == demo_report().render()


@pytest.mark.slow  # a real chromium session (README: the test command stays short; CI runs it)
def test_the_report_draws_in_chromium_and_requests_nothing(tmp_path: Path) -> None:
    page = tmp_path / "demo-report.html"
    demo_report().write(page)
    seen = render(page, tmp_path)
    keep(seen.screenshot)
    assert [f["name"] for f in seen.figures] == ["family-rates", "spread", "over-time"]
    for fig in seen.figures:
        assert fig["width"] > 300 and fig["height"] > 150 and fig["marks"] > 10, fig
    assert "Northwind" in seen.figures[0]["text"]
    assert seen.resources == [] and seen.violations == [] and seen.page_requests == []


def test_the_request_check_would_see_a_page_that_fetched(tmp_path: Path) -> None:
    # The detector itself: a page loading an image from the network is caught.
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><head></head><body><img src="http://127.0.0.1:9/x.png"></body></html>')
    seen = render(page, tmp_path)
    assert seen.page_requests == ["http://127.0.0.1:9/x.png"]


def test_a_missing_matplotlib_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from commlint.errors import UsageError

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(UsageError, match=r"HTML charts need matplotlib: pip install .*\[report\]"):
        charts.count_bars(["DEN101"], [3])


def _dated_corpus(root: Path) -> Path:
    from density_helpers import write_doc

    rows = ["file\tdate"]
    for i in range(8):
        write_doc(root / "northwind" / f"n{i}.txt", 300 + 40 * i, ["risk", "harm", "safety"][: i % 4])
        rows.append(f"northwind/n{i}.txt\t{2023 + i % 3}-05-0{i + 1}")
        write_doc(root / "bluebell" / f"b{i}.txt", 350, ["risk"] * (i % 2) + ["misuse"] * (i % 3 == 0))
        rows.append(f"bluebell/b{i}.txt\t{2023 + i % 3}-06-0{i + 1}")
    (root / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
def test_stats_report_draws_every_chart_in_chromium(tmp_path: Path) -> None:
    from conftest import run_cli

    root = _dated_corpus(tmp_path / "corpus")
    page = tmp_path / "stats-report.html"
    r = run_cli(
        "stats",
        str(root / "northwind"),
        "--vs",
        str(root / "bluebell"),
        "--manifest",
        str(root / "MANIFEST.tsv"),
        "--format",
        "html",
        "-o",
        str(page),
    )
    assert r.returncode == 0, r.stderr
    html = page.read_text(encoding="utf-8")
    assert "Ratio northwind/bluebell" in html and "Top hits in context" in html and "<mark>" in html
    seen = render(page, tmp_path)
    keep(seen.screenshot)
    names = [f["name"] for f in seen.figures]
    assert names == ["family-rates-risk", "spread", "series-risk"]
    for fig in seen.figures:
        assert fig["width"] > 300 and fig["height"] > 150 and fig["marks"] > 10, fig
    assert "2024" in seen.figures[2]["text"] and "northwind" in seen.figures[0]["text"]
    assert seen.resources == [] and seen.violations == [] and seen.page_requests == []


@pytest.mark.slow  # a real chromium session (README: the test command stays short; CI runs it)
def test_labs_report_passes_the_browser_check(tmp_path: Path) -> None:
    from conftest import SHARED, run_cli

    labs = SHARED / "corpus-labs"
    if not labs.is_dir():
        pytest.skip("../shared/corpus-labs is not present")
    page = tmp_path / "labs-report.html"
    r = run_cli(
        "stats",
        str(labs / "anthropic"),
        "--vs",
        str(labs / "openai"),
        "--manifest",
        str(labs / "MANIFEST.tsv"),
        "--group-by",
        "year",
        "--format",
        "html",
        "-o",
        str(page),
    )
    assert r.returncode == 0, r.stderr
    seen = render(page, tmp_path, height=5200)
    keep(seen.screenshot)
    assert [f["name"] for f in seen.figures] == ["family-rates-risk", "spread", "series-risk"]
    assert all(f["width"] > 300 and f["marks"] > 10 for f in seen.figures)
    assert seen.resources == [] and seen.violations == [] and seen.page_requests == []


def test_html_needs_an_output_file(tmp_path: Path) -> None:
    from conftest import run_cli
    from density_helpers import write_doc

    write_doc(tmp_path / "a.txt", 20, [])
    r = run_cli("stats", "a.txt", "--format", "html", cwd=tmp_path)
    assert r.returncode == 2 and "--format html needs --output FILE" in r.stderr


@pytest.mark.slow  # a real chromium session (README: the test command stays short; CI runs it)
def test_check_report_charts_findings_by_category_and_rule(tmp_path: Path) -> None:
    from conftest import REPO, run_cli

    page = tmp_path / "check-report.html"
    r = run_cli("check", str(REPO / "examples"), "--format", "html", "--density", "-o", str(page))
    assert r.returncode == 1, r.stderr  # the risky example has findings
    html = page.read_text(encoding="utf-8")
    assert "Findings by category and rule" in html and "<h2>Density</h2>" in html
    seen = render(page, tmp_path)
    keep(seen.screenshot)
    assert [f["name"] for f in seen.figures] == ["by-category", "by-rule"]
    assert all(f["width"] > 300 and f["marks"] > 3 for f in seen.figures)
    assert seen.resources == [] and seen.violations == [] and seen.page_requests == []
