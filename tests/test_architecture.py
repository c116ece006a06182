"""The import rules of ARCHITECTURE.md, checked on the source: layers import downwards, no pytest below the glue,
no import loop anywhere in the package.

An import is any way a module brings in another: ``import``/``from`` statements at any depth (inside functions and
``if TYPE_CHECKING:`` too), relative imports, ``importlib.import_module("...")`` and ``__import__("...")`` with a
literal name, and pytest's string plugin loading (``pytest_plugins = [...]``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "conformance"

ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "scenario": {"model"},
    "reference": {"model"},
    "targets": {"model", "reference"},
    "fuzz": {"model", "scenario", "targets"},
    "report": {"model"},
}
#: The glue: it may import every layer. Only the modules of PYTEST_GLUE may import pytest.
GLUE = {"plugin", "fuzz_plugin", "cli", "verdict", "item_records", "glue", "__init__", "__main__"}
PYTEST_GLUE = {"plugin", "fuzz_plugin", "cli", "glue"}
PYTEST = {"pytest", "_pytest", "xdist", "pluggy"}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """``conformance/report/html.py`` → ``conformance.report.html`` (a package's ``__init__`` is the package)."""
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module name ``path`` imports, in any of the ways the module docstring lists."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = module_name(path, package).split(".")
    # The package a relative import starts from: a module's own package, or the package itself for __init__.
    base = own if path.name == "__init__.py" else own[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            start = base[: len(base) - node.level + 1] if node.level else []
            module = ".".join([*start, *([node.module] if node.module else [])])
            found.add(module)
            # `from conformance import verdict` imports the module conformance.verdict.
            found.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            found.update(_literals(node.args[:1]))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in targets) and node.value is not None:
                found.update(_literals([node.value]))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def _literals(nodes: Iterable[ast.expr]) -> set[str]:
    """The string constants in ``nodes`` (a name, or a list or tuple of names)."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            found.update(_literals(node.elts))
    return found


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the package's modules it imports (a name that is not a module is read as its parent package).

    Imports of a module's own enclosing packages are left out.
    """
    modules = _modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for imported in imports(path, package):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            # A module that takes names from its own package's __init__ is the usual package layout, not a loop.
            if imported and not (name == imported or name.startswith(f"{imported}.")):
                edges.add(imported)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import loops of ``graph``, each as the modules around it (strongly connected components of 2 or more)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer_files() -> list[tuple[str, Path]]:
    return [(layer, path) for layer in ALLOWED for path in sorted((PACKAGE / layer).rglob("*.py"))]


@pytest.mark.parametrize(("layer", "path"), _layer_files(), ids=lambda v: str(v).rsplit("conformance/", 1)[-1])
def test_layer_imports_point_downwards(layer: str, path: Path) -> None:
    for name in imports(path):
        parts = name.split(".")
        if parts[0] in PYTEST:
            pytest.fail(f"{path.name} in layer {layer!r} imports {name}: only the pytest glue may import pytest")
        if parts[0] != "conformance" or len(parts) < 2:
            continue
        target = parts[1]
        if target == layer:
            continue
        assert target not in GLUE, f"{path.name} in layer {layer!r} imports the glue module {name}"
        assert target in ALLOWED[layer], (
            f"{path.name} in layer {layer!r} imports {name}; "
            f"{layer} may import only {sorted(ALLOWED[layer]) or 'nothing'}"
        )


def test_every_module_is_in_a_layer_or_the_glue() -> None:
    tops = {path.relative_to(PACKAGE).parts[0].removesuffix(".py") for path in PACKAGE.rglob("*.py")}
    assert tops <= {*ALLOWED, *GLUE}, f"not in ARCHITECTURE.md's table: {sorted(tops - {*ALLOWED, *GLUE})}"


@pytest.mark.parametrize("name", sorted(GLUE - PYTEST_GLUE - {"__init__", "__main__"}))
def test_the_verdict_and_the_records_need_no_pytest(name: str) -> None:
    pulled = {n for n in imports(PACKAGE / f"{name}.py") if n.split(".")[0] in PYTEST}
    assert not pulled, f"{name}.py imports {sorted(pulled)}: the CLI and benchmarks use it without pytest"


def test_no_module_imports_itself_round_a_loop() -> None:
    # A loop hides which module depends on which (the fuzz plugin and the plugin once loaded each other, one of
    # them by a string), and ties their import order to whichever is loaded first.
    assert cycles(import_graph()) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "conformance"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_imports_are_seen_inside_functions_by_importlib_and_by_plugin_strings(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "report/__init__.py": "",
            "report/html.py": (
                "import importlib\n"
                "def late():\n"
                "    from conformance.fuzz import machine\n"
                "    importlib.import_module('conformance.targets.aws')\n"
                "    __import__('pytest')\n"
                "from ..scenario import runner\n"
            ),
            "plugin.py": "pytest_plugins = ['conformance.fuzz_plugin']\n",
        },
    )
    found = imports(package / "report" / "html.py", package)
    assert {"conformance.fuzz.machine", "conformance.targets.aws", "pytest", "conformance.scenario.runner"} <= found
    assert imports(package / "plugin.py", package) == {"conformance.fuzz_plugin"}


def test_the_loop_the_plugins_once_had_is_caught(tmp_path: Path) -> None:
    # plugin.py loaded fuzz_plugin by a string; fuzz_plugin imported plugin for its stash keys.
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "plugin.py": "SESSION = object()\npytest_plugins = ['conformance.fuzz_plugin']\n",
            "fuzz_plugin.py": "from conformance import plugin\n\ndef hook():\n    return plugin.SESSION\n",
            "verdict.py": "def judge():\n    from conformance import cli\n",
            "cli.py": "import importlib\nverdict = importlib.import_module('conformance.verdict')\n",
        },
    )
    assert cycles(import_graph(package)) == [
        ["conformance.cli", "conformance.verdict"],
        ["conformance.fuzz_plugin", "conformance.plugin"],
    ]


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in sorted(PACKAGE.rglob("*.py"))
        if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert not missing, f"modules without a docstring saying their role: {missing}"
