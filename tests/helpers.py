"""Shared test helpers: small rule packs built from Python values, pack writers, span lists.

Test modules describe their own tiny packs with :func:`pack_toml` and the rule builders below,
so the same ``[[rule]]`` boilerplate is not written out again in every file.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commlint.api import lint_text
from commlint.plugins import plugin_manager

Span = tuple[str, int, int, int, int]


def toml_value(value: Any) -> str:
    """``value`` as a TOML value; strings are literal ('...') when that is possible."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if "'" not in value and "\n" not in value and "\r" not in value:
            return f"'{value}'"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def toml_key(key: str) -> str:
    """A bare key when possible, else a quoted one (swap tables are keyed by regexes)."""
    if key.replace("-", "").replace("_", "").isalnum():
        return key
    return toml_value(key)


def rule_toml(**keys: Any) -> str:
    """One ``[[rule]]`` table; Python names with ``_`` become TOML keys with ``-``."""
    lines = ["[[rule]]"]
    lines += [f"{k.replace('_', '-')} = {toml_value(v)}" for k, v in keys.items() if v is not None]
    return "\n".join(lines) + "\n"


def pack_toml(name: str, *rules: str) -> str:
    """A whole pack: the ``[pack]`` header and the given rule tables."""
    return f'[pack]\nname = "{name}"\n\n' + "\n".join(rules)


def phrase_rule(
    rule_id: str,
    name: str,
    category: str,
    message: str,
    severity: str | None,
    pattern: str,
    **extra: Any,
) -> str:
    """A rule matching ``pattern`` unless ``extra`` gives other patterns (None: no patterns)."""
    rule_type = {"type": extra.pop("type")} if "type" in extra else {}
    patterns = extra.pop("patterns", [pattern])
    return rule_toml(
        id=rule_id,
        name=name,
        **rule_type,
        category=category,
        severity=severity,
        message=message,
        patterns=patterns,
        **extra,
    )


def totally_secure(
    rule_id: str, message: str = "absolute claim: {match}", severity: str | None = "error", **extra: Any
) -> str:
    """The phrase rule most tests use: 'totally secure' is an absolute claim."""
    return phrase_rule(rule_id, "totally-secure", "absolute", message, severity, r"\btotally\s+secure\b", **extra)


def bad_actors(rule_id: str, message: str = "bad actors", severity: str | None = None, **extra: Any) -> str:
    """The second phrase rule most tests use: 'bad actors' is alarmist."""
    return phrase_rule(rule_id, "bad-actors", "alarmist", message, severity, r"\bbad actors\b", **extra)


def hard_paragraph(rule_id: str) -> str:
    """A readability rule: a paragraph of 20+ words above Flesch-Kincaid grade 12."""
    return rule_toml(
        id=rule_id,
        name="hard-paragraph",
        type="readability",
        category="readability",
        severity="info",
        message="Paragraph is hard to read",
        metric="flesch_kincaid_grade",
        max=12,
        per="paragraph",
        min_words=20,
    )


def hard_document(rule_id: str) -> str:
    """A readability rule: a document of 20+ words below Flesch reading ease 30."""
    return rule_toml(
        id=rule_id,
        name="hard-document",
        type="readability",
        category="readability",
        severity="info",
        message="Document is hard to read",
        metric="flesch_reading_ease",
        min=30,
        min_words=20,
    )


def substitution_rule(
    rule_id: str,
    name: str,
    pattern: str,
    replacement: str,
    *,
    category: str = "absolute",
    severity: str = "error",
    message: str = "absolute: {match}",
) -> str:
    """A substitution rule with one ``pattern -> replacement`` swap."""
    return rule_toml(
        id=rule_id,
        name=name,
        type="substitution",
        category=category,
        severity=severity,
        message=message,
        swap={pattern: replacement},
    )


@contextlib.contextmanager
def registered_plugin(plugin: object, name: str) -> Iterator[object]:
    """``plugin`` registered with commlint's plugin manager for the ``with`` block only."""
    pm = plugin_manager()
    pm.register(plugin, name=name)
    try:
        yield plugin
    finally:
        pm.unregister(name=name)


def write_pack(folder: Path, text: str, name: str = "pack.toml") -> Path:
    """Write ``text`` as ``folder/name`` (creating the folder); return the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def pack_config(factory: pytest.TempPathFactory, text: str, select: str, folder: str = "pack") -> dict[str, list[str]]:
    """Write a pack to a fresh temp folder; return a config mapping selecting ``select``."""
    return {"packs": [str(write_pack(factory.mktemp(folder), text))], "select": [select]}


def pack_fixture(text: str, select: str, folder: str = "pack") -> Any:
    """A module-scoped ``cfg`` fixture: the config mapping from :func:`pack_config`."""

    @pytest.fixture(scope="module")
    def cfg(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
        return pack_config(tmp_path_factory, text, select, folder)

    return cfg


def spans_for(default_path: str) -> Any:
    """:func:`spans` with another default file name (which picks the format)."""

    def bound(text: str, cfg: Any, path: str = default_path) -> list[Span]:
        return spans(text, cfg, path)

    return bound


def spans(text: str, cfg: Any, path: str = "a.md") -> list[Span]:
    """(rule, line, column, end_line, end_column) of every diagnostic."""
    return [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in lint_text(text, path=path, config=cfg)]


def write_project(folder: Path, text: str, name: str, select: list[str], extra: str = "") -> dict[str, list[str]]:
    """Write pack ``name`` and a commlint.toml selecting ``select`` (then ``extra``) in ``folder``.

    Returns the same configuration as a mapping, for the Python API.
    """
    pack = write_pack(folder, text, name)
    (folder / "commlint.toml").write_text(
        f"packs = [{toml_value(name)}]\nselect = {toml_value(select)}\n{extra}", encoding="utf-8"
    )
    return {"packs": [str(pack)], "select": list(select)}


# -- the editor tests' rules (test_lsp.py, test_nvim.py) -----------------------------------------


def absolute_claim(patterns: list[str], suggest: list[dict[str, Any]], **extra: Any) -> str:
    """TST101: an absolute security claim, with examples the rule must flag and pass."""
    return rule_toml(
        id="TST101",
        name="absolute-claim",
        type="phrase",
        category="absolute",
        severity="error",
        message="Absolute claim: \u201c{match}\u201d.",
        **extra,
        patterns=patterns,
        examples={"flag": ["It is totally secure."], "pass": ["It is secure."]},
        suggest=suggest,
    )


def unmitigated_risk(**extra: Any) -> str:
    """TST102: a risk named with no mitigation beside it."""
    return rule_toml(
        id="TST102",
        name="unmitigated-risk",
        type="phrase",
        category="unmitigated",
        severity="warning",
        message="A risk with no mitigation.",
        **extra,
        patterns=[r"\bserious risks\b"],
        examples={"flag": ["It poses serious risks."], "pass": ["It poses risks, which we mitigate."]},
    )
