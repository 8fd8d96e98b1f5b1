"""reStructuredText, read with docutils: prose without code, directives' options, comments,
targets, substitution definitions or inline markup.

docutils gives the block structure (paragraphs, titles, list items, table cells, line blocks)
and each block's raw text; each raw line is found again in the source, and inline markup is
scanned here so that every prose character keeps its exact source offset (as for Markdown).
"""

from __future__ import annotations

import io
from typing import Any

import regex

from commlint.prose.document import Document, ProseBuilder
from commlint.prose.formats.inline import URL
from commlint.prose.formats.markdown import _NOT_EOL, _plain, _Shifted
from commlint.source.decode import Source

#: docutils nodes whose own text is prose
_BLOCKS = ("title", "subtitle", "paragraph", "term", "line", "attribution", "rubric", "caption", "field_name")
#: nodes whose text is never prose (code, comments, link targets, raw output, parse errors)
_SKIP = ("literal_block", "doctest_block", "comment", "raw", "substitution_definition", "target", "system_message")
#: roles whose text is code or a name, not prose
_CODE_ROLES = frozenset(
    {"code", "literal", "math", "file", "samp", "kbd", "command", "program", "envvar", "option", "regexp"}
)
_INLINE = regex.compile(
    r"``.+?``(?!\w)"  # inline literal
    r"|:(?P<role>[\w.:+-]+):`(?P<rtext>(?:\\.|[^`\\])+)`"  # :role:`text`
    r"|`(?P<itext>(?:\\.|[^`\\])+)`(?::(?P<srole>[\w.:+-]+):)?(?P<ref>__?)?"  # `text`, `text <url>`_
    r"|\[(?:\#[\w-]*|\*|\d+|[\w-]+)\]_"  # footnote and citation references
    r"|\|[^|\s](?:[^|]*[^|\s])?\|(?:__?)?"  # |substitution|
    r"|(?<=\w)__?(?=[\s.,;:!?)\]'\"]|$)"  # the underscore of a reference_
    r"|\*\*|\*"  # emphasis markers
    r"|\\(.)",  # backslash escapes
    regex.DOTALL,
)
_TARGET = regex.compile(r"\s*<[^<>]+>\s*$")


def _doctree(text: str) -> Any:
    from docutils.core import publish_doctree

    settings = {
        "report_level": 5,  # no messages on stderr: problems are in the tree as system_message
        "halt_level": 5,
        "warning_stream": io.StringIO(),
        "file_insertion_enabled": False,  # never read other files (.. include::)
        "raw_enabled": False,
        "input_encoding": "unicode",
    }
    return publish_doctree(text, settings_overrides=settings)


def _skipped(node: Any) -> bool:
    while node is not None:
        if node.tagname in _SKIP:
            return True
        node = node.parent
    return False


def parse_rst(source: Source) -> Document:
    builder = ProseBuilder()
    text = source.text
    tree = _doctree(text)
    starts = source.line_starts
    cursor = 0
    for node in tree.findall(lambda n: getattr(n, "tagname", "") in _BLOCKS):
        if _skipped(node.parent) or not node.rawsource.strip():
            continue
        # docutils knows the block's line (a title's is its underline), so the search starts
        # there: the same words in a code block above are never taken for it.
        line = node.line
        if isinstance(line, int) and line >= 1:
            if node.tagname in ("title", "subtitle"):
                line -= 1
            at = starts[min(max(line, 1), len(starts)) - 1]
        else:
            at = cursor
        found = _locate(text, node.rawsource, at)
        if found is None:
            continue
        cursor = found[-1][1]
        _block(builder, text, found)
    return builder.build(source, "rst")


def _locate(text: str, raw: str, start: int) -> list[tuple[int, int]] | None:
    """Source spans of each non-blank line of ``raw`` (dedented by docutils), in order."""
    out: list[tuple[int, int]] = []
    at = start
    for line in raw.splitlines():
        piece = line.strip()
        if not piece:
            continue
        pos = text.find(piece, at)
        if pos == -1 or (out and text.count("\n", out[-1][1], pos) > 1):
            return None
        out.append((pos, pos + len(piece)))
        at = pos + len(piece)
    return out or None


def _block(builder: ProseBuilder, text: str, pieces: list[tuple[int, int]]) -> None:
    """Scan the located lines as one string (indentation and table borders masked)."""
    base, stop = pieces[0][0], pieces[-1][1]
    chunks: list[str] = []
    at = base
    for a, b in pieces:
        if a > at:
            chunks.append(_NOT_EOL.sub(" ", text[at:a]))
        chunks.append(text[a:b])
        at = b
    masked = "".join(chunks)
    scan_rst_inline(_Shifted(builder, base), masked, 0, len(masked))
    builder.block_break(stop)


def scan_rst_inline(builder: ProseBuilder, text: str, start: int, end: int) -> None:
    """Emit the prose of inline reStructuredText text[start:end], keeping offsets."""
    pos = start
    for m in _INLINE.finditer(text, start, end):
        if m.start() > pos:
            _words(builder, text, pos, m.start())
        pos = m.end()
        token = m.group()
        if token.startswith("``") or (m.group("role") and m.group("role").split(":")[-1] in _CODE_ROLES):
            builder.code(m.start(), m.end())
            builder.placeholder(m.start(), m.end())
        elif m.group("rtext") is not None or m.group("itext") is not None:
            group = "rtext" if m.group("rtext") is not None else "itext"
            a, b = m.start(group), m.end(group)
            target = _TARGET.search(text, a, b)
            _words(builder, text, a, target.start() if target else b)
        elif token.startswith(("[", "|")):
            builder.placeholder(m.start(), m.end())
        elif token.startswith("\\"):
            builder.text(m.group(1), m.start(), m.end())
        # emphasis markers and a reference's underscore: nothing
    if end > pos:
        _words(builder, text, pos, end)


def _words(builder: ProseBuilder, text: str, start: int, end: int) -> None:
    pos = start
    for m in URL.finditer(text, start, end):
        if m.start() > pos:
            _plain(builder, text, pos, m.start())
        builder.placeholder(m.start(), m.end())
        pos = m.end()
    if end > pos:
        _plain(builder, text, pos, end)
