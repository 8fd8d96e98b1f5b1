"""Risk-term density: lexicon occurrences per 1,000 prose words (see docs/density.md).

Counting runs over a document's prose view only (no code, URLs, front matter or markup).
A word is what ``commlint.prose.sentences.word_spans`` finds. A term occurrence is a match of one
of a family's patterns as a whole word, case-insensitive, that does not lie inside a match
of one of the family's ``exclude`` patterns. Within a family, overlapping patterns count
once (the regex alternation takes the first pattern that matches at a position).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import regex

from commlint.matching import regex_cache
from commlint.records import FrozenRecord, Record, set_fields
from commlint.rules.lexicon import Family, Lexicon, Name

FLAGS = regex.IGNORECASE | regex.VERSION0
PER = 1000.0


class DocDensity(Record):
    """Counts for one document: words and, per lexicon, per-family and per-term occurrences."""

    __slots__ = ("path", "words", "families", "terms", "protected", "hits")
    path: str
    words: int
    #: lexicon -> family -> occurrences
    families: dict[str, dict[str, int]]
    #: lexicon -> term as written (lower-cased) -> occurrences
    terms: dict[str, dict[str, int]]
    #: lexicon -> counted occurrences the density budget leaves alone (the lexicon's [protect])
    protected: dict[str, int]
    #: every occurrence in context (``Hit.record``), when the counter was asked to keep them
    hits: list[dict[str, Any]] | None

    def __init__(
        self,
        path: str,
        words: int,
        families: dict[str, dict[str, int]] | None = None,
        terms: dict[str, dict[str, int]] | None = None,
        protected: dict[str, int] | None = None,
        hits: list[dict[str, Any]] | None = None,
    ) -> None:
        self.path = path
        self.words = words
        self.families = {} if families is None else families
        self.terms = {} if terms is None else terms
        self.protected = {} if protected is None else protected
        self.hits = hits

    def count(self, lexicon: str) -> int:
        return sum(self.families.get(lexicon, {}).values())

    def rate(self, lexicon: str) -> float:
        return rate(self.count(lexicon), self.words)

    def rephrasable(self, lexicon: str) -> int:
        """Occurrences a writer could rephrase: all but mitigation and disclosure language."""
        return self.count(lexicon) - self.protected.get(lexicon, 0)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "words": self.words,
            "families": self.families,
            "terms": self.terms,
            "protected": self.protected,
        }
        if self.hits is not None:
            out["hits"] = self.hits
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocDensity:
        return cls(
            str(data["path"]),
            int(data["words"]),
            dict(data["families"]),
            dict(data["terms"]),
            dict(data.get("protected", {})),
            data.get("hits"),
        )


def rate(count: int | float, words: int) -> float:
    """Occurrences per 1,000 words (0 for an empty document)."""
    return count * PER / words if words else 0.0


class Hit(FrozenRecord):
    """One term occurrence in prose; ``excluded_by`` says why it does not count (or None)."""

    __slots__ = ("start", "end", "family", "term", "excluded_by", "protected_by")
    start: int
    end: int
    family: str
    term: str
    excluded_by: str | None
    #: why the density budget leaves it alone (mitigation or disclosure language), or None
    protected_by: str | None

    def __init__(
        self,
        start: int,
        end: int,
        family: str,
        term: str,
        excluded_by: str | None = None,
        protected_by: str | None = None,
    ) -> None:
        set_fields(
            self, start=start, end=end, family=family, term=term, excluded_by=excluded_by, protected_by=protected_by
        )


def _name_pattern(name: Name) -> str:
    body = r"\s+".join(regex.escape(part) for part in name.text.split())
    left = r"\b" if name.text[:1].isalnum() else ""
    right = r"\b" if name.text[-1:].isalnum() else ""
    return f"(?{'i' if name.ignore_case else '-i'}:{left}{body}{right})"


class _CompiledFamily:
    def __init__(self, family: Family) -> None:
        self.name = family.name
        self.terms = regex_cache.compile("|".join(rf"\b(?:{t})\b" for t in family.terms), FLAGS)
        self.exclude = (
            regex_cache.compile("|".join(rf"\b(?:{t})\b" for t in family.exclude), FLAGS) if family.exclude else None
        )

    def scan(self, prose: str, names: list[tuple[int, int, str]]) -> list[Hit]:
        """Every occurrence, counted or not: inside a name or an exclusion it is marked excluded."""
        excluded = (
            [(*m.span(), f"exclusion {m.group()!r}") for m in self.exclude.finditer(prose)] if self.exclude else []
        )
        out = []
        for m in self.terms.finditer(prose):
            s, e = m.span()
            why = next((w for xs, xe, w in names if xs <= s and e <= xe), None)
            why = why or next((w for xs, xe, w in excluded if xs <= s and e <= xe), None)
            out.append(Hit(s, e, self.name, " ".join(m.group().lower().split()), why))
        return out

    def matches(self, prose: str, names: list[tuple[int, int, str]] | None = None) -> list[tuple[int, int, str]]:
        """(start, end, term) of every occurrence not inside a name or an exclusion."""
        return [(h.start, h.end, h.term) for h in self.scan(prose, names or []) if h.excluded_by is None]


class _CompiledLexicon:
    def __init__(self, lexicon: Lexicon) -> None:
        self.families = [_CompiledFamily(f) for f in lexicon.families]
        self.names = [(n.text, regex_cache.compile(_name_pattern(n), regex.VERSION0)) for n in lexicon.names]
        self.protect_families = set(lexicon.protect.families)
        self.protect_sentences = (
            regex_cache.compile("|".join(f"(?:{p})" for p in lexicon.protect.sentences), FLAGS)
            if lexicon.protect.sentences
            else None
        )

    def name_spans(self, prose: str) -> list[tuple[int, int, str]]:
        return [(*m.span(), f"name {text!r}") for text, pat in self.names for m in pat.finditer(prose)]

    def hits(self, prose: str) -> list[Hit]:
        """Every occurrence in prose order, with why it is excluded or protected."""
        names = self.name_spans(prose)
        found = sorted((h for fam in self.families for h in fam.scan(prose, names)), key=lambda h: (h.start, h.family))
        if not found:
            return found
        sentences: list[tuple[int, int]] | None = None
        out = []
        for h in found:
            why = None
            if h.excluded_by is None and h.family in self.protect_families:
                why = f"mitigation family {h.family!r}"
            elif h.excluded_by is None and self.protect_sentences is not None:
                if sentences is None:
                    from commlint.prose.sentences import split_sentences

                    sentences = split_sentences(prose)
                s, e = sentence_around(sentences, h.start, len(prose))
                m = self.protect_sentences.search(prose, s, e)
                why = f"disclosure sentence ({m.group()!r})" if m else None
            out.append(h.replace(protected_by=why) if why else h)
        return out


def sentence_around(sentences: list[tuple[int, int]], offset: int, size: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding ``offset`` (the whole text when none does)."""
    import bisect

    i = bisect.bisect_right([s for s, _ in sentences], offset) - 1
    if i >= 0 and sentences[i][0] <= offset < max(sentences[i][1], offset + 1):
        return sentences[i]
    return 0, size


class DensityCounter:
    """Counts the families of several lexicons over prose; build once, reuse per document."""

    def __init__(self, lexicons: Mapping[str, Lexicon], keep_hits: bool = False) -> None:
        self.lexicons = dict(lexicons)
        self.keep_hits = keep_hits
        self._compiled = {name: _CompiledLexicon(lex) for name, lex in self.lexicons.items()}

    def __getstate__(self) -> dict[str, Any]:  # compiled patterns are rebuilt in worker processes
        return {"lexicons": self.lexicons, "keep_hits": self.keep_hits}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["lexicons"], state.get("keep_hits", False))  # type: ignore[misc]

    def measure(self, prose: str, words: int, path: str = "") -> DocDensity:
        """Per-lexicon, per-family and per-term counts for one prose string of ``words`` words."""
        doc = DocDensity(path=path, words=words)
        for name, compiled in self._compiled.items():
            fam_counts = {fam.name: 0 for fam in compiled.families}
            term_counts: dict[str, int] = {}
            protected = 0
            for h in compiled.hits(prose):
                if h.excluded_by is not None:
                    continue
                fam_counts[h.family] += 1
                term_counts[h.term] = term_counts.get(h.term, 0) + 1
                protected += h.protected_by is not None
            doc.families[name] = fam_counts
            doc.terms[name] = dict(sorted(term_counts.items()))
            doc.protected[name] = protected
        return doc

    def hits(self, prose: str, lexicon: str) -> list[Hit]:
        """Every occurrence of ``lexicon`` in prose order, excluded ones included and marked."""
        return self._compiled[lexicon].hits(prose)

    def occurrences(self, prose: str, lexicon: str) -> list[tuple[int, int, str, str]]:
        """(start, end, family, term) of every counted occurrence of ``lexicon``, in prose order."""
        return [(h.start, h.end, h.family, h.term) for h in self.hits(prose, lexicon) if h.excluded_by is None]


def hit_records(doc: Any, counter: DensityCounter, path: str) -> list[dict[str, Any]]:
    """Every occurrence of every lexicon of ``counter`` in ``doc`` (a Document), in context.

    Each record has the source ``line`` and ``col`` (1-based), the term, its family, the
    sentence with whitespace collapsed, the term's ``mark`` [start, end) in that sentence, and
    ``excluded_by`` / ``protected_by`` (None for an ordinary counted occurrence).
    """
    out: list[dict[str, Any]] = []
    for lexicon in counter.lexicons:
        for h in counter.hits(doc.prose, lexicon):
            s, _ = doc.source_span(h.start, h.end)
            line, col = doc.source.position(s)
            ss, se = sentence_around(doc.sentences, h.start, len(doc.prose))
            before = " ".join(doc.prose[ss : h.start].split())
            word = " ".join(doc.prose[h.start : h.end].split())
            after = " ".join(doc.prose[h.end : se].split())
            lead = before + (" " if before and doc.prose[h.start - 1].isspace() else "")
            tail = (" " if after and doc.prose[h.end : h.end + 1].isspace() else "") + after
            out.append(
                {
                    "path": path,
                    "line": line,
                    "col": col,
                    "lexicon": lexicon,
                    "family": h.family,
                    "term": h.term,
                    "text": word,
                    "sentence": lead + word + tail,
                    "mark": [len(lead), len(lead) + len(word)],
                    "excluded_by": h.excluded_by,
                    "protected_by": h.protected_by,
                }
            )
    return out


def top_terms(terms: Mapping[str, int], n: int = 3) -> list[tuple[str, int]]:
    """The ``n`` most frequent terms, ties broken alphabetically."""
    return sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def budget(count: int, words: int, target_rate: float) -> int:
    """Occurrences to rephrase so that the rate is at most ``target_rate`` per 1,000 words."""
    allowed = math.floor(target_rate * words / PER + 1e-9)
    return max(0, count - allowed)


# -- Poisson interval ---------------------------------------------------------------------
def _poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu)."""
    if mu <= 0:
        return 1.0
    # Summed in log space so that large means do not underflow exp(-mu).
    log_mu = math.log(mu)
    total = sum(math.exp(-mu + i * log_mu - math.lgamma(i + 1)) for i in range(k + 1))
    return min(1.0, total)


def _solve(f: Any, lo: float, hi: float) -> float:
    """Root of a decreasing function f on [lo, hi] by bisection."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10 * max(1.0, hi):
            break
    return (lo + hi) / 2


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval for a Poisson mean given ``count`` occurrences."""
    alpha = 1 - confidence
    hi_bound = count + 20 * math.sqrt(count + 1) + 20
    # P(X >= count) grows with mu: the lower bound is where it reaches alpha/2.
    lower = 0.0 if count == 0 else _solve(lambda mu: alpha / 2 - (1 - _poisson_cdf(count - 1, mu)), 0.0, hi_bound)
    upper = _solve(lambda mu: _poisson_cdf(count, mu) - alpha / 2, 0.0, hi_bound)
    return lower, upper


def rate_interval(count: int, words: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Poisson interval on ``count`` as a rate per 1,000 words."""
    lo, hi = poisson_interval(count, confidence)
    return rate(lo, words), rate(hi, words)


# -- distributions ------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between order statistics."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


PERCENTILES = (10, 25, 50, 75, 90, 95)
#: the figures of a baseline's distribution that a density target can name
TARGETS = ("mean", "p10", "p25", "median", "p50", "p75", "p90", "p95", "rate")


def distribution(values: list[float]) -> dict[str, float]:
    """mean, sd (sample), min, max and the p10/p25/median/p75/p90/p95 of ``values``."""
    n = len(values)
    mean = sum(values) / n if n else 0.0
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    out = {"mean": mean, "sd": sd, "min": min(values, default=0.0), "max": max(values, default=0.0)}
    for q in PERCENTILES:
        out["median" if q == 50 else f"p{q}"] = percentile(values, q)
    return {k: round(v, 6) for k, v in out.items()}


class GroupTotals(Record):
    """Pooled counts of a group of documents for one lexicon."""

    __slots__ = ("lexicon", "documents", "words", "families", "terms", "doc_rates")
    lexicon: str
    documents: int
    words: int
    families: dict[str, int]
    terms: dict[str, int]
    doc_rates: list[float]

    def __init__(
        self,
        lexicon: str,
        documents: int,
        words: int,
        families: dict[str, int],
        terms: dict[str, int],
        doc_rates: list[float],
    ) -> None:
        self.lexicon = lexicon
        self.documents = documents
        self.words = words
        self.families = families
        self.terms = terms
        self.doc_rates = doc_rates

    @property
    def count(self) -> int:
        return sum(self.families.values())

    @property
    def rate(self) -> float:
        return rate(self.count, self.words)

    @classmethod
    def from_docs(cls, docs: Iterable[DocDensity], lexicon: str, family_names: Iterable[str]) -> GroupTotals:
        families = {name: 0 for name in family_names}
        terms: dict[str, int] = {}
        words = n = 0
        doc_rates = []
        for d in docs:
            n += 1
            words += d.words
            for fam, c in d.families.get(lexicon, {}).items():
                families[fam] = families.get(fam, 0) + c
            for term, c in d.terms.get(lexicon, {}).items():
                terms[term] = terms.get(term, 0) + c
            if d.words:
                doc_rates.append(d.rate(lexicon))
        return cls(lexicon, n, words, families, dict(sorted(terms.items())), doc_rates)


# -- settings ([density] in config) -------------------------------------------------------
class DensitySettings(FrozenRecord):
    """The validated ``[density]`` table of a configuration."""

    __slots__ = ("lexicon", "lexicons", "target", "ratio", "min_words", "interval_below", "confidence")
    lexicon: str
    lexicons: tuple[str, ...]
    target: str
    ratio: float
    min_words: int
    interval_below: int
    confidence: float

    def __init__(
        self,
        lexicon: str = "risk",
        lexicons: tuple[str, ...] = ("risk",),
        target: str = "p90",
        ratio: float = 1.0,
        min_words: int = 200,
        interval_below: int = 500,
        confidence: float = 0.95,
    ) -> None:
        set_fields(
            self,
            lexicon=lexicon,
            lexicons=lexicons,
            target=target,
            ratio=ratio,
            min_words=min_words,
            interval_below=interval_below,
            confidence=confidence,
        )

    @classmethod
    def from_config(cls, config: Any) -> DensitySettings:
        """Read ``config.density``; a wrong key or value is a one-line ConfigError."""
        from commlint.errors import ConfigError

        default = cls()
        table = dict(getattr(config, "density", None) or {})
        where = f"{getattr(config, 'path', None) or '<config>'}: density"
        known = {
            "lexicon",
            "lexicons",
            "target",
            "ratio",
            "min-words",
            "interval-below",
            "confidence",
        }
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")

        def number(key: str, default: float, kind: type = float, low: float = 0.0) -> Any:
            value = table.get(key, default)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or (kind is int and not isinstance(value, int))
            ):
                raise ConfigError(f"{where}.{key} must be a {'whole number' if kind is int else 'number'}")
            if value < low:
                raise ConfigError(f"{where}.{key} must be at least {low:g}")
            return kind(value)

        lexicon = table.get("lexicon", default.lexicon)
        if not isinstance(lexicon, str) or not lexicon:
            raise ConfigError(f"{where}.lexicon must be a lexicon name")
        lexicons = table.get("lexicons", [lexicon])
        if not isinstance(lexicons, list) or not lexicons or not all(isinstance(x, str) for x in lexicons):
            raise ConfigError(f"{where}.lexicons must be a non-empty list of lexicon names")
        if lexicon not in lexicons:
            lexicons = [lexicon, *lexicons]
        target = table.get("target", default.target)
        if target not in TARGETS:
            raise ConfigError(f"{where}.target must be one of {', '.join(TARGETS)}, not {target!r}")
        ratio = number("ratio", default.ratio)
        if ratio <= 0:
            raise ConfigError(f"{where}.ratio must be positive")
        confidence = number("confidence", default.confidence)
        if not 0 < confidence < 1:
            raise ConfigError(f"{where}.confidence must be between 0 and 1")
        return cls(
            lexicon,
            tuple(lexicons),
            "median" if target == "p50" else target,
            ratio,
            number("min-words", default.min_words, int),
            number("interval-below", default.interval_below, int),
            confidence,
        )


def fmt_rate(value: float) -> str:
    """A rate as printed in messages: one decimal."""
    return f"{value:.1f}"


def compare(
    doc: DocDensity, lexicon: str, baseline: Any, settings: DensitySettings, measured_with: Lexicon | None = None
) -> dict[str, Any]:
    """How a document's rate stands against a baseline: the figures behind the density finding.

    ``budget`` counts only rephrasable occurrences (not the lexicon's protected mitigation and
    disclosure language), and is None when the baseline counted a different lexicon than
    ``measured_with``: rates of different term lists are not comparable. ``covers_target`` is
    True when the document's own Poisson interval reaches down to the target.
    """
    count, words = doc.count(lexicon), doc.words
    r = rate(count, words)
    label, value = baseline.value(settings.target)
    target_rate = value * settings.ratio
    lo, hi = rate_interval(count, words, settings.confidence)
    warning = baseline.lexicon_warning(measured_with) if measured_with is not None else None
    rephrasable = doc.rephrasable(lexicon)
    out: dict[str, Any] = {
        "baseline": baseline.name,
        "aggregate_only": baseline.aggregate_only,
        "comparable": warning is None,
        "target": label,
        "target_value": round(value, 6),
        "target_rate": round(target_rate, 6),
        "ratio_to_target": round(r / value, 6) if value else None,
        "above": r > target_rate,
        "interval": {"confidence": settings.confidence, "low": round(lo, 6), "high": round(hi, 6)},
        "covers_target": lo <= target_rate,
        "rephrasable": rephrasable,
        "protected": count - rephrasable,
        "budget": min(budget(count, words, target_rate), rephrasable) if warning is None else None,
    }
    if warning is not None:
        out["lexicon_warning"] = warning
    if not baseline.aggregate_only:
        dist = baseline.data["distribution"]
        out["median"], out["p90"] = dist["median"], dist["p90"]
    return out


def comparison_text(r: float, lexicon: str, baseline: Any, cmp: Mapping[str, Any]) -> str:
    """'4.9 risk terms per 1,000 words; peer median 0.6, p90 1.4 (baseline: NAME); 3.5× the p90'."""
    head = f"{fmt_rate(r)} {lexicon} terms per 1,000 words"
    if baseline.aggregate_only:
        peers = f"peer rate {fmt_rate(baseline.data['rate'])} (baseline: {baseline.name}, aggregate only)"
    else:
        peers = f"peer median {fmt_rate(cmp['median'])}, p90 {fmt_rate(cmp['p90'])} (baseline: {baseline.name})"
    label = "the peer rate" if cmp["target"] == "peer rate" else f"the {cmp['target']}"
    if cmp["ratio_to_target"] is None:
        times = f"{label} is 0"
    else:
        times = f"{cmp['ratio_to_target']:.1f}× {label}"
    return f"{head}; {peers}; {times}"
