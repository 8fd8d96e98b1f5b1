"""commlint: a communications risk linter for corporate statements.

Public API::

    import commlint
    diags = commlint.lint_text("Our AI is totally secure.", path="draft.md")
    diags = commlint.lint_paths(["press/"], config=commlint.Config.discover("press/"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Config",
    "Diagnostic",
    "Suggestion",
    "Rule",
    "Finding",
    "CommlintError",
    "ConfigError",
    "InputError",
    "lint_text",
    "lint_paths",
    "fix_text",
    "__version__",
]

if TYPE_CHECKING:
    from commlint.api import lint_paths, lint_text
    from commlint.config import Config
    from commlint.engine.diagnostics import Diagnostic, Suggestion
    from commlint.errors import CommlintError, ConfigError, InputError
    from commlint.fix.apply import fix_text
    from commlint.rules.ruletypes.base import Finding, Rule

_LAZY = {
    "lint_text": "commlint.api",
    "lint_paths": "commlint.api",
    "Config": "commlint.config",
    "Diagnostic": "commlint.engine.diagnostics",
    "Suggestion": "commlint.engine.diagnostics",
    "CommlintError": "commlint.errors",
    "ConfigError": "commlint.errors",
    "InputError": "commlint.errors",
    "fix_text": "commlint.fix.apply",
    "Rule": "commlint.rules.ruletypes.base",
    "Finding": "commlint.rules.ruletypes.base",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import commlint` (and the CLI's start) stays cheap.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'commlint' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
