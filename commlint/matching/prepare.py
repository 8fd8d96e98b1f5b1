"""Prepare the compiled patterns at build time, so the first run after installing is as fast
as any later one: ``python -m commlint.matching.prepare OUT`` (run by hatch_build.py for the wheel).

It compiles every built-in rule's patterns, the module-level patterns, the facts the
pattern cache remembers, the methods of the dataclasses a check creates (see
``commlint.startup.cache_dataclass_code``) and the standard ``re`` patterns written in the code
(``commlint.startup.cache_re_code``), by building a linter with every rule on, linting
a sample of each format and running ``commlint check`` on one, then writes those records to
``OUT`` (commlint/_prepared/patterns.marshal in the wheel). At run time regex_cache reads
that file, read-only, only if it belongs to the user or the administrator, nobody else can
write it and its checksum matches this exact regex release and Python (see regex_cache.py).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile
from pathlib import Path

#: modules with patterns of their own that a lint does not reach (optional extras may be absent)
MODULES = ("commlint.rules.docgen", "commlint.output.junit", "commlint.output.ruleinfo", "commlint.lsp.code_actions")


def prepare(out: Path) -> int:
    """Compile everything into a fresh cache, then write it to ``out``; the record count."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["COMMLINT_CACHE_DIR"] = folder
        os.environ.pop("COMMLINT_NO_CACHE", None)
        from commlint import startup

        startup.cache_re_code()  # the standard re patterns written in the code, compiled once
        startup.cache_dataclass_code()  # the dataclasses' generated methods, compiled once
        from commlint.cli import main as cli
        from commlint.config import Config
        from commlint.engine.linter import Linter
        from commlint.matching import regex_cache
        from commlint.source.decode import decode

        for name in MODULES:
            with contextlib.suppress(ImportError):  # an optional extra that is not installed
                importlib.import_module(name)
        for config in (Config.default(), Config.default().replace(select=["ALL"])):
            linter = Linter(config)
            sample = "\n\n".join(e for rule in linter.all_rules for e in rule.examples_flag)
            for suffix, text in (
                ("md", f"# A draft\n\n{sample}\n"),
                ("txt", sample),
                ("html", f"<p>{sample}</p>"),
            ):
                linter.lint(decode(text.encode("utf-8"), f"sample.{suffix}"))
        # what a `commlint check` of one file reaches beyond the linter (its options, report, output)
        sample_file = Path(folder) / "sample.md"
        sample_file.write_text("# A draft\n\nOur product is totally secure.\n", encoding="utf-8")
        cli(["check", str(sample_file), "--output", str(Path(folder) / "report.txt")])
        startup.uncache_dataclass_code()
        startup.uncache_re_code()
        count = regex_cache._cache().write_prepared(out)
        regex_cache._cache()._dirty = False  # nothing to leave in the temporary folder
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m commlint.matching.prepare OUT\n")
        return 2
    count = prepare(Path(argv[0]))
    sys.stderr.write(f"commlint: prepared {count} compiled patterns in {argv[0]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
