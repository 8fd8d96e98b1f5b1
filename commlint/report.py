"""A run's results across files: what formatters and exit codes are computed from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from commlint.diagnostics import SEVERITIES, Diagnostic, at_least
from commlint.engine import LintResult
from commlint.ruletypes.base import Rule


@dataclass
class Report:
    results: list[LintResult] = field(default_factory=list)
    #: one-line input errors ("path: problem"), reported and skipped
    errors: list[str] = field(default_factory=list)
    fail_level: str = "warning"
    fixed: Counter[str] = field(default_factory=Counter)
    #: every rule the run could report, by id (formatters read their metadata from here)
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    def counts(self) -> dict[str, int]:
        c = Counter(d.severity for d in self.diagnostics)
        return {s: c.get(s, 0) for s in reversed(SEVERITIES)}

    def failed(self) -> bool:
        return any(at_least(d.severity, self.fail_level) for d in self.diagnostics)

    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.failed() else 0

    def summary(self) -> dict[str, Any]:
        counts = self.counts()
        by_rule = Counter(d.rule for d in self.diagnostics)
        return {
            "files": len(self.results),
            "diagnostics": sum(counts.values()),
            "by_severity": counts,
            "by_rule": dict(sorted(by_rule.items())),
            "errors": list(self.errors),
            "fail_level": self.fail_level,
            "failed": self.failed(),
        }
