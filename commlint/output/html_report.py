"""A self-contained HTML report: sections of paragraphs, tables and inline SVG figures.

The page has no scripts, no external stylesheets, fonts or images, and a Content Security
Policy that forbids loading anything, so it opens offline and sends nothing anywhere. Any
command can build one (``stats --format html``, ``check --format html``)::

    report = HtmlReport("Risk-term density", subtitle="anthropic vs openai")
    sec = report.section("Rates", intro="Per 1,000 prose words.")
    sec.figure(svg_text, caption="Rate per family, with 95% intervals")
    sec.table(["family", "rate"], [["risk", "2.78"]], numeric=[1])
    html = report.render()

Text given to ``paragraph``, ``table`` and captions is escaped; ``figure`` takes SVG markup
as produced by ``commlint.output.charts`` (or any trusted SVG string).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Nothing may be fetched: not even the page's own favicon.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430;
       margin: 0 auto; max-width: 1100px; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
.subtitle { color: #5a6472; margin: 0 0 20px; }
h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 1px solid #dde2e8; padding-bottom: 4px; }
p { max-width: 80ch; }
.note { background: #f4f6f9; border-left: 4px solid #8a97a8; padding: 8px 12px; max-width: 80ch; }
.warn { background: #fff6e5; border-left: 4px solid #d08a00; padding: 8px 12px; max-width: 80ch; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #5a6472; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e6e9ee; text-align: left; vertical-align: top; }
th { background: #f4f6f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
mark { background: #ffe08a; padding: 0 1px; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid #e6e9ee; display: inline-block; }
"""


@dataclass
class Section:
    """One titled part of a report; add blocks in reading order."""

    title: str
    intro: str = ""
    blocks: list[str] = field(default_factory=list)

    def paragraph(self, text: str, kind: str = "") -> Section:
        """A paragraph of plain text; ``kind`` is "", "note" or "warn"."""
        cls = f' class="{kind}"' if kind in ("note", "warn") else ""
        self.blocks.append(f"<p{cls}>{html.escape(text)}</p>")
        return self

    def figure(self, svg: str, caption: str = "", name: str = "") -> Section:
        """An inline SVG chart with a caption (``name`` becomes its ``data-figure`` attribute)."""
        attr = f' data-figure="{html.escape(name)}"' if name else ""
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        self.blocks.append(f'<figure class="chart"{attr}>{_strip_xml_prolog(svg)}{cap}</figure>')
        return self

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        numeric: Iterable[int] = (),
        caption: str = "",
        scroll: bool = False,
    ) -> Section:
        """A table of escaped cells; columns in ``numeric`` are right-aligned.

        A cell may be a ``Marked`` value to highlight part of its text (a hit in its sentence).
        """
        nums = set(numeric)
        head = "".join(
            f"<th{' class=num' if i in nums else ''}>{html.escape(str(h))}</th>" for i, h in enumerate(headers)
        )
        body = []
        for row in rows:
            cells = "".join(f"<td{' class=num' if i in nums else ''}>{_cell(c)}</td>" for i, c in enumerate(row))
            body.append(f"<tr>{cells}</tr>")
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        table = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        self.blocks.append(f'<div class="scroll">{table}</div>' if scroll else table)
        return self


@dataclass(frozen=True)
class Marked:
    """A table cell whose ``text[start:end]`` is highlighted."""

    text: str
    start: int
    end: int


def _cell(value: Any) -> str:
    if isinstance(value, Marked):
        t = value.text
        return (
            html.escape(t[: value.start])
            + "<mark>"
            + html.escape(t[value.start : value.end])
            + "</mark>"
            + html.escape(t[value.end :])
        )
    return html.escape("" if value is None else str(value))


def _strip_xml_prolog(svg: str) -> str:
    """SVG as an element inside HTML: no XML declaration or DOCTYPE."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


@dataclass
class HtmlReport:
    """A report page: a title, an optional subtitle and sections in order."""

    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)

    def section(self, title: str, intro: str = "") -> Section:
        sec = Section(title, intro)
        self.sections.append(sec)
        return sec

    def render(self) -> str:
        """The whole page as one HTML string."""
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(self.title)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        if self.subtitle:
            parts.append(f'<p class="subtitle">{html.escape(self.subtitle)}</p>')
        for sec in self.sections:
            parts.append(f"<section><h2>{html.escape(sec.title)}</h2>")
            if sec.intro:
                parts.append(f"<p>{html.escape(sec.intro)}</p>")
            parts.extend(sec.blocks)
            parts.append("</section>")
        parts.append("</body></html>\n")
        return "\n".join(parts)

    def write(self, path: str | Path) -> None:
        """Write the page (UTF-8); an unwritable path is a one-line InputError."""
        from commlint.errors import InputError

        try:
            Path(path).write_text(self.render(), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
