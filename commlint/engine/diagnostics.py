"""Diagnostics: findings mapped to source positions. Frozen, so tools can hash and compare them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES: tuple[str, ...] = ("info", "warning", "error")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}


def at_least(severity: str, level: str) -> bool:
    """True when ``severity`` is ``level`` or more severe."""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[level]


@dataclass(frozen=True)
class Suggestion:
    """A replacement for a source span. ``safe`` fixes are applied by ``--fix``.

    ``needs_input`` marks text the author must complete (it holds a ``{placeholder}``);
    such a suggestion is shown but never applied. ``start``/``end`` are source offsets of
    the edit (an insertion when equal).
    """

    text: str
    description: str = ""
    safe: bool = False
    needs_input: bool = False
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Diagnostic:
    """One finding in one document. Lines and columns are 1-based; columns count characters."""

    rule: str
    name: str
    category: str
    severity: str
    scope: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    suggestions: tuple[Suggestion, ...] = ()
    path: str | None = None
    #: the source text of the span (empty for document scope)
    text: str = ""
    #: extra machine-readable facts (for example the density figures)
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def internal(cls, rule: str, name: str, message: str, path: str | None, severity: str = "warning") -> Diagnostic:
        """A notice about the run on a whole document (CL9xx: a rule or a plugin failed)."""
        return cls(
            rule=rule,
            name=name,
            category="internal",
            severity=severity,
            scope="document",
            message=message,
            line=1,
            column=1,
            end_line=1,
            end_column=1,
            start=0,
            end=0,
            path=path,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of docs/json.md."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "scope": self.scope,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "start": self.start,
            "end": self.end,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }
        if self.data:
            out["data"] = self.data
            if "confidence" in self.data:  # the learned layer's probability, also at the top level
                out["confidence"] = self.data["confidence"]
        return out
