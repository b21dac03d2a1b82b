"""`emlkit index`: accounting, incremental runs, duplicates, conflicts, missing files, locking,
crash safety, and the refusal to write inside the corpus."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import pytest
from click.testing import CliRunner
from helpers import forwarded, refuse_listing

import emlkit
from emlkit.claims.excerpts import annex_excerpts
from emlkit.cli import main
from emlkit.errors import InputError, StoreError, StoreLockedError, UsageError, WorkerError
from emlkit.index import derived, identities, indexer
from emlkit.index.indexer import Parsed, index_paths
from emlkit.index.store import Store
from emlkit.parse.files import Chunk
from emlkit.policy import Policy

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def message(number: int, body: str = "Текст письма.", message_id: str | None = None) -> bytes:
    mid = message_id or f"m{number}@zar.test"
    return (
        f"From: Sender {number} <s{number}@example.org>\n"
        f"To: a@zar.test\nSubject: Письмо {number}\n"
        f"Date: Tue, 02 Mar 2021 10:{number % 60:02d}:00 +0300\n"
        f"Message-ID: <{mid}>\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        f"{body}\n"
    ).encode()


def corpus(root: Path, count: int = 5) -> Path:
    folder = root / "corpus" / "annex-03"
    folder.mkdir(parents=True)
    for number in range(count):
        (folder / f"{number:03d}.eml").write_bytes(message(number))
    return root / "corpus"


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_every_file_is_accounted_for_and_a_rerun_parses_nothing(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    (root / "annex-03" / "empty.eml").write_bytes(b"")
    db = tmp_path / "index.db"
    first = index_paths([root], db, jobs=1)
    assert (first.files_seen, first.files_indexed, first.files_failed) == (6, 5, 1)
    assert first.messages_indexed == 5
    assert [(f.path.endswith("empty.eml"), f.kind) for f in first.failed] == [(True, "empty")]
    second = index_paths([root], db, jobs=1)
    assert (second.files_unchanged, second.files_indexed, second.messages_indexed) == (5, 0, 0)
    assert second.files_failed == 1 and not second.ok  # a failed file is reported every run
    assert rows(db, "SELECT count(*) FROM messages") == [(5,)]


def test_parallel_run_stores_the_same_as_a_serial_one(tmp_path: Path) -> None:
    serial = index_paths([SAMPLES], tmp_path / "serial.db", jobs=1)
    parallel = index_paths([SAMPLES], tmp_path / "parallel.db", jobs=2)
    assert serial.messages_indexed == parallel.messages_indexed == 78
    # The same rows in the same order: the main process parses some batches itself, and
    # the rows of every batch are stored in file order, whoever parsed them.
    query = "SELECT id, sha256, message_id, annex, subject FROM messages ORDER BY id"
    assert rows(tmp_path / "serial.db", query) == rows(tmp_path / "parallel.db", query)


def test_annex_numbers_come_from_the_path(tmp_path: Path) -> None:
    index_paths([SAMPLES], tmp_path / "index.db", jobs=1)
    annexes = rows(tmp_path / "index.db", "SELECT annex, count(*) FROM messages"
                   " WHERE carrier_id IS NULL GROUP BY annex")  # fmt: skip
    assert dict(annexes) == {2: 12, 3: 8, 4: 12, 5: 9, 6: 10, 7: 7, 8: 9, 15: 11}


def test_forwarded_messages_are_stored_under_their_carrier(tmp_path: Path) -> None:
    summary = index_paths([SAMPLES], tmp_path / "index.db", jobs=1)
    assert summary.forwarded_indexed >= 4
    carried = rows(
        tmp_path / "index.db",
        "SELECT c.carrier_part, p.message_id FROM messages c JOIN messages p"
        " ON c.carrier_id = p.id",
    )
    assert len(carried) == summary.forwarded_indexed
    assert all(part for part, _ in carried)


def test_same_bytes_at_two_paths_are_one_message_with_both_paths(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=2)
    copy = root / "copies"
    copy.mkdir()
    (copy / "again.eml").write_bytes((root / "annex-03" / "000.eml").read_bytes())
    summary = index_paths([root], tmp_path / "index.db", jobs=1)
    assert (summary.messages_indexed, summary.duplicates) == (2, 1)
    paths = rows(
        tmp_path / "index.db",
        "SELECT f.path FROM message_files mf JOIN files f ON f.id = mf.file_id"
        " JOIN messages m ON m.id = mf.message_id WHERE m.message_id = 'm0@zar.test'",
    )
    assert sorted(Path(str(p[0])).name for p in paths) == ["000.eml", "again.eml"]


def test_one_message_id_with_different_content_is_kept_twice_and_flagged(
    tmp_path: Path,
) -> None:
    root = corpus(tmp_path, count=1)
    (root / "annex-03" / "edited.eml").write_bytes(message(0, body="Другой текст."))
    summary = index_paths([root], tmp_path / "index.db", jobs=1)
    assert (summary.messages_indexed, summary.conflicting) == (2, 1)
    flagged = rows(tmp_path / "index.db", "SELECT conflicting FROM messages")
    assert flagged == [(1,), (1,)]


HOP = b"Received: from mx.zar.test by mail.zar.test; Tue, 02 Mar 2021 10:00:05 +0300\n"


def test_a_forwarded_copy_counts_as_conflicting_only_when_it_says_otherwise(
    tmp_path: Path,
) -> None:
    root = corpus(tmp_path, count=1)
    (root / "annex-03" / "fw.eml").write_bytes(forwarded(HOP + message(0)))
    faithful = index_paths([root], tmp_path / "a.db", jobs=1)
    assert (faithful.forwarded_indexed, faithful.conflicting) == (1, 0)
    (root / "annex-03" / "fw.eml").write_bytes(forwarded(HOP + message(0, body="Текст правлен.")))
    edited = index_paths([root], tmp_path / "b.db", jobs=1)
    assert (edited.forwarded_indexed, edited.conflicting) == (1, 1)
    flagged = rows(tmp_path / "b.db", "SELECT conflicting FROM messages ORDER BY id")
    assert flagged == [(1,), (0,), (1,)]  # the message, the forward, the copy inside it


def test_a_forwarded_message_in_a_file_of_its_own_outlives_its_carrier(tmp_path: Path) -> None:
    # The carrier is indexed first, so the forwarded message's row hangs under it; its bytes
    # also stand alone in annex 7. When the carrier's file is rewritten, the carrier goes,
    # but the forwarded message stays: its own file, unchanged, would never be read again.
    inner = message(1, body="Уникальное слово фиолетовый.")
    carrier = forwarded(inner)
    root = tmp_path / "corpus"
    (root / "annex-03").mkdir(parents=True)
    (root / "annex-07").mkdir()
    (root / "annex-03" / "carrier.eml").write_bytes(carrier)
    (root / "annex-07" / "inner.eml").write_bytes(inner)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    placed = "SELECT message_id, carrier_id IS NOT NULL, annex FROM messages ORDER BY id"
    assert rows(db, placed) == [("fw@zar.test", 0, 3), ("m1@zar.test", 1, 3)]
    (root / "annex-03" / "carrier.eml").write_bytes(message(2))
    summary = index_paths([root], db, jobs=1)
    assert (summary.files_unchanged, summary.messages_removed) == (1, 1)
    assert rows(db, placed) == [("m1@zar.test", 0, 7), ("m2@zar.test", 0, 3)]
    with emlkit.open(db=db) as opened:
        [hit] = opened.search("фиолетовый", annex=7)
        assert Path(hit.message.path or "").name == "inner.eml"


def test_flags_are_cleared_when_the_other_version_is_gone(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=1)
    folder, db = root / "annex-03", tmp_path / "index.db"
    (folder / "copy.eml").write_bytes(HOP + message(0))  # other bytes, the same content
    (folder / "edit.eml").write_bytes(message(0, body="Другой текст."))
    index_paths([root], db, jobs=1)
    assert rows(db, "SELECT conflicting FROM messages") == [(1,), (1,), (1,)]
    (folder / "edit.eml").write_bytes(message(1))  # rewritten: another message
    summary = index_paths([root], db, jobs=1)
    assert summary.messages_removed == 1
    flags = "SELECT message_id, conflicting FROM messages ORDER BY id"
    assert rows(db, flags) == [("m0@zar.test", 0), ("m0@zar.test", 0), ("m1@zar.test", 0)]
    (folder / "edit.eml").write_bytes(message(0, body="Третий текст."))
    index_paths([root], db, jobs=1)  # another edit: a conflict again
    assert rows(db, flags) == [("m0@zar.test", 1)] * 3


def test_changed_file_is_reindexed_and_missing_file_is_kept(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=3)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    (root / "annex-03" / "001.eml").write_bytes(message(1, body="Исправленный текст, длиннее."))
    (root / "annex-03" / "002.eml").unlink()
    summary = index_paths([root], db, jobs=1)
    assert (summary.files_indexed, summary.files_unchanged) == (1, 1)
    assert summary.messages_removed == 1
    assert [Path(p).name for p in summary.missing] == ["002.eml"]
    assert rows(db, "SELECT status FROM files WHERE path LIKE '%002.eml'") == [("missing",)]
    assert rows(db, "SELECT count(*) FROM messages WHERE message_id = 'm2@zar.test'") == [(1,)]
    texts = rows(db, "SELECT text FROM messages WHERE message_id = 'm1@zar.test'")
    assert texts == [("Исправленный текст, длиннее.\n",)]


def _mbox(numbers: list[int], *more: bytes) -> bytes:
    messages = [message(n) for n in numbers] + list(more)
    return b"".join(b"From a@example.org Tue Mar  2 10:00:00 2021\n" + m + b"\n" for m in messages)


def _state(db: Path) -> list[tuple[object, ...]]:
    """What an index says, independent of row ids: messages, their threads and identities."""
    return rows(
        db,
        "SELECT m.sha256, m.message_id, m.annex, t.thread_id, t.thread_parent_id FROM messages m"
        " JOIN message_threads t ON t.message_id = m.id ORDER BY m.sha256",
    ) + rows(db, "SELECT address, messages FROM identity_mailboxes ORDER BY address")


def _recomputed(db: Path, copy: Path) -> Path:
    """A copy of ``db`` whose threads and identities are computed again in full."""
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    source.backup(target)  # the WAL's pages too, which copying the file would miss
    source.close()
    target.close()
    with Store(copy) as store:
        store.db.execute("BEGIN IMMEDIATE")
        derived.refresh_derived(store, changed=True)
        store.db.execute("COMMIT")
    return copy


def _fresh(corpus: Path, db: Path) -> Path:
    """An index of ``corpus`` made from scratch, to compare an updated one with."""
    index_paths([corpus], db, jobs=1)
    return db


def test_an_mbox_that_grew_is_re_read_not_removed_and_added(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "annex-02"
    folder.mkdir(parents=True)
    mbox = folder / "list.mbox"
    mbox.write_bytes(_mbox([1, 2, 3, 4]))
    ids = "SELECT message_id, id FROM messages"
    # Every sender writes elsewhere too: a run that only re-reads and adds takes the short
    # way (threads of what was added, identities recounted), which must come out the same.
    others = [
        message(n, message_id=f"other{n}@zar.test").replace("Письмо".encode(), "Другое".encode())
        for n in range(1, 8)
    ]
    (folder / "others.mbox").write_bytes(_mbox([], *others))
    (folder / "copy.eml").write_bytes(message(1))  # held by the mbox and by a file of its own
    db = tmp_path / "index.db"
    index_paths([tmp_path / "corpus"], db, jobs=1)
    before = dict(rows(db, ids))
    again = message(1, body="Ещё одно письмо.", message_id="m1-again@zar.test")  # a known sender
    mbox.write_bytes(_mbox([1, 2, 3, 4], again))
    with mock.patch.object(derived, "recount_identities", wraps=derived.recount_identities) as spy:
        grown = index_paths([tmp_path / "corpus"], db, jobs=1)
    assert spy.called  # the short way: nothing was removed
    assert (grown.files_indexed, grown.messages_indexed, grown.duplicates) == (1, 1, 0)
    assert (grown.messages_reread, grown.messages_removed) == (4, 0)
    assert dict(rows(db, ids)).items() >= before.items()  # re-read rows are kept as they were
    assert _state(db) == _state(_recomputed(db, tmp_path / "grown-full.db"))
    assert _state(db) == _state(_fresh(tmp_path / "corpus", tmp_path / "grown.db"))
    mbox.write_bytes(_mbox([1, 3, 4, 5, 6, 6], again))  # one gone, one now twice, two new
    shrunk = index_paths([tmp_path / "corpus"], db, jobs=1)
    assert (shrunk.messages_indexed, shrunk.duplicates) == (2, 1)
    assert (shrunk.messages_reread, shrunk.messages_removed) == (4, 1)
    assert _state(db) == _state(_fresh(tmp_path / "corpus", tmp_path / "shrunk.db"))
    shown = CliRunner().invoke(main, ["index", "--db", str(db), str(tmp_path / "corpus")])
    assert "messages re-read" not in shown.output  # nothing changed: nothing re-read
    mbox.write_bytes(_mbox([1, 3, 4, 5, 6, 6, 7], again))
    shown = CliRunner().invoke(main, ["index", "--db", str(db), str(tmp_path / "corpus")])
    assert shown.exit_code == 0 and "messages re-read" in shown.output


def test_a_run_killed_while_re_reading_a_file_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until a re-read file is finished, it keeps every link it had: a run that dies in
    between (here after committing each message) leaves no message without a holder, and
    the next run, or the file's removal, ends as if nothing had happened in between."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    mbox = folder / "list.mbox"
    mbox.write_bytes(_mbox([1, 2, 3, 4]))
    db = tmp_path / "index.db"
    index_paths([folder], db, jobs=1)
    mbox.write_bytes(_mbox([1, 3, 5, 6]))  # 2 and 4 gone, 5 and 6 new, moved around
    monkeypatch.setattr(indexer, "_COMMIT_MESSAGES", 1)

    def dies(*args: object) -> int:
        raise RuntimeError("killed while the file was read again")

    with monkeypatch.context() as patch:
        patch.setattr(Store, "end_reread", dies)
        with pytest.raises(RuntimeError):
            index_paths([folder], db, jobs=1)
    held = "SELECT m.message_id FROM messages m JOIN message_files mf ON mf.message_id = m.id"
    assert {str(mid) for (mid,) in rows(db, held)} >= {f"m{n}@zar.test" for n in (1, 2, 3, 4)}
    orphans = (
        "SELECT count(*) FROM messages m WHERE NOT EXISTS"
        " (SELECT 1 FROM message_files mf WHERE mf.message_id = m.id)"
    )
    assert rows(db, orphans) == [(0,)]
    summary = index_paths([folder], db, jobs=1)
    # The dead run linked 5 and 6 before dying: this one finds all four again.
    assert (summary.messages_reread, summary.messages_removed) == (4, 2)
    assert _state(db) == _state(_fresh(folder, tmp_path / "fresh.db"))
    mbox.unlink()  # gone: its messages stay, as a missing file's
    index_paths([folder], db, jobs=1)
    assert {str(mid) for (mid,) in rows(db, held)} == {f"m{n}@zar.test" for n in (1, 3, 5, 6)}


def test_a_file_that_became_unreadable_keeps_what_it_held(tmp_path: Path) -> None:
    """An indexed file now a link to nothing (or unreadable for any reason) is reported
    failed with the reason, every run, and its messages stay (cited as unreadable) until the
    file can be read again: a failed read says nothing about what the file held."""
    root = corpus(tmp_path, count=3)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    gone = root / "annex-03" / "001.eml"
    kept = gone.read_bytes()
    gone.unlink()
    gone.symlink_to(tmp_path / "elsewhere.eml")
    for _ in range(2):
        summary = index_paths([root], db, jobs=1)
        assert (summary.files_unchanged, summary.files_failed, summary.messages_removed) == (
            2,
            1,
            0,
        )
        assert [(Path(f.path).name, f.kind, f.reason) for f in summary.failed] == [
            (
                "001.eml",
                "unreadable",
                f"cannot read the file: a symbolic link to nothing ({tmp_path}/elsewhere.eml)",
            )
        ]
        assert rows(db, "SELECT status FROM files WHERE path LIKE '%001.eml'") == [("failed",)]
        assert rows(db, "SELECT count(*) FROM messages WHERE message_id = 'm1@zar.test'") == [(1,)]
        assert emlkit.open(db=db).search("письмо 1")[0].message.path == str(gone)
    with Store(db, readonly=True) as store:
        _, found = annex_excerpts(store, 3)
    assert {Path(e.header.path or "").name: e.header.missing for e in found} == {
        "000.eml": False,
        "001.eml": True,
        "002.eml": False,
    }
    gone.unlink()
    gone.write_bytes(kept)  # readable again: indexed, and cited as there
    summary = index_paths([root], db, jobs=1)
    assert (summary.files_indexed, summary.files_failed, summary.messages_removed) == (1, 0, 0)
    assert summary.messages_reread == 1  # what it held, read again
    assert rows(db, "SELECT status FROM files WHERE path LIKE '%001.eml'") == [("indexed",)]
    with Store(db, readonly=True) as store:
        _, found = annex_excerpts(store, 3)
    assert not any(e.header.missing for e in found)


def test_views_cite_a_readable_copy_before_an_unreadable_one(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=2)
    first = root / "annex-03" / "001.eml"
    (root / "annex-03" / "zz-copy.eml").write_bytes(first.read_bytes())
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    first.unlink()
    first.symlink_to(tmp_path / "elsewhere.eml")
    assert index_paths([root], db, jobs=1).files_failed == 1
    assert Path(emlkit.open(db=db).search("письмо 1")[0].message.path or "").name == "zz-copy.eml"
    with Store(db, readonly=True) as store:
        _, found = annex_excerpts(store, 3)
    assert {Path(e.header.path or "").name: e.header.missing for e in found} == {
        "000.eml": False,
        "zz-copy.eml": False,
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_the_corpus_is_reported_not_waited_for(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=2)
    os.mkfifo(root / "annex-03" / "pipe.eml")
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "emlkit",
            "index",
            "--json",
            "--db",
            str(tmp_path / "i.db"),
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 1, shown.stderr
    failed = json.loads(shown.stdout)["failed"]
    assert [(Path(f["path"]).name, f["reason"]) for f in failed] == [
        ("pipe.eml", "cannot read the file: not a regular file but a FIFO (named pipe)")
    ]
    assert shown.stderr.splitlines()[-1].endswith(
        "pipe.eml: cannot read the file: not a regular file but a FIFO (named pipe)"
    )


def _bytes_named(folder: Path, name: bytes) -> Path:
    """A path whose name is not UTF-8 (a cp1251 or cp866 name from an unzipped archive)."""
    try:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        path.touch()
    except (OSError, UnicodeError):  # macOS and Windows file systems refuse such names
        pytest.skip("this file system keeps only Unicode file names")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_names_that_are_not_utf8_are_indexed_and_stored_as_escapes(
    tmp_path: Path, jobs: int
) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    eml = _bytes_named(root, b"caf\xe9.eml")  # Latin-1
    eml.write_bytes(message(1))
    mbox = _bytes_named(root, "Переписка.mbox".encode("cp1251"))
    mbox.write_bytes(
        b"From a@example.org Tue Mar  2 10:00:00 2021\n"
        + message(2)
        + b"\n"
        + b"From a@example.org Tue Mar  2 10:01:00 2021\n"
        + message(3)
    )
    annex = _bytes_named(root, "annex-07-письма".encode("cp866"))
    annex.unlink()
    annex.mkdir()
    (annex / "m.eml").write_bytes(message(4))
    bad = _bytes_named(root, b"\xff-empty.eml")
    db = tmp_path / "index.db"

    first = index_paths([root], db, jobs=jobs)
    assert (first.files_seen, first.files_indexed, first.files_failed) == (4, 3, 1)
    assert first.messages_indexed == 4
    assert [(f.path, f.kind) for f in first.failed] == [(f"{root}/\\xff-empty.eml", "empty")]
    stored = sorted(str(path) for (path,) in rows(db, "SELECT path FROM files"))
    names = [
        b"caf\xe9.eml",
        "Переписка.mbox".encode("cp1251"),
        "annex-07-письма".encode("cp866") + b"/m.eml",  # "ма" in cp866 reads as UTF-8 "쬠"
        b"\xff-empty.eml",
    ]
    # What is not UTF-8 is written as \xNN, the rest as UTF-8 reads it, as `ls` shows it.
    assert stored == sorted(f"{root}/{name.decode('utf-8', 'backslashreplace')}" for name in names)
    assert f"{root}/caf\\xe9.eml" in stored
    assert rows(db, "SELECT annex FROM messages WHERE message_id = 'm4@zar.test'") == [(7,)]
    assert len(emlkit.open(db=db).search("письмо")) == 4

    bad.write_bytes(message(5))  # the escaped paths lead back to the files
    eml.unlink()
    second = index_paths([root], db, jobs=jobs)
    assert (second.files_unchanged, second.files_indexed, second.files_failed) == (2, 1, 0)
    assert second.missing == [f"{root}/caf\\xe9.eml"]


def test_a_folder_that_cannot_be_listed_is_reported_and_its_files_not_called_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=2)
    locked = root / "locked"
    locked.mkdir()
    (locked / "inside.eml").write_bytes(message(7))
    db = tmp_path / "index.db"
    assert index_paths([root], db, jobs=1).files_indexed == 3
    with sqlite3.connect(db) as connection:  # a stamp no run of this test could write
        connection.execute("UPDATE files SET last_seen = 'earlier' WHERE path LIKE '%inside.eml'")
    connection.close()

    refuse_listing(monkeypatch, locked)
    summary = index_paths([root], db, jobs=1)
    assert [(f.path, f.kind, f.reason) for f in summary.unreadable_folders] == [
        (str(locked), "unreadable", "cannot list the folder: Permission denied")
    ]
    assert not summary.ok
    assert summary.missing == []  # not seen is not gone
    assert rows(db, "SELECT status FROM files WHERE path LIKE '%inside.eml'") == [("indexed",)]
    assert rows(db, "SELECT last_seen FROM files WHERE path LIKE '%inside.eml'") == [("earlier",)]
    assert rows(db, "SELECT count(*) FROM files WHERE last_seen = 'earlier'") == [(1,)]
    result = CliRunner().invoke(main, ["index", str(root), "--db", str(db), "--json"])
    assert result.exit_code == 1
    assert f"{locked}: cannot list the folder: Permission denied" in result.stderr
    assert '"unreadable_folders": [' in result.stdout


def test_touched_but_identical_file_is_not_parsed_again(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=1)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    path = root / "annex-03" / "000.eml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    summary = index_paths([root], db, jobs=1)
    assert (summary.files_unchanged, summary.files_indexed) == (1, 0)


def test_index_never_writes_inside_the_corpus(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=1)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    index_paths([root], tmp_path / "index.db", jobs=1)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    with pytest.raises(UsageError, match="inside the corpus"):
        index_paths([root], root / ".emlkit" / "index.db", jobs=1)
    evidence = root / "annex-03" / "000.eml"
    before_bytes = evidence.read_bytes()
    with pytest.raises(UsageError, match="inside the corpus"):  # the indexed file itself
        index_paths([evidence], evidence, jobs=1)
    assert evidence.read_bytes() == before_bytes


def test_missing_input_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        index_paths([tmp_path / "nope"], tmp_path / "index.db")


def test_a_second_run_on_a_locked_database_is_refused(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=1)
    db = tmp_path / "index.db"
    with (tmp_path / "index.db.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StoreLockedError, match="another emlkit index"):
            index_paths([root], db, jobs=1)
        result = CliRunner().invoke(main, ["index", str(root), "--db", str(db), "-q"])
        assert result.exit_code == 1
        assert "another emlkit index is writing" in result.stderr


def test_cli_exit_codes_and_json_summary(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=2)
    db = str(tmp_path / "index.db")
    ok = CliRunner().invoke(main, ["index", str(root), "--db", db, "--json"])
    assert ok.exit_code == 0, ok.output
    assert '"messages_indexed": 2' in ok.stdout
    (root / "broken.eml").write_bytes(b"\x00\x01\x02 not mail")
    failed = CliRunner().invoke(main, ["index", str(root), "--db", db, "-q"])
    assert failed.exit_code == 1
    assert failed.stderr.strip().endswith("broken.eml: binary data, not an email message")
    usage = CliRunner().invoke(main, ["index", str(root), "--db", db, "--jobs", "0"])
    assert usage.exit_code == 2


def test_a_database_that_cannot_be_made_or_is_not_an_index_is_one_error_line(
    tmp_path: Path,
) -> None:
    root = corpus(tmp_path, count=1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    foreign = tmp_path / "other-program.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    before = foreign.read_bytes()
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("plain text " * 100)
    cases = [
        (["index", str(root), "--db", str(blocker / "index.db")], "cannot"),
        (["index", str(root), "--db", str(foreign)], "a database of something else"),
        (["index", str(root), "--db", str(not_sqlite)], "not a usable emlkit index"),
        (["search", "x", "--db", str(foreign)], "not a usable emlkit index"),
        (["search", "x", "--db", str(not_sqlite)], "not a usable emlkit index"),
        (["senders", "--db", str(not_sqlite)], "not a usable emlkit index"),
        (["export", "--db", str(foreign)], "not a usable emlkit index"),
    ]
    for arguments, reason in cases:
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 1, (arguments, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        [line] = result.stderr.strip().splitlines()
        assert reason in line, (arguments, line)
    assert foreign.read_bytes() == before  # another program's database is left untouched
    assert [p.name for p in tmp_path.glob("other-program.db-*")] == []


def test_default_database_is_dot_emlkit_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=1)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("EMLKIT_DB", raising=False)
    result = CliRunner().invoke(main, ["index", str(root), "-q"])
    assert result.exit_code == 0, result.output
    assert (work / ".emlkit" / "index.db").is_file()
    monkeypatch.setenv("EMLKIT_DB", str(tmp_path / "from-env.db"))
    assert CliRunner().invoke(main, ["index", str(root), "-q"]).exit_code == 0
    assert (tmp_path / "from-env.db").is_file()


def test_sigkill_during_a_run_leaves_a_database_the_next_run_completes(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(1500):
        (folder / f"{number:05d}.eml").write_bytes(message(number, body="Слово " * 400))
    db = tmp_path / "index.db"
    command = [sys.executable, "-m", "emlkit", "index", str(folder), "--db", str(db), "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists() and _stored(db) > 100:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed: use more files"
    workers = _children(process.pid)
    assert workers, "the run should have started worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the killed run"
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    partial = _stored(db)
    assert 0 < partial < 1500
    summary = index_paths([folder], db, jobs=2)
    assert summary.ok
    assert rows(db, "SELECT count(*) FROM messages") == [(1500,)]
    assert rows(db, "SELECT count(*) FROM files WHERE status = 'indexed'") == [(1500,)]
    assert summary.files_unchanged + summary.files_indexed == 1500
    unplaced = (
        "SELECT count(*) FROM messages WHERE id NOT IN (SELECT message_id FROM message_threads)"
    )
    assert rows(db, unplaced) == [(0,)]
    assert index_paths([folder], db, jobs=1).files_unchanged == 1500


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stored(db: Path) -> int:
    try:
        return int(rows(db, "SELECT count(*) FROM messages")[0][0])  # type: ignore[call-overload]
    except sqlite3.DatabaseError:
        return 0


def test_indexing_the_shared_corpora_accounts_for_every_file(
    corpora_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "corpora.db"
    records = list(emlkit.iter_messages(corpora_root))
    good = [m for m in records if m.failure is None]
    summary = index_paths([corpora_root], db, jobs=2)
    files = list(emlkit.iter_mail_files([corpora_root]))
    assert summary.files_seen == len(files)
    assert summary.files_indexed + summary.files_unchanged + summary.files_failed == len(files)
    assert [(Path(f.path).name, f.kind) for f in summary.failed] == [
        ("mail_outlook_1", "outlook-msg")
    ]
    distinct = {m.source.sha256 for m in good}
    assert summary.messages_indexed == len(distinct)
    assert summary.messages_indexed + summary.duplicates == len(good)
    assert rows(db, "SELECT count(*) FROM messages WHERE carrier_id IS NULL") == [(len(distinct),)]
    links = rows(db, "SELECT count(*) FROM message_files")
    assert links == [(len({(m.source.sha256, m.source.path, m.source.offset) for m in good}),)]
    again = index_paths([corpora_root], db, jobs=1)
    assert (again.files_unchanged, again.files_indexed, again.messages_indexed) == (
        len(files) - 1,
        0,
        0,
    )


def test_a_script_read_from_stdin_can_index_with_jobs(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=40)  # enough files for worker processes
    script = (
        "from emlkit.index.indexer import index_paths\n"
        f"summary = index_paths([{str(root)!r}], {str(tmp_path / 'i.db')!r}, jobs=2)\n"
        "print(summary.messages_indexed)\n"
    )
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "40"


def test_a_run_that_only_adds_threads_only_what_the_new_messages_join(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=3)
    db = tmp_path / "index.db"
    calls: list[bool] = []
    real = Store.rethread

    def spy(store: Store, subject_fallback: bool = True, unplaced_only: bool = False) -> int:
        calls.append(unplaced_only)
        return real(store, subject_fallback, unplaced_only)

    reply = message(9).replace(
        b"Message-ID: <m9@zar.test>", b"In-Reply-To: <m1@zar.test>\nMessage-ID: <m9@zar.test>"
    )
    with mock.patch.object(Store, "rethread", spy):
        index_paths([root], db, jobs=1)  # cold: everything
        (root / "annex-03" / "reply.eml").write_bytes(reply)
        index_paths([root], db, jobs=1)  # only added: the reply's thread
        (root / "annex-03" / "000.eml").write_bytes(message(0, body="Другой текст."))
        index_paths([root], db, jobs=1)  # a message replaced: everything again
    assert calls == [False, True, False]
    parent = rows(
        db,
        "SELECT t.thread_parent_id FROM messages m JOIN message_threads t"
        " ON t.message_id = m.id WHERE m.message_id = 'm9@zar.test'",
    )
    assert parent == [("m1@zar.test",)]


def test_identities_are_computed_on_a_second_connection_while_threading(tmp_path: Path) -> None:
    root = corpus(tmp_path, count=3)
    db = tmp_path / "index.db"
    seen: list[tuple[bool, int]] = []
    real = derived._compute_identities

    def spy(path: Path) -> identities.IdentityRows:
        on_main = threading.current_thread() is threading.main_thread()
        seen.append((on_main, len(rows(db, "SELECT id FROM messages"))))
        return real(path)

    again = message(1, body="Ещё одно письмо.", message_id="m9@zar.test")
    with mock.patch.object(derived, "_compute_identities", spy):
        index_paths([root], db, jobs=1)  # cold: rebuilt, on another thread
        (root / "annex-03" / "again.eml").write_bytes(again)
        index_paths([root], db, jobs=1)  # known mailboxes and names only: counted again
    # Off the main thread, and the messages it counts were committed before it started.
    assert seen == [(False, 3)]
    with Store(db) as store:
        counted = [tuple(row) for row in store.db.execute("SELECT * FROM identity_mailboxes")]
        identities.rebuild_identities(store)
        assert counted == [
            tuple(row) for row in store.db.execute("SELECT * FROM identity_mailboxes")
        ]
    assert rows(db, "SELECT messages FROM identity_mailboxes WHERE address = 'a@zar.test'") == [
        (4,)
    ]


def test_a_run_that_dies_computing_threads_and_identities_is_completed_by_the_next(
    tmp_path: Path,
) -> None:
    root = corpus(tmp_path, count=3)
    db = tmp_path / "index.db"
    with (
        mock.patch.object(Store, "rethread", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        index_paths([root], db, jobs=1)
    # The messages and files were committed; the threads and identities were not.
    assert rows(db, "SELECT count(*) FROM files WHERE status = 'indexed'") == [(3,)]
    assert rows(db, "SELECT count(*) FROM message_threads") == [(0,)]
    assert rows(db, "SELECT count(*) FROM identities") == [(0,)]
    summary = index_paths([root], db, jobs=1)
    assert summary.files_unchanged == 3 and summary.files_indexed == 0
    assert rows(db, "SELECT count(*) FROM message_threads") == [(3,)]
    assert rows(db, "SELECT count(*) FROM identities") != [(0,)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_walked_twice_by_overlapping_roots_is_one_file(tmp_path: Path, jobs: int) -> None:
    root = corpus(tmp_path, count=40)
    inner = root / "annex-03" / "inner"
    inner.mkdir()
    (inner / "deep.eml").write_bytes(message(99))
    db = tmp_path / "index.db"
    summary = index_paths([inner, root], db, jobs=jobs)  # deep.eml first, then again last
    assert summary.ok
    assert (summary.files_seen, summary.files_indexed) == (42, 42)
    assert rows(db, "SELECT count(*) FROM messages") == [(41,)]
    assert rows(db, "SELECT count(*) FROM message_files") == [(41,)]
    files = rows(db, "SELECT path, status, messages, size FROM files ORDER BY path")
    assert len(files) == 41
    assert all(status == "indexed" and count == 1 and size for _, status, count, size in files)
    again = index_paths([inner, root], db, jobs=jobs)
    assert (again.files_unchanged, again.files_indexed) == (42, 0)


def test_a_message_that_cannot_be_turned_into_rows_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from emlkit.index import indexer
    from emlkit.index.rows import MessageRows, SearchColumns

    real = indexer.message_rows

    def rows_or_bug(message: emlkit.Message, columns: SearchColumns | None) -> MessageRows:
        if message.subject == "Письмо 2":
            raise ValueError("a bug")
        return real(message, columns)

    monkeypatch.setattr(indexer, "message_rows", rows_or_bug)
    summary = index_paths([corpus(tmp_path)], tmp_path / "index.db", jobs=1)
    assert (summary.files_indexed, summary.files_failed, summary.messages_indexed) == (4, 1, 4)
    [failed] = summary.failed
    assert failed.path.endswith("002.eml") and failed.kind == "parser-error"
    assert failed.reason == "the record could not be turned into rows: ValueError: a bug"


class _DyingPool(Executor):
    """A worker pool that runs each task as it is given (in this process), and whose worker
    dies on a task that holds a file named poison*: that task and every later one fail, as
    all the tasks of a real pool fail once it is broken."""

    made = 0

    def __init__(self, jobs: int) -> None:
        type(self).made += 1
        self.broken = False

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        batch, policy = args
        if any(chunk.path.name.startswith("poison") for chunk in batch):
            self.broken = True
        future: Future[Any] = Future()
        if self.broken:
            future.set_exception(BrokenProcessPool("a process in the pool died"))
        else:
            future.set_result(fn(batch, policy))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


def test_a_file_that_kills_its_worker_fails_alone_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=70)
    poison = root / "annex-03" / "poison.eml"  # sorted after the 70 others: the third batch
    poison.write_bytes(message(99))
    (root / "annex-03" / "post.eml").write_bytes(message(98))  # after it, in its batch
    monkeypatch.setattr(indexer, "_worker_pool", _DyingPool)
    _DyingPool.made = 0
    summary = index_paths([root], tmp_path / "index.db", jobs=2)
    assert _DyingPool.made == 3  # the first, one after the death, one after the poison's own
    assert (summary.files_seen, summary.files_indexed, summary.files_failed) == (72, 71, 1)
    [failed] = summary.failed
    assert failed.path == str(poison) and failed.kind == "parser-error"
    assert "worker process parsing it died" in failed.reason
    assert rows(tmp_path / "index.db", "SELECT count(*) FROM messages") == [(71,)]
    stored = rows(
        tmp_path / "index.db", f"SELECT status, size, sha256 FROM files WHERE path = '{poison}'"
    )
    assert stored == [("failed", len(message(99)), hashlib.sha256(message(99)).hexdigest())]


class _SlowPool(ThreadPoolExecutor):
    """A pool whose workers (threads) take half a second over each task."""

    batches: ClassVar[list[list[Chunk]]] = []  # the batches it parsed

    def __init__(self, jobs: int) -> None:
        super().__init__(max_workers=jobs)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        def slowly(batch: list[Chunk], policy: Policy) -> Any:
            time.sleep(0.5)
            type(self).batches.append(batch)
            return fn(batch, policy)

        return super().submit(slowly, *args, **kwargs)


def test_the_main_process_parses_the_batches_no_worker_is_free_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=70)  # three batches
    monkeypatch.setattr(indexer, "_worker_pool", _SlowPool)
    _SlowPool.batches = []
    summary = index_paths([root], tmp_path / "index.db", jobs=2)
    assert summary.files_indexed == summary.messages_indexed == 70
    # One worker: two batches in its pool (one parsed, one waiting), the third parsed here.
    assert [len(batch) for batch in _SlowPool.batches] == [32, 32]
    names = rows(tmp_path / "index.db", "SELECT path FROM files ORDER BY id")
    assert [Path(str(path)).name for (path,) in names] == [f"{n:03d}.eml" for n in range(70)]
    ids = rows(tmp_path / "index.db", "SELECT message_id FROM messages ORDER BY id")
    assert ids == [(f"m{n}@zar.test",) for n in range(70)]


def test_no_task_given_to_real_workers_is_taken_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Python 3.11 a process pool that breaks stops telling its futures at the first one
    # that was cancelled (its manager thread dies of InvalidStateError), and a run waiting
    # for the others would wait for ever: the main process takes only batches it has not
    # handed to the pool.
    root = corpus(tmp_path, count=400)
    futures: list[Future[Any]] = []
    real_pool = indexer._worker_pool

    def recording_pool(jobs: int) -> Executor:
        pool = real_pool(jobs)
        submit = pool.submit

        def recorded(fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            futures.append(submit(fn, *args, **kwargs))
            return futures[-1]

        pool.submit = recorded  # type: ignore[method-assign]
        return pool

    monkeypatch.setattr(indexer, "_worker_pool", recording_pool)
    assert index_paths([root], tmp_path / "index.db", jobs=2).files_indexed == 400
    assert futures and not any(future.cancelled() for future in futures)
    assert all(future.done() for future in futures)


def test_a_stuck_worker_leaves_the_main_process_a_bounded_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=32 * 30)  # thirty batches
    released = threading.Event()
    parsed_here_while_stuck: list[int] = []

    class StuckPool(ThreadPoolExecutor):
        """One worker (a thread), stuck on its first task until released."""

        def __init__(self, jobs: int) -> None:
            super().__init__(max_workers=jobs)

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            def stuck(batch: list[Chunk], policy: Policy) -> Any:
                released.wait(5)
                return fn(batch, policy)

            return super().submit(stuck, *args, **kwargs)

    real_parse_batch = indexer.parse_batch

    def counting(chunks: list[Chunk], policy: Policy) -> list[Parsed]:
        if threading.current_thread() is threading.main_thread() and not released.is_set():
            parsed_here_while_stuck.append(len(chunks))
        return real_parse_batch(chunks, policy)

    monkeypatch.setattr(indexer, "_worker_pool", StuckPool)
    monkeypatch.setattr(indexer, "parse_batch", counting)
    threading.Timer(2.0, released.set).start()
    summary = index_paths([root], tmp_path / "index.db", jobs=2)
    assert summary.files_indexed == summary.messages_indexed == 32 * 30
    # The window holds eight batches a worker, and the main process parses beyond it up to
    # twice that, then waits: never the whole corpus while the worker is stuck.
    assert 0 < len(parsed_here_while_stuck) <= 16


def test_after_a_run_that_did_not_finish_only_workers_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file that crashes the parser in the main process would end every run there: the run
    # after one that did not finish leaves parsing to the workers, whose deaths it survives.
    root = corpus(tmp_path, count=70)
    db = tmp_path / "index.db"
    (tmp_path / "empty").mkdir()
    index_paths([tmp_path / "empty"], db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE runs SET finished_at = NULL")  # as if killed
    monkeypatch.setattr(indexer, "_worker_pool", _SlowPool)
    _SlowPool.batches = []
    summary = index_paths([root], db, jobs=2)
    assert summary.files_indexed == summary.messages_indexed == 70
    assert sorted(len(batch) for batch in _SlowPool.batches) == [6, 32, 32]  # all three
    assert rows(db, "SELECT count(*) FROM runs WHERE finished_at IS NULL") == [(1,)]


class _HopelessPool(_DyingPool):
    """A pool whose workers die on every task (out of memory, or unable to start)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.broken = True
        return super().submit(fn, *args, **kwargs)


def test_workers_that_die_on_every_file_stop_the_run_with_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=40)
    db = tmp_path / "index.db"
    monkeypatch.setattr(indexer, "_worker_pool", _HopelessPool)
    _HopelessPool.made = 0
    with pytest.raises(WorkerError, match=r"died on 5 files in a row, the last .*/004\.eml"):
        index_paths([root], db, jobs=2)
    assert _HopelessPool.made == 6  # the first, one to parse again, one after four deaths each
    result = CliRunner().invoke(main, ["index", str(root), "--db", str(db), "-q"])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "worker processes died on 5 files in a row" in line
    monkeypatch.undo()  # healthy workers: the next run indexes everything
    assert index_paths([root], db, jobs=2).files_indexed == 40


def test_a_full_disk_is_one_error_line_and_the_next_run_completes_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, count=60)
    db = tmp_path / "index.db"
    opened = Store.__init__

    def small(self: Store, path: str | Path, readonly: bool = False) -> None:
        opened(self, path, readonly)
        if not readonly:  # SQLite's own limit on the pages: SQLITE_FULL, as on a full disk
            self.db.execute("PRAGMA max_page_count = 60")

    monkeypatch.setattr(Store, "__init__", small)
    with pytest.raises(StoreError, match=r"could not be written \(database or disk is full\)"):
        index_paths([root], db, jobs=1)
    result = CliRunner().invoke(main, ["index", str(root), "--db", str(db), "-q"])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "database or disk is full" in line and "next run goes on" in line
    monkeypatch.undo()  # room again
    summary = index_paths([root], db, jobs=1)
    assert summary.ok and summary.files_indexed + summary.files_unchanged == 60
    assert rows(db, "SELECT count(*) FROM messages") == [(60,)]


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_workers_write_their_rows_into_a_pipe_that_holds_a_batch() -> None:
    pool = indexer._worker_pool(1)
    try:
        reader = pool._result_queue._reader  # type: ignore[attr-defined]
        assert fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        pool.shutdown()
