r"""Lexicons: named term families as TOML data (rules/lexicons/*.toml).

A lexicon file::

    [lexicon]
    name = "risk"
    version = "1"
    description = "..."

    [[family]]
    name = "risk"
    terms = ['risk', 'risks', 'risky', 'riskier']     # regular expressions, matched as words
    exclude = ['credit risk', 'interest[- ]rate risk'] # occurrences inside these do not count

    [names]
    # Product, programme, team and law names: an occurrence inside one is not risk talk.
    # Literal text, matched as whole words; whitespace matches any whitespace.
    ignore-case = ['gpt-oss-safeguard', 'Trust & Safety']
    match-case = ['Safety Systems']                   # only with these capitals

    [protect]
    # Occurrences the density budget never asks to rephrase: mitigation words and
    # sentences that disclose (a CVE, a risk-factor section).
    families = ['safeguard']
    sentences = ['CVE-\d{4}-\d+', 'risk factors']   # regular expressions, any case
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from commlint.digest import sha256_hex
from commlint.errors import ConfigError
from commlint.records import FrozenRecord, set_fields
from commlint.rules.packs import read_toml


class Family(FrozenRecord):
    """A family of terms of one lexicon, less the phrases it excludes."""

    __slots__ = ("name", "terms", "exclude")
    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...]

    def __init__(self, name: str, terms: tuple[str, ...], exclude: tuple[str, ...] = ()) -> None:
        set_fields(self, name=name, terms=terms, exclude=exclude)


class Name(FrozenRecord):
    """A proper name that contains a term but is not risk talk ("gpt-oss-safeguard")."""

    __slots__ = ("text", "ignore_case")
    text: str
    ignore_case: bool

    def __init__(self, text: str, ignore_case: bool = True) -> None:
        set_fields(self, text=text, ignore_case=ignore_case)


class Protect(FrozenRecord):
    """What the density budget leaves alone: whole families, and sentences matching a pattern."""

    __slots__ = ("families", "sentences")
    families: tuple[str, ...]
    sentences: tuple[str, ...]

    def __init__(self, families: tuple[str, ...] = (), sentences: tuple[str, ...] = ()) -> None:
        set_fields(self, families=families, sentences=sentences)


class Lexicon(FrozenRecord):
    """A named, versioned set of term families (with the names and sentences it leaves alone)."""

    __slots__ = ("name", "version", "description", "families", "path", "names", "protect", "base", "keep")
    name: str
    version: str
    description: str
    families: tuple[Family, ...]
    path: str
    names: tuple[Name, ...]
    protect: Protect
    #: a preset: these families of the lexicon ``base`` (see ``resolve_bases``)
    base: str
    keep: tuple[str, ...]

    def __init__(
        self,
        name: str,
        version: str,
        description: str,
        families: tuple[Family, ...] = (),
        path: str = "",
        names: tuple[Name, ...] = (),
        protect: Protect | None = None,
        base: str = "",
        keep: tuple[str, ...] = (),
    ) -> None:
        set_fields(
            self,
            name=name,
            version=version,
            description=description,
            families=families,
            path=path,
            names=names,
            protect=Protect() if protect is None else protect,
            base=base,
            keep=keep,
        )

    def patterns(self) -> list[str]:
        """Every term of every family, as word-bounded regular expressions."""
        return [rf"\b(?:{t})\b" for f in self.families for t in f.terms]

    def fingerprint(self) -> str:
        """A stable hash of the terms and exclusions: baselines record it."""
        payload: list[Any] = [[f.name, sorted(f.terms), sorted(f.exclude)] for f in self.families]
        if self.names:  # only lexicons with names hash them, so the others keep their fingerprints
            payload.append(
                ["names", sorted([n.text.lower() if n.ignore_case else n.text, n.ignore_case] for n in self.names)]
            )
        digest = sha256_hex(json.dumps(payload, sort_keys=True).encode())
        return f"sha256:{digest[:16]}"

    def extended(self, extra: list[Any], where: str) -> Lexicon:
        """A copy with extra families (tables) or terms (strings, added to a family 'custom')."""
        families = list(self.families)
        loose = [t for t in extra if isinstance(t, str)]
        for table in (t for t in extra if not isinstance(t, str)):
            families.append(_family(table, where))
        if loose:
            families.append(Family(name="custom", terms=tuple(loose)))
        return self.replace(version=self.version + "+custom", families=tuple(families))

    def with_names(self, table: Any, where: str) -> Lexicon:
        """A copy with more names (a list, ignoring case, or an ignore-case/match-case table)."""
        extra = _names({"ignore-case": table} if isinstance(table, list) else table, where)
        return self.replace(version=self.version + "+names", names=self.names + extra)


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


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def _table(table: Any, where: str, key: str, keys: set[str], shape: str) -> dict[str, Any]:
    """``table`` checked as a table (``shape`` says what it should hold) with only ``keys``."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {key} must be a table{shape}")
    unknown = set(table) - keys - {"description"}
    if unknown:
        raise ConfigError(f"{where}: {key}: unknown key(s) {', '.join(sorted(unknown))}")
    return table


def _names(table: Any, where: str) -> tuple[Name, ...]:
    table = _table(
        table, where, "names", {"ignore-case", "match-case"}, " with 'ignore-case' and/or 'match-case' lists"
    )
    ignore = _strings(table.get("ignore-case", []), f"{where}: names.ignore-case")
    match = _strings(table.get("match-case", []), f"{where}: names.match-case")
    return tuple(Name(t, True) for t in ignore) + tuple(Name(t, False) for t in match)


def _protect(table: Any, where: str, families: tuple[Family, ...]) -> Protect:
    table = _table(table, where, "protect", {"families", "sentences"}, "")
    fams = _strings(table.get("families", []), f"{where}: protect.families")
    known = {f.name for f in families}
    for f in fams:
        if f not in known:
            raise ConfigError(f"{where}: protect.families: no family named {f!r}")
    return Protect(fams, _strings(table.get("sentences", []), f"{where}: protect.sentences"))


def load_lexicon(path: Path) -> Lexicon:
    data = read_toml(path)
    unknown = set(data) - {"lexicon", "family", "names", "protect"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    meta = data.get("lexicon", {})
    name = meta.get("name", path.stem)
    families = tuple(_family(t, str(path)) for t in data.get("family", []))
    if "base" in meta:
        if families or not isinstance(meta["base"], str):
            raise ConfigError(f"{path}: a preset names a 'base' lexicon and its 'families', and has no [[family]]")
        keep = _strings(meta.get("families"), f"{path}: lexicon.families")
        return Lexicon(
            str(name),
            str(meta.get("version", "1")),
            str(meta.get("description", "")),
            (),
            str(path),
            base=meta["base"],
            keep=keep,
        )
    if not families:
        raise ConfigError(f"{path}: a lexicon needs at least one [[family]]")
    return Lexicon(
        str(name),
        str(meta.get("version", "1")),
        str(meta.get("description", "")),
        families,
        str(path),
        _names(data.get("names", {}), str(path)),
        _protect(data.get("protect", {}), str(path), families),
    )


def resolve_bases(lexicons: dict[str, Lexicon]) -> dict[str, Lexicon]:
    """Fill each preset with its base lexicon's kept families, names and protections."""
    out = dict(lexicons)
    for name, lex in lexicons.items():
        if not lex.base:
            continue
        base = lexicons.get(lex.base)
        if base is None or base.base:
            raise ConfigError(f"{lex.path}: base lexicon {lex.base!r} not found (or itself a preset)")
        by_name = {f.name: f for f in base.families}
        missing = [f for f in lex.keep if f not in by_name]
        if missing:
            raise ConfigError(f"{lex.path}: base lexicon {lex.base!r} has no family {missing[0]!r}")
        protect = Protect(tuple(f for f in base.protect.families if f in lex.keep), base.protect.sentences)
        out[name] = lex.replace(
            families=tuple(by_name[f] for f in lex.keep), names=base.names, protect=protect, base="", keep=()
        )
    return out


def lexicon_files(paths: list[Path]) -> dict[str, Path]:
    """Lexicon name -> file, from folders or files; later paths override earlier ones."""
    found: dict[str, Path] = {}
    for base in paths:
        files = sorted(base.glob("*.toml")) if base.is_dir() else [base]
        for file in files:
            found[file.stem] = file
    return found
