"""commlint's modules import each other without cycles.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import``
statement in a module counts, at module level and inside functions and classes alike (an
import inside a function runs as soon as the function does, so it cannot hide a cycle).
Only imports under ``if TYPE_CHECKING:`` are left out: they never run. Importing
``a.b.c`` also runs the packages ``a.b`` above it, so those count too (except the
importer's own packages, which are already loading). Modules loaded by name are not imports
and are not in the graph: the plugin manager's built-in plugins
(``commlint.plugins.BUILTIN_PLUGINS``, found as entry points find third-party plugins) and
``commlint.__getattr__``'s lazy public names.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "commlint"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imported(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, the names it imports from it) for every import statement that can run."""
    found: list[tuple[str, list[str]]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                for other in child.orelse:  # type: ignore[attr-defined]
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, []) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module, [alias.name for alias in child.names]))
            assert not (isinstance(child, ast.ImportFrom) and child.level), "commlint uses absolute imports"
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each commlint module and the commlint modules that importing it runs."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
        edges: set[str] = set()
        for module, names in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            targets = [f"{module}.{n}" if f"{module}.{n}" in modules else module for n in names] or [module]
            for target in targets:
                parts = target.split(".")
                # the target and the packages above it that are not already loading
                edges |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)} - own
        graph[name] = edges & modules.keys()
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def test_commlint_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 100  # every module was read
    assert cycles(graph) == []


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking_ones() -> None:
    graph = import_graph()
    # a function-level import: builtin's rule-type hook imports the rule types when called
    assert "commlint.rules.ruletypes.phrase" in graph["commlint.builtin"]
    # importing commlint.engine.linter runs the package commlint.engine first
    assert {"commlint.engine", "commlint.engine.linter"} <= graph["commlint.api"]
    # hookspecs imports Rule, Source... for annotations only
    assert "commlint.config" not in graph["commlint.hookspecs"]


def test_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
