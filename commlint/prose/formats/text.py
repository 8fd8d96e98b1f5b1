"""Plain text: the prose is the file, minus suppression-comment lines."""

from __future__ import annotations

from commlint.prose.document import Document, ProseBuilder
from commlint.prose.suppress import TEXT_DIRECTIVE
from commlint.source.decode import Source


def parse_text(source: Source) -> Document:
    builder = ProseBuilder()
    text = source.text
    starts = source.line_starts
    previous_end: int | None = None  # end of the previous prose line's body
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        body = text[start:end].rstrip("\r\n")
        if not body.strip() or TEXT_DIRECTIVE.match(body):
            if previous_end is not None:
                builder.block_break(previous_end)
            previous_end = None
            continue
        if previous_end is not None:
            builder.space(previous_end, start)  # a soft line break inside a paragraph
        builder.text(body, start)
        previous_end = start + len(body)
    return builder.build(source, "text")
