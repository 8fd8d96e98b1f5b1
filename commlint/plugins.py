"""The pluggy plugin manager: built-ins first, then the ``commlint`` entry-point group."""

from __future__ import annotations

from functools import lru_cache

import pluggy

from commlint import hookspecs

ENTRY_POINT_GROUP = "commlint"


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built once)."""
    pm = pluggy.PluginManager("commlint")
    pm.add_hookspecs(hookspecs)
    from commlint import builtin

    pm.register(builtin, name="commlint.builtin")
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return pm


def rule_types() -> dict[str, type]:
    merged: dict[str, type] = {}
    for table in reversed(plugin_manager().hook.commlint_rule_types()):
        merged.update(table)
    return merged


def file_extensions() -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in reversed(plugin_manager().hook.commlint_file_extensions()):
        merged.update(table)
    return merged


def formatters() -> dict[str, object]:
    merged: dict[str, object] = {}
    for table in reversed(plugin_manager().hook.commlint_formatters()):
        merged.update(table)
    return merged
