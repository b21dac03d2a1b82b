"""Golden files: `emlkit excerpt --annex 5` and `emlkit report` on the samples, in every format.

The files under tests/golden/ are what the commands print today; a change of output shows
up as a diff to review. Regenerate them, after checking the change is wanted, with:

    EMLKIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

The terminal view is written with ``--output`` (a fixed width of 100 columns, no colour).
Absolute paths of this checkout are replaced by ``<samples>``; ``SOURCE_DATE_EPOCH`` fixes
the report's time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from emlkit.claims.indexing import index_case
from emlkit.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("EMLKIT_UPDATE_GOLDEN") == "1"
EPOCH = "1622160000"  # 2021-05-28T00:00:00Z, the letter's date
SUFFIXES = {"terminal": "txt", "markdown": "md", "html": "html", "json": "json"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("golden") / "index.db"
    index_case([SAMPLES], path, jobs=1)
    return path


def _run(args: list[str], out: Path) -> str:
    result = CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH}).invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8").replace(str(SAMPLES), "<samples>")


def _compare(name: str, produced: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: regenerate with EMLKIT_UPDATE_GOLDEN=1"
    expected = golden.read_text(encoding="utf-8")
    assert produced == expected, (
        f"{name} differs from the golden file; if the change is wanted, regenerate with "
        "EMLKIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"
    )


@pytest.mark.parametrize("output_format", list(SUFFIXES))
def test_excerpt_annex_5(db: Path, tmp_path: Path, output_format: str) -> None:
    out = tmp_path / f"out.{SUFFIXES[output_format]}"
    args = ["excerpt", "--annex", "5", "--db", str(db), "--format", output_format]
    _compare(f"excerpt-annex-5.{SUFFIXES[output_format]}", _run(args, out))


@pytest.mark.parametrize("output_format", list(SUFFIXES))
def test_report(db: Path, tmp_path: Path, output_format: str) -> None:
    out = tmp_path / f"out.{SUFFIXES[output_format]}"
    args = ["report", "--db", str(db), "--format", output_format]
    _compare(f"report.{SUFFIXES[output_format]}", _run(args, out))


def test_the_goldens_hold_no_machine_paths() -> None:
    for golden in GOLDEN.iterdir():
        text = golden.read_text(encoding="utf-8")
        assert str(SAMPLES) not in text and "/tmp/" not in text, golden.name
