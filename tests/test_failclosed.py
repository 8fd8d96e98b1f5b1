"""A rule that cannot finish fails the check (CL900, an error), and exceptions must sit near a match.

Issue 9: a rule past the per-document timeout used to be skipped with a warning, so a large
draft passed a ``--fail-level error`` gate, and which findings it got depended on the
machine's load. Now built-in rules run in linear time (tests/test_linear.py), and the budget
is only the last-resort guard, which fails closed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from helpers import pack_toml, phrase_rule, registered_plugin, write_project

from commlint.api import lint_text
from commlint.hookspecs import hookimpl
from commlint.rules.ruletypes.base import Finding, Rule

#: deliberately catastrophic: nested alternatives under ``+`` anchored at the end
SLOW = phrase_rule("FCS001", "slow-user-pattern", "style", "slow", "info", r"(?:a|aa|aaa)+$")
QUICK = phrase_rule("FCS002", "unhackable", "absolute", "Says {match}", "info", r"\bunhackable\b")


def _diagnostics(stdout: str) -> list[dict]:
    return [d for f in json.loads(stdout)["files"] for d in f["diagnostics"]]


@pytest.mark.parametrize("paragraphs", [2_000, pytest.param(20_000, marks=pytest.mark.slow)])
def test_every_absolute_paragraph_is_found_and_fails_the_gate(cli, tmp_path: Path, paragraphs: int) -> None:
    # The reported case (20,000 paragraphs, ~25 s of CPU, so CI's slow run): with rules
    # skipped on timeout it exited 0 at --fail-level error.
    paragraph = "The vault is unhackable and risk-free."
    (tmp_path / "vault.txt").write_text(f"{paragraph}\n\n" * paragraphs, encoding="utf-8")
    proc = cli("check", "vault.txt", "--select", "ABS102", "--fail-level", "error", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    diags = _diagnostics(proc.stdout)
    assert Counter(d["rule"] for d in diags) == {"ABS102": 2 * paragraphs}  # two claims in each
    lines = Counter(d["line"] for d in diags)
    assert set(lines) == set(range(1, 2 * paragraphs, 2)) and set(lines.values()) == {2}
    assert {(d["column"], d["end_column"]) for d in diags} == {(14, 24), (29, 38)}  # the two words


def test_a_rule_past_its_budget_is_an_error_that_fails_any_fail_level(cli, tmp_path: Path) -> None:
    write_project(tmp_path, pack_toml("failclosed", SLOW, QUICK), "fc.toml", ["FCS"], "timeout = 0.05\n")
    (tmp_path / "draft.txt").write_text("Our vault is unhackable. " + "a" * 80 + "!\n", encoding="utf-8")
    proc = cli("check", "draft.txt", "--fail-level", "error", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # only info findings otherwise: exit 0 before
    assert "Traceback" not in proc.stderr
    diags = _diagnostics(proc.stdout)
    assert [(d["rule"], d["severity"], d["scope"], d["category"]) for d in diags] == [
        ("CL900", "error", "document", "internal"),
        ("FCS002", "info", "span", "absolute"),  # the other rule still ran
    ]
    assert "FCS001 (slow-user-pattern) timed out after 0.05s" in diags[0]["message"]
    assert "check fails" in diags[0]["message"]
    text = cli("check", "draft.txt", "--fail-level", "error", cwd=tmp_path)
    assert text.returncode == 1
    assert "CL900 [error]" in text.stdout and "All clear" not in text.stdout


class GrindingRule(Rule):
    """A Python rule whose every call is quick but which never finishes: no regex-level timeout
    can stop it, only the per-rule budget checked between calls."""

    id = "FCP001"
    name = "grinding"
    category = "style"
    severity = "info"
    message = "never"

    def check(self, doc, ctx) -> Iterator[Finding]:
        word = regex.compile(r"\bvault\b")
        while True:
            for m in ctx.finditer(word, doc.prose):
                if m.start() < 0:  # never: the rule only grinds
                    yield Finding(m.start(), m.end())


class _Plugin:
    @hookimpl
    def commlint_rules(self, config):
        return [GrindingRule()]


def test_the_budget_stops_a_rule_between_calls_and_fails_closed() -> None:
    with registered_plugin(_Plugin(), "failclosed-grinding"):
        diags = lint_text("The vault. " * 50, config={"select": ["FCP001"], "timeout": 0.05})
    assert [(d.rule, d.severity, d.scope) for d in diags] == [("CL900", "error", "document")]
    assert "FCP001 (grinding)" in diags[0].message


def test_a_long_document_gets_a_proportional_budget() -> None:
    # One second per 100,000 characters: a linear rule must not fail for a document being long.
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.rules.ruletypes.base import BUDGET_CHARS, CheckContext
    from commlint.source.decode import Source

    linter = Linter(Config.from_dict({"select": ["ABS102"], "timeout": 0.5}))
    ctx = CheckContext(timeout=0.5)
    ctx.begin(linter.document(Source(text="x" * (3 * BUDGET_CHARS), path="a.txt")))
    assert ctx.budget == pytest.approx(1.5)
    ctx.begin(linter.document(Source(text="short", path="a.txt")))
    assert ctx.budget == pytest.approx(0.5)


# -- exceptions near the match ----------------------------------------------------------------


def test_a_trial_offer_no_longer_excuses_an_unhackable_claim(cli, tmp_path: Path) -> None:
    (tmp_path / "offer.txt").write_text(
        "Start a risk-free trial of our totally unhackable vault.\nStart your risk-free trial today.\n",
        encoding="utf-8",
    )
    proc = cli("check", "offer.txt", "--select", "ABS102", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert [(d["line"], d["column"], d["message"]) for d in _diagnostics(proc.stdout)] == [
        (1, 40, "Absolute protection claim: “unhackable”.")
    ]


FAR = phrase_rule(
    "FCW001",
    "guaranteed",
    "absolute",
    "Guarantee: {match}",
    "warning",
    r"\bguaranteed\b",
    exceptions=[r"\bno one can promise\b"],
)
#: the exception 40 words (about 250 characters) before the claim, in one long sentence
LONG = "No one can promise that " + "the quarterly plan and its many parts " * 7 + "are guaranteed to ship.\n"


@pytest.mark.parametrize(("extra", "flagged"), [("", True), ("[rules.FCW001]\nexceptions-window = 400\n", False)])
def test_exceptions_window_decides_how_near_an_exception_must_be(cli, tmp_path, extra, flagged) -> None:
    write_project(tmp_path, pack_toml("near", FAR), "near.toml", ["FCW"], extra)
    (tmp_path / "long.txt").write_text(LONG, encoding="utf-8")
    (tmp_path / "short.txt").write_text("No one can promise the parts are guaranteed.\n", encoding="utf-8")
    proc = cli("check", "long.txt", "short.txt", "--format", "json", cwd=tmp_path)
    found = [(f["path"], d["message"]) for f in json.loads(proc.stdout)["files"] for d in f["diagnostics"]]
    assert found == ([("long.txt", "Guarantee: guaranteed")] if flagged else [])
    assert proc.returncode == (1 if flagged else 0), proc.stderr


@pytest.mark.parametrize("value", ["-1", "'wide'", "true"])
def test_a_bad_exceptions_window_is_a_one_line_error(cli, tmp_path, value) -> None:
    rule = FAR.replace("[[rule]]\n", f"[[rule]]\nexceptions-window = {value}\n")
    write_project(tmp_path, pack_toml("near", rule), "near.toml", ["FCW"])
    (tmp_path / "a.txt").write_text("It is guaranteed.\n", encoding="utf-8")
    proc = cli("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "near.toml" in line and "exceptions-window" in line and "whole number" in line


def test_a_bad_exceptions_window_in_config_names_the_config(cli, tmp_path) -> None:
    write_project(tmp_path, pack_toml("near", FAR), "near.toml", ["FCW"], "[rules.FCW001]\nexceptions-window = -5\n")
    (tmp_path / "a.txt").write_text("It is guaranteed.\n", encoding="utf-8")
    proc = cli("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "commlint.toml" in line and "FCW001" in line and "exceptions-window" in line


# -- the editor sees it too ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_language_server_publishes_cl900_as_an_error(tmp_path: Path) -> None:
    pytest.importorskip("pytest_lsp")
    from lsprotocol import types as lsp
    from test_lsp import next_diagnostics, open_doc, session

    write_project(tmp_path, pack_toml("failclosed", SLOW, QUICK), "fc.toml", ["FCS"], "timeout = 0.05\n")
    uri = (tmp_path / "draft.md").as_uri()
    text = "# Vault\n\nOur vault is unhackable. " + "a" * 80 + "\n"
    async with session(tmp_path) as client:
        published = await next_diagnostics(
            client, uri, open_doc(client, uri, text), until=lambda p: any(d.code == "CL900" for d in p.diagnostics)
        )
    by_code = {d.code: d for d in published.diagnostics}
    assert set(by_code) == {"CL900", "FCS002"}
    cl900 = by_code["CL900"]
    assert cl900.severity == lsp.DiagnosticSeverity.Error
    assert cl900.range.start == lsp.Position(line=0, character=0)
    assert "FCS001" in cl900.message
