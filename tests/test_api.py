"""The Python API: docs/api.md's examples run as written, plus what they do not show."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

import commlint
from commlint.api import lint_result, run

REPO = Path(__file__).resolve().parent.parent


def api_examples() -> list[str]:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_docs_api_md_has_examples():
    assert len(api_examples()) >= 6


def test_docs_api_md_examples_run(tmp_path, monkeypatch, capsys):
    """Run every ```python block of docs/api.md, in order, in one fresh folder."""
    monkeypatch.chdir(tmp_path)
    for index, code in enumerate(api_examples()):
        try:
            exec(compile(code, f"docs/api.md example {index + 1}", "exec"), {"__name__": "__docs__"})
        except Exception as exc:  # name the example that broke
            raise AssertionError(f"docs/api.md example {index + 1} failed: {exc!r}\n{code}") from exc
    assert "draft.md:1:18:" in capsys.readouterr().out


PACK = r"""
[pack]
name = "apitest"

[[rule]]
id = "API001"
name = "totally-secure"
category = "absolute"
severity = "error"
message = "absolute claim"
patterns = ['\btotally\s+secure\b']
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    (tmp_path / "commlint.toml").write_text("packs = ['pack.toml']\nselect = ['API']\n", encoding="utf-8")
    return tmp_path


def test_public_names_and_types():
    for name in (
        "lint_text",
        "lint_paths",
        "Config",
        "Diagnostic",
        "Suggestion",
        "Rule",
        "Finding",
        "CommlintError",
        "ConfigError",
        "InputError",
    ):
        assert hasattr(commlint, name), name
    assert (Path(commlint.__file__).parent / "py.typed").is_file()
    assert dataclasses.fields(commlint.Diagnostic)[0].name == "rule"
    assert commlint.Diagnostic.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert commlint.Suggestion.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_lint_text_discovers_config_from_path(project):
    text = "It is totally\nsecure.\n"
    diags = commlint.lint_text(text, path=str(project / "sub" / "draft.md"))
    assert [(d.rule, d.line, d.column, d.end_line, d.end_column, d.start, d.end) for d in diags] == [
        ("API001", 1, 7, 2, 7, 6, 20)
    ]
    assert diags[0].path == str(project / "sub" / "draft.md")


def test_lint_text_config_as_a_file_path_and_format_override(project):
    text = "`totally secure`\n"
    assert commlint.lint_text(text, path="x.md", config=project / "commlint.toml") == []
    (d,) = commlint.lint_text(text, path="x.md", config=str(project / "commlint.toml"), format="text")
    assert (d.line, d.column) == (1, 2)


def test_lint_text_strips_a_bom(project):
    (d,) = commlint.lint_text("\ufefftotally secure", config=project / "commlint.toml")
    assert (d.line, d.column, d.start, d.end) == (1, 1, 0, 14)


def test_lint_paths_with_an_explicit_config(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "a.md").write_text("x\n\ntotally secure\n", encoding="utf-8")
    config = commlint.Config.from_file(project / "commlint.toml")
    diags = commlint.lint_paths([elsewhere], config=config)
    assert [(Path(d.path or "").name, d.line, d.column) for d in diags] == [("a.md", 3, 1)]
    with pytest.raises(commlint.InputError, match="no such file or directory"):
        commlint.lint_paths([elsewhere / "missing"], config=config)


def test_run_collects_errors_and_keeps_going(project, monkeypatch):
    (project / "bad.md").write_bytes(b"\xff\xfe")
    (project / "good.md").write_text("totally secure\n", encoding="utf-8")
    monkeypatch.chdir(project)
    report = run(["bad.md", "good.md", "nope.md"])
    assert [r.path for r in report.results] == ["good.md"]
    assert [e.split(":")[0] for e in report.errors] == ["bad.md", "nope.md"]
    assert report.exit_code() == 2


def test_lint_result_gives_the_document(project):
    result = lint_result("# T\n\ntotally secure\n", path="a.md", config=project / "commlint.toml")
    assert result.words == 3
    assert [d.rule for d in result.diagnostics] == ["API001"]
    assert result.document.format == "markdown"


def test_run_lints_a_file_once_however_often_it_is_named(project, monkeypatch):
    (project / "docs").mkdir()
    (project / "docs" / "a.md").write_text("totally secure\n", encoding="utf-8")
    monkeypatch.chdir(project)
    report = run(["docs/a.md", "docs", "./docs/a.md"])
    assert [r.path for r in report.results] == ["docs/a.md"]
    assert [(d.line, d.column) for d in report.diagnostics] == [(1, 1)]


# -- types at the boundary -------------------------------------------------------------------------

#: the API without its type hints: these calls pass the wrong types on purpose
api: Any = commlint.api


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: api.lint_text(None), "text must be a str, not NoneType"),
        (lambda: api.lint_text(b"totally secure"), r"text must be a str, not bytes \(decode bytes first"),
        (lambda: api.lint_text("x", path=5), "path must be a str, an os.PathLike or None, not int"),
        (lambda: api.lint_text("x", format=["md"]), "format must be a str or None, not list"),
        (lambda: api.lint_text("x", config=5), "config must be a commlint.Config, a mapping .* not int"),
        (lambda: api.lint_paths(5), r"paths must be a path \(str or os.PathLike\) or an iterable .* not int"),
        (lambda: api.lint_paths(b"draft.md"), "paths must be a path .* not bytes"),
        (lambda: api.lint_paths(["a.md", 7]), r"paths\[1\] must be a str or os.PathLike, not int"),
        (lambda: api.lint_paths(["a.md"], config=5), "config must be a commlint.Config.* not int"),
        (lambda: api.run(["-"], stdin=5), "stdin must be a str, bytes or None, not int"),
        (lambda: api.run(["a.md"], overrides=["ignore"]), "overrides must be a mapping or None, not list"),
    ],
)
def test_wrong_types_are_clear_type_errors(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_lint_paths_takes_one_path_as_a_str_or_a_pathlike(project, monkeypatch):
    (project / "draft.md").write_text("We are totally secure.\n", encoding="utf-8")
    (project / "other.md").write_text("Also totally secure.\n", encoding="utf-8")
    monkeypatch.chdir(project)
    for one in ("draft.md", Path("draft.md"), project / "draft.md"):
        diags = commlint.lint_paths(one)
        # One file, not the letters of its name (which would walk '/', 'd', 'r', ...).
        assert [(Path(d.path or "").name, d.rule, d.column) for d in diags] == [("draft.md", "API001", 8)]
    assert len(commlint.lint_paths(project)) == 2  # a folder, as one PathLike
    assert len(run("draft.md").results) == 1
