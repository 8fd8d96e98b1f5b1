"""A small rule pack of our own for fix tests, so they do not depend on the built-in packs."""

from __future__ import annotations

from pathlib import Path

from helpers import bad_actors, pack_toml, rule_toml, totally_secure, write_project

PACK = pack_toml(
    "fixtest",
    totally_secure(
        "TFX001",
        "absolute: {match}",
        type="substitution",
        patterns=None,
        swap={r"\btotally\s+secure\b": "well protected", r"\bunhackable\b": "strongly protected"},
    ),
    rule_toml(
        id="TFX002",
        name="secure-systems",
        type="substitution",
        category="absolute",
        severity="warning",
        message="systems: {match}",
        swap={r"\bsecure\s+systems\b": "protected systems"},
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
    rule_toml(
        id="TFX005",
        name="never-fails",
        type="substitution",
        category="absolute",
        severity="error",
        message="absolute: {match}",
        swap={r"\bnever\s+fails\.": "rarely fails."},
    ),
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
CHAIN = pack_toml(
    "fixchain",
    rule_toml(
        id="TCH001",
        name="flawless",
        type="substitution",
        category="absolute",
        severity="error",
        message="absolute: {match}",
        swap={r"\bflawless\b": "totally secure"},
    ),
)

#: two rules undoing each other: the fixer must stop on its own
LOOP = pack_toml(
    "fixloop",
    *(
        rule_toml(
            id=rule_id,
            name=word,
            type="substitution",
            category="style",
            severity="warning",
            message=word,
            swap={rf"\b{word}\b": other},
        )
        for rule_id, word, other in [("TLP001", "ping", "pong"), ("TLP002", "pong", "ping")]
    ),
)


def write_pack(
    folder: Path, text: str = PACK, name: str = "fixpack.toml", select: str = "TFX"
) -> dict:
    """Write a pack and a commlint.toml selecting it; return the config as a mapping."""
    return write_project(folder, text, name, [select])
