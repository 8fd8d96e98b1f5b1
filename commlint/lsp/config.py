"""Workspace configuration for the language server: discovery, overrides and reloads.

Each document uses the config found by walking up from its file (``commlint.toml``,
``.commlint.toml`` or ``[tool.commlint]`` in ``pyproject.toml``), else the workspace root's,
else the defaults. Overrides from ``initializationOptions`` and
``workspace/didChangeConfiguration`` are laid over it, key by key. Built Linters are cached
per config file until a watched config file changes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commlint.config import CONFIG_FILES, Config, find_config_file
from commlint.engine.linter import Linter
from commlint.errors import CommlintError
from commlint.lsp.incremental import IncrementalLinter
from commlint.rules.packs import read_toml

#: the default wait after the last keystroke before linting (milliseconds)
DEFAULT_DEBOUNCE_MS = 200
#: the default pause before the full pass re-checks the whole document (milliseconds)
DEFAULT_FULL_LINT_DELAY_MS = 500
#: the default time one lint of one document may take before it is stopped (milliseconds)
DEFAULT_LINT_BUDGET_MS = 10_000


@dataclass
class ServerSettings:
    """What a client may set: server behaviour plus config-key overrides."""

    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    #: the pause after which the full pass (cross-sentence and document rules) runs
    full_lint_delay_ms: int = DEFAULT_FULL_LINT_DELAY_MS
    #: how long one lint of one document may run before it is stopped (fail closed)
    lint_budget_ms: int = DEFAULT_LINT_BUDGET_MS
    #: config keys as in commlint.toml (``select``, ``ignore``, ``severity`` ...)
    overrides: dict[str, Any] = field(default_factory=dict)
    #: where ``overrides`` came from, so errors in them name it and not a config file
    origin: str = "initializationOptions"


#: setting key -> (ServerSettings attribute, smallest value allowed)
_NUMBERS = {
    "debounceMs": ("debounce_ms", 0),
    "fullLintDelayMs": ("full_lint_delay_ms", 0),
    "lintBudgetMs": ("lint_budget_ms", 1),
}


def parse_settings(
    raw: Any, base: ServerSettings | None = None, origin: str = "initializationOptions"
) -> ServerSettings:
    """Settings from ``initializationOptions`` or ``didChangeConfiguration`` params.

    Accepts ``{"commlint": {...}}`` or the inner table itself, whose keys are
    ``debounceMs``, ``fullLintDelayMs`` and ``lintBudgetMs`` (milliseconds) and ``config``
    (a table of config keys). Unknown or ill-typed values raise ValueError naming them
    and ``origin``, the message that carried them.
    """
    settings = ServerSettings(
        debounce_ms=base.debounce_ms if base else DEFAULT_DEBOUNCE_MS,
        full_lint_delay_ms=base.full_lint_delay_ms if base else DEFAULT_FULL_LINT_DELAY_MS,
        lint_budget_ms=base.lint_budget_ms if base else DEFAULT_LINT_BUDGET_MS,
        overrides=dict(base.overrides) if base else {},
        origin=base.origin if base else origin,
    )
    if raw is None:
        return settings
    if not isinstance(raw, Mapping):
        raise ValueError(f"{origin}: commlint settings must be an object")
    table = raw.get("commlint", raw)
    if table is None:
        return settings
    if not isinstance(table, Mapping):
        raise ValueError(f"{origin}: commlint settings must be an object")
    unknown = set(table) - {*_NUMBERS, "config"}
    if unknown:
        raise ValueError(f"{origin}: unknown commlint setting(s): {', '.join(sorted(map(str, unknown)))}")
    for key, (attr, least) in _NUMBERS.items():
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < least:
                raise ValueError(f"{origin}: commlint setting {key!r} must be a number >= {least}")
            setattr(settings, attr, int(value))
    if "config" in table:
        if not isinstance(table["config"], Mapping):
            raise ValueError(f"{origin}: commlint setting 'config' must be an object of config keys")
        settings.overrides = dict(table["config"])
        settings.origin = origin
    return settings


def is_config_file(path: str | Path) -> bool:
    return Path(path).name in CONFIG_FILES


class WorkspaceConfigs:
    """The Linter for each document, built once per config file and cached until reload."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        self.roots = [r.resolve() for r in roots or []]
        self.settings = ServerSettings()
        self._linters: dict[Path | None, Linter] = {}
        #: the last Linter built without error per config file, kept across reloads
        self._last_good: dict[Path | None, Linter] = {}
        self._incremental: weakref.WeakKeyDictionary[Linter, IncrementalLinter] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        #: the last configuration error per config file (None: the overrides alone)
        self.errors: dict[Path | None, str] = {}

    def update(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.invalidate()

    def invalidate(self) -> None:
        """Forget every built Linter (a config file or the overrides changed)."""
        with self._lock:
            self._linters.clear()
            self.errors.clear()

    def root_for(self, path: Path | None) -> Path | None:
        if path is not None:
            for root in sorted(self.roots, key=lambda r: len(str(r)), reverse=True):
                if path == root or root in path.parents:
                    return root
        return self.roots[0] if self.roots else None

    def config_file_for(self, path: Path | None) -> Path | None:
        start = path.parent if path is not None else self.root_for(None)
        if start is None:
            return None
        found = find_config_file(start)
        if found is None and path is not None:
            root = self.root_for(path)
            found = find_config_file(root) if root is not None else None
        return found.resolve() if found else None

    def incremental_for(self, path: Path | None) -> IncrementalLinter:
        """The two-pass linter (with its block cache) for a document path."""
        linter = self.linter_for(path)
        with self._lock:
            inc = self._incremental.get(linter)
            if inc is None:
                inc = self._incremental[linter] = IncrementalLinter(linter)
            return inc

    def linter_for(self, path: Path | None) -> Linter:
        """The Linter for a document path (None for an unsaved buffer). Never raises
        a CommlintError: a broken config is recorded in ``errors`` and the last good
        Linter for that file (else the defaults) is used."""
        found = self.config_file_for(path)
        with self._lock:
            linter = self._linters.get(found)
            if linter is not None:
                return linter
            try:
                linter = self._linter(found, path)
                self._last_good[found] = linter
            except CommlintError as exc:
                # Mid-edit typos in a config must not flood the document: keep the last
                # good configuration, else fall back to the defaults.
                self.errors[found] = str(exc)
                linter = self._last_good.get(found) or Linter(Config.default(self.root_for(path)))
            self._linters[found] = linter
            return linter

    def _linter(self, found: Path | None, path: Path | None) -> Linter:
        """The Linter of a config file with the client's overrides laid over it. An error
        the file alone does not have is the overrides' and names their origin."""
        overrides = self.settings.overrides
        try:
            return Linter(self._build(found, path, overrides))
        except CommlintError as exc:
            if not overrides:
                raise
            Linter(self._build(found, path, {}))  # the file's own error names the file
            where = str(found) if found is not None else "<config>"
            detail = str(exc).removeprefix(f"{where}: ")
            raise CommlintError(f"{self.settings.origin} commlint.config: {detail}") from None

    def _build(self, found: Path | None, path: Path | None, overrides: dict[str, Any]) -> Config:
        if found is None:
            root = self.root_for(path) or (path.parent if path else Path.cwd())
            return Config.from_dict(overrides, root=root) if overrides else Config.default(root)
        data = read_toml(found)
        if found.name == "pyproject.toml":
            data = data.get("tool", {}).get("commlint", {})
        return Config.from_dict({**data, **overrides}, path=found)
