"""Configuration: discovery, --config, every key through real documents, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import bad_actors, pack_toml, rule_toml, totally_secure, write_pack

from commlint.api import lint_text
from commlint.config import Config, find_config_file
from commlint.errors import ConfigError

PACK = pack_toml(
    "cfgtest",
    totally_secure("CFG001", "absolute claim"),
    bad_actors("CFG002", severity="warning"),
    rule_toml(
        id="CFG003",
        name="danger-count",
        type="occurrence",
        category="alarmist",
        severity="info",
        message="too many dangers",
        patterns=[r"\bdanger\b"],
        max=2,
    ),
    rule_toml(
        id="CFG004",
        name="off-by-default",
        category="alarmist",
        severity="info",
        message="weaponize",
        enabled=False,
        patterns=[r"\bweaponi[sz]e\b"],
    ),
)

TEXT = "It is totally secure; bad actors; danger danger danger; weaponize.\n"
#          1-based columns: totally 7-21, bad actors 23-33, 3rd danger 49-55, weaponize 57-66


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "rules", PACK)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(diags) -> list[tuple[str, str, int, int, int, int]]:
    return [(d.rule, d.severity, d.line, d.column, d.end_line, d.end_column) for d in diags]


def lint(pack: Path, text: str = TEXT, path: str = "a.md", **keys: Any) -> list[tuple[str, str, int, int, int, int]]:
    return found(lint_text(text, path=path, config={"packs": [str(pack)], **keys}))


ALL_DEFAULT = [
    ("CFG001", "error", 1, 7, 1, 21),
    ("CFG002", "warning", 1, 23, 1, 33),
    ("CFG003", "info", 1, 49, 1, 55),
]


# -- keys ---------------------------------------------------------------------------------------


def test_no_select_means_every_rule_on_by_default(pack):
    got = lint(pack)
    assert [d for d in got if d[0].startswith("CFG")] == ALL_DEFAULT  # CFG004 is off by default


def test_a_matching_select_turns_on_rules_off_by_default_too(pack):
    assert lint(pack, select=["CFG"]) == ALL_DEFAULT + [("CFG004", "info", 1, 57, 1, 66)]


def test_select_by_id_name_and_category(pack):
    assert lint(pack, select=["CFG001", "bad-actors"]) == ALL_DEFAULT[:2]
    assert lint(pack, select=["alarmist"]) == ALL_DEFAULT[1:] + [("CFG004", "info", 1, 57, 1, 66)]


def test_extend_select_turns_on_an_off_by_default_rule(pack):
    extend: dict[str, Any] = {"extend-select": ["CFG004"]}
    assert lint(pack, select=["CFG001", "CFG002", "CFG003"], **extend) == ALL_DEFAULT + [
        ("CFG004", "info", 1, 57, 1, 66)
    ]


def test_ignore_beats_select(pack):
    assert lint(pack, select=["CFG"], ignore=["CFG002", "danger-count", "CFG004"]) == ALL_DEFAULT[:1]


def test_severity_overrides_most_specific_wins(pack):
    got = lint(pack, select=["CFG00"], ignore=["CFG004"], severity={"CFG": "info", "CFG001": "warning"})
    assert [(r, s) for r, s, *_ in got] == [
        ("CFG001", "warning"),
        ("CFG002", "info"),
        ("CFG003", "info"),
    ]


def test_per_file_ignores_are_globs_relative_to_the_config(pack, tmp_path):
    cfg_file = write(
        tmp_path / "commlint.toml",
        f"""
packs = [{json.dumps(str(pack))}]
select = ["CFG001", "CFG002", "CFG003"]
[per-file-ignores]
"legal/**" = ["CFG001"]
"*.txt" = ["alarmist"]
""",
    )
    cfg = Config.from_file(cfg_file)
    legal = found(lint_text(TEXT, path=str(tmp_path / "legal" / "x" / "a.md"), config=cfg))
    assert legal == ALL_DEFAULT[1:]
    assert found(lint_text(TEXT, path=str(tmp_path / "a.txt"), config=cfg)) == ALL_DEFAULT[:1]
    assert found(lint_text(TEXT, path=str(tmp_path / "a.md"), config=cfg)) == ALL_DEFAULT


def test_accepted_terms_never_flag(pack):
    text = "Our Totally Secure Vault product is totally secure. Bad actors!\n"
    assert lint(pack, text, select=["CFG"], accept=["Totally Secure Vault", "bad actors"]) == [
        ("CFG001", "error", 1, 37, 1, 51)
    ]


def test_per_rule_options(pack):
    assert lint(pack, select=["CFG003"], rules={"CFG003": {"max": 3}}) == []
    assert lint(pack, select=["CFG003"], rules={"danger-count": {"max": 1}}) == [("CFG003", "info", 1, 42, 1, 48)]


def test_fail_level(pack, tmp_path, cli, monkeypatch):
    from commlint.api import run

    write(tmp_path / "commlint.toml", f"packs = [{json.dumps(str(pack))}]\nselect = ['CFG003']\n")
    write(tmp_path / "a.md", TEXT)
    monkeypatch.chdir(tmp_path)
    assert run(["a.md"]).exit_code() == 0  # info < warning, the default
    assert run(["a.md"], overrides={"fail_level": "info"}).exit_code() == 1
    write(
        tmp_path / "commlint.toml",
        f"packs = [{json.dumps(str(pack))}]\nselect = ['CFG003']\nfail-level = 'info'\n",
    )
    assert run(["a.md"]).exit_code() == 1
    assert cli("check", "a.md", "-q", cwd=tmp_path).returncode == 1
    assert cli("check", "a.md", "-q", "--fail-level", "error", cwd=tmp_path).returncode == 0


# -- discovery ----------------------------------------------------------------------------------


def write_team_configs(root: Path) -> None:
    """pyproject.toml at ``root`` selects CFG001; team/.commlint.toml below it selects CFG002."""
    write(
        root / "pyproject.toml",
        "[tool.commlint]\nselect = ['CFG001']\npacks = ['rules/pack.toml']\n",
    )
    write(
        root / "team" / ".commlint.toml",
        "select = ['CFG002']\npacks = ['../rules/pack.toml']\n",
    )


def test_discovery_walks_upward_and_the_first_file_wins(tmp_path, pack):
    write_team_configs(tmp_path)
    write(tmp_path / "team" / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.commlint]
    write(
        tmp_path / "team" / "press" / "commlint.toml",
        "select = ['CFG003']\npacks = ['../../rules/pack.toml']\n",
    )
    write(tmp_path / "team" / "press" / ".commlint.toml", "select = ['CFG001']\n")
    assert find_config_file(tmp_path / "a.md") == tmp_path / "pyproject.toml"
    assert find_config_file(tmp_path / "team" / "sub" / "deep" / "a.md") == tmp_path / "team" / ".commlint.toml"
    # commlint.toml beats .commlint.toml in the same folder
    assert find_config_file(tmp_path / "team" / "press") == tmp_path / "team" / "press" / "commlint.toml"
    cfg = Config.discover(tmp_path / "team" / "sub" / "a.md")
    assert cfg.select == ["CFG002"] and cfg.root == (tmp_path / "team").resolve()


def test_cli_uses_the_nearest_config_for_each_file_and_config_overrides(tmp_path, pack, cli):
    write_team_configs(tmp_path)
    write(tmp_path / "other.toml", "select = ['CFG003']\npacks = ['rules/pack.toml']\n")
    write(tmp_path / "top.md", TEXT)
    write(tmp_path / "team" / "deep" / "t.md", TEXT)
    proc = cli("check", ".", "-q", cwd=tmp_path)
    # A folder's own files come before its subfolders'.
    assert proc.stdout.splitlines() == [
        "top.md:1:7: CFG001 [error] absolute claim",
        "team/deep/t.md:1:23: CFG002 [warning] bad actors",
    ]
    proc = cli("check", ".", "-q", "--config", "other.toml", cwd=tmp_path)
    assert proc.stdout.splitlines() == [
        "top.md:1:49: CFG003 [info] too many dangers (3 in this document; at most 2)",
        "team/deep/t.md:1:49: CFG003 [info] too many dangers (3 in this document; at most 2)",
    ]
    # --ignore adds to each discovered config's own list instead of replacing it
    write(
        tmp_path / "team" / ".commlint.toml",
        "select = ['CFG']\nignore = ['CFG003', 'CFG004']\npacks = ['../rules/pack.toml']\n",
    )
    proc = cli("check", "team", "-q", "--ignore", "CFG001", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["team/deep/t.md:1:23: CFG002 [warning] bad actors"]


def test_no_config_means_defaults(tmp_path):
    cfg = Config.discover(tmp_path)
    assert (cfg.path, cfg.select, cfg.fail_level) == (None, [], "warning")


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("colour = 'red'\n", "{file}: unknown key 'colour'"),
        ("select = 'CFG001'\n", "{file}: 'select' must be a list"),
        ("select = [1]\n", "{file}: 'select' must be a list of strings"),
        (
            "fail-level = 'fatal'\n",
            "{file}: 'fail-level' must be one of info, warning, error, not 'fatal'",
        ),
        ("timeout = 0\n", "{file}: 'timeout' must be positive"),
        ("timeout = 'soon'\n", "{file}: 'timeout' must be a number"),
        (
            "[severity]\nCFG001 = 'loud'\n",
            "{file}: severity.CFG001 must be one of info, warning, error, not 'loud'",
        ),
        (
            "[per-file-ignores]\n'*.md' = 'CFG001'\n",
            "{file}: per-file-ignores.'*.md' must be a list of rule ids",
        ),
        ("[rules]\nCFG003 = 2\n", "{file}: rules.CFG003 must be a table of options"),
        (
            "packs = ['nope.toml']\n",
            "{file}: packs: 'nope.toml' not found (looked at {dir}/nope.toml)",
        ),
        ("select = [\n", "{file}: invalid TOML: "),
    ],
)
def test_bad_values_name_the_file_the_key_and_the_reason(tmp_path, body, message):
    cfg_file = write(tmp_path / "commlint.toml", body)
    with pytest.raises(ConfigError) as info:
        Config.from_file(cfg_file)
    expected = message.format(file=cfg_file.resolve() if "TOML" not in message else cfg_file, dir=tmp_path.resolve())
    assert str(info.value).startswith(expected)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("select = ['NOPE1']\n", "{file}: select: unknown rule id or selector 'NOPE1'"),
        ("ignore = ['NOPE1']\n", "{file}: ignore: unknown rule id or selector 'NOPE1'"),
        ("[severity]\nNOPE1 = 'info'\n", "{file}: severity: unknown rule id or selector 'NOPE1'"),
        (
            "[per-file-ignores]\n'*.md' = ['NOPE1']\n",
            "{file}: per-file-ignores: unknown rule id or selector 'NOPE1'",
        ),
        ("[rules.NOPE1]\nmax = 1\n", "{file}: rules: unknown rule id or selector 'NOPE1'"),
        (
            "[rules.CFG003]\nmaximum = 1\n",
            "{file}: rules.CFG003: rule CFG003: unknown option 'maximum'",
        ),
        (
            "[rules.CFG003]\nmax = 'two'\n",
            "{file}: rules.CFG003: rule CFG003: option 'max' has the wrong type",
        ),
    ],
)
def test_unknown_rules_and_options_name_the_file_and_key(tmp_path, pack, body, message):
    from commlint.engine.linter import Linter

    cfg_file = write(tmp_path / "commlint.toml", f"packs = ['rules/pack.toml']\n{body}")
    with pytest.raises(ConfigError) as info:
        Linter(Config.from_file(cfg_file))
    assert str(info.value) == message.format(file=cfg_file.resolve())


def test_config_errors_are_one_cli_line_and_exit_2(tmp_path, pack, cli):
    cfg_file = write(tmp_path / "commlint.toml", "packs = ['rules/pack.toml']\n[rules.CFG003]\nmaximum = 1\n")
    write(tmp_path / "a.md", TEXT)
    proc = cli("check", "a.md", cwd=tmp_path)
    # The file the config governs is not linted (no findings, no "All clear"); exit 2.
    assert proc.returncode == 2
    assert "a.md" not in proc.stdout and "All clear" not in proc.stdout
    assert (
        proc.stderr == f"commlint: error: {cfg_file.resolve()}: rules.CFG003: rule CFG003: unknown option 'maximum'\n"
    )


def test_pyproject_tool_table_errors_name_the_pyproject(tmp_path, cli):
    cfg_file = write(tmp_path / "pyproject.toml", "[tool.commlint]\nselectt = ['X1']\n")
    write(tmp_path / "a.md", "hi\n")
    proc = cli("check", "a.md", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        2,
        f"commlint: error: {cfg_file.resolve()}: unknown key 'selectt'\n",
    )


def test_missing_config_file_given_with_config(tmp_path, cli):
    proc = cli("check", "a.md", "--config", "missing.toml", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, "commlint: error: missing.toml: no such file\n")


def test_docs_configuration_md_documents_every_key():
    import re

    from commlint.config import _KEYS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", doc, flags=re.MULTILINE))
    assert set(_KEYS) <= documented, f"undocumented config keys: {set(_KEYS) - documented}"


def test_config_flag_accepts_a_pyproject(tmp_path, pack, cli):
    write(
        tmp_path / "settings" / "pyproject.toml",
        f"[project]\nname = 'x'\n[tool.commlint]\nselect = ['CFG002']\npacks = [{json.dumps(str(pack))}]\n",
    )
    write(tmp_path / "a.md", TEXT)
    proc = cli("check", "a.md", "-q", "--config", "settings/pyproject.toml", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["a.md:1:23: CFG002 [warning] bad actors"]


def test_tool_commlint_must_be_a_table(tmp_path):
    cfg_file = write(tmp_path / "pyproject.toml", "[tool]\ncommlint = 1\n")
    with pytest.raises(ConfigError) as info:
        Config.discover(tmp_path / "a.md")
    assert str(info.value) == f"{cfg_file.resolve()}: [tool.commlint] must be a table"


def test_docs_configuration_md_example_is_a_valid_config(tmp_path):
    """The example commlint.toml in docs/configuration.md loads against the built-in rules."""
    import re

    from commlint.engine.linter import Linter

    doc = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```toml\n(.*?)```", doc, flags=re.DOTALL) if "select" in b)
    write(tmp_path / "style" / "our-rules.toml", PACK)
    cfg = Config.from_file(write(tmp_path / "commlint.toml", example))
    linter = Linter(cfg)
    assert cfg.per_file_ignores and cfg.rules and linter.rules
