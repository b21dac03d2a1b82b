"""The SQLite store of the index: files, messages and everything known about them.

One :class:`Store` wraps one database file. It opens read-write (creating and migrating the
schema) or read-only, is a context manager, and groups writes with :meth:`Store.atomic`.
Writes are idempotent: storing the same message bytes twice links a second path to one row,
so a run that was killed can simply be run again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from emlkit.errors import StoreError
from emlkit.index.schema import migrate
from emlkit.index.text import index_columns
from emlkit.index.threading import ThreadInput, thread_messages
from emlkit.records import Address, Message, charset_dict, hop_dict

_ROLES = ("from", "sender", "reply_to", "to", "cc", "bcc")

FIRST_PATH = (
    "(SELECT f.path FROM message_files mf JOIN files f ON f.id = mf.file_id"
    " WHERE mf.message_id = coalesce(m.carrier_id, m.id) ORDER BY f.path LIMIT 1)"
)
"""SQL for the first path that holds message ``m`` (a forwarded message: its carrier's)."""

_UNDER_ROOT = "(path = ? OR substr(path, 1, ?) = ?)"


def _under_root(root: str) -> tuple[str, int, str]:
    """The parameters of :data:`_UNDER_ROOT`: the root itself, or any path below it."""
    prefix = root.rstrip("/") + "/"
    return root, len(prefix), prefix


@dataclass(frozen=True, slots=True)
class FileState:
    """What the index remembers of a file from its last run."""

    id: int
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    failure_kind: str | None
    failure: str | None


@dataclass(frozen=True, slots=True)
class Stored:
    """The outcome of storing one message: its row and whether it was new."""

    row: int
    new: bool
    conflicting: bool
    forwarded: int = 0
    """How many forwarded messages inside it were stored as new rows."""


def now() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


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
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if not readonly:
                migrate(self.db)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a usable emlkit index ({error})") from error
        self.db.row_factory = sqlite3.Row

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
        """Create or refresh the row of a file about to be (re)indexed; return its id."""
        stamp = now()
        self.db.execute(
            "INSERT INTO files (path, size, mtime_ns, sha256, status, annex, first_seen,"
            " last_seen) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET size = excluded.size,"
            " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, annex = excluded.annex,"
            " status = 'pending',"
            " last_seen = excluded.last_seen",
            (path, size, mtime_ns, sha256, annex, stamp, stamp),
        )
        row = self.db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
        return int(row[0])

    def finish_file(
        self, file_id: int, messages: int, failure: tuple[str, str] | None = None
    ) -> None:
        """Mark a file indexed (or failed, with its failure kind and reason)."""
        status = "failed" if failure else "indexed"
        kind, reason = failure if failure else (None, None)
        self.db.execute(
            "UPDATE files SET status = ?, failure_kind = ?, failure = ?, messages = ?,"
            " indexed_at = ? WHERE id = ?",
            (status, kind, reason, messages, now(), file_id),
        )

    def touch_file(self, file_id: int, mtime_ns: int) -> None:
        """Record the new mtime of a file whose bytes did not change."""
        self.db.execute("UPDATE files SET mtime_ns = ? WHERE id = ?", (mtime_ns, file_id))

    def mark_seen(self, roots: list[str]) -> None:
        """Stamp every file under ``roots`` that is not missing as seen by this run."""
        stamp = now()
        for root in roots:
            self.db.execute(
                f"UPDATE files SET last_seen = ? WHERE status != 'missing' AND {_UNDER_ROOT}",
                (stamp, *_under_root(root)),
            )

    def forget_file_messages(self, file_id: int) -> int:
        """Unlink a changed file from its old messages; drop messages no file holds any more."""
        linked = [
            row[0]
            for row in self.db.execute(
                "SELECT message_id FROM message_files WHERE file_id = ?", (file_id,)
            )
        ]
        if not linked:
            return 0
        self.db.execute("DELETE FROM message_files WHERE file_id = ?", (file_id,))
        orphans = [
            row
            for row in dict.fromkeys(linked)
            if self.db.execute(
                "SELECT 1 FROM message_files WHERE message_id = ? LIMIT 1", (row,)
            ).fetchone()
            is None
        ]
        for row in orphans:
            self._delete_message(row)
        return len(orphans)

    def mark_missing(self, roots: list[str], seen: set[str]) -> list[str]:
        """Mark files under ``roots`` that were not seen as missing; return their paths."""
        missing: list[str] = []
        for root in roots:
            rows = self.db.execute(
                f"SELECT id, path FROM files WHERE status != 'missing' AND {_UNDER_ROOT}",
                _under_root(root),
            ).fetchall()
            for file_id, path in rows:
                if path not in seen:
                    self.db.execute("UPDATE files SET status = 'missing' WHERE id = ?", (file_id,))
                    missing.append(path)
        return missing

    def reassign_annexes(self, roots: list[str], annex_of: Callable[[str], int | None]) -> int:
        """Give every file under ``roots`` (and its messages) the annex ``annex_of`` names.

        Returns how many files changed annex.
        """
        changed = 0
        for root in roots:
            rows = self.db.execute(
                f"SELECT id, path, annex FROM files WHERE {_UNDER_ROOT}", _under_root(root)
            ).fetchall()
            for file_id, path, annex in rows:
                wanted = annex_of(path)
                if wanted != annex:
                    self._set_annex(file_id, wanted)
                    changed += 1
        return changed

    def _set_annex(self, file_id: int, annex: int | None) -> None:
        self.db.execute("UPDATE files SET annex = ? WHERE id = ?", (annex, file_id))
        self.db.execute(
            "UPDATE messages SET annex = ? WHERE id IN (WITH RECURSIVE held(id) AS ("
            " SELECT message_id FROM message_files WHERE file_id = ?"
            " UNION SELECT m.id FROM messages m JOIN held ON m.carrier_id = held.id)"
            " SELECT id FROM held)",
            (annex, file_id),
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
        found = self.db.execute(
            "SELECT id FROM messages WHERE sha256 = ?", (message.source.sha256,)
        ).fetchone()
        if found is not None:
            self._link(found[0], file_id, message)
            return Stored(found[0], new=False, conflicting=False)
        row = self._insert_message(message, annex, carrier, columns or {})
        self._link(row, file_id, message)
        conflicting = self._flag_conflicts(row, message)
        forwarded = 0
        for child in message.children:
            part = child.parent.part if child.parent else ""
            stored = self.add_message(child, None, annex, (row, part), columns)
            forwarded += stored.forwarded + int(stored.new)
        return Stored(row, new=True, conflicting=conflicting, forwarded=forwarded)

    def _link(self, row: int, file_id: int | None, message: Message) -> None:
        if file_id is None:
            return
        self.db.execute(
            'INSERT OR IGNORE INTO message_files (message_id, file_id, mbox_index, "offset")'
            " VALUES (?, ?, ?, ?)",
            (row, file_id, message.source.index, message.source.offset),
        )

    def _flag_conflicts(self, row: int, message: Message) -> bool:
        if message.message_id_synthetic:
            return False
        others = self.db.execute(
            "SELECT id FROM messages WHERE message_id = ? AND id != ?",
            (message.message_id, row),
        ).fetchall()
        if not others:
            return False
        ids = [row, *(other[0] for other in others)]
        marks = ",".join("?" * len(ids))
        self.db.execute(f"UPDATE messages SET conflicting = 1 WHERE id IN ({marks})", ids)
        return True

    def _insert_message(
        self,
        message: Message,
        annex: int | None,
        carrier: tuple[int, str] | None,
        columns: SearchColumns,
    ) -> int:
        first = message.from_[0] if message.from_ else Address("", "")
        cursor = self.db.execute(
            "INSERT INTO messages (sha256, size, message_id, message_id_synthetic, carrier_id,"
            " carrier_part, subject, base_subject, from_name, from_address, date, date_utc,"
            ' date_raw, date_source, in_reply_to, "references", text, html, charsets, received,'
            " headers, annex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (
                message.source.sha256,
                message.source.size,
                message.message_id,
                int(message.message_id_synthetic),
                carrier[0] if carrier else None,
                carrier[1] if carrier else None,
                message.subject,
                message.base_subject,
                first.name,
                first.address,
                _iso(message.date.value),
                _iso(message.date.utc),
                message.date.raw,
                message.date.source.value,
                _json(list(message.in_reply_to)),
                _json(list(message.references)),
                message.text,
                message.html,
                _json([charset_dict(trail) for trail in message.charsets]),
                _json([hop_dict(hop) for hop in message.received]),
                _json([[h.name, h.raw, h.value] for h in message.headers]),
                annex,
            ),
        )
        row = int(cursor.lastrowid or 0)
        self._insert_details(row, message, columns)
        return row

    def _insert_details(self, row: int, message: Message, columns: SearchColumns) -> None:
        addresses = [
            (row, role, position, address.name, address.address.lower())
            for role, group in zip(_ROLES, _address_groups(message), strict=True)
            for position, address in enumerate(group)
        ]
        self.db.executemany("INSERT INTO addresses VALUES (?, ?, ?, ?, ?)", addresses)
        self.db.executemany(
            "INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    row,
                    n,
                    a.filename,
                    a.content_type,
                    a.size,
                    a.sha256,
                    int(a.inline),
                    a.content_id,
                    a.part,
                )
                for n, a in enumerate(message.attachments)
            ],
        )
        self.db.executemany(
            "INSERT INTO defects VALUES (?, ?, ?, ?, ?)",
            [(row, n, d.kind.value, d.where, d.detail) for n, d in enumerate(message.defects)],
        )
        stems, keys = columns.get(message.source.sha256) or index_columns(_searchable(message))
        self.db.execute(
            "INSERT INTO messages_fts (rowid, stems, keys) VALUES (?, ?, ?)", (row, stems, keys)
        )

    def _delete_message(self, row: int) -> None:
        query = "SELECT id FROM messages WHERE carrier_id = ?"
        children = [child[0] for child in self.db.execute(query, (row,))]
        for child in children:
            self._delete_message(child)
        self.db.execute("DELETE FROM messages_fts WHERE rowid = ?", (row,))
        self.db.execute("DELETE FROM messages WHERE id = ?", (row,))

    # Whole-index steps ---------------------------------------------------------------------

    def thread_inputs(self, thread_id: str | None = None) -> list[ThreadInput]:
        """What threading needs of every message (or of one thread's): ids, subject, date."""
        query = (
            'SELECT id, message_id, in_reply_to, "references", base_subject, date_utc,'
            " carrier_id FROM messages"
        )
        params: tuple[str, ...] = ()
        if thread_id is not None:
            query += " WHERE thread_id = ?"
            params = (thread_id,)
        return [
            ThreadInput(
                key=str(row[0]),
                message_id=row[1],
                in_reply_to=tuple(json.loads(row[2])),
                references=tuple(json.loads(row[3])),
                base_subject=row[4],
                date_utc=datetime.fromisoformat(row[5]) if row[5] else None,
                carried_by=None if row[6] is None else str(row[6]),
            )
            for row in self.db.execute(query, params)
        ]

    def rethread(self, subject_fallback: bool = True) -> int:
        """Thread the whole index again (JWZ, see ``docs/threading.md``); return the threads."""
        placements = thread_messages(self.thread_inputs(), subject_fallback)
        self.db.executemany(
            "UPDATE messages SET thread_id = ?, thread_parent_id = ?, thread_depth = ?,"
            " thread_by_subject = ? WHERE id = ?",
            [
                (p.thread_id, p.parent_id, p.depth, int(p.by_subject), int(key))
                for key, p in placements.items()
            ],
        )
        return len({p.thread_id for p in placements.values()})

    # Whole-index queries -------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many files, messages, threads and defects the index holds."""
        one = self.db.execute
        return {
            "files": int(one("SELECT count(*) FROM files").fetchone()[0]),
            "messages": int(one("SELECT count(*) FROM messages").fetchone()[0]),
            "threads": int(one("SELECT count(DISTINCT thread_id) FROM messages").fetchone()[0]),
            "defects": int(one("SELECT count(*) FROM defects").fetchone()[0]),
        }

    def add_run(self, roots: list[str]) -> int:
        """Record the start of an index run; return its id."""
        cursor = self.db.execute(
            "INSERT INTO runs (started_at, roots) VALUES (?, ?)", (now(), _json(roots))
        )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run: int, summary: dict[str, Any]) -> None:
        """Record the end of an index run and its summary."""
        self.db.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
            (now(), _json(summary), run),
        )


def _address_groups(message: Message) -> tuple[tuple[Address, ...], ...]:
    return (message.from_, message.sender, message.reply_to, message.to, message.cc, message.bcc)


SearchColumns = dict[str, tuple[str, str]]
"""The FTS5 columns (stems, keys) of a message and its forwarded ones, by SHA-256."""


def search_columns(message: Message) -> SearchColumns:
    """The FTS5 columns of a message and of every message forwarded inside it.

    The indexer's workers compute them, so that the text analysis runs in parallel.
    """
    return {m.source.sha256: index_columns(_searchable(m)) for m in message.walk()}


def _searchable(message: Message) -> str:
    names = " ".join(a.name for group in _address_groups(message) for a in group)
    files = " ".join(a.filename or "" for a in message.attachments)
    return "\n".join((message.subject, names, files, message.text))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
