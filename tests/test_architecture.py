"""The layers import one way only (docs/architecture.md): lower layers never import higher."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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
    # The command line is a shell over the notebook API: it never reaches the index or the
    # claims itself (issue 5), so everything it shows, a notebook can show too.
    "cli": {"base", "parse", "render", "api"},
    "package": {"base", "parse", "index", "claims", "render", "api", "cli"},
}


def layer_of(module: str) -> str:
    """The layer a dotted emlkit module belongs to."""
    parts = module.split(".")
    if parts == ["emlkit"]:
        return "package"
    top = parts[1]
    if top in ("errors", "records", "policy", "lazy"):
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


def test_the_cli_reaches_the_index_only_through_the_api() -> None:
    cli = PACKAGE / "cli.py"
    imported = emlkit_imports(cli)
    assert not {m for m in imported if m.startswith(("emlkit.index", "emlkit.claims"))}
    tree = ast.parse(cli.read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "sqlite3" not in modules
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    sql = [
        s for s in strings if isinstance(s, str) and re.search(r"\bSELECT\b|\bFROM \w+ WHERE", s)
    ]
    assert not sql, f"SQL in cli.py: {sql}"


def test_the_cli_check_sees_a_storage_import(tmp_path: Path) -> None:
    bad = tmp_path / "cli.py"
    bad.write_text("from emlkit.index.store import Store\n", encoding="utf-8")
    assert emlkit_imports(bad) == {"emlkit.index.store"}
    assert "index" not in ALLOWED["cli"]


def test_the_cli_starts_without_loading_what_reading_an_index_needs() -> None:
    # `emlkit index` with nothing to do must stay fast: the excerpts, quotes, report and
    # notebook views are loaded only by the commands that read an index.
    code = "import sys, emlkit.cli; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    heavy = {
        "emlkit.api.corpus",
        "emlkit.api.documents",
        "emlkit.claims.excerpts",
        "emlkit.claims.quotes",
        "emlkit.claims.report",
        "emlkit.render.report",
        "rapidfuzz",
        "rich",  # `emlkit index -q` and `--json` draw nothing
        "emlkit.index.indexer",  # not for `emlkit --help`, `emlkit case check`
    }
    assert not heavy & set(loaded), sorted(heavy & set(loaded))


def test_an_index_run_loads_the_parser_only_in_its_workers() -> None:
    # The main process walks, compares and stores: with nothing to parse, loading the
    # parser (email, chardet, the MIME walk) would be most of the run's start-up.
    code = (
        "import sys, emlkit, emlkit.cli, emlkit.api.indexing, emlkit.render.indexing;"
        " print(' '.join(sorted(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    parser = {"emlkit.parse.message", "emlkit.parse.reader", "emlkit.parse.mime", "chardet"}
    assert not parser & set(loaded), sorted(parser & set(loaded))
    import emlkit

    assert emlkit.parse_bytes(b"Subject: x\n\nbody\n").subject == "x"  # loaded on use


def test_the_choices_the_command_line_offers_are_the_index_layers() -> None:
    from emlkit.api import constants
    from emlkit.index import export, timeline

    assert constants.EXPORT_FORMATS == export.FORMATS
    assert constants.TIMELINE_PERIODS == timeline.PERIODS
    assert set(constants.FREQUENCIES.values()) == set(timeline.PERIODS)
