"""A throwaway git repository holding this checkout's files as they are on disk.

The packaging tests (wheel, pre-commit) must exercise the files the rest of the suite
tests, including uncommitted edits, but must never build inside the real checkout. So they
copy what git would see (tracked and untracked, minus ignored) into a fresh repository and
commit it there. In CI, a fresh clone, that is exactly HEAD.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: git settings that must not leak in from a hook or CI job running the suite
_GIT_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without git's per-repository variables and without PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_VARS and k != "PYTHONPATH"}
    # Installed copies get their own pattern cache, not the user's (keyed by interpreter).
    env["COMMLINT_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "commlint-test-cache")
    env.update(
        {
            "NO_COLOR": "1",
            "GIT_AUTHOR_NAME": "commlint tests",
            "GIT_AUTHOR_EMAIL": "tests@example.invalid",
            "GIT_COMMITTER_NAME": "commlint tests",
            "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        }
    )
    env.update(extra)
    return env


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120)
    if proc.returncode:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr}")
    return proc.stdout


def snapshot(dest: Path) -> tuple[Path, str]:
    """Copy the checkout into ``dest`` as a one-commit repository; returns (path, commit)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of commlint")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    dest.mkdir(parents=True)
    for rel in sorted(set(filter(None, listed.split("\0")))):
        src = REPO / rel
        if src.is_file():  # tracked files deleted on disk are skipped, as a commit would
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git(
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "snapshot of the commlint checkout under test",
        cwd=dest,
    )
    return dest, git("rev-parse", "HEAD", cwd=dest).strip()


@dataclass(frozen=True)
class Installed:
    """A wheel of a snapshot of this checkout, installed into a venv of its own."""

    bindir: Path  #: the venv's bin folder
    src: Path  #: the snapshot the wheel was built from
    wheel: Path
    build_log: str  #: what the build printed (pip -v: the build hook's one-line notes among it)


def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel as ``pip install .`` builds it in a new venv, built once per test session: the
    tests of the wheel and of its compiled modules share it, also across pytest-xdist's workers
    (a build compiles the hot modules, on both cores). The first worker builds; the others wait."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, shared by its workers
    base = base / "installed-wheel"
    base.mkdir(exist_ok=True)
    with open(base / "lock", "w") as lock:
        try:
            import fcntl
        except ImportError:  # Windows: each worker builds its own
            base = Path(tempfile.mkdtemp(dir=base))
        else:
            fcntl.flock(lock, fcntl.LOCK_EX)
        done = base / "done.json"
        if not done.exists():
            done.write_text(json.dumps(_build_and_install(base)), encoding="utf-8")
    outcome = json.loads(done.read_text(encoding="utf-8"))
    if outcome["error"]:
        raise AssertionError(outcome["error"])
    return Installed(Path(outcome["bindir"]), Path(outcome["src"]), Path(outcome["wheel"]), outcome["log"])


def _build_and_install(base: Path) -> dict[str, str]:
    src, _ = snapshot(base / "src")
    venv.create(base / "venv", with_pip=True, clear=True)
    bindir = base / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
    outcome = {"bindir": str(bindir), "src": str(src), "wheel": "", "log": "", "error": ""}

    env = clean_env()
    env.pop("COMMLINT_COMPILE", None)  # the default build, whatever the shell running the suite says

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, cwd=base, env=env, capture_output=True, text=True, timeout=1200)

    # Built by the new venv's pip, as `pip install .` in a fresh venv builds it: the build hook
    # then has only pip's isolated build environment to prepare the patterns and compile with.
    # -v: pip shows the build's own output (the hook's notes) only then.
    built = run(str(bindir / "python"), "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(base / "dist"), str(src))
    outcome["log"] = built.stdout + built.stderr
    wheels = sorted((base / "dist").glob("commlint-*.whl"))
    if built.returncode or len(wheels) != 1:
        outcome["error"] = f"the wheel was not built ({wheels}): {built.stderr}"
        return outcome
    outcome["wheel"] = str(wheels[0])
    pip = run(str(bindir / "python"), "-m", "pip", "install", "-q", str(wheels[0]))
    if pip.returncode:
        outcome["error"] = f"the wheel did not install: {pip.stderr}"
    return outcome
