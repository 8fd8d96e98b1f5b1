"""The cyclic garbage collector during a command's start-up.

Starting a check allocates hundreds of thousands of objects that live as long as the process
(modules, rules, compiled patterns, the word index's tables): the collector's passes over
them during start-up free nothing and cost about 5% of a cold ``commlint check`` of one file.
``pause()`` turns it off for the start-up; ``resume()`` (once a linter is built, or when the
command ends) moves what was allocated so far out of its reach (``gc.freeze``) and turns it
back on, so the documents are collected as before and later passes skip the start-up heap.
"""

from __future__ import annotations

import gc
import sys
import types
from typing import Any

_paused = False


def pause() -> None:
    """Turn the collector off until ``resume()`` (a no-op if it is off already)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Undo ``pause()``: freeze what was allocated so far and turn the collector back on."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def defer_regex() -> None:
    """Run ``regex``'s Python layer (its parser: ~25 ms) only when something uses it.

    A check whose patterns all come from the pattern cache needs only regex's C engine
    (``regex._regex``), which the cache hands its records to. This loads that engine module
    under its own name and puts a stand-in for the ``regex`` package in ``sys.modules``: the
    first name anything reads from it that it lacks (it holds regex's flags and ``escape``:
    see ``commlint.matching.regex_light``) imports the real package, which finds its engine
    already loaded, and the stand-in takes on all its names: a cache miss compiling,
    ``regex.Pattern`` at run time, a template with escapes. A no-op if
    ``regex`` is imported already or is not laid out as a plain package with its engine
    beside it. Only for the ``check`` command's own process."""
    import sys

    if "regex" in sys.modules or "regex._regex" in sys.modules:
        return
    import importlib.util
    import os
    from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader

    try:
        spec = importlib.util.find_spec("regex")
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return
        folder = next(iter(spec.submodule_search_locations))
        path = next((p for s in EXTENSION_SUFFIXES if os.path.isfile(p := os.path.join(folder, "_regex" + s))), None)
        if path is None:
            return
        loader = ExtensionFileLoader("regex._regex", path)
        engine_spec = importlib.util.spec_from_file_location("regex._regex", path, loader=loader)
        if engine_spec is None:
            return
        engine = importlib.util.module_from_spec(engine_spec)
        loader.exec_module(engine)
        if not hasattr(engine, "compile"):
            return
    except Exception:  # any other layout: regex is imported as usual
        return
    from commlint.matching import regex_light

    sys.modules["regex._regex"] = engine
    # regex's flag values as plain ints and its escape (module-level patterns use them): the
    # package's own (RegexFlag members, equal to these) replace them once it runs
    sys.modules["regex"] = _DeferredModule(spec, regex_light.NAMES)


#: standard modules a check's imports name but that a check of a file does not use:
#: ``dataclasses`` imports ``inspect`` (with ``ast`` and ``dis``: ~13 ms) for the signature it
#: writes into a class without a docstring, and every dataclass a check makes has one (pluggy,
#: which reads plugins with it, is not imported when only the built-in plugins are there:
#: ``commlint.plugins``); ``inspect`` imports ``tokenize`` and ``linecache``, which only reading
#: source code needs; ``pathlib`` imports ``urllib.parse`` (and with it ``ipaddress``) for
#: ``Path.as_uri`` alone.
DEFERRED_STDLIB = ("inspect", "tokenize", "linecache", "urllib.parse")


def defer_stdlib() -> None:
    """Put a stand-in for each module of ``DEFERRED_STDLIB`` not imported yet in ``sys.modules``:
    the first name anything reads from it imports the real module, and the stand-in takes on
    all its names (so ``import ast`` and ``ast.parse`` work as ever, just later). ``pathlib``'s
    ``from urllib.parse import quote_from_bytes`` gets a function that does that when called.
    Only for the ``check`` command's own process, before ``dataclasses`` is imported."""
    import importlib.util
    import sys

    for name in DEFERRED_STDLIB:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.submodule_search_locations is not None:
            continue  # not a plain module here: imported as usual
        stand_in = _DeferredModule(spec)
        if name == "urllib.parse":

            def quote_from_bytes(*args: Any, _stand_in: _DeferredModule = stand_in, **kwargs: Any) -> Any:
                return _stand_in.real().quote_from_bytes(*args, **kwargs)

            stand_in.__dict__["quote_from_bytes"] = quote_from_bytes
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stand_in)  # find_spec imported the parent


class _DeferredModule(types.ModuleType):
    """A module before it has run (``defer_regex``, ``defer_stdlib``): reading a name it lacks
    runs it."""

    def __init__(self, spec: Any, names: dict[str, Any] | None = None) -> None:
        super().__init__(spec.name)
        self.__spec__ = spec
        self.__dict__.update(names or {})

    def real(self) -> types.ModuleType:
        """The module itself (imported now if it was not yet)."""
        import importlib
        import sys

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
            try:
                real = importlib.import_module(self.__name__)
            except BaseException:
                sys.modules.setdefault(self.__name__, self)
                raise
            prefix = self.__name__ + "."
            for full, module in list(sys.modules.items()):  # as if the package had imported them
                if full.startswith(prefix) and "." not in full[len(prefix) :]:
                    real.__dict__.setdefault(full[len(prefix) :], module)
            self.__dict__.update(real.__dict__)
            return real
        return sys.modules[self.__name__]

    def __getattr__(self, name: str) -> Any:
        if name == "__path__" and getattr(self.__spec__, "submodule_search_locations", None) is None:
            # asked by every ``from module import name``: a plain module has none
            raise AttributeError(name)
        self.real()
        return object.__getattribute__(self, name)


def cache_dataclass_code() -> None:
    """Compile the methods ``dataclasses`` generates once, not on every start.

    ``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and
    (frozen) ``__setattr__`` as source text and ``exec``s it: a check creates about 30
    dataclasses, and compiling that text was ~30 ms of every cold start. Until
    ``uncache_dataclass_code()``, the ``exec`` the dataclasses module calls is one that takes
    the compiled code of exactly that text from the pattern cache (sealed and checked there
    like every record, keyed by the bytecode's magic number; prepared in the wheel too),
    compiling and keeping it on a miss: the same code ``exec`` would compile, so the classes
    are the ones ``dataclasses`` makes."""
    import dataclasses

    if "exec" in vars(dataclasses):
        return
    import builtins
    from importlib.util import MAGIC_NUMBER

    from commlint.matching import regex_cache

    kind = f"dataclass-code-{MAGIC_NUMBER.hex()}"

    def exec_compiled(source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002
        if type(source) is str:
            code = regex_cache.remember(kind, source, _compile_source)
            if isinstance(code, types.CodeType):
                source = code
        builtins.exec(source, globals, locals)  # noqa: S102 - what dataclasses itself runs

    dataclasses.exec = exec_compiled  # type: ignore[attr-defined]  # shadows the builtin there


def uncache_dataclass_code() -> None:
    """Undo ``cache_dataclass_code()``."""
    import sys

    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None and "exec" in vars(dataclasses):
        del dataclasses.exec


#: modules whose functions compile only ``re`` patterns written in their own code (or, for
#: argparse, made from the options a parser defines): besides module-level code and
#: commlint's own modules (whose ``re`` patterns are all literals: tests/test_startup.py)
_RE_CALLERS = frozenset({"argparse", "gettext"})


def cache_re_code() -> None:
    """Build the standard ``re`` module's patterns from records, not by parsing them on every start.

    ``re`` parses and compiles a pattern in Python before handing a code list to its C engine
    (``_sre.compile``): the ~35 patterns a check compiles (commlint's own, and those of
    ``json``, ``argparse``, ``gettext``, ``locale``, ``dataclasses``) were ~8 ms of every cold
    start. Until ``uncache_re_code()``, a pattern compiled by module-level code, by commlint's
    own modules or by ``_RE_CALLERS`` (never one made from a draft's text or the user's
    configuration, such as a glob) is built from the engine arguments kept in the pattern cache
    (sealed and checked there like every record, keyed by Python's version and the engine's
    code format; prepared in the wheel too), recorded on a miss. ``_sre.compile`` checks a code
    list before using it and rejects a malformed one (then the pattern is compiled as usual)."""
    import re

    compiler: Any = getattr(re, "_compiler", None) or sys.modules.get("sre_compile")
    if compiler is None or getattr(compiler.compile, "_commlint_real", None) is not None:
        return
    import _sre

    from commlint.matching import regex_cache

    real = compiler.compile
    kind = f"re-code-{sys.hexversion:x}-{_sre.MAGIC}"
    engine_compile = _sre.compile

    def record(text: str) -> tuple[Any, ...] | None:
        flags, _, pattern = text.partition("\0")
        seen: list[tuple[Any, ...]] = []

        def recording(*args: Any) -> Any:
            seen.append(args)
            return engine_compile(*args)

        _sre.compile = recording
        try:
            real(pattern, int(flags))
        finally:
            _sre.compile = engine_compile
        if len(seen) != 1 or seen[0][0] != pattern:
            return None
        flags_out, code, groups, groupindex, indexgroup = seen[0][1:]
        # the opcodes are int subclasses (named constants), which marshal does not keep
        return int(flags_out), [int(c) for c in code], int(groups), dict(groupindex), tuple(indexgroup)

    def compile_recorded(p: Any, flags: int = 0) -> Any:
        if type(p) is str and type(flags) is int and not flags & re.DEBUG and _constant_pattern_caller():
            args = regex_cache.remember(kind, f"{flags}\0{p}", record)
            if isinstance(args, tuple) and len(args) == 5:
                try:
                    built = engine_compile(p, *args)
                except Exception:  # a record this engine does not take: compiled as usual
                    built = None
                if built is not None and built.pattern == p and built.flags & flags == flags:
                    return built
        return real(p, flags)

    compile_recorded._commlint_real = real  # type: ignore[attr-defined]
    compiler.compile = compile_recorded


#: the modules of ``re`` itself (and Python 3.10's names for its parts)
_RE_MODULES = frozenset({"re", "sre_compile", "sre_parse"})


def _constant_pattern_caller() -> bool:
    """True if the code compiling an ``re`` pattern (the first caller outside ``re``) is a
    module's top level, one of commlint's modules or one of ``_RE_CALLERS``."""
    frame: types.FrameType | None = sys._getframe(2)  # (0: this function, 1: the stand-in compile)
    name = ""
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name not in _RE_MODULES and not name.startswith("re."):
            break
        frame = frame.f_back
    if frame is None:
        return False
    return frame.f_code.co_name == "<module>" or name.startswith("commlint.") or name in _RE_CALLERS


def uncache_re_code() -> None:
    """Undo ``cache_re_code()``."""
    import re

    compiler: Any = getattr(re, "_compiler", None) or sys.modules.get("sre_compile")
    real = getattr(getattr(compiler, "compile", None), "_commlint_real", None)
    if real is not None:
        compiler.compile = real


def _compile_source(text: str) -> types.CodeType:
    # dont_inherit: compiled as ``exec(text)`` in the dataclasses module compiles it, without
    # this module's ``from __future__ import annotations`` (which would turn the generated
    # methods' annotations into strings)
    return compile(text, "<string>", "exec", dont_inherit=True)
