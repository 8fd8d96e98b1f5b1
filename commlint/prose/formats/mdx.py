"""MDX: Markdown with JSX. ``import``/``export`` blocks and ``{expressions}`` are code, not
prose; JSX elements are read like raw HTML (their text and ``alt``/``title`` are prose)."""

from __future__ import annotations

import regex

from commlint.prose.document import Document
from commlint.prose.formats.markdown import parse_markdown
from commlint.source.decode import Source

_ESM = regex.compile(r"(?:import|export)\b")
_FENCE = regex.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Source ranges of ESM blocks (an import/export line up to the next blank line) and of
    ``{…}`` expressions (braces balanced, across lines), outside fenced code and code spans."""
    ranges: list[tuple[int, int]] = []
    fence: str | None = None
    esm_start: int | None = None
    depth = 0
    expr_start = 0
    pos = 0
    after_blank = True  # ESM starts a block: at the top of the file or after a blank line
    for line in text.splitlines(keepends=True):
        start, body = pos, line.rstrip("\r\n")
        pos += len(line)
        was_after_blank, after_blank = after_blank, not body.strip()
        if depth == 0:
            if esm_start is not None:
                if body.strip():
                    continue
                ranges.append((esm_start, start))
                esm_start = None
            m = _FENCE.match(body)
            if fence is not None:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            if was_after_blank and _ESM.match(body):
                esm_start = start
                continue
        i = 0
        while i < len(body):
            ch = body[i]
            if ch == "`" and depth == 0:
                run = len(body[i:]) - len(body[i:].lstrip("`"))
                close = body.find("`" * run, i + run)
                i = close + run if close != -1 else i + run
                continue
            if ch == "{":
                if depth == 0:
                    expr_start = start + i
                depth += 1
            elif ch == "}" and depth:
                depth -= 1
                if depth == 0:
                    ranges.append((expr_start, start + i + 1))
            i += 1
    if esm_start is not None:
        ranges.append((esm_start, len(text)))
    return ranges


def parse_mdx(source: Source) -> Document:
    text = source.text
    ranges = code_ranges(text)
    chars = list(text)
    for a, b in ranges:
        for i in range(a, b):
            if chars[i] not in "\r\n":
                chars[i] = " "  # same length and lines, so every offset stays the source's
    masked = Source(text="".join(chars), path=source.path, bom=source.bom, newline=source.newline)
    doc = parse_markdown(masked)
    doc.source = source
    doc.format = "mdx"
    code = list(doc.meta.get("code", ()))  # type: ignore[call-overload]
    doc.meta["code"] = sorted(code + ranges)
    return doc
