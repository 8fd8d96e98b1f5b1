"""Configuration: discovery, loading and validation of commlint.toml / [tool.commlint]."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from commlint.engine.diagnostics import SEVERITIES
from commlint.errors import ConfigError
from commlint.plugin_errors import PluginFailure
from commlint.rules.packs import read_toml
from commlint.source.decode import DEFAULT_MAX_FILE_SIZE

CONFIG_FILES = ("commlint.toml", ".commlint.toml", "pyproject.toml")

#: key in the file -> (attribute, expected type, description)
_KEYS: dict[str, tuple[str, type | tuple[type, ...], str]] = {
    "select": ("select", list, "rule ids, id prefixes, names or categories to enable"),
    "ignore": ("ignore", list, "rules to disable"),
    "extend-select": ("extend_select", list, "rules to enable in addition"),
    "severity": ("severity", dict, "rule -> error|warning|info"),
    "per-file-ignores": ("per_file_ignores", dict, "glob -> rules"),
    "packs": ("packs", list, "extra rule pack files or folders"),
    "lexicon-paths": ("lexicon_paths", list, "extra lexicon files or folders"),
    "lexicons": ("lexicons", dict, "per-lexicon replace/extend tables"),
    "accept": ("accept", list, "terms that never flag"),
    "mitigations": ("mitigations", list, "mitigation statements your organisation uses"),
    "rules": ("rules", dict, "per-rule options"),
    "fail-level": ("fail_level", str, "lowest severity that fails a run"),
    "exclude": ("exclude", list, "gitignore-style patterns to skip when walking folders"),
    "timeout": ("timeout", (int, float), "seconds a rule's patterns may run per document"),
    "max-file-size": ("max_file_size", int, "largest file, in bytes, that is read"),
    "baseline": ("baseline", str, "density baseline name or file"),
    "density": ("density", dict, "density measure settings"),
    "grammar": ("grammar", dict, "grammar backend settings"),
    "plugins": ("plugins", dict, "settings for plugins, by plugin name"),
    "semantic": ("semantic", bool, "run the learned sentence layer beside the rule packs"),
    "extensions": ("extensions", dict, 'file extension -> format to read it as (".mdx" = "mdx")'),
}


@dataclass
class Config:
    """A validated configuration. ``root`` is where relative paths and globs are resolved."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    packs: list[str] = field(default_factory=list)
    lexicon_paths: list[str] = field(default_factory=list)
    lexicons: dict[str, Any] = field(default_factory=dict)
    accept: list[str] = field(default_factory=list)
    mitigations: list[str] = field(default_factory=list)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_level: str = "warning"
    exclude: list[str] = field(default_factory=list)
    timeout: float = 1.0
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    baseline: str | None = None
    density: dict[str, Any] = field(default_factory=dict)
    grammar: dict[str, Any] = field(default_factory=dict)
    plugins: dict[str, Any] = field(default_factory=dict)
    semantic: bool = True
    #: file extension (lower case, with its dot) -> format name; adds to the built-in table
    extensions: dict[str, str] = field(default_factory=dict)
    #: rule selectors given on the command line (so errors can name the flag, not the file)
    cli_selectors: frozenset[str] = frozenset()
    #: plugins that raised in ``commlint_configure`` (each linted document reports them as CL901)
    plugin_failures: tuple[PluginFailure, ...] = ()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def default(cls, root: Path | None = None) -> Config:
        cfg = cls(root=(root or Path.cwd()).resolve())
        _run_configure_hook(cfg)
        return cfg

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: Path | None = None, root: Path | None = None) -> Config:
        """Build from a mapping of config keys (as in the file); errors name ``path``."""
        where = str(path) if path else "<config>"
        cfg = cls(path=path, root=(root or (path.parent if path else Path.cwd())).resolve())
        for key, value in data.items():
            if key not in _KEYS:
                raise ConfigError(f"{where}: unknown key {key!r}")
            attr, expected, _ = _KEYS[key]
            if (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected):
                kind = expected.__name__ if isinstance(expected, type) else "number"
                raise ConfigError(f"{where}: {key!r} must be a {_kind(kind)}")
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {key!r} must be a list of strings")
            if key == "timeout" and isinstance(value, (int, float)):
                value = float(value)
            setattr(cfg, attr, value)
        cfg._validate(where)
        _run_configure_hook(cfg)
        return cfg

    @classmethod
    def from_file(cls, path: str | Path) -> Config:
        """Load ``commlint.toml``, ``.commlint.toml`` or the ``[tool.commlint]`` of pyproject."""
        p = Path(path)
        data = read_toml(p)
        if p.name == "pyproject.toml":
            tool = data.get("tool", {})
            data = tool.get("commlint", {}) if isinstance(tool, dict) else {}
            if not isinstance(data, dict):
                raise ConfigError(f"{p.resolve()}: [tool.commlint] must be a table")
        return cls.from_dict(data, path=p.resolve())

    @classmethod
    def discover(cls, start: str | Path) -> Config:
        """The first config found walking up from ``start``; defaults when there is none."""
        found = find_config_file(Path(start))
        return cls.from_file(found) if found else cls.default()

    # -- validation ---------------------------------------------------------------------
    def _validate(self, where: str) -> None:
        if self.fail_level not in SEVERITIES:
            choices = ", ".join(SEVERITIES)
            raise ConfigError(f"{where}: 'fail-level' must be one of {choices}, not {self.fail_level!r}")
        for rule, sev in self.severity.items():
            if sev not in SEVERITIES:
                raise ConfigError(f"{where}: severity.{rule} must be one of {', '.join(SEVERITIES)}, not {sev!r}")
        for glob, rules in self.per_file_ignores.items():
            if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
                raise ConfigError(f"{where}: per-file-ignores.{glob!r} must be a list of rule ids")
        for rule, options in self.rules.items():
            if not isinstance(options, dict):
                raise ConfigError(f"{where}: rules.{rule} must be a table of options")
        self.extensions = _extensions(self.extensions, where)
        if self.timeout <= 0:
            raise ConfigError(f"{where}: 'timeout' must be positive")
        if self.max_file_size <= 0:
            raise ConfigError(f"{where}: 'max-file-size' must be a positive number of bytes")
        for key, paths in (("packs", self.packs), ("lexicon-paths", self.lexicon_paths)):
            for raw in paths:
                if not self.resolve(raw).exists():
                    raise ConfigError(f"{where}: {key}: {raw!r} not found (looked at {self.resolve(raw)})")

    def resolve(self, p: str) -> Path:
        """A path from the config, relative to the config's folder."""
        path = Path(p).expanduser()
        return path if path.is_absolute() else self.root / path

    def replace(self, **changes: Any) -> Config:
        """A copy with some attributes changed (used for command-line overrides).

        A name ending in ``+`` (``**{"ignore+": ["ABS"]}``) appends to that list instead of
        replacing it, so ``--ignore`` adds to each discovered config's own ``ignore``.
        """
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in changes.items():
            if name.endswith("+"):
                values[name[:-1]] = list(values[name[:-1]]) + list(value)
            else:
                values[name] = value
        return Config(**values)

    def cache_key(self) -> str:
        import json

        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, default=str, sort_keys=True)


def _extensions(table: dict[str, Any], where: str) -> dict[str, str]:
    """``extensions`` with each key as ``.ext`` in lower case; values must be format names."""
    out: dict[str, str] = {}
    for ext, fmt in table.items():
        if not isinstance(fmt, str) or not fmt:
            raise ConfigError(f'{where}: extensions.{ext!r} must be a format name such as "markdown"')
        key = ext.lower() if ext.startswith(".") else f".{ext.lower()}"
        if len(key) < 2 or "/" in key:
            raise ConfigError(f'{where}: extensions: {ext!r} is not a file extension (write ".mdx")')
        out[key] = fmt
    return out


def _kind(name: str) -> str:
    return {
        "list": "list",
        "dict": "table",
        "str": "string",
        "int": "whole number",
        "bool": "boolean (true or false)",
    }.get(name, name)


def find_config_file(start: Path, memo: dict[Path, Path | None] | None = None) -> Path | None:
    """Walk upward from ``start`` (a file or folder) to the first config file.

    With ``memo`` (one run's: folder -> what governs it), a folder walked before is not
    looked at again: every folder walked is remembered with the answer, so a run over many
    files in few folders looks at each folder once. ``start`` may be a folder the memo holds
    as it is (resolved), which then costs one look-up."""
    if memo is not None and start in memo:
        return memo[start]
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    walked: list[Path] = []
    found: Path | None = None
    for folder in (here, *here.parents):
        if memo is not None and folder in memo:
            found = memo[folder]
            break
        walked.append(folder)
        found = _config_in(folder)
        if found is not None:
            break
    if memo is not None:
        memo.update(dict.fromkeys(walked, found))
    return found


def _config_in(folder: Path) -> Path | None:
    """The config file of ``folder`` itself, if it has one."""
    for name in CONFIG_FILES:
        candidate = folder / name
        if candidate.is_file():
            if name == "pyproject.toml" and not _has_tool_table(candidate):
                continue
            return candidate
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "commlint" in read_toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def _run_configure_hook(cfg: Config) -> None:
    from commlint.plugins import call_each

    _, failures = call_each("commlint_configure", passthrough=(ConfigError,), config=cfg)
    cfg.plugin_failures = (*cfg.plugin_failures, *failures)
