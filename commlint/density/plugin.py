"""``commlint check --density [--baseline NAME|FILE]``: a density line/object per file.

A built-in plugin: its options and its after-lint step come through the same hooks as any
plugin's (``commlint_addoption``, ``commlint_check_start``, ``commlint_after_lint``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from commlint.density.measure import (
    DensityCounter,
    DensitySettings,
    DocDensity,
    compare,
    comparison_text,
    fmt_rate,
    rate_interval,
    top_terms,
)
from commlint.engine.check_run import CheckRun
from commlint.engine.report import Report
from commlint.hookspecs import hookimpl


@hookimpl
def commlint_addoption(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--density",
        action="store_true",
        help="report each file's risk-term density (text: a line per file; JSON: a 'density' object)",
    )
    parser.add_argument(
        "--baseline",
        metavar="NAME|FILE",
        help="peer baseline for density: a built-in name or a baseline file (overrides config)",
    )


@hookimpl
def commlint_check_start(run: CheckRun) -> None:
    if getattr(run.options, "density", False):
        run.keep_documents = True  # density is counted over each document's prose view
    run.overrides.update(_baseline_override(getattr(run.options, "baseline", None)))


def _baseline_override(ref: str | None) -> dict[str, Any]:
    if not ref:
        return {}
    # A file named on the command line is relative to the working folder, not the config's.
    path = Path(ref)
    if path.is_file():
        return {"baseline": str(path.resolve())}
    from commlint.density.baseline import builtin_names
    from commlint.errors import UsageError

    known = builtin_names()
    if ref not in known:  # named here, so the error names the flag, not a config key
        raise UsageError(f"--baseline {ref}: no such file and not a built-in baseline (built-ins: {', '.join(known)})")
    return {"baseline": ref}


def density_entry(
    measured: DocDensity,
    settings: DensitySettings,
    baseline: Any,
    lexicon_warning: str | None = None,
    lexicon: Any = None,
) -> dict[str, Any]:
    """The per-file ``density`` object: counts, rates, interval, comparison and a summary line."""
    name = settings.lexicon
    count, words = measured.count(name), measured.words
    r = measured.rate(name)
    entry: dict[str, Any] = {
        "lexicon": name,
        "words": words,
        "count": count,
        "rate": round(r, 6),
        "families": {f: c for f, c in measured.families[name].items() if c},
        "top_terms": [[t, n] for t, n in top_terms(measured.terms[name])],
        "lexicons": {n: {"count": measured.count(n), "rate": round(measured.rate(n), 6)} for n in measured.families},
        "interval": None,
    }
    summary = f"{fmt_rate(r)} {name} terms per 1,000 words ({count} in {words:,} words)"
    if words < settings.interval_below:
        lo, hi = rate_interval(count, words, settings.confidence)
        entry["interval"] = {
            "confidence": settings.confidence,
            "low": round(lo, 6),
            "high": round(hi, 6),
        }
        summary += f", {settings.confidence:.0%} interval {fmt_rate(lo)}-{fmt_rate(hi)} (short document)"
    if baseline is not None:
        cmp = compare(measured, name, baseline, settings, lexicon)
        entry["baseline"] = cmp
        if not cmp["comparable"]:
            summary += f"; not comparable with baseline {baseline.name!r} (it counts other terms), no budget"
        else:
            summary = summary + "; " + comparison_text(r, name, baseline, cmp).split("; ", 1)[1]
            if cmp["above"] and cmp["covers_target"]:
                summary += "; within this document's interval"
            elif cmp["above"] and cmp["budget"]:
                summary += f"; budget: rephrase {cmp['budget']} of {cmp['rephrasable']}"
                if cmp["protected"]:
                    summary += f" rephrasable ({cmp['protected']} mitigation or disclosure kept)"
    if lexicon_warning:
        entry["lexicon_warning"] = lexicon_warning
    others = [f"{n} {fmt_rate(v['rate'])}" for n, v in entry["lexicons"].items() if n != name]
    if others:
        summary += "; also " + ", ".join(others)
    entry["summary"] = summary
    return entry


@hookimpl(tryfirst=True)  # density measures the documents as linted, before --fix changes them
def commlint_after_lint(run: CheckRun) -> None:
    """Put a ``density`` object into each result's extras when ``--density`` is given."""
    if getattr(run.options, "density", False):
        _measure(run.report)


def _measure(report: Report) -> None:
    from commlint.config import Config
    from commlint.density import baseline as baselines
    from commlint.engine.linter import linter_for

    counters: dict[str, tuple[DensitySettings, DensityCounter, Any, str | None]] = {}
    warned: set[str] = set()
    for result in report.results:
        cfg = result.config or Config.default()
        key = cfg.cache_key()
        if key not in counters:
            linter = linter_for(cfg)
            settings = DensitySettings.from_config(cfg)
            from commlint.errors import ConfigError

            missing = [n for n in settings.lexicons if n not in linter.lexicons]
            if missing:
                raise ConfigError(f"{cfg.path or '<config>'}: density: unknown lexicon {missing[0]!r}")
            counter = DensityCounter({n: linter.lexicons[n] for n in settings.lexicons})
            base = baselines.resolve(cfg.baseline, cfg) if cfg.baseline else None
            warning = base.lexicon_warning(linter.lexicons[settings.lexicon]) if base is not None else None
            counters[key] = (settings, counter, base, warning)
        settings, counter, base, warning = counters[key]
        if warning and warning not in warned:
            warned.add(warning)
            sys.stderr.write(f"commlint: warning: {warning}\n")
        doc = result.document
        measured = counter.measure(doc.prose, doc.word_count, result.path or "-")
        result.extras["density"] = density_entry(measured, settings, base, warning, counter.lexicons[settings.lexicon])
