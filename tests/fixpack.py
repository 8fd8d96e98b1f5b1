"""A small rule pack of our own for fix tests, so they do not depend on the built-in packs."""

from __future__ import annotations

from pathlib import Path

PACK = r"""
[pack]
name = "fixtest"

[[rule]]
id = "TFX001"
name = "totally-secure"
type = "substitution"
category = "absolute"
severity = "error"
message = "absolute: {match}"
swap = { '\btotally\s+secure\b' = "well protected", '\bunhackable\b' = "strongly protected" }

[[rule]]
id = "TFX002"
name = "secure-systems"
type = "substitution"
category = "absolute"
severity = "warning"
message = "systems: {match}"
swap = { '\bsecure\s+systems\b' = "protected systems" }

[[rule]]
id = "TFX003"
name = "guarantee"
type = "phrase"
category = "absolute"
severity = "warning"
message = "guarantee: {match}"
patterns = ['\bwe guarantee\b']
suggest = [{ text = "we aim for", safe = false, description = "weaker, but check the meaning" }]

[[rule]]
id = "TFX004"
name = "risky"
type = "phrase"
category = "unmitigated"
severity = "warning"
message = "risk: {match}"
patterns = ['\brisky\b']
suggest = [{ text = "{describe the risk and its safeguard}", safe = true }]

[[rule]]
id = "TFX005"
name = "never-fails"
type = "substitution"
category = "absolute"
severity = "error"
message = "absolute: {match}"
swap = { '\bnever\s+fails\.' = "rarely fails." }

[[rule]]
id = "TFX006"
name = "bad-actors"
type = "substitution"
category = "alarmist"
severity = "info"
message = "alarmist: {match}"
swap = { '\bbad\s+actors\b' = "people who misuse it" }
"""

#: a rule whose fix produces another rule's match: needs a second pass
CHAIN = r"""
[pack]
name = "fixchain"

[[rule]]
id = "TCH001"
name = "flawless"
type = "substitution"
category = "absolute"
severity = "error"
message = "absolute: {match}"
swap = { '\bflawless\b' = "totally secure" }
"""

#: two rules undoing each other: the fixer must stop on its own
LOOP = r"""
[pack]
name = "fixloop"

[[rule]]
id = "TLP001"
name = "ping"
type = "substitution"
category = "style"
severity = "warning"
message = "ping"
swap = { '\bping\b' = "pong" }

[[rule]]
id = "TLP002"
name = "pong"
type = "substitution"
category = "style"
severity = "warning"
message = "pong"
swap = { '\bpong\b' = "ping" }
"""


def write_pack(
    folder: Path, text: str = PACK, name: str = "fixpack.toml", select: str = "TFX"
) -> dict:
    """Write a pack and a commlint.toml selecting it; return the config as a mapping."""
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "commlint.toml").write_text(
        f'packs = ["{name}"]\nselect = ["{select}"]\n', encoding="utf-8"
    )
    return {"packs": [str(folder / name)], "select": [select]}
