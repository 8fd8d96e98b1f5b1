"""The built-in pattern rules find exactly what tests/data/pack_findings.txt records.

A snapshot, as ruff keeps one per rule: a change to a pack that changes what it finds shows
up here as lines gone and lines new, and the author updates the snapshot on purpose
(``python tests/pack_findings.py save tests/data/pack_findings.txt --words 20000 --no-corpus``)
so the reviewer reads the diff. tests/pack_findings.py runs the larger check (200,000 words
and ../shared/corpus) before and after a pack rewrite.
"""

from __future__ import annotations

from pathlib import Path

from pack_findings import collect, compare, pool_path, render

SNAPSHOT = Path(__file__).parent / "data" / "pack_findings.txt"
WORDS = 20_000


def test_pack_findings_match_the_snapshot() -> None:
    pool = pool_path(SNAPSHOT).read_text(encoding="utf-8").splitlines()
    now = render(iter(collect(corpus=None, words=WORDS, pool=pool)))
    gone, new = compare(SNAPSHOT.read_text(encoding="utf-8").splitlines(), now)
    assert not gone and not new, f"findings gone: {gone[:20]}; findings new: {new[:20]}"


def test_the_snapshot_covers_every_pattern_rule() -> None:
    """A rule missing from the snapshot would make the comparison above prove nothing about it."""
    from pack_findings import pattern_rules

    found = {line.split("\t")[1] for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()}
    missing = sorted(r.id for r in pattern_rules() if r.id not in found)
    assert not missing, f"no finding of {missing} in the snapshot"
