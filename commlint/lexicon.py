"""Lexicons: named term families as TOML data (rules/lexicons/*.toml).

A lexicon file::

    [lexicon]
    name = "risk"
    version = "1"
    description = "..."

    [[family]]
    name = "risk"
    terms = ['risk', 'risks', 'risky', 'riskier']     # regular expressions, matched as words
    exclude = ['credit risk', 'interest[- ]rate risk'] # occurrences inside these do not count
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commlint.errors import ConfigError
from commlint.packs import read_toml


@dataclass(frozen=True)
class Family:
    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    description: str
    families: tuple[Family, ...] = field(default_factory=tuple)
    path: str = ""

    def patterns(self) -> list[str]:
        """Every term of every family, as word-bounded regular expressions."""
        return [rf"\b(?:{t})\b" for f in self.families for t in f.terms]

    def fingerprint(self) -> str:
        """A stable hash of the terms and exclusions: baselines record it."""
        payload = [[f.name, sorted(f.terms), sorted(f.exclude)] for f in self.families]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        return f"sha256:{digest[:16]}"

    def extended(self, extra: list[Any], where: str) -> Lexicon:
        """A copy with extra families (tables) or terms (strings, added to a family 'custom')."""
        families = list(self.families)
        loose = [t for t in extra if isinstance(t, str)]
        for table in (t for t in extra if not isinstance(t, str)):
            families.append(_family(table, where))
        if loose:
            families.append(Family(name="custom", terms=tuple(loose)))
        return Lexicon(self.name, self.version + "+custom", self.description, tuple(families), self.path)


def _family(table: Any, where: str) -> Family:
    if not isinstance(table, dict) or not isinstance(table.get("name"), str):
        raise ConfigError(f"{where}: each family needs a 'name'")
    terms = table.get("terms", [])
    exclude = table.get("exclude", [])
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
        raise ConfigError(f"{where}: family {table['name']!r} needs a non-empty 'terms' list")
    if not isinstance(exclude, list):
        raise ConfigError(f"{where}: family {table['name']!r}: 'exclude' must be a list")
    unknown = set(table) - {"name", "terms", "exclude", "description"}
    if unknown:
        raise ConfigError(f"{where}: family {table['name']!r}: unknown key(s) {', '.join(sorted(unknown))}")
    return Family(table["name"], tuple(terms), tuple(exclude))


def load_lexicon(path: Path) -> Lexicon:
    data = read_toml(path)
    unknown = set(data) - {"lexicon", "family"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    meta = data.get("lexicon", {})
    name = meta.get("name", path.stem)
    families = tuple(_family(t, str(path)) for t in data.get("family", []))
    if not families:
        raise ConfigError(f"{path}: a lexicon needs at least one [[family]]")
    return Lexicon(str(name), str(meta.get("version", "1")), str(meta.get("description", "")), families, str(path))


def lexicon_files(paths: list[Path]) -> dict[str, Path]:
    """Lexicon name -> file, from folders or files; later paths override earlier ones."""
    found: dict[str, Path] = {}
    for base in paths:
        files = sorted(base.glob("*.toml")) if base.is_dir() else [base]
        for file in files:
            found[file.stem] = file
    return found
