"""A small rule pack of our own for fix tests, so they do not depend on the built-in packs."""

from __future__ import annotations

from pathlib import Path

from helpers import (
    bad_actors,
    pack_toml,
    rule_toml,
    substitution_rule,
    totally_secure,
    write_project,
)

PACK = pack_toml(
    "fixtest",
    totally_secure(
        "TFX001",
        "absolute: {match}",
        type="substitution",
        patterns=None,
        swap={r"\btotally\s+secure\b": "well protected", r"\bunhackable\b": "strongly protected"},
    ),
    substitution_rule(
        "TFX002",
        "secure-systems",
        r"\bsecure\s+systems\b",
        "protected systems",
        severity="warning",
        message="systems: {match}",
    ),
    rule_toml(
        id="TFX003",
        name="guarantee",
        type="phrase",
        category="absolute",
        severity="warning",
        message="guarantee: {match}",
        patterns=[r"\bwe guarantee\b"],
        suggest=[{"text": "we aim for", "safe": False, "description": "weaker, but check the meaning"}],
    ),
    rule_toml(
        id="TFX004",
        name="risky",
        type="phrase",
        category="unmitigated",
        severity="warning",
        message="risk: {match}",
        patterns=[r"\brisky\b"],
        suggest=[{"text": "{describe the risk and its safeguard}", "safe": True}],
    ),
    substitution_rule("TFX005", "never-fails", r"\bnever\s+fails\.", "rarely fails."),
    bad_actors(
        "TFX006",
        "alarmist: {match}",
        severity="info",
        type="substitution",
        patterns=None,
        swap={r"\bbad\s+actors\b": "people who misuse it"},
    ),
)

#: a rule whose fix produces another rule's match: needs a second pass
CHAIN = pack_toml("fixchain", substitution_rule("TCH001", "flawless", r"\bflawless\b", "totally secure"))

#: two rules undoing each other: the fixer must stop on its own
LOOP = pack_toml(
    "fixloop",
    substitution_rule("TLP001", "ping", r"\bping\b", "pong", category="style", severity="warning", message="ping"),
    substitution_rule("TLP002", "pong", r"\bpong\b", "ping", category="style", severity="warning", message="pong"),
)


def write_pack(folder: Path, text: str = PACK, name: str = "fixpack.toml", select: str = "TFX") -> dict:
    """Write a pack and a commlint.toml selecting it; return the config as a mapping."""
    return write_project(folder, text, name, [select])
