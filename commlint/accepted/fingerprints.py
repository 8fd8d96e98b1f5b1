"""Accepted findings: fingerprints that survive edits, and the file that records them.

A fingerprint is the rule id plus the finding's *text context* (the flagged words and up
to ``CONTEXT_WORDS`` words either side, within the same paragraph), read from the prose
view (so Markdown/HTML markup, URLs and code are not part of it) and lower-cased with
punctuation and whitespace dropped. Line numbers play no part, so inserting or
removing paragraphs elsewhere keeps a finding's fingerprint; rewording the flagged phrase
(or the words right next to it) makes a new finding.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commlint.engine.diagnostics import Diagnostic
from commlint.engine.linter import LintResult
from commlint.errors import ConfigError
from commlint.matching import regex_cache
from commlint.prose.document import PLACEHOLDER

ACCEPTED_VERSION = 1
#: words of context kept on each side of the flagged text
CONTEXT_WORDS = 3
ABOUT = (
    "Findings accepted as they stand: `commlint check --accepted FILE` hides them. "
    "Regenerate with `commlint check --write-accepted FILE`."
)

_WORD = regex_cache.compile(r"\w+(?:['’]\w+)*")
# A paragraph break: a block break of the prose view, or a line of nothing but whitespace.
_PARA_BREAK = regex_cache.compile(r"\n\u00b6\n|\n[ \t\r\f\v]*\n")


def _norm(words: list[str]) -> str:
    return " ".join(w.casefold().replace("’", "'") for w in words)


@dataclass(frozen=True)
class Context:
    """The words around a finding: what its fingerprint is computed from."""

    before: list[str]
    match: list[str]
    after: list[str]
    snippet: str

    def key(self) -> str:
        return "\x1f".join((_norm(self.before), _norm(self.match), _norm(self.after)))


class ContextIndex:
    """Paragraph bounds of one text, computed once for all its findings.

    ``text`` is a document's prose view and ``offsets`` its map from prose characters to
    source offsets (``Document.starts``); spans given to :meth:`context` are source spans.
    Without ``offsets`` the text is the source itself.
    """

    def __init__(self, text: str, offsets: list[int] | None = None) -> None:
        self.text = text
        self.offsets = offsets
        self.breaks = [(m.start(), m.end()) for m in _PARA_BREAK.finditer(text)]
        self._break_ends = [e for _, e in self.breaks]
        self._break_starts = [s for s, _ in self.breaks]

    def paragraph(self, start: int, end: int) -> tuple[int, int]:
        """(first, last) offsets of the paragraph around ``start..end``."""
        i = bisect.bisect_right(self._break_ends, start)
        first = self._break_ends[i - 1] if i else 0
        j = bisect.bisect_left(self._break_starts, end)
        last = self._break_starts[j] if j < len(self._break_starts) else len(self.text)
        return first, max(last, end)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """The text span of a source span (the prose characters that came from it)."""
        if self.offsets is None:
            return start, end
        return bisect.bisect_left(self.offsets, start), bisect.bisect_left(self.offsets, end)

    def context(self, src_start: int, src_end: int, words: int = CONTEXT_WORDS) -> Context:
        if src_start == src_end:  # a document-level finding: no text of its own
            return Context([], [], [], "(whole document)")
        start, end = self.to_text(src_start, src_end)
        first, last = self.paragraph(start, end)
        before_m = list(_WORD.finditer(self.text, first, start))[-words:] if words else []
        after_m = list(_WORD.finditer(self.text, end, last))[:words] if words else []
        match = _WORD.findall(self.text, start, end)
        lo = before_m[0].start() if before_m else start
        hi = after_m[-1].end() if after_m else end
        marked = f"{self.text[lo:start]}[{self.text[start:end]}]{self.text[end:hi]}"
        snippet = " ".join(marked.replace(PLACEHOLDER, "…").split())
        return Context([m.group() for m in before_m], match, [m.group() for m in after_m], snippet)


def fingerprint(rule: str, context: Context) -> str:
    """A stable id of a finding: rule + normalised text context (no positions)."""
    digest = hashlib.sha256(f"{rule}\x1e{context.key()}".encode()).hexdigest()
    return digest[:20]


def result_fingerprints(result: LintResult) -> list[tuple[Diagnostic, str, Context]]:
    """(diagnostic, fingerprint, context) for every diagnostic of a linted document."""
    doc = result.document
    taken = getattr(doc, "fingerprints", None)  # a released result took them before letting go
    if taken is not None:
        return list(taken)
    index = ContextIndex(doc.prose, doc.starts)
    out = []
    for d in result.diagnostics:
        ctx = index.context(d.start, d.end) if d.scope != "document" else index.context(0, 0)
        out.append((d, fingerprint(d.rule, ctx), ctx))
    return out


# -- the accepted-findings file ----------------------------------------------------------


@dataclass
class Entry:
    rule: str
    path: str
    fingerprint: str
    context: str
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "path": self.path,
            "fingerprint": self.fingerprint,
            "context": self.context,
            "count": self.count,
        }


@dataclass
class AcceptedFile:
    """The findings a team has accepted, keyed by (path, rule, fingerprint)."""

    path: Path
    entries: list[Entry] = field(default_factory=list)

    @property
    def base(self) -> Path:
        """Paths in the file are relative to the file's own folder."""
        return self.path.resolve().parent

    def rel(self, doc_path: str | None) -> str:
        """A document's path as the file records it (POSIX, relative to the file's folder)."""
        if not doc_path or doc_path == "-":
            return "-"
        absolute = Path(doc_path).resolve()
        try:
            return Path(os.path.relpath(absolute, self.base)).as_posix()
        except ValueError:  # another drive (Windows): keep it absolute
            return absolute.as_posix()

    def exists(self, rel_path: str) -> bool:
        return rel_path == "-" or (self.base / rel_path).exists()

    def counts(self) -> Counter[tuple[str, str, str]]:
        c: Counter[tuple[str, str, str]] = Counter()
        for e in self.entries:
            c[(e.path, e.rule, e.fingerprint)] += e.count
        return c

    def to_dict(self) -> dict[str, Any]:
        entries = sorted(self.entries, key=lambda e: (e.path, e.rule, e.fingerprint))
        return {
            "version": ACCEPTED_VERSION,
            "tool": "commlint",
            "about": ABOUT,
            "entries": [e.to_dict() for e in entries],
        }

    def write(self) -> None:
        """Write atomically (a temporary file renamed over the old one)."""
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot write accepted findings ({exc.strerror or exc})") from None

    @classmethod
    def read(cls, path: str | Path) -> AcceptedFile:
        """Load and validate; every problem is one ConfigError naming the file."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"{p}: no such accepted-findings file (create it with `commlint check --write-accepted FILE`)"
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(f"{p}: accepted-findings file is not UTF-8") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        except OSError as exc:
            raise ConfigError(f"{p}: cannot read ({exc.strerror or exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise ConfigError(f"{p}: not an accepted-findings file (expected an object with 'entries')")
        if data.get("version") != ACCEPTED_VERSION:
            raise ConfigError(
                f"{p}: unsupported accepted-findings version {data.get('version')!r} "
                f"(this commlint reads version {ACCEPTED_VERSION})"
            )
        entries = []
        for i, raw in enumerate(data["entries"]):
            where = f"{p}: entries[{i}]"
            if not isinstance(raw, dict):
                raise ConfigError(f"{where} must be an object")
            for key in ("rule", "path", "fingerprint"):
                if not isinstance(raw.get(key), str) or not raw[key]:
                    raise ConfigError(f"{where}: '{key}' must be a non-empty string")
            count = raw.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ConfigError(f"{where}: 'count' must be a positive integer")
            entries.append(Entry(raw["rule"], raw["path"], raw["fingerprint"], str(raw.get("context", "")), count))
        return cls(p, entries)


def record(results: list[LintResult], target: str | Path) -> AcceptedFile:
    """An AcceptedFile holding every diagnostic of ``results`` (duplicates counted)."""
    accepted = AcceptedFile(Path(target))
    by_key: dict[tuple[str, str, str], Entry] = {}
    for result in results:
        rel = accepted.rel(result.path)
        for d, fp, ctx in result_fingerprints(result):
            key = (rel, d.rule, fp)
            if key in by_key:
                by_key[key].count += 1
            else:
                by_key[key] = Entry(d.rule, rel, fp, ctx.snippet)
    accepted.entries = list(by_key.values())
    return accepted


@dataclass
class Applied:
    """What applying an accepted file to a run did."""

    results: list[LintResult]
    hidden: int
    stale: list[Entry]


def apply(accepted: AcceptedFile, results: list[LintResult]) -> Applied:
    """Hide accepted diagnostics; list entries that no longer match any finding.

    An entry with ``count`` N hides at most N matching findings in its file. An entry is
    stale when its file was linted in this run and fewer findings matched than it allows,
    or when its file no longer exists. Entries for files not linted in this run are left
    alone (a run over part of a repository is not evidence that they were fixed).
    """
    budget = accepted.counts()
    linted: set[str] = set()
    out: list[LintResult] = []
    hidden = 0
    for result in results:
        rel = accepted.rel(result.path)
        linted.add(rel)
        kept = []
        for d, fp, _ in result_fingerprints(result):
            key = (rel, d.rule, fp)
            if budget.get(key, 0) > 0:
                budget[key] -= 1
                hidden += 1
            else:
                kept.append(d)
        out.append(_with_diagnostics(result, kept))
    stale = []
    for e in accepted.entries:
        key = (e.path, e.rule, e.fingerprint)
        left = budget.get(key, 0)
        if left <= 0:
            continue
        if e.path in linted or not accepted.exists(e.path):
            n = min(left, e.count)
            budget[key] -= n
            stale.append(Entry(e.rule, e.path, e.fingerprint, e.context, n))
    return Applied(out, hidden, stale)


def _with_diagnostics(result: LintResult, diagnostics: list[Diagnostic]) -> LintResult:
    return LintResult(result.path, result.source, result.document, diagnostics, result.extras, result.config)
