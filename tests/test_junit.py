"""``--format junit``: one testsuite, a testcase per file, one failure per failing file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ci_project import make_project
from conftest import run_cli

DRAFT = "# Note\n\nOur café model is totally secure, a game-changer.\n\nWe love synergy.\n"


def _junit(cwd: Path, *args: str) -> tuple[ET.Element, int]:
    proc = run_cli("check", "--format", "junit", *args, cwd=cwd)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert proc.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(proc.stdout.encode("utf-8")), proc.returncode


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {c.get("name", ""): c for c in root.iter("testcase")}


def _child(element: ET.Element, tag: str) -> ET.Element:
    """The one ``tag`` child of ``element`` (failing the test when there is none)."""
    found = element.find(tag)
    assert found is not None, f"no <{tag}> in <{element.tag}>"
    return found


def _text(element: ET.Element, tag: str) -> str:
    return _child(element, tag).text or ""


def test_structure_and_counts(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "bad.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "info.md").write_text("We love synergy.\n", encoding="utf-8")
    (tmp_path / "clean.md").write_text("Nothing here.\n", encoding="utf-8")
    root, code = _junit(tmp_path, "bad.md", "info.md", "clean.md")
    assert code == 1
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "commlint"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "0")
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    cases = _cases(root)
    assert set(cases) == {"bad.md", "info.md", "clean.md"}
    assert cases["bad.md"].get("file") == "bad.md"
    (failure,) = cases["bad.md"].findall("failure")
    assert failure.get("message") == "2 finding(s) at or above warning: CIT101, CIT102"
    lines = (failure.text or "").strip().splitlines()
    assert lines == [
        "bad.md:3:19: CIT101 [error] Absolute claim: “totally secure”.",
        "bad.md:3:37: CIT102 [warning] Hype: game-changer",
    ]
    # below the fail level: listed, not failing
    assert _text(cases["bad.md"], "system-out").strip() == "bad.md:5:9: CIT103 [info] Jargon: synergy."
    assert cases["info.md"].find("failure") is None
    assert "CIT103" in _text(cases["info.md"], "system-out")
    assert list(cases["clean.md"]) == []


def test_fail_level_decides_failures(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "a.md").write_text("It is a game-changer.\n", encoding="utf-8")
    root, code = _junit(tmp_path, "a.md", "--fail-level", "error")
    assert code == 0
    case = _cases(root)["a.md"]
    assert case.find("failure") is None and "CIT102" in _text(case, "system-out")
    assert _child(root, "testsuite").get("failures") == "0"
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["fail_level"] == "error"


def test_escaping_and_forbidden_characters(tmp_path: Path) -> None:
    make_project(tmp_path, select=["CIT101", "CIT105"])
    name = 'q"<&>.txt'
    (tmp_path / name).write_text("A foobar. It is totally\x01secure.\n", encoding="utf-8")
    root, code = _junit(tmp_path, name)
    assert code == 1
    case = _cases(root)[name]
    assert case.get("file") == name
    text = _text(case, "failure")
    assert '100% sure: foobar, <really> & "truly"' in text
    # U+0001 cannot appear in XML 1.0 at all: it is replaced, and the document still parses
    assert "Absolute claim: “totally\ufffdsecure”." in text


def test_unreadable_file_is_an_error_case(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "bad.md").write_bytes(b"caf\xe9\n")
    root, code = _junit(tmp_path, "bad.md")
    assert code == 2
    suite = _child(root, "testsuite")
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    error = _child(_cases(root)["bad.md"], "error")
    assert error.get("type") == "InputError" and "not valid UTF-8" in error.get("message", "")
