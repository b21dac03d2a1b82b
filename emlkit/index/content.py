"""What a message says, as one digest: the test that tells copies of one message apart from
versions of it.

Two stored messages can share a Message-ID and differ in their bytes for harmless reasons:
the Sent copy and the recipient's copy (the recipient's has ``Received`` headers the Sent one
lacks, the Sent one a ``Bcc``), a message and the same message forwarded as an attachment,
one copy in base64 and one in quoted-printable. They can also differ because one of them was
edited. The *content digest* keeps what the author wrote and the transport does not change —
the subject, the date (as an instant), the addresses but Bcc (display names included), the
reply headers, the text and HTML bodies as decoded, and each attachment's name, type and
SHA-256 — and leaves out the rest: trace and transport headers, transfer encodings,
charsets, header folding. Copies with one Message-ID and one digest are the same message;
one Message-ID with two digests is a *conflict*, and every row of it is flagged.

The digest is computed from the values the index stores, so the index can compute it again
(:func:`register` gives SQLite the function, which the migration that introduced the column
uses), and any tool can check it against the rows.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence

__all__ = ["DIGEST_COLUMNS", "SQL_DIGEST", "content_digest", "register"]

_NONE = b"\x00"  # a null value, unlike any UTF-8 text of any length

Value = str | int | None

DIGEST_COLUMNS = ("subject", "date_utc", "in_reply_to", '"references"', "text", "html")
"""The columns of ``messages`` that :func:`content_digest` reads, in its order."""

SQL_DIGEST = (
    f"emlkit_content_digest({', '.join(f'm.{column}' for column in DIGEST_COLUMNS)},"
    " (SELECT json_group_array(json_array(a.role, a.position, a.name, a.address))"
    "  FROM addresses a WHERE a.message_id = m.id AND a.role != 'bcc'),"
    " (SELECT json_group_array(json_array(t.position, t.filename, t.content_type, t.sha256))"
    "  FROM attachments t WHERE t.message_id = m.id))"
)
"""The content digest of the ``messages`` row ``m``, in SQL (after :func:`register`)."""


def content_digest(
    values: Sequence[str | None],
    addresses: Iterable[Sequence[Value]],
    attachments: Iterable[Sequence[Value]],
) -> str:
    """The SHA-256 (hex) of what a message says, from its stored values.

    ``values`` are the stored :data:`DIGEST_COLUMNS` of ``messages``, in order (``in_reply_to``
    and ``references`` as their JSON text); ``addresses`` the rows of ``addresses`` as
    ``(role, position, name, address)`` (Bcc rows are left out here); ``attachments`` the rows
    of ``attachments`` as ``(position, filename, content_type, sha256)``. The order the rows
    come in does not matter.
    """
    subject, date_utc, in_reply_to, references, text, html = values
    kept = sorted((tuple(a) for a in addresses if a[0] != "bcc"), key=_address_key)
    files = sorted((tuple(f) for f in attachments), key=_attachment_key)
    digest = hashlib.sha256()
    # A body's last line break belongs to the boundary that follows it once the message is
    # forwarded inside a multipart (RFC 2046, 5.1.1): white space at the end is not content.
    for value in (subject, date_utc, in_reply_to, references, _rstrip(text), _rstrip(html)):
        _update(digest, value)
    _update(digest, json.dumps(kept))
    _update(digest, json.dumps(files))
    return digest.hexdigest()


def _address_key(row: Sequence[Value]) -> tuple[str, int]:
    return str(row[0]), int(row[1] or 0)  # (role, position)


def _attachment_key(row: Sequence[Value]) -> int:
    return int(row[0] or 0)  # position


def _rstrip(value: str | None) -> str | None:
    return None if value is None else value.rstrip()


def _update(digest: hashlib._Hash, value: str | None) -> None:
    if value is None:
        digest.update(_NONE)
        return
    data = value.encode("utf-8", "surrogatepass")
    digest.update(b"%d:" % len(data))  # the length first: no two fields can run together
    digest.update(data)


def _sql_digest(*values: str | None) -> str:
    """:func:`content_digest` of a row: its :data:`DIGEST_COLUMNS`, then its addresses and
    its attachments as JSON arrays of rows."""
    *columns, addresses, attachments = values
    return content_digest(columns, json.loads(addresses or "[]"), json.loads(attachments or "[]"))


def register(db: sqlite3.Connection) -> None:
    """Give ``db`` the SQL function :data:`SQL_DIGEST` calls."""
    columns = len(DIGEST_COLUMNS) + 2
    db.create_function("emlkit_content_digest", columns, _sql_digest, deterministic=True)
