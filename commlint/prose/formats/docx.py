"""Word (.docx), read with python-docx: each paragraph of the document is one line of the text.

Positions are therefore paragraph and character: ``draft.docx:3:12`` is the 12th character of
the document's 3rd paragraph, counting body paragraphs and table-cell paragraphs in reading
order (empty paragraphs count too). Fixes are written back into the runs that hold the text,
so every run keeps its formatting; a fix that would cross from one run into another (and so
mix formatting) is refused, and nothing is written.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

from commlint.errors import InputError
from commlint.prose.document import Document, ProseBuilder
from commlint.source.decode import Source, display_name

# A line break inside a paragraph (Shift+Enter) becomes a space, so a paragraph stays one
# line and columns still count the paragraph's characters one for one.
_INNER_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\x0b": " ", "\x0c": " "})


def _load(data: bytes, where: str) -> Any:
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError(f"{where}: reading .docx needs python-docx (pip install python-docx)") from None
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile, lxml and python-docx all raise their own kinds
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{where}: not a readable .docx file ({reason})") from None


def paragraphs(document: Any) -> Iterator[Any]:
    """Every paragraph in reading order: the body's, and each table cell's (nested tables too)."""
    yield from _block_paragraphs(document)


def _block_paragraphs(container: Any) -> Iterator[Any]:
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            seen: set[int] = set()
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    yield from _block_paragraphs(cell)
        else:
            yield item


def _runs(paragraph: Any) -> list[Any]:
    """The runs that hold a paragraph's text, including those inside hyperlinks."""
    from docx.text.hyperlink import Hyperlink

    out: list[Any] = []
    for item in paragraph.iter_inner_content():
        out.extend(item.runs if isinstance(item, Hyperlink) else [item])
    return out


def decode_docx(data: bytes, path: str | None = None) -> Source:
    """A Source whose lines are the document's paragraphs; it writes fixes back into ``data``."""
    where = display_name(path) if path else "<stdin>"
    document = _load(data, where)
    lines = [p.text.translate(_INNER_BREAKS) for p in paragraphs(document)]
    return Source(text="\n".join(lines), path=path, container=DocxContainer(data, where))


class DocxContainer:
    """The original .docx bytes; ``encode`` writes edited paragraph text back into its runs."""

    def __init__(self, data: bytes, where: str) -> None:
        self.data = data
        self.where = where

    def encode(self, text: str) -> bytes:
        document = _load(self.data, self.where)
        paras = list(paragraphs(document))
        new_lines = text.split("\n")
        if len(new_lines) != len(paras):
            raise InputError(f"{self.where}: a fix would add or remove a paragraph; nothing was written")
        changed = False
        for number, (paragraph, new) in enumerate(zip(paras, new_lines, strict=True), start=1):
            old = paragraph.text.translate(_INNER_BREAKS)
            if old != new:
                _edit_runs(paragraph, old, new, f"{self.where}: paragraph {number}")
                changed = True
        if not changed:
            return self.data
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _edit_runs(paragraph: Any, old: str, new: str, where: str) -> None:
    """Apply old -> new to the paragraph's runs, each edit inside one run (its formatting kept)."""
    runs = _runs(paragraph)
    texts = [r.text for r in runs]
    if "".join(texts).translate(_INNER_BREAKS) != old:
        raise InputError(f"{where}: text outside plain runs (fields or content controls); fix it in Word")
    bounds = []
    at = 0
    for t in texts:
        bounds.append((at, at + len(t)))
        at += len(t)
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for i1, i2, j1, j2 in _changes(old, new):
        index = _run_holding(bounds, i1, i2)
        if index is None:
            raise InputError(
                f"{where}: --fix would change text across differently formatted runs; "
                "nothing was written (make this edit in Word)"
            )
        s = bounds[index][0]
        edits.setdefault(index, []).append((i1 - s, i2 - s, new[j1:j2]))
    for index, changes in edits.items():
        value = texts[index]
        for a, b, repl in sorted(changes, reverse=True):
            value = value[:a] + repl + value[b:]
        runs[index].text = value  # replaces the run's text elements, keeps its properties (w:rPr)


def _changes(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The changed stretches old[i1:i2] -> new[j1:j2], each as whole as a fix made it.

    A character-level diff would split "totally secure" -> "designed to be secure" around the
    shared "secure", putting half of the new words in the run before; so the common prefix
    and suffix are trimmed first, and what remains is split only at unchanged stretches of
    a few words.
    """
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    a, b = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    regions: list[list[int]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal" and i2 - i1 >= _SPLIT_AT and i1 > 0 and i2 < len(a):
            regions.append([])  # a long unchanged stretch between two fixes
        elif op != "equal":
            if not regions:
                regions.append([])
            regions[-1] += [i1, i2, j1, j2]
    out = []
    for r in regions:
        if r:
            out.append((prefix + min(r[0::4]), prefix + max(r[1::4]), prefix + min(r[2::4]), prefix + max(r[3::4])))
    return out


#: unchanged characters between two edits that make them separate edits (two fixes, not one)
_SPLIT_AT = 12


def _run_holding(bounds: list[tuple[int, int]], start: int, end: int) -> int | None:
    """The run whose text contains [start, end) (an insertion: the run it touches), or None."""
    for index, (s, e) in enumerate(bounds):
        if start == end and s <= start <= e and (start > s or index == 0 or bounds[index - 1][1] < start):
            return index
        if s <= start and end <= e and start < e:
            return index
    return None


def parse_docx(source: Source) -> Document:
    """Each line (paragraph) is one block of prose."""
    builder = ProseBuilder()
    text = source.text
    starts = source.line_starts
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
        body = text[start:end]
        if body.strip():
            builder.text(body, start)
            builder.block_break(end)
    return builder.build(source, "docx")
