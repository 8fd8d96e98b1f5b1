"""Inline suppression comments, in the markdownlint style.

Markdown and HTML: ``<!-- commlint-disable RULE[,RULE] -->`` … ``<!-- commlint-enable -->``,
``<!-- commlint-disable-next-line [RULE] -->`` and ``<!-- commlint-disable-line [RULE] -->``.
Plain text: the same words on a line of their own. No rule named means every rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

_WORDS = r"commlint-(disable-next-line|disable-line|disable|enable)\b[ \t]*([A-Za-z0-9_,\- \t]*?)"
HTML_DIRECTIVE = regex.compile(r"<!--[ \t]*" + _WORDS + r"[ \t]*-->")
TEXT_DIRECTIVE = regex.compile(r"^[ \t]*" + _WORDS + r"[ \t]*$")

ALL = "*"


@dataclass
class Suppressions:
    """Which rules are disabled on which 1-based lines."""

    #: line -> rule selectors disabled on that line ("*" for all)
    by_line: dict[int, set[str]] = field(default_factory=dict)
    #: directive lines, for code actions and stale-directive checks
    directives: list[int] = field(default_factory=list)

    def is_suppressed(self, rule_id: str, rule_name: str, line: int) -> bool:
        selectors = self.by_line.get(line)
        if not selectors:
            return False
        return any(
            s == ALL or s == rule_name or rule_id.startswith(s) for s in selectors
        )


def _rules(text: str) -> set[str]:
    names = {r.strip() for r in regex.split(r"[,\s]+", text) if r.strip()}
    return names or {ALL}


def parse_suppressions(text: str, line_starts: list[int], comment_style: str) -> Suppressions:
    """Find directives in ``text``; ``comment_style`` is "html" or "text"."""
    result = Suppressions()
    directives: list[tuple[int, str, set[str]]] = []
    if comment_style == "html":
        if "commlint-" not in text:
            return result
        import bisect

        for m in HTML_DIRECTIVE.finditer(text):
            line = bisect.bisect_right(line_starts, m.start())
            directives.append((line, m.group(1), _rules(m.group(2))))
    else:
        for index, start in enumerate(line_starts):
            end = line_starts[index + 1] if index + 1 < len(line_starts) else len(text)
            m = TEXT_DIRECTIVE.match(text[start:end].rstrip("\r\n"))
            if m:
                directives.append((index + 1, m.group(1), _rules(m.group(2))))
    if not directives:
        return result
    total_lines = len(line_starts)
    active: set[str] = set()
    by_directive = {line: (kind, rules) for line, kind, rules in directives}
    result.directives = sorted(by_directive)
    for line in range(1, total_lines + 1):
        entry = by_directive.get(line)
        if entry:
            kind, rules = entry
            if kind == "disable":
                active |= rules
            elif kind == "enable":
                active = set() if ALL in rules else active - rules
            elif kind == "disable-next-line":
                result.by_line.setdefault(line + 1, set()).update(rules)
            elif kind == "disable-line":
                result.by_line.setdefault(line, set()).update(rules)
        if active:
            result.by_line.setdefault(line, set()).update(active)
    return result
