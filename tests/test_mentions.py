"""A mention is not a claim: each mention form is pinned beside its claim twin, with exact spans.

Every pair lints through the public API with both layers on. The claim twin proves the rule
fires on those very words (rule id and span pinned), so the mention case cannot pass by
accident; the mention twin must then give no risk finding at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from commlint.api import lint_text

#: (claim, rule, flagged words, mention that must give no risk finding)
PAIRS = [
    # a denial, with a named company as the subject
    (
        "Vantor markets its triage aid as 100% accurate for every patient.",
        "ABS105",
        "100% accurate",
        "Vantor does not market its triage aid as 100% accurate, and a nurse reviews every result.",
    ),
    # a general denial whose own verb is the flagged word
    (
        "Quillon can guarantee that every fraudulent payment will be stopped.",
        "ABS106",
        "guarantee",
        "No bank can guarantee that every fraudulent payment will be stopped, so we ask customers to check.",
    ),
    # a retraction in progress ("we are withdrawing our earlier statement that …")
    (
        "Our ledger service is 100% secure.",
        "ABS101",
        "100% secure",
        "We are withdrawing our earlier statement that our ledger service is 100% secure.",
    ),
    # a retraction of what an earlier post implied
    (
        "Our assistant was conscious of its users' moods.",
        "AIC101",
        "assistant was conscious",
        "A previous launch post implied that our assistant was conscious; the post has been edited.",
    ),
    # reported speech answered by action in the same sentence
    (
        "Our agent could automate hacking of small business networks.",
        "CAP101",
        "automate hacking",
        "Some researchers have argued that agents like ours could automate hacking; we take that concern "
        "seriously, so the agent cannot run network tools.",
    ),
    # a question
    (
        "Our vault is totally unhackable.",
        "ABS102",
        "unhackable",
        "Is our vault totally unhackable?",
    ),
    # a law described as the subject
    (
        "Our platform performs emotion recognition on workers in the workplace.",
        "SRV102",
        "emotion recognition on workers",
        "The Ruritania Workplace Act prohibits emotion recognition on workers in the workplace.",
    ),
    (
        "Our cameras use emotion recognition to score every employee on shift.",
        "SRV901",
        "Our cameras use emotion recognition to score every employee on shift.",
        "The proposed Ruritania Workplace Act bans cameras that use emotion recognition to score employees on shift.",
    ),
    # a critic's quoted words, then rejected
    (
        "Our vault is “totally unhackable” now.",
        "ABS102",
        "unhackable",
        "Critics said our vault was “totally unhackable”; that is not what we said.",
    ),
    # the press reported, then "a view we do not share"
    (
        "Our assistant will destroy humanity within a decade.",
        "ALM101",
        "destroy humanity",
        "Tabloids claimed that the Quillon assistant would destroy humanity, a view we do not share.",
    ),
]


def _risk(text: str) -> list[tuple[str, str]]:
    found = lint_text(text + "\n", path="d.md", config={"select": ["ALL"]})
    return [(d.rule, text[d.start : d.end]) for d in found if d.category not in {"style", "density"}]


@pytest.mark.parametrize(("claim", "rule", "words", "mention"), PAIRS, ids=[f"{p[1]}-{i}" for i, p in enumerate(PAIRS)])
def test_the_claim_is_flagged_and_the_mention_is_not(claim: str, rule: str, words: str, mention: str) -> None:
    assert (rule, words) in _risk(claim), _risk(claim)
    assert _risk(mention) == []


@pytest.mark.parametrize(
    "claim",
    [
        # a company that is not denying anything, whatever its name looks like
        "Vantor does say its triage aid is 100% accurate for every patient.",
        # "no other" is a comparison, not a denial
        "No other bank can guarantee that every fraudulent payment will be stopped, but we can.",
        # a denial in an earlier clause does not reach past the break
        "We do not sell to governments; our vault is totally unhackable.",
        # a law that is not the subject does not make the sentence a mention
        "To comply with the act, our platform performs emotion recognition on workers in the workplace.",
        # the company's own view, rejected by others, stays the company's claim
        "We believe our assistant will destroy humanity, a view critics do not share.",
    ],
)
def test_near_misses_stay_claims(claim: str) -> None:
    assert _risk(claim), claim


def _training_sentences() -> list[str]:
    """Every sentence of the learned layer's training files (written for this repository)."""
    import json

    folder = Path(__file__).resolve().parent.parent / "rules" / "semantic" / "train"
    return [
        json.loads(line)["text"]
        for f in sorted(folder.glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _sentences_to_check() -> list[str]:
    """Every training sentence (and the same upper-cased), plus the shared corpora when present."""
    repo = Path(__file__).resolve().parent.parent
    texts = _training_sentences()
    shared = repo.parent / "shared"
    for f in sorted(shared.glob("corpus*/**/*.md")) + sorted(shared.glob("corpus*/**/*.txt")):
        texts += f.read_text(encoding="utf-8", errors="replace").split("\n")
    return texts + [t.upper() for t in texts]


#: one sentence per alternative of each gated pattern, upper-cased too by the test
_GATED_EXAMPLES = (
    "An earlier version of this post said the tool was flawless.",
    "The previous statement that the tool never fails was wrong.",
    "We are withdrawing the claim about accuracy.",
    "We withdrew the benchmark table.",
    "It previously claimed to catch every fraud.",
    "The page incorrectly stated that the scanner finds all flaws.",
    "We have corrected the figure.",
    "Correction: the model was not tested on children.",
    "Critics have argued that the assistant is unsafe.",
    "According to one analyst, the model can write malware.",
    "It has been widely reported that the filter was bypassed.",
    "We do not claim the vault is unhackable.",
    "Quillon Labs cannot promise zero errors.",
    "We don't say the model is perfect.",
    "We have never tried to market it as a doctor.",
    "Nor do we suggest that it replaces lawyers.",
    "We are not claiming superhuman accuracy.",
    "We make no promise that it never fails.",
    "No one here is saying the risk is zero.",
    "No vendor can guarantee perfect security.",
    "Nobody can truly ensure that a system is unbreakable.",
    "It is not true that the assistant reads private mail.",
    "We make no representations about returns.",
    "The Ruritania AI Act prohibits social scoring by public bodies.",
    "The new code of practice (2026) requires labs to report incidents.",
    "This law makes it unlawful to sell face data.",
    "The first draft of this post wrongly described the scanner.",
    "Our original release incorrectly stated the error rate.",
    "The earlier wording that we used was wrong.",
    "No system is completely unhackable.",
    "Nothing we ship can be truly risk-free.",
    "None of our models will ever be perfect.",
)


@pytest.mark.slow  # every training sentence and corpus line (about 20 s): CI runs it
def test_the_costliest_mention_patterns_run_only_where_they_can_match() -> None:
    """Each gate is a scan that every match must pass: never a mention missed to save time."""
    from commlint.prose import mentions as m

    guarded: list[tuple[Any, Callable[[str], object]]] = [
        (m._RETRACT, m._may_retract),
        (m._REPORTED, m._may_report),
        (m._DENIAL, m._may_deny),
        (m._LAW_SAYS, m._may_be_law),
        (m._NO_SUBJECT, m._may_have_no_subject),
    ]
    texts = _sentences_to_check() + list(_GATED_EXAMPLES) + [t.upper() for t in _GATED_EXAMPLES]
    assert len(texts) > 20_000
    for pattern, gate in guarded:
        matched = [t for t in texts if pattern.search(t)]
        assert matched, "the check needs sentences the pattern matches"
        missed = [t for t in matched if not gate(t.casefold())]
        assert not missed, (pattern.pattern[:60], missed[:3])
    # every example matches the pattern it was written for
    assert all(any(p.search(t) for p, _ in guarded) for t in _GATED_EXAMPLES)


def test_a_sentences_facts_say_where_reported_speech_ends() -> None:
    """Fixes read where "critics said" ends from the sentence's facts (read once per sentence,
    its pattern behind the gate): the same as reading the sentence again, ungated."""
    from commlint.prose.mentions import reported_speech_end, sentence_facts

    texts = _training_sentences()
    texts += list(_GATED_EXAMPLES) + ["Critics said it was flawless, said Dana Ruiz, chief executive."]
    texts += [t.upper() for t in texts]
    ends = [(sentence_facts(t, (0, len(t)), None).reported_end, reported_speech_end(t)) for t in texts]
    assert all(facts == again for facts, again in ends)
    assert sum(again is not None for _, again in ends) > 20  # reported speech is there to find
