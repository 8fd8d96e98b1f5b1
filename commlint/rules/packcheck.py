"""The pack linter behind ``commlint rules --check``: packs stay short, shared and tested.

It reports, one line each:

- a line over MAX_LINE characters in a pack or vocabulary file (a long list belongs in a
  vocabulary, one term a line);
- a pack that does not load (an unknown vocabulary name, a bad ``extends``);
- a duplicated alternation: the same term twice in one vocabulary or one ``(?:a|b|a)`` group, the
  same alternation group written out in two places, or the same pattern copied into two rules
  (use a vocabulary, or ``extends``);
- a pattern that never fires on an example: each ``patterns`` entry and ``swap`` key must match
  one of its rule's flag examples, each ``exceptions``/``negations``/``requires`` entry one
  example of a rule that uses it;
- an example the rule gets wrong, linted as a draft is (``check_examples``): a flag example must
  be flagged at exactly the words its ``[[...]]`` marks, a pass example not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import regex

from commlint.config import Config
from commlint.errors import ConfigError
from commlint.matching import syntax
from commlint.rules.examples import plain_example
from commlint.rules.packs import PATTERN_LISTS, expand_spec, pack_files, read_pack, read_toml, vocab_folders
from commlint.rules.ruletypes.base import DEFAULT_FLAGS, Rule
from commlint.rules.vocab import REFERENCE, Vocabularies

#: the longest line a pack or vocabulary file may have
MAX_LINE = 200
#: an alternation group at least this long, with at least three terms, written out twice is a
#: vocabulary waiting to be named
SHARED_GROUP = 40
_GUARDS = ("exceptions", "negations", "requires")


def check_packs(paths: Iterable[Path]) -> list[str]:
    """Every problem in the packs under ``paths`` (and the vocabulary files they read)."""
    files = [f for p in paths for f in pack_files(p)]
    problems: list[str] = []
    vocab_files = sorted({v for f in files for v in _vocab_files(f.parent)})
    for file in [*files, *vocab_files]:
        problems += _long_lines(file)
    for file in vocab_files:
        problems += _vocab_duplicates(file, read_toml(file).get("vocab", {}))
    groups: dict[str, list[str]] = defaultdict(list)
    copies: dict[str, list[str]] = defaultdict(list)
    # expanded guard pattern -> (every example of every rule using it, the first rule's name)
    guards: dict[str, tuple[list[str], str]] = {}
    for file in files:
        try:
            _, rules, vocab = read_pack(file)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        data = read_toml(file)
        problems += _vocab_duplicates(str(file), data.get("vocab", {}))
        for index, raw in enumerate(data.get("rule", [])):
            where = f"{file}: rule {raw.get('id', f'#{index + 1}')}"
            for key, pattern in _raw_patterns(raw):
                if not REFERENCE.fullmatch(pattern):  # naming a vocabulary is how a pattern is shared
                    copies[pattern].append(where)
                for group in _alternations(pattern):
                    problems += _repeated_terms(group, f"{where} {key}")
                    if len(group) >= SHARED_GROUP and len(_split_top(group[3:-1])) >= 3:
                        groups[group].append(where)
        for where, spec in rules:
            problems += _never_fire(spec, vocab, where, guards)
    for pattern, places in copies.items():
        if len(places) > 1:
            problems.append(f"{places[1]}: pattern {_short(pattern)} is copied from {places[0]}; share it (extends)")
    for group, places in groups.items():
        if len(places) > 1:
            problems.append(f"{places[1]}: alternation {_short(group)} is also in {places[0]}; name it in [vocab]")
    for pattern, (examples, first) in guards.items():
        compiled = regex.compile(pattern, DEFAULT_FLAGS)
        if not any(compiled.search(t) for t in examples):
            problems.append(f"{first}: {_short(pattern)} never fires on an example of the rules using it")
    return problems


def check_examples(config: Config, rules: Iterable[Rule]) -> list[str]:
    """Each data rule's examples linted alone with it, as the test suite does: a flag example
    must be flagged at exactly its ``[[...]]`` spans, a pass example not at all."""
    problems: list[str] = []
    for rule in rules:
        spans = getattr(rule, "examples_flag_spans", None)
        if spans is None:  # a Python rule (the learned layer): its own tests check it
            continue
        alone = config.replace(select=[rule.id], extend_select=[], ignore=[])
        for text, want in zip(rule.examples_flag, spans, strict=True):
            got = _flagged(text, rule.id, alone)
            if want and got != sorted(want):
                should, flags = [text[s:e] for s, e in want], [text[s:e] for s, e in got] or "nothing"
                problems.append(f"{rule.id}: flag example {text!r} should flag {should}, flags {flags}")
            elif not got:
                problems.append(f"{rule.id}: flag example {text!r} is not flagged")
        for text in rule.examples_pass:
            got = _flagged(text, rule.id, alone)
            if got:
                problems.append(f"{rule.id}: pass example {text!r} is flagged at {[text[s:e] for s, e in got]}")
    return problems


def _flagged(text: str, rule_id: str, config: Config) -> list[tuple[int, int]]:
    from commlint.api import lint_text

    return sorted({(d.start, d.end) for d in lint_text(text, path="example.txt", config=config) if d.rule == rule_id})


def _vocab_files(folder: Path) -> list[Path]:
    return [f for d in vocab_folders(folder) if d.is_dir() for f in sorted(d.glob("*.toml"))]


def _long_lines(file: Path) -> list[str]:
    text = file.read_text(encoding="utf-8")
    return [
        f"{file}:{n}: line is {len(line)} characters (at most {MAX_LINE}); move its terms into a vocabulary"
        for n, line in enumerate(text.splitlines(), 1)
        if len(line) > MAX_LINE
    ]


def _vocab_duplicates(where: str | Path, table: Any) -> list[str]:
    out = []
    for name, value in table.items() if isinstance(table, dict) else ():
        items = value if isinstance(value, list) else [t for v in value.values() for t in v]
        seen = set()
        for term in items:
            if term in seen:
                out.append(f"{where}: vocabulary {name!r} lists {term!r} twice")
            seen.add(term)
    return out


def _raw_patterns(spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key in PATTERN_LISTS:
        value = spec.get(key, [])
        for p in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            if isinstance(p, str):
                yield key, p
    if isinstance(spec.get("swap"), dict):
        for p in spec["swap"]:
            yield "swap", p


def _never_fire(
    spec: dict[str, Any], vocab: Vocabularies, where: str, guards: dict[str, tuple[list[str], str]]
) -> list[str]:
    """``patterns`` and ``swap`` keys that match none of the rule's flag examples; guards are
    collected, to be checked against every rule that uses them."""
    try:
        spec = expand_spec(spec, vocab, where)
    except ConfigError as exc:
        return [str(exc)]
    examples = spec.get("examples", {})
    flag = [plain_example(t) for t in examples.get("flag", [])]
    every = flag + list(examples.get("pass", []))
    out = []
    own = [("patterns", p) for p in _as_list(spec.get("patterns"))]
    own += [("swap", p) for p in spec.get("swap", {}) if isinstance(spec.get("swap"), dict)]
    for key, pattern in own:
        try:
            compiled = regex.compile(pattern, DEFAULT_FLAGS)
        except regex.error as exc:
            out.append(f"{where} {key}: invalid pattern {_short(pattern)}: {exc}")
            continue
        if flag and not any(compiled.search(t) for t in flag):
            out.append(f"{where} {key}: {_short(pattern)} never fires on a flag example")
    for key in _GUARDS:
        for pattern in _as_list(spec.get(key)):
            guards.setdefault(pattern, ([], f"{where} {key}"))[0].extend(every)
    return out


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def _alternations(pattern: str) -> Iterator[str]:
    """Every ``(?:...)`` group of ``pattern`` that holds a top-level ``|``."""
    stack: list[int] = []
    for i, c in syntax.marks(pattern):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            group = pattern[stack.pop() : i + 1]
            if group.startswith("(?:") and len(_split_top(group[3:-1])) > 1:
                yield group


def _split_top(body: str) -> list[str]:
    """``body`` split at its top-level ``|``."""
    return [body[lo:hi] for lo, hi in syntax.split_top(body)]


def _repeated_terms(group: str, where: str) -> list[str]:
    terms = _split_top(group[3:-1])
    twice = sorted({t for t in terms if terms.count(t) > 1})
    return [f"{where}: alternation {_short(group)} lists {t!r} twice" for t in twice]


def _short(pattern: str, width: int = 60) -> str:
    return repr(pattern if len(pattern) <= width else pattern[: width - 1] + "…")
