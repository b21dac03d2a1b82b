"""Reading message records and the stored case from the index, in batches.

A batch of message rows costs five queries however many rows it holds: the rows, then
their addresses, attachments, defects and file paths, each fetched for the whole batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from emlkit.api.record import IndexedMessage
from emlkit.index.store import IN_ANNEX, IN_THREAD, THREAD_OF, carriers_up
from emlkit.records import Address, Attachment, Defect, DefectKind

__all__ = [
    "BATCH",
    "ROW_COLUMNS",
    "ROW_FROM",
    "MessageFilter",
    "filter_sql",
    "iter_records",
    "register_functions",
    "utc_text",
]

T = TypeVar("T")

BATCH = 256
"""Message rows read and completed at a time."""

ROW_COLUMNS = (
    "m.id, m.message_id, m.date, m.date_utc, coalesce(m.from_name, ''),"
    f" coalesce(m.from_address, ''), m.subject, m.annex, {THREAD_OF}, m.sha256, m.size, m.text,"
    " c.message_id, m.content_sha256, m.conflicting"
)
ROW_FROM = "messages m LEFT JOIN messages c ON c.id = m.carrier_id"

_PATHS = (
    carriers_up("SELECT id, id, 0 FROM messages WHERE id IN ({marks})")
    + " SELECT DISTINCT up.start, f.path FROM up JOIN message_files mf ON mf.message_id = up.id"
    " JOIN files f ON f.id = mf.file_id ORDER BY up.start, f.path"
)
"""The files that hold each message: its own, and those of every message carrying it."""


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """Which messages to keep; every field that is set must hold.

    ``sender`` and ``recipient`` are substrings (any case) of an address or display name,
    as in search: From for the sender, To, Cc or Bcc for the recipient. ``since`` and
    ``until`` bound the UTC date (``since`` included, ``until`` not); a date or a naive
    datetime is taken as UTC. ``forwarded`` True keeps only messages forwarded inside
    another, False only the others; ``conflicting`` True only the messages another version
    contradicts (one Message-ID, other content), False only the others.
    """

    sender: str | None = None
    recipient: str | None = None
    annex: int | None = None
    since: datetime | date | None = None
    until: datetime | date | None = None
    has_attachment: bool | None = None
    thread: str | None = None
    message_id: str | None = None
    forwarded: bool | None = None
    conflicting: bool | None = None
    id: int | None = None
    """The message's row id."""


def utc_text(value: datetime | date | str) -> str:
    """A date bound as the index writes UTC dates (ISO 8601 with ``+00:00``)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


_PERSON = (
    "m.id IN (SELECT message_id FROM addresses WHERE role IN ({roles})"
    " AND (instr(emlkit_fold(address), ?) OR instr(emlkit_fold(name), ?)))"
)
_ATTACHED = "EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)"


def filter_sql(filters: Sequence[MessageFilter]) -> tuple[str, list[object]]:
    """SQL conditions on ``messages m`` (joined with AND, or ``1``) and their parameters."""
    clauses: list[str] = []
    params: list[object] = []
    for item in filters:
        if item.sender:
            clauses.append(_PERSON.format(roles="'from'"))
            params += [item.sender.casefold()] * 2
        if item.recipient:
            clauses.append(_PERSON.format(roles="'to', 'cc', 'bcc'"))
            params += [item.recipient.casefold()] * 2
        _simple(item, clauses, params)
    return (" AND ".join(clauses) or "1"), params


def _simple(item: MessageFilter, clauses: list[str], params: list[object]) -> None:
    pairs: list[tuple[str, object]] = []
    if item.annex is not None:
        pairs.append((IN_ANNEX, item.annex))
    if item.since is not None:
        pairs.append(("m.date_utc >= ?", utc_text(item.since)))
    if item.until is not None:
        pairs.append(("m.date_utc < ?", utc_text(item.until)))
    if item.thread is not None:
        pairs.append((IN_THREAD, item.thread))
    if item.id is not None:
        pairs.append(("m.id = ?", item.id))
    if item.message_id is not None:
        pairs.append(("m.message_id = ?", item.message_id.strip().strip("<>")))
    clauses += [clause for clause, _ in pairs]
    params += [value for _, value in pairs]
    if item.has_attachment is not None:
        clauses.append(_ATTACHED if item.has_attachment else f"NOT {_ATTACHED}")
    if item.forwarded is not None:
        clauses.append(f"m.carrier_id IS {'NOT ' if item.forwarded else ''}NULL")
    if item.conflicting is not None:
        clauses.append(f"m.conflicting = {int(item.conflicting)}")


def register_functions(db: sqlite3.Connection) -> None:
    """Give ``db`` the SQL functions the filters use (Python's casefold)."""
    db.create_function("emlkit_fold", 1, _fold, deterministic=True)


def _fold(value: object) -> str:
    return str(value or "").casefold()


def iter_records(
    db: sqlite3.Connection, sql: str, params: Sequence[object]
) -> Iterator[IndexedMessage]:
    """The records of the rows ``sql`` selects (columns :data:`ROW_COLUMNS`), streamed."""
    cursor = db.execute(sql, list(params))
    try:
        while rows := cursor.fetchmany(BATCH):
            yield from _complete(db, rows)
    finally:
        with suppress(sqlite3.ProgrammingError):  # the corpus was closed first: nothing to do
            cursor.close()


def _complete(db: sqlite3.Connection, rows: list[Any]) -> list[IndexedMessage]:
    ids = [int(row[0]) for row in rows]
    people = _addresses(db, ids)
    files = _grouped(db, _PATHS, ids, lambda r: str(r[1]))
    attachments = _grouped(
        db,
        "SELECT message_id, filename, content_type, size, sha256, inline, content_id, part"
        " FROM attachments WHERE message_id IN ({marks}) ORDER BY message_id, position",
        ids,
        lambda r: Attachment(r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7]),
    )
    defects = _grouped(
        db,
        "SELECT message_id, kind, location, detail FROM defects"
        " WHERE message_id IN ({marks}) ORDER BY message_id, position",
        ids,
        lambda r: Defect(DefectKind(r[1]), r[2], r[3]),
    )
    return [_record(row, people.get(int(row[0]), {}), files, attachments, defects) for row in rows]


def _record(
    row: Any,
    people: dict[str, list[Address]],
    files: dict[int, list[str]],
    attachments: dict[int, list[Attachment]],
    defects: dict[int, list[Defect]],
) -> IndexedMessage:
    key = int(row[0])
    sender = Address(row[4], row[5]) if row[4] or row[5] else None
    return IndexedMessage(
        id=key,
        message_id=row[1],
        date=_datetime(row[2]),
        date_utc=_datetime(row[3]),
        sender=sender,
        to=tuple(people.get("to", ())),
        cc=tuple(people.get("cc", ())),
        bcc=tuple(people.get("bcc", ())),
        subject=row[6],
        annex=row[7],
        thread_id=row[8],
        paths=tuple(files.get(key, ())),
        sha256=row[9],
        size=int(row[10]),
        attachments=tuple(attachments.get(key, ())),
        defects=tuple(defects.get(key, ())),
        text=row[11],
        carrier=row[12],
        content_sha256=row[13],
        conflicting=bool(row[14]),
    )


def _datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def _grouped(
    db: sqlite3.Connection, sql: str, ids: list[int], make: Callable[[Any], T]
) -> dict[int, list[T]]:
    """The items ``make`` builds from the rows of ``sql`` (first column: a message row),
    grouped by message row."""
    found: dict[int, list[T]] = {}
    for row in db.execute(sql.format(marks=_marks(ids)), ids):
        found.setdefault(int(row[0]), []).append(make(row))
    return found


def _addresses(db: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, list[Address]]]:
    found: dict[int, dict[str, list[Address]]] = {}
    sql = (
        "SELECT message_id, role, name, address FROM addresses WHERE role IN ('to', 'cc', 'bcc')"
        f" AND message_id IN ({_marks(ids)}) ORDER BY message_id, role, position"
    )
    for key, role, name, address in db.execute(sql, ids):
        found.setdefault(int(key), {}).setdefault(role, []).append(Address(name, address))
    return found
