"""The layers import one way only (docs/architecture.md): lower layers never import higher."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "emlkit"

# Each layer, and the layers it may import from (besides itself).
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "parse": {"base"},
    "index": {"base", "parse"},
    "claims": {"base", "parse", "index"},
    "render": {"base", "parse", "index", "claims"},
    "api": {"base", "parse", "index", "claims", "render"},
    "cli": {"base", "parse", "index", "claims", "render", "api"},
    "package": {"base", "parse", "index", "claims", "render", "api", "cli"},
}


def layer_of(module: str) -> str:
    """The layer a dotted emlkit module belongs to."""
    parts = module.split(".")
    if parts == ["emlkit"]:
        return "package"
    top = parts[1]
    if top in ("errors", "records", "policy"):
        return "base"
    if top in ("__main__", "cli"):
        return "cli"
    if top in ("parse", "index", "claims", "render", "api"):
        return top
    if top == "excerpts":
        return "claims"
    raise AssertionError(f"{module} belongs to no layer: add it to docs/architecture.md")


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def emlkit_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("emlkit"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("emlkit"):
            found.add(node.module)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_imports_only_lower_layers(path: Path) -> None:
    own = layer_of(module_name(path))
    for imported in emlkit_imports(path):
        target = layer_of(imported)
        assert target == own or target in ALLOWED[own], (
            f"{module_name(path)} ({own}) imports {imported} ({target})"
        )


def test_the_check_sees_a_violation() -> None:
    assert "render" not in ALLOWED["parse"]
    assert layer_of("emlkit.render.records") == "render"
    assert emlkit_imports(PACKAGE / "cli.py")
