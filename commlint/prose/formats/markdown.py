"""Markdown (CommonMark + GFM tables): prose without code, markup, URLs or front matter.

markdown-it-py gives block structure with line maps; inline markup is scanned here so that
every prose character keeps its exact source offset. Raw-HTML blocks are read as HTML (their
text, ``alt`` and ``title`` attributes are prose); image alt text, link and image titles and
the ``alt``/``title`` of inline tags are prose too, each a block of its own.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from itertools import compress, repeat
from typing import Any, NamedTuple

import regex

from commlint.matching import regex_cache
from commlint.prose.document import Document, ProseBuilder
from commlint.prose.formats.inline import ENTITY, URL, decode_entity
from commlint.source.decode import Source

_FRONT_MATTER_OPEN = {"---": ("---", "..."), "+++": ("+++",)}
# Container markers on a block's first line, nested in any order ("> - ", "- > ", "1. - "),
# then an optional task-list box.
_MARKERS = r"(?:[ \t]*(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)))*[ \t]*"
_CONTAINER_PREFIX = regex_cache.compile(_MARKERS + r"(?:\[[ xX]\][ \t]+)?")
_HEADING_PREFIX = regex_cache.compile(_MARKERS + r"#{1,6}(?:[ \t]+|$)")
_HEADING_SUFFIX = regex_cache.compile(r"(?:[ \t]+#+)?[ \t]*$")
#: where a construct may start, besides a bare URL (_next_url)
_SPECIAL = re.compile(r"[\\`<!\[*_~&]")
#: a character before "http" or "www." that keeps it from being read as a bare URL
_BEFORE_URL = regex_cache.compile(r"[\w./]")
_AUTOLINK = regex_cache.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_HTML_TAG = regex_cache.compile(
    r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9\-]*(?:\s+[^<>]*?)?/?>|<\?.*?\?>|<![A-Z]+[^>]*>",
    regex.DOTALL,
)
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


#: markdown-it drops everything inside containers nested deeper than this (its default, 20,
#: hid lists 9 levels deep). Deeper content is scanned line by line instead (_deep_block);
#: the limit stays modest because markdown-it recurses per level and slows with depth.
MAX_NESTING = 40


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    # Only block structure and line maps are read; inline markup is scanned here, with offsets,
    # so markdown-it's own inline pass (a third of the parse time) is switched off.
    options = {"maxNesting": MAX_NESTING}
    return MarkdownIt("commonmark", options).enable("table").disable("inline")


def front_matter_lines(source: Source) -> int:
    """Number of lines at the top that are YAML/TOML front matter (0 when none)."""
    starts = source.line_starts
    first = source.line_text(1).strip()
    if first not in _FRONT_MATTER_OPEN:
        return 0
    closers = _FRONT_MATTER_OPEN[first]
    for line in range(2, len(starts) + 1):
        if source.line_text(line).strip() in closers:
            return line
    return 0


def markdown_text(source: Source) -> tuple[int, str]:
    """(front matter lines, the text markdown-it reads): front matter becomes blank lines, so
    markdown-it's line numbers stay the source's own (it breaks lines at "\r\n", "\r" and
    "\n", as Source does)."""
    skip = front_matter_lines(source)
    if not skip:
        return 0, source.text
    starts = source.line_starts
    return skip, "\n" * skip + (source.text[starts[skip] :] if skip < len(starts) else "")


def parse_markdown(source: Source) -> Document:
    builder = ProseBuilder()
    skip, md_text = markdown_text(source)
    tokens = _blocks(md_text)
    if skip:
        builder.code(0, source.line_starts[skip] if skip < len(source.line_starts) else len(source.text))
    in_table = 0
    in_container = 0  # inside a list item or blockquote: table rows carry their markers
    heading = False
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":  # (most tokens)
            if token.map and not in_table:
                first, last = token.map
                _block(builder, source, first + 1, last, heading)
        elif kind in ("blockquote_open", "list_item_open"):
            in_container += 1
            closer = kind.replace("_open", "_close")
            if token.map and index + 1 < len(tokens) and tokens[index + 1].type == closer:
                # Nothing inside: an empty item, or one nested past markdown-it's limit.
                _deep_block(builder, source, token.map[0] + 1, token.map[1])
        elif kind in ("blockquote_close", "list_item_close"):
            in_container -= 1
        elif kind in ("fence", "code_block") and token.map:
            builder.code(*_lines_range(source, token.map[0] + 1, token.map[1]))
        elif kind == "html_block" and token.map:
            start, end = _lines_range(source, token.map[0] + 1, token.map[1])
            from commlint.prose.formats.html import parse_html_fragment  # html.parser: raw HTML only

            parse_html_fragment(builder, source, start, end)
        elif kind == "table_open":
            in_table += 1
        elif kind == "table_close":
            in_table -= 1
        elif kind == "tr_open" and token.map:
            _table_row(builder, source, token.map[0] + 1, in_container > 0)
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
    return builder.build(source, "markdown")


class _Block(NamedTuple):
    """What parse_markdown reads of a markdown-it token: its type and line map."""

    type: str
    map: list[int] | None


#: markdown-it's line breaks (it normalises "\r\n" and "\r" to "\n" before splitting)
_LINE_BREAK = regex_cache.compile(r"\r\n?|\n")
_ATX = regex_cache.compile(r"#{1,6}(?:[ \t]|$)")
#: a list item's marker and the one space before its text
_LIST_ITEM = regex_cache.compile(r"(?:[-+*]|\d{1,9}[.)]) (?=[^ \t])")
_ORDERED_MARKER = regex_cache.compile(r"\d{1,9}[.)]")


def _blocks(md_text: str) -> list[_Block]:
    """markdown-it's block tokens (type and line map: what parse_markdown reads) for
    ``md_text``, with plain regions read here and only the rest handed to markdown-it.

    markdown-it tries a dozen block rules on every line, and most of a draft is plain
    paragraphs. A region (lines between blank lines) that starts at column 0 after a region
    that left nothing open (no fence, no HTML block that runs past blank lines) is parsed
    independently of what came before; if it is plain (_plain_region), its tokens come from
    one look at each line. The other regions are gathered into runs and parsed by markdown-it,
    their line maps shifted. tests/test_markdown.py checks the tokens equal markdown-it's on
    the whole document for every shared corpus file, test string and doc, and generated drafts.
    """
    lines = _LINE_BREAK.split(md_text) if "\r" in md_text else md_text.split("\n")
    count = len(lines)
    # regions: the runs of lines between blank ones, found from the blank lines' numbers (C)
    regions: list[tuple[int, int]] = []
    prev = -1
    for blank in compress(range(count), map(_NOT, map(str.strip, lines, repeat(" \t", count)))):
        if blank > prev + 1:
            regions.append((prev + 1, blank))
        prev = blank
    if count > prev + 1:
        regions.append((prev + 1, count))
    # lines that start with an ASCII letter (after spaces): none opens or closes a block
    simple = list(map(_SIMPLE_LINE.match, lines))
    # cut[i]: region i is parsed the same whatever came before it (it starts at column 0 and
    # nothing is open before it), and so is everything before it whatever follows
    cut = [True] * (len(regions) + 1)
    state: Any = None  # what is open: None, a fence (marker, length), an HTML end, _BLANK, _STICKY
    for i, (start, end) in enumerate(regions):
        cut[i] = state is None and lines[start][0] not in " \t"
        if state is None and all(simple[start:end]):
            continue  # nothing opens
        state = _open_after(lines, start, end, state)
        if state is _STICKY:  # unsure what is open: markdown-it reads the rest
            cut[i + 1 :] = [False] * (len(regions) - i)
            cut[-1] = True
            break
    out: list[_Block] = []
    run = -1  # first line of the regions waiting for markdown-it, -1 when none
    for i, (start, end) in enumerate(regions):
        if not (cut[i] and cut[i + 1]):
            plain = None
        elif all(simple[start:end]):  # a paragraph (its first line at column 0: cut[i])
            plain = [_Block("inline", [start, end])]
        else:
            plain = _plain_region(lines, start, end)
        if plain is None:
            if run < 0:
                run = start
            continue
        if run >= 0:
            out += _markdown_it_blocks(lines, run, start)
            run = -1
        out += plain
    if run >= 0:
        out += _markdown_it_blocks(lines, run, count)
    return out


#: a line _plain_region and _open_after read as a paragraph's line that opens nothing
_SIMPLE_LINE = re.compile(r" *[A-Za-z]")
_NOT = operator.not_

#: _open_after's states besides None, a fence and an HTML block's end
_BLANK = "an HTML block that a blank line ends"
_STICKY = "unknown"
_FENCE_OPEN = regex_cache.compile(r"(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = regex_cache.compile(r" {0,3}(`{3,}|~{3,})[ \t]*$")
#: a fence or HTML after indentation or container markers: not followed here
_NESTED_OPENER = regex_cache.compile(r"[ \t>*+\-0-9.)]+(?:```|~~~|<)")


def _open_after(lines: list[str], first: int, last: int, state: Any) -> Any:
    """What is open after lines[first:last] (a region), given what was open before it: None,
    a fence (its marker and length), the end pattern of an HTML block a blank line does not end,
    or _STICKY where that is not followed here (a fence or HTML nested in a container, or
    indented). As markdown-it's fence and html_block rules decide, for lines at column 0."""
    for n in range(first, last):
        line = lines[n]
        if state is None:
            c = line[0]
            if c == "`" or c == "~":
                m = _FENCE_OPEN.match(line)
                if m and not (c == "`" and "`" in m.group(2)):
                    state = (c, len(m.group(1)))
            elif c == "<":
                state = _html_opened(line, n == first)
                if state is _STICKY:
                    return state
            elif ("`" in line or "~" in line or "<" in line) and _NESTED_OPENER.match(line):
                return _STICKY
        elif isinstance(state, tuple):
            m = _FENCE_CLOSE.match(line)
            if m and m.group(1)[0] == state[0] and len(m.group(1)) >= state[1]:
                if "\t" in line:
                    return _STICKY
                state = None
        elif state is not _BLANK and state.search(line):
            state = None
    return None if state is _BLANK else state


def _html_opened(line: str, starts_region: bool) -> Any:
    """What a line at column 0 starting with "<" leaves open (markdown-it's html_block kinds)."""
    try:
        from markdown_it.rules_block.html_block import HTML_SEQUENCES
    except ImportError:  # another markdown-it-py layout: let markdown-it read the rest
        return _STICKY
    if len(HTML_SEQUENCES) != 7:
        return _STICKY
    for kind, (opener, closer, _interrupts) in enumerate(HTML_SEQUENCES):
        if opener.search(line):
            if kind < 5:  # ends at its closing sequence, perhaps on this line
                return None if closer.search(line) else closer
            if kind == 5 or starts_region:  # ends at a blank line
                return _BLANK
            return _STICKY  # kind 7 does not interrupt a paragraph: not followed here
    return None


def _markdown_it_blocks(lines: list[str], first: int, last: int) -> list[_Block]:
    """markdown-it's tokens for lines[first:last], their maps in the document's line numbers."""
    tokens = _parser().parse("\n".join(lines[first:last]))
    return [_Block(t.type, [t.map[0] + first, t.map[1] + first] if t.map else None) for t in tokens]


def _plain_region(lines: list[str], first: int, last: int) -> list[_Block] | None:
    """The tokens of lines[first:last] (a region starting at column 0) when it is all list
    items ("- text", "1. text": one space, the same kind of marker; a wrapped item's lines go
    on indented or not) or all paragraph and ATX heading lines, none of which could start
    another block (_opens_block); None otherwise."""
    out: list[_Block] = []
    c = lines[first][0]
    m = _LIST_ITEM.match(lines[first]) if c in "-+*" or not ("a" <= c <= "z" or "A" <= c <= "Z" or c == "#") else None
    if m:
        kind = m.group()[-2]  # the bullet, or the number's "." or ")"
        item = -1  # line of the item being read
        for n in range(first, last):
            line = lines[n]
            m = _LIST_ITEM.match(line)
            if m:  # a new item: its marker, one space, a paragraph's first line
                content = line[m.end() :]
                if m.group()[-2] != kind or _opens_block(content, True) or _ATX.match(content):
                    return None
                if item >= 0:
                    out += [_Block("inline", [item, n]), _Block("list_item_close", None)]
                out.append(_Block("list_item_open", [n, n + 1]))
                item = n
                continue
            text = line.lstrip(" ")  # the item's paragraph goes on (indented or lazy)
            if _opens_block(text, False) or text[0] == "#" and _ATX.match(text):
                return None
        out += [_Block("inline", [item, last]), _Block("list_item_close", None)]
        return out
    para = -1  # first line of the paragraph being read, -1 when none
    for n in range(first, last):
        line = lines[n]
        if line[0] == "#" and _ATX.match(line):
            if para >= 0:
                out.append(_Block("inline", [para, n]))
                para = -1
            out += [_Block("heading_open", [n, n + 1]), _Block("inline", [n, n + 1]), _Block("heading_close", None)]
        elif para < 0:
            if line[0] == " " or _opens_block(line, True):
                return None
            para = n
        else:
            text = line.lstrip(" ")
            if _opens_block(text, False) or text[0] == "#" and _ATX.match(text):
                return None
    if para >= 0:
        out.append(_Block("inline", [para, last]))
    return out


def _opens_block(text: str, first: bool) -> bool:
    """Whether a line (from its first non-space character) might start a block other than a
    paragraph, or, when ``first``, end up other than a paragraph's first line; conservative.
    ATX headings are the caller's."""
    c = text[0]
    if c.isalpha():  # (most lines) none of the characters below is a letter
        return False
    if c in "><|:\t":  # quote, HTML, table delimiter row, tab indentation
        return True
    if c == "[":  # a link reference definition, only where a paragraph starts
        return first
    if c in "-+*":
        if len(text) == 1 or text[1] in " \t":  # a list item
            return True
        if c == "-":  # a thematic break, setext underline or table delimiter row
            return not text.strip("-:| \t")
        return c == "*" and not text.strip("* \t")
    if c == "_":
        return not text.strip("_ \t")
    if c == "=":
        return not text.strip("= \t")
    if c in "`~":  # a fence
        return text.startswith(c * 3)
    if "0" <= c <= "9":
        return _ORDERED_MARKER.match(text) is not None
    return False


def _lines_range(source: Source, first: int, last: int) -> tuple[int, int]:
    """Source offsets from the start of line ``first`` to the end of line ``last`` (1-based)."""
    starts = source.line_starts
    end = starts[last] if last < len(starts) else len(source.text)
    return starts[first - 1], end


def _line_span(source: Source, line: int) -> tuple[int, int]:
    start = source.line_starts[line - 1]
    return start, start + len(source.line_text(line))


_FOOTNOTE_DEFINITION = regex_cache.compile(r"\[\^[^\]\s]+\]:[ \t]*")
_QUOTE_PREFIX = regex_cache.compile(r"[ \t]*(?:>[ \t]?[ \t]*)*")


class _Shifted(ProseBuilder):
    """A ProseBuilder seen through a masked copy of a block: adds the block's source offset.
    A subclass (its own pieces stay empty), so code typed for a ProseBuilder takes it also
    when compiled, where a parameter's type is checked."""

    def __init__(self, builder: ProseBuilder, base: int) -> None:
        super().__init__()
        self.builder = builder
        self.base = base

    def ends_with_space(self) -> bool:
        return self.builder.ends_with_space()

    def text(self, source_text: str, start: int, end: int | None = None) -> None:
        self.builder.text(source_text, start + self.base, None if end is None else end + self.base)

    def space(self, start: int, end: int) -> None:
        self.builder.space(start + self.base, end + self.base)

    def code(self, start: int, end: int) -> None:
        self.builder.code(start + self.base, end + self.base)

    def placeholder(self, start: int, end: int) -> None:
        self.builder.placeholder(start + self.base, end + self.base)

    def block_break(self, at: int) -> None:
        self.builder.block_break(at + self.base)


def _block(builder: ProseBuilder, source: Source, first: int, last: int, heading: bool) -> None:
    """Emit the prose of source lines first..last (1-based, inclusive) as one block.

    Inline constructs (links, code spans, HTML comments) may run across lines, so the block is
    scanned as one string in which container markers (``>``, list markers, heading ``#``s) are
    masked with spaces; the masked copy has the source's length, so offsets are kept.
    """
    text = source.text
    if not heading and _unmasked_block(builder, source, first, last):
        return
    pieces: list[tuple[int, int]] = []
    for line in range(first, last + 1):
        start, end = _line_span(source, line)
        if line == first:
            prefix_re = _HEADING_PREFIX if heading else _CONTAINER_PREFIX
        else:
            # Continuation lines carry only quote markers and indentation: "2019. We" on a
            # wrapped line is text, not a list item (only "1." may interrupt a paragraph).
            prefix_re = _QUOTE_PREFIX
        prefix = prefix_re.match(text, start, end)
        content_start = prefix.end() if prefix else start
        content_end = end
        if heading:
            suffix = _HEADING_SUFFIX.search(text, content_start, end)
            content_end = suffix.start() if suffix else end
        while content_end > content_start and text[content_end - 1] in " \t":
            content_end -= 1
        pieces.append((content_start, content_end))
    pieces = [(a, b) for a, b in pieces if b > a]
    if not pieces:
        return
    base, stop = pieces[0][0], pieces[-1][1]
    chunks: list[str] = []
    at = base
    for a, b in pieces:
        if a > at:
            chunks.append(_NOT_EOL.sub(" ", text[at:a]))  # prefixes -> spaces
        chunks.append(text[a:b])
        at = b
    masked = "".join(chunks)
    note = _FOOTNOTE_DEFINITION.match(masked)
    if note:  # "[^1]: text" (a GFM footnote definition): the label is not prose
        masked = " " * note.end() + masked[note.end() :]
    if masked.endswith("\\"):
        masked = masked[:-1]  # a trailing backslash is a hard break, not text
    scan_inline(_Shifted(builder, base), masked, 0, len(masked))
    builder.block_break(stop)


#: what _block's masking would change between a block's first and last characters: a tab
#: (masked to a space) or a quote marker starting a continuation line
#: (``\t|[\r\n] *>``, written to start with a character set: searched faster)
_MASKED_IN_GAP = re.compile(r"[\t\r\n](?:(?<=\t)| *>)")


#: the ASCII characters _CONTAINER_PREFIX can start with (besides, perhaps, non-ASCII digits)
_PREFIX_FIRST = frozenset(" \t>-+*[0123456789")


def _unmasked_block(builder: ProseBuilder, source: Source, first: int, last: int) -> bool:
    """_block for a paragraph (not a heading) whose masked copy would be the source text
    itself, scanned in place; False, having emitted nothing, for any other block.

    From the first line's content to the last line's, _block's masked copy differs from the
    source only where a continuation line's prefix or a line's trailing whitespace is masked:
    tabs and quote markers become spaces, while spaces and line breaks stay what they are. With
    neither (and no footnote label or trailing backslash, which _block rewrites) the copy is
    the source slice. Where the first line's prefix is empty or ends in whitespace, the
    character before the slice reads to every pattern (``\\b``, lookbehinds, emphasis
    flanking) as the copy's start does; a prefix ending in ">" would not, and is not taken.
    """
    text = source.text
    starts = source.line_starts
    base = starts[first - 1]
    c = text[base : base + 1]
    if not ("a" <= c <= "z" or "A" <= c <= "Z"):  # (a letter: the line has content, and no prefix)
        start, line_end = _line_span(source, first)
        if start < line_end and text[start] not in _PREFIX_FIRST and text[start].isascii():
            base = start  # no container marker or indentation: _CONTAINER_PREFIX matches nothing
        else:
            prefix = _CONTAINER_PREFIX.match(text, start, line_end)
            base = prefix.end() if prefix else start
        if base >= line_end or text[base] in " \t" or base > start and text[base - 1] not in " \t":
            return False  # no content on the first line, or a prefix ending in ">" that patterns would see
    last_start = starts[last - 1]
    last_end = starts[last] if last < len(starts) else len(text)
    stop = last_start + len(text[last_start:last_end].rstrip("\r\n").rstrip(" \t"))
    if stop <= max(base, last_start):
        return False  # no content on the last line: _block ends the block earlier
    if text[stop - 1] == "\\" or text.startswith("[^", base):
        return False
    if (text.find("\t", base, stop) >= 0 or text.find(">", base, stop) >= 0) and _MASKED_IN_GAP.search(
        text, base, stop
    ):
        return False  # (without a tab or a ">", _MASKED_IN_GAP cannot match)
    # Whether the paragraph has a line break _plain cannot emit verbatim, asked once: a piece
    # of it has one only if the paragraph has (a match in a piece is one in the paragraph)
    scan_inline(builder, text, base, stop, _UNUSUAL_BREAK.search(text, base, stop) is None)
    builder.block_break(stop)
    return True


def _deep_block(builder: ProseBuilder, source: Source, first: int, last: int) -> None:
    """Emit the prose of lines first..last (1-based) of a container markdown-it left empty.

    Past MAX_NESTING markdown-it stops parsing, so the lines are read here: container markers
    are stripped from each line, a list marker or a blank line starts a new block, and the
    rest is prose (a code fence that deep is read as prose too: rare, and safer than silence).
    """
    text = source.text
    group_start: int | None = None
    for line in range(first, last + 2):
        if line <= last:
            start, end = _line_span(source, line)
            prefix = _CONTAINER_PREFIX.match(text, start, end)
            marker_end = prefix.end() if prefix else start
            blank = not text[marker_end:end].strip()
            new_item = any(c in "-+*0123456789" for c in text[start:marker_end])
        else:
            blank = True
            new_item = False
        if group_start is not None and (blank or new_item):
            _block(builder, source, group_start, line - 1, heading=False)
            group_start = None
        if not blank and group_start is None:
            group_start = line


def _table_row(builder: ProseBuilder, source: Source, line: int, contained: bool) -> None:
    start, end = _line_span(source, line)
    text = source.text
    if contained:  # "> | a | b |" or "- | a |": the markers are not a cell
        prefix = _CONTAINER_PREFIX.match(text, start, end)
        start = prefix.end() if prefix else start
    cell_start = start
    in_code = False
    pos = start
    while pos <= end:
        ch = text[pos] if pos < end else "|"
        if ch == "\\":
            pos += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code or pos == end:
            a, b = cell_start, pos
            while a < b and text[a] in " \t":
                a += 1
            while b > a and text[b - 1] in " \t":
                b -= 1
            if b > a:
                scan_inline(builder, text, a, b)
                builder.block_break(b)
            cell_start = pos + 1
        pos += 1


def scan_inline(builder: ProseBuilder, text: str, start: int, end: int, plain_breaks: bool = False) -> None:
    """Emit the prose of inline Markdown text[start:end], dropping markup but keeping offsets.
    ``plain_breaks``: the caller found no _UNUSUAL_BREAK in text[start:end]."""
    pos = start
    url = -1
    while pos < end:
        if url < pos:
            url = _next_url(text, pos, end)
        m = _SPECIAL.search(text, pos, url)  # a construct starts at the first of these or the URL
        at = url if m is None else m.start()
        if at >= end:
            _plain(builder, text, pos, end, plain_breaks)
            return
        if at > pos:
            _plain(builder, text, pos, at, plain_breaks)
        pos = _special(builder, text, at, end)


_SCHEMES = ("://", "s://")


def _next_url(text: str, pos: int, end: int) -> int:
    """Where the first bare URL of text[pos:end] starts (``end`` when none): the first place
    ``(?<![\\w./])(?:https?://|www\\.)`` matches, found with ``str.find`` (the lookbehind may
    read the character before ``pos``)."""
    found = end
    for lead in ("http", "www."):
        at = text.find(lead, pos, found)
        while at >= 0:
            if (lead == "www." or text.startswith(_SCHEMES, at + 4, end)) and not (
                at and _BEFORE_URL.match(text, at - 1)
            ):
                found = at
                break
            at = text.find(lead, at + 1, found)
    return found


_WHITESPACE = regex_cache.compile(r"[ \t\r\n]+")
#: a whitespace run holding a line break, from its first character (runs are maximal)
_NOT_EOL = regex_cache.compile(r"[^\r\n]")
_BROKEN = regex_cache.compile(r"[ \t]*[\r\n][ \t\r\n]*")
#: a line break _plain cannot emit as a verbatim space: "\r", or "\n" after whitespace (a
#: space already emitted, or blanks _BROKEN joins to it) or before blanks _BROKEN joins to it
#: (``\r|\s\n|\n[ \t\r\n]``, written to start with a character set: searched several times faster)
_UNUSUAL_BREAK = re.compile(r"[\r\n](?:(?<=\r)|(?<=\s\n)|[ \t\r\n])")


def _plain(builder: ProseBuilder, text: str, start: int, end: int, plain_breaks: bool = False) -> None:
    """Emit plain text. A line break (with its indentation) becomes one space, and so does
    whitespace right after a removed token, so "bad <!-- x --> actors" reads "bad actors".
    ``plain_breaks``: the caller found no _UNUSUAL_BREAK in text[start:end]."""
    if start + 1 < end and text[start] == " " and text[start + 1] not in " \t\r\n":
        # One space, after a removed token: emitted as the loop below emits it, the rest then
        # perhaps at once
        if not builder.ends_with_space():
            builder.text(" ", start)
        start += 1
    if start < end and text[start] not in " \t\r\n" and (plain_breaks or not _UNUSUAL_BREAK.search(text, start, end)):
        # Every line break is a lone "\n" between two characters that are not whitespace, so
        # each becomes a space standing for itself: the text is emitted as it stands, with
        # "\n" read as " ", as one verbatim piece (what the loop below emits, in one call).
        builder.text(text[start:end].replace("\n", " "), start)
        return
    pos = start
    # Spaces between words stay in the verbatim run (one emit per run), so only a run at the
    # very start (after a removed token) and runs holding a line break need handling: found
    # by a search for line breaks, not a Python step per word.
    m = _WHITESPACE.match(text, start, end)
    if m is not None and "\n" not in m.group() and "\r" not in m.group():
        if builder.ends_with_space():
            builder.space(m.start(), m.end())
        else:
            builder.text(m.group(), m.start())
        pos = m.end()
    for m in _BROKEN.finditer(text, pos, end):
        if m.start() > pos:
            builder.text(text[pos : m.start()], pos)
        builder.space(m.start(), m.end())
        pos = m.end()
    if end > pos:
        builder.text(text[pos:end], pos)


def _special(builder: ProseBuilder, text: str, pos: int, end: int) -> int:
    """Handle the construct starting at ``pos``; return the position after it."""
    ch = text[pos]
    nxt = text[pos + 1] if pos + 1 < end else ""
    if ch == "\\":
        if nxt and nxt in _ASCII_PUNCT:
            builder.text(nxt, pos, pos + 2)
            return pos + 2
        if nxt in ("\r", "\n"):
            builder.space(pos, pos + 1)  # a backslash hard break
            return pos + 1
        builder.text(ch, pos)
        return pos + 1
    if ch == "`":
        run_end = pos
        while run_end < end and text[run_end] == "`":
            run_end += 1
        run = text[pos:run_end]
        close = text.find(run, pos + len(run), end)
        while close != -1 and close + len(run) < end and text[close + len(run)] == "`":
            close = text.find(run, close + len(run) + 1, end)
        if close == -1:
            builder.text(run, pos)
            return pos + len(run)
        builder.code(pos, close + len(run))
        builder.placeholder(pos, close + len(run))  # code is not prose, but it is there
        return close + len(run)
    if ch == "<":
        m = _AUTOLINK.match(text, pos, end)
        if m:
            builder.placeholder(m.start(), m.end())
            return int(m.end())
        m = _HTML_TAG.match(text, pos, end)
        if m:
            tag = _TAG_NAME.match(m.group())
            if tag:  # an inline tag's alt/title is read as its own block
                from commlint.prose.formats.html import emit_attribute, prose_attributes

                for a, b in prose_attributes(tag.group(1).lower(), m.group(), m.start()):
                    emit_attribute(builder, text, a, b)
            return int(m.end())  # tags and comments are invisible: the words around them join
        builder.text(ch, pos)
        return pos + 1
    if ch == "!" and nxt == "[":
        bracket = _matching_bracket(text, pos + 1, end)
        if bracket is not None:
            after = _link_tail(text, bracket + 1, end)
            if after is not None:
                builder.placeholder(pos, after)  # the image itself is not prose …
                if bracket > pos + 2:  # … but its alt text and title are, each a block of their own
                    builder.block_break(pos)
                    scan_inline(builder, text, pos + 2, bracket)
                    builder.block_break(bracket)
                _title(builder, text, bracket + 1, after)
                return after
        builder.text(ch, pos)
        return pos + 1
    if ch == "[":
        bracket = _matching_bracket(text, pos, end)
        if bracket is not None and nxt == "^":
            return bracket + 1  # footnote reference
        if bracket is not None:
            after = _link_tail(text, bracket + 1, end)
            if after is not None:
                scan_inline(builder, text, pos + 1, bracket)
                _title(builder, text, bracket + 1, after)
                return after
        builder.text(ch, pos)
        return pos + 1
    if ch in "*_~":
        run_end = pos
        while run_end < end and text[run_end] == ch:
            run_end += 1
        before = text[pos - 1] if pos > 0 else " "
        after_ch = text[run_end] if run_end < end else " "
        if ch == "_" and before.isalnum() and after_ch.isalnum():
            builder.text(text[pos:run_end], pos)  # snake_case, not emphasis
        elif ch == "~" and run_end - pos == 1:
            builder.text(ch, pos)
        elif before.isspace() and after_ch.isspace():
            builder.text(text[pos:run_end], pos)  # "5 * 3": a literal
        return run_end
    if ch == "&":
        m = ENTITY.match(text, pos, end)
        if m:
            decoded = decode_entity(m.group())
            if decoded != m.group():
                if decoded.isspace():  # &nbsp; is a space between words, as in HTML
                    builder.space(pos, m.end())
                else:
                    builder.text(decoded, pos, m.end())
                return int(m.end())
        builder.text(ch, pos)
        return pos + 1
    m = URL.match(text, pos, end)
    if m:
        builder.placeholder(m.start(), m.end())
        return int(m.end())
    builder.text(ch, pos)
    return pos + 1


_LINK_TITLE = regex_cache.compile(r"""\(\s*(?:<[^>\n]*>|\S+)\s+(?:"([^"]*)"|'([^']*)'|\(([^()]*)\))\s*\)""")
_TAG_NAME = regex_cache.compile(r"<([A-Za-z][A-Za-z0-9\-]*)")


def _title(builder: ProseBuilder, text: str, start: int, end: int) -> None:
    """Emit the title of a link or image tail text[start:end] (``(dest "title")``) as a block."""
    m = _LINK_TITLE.fullmatch(text, start, end)
    if m:
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        if m.end(group) > m.start(group):
            from commlint.prose.formats.html import emit_attribute

            emit_attribute(builder, text, m.start(group), m.end(group))


def _matching(text: str, pos: int, end: int, opener: str, closer: str, code_spans: bool) -> int | None:
    """Index of the ``closer`` that balances the ``opener`` at ``pos`` (escapes skipped, and
    code spans too when ``code_spans``); None when it is not closed before ``end``."""
    depth = 0
    i = pos
    stops = _STOPS[opener, code_spans]  # the characters that matter; the rest is skipped in C
    while True:
        m = stops.search(text, i, end)
        if m is None:
            return None
        i = m.start()
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            close = text.find("`", i + 1, end)
            i = close + 1 if close != -1 else i + 1
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return i
        i += 1


_STOPS = {
    ("[", True): re.compile(r"[\\`\[\]]"),
    ("[", False): re.compile(r"[\\\[\]]"),
    ("(", True): re.compile(r"[\\`()]"),
    ("(", False): re.compile(r"[\\()]"),
}


def _matching_bracket(text: str, pos: int, end: int) -> int | None:
    return _matching(text, pos, end, "[", "]", code_spans=True)


def _link_tail(text: str, pos: int, end: int) -> int | None:
    """After ``]``: the end of ``(dest "title")`` or ``[ref]``; None for a bare bracket."""
    if pos < end and text[pos] == "(":
        close = _matching(text, pos, end, "(", ")", code_spans=False)
        return None if close is None else close + 1
    if pos < end and text[pos] == "[":
        close = text.find("]", pos, end)
        return close + 1 if close != -1 else None
    return None
