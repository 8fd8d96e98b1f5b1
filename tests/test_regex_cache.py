"""The on-disk pattern cache: same pattern objects, survives damage, never holds draft text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import regex

from commlint.regex_cache import PatternCache
from commlint.ruletypes.base import DEFAULT_FLAGS

PATTERN = (
    r"(?=\bexploit)(?<=\b(?:model|it)\b[^.!?\n]{0,60}?)\bexploit(?P<s>s)?\s+bugs|\btotally\s+secure"
)
TEXT = "The model quickly exploits bugs. Our AI is TOTALLY secure."


def test_a_cached_pattern_behaves_like_a_compiled_one(tmp_path: Path) -> None:
    first = PatternCache(tmp_path / "p.marshal")
    fresh = first.compile(PATTERN, DEFAULT_FLAGS)
    first.save()
    assert (tmp_path / "p.marshal").is_file()
    regex.purge()
    again = PatternCache(tmp_path / "p.marshal")
    assert (PATTERN, int(DEFAULT_FLAGS)) in again.entries()
    cached = again.compile(PATTERN, DEFAULT_FLAGS)
    want = [(m.span(), m.groupdict()) for m in fresh.finditer(TEXT)]
    assert want and [(m.span(), m.groupdict()) for m in cached.finditer(TEXT)] == want
    assert cached.pattern == PATTERN and cached.groupindex == fresh.groupindex


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "p.marshal"
    path.write_bytes(b"\x00garbage")
    cache = PatternCache(path)
    assert [m.span() for m in cache.compile(PATTERN, DEFAULT_FLAGS).finditer(TEXT)]
    marshal = __import__("marshal")
    path.write_bytes(marshal.dumps({(PATTERN, int(DEFAULT_FLAGS)): marshal.dumps(("x",))}))
    cache = PatternCache(path)  # an entry the engine rejects is rebuilt
    assert [m.span() for m in cache.compile(PATTERN, DEFAULT_FLAGS).finditer(TEXT)]


def test_cli_runs_fill_and_reuse_the_cache_with_patterns_only(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    secret = "Zanzibar-unreleased-codename"
    draft.write_text(f"{secret} is totally secure and cannot be hacked.\n", encoding="utf-8")
    env = {**os.environ, "COMMLINT_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("COMMLINT_NO_CACHE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-m", "commlint", "check", str(draft)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    (cache_file,) = (tmp_path / "cache").iterdir()
    assert secret.encode() not in cache_file.read_bytes()
    off = subprocess.run(
        [sys.executable, "-m", "commlint", "check", str(draft)],
        capture_output=True,
        text=True,
        env={**env, "COMMLINT_NO_CACHE": "1", "COMMLINT_CACHE_DIR": str(tmp_path / "c2")},
        timeout=120,
    )
    assert off.stdout == runs[0].stdout and not (tmp_path / "c2").exists()
