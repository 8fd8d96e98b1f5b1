"""``--format sarif``: real CLI output validated against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from ci_project import make_project
from conftest import run_cli

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

DRAFT = """# Launch note

Our café model is totally secure, and it is a game-changer.

We love synergy.
"""


# jsonschema checks "uri" formats only with optional packages; check them here (RFC 3986
# characters, well-formed percent escapes; "uri" also needs a scheme).
_URI = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri-reference")
def _uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.fullmatch(value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or (bool(_URI.fullmatch(value)) and bool(urlsplit(value).scheme))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=FORMATS)


def _sarif(cwd: Path, *args: str, input: str | None = None) -> tuple[dict, int, str]:
    proc = run_cli("check", "--format", "sarif", *args, cwd=cwd, input=input)
    assert proc.returncode in (0, 1, 2), proc.stderr
    return json.loads(proc.stdout), proc.returncode, proc.stderr


def _errors(validator: jsonschema.Draft7Validator, log: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_vendored_schema_is_the_oasis_document(validator) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert {"result", "region", "fix", "reportingDescriptor", "toolComponent"} <= set(schema["definitions"])
    # The validator is not vacuous: a broken log is rejected.
    bad = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [{"message": {"text": "m"}, "level": "fatal"}],
            }
        ],
    }
    assert _errors(validator, bad)
    spaced = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x", "informationUri": "docs/x y"}}}],
    }
    assert _errors(validator, spaced)


def test_cli_output_validates_against_the_official_schema(tmp_path: Path, validator) -> None:
    make_project(tmp_path, select=["CIT"])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a b.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "docs" / "bad.md").write_bytes(b"totally secure \xff\xfe\n")
    log, code, _ = _sarif(tmp_path, "docs")
    assert _errors(validator, log) == []
    assert code == 2  # an unreadable file is an input error...
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "bad.md" in inv["toolExecutionNotifications"][0]["message"]["text"]
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {
        "CIT101",
        "CIT102",
        "CIT103",
        "CIT104",
    }
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"docs/a%20b.md"}


def test_stdin_and_clean_runs_validate(tmp_path: Path, validator) -> None:
    make_project(tmp_path)
    log, code, _ = _sarif(tmp_path, "-", "--stdin-filename", "draft.md", input=DRAFT)
    assert _errors(validator, log) == [] and code == 1
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "draft.md"
    log, code, _ = _sarif(tmp_path, "-", input="Nothing to see here.\n")
    assert _errors(validator, log) == [] and code == 0
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_driver_rules_and_results(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    log, code, _ = _sarif(tmp_path, "a.md")
    assert code == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "commlint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["CIT101", "CIT102", "CIT103"]
    r101 = rules["CIT101"]
    assert r101["name"] == "totally-secure"
    assert r101["shortDescription"]["text"] == "Totally secure"
    assert "{match}" not in r101["fullDescription"]["text"]
    assert "absolute claims get quoted back" in r101["help"]["text"]
    assert "## Why" in r101["help"]["markdown"]
    assert r101["helpUri"].endswith("rules.md#cit101-totally-secure")
    assert r101["defaultConfiguration"]["level"] == "error"
    assert r101["properties"]["category"] == "absolute"
    assert rules["CIT103"]["defaultConfiguration"]["level"] == "note"

    by_rule = {r["ruleId"]: r for r in run["results"]}
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    hit = by_rule["CIT101"]
    assert hit["level"] == "error"
    assert hit["message"]["text"] == "Absolute claim: “totally secure”."
    loc = hit["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "a.md", "uriBaseId": "SRCROOT"}
    # "Our café model is " is 18 code points: the match starts at column 19 of line 3.
    assert loc["region"] == {
        "startLine": 3,
        "startColumn": 19,
        "endLine": 3,
        "endColumn": 33,
        "charOffset": DRAFT.index("totally"),
        "charLength": len("totally secure"),
    }
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"
    assert by_rule["CIT102"]["level"] == "warning" and by_rule["CIT103"]["level"] == "note"


def test_fixes_only_for_safe_complete_suggestions(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    log, _, _ = _sarif(tmp_path, "a.md")
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    (fix,) = by_rule["CIT101"]["fixes"]
    change = fix["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "a.md", "uriBaseId": "SRCROOT"}
    (rep,) = change["replacements"]
    assert rep["insertedContent"] == {"text": "well protected"}
    start = rep["deletedRegion"]["charOffset"]
    assert DRAFT[start : start + rep["deletedRegion"]["charLength"]] == "totally secure"
    # CIT102 offers an unsafe rewrite and one that needs the author's input: no fixes.
    assert "fixes" not in by_rule["CIT102"]
    kinds = [(s["safe"], s["needs_input"]) for s in by_rule["CIT102"]["properties"]["suggestions"]]
    assert kinds == [(False, False), (False, True)]
    assert "fixes" not in by_rule["CIT103"]


def test_fingerprints_ignore_line_numbers(tmp_path: Path) -> None:
    make_project(tmp_path)
    doc = tmp_path / "a.md"
    doc.write_text(DRAFT, encoding="utf-8")
    before, _, _ = _sarif(tmp_path, "a.md")
    doc.write_text(
        "# Launch note\n\nA new opening paragraph.\n\nAnd another one.\n" + DRAFT[len("# Launch note\n") :],
        encoding="utf-8",
    )
    after, _, _ = _sarif(tmp_path, "a.md")

    def prints(log: dict) -> dict[str, tuple[str, int]]:
        return {
            r["ruleId"]: (
                r["partialFingerprints"]["commlintContext/v1"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in log["runs"][0]["results"]
        }

    old, new = prints(before), prints(after)
    assert set(old) == set(new)
    for rule in old:
        assert old[rule][0] == new[rule][0]
        assert new[rule][1] == old[rule][1] + 4
    doc.write_text(DRAFT.replace("totally secure", "totally  SECURE"), encoding="utf-8")
    spaced, _, _ = _sarif(tmp_path, "a.md")
    assert prints(spaced)["CIT101"][0] == old["CIT101"][0]  # case and spacing are normalised
    doc.write_text(DRAFT.replace("Our café model", "This model"), encoding="utf-8")
    reworded, _, _ = _sarif(tmp_path, "a.md")
    assert prints(reworded)["CIT101"][0] != old["CIT101"][0]  # neighbouring words count


def test_duplicate_findings_get_distinct_fingerprints(tmp_path: Path, validator) -> None:
    make_project(tmp_path)
    (tmp_path / "a.md").write_text("We love synergy.\n\nWe love synergy.\n", encoding="utf-8")
    log, _, _ = _sarif(tmp_path, "a.md")
    assert _errors(validator, log) == []
    fps = [r["partialFingerprints"]["commlintContext/v1"] for r in log["runs"][0]["results"]]
    assert len(fps) == 2 and len(set(fps)) == 2
    assert fps[0].rsplit(":", 1)[0] == fps[1].rsplit(":", 1)[0]


def test_document_scope_result_is_placed_on_line_1(tmp_path: Path, validator) -> None:
    make_project(tmp_path, select=["CIT104"])
    (tmp_path / "a.md").write_text(DRAFT, encoding="utf-8")
    log, _, _ = _sarif(tmp_path, "a.md")
    assert _errors(validator, log) == []
    (res,) = log["runs"][0]["results"]
    assert res["ruleId"] == "CIT104" and res["properties"]["scope"] == "document"
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_file_outside_the_working_directory_gets_an_absolute_uri(tmp_path: Path, validator) -> None:
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p")
    (project / "a.md").write_text(DRAFT, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log, _, _ = _sarif(elsewhere, str(project / "a.md"), "--config", str(project / "commlint.toml"))
    assert _errors(validator, log) == []
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": (project / "a.md").resolve().as_uri()}


def test_a_finding_late_in_a_long_paragraph_has_the_three_words_before_it(tmp_path: Path) -> None:
    """The words before a finding are read from just before it, as a scan of the whole
    paragraph would find them: words with apostrophes, and words across a line break."""
    from commlint import api

    filler = " ".join(f"Item {i} ships on time." for i in range(100))
    for lead, expected in (
        ("Our team's\nmodel is", ["team's", "model", "is"]),
        ("Rock ’n’ roll’s is", ["n", "roll’s", "is"]),
        ("It is", ["time", "It", "is"]),
    ):
        doc = tmp_path / "long.md"
        doc.write_text(f"# Note\n\n{filler} {lead} totally secure.\n", encoding="utf-8")
        result = api.run([str(doc)]).results[0]
        contexts = [c for d, _, c in result.fingerprints() if d.rule == "ABS101"]
        assert contexts and contexts[0].before == expected, (lead, contexts)


def test_the_words_before_a_finding_are_those_of_a_scan_of_the_whole_paragraph() -> None:
    import random

    from commlint.engine.fingerprints import _WORD, _last_words

    rnd = random.Random(15)
    pieces = ["ab", "Zé", "1", "_", " ", "  ", "\n", "'", "’", "-", ".", "\t", "日", "don't"]
    for _ in range(3000):
        spaced = rnd.choice((pieces, pieces[:2] * 20 + pieces[2:]))  # long words too: a stretch may cut one
        text = "".join(rnd.choice(spaced) for _ in range(rnd.randint(0, 400)))
        first = rnd.randint(0, len(text))
        start = rnd.randint(first, len(text))
        for words in (1, 3):
            whole = [m.span() for m in list(_WORD.finditer(text, first, start))[-words:]]
            assert [m.span() for m in _last_words(text, first, start, words)] == whole, (text, first, start)
