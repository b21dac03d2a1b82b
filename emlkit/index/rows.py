"""A message record as the rows the store inserts, built where the message was parsed.

The indexer's workers turn each record into :class:`MessageRows` (plain strings, numbers and
tuples, JSON already encoded, search columns already analysed), so that handing a message to
the main process pickles a few flat tuples instead of a tree of records, and the main
process, which alone writes SQLite and is the run's bottleneck, only binds values.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from emlkit.index.content import content_digest
from emlkit.index.date_rules import date_anomalies
from emlkit.index.text import index_columns
from emlkit.records import Address, Message, charset_dict, hop_dict

__all__ = [
    "MESSAGE_COLUMNS",
    "ROLES",
    "MessageRows",
    "SearchColumns",
    "address_groups",
    "message_rows",
    "search_columns",
    "searchable",
]

ROLES = ("from", "sender", "reply_to", "to", "cc", "bcc")

MESSAGE_COLUMNS = (
    "subject, base_subject, from_name, from_address, date, date_utc, date_raw, date_source,"
    ' in_reply_to, "references", text, html, charsets, received, headers, content_sha256'
)
"""The columns of ``messages`` that :attr:`MessageRows.columns` holds, in its order."""

Value = str | int | float | None
SearchColumns = dict[str, tuple[str, str]]
"""The FTS5 columns (stems, keys) of a message and its forwarded ones, by SHA-256."""


class MessageRows(NamedTuple):
    """What the store writes of one message, and of each message forwarded inside it."""

    sha256: str
    size: int
    message_id: str
    synthetic: bool
    mbox_index: int | None
    offset: int
    part: str
    """The MIME part that carries this message in its carrier ('' when not forwarded)."""
    columns: tuple[Value, ...]
    """The values of :data:`MESSAGE_COLUMNS`."""
    addresses: tuple[tuple[str, int, str, str], ...]
    """(role, position, name, lower-cased address)."""
    attachments: tuple[tuple[Value, ...], ...]
    """(position, filename, content type, size, sha256, inline, content id, part)."""
    defects: tuple[tuple[int, str, str, str], ...]
    """(position, kind, location, detail)."""
    anomalies: tuple[tuple[str, str, float | None], ...]
    """The date anomalies (kind, detail, seconds) by :mod:`emlkit.index.date_rules`."""
    stems: str
    keys: str
    children: tuple[MessageRows, ...]

    @property
    def content_sha256(self) -> str:
        """The digest of what the message says (:mod:`emlkit.index.content`)."""
        return str(self.columns[-1])


def address_groups(message: Message) -> tuple[tuple[Address, ...], ...]:
    """The address headers of a message, in the order of :data:`ROLES`."""
    return (message.from_, message.sender, message.reply_to, message.to, message.cc, message.bcc)


def searchable(message: Message) -> str:
    """The text full-text search sees: subject, display names, file names, body."""
    names = " ".join(a.name for group in address_groups(message) for a in group)
    files = " ".join(a.filename or "" for a in message.attachments)
    return "\n".join((message.subject, names, files, message.text))


def search_columns(message: Message) -> SearchColumns:
    """The FTS5 columns of a message and of every message forwarded inside it."""
    return {m.source.sha256: index_columns(searchable(m)) for m in message.walk()}


def message_rows(message: Message, columns: SearchColumns | None = None) -> MessageRows:
    """The rows of ``message`` and its forwarded children (``columns``: precomputed FTS5
    columns by SHA-256; missing ones are computed here)."""
    first = message.from_[0] if message.from_ else Address("", "")
    known = (columns or {}).get(message.source.sha256)
    stems, keys = known if known is not None else index_columns(searchable(message))
    date, date_utc = _iso(message.date.value), _iso(message.date.utc)
    hops = [hop_dict(hop) for hop in message.received]
    anomalies = date_anomalies(date, date_utc, message.date.source.value, message.date.raw, hops)
    subject, text, html = message.subject, message.text, message.html
    in_reply_to, references = _json(list(message.in_reply_to)), _json(list(message.references))
    addresses = tuple(
        (role, position, address.name, address.address.lower())
        for role, group in zip(ROLES, address_groups(message), strict=True)
        for position, address in enumerate(group)
    )
    attachments = tuple(
        (n, a.filename, a.content_type, a.size, a.sha256, int(a.inline), a.content_id, a.part)
        for n, a in enumerate(message.attachments)
    )
    content = content_digest(
        (subject, date_utc, in_reply_to, references, text, html),
        addresses,
        ((n, filename, kind, sha) for n, filename, kind, _size, sha, *_ in attachments),
    )
    return MessageRows(
        sha256=message.source.sha256,
        size=message.source.size,
        message_id=message.message_id,
        synthetic=message.message_id_synthetic,
        mbox_index=message.source.index,
        offset=message.source.offset,
        part=message.parent.part if message.parent else "",
        columns=(
            subject,
            message.base_subject,
            first.name,
            first.address,
            date,
            date_utc,
            message.date.raw,
            message.date.source.value,
            in_reply_to,
            references,
            text,
            html,
            _json([charset_dict(trail) for trail in message.charsets]),
            _json(hops),
            _json([[h.name, h.raw, h.value] for h in message.headers]),
            content,
        ),
        addresses=addresses,
        attachments=attachments,
        defects=tuple((n, d.kind.value, d.where, d.detail) for n, d in enumerate(message.defects)),
        anomalies=tuple((a.kind, a.detail, a.seconds) for a in anomalies),
        stems=stems,
        keys=keys,
        children=tuple(message_rows(child, columns) for child in message.children),
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""What ``json.dumps(value, ensure_ascii=False)`` builds anew on every call."""


def _json(value: object) -> str:
    return _ENCODER.encode(value)
