"""Patterns prepared at build time (commlint/matching/prepare.py): the first run after installing
compiles nothing, and a prepared file that is foreign, damaged or writable by others is ignored."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from commlint.matching import regex_cache
from commlint.matching.regex_cache import PatternCache
from commlint.rules.ruletypes.base import DEFAULT_FLAGS

PATTERN = r"(?=\bexploit)(?<=\b(?:model|it)\b[^.!?\n]{0,60}?)\bexploit(?P<s>s)?\s+bugs|\btotally\s+secure"
TEXT = "The model quickly exploits bugs. Our AI is TOTALLY secure."


@pytest.fixture
def prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A prepared file holding PATTERN, installed where regex_cache looks for one."""
    regex.purge()  # regex's own memory would serve the pattern without a record to keep
    build = PatternCache(tmp_path / "build" / "p.marshal")
    build.compile(PATTERN, DEFAULT_FLAGS)
    assert build.write_prepared(tmp_path / "pkg" / "patterns.marshal") == 1
    os.chmod(tmp_path / "pkg", 0o755)
    monkeypatch.setattr(regex_cache, "PREPARED", tmp_path / "pkg" / "patterns.marshal")
    regex.purge()
    yield tmp_path / "pkg" / "patterns.marshal"
    regex.purge()


def _spans(pattern: regex.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(TEXT)]


def test_an_empty_user_cache_is_served_from_the_prepared_file(prepared: Path, tmp_path: Path) -> None:
    cache = PatternCache(tmp_path / "user" / "p.marshal")
    compiled = cache.compile(PATTERN, DEFAULT_FLAGS)
    assert _spans(compiled) == _spans(regex.compile(PATTERN, DEFAULT_FLAGS)) != []
    assert not cache._dirty  # nothing had to be compiled, so nothing is written
    cache.save()
    assert not (tmp_path / "user" / "p.marshal").exists()


def _compiled_afresh(tmp_path: Path) -> bool:
    regex.purge()
    cache = PatternCache(tmp_path / "user" / "p.marshal")
    compiled = cache.compile(PATTERN, DEFAULT_FLAGS)
    assert _spans(compiled) == _spans(regex.compile(PATTERN, DEFAULT_FLAGS))
    return cache._dirty


def test_a_damaged_prepared_file_is_ignored(prepared: Path, tmp_path: Path) -> None:
    data = bytearray(prepared.read_bytes())
    data[-20] ^= 1
    prepared.write_bytes(bytes(data))
    assert _compiled_afresh(tmp_path)


def test_a_prepared_file_others_can_write_is_ignored(prepared: Path, tmp_path: Path) -> None:
    os.chmod(prepared, 0o666)
    assert _compiled_afresh(tmp_path)
    os.chmod(prepared, 0o644)
    os.chmod(prepared.parent, 0o777)
    assert _compiled_afresh(tmp_path)


def test_a_prepared_file_from_another_regex_or_python_is_ignored(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "_portable_key", lambda: "another-build")
    assert _compiled_afresh(tmp_path)


def test_no_cache_turns_the_prepared_file_off_too(prepared: Path) -> None:
    cache = PatternCache(None)
    assert cache.prepared() == {}
    assert _spans(cache.compile(PATTERN, DEFAULT_FLAGS)) == _spans(regex.compile(PATTERN, DEFAULT_FLAGS))
