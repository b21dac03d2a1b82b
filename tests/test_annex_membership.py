"""A message is in the annex of every file that holds it: copies of mail already in the
corpus, dropped into an annex folder, are that annex's messages in every view."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import forwarded, undo_annex_membership

import emlkit
from emlkit.claims.excerpts import annex_excerpts
from emlkit.cli import main
from emlkit.index.export import export_rows
from emlkit.index.indexer import index_paths
from emlkit.index.queries import SearchFilters, search
from emlkit.index.senders import senders
from emlkit.index.store import Store
from emlkit.index.timeline import TimelineFilters, timeline


def message(number: int, body: str = "Протокол подписан.") -> bytes:
    return (
        f"From: Sender {number} <s{number}@example.org>\nTo: a@zar.test\n"
        f"Subject: Письмо {number}\nDate: Tue, 02 Mar 2021 10:{number:02d}:00 +0300\n"
        f"Message-ID: <m{number}@zar.test>\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Transfer-Encoding: 8bit\n\n{body}\n"
    ).encode()


def forward(number: int, inner: bytes) -> bytes:
    return forwarded(inner, f"fw{number}@zar.test")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The whole mailbox in ``all/`` (walked first), and copies of some of it in annexes:
    message 1 in annex 5; message 2 in annexes 3 and 5; a forward of a forward in annex 5."""
    root = tmp_path / "case"
    for folder in ("all", "annex-03", "annex-05"):
        (root / folder).mkdir(parents=True)
    nested = forward(4, forward(3, message(9)))
    for number, data in ((0, message(0)), (1, message(1)), (2, message(2)), (4, nested)):
        (root / "all" / f"{number}.eml").write_bytes(data)
    (root / "annex-05" / "one.eml").write_bytes(message(1))
    (root / "annex-05" / "two.eml").write_bytes(message(2))
    (root / "annex-03" / "two.eml").write_bytes(message(2))
    (root / "annex-05" / "nested.eml").write_bytes(nested)
    return root


def annexes(db: Path) -> dict[str, int | None]:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT message_id, annex FROM messages"))


def test_every_view_of_an_annex_holds_its_copies(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    summary = index_paths([corpus], db, jobs=1)
    assert summary.duplicates == 4
    in_five = ["fw3@zar.test", "fw4@zar.test", "m1@zar.test", "m2@zar.test", "m9@zar.test"]
    assert sorted(k for k, v in annexes(db).items() if v == 5) == sorted(
        set(in_five) - {"m2@zar.test"}
    )
    assert annexes(db)["m2@zar.test"] == 3 and annexes(db)["m0@zar.test"] is None
    with Store(db, readonly=True) as store:
        _, excerpts = annex_excerpts(store, 5)
        assert sorted(e.header.message_id for e in excerpts) == in_five
        paths = {e.header.message_id: e.header.path for e in excerpts}
        assert all("/annex-05/" in str(path) for path in paths.values())  # the annex's copy
        _, three = annex_excerpts(store, 3)
        assert [e.header.message_id for e in three] == ["m2@zar.test"]
        hits = search(store, "протокол", SearchFilters(annex=5))
        assert all("/annex-05/" in str(h.message.path) for h in hits)  # the annex's copy
        assert sorted(h.message.message_id for h in hits) == [
            "m1@zar.test",
            "m2@zar.test",
            "m9@zar.test",
        ]
        assert (
            timeline(store, "day", TimelineFilters(annex=5)).messages,
            timeline(store, "day", TimelineFilters(annex=5)).undated,
        ) == (3, 2)  # the forwards carry no Date
        assert {s.messages for s in senders(store, annex=3)} == {1}
        exported = sorted(row["message_id"] for row in export_rows(store, annex=5))
        assert exported == in_five
    with emlkit.open(db=db) as opened:
        assert len(opened.messages.filter(annex=5)) == 5


def test_the_cli_excerpt_of_an_annex_names_the_annex_copy(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_paths([corpus], db, jobs=1)
    shown = CliRunner().invoke(
        main, ["excerpt", "--annex", "5", "--format", "json", "--db", str(db)]
    )
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    files = [m["header"]["path"] for m in data["messages"]]
    assert len(files) == 5 and all("annex-05" in path for path in files)


def test_a_copy_that_changes_leaves_its_annex(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_paths([corpus], db, jobs=1)
    (corpus / "annex-03" / "two.eml").write_bytes(message(7))
    index_paths([corpus], db, jobs=1)
    assert annexes(db)["m2@zar.test"] == 5 and annexes(db)["m7@zar.test"] == 3
    (corpus / "annex-05" / "two.eml").write_bytes(message(8))
    index_paths([corpus], db, jobs=1)
    assert annexes(db)["m2@zar.test"] is None  # only in all/ now


def test_a_case_file_moves_a_copy_between_annexes(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_paths([corpus], db, jobs=1)

    def rule(path: str) -> int | None:
        return 2 if path.endswith("/annex-03/two.eml") else None

    index_paths([corpus], db, jobs=1, annex_of=rule)
    assert annexes(db)["m2@zar.test"] == 2


def test_the_migration_gives_copies_their_annex(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_paths([corpus], db, jobs=1)
    before = annexes(db)
    with sqlite3.connect(db) as connection:
        undo_annex_membership(connection)
        connection.execute("UPDATE messages SET annex = NULL WHERE annex IS NOT NULL")
    connection.close()
    with Store(db):
        pass
    assert annexes(db) == before


def test_excerpts_and_reports_say_when_the_cited_file_is_gone(tmp_path: Path) -> None:
    from emlkit.render.excerpts import MISSING_NOTE

    folder = tmp_path / "case" / "annex-05"
    folder.mkdir(parents=True)
    (folder / "kept.eml").write_bytes(message(1))
    (folder / "gone.eml").write_bytes(message(2))
    db = tmp_path / "index.db"
    index_paths([tmp_path / "case"], db, jobs=1)
    (folder / "gone.eml").unlink()
    assert [Path(p).name for p in index_paths([tmp_path / "case"], db, jobs=1).missing] == [
        "gone.eml"
    ]
    with Store(db, readonly=True) as store:
        _, found = annex_excerpts(store, 5)
    assert {Path(e.header.path or "").name: e.header.missing for e in found} == {
        "kept.eml": False,
        "gone.eml": True,
    }
    for fmt in ("terminal", "markdown", "html", "json"):
        shown = CliRunner().invoke(
            main, ["excerpt", "--annex", "5", "--format", fmt, "--db", str(db)]
        )
        assert shown.exit_code == 0, shown.output
        marked = '"missing": true' if fmt == "json" else f"gone.eml ({MISSING_NOTE})"
        assert shown.output.count(marked) == 1, fmt


def _placed(db: Path) -> list[tuple[object, ...]]:
    """(Message-ID, its first carrier's Message-ID, annex) of every stored message."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT m.message_id, c.message_id, m.annex FROM messages m"
            " LEFT JOIN messages c ON c.id = m.carrier_id ORDER BY m.message_id"
        ).fetchall()


def _case(tmp_path: Path, *folders: str) -> tuple[Path, Path]:
    """A case folder with these subfolders, and where its index goes."""
    root = tmp_path / "case"
    for folder in folders:
        (root / folder).mkdir(parents=True)
    return root, tmp_path / "index.db"


def _hit_paths(db: Path, query: str, annex: int | None = None) -> list[str]:
    with emlkit.open(db=db) as opened:
        return [Path(hit.message.path or "").name for hit in opened.search(query, annex=annex)]


def test_a_message_forwarded_by_two_carriers_is_in_both_annexes(tmp_path: Path) -> None:
    # The same bytes forwarded twice are one row: under the first carrier, linked to the
    # second (message_carriers). Before, the second carrier's annex did not hold it.
    root, db = _case(tmp_path, "annex-03", "annex-05")
    inner = message(7, body="Слово фиолетовый.")
    (root / "annex-03" / "first.eml").write_bytes(forward(1, inner))
    (root / "annex-05" / "second.eml").write_bytes(forward(2, inner))
    index_paths([root], db, jobs=1)
    assert _placed(db) == [
        ("fw1@zar.test", None, 3),
        ("fw2@zar.test", None, 5),
        ("m7@zar.test", "fw1@zar.test", 3),
    ]
    assert _hit_paths(db, "фиолетовый", annex=5) == ["second.eml"]
    assert _hit_paths(db, "фиолетовый", annex=3) == ["first.eml"]
    with emlkit.open(db=db) as opened:
        assert sorted(m.message_id for m in opened.messages.filter(annex=5)) == [
            "fw2@zar.test",
            "m7@zar.test",
        ]
    # The first carrier rewritten: the forwarded message stays, under the second.
    (root / "annex-03" / "first.eml").write_bytes(message(8))
    summary = index_paths([root], db, jobs=1)
    assert (summary.files_unchanged, summary.messages_removed) == (1, 1)
    assert _placed(db) == [
        ("fw2@zar.test", None, 5),
        ("m7@zar.test", "fw2@zar.test", 5),
        ("m8@zar.test", None, 3),
    ]
    assert _hit_paths(db, "фиолетовый") == ["second.eml"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM message_carriers").fetchone() == (0,)


def test_a_message_stored_alone_first_is_also_in_its_carriers_annex(tmp_path: Path) -> None:
    # Its own file is walked first; the message forwarding it, in annex 5, comes later.
    root, db = _case(tmp_path, "a-mailbox", "annex-05")
    inner = message(7, body="Слово фиолетовый.")
    (root / "a-mailbox" / "alone.eml").write_bytes(inner)
    (root / "annex-05" / "carrier.eml").write_bytes(forward(1, inner))
    index_paths([root], db, jobs=1)
    assert _placed(db) == [("fw1@zar.test", None, 5), ("m7@zar.test", None, 5)]
    assert _hit_paths(db, "фиолетовый", annex=5) == ["carrier.eml"]
    assert _hit_paths(db, "фиолетовый") == ["alone.eml"]
    # Its own file rewritten: the carrier still holds it.
    (root / "a-mailbox" / "alone.eml").write_bytes(message(8))
    index_paths([root], db, jobs=1)
    assert _placed(db) == [
        ("fw1@zar.test", None, 5),
        ("m7@zar.test", "fw1@zar.test", 5),
        ("m8@zar.test", None, None),
    ]
    assert _hit_paths(db, "фиолетовый") == ["carrier.eml"]


def test_a_forwarded_message_outlives_its_own_file(tmp_path: Path) -> None:
    # The carrier is walked first: the message hangs under it, and its own file only links
    # to that row. Rewriting its own file leaves it where the carrier holds it.
    root, db = _case(tmp_path, "annex-05", "mailbox")
    inner = message(7, body="Слово фиолетовый.")
    (root / "annex-05" / "carrier.eml").write_bytes(forward(1, inner))
    (root / "mailbox" / "alone.eml").write_bytes(inner)
    index_paths([root], db, jobs=1)
    assert _placed(db) == [("fw1@zar.test", None, 5), ("m7@zar.test", "fw1@zar.test", 5)]
    (root / "mailbox" / "alone.eml").write_bytes(message(8))
    summary = index_paths([root], db, jobs=1)
    assert summary.messages_removed == 0
    assert _placed(db) == [
        ("fw1@zar.test", None, 5),
        ("m7@zar.test", "fw1@zar.test", 5),
        ("m8@zar.test", None, None),
    ]
    assert _hit_paths(db, "фиолетовый") == ["carrier.eml"]
