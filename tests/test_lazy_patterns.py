"""Rule patterns built by the engine on first use (regex_cache.LazyPattern): the same pattern
object in every respect a rule uses, built from its checked record only when a document
needs it, and compiled afresh when the record is unusable."""

from __future__ import annotations

import pickle
from pathlib import Path

import regex

from commlint.matching import regex_cache
from commlint.matching.regex_cache import LazyPattern, PatternCache
from commlint.rules.ruletypes.base import DEFAULT_FLAGS, compile_patterns

PATTERNS = [r"\btotally\s+secure\b", r"(?i:cannot)\s+be\s+hacked", r"(?P<w>unhackable)"]
TEXT = "It is TOTALLY secure, it cannot be hacked and it is unhackable. Totally  secure!"


def _spans(pattern: regex.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(TEXT, overlapped=True)]


def test_a_recorded_pattern_is_built_on_first_use_and_behaves_as_compiled(tmp_path: Path) -> None:
    path = tmp_path / "p.marshal"
    joined = "|".join(f"(?:{p})" for p in PATTERNS)
    regex.purge()
    first = PatternCache(path)
    eager = first.compile_later(joined, DEFAULT_FLAGS)  # no record yet: compiled now
    assert isinstance(eager, regex.Pattern)
    first.save()
    later = PatternCache(path).compile_later(joined, DEFAULT_FLAGS)
    assert isinstance(later, LazyPattern) and later._compiled is None
    assert (later.pattern, later.flags) == (eager.pattern, eager.flags)  # known before it is built
    assert later._compiled is None
    assert _spans(later) == _spans(eager) == _spans(regex.compile(joined, DEFAULT_FLAGS)) != []
    assert later.groupindex == eager.groupindex and later.search(TEXT, 10) is not None
    assert isinstance(later._compiled, regex.Pattern)
    assert later == PatternCache(path).compile_later(joined, DEFAULT_FLAGS) and len({later, later}) == 1
    unpickled = pickle.loads(pickle.dumps(later))  # through the process's cache: built on first use
    assert isinstance(unpickled, (regex.Pattern, LazyPattern)) and _spans(unpickled) == _spans(eager)


def test_a_record_that_does_not_build_is_compiled_afresh(tmp_path: Path) -> None:
    path = tmp_path / "p.marshal"
    regex.purge()
    cache = PatternCache(path)
    cache.compile(PATTERNS[0], DEFAULT_FLAGS)
    cache.save()
    lazy = PatternCache(path).compile_later(PATTERNS[0], DEFAULT_FLAGS)
    assert isinstance(lazy, LazyPattern)
    assert lazy._args is not None
    # a code list that is not whole words cannot be handed to the engine (the seal keeps any
    # other change out: the engine trusts a code list completely)
    lazy._args = [lazy._args[0], lazy._args[1], b"\x00" * 3, *lazy._args[3:]]
    assert _spans(lazy) == _spans(regex.compile(PATTERNS[0], DEFAULT_FLAGS)) != []


def test_rule_patterns_come_lazily_from_a_warm_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(regex_cache, "_CACHE", PatternCache(tmp_path / "p.marshal"))
    regex.purge()  # regex's own memory would serve the pattern without a record to keep
    built = compile_patterns(PATTERNS, "test")
    assert isinstance(built, regex.Pattern)
    regex_cache._cache().save()
    monkeypatch.setattr(regex_cache, "_CACHE", PatternCache(tmp_path / "p.marshal"))
    lazy = compile_patterns(PATTERNS, "test")
    assert isinstance(lazy, LazyPattern)
    assert _spans(lazy) == _spans(built)


def test_module_level_patterns_are_built_on_first_use(tmp_path: Path, monkeypatch) -> None:
    """``regex_cache.compile`` (the patterns modules compile when imported) hands out a pattern
    built on first use once its record is cached; what is read from it after that is the
    built pattern's own (bound methods, group names), not looked up through the wrapper."""
    monkeypatch.setattr(regex_cache, "_CACHE", PatternCache(tmp_path / "p.marshal"))
    regex.purge()
    eager = regex_cache.compile(PATTERNS[2], regex.IGNORECASE)
    assert isinstance(eager, regex.Pattern)
    regex_cache._cache().save()
    monkeypatch.setattr(regex_cache, "_CACHE", PatternCache(tmp_path / "p.marshal"))
    lazy = regex_cache.compile(PATTERNS[2], regex.IGNORECASE)
    assert isinstance(lazy, LazyPattern) and lazy._compiled is None
    assert lazy.flags == eager.flags and lazy._compiled is None
    assert _spans(lazy) == _spans(eager) != []
    built = lazy._compiled
    assert isinstance(built, regex.Pattern)
    assert lazy.finditer == built.finditer and vars(lazy)["finditer"].__self__ is built
    assert lazy.groupindex == {"w": 1} and lazy.sub("x", "UNHACKABLE!") == "x!"
    assert isinstance(pickle.loads(pickle.dumps(lazy)), (regex.Pattern, LazyPattern))
