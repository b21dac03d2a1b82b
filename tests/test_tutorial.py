"""docs/tutorial.ipynb runs from top to bottom without an error, in a kernel of this very
interpreter, writes nothing inside samples/, and is stored without outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.ipynb"
KERNEL = "emlkit-tutorial"


def own_kernel(folder: Path) -> KernelManager:
    """A kernel manager for an ipykernel of ``sys.executable``, whatever kernels the
    machine has installed (a user's ``python3`` kernel may run another Python)."""
    spec = folder / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": KERNEL, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(folder)])
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


def test_the_stored_tutorial_has_no_outputs() -> None:
    notebook = nbformat.read(TUTORIAL, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


def test_the_tutorial_runs_without_errors(tmp_path: Path) -> None:
    notebook = nbformat.read(TUTORIAL, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    samples = sorted((ROOT / "samples").rglob("*"))
    client = NotebookClient(
        notebook,
        km=own_kernel(tmp_path / "kernels"),
        kernel_name=KERNEL,
        timeout=300,
        resources={"metadata": {"path": str(ROOT / "docs")}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    assert notebook.cells[-1].outputs[0]["text"].strip() == sys.executable
    html = [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "text/html" in output.get("data", {})
    ]
    assert len(html) >= 8  # messages, hits, a thread, the timeline, excerpts, frames
    assert sorted((ROOT / "samples").rglob("*")) == samples
