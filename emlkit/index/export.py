"""Export: one row per stored message, as JSON lines or CSV, streamed from the index.

Every message row is exported, forwarded (``message/rfc822``) messages included: those have
``carrier_id``, ``carrier_message_id`` and ``carrier_part`` set (their first carrier), and
the ``paths`` of every file that holds them or a message they are forwarded in. Rows come
oldest first (UTC), undated last; the cursor is read row by row, so memory stays flat
however large the index. The columns are
:data:`COLUMNS`, documented in ``docs/export.md``.

CSV has the same columns. A string is written as it is, null as an empty cell, and every
other value (numbers, ``true``/``false``, lists, objects) as JSON text, so a list of
addresses or attachments is one cell that any JSON parser reads back exactly.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, TextIO

from emlkit.errors import UsageError
from emlkit.index.choices import FORMATS
from emlkit.index.senders import require_identities
from emlkit.index.store import IN_ANNEX, Store, carriers_up

__all__ = ["COLUMNS", "FORMATS", "export", "export_file", "export_rows", "write_rows"]


COLUMNS = (
    "id",
    "message_id",
    "message_id_synthetic",
    "conflicting",
    "paths",
    "locations",
    "sha256",
    "size",
    "content_sha256",
    "annex",
    "carrier_id",
    "carrier_message_id",
    "carrier_part",
    "thread_id",
    "parent_id",
    "subject",
    "from",
    "to",
    "cc",
    "bcc",
    "date",
    "date_utc",
    "date_source",
    "in_reply_to",
    "references",
    "attachments",
    "defects",
    "anomalies",
)
"""The exported fields of every message, in order."""

_MESSAGE_COLUMNS = (
    "m.id, m.message_id, m.message_id_synthetic, m.conflicting, m.sha256, m.size, m.annex,"
    " m.carrier_id, c.message_id, m.carrier_part, th.thread_id, th.thread_parent_id, m.subject,"
    ' m.date, m.date_utc, m.date_source, m.in_reply_to, m."references", m.content_sha256'
)


def _messages(store: Store, annex: int | None) -> Iterator[tuple[Any, ...]]:
    """Every message row, oldest first by UTC, then the undated ones, streamed."""
    base = (
        f"SELECT {_MESSAGE_COLUMNS} FROM messages m LEFT JOIN messages c ON c.id = m.carrier_id"
        " LEFT JOIN message_threads th ON th.message_id = m.id"
    )
    where = "" if annex is None else f" AND {IN_ANNEX}"
    params = [] if annex is None else [annex]
    yield from store.db.execute(
        f"{base} WHERE m.date_utc IS NOT NULL{where} ORDER BY m.date_utc, m.id", params
    )
    yield from store.db.execute(f"{base} WHERE m.date_utc IS NULL{where} ORDER BY m.id", params)


_LOCATIONS = carriers_up("SELECT ?, ?, 0") + (
    ' SELECT DISTINCT f.path, mf.mbox_index, mf."offset" FROM up'
    " JOIN message_files mf ON mf.message_id = up.id JOIN files f ON f.id = mf.file_id"
    ' ORDER BY f.path, mf.mbox_index, mf."offset"'
)
"""SQL for where a message stands: its own files, and those of every message carrying it."""


def _locations(store: Store, row: int) -> list[dict[str, Any]]:
    return [
        {"path": path, "mbox_index": index, "offset": offset}
        for path, index, offset in store.db.execute(_LOCATIONS, (row, row))
    ]


def _addresses(store: Store, row: int) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {"from": [], "to": [], "cc": [], "bcc": []}
    for role, name, address in store.db.execute(
        "SELECT role, name, address FROM addresses WHERE message_id = ?"
        " AND role IN ('from', 'to', 'cc', 'bcc') ORDER BY role, position",
        (row,),
    ):
        found[role].append({"name": name, "address": address})
    return found


def _attachments(store: Store, row: int) -> list[dict[str, Any]]:
    return [
        {"filename": r[0], "content_type": r[1], "size": r[2], "sha256": r[3], "inline": bool(r[4])}
        for r in store.db.execute(
            "SELECT filename, content_type, size, sha256, inline FROM attachments"
            " WHERE message_id = ? ORDER BY position",
            (row,),
        )
    ]


def _details(store: Store, table: str, columns: tuple[str, ...], row: int) -> list[dict[str, Any]]:
    order = "position" if table == "defects" else "kind"
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE message_id = ? ORDER BY {order}"
    return [dict(zip(columns, r, strict=True)) for r in store.db.execute(sql, (row,))]


def export_rows(store: Store, annex: int | None = None) -> Generator[dict[str, Any], None, None]:
    """Every message (of ``annex``, if given) as a dict with the keys of :data:`COLUMNS`.

    :raises StoreError: the index has no date anomalies yet (an older emlkit made it).
    """
    require_identities(store)
    for m in _messages(store, annex):
        row = int(m[0])
        locations = _locations(store, row)
        people = _addresses(store, row)
        yield {
            "id": row,
            "message_id": m[1],
            "message_id_synthetic": bool(m[2]),
            "conflicting": bool(m[3]),
            "paths": list(dict.fromkeys(place["path"] for place in locations)),
            "locations": locations,
            "sha256": m[4],
            "size": m[5],
            "content_sha256": m[18],
            "annex": m[6],
            "carrier_id": m[7],
            "carrier_message_id": m[8],
            "carrier_part": m[9],
            "thread_id": m[10],
            "parent_id": m[11],
            "subject": m[12],
            "from": people["from"][0] if people["from"] else None,
            "to": people["to"],
            "cc": people["cc"],
            "bcc": people["bcc"],
            "date": m[13],
            "date_utc": m[14],
            "date_source": m[15],
            "in_reply_to": json.loads(m[16]),
            "references": json.loads(m[17]),
            "attachments": _attachments(store, row),
            "defects": _details(store, "defects", ("kind", "location", "detail"), row),
            "anomalies": _details(store, "anomalies", ("kind", "detail", "seconds"), row),
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def write_rows(rows: Iterator[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write export rows to ``out`` as ``jsonl`` or ``csv``; return how many.

    For CSV, open ``out`` with ``newline=""`` (rows end with CRLF, as RFC 4180 says).

    :raises UsageError: an unknown format.
    """
    if fmt not in FORMATS:
        raise UsageError(f"export formats are {', '.join(FORMATS)}, not {fmt!r}")
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in COLUMNS])
        count += 1
    return count


def export(store: Store, fmt: str, out: TextIO, annex: int | None = None) -> int:
    """Export every message (of ``annex``, if given) to ``out``; return how many."""
    with closing(export_rows(store, annex)) as rows:
        return write_rows(rows, out, fmt)


def export_file(
    store: Store, fmt: str, path: str | os.PathLike[str], annex: int | None = None
) -> int:
    """Export to the file ``path`` (UTF-8), replacing it only once the export is complete.

    The rows go to a temporary file beside ``path`` that is renamed over it at the end, so a
    failed or interrupted export never leaves half a file under the name asked for.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with open(handle, "w", encoding="utf-8", newline="") as out:
            count = export(store, fmt, out, annex)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it 0600; give it a new file's mode
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
