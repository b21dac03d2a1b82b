"""The API's documents (an annex's excerpts, the case report) and its indexing and case-file
functions: every format equals the golden file the command line writes, ``save`` picks the
format by suffix, and notebook HTML is a scoped block with email text escaped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

import emlkit
from emlkit.api import CaseReport, Excerpts, check_case, update_index
from emlkit.cli import main
from emlkit.errors import CaseError, UsageError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
EPOCH = "1622160000"  # as in tests/test_golden.py
SUFFIXES = {"terminal": "txt", "markdown": "md", "html": "html", "json": "json"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("documents") / "index.db"
    update_index(SAMPLES, db=path, jobs=1)
    return path


@pytest.fixture
def corpus(db: Path, monkeypatch: pytest.MonkeyPatch) -> emlkit.Corpus:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return emlkit.open(db=db)


def _golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def _local(text: str) -> str:
    return text.replace(str(SAMPLES), "<samples>")


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_excerpts_text_is_what_the_command_writes(corpus: emlkit.Corpus, fmt: str) -> None:
    with corpus:
        found = corpus.excerpts(5)
    assert isinstance(found, Excerpts)
    assert _local(found.text(fmt)) == _golden(f"excerpt-annex-5.{SUFFIXES[fmt]}")


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_report_text_is_what_the_command_writes(corpus: emlkit.Corpus, fmt: str) -> None:
    with corpus:
        report = corpus.report()
    assert isinstance(report, CaseReport)
    assert _local(report.text(fmt)) == _golden(f"report.{SUFFIXES[fmt]}")


def test_shortcuts_and_terminal_render(corpus: emlkit.Corpus) -> None:
    with corpus:
        report = corpus.report()
    assert report.to_markdown() == report.text("markdown")
    assert report.to_html().startswith("<!DOCTYPE html>")
    assert json.loads(report.to_json())["claims"][0]["id"] == "C1"
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(report.render("terminal"))
    assert "C1" in console.export_text()


def test_save_picks_the_format_by_suffix(corpus: emlkit.Corpus, tmp_path: Path) -> None:
    with corpus:
        found = corpus.excerpts(5)
    for fmt, suffix in SUFFIXES.items():
        written = found.save(tmp_path / f"annex-5.{suffix}")
        assert _local(written.read_text(encoding="utf-8")) == _golden(f"excerpt-annex-5.{suffix}")
        assert found.save(tmp_path / "any.out", fmt).read_text(encoding="utf-8") == found.text(fmt)
    with pytest.raises(UsageError, match="give fmt="):
        found.save(tmp_path / "annex-5.pdf")
    with pytest.raises(UsageError, match="formats are"):
        found.render("pdf")


def test_notebook_html_is_a_scoped_block(corpus: emlkit.Corpus) -> None:
    with corpus:
        report = corpus.report()
        excerpts = corpus.excerpts(5)
    for html in (report._repr_html_(), excerpts._repr_html_()):
        assert html.startswith('<div class="emlkit-doc">')
        assert "<html" not in html and "<body" not in html and "<script" not in html
        rules = [line for line in html.split("<style>")[1].split("</style>")[0].splitlines()]
        assert all(r.startswith((".emlkit-doc", " ")) or not r.strip() for r in rules), rules


def test_report_best_and_provenance_frame(corpus: emlkit.Corpus) -> None:
    pytest.importorskip("pandas", reason="pandas is the extra emlkit[pandas]")
    with corpus:
        full = corpus.report()
        short = corpus.report(best=1)
    assert max(len(claim.excerpts) for claim in full.report.claims) > 1
    assert all(len(claim.excerpts) <= 1 for claim in short.report.claims)
    frame = full.to_pandas()
    assert len(frame) == len(full.report.provenance) == 30
    assert frame["sha256"].str.len().eq(64).all()
    assert "14 of 14 quotes found" in repr(full)


def test_excerpts_frame_names_the_original_of_quoted_passages(corpus: emlkit.Corpus) -> None:
    pytest.importorskip("pandas", reason="pandas is the extra emlkit[pandas]")
    with corpus:
        frame = corpus.excerpts(8).to_pandas()
    quoted = frame[frame["quoted"]]
    assert len(quoted) > 0
    assert quoted["original"].notna().any()
    assert frame["quoted"].sum() == 8


def test_update_index_reports_the_run_and_the_case(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    first = update_index([SAMPLES], db=db, jobs=1)
    assert first.summary.ok and first.summary.messages_indexed > 0
    assert first.case is not None and first.case.path == SAMPLES / "case.toml"
    assert first.case_summary() == f"{SAMPLES / 'case.toml'}: 8 claims, 8 annexes, 14 quotes"
    again = update_index(SAMPLES, db=db, jobs=1)
    assert again.summary.messages_indexed == 0
    assert again.summary.files_unchanged == first.summary.files_seen


def test_update_index_refuses_an_index_inside_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(b"Subject: x\r\n\r\nbody\r\n")
    with pytest.raises(UsageError, match="inside the corpus"):
        update_index(tmp_path, db=tmp_path / "index.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.eml"]


def test_check_case_on_good_and_bad_files(tmp_path: Path) -> None:
    good = check_case(SAMPLES / "case.toml")
    assert (
        good.ok and good.summary() == f"{SAMPLES / 'case.toml'}: 8 claims, 8 annexes, 14 quotes: OK"
    )
    bad_file = tmp_path / "case.toml"
    bad_file.write_text('[letter]\ntitle = "x"\n[[claim]]\nid = "C1"\n', encoding="utf-8")
    bad = check_case(str(bad_file))
    assert not bad.ok and bad.summary() is None and bad.case is None
    assert bad.lines() and all(line.startswith(f"{bad_file}:") for line in bad.lines())
    assert any(": error: " in line for line in bad.lines())
    with pytest.raises(CaseError):
        check_case(tmp_path / "missing.toml")


def test_nothing_is_written_inside_the_corpus(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "annex-05", evidence / "annex-05")
    db = tmp_path / "index.db"
    update_index(evidence, db=db, jobs=1)
    before = sorted(evidence.rglob("*"))
    indexed_file = before[-1]
    inside = [evidence / "x.md", evidence / "annex-05" / "x.html", indexed_file]
    with emlkit.open(db=db) as corpus:
        found = corpus.excerpts(5)
        assert found.corpus_roots == (str(evidence),)
        for target in inside:
            with pytest.raises(UsageError, match="inside the corpus"):
                found.save(target, "markdown")
            with pytest.raises(UsageError, match="inside the corpus"):
                corpus.export("csv", target)
        assert found.save(tmp_path / "annex-5.md").is_file()
        assert corpus.export("csv", tmp_path / "messages.csv") == len(found)
    for arguments in (
        ["excerpt", "--annex", "5", "-o", str(evidence / "x.md")],
        ["export", "-o", str(evidence / "annex-05" / "x.csv")],
    ):
        result = CliRunner().invoke(main, [*arguments, "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert "emlkit never writes inside the evidence it reads" in result.output
    assert sorted(evidence.rglob("*")) == before
