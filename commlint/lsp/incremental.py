"""Incremental linting for the editor: re-lint only the blocks a keystroke touched.

A full lint of a 5,000-word draft with every pack takes hundreds of milliseconds, most of
it in phrase and substitution rules, which only ever look inside one sentence. So the
server lints in two passes:

* the **fast pass** splits the text into blocks (at blank lines, never inside a code
  fence, an HTML comment or front matter, never before an indented continuation) and runs
  the sentence-local rules on each block, caching the findings by the block's text; only
  changed blocks are linted. Findings of the other rules (balance, occurrence, readability,
  density, plugin rules) are carried over from the last full pass for unchanged blocks.
* the **full pass** (after a pause in typing) runs the other rules on the whole document
  and takes the local findings from the block cache: the same findings ``commlint check``
  reports.

Block lints keep every local finding, also on lines a suppression directive silences (a
block alone does not see the directives of the blocks before it); each pass applies the
directives of the whole current text when it assembles its snapshot, as the engine does.

HTML is not split (a block boundary could fall inside an element): every pass is full.
"""

from __future__ import annotations

import bisect
import copy
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from commlint.engine.diagnostics import Diagnostic, Suggestion
from commlint.engine.linter import Linter, drop_learned_duplicates
from commlint.engine.result import LintResult
from commlint.prose.formats.markdown import _FRONT_MATTER_OPEN, _STICKY, _open_after
from commlint.prose.suppress import Suppressions, parse_suppressions
from commlint.source.decode import Source

#: rule types whose findings depend only on the sentence they are in
LOCAL_TYPES = frozenset({"phrase", "substitution"})
CACHE_SIZE = 4096

Span = tuple[int, int]


#: where a line ends, for Source, markdown-it (which normalises "\r\n" and "\r" to "\n")
#: and the LSP alike; never at "\f", "\v", "\x1c"-"\x1e", "\x85", U+2028 or U+2029, which
#: ``str.splitlines`` also breaks at
_LINE_END = re.compile(r"\r\n?|\n")


def split_blocks(text: str, fmt: str) -> list[Span]:
    """(start, end) source ranges covering ``text``; each is linted on its own, and its prose
    view (paragraphs, headings, items, their sentences) is the one the whole document gives
    for those lines. Markdown breaks only where its own parser could start afresh; plain text
    at blank lines; every other format (HTML, reStructuredText, MDX) is one block."""
    if not text or fmt not in ("markdown", "text"):
        return [(0, len(text))]
    if fmt == "markdown" and "\r" not in text:
        starts = _markdown_starts_fast(text)
    else:
        lines, line_starts = _lines(text)
        starts = _markdown_starts(lines, line_starts) if fmt == "markdown" else _text_starts(lines, line_starts)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _lines(text: str) -> tuple[list[str], list[int]]:
    """The lines of ``text`` without their ends, and where each starts."""
    if "\r" not in text:
        lines = text.split("\n")
    else:
        lines = _LINE_END.split(text)
    starts = [0] * len(lines)
    pos = 0
    if "\r" not in text:
        for n, line in enumerate(lines):
            starts[n] = pos
            pos += len(line) + 1
    else:
        ends = [m.end() for m in _LINE_END.finditer(text)]
        starts[1:] = ends
    return lines, starts


def _text_starts(lines: list[str], line_starts: list[int]) -> list[int]:
    """Plain text (formats/text.py): a paragraph ends at a line that is whitespace only
    (``str.strip``, so a form feed or U+2028 alone on a line is a blank line there), and
    nothing else carries from one paragraph to the next."""
    starts = [0]
    previous_blank = False
    for n, line in enumerate(lines):
        blank = not line.strip()
        if previous_blank and not blank and n > 0:
            starts.append(line_starts[n])
        previous_blank = blank
    return starts


def _markdown_starts(lines: list[str], line_starts: list[int]) -> list[int]:
    """Markdown: a block starts at a region (lines between lines of only spaces and tabs, as
    markdown-it reads them) that starts at column 0 with nothing open before it (no fence, no
    HTML block that a blank line does not end): the regions the Markdown prose view itself
    parses independently of what came before (formats/markdown.py, ``_blocks``), read with
    its own ``_open_after``. Never at a line that would open front matter at the top of a
    block alone ("---" or "+++": in the document it is a thematic break or a paragraph), and
    front matter at the top of the document stays in the first block."""
    starts = [0]
    n, count = 0, len(lines)
    first = lines[0].strip()
    if first in _FRONT_MATTER_OPEN:  # as front_matter_lines: read as blank lines by markdown-it
        closers = _FRONT_MATTER_OPEN[first]
        n = next((k + 1 for k in range(1, count) if lines[k].strip() in closers), 0)
    state: object = None
    while n < count:
        if lines[n].strip(" \t"):
            start = n
            while n < count and lines[n].strip(" \t"):
                n += 1
            line = lines[start]
            if start > 0 and state is None and line[0] not in " \t" and line.strip() not in _FRONT_MATTER_OPEN:
                starts.append(line_starts[start])
            state = _open_after(lines, start, n, state)
            if state is _STICKY:  # not followed there: the rest is one block
                break
        n += 1
    return starts


#: the end of a line, then lines of only spaces and tabs: a region of Markdown starts after it
_GAP = re.compile(r"\n(?:[ \t]*\n)+")
#: lines of only spaces and tabs, at the top of the text or after front matter
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
#: what ``_open_after`` looks at where nothing is open: a fence, HTML (at column 0 or nested)
_MAY_OPEN = re.compile(r"[`~<]")


def _markdown_starts_fast(text: str) -> list[int]:
    """``_markdown_starts`` for a text whose lines all end at "\n", found with regular
    expressions: regions from the blank-line gaps between them, and ``_open_after`` asked only
    of a region that holds a fence or HTML character or follows one left open."""
    starts = [0]
    size = len(text)
    pos = 0
    first_end = text.find("\n")
    first = text[: size if first_end < 0 else first_end].strip()
    if first in _FRONT_MATTER_OPEN:
        closers = _FRONT_MATTER_OPEN[first]
        line_start = first_end + 1
        while 0 < line_start <= size:
            line_end = text.find("\n", line_start)
            line_end = size if line_end < 0 else line_end
            if text[line_start:line_end].strip() in closers:
                pos = line_end + 1
                break
            line_start = line_end + 1
    region = _BLANK_LINES.match(text, min(pos, size)).end()  # type: ignore[union-attr]
    if region < size and region > 0:
        starts.append(region)  # after front matter or blank first lines (checked below)
    regions = [region, *(m.end() for m in _GAP.finditer(text, region))]
    if regions[-1] >= size:
        regions.pop()
    # Where a region may open a block that a blank line does not end; none in most drafts.
    opens = [m.start() for m in _MAY_OPEN.finditer(text, region)]
    if not opens:
        starts += regions[1:]
    else:
        state: object = None
        for n, start in enumerate(regions):
            end = regions[n + 1] if n + 1 < len(regions) else size
            if n > 0 and state is None:
                starts.append(start)
            i = bisect.bisect_left(opens, start)
            if state is not None or (i < len(opens) and opens[i] < end):
                lines = text[start:end].split("\n")
                while lines and not lines[-1].strip(" \t"):  # the blank lines that end the region
                    lines.pop()
                state = _open_after(lines, 0, len(lines), state)
                if state is _STICKY:  # not followed there: the rest is one block
                    break
    # A region starting with a space or tab, or with a line that would open front matter
    # alone, does not start a block.
    return [s for s in starts if s == 0 or _may_start(text, s)]


def _may_start(text: str, start: int) -> bool:
    c = text[start]
    if c == " " or c == "\t":
        return False
    if c not in "-+" and not c.isspace():
        return True
    end = text.find("\n", start)
    return text[start : len(text) if end < 0 else end].strip() not in _FRONT_MATTER_OPEN


@dataclass
class BlockLint:
    """One block's local findings and prose/code ranges, relative to the block's start."""

    diagnostics: list[Diagnostic]
    prose: list[Span]
    code: list[Span]
    #: ``diagnostics`` moved to where the block was last seen, by (start, lines before it)
    moved: dict[tuple[int, int], list[Diagnostic]] = field(default_factory=dict, repr=False, compare=False)

    def at(self, start: int, lines: int) -> list[Diagnostic]:
        """The findings of this block starting at offset ``start``, after ``lines`` lines;
        the same list while the block stays there (most blocks, keystroke after keystroke)."""
        key = (start, lines)
        found = self.moved.get(key)
        if found is None:
            found = [move(d, start, lines) for d in self.diagnostics]
            if len(self.moved) > 4:
                self.moved.clear()
            self.moved[key] = found
        return found


@dataclass
class Snapshot:
    """The findings for one text: what the server publishes and code actions use."""

    text: str
    diagnostics: list[Diagnostic]
    #: source ranges that are prose (fixes may touch only these), in parts: (offset, spans)
    prose_parts: list[tuple[int, list[Span]]]
    #: CL9xx notices (a rule failed or timed out)
    internal: list[Diagnostic]
    full: bool
    result: LintResult | None = None
    #: non-local span findings of the last full pass, by the text of their block (relative)
    carried: dict[str, list[Diagnostic]] = field(default_factory=dict)
    #: document-scope findings of the last full pass
    document_level: list[Diagnostic] = field(default_factory=list)

    @property
    def prose(self) -> list[Span]:
        """Source ranges that are prose; built when asked (a fix-all), not on each keystroke."""
        return [(a + s, b + s) for s, spans in self.prose_parts for a, b in spans]

    def prose_offsets(self) -> set[int]:
        return {i for s, e in self.prose for i in range(s, e)}


def _runs(starts: list[int], ends: list[int]) -> list[Span]:
    """Merge each prose character's source span into maximal runs."""
    out: list[Span] = []
    for s, e in zip(starts, ends, strict=False):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _clip(spans: list[Span], start: int, end: int) -> list[Span]:
    """The parts of ``spans`` inside [start, end), relative to ``start``."""
    return [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]


def shift(d: Diagnostic, by: int, source: Source) -> Diagnostic:
    """``d`` moved ``by`` characters, with lines and columns recomputed in ``source``."""
    if by == 0 and d.scope == "document":
        return d
    start, end = d.start + by, d.end + by
    line, col = source.position(start)
    end_line, end_col = source.position(end)
    suggestions = tuple(_copy(s, start=s.start + by, end=s.end + by) for s in d.suggestions)
    return _copy(
        d, start=start, end=end, line=line, column=col, end_line=end_line, end_column=end_col, suggestions=suggestions
    )


def move(d: Diagnostic, by: int, lines: int) -> Diagnostic:
    """``shift`` of a finding of a block that starts at a line start: ``by`` characters and
    ``lines`` lines later, columns as they are (no line table look-up)."""
    suggestions = tuple(_copy(s, start=s.start + by, end=s.end + by) for s in d.suggestions) if d.suggestions else ()
    return _copy(
        d, start=d.start + by, end=d.end + by, line=d.line + lines, end_line=d.end_line + lines, suggestions=suggestions
    )


_T = TypeVar("_T", Diagnostic, Suggestion)


def _copy(obj: _T, **changes: Any) -> _T:
    """``dataclasses.replace`` for these frozen classes (no ``__post_init__``, no checks)
    without re-running ``__init__``: many times faster, and the fast pass moves every
    finding after an edit on every keystroke."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


class IncrementalLinter:
    """Two-pass linting of one configuration's documents, with a block cache."""

    def __init__(self, linter: Linter) -> None:
        self.linter = linter
        self.local = copy.copy(linter)
        self.local.rules = [r for r in linter.rules if r.type in LOCAL_TYPES and r.scope == "span"]
        self.rest = copy.copy(linter)
        self.rest.rules = [r for r in linter.rules if r not in self.local.rules]
        self._cache: OrderedDict[tuple[str | None, str, str], BlockLint] = OrderedDict()
        self._lock = threading.Lock()

    def _cached(self, path: str | None, fmt: str, texts: list[str]) -> list[BlockLint | None]:
        """The cached lint of each block text (None where there is none), under one lock."""
        cache = self._cache
        with self._lock:
            found = [cache.get((path, fmt, text)) for text in texts]
            for text, hit in zip(texts, found, strict=True):
                if hit is not None:
                    cache.move_to_end((path, fmt, text))
        return found

    def _block(self, text: str, path: str | None, fmt: str) -> BlockLint:
        # Unsuppressed: a block alone does not see the directives of the blocks before it, so
        # the directives of the whole current text are applied when a snapshot is assembled.
        result = self.local.lint(Source(text=text, path=path), fmt, suppress=False)
        doc = result.document
        code: list[Span] = list(doc.meta.get("code", ()))  # type: ignore[call-overload]
        block = BlockLint(result.diagnostics, _runs(doc.starts, doc.ends), code)
        with self._lock:
            self._cache[(path, fmt, text)] = block
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return block

    def _local(
        self, source: Source, fmt: str, blocks: list[Span], texts: list[str], cached: list[BlockLint | None]
    ) -> tuple[list[Diagnostic], list[tuple[int, list[Span]]], list[Span]]:
        """The local rules' findings, prose (in parts) and code ranges of every block (cached
        or linted now). Every block starts at a line start, so its findings move by its
        offset and the lines before it."""
        diags: list[Diagnostic] = []
        parts: list[tuple[int, list[Span]]] = []
        code: list[Span] = []
        line_starts = source.line_starts
        for (s, _), text, block in zip(blocks, texts, cached, strict=True):
            if block is None:
                block = self._block(text, source.path, fmt)
            if block.diagnostics:
                diags += block.at(s, bisect.bisect_right(line_starts, s) - 1)
            parts.append((s, block.prose))
            if block.code:
                code += [(a + s, b + s) for a, b in block.code]
        return diags, parts, code

    def fast(self, text: str, path: str | None, fmt: str, previous: Snapshot | None) -> Snapshot:
        """Local rules on changed blocks; other findings carried from ``previous`` full pass.

        When most blocks are new (a first lint, a pasted draft), one full pass is cheaper.
        """
        blocks = split_blocks(text, fmt)
        texts = [text[s:e] for s, e in blocks]
        cached = self._cached(path, fmt, texts)
        if fmt == "html" or 2 * cached.count(None) > len(blocks):
            return self.full(text, path, fmt)
        source = Source(text=text, path=path)
        diags, prose, code = self._local(source, fmt, blocks, texts, cached)
        if previous is not None:
            carried = previous.carried
            if carried:
                line_starts = source.line_starts
                for (s, _), block_text in zip(blocks, texts, strict=True):
                    found = carried.get(block_text)
                    if found:
                        lines = bisect.bisect_right(line_starts, s) - 1
                        diags += [move(d, s, lines) for d in found]
            diags += previous.document_level
        suppressions = parse_suppressions(text, source.line_starts, _style(fmt), code)
        return self._snapshot(text, diags, prose, suppressions, full=False, previous=previous)

    def full(self, text: str, path: str | None, fmt: str) -> Snapshot:
        """Every rule: the other rules on the whole document, local ones from the cache
        (or, when most blocks are not cached, one lint of the whole document that also
        fills the cache)."""
        source = Source(text=text, path=path)
        blocks = split_blocks(text, fmt)
        texts = [text[s:e] for s, e in blocks]
        cached = self._cached(path, fmt, texts)
        if fmt == "html" or 2 * cached.count(None) > len(blocks):
            if fmt == "html" or "commlint-" not in text:
                return self._whole(source, fmt, blocks)
            # A directive may silence local findings here that a block alone would report:
            # seed the block cache from the local rules' unsuppressed lint of the whole text,
            # then go on as below (the directives of this text are applied in the snapshot).
            self._seed_unsuppressed(source, fmt, blocks)
            cached = self._cached(path, fmt, texts)
        result = self.rest.lint(source, fmt)
        diags, prose, _ = self._local(source, fmt, blocks, texts, cached)
        suppressions = result.extras.get("suppressions") or Suppressions()
        merged = diags + result.diagnostics  # local and rest findings meet here
        snap = self._snapshot(text, merged, prose, suppressions, full=True, previous=None)
        snap.result = result
        self._carry(snap, result.diagnostics, blocks, source)
        return snap

    def _whole(self, source: Source, fmt: str, blocks: list[Span]) -> Snapshot:
        result = self.linter.lint(source, fmt)
        doc = result.document
        prose = _runs(doc.starts, doc.ends)
        # The engine has applied the suppressions already.
        snap = self._snapshot(source.text, result.diagnostics, [(0, prose)], Suppressions(), full=True, previous=None)
        snap.result = result
        local = {r.id for r in self.local.rules}
        self._carry(snap, [d for d in result.diagnostics if d.rule not in local], blocks, source)
        # Seed the block cache (``full`` comes here only for a text without a directive, so
        # these local findings are the unsuppressed ones a block lint keeps).
        if fmt != "html":
            code: list[Span] = list(doc.meta.get("code", ()))  # type: ignore[call-overload]
            self._seed(source, fmt, blocks, [d for d in result.diagnostics if d.rule in local], prose, code)
        return snap

    def _seed_unsuppressed(self, source: Source, fmt: str, blocks: list[Span]) -> None:
        """Fill the block cache from one lint of the whole text with the local rules, its
        suppression directives not applied (what each block's own lint keeps)."""
        result = self.local.lint(source, fmt, suppress=False)
        doc = result.document
        code: list[Span] = list(doc.meta.get("code", ()))  # type: ignore[call-overload]
        self._seed(source, fmt, blocks, result.diagnostics, _runs(doc.starts, doc.ends), code)

    def _seed(
        self, source: Source, fmt: str, blocks: list[Span], local: list[Diagnostic], prose: list[Span], code: list[Span]
    ) -> None:
        starts = [s for s, _ in blocks]
        by_block: dict[int, list[Diagnostic]] = {}
        for d in local:
            by_block.setdefault(bisect.bisect_right(starts, d.start) - 1, []).append(d)
        for index, (s, e) in enumerate(blocks):
            found = by_block.get(index, [])
            if any(d.end > e for d in found):
                continue
            text = source.text[s:e]
            block_source = Source(text=text, path=source.path)
            entry = BlockLint([shift(d, -s, block_source) for d in found], _clip(prose, s, e), _clip(code, s, e))
            with self._lock:
                self._cache.setdefault((source.path, fmt, text), entry)
        with self._lock:
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _carry(self, snap: Snapshot, diags: list[Diagnostic], blocks: list[Span], source: Source) -> None:
        """Remember the non-local findings by block text, for the fast passes to come."""
        starts = [s for s, _ in blocks]
        for d in diags:
            if d.category == "internal" and d.severity != "error":
                continue
            if d.scope == "document":
                snap.document_level.append(d)
                continue
            s, e = blocks[bisect.bisect_right(starts, d.start) - 1]
            if d.end <= e:  # a finding across blocks cannot be carried by one block
                block = Source(text=source.text[s:e], path=source.path)
                snap.carried.setdefault(block.text, []).append(shift(d, -s, block))

    def _snapshot(
        self,
        text: str,
        diags: list[Diagnostic],
        prose: list[tuple[int, list[Span]]],
        suppressions: Suppressions,
        *,
        full: bool,
        previous: Snapshot | None,
    ) -> Snapshot:
        shown: list[Diagnostic] = []
        internal: dict[tuple[str, str], Diagnostic] = {}
        for d in diags:
            if d.category == "internal":
                internal.setdefault((d.rule, d.message), d)
                if d.severity != "error":
                    continue  # a notice for the log; an error (CL900: a rule could not finish) is shown too
            if not suppressions.is_suppressed(d.rule, d.name, d.line):
                shown.append(d)
        # As in the engine: a learned finding yields only to a pack finding that is shown (the
        # local findings of the blocks are unsuppressed until here).
        shown = drop_learned_duplicates(shown)
        shown.sort(key=lambda d: (d.start, d.end, d.rule))
        snap = Snapshot(text=text, diagnostics=shown, prose_parts=prose, internal=list(internal.values()), full=full)
        if previous is not None:
            snap.carried, snap.document_level = previous.carried, previous.document_level
        return snap


def _style(fmt: str) -> str:
    """The comment style of ``fmt``'s suppression directives, as the engine reads them."""
    return {"markdown": "html", "mdx": "html", "html": "html", "rst": "rst"}.get(fmt, "text")
