"""Patterns prepared at build time (commlint/matching/prepare.py): the first run after installing
compiles nothing, and a prepared file that is foreign, damaged or writable by others is ignored."""

from __future__ import annotations

import hashlib
import os
import zlib
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


@pytest.fixture
def prepared_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data file digested at build time: its SHA-256 is in the prepared file, under the
    file's size and CRC-32 (not its place on the build machine, which is left out)."""
    data = tmp_path / "build" / "words.dict"
    data.parent.mkdir()
    data.write_bytes(b"hello HH AH0 L OW1\n")
    monkeypatch.setattr(regex_cache, "PREPARED", tmp_path / "pkg" / "patterns.marshal")
    build = PatternCache(tmp_path / "build" / "p.marshal")
    monkeypatch.setattr(regex_cache, "_CACHE", build)
    assert regex_cache.file_digest(data) == hashlib.sha256(data.read_bytes()).hexdigest()
    assert build.write_prepared(regex_cache.PREPARED) == 1  # the size and CRC-32 alone
    os.chmod(tmp_path / "pkg", 0o755)
    monkeypatch.setattr(regex_cache, "_CACHE", PatternCache(tmp_path / "user" / "p.marshal"))
    yield data


def test_the_first_run_finds_a_prepared_data_files_digest_without_hashing_it(
    prepared_digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run after installing reads a data file the wheel's build digested (CMUdict,
    the packs) and checks its size and CRC-32, instead of importing ``hashlib`` to hash it."""
    installed = tmp_path / "site" / "words.dict"  # elsewhere, as an installed copy is
    installed.parent.mkdir()
    installed.write_bytes(prepared_digest.read_bytes())

    def no_hashing(data: bytes) -> str:
        raise AssertionError("hashed")

    monkeypatch.setattr(regex_cache, "_sha256_hex", no_hashing)
    assert regex_cache.file_digest(installed) == hashlib.sha256(installed.read_bytes()).hexdigest()


def test_a_data_file_unlike_the_prepared_one_is_hashed(prepared_digest: Path, tmp_path: Path) -> None:
    """A changed file (the same size, another CRC-32) is hashed, and its own digest kept."""
    changed = tmp_path / "site" / "words.dict"
    changed.parent.mkdir()
    text = b"hullo HH AH0 L OW1\n"
    changed.write_bytes(text)
    assert regex_cache.file_digest(changed) == hashlib.sha256(text).hexdigest()
    regex_cache._cache().save()
    again = PatternCache(tmp_path / "user" / "p.marshal")  # the next run, from the user's cache
    kept = again.remember("file-crc32", f"{len(text)}:{zlib.crc32(text):08x}", lambda _: None)
    assert kept == hashlib.sha256(text).hexdigest()


def test_a_prepared_digest_that_is_not_a_digest_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record under a file's size and CRC-32 that does not hold a SHA-256 in hex is not
    taken for one: the file is hashed."""
    data = tmp_path / "words.dict"
    data.write_bytes(b"hello HH AH0 L OW1\n")
    cache = PatternCache(tmp_path / "user" / "p.marshal")
    monkeypatch.setattr(regex_cache, "_CACHE", cache)
    cache.remember("file-crc32", f"19:{zlib.crc32(data.read_bytes()):08x}", lambda _: "not a digest")
    assert regex_cache.file_digest(data) == hashlib.sha256(data.read_bytes()).hexdigest()


def test_a_large_data_file_is_checked_in_pieces_under_its_whole_crc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file larger than one read (CMUdict) is checked piece by piece: its digest, and
    the size and CRC-32 it is remembered under, are those of the whole file; a next run with
    the same bytes at another place finds it there without hashing."""
    data = tmp_path / "big.dict"
    text = b"".join(b"word%d W ER1 D %d\n" % (i, i) for i in range(60_000))
    assert len(text) > 2 * regex_cache._CHUNK and len(text) % regex_cache._CHUNK
    data.write_bytes(text)
    cache = PatternCache(tmp_path / "user" / "p.marshal")
    monkeypatch.setattr(regex_cache, "_CACHE", cache)
    assert regex_cache.file_digest(data) == hashlib.sha256(text).hexdigest()
    kept = cache.remember("file-crc32", f"{len(text)}:{zlib.crc32(text):08x}", lambda _: None)
    assert kept == hashlib.sha256(text).hexdigest()
    moved = tmp_path / "elsewhere.dict"
    moved.write_bytes(text)

    def no_hashing(data: bytes) -> str:
        raise AssertionError("hashed")

    monkeypatch.setattr(regex_cache, "_sha256_hex", no_hashing)
    assert regex_cache.file_digest(moved) == hashlib.sha256(text).hexdigest()


def test_a_data_file_written_while_it_is_checked_is_hashed_and_nothing_kept_under_its_old_crc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written between its CRC-32 and its hashing, a file gets the digest of what it now holds,
    and nothing is remembered under the size and CRC-32 it no longer has."""
    data = tmp_path / "words.dict"
    old, new = b"hello HH AH0 L OW1\n", b"hullo HH AH0 L OW1\n"
    data.write_bytes(old)
    cache = PatternCache(tmp_path / "user" / "p.marshal")
    monkeypatch.setattr(regex_cache, "_CACHE", cache)
    checked = regex_cache._sha256_if_unchanged

    def written_meanwhile(path: Path, size: int, crc: int) -> str:
        data.write_bytes(new)
        return checked(path, size, crc)

    monkeypatch.setattr(regex_cache, "_sha256_if_unchanged", written_meanwhile)
    assert regex_cache._file_sha256(data) == hashlib.sha256(new).hexdigest()
    assert cache.remember("file-crc32", f"{len(old)}:{zlib.crc32(old):08x}", lambda _: None) is None
