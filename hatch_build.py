"""Wheel build hook: prepare commlint's compiled patterns (commlint/matching/prepare.py) into the wheel,
so the first run after installing pays no pattern compiling. If preparing fails (a build
environment without the runtime dependencies), the wheel is built without the file and the
first run compiles and caches as before."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PreparePatternsHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install runs from the checkout, with the user's cache
        out = Path(tempfile.mkdtemp(prefix="commlint-prepared-")) / "patterns.marshal"
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
