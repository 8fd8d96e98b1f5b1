"""Old draft against new: which findings a revision added, removed and kept, and how density moved.

Findings are matched by the fingerprints of accepted findings (rule + the words around the
match, no positions), so moving a paragraph or editing another one keeps a finding "kept".
A fingerprint found twice in the old draft and once in the new one is one kept, one removed.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from commlint.engine.diagnostics import SEVERITIES, Diagnostic
from commlint.engine.fingerprints import Context
from commlint.engine.linter import Linter
from commlint.engine.result import LintResult
from commlint.errors import InputError
from commlint.source.decode import display_name

Finding = tuple[Diagnostic, str, Context]


@dataclass
class Side:
    """One version: what it was read from and what linting it found."""

    label: str
    result: LintResult
    findings: list[Finding]
    density: dict[str, Any]


@dataclass
class RevisionDiff:
    old: Side
    new: Side
    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    kept: list[tuple[Finding, Finding]] = field(default_factory=list)

    def failed(self, fail_level: str) -> bool:
        """True when the new version added a finding at or above ``fail_level``."""
        floor = SEVERITIES.index(fail_level)
        return any(SEVERITIES.index(d.severity) >= floor for d, _, _ in self.added)

    def to_dict(self) -> dict[str, Any]:
        def item(f: Finding) -> dict[str, Any]:
            d, fp, ctx = f
            return {**d.to_dict(), "fingerprint": fp, "context": ctx.snippet}

        change = round(self.new.density["rate"] - self.old.density["rate"], 6)
        return {
            "old": {"source": self.old.label, "findings": len(self.old.findings), "density": self.old.density},
            "new": {"source": self.new.label, "findings": len(self.new.findings), "density": self.new.density},
            "density_change": change,
            "added": [item(f) for f in self.added],
            "removed": [item(f) for f in self.removed],
            "kept": [{**item(new), "old_line": old[0].line, "old_column": old[0].column} for old, new in self.kept],
            "summary": {"added": len(self.added), "removed": len(self.removed), "kept": len(self.kept)},
        }


def compare(old: Side, new: Side) -> RevisionDiff:
    """Match ``old`` and ``new`` findings by fingerprint, in document order on each side."""
    waiting: dict[str, list[Finding]] = defaultdict(list)
    for f in old.findings:
        waiting[f[1]].append(f)
    out = RevisionDiff(old, new)
    for f in new.findings:
        queue = waiting.get(f[1])
        if queue:
            out.kept.append((queue.pop(0), f))
        else:
            out.added.append(f)
    matched = {id(o) for o, _ in out.kept}
    out.removed = [f for f in old.findings if id(f) not in matched]
    return out


def lint_side(linter: Linter, label: str, data: bytes, name: str, fmt: str) -> Side:
    """Lint one version (``data``, read as ``fmt``) and measure its density."""
    from commlint.prose.formats import decode_document

    result = linter.lint(decode_document(data, name, fmt), fmt)
    return Side(label, result, result.fingerprints(), _density(linter, result))


def _density(linter: Linter, result: LintResult) -> dict[str, Any]:
    from commlint.density.measure import DensityCounter, DensitySettings, fmt_rate

    settings = DensitySettings.from_config(linter.config)
    name = settings.lexicon
    doc = result.document
    if name not in linter.lexicons:
        return {"lexicon": name, "words": doc.word_count, "count": 0, "rate": 0.0, "text": "no lexicon"}
    measured = DensityCounter({name: linter.lexicons[name]}).measure(doc.prose, doc.word_count)
    rate = measured.rate(name)
    words = measured.words
    text = f"{fmt_rate(rate)} {name} terms per 1,000 words ({measured.count(name)} in {words:,} words)"
    return {"lexicon": name, "words": words, "count": measured.count(name), "rate": round(rate, 6), "text": text}


# -- reading a version ---------------------------------------------------------------------


def read_version(spec: str, max_size: int, cwd: str | None = None) -> tuple[bytes, str]:
    """The bytes of a version and the file name that picks its format.

    ``spec`` is a file, or git's ``REV:path`` (``HEAD:press.md``, ``main~2:./draft.md``): a
    file that exists wins, so a name with a colon in it is still read as a file.
    """
    from commlint.source.decode import read_bytes

    if os.path.lexists(os.path.join(cwd or ".", spec)) or ":" not in spec:
        return read_bytes(os.path.join(cwd or ".", spec), max_size), spec
    rev, path = spec.split(":", 1)
    try:
        proc = subprocess.run(["git", "show", spec], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise InputError(f"{display_name(spec)}: no such file, and git is not installed to read a revision") from None
    if proc.returncode != 0:
        problem = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = problem[0] if problem else f"git show exited {proc.returncode}"
        raise InputError(f"{display_name(spec)}: cannot read it from git ({reason})")
    if len(proc.stdout) > max_size:
        raise InputError(f"{display_name(spec)}: {len(proc.stdout)} bytes, over max-file-size ({max_size})")
    del rev
    return proc.stdout, path


def git_spec(rev: str, path: str) -> str:
    """``REV:./path`` for a path relative to the working folder (git's own ``./`` form)."""
    p = Path(path)
    return f"{rev}:{p.as_posix() if p.is_absolute() else './' + p.as_posix()}"


# -- output ----------------------------------------------------------------------------------


def write_text(diff: RevisionDiff, stream: IO[str]) -> None:
    old, new = diff.old, diff.new
    stream.write(f"--- {display_name(old.label)}\n+++ {display_name(new.label)}\n")
    for sign, found in (("+", diff.added), ("-", diff.removed)):
        for d, _, ctx in found:
            side = new if sign == "+" else old
            where = f"{display_name(side.label)}:{d.line}:{d.column}"
            stream.write(f"{sign} {where}: {d.rule} [{d.severity}] {d.message}\n")
            stream.write(f"    {ctx.snippet}\n")
    change = new.density["rate"] - old.density["rate"]
    stream.write(
        f"Findings: {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.kept)} kept "
        f"({len(old.findings)} -> {len(new.findings)}).\n"
    )
    stream.write(f"Density: {old.density['text']} -> {new.density['text']}; change {change:+.1f}.\n")


def write_html(diff: RevisionDiff, stream: IO[str]) -> None:
    from commlint.output.html_report import HtmlReport, Marked

    old, new = diff.old, diff.new
    page = HtmlReport("commlint diff", subtitle=f"{old.label} → {new.label}")
    change = new.density["rate"] - old.density["rate"]
    summary = page.section("Summary")
    summary.table(
        ["", "old", "new", "change"],
        [
            ["findings", len(old.findings), len(new.findings), f"{len(new.findings) - len(old.findings):+d}"],
            [
                f"{new.density['lexicon']} terms per 1,000 words",
                f"{old.density['rate']:.1f}",
                f"{new.density['rate']:.1f}",
                f"{change:+.1f}",
            ],
            ["words", old.density["words"], new.density["words"], f"{new.density['words'] - old.density['words']:+d}"],
        ],
        numeric=[1, 2, 3],
    )
    summary.paragraph(f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.kept)} kept.")
    for title, found in (("Added", diff.added), ("Removed", diff.removed)):
        sec = page.section(f"{title} ({len(found)})")
        if not found:
            sec.paragraph("None.", kind="note")
            continue
        rows = []
        for d, _, ctx in found:
            snippet = ctx.snippet
            a, b = snippet.find("["), snippet.find("]")
            cell: Any = Marked(snippet.replace("[", "", 1).replace("]", "", 1), a, b - 1) if 0 <= a < b else snippet
            rows.append([f"{d.line}:{d.column}", d.rule, d.severity, d.message, cell])
        sec.table(["where", "rule", "severity", "message", "context"], rows)
    kept = page.section(f"Kept ({len(diff.kept)})")
    kept.table(
        ["old", "new", "rule", "message"],
        [[f"{o[0].line}:{o[0].column}", f"{n[0].line}:{n[0].column}", n[0].rule, n[0].message] for o, n in diff.kept],
    )
    stream.write(page.render())
