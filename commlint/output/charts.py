"""Static charts as SVG text, drawn with matplotlib (the ``report`` extra, imported lazily).

Every function returns one ``<svg>`` document with its text kept as text, no timestamp and
stable element ids, so the same figures give the same bytes. Colours are fixed per series
position, so a group keeps its colour across the charts of one report.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from commlint.errors import UsageError

#: colour-blind-safe (Okabe-Ito) colours, one per series
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: (rate, low, high): a value with its interval; low/high may be None
Estimate = tuple[float, float | None, float | None]


def _figure(width: float, height: float) -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        from commlint.install import pip_hint

        raise UsageError(f"HTML charts need matplotlib: {pip_hint('report')}") from None
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: smaller, searchable, selectable
            "svg.hashsalt": "commlint",  # stable ids
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def _errors(values: Sequence[Estimate]) -> list[list[float]]:
    lows = [v - (lo if lo is not None else v) for v, lo, _ in values]
    highs = [(hi if hi is not None else v) - v for v, _, hi in values]
    return [lows, highs]


def interval_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[Estimate]],
    *,
    ylabel: str = "per 1,000 words",
    title: str = "",
) -> str:
    """Grouped bars, one group per category and one bar per series, with interval whiskers."""
    n = max(1, len(series))
    fig = _figure(max(6.0, 0.55 * len(categories) * n + 2), 3.6)
    ax = fig.add_subplot()
    width = 0.8 / n
    for i, (label, values) in enumerate(series.items()):
        xs = [c + (i - (n - 1) / 2) * width for c in range(len(categories))]
        ax.bar(
            xs,
            [v for v, _, _ in values],
            width,
            label=label,
            color=COLOURS[i % len(COLOURS)],
            yerr=_errors(values),
            error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333"},
        )
    ax.set_xticks(range(len(categories)), list(categories), rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if n > 1:
        ax.legend(frameon=False)
    ax.grid(axis="y", color="#e6e9ee")
    ax.set_axisbelow(True)
    return _svg(fig)


def strip_plot(groups: Mapping[str, Sequence[float]], *, ylabel: str = "per 1,000 words", title: str = "") -> str:
    """Each document as a dot (jittered deterministically) over a box plot, one column per group."""
    fig = _figure(max(4.5, 1.8 * len(groups) + 1.5), 3.8)
    ax = fig.add_subplot()
    labels = list(groups)
    data = [list(groups[g]) for g in labels]
    ax.boxplot(
        data,
        positions=range(1, len(labels) + 1),
        widths=0.5,
        showfliers=False,
        medianprops={"color": "#1d2430"},
        boxprops={"color": "#8a97a8"},
        whiskerprops={"color": "#8a97a8"},
        capprops={"color": "#8a97a8"},
    )
    for i, values in enumerate(data):
        # A fixed low-discrepancy jitter: the same data draws the same picture.
        xs = [i + 1 + ((k * 0.618034) % 1 - 0.5) * 0.35 for k in range(len(values))]
        ax.scatter(xs, values, s=18, alpha=0.65, color=COLOURS[i % len(COLOURS)], zorder=3, linewidths=0)
    ax.set_xticks(range(1, len(labels) + 1), [f"{g}\n({len(d)} documents)" for g, d in zip(labels, data, strict=True)])
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", color="#e6e9ee")
    ax.set_axisbelow(True)
    return _svg(fig)


def time_series(
    periods: Sequence[str],
    series: Mapping[str, Sequence[Estimate | None]],
    *,
    ylabel: str = "per 1,000 words",
    title: str = "",
) -> str:
    """A line per series over ``periods``, with a shaded interval; None marks a gap."""
    fig = _figure(max(6.0, 0.8 * len(periods) + 2), 3.6)
    ax = fig.add_subplot()
    xs = list(range(len(periods)))
    for i, (label, values) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        pts = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if not pts:
            continue
        ax.plot([x for x, _ in pts], [v[0] for _, v in pts], marker="o", color=colour, label=label)
        band = [(x, v) for x, v in pts if v[1] is not None and v[2] is not None]
        if band:
            ax.fill_between(
                [x for x, _ in band], [v[1] for _, v in band], [v[2] for _, v in band], color=colour, alpha=0.15
            )
    ax.set_xticks(xs, list(periods))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend(frameon=False)
    ax.grid(axis="y", color="#e6e9ee")
    ax.set_axisbelow(True)
    return _svg(fig)


def count_bars(labels: Sequence[str], counts: Sequence[int], *, xlabel: str = "count", title: str = "") -> str:
    """Horizontal bars for counts (findings per rule or category), largest first as given."""
    fig = _figure(6.5, max(1.6, 0.32 * len(labels) + 0.9))
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, list(counts), color=COLOURS[0])
    ax.set_yticks(ys, list(labels))
    for y, c in zip(ys, counts, strict=True):
        ax.annotate(f"{c:,}", (c, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 findings
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    return _svg(fig)
