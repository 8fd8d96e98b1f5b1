"""The pluggy plugin manager: built-ins first, then the ``commlint`` entry-point group.

Hooks are called through :func:`call_each` and :func:`call_first`, which run each plugin's
implementation on its own, so a plugin that raises is reported (``PluginFailure``) and the
others still contribute. Calling ``plugin_manager().hook.NAME()`` directly would let the first
exception end the whole hook call.

When no plugin is installed beside the built-in ones (none in the entry-point group) and
nothing has asked for :func:`plugin_manager`, the hooks' implementations are read from the
built-in modules directly, in the order pluggy would call them (``_builtin_hooks``), and
pluggy is not imported: its import, with the ``typing`` and ``inspect`` it needs, cost ~10 ms
of every cold start. Anything else goes through pluggy's manager, as before.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from types import FunctionType
from typing import TYPE_CHECKING, Any

from commlint.plugin_errors import PluginFailure, report

if TYPE_CHECKING:
    import pluggy

ENTRY_POINT_GROUP = "commlint"

#: commlint's own plugins, registered first and found by module name, as pytest finds its
#: ``default_plugins`` and as entry points name third-party ones: the manager does not
#: depend on the features it loads (they depend on it, to call hooks).
#: Hooks call the last registered first: density, fix, then accepted findings act after a run.
BUILTIN_PLUGINS = ("commlint.builtin", "commlint.accepted.plugin", "commlint.fix.plugin", "commlint.density.plugin")


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built once)."""
    import pluggy

    from commlint import hookspecs

    pm = pluggy.PluginManager("commlint")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    _load_entry_points(pm, ENTRY_POINT_GROUP, _entry_points_once())
    return pm


class _BuiltinImpl:
    """What commlint reads of a pluggy ``HookImpl`` (``_implementations``), for a built-in
    plugin's hook function read without pluggy (``_builtin_hooks``)."""

    __slots__ = ("argnames", "function", "hookwrapper", "plugin", "plugin_name", "tryfirst", "trylast", "wrapper")

    def __init__(self, plugin: Any, plugin_name: str, function: FunctionType, opts: dict[str, Any]) -> None:
        self.plugin = plugin
        self.plugin_name = plugin_name
        self.function = function
        code, defaults = function.__code__, function.__defaults__
        args = code.co_varnames[: code.co_argcount]
        self.argnames = args[: len(args) - len(defaults)] if defaults else args  # as pluggy's varnames
        self.wrapper = bool(opts.get("wrapper"))
        self.hookwrapper = bool(opts.get("hookwrapper"))
        self.tryfirst = bool(opts.get("tryfirst"))
        self.trylast = bool(opts.get("trylast"))


def _add_hookimpl(impls: list[_BuiltinImpl], impl: _BuiltinImpl) -> None:
    """pluggy's ``HookCaller._add_hookimpl``: where ``impl`` goes in the hook's list (which
    pluggy calls from the end: wrappers last, then tryfirst, the others, trylast first)."""
    split = next((i for i, m in enumerate(impls) if m.hookwrapper or m.wrapper), len(impls))
    start, end = (split, len(impls)) if impl.hookwrapper or impl.wrapper else (0, split)
    if impl.trylast:
        impls.insert(start, impl)
    elif impl.tryfirst:
        impls.insert(end, impl)
    else:
        i = end - 1
        while i >= start and impls[i].tryfirst:
            i -= 1
        impls.insert(i + 1, impl)


@lru_cache(maxsize=1)
def _builtin_hooks() -> dict[str, list[_BuiltinImpl]] | None:
    """Each hook's implementations in the built-in plugins, in pluggy's list order, read
    without pluggy; None when pluggy must register the plugins: another plugin is installed
    (or this search path cannot be scanned for them), or a built-in module marks something
    other than a plain module-level function (tests/test_plugins.py compares this with
    pluggy's own registration)."""
    found = _entry_points_once()
    if found is None or found:
        return None
    hooks: dict[str, list[_BuiltinImpl]] = {}
    for name in BUILTIN_PLUGINS:
        module = importlib.import_module(name)
        for attr in dir(module):  # in pluggy's order
            value = getattr(module, attr)
            opts = getattr(value, "commlint_impl", None)
            if opts is None:
                continue
            if not (isinstance(opts, dict) and type(value) is FunctionType and "." not in value.__qualname__):
                return None
            impl = _BuiltinImpl(module, name, value, opts)
            _add_hookimpl(hooks.setdefault(opts.get("specname") or attr, []), impl)
    return hooks


def _hook_impls(hook_name: str) -> list[Any]:
    """``hook_name``'s implementations in pluggy's list order (it calls the last first)."""
    if not plugin_manager.cache_info().currsize:
        hooks = _builtin_hooks()
        if hooks is not None:
            return list(hooks.get(hook_name, ()))  # a copy, as pluggy's path gives
    return list(getattr(plugin_manager().hook, hook_name).get_hookimpls())


def has_implementations(hook_name: str) -> bool:
    """True if some plugin implements ``hook_name``."""
    return bool(_hook_impls(hook_name))


#: the distribution each entry-point plugin came from: its metadata folder, or (name, version)
_DISTRIBUTIONS: dict[str, Path | tuple[str, str]] = {}


@lru_cache(maxsize=1)
def _entry_points_once() -> list[tuple[str, str, Path]] | None:
    """``_entry_points(ENTRY_POINT_GROUP)``, scanned once a process."""
    return _entry_points(ENTRY_POINT_GROUP)


def _load_entry_points(pm: pluggy.PluginManager, group: str, found: list[tuple[str, str, Path]] | None) -> None:
    """Register the plugins of ``group``'s entry points, ``found`` by ``_entry_points``, as
    pluggy's ``load_setuptools_entrypoints`` does (same distributions, same order), without
    importing ``importlib.metadata``: its import alone costs more than the rest of the
    start-up's plugin work. ``found`` is None on a search path that scan does not cover (a zip
    or an egg on it, or a finder of distributions of its own): pluggy's scan runs instead."""
    if found is None:
        pm.load_setuptools_entrypoints(group)
        for plugin, dist in pm.list_plugin_distinfo():
            name = pm.get_name(plugin)
            if name is not None:
                _DISTRIBUTIONS[name] = (dist.project_name, dist.version)
        return
    for name, value, info in found:
        if pm.has_plugin(name) or pm.is_blocked(name):
            continue
        pm.register(_load(value), name=name)
        _DISTRIBUTIONS[name] = info


def _entry_points(group: str) -> list[tuple[str, str, Path]] | None:
    """(name, value, metadata folder) of every entry point in ``group``, in the order
    ``importlib.metadata.distributions()`` gives them; None when the search path holds
    something only ``importlib.metadata`` can read."""
    from importlib.machinery import PathFinder

    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return None
    out: list[tuple[str, str, Path]] = []
    for root in sys.path:
        if not isinstance(root, str) or os.path.basename(root).lower().endswith(".egg"):
            return None
        try:
            children = os.listdir(root or ".")
        except NotADirectoryError:
            return None  # a zip file on the path
        except OSError:
            continue  # importlib.metadata skips a missing folder too
        # importlib.metadata groups a folder's metadata by normalised project name, in the
        # order each name is first seen.
        by_name: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                project = low.rpartition(".")[0].partition("-")[0]
                key = re.sub(r"[-_.]+", "-", project).replace("-", "_")
                by_name.setdefault(key, []).append(child)
        for children_of_name in by_name.values():
            for child in children_of_name:
                info = Path(root, child)
                try:
                    text = (info / "entry_points.txt").read_text(encoding="utf-8")
                except OSError:
                    continue
                out += [(name, value, info) for name, value in _section(text, group)]
    return out


def _section(text: str, group: str) -> list[tuple[str, str]]:
    """The ``name = value`` pairs of ``[group]`` in an ``entry_points.txt``."""
    pairs: list[tuple[str, str]] = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group:
            name, _, value = line.partition("=")
            pairs.append((name.strip(), value.strip()))
    return pairs


def _load(value: str) -> Any:
    """The object an entry point's ``module:attr.path [extras]`` names."""
    target = value.split("[", 1)[0].strip()
    module, _, attrs = target.partition(":")
    obj = importlib.import_module(module.strip())
    for attr in filter(None, attrs.strip().split(".")):
        obj = getattr(obj, attr)
    return obj


def _distribution(info: Path | tuple[str, str]) -> tuple[str, str]:
    """(project name, version) from a metadata folder's METADATA or PKG-INFO headers."""
    if isinstance(info, tuple):
        return info
    fields: dict[str, str] = {}
    for meta in ("METADATA", "PKG-INFO"):
        try:
            text = (info / meta).read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            if not line.strip():
                break  # the headers end at the first blank line
            key, sep, val = line.partition(":")
            if sep and key in ("Name", "Version"):
                fields.setdefault(key, val.strip())
        break
    return fields.get("Name", ""), fields.get("Version", "")


def plugin_label(plugin: object) -> str:
    """How messages name a plugin: its registered name, and its distribution when installed."""
    if not plugin_manager.cache_info().currsize and _builtin_hooks() is not None:
        return f"plugin {_builtin_name(plugin)!r}"
    pm = plugin_manager()
    name = pm.get_name(plugin) or repr(plugin)
    info = _DISTRIBUTIONS.get(name)
    if info is not None and pm.get_plugin(name) is plugin:
        project, version = _distribution(info)
        return f"plugin {name!r} ({project} {version})"
    return f"plugin {name!r}"


def _builtin_name(plugin: object) -> str:
    """The name a built-in plugin module is registered under."""
    return next((name for name in BUILTIN_PLUGINS if sys.modules.get(name) is plugin), repr(plugin))


def _implementations(hook_name: str) -> tuple[list[Any], list[PluginFailure]]:
    """The hook's implementations in pluggy's call order (tryfirst first, trylast last)."""
    impls: list[Any] = []
    failures: list[PluginFailure] = []
    for impl in reversed(_hook_impls(hook_name)):
        if impl.wrapper or impl.hookwrapper:
            # Each implementation is called on its own, so there is no call chain to wrap.
            failures.append(
                PluginFailure(plugin_label(impl.plugin), hook_name, "hook wrappers are not supported", "was not run")
            )
            continue
        impls.append(impl)
    return impls, failures


def _call(impl: Any, kwargs: dict[str, Any]) -> Any:
    return impl.function(*[kwargs[name] for name in impl.argnames])


def call_each_from(
    hook_name: str, *, passthrough: tuple[type[BaseException], ...] = (), **kwargs: Any
) -> tuple[list[tuple[str, Any]], list[PluginFailure]]:
    """Each plugin's non-None answer with the plugin's label, and the failures of those that raised.

    Exceptions of the ``passthrough`` types are part of the hook's protocol and propagate
    (a ``ConfigError`` about the plugin's own settings is the user's to fix, not a crash).
    """
    impls, failures = _implementations(hook_name)
    results: list[tuple[str, Any]] = []
    for impl in impls:
        try:
            result = _call(impl, kwargs)
        except passthrough:
            raise
        except Exception as exc:  # a broken plugin must not take the others down
            failures.append(PluginFailure.from_exception(plugin_label(impl.plugin), hook_name, exc))
            continue
        if result is not None:
            results.append((plugin_label(impl.plugin), result))
    return results, failures


def call_each(
    hook_name: str, *, passthrough: tuple[type[BaseException], ...] = (), **kwargs: Any
) -> tuple[list[Any], list[PluginFailure]]:
    """Every plugin's non-None answer, in call order, and the failures of those that raised."""
    answers, failures = call_each_from(hook_name, passthrough=passthrough, **kwargs)
    return [answer for _, answer in answers], failures


def call_first(
    hook_name: str, *, passthrough: tuple[type[BaseException], ...] = (), **kwargs: Any
) -> tuple[Any, list[PluginFailure]]:
    """The first non-None answer (a ``firstresult`` hook); a plugin that raises is skipped.

    ``passthrough`` as for :func:`call_each_from`.
    """
    impls, failures = _implementations(hook_name)
    for impl in impls:
        try:
            result = _call(impl, kwargs)
        except passthrough:
            raise
        except Exception as exc:
            failures.append(PluginFailure.from_exception(plugin_label(impl.plugin), hook_name, exc))
            continue
        if result is not None:
            return result, failures
    return None, failures


def merged_tables_from(hook_name: str) -> tuple[dict[str, tuple[str, Any]], list[PluginFailure]]:
    """Merge the ``{name: value}`` tables plugins return, each value with its plugin's label.

    Earlier plugins in call order win. A plugin that returns something other than a table
    is reported like one that raised.
    """
    answers, failures = call_each_from(hook_name)
    merged: dict[str, tuple[str, Any]] = {}
    for plugin, table in reversed(answers):
        if not isinstance(table, dict):
            failures.append(PluginFailure(plugin, hook_name, f"returned {type(table).__name__}, not a dict"))
            continue
        merged.update({key: (plugin, value) for key, value in table.items()})
    return merged, failures


def merged_tables(hook_name: str) -> tuple[dict[str, Any], list[PluginFailure]]:
    """:func:`merged_tables_from` without the labels."""
    merged, failures = merged_tables_from(hook_name)
    return {key: value for key, (_, value) in merged.items()}, failures


def plugin_paths(hook_name: str) -> tuple[list[Path], list[PluginFailure]]:
    """The paths every plugin's list hook returns (``commlint_rule_packs``, ``commlint_lexicon_paths``)."""
    answers, failures = call_each_from(hook_name)
    paths: list[Path] = []
    for plugin, group in answers:
        if not isinstance(group, (list, tuple)) or not all(isinstance(p, (str, os.PathLike)) for p in group):
            failures.append(PluginFailure(plugin, hook_name, f"returned {group!r}, not a list of paths"))
            continue
        paths += [Path(p) for p in group]
    return paths, failures


def rule_types() -> dict[str, type]:
    types, failures = merged_tables("commlint_rule_types")
    report(failures)
    return types


def file_extensions() -> dict[str, str]:
    extensions, failures = merged_tables("commlint_file_extensions")
    report(failures)
    return extensions


def formatters() -> dict[str, object]:
    table, failures = merged_tables("commlint_formatters")
    report(failures)
    return table
