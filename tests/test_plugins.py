"""Plugins: every hook through an in-process plugin; the example distribution installed for real."""

from __future__ import annotations

import io
import json
import os
import shutil
import site
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import registered_plugin

from commlint import api
from commlint.config import Config
from commlint.engine.report import Report
from commlint.hookspecs import hookimpl
from commlint.plugins import formatters
from commlint.prose.document import Document, ProseBuilder
from commlint.source.decode import Source

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "plugins" / "commlint-example"

PACK = r"""
[pack]
name = "plugtest"

[[rule]]
id = "PLG001"
name = "totally-secure"
category = "absolute"
message = "absolute claim"
patterns = ['\btotally\s+secure\b']
"""


class _HooksPlugin:
    """Uses the format, extension, formatter and configure hooks."""

    @hookimpl
    def commlint_file_extensions(self) -> dict[str, str]:
        return {".note": "note"}

    @hookimpl
    def commlint_document_format(self, source: Source, format: str) -> Document | None:
        if format != "note":
            return None
        # A ".note" file: lines starting with "%" are comments, the rest is prose.
        builder = ProseBuilder()
        for index, start in enumerate(source.line_starts):
            line = source.line_text(index + 1)
            if line and not line.startswith("%"):
                builder.text(line, start)
                builder.block_break(start + len(line))
        return builder.build(source, "note")

    @hookimpl
    def commlint_formatters(self) -> dict[str, object]:
        def count(report: Report, stream: io.TextIOBase, options: dict[str, object]) -> None:
            stream.write(f"{len(report.diagnostics)}\n")

        return {"count": count}

    @hookimpl
    def commlint_configure(self, config: Config) -> None:
        if "plugin-accept" in config.plugins:
            config.accept = [*config.accept, *config.plugins["plugin-accept"]["terms"]]


@pytest.fixture()
def hooks_plugin() -> Iterator[None]:
    with registered_plugin(_HooksPlugin(), "test-hooks"):
        yield


def test_format_extension_formatter_and_configure_hooks(hooks_plugin, tmp_path):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    (tmp_path / "a.note").write_text("% totally secure\nIt is totally secure.\n", encoding="utf-8")
    (tmp_path / "b.unknown").write_text("totally secure\n", encoding="utf-8")
    cfg = Config.from_dict({"packs": [str(tmp_path / "pack.toml")], "select": ["PLG"]}, root=tmp_path)
    report = api.run([str(tmp_path)], config=cfg)
    # The folder walk picked up ".note" (and not ".unknown"), parsed by the plugin's format.
    assert [(Path(d.path or "").name, d.line, d.column, d.end_line, d.end_column) for d in report.diagnostics] == [
        ("a.note", 2, 7, 2, 21)
    ]
    out = io.StringIO()
    count: Any = formatters()["count"]
    count(report, out, {})
    assert out.getvalue() == "1\n"
    accepting = Config.from_dict(
        {
            "packs": [str(tmp_path / "pack.toml")],
            "select": ["PLG"],
            "plugins": {"plugin-accept": {"terms": ["totally secure"]}},
        },
        root=tmp_path,
    )
    assert accepting.accept == ["totally secure"]
    assert api.run([str(tmp_path)], config=accepting).diagnostics == []


def test_example_plugin_is_not_active_unless_installed(cli, tmp_path):
    (tmp_path / "draft.md").write_text("We ship soon.\n", encoding="utf-8")
    probe = subprocess.run([sys.executable, "-c", "import commlint_example"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("commlint-example is installed in this environment")
    proc = cli("check", "draft.md", "--select", "EXA", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.endswith("select: unknown rule id or selector 'EXA'\n")


@pytest.mark.slow
def test_example_plugin_installed_in_a_fresh_venv_fires_through_the_cli(tmp_path):
    """pip-install plugins/commlint-example into a new venv; its rules run in `commlint check`."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    # --system-site-packages reaches the base interpreter's packages only. When this suite runs
    # inside a virtualenv itself (as .ci/run does), hand the new venv that environment too, so
    # it finds commlint and its dependencies without installing them again.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(purelib, "_commlint_parent_env.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in parents), encoding="utf-8"
    )
    # Install from a copy, so the build leaves nothing behind in the checkout. --no-deps: commlint
    # itself comes from the system site-packages; pip fetches only the build backend (setuptools).
    source = tmp_path / "commlint-example"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    (tmp_path / "work").mkdir()
    draft = tmp_path / "work" / "draft.md"
    draft.write_text("# News\n\nOur revolutionary model ships\nsoon. See `soon`.\n", encoding="utf-8")

    def commlint(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "commlint", *args],
            cwd=tmp_path / "work",
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )

    proc = commlint("check", "draft.md", "--select", "EXA", "-q")
    assert proc.stderr == ""
    assert proc.stdout.splitlines() == [
        "draft.md:3:5: EXA101 [info] Hype word: “revolutionary”. Say what is new instead.",
        "draft.md:4:1: EXA001 [warning] Vague timeline: “soon”. Give a date or a quarter, or leave the timing out.",
    ]
    assert proc.returncode == 1  # EXA001 is a warning, the default fail level
    listing = commlint("rules")
    assert listing.returncode == 0
    assert "EXA001" in listing.stdout and "EXA101" in listing.stdout
    # The plugin's own tests pass against the installed distribution too.
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(source / "tests")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_entry_point_scan_matches_importlib_metadata(tmp_path):
    """The start-up's own scan of the ``commlint`` entry points finds what
    ``importlib.metadata.distributions()`` (pluggy's scan) finds, in the same order: several
    folders, names that normalise alike, an egg-info, comments, extras and other groups."""
    from commlint.plugins import _distribution

    first, second, missing = tmp_path / "first", tmp_path / "second", tmp_path / "missing"
    layout = {
        first / "zeta_plug-1.0.dist-info": "[commlint]\nzeta = zeta_mod\n[console_scripts]\nz = zeta_mod:main\n",
        first / "Alpha.Plug-2.0.dist-info": "# a comment\n[commlint]\n  alpha = alpha_mod:hooks.inner [extra]\n",
        first / "alpha_plug-0.9.dist-info": "[commlint]\nalpha = shadowed_mod\n",
        first / "old_plug-0.1.egg-info": "[commlint]\nold = old_mod\n",
        first / "none_here-1.0.dist-info": None,
        second / "zeta_plug-3.0.dist-info": "[commlint]\nzeta = later_mod\n",
    }
    for info, entry_points in layout.items():
        info.mkdir(parents=True)
        name, version = info.name.rsplit(".", 1)[0].split("-", 1)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nBody: no\n")
        if entry_points is not None:
            (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    # Both scans in a fresh interpreter: another test's imports (such as the importlib_metadata
    # backport, which adds a finder of distributions) must not change what is compared.
    script = (
        "import importlib.metadata, json, sys\n"
        "from commlint.plugins import _entry_points\n"
        "sys.path[:] = json.loads(sys.argv[1])\n"
        "theirs = [(ep.name, ep.value, str(d._path)) for d in importlib.metadata.distributions()"
        " for ep in d.entry_points if ep.group == 'commlint']\n"
        "ours = _entry_points('commlint')\n"
        "print(json.dumps([theirs, ours and [(n, v, str(i)) for n, v, i in ours]]))\n"
    )
    roots = json.dumps([str(first), str(missing), str(second)])
    out = subprocess.run([sys.executable, "-c", script, roots], capture_output=True, text=True, check=True)
    expected, found = json.loads(out.stdout)
    assert found == expected
    assert len(expected) == 5
    assert _distribution(first / "Alpha.Plug-2.0.dist-info") == ("Alpha.Plug", "2.0")


def test_entry_point_scan_leaves_a_zip_on_the_path_to_importlib_metadata(tmp_path, monkeypatch):
    from commlint.plugins import _entry_points

    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip archive
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert _entry_points("commlint") is None


# -- the built-in plugins read without pluggy (commlint.plugins._builtin_hooks) ---------------


def _make_plugin(name: str, marks: dict[str, dict[str, Any]]) -> Any:
    """A module whose functions ``commlint_<hook>`` carry ``hookimpl`` with the given options."""
    import types

    module = types.ModuleType(name)
    for func_name, opts in marks.items():
        hook = func_name.split("__")[0]
        args = {"commlint_after_lint": "run", "commlint_addoption": "parser"}.get(hook, "")
        namespace: dict[str, Any] = {}
        body = "    yield\n" if opts.get("wrapper") or opts.get("hookwrapper") else "    return None\n"
        exec(f"def {func_name}({args}):\n{body}", namespace)  # noqa: S102 - a test's own source
        function = namespace[func_name]
        function.__module__ = name
        setattr(module, func_name, hookimpl(specname=hook if "__" in func_name else None, **opts)(function))
    return module


def _pluggy_order(modules: dict[str, Any], hook: str) -> list[tuple[str, str, tuple[str, ...], bool, bool]]:
    import pluggy

    from commlint import hookspecs

    pm = pluggy.PluginManager("commlint")
    pm.add_hookspecs(hookspecs)
    for name, module in modules.items():
        pm.register(module, name=name)
    caller = getattr(pm.hook, hook, None)
    impls = caller.get_hookimpls() if caller is not None else []
    return [(i.plugin_name, i.function.__name__, tuple(i.argnames), i.wrapper, i.hookwrapper) for i in impls]


def _light_order(hooks: dict[str, list[Any]], hook: str) -> list[tuple[str, str, tuple[str, ...], bool, bool]]:
    return [
        (i.plugin_name, i.function.__name__, tuple(i.argnames), i.wrapper, i.hookwrapper) for i in hooks.get(hook, [])
    ]


def test_the_builtin_plugins_read_without_pluggy_give_pluggys_hooks(monkeypatch):
    """With no other plugin installed, a check reads the built-in plugins' hook functions itself
    instead of importing pluggy: the same functions, arguments and order as pluggy registers."""
    import importlib

    from commlint import hookspecs, plugins

    monkeypatch.setattr(plugins, "_entry_points_once", lambda: [])
    hooks = plugins._builtin_hooks.__wrapped__()
    assert hooks is not None
    modules = {name: importlib.import_module(name) for name in plugins.BUILTIN_PLUGINS}
    specs = [name for name in dir(hookspecs) if name.startswith("commlint_")]
    assert set(hooks) <= set(specs) and len(hooks) >= 10
    for hook in specs:
        assert _light_order(hooks, hook) == _pluggy_order(modules, hook), hook


def test_hook_order_options_read_without_pluggy_match_pluggy(monkeypatch):
    """tryfirst, trylast, wrappers and specname, across plugins registered in turn, are put in
    pluggy's order; a plugin marking something other than a plain function leaves it to pluggy."""
    from commlint import plugins

    one = _make_plugin(
        "p_one",
        {
            "commlint_after_lint": {"trylast": True},
            "commlint_addoption": {"tryfirst": True},
            "commlint_after_lint__w": {"wrapper": True},
        },
    )
    two = _make_plugin(
        "p_two",
        {
            "commlint_after_lint": {},
            "commlint_addoption": {},
            "commlint_after_lint__old": {"hookwrapper": True, "tryfirst": True},
        },
    )
    three = _make_plugin(
        "p_three", {"commlint_after_lint": {"tryfirst": True}, "commlint_addoption": {"trylast": True}}
    )
    modules = {"p_one": one, "p_two": two, "p_three": three}
    monkeypatch.setattr(plugins, "_entry_points_once", lambda: [])
    monkeypatch.setattr(plugins, "BUILTIN_PLUGINS", tuple(modules))
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    hooks = plugins._builtin_hooks.__wrapped__()
    assert hooks is not None
    for hook in ("commlint_after_lint", "commlint_addoption"):
        assert _light_order(hooks, hook) == _pluggy_order(modules, hook)
    assert len(hooks["commlint_after_lint"]) == 5
    monkeypatch.setattr(two, "commlint_addoption", hookimpl(staticmethod(lambda parser: None)))
    assert plugins._builtin_hooks.__wrapped__() is None
    monkeypatch.setattr(plugins, "_entry_points_once", lambda: [("acme", "acme_mod", Path("acme.dist-info"))])
    assert plugins._builtin_hooks.__wrapped__() is None  # another plugin is installed: pluggy


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"tryfirst": True},
        {"trylast": True},
        {"wrapper": True},
        {"hookwrapper": True, "optionalhook": True},
        {"specname": "commlint_rules"},
    ],
)
def test_hookimpl_marks_a_function_as_pluggys_marker_does(options):
    import pluggy

    from commlint.hookspecs import HookimplMarker

    def ours() -> None: ...

    def theirs() -> None: ...

    assert isinstance(hookimpl, HookimplMarker)
    hookimpl(**options)(ours)
    pluggy.HookimplMarker("commlint")(**options)(theirs)
    assert ours.commlint_impl == theirs.commlint_impl  # type: ignore[attr-defined]
    if not options:
        hookimpl(ours)
        pluggy.HookimplMarker("commlint")(theirs)
        assert ours.commlint_impl == theirs.commlint_impl  # type: ignore[attr-defined]


@pytest.mark.parametrize("options", [{}, {"firstresult": True}, {"historic": True}, {"warn_on_impl": UserWarning("x")}])
def test_hookspec_marks_a_function_as_pluggys_marker_does(options):
    import pluggy

    from commlint.hookspecs import hookspec

    def ours() -> None: ...

    def theirs() -> None: ...

    hookspec(**options)(ours)
    pluggy.HookspecMarker("commlint")(**options)(theirs)
    assert ours.commlint_spec == theirs.commlint_spec  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="historic firstresult"):
        hookspec(historic=True, firstresult=True)(ours)
