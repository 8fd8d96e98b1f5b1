"""A tiny project for the CI-output and accepted-findings tests: its own rule pack and config,
so the tests never depend on the wording of the built-in packs."""

from __future__ import annotations

from pathlib import Path

from helpers import pack_toml, rule_toml, totally_secure, write_project

PACK = pack_toml(
    "citest",
    totally_secure(
        "CIT101",
        "Absolute claim: “{match}”.",
        type="phrase",
        rationale="A test rule: absolute claims get quoted back at you.",
        patterns=[r"\btotally\W+secure\b"],
        suggest=[{"text": "well protected", "safe": True, "description": "Describe the protection"}],
    ),
    rule_toml(
        id="CIT102",
        name="game-changer",
        type="phrase",
        category="hype",
        severity="warning",
        message="Hype: {match}",
        patterns=[r"\bgame[- ]changer\b"],
        suggest=[
            {"text": "notable step", "safe": False},
            {"text": "step that {what it changes}", "safe": True},
        ],
    ),
    rule_toml(
        id="CIT103",
        name="synergy-word",
        type="phrase",
        category="style",
        severity="info",
        message="Jargon: {match}.",
        patterns=[r"\bsynergy\b"],
    ),
    rule_toml(
        id="CIT104",
        name="whole-draft-check",
        type="readability",
        category="readability",
        severity="info",
        metric="flesch_reading_ease",
        max=-100000,
        min_words=1,
        message="Whole-document check (always fires in tests)",
        enabled=False,
    ),
    rule_toml(
        id="CIT105",
        name="odd-message",
        type="phrase",
        category="style",
        severity="warning",
        message='100% sure: {match}, <really> & "truly"\r\nsecond line',
        patterns=[r"\bfoobar\b"],
        enabled=False,
    ),
)


def make_project(root: Path, *, select: list[str] | None = None) -> Path:
    """Write pack + commlint.toml under ``root``; return ``root``."""
    write_project(root, PACK, "citest.toml", select or ["CIT101", "CIT102", "CIT103"])
    return root
