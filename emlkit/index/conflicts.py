"""Reading conflicts: one Message-ID, several contents, and what differs between them.

A Message-ID whose stored messages carry two or more content digests (see
:mod:`emlkit.index.content`) is a *conflict*: at least one copy was edited, or two messages
were given one id. :func:`conflicts` reads each, with every *version* (one content, and the
copies that state it: files, annexes, forwards) and the fields that differ between them —
exactly the fields the digest reads, compared as it compares them, so every conflict has at
least one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from emlkit.index.store import FIRST_PATH, IN_ANNEX, Store

__all__ = ["FIELDS", "Conflict", "Copy", "Version", "conflicts"]

FIELDS = ("subject", "date", "reply headers", "addresses", "text", "html", "attachments")
"""What a version says, in the order differences are listed: the content digest's fields."""


@dataclass(frozen=True, slots=True)
class Copy:
    """One stored message that states a version: its row, bytes and where it stands."""

    id: int
    sha256: str
    path: str | None
    """The file that holds it (a forwarded copy: the file of the message carrying it)."""
    annex: int | None
    forwarded: bool
    """Forwarded inside another message, rather than a file of its own."""


@dataclass(frozen=True, slots=True)
class Version:
    """One content of a conflicting Message-ID, as its copies state it."""

    content_sha256: str
    copies: tuple[Copy, ...]
    subject: str | None
    date: str | None
    """The Date with the offset its sender wrote (compared as the instant, ``date_utc``)."""
    date_utc: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    addresses: tuple[tuple[str, str, str], ...]
    """``(role, display name, address)`` of From, Sender, Reply-To, To and Cc, in order."""
    attachments: tuple[tuple[str | None, str, int, str], ...]
    """``(filename, content type, size, SHA-256)``, in the order of the parts."""
    text: str | None
    html: str | None

    def value(self, field: str) -> object:
        """What this version says for one of :data:`FIELDS`, as the content digest reads it
        (white space at the end of a body is not content)."""
        values: dict[str, object] = {
            "subject": self.subject,
            "date": self.date_utc,
            "reply headers": (self.in_reply_to, self.references),
            "addresses": self.addresses,
            "text": None if self.text is None else self.text.rstrip(),
            "html": None if self.html is None else self.html.rstrip(),
            "attachments": tuple((name, kind, sha) for name, kind, _size, sha in self.attachments),
        }
        return values[field]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A Message-ID stored with different contents: its versions (the first indexed first)
    and the :data:`FIELDS` in which they differ."""

    message_id: str
    versions: tuple[Version, ...]
    differences: tuple[str, ...]


_IDS = (
    "SELECT m.message_id FROM messages m WHERE m.conflicting = 1{annex}"
    " GROUP BY m.message_id ORDER BY min(m.date_utc) IS NULL, min(m.date_utc), m.message_id"
)
_ROWS = (
    "SELECT m.id, m.content_sha256, m.sha256, {path}, m.annex, m.carrier_id IS NOT NULL,"
    ' m.subject, m.date, m.date_utc, m.in_reply_to, m."references", m.text, m.html'
    " FROM messages m WHERE m.message_id = ? ORDER BY m.id"
)
_ADDRESSES = (
    "SELECT role, coalesce(name, ''), address FROM addresses WHERE message_id = ?"
    " AND role != 'bcc' ORDER BY CASE role WHEN 'from' THEN 0 WHEN 'sender' THEN 1"
    " WHEN 'reply_to' THEN 2 WHEN 'to' THEN 3 ELSE 4 END, position"
)
_ATTACHMENTS = (
    "SELECT filename, content_type, size, sha256 FROM attachments WHERE message_id = ?"
    " ORDER BY position"
)


def conflicts(
    store: Store, annex: int | None = None, message_id: str | None = None
) -> Iterator[Conflict]:
    """Every conflict of the index, the earliest first (by the first version's UTC date);
    only those with a version in ``annex``, or only ``message_id``, when given. One
    conflict's versions are read at a time."""
    if message_id is not None:
        ids: list[str] = [message_id]
    else:
        where, params = ("", []) if annex is None else (f" AND {IN_ANNEX}", [annex])
        ids = [row[0] for row in store.db.execute(_IDS.format(annex=where), params)]
    for found in ids:
        conflict = _conflict(store, found)
        if conflict is not None:
            yield conflict


def _conflict(store: Store, message_id: str) -> Conflict | None:
    rows = store.db.execute(_ROWS.format(path=FIRST_PATH), (message_id,)).fetchall()
    by_content: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        by_content.setdefault(str(row[1]), []).append(row)
    if len(by_content) < 2:
        return None
    versions = tuple(_version(store, same) for same in by_content.values())
    differences = tuple(
        field for field in FIELDS if len({repr(v.value(field)) for v in versions}) > 1
    )
    return Conflict(message_id, versions, differences)


def _version(store: Store, rows: list[tuple[object, ...]]) -> Version:
    first = rows[0]
    row_id, content, _sha, _path, _annex, _fwd, subject, date, date_utc = first[:9]
    in_reply_to, references, text, html = first[9:]
    copies = tuple(
        Copy(int(str(r[0])), str(r[2]), _text(r[3]), _number(r[4]), bool(r[5])) for r in rows
    )
    addresses = tuple(
        (str(role), str(name), str(address))
        for role, name, address in store.db.execute(_ADDRESSES, (row_id,))
    )
    attachments = tuple(
        (_text(name), str(kind), int(size), str(sha))
        for name, kind, size, sha in store.db.execute(_ATTACHMENTS, (row_id,))
    )
    return Version(
        content_sha256=str(content),
        copies=copies,
        subject=_text(subject),
        date=_text(date),
        date_utc=_text(date_utc),
        in_reply_to=tuple(json.loads(str(in_reply_to or "[]"))),
        references=tuple(json.loads(str(references or "[]"))),
        addresses=addresses,
        attachments=attachments,
        text=_text(text),
        html=_text(html),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object) -> int | None:
    return None if value is None else int(str(value))
