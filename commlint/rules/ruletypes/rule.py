"""The rule API: the class every rule type, and every plugin rule, implements, and the records
it reads and returns. Imported from commlint.rules.ruletypes.base, as plugins do; kept apart from
base's scanning machinery, which mypyc may compile, because plugins subclass these classes and
set their fields as class attributes (a compiled class would not see those)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from commlint.errors import ConfigError
from commlint.prose.document import Document

if TYPE_CHECKING:
    from commlint.rules.ruletypes.base import CheckContext

#: where a flagged phrase can stand, besides as a predicate: a rule may give a form for each
FORM_KEYS = ("before-noun", "subject")


@dataclass
class SuggestionSpec:
    """A suggestion as a rule declares it (text may use ``\\1`` or ``{placeholder}``).

    ``forms`` are the same rewrite for other positions (``before-noun``: "a hardened vault";
    ``subject``: "Secure by design is our motto"); see commlint.rules.fitting. ``needs_input``
    marks text the author must confirm (a configured mitigation): shown, never applied.
    """

    text: str
    safe: bool = False
    description: str = ""
    forms: dict[str, str] = field(default_factory=dict)
    needs_input: bool = False

    @classmethod
    def parse(cls, raw: Any, where: str) -> SuggestionSpec:
        if isinstance(raw, str):
            return cls(text=raw)
        if not isinstance(raw, Mapping) or not isinstance(raw.get("text"), str):
            raise ConfigError(f"{where}: each suggestion needs a 'text' string")
        unknown = set(raw) - {"text", "safe", "description", *FORM_KEYS}
        if unknown:
            raise ConfigError(f"{where}: unknown suggestion key(s) {', '.join(sorted(unknown))}")
        forms = {k: raw[k] for k in FORM_KEYS if k in raw}
        if not all(isinstance(v, str) for v in forms.values()):
            raise ConfigError(f"{where}: suggestion forms ({', '.join(FORM_KEYS)}) must be strings")
        return cls(
            text=raw["text"],
            safe=bool(raw.get("safe", False)),
            description=str(raw.get("description", "")),
            forms=forms,
        )


@dataclass
class Finding:
    """What a rule reports, in prose offsets. ``edits`` are (start, end, text, spec) in prose."""

    start: int
    end: int
    message: str | None = None
    suggestions: list[tuple[int, int, str, SuggestionSpec]] = field(default_factory=list)
    scope: str = "span"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleEnv:
    """What the configuration offers rules when they are built: lexicons and statements."""

    #: lexicon name -> term patterns (after the config's replace/extend)
    lexicons: Mapping[str, list[str]] = field(default_factory=dict)
    #: mitigation statements the organisation really uses (config ``mitigations``)
    mitigations: list[str] = field(default_factory=list)
    #: anything else a plugin wants to read (the raw config table)
    settings: Mapping[str, Any] = field(default_factory=dict)


#: the type (or types) a per-rule option must have; ``builtins.type`` because rules shadow ``type``
OptionType = builtins.type | tuple[builtins.type, ...]


class Rule:
    """Base class for rules. Plugins subclass it, set the metadata and implement ``check``.

    Example::

        class NoSynergy(Rule):
            id = "ACME001"
            name = "no-synergy"
            category = "style"
            message = "Avoid 'synergy'."

            def check(self, doc, ctx):
                for m in regex.finditer(r"\\bsynergy\\b", doc.prose, regex.I):
                    yield Finding(m.start(), m.end())
    """

    type: ClassVar[str] = "python"
    #: option name -> expected Python type, accepted under [rules.ID] in config
    OPTIONS: ClassVar[Mapping[str, OptionType]] = {}

    id: str = ""
    name: str = ""
    category: str = "style"
    severity: str = "warning"
    message: str = ""
    rationale: str = ""
    references: tuple[str, ...] = ()
    examples_flag: tuple[str, ...] = ()
    examples_pass: tuple[str, ...] = ()
    suggestions: tuple[SuggestionSpec, ...] = ()
    scope: str = "span"
    pack: str = ""
    #: rules off by default are enabled only by select/extend-select
    default_enabled: bool = True

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        """Apply per-rule options from config and read what the environment offers."""

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    # -- metadata helpers -------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "rationale": self.rationale,
            "references": list(self.references),
            "examples": {"flag": list(self.examples_flag), "pass": list(self.examples_pass)},
            "suggestions": [{"text": s.text, "safe": s.safe, "description": s.description} for s in self.suggestions],
            "pack": self.pack,
            "enabled_by_default": self.default_enabled,
        }
