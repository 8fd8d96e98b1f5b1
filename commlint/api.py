"""The Python API for PR tooling: lint text or paths, get frozen Diagnostics back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from commlint.config import Config, find_config_file
from commlint.diagnostics import Diagnostic
from commlint.engine import Linter, LintResult, linter_for
from commlint.errors import InputError
from commlint.formats import format_for_path
from commlint.plugins import file_extensions
from commlint.report import Report
from commlint.source import decode, read_source
from commlint.walk import iter_documents

ConfigLike = Config | Mapping[str, Any] | str | Path | None


def as_config(config: ConfigLike, near: str | Path | None = None) -> Config:
    """A Config from a Config, a mapping of config keys, a file path, or None (discover)."""
    if isinstance(config, Config):
        return config
    if isinstance(config, Mapping):
        return Config.from_dict(config)
    if isinstance(config, (str, Path)):
        return Config.from_file(config)
    return Config.discover(near) if near is not None else Config.default()


def lint_text(
    text: str, *, path: str | None = None, config: ConfigLike = None, format: str | None = None
) -> list[Diagnostic]:
    """Lint one document given as text. ``path`` picks the format (by extension) and config."""
    linter = linter_for(as_config(config, Path(path).parent if path else None))
    return linter.lint(decode(text.encode("utf-8"), path), format).diagnostics


def lint_result(
    text: str, *, path: str | None = None, config: ConfigLike = None, format: str | None = None
) -> LintResult:
    """Like lint_text, but returns the whole LintResult (document, prose view, extras)."""
    linter = linter_for(as_config(config, Path(path).parent if path else None))
    return linter.lint(decode(text.encode("utf-8"), path), format)


def lint_paths(paths: Iterable[str | Path], *, config: ConfigLike = None) -> list[Diagnostic]:
    """Lint files and folders; each file uses ``config`` or the config discovered for it.

    Unreadable or non-UTF-8 files raise InputError; use ``run`` to collect them instead.
    """
    report = run([str(p) for p in paths], config=config)
    if report.errors:
        raise InputError(report.errors[0])
    return report.diagnostics


def run(
    paths: list[str],
    *,
    config: ConfigLike = None,
    stdin: str | bytes | None = None,
    stdin_filename: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Report:
    """Lint paths (``-`` reads ``stdin``) into a Report; input errors are collected, not raised."""
    explicit = as_config(config) if config is not None else None
    report = Report()
    extensions = file_extensions()
    cache: dict[Path | None, Linter] = {}
    seen: set[Path] = set()

    def linter_near(where: Path) -> Linter:
        if explicit is not None:
            cfg = explicit
        else:
            found = find_config_file(where)
            key = found.resolve() if found else None
            if key in cache:
                return cache[key]  # its rules are already on the report
            cfg = Config.from_file(found) if found else Config.default()
        if overrides:
            cfg = cfg.replace(**overrides)
        linter = linter_for(cfg)
        if explicit is None:
            cache[key] = linter
        report.rules.update({rule.id: rule for rule in linter.all_rules})
        return linter

    for raw in paths:
        if raw == "-":
            name = stdin_filename or "-"
            linter = linter_near(Path(stdin_filename).parent if stdin_filename else Path.cwd())
            try:
                data = stdin if isinstance(stdin, bytes) else (stdin or "").encode("utf-8", "surrogateescape")
                source = decode(data, name)
                report.results.append(linter.lint(source, format_for_path(stdin_filename)))
            except InputError as exc:
                report.errors.append(str(exc))
            report.fail_level = linter.config.fail_level
            continue
        base_cfg = explicit or (Config.discover(raw) if Path(raw).exists() else Config.default())
        try:
            files = list(iter_documents([raw], extensions, base_cfg.exclude, base_cfg.root))
        except InputError as exc:
            report.errors.append(str(exc))
            continue
        for file in files:
            resolved = file.resolve()
            if resolved in seen:  # named twice, or named and found in a walked folder
                continue
            seen.add(resolved)
            linter = linter_near(file)
            report.fail_level = linter.config.fail_level
            try:
                source = read_source(file, linter.config.max_file_size)
                report.results.append(
                    linter.lint(source, extensions.get(file.suffix.lower()) or format_for_path(str(file)))
                )
            except InputError as exc:
                report.errors.append(str(exc))
    return report
