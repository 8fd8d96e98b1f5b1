"""Wheel build hook (hatchling): two steps for a regular wheel; an editable install skips both.

1. Prepare commlint's compiled patterns (commlint/matching/prepare.py) into the wheel, so the first
   run after installing pays no pattern compiling. If preparing fails (a build environment without
   the runtime dependencies), the wheel is built without the file and the first run compiles and
   caches as before.
2. Compile the hot modules that pyproject.toml lists (``compiled`` under
   ``[tool.hatch.build.targets.wheel.hooks.custom]``) with mypyc, as black and mypy ship: the
   extensions go into the wheel beside the ``.py`` sources, which stay, and the wheel is tagged
   for this Python and platform. ``COMMLINT_COMPILE=0`` builds the pure-Python wheel without
   trying; any failure (no C compiler, no mypyc, a compile error) prints one line and builds the
   pure-Python wheel, which works the same, only slower.

Run as a script, ``python hatch_build.py OUT ROOT MODULE...`` is step 2 alone: it builds the
modules' extensions under OUT/lib (OUT is its working folder) and exits non-zero on any failure,
its last line of output saying why.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: the build's one shared library of compiled code, ``commlint__mypyc.<ext suffix>`` in the wheel
GROUP = "commlint"


class CommlintBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install runs from the checkout, with the user's cache
        self._temporary: list[str] = []
        self._prepare_patterns(build_data)
        self._compile_modules(build_data)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        for folder in getattr(self, "_temporary", ()):  # the wheel is written: its inputs can go
            shutil.rmtree(folder, ignore_errors=True)

    def _scratch(self, prefix: str) -> Path:
        folder = tempfile.mkdtemp(prefix=prefix)
        self._temporary.append(folder)
        return Path(folder)

    def _prepare_patterns(self, build_data: dict[str, Any]) -> None:
        out = self._scratch("commlint-prepared-") / "patterns.marshal"
        # The checkout first, then what the build environment already puts on the path: pip's
        # isolated build environment is on PYTHONPATH, and replacing it would leave a fresh
        # venv's `pip install .` without the runtime dependencies (and the wheel unprepared).
        path = [self.root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        proc = subprocess.run(
            [sys.executable, "-m", "commlint.matching.prepare", str(out)],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or not out.exists():
            sys.stderr.write(f"commlint: compiled patterns not prepared ({proc.stderr.strip()[-300:]})\n")
            return
        build_data["force_include"][str(out)] = "commlint/_prepared/patterns.marshal"

    def _compile_modules(self, build_data: dict[str, Any]) -> None:
        modules = [str(m) for m in self.config.get("compiled", [])]
        if not modules or os.environ.get("COMMLINT_COMPILE", "").strip() == "0":
            return
        out = self._scratch("commlint-mypyc-")
        # A process of its own, in the scratch folder: mypy and setuptools read configuration from
        # the working folder (the checkout's pyproject.toml is not for them), setuptools patches
        # itself when mypyc loads, and a compiler's failure must not end this build.
        proc = subprocess.run(
            [sys.executable, __file__, str(out), self.root, *modules],
            cwd=out,
            capture_output=True,
            text=True,
        )
        lib = out / "lib"
        built = sorted(p for p in lib.rglob("*") if p.is_file()) if proc.returncode == 0 else []
        if not built:
            sys.stderr.write(f"commlint: modules not compiled ({_reason(proc.stdout + proc.stderr)})\n")
            return
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(lib).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


def _reason(output: str) -> str:
    """The line of a failed compile's output that says why: its first error (mypyc's first type
    error, the compiler's own message before setuptools' "command failed"), else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower()]  # not "-Werror" in a command line
    reason = errors[0] if errors else (lines or ["no output"])[-1]
    return reason if len(reason) <= 300 else reason[:297] + "..."


def _c_compiler() -> str | None:
    """The C compiler setuptools will call, if it is not on PATH (checked before mypyc's run,
    which takes most of a compile's time); None when it is there or cannot be told (MSVC)."""
    command = os.environ.get("CC") or sysconfig.get_config_var("CC")
    if not command or sys.platform == "win32":
        return None
    program = shlex.split(str(command))[0]
    return None if shutil.which(program) else program


def _jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def compile_modules(out: Path, root: Path, modules: list[str]) -> None:
    """mypyc, then setuptools' build_ext, with every file under ``out``: extensions in out/lib."""
    missing = _c_compiler()
    if missing:
        raise SystemExit(f"error: no C compiler ({missing} not found)")
    # setuptools loaded before mypycify() runs: it builds setuptools' Extension only then
    from mypyc.build import mypycify
    from setuptools import Distribution
    from setuptools.command.build_ext import build_ext

    extensions = mypycify(
        # the project's own mypy settings (hook specs' empty bodies, missing stubs), not a user's
        ["--config-file", str(root / "pyproject.toml"), *(str(root / m) for m in modules)],
        # one C file a module: the two cores compile them side by side (_ParallelBuildExt)
        multi_file=True,
        target_dir=str(out / "c"),
        group_name=GROUP,
    )
    jobs = _jobs()

    class _ParallelBuildExt(build_ext):  # type: ignore[misc]
        """build_ext compiling an extension's C files side by side (setuptools' own ``parallel``
        only builds whole extensions side by side, and nearly all the code is in one)."""

        def build_extensions(self) -> None:
            compile_each: Callable[..., list[str]] = self.compiler.compile

            def compile_all(sources: list[str], *args: Any, **kwargs: Any) -> list[str]:
                # the largest first, so the last file to finish is a small one
                order = sorted(sources, key=lambda s: -os.path.getsize(s))
                with ThreadPoolExecutor(jobs) as pool:
                    done = dict(zip(order, pool.map(lambda s: compile_each([s], *args, **kwargs), order), strict=True))
                return [obj for source in sources for obj in done[source]]

            self.compiler.compile = compile_all
            super().build_extensions()

    command = _ParallelBuildExt(Distribution({"name": "commlint-compiled", "ext_modules": extensions}))
    command.build_lib = str(out / "lib")
    command.build_temp = str(out / "temp")
    command.ensure_finalized()
    command.run()


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: python hatch_build.py OUT ROOT MODULE...")
    compile_modules(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
