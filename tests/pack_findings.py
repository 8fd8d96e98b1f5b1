"""What the built-in pattern rules find, as (rule, start, end), to prove a pack rewrite changes nothing.

Rewriting a pack (moving word lists into vocabularies, generating word forms, sharing exceptions
through ``extends``) must not change what it finds. This records every pattern rule's raw
findings (before mention filtering, so only the packs and the matching decide them) on:

- every flag and pass example of every built-in rule (each one checked by every rule);
- a generated text of about 200,000 words (bench/prose.py press releases, with the pack
  examples shuffled into its paragraphs, so they meet each other and ordinary prose);
- every document in ``../shared/corpus``, when that folder is present.

Usage::

    python tests/pack_findings.py save before.txt        # on main, before the change
    python tests/pack_findings.py compare before.txt     # after it: lists every difference

``compare`` exits 1 and prints each finding that appeared or disappeared, with its text, so
a reviewer can say why each one is intended. ``save`` also keeps the example sentences the
generated text mixed in (``before.pool.txt``), and ``compare`` mixes in those, so adding an
example to a pack does not change the generated text. tests/test_pack_findings.py runs the same
collection on the examples and checks it against tests/data/pack_findings.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from commlint.config import Config  # noqa: E402
from commlint.engine.linter import Linter  # noqa: E402
from commlint.rules.ruletypes.base import CheckContext, Rule  # noqa: E402
from commlint.source.decode import decode  # noqa: E402

#: the rule types whose findings come from patterns (density and readability measure, not match)
PATTERN_TYPES = frozenset({"phrase", "substitution", "balance", "occurrence"})
CORPUS = ROOT.parent / "shared" / "corpus"
GENERATED_WORDS = 200_000

Finding = tuple[str, int, int]


def _linter() -> Linter:
    return Linter(Config.from_dict({"select": ["ALL"], "semantic": False}))


def pattern_rules(linter: Linter | None = None) -> list[Rule]:
    """Every built-in pattern rule, switched on whatever its default."""
    return [r for r in (linter or _linter()).rules if r.pack and r.type in PATTERN_TYPES]


def examples(rules: list[Rule]) -> list[tuple[str, str]]:
    """(name, text) for every example of every rule, flag and pass; named by rule and text, so
    an example added or moved elsewhere in a pack does not rename the others."""
    return [
        (f"{r.id} {kind} {hashlib.sha1(text.encode()).hexdigest()[:10]}", text)
        for r in rules
        for kind, texts in (("flag", r.examples_flag), ("pass", r.examples_pass))
        for text in texts
    ]


def generated(pool: list[str], words: int = GENERATED_WORDS, seed: int = 12) -> str:
    """About ``words`` words of press-release prose with the sentences of ``pool`` shuffled in
    (three after every third paragraph or so)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from prose import press_release  # type: ignore[import-not-found]

    rng = random.Random(seed)
    parts: list[str] = []
    count = 0
    while count < words:
        release = press_release(5_000, seed=rng.randrange(1 << 30)).split("\n\n")
        for _ in range(len(release) // 3):
            at = rng.randrange(1, len(release))
            release[at] += " " + " ".join(rng.sample(pool, 3))
        text = "\n\n".join(release)
        parts.append(text)
        count += len(text.split())
    return "\n\n".join(parts)


def example_pool(rules: list[Rule]) -> list[str]:
    """The sentences the generated text mixes in: every example of every rule."""
    return [text for _, text in examples(rules)]


def findings(linter: Linter, rules: list[Rule], text: str, path: str = "doc.md") -> list[Finding]:
    """Raw findings of ``rules`` on ``text``, sorted, in prose offsets."""
    doc = linter.document(decode(text.encode("utf-8"), path))
    ctx = CheckContext(timeout=600.0)
    out: list[Finding] = []
    for rule in rules:
        ctx.begin(doc)
        out.extend((rule.id, f.start, f.end) for f in rule.check(doc, ctx))
    return sorted(out)


def collect(
    corpus: Path | None = CORPUS, words: int = GENERATED_WORDS, pool: list[str] | None = None
) -> Iterator[tuple[str, str, list[Finding]]]:
    """(source name, prose, findings) for every example, the generated text and the corpus.

    The generated text mixes in ``pool`` (by default today's examples): give the pool the
    earlier run used, and the text is the same even where examples were added since.
    """
    linter = _linter()
    rules = pattern_rules(linter)
    for name, text in examples(rules):
        yield name, text, findings(linter, rules, text, "example.txt")
    if words:
        text = generated(pool or example_pool(rules), words)
        name = f"generated {words} words"
        yield name, linter.document(decode(text.encode(), "g.md")).prose, findings(linter, rules, text)
    if corpus is not None and corpus.is_dir():
        for path in sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt", ".html")):
            if path.name == "README.md" and path.parent == corpus:
                continue
            text = path.read_text(encoding="utf-8")
            name = f"corpus {path.relative_to(corpus)}"
            prose = linter.document(decode(text.encode(), str(path))).prose
            yield name, prose, findings(linter, rules, text, str(path))


def render(rows: Iterator[tuple[str, str, list[Finding]]]) -> list[str]:
    """One line per finding: ``source<TAB>rule<TAB>where<TAB>text``.

    ``where`` is the span in an example or corpus file; in the generated text, which changes
    wherever an example is added, it is the finding's surroundings (30 characters each side).
    """
    out = []
    for name, prose, found in rows:
        for rule, start, end in found:
            if name.startswith("generated"):
                where = _flat(f"{prose[max(0, start - 30) : start]}[{prose[start:end]}]{prose[end : end + 30]}")
            else:
                where = f"{start}-{end}"
            out.append(f"{name}\t{rule}\t{where}\t{_flat(prose[start:end])}")
    return out


def _flat(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")


def compare(before: list[str], now: list[str]) -> tuple[list[str], list[str]]:
    """(lines gone, lines new), counting repeats."""
    old, new = Counter(before), Counter(now)
    return sorted((old - new).elements()), sorted((new - old).elements())


def pool_path(snapshot: Path) -> Path:
    """Where the sentences a snapshot's generated text mixed in are kept (beside it)."""
    return snapshot.with_name(snapshot.stem + ".pool.txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--words", type=int, default=GENERATED_WORDS, help="size of the generated text")
    parser.add_argument("--no-corpus", action="store_true", help="leave out ../shared/corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (default ../shared/corpus)")
    args = parser.parse_args(argv)
    pool_file = pool_path(args.file)
    pool = pool_file.read_text(encoding="utf-8").splitlines() if args.action == "compare" else None
    rows = list(collect(None if args.no_corpus else args.corpus, args.words, pool))
    lines = render(iter(rows))
    if args.action == "save":
        args.file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        pool_file.write_text("\n".join(example_pool(pattern_rules())) + "\n", encoding="utf-8")
        print(f"{len(lines)} findings from {len(rows)} sources written to {args.file}")
        return 0
    gone, new = compare(args.file.read_text(encoding="utf-8").splitlines(), lines)
    for sign, changed in (("-", gone), ("+", new)):
        for line in changed:
            print(f"{sign} {line}")
    print(f"{len(lines)} findings now; {len(gone)} gone, {len(new)} new")
    return 0 if not gone and not new else 1


if __name__ == "__main__":
    sys.exit(main())
