"""The import graph of summaries/, bot/ and config/ has no cycle and flows one way.

Read from the source with `ast`, imports inside functions included: an import moved into a
function to dodge a cycle is still an arrow, and a wrong one (STYLE.md). Only imports under
`if TYPE_CHECKING:` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("summaries", "bot", "config")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.AST, here: str, is_package: bool) -> list[str]:
    """The dotted names one import statement reaches (submodules when it names them)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = here.split(".")
        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, base] if base else anchor)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `path` imports anywhere in its body, TYPE_CHECKING blocks aside."""
    here = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for child in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        for name in _imported(node, here, path.name == "__init__.py"):
            if name in modules and name != here:
                found.add(name)
    # `from summaries import clean` names the submodule; the package itself is then only
    # the parent, which every submodule import passes through and is no arrow of its own.
    return {n for n in found if not any(m.startswith(n + ".") for m in found)}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_project_has_no_import_cycle():
    graph = {
        # A package's __init__ re-exports its modules; the arrow from a module to its own
        # package is Python loading the parent first, not a dependency.
        name: {d for d in deps if not name.startswith(d + ".")}
        for name, deps in import_graph().items()
    }
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_summaries_never_imports_bot():
    wrong = {
        (name, dep)
        for name, deps in import_graph().items()
        if name.startswith("summaries")
        for dep in deps
        if dep == "bot" or dep.startswith("bot.")
    }
    assert not wrong


def test_sources_never_import_the_pipeline_they_feed():
    wrong = {
        (name, dep)
        for name, deps in import_graph().items()
        if name.startswith("summaries.sources")
        for dep in deps
        if dep in ("summaries.pipeline", "summaries.polling")
    }
    assert not wrong


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
