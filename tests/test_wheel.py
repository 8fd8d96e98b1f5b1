"""The built wheel carries the rule packs and lexicons (slow: builds and installs a wheel).

Built from a snapshot of the checkout, installed into a new venv with no access to the
checkout, then run from an unrelated folder: every finding it makes comes from the packs
inside the wheel (``commlint/_rules``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from checkout import REPO, clean_env, installed_wheel, snapshot

pytestmark = pytest.mark.slow

RISKY = """\
# Sentinel-7

Sentinel-7 is available today.
Our AI is **totally secure** and cannot be hacked.
"""


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(the new venv's bin folder, a working folder outside the checkout, the built source).

    The wheel as a user's ``pip install .`` builds it, hot modules compiled where a C compiler is
    there: shared with tests/test_compiled.py, built once a session (checkout.installed_wheel)."""
    wheel = installed_wheel(tmp_path_factory)
    assert "not prepared" not in wheel.build_log, wheel.build_log
    work = tmp_path_factory.mktemp("wheel-work")
    (work / "risky.md").write_text(RISKY, encoding="utf-8")
    return wheel.bindir, work, wheel.src


def test_wheel_ships_packs_and_lexicons(installed: tuple[Path, Path, Path]) -> None:
    bindir, work, src = installed
    probe = run(
        [
            str(bindir / "python"),
            "-c",
            "import json, commlint.rules.packs as p; d = p.builtin_rules_dir(); "
            "print(json.dumps([str(d), "
            "sorted(x.relative_to(d).as_posix() for x in d.rglob('*.toml'))]))",
        ],
        cwd=work,
    )
    assert probe.returncode == 0, probe.stderr
    rules_dir, files = json.loads(probe.stdout)
    assert Path(rules_dir).parts[-2:] == ("commlint", "_rules")
    assert str(REPO) not in rules_dir  # the installed copy, not this checkout
    expected = sorted(p.relative_to(src / "rules").as_posix() for p in (src / "rules").rglob("*.toml"))
    assert files == expected
    assert any(f.startswith("lexicons/") for f in files)


def test_installed_rules_command_lists_every_builtin_rule(
    installed: tuple[Path, Path, Path],
) -> None:
    from commlint.rules.packs import read_toml

    bindir, work, src = installed
    proc = run([str(bindir / "commlint"), "rules", "--all", "--format", "json"], cwd=work)
    assert proc.returncode == 0, proc.stderr
    listed = {r["id"] for r in json.loads(proc.stdout)}
    in_packs = {rule["id"] for pack in (src / "rules").glob("*.toml") for rule in read_toml(pack).get("rule", [])}
    assert in_packs and in_packs <= listed
    text = run([str(bindir / "commlint"), "rules"], cwd=work)
    assert text.returncode == 0 and "absolute" in text.stdout


def test_installed_check_finds_risk_and_exits_1(installed: tuple[Path, Path, Path]) -> None:
    bindir, work, _ = installed
    proc = run([str(bindir / "commlint"), "check", "risky.md"], cwd=work)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "risky.md:4:" in proc.stdout and "[error]" in proc.stdout
    as_json = run([str(bindir / "commlint"), "check", "--format", "json", "risky.md"], cwd=work)
    report = json.loads(as_json.stdout)
    spans = {(d["line"], d["column"]) for f in report["files"] for d in f["diagnostics"]}
    assert (4, 13) in spans  # "Our AI is **totally secure**": the match starts after the "**"


FIRST_RUN = """
import sys
from commlint.matching import regex_cache
from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.source.decode import decode
linter = Linter(Config.default())
linter.lint(decode(sys.stdin.buffer.read(), "risky.md"))
cache = regex_cache._cache()
compiled = [key for key in cache.entries() if key[1] != -1]
print(len(cache.prepared()), len(compiled))
"""


def test_the_first_run_after_installing_compiles_no_pattern(installed: tuple[Path, Path, Path]) -> None:
    """The wheel carries the patterns prepared at build time (hatch_build.py): a user whose
    cache is empty gets every built-in pattern from there, none from regex's slow parser."""
    bindir, work, _ = installed
    site = run([str(bindir / "python"), "-c", "import commlint, os; print(os.path.dirname(commlint.__file__))"], work)
    assert (Path(site.stdout.strip()) / "_prepared" / "patterns.marshal").is_file(), site.stderr
    empty = work / "empty-cache"
    env = {**clean_env(), "COMMLINT_CACHE_DIR": str(empty)}
    proc = subprocess.run(
        [str(bindir / "python"), "-c", FIRST_RUN], cwd=work, env=env, input=RISKY.encode(), capture_output=True
    )
    assert proc.returncode == 0, proc.stderr.decode()
    prepared, compiled = map(int, proc.stdout.split())
    assert prepared > 100 and compiled == 0, proc.stdout


FIRST_CHECK = """
import atexit, sys
# registered first, so it runs last: after the check, its output and the cache's save
atexit.register(lambda: print(sorted(m for m in ("hashlib", "_hashlib") if m in sys.modules)))
from commlint.cli import main
sys.exit(main(["check", sys.argv[1]]))
"""


def test_the_first_check_after_installing_hashes_no_data_file(installed: tuple[Path, Path, Path]) -> None:
    """The wheel's prepared records carry the size, CRC-32 and SHA-256 of each data file a check
    digests (CMUdict, the packs): the first ``commlint check`` after installing checks their
    CRC-32 instead of loading OpenSSL to hash them, and finds what later runs find."""
    bindir, work, _ = installed
    env = {**clean_env(), "COMMLINT_CACHE_DIR": str(work / "first-check-cache")}
    runs = [
        subprocess.run(
            [str(bindir / "python"), "-c", FIRST_CHECK, "risky.md"], cwd=work, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1], runs[0].stderr
    first, second = (r.stdout.strip().splitlines() for r in runs)
    assert first[-1] == "[]" and first == second and "risky.md:4:" in first[0]


def test_readme_install_commands_build_from_the_repository_url(tmp_path: Path) -> None:
    """The README's install-without-a-checkout commands, run as written: git is told to fetch
    the repository URL from a local snapshot (url.<snapshot>.insteadOf), nothing else changes."""
    import re

    from checkout import git

    from commlint.install import RELEASE, REPOSITORY

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    specs = re.findall(r"^pip install '([^']+ @ git\+[^']+)'$", readme, flags=re.M)
    assert len(specs) == 3 and all(f"git+{REPOSITORY}@{RELEASE}" in s for s in specs), specs
    src, _ = snapshot(tmp_path / "src")
    git("tag", RELEASE, cwd=src)
    redirect = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{src}.insteadOf", "GIT_CONFIG_VALUE_0": REPOSITORY}
    # Not about the compiled build (tests/test_compiled.py is): COMMLINT_COMPILE=0 spares two
    # mypyc compiles, and the wheels' tags below check that it gives the pure-Python wheel.
    redirect["COMMLINT_COMPILE"] = "0"
    dist = tmp_path / "dist"
    for spec in specs:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), spec],
            cwd=tmp_path,
            env=clean_env(**redirect),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert built.returncode == 0, built.stderr
    assert sorted(p.name.split("-")[0] for p in dist.glob("*.whl")) == ["commlint", "commlint_harper"]
    # COMMLINT_COMPILE=0: py3-none-any, with a C compiler and mypyc at hand (a compiled one is cp3xx)
    assert all(p.name.endswith("-py3-none-any.whl") for p in dist.glob("*.whl")), list(dist.glob("*.whl"))
