"""The notebook API on the sample case: ``emlkit.open``, the lazy message set and its filters
(checked against the sample files parsed independently), search, threads, senders, the
timeline, the stored case, excerpts, quote checks and export."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

import emlkit
from emlkit import Corpus, Message
from emlkit.api import default_db
from emlkit.claims.case import load_case
from emlkit.errors import EmlkitError, NotFoundError, QueryError, StoreError, UsageError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@dataclass(frozen=True)
class Expected:
    """A sample message as parsed straight from its file, with the annex its folder names."""

    message: Message
    annex: int
    path: str
    forwarded: bool


def expected_messages() -> dict[str, Expected]:
    """Every message of the samples (forwarded ones too) by SHA-256, parsed independently."""
    found: dict[str, Expected] = {}
    for top in emlkit.iter_messages([SAMPLES]):
        folder = re.fullmatch(r"annex-(\d+)", Path(top.source.path).parent.name)
        assert folder is not None
        for message in top.walk():
            item = Expected(message, int(folder[1]), top.source.path, message is not top)
            found.setdefault(message.source.sha256, item)
    return found


@pytest.fixture(scope="module")
def expected() -> dict[str, Expected]:
    return expected_messages()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "index.db"
    emlkit.open(SAMPLES, db=path, jobs=1).close()
    return path


@pytest.fixture
def corpus(db: Path) -> Iterator[Corpus]:
    with emlkit.open(db=db) as opened:
        yield opened


def shas(messages: object) -> set[str]:
    assert not isinstance(messages, str)
    return {m.sha256 for m in messages}  # type: ignore[attr-defined]


def expect(expected: dict[str, Expected], keep: Callable[[Expected], bool]) -> set[str]:
    return {sha for sha, item in expected.items() if keep(item)}


def folded(*texts: str | None) -> str:
    return " ".join(text or "" for text in texts).casefold()


# Opening ------------------------------------------------------------------------------------


def test_open_indexes_a_folder_then_brings_it_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    with emlkit.open(SAMPLES, db=db, jobs=1) as first:
        assert first.last_run is not None
        assert first.last_run.summary.files_indexed == 78
        assert first.last_run.case is not None and first.last_run.case.path.name == "case.toml"
    with emlkit.open(str(SAMPLES), db=db, jobs=1) as again:
        assert again.last_run is not None
        assert again.last_run.summary.files_indexed == 0
        assert again.last_run.summary.files_unchanged == 78
        assert again.path == db


def test_open_by_default_uses_the_command_lines_index_and_never_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(SAMPLES.rglob("*"))
    monkeypatch.delenv("EMLKIT_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    with emlkit.open(SAMPLES, jobs=1) as corpus:
        assert corpus.path.resolve() == (tmp_path / ".emlkit" / "index.db").resolve()
    with emlkit.open() as again:  # no paths: the same default index, read as it is
        assert again.last_run is None and len(again.messages) == 82
    monkeypatch.setenv("EMLKIT_DB", str(tmp_path / "elsewhere.db"))
    assert default_db() == tmp_path / "elsewhere.db"
    monkeypatch.delenv("EMLKIT_DB")
    monkeypatch.chdir(SAMPLES)
    with pytest.raises(UsageError, match="inside the corpus"):
        emlkit.open(".")
    assert sorted(SAMPLES.rglob("*")) == before


def test_open_refuses_what_cannot_work(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no index"):
        emlkit.open(db=tmp_path / "missing.db")
    with pytest.raises(UsageError):
        emlkit.open(db=tmp_path / "missing.db", case=SAMPLES / "case.toml")
    with pytest.raises(emlkit.InputError):
        emlkit.open(tmp_path / "no-such-folder", db=tmp_path / "index.db")


def test_a_corpus_reads_only_and_closes(db: Path) -> None:
    with emlkit.open(db=db) as corpus:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            corpus.store.db.execute("DELETE FROM messages")
        messages = corpus.messages
        assert "82 messages" in repr(corpus)
        started = iter(messages)
        next(started)
    assert corpus.closed and "closed" in repr(corpus)
    started.close()  # an iteration left half-way ends quietly after the corpus closed
    with pytest.raises(UsageError, match="closed"):
        len(messages)
    corpus.close()  # twice is fine


# Messages -------------------------------------------------------------------------------------


def test_records_hold_what_the_files_say(corpus: Corpus, expected: dict[str, Expected]) -> None:
    records = {m.sha256: m for m in corpus.messages}
    assert set(records) == set(expected)
    for sha, item in expected.items():
        record, message = records[sha], item.message
        assert record.message_id == message.message_id
        assert record.subject == message.subject
        assert record.date == message.date.value and record.date_utc == message.date.utc
        assert record.sender == (message.from_[0] if message.from_ else None)
        lowered = tuple(emlkit.Address(a.name, a.address.lower()) for a in message.to)
        assert record.to == lowered
        assert record.attachments == message.attachments
        assert record.defects == message.defects
        assert record.text == message.text
        assert record.annex == item.annex and item.path in record.paths
        assert (record.carrier is not None) == item.forwarded


def test_len_counts_in_sql_without_reading_rows(corpus: Corpus) -> None:
    statements: list[str] = []
    corpus.store.db.set_trace_callback(statements.append)
    assert len(corpus.messages) == 82
    assert len(statements) == 1 and "count(*)" in statements[0]
    corpus.store.db.set_trace_callback(None)


MARCH_16, MARCH_20 = datetime(2021, 3, 16, tzinfo=UTC), datetime(2021, 3, 20, tzinfo=UTC)


def test_iteration_streams_in_batches(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emlkit.api.reading, "BATCH", 10)
    statements: list[str] = []
    corpus.store.db.set_trace_callback(statements.append)
    rows = iter(corpus.messages)
    next(rows)
    selects = [s for s in statements if s.startswith(("SELECT", "WITH"))]
    assert len(selects) == 5  # the rows, then addresses, paths, attachments, defects of 10
    assert "LIMIT" not in selects[0]
    for select in selects[1:]:  # the trace shows the SQL with its parameters bound
        ids = re.search(r"IN\(([\d,]+)\)", select.replace(" ", ""))
        assert ids is not None and len(ids[1].split(",")) == 10, select
    rest = list(rows)
    corpus.store.db.set_trace_callback(None)
    assert len(rest) == 81
    assert len([s for s in statements if s.startswith(("SELECT", "WITH"))]) == 1 + 4 * 9


FILTERS: list[tuple[dict[str, object], Callable[[Expected], bool]]] = [
    ({"annex": 5}, lambda e: e.annex == 5),
    ({"sender": "EGOROVA"}, lambda e: "egorova" in folded(*_people(e.message.from_))),
    (
        {"recipient": "Тищенко"},
        lambda e: "тищенко" in folded(*_people(e.message.to + e.message.cc + e.message.bcc)),
    ),
    ({"has_attachment": True}, lambda e: bool(e.message.attachments)),
    ({"has_attachment": False}, lambda e: not e.message.attachments),
    ({"forwarded": True}, lambda e: e.forwarded),
    (
        {"since": "2021-03-16", "until": MARCH_20},
        lambda e: e.message.date.utc is not None and MARCH_16 <= e.message.date.utc < MARCH_20,
    ),
    (
        {"annex": 4, "sender": "omvd.zar.test"},
        lambda e: e.annex == 4 and "omvd.zar.test" in folded(*_people(e.message.from_)),
    ),
]


def _people(addresses: tuple[emlkit.Address, ...]) -> list[str]:
    return [part for a in addresses for part in (a.name, a.address)]


@pytest.mark.parametrize(("given", "keep"), FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_filters_match_the_files(
    corpus: Corpus,
    expected: dict[str, Expected],
    given: dict[str, object],
    keep: Callable[[Expected], bool],
) -> None:
    chosen = corpus.messages.filter(**given)  # type: ignore[arg-type]
    wanted = expect(expected, keep)
    assert wanted, "a filter test needs messages to find"
    assert shas(chosen) == wanted
    assert len(chosen) == len(wanted)


def test_filters_chain_as_and(corpus: Corpus, expected: dict[str, Expected]) -> None:
    chained = corpus.messages.filter(annex=4).filter(sender="omvd.zar.test")
    assert shas(chained) == shas(corpus.messages.filter(annex=4, sender="omvd.zar.test"))
    assert len(corpus.messages.filter(annex=4).filter(annex=5)) == 0


def test_thread_filter_is_the_threads_messages(corpus: Corpus) -> None:
    record = corpus.get("7C669CF9-4E8B-A03E-2B62-5F643123F3AA@zarechensk-admin.test")
    assert record.thread_id is not None
    members = corpus.messages.filter(thread=record.thread_id)
    assert {m.id for m in members} == {s.row for s in corpus.thread(record)}
    assert len(members) >= 2


def test_sorted_by_date_and_slices(corpus: Corpus) -> None:
    everything = list(corpus.messages)
    assert [m.id for m in everything] == sorted(m.id for m in everything)
    oldest = list(corpus.messages.sorted_by_date())
    dates = [m.date_utc for m in oldest if m.date_utc is not None]
    assert dates == sorted(dates) and len(oldest) == 82
    newest = list(corpus.messages.sorted_by_date(reverse=True))
    assert [m.date_utc for m in newest if m.date_utc] == sorted(dates, reverse=True)
    ordered = corpus.messages.sorted_by_date()
    assert [m.id for m in ordered[10:20]] == [m.id for m in oldest[10:20]]
    assert [m.id for m in ordered[-3:]] == [m.id for m in oldest[-3:]]
    assert ordered[0].id == oldest[0].id and ordered[-1].id == oldest[-1].id
    assert len(ordered[80:]) == 2 and len(ordered[5:8]) == 3 and len(ordered[5:8][1:]) == 2
    assert [m.id for m in ordered[5:8][1:]] == [m.id for m in oldest[6:8]]
    with pytest.raises(IndexError):
        ordered[82]
    with pytest.raises(UsageError):
        ordered[:5].filter(annex=5)


def test_get_by_message_id_with_or_without_brackets(corpus: Corpus) -> None:
    wanted = "007501d7cd07$785e9f43$6401a8c0@pd-director"  # 02-06, also forwarded in 02-07
    bare, bracketed = corpus.get(wanted), corpus.get(f"<{wanted}>")
    assert bare == bracketed and bare.carrier is None
    assert any(p.endswith("02-06_2021-02-16_otvet-gusev.eml") for p in bare.paths)
    copies = corpus.messages.filter(message_id=wanted)
    assert len(copies) == 2 and {m.carrier is None for m in copies} == {True, False}
    assert {m.content_sha256 for m in copies} == {bare.content_sha256}  # a faithful forward
    assert not any(m.conflicting for m in copies)
    assert corpus.get(bare.id) == bare
    with pytest.raises(NotFoundError) as raised:
        corpus.get("no-such@id")
    assert isinstance(raised.value, KeyError) and isinstance(raised.value, EmlkitError)
    assert str(raised.value) == "no message 'no-such@id' in the index"


def test_a_record_as_dict_is_json(corpus: Corpus) -> None:
    record = corpus.messages.filter(has_attachment=True)[0]
    data = json.loads(json.dumps(record.as_dict(), ensure_ascii=False))
    assert data["sha256"] == record.sha256 and data["attachments"][0]["sha256"]
    assert "IndexedMessage(id=" in repr(record) and record.has_attachments


# Search, threads, people, time ---------------------------------------------------------------


def test_search_finds_russian_forms_and_latin_names(corpus: Corpus) -> None:
    hits = corpus.search("пистолет")
    assert hits and "пистолет" in hits[0].snippet.casefold()
    latin = corpus.search("Yegorova", annex=2, limit=50)
    assert latin and all(hit.message.annex == 2 for hit in latin)
    assert any("Егоров" in corpus.get(h.message.message_id).text for h in latin)
    later = corpus.search("пистолет", since="2021-03-16")
    assert all((h.message.date_utc or "") >= "2021-03-16" for h in later)
    with pytest.raises(QueryError):
        corpus.search('"unbalanced')


def test_threads_cover_every_message_once(corpus: Corpus, expected: dict[str, Expected]) -> None:
    threads = corpus.threads
    ids = {m.thread_id for m in corpus.messages}
    assert len(threads) == len(ids)
    rows = [summary.row for thread in threads for summary in thread]
    assert sorted(rows) == sorted(m.id for m in corpus.messages)
    present = {e.message.message_id for e in expected.values()}
    for item in expected.values():
        parent = item.message.in_reply_to[-1:] if item.message.in_reply_to else ()
        if not parent or parent[0] not in present or item.forwarded:
            continue
        record = corpus.get(item.message.message_id)
        assert parent_in_tree(corpus.thread(record), record.id) == parent[0]


def parent_in_tree(thread: emlkit.Thread, row: int) -> str | None:
    """The Message-ID of the parent node of message ``row`` in the tree."""
    above: list[str] = []
    for entry in thread.walk():
        del above[entry.depth :]
        if entry.message is not None and entry.message.row == row:
            return above[-1] if above else None
        above.append(entry.message_id)
    raise AssertionError(f"message {row} is not in its thread")


def test_thread_by_any_handle(corpus: Corpus) -> None:
    hit = corpus.search("Yegorova", annex=2)[0]
    thread = corpus.thread(hit)
    assert corpus.thread(thread.thread_id).thread_id == thread.thread_id
    assert corpus.thread(hit.message.message_id).thread_id == thread.thread_id
    assert corpus.thread(hit.message.row).thread_id == thread.thread_id
    assert len(thread) == len(corpus.messages.filter(thread=thread.thread_id))
    with pytest.raises(NotFoundError):
        corpus.thread("t0000000000000000")


def test_senders_and_correspondents(corpus: Corpus, expected: dict[str, Expected]) -> None:
    found = corpus.senders(annex=5)
    mailboxes = {mb.address for s in found for mb in s.identity.mailboxes}
    wanted = {a.address.lower() for e in expected.values() if e.annex == 5 for a in e.message.from_}
    assert wanted <= mailboxes
    assert [s.messages for s in found] == sorted((s.messages for s in found), reverse=True)
    pairs = corpus.correspondents(limit=3)
    assert len(pairs) == 3 and pairs[0].messages >= pairs[-1].messages


def test_timeline_frequencies(corpus: Corpus, expected: dict[str, Expected]) -> None:
    firsts: dict[str, datetime] = {}
    for item in expected.values():
        utc = item.message.date.utc
        if utc is not None:
            mid = item.message.message_id
            firsts[mid] = min(utc, firsts.get(mid, utc))
    months = Counter(f"{utc:%Y-%m}" for utc in firsts.values())
    by_month = corpus.timeline("M")
    assert by_month.by == "month"
    assert {p.label: p.messages for p in by_month.periods if p.messages} == months
    assert corpus.timeline("W").by == "week" and corpus.timeline("d").by == "day"
    assert corpus.timeline("week").messages == len(firsts)
    with pytest.raises(UsageError, match="freq"):
        corpus.timeline("Q")


# The case ---------------------------------------------------------------------------------------


def test_the_stored_case_is_the_case_file(corpus: Corpus) -> None:
    stored, original = corpus.case, load_case(SAMPLES / "case.toml")
    assert stored is not None
    assert stored.claims == original.claims and stored.annexes == original.annexes
    assert stored.letter.title == original.letter.title
    assert stored.letter.date == original.letter.date
    assert stored.path == (SAMPLES / "case.toml").absolute()


def test_no_case_without_a_case_file(tmp_path: Path) -> None:
    with emlkit.open(SAMPLES / "annex-05", db=tmp_path / "index.db", jobs=1) as corpus:
        assert corpus.case is None
        assert len(corpus.verify_quotes()) == 0
        assert not corpus.verify_quotes().all_found


def test_excerpts_of_annex_5(corpus: Corpus) -> None:
    excerpts = corpus.excerpts(annex=5)
    case = corpus.case
    assert case is not None
    assert [c.id for c in excerpts.claims] == [c.id for c in case.claims if 5 in c.annexes]
    assert len(excerpts) == len(corpus.messages.filter(annex=5))
    count = 0
    for item in excerpts:
        text = corpus.get(item.header.message_id).text
        for excerpt in item.excerpts:
            assert text[excerpt.start : excerpt.end] == excerpt.text
            count += 1
    assert count > 0
    only = corpus.excerpts(annex=5, claim=excerpts.claims[0].id)
    assert [c.id for c in only.claims] == [excerpts.claims[0].id]


def test_verify_quotes(corpus: Corpus) -> None:
    case = corpus.case
    assert case is not None
    checks = corpus.verify_quotes()
    assert len(checks) == case.quote_count and checks.all_found
    for check in checks:
        assert check.message_id is not None
        assert corpus.get(check.message_id).text[check.start : check.end] == check.source_text
    in_annex = corpus.verify_quotes(annex=5)
    citing = {c.id for c in case.claims if 5 in c.annexes}
    assert in_annex and {check.claim for check in in_annex} <= citing


def test_export_to_a_path_and_to_an_open_file(corpus: Corpus, tmp_path: Path) -> None:
    out = io.StringIO()
    assert corpus.export("jsonl", out, annex=5) == len(corpus.messages.filter(annex=5))
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {row["sha256"] for row in rows} == shas(corpus.messages.filter(annex=5))
    target = tmp_path / "all.csv"
    assert corpus.export("csv", target) == 82
    with target.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 82
    with pytest.raises(UsageError):
        corpus.export("xml", os.devnull)
