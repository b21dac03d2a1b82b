"""The store: idempotent writes, duplicates, conflicts, forwarded children, read-only use."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest
from helpers import forwarded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emlkit
from emlkit.index.store import FileFacts, Store

PLAIN = (
    b"From: =?utf-8?B?0JDQvdC90LAg0JXQs9C+0YDQvtCy0LA=?= <a.egorova@zar.test>\n"
    b"To: b@zar.test, C <c@zar.test>\nCc: d@zar.test\n"
    b"Subject: Re: =?utf-8?B?0J/RgNC+0YLQvtC60L7Quw==?=\nDate: Tue, 02 Mar 2021 10:15:00 +0300\n"
    b"Message-ID: <p1@zar.test>\nIn-Reply-To: <p0@zar.test>\n"
    b"Content-Type: text/plain; charset=utf-8\n\n" + "Протокол подписан.\n".encode()
)
FORWARD = (
    b"From: x@zar.test\nSubject: Fwd: the protocol\nMessage-ID: <f1@zar.test>\n"
    b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsee\n'
    b"--b\nContent-Type: message/rfc822\n\n" + PLAIN + b"\n--b--\n"
)


def count(store: Store, table: str) -> int:
    return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_storing_a_message_fills_every_table(tmp_path: Path) -> None:
    with Store(tmp_path / "i.db") as store, store.atomic():
        file_id = store.upsert_file("/evidence/a.eml", 10, 1, "00", 5)
        stored = store.add_message(emlkit.parse_bytes(PLAIN), file_id, 5)
        assert stored.new and not stored.conflicting
        assert count(store, "messages") == 1
        roles = store.db.execute("SELECT role, address FROM addresses ORDER BY role, position")
        assert [tuple(role) for role in roles] == [
            ("cc", "d@zar.test"),
            ("from", "a.egorova@zar.test"),
            ("to", "b@zar.test"),
            ("to", "c@zar.test"),
        ]
        row = store.db.execute("SELECT from_name, annex, date, date_utc FROM messages").fetchone()
        assert tuple(row) == (
            "Анна Егорова",
            5,
            "2021-03-02T10:15:00+03:00",
            "2021-03-02T07:15:00+00:00",
        )
        hits = store.db.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'stems:подписа*'"
        )
        assert [h[0] for h in hits] == [stored.row]


def test_the_same_bytes_twice_are_one_row_linked_to_both_files(tmp_path: Path) -> None:
    message = emlkit.parse_bytes(PLAIN)
    with Store(tmp_path / "i.db") as store, store.atomic():
        one = store.upsert_file("/e/a.eml", 1, 1, None, None)
        two = store.upsert_file("/e/b.eml", 1, 1, None, None)
        first = store.add_message(message, one, None)
        again = store.add_message(message, one, None)  # a re-run: nothing new
        copy = store.add_message(message, two, None)
        assert first.new and not again.new and not copy.new
        assert count(store, "messages") == 1
        assert count(store, "message_files") == 2


def test_forwarded_messages_are_rows_under_their_carrier(tmp_path: Path) -> None:
    with Store(tmp_path / "i.db") as store, store.atomic():
        file_id = store.upsert_file("/e/f.eml", 1, 1, None, 3)
        stored = store.add_message(emlkit.parse_bytes(FORWARD), file_id, 3)
        assert stored.forwarded == 1
        child = store.db.execute(
            "SELECT message_id, carrier_id, carrier_part, annex FROM messages WHERE carrier_id"
            " IS NOT NULL"
        ).fetchone()
        assert tuple(child) == ("p1@zar.test", stored.row, "2", 3)
        store.forget_file_messages(file_id)
        assert count(store, "messages") == 0  # the carrier and its child go together


def test_rethread_links_a_reply_to_its_parent(tmp_path: Path) -> None:
    parent = PLAIN.replace(b"<p1@zar.test>\nIn-Reply-To: <p0@zar.test>", b"<p0@zar.test>")
    with Store(tmp_path / "i.db") as store, store.atomic():
        file_id = store.upsert_file("/e/a.eml", 1, 1, None, None)
        store.add_message(emlkit.parse_bytes(parent), file_id, None)
        store.add_message(emlkit.parse_bytes(PLAIN), file_id, None)
        assert store.rethread() == 1
        rows = store.db.execute(
            "SELECT m.message_id, t.thread_parent_id, t.thread_depth FROM messages m"
            " JOIN message_threads t ON t.message_id = m.id ORDER BY t.thread_depth"
        ).fetchall()
        assert [tuple(r) for r in rows] == [
            ("p0@zar.test", None, 0),
            ("p1@zar.test", "p0@zar.test", 1),
        ]


def test_read_only_store_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with Store(path):
        pass
    with Store(path, readonly=True) as store, pytest.raises(sqlite3.OperationalError):
        store.db.execute("INSERT INTO annexes (number) VALUES (1)")


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "i.db") as store:
        with pytest.raises(RuntimeError), store.atomic():
            store.upsert_file("/e/a.eml", 1, 1, None, None)
            raise RuntimeError("crash")
        assert count(store, "files") == 0


def test_every_row_sharing_a_message_id_with_other_bytes_is_flagged(tmp_path: Path) -> None:
    versions = [PLAIN.replace(b"\xd0\xbd.", f"{n}.".encode()) for n in range(3)]
    assert len(set(versions)) == 3
    with Store(tmp_path / "i.db") as store, store.atomic():
        file_id = store.upsert_file("/e/a.eml", 1, 1, None, None)
        first, second, third = (
            store.add_message(emlkit.parse_bytes(data), file_id, None) for data in versions
        )
        again = store.add_message(emlkit.parse_bytes(versions[1]), file_id, None)
        assert not first.conflicting and second.conflicting and third.conflicting
        assert not again.new and again.row == second.row
        flags = store.db.execute("SELECT conflicting FROM messages ORDER BY id").fetchall()
        assert [f[0] for f in flags] == [1, 1, 1]


def _stored(store: Store, versions: list[bytes]) -> list[bool]:
    file_id = store.upsert_file("/e/a.eml", 1, 1, None, None)
    for data in versions:
        store.add_message(emlkit.parse_bytes(data), file_id, None)
    flags = store.db.execute("SELECT conflicting FROM messages ORDER BY id")
    return [bool(flag[0]) for flag in flags]


def _base64_copy(data: bytes) -> bytes:
    """The same message as the recipient's server may hold it: a Received hop on top, the
    body in base64 with CRLF line ends, and no Bcc."""
    head, body = data.split(b"\n\n", 1)
    head = head.replace(b"Content-Type", b"Content-Transfer-Encoding: base64\nContent-Type")
    lines = [b"Received: from mx.zar.test by mail.zar.test; Tue, 2 Mar 2021 10:15:02 +0300"]
    lines += head.replace(b"Cc: d@zar.test\nBcc: e@zar.test", b"Cc: d@zar.test").split(b"\n")
    return b"\r\n".join(lines) + b"\r\n\r\n" + base64.encodebytes(body).replace(b"\n", b"\r\n")


SENT = PLAIN.replace(b"Cc: d@zar.test\n", b"Cc: d@zar.test\nBcc: e@zar.test\n")


def test_copies_that_say_the_same_are_not_flagged(tmp_path: Path) -> None:
    """The Sent copy, the recipient's copy (another transfer encoding, a Received hop, no
    Bcc) and a forwarded copy differ in bytes, not in what the message says."""
    received = _base64_copy(SENT)
    assert b"Bcc" not in received and emlkit.parse_bytes(received).text == "Протокол подписан.\n"
    with Store(tmp_path / "i.db") as store, store.atomic():
        assert _stored(store, [SENT, received, FORWARD]) == [False] * 4
        digests = store.db.execute("SELECT DISTINCT content_sha256 FROM messages").fetchall()
        assert len(digests) == 2  # the three copies, and the forwarding message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("подписан.".encode(), "не подписан.".encode()),
        (b"C <c@zar.test>", b"C <c2@zar.test>"),
        (b"C <c@zar.test>", b"Carl <c@zar.test>"),
        (b"+0300", b"+0200"),
        (b"Subject: Re: ", b"Subject: Fwd: "),
        (b"In-Reply-To: <p0@zar.test>", b"In-Reply-To: <p9@zar.test>"),
    ],
    ids=["text", "address", "display name", "date", "subject", "in-reply-to"],
)
def test_a_copy_that_says_otherwise_flags_every_copy(
    tmp_path: Path, old: bytes, new: bytes
) -> None:
    edited = PLAIN.replace(old, new)
    assert edited != PLAIN
    with Store(tmp_path / "i.db") as store, store.atomic():
        assert _stored(store, [PLAIN, _base64_copy(PLAIN), edited]) == [True] * 3


def test_an_attachment_with_other_bytes_is_another_content(tmp_path: Path) -> None:
    def with_attachment(data: bytes) -> bytes:
        return (
            b"From: x@zar.test\nMessage-ID: <a1@zar.test>\n"
            b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
            b"see the act\n--b\nContent-Type: application/pdf\n"
            b'Content-Disposition: attachment; filename="act.pdf"\n'
            b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(data) + b"--b--\n"
        )

    with Store(tmp_path / "i.db") as store, store.atomic():
        versions = [with_attachment(b"%PDF-1.4 one"), with_attachment(b"%PDF-1.4 two")]
        assert _stored(store, versions) == [True, True]


def test_many_versions_of_one_message_id_rewrite_the_rows_once(tmp_path: Path) -> None:
    """A mailer that gives every message one Message-ID: the stored rows are flagged when
    the conflict starts, not again for every new version (which made indexing quadratic)."""
    statements: list[str] = []
    versions = [PLAIN.replace(b"b@zar.test", f"b{n}@zar.test".encode()) for n in range(50)]
    with Store(tmp_path / "i.db") as store, store.atomic():
        store.db.set_trace_callback(statements.append)
        assert _stored(store, versions) == [True] * 50
    updates = [s for s in statements if s.startswith("UPDATE messages SET conflicting")]
    assert len(updates) == 1


def test_a_synthetic_id_conflicts_only_with_a_header_that_copies_it(tmp_path: Path) -> None:
    bare = PLAIN.replace(b"Message-ID: <p1@zar.test>\n", b"")
    synthetic = emlkit.parse_bytes(bare).message_id
    forged = PLAIN.replace(b"<p1@zar.test>", f"<{synthetic}>".encode()).replace(b"10:15", b"11:15")
    for order in ([bare, forged], [forged, bare]):
        with Store(tmp_path / f"{len(order[0])}.db") as store, store.atomic():
            assert _stored(store, order) == [True, True]


def test_a_conflict_lasts_while_two_versions_remain(tmp_path: Path) -> None:
    versions = [PLAIN.replace("подписан".encode(), word.encode()) for word in "абв"]
    with Store(tmp_path / "i.db") as store, store.atomic():
        files = [store.upsert_file(f"/e/{n}.eml", 1, 1, None, None) for n in range(3)]
        for file_id, data in zip(files, versions, strict=True):
            store.add_message(emlkit.parse_bytes(data), file_id, None)
        flags = "SELECT conflicting FROM messages ORDER BY id"
        assert store.forget_file_messages(files[2]) == 1
        assert [f[0] for f in store.db.execute(flags)] == [1, 1]
        assert store.forget_file_messages(files[1]) == 1
        assert [f[0] for f in store.db.execute(flags)] == [0]


def test_a_file_is_marked_finished_with_its_batch_of_rows(tmp_path: Path) -> None:
    def status(store: Store, file_id: int) -> tuple[str, int, str | None]:
        query = "SELECT status, messages, indexed_at FROM files WHERE id = ?"
        return tuple(store.db.execute(query, (file_id,)).fetchone())  # type: ignore[return-value]

    with Store(tmp_path / "i.db") as store, store.atomic():
        held = store.upsert_file("/e/a.eml", 1, 1, None, None)
        with store.bulk():
            store.add_message(emlkit.parse_bytes(PLAIN), held, None)
            store.finish_file(held, 1)
            assert status(store, held)[0] == "pending"  # written with the rows, not before
        state, messages, stamp = status(store, held)
        assert (state, messages) == ("indexed", 1)
        assert stamp is not None and stamp.endswith("+00:00") and len(stamp) == 25
        failed = store.upsert_file("/e/b.eml", 1, 1, None, None)
        store.finish_file(failed, 0, ("empty", "the file is empty"))  # outside bulk: at once
        assert status(store, failed)[:2] == ("failed", 0)


def test_a_runs_files_to_parse_get_their_rows_at_once_and_facts_at_the_end(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "i.db") as store, store.atomic():
        known = store.upsert_file("/e/known.eml", 5, 5, "55", None)
        store.finish_file(known, 1)
        assert store.record_walk(["/e/new.eml", "/e/known.eml", "/e/same.eml"]) == 3
        store.mark_todo([1, 2])  # new.eml and known.eml; same.eml is unchanged
        store.open_todo_files()
        todo = store.todo(0, 10)
        assert [(n, path) for n, path, _ in todo] == [(1, "/e/new.eml"), (2, "/e/known.eml")]
        new_id, known_id = todo[0][2], todo[1][2]
        assert known_id == known
        states = {path: store.file_state(path) for path in ("/e/new.eml", "/e/known.eml")}
        assert {path: state.status for path, state in states.items() if state} == {
            "/e/new.eml": "pending",
            "/e/known.eml": "pending",
        }
        assert store.file_state("/e/same.eml") is None  # not to parse: no row made for it
        with store.bulk():
            store.finish_file(new_id, 2, facts=FileFacts(10, 20, "ab", 7))
            store.finish_file(
                known_id, 0, ("empty", "the file is empty"), FileFacts(0, 9, None, None)
            )
        rows = store.db.execute(
            "SELECT path, size, mtime_ns, sha256, annex, status, messages FROM files ORDER BY id"
        )
        assert [tuple(row) for row in rows] == [
            ("/e/known.eml", 0, 9, None, None, "failed", 0),
            ("/e/new.eml", 10, 20, "ab", 7, "indexed", 2),
        ]


# Carriers and files, whatever the order of changes: nothing held is ever lost -------------

INNER = {
    name: (
        f"From: s@zar.test\nSubject: {name}\nMessage-ID: <{name}@zar.test>\n"
        f"Content-Type: text/plain; charset=utf-8\n\nТекст {name}.\n"
    ).encode()
    for name in ("i1", "i2", "other")
}


# What a file may hold, and the Message-IDs (top level and forwarded) it holds.
CONTENTS: dict[str, tuple[bytes, frozenset[str]]] = {
    "i1": (INNER["i1"], frozenset({"i1"})),
    "i2": (INNER["i2"], frozenset({"i2"})),
    "other": (INNER["other"], frozenset({"other"})),
    "fa-i1": (forwarded(INNER["i1"], "fa@zar.test"), frozenset({"fa", "i1"})),
    "fb-i1": (forwarded(INNER["i1"], "fb@zar.test"), frozenset({"fb", "i1"})),
    "fc-i2": (forwarded(INNER["i2"], "fc@zar.test"), frozenset({"fc", "i2"})),
    "fd-fa": (
        forwarded(forwarded(INNER["i1"], "fa@zar.test"), "fd@zar.test"),
        frozenset({"fd", "fa", "i1"}),
    ),
}
FILES = ("annex-01/a.eml", "annex-02/b.eml", "annex-03/c.eml", "box/d.eml")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(FILES), st.sampled_from([*sorted(CONTENTS), "gone"])),
        min_size=1,
        max_size=7,
    )
)
def test_no_change_of_files_loses_a_message_a_file_still_holds(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, str]]
) -> None:
    # Each step writes one file and indexes the corpus again; after each, the index holds
    # exactly the messages the files hold (forwarded ones too), each Message-ID in the lowest
    # annex of the files holding it or a message carrying it (a forwarded copy re-serialised
    # into other bytes is a row of its own, with the same Message-ID).
    from emlkit.index.indexer import index_paths

    root = tmp_path_factory.mktemp("carriers")
    db = root.parent / f"{root.name}.db"
    held: dict[str, str] = {}
    for path, content in steps:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        if content == "gone":  # a file that disappears is kept, marked missing
            (root / path).unlink(missing_ok=True)
        else:
            (root / path).write_bytes(CONTENTS[content][0])
            held[path] = content
        index_paths([root], db, jobs=1)
        expected: dict[str, int | None] = {}
        for where, what in held.items():
            annex = int(where[6:8]) if where.startswith("annex-") else None
            for name in CONTENTS[what][1]:
                known = expected.get(name)
                expected[name] = annex if known is None else min(known, annex or known)
        with Store(db, readonly=True) as store:
            stored = {
                str(mid).split("@")[0]: annex
                for mid, annex in store.db.execute(
                    "SELECT message_id, min(annex) FROM messages GROUP BY message_id"
                )
            }
            orphans = store.db.execute(
                "SELECT count(*) FROM messages m WHERE m.carrier_id IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.message_id = m.id)"
            ).fetchone()[0]
        assert stored == expected, steps
        assert orphans == 0


def test_finished_before_tells_whether_the_previous_run_finished(tmp_path: Path) -> None:
    with Store(tmp_path / "index.db") as store:
        first = store.add_run(["/corpus"])
        assert store.finished_before(first)  # no run before the first
        second = store.add_run(["/corpus"])
        assert not store.finished_before(second)  # the first was never finished
        store.finish_run(second, {})
        assert store.finished_before(store.add_run(["/corpus"]))
