"""Each package's imports form a DAG, and the parts import only whom the design allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .import_graph import find_cycle, import_graph, module_files

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("consent_server", "mkdocs_privacy_plugin")


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_form_no_cycle(package):
    cycle = find_cycle(import_graph(ROOT, package))
    assert cycle is None, f"import cycle in {package}: {' -> '.join(cycle)}"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_import_is_at_the_top_of_its_module(package):
    """An import inside a function hides a dependency from whoever reads the top of the file."""
    hidden = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                hidden += [
                    f"{path.relative_to(ROOT)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                ]
    assert not hidden, f"imports inside functions: {', '.join(hidden)}"


def test_a_cycle_closed_inside_a_function_is_found(tmp_path):
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("from .first import run\n")
    (package / "first.py").write_text("from . import second\n\ndef run():\n    return second\n")
    (package / "second.py").write_text("def back():\n    from .first import run\n    return run\n")
    cycle = find_cycle(import_graph(tmp_path, "circle"))
    assert cycle is not None
    assert set(cycle) == {"circle.first", "circle.second"} and cycle[0] == cycle[-1]


def test_importing_a_submodule_runs_its_package_first(tmp_path):
    package = tmp_path / "outer"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("from ..settings import VALUE\n")
    (package / "inner" / "leaf.py").write_text("")
    (package / "settings.py").write_text("from .inner.leaf import *\nVALUE = 1\n")
    graph = import_graph(tmp_path, "outer")
    assert graph["outer.settings"] == {"outer.inner", "outer.inner.leaf"}
    assert find_cycle(graph) is not None


def _top_level_imports(package: str, under: str = "") -> set[str]:
    """Every top-level package name imported by the modules of `package` (under a subfolder)."""
    names = set()
    for path in (ROOT / package / under).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_the_two_halves_share_no_code():
    assert not _top_level_imports("consent_server") & {"mkdocs", "mkdocs_privacy_plugin"}
    assert not _top_level_imports("mkdocs_privacy_plugin") & {"consent_server", "flask"}


def test_the_store_knows_no_flask():
    assert not _top_level_imports("consent_server", "store") & {"flask", "werkzeug"}


def test_blueprints_do_not_import_one_another():
    graph = import_graph(ROOT, "consent_server")
    blueprints = {
        module
        for module, path in module_files(ROOT, "consent_server").items()
        if "Blueprint(" in path.read_text(encoding="utf-8")
    }
    assert {"consent_server.api", "consent_server.admin", "consent_server.dashboard"} <= blueprints
    crossing = {(module, target) for module in blueprints for target in graph[module] & blueprints}
    assert not crossing, f"blueprints importing blueprints: {sorted(crossing)}"
