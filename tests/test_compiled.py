"""The wheel's mypyc-compiled modules (slow: builds a wheel, compiling, and lints every input twice).

The wheel a user's ``pip install .`` builds compiles the modules pyproject.toml lists (hatch_build.py).
Compiled code can fail where the pure code does not (an annotation that lies is a TypeError at
run time), and the pure-Python suite never runs it: so the installed build lints everything
``bench/findings_snapshot.py`` lints and must find exactly what this checkout's pure code finds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from checkout import REPO, Installed, clean_env, installed_wheel, snapshot
from conftest import require_shared

from commlint.rules.packs import read_toml

pytestmark = pytest.mark.slow

#: the modules the build compiles: the hook's list, the one place it is kept
COMPILED = read_toml(REPO / "pyproject.toml")["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"][
    "compiled"
]

RISKY = "# Sentinel-7\n\nOur AI is totally secure and cannot be hacked.\n"

#: runs bench/findings_snapshot.py as its own command would, saying which prefilter it imported
SNAPSHOT = """
import sys
sys.path.insert(0, sys.argv[1])  # bench/, as running the script puts it first
import commlint.matching.prefilter
print(commlint.matching.prefilter.__file__)
import findings_snapshot
sys.exit(findings_snapshot.main(["save", sys.argv[2]]))
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The installed wheel; a skip (saying why) only where it cannot be compiled here: no C
    compiler, or not CPython."""
    wheel = installed_wheel(tmp_path_factory)
    for reason in ("no C compiler", "mypyc compiles for CPython"):
        if f"modules not compiled (error: {reason}" in wheel.build_log:
            pytest.skip(f"{reason}: the wheel was built pure-Python here, as it should be")
    assert "modules not compiled" not in wheel.build_log, wheel.build_log
    return wheel


def test_listed_modules_are_compiled_and_the_cli_works(compiled: Installed, tmp_path: Path) -> None:
    assert COMPILED and not compiled.wheel.name.endswith("-py3-none-any.whl"), compiled.wheel.name
    modules = [m.removesuffix(".py").replace("/", ".") for m in COMPILED]
    probe = subprocess.run(
        [
            str(compiled.bindir / "python"),
            "-c",
            "import importlib as i, json, sys; print(json.dumps([i.import_module(m).__file__ for m in sys.argv[1:]]))",
            *modules,
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    files = json.loads(probe.stdout)
    suffix = _extension_suffix(compiled.bindir / "python")
    assert all(f.endswith(suffix) and str(REPO) not in f for f in files), files
    # the .py sources ship too (tracebacks, and the prefilter's cache version digests its source)
    assert all(Path(f).with_name(Path(f).name.partition(".")[0] + ".py").is_file() for f in files), files
    version = subprocess.run(
        [str(compiled.bindir / "commlint"), "--version"], cwd=tmp_path, env=clean_env(), capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("commlint "), version.stdout + version.stderr
    (tmp_path / "risky.md").write_text(RISKY, encoding="utf-8")
    check = subprocess.run(
        [str(compiled.bindir / "commlint"), "check", "risky.md"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1 and "risky.md:3:11: ABS101" in check.stdout, check.stdout + check.stderr
    # compiled in a scratch folder: nothing built is left in the source
    left = [p for p in compiled.src.rglob("*") if p.suffix in (".so", ".pyd", ".c") or p.name == "build"]
    assert left == [], left


def _extension_suffix(python: Path) -> str:
    """The file suffix of a compiled extension for ``python`` (``.cpython-311-x86_64-linux-gnu.so``)."""
    return subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _findings(python: Path, env: dict[str, str], folder: Path) -> tuple[str, dict[str, list[list[object]]]]:
    """(the prefilter module that ran, bench/findings_snapshot.py's findings) with ``python``."""
    folder.mkdir()
    out = folder / "findings.json"
    proc = subprocess.run(
        [str(python), "-c", SNAPSHOT, str(REPO / "bench"), str(out)],
        cwd=folder,  # no commlint/ here: the import comes from `python`'s own path
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.splitlines()[0], json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def findings(
    compiled: Installed, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, list[list[object]]], dict[str, list[list[object]]]]:
    """(the compiled install's findings, this checkout's pure code's findings) on the same inputs."""
    base = tmp_path_factory.mktemp("findings")
    built_with, built = _findings(compiled.bindir / "python", clean_env(), base / "compiled")
    assert built_with.endswith(_extension_suffix(compiled.bindir / "python")), built_with
    pure_with, pure = _findings(Path(sys.executable), clean_env(PYTHONPATH=str(REPO)), base / "pure")
    assert pure_with == str(REPO / "commlint" / "matching" / "prefilter.py"), pure_with
    return built, pure


def _differing(
    built: dict[str, list[list[object]]], pure: dict[str, list[list[object]]], names: list[str]
) -> list[str]:
    return [f"{n}: compiled {built.get(n)} pure {pure.get(n)}" for n in names if built.get(n) != pure.get(n)]


def test_compiled_findings_equal_pure_on_packs_examples_and_generated_text(
    findings: tuple[dict[str, list[list[object]]], dict[str, list[list[object]]]],
) -> None:
    """Every rule's flag and pass examples (.md and .txt), examples/ and 200,000 generated words."""
    built, pure = findings
    names = sorted(n for n in set(built) | set(pure) if not n.startswith("corpus/"))
    assert _differing(built, pure, names) == []
    for part in ("examples/", "generated/", "/flag", "/pass"):  # each kind of input was linted
        assert any(part in n for n in names), part
    assert sum(len(built[n]) for n in names) > 1000  # findings to compare, not silence on both sides


def test_compiled_findings_equal_pure_on_the_shared_corpus(
    findings: tuple[dict[str, list[list[object]]], dict[str, list[list[object]]]],
) -> None:
    """The shared corpus of real drafts (``../shared/corpus``), where it is beside the checkout."""
    require_shared()
    built, pure = findings
    names = sorted(n for n in set(built) | set(pure) if n.startswith("corpus/"))
    assert names, "findings_snapshot.py linted nothing of ../shared/corpus"
    assert _differing(built, pure, names) == []


def test_a_build_without_a_c_compiler_is_pure_and_says_why(tmp_path: Path) -> None:
    """No C compiler (CC names none here): one line says so, and the pure-Python wheel is built."""
    src, _ = snapshot(tmp_path / "src")
    env = clean_env(CC=str(tmp_path / "no-such-cc"))
    env.pop("COMMLINT_COMPILE", None)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path / "dist"), str(src)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr
    notes = [line.strip() for line in (built.stdout + built.stderr).splitlines() if "modules not compiled" in line]
    assert notes == [f"commlint: modules not compiled (error: no C compiler ({tmp_path / 'no-such-cc'} not found))"]
    wheels = [p.name for p in (tmp_path / "dist").glob("commlint-*.whl")]
    assert len(wheels) == 1 and wheels[0].endswith("-py3-none-any.whl"), wheels
