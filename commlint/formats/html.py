"""HTML: the text of the page, minus scripts, styles, code, comments and tags."""

from __future__ import annotations

from html.parser import HTMLParser

from commlint.document import Document, ProseBuilder
from commlint.formats.inline import URL, decode_entity
from commlint.source import Source

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
    def __init__(self, source: Source) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.builder = ProseBuilder()
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        # HTMLParser counts lines at "\n" only, while Source also breaks them at a lone "\r";
        # getpos() is mapped back through line starts counted the parser's way.
        text = source.text
        self._parser_starts = source.line_starts if "\r" not in text else _newline_starts(text)

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._parser_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._offset()
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


def parse_html(source: Source) -> Document:
    parser = _ProseParser(source)
    parser.feed(source.text)
    parser.close()
    return parser.builder.build(source, "html")
