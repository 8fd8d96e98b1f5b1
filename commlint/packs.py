"""Rule packs and lexicons as TOML data: finding them and reading them."""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from commlint.errors import ConfigError


def builtin_rules_dir() -> Path:
    """The bundled ``rules/`` folder: inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; errors name the file and the problem.

    Files shipped with commlint are cached by content (commlint.regex_cache): the packs are
    read on every start, and parsing them was a tenth of a pre-commit hook's cold start.
    Anything else (user configuration, user packs and lexicons) is always parsed afresh.
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not _shipped(path):
        return _parse_toml(raw, path)
    from commlint import regex_cache

    packed = regex_cache.remember("toml", hashlib.sha256(raw).hexdigest(), lambda _: _packed(raw, path))
    if packed is None:  # holds values marshal cannot store (TOML dates): parse every time
        return _parse_toml(raw, path)
    data: dict[str, Any] = marshal.loads(packed)  # a fresh copy: callers may change it
    return data


def _shipped(path: Path) -> bool:
    """True for a file inside commlint's own rules folder (packs and lexicons it ships)."""
    try:
        return path.resolve().is_relative_to(_builtin_resolved())
    except OSError:
        return False


@lru_cache(maxsize=1)
def _builtin_resolved() -> Path:
    return builtin_rules_dir().resolve()


def _parse_toml(raw: bytes, path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return data


def _packed(raw: bytes, path: Path) -> bytes | None:
    data = _parse_toml(raw, path)
    try:
        return marshal.dumps(data)
    except ValueError:
        return None


def pack_files(path: Path) -> list[Path]:
    """TOML pack files at ``path`` (a file, or a folder's ``*.toml`` outside ``lexicons/``)."""
    if path.is_dir():
        return sorted(p for p in path.glob("*.toml"))
    if path.is_file():
        return [path]
    raise ConfigError(f"{path}: rule pack not found")


@lru_cache(maxsize=64)
def _load_pack(path: Path, mtime: float) -> tuple[str, tuple[tuple[str, dict[str, Any]], ...]]:
    data = read_toml(path)
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    meta = data.get("pack", {})
    name = str(meta.get("name", path.stem))
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise ConfigError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    out = []
    for index, spec in enumerate(rules):
        ident = spec.get("id", f"#{index + 1}")
        out.append((f"{path}: rule {ident}", spec))
    return name, tuple(out)


def load_pack(path: Path) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """(pack name, [(where, rule table)]) for one TOML pack file; cached by mtime."""
    name, rules = _load_pack(path, path.stat().st_mtime)
    return name, list(rules)


def iter_rule_specs(paths: list[Path]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(pack, where, spec) for every rule in every pack under ``paths``."""
    for base in paths:
        for file in pack_files(base):
            pack, rules = load_pack(file)
            for where, spec in rules:
                yield pack, where, spec
