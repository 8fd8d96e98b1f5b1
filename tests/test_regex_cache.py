"""The on-disk pattern cache: same pattern objects, survives damage, never holds draft text."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import stat
import subprocess
import sys
from array import array
from pathlib import Path

import pytest
import regex
from conftest import REPO, run_cli

from commlint.matching.regex_cache import (
    _CODE,
    _DIGEST,
    _MAGIC,
    LazyPattern,
    PatternCache,
    _build_key,
    _file_bytes,
    _read,
    _seal,
)
from commlint.rules.ruletypes.base import DEFAULT_FLAGS

PATTERN = r"(?=\bexploit)(?<=\b(?:model|it)\b[^.!?\n]{0,60}?)\bexploit(?P<s>s)?\s+bugs|\btotally\s+secure"
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


def test_a_rule_patterns_record_is_checked_when_first_used(tmp_path: Path) -> None:
    """``compile_later`` hands out a pattern with the flags from the file's checked index and
    checks its record's seal only when the pattern is first used: a record changed under its
    old seal is then dropped and the pattern compiled afresh, with the same matches."""
    path = tmp_path / "p.marshal"
    first = PatternCache(path)
    fresh = first.compile(PATTERN, DEFAULT_FLAGS)
    first.save()
    key = (PATTERN, int(DEFAULT_FLAGS))
    tampered = PatternCache(path)
    entries = tampered.entries()
    body = bytearray(entries[key])
    body[-3] ^= 1  # in the record, not the seal: the file's index (and its checksum) unchanged
    entries[key] = bytes(body)
    tampered._used, tampered._dirty = set(entries), True
    tampered.save()
    regex.purge()  # (so compiling it again records it)
    again = PatternCache(path)
    lazy = again.compile_later(PATTERN, DEFAULT_FLAGS)
    assert isinstance(lazy, LazyPattern) and lazy.flags == fresh.flags
    assert again.entries()[key] == bytes(body)  # not checked yet
    want = [(m.span(), m.groupdict()) for m in fresh.finditer(TEXT)]
    assert want and [(m.span(), m.groupdict()) for m in lazy.finditer(TEXT)] == want
    assert again.entries()[key] != bytes(body)  # dropped on first use and recorded afresh
    again.save()
    assert PatternCache(path).compile(PATTERN, DEFAULT_FLAGS).flags == fresh.flags


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "p.marshal"
    path.write_bytes(b"\x00garbage")
    cache = PatternCache(path)
    assert [m.span() for m in cache.compile(PATTERN, DEFAULT_FLAGS).finditer(TEXT)]
    marshal = __import__("marshal")
    path.write_bytes(marshal.dumps({(PATTERN, int(DEFAULT_FLAGS)): marshal.dumps(("x",))}))
    cache = PatternCache(path)  # an entry the engine rejects is rebuilt
    assert [m.span() for m in cache.compile(PATTERN, DEFAULT_FLAGS).finditer(TEXT)]


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
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


# -- tampering: every damaged or foreign cache gives the findings of a run without one --------

DRAFT = REPO / "examples" / "risky-press-release.md"
OTHER_UID = 54321


def _check(draft: Path, cache: Path | None) -> subprocess.CompletedProcess[str]:
    """``commlint check --format json`` with the cache in ``cache`` (None: no cache at all)."""
    env = {"COMMLINT_NO_CACHE": "1"} if cache is None else {"COMMLINT_NO_CACHE": "", "COMMLINT_CACHE_DIR": str(cache)}
    return run_cli("check", "--format", "json", str(draft), env=env)


def _findings(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int]]:
    assert proc.returncode in (0, 1) and proc.stdout, proc.stderr
    return _findings_of(proc.stdout)


def _findings_of(report: str) -> list[tuple[str, int, int]]:
    return [(d["rule"], d["line"], d["column"]) for f in json.loads(report)["files"] for d in f["diagnostics"]]


@pytest.fixture(scope="module")
def uncached() -> str:
    """The JSON report of a run that uses no cache: what every tampered run must print."""
    proc = _check(DRAFT, None)
    assert proc.returncode == 1 and _findings(proc), proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory, uncached: str) -> Path:
    """A cache folder filled by one run (the run itself prints the uncached report)."""
    folder = tmp_path_factory.mktemp("warm") / "cache"
    assert _check(DRAFT, folder).stdout == uncached
    return folder


def _cache_copy(warm: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    shutil.copytree(warm, folder)
    os.chmod(folder, 0o700)
    return folder


def _open(folder: Path) -> tuple[Path, bytes, dict[tuple[str, int], bytes]]:
    """(file, its stored checksum of the index, its entries) of the one cache file in ``folder``."""
    (path,) = folder.glob("patterns-*")
    raw = path.read_bytes()
    head = len(_MAGIC) + _DIGEST + 8
    assert raw.startswith(_MAGIC)
    size = int.from_bytes(raw[head - 8 : head], "little")
    values = raw[head + size :]
    index = marshal.loads(raw[head : head + size])
    return path, raw[len(_MAGIC) : head - 8], {key: values[at : at + n] for key, at, n, _ in index}


def _write(path: Path, checksum: bytes | None, entries: dict[tuple[str, int], bytes]) -> None:
    """Write entries back under ``checksum`` (None: a correct one, as a same-user writer could),
    with each pattern's flags as the file's index gave them."""
    _, flags = _read(path)
    raw = _file_bytes(_MAGIC, _build_key(), entries, flags)
    if checksum is not None:
        raw = _MAGIC + checksum + raw[len(_MAGIC) + _DIGEST :]
    path.write_bytes(raw)


def _flip_code(entries: dict[tuple[str, int], bytes]) -> None:
    """Change a few integers in every stored code list, keeping each entry's old checksum."""
    flipped = 0
    for key, sealed in entries.items():
        if key[1] == -1:
            continue
        args = list(marshal.loads(sealed[_DIGEST:]))
        code = array(_CODE)
        code.frombytes(args[2])
        for i in range(3, len(code), 7):
            code[i] = (code[i] + 3) % 2 ** (8 * code.itemsize)
        args[2] = code.tobytes()
        entries[key] = sealed[:_DIGEST] + marshal.dumps(tuple(args))
        flipped += 1
    assert flipped > 50


def _bogus_leads(entries: dict[tuple[str, int], bytes], reseal: bool) -> None:
    """Every pattern's lead words (and each branch's: see prefilter.branches) replaced by one
    that never occurs."""
    never = (frozenset({("zzqxv", True)}), True)
    bogus = {"leads-": marshal.dumps(never), "branches-": marshal.dumps(((never, (), False),))}
    keys = [k for k in entries if k[1] == -1 and k[0].startswith(tuple(bogus))]
    assert len(keys) > 20
    for key in keys:
        value = bogus["leads-" if key[0].startswith("leads-") else "branches-"]
        entries[key] = _seal(key, value) if reseal else entries[key][:_DIGEST] + value
    # the registration of every rule's required words holds each pattern's plan (branches) too
    registered = [k for k in entries if k[1] == -1 and k[0].startswith("registered-")]
    assert registered
    for key in registered:
        text, state, plans = marshal.loads(entries[key][_DIGEST:])
        value = marshal.dumps((text, state, tuple(((), ((never, (), (), False),)) for _ in plans)))
        entries[key] = _seal(key, value) if reseal else entries[key][:_DIGEST] + value


def _empty_packs(entries: dict[tuple[str, int], bytes]) -> None:
    """Every cached rule file parsed as empty (keeping the old checksums)."""
    keys = [k for k in entries if k[0].startswith("toml:")]
    assert keys
    for key in keys:
        entries[key] = entries[key][:_DIGEST] + marshal.dumps(marshal.dumps({}))


@pytest.mark.slow  # `commlint check` processes on a tampered cache (README: the test command stays short; CI runs it)
@pytest.mark.parametrize(
    "tamper",
    [
        "code-list-integers",
        "code-list-integers-file-checksum-redone",
        "bogus-lead-words",
        "packs-emptied",
        "packs-removed",
        "file-truncated",
        "index-byte-changed",
        "record-bytes-changed",
    ],
)
def test_a_tampered_cache_gives_the_uncached_findings(tamper: str, warm: Path, uncached: str, tmp_path: Path) -> None:
    folder = _cache_copy(warm, tmp_path)
    path, checksum, entries = _open(folder)
    if tamper.startswith("code-list"):
        _flip_code(entries)
        _write(path, None if tamper.endswith("redone") else checksum, entries)
    elif tamper == "bogus-lead-words":
        _bogus_leads(entries, reseal=False)
        _write(path, None, entries)
    elif tamper == "packs-emptied":
        _empty_packs(entries)
        _write(path, None, entries)
    elif tamper == "file-truncated":  # the index and its checksum intact, the records cut short
        path.write_bytes(path.read_bytes()[: -len(max(entries.values(), key=len)) // 2])
    elif tamper == "index-byte-changed":  # a byte of the index changed, its checksum not
        raw = bytearray(path.read_bytes())
        raw[len(_MAGIC) + _DIGEST + 8 + 100] ^= 0x10
        path.write_bytes(bytes(raw))
    elif tamper == "record-bytes-changed":  # every record's last byte changed, no seal redone
        _write(path, None, {k: v[:-1] + bytes([v[-1] ^ 1]) for k, v in entries.items()})
    else:
        _write(path, None, {k: v for k, v in entries.items() if not k[0].startswith("toml:")})
    first, second = _check(DRAFT, folder), _check(DRAFT, folder)
    assert first.stdout == uncached, first.stderr
    assert second.stdout == uncached, "the damage outlived the first run"  # it was rewritten


def _resealed_with_bogus_leads(warm: Path, tmp_path: Path) -> Path:
    """A cache whose lead words are bogus but whose checksums all agree: only a writer who
    can already act as this user could make it, so it is trusted if its owner is right."""
    folder = _cache_copy(warm, tmp_path)
    path, _, entries = _open(folder)
    _bogus_leads(entries, reseal=True)
    _write(path, None, entries)
    return folder


def test_a_consistent_cache_is_trusted_when_the_user_owns_it(warm: Path, uncached: str, tmp_path: Path) -> None:
    # The control for the ownership tests below: this cache really would change findings.
    folder = _resealed_with_bogus_leads(warm, tmp_path)
    assert _findings(_check(DRAFT, folder)) != _findings_of(uncached)


@pytest.mark.slow  # `commlint check` processes on a tampered cache (README: the test command stays short; CI runs it)
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root")
@pytest.mark.parametrize("owner", ["file", "folder"])
def test_a_cache_owned_by_another_user_is_ignored(owner: str, warm: Path, uncached: str, tmp_path: Path) -> None:
    folder = _resealed_with_bogus_leads(warm, tmp_path)
    (path,) = folder.glob("patterns-*")
    os.chown(path if owner == "file" else folder, OTHER_UID, -1)
    before = path.read_bytes()
    assert _check(DRAFT, folder).stdout == uncached
    if owner == "folder":
        assert path.read_bytes() == before, "wrote into a folder another user owns"


@pytest.mark.slow  # `commlint check` processes on a tampered cache (README: the test command stays short; CI runs it)
def test_a_cache_in_a_folder_others_can_write_is_ignored(warm: Path, uncached: str, tmp_path: Path) -> None:
    folder = _resealed_with_bogus_leads(warm, tmp_path)
    os.chmod(folder, 0o777)
    (path,) = folder.glob("patterns-*")
    before = path.read_bytes()
    assert _check(DRAFT, folder).stdout == uncached
    assert path.read_bytes() == before and list(folder.iterdir()) == [path]


@pytest.mark.slow  # `commlint check` processes on a tampered cache (README: the test command stays short; CI runs it)
def test_a_group_writable_cache_file_is_ignored(warm: Path, uncached: str, tmp_path: Path) -> None:
    folder = _resealed_with_bogus_leads(warm, tmp_path)
    (path,) = folder.glob("patterns-*")
    os.chmod(path, 0o664)
    assert _check(DRAFT, folder).stdout == uncached


@pytest.mark.slow  # `commlint check` processes (README: the test command stays short; CI runs it)
def test_user_configuration_is_never_cached(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = project / "commlint.toml"
    config.write_text('ignore = ["ABS101"]\n', encoding="utf-8")
    draft = project / "draft.md"
    draft.write_text("Our platform is totally secure and cannot be hacked.\n", encoding="utf-8")
    folder = tmp_path / "cache"
    first = _findings(_check(draft, folder))
    _, _, entries = _open(folder)
    kept = [k for k, _ in entries if k.startswith("toml:")]
    assert kept and f"toml:{hashlib.sha256(config.read_bytes()).hexdigest()}" not in kept
    config.write_text("", encoding="utf-8")
    second = _findings(_check(draft, folder))
    assert "ABS101" not in {r for r, _, _ in first} and "ABS101" in {r for r, _, _ in second}


def test_a_files_digest_is_remembered_only_for_the_same_file_unchanged(tmp_path: Path, monkeypatch) -> None:
    """``file_digest`` remembers a data file's checksum under its identity on disk: an edit that
    keeps its size and modification time still changes its change time, so it is hashed again."""
    from commlint.matching import regex_cache

    monkeypatch.setenv("COMMLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COMMLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(regex_cache, "_CACHE", None)
    data = tmp_path / "words.dict"
    data.write_bytes(b"hello HH AH0 L OW1\n")
    first = regex_cache.file_digest(data)
    assert first == hashlib.sha256(data.read_bytes()).hexdigest()
    assert regex_cache.file_digest(data) == first  # remembered
    info = os.stat(data)
    data.write_bytes(b"hullo HH AH0 L OW1\n")  # same size
    os.utime(data, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the same modification time
    assert regex_cache.file_digest(data) == hashlib.sha256(b"hullo HH AH0 L OW1\n").hexdigest()


FIRST_WRITE = """
import atexit, sys
# registered first, so it runs last: after the pattern cache has been written
atexit.register(lambda: print(sorted(m for m in ("tempfile", "shutil", "lzma", "bz2") if m in sys.modules)))
from commlint.cli import main
main(["check", sys.argv[1]])
"""


def test_the_run_that_writes_the_cache_imports_no_tempfile(tmp_path: Path) -> None:
    """The cache file is written through a new private file (mode 0600, a random name, then an
    atomic rename), without ``tempfile``'s imports (``shutil``, ``lzma``, ``bz2``): the first
    run after installing writes one."""
    draft = tmp_path / "draft.md"
    draft.write_text("Our platform is totally secure and cannot be hacked.\n", encoding="utf-8")
    folder = tmp_path / "cache"
    env = {**os.environ, "COMMLINT_CACHE_DIR": str(folder), "NO_COLOR": "1"}
    env.pop("COMMLINT_NO_CACHE", None)
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_WRITE, str(draft)], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    (cache_file,) = folder.iterdir()  # no temporary file left behind
    assert cache_file.name.startswith("patterns-") and stat.S_IMODE(cache_file.stat().st_mode) == 0o600
    assert PatternCache(cache_file).entries()  # and it is read back


COLD_CHECK = """
import atexit, sys
# registered first, so it runs last: after the check, its output and the cache's save
atexit.register(lambda: print(sorted(m for m in ("hashlib", "_hashlib") if m in sys.modules)))
from commlint.cli import main
main(["check", sys.argv[1]])
"""


def test_a_cold_check_of_a_markdown_draft_loads_no_openssl(tmp_path: Path) -> None:
    """``import hashlib`` loads OpenSSL (4-14 ms of every start): a check with a warm cache takes
    its SHA-256 keys from Python's built-in module (commlint.digest) and seals the cache's
    records with CRC-32, so neither ``hashlib`` nor ``_hashlib`` is imported. (The first run
    may import it, to hash a data file it has not seen before.)"""
    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Launch\n\nOur platform is totally secure and cannot be hacked. Critics said the model "
        "could help attackers; it is 100% safe.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "COMMLINT_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("COMMLINT_NO_CACHE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", COLD_CHECK, str(draft)], capture_output=True, text=True, env=env, timeout=300
        )
        for _ in range(3)  # the first fills the cache; the second may add what the first left out
    ]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr  # (main returns the exit status)
    first, *_, last = (r.stdout.strip().splitlines() for r in runs)
    assert last[:-1] == first[:-1] and "draft.md:" in last[0]  # the same findings
    assert last[-1] == "[]"
