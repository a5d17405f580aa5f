"""The import graph of a package, read from its source with `ast`, every import statement counted.

Imports inside functions count too: they hide a dependency from the top of the file but not from
the interpreter, so a circle closed by one is still a circle. Importing `a.b.c` also runs `a` and
`a.b`; those edges are kept, except to the importer's own packages, which are always loaded first.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` (a folder under `root`) by its dotted name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def _required_modules(module: str, path: Path, modules: set[str]) -> set[str]:
    """The modules an import statement of `module` needs loaded (not their parent packages).

    `from p import n` needs the module `p.n` when there is one, else `p` itself (n is its
    attribute, so p's own code must have run).
    """
    is_package = path.name == "__init__.py"
    required: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            required.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = (module if is_package else module.rpartition(".")[0]).split(".")
                parent = ".".join(package[: len(package) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                required.add(submodule if submodule in modules else base)
    return required & modules


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package that importing it makes Python run."""
    modules = module_files(root, package)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        own_packages = set(_ancestors(module))
        targets: set[str] = set()
        for name in _required_modules(module, path, set(modules)):
            targets.add(name)
            targets.update(a for a in _ancestors(name) if a in modules and a not in own_packages)
        graph[module] = targets - {module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None when the graph is a DAG."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))
    return None
