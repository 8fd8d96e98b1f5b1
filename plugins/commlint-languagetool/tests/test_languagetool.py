"""commlint-languagetool against recorded /v2/check responses served on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import commlint_languagetool as lt
import pytest
from fakelt import FakeLanguageTool, closed_port_url

from commlint.api import lint_text
from commlint.config import Config
from commlint.engine.grammar import GrammarUnavailable
from commlint.errors import ConfigError

PACK = """
[pack]
name = "lt-test"
[[rule]]
id = "LTT001"
name = "flawless"
type = "substitution"
category = "absolute"
severity = "error"
message = "absolute: {match}"
swap = { '\\bflawless\\b' = "an robust design" }
"""


@pytest.fixture
def fake():
    with FakeLanguageTool() as server:
        yield server


@pytest.fixture
def registered():
    """The plugin registered with commlint's plugin manager (installed or not)."""
    from commlint.engine import grammar
    from commlint.plugins import plugin_manager

    pm = plugin_manager()
    if not any(getattr(p, "__name__", "") == "commlint_languagetool" for p in pm.get_plugins()):
        pm.register(lt, name="languagetool-test")
    grammar.reset()
    yield pm
    grammar.reset()


def test_recorded_response_becomes_problems(fake):
    text = "This are an example of a sentense."
    got = lt.check(text, {"languagetool-url": fake.url})
    assert got == [
        {
            "start": 5,
            "end": 8,
            "message": "The verb 'are' does not agree with the subject 'This'.",
            "rule": "languagetool:THIS_NNS_VB",
            "replacements": ["is"],
        }
    ]
    assert text[got[0]["start"] : got[0]["end"]] == "are"
    # spelling (category TYPOS) only on request
    spelled = lt.check(text, {"languagetool-url": fake.url, "spelling": True})
    assert [p["rule"] for p in spelled] == [
        "languagetool:THIS_NNS_VB",
        "languagetool:MORFOLOGIK_RULE_EN_US",
    ]
    assert spelled[1]["replacements"] == ["sentence", "sentences"]


def test_request_carries_text_and_language(fake):
    lt.check("Hello there.", {"languagetool-url": fake.url, "language": "en-GB"})
    assert fake.requests[-1]["text"] == "Hello there."
    assert fake.requests[-1]["language"] == "en-GB"


@pytest.mark.parametrize("url", ["https://api.languagetool.org", "http://10.0.0.5:8081", "http://lt.example.com"])
def test_remote_server_refused_without_opt_in(url):
    with pytest.raises(ConfigError, match="not on this machine.*allow-remote"):
        lt.validate({"languagetool-url": url})
    lt.validate({"languagetool-url": url, "allow-remote": True})  # opted in: accepted


@pytest.mark.parametrize("url", ["http://localhost:8081", "http://127.0.0.1:8081", "http://[::1]:8081"])
def test_localhost_needs_no_opt_in(url):
    lt.validate({"languagetool-url": url})


def test_config_refuses_remote_url_at_load(registered):
    with pytest.raises(ConfigError, match="allow-remote"):
        Config.from_dict({"grammar": {"backend": "languagetool", "languagetool-url": "https://lt.example.com"}})
    with pytest.raises(ConfigError, match="http"):
        Config.from_dict({"grammar": {"languagetool-url": "ftp://localhost/"}})


def test_unreachable_server_is_one_clear_error():
    with pytest.raises(GrammarUnavailable) as info:
        lt.check("Some text.", {"languagetool-url": closed_port_url()})
    message = str(info.value)
    assert message.startswith("LanguageTool is unavailable (http://127.0.0.1:")
    assert "\n" not in message


def test_grammar_findings_and_demotion_through_commlint(fake, registered, tmp_path: Path):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    config = {
        "packs": [str(tmp_path / "pack.toml")],
        "select": ["LTT", "GRM"],
        "grammar": {"backend": "languagetool", "languagetool-url": fake.url, "enabled": True},
    }
    diags = lint_text("This are an example of a sentense.\n", path="a.md", config=config)
    assert [(d.rule, d.category, d.text) for d in diags] == [("GRM001", "grammar", "are")]
    assert diags[0].suggestions[0].text == "is" and not diags[0].suggestions[0].safe

    diags = lint_text("Our system is flawless in testing.\n", path="a.md", config=config)
    sub = [d for d in diags if d.rule == "LTT001"]
    assert len(sub) == 1
    s = sub[0].suggestions[0]
    assert s.text == "an robust design"
    assert s.safe is False
    assert "demoted to unsafe" in s.description and "EN_A_VS_AN" in s.description


def test_unreachable_server_warns_once_and_lint_goes_on(registered, tmp_path: Path, capsys):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    config = {
        "packs": [str(tmp_path / "pack.toml")],
        "select": ["LTT"],
        "grammar": {"backend": "languagetool", "languagetool-url": closed_port_url()},
    }
    for _ in range(3):
        diags = lint_text("Our system is flawless.\n", path="a.md", config=config)
        assert [d.rule for d in diags] == ["LTT001"]
        # LanguageTool did not validate it; commlint's own a/an check still demotes it
        assert not diags[0].suggestions[0].safe
        assert "[commlint:a-an]" in diags[0].suggestions[0].description
    err = capsys.readouterr().err
    assert err.count("LanguageTool is unavailable") == 1
    assert "Traceback" not in err


@pytest.mark.skipif(not os.environ.get(lt.ENV_URL), reason=f"set {lt.ENV_URL} to test a real LanguageTool server")
def test_real_server():
    url = os.environ[lt.ENV_URL]
    settings = {"languagetool-url": url, "allow-remote": True}
    found = lt.check("This are a sentence with a error.", settings)
    rules = {p["rule"] for p in found}
    assert found and all(p["rule"].startswith("languagetool:") for p in found), rules
    assert lt.check("This is a sentence without an error.", settings) == []


def test_local_without_java_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)  # the shutil the plugin uses
    monkeypatch.delenv(lt.ENV_URL, raising=False)
    with pytest.raises(GrammarUnavailable, match=r"needs Java 17\+.*languagetool-url"):
        lt.check("Some text.", {"language": "en-GB"})
