"""The word index's registration of every rule's required words, kept in the pattern cache
(issue 15): a cold start restores it in one record instead of registering pattern by pattern,
with the same state and the same findings; a damaged record is rebuilt, never used."""

from __future__ import annotations

import marshal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.matching.prefilter import VERSION, RequiredWords, branches, plan
from commlint.matching.regex_cache import PatternCache, _build_key, _unseal
from commlint.rules.ruletypes.base import _FLAGS_WITHOUT_PREFILTER, _compiled_in

DRAFT = REPO / "examples" / "risky-press-release.md"


def _state(words: RequiredWords) -> tuple[Any, ...]:
    return (
        words.words,
        words.starts,
        words.ids,
        words.sets_of,
        words.clauses,
        words._grams,
        words._longest,
        words._longest_start,
    )


def _registered_one_by_one(rules: list[Any]) -> tuple[RequiredWords, list[Any]]:
    fresh = RequiredWords()
    patterns = dict.fromkeys(p for rule in rules for p in _compiled_in(rule) if not p.flags & _FLAGS_WITHOUT_PREFILTER)
    plans = []
    for p in patterns:
        found = branches(p.pattern)
        plans.append(None if found is None else plan(found, fresh))
    return fresh, plans


@pytest.mark.parametrize("select", [None, ["ALL"]])
def test_a_restored_registration_is_the_registration(select: list[str] | None) -> None:
    config = Config.default() if select is None else Config.default().replace(select=select)
    registered, _ = _registered_one_by_one(Linter(config).rules)
    assert len(registered.ids) > 1000 and registered.clauses
    restored = RequiredWords()
    assert restored.restore(marshal.loads(marshal.dumps(registered.export())))  # as the cache gives it
    assert _state(restored) == _state(registered)
    assert list(restored.ids.values()) == list(range(len(restored.ids)))
    assert restored._clause_numbers() == registered._clause_ids
    # registering more afterwards numbers the new sets and clauses as the original would
    need = (frozenset({"zyxwvut"}), ((frozenset({"qqqrrr"}),), (frozenset({"zyxwvut"}), frozenset({"pppooo"}))))
    assert restored.add(need) == registered.add(need)
    assert _state(restored) == _state(registered)


def test_restore_refuses_what_registering_cannot_give() -> None:
    some = RequiredWords()
    some.add((frozenset({"alpha", "^beta"}), ((frozenset({"gamma"}),), (frozenset({"delta"}),))))
    state = some.export()
    sets, clauses, sets_of, *rest = state
    for bad in (
        None,
        (),
        (sets + sets, clauses, sets_of, *rest),  # a set twice
        (sets, clauses, {**sets_of, "omega": [0]}, *rest),  # a word no set holds
        (sets, clauses, {**sets_of, "alpha": [7]}, *rest),  # a set that does not exist
        (sets, clauses, {**sets_of, "alpha": [-1]}, *rest),
        (sets, clauses, sets_of, *rest[:-1], "2"),
    ):
        assert not RequiredWords().restore(bad)
    assert not some.restore(state)  # only into an empty one
    assert RequiredWords().restore(state)


def _check(cache: Path | None) -> subprocess.CompletedProcess[str]:
    env = {"COMMLINT_NO_CACHE": "1"} if cache is None else {"COMMLINT_NO_CACHE": "", "COMMLINT_CACHE_DIR": str(cache)}
    return run_cli("check", "--format", "json", str(DRAFT), env=env)


def _registration_records(path: Path) -> dict[tuple[str, int], bytes]:
    cache = PatternCache(path)
    return {k: bytes(v) for k, v in cache.entries().items() if k[0].startswith(f"registered-{VERSION}-")}


@pytest.mark.slow  # cold `commlint check` runs in fresh processes (about 10 s): CI runs it
def test_check_fills_restores_and_rebuilds_the_registration_record(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _check(cache)
    assert first.returncode == 1 and first.stdout, first.stderr
    (path,) = cache.iterdir()
    (key, sealed), *_ = _registration_records(path).items()
    assert _check(cache).stdout == first.stdout  # restored from the record
    assert _check(None).stdout == first.stdout  # no cache at all: registered afresh

    # A record whose content no longer matches its seal (the file's own checksum recomputed,
    # as a writer of the file could) is dropped and rebuilt, and the findings do not change.
    tampered = PatternCache(path)
    entries = tampered.entries()
    body = bytearray(sealed)
    body[-3] ^= 1
    entries[key] = bytes(body)
    tampered._used, tampered._dirty = set(entries), True  # keep every entry
    tampered.save()
    assert _registration_records(path)[key] != sealed
    assert _check(cache).stdout == first.stdout
    rebuilt = _unseal(key, _registration_records(path)[key])  # written again, sealed
    assert rebuilt is not None and marshal.loads(rebuilt) == marshal.loads(_unseal(key, sealed) or b"")
    assert path.name == f"patterns-{_build_key()}.marshal"
