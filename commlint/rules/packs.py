"""Rule packs and lexicons as TOML data: finding them and reading them."""

from __future__ import annotations

import marshal
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from commlint.digest import sha256, sha256_hex
from commlint.errors import ConfigError
from commlint.rules.vocab import Vocabularies


@lru_cache(maxsize=1)
def builtin_rules_dir() -> Path:
    """The bundled ``rules/`` folder: inside the wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve()
    packaged = here.parents[1] / "_rules"
    if packaged.is_dir():
        return packaged
    return here.parents[2] / "rules"


@lru_cache(maxsize=512)
def _resolved(path: Path) -> Path:
    """``path.resolve()``, once a process per path: a pack and its vocabularies are resolved
    several times each while a linter is built (about 90 calls, each an ``lstat`` per part)."""
    return path.resolve()


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; errors name the file and the problem.

    Files shipped with commlint are cached by content (commlint.matching.regex_cache): the packs are
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
    from commlint.matching import regex_cache

    packed = regex_cache.remember("toml", sha256_hex(raw), lambda _: _packed(raw, path))
    if packed is None:  # holds values marshal cannot store (TOML dates): parse every time
        return _parse_toml(raw, path)
    data: dict[str, Any] = marshal.loads(packed)  # a fresh copy: callers may change it
    return data


def _shipped(path: Path) -> bool:
    """True for a file inside commlint's own rules folder (packs and lexicons it ships)."""
    try:
        return _resolved(path).is_relative_to(_builtin_resolved())
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


#: rule keys holding lists of patterns, where ``{vocabulary}`` names are expanded
PATTERN_LISTS = ("patterns", "exceptions", "negations", "requires")
#: keys a rule never takes from the rule it ``extends`` (a rule's identity and its own examples)
_OWN_KEYS = frozenset({"id", "name", "examples", "extends"})
#: list keys that add to what the rule it ``extends`` has, rather than replace it
_ADDED_KEYS = ("exceptions", "negations")


@lru_cache(maxsize=64)
def _load_pack(
    path: Path, mtime: float, vocab_stamp: tuple[tuple[str, float], ...]
) -> tuple[str, tuple[tuple[str, dict[str, Any]], ...]]:
    files = [path, *(Path(f) for f, _ in vocab_stamp)]
    if all(_shipped(f) for f in files):
        # commlint's own packs: expanded once and kept in the pattern cache, keyed by the
        # contents of the pack and its vocabularies (expanding is pure Python, every start).
        from commlint.matching import regex_cache

        # Keyed by each file's place in the rules folder, not its absolute path, and kept with
        # the pack's path taken out of each rule's "where": the records prepared when the
        # wheel was built then serve the first run after installing, wherever that is. Each
        # file's own SHA-256 is remembered under its identity on disk (regex_cache.file_digest),
        # so a start neither reads nor hashes the packs' ~370 KB.
        root = _builtin_resolved()
        digest = sha256()
        for f in files:
            digest.update(f"{_resolved(f).relative_to(root).as_posix()}\0{regex_cache.file_digest(f)}\0".encode())
        prefix = str(path)
        stored = regex_cache.remember("expanded-pack-3", digest.hexdigest(), lambda _: _portable(path, prefix))
        if stored is not None:
            return stored[0], tuple((prefix + where, spec) for where, spec in stored[1])
    return _expanded(path)


def _portable(path: Path, prefix: str) -> tuple[str, tuple[tuple[str, dict[str, Any]], ...]] | None:
    """:func:`_expanded` with ``prefix`` (the pack's path) cut from each "where"; None if one
    does not start with it (nothing is then cached)."""
    name, items = _expanded(path)
    if not all(where.startswith(prefix) for where, _ in items):
        return None
    return name, tuple((where[len(prefix) :], spec) for where, spec in items)


def _expanded(path: Path) -> tuple[str, tuple[tuple[str, dict[str, Any]], ...]]:
    name, raw, vocab = read_pack(path)
    out = []
    for where, spec in raw:
        out.append((where, expand_spec(spec, vocab, where)))
    return name, tuple(out)


def read_pack(path: Path) -> tuple[str, list[tuple[str, dict[str, Any]]], Vocabularies]:
    """(pack name, [(where, rule table after ``extends``)], vocabularies it can use) for one pack.

    Patterns still say ``{name}`` here: :func:`expand_spec` replaces them (the pack linter
    reads them as written).
    """
    data = read_toml(path)
    unknown = set(data) - {"pack", "rule", "vocab", "template"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    meta = data.get("pack", {})
    name = str(meta.get("name", path.stem))
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise ConfigError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    vocab = pack_vocabularies(path).child(data.get("vocab"), str(path))
    templates = data.get("template", {})
    if not isinstance(templates, dict) or not all(isinstance(t, dict) for t in templates.values()):
        raise ConfigError(f"{path}: 'template' must hold named tables ([template.NAME])")
    bases: dict[str, dict[str, Any]] = {k: dict(v) for k, v in templates.items()}
    bases.update({str(r["id"]): r for r in rules if isinstance(r, dict) and "id" in r})
    out = []
    for index, spec in enumerate(rules):
        ident = spec.get("id", f"#{index + 1}")
        where = f"{path}: rule {ident}"
        out.append((where, inherit(spec, bases, where)))
    return name, out, vocab


def inherit(spec: dict[str, Any], bases: dict[str, dict[str, Any]], where: str) -> dict[str, Any]:
    """``spec`` with what it ``extends`` filled in: keys it does not set come from the base, and
    its ``exceptions`` and ``negations`` come after the base's (a shared exception list is
    written once)."""
    parent = spec.get("extends")
    if parent is None:
        return dict(spec)
    chain: list[str] = []
    merged = dict(spec)
    while parent is not None:
        if not isinstance(parent, str) or parent not in bases:
            known = ", ".join(sorted(bases)) or "none"
            raise ConfigError(f"{where}: extends {parent!r}, which is no template or rule of this pack ({known})")
        if parent in chain:
            raise ConfigError(f"{where}: extends itself ({' -> '.join([*chain, parent])})")
        chain.append(parent)
        base = bases[parent]
        for key, value in base.items():
            if key in _OWN_KEYS:
                continue
            if key in _ADDED_KEYS and key in merged:
                merged[key] = _as_list(value) + _as_list(merged[key])
            elif key not in merged:
                merged[key] = value
        parent = base.get("extends")
    merged.pop("extends", None)
    return merged


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def expand_spec(spec: dict[str, Any], vocab: Vocabularies, where: str) -> dict[str, Any]:
    """``spec`` with every ``{vocabulary}`` in its patterns, swap keys and suggestion ``when``
    replaced by the vocabulary's terms."""
    out = dict(spec)
    for key in PATTERN_LISTS:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = vocab.expand(value, f"{where} {key}")
        elif isinstance(value, list):
            out[key] = [vocab.expand(p, f"{where} {key}") if isinstance(p, str) else p for p in value]
    swap = out.get("swap")
    if isinstance(swap, dict):
        out["swap"] = {vocab.expand(k, f"{where} swap"): v for k, v in swap.items()}
    suggest = out.get("suggest")
    if isinstance(suggest, list):
        out["suggest"] = [
            {**s, "when": vocab.expand(s["when"], f"{where} suggest when")}
            if isinstance(s, dict) and isinstance(s.get("when"), str)
            else s
            for s in suggest
        ]
    return out


def pack_vocabularies(path: Path) -> Vocabularies:
    """The shared vocabularies a pack file can use: commlint's own, then its folder's."""
    return _shared(_vocab_stamp(path.parent))


def vocab_folders(folder: Path) -> list[Path]:
    """The ``vocabularies/`` folders a pack in ``folder`` reads: commlint's own, then its own."""
    own = builtin_rules_dir() / "vocabularies"
    mine = folder / "vocabularies"
    return [own] if _resolved(mine) == _resolved(own) else [own, mine]


def _vocab_stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    """(file, mtime) of every shared vocabulary file a pack in ``folder`` reads (a cache key)."""
    return tuple(
        (str(f), f.stat().st_mtime) for d in vocab_folders(folder) if d.is_dir() for f in sorted(d.glob("*.toml"))
    )


@lru_cache(maxsize=16)
def _shared(stamp: tuple[tuple[str, float], ...]) -> Vocabularies:
    vocab = Vocabularies()
    for file, _ in stamp:
        data = read_toml(Path(file))
        unknown = set(data) - {"vocab"}
        if unknown:
            raise ConfigError(f"{file}: unknown top-level key(s) {', '.join(sorted(unknown))} (only [vocab])")
        vocab.add(data.get("vocab", {}), file)
    return vocab


def load_pack(path: Path) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """(pack name, [(where, rule table)]) for one TOML pack file; cached by mtime."""
    name, rules = _load_pack(path, path.stat().st_mtime, _vocab_stamp(path.parent))
    return name, list(rules)


def iter_rule_specs(paths: list[Path]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(pack, where, spec) for every rule in every pack under ``paths``."""
    for base in paths:
        for file in pack_files(base):
            pack, rules = load_pack(file)
            for where, spec in rules:
                yield pack, where, spec
