"""The import rules of ARCHITECTURE.md, checked on the source: layers import downwards, no pytest below the glue."""

from __future__ import annotations

import ast
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
GLUE = {"plugin", "cli", "verdict", "__init__", "__main__"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _layer_files() -> list[tuple[str, Path]]:
    return [(layer, path) for layer in ALLOWED for path in sorted((PACKAGE / layer).rglob("*.py"))]


@pytest.mark.parametrize(("layer", "path"), _layer_files(), ids=lambda v: str(v).rsplit("conformance/", 1)[-1])
def test_layer_imports_point_downwards(layer: str, path: Path) -> None:
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] in {"pytest", "_pytest", "xdist", "pluggy"}:
            pytest.fail(f"{path.name} in layer {layer!r} imports {name}: only plugin.py may import pytest")
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


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in sorted(PACKAGE.rglob("*.py"))
        if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert not missing, f"modules without a docstring saying their role: {missing}"
