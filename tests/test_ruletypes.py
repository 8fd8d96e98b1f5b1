"""Every rule type through real documents, with exact positions; timeouts; offline readability."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from helpers import hard_document, hard_paragraph, pack_toml, registered_plugin, rule_toml, write_pack

from commlint.api import lint_text
from commlint.hookspecs import hookimpl
from commlint.rules.ruletypes.base import Finding, Rule

PACK = pack_toml(
    "typestest",
    rule_toml(
        id="RTP001",
        name="never-fails",
        type="phrase",
        category="absolute",
        message="Absolute claim: {match}",
        patterns=[r"\bnever\s+fails?\b", r"\b100% accurate\b"],
        exceptions=[r"\bclaims?\b", r"\bno system\b"],
    ),
    rule_toml(
        id="RTS001",
        name="absolute-safety",
        type="substitution",
        category="absolute",
        message="Absolute safety claim: {match}",
        swap={
            r"\b(fully|totally) (safe|secure)\b": r"designed to be \2",
            r"\bguarantee(s)?\b": r"aim\1",
        },
    ),
    rule_toml(
        id="RTB001",
        name="unmitigated-risk",
        type="balance",
        category="unmitigated",
        message="Risk with no mitigation nearby",
        patterns=[r"\bposes?\s+(?:\w+\s+)?risks?\b"],
        requires=[r"\bmonitor\w*", r"\bsafeguards?\b"],
        window=1,
        look_behind=0,
    ),
    rule_toml(
        id="RTO001",
        name="danger-count",
        type="occurrence",
        category="alarmist",
        message="Too many alarm words",
        patterns=[r"\bdanger(?:ous)?\b", r"\bcatastroph\w*"],
        max=1,
        per="paragraph",
    ),
    rule_toml(
        id="RTO002",
        name="danger-per-sentence",
        type="occurrence",
        category="alarmist",
        message="Alarm words pile up",
        patterns=[r"\bdanger(?:ous)?\b"],
        max=1,
        per="sentence",
    ),
    hard_paragraph("RTR001"),
    hard_document("RTR002"),
    rule_toml(
        id="RTX001",
        name="catastrophic-user-pattern",
        type="phrase",
        category="style",
        message="slow",
        patterns=["(a|aa|aaa)+$"],
    ),
)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(tmp_path_factory.mktemp("typespack"), PACK)


def run(pack: Path, text: str, select: str, path: str = "a.md", **keys):
    return lint_text(text, path=path, config={"packs": [str(pack)], "select": [select], **keys})


def spans(diags) -> list[tuple[str, int, int, int, int]]:
    return [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in diags]


# -- phrase --------------------------------------------------------------------------------------


def test_phrase_matches_and_sentence_exceptions(pack):
    text = (
        "Our filter never fails. We never claim it never fails.\nNo system is 100% accurate; ours is 100% accurate.\n"
    )
    diags = run(pack, text, "RTP001")
    # Exceptions are searched in the match's sentence: the second sentence holds "claim" and the
    # third "no system", so all their matches are excepted, even "ours is 100% accurate".
    assert spans(diags) == [("RTP001", 1, 12, 1, 23)]
    assert diags[0].message == "Absolute claim: never fails"


def test_phrase_extend_exceptions_option(pack):
    text = "It never fails in tests.\n"
    assert spans(run(pack, text, "RTP001")) == [("RTP001", 1, 4, 1, 15)]
    assert run(pack, text, "RTP001", rules={"RTP001": {"extend-exceptions": [r"\bin tests\b"]}}) == []


# -- substitution --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "replacement"),
    [
        ("It is totally secure.", (1, 7, 1, 21), "designed to be secure"),
        ("Totally safe for kids.", (1, 1, 1, 13), "Designed to be safe"),
        ("IT IS FULLY SECURE!", (1, 7, 1, 19), "DESIGNED TO BE SECURE"),
        ("We guarantee uptime.", (1, 4, 1, 13), "aim"),  # an unmatched group expands to ""
        ("Guarantees apply.", (1, 1, 1, 11), "Aims"),
        ("It is fully\nsafe.", (1, 7, 2, 5), "designed to\nbe safe"),  # wrapped: safe, keeps the line break
    ],
)
def test_substitution_capture_groups_and_case(pack, text, span, replacement):
    (diag,) = run(pack, text, "RTS001")
    assert (diag.line, diag.column, diag.end_line, diag.end_column) == span
    first = diag.suggestions[0]
    assert (first.text, first.safe, first.needs_input) == (replacement, True, False)
    assert (first.start, first.end) == (diag.start, diag.end)


def test_substitution_across_markup_needs_input(pack):
    (diag,) = run(pack, "It is **totally** secure.", "RTS001")
    assert (diag.line, diag.column, diag.end_line, diag.end_column) == (1, 9, 1, 25)
    assert (diag.suggestions[0].safe, diag.suggestions[0].needs_input) == (False, True)


# -- balance -------------------------------------------------------------------------------------


def test_balance_window(pack):
    text = (
        "The model poses serious risks. We monitor it.\n\n"  # mitigated in the next sentence
        "The model poses risks. Nothing else. We monitor it.\n\n"  # two sentences later: too far
        "It poses a risk, so we added safeguards.\n"  # same sentence
    )
    assert spans(run(pack, text, "RTB001")) == [("RTB001", 3, 11, 3, 22)]
    # window = 2 reaches the third sentence
    assert run(pack, text, "RTB001", rules={"RTB001": {"window": 2}}) == []


def test_balance_look_behind_and_config_mitigations(pack):
    text = "We monitor use. The model poses risks.\n"
    assert spans(run(pack, text, "RTB001")) == [("RTB001", 1, 27, 1, 38)]
    assert run(pack, text, "RTB001", rules={"RTB001": {"look-behind": 1}}) == []
    (diag,) = run(pack, text, "RTB001", mitigations=["Access is limited to vetted partners."])
    (s,) = diag.suggestions
    assert (s.text, s.safe, s.start, s.end) == (
        " Access is limited to vetted partners.",
        False,
        38,
        38,
    )


def test_balance_default_suggestion_needs_input(pack):
    (diag,) = run(pack, "The model poses risks.\n", "RTB001")
    (s,) = diag.suggestions
    assert s.needs_input and not s.safe and s.start == s.end == 22


# -- occurrence ----------------------------------------------------------------------------------


def test_occurrence_max_per_paragraph(pack):
    text = "A danger. A dangerous\ncatastrophe.\n\nOne danger here.\n"
    (diag,) = run(pack, text, "RTO001")
    # Flagged at the first match past the maximum, with the count in the message and data.
    assert spans([diag]) == [("RTO001", 1, 13, 1, 22)]
    assert diag.message == "Too many alarm words (3 in this paragraph; at most 1)"
    assert diag.data == {"count": 3, "max": 1}
    assert run(pack, text, "RTO001", rules={"RTO001": {"max": 3}}) == []


def test_occurrence_max_per_sentence(pack):
    text = "A danger. A dangerous danger.\n"
    assert spans(run(pack, text, "RTO002")) == [("RTO002", 1, 23, 1, 29)]


# -- readability ---------------------------------------------------------------------------------

HARD = (
    "Notwithstanding the aforementioned considerations, the organisation's comprehensive "
    "institutional governance infrastructure necessitates continuous multidisciplinary "
    "evaluation of heterogeneous operational vulnerabilities, particularly regarding "
    "sophisticated adversarial manipulation methodologies and unprecedented technological "
    "capabilities.\n"
)
EASY = (
    "We made a new tool. It is fast. It is cheap. You can try it now. "
    "Tell us what you think of it. We read every note.\n"
)


def test_readability_per_paragraph_and_document(pack):
    text = EASY + "\n" + HARD
    (para,) = run(pack, text, "RTR001")
    assert (para.rule, para.scope, para.line, para.column, para.end_line, para.end_column) == (
        "RTR001",
        "span",
        3,
        1,
        3,
        len(HARD),
    )
    assert para.data["metric"] == "flesch_kincaid_grade" and para.data["value"] > 12
    assert para.message.startswith("Paragraph is hard to read (flesch kincaid grade ")
    (doc,) = run(pack, HARD, "RTR002")
    assert (doc.scope, doc.line, doc.column, doc.start, doc.end) == ("document", 1, 1, 0, 0)
    assert doc.data["value"] < 30
    assert run(pack, EASY, "RTR001") == [] and run(pack, EASY, "RTR002") == []


def test_readability_skips_short_text(pack):
    assert run(pack, "Notwithstanding multidisciplinary heterogeneity.\n", "RTR001") == []


SITECUSTOMIZE = '''
"""Test harness: no network at all, and a record of any attempt to reach it or NLTK."""
import os, socket, sys, types

LOG = os.environ["COMMLINT_TEST_NET_LOG"]

def _record(what):
    with open(LOG, "a") as fh:
        fh.write(what + "\\n")

def _refuse(*args, **kwargs):
    _record("socket")
    raise OSError("network disabled by the test")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse

def _download(*args, **kwargs):
    _record("nltk.download %r" % (args,))
    raise OSError("nltk.download called with the network disabled")

nltk = types.ModuleType("nltk")
nltk.download = _download
sys.modules["nltk"] = nltk  # what textstat 0.7.9-0.7.13 would call for English
'''


@pytest.mark.slow  # a `commlint check` process with sockets disabled (CI runs it)
def test_textstat_readability_works_offline(tmp_path, pack):
    """Readability runs with sockets disabled, and never tries nltk.download."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "net.log"
    (tmp_path / "commlint.toml").write_text(
        f"packs = [{json.dumps(str(pack))}]\nselect = ['RTR001', 'RTR002']\n", encoding="utf-8"
    )
    (tmp_path / "hard.md").write_text(HARD, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "COMMLINT_TEST_NET_LOG": str(log),
        "NO_COLOR": "1",
    }
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import socket\ntry:\n socket.create_connection(('pypi.org', 443))\nexcept OSError:\n print('blocked')",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert probe.stdout.strip() == "blocked"  # the harness really cuts the network
    log.unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "commlint", "check", "hard.md", "-q", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr  # info findings do not fail the run
    diags = json.loads(proc.stdout)["files"][0]["diagnostics"]
    assert sorted(d["rule"] for d in diags) == ["RTR001", "RTR002"]
    assert not log.exists(), log.read_text()
    # textstat counts syllables from the bundled CMU dictionary, offline: FIRE (F AY1 ER0) and
    # HOUR (AW1 ER0) have two each, where the hyphenation fallback would count one each.
    syl = subprocess.run(
        [sys.executable, "-c", "import textstat; print(textstat.syllable_count('fire hour'))"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert syl.returncode == 0 and syl.stdout.strip() == "4"
    assert not log.exists()


# -- regex timeout -------------------------------------------------------------------------------


def test_catastrophic_user_pattern_times_out_with_a_diagnostic(pack, cli, tmp_path):
    (tmp_path / "commlint.toml").write_text(
        f"packs = [{json.dumps(str(pack))}]\nselect = ['RTX001', 'RTP001']\ntimeout = 0.2\n",
        encoding="utf-8",
    )
    (tmp_path / "slow.txt").write_text("It never fails. " + "a" * 60 + "!\n", encoding="utf-8")
    proc = cli("check", "slow.txt", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    diags = json.loads(proc.stdout)["files"][0]["diagnostics"]
    assert [(d["rule"], d["scope"], d["line"], d["column"]) for d in diags] == [
        ("CL900", "document", 1, 1),
        ("RTP001", "span", 1, 4),  # the other rules still ran
    ]
    assert "RTX001" in diags[0]["message"] and "catastrophic-user-pattern" in diags[0]["message"]
    assert "timed out after 0.2s" in diags[0]["message"]


# -- Python class rules --------------------------------------------------------------------------


class ShoutingRule(Rule):
    """Flags words in capitals of four letters or more (a Python class rule)."""

    id = "PYR001"
    name = "shouting"
    category = "style"
    severity = "info"
    message = "Shouting: {match}"
    OPTIONS = {"min-length": int}

    def __init__(self) -> None:
        self.min_length = 4

    def configure(self, options, env) -> None:
        self.min_length = int(options.get("min-length", self.min_length))

    def check(self, doc, ctx) -> Iterator[Finding]:
        pattern = regex.compile(rf"\b\p{{Lu}}{{{self.min_length},}}\b")
        for m in ctx.finditer(pattern, doc.prose):
            yield Finding(m.start(), m.end())


class BrokenRule(Rule):
    id = "PYR002"
    name = "broken"
    message = "never"

    def check(self, doc, ctx):
        raise ValueError("boom")


class _TestPlugin:
    @hookimpl
    def commlint_rules(self, config):
        return [ShoutingRule(), BrokenRule()]


@pytest.fixture()
def python_rules() -> Iterator[None]:
    with registered_plugin(_TestPlugin(), "test-python-rules"):
        yield


def test_python_class_rule(python_rules):
    text = "# Launch\n\nCafé: it is VERY FAST and OK, `NOT PROSE`.\n"
    diags = lint_text(text, path="a.md", config={"select": ["PYR001"]})
    assert spans(diags) == [("PYR001", 3, 13, 3, 17), ("PYR001", 3, 18, 3, 22)]
    assert diags[0].message == "Shouting: VERY"
    diags = lint_text(text, path="a.md", config={"select": ["shouting"], "rules": {"shouting": {"min-length": 2}}})
    assert spans(diags)[-1] == ("PYR001", 3, 27, 3, 29)


def test_a_failing_python_rule_is_a_diagnostic_not_a_crash(python_rules):
    diags = lint_text("HELLO THERE\n", path="a.txt", config={"select": ["PYR"]})
    assert [(d.rule, d.scope) for d in diags] == [
        ("CL901", "document"),
        ("PYR001", "span"),
        ("PYR001", "span"),
    ]
    assert diags[0].message == (
        "plugin 'test-python-rules' failed in the check of rule PYR002 (broken) "
        "and the rule was skipped on this document: ValueError: boom"
    )


# -- docs/writing-rules.md -----------------------------------------------------------------------

WRITING_RULES = Path(__file__).resolve().parent.parent / "docs" / "writing-rules.md"


def _blocks(lang: str) -> list[str]:
    return regex.findall(rf"```{lang}\n(.*?)```", WRITING_RULES.read_text(encoding="utf-8"), flags=regex.DOTALL)


def test_writing_rules_pack_loads_and_its_examples_hold(tmp_path):
    (pack_text,) = [b for b in _blocks("toml") if b.startswith("[pack]")]
    pack = tmp_path / "acme.toml"
    pack.write_text(pack_text, encoding="utf-8")
    from commlint.config import Config
    from commlint.engine.linter import linter_for

    linter = linter_for(Config.from_dict({"packs": [str(pack)], "select": ["ACME"]}))
    rules = {r.id: r for r in linter.rules}
    assert set(rules) == {"ACME101", "ACME102", "ACME103", "ACME104", "ACME105"}
    assert {r.type for r in rules.values()} == {
        "phrase",
        "substitution",
        "balance",
        "occurrence",
        "readability",
    }
    for rule in rules.values():
        for text in rule.examples_flag:
            got = lint_text(text, config={"packs": [str(pack)], "select": [rule.id]})
            assert [d.rule for d in got] == [rule.id], (rule.id, text)
        for text in rule.examples_pass:
            assert lint_text(text, config={"packs": [str(pack)], "select": [rule.id]}) == [], (
                rule.id,
                text,
            )
    (d,) = lint_text(
        "It is the world's\nfirst safe assistant.",
        config={"packs": [str(pack)], "select": ["ACME101"]},
    )
    assert (d.line, d.column, d.end_line, d.end_column) == (1, 11, 2, 6)
    assert d.suggestions[0].needs_input


@pytest.mark.parametrize("number", [0, 1])
def test_writing_rules_vocabulary_and_extends_examples_hold(tmp_path, number):
    """The page's vocabulary and ``extends`` examples load, and flag exactly the marked spans."""
    blocks = [b for b in _blocks("toml") if "[[rule]]" in b and not b.startswith("[pack]")]
    assert len(blocks) == 2
    pack = tmp_path / "acme.toml"
    pack.write_text(blocks[number], encoding="utf-8")
    from commlint.config import Config
    from commlint.engine.linter import linter_for
    from commlint.rules.packcheck import check_packs
    from commlint.rules.ruletypes.data import DataRule

    config = {"packs": [str(pack)], "select": ["ACME"]}
    (rule,) = linter_for(Config.from_dict(config)).rules
    assert isinstance(rule, DataRule) and rule.examples_flag and rule.examples_pass
    for text, spans in zip(rule.examples_flag, rule.examples_flag_spans, strict=True):
        assert [(d.start, d.end) for d in lint_text(text, config=config)] == list(spans), text
    for text in rule.examples_pass:
        assert lint_text(text, config=config) == [], text
    assert [p for p in check_packs([pack]) if str(pack) in p] == []


def test_writing_rules_python_rule_runs(tmp_path):
    (code,) = _blocks("python")
    namespace: dict[str, object] = {"__name__": "writing_rules_example"}
    exec(compile(code, "docs/writing-rules.md", "exec"), namespace)
    shouting = namespace["Shouting"]

    class _Plugin:
        @hookimpl
        def commlint_rules(self, config):
            return [shouting()]  # type: ignore[operator]

    with registered_plugin(_Plugin(), "test-writing-rules"):
        (d,) = lint_text("This is REALLY important to NASA.", config={"select": ["ACME201"]})
        assert (d.rule, d.line, d.column, d.end_column, d.message) == (
            "ACME201",
            1,
            9,
            15,
            "Shouting: “REALLY”.",
        )
        assert (d.suggestions[0].text, d.suggestions[0].needs_input, d.data) == (
            "{a calmer word}",
            True,
            {"letters": 6},
        )
        assert lint_text("This is important to NASA.", config={"select": ["ACME201"]}) == []
        got = lint_text("Ask NASA.", config={"select": ["ACME201"], "rules": {"ACME201": {"min-length": 4}}})
        assert [(x.column, x.end_column) for x in got] == [(5, 9)]


def test_a_rules_budget_starts_no_earlier_than_the_thread_clock():
    """CheckContext.begin reuses a recent reading of the thread's CPU clock plus the wall time
    since: a bound from above, so a rule's budget never starts before the rule does."""
    import time

    from commlint.rules.ruletypes.base import CheckContext

    ctx = CheckContext(timeout=1.0)
    for _ in range(3000):
        before = time.thread_time()
        assert ctx._now() >= before
        sum(range(100))
