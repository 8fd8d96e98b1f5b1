"""The accepted-findings file (``commlint check --write-accepted`` / ``--accepted``): findings a
team has accepted as they stand, recorded by fingerprint (commlint.engine.fingerprints), so
they stay accepted while the text around them is edited."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from commlint.engine.result import LintResult
from commlint.errors import ConfigError

ACCEPTED_VERSION = 1
ABOUT = (
    "Findings accepted as they stand: `commlint check --accepted FILE` hides them. "
    "Regenerate with `commlint check --write-accepted FILE`."
)


@dataclass
class Entry:
    rule: str
    path: str
    fingerprint: str
    context: str
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
        for d, fp, ctx in result.fingerprints():
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
        for d, fp, _ in result.fingerprints():
            key = (rel, d.rule, fp)
            if budget.get(key, 0) > 0:
                budget[key] -= 1
                hidden += 1
            else:
                kept.append(d)
        out.append(result.with_diagnostics(kept))
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
