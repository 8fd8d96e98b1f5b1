"""Density baselines: build them from measured documents, write, read, resolve and compare.

A baseline is a JSON file (``commlint-baseline/1``) holding a peer group's figures for one
lexicon: documents, words, pooled rate, the distribution of per-document rates, per-family
and per-term rates, the lexicon's name/version/fingerprint and provenance. It never holds
document text. Built-in baselines live in ``rules/baselines/*.json`` and are named by stem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from commlint.density.measure import PERCENTILES, TARGETS, DocDensity, GroupTotals, distribution, rate
from commlint.errors import ConfigError, InputError
from commlint.rules.lexicon import Lexicon

FORMAT = "commlint-baseline/1"
#: per-document figures are kept in provenance up to this many documents
MAX_LISTED_DOCUMENTS = 2000
#: names a density target may use: a point of the per-document distribution, or the pooled rate


def builtin_dir() -> Path:
    from commlint.rules.packs import builtin_rules_dir

    return builtin_rules_dir() / "baselines"


def builtin_names() -> list[str]:
    folder = builtin_dir()
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


@dataclass
class Baseline:
    """A baseline file's content plus where it came from (``origin``: file path or built-in name)."""

    data: dict[str, Any]
    origin: str

    @property
    def name(self) -> str:
        return str(self.data.get("name") or PurePosixPath(self.origin).stem)

    @property
    def aggregate_only(self) -> bool:
        return bool(self.data.get("aggregate_only"))

    @property
    def lexicon_name(self) -> str:
        return str(self.data.get("lexicon", {}).get("name") or "risk")

    @property
    def fingerprint(self) -> str | None:
        value = self.data.get("lexicon", {}).get("fingerprint")
        return str(value) if value else None

    def value(self, target: str) -> tuple[str, float]:
        """(label, rate) for a target; aggregate-only baselines only know their pooled rate."""
        if target == "p50":
            target = "median"
        dist = self.data.get("distribution") or {}
        if target == "rate" or self.aggregate_only or target not in dist:
            return "peer rate", float(self.data["rate"])
        return target, float(dist[target])

    def lexicon_warning(self, lexicon: Lexicon) -> str | None:
        """A one-line warning when the baseline counted other terms than ``lexicon``, else None.

        A hand-made baseline that records no fingerprint is checked by lexicon name only.
        """
        if self.fingerprint is None:
            if self.lexicon_name == lexicon.name:
                return None
            theirs = f"lexicon {self.lexicon_name!r} (no fingerprint)"
        elif self.fingerprint == lexicon.fingerprint():
            return None
        else:
            theirs = f"lexicon {self.lexicon_name!r} {self.fingerprint}"
        fix = (
            f'measure with [density] lexicon = "{self.lexicon_name}"'
            if self.lexicon_name != lexicon.name
            else "rebuild it with `commlint baseline build`"
        )
        return (
            f"baseline {self.name!r} was built with {theirs}, but the {lexicon.name!r} lexicon in use is "
            f"{lexicon.fingerprint()}; rates are not comparable, so no density budget is given - {fix}"
        )


def build(
    name: str,
    docs: Sequence[DocDensity],
    lexicon: Lexicon,
    *,
    inputs: Sequence[str],
    description: str = "",
    manifest: str | None = None,
) -> dict[str, Any]:
    """A baseline dict from per-document counts (document order is kept)."""
    totals = GroupTotals.from_docs(docs, lexicon.name, [f.name for f in lexicon.families])
    sources = _manifest_rows(manifest, docs) if manifest else {}
    listed = []
    if len(docs) <= MAX_LISTED_DOCUMENTS:
        for d in docs:
            row: dict[str, Any] = {
                "path": d.path,
                "words": d.words,
                "count": d.count(lexicon.name),
                "rate": round(d.rate(lexicon.name), 6),
            }
            row.update(sources.get(d.path, {}))
            listed.append(row)
    from commlint import __version__

    return {
        "format": FORMAT,
        "name": name,
        "description": description,
        "aggregate_only": False,
        "lexicon": {
            "name": lexicon.name,
            "version": lexicon.version,
            "fingerprint": lexicon.fingerprint(),
        },
        "documents": totals.documents,
        "words": totals.words,
        "count": totals.count,
        "rate": round(totals.rate, 6),
        "distribution": distribution(totals.doc_rates),
        "families": {f: {"count": c, "rate": round(rate(c, totals.words), 6)} for f, c in totals.families.items()},
        "terms": {t: {"count": c, "rate": round(rate(c, totals.words), 6)} for t, c in totals.terms.items()},
        "provenance": {
            "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "built_with": f"commlint {__version__}",
            "inputs": list(inputs),
            "manifest": manifest,
            "description": description,
            "documents": listed,
        },
    }


def _manifest_rows(manifest: str, docs: Sequence[DocDensity]) -> dict[str, dict[str, Any]]:
    """Source facts (repo, path, commit, description) from a manifest, by document path."""
    from commlint.density.manifest import read_manifest

    table = read_manifest(manifest)
    out: dict[str, dict[str, Any]] = {}
    for d in docs:
        row = table.row_for(d.path)
        if row is not None:
            out[d.path] = {"source": {k: v for k, v in row.items() if k in ("repo", "path", "commit", "description")}}
    return out


def write(data: Mapping[str, Any], path: str | Path) -> None:
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def read(path: str | Path) -> Baseline:
    """Read and check a baseline file; problems are one-line errors naming the file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such baseline file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read baseline ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{p}: not a baseline file (invalid JSON: {exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(f'{p}: not a baseline file (want "format": "{FORMAT}")')
    if not isinstance(data.get("rate"), (int, float)):
        raise ConfigError(f"{p}: baseline has no pooled 'rate'")
    if not data.get("aggregate_only"):
        dist = data.get("distribution")
        if not isinstance(dist, dict) or any(not isinstance(dist.get(k), (int, float)) for k in ("median", "p90")):
            raise ConfigError(f"{p}: baseline 'distribution' needs median and p90 (or mark it aggregate_only)")
    return Baseline(data, str(p))


def resolve(ref: str, config: Any = None) -> Baseline:
    """A baseline by built-in NAME or by file path (relative to the config's folder)."""
    if ref in builtin_names():
        b = read(builtin_dir() / f"{ref}.json")
        b.origin = ref
        return b
    candidate = config.resolve(ref) if config is not None else Path(ref)
    if candidate.is_file() or ref.endswith(".json") or "/" in ref:
        return read(candidate)
    known = ", ".join(builtin_names()) or "none"
    raise ConfigError(f"unknown baseline {ref!r}: not a file and not a built-in (built-ins: {known})")


def describe(b: Baseline) -> str:
    """A human summary of a baseline (``commlint baseline show``)."""
    d = b.data
    lex = d.get("lexicon", {})
    lines = [
        f"baseline {b.name}" + (" (aggregate only)" if b.aggregate_only else ""),
        f"  origin:      {b.origin}",
    ]
    if d.get("description"):
        lines.append(f"  description: {d['description']}")
    lines.append(
        f"  lexicon:     {lex.get('name')} version {lex.get('version') or '?'} "
        f"{lex.get('fingerprint') or '(fingerprint unknown)'}"
    )
    if d.get("documents") is not None:
        lines.append(f"  documents:   {d['documents']}   words: {d['words']:,}   occurrences: {d.get('count')}")
    lines.append(f"  pooled rate: {d['rate']:.2f} per 1,000 words")
    dist = d.get("distribution")
    if dist:
        keys = ["mean", "sd", "p10", "p25", "median", "p75", "p90", "p95"]
        lines.append("  per-document rate: " + ", ".join(f"{k} {dist[k]:.2f}" for k in keys if k in dist))
    fams = d.get("families", {})
    if fams:
        lines.append("  families:")
        for name, f in fams.items():
            r = f" {f['rate']:.2f}/1k" if f.get("rate") is not None else ""
            lines.append(f"    {name:<16} {f.get('count', '-'):>7}{r}")
    terms = sorted(d.get("terms", {}).items(), key=lambda kv: (-kv[1]["count"], kv[0]))[:10]
    if terms:
        lines.append("  top terms:   " + ", ".join(f"{t} {v['count']}" for t, v in terms))
    for group, figures in (d.get("published") or {}).get("groups", {}).items():
        fams = ", ".join(f"{k} {v}" for k, v in figures.get("families", {}).items())
        lines.append(f"  published:   {group}: {figures.get('rate')} per 1,000 words; {fams}")
    prov = d.get("provenance", {})
    for key in ("source", "built_at", "built_with", "inputs", "manifest"):
        if prov.get(key):
            value = ", ".join(prov[key]) if isinstance(prov[key], list) else prov[key]
            lines.append(f"  {key + ':':<12} {value}")
    return "\n".join(lines) + "\n"


__all__ = [
    "PERCENTILES",
    "TARGETS",
    "Baseline",
    "build",
    "builtin_names",
    "describe",
    "read",
    "resolve",
    "write",
]
