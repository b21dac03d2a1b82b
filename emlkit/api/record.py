"""The message record of the notebook API: one stored message, read from the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emlkit.records import Address, Attachment, Defect
from emlkit.render.html import message_html

__all__ = ["IndexedMessage"]


@dataclass(frozen=True, slots=True, repr=False)
class IndexedMessage:
    """One message as the index holds it: ids, date, people, subject, annex, thread,
    provenance, attachments, defects and decoded text.

    Forwarded (``message/rfc822``) messages are stored as messages of their own: they have
    ``carrier`` set (their first carrier), and the ``paths`` of every file that holds them
    or a message they are forwarded in.
    In a notebook, a record shows as a header table and its body.
    """

    id: int
    """The message's row in the index (stable while the index is not rebuilt)."""
    message_id: str
    """The Message-ID without angle brackets (a synthetic one when the header lacks it)."""
    date: datetime | None
    """The date with the offset its sender wrote; None for an undated message."""
    date_utc: datetime | None
    sender: Address | None
    """The first From address; None when the message has none."""
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    subject: str
    annex: int | None
    thread_id: str | None
    paths: tuple[str, ...]
    """Every file that holds the message: its own, and those of the messages carrying it."""
    sha256: str
    """The SHA-256 of the message's own bytes."""
    size: int
    attachments: tuple[Attachment, ...]
    defects: tuple[Defect, ...]
    text: str
    """The decoded body text."""
    carrier: str | None = None
    """For a forwarded message: the Message-ID of the message that carries it."""
    content_sha256: str = ""
    """The digest of what the message says, whatever its encodings and trace headers: copies
    sharing a Message-ID and this digest say the same (``docs/indexing.md``)."""
    conflicting: bool = False
    """True when another stored message has this Message-ID and says otherwise."""

    @property
    def has_attachments(self) -> bool:
        """True when the message has at least one attachment (inline parts included)."""
        return bool(self.attachments)

    def as_dict(self) -> dict[str, Any]:
        """The record as plain, JSON-ready data (dates as ISO 8601 text)."""
        return {
            "id": self.id,
            "message_id": self.message_id,
            "date": None if self.date is None else self.date.isoformat(),
            "date_utc": None if self.date_utc is None else self.date_utc.isoformat(),
            "sender": None if self.sender is None else _address(self.sender),
            "to": [_address(a) for a in self.to],
            "cc": [_address(a) for a in self.cc],
            "bcc": [_address(a) for a in self.bcc],
            "subject": self.subject,
            "annex": self.annex,
            "thread_id": self.thread_id,
            "paths": list(self.paths),
            "sha256": self.sha256,
            "size": self.size,
            "attachments": [_attachment(a) for a in self.attachments],
            "defects": [
                {"kind": d.kind.value, "where": d.where, "detail": d.detail} for d in self.defects
            ],
            "text": self.text,
            "carrier": self.carrier,
            "content_sha256": self.content_sha256,
            "conflicting": self.conflicting,
        }

    def __repr__(self) -> str:
        when = "no date" if self.date is None else self.date.isoformat()
        return f"IndexedMessage(id={self.id}, <{self.message_id}>, {when}, {self.subject!r})"

    def _repr_html_(self) -> str:
        return message_html(self)


def _address(address: Address) -> dict[str, str]:
    return {"name": address.name, "address": address.address}


def _attachment(attachment: Attachment) -> dict[str, Any]:
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "inline": attachment.inline,
    }
