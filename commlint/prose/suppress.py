"""Inline suppression comments, in the markdownlint style.

Markdown and HTML: ``<!-- commlint-disable RULE[,RULE] -->`` … ``<!-- commlint-enable -->``,
``<!-- commlint-disable-next-line [RULE] -->`` and ``<!-- commlint-disable-line [RULE] -->``.
Plain text: the same words on a line of their own. No rule named means every rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from commlint.matching import regex_cache

_WORDS = r"commlint-(disable-next-line|disable-line|disable|enable)\b[ \t]*([A-Za-z0-9_,\- \t]*?)"
HTML_DIRECTIVE = regex_cache.compile(r"<!--[ \t]*" + _WORDS + r"[ \t]*-->")
TEXT_DIRECTIVE = regex_cache.compile(r"^[ \t]*" + _WORDS + r"[ \t]*$")
#: reStructuredText: the same words in a comment, ``.. commlint-disable-next-line ABS101``
RST_DIRECTIVE = regex_cache.compile(r"^[ \t]*\.\.[ \t]+" + _WORDS + r"[ \t]*$")

ALL = "*"


@dataclass
class Suppressions:
    """Which rules are disabled on which 1-based lines."""

    #: line -> rule selectors disabled on that line ("*" for all)
    by_line: dict[int, set[str]] = field(default_factory=dict)
    #: directive lines, for code actions and stale-directive checks
    directives: list[int] = field(default_factory=list)
    #: line -> rules re-enabled by ``enable RULE`` inside a ``disable`` (all) region
    exempt: dict[int, set[str]] = field(default_factory=dict)
    #: line -> rules named by ``disable-next-line``/``disable-line`` (these beat ``exempt``)
    explicit: dict[int, set[str]] = field(default_factory=dict)

    def is_suppressed(self, rule_id: str, rule_name: str, line: int) -> bool:
        if _matches(self.explicit.get(line), rule_id, rule_name):
            return True
        if _matches(self.exempt.get(line), rule_id, rule_name):
            return False
        return _matches(self.by_line.get(line), rule_id, rule_name)


def _matches(selectors: set[str] | None, rule_id: str, rule_name: str) -> bool:
    if not selectors:
        return False
    return any(s in (ALL, rule_name) or rule_id.startswith(s) for s in selectors)


_SEPARATORS = regex_cache.compile(r"[,\s]+")


def _rules(text: str) -> set[str]:
    names = {r.strip() for r in _SEPARATORS.split(text) if r.strip()}
    return names or {ALL}


def parse_suppressions(
    text: str, line_starts: list[int], comment_style: str, skip: Iterable[tuple[int, int]] = ()
) -> Suppressions:
    """Find directives in ``text``; ``comment_style`` is "html", "rst" or "text".

    Directives starting inside a ``skip`` range (source offsets of code blocks and code spans,
    where a document shows a directive rather than uses it) are ignored.
    """
    result = Suppressions()
    directives: list[tuple[int, str, set[str]]] = []
    if comment_style == "html":
        if "commlint-" not in text:
            return result
        import bisect

        ranges = sorted(skip)
        for m in HTML_DIRECTIVE.finditer(text):
            if any(a <= m.start() < b for a, b in ranges):
                continue
            line = bisect.bisect_right(line_starts, m.start())
            directives.append((line, m.group(1), _rules(m.group(2))))
    else:
        pattern = RST_DIRECTIVE if comment_style == "rst" else TEXT_DIRECTIVE
        for index, start in enumerate(line_starts):
            end = line_starts[index + 1] if index + 1 < len(line_starts) else len(text)
            m = pattern.match(text[start:end].rstrip("\r\n"))
            if m:
                directives.append((index + 1, m.group(1), _rules(m.group(2))))
    if not directives:
        return result
    total_lines = len(line_starts)
    active: set[str] = set()
    exempt: set[str] = set()
    # Several directives may share a line ("<!-- a --> <!-- b -->"): keep them all, in order.
    by_directive: dict[int, list[tuple[str, set[str]]]] = {}
    for line, kind, rules in directives:
        by_directive.setdefault(line, []).append((kind, rules))
    result.directives = sorted(by_directive)
    for line in range(1, total_lines + 1):
        for kind, rules in by_directive.get(line, ()):
            if kind == "disable":
                active |= rules
                exempt -= rules
            elif kind == "enable":
                if ALL in rules:
                    active, exempt = set(), set()
                else:
                    active -= rules
                    if ALL in active:  # "disable" everything, then "enable X": X is back on
                        exempt |= rules
            else:
                target = line + 1 if kind == "disable-next-line" else line
                if comment_style == "rst" and kind == "disable-next-line":
                    # an RST comment ends at a blank line: "next line" is the next one with text
                    while target < total_lines and not _line(text, line_starts, target).strip():
                        target += 1
                result.explicit.setdefault(target, set()).update(rules)
                result.by_line.setdefault(target, set()).update(rules)
        if active:
            result.by_line.setdefault(line, set()).update(active)
        if exempt:
            result.exempt[line] = set(exempt)
    return result


def _line(text: str, line_starts: list[int], line: int) -> str:
    start = line_starts[line - 1]
    end = line_starts[line] if line < len(line_starts) else len(text)
    return text[start:end]
