"""Every built-in pattern rule does work linear in the document's length, on adversarial text.

Each rule gets text built from its own vocabulary (its flag and pass examples, and the literal
words of its patterns, exceptions and requirements), repeated with sentence breaks and
without, at growing sizes. The work is counted, not timed: ``CheckContext.scanned`` is the sum
of the characters handed to the regex engine, ``calls`` the number of regex calls. Quadratic
work (an exception searched across a whole sentence for every match, a match attempt that
runs to the end of the text) grows 100x for 10x the text; linear work grows 10x.
"""

from __future__ import annotations

import pytest
import regex

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.prose.document import Document
from commlint.rules.packs import builtin_rules_dir
from commlint.rules.ruletypes.base import CheckContext, Rule
from commlint.source.decode import Source

LINTER = Linter(Config.from_dict({"select": ["ALL"]}))
BUILTIN = str(builtin_rules_dir())
#: the built-in rules that run patterns (readability and density rules run none)
RULES = [
    r
    for r in LINTER.all_rules
    if str(getattr(r, "where", "")).startswith(BUILTIN) and r.type not in ("readability", "density")
]
#: growth allowed for 10x the text (linear is 10; quadratic would be 100)
LIMIT = 12

_ESCAPE = regex.compile(r"\\.|\(\?P?<\w+>|\(\?[:=!<>]*")
_WORD = regex.compile(r"[A-Za-z]{2,}")


def pattern_words(rule: Rule) -> list[str]:
    """The literal words in a rule's patterns, exceptions, requirements and swaps."""
    spec = getattr(rule, "spec", {})
    sources: list[str] = []
    for key in ("patterns", "exceptions", "requires", "negations"):
        value = spec.get(key, [])
        sources += [value] if isinstance(value, str) else list(value)
    sources += list(spec.get("swap", {}))
    words = [w for p in sources for w in _WORD.findall(_ESCAPE.sub(" ", p))]
    return list(dict.fromkeys(words))


def vocabulary(rule: Rule) -> dict[str, str]:
    """Units of adversarial text, by name; each is repeated to the size wanted."""
    examples = [*rule.examples_flag, *rule.examples_pass]
    flags = list(rule.examples_flag) or examples
    return {
        "sentences": " ".join(examples) + " ",
        "one-sentence": " and ".join(e.rstrip(".!?") for e in flags) + " and ",
        "word-salad": " ".join(pattern_words(rule)) + " ",
    }


def document(unit: str, size: int) -> Document:
    text = (unit * (size // len(unit) + 1))[:size]
    return LINTER.document(Source(text=text, path="adversarial.txt"))


def work(rule: Rule, unit: str, size: int) -> tuple[int, int]:
    """(characters scanned, regex calls) for one run of ``rule`` on ``unit`` repeated to ``size``."""
    doc = document(unit, size)
    ctx = CheckContext(timeout=3600)
    ctx.begin(doc)
    list(rule.check(doc, ctx))
    return ctx.scanned, ctx.calls


def growth(rule: Rule, small: int, large: int) -> dict[str, tuple[float, float]]:
    out = {}
    for name, unit in vocabulary(rule).items():
        (s1, c1), (s2, c2) = work(rule, unit, small), work(rule, unit, large)
        out[name] = (s2 / max(s1, 1), c2 / max(c1, 1))
    return out


def test_every_builtin_pattern_rule_is_measured() -> None:
    assert len(RULES) >= 40
    assert {r.type for r in RULES} >= {"phrase", "substitution", "balance"}
    assert all(pattern_words(r) and r.examples_flag for r in RULES)


def _check(rule: Rule, small: int, large: int) -> None:
    for name, (scanned, calls) in growth(rule, small, large).items():
        assert scanned <= LIMIT and calls <= LIMIT, (
            f"{rule.id} on {name}: {large:,} characters cost {scanned:.1f}x the characters scanned "
            f"and {calls:.1f}x the regex calls of {small:,}"
        )


@pytest.mark.slow  # about 40 s of CPU; the counter itself is checked fast below
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_work_grows_linearly_from_5k_to_50k(rule: Rule) -> None:
    # 10k and 100k; CI's slow run also goes to 1M below. The smaller text is ten match windows
    # long: near the end of a text fewer starts have the words a match needs still ahead
    # (commlint.matching.prefilter), and in a shorter text that edge alone looked like growth.
    _check(rule, 10_000, 100_000)


@pytest.mark.slow
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_work_grows_linearly_from_100k_to_1m(rule: Rule) -> None:
    _check(rule, 100_000, 1_000_000)


def test_the_counter_sees_quadratic_work() -> None:
    # The measure itself: a search from each match to the end of the text is caught (verbose
    # syntax: no word prefilter, so each search really scans to the end).
    word, never = regex.compile(r"\bvault\b"), regex.compile(r"\bnever\b", regex.VERBOSE)
    counts = []
    for size in (10_000, 100_000):
        text = ("the vault " * size)[:size]
        ctx = CheckContext(timeout=3600)
        for m in ctx.finditer(word, text):
            ctx.search(never, text, m.end())
        counts.append(ctx.scanned)
    assert counts[1] / counts[0] > 50
