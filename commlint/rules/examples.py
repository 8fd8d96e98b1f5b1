"""Rule examples with marked spans: ``Our AI is [[totally secure]].`` says what must be flagged."""

from __future__ import annotations

from commlint.matching import regex_cache

_MARK = regex_cache.compile(r"\[\[(.+?)\]\]")


def plain_example(text: str) -> str:
    """``text`` without its ``[[...]]`` marks."""
    return str(_MARK.sub(r"\1", text))


def marked_spans(text: str) -> list[tuple[int, int]]:
    """The spans ``[[...]]`` marks in ``text``, as offsets into :func:`plain_example` of it."""
    spans = []
    removed = 0
    for m in _MARK.finditer(text):
        start = m.start() - removed
        spans.append((start, start + len(m.group(1))))
        removed += 4
    return spans
