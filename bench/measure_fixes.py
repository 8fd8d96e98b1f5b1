"""How well `--fix` works on real text: what it leaves, and whether Harper finds new problems.

Figures, each for safe fixes (`--fix`) and for `--fix --unsafe-fixes`, with the built-in rule
packs as they are now (rerun after the packs change):

* labeled sentences (../shared/eval/labeled-sentences.jsonl): of the sentences commlint flags
  (a span finding of severity warning or error outside the style categories, as score.py
  counts them), the share that `--fix` leaves with no such finding;
* corpus groups A and B (../shared/corpus/{A,B}/*.md): of those findings, the share gone
  after `--fix` (findings a fix brings in count as left);
* for every fix applied: the share in which Harper finds no grammar problem the sentence
  did not have before the fix (the target is 100%);
* the same on every built-in rule's own "flag" examples, which reach nearly every suggestion
  the packs have (a wider net for rewrites that read badly).

Each is measured twice: with Harper validating suggestions (the default once commlint-harper
is installed: it demotes a safe rewrite that adds a grammar problem) and without any
validator. Run from the repository root:

    python bench/measure_fixes.py [--shared ../shared] [--json] [--examples N]
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
STYLE_CATEGORIES = {"style", "grammar", "spelling", "readability"}


def _harper_module() -> Any:
    """commlint_harper, installed or straight from plugins/ (it needs harper-py)."""
    try:
        import commlint_harper
    except ImportError:
        sys.path.insert(0, str(REPO / "plugins" / "commlint-harper"))
        import commlint_harper
    return commlint_harper


def _use_harper_validator(module: Any) -> None:
    from commlint.engine import grammar
    from commlint.plugins import plugin_manager

    pm = plugin_manager()
    if not any(getattr(p, "__name__", "") == module.__name__ for p in pm.get_plugins()):
        pm.register(module, name="harper-bench")
    grammar.reset()


def counted(diag: Any) -> bool:
    """A finding as score.py counts it: span scope, warning or error, not a style category."""
    return diag.scope == "span" and diag.severity in ("warning", "error") and diag.category not in STYLE_CATEGORIES


class Measure:
    """Fix documents; count what is left and check every applied edit with Harper."""

    def __init__(self, harper: Any, unsafe: bool, validate: bool) -> None:
        from commlint.config import Config
        from commlint.engine.linter import linter_for

        self.harper = harper
        self.unsafe = unsafe
        self.linter = linter_for(Config.default(REPO).replace(grammar={"validate": validate}))
        self.edits = 0
        self.clean_edits = 0
        self.by_rule: Counter[str] = Counter()
        self.bad_by_rule: Counter[str] = Counter()
        self.bad_examples: list[dict[str, str]] = []
        self.demoted = 0

    def figures(self) -> dict[str, Any]:
        """What was applied, and what Harper thought of it, over everything measured so far."""
        return {
            "fixes_applied": self.edits,
            "fixes_harper_clean": self.clean_edits,
            "share_harper_clean": self.harper_share(),
            "suggestions_demoted": self.demoted,
            "fixes_by_rule": dict(self.by_rule),
            "harper_problems_by_rule": dict(self.bad_by_rule),
            "harper_problem_examples": self.bad_examples,
        }

    def _observe(self, result: Any, edits: list[Any]) -> None:
        from commlint.engine.grammar import first_new, sentence_pair

        doc = result.document
        for diag, sug in edits:
            ps = bisect.bisect_left(doc.starts, sug.start)
            pe = max(ps, bisect.bisect_left(doc.starts, sug.end))
            before, after = sentence_pair(doc, ps, pe, sug)
            new = first_new(before, self.harper.check(before), after, self.harper.check(after))
            self.edits += 1
            self.by_rule[diag.rule] += 1
            if new is None:
                self.clean_edits += 1
            else:
                self.bad_by_rule[diag.rule] += 1
                self.bad_examples.append(
                    {
                        "rule": diag.rule,
                        "before": before.strip(),
                        "after": after.strip(),
                        "problem": new,
                    }
                )

    def fix(self, text: str, path: str) -> tuple[Any, Any]:
        """(first lint, final lint) of ``text`` fixed as `commlint check --fix` would."""
        from commlint.fix.apply import fix_source
        from commlint.source.decode import decode

        source = decode(text.encode("utf-8"), path)
        first = self.linter.lint(source)
        self.demoted += sum(1 for d in first.diagnostics for s in d.suggestions if "demoted to unsafe" in s.description)
        _, final = fix_source(self.linter, source, unsafe=self.unsafe, first=first, observer=self._observe)
        return first, final

    def harper_share(self) -> float | None:
        return self.clean_edits / self.edits if self.edits else None


def measure_labeled(path: Path, harper: Any, unsafe: bool, validate: bool) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    m = Measure(harper, unsafe, validate)
    flagged = clean = 0
    labeled_flagged = labeled_clean = 0
    no_fix = 0
    for row in rows:
        edits_before = m.edits
        first, final = m.fix(row["text"] + "\n", f"{row['id']}.txt")
        if not any(counted(d) for d in first.diagnostics):
            continue
        flagged += 1
        no_fix += m.edits == edits_before
        ok = not any(counted(d) for d in final.diagnostics)
        clean += ok
        if row.get("flag"):
            labeled_flagged += 1
            labeled_clean += ok
    return {
        "sentences": len(rows),
        "flagged": flagged,
        "left_clean": clean,
        "share_left_clean": clean / flagged if flagged else None,
        "flagged_without_applicable_fix": no_fix,
        "true_flag_flagged": labeled_flagged,
        "true_flag_left_clean": labeled_clean,
        **m.figures(),
    }


def measure_corpus(folders: list[Path], harper: Any, unsafe: bool, validate: bool) -> dict[str, Any]:
    m = Measure(harper, unsafe, validate)
    before = after = 0
    files = sorted(p for folder in folders for p in folder.glob("*.md"))
    for file in files:
        first, final = m.fix(file.read_text(encoding="utf-8"), str(file))
        before += sum(1 for d in first.diagnostics if counted(d))
        after += sum(1 for d in final.diagnostics if counted(d))
    return {
        "files": len(files),
        "findings": before,
        "findings_left": after,
        "share_findings_gone": (before - after) / before if before else None,
        **m.figures(),
    }


def measure_examples(harper: Any, unsafe: bool, validate: bool) -> dict[str, Any]:
    """Every built-in rule's own 'flag' examples: exercises nearly every suggestion a pack has."""
    m = Measure(harper, unsafe, validate)
    sentences = clean = 0
    for rule in m.linter.rules:
        for i, text in enumerate(rule.examples_flag):
            first, final = m.fix(text + "\n", f"{rule.id}-{i}.txt")
            if not any(counted(d) for d in first.diagnostics):
                continue
            sentences += 1
            clean += not any(counted(d) for d in final.diagnostics)
    return {
        "flagged": sentences,
        "left_clean": clean,
        "share_left_clean": clean / sentences if sentences else None,
        **m.figures(),
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--json", action="store_true", help="print every figure as JSON")
    ap.add_argument("--examples", type=int, default=5, help="Harper problems to show per run")
    args = ap.parse_args(argv)
    labeled = args.shared / "eval" / "labeled-sentences.jsonl"
    corpus = [args.shared / "corpus" / "A", args.shared / "corpus" / "B"]
    if not labeled.is_file():
        print(f"measure_fixes: {labeled} not found (give --shared)", file=sys.stderr)
        return 2
    harper = _harper_module()
    runs: dict[str, Any] = {}
    # Without a validator first: registering Harper lasts for the rest of the process.
    for validate in (False, True):
        if validate:
            _use_harper_validator(harper)
        for unsafe in (False, True):
            name = f"{'harper-validated' if validate else 'no-validator'}/{'fix+unsafe' if unsafe else 'fix'}"
            runs[name] = {
                "labeled": measure_labeled(labeled, harper, unsafe, validate),
                "corpus_AB": measure_corpus(corpus, harper, unsafe, validate),
                "rule_examples": measure_examples(harper, unsafe, validate),
            }
    if args.json:
        print(json.dumps(runs, indent=2, ensure_ascii=False))
        return 0
    for name, r in runs.items():
        lab, cor = r["labeled"], r["corpus_AB"]
        print(f"== {name}")
        print(
            f"  labeled: {lab['flagged']} flagged sentences, left clean {lab['left_clean']} "
            f"({_pct(lab['share_left_clean'])}); of the truly risky ones {lab['true_flag_left_clean']}"
            f"/{lab['true_flag_flagged']}; {lab['flagged_without_applicable_fix']} had no fix to apply"
            " (their suggestions need the author's input)"
        )
        print(
            f"  labeled: {lab['fixes_applied']} fixes applied, Harper finds no new problem in "
            f"{lab['fixes_harper_clean']} ({_pct(lab['share_harper_clean'])}); {lab['suggestions_demoted']} demoted"
        )
        print(
            f"  corpus A+B: {cor['files']} files, {cor['findings']} findings, {cor['findings_left']} left "
            f"({_pct(cor['share_findings_gone'])} gone)"
        )
        print(
            f"  corpus A+B: {cor['fixes_applied']} fixes applied, Harper finds no new problem in "
            f"{cor['fixes_harper_clean']} ({_pct(cor['share_harper_clean'])}); {cor['suggestions_demoted']} demoted"
        )
        ex_ = r["rule_examples"]
        print(
            f"  rule examples: {ex_['flagged']} flagged, left clean {ex_['left_clean']} "
            f"({_pct(ex_['share_left_clean'])}); {ex_['fixes_applied']} fixes applied, Harper finds no new "
            f"problem in {ex_['fixes_harper_clean']} ({_pct(ex_['share_harper_clean'])}); "
            f"{ex_['suggestions_demoted']} demoted"
        )
        problems = lab["harper_problem_examples"] + cor["harper_problem_examples"] + ex_["harper_problem_examples"]
        for ex in problems[: args.examples]:
            print(f"    {ex['rule']}: {ex['after'][:140]!r}: {ex['problem'][:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
