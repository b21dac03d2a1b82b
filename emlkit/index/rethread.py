"""Threading the whole index in bounded memory: one connected component at a time.

JWZ (:mod:`emlkit.index.threading`) only ever relates messages that share an id, a carrier
or (for the subject fallback) a subject key, so the index is first split into the connected
components of those links (:func:`emlkit.index.threading.thread_components`, done here in
SQL), and each component is threaded alone: the placements are the same as threading every
message at once, while the main process holds only a batch of components. The work lives in
temporary tables (on disk when SQLite spills them); Python holds one integer per message row
for the union-find, and the rows of one batch.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from emlkit.index.threading import (
    ThreadInput,
    find_part,
    iter_placements,
    join_parts,
    subject_key,
)

__all__ = ["INPUT_COLUMNS", "rethread", "thread_input"]

INPUT_COLUMNS = 'id, message_id, in_reply_to, "references", base_subject, date_utc, carrier_id'
"""The columns of ``messages`` that :func:`thread_input` reads, in its order."""

BATCH_MESSAGES = 1000
"""Whole components are threaded together until a batch holds at least this many messages."""

_USABLE = "j.value != '' AND j.value != m.message_id"  # threading's _ids(): no empty, not own
_NO_USABLE_HEADER = (
    f"NOT EXISTS (SELECT 1 FROM json_each(m.in_reply_to) j WHERE {_USABLE})"
    f' AND NOT EXISTS (SELECT 1 FROM json_each(m."references") j WHERE {_USABLE})'
)
# What links a message to others (threading._link_keys): its own id and usable header ids
# ("i"), its carrier ("c", on both sides), its subject key when it has no usable header ("s").
_LINKS = f"""
INSERT INTO temp.thread_links (key, id)
SELECT 'i' || m.message_id, m.id FROM messages m
UNION ALL SELECT 'i' || j.value, m.id FROM messages m, json_each(m.in_reply_to) j WHERE {_USABLE}
UNION ALL SELECT 'i' || j.value, m.id FROM messages m, json_each(m."references") j WHERE {_USABLE}
UNION ALL SELECT 'c' || m.carrier_id, m.id FROM messages m WHERE m.carrier_id IS NOT NULL
UNION ALL SELECT 'c' || m.carrier_id, m.carrier_id FROM messages m WHERE m.carrier_id IS NOT NULL
UNION ALL SELECT 's' || s.subject, s.id FROM (
    SELECT m.id, emlkit_subject_key(m.base_subject) AS subject FROM messages m
    WHERE ? AND {_NO_USABLE_HEADER}) s WHERE s.subject != ''
"""
# Each linked row with the smallest row sharing one of its keys: the unions to make.
_UNIONS = (
    "SELECT id, first FROM (SELECT id, min(id) OVER (PARTITION BY key) AS first"
    " FROM temp.thread_links) WHERE id != first"
)
_TEMP_TABLES = (
    "CREATE TEMP TABLE thread_links (key TEXT NOT NULL, id INTEGER NOT NULL)",
    "CREATE TEMP TABLE thread_parts (part INTEGER NOT NULL, id INTEGER NOT NULL,"
    " PRIMARY KEY (part, id)) WITHOUT ROWID",
)
_PLACED = "thread_id, thread_parent_id, thread_depth, thread_by_subject"
_READ = (
    "SELECT p.part, "
    + ", ".join(f"m.{column.strip()}" for column in INPUT_COLUMNS.split(","))
    + ", "
    + ", ".join(f"t.{column.strip()}" for column in _PLACED.split(","))
    + " FROM temp.thread_parts p JOIN messages m ON m.id = p.id"
    " LEFT JOIN message_threads t ON t.message_id = m.id ORDER BY p.part, p.id"
)
_WRITE = (
    f"INSERT INTO message_threads ({_PLACED}, message_id) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (message_id) DO UPDATE SET thread_id = excluded.thread_id,"
    " thread_parent_id = excluded.thread_parent_id, thread_depth = excluded.thread_depth,"
    " thread_by_subject = excluded.thread_by_subject"
)
_Placed = tuple[str | None, str | None, int | None, int]
"""A message's stored placement: thread id, parent id, depth, by subject."""


def thread_input(row: Sequence[Any]) -> ThreadInput:
    """A :class:`ThreadInput` from a row of :data:`INPUT_COLUMNS`."""
    return ThreadInput(
        key=str(row[0]),
        message_id=row[1],
        in_reply_to=_id_list(row[2]),
        references=_id_list(row[3]),
        base_subject=row[4],
        date_utc=datetime.fromisoformat(row[5]) if row[5] else None,
        carried_by=None if row[6] is None else str(row[6]),
    )


def rethread(
    db: sqlite3.Connection, subject_fallback: bool = True, unplaced_only: bool = False
) -> int:
    """Thread every message of the index again, a component at a time; return the threads.

    Writes the rows of ``message_threads`` whose placement changed, inside the caller's
    transaction if any.

    With ``unplaced_only``, only the components that hold a message not placed yet (added
    since the last threading) are threaded. That is the same as threading everything when
    messages were only added since then: a component that gained no message is the same set
    of messages, with the same placements.
    """
    db.create_function("emlkit_subject_key", 1, _subject_key, deterministic=True)
    _drop_temp_tables(db)
    for statement in _TEMP_TABLES:
        db.execute(statement)
    try:
        db.execute(_LINKS, (int(subject_fallback),))
        parts = _components(db)
        wanted = _unplaced_parts(db, parts) if unplaced_only else None
        db.executemany(
            "INSERT INTO temp.thread_parts (part, id) VALUES (?, ?)",
            _rows_by_part(db, parts, wanted),
        )
        del parts, wanted
        # The rows read are looked up by id while thread_parts is scanned: writing the
        # placements of each batch as it is threaded is safe.
        for batch, placed in _batches(db):
            db.executemany(_WRITE, _moved(batch, placed, subject_fallback))
    finally:
        _drop_temp_tables(db)
    return int(db.execute("SELECT count(DISTINCT thread_id) FROM message_threads").fetchone()[0])


def _drop_temp_tables(db: sqlite3.Connection) -> None:
    for table in ("thread_links", "thread_parts"):
        db.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _components(db: sqlite3.Connection) -> array[int]:
    """Union-find over message rows: ``parts[row]`` leads to the smallest row of its part."""
    largest = int(db.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])
    parts = array("q", range(largest + 1))
    for row, first in db.execute(_UNIONS):
        join_parts(parts, row, first)
    return parts


def _unplaced_parts(db: sqlite3.Connection, parts: array[int]) -> set[int]:
    """The components (by smallest row) that hold a message without a thread."""
    query = "SELECT id FROM messages WHERE id NOT IN (SELECT message_id FROM message_threads)"
    return {find_part(parts, row) for (row,) in db.execute(query)}


def _rows_by_part(
    db: sqlite3.Connection, parts: array[int], wanted: set[int] | None
) -> Iterator[tuple[int, int]]:
    """(component, row) of every message, or of those in the ``wanted`` components."""
    for (row,) in db.execute("SELECT id FROM messages"):
        part = find_part(parts, row)
        if wanted is None or part in wanted:
            yield part, row


def _batches(db: sqlite3.Connection) -> Iterator[tuple[list[ThreadInput], dict[str, _Placed]]]:
    """Whole components at a time, about :data:`BATCH_MESSAGES` messages each: the
    threading inputs, and each one's stored placement by key."""
    batch: list[ThreadInput] = []
    placed: dict[str, _Placed] = {}
    part = None
    for row in db.execute(_READ):
        if row[0] != part and len(batch) >= BATCH_MESSAGES:
            yield batch, placed
            batch, placed = [], {}
        part = row[0]
        item = thread_input(row[1:8])
        batch.append(item)
        placed[item.key] = (row[8], row[9], row[10], row[11])
    if batch:
        yield batch, placed


def _moved(
    batch: list[ThreadInput], placed: dict[str, _Placed], subject_fallback: bool
) -> Iterator[tuple[str, str | None, int, int, int]]:
    """Parameters of :data:`_WRITE` for the inputs whose placement is not the stored one."""
    for key, placement in iter_placements(batch, subject_fallback):
        new = (placement.thread_id, placement.parent_id, placement.depth, int(placement.by_subject))
        if placed[key] != new:
            yield (*new, int(key))


def _subject_key(base_subject: object) -> str:
    return subject_key(str(base_subject or ""))


def _id_list(stored: str) -> tuple[str, ...]:
    """A stored JSON list of Message-IDs as a tuple (most are empty: no parse for those)."""
    return () if stored == "[]" else tuple(json.loads(stored))
