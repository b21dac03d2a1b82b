"""`emlkit report` and the report model: claims, quotes, ranked excerpts, provenance, annexes."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from emlkit.claims.excerpts import Excerpt, MessageHeader
from emlkit.claims.indexing import index_case
from emlkit.claims.report import BEST_EXCERPTS, CitedExcerpt, Report, build_report, rank
from emlkit.cli import main
from emlkit.errors import CaseError
from emlkit.index.indexer import index_paths
from emlkit.index.store import Store
from emlkit.parse import iter_messages

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "index.db"
    index_case([SAMPLES], path, jobs=1)
    return path


@pytest.fixture(scope="module")
def report(db: Path) -> Report:
    with Store(db, readonly=True) as store:
        return build_report(store, generated_at=datetime(2021, 5, 28, tzinfo=UTC))


def test_the_header_names_the_letter_and_the_case_file_by_hash(report: Report) -> None:
    assert report.title.startswith("Appeal:")
    assert report.letter_date == "2021-05-28" and report.letter_path == "letter.md"
    case_bytes = (SAMPLES / "case.toml").read_bytes()
    assert report.case_file == "case.toml"
    assert report.case_sha256 == hashlib.sha256(case_bytes).hexdigest()
    assert report.generated_at == "2021-05-28T00:00:00+00:00"


def test_every_claim_in_order_with_its_quotes_verified(report: Report) -> None:
    assert [claim.id for claim in report.claims] == [f"C{n}" for n in range(1, 9)]
    assert report.quote_count == 14 and report.quotes_found == 14
    c1 = report.claims[0]
    assert len(c1.quotes) == 2 and all(check.found for check in c1.quotes)
    assert len(c1.translations) == 2


def test_an_unsupported_claim_has_no_excerpts(report: Report) -> None:
    c2 = next(claim for claim in report.claims if claim.id == "C2")
    assert c2.excerpts == () and c2.excerpts_found == 0 and c2.quotes == ()


def test_best_excerpts_put_the_quote_first_and_never_repeat_a_passage(report: Report) -> None:
    for claim in report.claims:
        assert len(claim.excerpts) <= 5
        texts = [" ".join(c.excerpt.text.split()).lower() for c in claim.excerpts]
        assert len(texts) == len(set(texts)), claim.id
        if claim.quotes:
            assert claim.excerpts[0].excerpt.by_quote, claim.id
    c5 = next(claim for claim in report.claims if claim.id == "C5")
    assert "задним числом" in c5.excerpts[0].excerpt.text
    assert c5.excerpts[0].message.path == "annex-05/05-02_2021-03-16_re-rezultat-kusp.eml"


def test_provenance_lists_every_cited_message_with_its_true_hash(report: Report) -> None:
    parsed = {m.message_id: m for m in iter_messages([SAMPLES]) if m.failure is None}
    cited = {row.message.message_id: row for row in report.provenance}
    for claim in report.claims:
        for check in claim.quotes:
            assert check.message_id in cited
        for item in claim.excerpts:
            assert item.message.message_id in cited
    for message_id, row in cited.items():
        source = parsed[message_id].source
        assert row.message.sha256 == source.sha256
        assert (SAMPLES / (row.message.path or "")).resolve() == Path(source.path).resolve()
        assert row.cited_by
    dates = [row.message.date_utc or "" for row in report.provenance]
    assert dates == sorted(dates)


def test_annexes_explain_their_messages_and_key_quotes(report: Report) -> None:
    annex_5 = next(annex for annex in report.annexes if annex.number == 5)
    assert annex_5.claims == ("C5",)
    in_folder = sorted(p.name for p in (SAMPLES / "annex-05").glob("*.eml"))
    assert sorted(Path(h.path or "").name for h in annex_5.messages) == in_folder
    assert [check.claim for check in annex_5.key_quotes] == ["C5"]
    assert [a.number for a in report.annexes] == [2, 3, 4, 5, 6, 7, 8, 15]


def test_best_limits_the_excerpts(db: Path) -> None:
    with Store(db, readonly=True) as store:
        short = build_report(store, best=1)
    assert all(len(claim.excerpts) <= 1 for claim in short.claims)


def test_report_best_option_defaults_to_the_library_default(db: Path) -> None:
    runner = CliRunner()
    help_text = " ".join(runner.invoke(main, ["report", "--help"]).output.split())
    assert f"(default: {BEST_EXCERPTS})" in help_text
    shown = runner.invoke(main, ["report", "--db", str(db), "--format", "json"])
    one = runner.invoke(main, ["report", "--db", str(db), "--format", "json", "--best", "1"])
    assert shown.exit_code == one.exit_code == 0
    counts = [len(claim["excerpts"]) for claim in json.loads(shown.output)["claims"]]
    assert max(counts) == BEST_EXCERPTS
    assert all(len(c["excerpts"]) <= 1 for c in json.loads(one.output)["claims"])


def test_source_date_epoch_fixes_the_time(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    with Store(db, readonly=True) as store:
        assert build_report(store).generated_at == "1970-01-01T00:00:00+00:00"


def _cited(
    text: str, by_quote: bool, quoted: bool, spans: tuple[tuple[int, int], ...]
) -> CitedExcerpt:
    header = MessageHeader("m@x.test", None, None, "", (), "", None, "0" * 64, ())
    return CitedExcerpt(Excerpt("C1", 0, len(text), text, spans, by_quote, quoted), header, 1)


def test_rank_orders_quote_own_words_length_and_matches() -> None:
    signature = _cited("Демченко С.В.", False, False, ((0, 8),))
    one_word = _cited("Рапорт подан вчера вечером в дежурную часть", False, False, ((0, 6),))
    two_words = _cited(
        "Рапорт в КУСП подан вчера вечером как надо", False, False, ((0, 6), (9, 13))
    )
    quoted = _cited("Рапорт в  КУСП подан вчера\nвечером как надо", False, True, ((0, 6), (9, 13)))
    quote = _cited("Зарегистрировать задним числом, двенадцатого марта", True, False, ())
    ranked = rank([signature, quoted, one_word, two_words, quote])
    assert ranked == [quote, two_words, one_word, signature]  # `quoted` repeats `two_words`


def test_a_corpus_without_a_case_has_no_report(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    index_paths([SAMPLES / "annex-05"], db, jobs=1)
    with Store(db, readonly=True) as store, pytest.raises(CaseError):
        build_report(store)
    result = CliRunner().invoke(main, ["report", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "holds no case" in result.output


def test_report_cli_formats(db: Path, tmp_path: Path) -> None:
    shown = CliRunner().invoke(main, ["report", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "14 of 14 quotes found" in shown.output and "Provenance" in shown.output
    out = tmp_path / "report.json"
    saved = CliRunner().invoke(
        main, ["report", "--db", str(db), "--format", "json", "-o", str(out)]
    )
    assert saved.exit_code == 0 and f"written to {out}" in saved.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "emlkit-report" and data["format_version"] == 1
    assert data["quotes_found"] == 14 and len(data["claims"]) == 8
    unwritable = CliRunner().invoke(
        main, ["report", "--db", str(db), "-o", str(tmp_path / "no" / "x")]
    )
    assert unwritable.exit_code == 1 and "No such file" in unwritable.output


def test_a_cited_file_that_is_gone_is_marked_in_every_format(tmp_path: Path) -> None:
    corpus, db = tmp_path / "case", tmp_path / "index.db"
    shutil.copytree(SAMPLES, corpus)
    index = ["index", str(corpus), "--db", str(db), "--jobs", "1", "--quiet"]
    assert CliRunner().invoke(main, index).exit_code == 0  # with the case.toml it finds
    shown = CliRunner().invoke(main, ["report", "--format", "json", "--db", str(db)])
    cited = json.loads(shown.output)["provenance"][0]["message"]
    assert cited["missing"] is False
    (corpus / cited["path"]).unlink()  # the report's paths are relative to the case file
    assert CliRunner().invoke(main, index).exit_code == 0
    for fmt in ("terminal", "markdown", "html", "json"):
        shown = CliRunner().invoke(main, ["report", "--format", fmt, "--db", str(db)])
        assert shown.exit_code == 0, shown.output
        if fmt == "json":
            found = json.loads(shown.output)["provenance"][0]["message"]
            assert found["path"] == cited["path"] and found["missing"] is True
        else:
            assert "(missing or unreadable at the last index run)" in shown.output, fmt


def test_a_cited_message_with_another_version_is_marked_in_every_format(tmp_path: Path) -> None:
    # An edited copy of a cited message, outside the annexes: the report and the annex's
    # excerpts say that another version differs, and where to see how.
    corpus, db = tmp_path / "case", tmp_path / "index.db"
    shutil.copytree(SAMPLES, corpus)
    index = ["index", str(corpus), "--db", str(db), "--jobs", "1", "--quiet"]
    assert CliRunner().invoke(main, index).exit_code == 0
    shown = CliRunner().invoke(main, ["report", "--format", "json", "--db", str(db)])
    cited = json.loads(shown.output)["provenance"][0]
    assert cited["message"]["conflicting"] is False
    original = (corpus / cited["message"]["path"]).read_bytes()
    edited = original.replace(b"Subject:", b"Subject: [edited]", 1)
    assert edited != original
    (corpus / "elsewhere").mkdir()
    (corpus / "elsewhere" / "edited.eml").write_bytes(edited)
    assert CliRunner().invoke(main, index).exit_code == 0
    see = f"emlkit conflicts --message-id '<{cited['message']['message_id']}>'"
    for fmt in ("terminal", "markdown", "html", "json"):
        shown = CliRunner().invoke(main, ["report", "--format", fmt, "--db", str(db)])
        assert shown.exit_code == 0, shown.output
        if fmt == "json":
            found = json.loads(shown.output)["provenance"][0]["message"]
            assert found["path"] == cited["message"]["path"] and found["conflicting"] is True
        else:
            assert "another version differs" in shown.output, fmt
            plain = " ".join(shown.output.split()).replace("\\", "")  # Markdown escapes
            plain = plain.replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")
            assert see in plain, fmt
    annex = str(cited["annex"])
    for fmt in ("terminal", "markdown", "html"):
        shown = CliRunner().invoke(
            main, ["excerpt", "--annex", annex, "--format", fmt, "--db", str(db)]
        )
        assert shown.output.count("another version differs") == 1, fmt
