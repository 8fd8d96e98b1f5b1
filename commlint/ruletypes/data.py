"""Rules defined as TOML data: the fields every data rule shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import regex

from commlint.diagnostics import SEVERITIES
from commlint.errors import ConfigError
from commlint.ruletypes.base import CheckContext, Rule, SuggestionSpec, compile_patterns

COMMON_KEYS = frozenset(
    {
        "id",
        "name",
        "type",
        "category",
        "severity",
        "message",
        "rationale",
        "references",
        "examples",
        "suggest",
        "enabled",
        "scope",
        "description",
    }
)
_ID = regex.compile(r"^[A-Z][A-Z0-9]*[0-9]+$")
_NAME = regex.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class DataRule(Rule):
    """A rule built from a TOML table. Subclasses add their own keys in KEYS."""

    KEYS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        self.spec = dict(spec)
        self.where = where
        unknown = set(spec) - COMMON_KEYS - self.KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("id", "name", "category", "message"):
            if not isinstance(spec.get(key), str) or not spec[key]:
                raise ConfigError(f"{where}: '{key}' is required and must be a string")
        self.id = spec["id"]
        if not _ID.match(self.id):
            raise ConfigError(f"{where}: id {self.id!r} must be capital letters then digits, like CAP101")
        self.name = spec["name"]
        if not _NAME.match(self.name):
            raise ConfigError(f"{where}: name {self.name!r} must be kebab-case")
        self.category = spec["category"]
        self.severity = spec.get("severity", "warning")
        if self.severity not in SEVERITIES:
            raise ConfigError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        self.message = spec["message"]
        self.rationale = str(spec.get("rationale", "")).strip()
        refs = spec.get("references", [])
        self.references = tuple(refs if isinstance(refs, list) else [refs])
        examples = spec.get("examples", {})
        if not isinstance(examples, Mapping) or set(examples) - {"flag", "pass"}:
            raise ConfigError(f"{where}: 'examples' takes 'flag' and 'pass' lists")
        self.examples_flag = tuple(examples.get("flag", ()))
        self.examples_pass = tuple(examples.get("pass", ()))
        raw_suggest = spec.get("suggest", [])
        if isinstance(raw_suggest, (str, Mapping)):
            raw_suggest = [raw_suggest]
        self.suggestions = tuple(SuggestionSpec.parse(s, f"{where} suggest") for s in raw_suggest)
        self.default_enabled = bool(spec.get("enabled", True))

    def patterns(self, key: str, extra: list[str] | None = None) -> regex.Pattern[str] | None:
        raw = self.spec.get(key, [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            raise ConfigError(f"{self.where}: '{key}' must be a list of regular expressions")
        return compile_patterns(list(raw) + list(extra or []), f"{self.where} {key}")

    def check_option(self, options: Mapping[str, Any]) -> None:
        for key, value in options.items():
            expected = self.OPTIONS.get(key)
            if expected is None:
                raise ConfigError(f"rule {self.id}: unknown option {key!r}")
            if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
                raise ConfigError(f"rule {self.id}: option {key!r} has the wrong type")

    def sentence_exceptions_hit(
        self, exceptions: regex.Pattern[str] | None, doc_prose: str, span: tuple[int, int], ctx: CheckContext
    ) -> bool:
        if exceptions is None:
            return False
        return ctx.search(exceptions, doc_prose, span[0], span[1]) is not None
