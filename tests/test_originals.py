"""The original of quoted text: the message that first wrote a quoted passage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emlkit.claims.excerpts import annex_excerpts
from emlkit.claims.indexing import index_case
from emlkit.claims.originals import find_original
from emlkit.index.indexer import index_paths
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

PASSAGE = "Склад на Заводской закрыть до пятницы, ключи сдать охране под роспись"


def _mail(number: int, body: str, refs: str = "") -> bytes:
    headers = (
        f"From: Writer {number} <w{number}@example.org>\nTo: x@example.org\n"
        f"Subject: Склад\nMessage-ID: <m{number}@example.org>\n"
        f"Date: Tue, 0{number} Mar 2021 10:00:00 +0300\n{refs}"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return (headers + body).encode("utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    corpus = tmp_path_factory.mktemp("originals")
    (corpus / "1.eml").write_bytes(_mail(1, f"Коллеги,\n\n{PASSAGE}.\n\nСпасибо.\n"))
    rewrapped = "> Склад на Заводской закрыть до пятницы,\n> ключи сдать охране под роспись."
    (corpus / "2.eml").write_bytes(
        _mail(2, f"Сделаю.\n\nВы писали 1 марта 2021 г., 10:00:00:\n{rewrapped}\n",
              "In-Reply-To: <m1@example.org>\n")
    )  # fmt: skip
    changed = PASSAGE.replace("пятницы", "субботы")
    (corpus / "3.eml").write_bytes(
        _mail(3, f"Нет.\n\n-----Original Message-----\nFrom: w1@example.org\n\n{changed}.\n",
              "In-Reply-To: <m1@example.org>\n")
    )  # fmt: skip
    # Another thread altogether (no references): found through the full-text index.
    (corpus / "4.eml").write_bytes(_mail(4, f"Переслано:\n\n> {PASSAGE}.\n"))
    db = tmp_path_factory.mktemp("originals-db") / "index.db"
    index_paths([corpus], db, jobs=1)
    with Store(db, readonly=True) as opened:
        yield opened


def _row(store: Store, message_id: str) -> tuple[int, str | None]:
    row = store.db.execute(
        "SELECT m.id, t.thread_id FROM messages m LEFT JOIN message_threads t"
        " ON t.message_id = m.id WHERE m.message_id = ?",
        (message_id,),
    ).fetchone()
    return int(row[0]), row[1]


def test_a_rewrapped_quote_names_the_message_that_wrote_it(store: Store) -> None:
    row, thread = _row(store, "m2@example.org")
    found = find_original(
        store,
        "Склад на Заводской закрыть до пятницы,\n> ключи сдать охране под роспись.",
        row,
        thread,
    )
    assert found is not None and found.message_id == "m1@example.org"
    assert found.path is not None and found.path.endswith("1.eml")
    assert found.sender == "Writer 1 <w1@example.org>" and len(found.sha256) == 64


def test_a_changed_word_names_no_original(store: Store) -> None:
    row, thread = _row(store, "m3@example.org")
    assert find_original(store, PASSAGE.replace("пятницы", "субботы"), row, thread) is None


def test_outside_the_thread_the_full_text_index_finds_it(store: Store) -> None:
    row, thread = _row(store, "m4@example.org")
    found = find_original(store, PASSAGE + ".", row, thread)
    assert found is not None and found.message_id == "m1@example.org"


def test_a_short_passage_names_no_original(store: Store) -> None:
    row, thread = _row(store, "m2@example.org")
    assert find_original(store, "Склад на Заводской", row, thread) is None


def test_the_quoting_message_is_never_its_own_original(store: Store) -> None:
    row, thread = _row(store, "m1@example.org")
    assert find_original(store, PASSAGE, row, thread) is None


def test_sample_annex_5_names_the_originals_of_its_quoted_excerpts(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_case([SAMPLES], db, jobs=1)
    with Store(db, readonly=True) as store:
        _, found = annex_excerpts(store, 5)
    originals = {
        (Path(item.header.path or "").name[:5], excerpt.text[:12]): excerpt.original
        for item in found
        for excerpt in item.excerpts
        if excerpt.quoted and excerpt.original is not None
    }
    by_file = {key: Path(ref.path or "").name[:5] for key, ref in originals.items()}
    assert by_file[("05-04", "Книга КУСП з")] == "05-03"
    assert by_file[("05-03", "Рапорт об об")] == "05-02"
    assert by_file[("05-04", "Рапорт об об")] == "05-02"
    assert by_file[("05-07", "Материал зар")] == "05-06"
    own = [e for item in found for e in item.excerpts if not e.quoted]
    assert all(e.original is None for e in own)
