"""Compile commlint modules with mypyc: ``python compile_modules.py OUT ROOT MODULE...``.

The wheel build (hatch_build.py) runs this for the modules pyproject.toml lists; run it by hand
to check that a module still compiles (CONTRIBUTING.md). mypyc turns the modules (paths under
ROOT, the checkout) into C, and setuptools' build_ext compiles that, the C files side by side on
every core; everything is written under OUT, the extensions under OUT/lib laid out as in the
wheel. Any failure exits non-zero, the first line with ``error:`` saying why.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import sysconfig
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

#: the build's one shared library of compiled code, ``commlint__mypyc.<ext suffix>`` in the wheel
GROUP = "commlint"


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
    if sys.implementation.name != "cpython":
        raise SystemExit(f"error: mypyc compiles for CPython, not {sys.implementation.name}")
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


def main(argv: list[str]) -> None:
    if len(argv) < 3:
        sys.exit("usage: python compile_modules.py OUT ROOT MODULE...")
    out, root = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(out)  # mypy and setuptools read settings from, and write to, their working folder
    compile_modules(out, root, argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
