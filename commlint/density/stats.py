"""The figures behind ``commlint stats``: pooled rates with bootstrap intervals, spread, terms, series.

Intervals come from a percentile bootstrap over documents: each group's documents are
resampled with replacement, ``resamples`` times, and the pooled rate (and the ratio of two
groups' pooled rates) is recomputed each time. Documents, not words, are resampled because
a group's words are not independent: one long post full of risk terms moves the rate a lot,
and the interval should show it. The random generator is seeded from ``seed`` and the
group's position, so a run's figures are the same every time, whatever the labels.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from commlint.density.measure import FLAGS, DensitySettings, DocDensity, percentile, rate, rate_interval
from commlint.rules.lexicon import Lexicon

#: how many of the densest documents the "top documents' share" counts
TOP_DOCUMENTS = 10


@dataclass(frozen=True)
class BootstrapSettings:
    resamples: int = 2000
    seed: int = 0
    confidence: float = 0.95

    def describe(self) -> str:
        return (
            f"{self.confidence:.0%} bootstrap intervals over documents ({self.resamples:,} resamples, seed {self.seed})"
        )


def _quantile(xs: list[float], q: float) -> float:
    """Like ``percentile`` on sorted ``xs``, but an infinite neighbour gives infinity."""
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    if math.isinf(xs[lo]) or math.isinf(xs[hi]):
        return math.inf
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _interval(values: list[float], confidence: float) -> tuple[float, float]:
    xs = sorted(values)
    tail = (1 - confidence) / 2 * 100
    return _quantile(xs, tail), _quantile(xs, 100 - tail)


def _replicates(vectors: list[tuple[int, ...]], boot: BootstrapSettings, key: str) -> list[tuple[int, ...]]:
    """Column totals of ``resamples`` resamples of ``vectors`` (rows: words, counts...)."""
    if not vectors:
        return []
    rng = random.Random(f"{boot.seed}:{key}")
    n = len(vectors)
    out = []
    for _ in range(boot.resamples):
        picked = [vectors[rng.randrange(n)] for _ in range(n)]
        out.append(tuple(map(sum, zip(*picked, strict=True))))
    return out


def _rates_of(reps: list[tuple[int, ...]], column: int) -> list[float]:
    return [rate(r[column], r[0]) for r in reps]


def _ratio(a: float, b: float) -> float:
    return a / b if b else (math.inf if a else math.nan)


def _round(x: float | None) -> float | None:
    if x is None or math.isnan(x):
        return None
    return x if math.isinf(x) else round(x, 6)


def _json_number(x: float | None) -> float | str | None:
    """JSON has no infinity: an unbounded interval end is the string "inf"."""
    r = _round(x)
    return "inf" if r is not None and math.isinf(r) else r


def bootstrap(
    groups: Sequence[Sequence[DocDensity]],
    keys: Sequence[str],
    lexicon: str,
    families: Sequence[str],
    boot: BootstrapSettings,
) -> tuple[list[dict[str, tuple[float, float] | None]], dict[str, tuple[float, float] | None] | None]:
    """Per group, {family or "all": (low, high)} of the pooled rate; for two groups, of the ratio."""
    columns = ["all", *families]
    reps = []
    for docs, key in zip(groups, keys, strict=True):
        vectors = [
            (d.words, d.count(lexicon), *(d.families.get(lexicon, {}).get(f, 0) for f in families)) for d in docs
        ]
        reps.append(_replicates(vectors, boot, f"{key}:{lexicon}"))
    per_group: list[dict[str, tuple[float, float] | None]] = []
    for r in reps:
        per_group.append(
            {c: (_interval(_rates_of(r, i + 1), boot.confidence) if r else None) for i, c in enumerate(columns)}
        )
    ratio: dict[str, tuple[float, float] | None] | None = None
    if len(reps) == 2:
        a, b = reps
        ratio = {}
        for i, c in enumerate(columns):
            if not a or not b:
                ratio[c] = None
                continue
            values = [_ratio(x, y) for x, y in zip(_rates_of(a, i + 1), _rates_of(b, i + 1), strict=True)]
            finite = [v for v in values if not math.isnan(v)]
            ratio[c] = _interval(finite, boot.confidence) if finite else None
    return per_group, ratio


def spread(docs: Sequence[DocDensity], lexicon: str, top: int = TOP_DOCUMENTS) -> dict[str, Any]:
    """Median and p90 of the documents' rates, and the share of hits in the ``top`` densest-by-count."""
    rates = [d.rate(lexicon) for d in docs if d.words]
    counts = sorted((d.count(lexicon) for d in docs), reverse=True)
    total = sum(counts)
    k = min(top, len(counts))
    return {
        "median": round(percentile(rates, 50), 6),
        "p90": round(percentile(rates, 90), 6),
        "top_documents": k,
        "top_share": round(sum(counts[:k]) / total, 6) if total else None,
    }


def term_families(lexicon: Lexicon) -> Callable[[str], str]:
    """A function from a counted term (as written, lower-cased) to the family that counted it."""
    compiled = [(f.name, regex.compile("|".join(f"(?:{t})" for t in f.terms), FLAGS)) for f in lexicon.families]

    def family_of(term: str) -> str:
        return next((name for name, pat in compiled if pat.fullmatch(term)), "?")

    return family_of


def _group_figures(
    docs: Sequence[DocDensity], lexicon: Lexicon, intervals: dict[str, tuple[float, float] | None] | None
) -> dict[str, Any]:
    name = lexicon.name
    words = sum(d.words for d in docs)
    fams = {f.name: sum(d.families.get(name, {}).get(f.name, 0) for d in docs) for f in lexicon.families}
    terms: dict[str, int] = {}
    for d in docs:
        for t, c in d.terms.get(name, {}).items():
            terms[t] = terms.get(t, 0) + c

    def cell(count: int, key: str) -> dict[str, Any]:
        out: dict[str, Any] = {"count": count, "rate": round(rate(count, words), 6)}
        iv = (intervals or {}).get(key)
        out["low"], out["high"] = (_round(iv[0]), _round(iv[1])) if iv else (None, None)
        return out

    total = sum(fams.values())
    return {
        "families": {f: cell(c, f) for f, c in fams.items()},
        "all": cell(total, "all"),
        "protected": sum(d.protected.get(name, 0) for d in docs),
        "terms": dict(sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))),
        **spread(docs, name),
    }


def _ratio_figures(a: dict[str, Any], b: dict[str, Any], intervals: dict[str, Any] | None) -> dict[str, Any]:
    def cell(x: dict[str, Any], y: dict[str, Any], key: str) -> dict[str, Any]:
        value = _ratio(x["rate"], y["rate"])
        iv = (intervals or {}).get(key)
        low, high = (iv[0], iv[1]) if iv else (None, None)
        return {
            "ratio": _json_number(value),
            "low": _json_number(low),
            "high": _json_number(high),
            "includes_one": None if low is None or high is None else bool(low <= 1 <= high),
        }

    out = {"families": {f: cell(a["families"][f], b["families"][f], f) for f in a["families"]}}
    out["all"] = cell(a["all"], b["all"], "all")
    return out


def build_table(
    labels: list[str],
    inputs: list[list[str]],
    groups: list[list[DocDensity]],
    lexicons: dict[str, Lexicon],
    settings: DensitySettings,
    boot: BootstrapSettings,
    *,
    manifest: Any = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """Everything ``stats`` prints, as data (the JSON output)."""
    out: dict[str, Any] = {
        "lexicons": {n: {"fingerprint": lx.fingerprint(), "version": lx.version} for n, lx in lexicons.items()},
        "bootstrap": {
            "resamples": boot.resamples,
            "seed": boot.seed,
            "confidence": boot.confidence,
            "method": "percentile bootstrap; documents resampled with replacement within each group",
        },
        "groups": [],
    }
    figures: dict[str, list[dict[str, Any]]] = {}
    ratio_ivs: dict[str, Any] = {}
    for name, lex in lexicons.items():
        fams = [f.name for f in lex.families]
        # Seeded by position, not label: renaming a group does not move its interval.
        per_group, ratio_iv = bootstrap(groups, [f"group{i}" for i in range(len(groups))], name, fams, boot)
        figures[name] = [_group_figures(docs, lex, iv) for docs, iv in zip(groups, per_group, strict=True)]
        ratio_ivs[name] = ratio_iv
    for i, (label, paths, docs) in enumerate(zip(labels, inputs, groups, strict=True)):
        out["groups"].append(
            {
                "label": label,
                "inputs": paths,
                "documents": len(docs),
                "words": sum(d.words for d in docs),
                "lexicons": {n: figures[n][i] for n in lexicons},
                "per_document": [_document_row(d, lexicons, settings, manifest) for d in docs],
            }
        )
    if len(groups) == 2:
        out["ratio"] = {
            "label": f"{labels[0]}/{labels[1]}",
            "lexicons": {n: _ratio_figures(figures[n][0], figures[n][1], ratio_ivs[n]) for n in lexicons},
        }
    words = [g["words"] for g in out["groups"]]
    out["terms"] = {n: _terms_table(figures[n], words, lex) for n, lex in lexicons.items()}
    if manifest is not None and group_by:
        out["series"] = _series(labels, groups, lexicons, boot, manifest, group_by)
    return out


def _document_row(
    d: DocDensity, lexicons: dict[str, Lexicon], settings: DensitySettings, manifest: Any
) -> dict[str, Any]:
    first = next(iter(lexicons))
    row: dict[str, Any] = {
        "path": d.path,
        "words": d.words,
        "counts": {n: d.count(n) for n in lexicons},
        "rates": {n: round(d.rate(n), 6) for n in lexicons},
        "families": {n: dict(d.families.get(n, {})) for n in lexicons},
        "interval": None,
    }
    if d.words < settings.interval_below:
        lo, hi = rate_interval(d.count(first), d.words, settings.confidence)
        row["interval"] = {
            "lexicon": first,
            "confidence": settings.confidence,
            "low": round(lo, 6),
            "high": round(hi, 6),
        }
    if manifest is not None:
        facts = manifest.row_for(d.path)
        row["manifest"] = {k: v for k, v in facts.items() if k in ("date", "title", "type", "group")} if facts else None
    return row


def _terms_table(groups: list[dict[str, Any]], words: list[int], lexicon: Lexicon) -> list[dict[str, Any]]:
    """Every counted term: its family, count and rate per group, and the ratio of two groups."""
    family_of = term_families(lexicon)
    totals: dict[str, int] = {}
    for g in groups:
        for t, c in g["terms"].items():
            totals[t] = totals.get(t, 0) + c
    rows = []
    for term in sorted(totals, key=lambda t: (-totals[t], t)):
        counts = [g["terms"].get(term, 0) for g in groups]
        row: dict[str, Any] = {
            "term": term,
            "family": family_of(term),
            "counts": counts,
            "rates": [round(rate(c, w), 6) for c, w in zip(counts, words, strict=True)],
        }
        if len(groups) == 2:
            row["ratio"] = _json_number(_ratio(row["rates"][0], row["rates"][1]))
        rows.append(row)
    return rows


def _series(
    labels: list[str],
    groups: list[list[DocDensity]],
    lexicons: dict[str, Lexicon],
    boot: BootstrapSettings,
    manifest: Any,
    column: str,
) -> dict[str, Any]:
    """Per value of ``column`` (a year, a type...): each group's figures and their ratio."""
    from commlint.density.manifest import split_by

    manifest.check_column(column)
    splits = []
    values: list[str] = []
    for docs in groups:
        vals, index = split_by(manifest, column, [d.path for d in docs])
        splits.append(index)
        values += [v for v in vals if v not in values]
    from commlint.density.manifest import UNLISTED

    values = sorted(v for v in values if v != UNLISTED) + ([UNLISTED] if UNLISTED in values else [])
    out: dict[str, Any] = {"column": column, "values": values, "lexicons": {}}
    for name in lexicons:
        rows = []
        for value in values:
            parts = [[docs[i] for i in split.get(value, [])] for docs, split in zip(groups, splits, strict=True)]
            keys = [f"group{i}:{column}={value}" for i in range(len(labels))]
            per_group, ratio_iv = bootstrap(parts, keys, name, [], boot)
            cells = []
            for docs, iv in zip(parts, per_group, strict=True):
                words = sum(d.words for d in docs)
                count = sum(d.count(name) for d in docs)
                span = iv.get("all") if iv else None
                cells.append(
                    {
                        "documents": len(docs),
                        "words": words,
                        "count": count,
                        "rate": round(rate(count, words), 6) if words else None,
                        "low": _round(span[0]) if span else None,
                        "high": _round(span[1]) if span else None,
                    }
                )
            row: dict[str, Any] = {"value": value, "groups": cells}
            if len(parts) == 2:
                a, b = cells
                value_ratio = (
                    _ratio(a["rate"], b["rate"]) if a["rate"] is not None and b["rate"] is not None else math.nan
                )
                span = ratio_iv.get("all") if ratio_iv else None
                row["ratio"] = {
                    "ratio": _json_number(value_ratio),
                    "low": _json_number(span[0]) if span else None,
                    "high": _json_number(span[1]) if span else None,
                    "includes_one": None if not span else bool(span[0] <= 1 <= span[1]),
                }
            rows.append(row)
        out["lexicons"][name] = rows
    return out
