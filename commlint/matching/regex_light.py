"""What commlint takes from ``regex`` before the package has run: its flag values and ``escape``.

Importing ``regex`` runs its pure-Python parser module (~25 ms of every cold ``check``), and a
check whose patterns all come from the pattern cache never needs the parser: the engine is
its C module. ``commlint.startup.defer_regex`` puts a stand-in for the package in
``sys.modules`` that holds these names, so module-level patterns that name flags
(``regex.IGNORECASE | regex.VERSION0``) and the lexicon patterns built with ``regex.escape``
do not run the package. The values and results are regex's own (tests/test_startup.py
compares them with the package's); anything else read from the stand-in runs the package.
"""

from __future__ import annotations

from typing import Any

ASCII = A = 0x80
FULLCASE = F = 0x4000
IGNORECASE = I = 0x2  # noqa: E741 - regex's own name
LOCALE = L = 0x4
MULTILINE = M = 0x8
DOTALL = S = 0x10
REVERSE = R = 0x400
VERSION0 = V0 = 0x2000
VERSION1 = V1 = 0x100
WORD = W = 0x800
VERBOSE = X = 0x40

#: what ``regex.escape`` escapes by default (regex's ``_METACHARS``), besides white space
_METACHARS = frozenset("()[]{}?*+|^$\\.-#&~")


def escape(pattern: Any, special_only: bool = True, literal_spaces: bool = False) -> Any:
    """``regex.escape``: for a string with the default options, computed here; anything else
    is handed to the package."""
    if not isinstance(pattern, str) or not special_only or literal_spaces:
        import regex

        return regex.escape(pattern, special_only, literal_spaces)
    meta = _METACHARS
    return "".join(f"\\{c}" if c in meta or c.isspace() else c for c in pattern)


def expand(match: Any, template: str) -> str:
    """``match.expand(template)``. A template that is plain text and ``\\g<name>`` references
    (the packs' suggestions) is filled in here; any other escape is left to the engine, whose
    template parser is the package's (running it, if it has not run)."""
    parts = template.split("\\g<")
    if "\\" in parts[0]:
        return str(match.expand(template))
    out = [parts[0]]
    for part in parts[1:]:
        name, close, rest = part.partition(">")
        if not close or not name.replace("_", "x").isalnum() or not name.isascii() or "\\" in rest:
            return str(match.expand(template))
        group: int | str = int(name) if name.isdigit() else name
        if not (group in match.re.groupindex if isinstance(group, str) else group <= match.re.groups):
            return str(match.expand(template))  # the engine's own error
        out.append(match.group(group) or "")
        out.append(rest)
    return "".join(out)


#: the names the stand-in holds
NAMES = {name: value for name, value in list(globals().items()) if name.isupper() and name[0] != "_"}
NAMES["escape"] = escape
