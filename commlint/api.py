"""The Python API for PR tooling: lint text or paths, get frozen Diagnostics back."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from commlint.config import Config, find_config_file
from commlint.engine.diagnostics import Diagnostic
from commlint.engine.linter import Linter, linter_for
from commlint.engine.report import Report
from commlint.engine.result import LintResult
from commlint.errors import CommlintError, ConfigError, InputError
from commlint.plugins import merged_tables
from commlint.prose.formats import decode_document, format_for_path, read_document
from commlint.source.decode import decode
from commlint.source.walk import iter_documents

ConfigLike = Config | Mapping[str, Any] | str | os.PathLike[str] | None
PathLike = str | os.PathLike[str]


def as_config(config: ConfigLike, near: PathLike | None = None) -> Config:
    """A Config from a Config, a mapping of config keys, a file path, or None (discover)."""
    if isinstance(config, Config):
        return config
    if isinstance(config, Mapping):
        return Config.from_dict(config)
    if isinstance(config, (str, os.PathLike)):
        return Config.from_file(os.fspath(config))
    if config is not None:
        raise TypeError(
            "config must be a commlint.Config, a mapping of config keys or the path of a config file "
            f"(str or os.PathLike), not {_kind(config)}"
        )
    return Config.discover(os.fspath(near)) if near is not None else Config.default()


def lint_text(
    text: str, *, path: PathLike | None = None, config: ConfigLike = None, format: str | None = None
) -> list[Diagnostic]:
    """Lint one document given as text. ``path`` picks the format (by extension) and config."""
    return lint_result(text, path=path, config=config, format=format).diagnostics


def lint_result(
    text: str, *, path: PathLike | None = None, config: ConfigLike = None, format: str | None = None
) -> LintResult:
    """Like lint_text, but returns the whole LintResult (document, prose view, extras)."""
    if not isinstance(text, str):
        hint = " (decode bytes first, e.g. data.decode('utf-8'))" if isinstance(text, (bytes, bytearray)) else ""
        raise TypeError(f"text must be a str, not {_kind(text)}{hint}")
    name = _optional_path(path, "path")
    if format is not None and not isinstance(format, str):
        raise TypeError(f"format must be a str or None, not {_kind(format)}")
    linter = linter_for(as_config(config, Path(name).parent if name else None))
    return linter.lint(decode(text.encode("utf-8"), name), format)


def lint_paths(paths: PathLike | Iterable[PathLike], *, config: ConfigLike = None) -> list[Diagnostic]:
    """Lint files and folders; each file uses ``config`` or the config discovered for it.

    ``paths`` is one path (str or os.PathLike) or an iterable of them. An unreadable or
    non-UTF-8 file raises InputError, a bad configuration ConfigError; use ``run`` to
    collect them instead.
    """
    report = run(as_path_list(paths), config=config)
    if report.exceptions:
        raise report.exceptions[0]
    return report.diagnostics


def as_path_list(paths: object, name: str = "paths") -> list[str]:
    """One path, or an iterable of paths, as a list of strings (a str is one path, not letters)."""
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    if isinstance(paths, (bytes, bytearray, Mapping)) or not isinstance(paths, Iterable):
        raise TypeError(f"{name} must be a path (str or os.PathLike) or an iterable of paths, not {_kind(paths)}")
    out = []
    for index, item in enumerate(paths):
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"{name}[{index}] must be a str or os.PathLike, not {_kind(item)}")
        out.append(os.fspath(item))
    return out


def _optional_path(value: object, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)  # type: ignore[no-any-return]
    raise TypeError(f"{name} must be a str, an os.PathLike or None, not {_kind(value)}")


def _kind(value: object) -> str:
    return type(value).__name__


def run(
    paths: PathLike | Iterable[PathLike],
    *,
    config: ConfigLike = None,
    stdin: str | bytes | None = None,
    stdin_filename: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    jobs: int = 1,
    keep_documents: bool = True,
) -> Report:
    """Lint paths (``-`` reads ``stdin``) into a Report; input and config errors are collected.

    A configuration that fails to load or build fails only the files it governs: its error
    is reported once and the other files are linted. ``jobs`` > 1 lints files in that many
    processes (results stay in input order). ``keep_documents=False`` lets each result's
    prose view go once it is linted (LintResult.released), so memory does not grow with
    the number of files; it is implied when ``jobs`` > 1.
    """
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise TypeError(f"jobs must be a positive int, not {jobs!r}")
    names = as_path_list(paths)
    if stdin is not None and not isinstance(stdin, (str, bytes)):
        raise TypeError(f"stdin must be a str, bytes or None, not {_kind(stdin)}")
    stdin_filename = _optional_path(stdin_filename, "stdin_filename")
    if overrides is not None and not isinstance(overrides, Mapping):
        raise TypeError(f"overrides must be a mapping or None, not {_kind(overrides)}")
    explicit = as_config(config) if config is not None else None
    report = Report()
    extensions, plugin_failures = merged_tables("commlint_file_extensions")
    cache: dict[Path | None, Linter | ConfigError] = {}
    governing: dict[Path, Path | None] = {}  # folder -> its config file (find_config_file's memo)
    walked_formats: dict[int, dict[str, str]] = {}  # id(linter) -> the extensions its files map
    seen: set[Path] = set()
    used: list[Linter] = []

    def linter_near(where: Path) -> Linter:
        """The linter for the config governing ``where``; raises its ConfigError (once built)."""
        found = None if explicit is not None else find_config_file(where, governing)
        key = found.resolve() if found else None
        cached = cache.get(key)
        if isinstance(cached, ConfigError):
            raise cached
        if cached is not None:
            return cached  # its rules are already on the report
        try:
            cfg = explicit or (Config.from_file(found) if found else Config.default())
            if overrides:
                cfg = cfg.replace(**overrides)
            linter = linter_for(cfg)
        except ConfigError as exc:
            cache[key] = exc
            raise
        cache[key] = linter
        used.append(linter)
        report.rules.update({rule.id: rule for rule in linter.all_rules})
        return linter

    def fail(exc: CommlintError) -> None:
        if str(exc) not in report.errors:  # a bad config is named once, not once per file
            report.errors.append(str(exc))
            report.exceptions.append(exc)

    def work() -> Iterator[LintResult | CommlintError | tuple[Linter, Path, str | None]]:
        """In input order: a result or error made here, or a file still to lint."""
        for raw in names:
            if raw == "-":
                name = stdin_filename or "-"
                try:
                    linter = linter_near(Path(stdin_filename).parent if stdin_filename else Path.cwd())
                    data = stdin if isinstance(stdin, bytes) else (stdin or "").encode("utf-8", "surrogateescape")
                    fmt = format_for_path(stdin_filename, {**extensions, **linter.config.extensions})
                    yield linter.lint(decode_document(data, name, fmt), fmt)
                except (InputError, ConfigError) as exc:
                    yield exc
                continue
            try:
                base_cfg = explicit or (Config.discover(raw) if Path(raw).exists() else Config.default())
            except ConfigError as exc:
                # The folder's own config is broken: walk it without its excludes; the files it
                # governs fail below, files under another (good) config are still linted.
                yield exc
                base_cfg = Config.default()
            try:
                walked = {**extensions, **base_cfg.extensions}
                files = list(iter_documents([raw], walked, base_cfg.exclude, base_cfg.root))
            except InputError as exc:
                yield exc
                continue
            for file in files:
                resolved = file.resolve()
                if resolved in seen:  # named twice, or named and found in a walked folder
                    continue
                seen.add(resolved)
                try:
                    linter = linter_near(resolved.parent)  # a file's config is its folder's
                    formats = walked_formats.get(id(linter))
                    if formats is None:
                        formats = walked_formats[id(linter)] = {**extensions, **linter.config.extensions}
                    yield linter, file, format_for_path(str(file), formats)
                except ConfigError as exc:
                    yield exc

    def in_process(task: tuple[Linter, Path, str | None]) -> LintResult | CommlintError:
        linter, file, fmt = task
        try:
            result = linter.lint(read_document(file, fmt or "text", linter.config.max_file_size), fmt)
        except (InputError, ConfigError) as exc:
            return exc
        return result if keep_documents else result.released()

    from commlint.engine.parallel import lint_in_order

    for item in lint_in_order(work(), in_process, jobs):
        if isinstance(item, CommlintError):
            fail(item)
        elif isinstance(item, LintResult):
            report.results.append(item)
    report.set_fail_level(linter.config.fail_level for linter in used)
    report.add_plugin_failures(plugin_failures)
    return report
