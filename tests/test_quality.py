"""Rule-pack quality bars (issue 3), measured through the real CLI.

* The labeled sentences in ../shared/eval: precision >= 0.95 and recall >= 0.90, counted the way
  ``score.py`` counts (one .txt per sentence, span-scoped warning/error diagnostics outside the
  writing-style categories).
* Corpus group C (neutral announcements): at most 1 warning-or-error per 2,000 prose words.
* Suggestion coverage: every flagged labeled sentence gets at least one suggestion.
* Pack shape: every area has its pack, ids carry the pack prefix, every warning/error rule offers
  a suggestion, and safe suggestions read as complete text in each flag example.
* Context: negations, mitigations, financial risk, proper nouns and patched-issue advisories
  (sentences written for this test) stay quiet with every built-in rule on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

import commlint
from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.rules.suggest import PLACEHOLDER

STYLE_CATEGORIES = {"style", "grammar", "spelling", "readability"}
PACK_PREFIX = {
    "capability": "CAP",
    "cbrn": "CBR",
    "jailbreak": "JBK",
    "alarmist": "ALM",
    "absolute": "ABS",
    "ai-claims": "AIC",
    "surveillance": "SRV",
    "national-security": "NSC",
    "unmitigated": "UNM",
}
LINTER = Linter(Config.default())
PACK_RULES = [r for r in LINTER.all_rules if r.pack in PACK_PREFIX]


def _counted(diag: dict[str, Any]) -> bool:
    """What score.py counts as a finding."""
    return (
        diag.get("scope", "span") == "span"
        and diag.get("severity") in ("warning", "error")
        and diag.get("category") not in STYLE_CATEGORIES
    )


def _check_json(path: Path) -> dict[str, Any]:
    proc = run_cli("check", "--format", "json", str(path))
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def labeled_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    from conftest import require_shared

    shared = require_shared()
    rows = [
        json.loads(line)
        for line in (shared / "eval" / "labeled-sentences.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    folder = tmp_path_factory.mktemp("labeled")
    for row in rows:
        (folder / f"{row['id']}.txt").write_text(row["text"] + "\n", encoding="utf-8")
    report = _check_json(folder)
    hits = {Path(f["path"]).stem: [d for d in f["diagnostics"] if _counted(d)] for f in report["files"]}
    return rows, hits


def test_labeled_precision_and_recall(shared: Path, labeled_run) -> None:
    rows, hits = labeled_run
    tp = sum(1 for r in rows if r["flag"] and hits.get(r["id"]))
    fp = sum(1 for r in rows if not r["flag"] and hits.get(r["id"]))
    fn = sum(1 for r in rows if r["flag"] and not hits.get(r["id"]))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    misses = [r["text"] for r in rows if r["flag"] and not hits.get(r["id"])]
    alarms = [r["text"] for r in rows if not r["flag"] and hits.get(r["id"])]
    assert precision >= 0.95, f"precision {precision:.3f}; false alarms: {alarms}"
    assert recall >= 0.90, f"recall {recall:.3f}; misses: {misses}"


def test_labeled_suggestion_coverage(shared: Path, labeled_run) -> None:
    rows, hits = labeled_run
    flagged = [r for r in rows if r["flag"] and hits.get(r["id"])]
    assert flagged
    with_any = [r for r in flagged if any(d["suggestions"] for d in hits[r["id"]])]
    with_safe = [r for r in flagged if any(s["safe"] for d in hits[r["id"]] for s in d["suggestions"])]
    print(f"suggestion coverage: any {len(with_any)}/{len(flagged)}, safe {len(with_safe)}/{len(flagged)}")
    assert len(with_any) == len(flagged), [r["text"] for r in flagged if r not in with_any]
    # A safe suggestion never carries a placeholder: it must be applicable as is.
    for r in with_safe:
        for d in hits[r["id"]]:
            for s in d["suggestions"]:
                if s["safe"]:
                    assert not PLACEHOLDER.search(s["text"]), (r["text"], s)


def test_neutral_corpus_false_alarm_rate(shared: Path) -> None:
    report = _check_json(shared / "corpus" / "C")
    words = sum(f["words"] for f in report["files"])
    findings = [(f["path"], d["line"], d["rule"]) for f in report["files"] for d in f["diagnostics"] if _counted(d)]
    assert words > 1000
    rate = len(findings) / words * 2000
    assert rate <= 1.0, f"{rate:.2f} findings per 2,000 words on group C: {findings}"


def test_every_area_has_its_pack() -> None:
    packs = {r.pack for r in PACK_RULES}
    assert packs == set(PACK_PREFIX)
    for pack in PACK_PREFIX:
        rules = [r for r in PACK_RULES if r.pack == pack]
        assert rules, pack


@pytest.mark.parametrize("rule", PACK_RULES, ids=[r.id for r in PACK_RULES])
def test_rule_shape(rule) -> None:
    assert rule.id.startswith(PACK_PREFIX[rule.pack]) and len(rule.id) == 6 and rule.id[3:].isdigit(), rule.id
    assert rule.category == rule.pack
    if rule.severity in ("warning", "error"):
        # Substitution and balance rules build their own suggestion; phrase rules must declare one.
        assert rule.suggestions or rule.type in ("substitution", "balance"), f"{rule.id} offers no suggestion"
        assert len(rule.examples_flag) >= 3 and len(rule.examples_pass) >= 2, f"{rule.id} needs varied examples"


@pytest.mark.parametrize("pack", sorted(PACK_PREFIX))
def test_pack_examples_through_cli(pack: str, tmp_path: Path) -> None:
    """Each pack's examples, one file each, through ``commlint check --select PREFIX``."""
    cases: dict[str, tuple[str, str, str]] = {}
    for rule in (r for r in PACK_RULES if r.pack == pack):
        for kind, examples in (("flag", rule.examples_flag), ("pass", rule.examples_pass)):
            for i, text in enumerate(examples):
                name = f"{rule.id}-{kind}-{i}"
                (tmp_path / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
                cases[name] = (rule.id, kind, text)
    proc = run_cli("check", "--format", "json", "--select", PACK_PREFIX[pack], str(tmp_path))
    assert proc.returncode in (0, 1), proc.stderr
    fired = {Path(f["path"]).stem: {d["rule"] for d in f["diagnostics"]} for f in json.loads(proc.stdout)["files"]}
    wrong = [
        (rule_id, kind, text)
        for name, (rule_id, kind, text) in cases.items()
        if (rule_id in fired.get(name, set())) != (kind == "flag")
    ]
    assert not wrong, wrong


def _offers_safe_fixes(rule: Any) -> bool:
    """The rule declares a safe suggestion (a substitution rule's swaps are safe unless it says not)."""
    return any(s.safe for s in rule.suggestions) or (rule.type == "substitution" and getattr(rule, "safe", False))


#: only rules that can offer a safe fix: for any other, the test below would have nothing to check
SAFE_RULES = [r for r in PACK_RULES if r.severity != "info" and _offers_safe_fixes(r)]


@pytest.mark.parametrize("rule", SAFE_RULES, ids=[r.id for r in SAFE_RULES])
def test_safe_suggestions_are_complete_text(rule: Any) -> None:
    """Applying a safe suggestion leaves no placeholder and keeps the sentence's end, on every
    flag example of a rule with safe fixes; and at least one example gets one to check."""
    config = Config.from_dict({"select": [rule.id]})
    checked = 0
    for text in rule.examples_flag:
        for diag in commlint.lint_text(text, path="example.txt", config=config):
            for s in diag.suggestions:
                if not s.safe:
                    continue
                checked += 1
                fixed = text[: s.start] + s.text + text[s.end :]
                assert not PLACEHOLDER.search(fixed), fixed
                assert s.text.strip() and fixed != text
                assert fixed.rstrip()[-1:] == text.rstrip()[-1:], fixed
                assert "  " not in fixed, fixed
    assert checked, f"{rule.id} declares safe fixes, but none of its flag examples gets one"


# Written for this test: what the issue calls context, not findings.
QUIET = [
    "Our usage policy prohibits weapons development, and we enforce it with human review.",
    "We enforce our policies to stop abuse.",
    "Interest rate risk and credit risk are discussed in our annual report.",
    "Our risk governance function reports to the board.",
    "Our Responsible Scaling Policy describes the safeguards we apply at each level.",
    "The EU AI Act prohibits social scoring and emotion recognition in the workplace.",
    "We patched the issue in version 4.2.1; please upgrade.",
    "An attacker could exploit this vulnerability to read files; the fix is in 1.8.3.",
    "The model does not provide meaningful uplift for biological weapons, per our evaluations.",
    "The assistant helps developers find and fix bugs in their own code.",
    "The model refuses to write malware.",
    "No system is completely secure, so we monitor for abuse and respond quickly.",
    "We do not sell our products for surveillance or weapons targeting.",
    "The release poses risks of misuse, so we monitor usage and suspend violating accounts.",
]


def pack_alarms(text: str) -> list[tuple[str, str]]:
    """(rule, text) of each warning or error the built-in packs raise on ``text``."""
    return [
        (d.rule, d.text)
        for d in commlint.lint_text(text, path="draft.txt", config=Config.default())
        if d.severity in ("warning", "error") and d.category in PACK_PREFIX
    ]


@pytest.mark.parametrize("text", QUIET)
def test_context_stays_quiet(text: str) -> None:
    found = pack_alarms(text)
    assert not found, found


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("The model does not write malware.", False),
        ("In our tests the model could not produce a working exploit.", False),
        ("The model writes malware that does not trigger antivirus alerts.", True),
        ("Our agent can write exploits that cannot be detected.", True),
    ],
)
def test_negation_only_counts_before_the_phrase(text: str, flags: bool) -> None:
    """``negations`` cancel a phrase they precede, not one they follow (phrase rule type)."""
    config = Config.from_dict({"select": ["CAP103"]})
    assert bool(commlint.lint_text(text, path="draft.txt", config=config)) is flags


# Written for this test: phrasings that vary the packs' own examples (passive voice, other
# verbs, British spelling, numbers, metaphors), each with the category it must be flagged in.
VARIANTS = [
    (
        "Unknown flaws in the payroll app were found by the agent and turned into working attacks.",
        "capability",
    ),
    (
        "During the drill, the agent took control of a simulated water treatment plant.",
        "capability",
    ),
    (
        "The assistant listed the scheduled precursors for a nerve agent and where to buy them.",
        "cbrn",
    ),
    ("Reviewers found the model could uplift people seeking chemical weapons.", "cbrn"),
    ("Within hours, hobbyists had jailbroken the new assistant.", "jailbreak"),
    ("The chatbot's guardrails cannot withstand a patient attacker.", "jailbreak"),
    ("Our models could one day destroy human society.", "alarmist"),
    ("Advanced AI is a ticking time bomb.", "alarmist"),
    ("The translation engine has a 0% error rate.", "absolute"),
    ("Each answer is guaranteed never to be wrong.", "absolute"),
    ("Our companion thinks and feels the way a person does.", "ai-claims"),
    ("The camera system follows the whereabouts of every tenant around the clock.", "surveillance"),
    (
        "The software grades each citizen's civic behaviour to decide who gets benefits.",
        "surveillance",
    ),
    ("Rival governments could harness our model for cyber operations.", "national-security"),
    ("This release will help our allies gain a decisive military advantage.", "national-security"),
]


@pytest.mark.parametrize(("text", "category"), VARIANTS)
def test_packs_generalise_beyond_their_examples(text: str, category: str) -> None:
    found = {
        d.category
        for d in commlint.lint_text(text, path="draft.txt", config=Config.default())
        if d.severity in ("warning", "error")
    }
    assert category in found, (text, found)


# Written for this test: more context that must stay quiet (treaty titles, hedged guarantees,
# reported headlines, defensive security work, replaced safeguards, open research questions).
QUIET_MORE = [
    "The Chemical Weapons Convention prohibits making chemical weapons.",
    "We cannot guarantee that every answer is always accurate, so we show sources.",
    "Tabloids claimed that AI would destroy humanity, a view we do not share.",
    "Analysts use the assistant to reverse-engineer malware found on their own network.",
    "We retired the old safety filter and replaced it with a stronger classifier.",
    "Researchers debate whether larger models pose greater risks of misuse.",
    "We monitor all messages for spam and abuse.",
    "The vaccine platform helps scientists study dangerous pathogens safely.",
]


@pytest.mark.parametrize("text", QUIET_MORE)
def test_more_context_stays_quiet(text: str) -> None:
    found = pack_alarms(text)
    assert not found, found
