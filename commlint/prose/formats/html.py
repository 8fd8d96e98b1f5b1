"""HTML: the text of the page, minus scripts, styles, code, comments and tags.

Text a reader or a search engine sees outside the page body is prose too: the ``<title>``,
``<meta>`` descriptions (and their Open Graph / Twitter forms), and ``alt`` and ``title``
attributes. Each attribute value is its own block, at its exact source position.
"""

from __future__ import annotations

from html.parser import HTMLParser

from commlint.matching import regex_cache
from commlint.prose.document import Document, ProseBuilder
from commlint.prose.formats.inline import ENTITY, URL, decode_entity
from commlint.source.decode import Source

#: attributes whose values readers see (tooltips, screen readers, image fallbacks)
PROSE_ATTRIBUTES = frozenset({"alt", "title"})
#: <meta name=… / property=…> whose content search results and link previews quote
META_PROSE = frozenset({"description", "og:description", "og:title", "twitter:description", "twitter:title", "title"})
_ATTRIBUTE = regex_cache.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_SPACES = regex_cache.compile(r"\s+")

# <head> is not skipped: its <title> is prose, since search results and news aggregators quote
# it; its scripts and styles are skipped like any other.
_SKIP = frozenset(
    {
        "script",
        "style",
        "code",
        "pre",
        "kbd",
        "samp",
        "template",
        "svg",
        "math",
        "noscript",
    }
)
_INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "data",
        "dfn",
        "em",
        "i",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "font",
        "del",
        "ins",
    }
)
_VISIBLE_SKIP = frozenset({"code", "pre", "kbd", "samp", "svg", "math"})
_BREAKS = frozenset({"br", "img"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


class _ProseParser(HTMLParser):
    """Feeds the prose of ``source.text[base:]`` (or a fragment of it) into ``builder``."""

    def __init__(
        self, source: Source, builder: ProseBuilder | None = None, base: int = 0, end: int | None = None
    ) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.builder = builder or ProseBuilder()
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.base = base
        # HTMLParser counts lines at "\n" only, while Source also breaks them at a lone "\r";
        # getpos() is mapped back through line starts counted the parser's way.
        text = source.text
        if base or end is not None:
            self.fragment = text[base:end]
            self._parser_starts = _newline_starts(self.fragment)
        else:
            self.fragment = text
            self._parser_starts = source.line_starts if "\r" not in text else _newline_starts(text)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![CDATA[…]]>`` and the like as the standard parser reads them; any other ``<![`` is,
        as browsers read it, a bogus comment up to the next ``>`` (the standard parser stops
        with an AssertionError on it, which would reject a valid draft)."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            j = self.rawdata.find(">", i + 3)
            return -1 if j < 0 else j + 1

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.base + self._parser_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._offset()
        if not self.skip_stack and tag not in _SKIP:
            spans = prose_attributes(tag, self.get_starttag_text() or "", at)
            if spans:
                for start, end in spans:
                    emit_attribute(self.builder, self.source.text, start, end)
                if tag in _VOID:
                    return
        if tag in _SKIP and tag not in _VOID:
            self.skip_stack.append(tag)
        elif tag in _BREAKS:
            self.builder.space(at, at)  # a line break or image separates words, not blocks
        elif tag not in _INLINE:
            self.builder.block_break(at)

    def handle_endtag(self, tag: str) -> None:
        at = self._offset()
        if self.skip_stack and tag == self.skip_stack[-1]:
            self.skip_stack.pop()
            if tag in _VISIBLE_SKIP and not self.skip_stack:
                self.builder.placeholder(at, at)  # shown on the page, but not prose
            else:
                self.builder.space(at, at)
        elif tag in _VOID:
            pass  # "<br/>" calls handle_endtag too; a void element closes nothing
        elif tag not in _INLINE:
            self.builder.block_break(at)

    def handle_data(self, data: str) -> None:
        if self.skip_stack:
            return
        start = self._offset()
        self._emit(data, start)

    def _emit(self, data: str, start: int) -> None:
        pos = 0
        length = len(data)
        while pos < length:
            if data[pos].isspace():
                run = pos
                while run < length and data[run].isspace():
                    run += 1
                self.builder.space(start + pos, start + run)
                pos = run
                continue
            m = URL.match(data, pos)
            if m:
                self.builder.placeholder(start + m.start(), start + m.end())
                pos = m.end()
                continue
            run = pos
            while run < length and not data[run].isspace():
                run += 1
            word = data[pos:run]
            m_url = URL.search(word)
            if m_url:
                run = pos + m_url.start()
                word = data[pos:run]
            self.builder.text(word, start + pos)
            pos = run

    def handle_entityref(self, name: str) -> None:
        self._entity(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._entity(f"&#{name};")

    def _entity(self, raw: str) -> None:
        if self.skip_stack:
            return
        start = self._offset()
        # The parser may have seen "&name" without ";": measure what is really there.
        end = start + len(raw) if self.source.text.startswith(raw, start) else start + len(raw) - 1
        decoded = decode_entity(self.source.text[start:end])
        if decoded.isspace():
            self.builder.space(start, end)
        else:
            self.builder.text(decoded, start, end)


def _newline_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def prose_attributes(tag: str, raw: str, at: int) -> list[tuple[int, int]]:
    """Source spans of the reader-visible attribute values in start tag ``raw`` found at ``at``."""
    found: dict[str, tuple[int, int]] = {}
    names: dict[str, str] = {}
    name_end = len(tag) + 1  # after "<tag"
    for m in _ATTRIBUTE.finditer(raw, name_end):
        key = m.group(1).lower()
        group = next((g for g in (2, 3, 4) if m.group(g) is not None), None)
        if group is None:
            continue
        found[key] = (at + m.start(group), at + m.end(group))
        names[key] = m.group(group).strip().lower()
    spans = [found[k] for k in ("alt", "title") if k in found and k in PROSE_ATTRIBUTES]
    if tag == "meta" and "content" in found:
        kind = names.get("name") or names.get("property") or ""
        if kind in META_PROSE:
            spans.append(found["content"])
    return sorted(s for s in spans if s[1] > s[0])


def emit_attribute(builder: ProseBuilder, text: str, start: int, end: int) -> None:
    """Emit an attribute value text[start:end] as a block of its own (entities decoded)."""
    builder.block_break(start)
    pos = start
    for m in ENTITY.finditer(text, start, end):
        _emit_words(builder, text, pos, m.start())
        decoded = decode_entity(m.group())
        if decoded.isspace():
            builder.space(m.start(), m.end())
        else:
            builder.text(decoded, m.start(), m.end())
        pos = m.end()
    _emit_words(builder, text, pos, end)
    builder.block_break(end)


def _emit_words(builder: ProseBuilder, text: str, start: int, end: int) -> None:
    pos = start
    for m in _SPACES.finditer(text[start:end]):
        a, b = start + m.start(), start + m.end()
        if a > pos:
            builder.text(text[pos:a], pos)
        builder.space(a, b)
        pos = b
    if end > pos:
        builder.text(text[pos:end], pos)


def parse_html_fragment(builder: ProseBuilder, source: Source, start: int, end: int) -> None:
    """Add the prose of the HTML in source.text[start:end] (a raw-HTML block in Markdown)."""
    parser = _ProseParser(source, builder, start, end)
    parser.feed(parser.fragment)
    parser.close()
    builder.block_break(end)


def parse_html(source: Source) -> Document:
    parser = _ProseParser(source)
    parser.feed(source.text)
    parser.close()
    return parser.builder.build(source, "html")
