"""The package's shape: layers without import cycles, no reaching into Python's or a
dependency's internals, and a docstring on every layer."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "src" / "newsletter"
LAYERS = ("reading", "images", "rendering", "delivery", "drafting", "commands")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, name: str) -> set[str]:
    """Every module of the package that `path` imports, at the top or inside a function."""
    found: set[str] = set()
    known = modules()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}: use absolute imports (from newsletter.x import y)"
            base = node.module or ""
            # `from newsletter.x import y` imports newsletter.x, and y when y is a module.
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in known and target != name}
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in `graph` as the list of modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def import_graph() -> dict[str, set[str]]:
    return {name: imports(path, name) for name, path in modules().items()}


def test_no_import_cycle_between_modules() -> None:
    assert find_cycle(import_graph()) is None


# The layers from the bottom up, as the README lists them: each imports only from those before it.
ORDER = [
    "newsletter",
    "newsletter.errors",
    "newsletter.cache_folder",
    "newsletter.reading",
    "newsletter.images",
    "newsletter.rendering",
    "newsletter.delivery",
    "newsletter.drafting",
    "newsletter.pipeline",
    "newsletter.commands",
    "newsletter.cli",
    "newsletter.__main__",
]


def layer(name: str) -> str:
    return max((top for top in ORDER if name == top or name.startswith(top + ".")), key=len)


def test_each_layer_imports_only_from_the_layers_below_it() -> None:
    upward = [
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        for target in targets
        if ORDER.index(layer(target)) > ORDER.index(layer(name))
    ]
    assert upward == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_inside_functions_are_seen() -> None:
    names = modules()
    found = imports(names["newsletter.cli"], "newsletter.cli")
    assert "newsletter.commands.build" in found  # imported inside a function only


# Names that reach into the interpreter or another package's internals.
FORBIDDEN = re.compile(r"\b_sre\b|re\._compiler|sys\.modules\[|gc\.disable|__with_libyaml__")


def test_no_interpreter_hacks() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in modules().values()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []


def test_no_private_name_of_another_package() -> None:
    """`x._name` where x is an imported module other than our own, or an import of a private
    module or name (`from yaml._yaml import ...`, `from re import _parser`)."""
    offenders = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if not alias.name.startswith("newsletter"):
                        foreign.add(alias.asname or alias.name.split(".")[0])
                        if any(part.startswith("_") for part in alias.name.split(".")):
                            offenders.append(f"{name}: import {alias.name}")
            elif isinstance(node, ast.ImportFrom) and not node.level:
                module = node.module or ""
                if module.startswith("newsletter") or module == "__future__":
                    continue
                if any(part.startswith("_") for part in module.split(".")):
                    offenders.append(f"{name}: from {module} import ...")
                for alias in node.names:
                    foreign.add(alias.asname or alias.name)
                    if alias.name.startswith("_"):
                        offenders.append(f"{name}: from {module} import {alias.name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in foreign
            ):
                offenders.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert offenders == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_is(layer: str) -> None:
    module = importlib.import_module(f"newsletter.{layer}")
    assert module.__doc__ is not None and len(module.__doc__.split()) >= 25


def test_each_layer_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for layer in LAYERS:
        assert f"{layer}/" in readme
