"""A run's results across files: what formatters and exit codes are computed from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from commlint.engine.diagnostics import SEVERITIES, SEVERITY_RANK, Diagnostic, at_least
from commlint.engine.result import LintResult
from commlint.errors import CommlintError
from commlint.plugin_errors import PluginFailure, as_diagnostic
from commlint.plugin_errors import report as report_failures
from commlint.rules.ruletypes.base import Rule


@dataclass
class Report:
    """The results of a run across its files, its input errors and the rules it could report."""

    results: list[LintResult] = field(default_factory=list)
    #: one-line input errors ("path: problem"), reported and skipped
    errors: list[str] = field(default_factory=list)
    #: the exceptions behind ``errors`` (InputError, ConfigError), for callers that raise them
    exceptions: list[CommlintError] = field(default_factory=list)
    #: the lowest fail level of the run's configurations (each file fails at its own level)
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

    def fail_level_of(self, result: LintResult) -> str:
        """The fail level ``result``'s findings are judged by: that of the config it was linted with."""
        return result.config.fail_level if result.config is not None else self.fail_level

    def failing(self, result: LintResult) -> list[Diagnostic]:
        level = self.fail_level_of(result)
        return [d for d in result.diagnostics if at_least(d.severity, level)]

    def failed(self) -> bool:
        # Per file, so the exit code does not depend on which file was named last.
        return any(self.failing(r) for r in self.results)

    def set_fail_level(self, levels: Iterable[str]) -> None:
        """Summarise the configurations' fail levels as the lowest (order does not matter)."""
        chosen = sorted(set(levels), key=SEVERITY_RANK.__getitem__)
        if chosen:
            self.fail_level = chosen[0]

    def add_plugin_failures(self, failures: Iterable[PluginFailure]) -> None:
        """Report run-wide plugin failures (a hook called once per run) on every linted file."""
        failures = list(failures)
        if not self.results:
            report_failures(failures)  # nothing linted to attach them to: stderr
        for result in self.results:
            result.diagnostics[:0] = [as_diagnostic(f, result.path) for f in failures]

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
            "fixed": sum(self.fixed.values()),
        }
