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

Step 2 runs compile_modules.py beside this file, in a process of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


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
        script = Path(__file__).with_name("compile_modules.py")
        proc = subprocess.run(
            [sys.executable, str(script), str(out), self.root, *modules],
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
