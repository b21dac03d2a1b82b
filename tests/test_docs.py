"""README's two commands are the ones CI runs, and the documentation covers the public API."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import emlkit

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme)[:2]


def test_readme_starts_with_the_two_setup_commands() -> None:
    main_job, tests = readme_commands()
    assert main_job.endswith("emlkit index samples/")
    assert "pip install -e '.[test]'" in tests
    assert tests.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci
    for command in readme_commands():
        assert command in ci, f"CI does not run README's command: {command}"


def test_every_public_name_has_a_docstring() -> None:
    for name in emlkit.__all__:
        if name.startswith("__"):
            continue
        assert getattr(emlkit, name).__doc__, f"emlkit.{name} has no docstring"


def test_every_public_name_is_documented() -> None:
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    for name in emlkit.__all__:
        if name.startswith("__"):
            continue
        assert f"`{name}" in docs or f"{name}(" in docs, f"emlkit.{name} is not in docs/"


def test_readme_python_examples_run(tmp_path: Path) -> None:
    """Each Python block of README runs as written, on the samples, from another folder
    (so that `case.html` and the index land in tmp_path, never in the checkout)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.+?)\n```", readme, flags=re.S)
    assert len(blocks) >= 2
    code = "import emlkit\n" + "\n".join(blocks)
    code = code.replace('"samples/', f'"{ROOT}/samples/').replace("/tmp/samples.db", "s.db")
    before = sorted((ROOT / "samples").rglob("*"))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "case.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted((ROOT / "samples").rglob("*")) == before
