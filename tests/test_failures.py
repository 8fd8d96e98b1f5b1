"""Failures that must not end a run: a bad config fails only its own paths, a plugin that
raises in any hook (or a rule that returns a bad span) becomes CL901, and the exit code judges
each file by its own fail level."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from helpers import pack_toml, registered_plugin, totally_secure, write_pack

from commlint.api import lint_result, lint_text, run
from commlint.engine import grammar
from commlint.hookspecs import hookimpl
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import Finding, Rule
from commlint.rules.ruletypes.phrase import PhraseRule
from commlint.source.decode import Source

PACK = pack_toml("failtest", totally_secure("FLT101"))
CLAIM = "Vendavo Ltd says its ledger is totally secure.\n"


def project(folder: Path, config: str = "", text: str = CLAIM, name: str = "draft.md") -> Path:
    """``folder`` with the FLT pack, a commlint.toml selecting it (plus ``config``) and a draft."""
    write_pack(folder, PACK)
    (folder / "commlint.toml").write_text(f"packs = ['pack.toml']\nselect = ['FLT']\n{config}", encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def assert_one_clean_error_line(stderr: str, expected: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("commlint: error: ") and expected in lines[0], stderr


# -- a bad config fails only the paths it governs -------------------------------------------------


@pytest.mark.parametrize(
    ("bad_config", "problem"),
    [
        ("select = 'FLT'\n", "'select' must be a list"),
        ("select = [\n", "commlint.toml: "),  # not TOML at all
        ("select = ['NOPE999']\n", "select: unknown rule id or selector 'NOPE999'"),  # fails when rules are built
    ],
)
def test_a_bad_config_fails_only_its_own_folder(tmp_path, bad_config, problem):
    project(tmp_path / "good")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "commlint.toml").write_text(bad_config, encoding="utf-8")
    (bad / "one.md").write_text(CLAIM, encoding="utf-8")
    (bad / "two.md").write_text(CLAIM, encoding="utf-8")
    for order in (["bad", "good"], ["good", "bad"]):
        proc = run_cli("check", "--format", "json", *order, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        # One line for the broken file, not one per file it governs.
        assert_one_clean_error_line(proc.stderr, f"{bad / 'commlint.toml'}: ")
        assert problem in proc.stderr
        out = json.loads(proc.stdout)
        assert [(Path(f["path"]).as_posix(), [d["rule"] for d in f["diagnostics"]]) for f in out["files"]] == [
            ("good/draft.md", ["FLT101"])
        ]


def test_a_good_config_below_a_broken_one_still_governs_its_folder(tmp_path):
    (tmp_path / "commlint.toml").write_text("fail-level = 'loud'\n", encoding="utf-8")
    (tmp_path / "top.md").write_text(CLAIM, encoding="utf-8")
    project(tmp_path / "team")
    proc = run_cli("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert_one_clean_error_line(proc.stderr, f"{tmp_path / 'commlint.toml'}: 'fail-level' must be one of")
    assert "team/draft.md:1:32: FLT101 [error]" in proc.stdout
    assert "top.md" not in proc.stdout


def test_the_api_collects_config_errors_per_path_and_lint_paths_raises_the_config_error(tmp_path, monkeypatch):
    project(tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "pyproject.toml").write_text("[tool.commlint]\nignore = 5\n", encoding="utf-8")
    (tmp_path / "bad" / "x.md").write_text(CLAIM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = run(["bad/x.md", "good"])
    assert report.errors == [f"{tmp_path / 'bad' / 'pyproject.toml'}: 'ignore' must be a list"]
    assert [d.rule for d in report.diagnostics] == ["FLT101"]
    assert report.exit_code() == 2
    import commlint

    with pytest.raises(commlint.ConfigError, match="'ignore' must be a list"):
        commlint.lint_paths(["good", "bad"])


# -- the exit code judges each file by its own fail level ------------------------------------------


@pytest.mark.parametrize(
    ("flagged", "expected"),
    [
        ("lax", 0),  # the lax folder's warning is below its own fail level 'error'
        ("strict", 1),  # the strict folder's warning fails at its own level 'warning'
    ],
)
def test_exit_code_does_not_depend_on_argument_order(tmp_path, flagged, expected):
    for name, level in (("lax", "error"), ("strict", "warning")):
        text = CLAIM if name == flagged else "Vendavo Ltd ships a ledger.\n"
        project(tmp_path / name, f"fail-level = '{level}'\nseverity = {{ FLT101 = 'warning' }}\n", text)
    results = []
    for order in (["lax", "strict"], ["strict", "lax"]):
        proc = run_cli("check", "--format", "json", *order, cwd=tmp_path)
        assert proc.stderr == ""
        summary = json.loads(proc.stdout)["summary"]
        results.append((proc.returncode, summary["failed"], summary["fail_level"]))
    assert results == [(expected, bool(expected), "warning")] * 2


def test_junit_fails_each_file_at_its_own_level(tmp_path):
    for name, level in (("lax", "error"), ("strict", "warning")):
        project(tmp_path / name, f"fail-level = '{level}'\nseverity = {{ FLT101 = 'warning' }}\n")
    proc = run_cli("check", "--format", "junit", "strict", "lax", cwd=tmp_path)
    assert proc.returncode == 1
    cases = {c.get("name", ""): c for c in ET.fromstring(proc.stdout).iter("testcase")}
    assert sorted(cases) == ["lax/draft.md", "strict/draft.md"]
    assert cases["strict/draft.md"].find("failure") is not None
    assert cases["lax/draft.md"].find("failure") is None  # its warning is below 'error'
    assert "FLT101" in (cases["lax/draft.md"].findtext("system-out") or "")


# -- plugins that raise ------------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def cl901(diags: list[Any]) -> list[str]:
    return [d.message for d in diags if d.rule == "CL901"]


@pytest.fixture()
def cfg(tmp_path) -> dict[str, Any]:
    """A config of its own (a fresh pack path), so no linter built in another test is reused."""
    return {"packs": [str(write_pack(tmp_path / "pack", PACK))], "select": ["FLT"]}


class RaisingConfigure:
    @hookimpl
    def commlint_configure(self, config):
        raise Boom("configure exploded")


class RaisingRuleTypes:
    @hookimpl
    def commlint_rule_types(self):
        raise Boom("no types today")


class RaisingRulePacks:
    @hookimpl
    def commlint_rule_packs(self):
        raise Boom("no packs today")


class NotAListOfPacks:
    @hookimpl
    def commlint_rule_packs(self):
        return "/one/path/as/a/string"  # would be walked letter by letter


class RaisingLexicons:
    @hookimpl
    def commlint_lexicon_paths(self):
        raise Boom("no lexicons today")


class RaisingRules:
    @hookimpl
    def commlint_rules(self, config):
        raise Boom("no rules today")


class RaisingFormat:
    @hookimpl(tryfirst=True)
    def commlint_document_format(self, source, format):
        raise Boom("cannot parse anything")


class Wrapper:
    @hookimpl(wrapper=True)
    def commlint_rule_packs(self):
        return (yield)


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (RaisingConfigure(), "failed in commlint_configure and its contribution was skipped: Boom: configure exploded"),
        (RaisingRuleTypes(), "failed in commlint_rule_types and its contribution was skipped: Boom: no types today"),
        (RaisingRulePacks(), "failed in commlint_rule_packs and its contribution was skipped: Boom: no packs today"),
        (NotAListOfPacks(), "failed in commlint_rule_packs and its contribution was skipped: returned '/one/path"),
        (RaisingLexicons(), "failed in commlint_lexicon_paths and its contribution was skipped: Boom: no lexicon"),
        (RaisingRules(), "failed in commlint_rules and its contribution was skipped: Boom: no rules today"),
        (RaisingFormat(), "failed in commlint_document_format and its contribution was skipped: Boom: cannot parse"),
        (Wrapper(), "failed in commlint_rule_packs and was not run: hook wrappers are not supported"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else "",
)
def test_a_plugin_that_raises_in_a_hook_is_cl901_and_the_rest_still_reports(cfg, plugin, expected):
    with registered_plugin(plugin, "acme-broken"):
        diags = lint_text(CLAIM, path="draft.md", config=cfg)
    assert [(d.rule, d.severity, d.scope) for d in diags] == [
        ("CL901", "error", "document"),
        ("FLT101", "error", "span"),  # the other plugins' (and the built-ins') rules still ran
    ]
    assert diags[0].message.startswith("plugin 'acme-broken' ")
    assert expected in diags[0].message


def test_file_extensions_failure_is_reported_on_every_linted_file(tmp_path, monkeypatch):
    class RaisingExtensions:
        @hookimpl
        def commlint_file_extensions(self):
            raise Boom("no extensions")

    project(tmp_path)
    (tmp_path / "notes.txt").write_text("Vendavo is totally secure.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with registered_plugin(RaisingExtensions(), "acme-ext"):
        report = run(["."])
    assert report.errors == []
    by_file = {r.path: [d.rule for d in r.diagnostics] for r in report.results}
    # The built-in extensions still apply: both files were found and linted.
    assert by_file == {"draft.md": ["CL901", "FLT101"], "notes.txt": ["CL901", "FLT101"]}
    assert cl901(report.diagnostics)[0] == (
        "plugin 'acme-ext' failed in commlint_file_extensions and its contribution was skipped: Boom: no extensions"
    )
    assert report.exit_code() == 1


def test_a_format_plugin_that_raises_for_its_own_format_is_an_error_naming_it(tmp_path, monkeypatch):
    class NoteFormat:
        @hookimpl
        def commlint_file_extensions(self):
            return {".note": "note"}

        @hookimpl
        def commlint_document_format(self, source: Source, format: str) -> Document | None:
            if format == "note":
                raise Boom("note parser broke")
            return None

    project(tmp_path)
    (tmp_path / "memo.note").write_text(CLAIM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with registered_plugin(NoteFormat(), "acme-note"):
        report = run(["."])
    assert report.errors == [
        "memo.note: no parser for format 'note'; plugin 'acme-note' failed: Boom: note parser broke"
    ]
    assert [r.path for r in report.results] == ["draft.md"]
    assert report.exit_code() == 2


@pytest.fixture()
def fresh_grammar() -> Iterator[None]:
    grammar.reset()
    yield
    grammar.reset()


def test_a_grammar_backend_that_raises_is_cl901_and_the_next_backend_answers(cfg, fresh_grammar):
    class GoodBackend:
        @hookimpl
        def commlint_grammar_check(self, text, config):
            start = text.index("ledger")
            return [{"start": start, "end": start + 6, "message": "odd word", "rule": "T1"}]

    class BrokenBackend:
        @hookimpl
        def commlint_grammar_check(self, text, config):
            raise Boom("grammar server fell over")

    config = {**cfg, "select": ["FLT", "grammar"], "grammar": {"enabled": True}}
    with registered_plugin(GoodBackend(), "good-grammar"), registered_plugin(BrokenBackend(), "broken-grammar"):
        diags = lint_text(CLAIM, path="draft.md", config=config)
    assert [d.rule for d in diags] == ["CL901", "GRM001", "FLT101"]
    assert cl901(diags) == [
        "plugin 'broken-grammar' failed in commlint_grammar_check and its contribution was skipped: "
        "Boom: grammar server fell over"
    ]


# -- rules that raise or answer nonsense ---------------------------------------------------------------


class BadSpans(Rule):
    id = "FLT201"
    name = "bad-spans"
    category = "test"
    message = "bad span"

    def check(self, doc: Document, ctx: Any) -> Any:
        length = len(doc.prose)
        yield Finding(length - 3, length + 40)  # past the end
        yield Finding(9, 2)  # start after end
        yield Finding("3", 5)  # type: ignore[arg-type]  # not an int
        yield Finding(0, 7)  # fine: still reported


class RaisingType(PhraseRule):
    type = "raising"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        raise Boom(f"{where}: cannot build")


class RulesPlugin:
    @hookimpl
    def commlint_rules(self, config):
        return [BadSpans()]

    @hookimpl
    def commlint_rule_types(self):
        return {"raising": RaisingType}


def test_a_rule_with_bad_spans_is_cl901_per_bad_finding_and_its_good_ones_stay(tmp_path):
    pack = write_pack(tmp_path, pack_toml("raisers", totally_secure("FLT102", type="raising")), "raisers.toml")
    config = {"packs": [str(pack), str(write_pack(tmp_path / "p", PACK))], "select": ["FLT"]}
    with registered_plugin(RulesPlugin(), "acme-rules"):
        result = lint_result(CLAIM, path="draft.txt", config=config)
    diags, length = result.diagnostics, len(result.document.prose)
    assert [(d.rule, d.start, d.end) for d in diags] == [
        ("CL901", 0, 0),
        ("CL901", 0, 0),
        ("CL901", 0, 0),
        ("CL901", 0, 0),
        ("FLT201", 0, 7),
        ("FLT101", 31, 45),
    ]
    messages = cl901(diags)
    assert messages[0].startswith("plugin 'acme-rules' failed in rule type 'raising' building ")
    assert messages[0].endswith(
        f"raisers.toml: rule FLT102 and its contribution was skipped: Boom: {pack}: rule FLT102: cannot build"
    )
    bad = "plugin 'acme-rules' failed in the check of rule FLT201 (bad-spans) and the finding was dropped: "
    assert sorted(messages[1:]) == sorted(
        [
            bad + f"returned a finding with an invalid span ({length - 3}, {length + 40}) "
            f"for a prose view of {length} characters",
            bad + f"returned a finding with an invalid span (9, 2) for a prose view of {length} characters",
            bad + "returned a finding with a non-integer span ('3', 5)",
        ]
    )


# -- through the CLI, with a plugin installed from an entry point ------------------------------------

BROKEN_DIST = """
from commlint.hookspecs import hookimpl


@hookimpl
def commlint_rule_packs():
    raise RuntimeError("packs are broken")


@hookimpl
def commlint_formatters():
    raise RuntimeError("formatters are broken")


@hookimpl
def commlint_file_extensions():
    return {".memo": "text"}
"""


@pytest.fixture()
def broken_dist(tmp_path) -> dict[str, str]:
    """An installed-looking distribution (dist-info + entry point) on PYTHONPATH."""
    site = tmp_path / "site"
    info = site / "acme_broken-0.3.dist-info"
    info.mkdir(parents=True)
    (site / "acme_broken.py").write_text(BROKEN_DIST, encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-broken\nVersion: 0.3\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[commlint]\nacme = acme_broken\n", encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}


def test_cli_reports_plugin_failures_by_distribution_and_keeps_linting(tmp_path, broken_dist):
    work = tmp_path / "work"
    project(work)
    (work / "minutes.memo").write_text("It is totally secure.\n", encoding="utf-8")
    proc = run_cli("check", "--format", "json", ".", cwd=work, env=broken_dist)
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    assert proc.returncode == 1
    files = {f["path"]: f["diagnostics"] for f in json.loads(proc.stdout)["files"]}
    assert sorted(files) == ["draft.md", "minutes.memo"]  # the plugin's extension still counted
    for diags in files.values():
        assert [d["rule"] for d in diags] == ["CL901", "CL901", "FLT101"]
        assert sorted(d["message"] for d in diags[:2]) == [
            "plugin 'acme' (acme-broken 0.3) failed in commlint_formatters and its contribution was skipped: "
            "RuntimeError: formatters are broken",
            "plugin 'acme' (acme-broken 0.3) failed in commlint_rule_packs and its contribution was skipped: "
            "RuntimeError: packs are broken",
        ]
    # The built-in packs are still loaded: the default rules run when FLT is not selected.
    (work / "commlint.toml").unlink()
    proc = run_cli("check", "draft.md", cwd=work, env=broken_dist)
    assert proc.returncode == 1 and "ABS101" in proc.stdout and "CL901" in proc.stdout


def test_cli_a_formatter_that_raises_is_one_error_line(tmp_path):
    site = tmp_path / "site"
    info = site / "acme_fmt-1.0.dist-info"
    info.mkdir(parents=True)
    (site / "acme_fmt.py").write_text(
        "from commlint.hookspecs import hookimpl\n\n\n@hookimpl\ndef commlint_formatters():\n"
        "    def write(report, stream, options):\n        raise ValueError('cannot write')\n\n"
        "    return {'acme': write}\n",
        encoding="utf-8",
    )
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-fmt\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[commlint]\nacmefmt = acme_fmt\n", encoding="utf-8")
    project(tmp_path)
    env = {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    proc = run_cli("check", "--format", "acme", "draft.md", cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert_one_clean_error_line(
        proc.stderr, "plugin 'acmefmt' (acme-fmt 1.0) failed in its 'acme' formatter: ValueError: cannot write"
    )


def test_cli_rules_lists_the_other_rules_and_warns_about_the_broken_plugin(tmp_path, broken_dist):
    proc = run_cli("rules", cwd=tmp_path, env=broken_dist)
    assert proc.returncode == 0 and "ABS101" in proc.stdout
    assert proc.stderr == (
        "commlint: warning: plugin 'acme' (acme-broken 0.3) failed in commlint_rule_packs and its contribution "
        "was skipped: RuntimeError: packs are broken\n"
    )


def test_a_reader_that_goes_away_is_not_reported_as_a_formatter_failure(tmp_path):
    """`commlint check ... | head -1`: the closed pipe ends the run quietly, as before."""
    project(tmp_path, text=CLAIM * 400)
    proc = subprocess.Popen(
        [sys.executable, "-m", "commlint", "check", "draft.md"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"draft.md:1:32: FLT101")
    proc.stdout.close()  # like `head -1` exiting
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 2
    assert "formatter" not in stderr and "Traceback" not in stderr
