"""The density measure: counting over prose, intervals, the DEN101 rule and check --density."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from density_helpers import write_doc

from commlint import api
from commlint.config import Config
from commlint.density.measure import DensityCounter, distribution, percentile, poisson_interval
from commlint.engine.linter import Linter

DRAFT_TERMS = ["risk", "risk", "risk", "harm", "harm", "safety"]  # 6 occurrences


def _measure(text: str, path: str = "draft.md", lexicon: str = "risk") -> tuple[int, dict[str, int], dict[str, int]]:
    result = api.lint_result(text, path=path, config=Config.from_dict({"select": ["DEN"]}))
    linter = Linter(Config.default())
    counts = DensityCounter({lexicon: linter.lexicons[lexicon]}).measure(
        result.document.prose, result.document.word_count
    )
    return counts.words, counts.families[lexicon], counts.terms[lexicon]


# -- counting -------------------------------------------------------------------------------
def test_inflections_multiword_terms_and_exclusions() -> None:
    text = (
        "Risks and risky bets. A riskier path. We safeguard data with safeguards. Two vulnerabilities "
        "and a vulnerable host. Threat actors are a threat. Credit risk and interest-rate risk are "
        "financial. Rust gives memory safety; our safety team reviews unsafe code. See Risk Factors."
    )
    _, fams, terms = _measure(text, "draft.txt")
    assert fams["risk"] == 3  # risks, risky, riskier; not credit/interest-rate risk or Risk Factors
    assert fams["safeguard"] == 2
    assert fams["vulnerability"] == 2
    assert fams["threat"] == 2  # "threat actors" counts once, then "threat"
    assert fams["safety"] == 2  # safety team, unsafe; not memory safety
    assert terms["threat actors"] == 1 and terms["risks"] == 1


def test_names_are_not_risk_talk_in_any_case() -> None:
    text = (
        "Read the Risk Factors. The risk factors are many. We released GPT-OSS-Safeguard-20b and "
        "gpt-oss-safeguard, tested with Safety Reasoner under AI Safety Level 3. Our Trust & Safety "
        "team and trust and safety staff met the AI  Safety\nInstitute. The safeguard held."
    )
    _, fams, _ = _measure(text, "d.txt")
    assert fams["risk"] == 0
    assert fams["safeguard"] == 1  # "The safeguard held"; none of the model names
    assert fams["safety"] == 0


def test_a_match_case_name_needs_its_capitals() -> None:
    _, fams, _ = _measure("Our Safety Systems team built safety systems.", "d.txt")
    assert fams["safety"] == 1


def test_names_extend_from_config_and_excluded_hits_are_listed(tmp_path: Path) -> None:
    (tmp_path / "commlint.toml").write_text('[lexicons.risk]\nnames = ["Northwind Safety Board"]\n')
    (tmp_path / "a.txt").write_text("The northwind safety board met. Safety first.\n")
    r = run_cli("stats", "a.txt", "--hits", "--excluded", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)["hits"]
    assert [(h["line"], h["col"], h["term"], h["excluded_by"]) for h in hits] == [
        (1, 15, "safety", "name 'Northwind Safety Board'"),
        (1, 33, "safety", None),
    ]
    (tmp_path / "commlint.toml").write_text('[lexicons.risk]\nnames = { ignore-case = "oops" }\n')
    bad = run_cli("stats", "a.txt", cwd=tmp_path)
    assert bad.returncode == 2 and "names.ignore-case must be a list" in bad.stderr, bad.stderr


def test_only_prose_words_count() -> None:
    text = (
        "---\ntitle: risk risk risk\n---\n\n# Our risk note\n\nOne risk here, see https://example.com/risk.\n\n"
        '```\nrisk = harm(risk)\n```\n\n<div class="risk">A harm</div>\n\nInline `risk()` code.\n'
    )
    words, fams, _ = _measure(text)
    # Front matter, the URL, the code block, HTML tags and their attributes, and inline code are
    # not prose; the text inside a raw HTML block is (it is read as HTML).
    assert fams["risk"] == 2 and fams["harm"] == 1
    # Our risk note / One risk here see / A harm / Inline code
    assert words == 3 + 4 + 2 + 2


def test_word_tokenisation_counts_hyphenated_and_apostrophes_as_one() -> None:
    words, _, _ = _measure("Don't ship dual-use GPT-4 features, 3.5 times.", "d.txt")
    # Don't / ship / dual-use / GPT-4 / features / 3 / 5 / times: a decimal point splits a number
    # (documented in docs/density.md)
    assert words == 8


def test_poisson_interval_matches_exact_tables() -> None:
    assert poisson_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert poisson_interval(1) == pytest.approx((0.0253, 5.5716), abs=1e-4)
    assert poisson_interval(10) == pytest.approx((4.7954, 18.3904), abs=1e-4)
    lo, hi = poisson_interval(3, confidence=0.9)
    assert (lo, hi) == pytest.approx((0.8177, 7.7537), abs=1e-4)


def test_distribution_uses_linear_interpolation() -> None:
    dist = distribution([3.0, 0.0, 2.0, 1.0])
    assert dist["median"] == 1.5 and dist["p90"] == pytest.approx(2.7) and dist["p10"] == pytest.approx(0.3)
    assert dist["sd"] == pytest.approx(math.sqrt(5 / 3), abs=1e-6)
    assert percentile([5.0], 90) == 5.0 and percentile([], 50) == 0.0


# -- the rule against a tiny baseline (no ../shared needed) ------------------------------------
@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline of four 1,000-word documents at 0, 1, 2 and 3 risk terms per 1,000 words."""
    root = tmp_path_factory.mktemp("tiny")
    for i in range(4):
        write_doc(root / "peers" / f"p{i}.txt", 1000, ["risk"] * i)
    r = run_cli("baseline", "build", "tiny", str(root / "peers"), "-o", str(root / "tiny.json"))
    assert r.returncode == 0, r.stderr
    write_doc(root / "draft.txt", 500, DRAFT_TERMS)
    return root


def _den(r: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    data = json.loads(r.stdout)
    return [d for f in data["files"] for d in f["diagnostics"] if d["rule"] == "DEN101"]


def test_density_finding_matches_hand_computation(tiny: Path) -> None:
    r = run_cli(
        "check",
        str(tiny / "draft.txt"),
        "--select",
        "DEN101",
        "--baseline",
        str(tiny / "tiny.json"),
    )
    assert r.returncode == 1, r.stderr
    # 6 in 500 words = 12.0; peers 0,1,2,3 -> median 1.5, p90 2.7; 12/2.7 = 4.44;
    # at most floor(2.7 * 500 / 1000) = 1 may stay, so 5 of 6 need rephrasing.
    expected = (
        "12.0 risk terms per 1,000 words; peer median 1.5, p90 2.7 (baseline: tiny); 4.4× the p90. "
        "Top terms: 'risk' (3), 'harm' (2), 'safety' (1). Density budget: rephrase 5 of 6 occurrences "
        "to reach the p90 (2.7 per 1,000 words)."
    )
    assert f"DEN101 [warning] {expected}" in r.stdout
    [diag] = _den(
        run_cli(
            "check",
            str(tiny / "draft.txt"),
            "--select",
            "DEN101",
            "--format",
            "json",
            "--baseline",
            str(tiny / "tiny.json"),
        )
    )
    assert diag["scope"] == "document" and diag["category"] == "density"
    assert diag["data"]["budget"] == 5 and diag["data"]["rate"] == 12.0


def test_target_and_ratio_come_from_config(tiny: Path, tmp_path: Path) -> None:
    (tmp_path / "commlint.toml").write_text(
        f'baseline = "{tiny / "tiny.json"}"\n[density]\ntarget = "p95"\nratio = 2\n',
        encoding="utf-8",
    )
    # 12 in 1,000 words: its 95% interval (6.2-21.0) stays above 2 x p95 = 5.7.
    draft = write_doc(tmp_path / "long.txt", 1000, DRAFT_TERMS * 2)
    r = run_cli("check", str(draft), "--select", "DEN101", "--config", str(tmp_path / "commlint.toml"))
    # floor(5.7 * 1.0) = 5 may stay -> 7 of 12; 12/2.85 = 4.2
    assert "12.0 risk terms per 1,000 words; peer median 1.5, p90 2.7 (baseline: tiny); 4.2× the p95." in r.stdout
    assert "rephrase 7 of 12 occurrences to reach 2× the p95 (5.7 per 1,000 words)" in r.stdout


def test_no_finding_below_min_words_or_at_target(tiny: Path, tmp_path: Path) -> None:
    short = write_doc(tmp_path / "short.txt", 150, ["risk", "harm", "safety"])
    base = ("--select", "DEN101", "--baseline", str(tiny / "tiny.json"))
    assert "DEN101" not in run_cli("check", str(short), *base).stdout  # 150 < min-words 200
    (tmp_path / "commlint.toml").write_text("[density]\nmin-words = 100\n", encoding="utf-8")
    assert "DEN101" in run_cli("check", str(short), *base, "--config", str(tmp_path / "commlint.toml")).stdout
    calm = write_doc(tmp_path / "calm.txt", 1000, ["risk", "harm"])  # 2.0 <= p90 2.7
    assert "DEN101" not in run_cli("check", str(calm), *base).stdout


def test_quiet_without_a_baseline(tiny: Path) -> None:
    r = run_cli("check", str(tiny / "draft.txt"), "--select", "DEN101")
    assert r.returncode == 0 and "DEN101" not in r.stdout


def test_aggregate_only_baseline_compares_with_the_peer_rate(tiny: Path, tmp_path: Path) -> None:
    # ft-2026 is recorded against the ft-terms lexicon: measured with it, 'risk' x3 in 500 words.
    (tmp_path / "commlint.toml").write_text('[density]\nlexicon = "ft-terms"\n', encoding="utf-8")
    args = ("check", str(tiny / "draft.txt"), "--select", "DEN101", "--baseline", "ft-2026")
    r = run_cli(*args, "--config", str(tmp_path / "commlint.toml"))
    # 6.0 / 0.6 = 10; floor(0.6 * 0.5) = 0 may stay
    assert (
        "6.0 ft-terms terms per 1,000 words; peer rate 0.6 (baseline: ft-2026, aggregate only); 10.0× the peer rate."
    ) in r.stdout
    assert "rephrase 3 of 3 occurrences to reach the peer rate (0.6 per 1,000 words)" in r.stdout


def test_a_baseline_of_another_lexicon_gives_no_budget(tiny: Path) -> None:
    # The risk lexicon's ten families against the FT's three-term figure: not like with like.
    args = ("check", str(tiny / "draft.txt"), "--select", "DEN101", "--baseline", "ft-2026")
    r = run_cli(*args, "--density")
    assert "DEN101" not in r.stdout and "rephrase" not in r.stdout
    assert "not comparable with baseline 'ft-2026' (it counts other terms), no budget" in r.stdout
    assert "baseline 'ft-2026' was built with lexicon 'ft-terms'" in r.stderr
    assert 'measure with [density] lexicon = "ft-terms"' in r.stderr
    density = json.loads(run_cli(*args, "--density", "--format", "json").stdout)["files"][0]["density"]
    assert density["baseline"]["comparable"] is False and density["baseline"]["budget"] is None


def test_lexicon_mismatch_warns(tiny: Path, tmp_path: Path) -> None:
    (tmp_path / "commlint.toml").write_text('[lexicons.risk]\nextend = ["hazards?"]\n', encoding="utf-8")
    r = run_cli(
        "check",
        str(tiny / "draft.txt"),
        "--select",
        "DEN101",
        "--density",
        "--baseline",
        str(tiny / "tiny.json"),
        "--config",
        str(tmp_path / "commlint.toml"),
    )
    assert "commlint: warning: baseline 'tiny' was built with lexicon 'risk'" in r.stderr
    assert "rebuild it with `commlint baseline build`" in r.stderr
    assert "DEN101" not in r.stdout and "not comparable with baseline 'tiny'" in r.stdout


# -- DEN101 stays honest ----------------------------------------------------------------------
RELEASE_NOTE = (
    "Version 4.2 of the Northwind sync client is out today. "
    + "It speeds up large folder uploads and trims start-up time on older laptops. " * 22
    + "Setup is quicker too. " * 9
    + "This release fixes CVE-2026-10423, a vulnerability in the proxy parser reported through our bug bounty. "
)


def test_den101_is_quiet_when_the_documents_interval_covers_the_target(tmp_path: Path) -> None:
    note = tmp_path / "release.txt"
    note.write_text(RELEASE_NOTE, encoding="utf-8")
    args = ("check", str(note), "--select", "DEN101", "--baseline", "product-announcements")
    r = run_cli(*args, "--density")
    # One 'vulnerability' in 348 words is 2.9 per 1,000, above the p90 of 2.3, but its own
    # 95% interval (0.1-16.0) covers the p90: one word cannot show the note is unusual.
    assert "(1 in 348 words), 95% interval 0.1-16.0 (short document)" in r.stdout
    assert "within this document's interval" in r.stdout
    assert "DEN101" not in r.stdout and r.returncode == 0


def _disclosure_draft(path: Path) -> Path:
    filler = "Northwind ships the new release to customers in the spring with a cleaner design. " * 60
    text = (
        filler
        + "The vulnerability CVE-2026-0001 is fixed in this security update. "
        + "A second vulnerability, CVE-2026-0002, affected older clients and is patched. "
        + "The risk factors below describe the risks of our business. "
        + "We added safeguards, and the safeguards are tested. "
        + "There is a risk of outages and a risk of harm to trust, and the risk is real. "
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_den101_budget_never_asks_to_rephrase_disclosure_or_mitigation(tiny: Path, tmp_path: Path) -> None:
    draft = _disclosure_draft(tmp_path / "disclosure.txt")
    r = run_cli("check", str(draft), "--select", "DEN101", "--baseline", str(tiny / "tiny.json"), "--format", "json")
    [diag] = _den(r)
    data = diag["data"]
    # Counted: 2 vulnerability (CVE sentences), 1 'risks' (risk-factor sentence), 2 safeguards,
    # 3 risk + 1 harm in the last sentence = 9. Only the last sentence's 4 can be rephrased.
    assert (data["count"], data["protected"], data["rephrasable"]) == (9, 5, 4)
    words = data["words"]
    assert data["budget"] == min(4, 9 - math.floor(2.7 * words / 1000))
    assert "(the other 5 are mitigation or disclosure language and stay)" in diag["message"]
    hits = json.loads(run_cli("stats", str(draft), "--hits", "--format", "json").stdout)["hits"]
    kept = {h["text"]: h["protected_by"] for h in hits if h["protected_by"]}
    assert kept["safeguards"] == "mitigation family 'safeguard'"
    assert kept["vulnerability"].startswith("disclosure sentence ('CVE-2026-")
    assert kept["risks"] == "disclosure sentence ('risk factors')"


def test_den101_is_quiet_when_nothing_can_be_rephrased(tiny: Path, tmp_path: Path) -> None:
    filler = "Northwind ships the new release to customers in the spring with a cleaner design. " * 30
    text = filler + "We fixed CVE-2026-0003, a vulnerability in the updater. Our safeguards held. " * 3
    (tmp_path / "fixes.txt").write_text(text, encoding="utf-8")
    r = run_cli("check", str(tmp_path / "fixes.txt"), "--select", "DEN101", "--baseline", str(tiny / "tiny.json"))
    assert "DEN101" not in r.stdout


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ("[density]\ntargt = 'p90'\n", "density: unknown key 'targt'"),
        ("[density]\ntarget = 'p99'\n", "density.target must be one of"),
        ("[density]\nratio = -1\n", "density.ratio must be at least 0"),
        ("[density]\nmin-words = 'x'\n", "density.min-words must be a whole number"),
        ("baseline = 'nosuch'\n", "unknown baseline 'nosuch'"),
        ("baseline = 'missing.json'\n", "missing.json: no such baseline file"),
    ],
)
def test_bad_density_config_is_one_line(table: str, needle: str, tmp_path: Path) -> None:
    (tmp_path / "commlint.toml").write_text(table, encoding="utf-8")
    write_doc(tmp_path / "d.txt", 10, [])
    r = run_cli("check", "d.txt", cwd=tmp_path)
    assert r.returncode == 2 and needle in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


# -- check --density -----------------------------------------------------------------------
def test_check_density_text_and_json(tiny: Path) -> None:
    short = tiny / "draft.txt"
    r = run_cli(
        "check",
        str(short),
        "--select",
        "DEN101",
        "--density",
        "--baseline",
        str(tiny / "tiny.json"),
    )
    line = next(x for x in r.stdout.splitlines() if ": density: " in x)
    assert line.startswith(f"{short}: density: 12.0 risk terms per 1,000 words (6 in 500 words)")
    assert "peer median 1.5, p90 2.7 (baseline: tiny); 4.4× the p90; budget: rephrase 5 of 6" in line
    data = json.loads(run_cli("check", str(short), "--select", "DEN101", "--density", "--format", "json").stdout)
    density = data["files"][0]["density"]
    assert density["count"] == 6 and density["words"] == 500 and density["rate"] == 12.0
    assert density["families"] == {"risk": 3, "harm": 2, "safety": 1}
    assert density["interval"] is None  # 500 words is not under interval-below (500)
    assert "baseline" not in density
    short = write_doc(tiny / "short" / "s.txt", 150, ["risk", "harm"])
    line = next(
        x
        for x in run_cli("check", str(short), "--select", "DEN101", "--density").stdout.splitlines()
        if ": density: " in x
    )
    # 2 in 150 words = 13.3; exact Poisson 95% interval 0.2422-7.2247 events -> 1.6-48.2 per 1,000
    assert line.endswith("13.3 risk terms per 1,000 words (2 in 150 words), 95% interval 1.6-48.2 (short document)")


def test_check_without_density_has_no_density_object(tiny: Path) -> None:
    data = json.loads(run_cli("check", str(tiny / "draft.txt"), "--select", "DEN101", "--format", "json").stdout)
    assert "density" not in data["files"][0]


# -- against real published statements ---------------------------------------------------------
def test_baseline_from_corpus_c_on_a_risky_draft(shared: Path, tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    r = run_cli("baseline", "build", "corpus-c", str(shared / "corpus" / "C"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    docs = json.loads(out.read_text())["provenance"]["documents"]
    # By hand: each document's rate, sorted, then linear interpolation between order statistics.
    rates = sorted(d["count"] * 1000 / d["words"] for d in docs)

    def pct(q: float) -> float:
        pos = (len(rates) - 1) * q
        lo = int(pos)
        return rates[lo] + (rates[min(lo + 1, len(rates) - 1)] - rates[lo]) * (pos - lo)

    p90, median = pct(0.9), pct(0.5)
    budget = 6 - math.floor(p90 * 500 / 1000)
    r = run_cli("check", str(tiny / "draft.txt"), "--select", "DEN101", "--baseline", str(out))
    expected = (
        f"12.0 risk terms per 1,000 words; peer median {median:.1f}, p90 {p90:.1f} (baseline: corpus-c); "
        f"{12.0 / p90:.1f}× the p90. Top terms: 'risk' (3), 'harm' (2), 'safety' (1). Density budget: "
        f"rephrase {budget} of 6 occurrences to reach the p90 ({p90:.1f} per 1,000 words)."
    )
    assert expected in r.stdout, r.stdout
