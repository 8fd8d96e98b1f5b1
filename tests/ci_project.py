"""A tiny project for the CI-output and accepted-findings tests: its own rule pack and config,
so the tests never depend on the wording of the built-in packs."""

from __future__ import annotations

from pathlib import Path

PACK = r"""
[pack]
name = "citest"

[[rule]]
id = "CIT101"
name = "totally-secure"
type = "phrase"
category = "absolute"
severity = "error"
message = "Absolute claim: “{match}”."
rationale = "A test rule: absolute claims get quoted back at you."
patterns = ['\btotally\W+secure\b']
[[rule.suggest]]
text = "well protected"
safe = true
description = "Describe the protection"

[[rule]]
id = "CIT102"
name = "game-changer"
type = "phrase"
category = "hype"
severity = "warning"
message = "Hype: {match}"
patterns = ['\bgame[- ]changer\b']
[[rule.suggest]]
text = "notable step"
safe = false
[[rule.suggest]]
text = "step that {what it changes}"
safe = true

[[rule]]
id = "CIT103"
name = "synergy-word"
type = "phrase"
category = "style"
severity = "info"
message = "Jargon: {match}."
patterns = ['\bsynergy\b']

[[rule]]
id = "CIT104"
name = "whole-draft-check"
type = "readability"
category = "readability"
severity = "info"
metric = "flesch_reading_ease"
max = -100000
min-words = 1
message = "Whole-document check (always fires in tests)"
enabled = false

[[rule]]
id = "CIT105"
name = "odd-message"
type = "phrase"
category = "style"
severity = "warning"
message = "100% sure: {match}, <really> & \"truly\"\r\nsecond line"
patterns = ['\bfoobar\b']
enabled = false
"""


def make_project(root: Path, *, select: list[str] | None = None) -> Path:
    """Write pack + commlint.toml under ``root``; return ``root``."""
    (root / "citest.toml").write_text(PACK, encoding="utf-8")
    rules = ", ".join(f'"{s}"' for s in (select or ["CIT101", "CIT102", "CIT103"]))
    (root / "commlint.toml").write_text(
        f'packs = ["citest.toml"]\nselect = [{rules}]\n', encoding="utf-8"
    )
    return root
