"""The SQLite store of the index: files, messages and everything known about them.

One :class:`Store` wraps one database file. It opens read-write (creating and migrating the
schema) or read-only, is a context manager, and groups writes with :meth:`Store.atomic`.
Writes are idempotent: storing the same message bytes twice links a second path to one row,
so a run that was killed can simply be run again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from emlkit.errors import StoreError
from emlkit.index.rethread import INPUT_COLUMNS, rethread, thread_input
from emlkit.index.rows import (
    MESSAGE_COLUMNS,
    MessageRows,
    SearchColumns,
    message_rows,
    search_columns,
)
from emlkit.index.schema import check_readable, migrate, refuse_foreign
from emlkit.index.threading import ThreadInput
from emlkit.records import Message

__all__ = [
    "FIRST_PATH",
    "FIRST_PATH_IN_ANNEX",
    "IN_ANNEX",
    "IN_THREAD",
    "THREAD_OF",
    "FileState",
    "SearchColumns",
    "Store",
    "Stored",
    "carriers_up",
    "in_annexes",
    "now",
    "search_columns",
]

# The path to show of a file that holds message m (a forwarded message: its carrier's, which
# is always a top-level message): of several copies, one still there, found by the latest run
# (a corpus copied or moved elsewhere and indexed there leaves its old paths behind), then
# the first by path; {first} may put other copies ahead.
_FILES_OF = (
    "(SELECT f.path FROM message_files mf JOIN files f ON f.id = mf.file_id"
    " WHERE mf.message_id = coalesce(m.carrier_id, m.id)"
    " OR mf.message_id IN (SELECT o.carrier_id FROM message_carriers o WHERE o.message_id = m.id)"
    " ORDER BY {first}f.status IN ('missing', 'failed'), f.last_seen DESC, f.path LIMIT 1)"
)

FIRST_PATH = _FILES_OF.format(first="")
"""SQL for the path of message ``m`` that views show (a forwarded message: a carrier's): of
several copies, one that was there at the latest run, then the first by path."""

FIRST_PATH_IN_ANNEX = _FILES_OF.format(first="f.annex IS NOT ?, ")
"""SQL for :data:`FIRST_PATH`, but a path in the annex given as a parameter first: of a
message at several paths, the copy that stands in that annex."""

THREAD_OF = "(SELECT t.thread_id FROM message_threads t WHERE t.message_id = m.id)"
"""SQL for the thread id of message ``m`` (null until threading has placed it)."""

IN_THREAD = "m.id IN (SELECT t.message_id FROM message_threads t WHERE t.thread_id = ?)"
"""SQL for: message ``m`` is in the thread given as a parameter."""

_HELD = (
    "WITH RECURSIVE held(id) AS ({top}"
    " UNION SELECT c.id FROM messages c JOIN held ON c.carrier_id = held.id"
    " UNION SELECT o.message_id FROM message_carriers o JOIN held ON o.carrier_id = held.id)"
    " SELECT id FROM held"
)
"""SQL for the messages ``top`` selects and those forwarded inside them, at any depth, by
their first carrier or another."""


_CARRIERS_UP = (
    "WITH RECURSIVE up(start, id, depth) AS ({top}"
    " UNION SELECT up.start, m.carrier_id, up.depth + 1 FROM up JOIN messages m ON m.id = up.id"
    " WHERE m.carrier_id IS NOT NULL AND up.depth < 64"
    " UNION SELECT up.start, o.carrier_id, up.depth + 1 FROM up"
    " JOIN message_carriers o ON o.message_id = up.id WHERE up.depth < 64)"
)


def carriers_up(top: str) -> str:
    """SQL for the CTE ``up(start, id, depth)``: each message ``top`` selects as
    ``(start, id, 0)``, and every message carrying it, by its first carrier or another, at
    any depth (``start`` is the message it started from). Join ``message_files`` on
    ``up.id`` for every file that holds a message or a message carrying it."""
    return _CARRIERS_UP.format(top=top)


_LOWEST_ANNEX = (
    "SELECT min(annex) FROM ("
    " SELECT f.annex FROM message_files mf JOIN files f ON f.id = mf.file_id"
    " WHERE mf.message_id = ?"
    " UNION ALL SELECT c.annex FROM messages m JOIN messages c ON c.id = m.carrier_id"
    " WHERE m.id = ?"
    " UNION ALL SELECT c.annex FROM message_carriers o JOIN messages c ON c.id = o.carrier_id"
    " WHERE o.message_id = ?)"
)
"""SQL for the lowest annex of what holds a message: its files and its carriers (3 params)."""


def in_annexes(count: int) -> str:
    """SQL for: message ``m`` is in one of ``count`` annexes given as parameters — a file of
    that annex holds it (or the message that carries it). A message at several paths can be
    in several annexes; ``messages.annex`` holds the lowest of them."""
    marks = ", ".join("?" * count)
    top = (
        "SELECT mf.message_id FROM message_files mf JOIN files f ON f.id = mf.file_id"
        f" WHERE f.annex IN ({marks})"
    )
    return f"m.id IN ({_HELD.format(top=top)})"


IN_ANNEX = in_annexes(1)
"""SQL for: message ``m`` is in the annex given as a parameter (:func:`in_annexes`)."""

_UNDER_ROOT = "(path = ? OR substr(path, 1, ?) = ?)"


def _under_root(root: str) -> tuple[str, int, str]:
    """The parameters of :data:`_UNDER_ROOT`: the root itself, or any path below it."""
    prefix = root.rstrip("/") + "/"
    return root, len(prefix), prefix


class FileState(NamedTuple):
    """What the index remembers of a file from its last run (a tuple: a nothing-changed
    run makes one for every file walked)."""

    id: int
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    failure_kind: str | None
    failure: str | None


class FileFacts(NamedTuple):
    """What a run learnt of a file it read (None where the file could not be read)."""

    size: int | None
    mtime_ns: int | None
    sha256: str | None
    annex: int | None


@dataclass(frozen=True, slots=True)
class Stored:
    """The outcome of storing one message: its row and whether it was new."""

    row: int
    new: bool
    conflicting: bool
    forwarded: int = 0
    """How many forwarded messages inside it were stored as new rows."""
    conflicts: int = 0
    """How many new rows, of it and the messages forwarded inside it, were flagged
    conflicting when they were stored."""


def now() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


_INSERTED = (
    "sha256, size, message_id, message_id_synthetic, carrier_id, carrier_part,"
    f" {MESSAGE_COLUMNS}, annex, conflicting"
)
_INSERT_MESSAGE = (
    f"INSERT INTO messages ({_INSERTED})"
    f" VALUES ({', '.join('?' * len(_INSERTED.split(',')))}) ON CONFLICT (sha256) DO NOTHING"
)


# Two subqueries, not min() and max() in one: SQLite reads a single min() or max() from the
# end of the index, but scans every row of the Message-ID for both together.
_CONTENTS = (
    "SELECT (SELECT min(content_sha256) FROM messages WHERE message_id = ?),"
    " (SELECT max(content_sha256) FROM messages WHERE message_id = ?)"
)


class Store:
    """An index database. ``Store(path)`` opens (and migrates) it; ``readonly=True`` only reads.

    :raises StoreError: the file is not an emlkit index, or was written by a newer emlkit.
    """

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                refuse_foreign(self.db)  # before the journal mode, which is written to it
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if readonly:
                check_readable(self.db)
            else:
                migrate(self.db)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a usable emlkit index ({error})") from error
        except StoreError as error:
            raise StoreError(f"{self.path}: {error}") from error
        except OSError as error:  # its folder cannot be made
            raise StoreError(f"{self.path}: cannot create the index ({error})") from error
        self.db.row_factory = sqlite3.Row
        self._bulk = False
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _WRITES}
        self._pending_files: set[int] = set()  # files with links held back
        self._pending_bytes = 0
        self._rereading: tuple[int, int | None] | None = None  # a file read again, its annex

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction: everything inside is written, or nothing is."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # Files ---------------------------------------------------------------------------------

    def file_state(self, path: str) -> FileState | None:
        """The index's memory of ``path``, or None for a file never seen."""
        row = self.db.execute(
            "SELECT id, size, mtime_ns, sha256, status, failure_kind, failure FROM files"
            " WHERE path = ?",
            (path,),
        ).fetchone()
        return None if row is None else FileState(*row)

    def upsert_file(
        self,
        path: str,
        size: int | None,
        mtime_ns: int | None,
        sha256: str | None,
        annex: int | None,
    ) -> int:
        """Create or refresh the row of one file about to be (re)indexed; return its id. (An
        index run gives all its files their rows at once: :meth:`open_todo_files`.)"""
        stamp = now()
        row = self.db.execute(
            "INSERT INTO files (path, size, mtime_ns, sha256, status, annex, first_seen,"
            " last_seen) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET size = excluded.size,"
            " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, annex = excluded.annex,"
            " status = 'pending',"
            " last_seen = excluded.last_seen RETURNING id",
            (path, size, mtime_ns, sha256, annex, stamp, stamp),
        ).fetchone()
        return int(row[0])

    def finish_file(
        self,
        file_id: int,
        messages: int,
        failure: tuple[str, str] | None = None,
        facts: FileFacts | None = None,
    ) -> None:
        """Mark a file indexed (or failed, with its failure kind and reason), and record what
        the run learnt of it (``facts``: size, mtime, SHA-256, annex) when given.

        Inside :meth:`bulk`, written with the rows held back, in the same transaction.
        """
        status = "failed" if failure else "indexed"
        kind, reason = failure if failure else (None, None)
        if facts is None:
            self._pending["file_status"].append((status, kind, reason, messages, file_id))
        else:  # one statement for both, not two updates of the row
            self._pending["file_done"].append((*facts, status, kind, reason, messages, file_id))
        if not self._bulk:
            self.flush()

    def touch_file(self, file_id: int, mtime_ns: int) -> None:
        """Record the new mtime of a file whose bytes did not change."""
        self.db.execute("UPDATE files SET mtime_ns = ? WHERE id = ?", (mtime_ns, file_id))

    def mark_seen(self, roots: list[str], unseen: Sequence[str] = ()) -> None:
        """Stamp every file under ``roots`` that is not missing as seen by this run, except
        under the ``unseen`` folders (which could not be listed)."""
        stamp = now()
        outside = "".join(" AND substr(path, 1, ?) != ?" for _ in unseen)
        hidden = [value for folder in unseen for value in _under_root(folder)[1:]]
        for root in roots:
            self.db.execute(
                "UPDATE files SET last_seen = ?"
                f" WHERE status != 'missing' AND {_UNDER_ROOT}{outside}",
                (stamp, *_under_root(root), *hidden),
            )

    def forget_file_messages(self, file_id: int) -> int:
        """Unlink a file from its messages; drop those that no file and no message carrying
        them holds any more; return how many were dropped. (An index run reading a changed
        file again uses :meth:`reread_file` and :meth:`end_reread`, which keep the messages
        it still holds.)"""
        if file_id in self._pending_files:
            self.flush()
        query = "SELECT DISTINCT message_id FROM message_files WHERE file_id = ?"
        linked = [int(row[0]) for row in self.db.execute(query, (file_id,))]
        if not linked:
            return 0
        self.flush()  # the links held back count in the search for orphans
        self.db.execute("DELETE FROM message_files WHERE file_id = ?", (file_id,))
        return self._release(linked)

    def _release(self, rows: list[int]) -> int:
        """Settle messages that lost a link: those still held (by a file or as forwarded)
        take their new lowest annex, the others are dropped; return how many were dropped."""
        orphans: list[int] = []
        for row in rows:
            if self._held_by_a_file(row) or self._has_a_carrier(row):  # held still
                self._settle_annex(row)
            elif (carrier := self._other_carrier(row, None)) is not None:  # forwarded inside
                self._rehang(row, carrier)
            else:
                orphans.append(row)
        flagged: set[str] = set()
        for row in orphans:
            flagged |= self._delete_message(row)
        for message_id in flagged:
            self._settle_conflict(message_id)
        return len(orphans)

    def reread_file(self, file_id: int) -> dict[str, int]:
        """Start reading a changed file again; return the messages it held, by SHA-256 (their
        rows as values).

        Its links stay until :meth:`end_reread`: the messages it holds still keep their rows
        (found again by their bytes, linked again at their new places), and a run killed in
        between leaves the file holding all it held, to be read again by the next run.
        """
        if file_id in self._pending_files:
            self.flush()
        held = {
            str(sha256): int(row)
            for row, sha256 in self.db.execute(
                "SELECT mf.message_id, m.sha256 FROM message_files mf"
                " JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = ?",
                (file_id,),
            )
        }
        if held:
            annex = self.db.execute("SELECT annex FROM files WHERE id = ?", (file_id,)).fetchone()
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS reread_links"
                ' (message_id INTEGER, "offset" INTEGER, PRIMARY KEY (message_id, "offset"))'
            )
            self.db.execute("DELETE FROM temp.reread_links")
            self._rereading = (file_id, annex[0])
        return held

    def end_reread(self, file_id: int, annex: int | None, gone: Iterable[int]) -> int:
        """Finish reading a file again: unlink it from the places it no longer holds a message
        at, and release the ``gone`` messages (held before, not found again): those no file
        and no carrier holds any more are dropped; return how many. A no-op unless
        :meth:`reread_file` found messages in the file."""
        if self._rereading is None or self._rereading[0] != file_id:
            return 0
        self.flush()
        self.db.execute(
            "DELETE FROM message_files WHERE file_id = ? AND NOT EXISTS (SELECT 1"
            " FROM temp.reread_links r WHERE r.message_id = message_files.message_id"
            ' AND r."offset" = message_files."offset")',
            (file_id,),
        )
        if annex != self._rereading[1]:  # its messages may belong to a higher annex now
            query = "SELECT DISTINCT message_id FROM temp.reread_links"
            for (row,) in self.db.execute(query).fetchall():
                self._settle_annex(int(row))
        self.db.execute("DELETE FROM temp.reread_links")
        self._rereading = None
        return self._release(list(gone))

    # The run's walk -------------------------------------------------------------------------
    # The paths a run found live in a temporary table, in walk order, not in Python lists.

    def record_walk(self, paths: Iterable[str]) -> int:
        """Remember the paths a run found, in their order (those to parse are marked later,
        :meth:`mark_todo`); return how many. Replaces an earlier walk of this connection;
        see :meth:`end_walk`."""
        self.end_walk()
        self.db.execute("CREATE TEMP TABLE walk (n INTEGER PRIMARY KEY, path TEXT NOT NULL)")
        self.db.execute("CREATE TEMP TABLE walk_todo (n INTEGER PRIMARY KEY)")
        self.db.executemany("INSERT INTO temp.walk (path) VALUES (?)", ((p,) for p in paths))
        self.db.execute("CREATE INDEX temp.walk_path ON walk(path)")
        return int(self.db.execute("SELECT count(*) FROM temp.walk").fetchone()[0])

    def walked(self, after: int, limit: int) -> list[tuple[int, str, FileState | None]]:
        """Up to ``limit`` walked paths after place ``after``, each with its :meth:`file_state`."""
        rows = self.db.execute(
            "SELECT w.n, w.path, f.id, f.size, f.mtime_ns, f.sha256, f.status, f.failure_kind,"
            " f.failure FROM temp.walk w LEFT JOIN files f ON f.path = w.path WHERE w.n > ?"
            " ORDER BY w.n LIMIT ?",
            (after, limit),
        ).fetchall()
        return [(row[0], row[1], None if row[2] is None else FileState(*row[2:])) for row in rows]

    def mark_todo(self, places: Iterable[int]) -> None:
        """Mark walked paths (by place) as needing a parse."""
        self.db.executemany("INSERT INTO temp.walk_todo (n) VALUES (?)", ((n,) for n in places))

    def todo_count(self) -> int:
        """How many walked paths need a parse."""
        return int(self.db.execute("SELECT count(*) FROM temp.walk_todo").fetchone()[0])

    def open_todo_files(self) -> None:
        """Give every walked path to parse (:meth:`mark_todo`) its file row, new ones in walk
        order, and mark them pending: one statement for the run, not one a file."""
        stamp = now()
        self.db.execute(
            "INSERT INTO files (path, status, first_seen, last_seen)"
            " SELECT w.path, 'pending', ?, ? FROM temp.walk_todo t JOIN temp.walk w ON w.n = t.n"
            " WHERE true ORDER BY t.n"
            " ON CONFLICT(path) DO UPDATE SET status = 'pending', last_seen = excluded.last_seen",
            (stamp, stamp),
        )

    def todo(self, after: int, limit: int) -> list[tuple[int, str, int]]:
        """Up to ``limit`` (place, path, file id) of walked paths to parse, after place
        ``after``: those :meth:`open_todo_files` gave a row."""
        rows = self.db.execute(
            "SELECT w.n, w.path, f.id FROM temp.walk_todo t JOIN temp.walk w ON w.n = t.n"
            " JOIN files f ON f.path = w.path WHERE t.n > ? ORDER BY t.n LIMIT ?",
            (after, limit),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def end_walk(self) -> None:
        """Forget the walk (the temporary tables of :meth:`record_walk`)."""
        self.db.execute("DROP TABLE IF EXISTS temp.walk_todo")
        self.db.execute("DROP TABLE IF EXISTS temp.walk")

    def mark_missing(self, roots: list[str], unseen: Sequence[str] = ()) -> list[str]:
        """Mark files under ``roots`` that the walk (:meth:`record_walk`) did not find as
        missing, except under the ``unseen`` folders (which could not be listed: their files
        may well be there); return their paths."""
        missing: list[str] = []
        hidden = tuple(_under_root(folder)[2] for folder in unseen)
        for root in roots:
            gone = self.db.execute(
                f"SELECT id, path FROM files WHERE status != 'missing' AND {_UNDER_ROOT}"
                " AND NOT EXISTS (SELECT 1 FROM temp.walk w WHERE w.path = files.path)"
                " ORDER BY id",
                _under_root(root),
            ).fetchall()
            for file_id, path in gone:
                if hidden and path.startswith(hidden):
                    continue
                self.db.execute("UPDATE files SET status = 'missing' WHERE id = ?", (file_id,))
                missing.append(path)
        return missing

    def reassign_annexes(self, roots: list[str], annex_of: Callable[[str], int | None]) -> int:
        """Give every file under ``roots`` (and its messages) the annex ``annex_of`` names.

        Returns how many files changed annex. Files are read a page at a time.
        """
        self.flush()
        changed = 0
        for root in roots:
            last = 0
            while rows := self.db.execute(
                f"SELECT id, path, annex FROM files WHERE id > ? AND {_UNDER_ROOT}"
                " ORDER BY id LIMIT ?",
                (last, *_under_root(root), _PAGE),
            ).fetchall():
                for file_id, path, annex in rows:
                    wanted = annex_of(path)
                    if wanted != annex:
                        self._set_annex(file_id, wanted)
                        changed += 1
                last = rows[-1][0]
        return changed

    def _set_annex(self, file_id: int, annex: int | None) -> None:
        self.db.execute("UPDATE files SET annex = ? WHERE id = ?", (annex, file_id))
        held = "SELECT message_id FROM message_files WHERE file_id = ?"
        for (row,) in self.db.execute(held, (file_id,)).fetchall():
            self._settle_annex(row)

    def _settle_annex(self, row: int, seen: set[int] | None = None) -> None:
        """Give a message the lowest annex of what holds it — its files and its carriers —
        (None when none is in an annex), and settle those forwarded inside it likewise."""
        seen = seen if seen is not None else set()
        seen.add(row)
        lowest = self.db.execute(_LOWEST_ANNEX, (row, row, row)).fetchone()[0]
        self.db.execute(
            "UPDATE messages SET annex = ? WHERE id = ? AND annex IS NOT ?", (lowest, row, lowest)
        )
        for child in self._carried(row):
            if child not in seen:
                self._settle_annex(child, seen)

    def _carried(self, row: int) -> list[int]:
        """The messages forwarded inside ``row``, whether it is their first carrier or not."""
        return [
            int(found[0])
            for found in self.db.execute(
                "SELECT id FROM messages WHERE carrier_id = ?"
                " UNION SELECT message_id FROM message_carriers WHERE carrier_id = ?",
                (row, row),
            )
        ]

    def _give_annex(self, row: int, annex: int | None, only_lower: bool) -> None:
        """Set the annex of a top-level message and of those forwarded inside it (only where
        ``annex`` is lower, or where they have none, with ``only_lower``). Rows that keep
        their annex are not written: a rewrite copies the whole large row."""
        keep = "annex IS NOT NULL AND annex <= ?" if only_lower else "annex IS ?"
        self.db.execute(
            f"UPDATE messages SET annex = ? WHERE id IN ({_HELD.format(top='SELECT ?')})"
            f" AND NOT ({keep})",
            (annex, row, annex),
        )

    # Messages ------------------------------------------------------------------------------

    def add_message(
        self,
        message: Message,
        file_id: int | None,
        annex: int | None,
        carrier: tuple[int, str] | None = None,
        columns: SearchColumns | None = None,
    ) -> Stored:
        """Store a message and its forwarded children, or link a known one to another file.

        ``columns`` are the precomputed FTS5 columns (:func:`search_columns`), if any.
        """
        return self.add_rows(message_rows(message, columns), file_id, annex, carrier)

    def add_rows(
        self,
        rows: MessageRows,
        file_id: int | None,
        annex: int | None,
        carrier: tuple[int, str] | None = None,
    ) -> Stored:
        """:meth:`add_message` for a message already turned into rows (:func:`message_rows`).

        Inside :meth:`bulk`, the rows of other tables than ``messages`` are written later,
        several messages at a time.
        """
        stored = self._add(rows, file_id, annex, carrier)
        if not self._bulk:
            self.flush()
        return stored

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Write addresses, attachments, defects, links and search rows in batches.

        Until :meth:`flush` (called by every method of the store that reads those tables, and
        at the end of the block), only ``messages`` is up to date: a caller that reads the
        other tables itself flushes first.
        """
        self._bulk = True
        try:
            yield
        except BaseException:
            self._discard()
            raise
        finally:
            self._bulk = False
        self.flush()

    def flush(self) -> None:
        """Write the rows :meth:`bulk` has held back."""
        pending = self._pending
        if not any(pending.values()):
            return
        for table, rows in pending.items():
            if rows:
                self.db.executemany(_WRITES[table], rows)
        self._discard()

    def _discard(self) -> None:
        for rows in self._pending.values():
            rows.clear()
        self._pending_files.clear()
        self._pending_bytes = 0

    def _add(
        self,
        rows: MessageRows,
        file_id: int | None,
        annex: int | None,
        carrier: tuple[int, str] | None,
    ) -> Stored:
        inserted = self._insert_message(rows, annex, carrier)
        if inserted is None:  # these bytes are stored already: link them to this file too
            found = self.db.execute(
                "SELECT id, carrier_id FROM messages WHERE sha256 = ?", (rows.sha256,)
            ).fetchone()
            known = int(found[0])
            self._link(known, file_id, rows)
            if carrier is not None and carrier[0] != found[1]:  # carried by one more message
                self.db.execute(
                    "INSERT OR IGNORE INTO message_carriers (carrier_id, carrier_part, message_id)"
                    " VALUES (?, ?, ?)",
                    (*carrier, known),
                )
            if annex is not None:  # an annex's copy of a message, or one forwarded in it
                self._give_annex(known, annex, only_lower=True)
            return Stored(known, new=False, conflicting=False)
        row, conflicting, first_conflict = inserted
        self._link(row, file_id, rows)
        if first_conflict:
            # The rows stored before, all of one content until now, are flagged too. Once a
            # Message-ID conflicts, every row of it is flagged: a new one only needs its own.
            self.db.execute(
                "UPDATE messages SET conflicting = 1 WHERE message_id = ? AND conflicting = 0",
                (rows.message_id,),
            )
        forwarded, conflicts = 0, int(conflicting)
        for child in rows.children:
            stored = self._add(child, None, annex, (row, child.part))
            forwarded += stored.forwarded + int(stored.new)
            conflicts += stored.conflicts
        return Stored(row, True, conflicting, forwarded, conflicts)

    def _link(self, row: int, file_id: int | None, rows: MessageRows) -> None:
        if file_id is not None:
            self._pending["message_files"].append((row, file_id, rows.mbox_index, rows.offset))
            self._pending_files.add(file_id)
            if self._rereading is not None and self._rereading[0] == file_id:
                self._pending["reread_links"].append((row, rows.offset))

    def _insert_message(
        self, rows: MessageRows, annex: int | None, carrier: tuple[int, str] | None
    ) -> tuple[int, bool, bool] | None:
        """Insert a message row (flagged conflicting when another row has its Message-ID and
        other content); return its id, that flag, and whether the rows before it said the
        same (so that this one starts the conflict); None when its bytes are stored already."""
        lowest, highest = self._contents(rows.message_id)
        # Conflicting when a stored row says otherwise: when the stored rows differ among
        # themselves (and are flagged already), or when they agree and this one does not.
        conflicting = lowest is not None and (lowest != highest or rows.content_sha256 != lowest)
        first_conflict = conflicting and lowest == highest
        # No RETURNING: SQLite runs it as a trigger, and a statement with a trigger keeps a
        # statement journal, a temporary file once the row reuses pages FTS5 freed (420 MB
        # written at 20,000 messages).
        inserted = self.db.execute(
            _INSERT_MESSAGE,
            (
                rows.sha256,
                rows.size,
                rows.message_id,
                int(rows.synthetic),
                carrier[0] if carrier else None,
                carrier[1] if carrier else None,
                *rows.columns,
                annex,
                int(conflicting),
            ),
        )
        if inserted.rowcount != 1 or inserted.lastrowid is None:
            return None
        row = inserted.lastrowid
        pending = self._pending
        pending["addresses"].extend((row, *address) for address in rows.addresses)
        pending["attachments"].extend((row, *attachment) for attachment in rows.attachments)
        pending["defects"].extend((row, *defect) for defect in rows.defects)
        pending["anomalies"].extend((row, *anomaly) for anomaly in rows.anomalies)
        pending["messages_fts"].append((row, rows.stems, rows.keys))
        self._pending_bytes += len(rows.stems) + len(rows.keys)
        if self._pending_bytes >= _PENDING_BYTES:
            self.flush()  # the search columns held back are most of the memory held
        return row, conflicting, first_conflict

    def _contents(self, message_id: str) -> tuple[str | None, str | None]:
        """The lowest and highest content digest of the rows with this Message-ID (None when
        there is none): two seeks in the index on (message_id, content_sha256), however many
        copies of one message the corpus holds."""
        found = self.db.execute(_CONTENTS, (message_id, message_id)).fetchone()
        return found[0], found[1]

    def _delete_message(self, row: int) -> set[str]:
        """Delete a message and those forwarded inside it that no file holds (one whose
        bytes also stand in a file of their own is kept, now on its own); return the
        Message-IDs of the deleted rows that were flagged conflicting."""
        query = "SELECT id FROM messages WHERE carrier_id = ?"
        children = [child[0] for child in self.db.execute(query, (row,))]
        query = "SELECT message_id FROM message_carriers WHERE carrier_id = ?"
        also_carried = [child[0] for child in self.db.execute(query, (row,))]
        flagged: set[str] = set()
        for child in children:
            carrier = self._other_carrier(child, row)
            if carrier is not None or self._held_by_a_file(child):
                self._rehang(child, carrier)
            else:
                flagged |= self._delete_message(child)
        found = self.db.execute(
            "SELECT message_id FROM messages WHERE id = ? AND conflicting = 1", (row,)
        ).fetchone()
        if found is not None:
            flagged.add(str(found[0]))
        self.db.execute("DELETE FROM messages_fts WHERE rowid = ?", (row,))
        self.db.execute("DELETE FROM messages WHERE id = ?", (row,))  # and its other links
        for child in also_carried:
            self._settle_annex(child)
        return flagged

    def _has_a_carrier(self, row: int) -> bool:
        query = "SELECT 1 FROM messages WHERE id = ? AND carrier_id IS NOT NULL"
        return self.db.execute(query, (row,)).fetchone() is not None

    def _held_by_a_file(self, row: int) -> bool:
        query = "SELECT 1 FROM message_files WHERE message_id = ? LIMIT 1"
        return self.db.execute(query, (row,)).fetchone() is not None

    def _other_carrier(self, row: int, carrier: int | None) -> tuple[int, str] | None:
        """A carrier of ``row`` in ``message_carriers`` other than ``carrier``, if any."""
        found = self.db.execute(
            "SELECT carrier_id, carrier_part FROM message_carriers"
            " WHERE message_id = ? AND carrier_id IS NOT ? ORDER BY carrier_id LIMIT 1",
            (row, carrier),
        ).fetchone()
        return None if found is None else (int(found[0]), str(found[1]))

    def _rehang(self, row: int, carrier: tuple[int, str] | None) -> None:
        """Keep a message whose first carrier (or last file) goes: ``carrier``, another
        message that carries it (from :meth:`_other_carrier`), becomes its first, or, when
        None and only files hold it, it becomes a message of its own."""
        if carrier is not None:
            self.db.execute(
                "DELETE FROM message_carriers WHERE carrier_id = ? AND carrier_part = ?", carrier
            )
        self.db.execute(
            "UPDATE messages SET carrier_id = ?, carrier_part = ? WHERE id = ?",
            (*(carrier or (None, None)), row),
        )
        self._settle_annex(row)

    def _settle_conflict(self, message_id: str) -> None:
        """Clear the conflicting flags of a Message-ID whose remaining rows all say the same."""
        lowest, highest = self._contents(message_id)
        if lowest == highest:
            self.db.execute(
                "UPDATE messages SET conflicting = 0 WHERE message_id = ? AND conflicting = 1",
                (message_id,),
            )

    # Whole-index steps ---------------------------------------------------------------------

    def thread_inputs(self, thread_id: str | None = None) -> list[ThreadInput]:
        """What threading needs of every message (or of one thread's): ids, subject, date."""
        query = f"SELECT {INPUT_COLUMNS} FROM messages m"
        params: tuple[str, ...] = ()
        if thread_id is not None:
            query += f" WHERE {IN_THREAD}"
            params = (thread_id,)
        return [thread_input(row) for row in self.db.execute(query, params)]

    def rethread(self, subject_fallback: bool = True, unplaced_only: bool = False) -> int:
        """Thread the whole index again (JWZ, see ``docs/threading.md``); return the threads.

        One connected component at a time (:mod:`emlkit.index.rethread`), so memory stays
        bounded however large the index. ``unplaced_only``: only the components that hold
        messages added since the last threading, which is enough when none was removed.
        """
        return rethread(self.db, subject_fallback, unplaced_only)

    # Whole-index queries -------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many files, messages, threads and defects the index holds."""
        self.flush()
        one = self.db.execute
        return {
            "files": int(one("SELECT count(*) FROM files").fetchone()[0]),
            "messages": int(one("SELECT count(*) FROM messages").fetchone()[0]),
            "threads": int(
                one("SELECT count(DISTINCT thread_id) FROM message_threads").fetchone()[0]
            ),
            "defects": int(one("SELECT count(*) FROM defects").fetchone()[0]),
        }

    def corpus_roots(self) -> list[str]:
        """Every folder and file an index run was given (as :func:`path_text` writes them),
        in the order first given: the evidence, inside which emlkit writes nothing."""
        roots: dict[str, None] = {}
        for (given,) in self.db.execute("SELECT roots FROM runs ORDER BY id"):
            roots.update(dict.fromkeys(json.loads(given)))
        return list(roots)

    def add_run(self, roots: list[str]) -> int:
        """Record the start of an index run; return its id."""
        cursor = self.db.execute(
            "INSERT INTO runs (started_at, roots) VALUES (?, ?)", (now(), _json(roots))
        )
        return int(cursor.lastrowid or 0)

    def finished_before(self, run: int) -> bool:
        """Whether the index run before ``run`` finished (True when there was none)."""
        found = self.db.execute(
            "SELECT finished_at FROM runs WHERE id < ? ORDER BY id DESC LIMIT 1", (run,)
        ).fetchone()
        return found is None or found[0] is not None

    def finish_run(self, run: int, summary: dict[str, Any]) -> None:
        """Record the end of an index run and its summary."""
        self.db.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
            (now(), _json(summary), run),
        )


_PAGE = 1000
"""Rows read at a time where a whole table would otherwise be held."""

_PENDING_BYTES = 1 << 20
"""Characters of search columns :meth:`Store.bulk` holds back before it writes them."""

_SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
"""SQL for :func:`now`."""

_WRITES = {
    "addresses": "INSERT INTO addresses VALUES (?, ?, ?, ?, ?)",
    "attachments": "INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "defects": "INSERT INTO defects VALUES (?, ?, ?, ?, ?)",
    "anomalies": "INSERT INTO anomalies (message_id, kind, detail, seconds) VALUES (?, ?, ?, ?)",
    "messages_fts": "INSERT INTO messages_fts (rowid, stems, keys) VALUES (?, ?, ?)",
    "message_files": "INSERT OR REPLACE INTO message_files"
    ' (message_id, file_id, mbox_index, "offset") VALUES (?, ?, ?, ?)',
    "reread_links": 'INSERT OR IGNORE INTO temp.reread_links (message_id, "offset") VALUES (?, ?)',
    "file_done": "UPDATE files SET size = ?, mtime_ns = ?, sha256 = ?, annex = ?, status = ?,"
    f" failure_kind = ?, failure = ?, messages = ?, indexed_at = {_SQL_NOW} WHERE id = ?",
    "file_status": "UPDATE files SET status = ?, failure_kind = ?, failure = ?, messages = ?,"
    f" indexed_at = {_SQL_NOW} WHERE id = ?",
}
"""The statements :meth:`Store.bulk` runs in batches, by what they write, in this order."""


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
