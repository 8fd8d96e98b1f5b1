"""The draft's risk-term density, on demand: hover on line 1, a code lens, and the
``commlint.showDensity`` command.

The figures come from ``commlint.density.measure`` (and ``commlint.density.baseline`` for the configured
peer baseline). Both are optional here: without them, or when the config names no usable
lexicon, there is simply no density view. The document-level density finding (DEN101)
is an ordinary diagnostic and needs nothing from this module.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from commlint.engine.linter import Linter
from commlint.lsp.state import DocState

log = logging.getLogger("commlint.lsp")

_CACHE: weakref.WeakKeyDictionary[Linter, tuple[Any, Any, Any, str]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _tools(linter: Linter) -> tuple[Any, Any, Any, str] | None:
    """(counter, settings, baseline or None, lexicon name) for a Linter, built once."""
    with _LOCK:
        if linter in _CACHE:
            return _CACHE[linter]
    try:
        from commlint.density import baseline as baselines
        from commlint.density.measure import DensityCounter, DensitySettings
    except ImportError:
        return None
    config = linter.config
    settings = DensitySettings.from_config(config)
    lexicon = linter.lexicons.get(settings.lexicon)
    if lexicon is None:
        return None
    base = baselines.resolve(config.baseline, config) if config.baseline else None
    tools = (DensityCounter({settings.lexicon: lexicon}), settings, base, settings.lexicon)
    with _LOCK:
        _CACHE[linter] = tools
    return tools


def summary(state: DocState) -> dict[str, Any] | None:
    """The density figures of a fully linted document, or None when density is unavailable.

    Keys: lexicon, words, count, rate (per 1,000 words), top_terms, and with a baseline
    configured the comparison (baseline, target, target_rate, above, budget ...).
    """
    result = state.snapshot.result
    if result is None:  # a fast pass: density needs the whole document's prose
        return None
    try:
        tools = _tools(state.linter)
        if tools is None:
            return None
        from commlint.density.measure import compare, top_terms

        counter, settings, base, name = tools
        doc = result.document
        measured = counter.measure(doc.prose, doc.word_count, str(state.path or ""))
        figures: dict[str, Any] = {
            "uri": state.uri,
            "version": state.version,
            "lexicon": name,
            "words": measured.words,
            "count": measured.count(name),
            "rate": round(measured.rate(name), 6),
            "top_terms": [[t, n] for t, n in top_terms(measured.terms.get(name, {}))],
            "baseline": None,
        }
        if base is not None:
            figures.update(compare(measured, name, base, settings, counter.lexicons[name]))
        return figures
    except Exception as exc:  # density is an extra view: a failure must not stop diagnostics
        log.warning("density for %s failed: %s", state.uri, exc)
        return None


def message(f: dict[str, Any]) -> str:
    """One line: the rate, the counts, and the comparison with the baseline if any."""
    top = ", ".join(f"{t} ({n})" for t, n in f.get("top_terms", []))
    line = (
        f"Risk-term density: {f['rate']:.1f} {f['lexicon']} terms per 1,000 words "
        f"({f['count']} in {f['words']:,} words)" + (f"; top: {top}" if top else "")
    )
    if f.get("baseline") and f.get("comparable") is False:
        line += f"; baseline {f['baseline']} counts other terms: not comparable"
    elif f.get("baseline"):
        verdict = "above" if f.get("above") else "within"
        line += f"; {verdict} the {f['target']} of baseline {f['baseline']} ({f['target_rate']:.1f} per 1,000 words)"
        if f.get("above") and f.get("budget"):
            line += f"; rephrase {f['budget']} occurrence(s) to reach it"
    else:
        line += "; no baseline configured (set `baseline` in commlint.toml to compare with peers)"
    return line


def lens_title(f: dict[str, Any]) -> str:
    title = f"commlint density: {f['rate']:.1f} {f['lexicon']} terms / 1,000 words"
    if f.get("baseline"):
        title += f" ({'above' if f.get('above') else 'within'} {f['baseline']} {f['target']} {f['target_rate']:.1f})"
    return title


def hover_text(f: dict[str, Any] | None) -> str | None:
    return None if f is None else "**Density:** " + message(f)
