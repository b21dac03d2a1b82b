"""Immutable message records: what the parser layer hands to every layer above it.

A :class:`Message` is plain data. It holds no reference to the parser, the raw bytes or
the stdlib message object, so it can cross process boundaries, be stored and be compared.
Problems met while parsing are recorded on it as :class:`Defect` values; a file that is
not a message at all still gives a record, with :attr:`Message.failure` set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class DefectKind(StrEnum):
    """The kinds of defect emlkit records. Each member's value is its stable name."""

    STDLIB = "stdlib"
    """A defect reported by the stdlib ``email`` parser (its class name is in the detail)."""
    CHARSET_MISMATCH = "charset-mismatch"
    """The declared charset is wrong: another charset decodes the bytes plausibly."""
    CHARSET_UNKNOWN = "charset-unknown"
    """The declared charset is not one Python knows."""
    CHARSET_MISSING = "charset-missing"
    """8-bit text came with no declared charset; it was detected."""
    UNDECODABLE_BYTES = "undecodable-bytes"
    """Bytes no candidate charset could decode were replaced by U+FFFD (and counted)."""
    RAW_8BIT_HEADER = "raw-8bit-header"
    """A header holds raw 8-bit bytes instead of RFC 2047 encoded-words."""
    MALFORMED_ENCODED_WORD = "malformed-encoded-word"
    """An RFC 2047 encoded-word is broken (bad base64, unknown charset, no separator)."""
    SYNTHETIC_ID = "synthetic-id"
    """No usable Message-ID: a stable one was derived from the SHA-256 of the bytes."""
    MALFORMED_ID = "malformed-id"
    """A Message-ID, In-Reply-To or References value had to be repaired."""
    DATE_FALLBACK = "date-fallback"
    """The Date header was missing or unparsable; the date came from a fallback."""
    DATE_MISSING = "date-missing"
    """No date could be found at all."""
    ADDRESS = "address"
    """An address header could not be fully parsed."""
    LIMIT_REACHED = "limit-reached"
    """A bound of the policy (depth, parts, header size) was passed; the rest was skipped."""
    BINARY_TEXT = "binary-text"
    """A part labelled as text holds binary data; it was kept as an attachment."""
    TRANSFER_ENCODING = "transfer-encoding"
    """A Content-Transfer-Encoding is unknown or its payload is damaged."""
    RECEIVED = "received"
    """A Received header could not be parsed."""


class DateSource(StrEnum):
    """Where a message's date came from."""

    HEADER = "header"
    """The Date header, parsed per RFC 5322."""
    LENIENT = "lenient"
    """The Date header, parsed leniently (python-dateutil)."""
    RECEIVED = "received"
    """The newest Received timestamp (the Date header was unusable)."""
    NONE = "none"
    """No date could be found."""


class CharsetMethod(StrEnum):
    """How the charset used to decode a text part was chosen."""

    DECLARED = "declared"
    """The declared charset decoded the bytes strictly and plausibly."""
    DETECTED = "detected"
    """The declared charset was missing, unknown or wrong; chardet chose another."""
    FALLBACK = "fallback"
    """No charset decoded the bytes cleanly; undecodable bytes were replaced and counted."""


class FailureKind(StrEnum):
    """Why an input gave no message at all."""

    EMPTY = "empty"
    OUTLOOK_MSG = "outlook-msg"
    BINARY = "binary"
    NOT_A_MESSAGE = "not-a-message"
    UNREADABLE = "unreadable"
    PARSER_ERROR = "parser-error"
    """The parser failed on this input (a bug, or a form no library foresaw): the reason
    names the error, and the rest of a run goes on."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record's bytes came from: the file, the place in it, their size and hash."""

    path: str | None
    index: int | None
    """Position of the message within an mbox (0-based), or None for a one-message file."""
    offset: int
    """Byte offset of the message within the file."""
    size: int
    sha256: str
    """Hex SHA-256 of exactly the message's bytes (for an mbox: without its ``From `` line)."""


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox as a (display name, address) pair; either may be empty."""

    name: str
    address: str

    def label(self) -> str:
        """``Name <address>``, or whichever of the two is there."""
        if self.name and self.address:
            return f"{self.name} <{self.address}>"
        return self.name or self.address


@dataclass(frozen=True, slots=True)
class MessageDate:
    """A message's date as written, in UTC, the raw header, and where it came from."""

    value: datetime | None
    """Timezone-aware, with the offset the sender wrote."""
    utc: datetime | None
    raw: str | None
    """The Date header exactly as found (None when absent)."""
    source: DateSource


@dataclass(frozen=True, slots=True)
class CharsetTrail:
    """How one text part's bytes became text."""

    part: str
    """MIME part path, e.g. ``1.2`` (``0`` is the message itself)."""
    declared: str | None
    used: str
    method: CharsetMethod
    confidence: float | None
    """chardet's confidence when detection was consulted, else None."""
    undecodable_bytes: int


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment's metadata. The payload bytes are not kept, only their size and hash."""

    filename: str | None
    """Decoded file name as the mail gives it: untrusted data, never a path to write to."""
    content_type: str
    size: int
    sha256: str
    inline: bool
    content_id: str | None
    part: str


@dataclass(frozen=True, slots=True)
class ReceivedHop:
    """One Received header, first hop first."""

    hop: int
    from_host: str | None
    by_host: str | None
    date: datetime | None
    """The hop's timestamp with the offset its server wrote."""
    date_utc: datetime | None
    delay: float | None
    """Seconds since the previous hop (None for the first hop or when unknown)."""
    raw: str


@dataclass(frozen=True, slots=True)
class Header:
    """One header field in its original order: name, raw value and decoded value."""

    name: str
    raw: str
    value: str


@dataclass(frozen=True, slots=True)
class Defect:
    """A problem found while parsing, and where: a header name or a MIME part path."""

    kind: DefectKind
    where: str
    detail: str


@dataclass(frozen=True, slots=True)
class Failure:
    """Why an input is not a message at all."""

    kind: FailureKind
    reason: str


@dataclass(frozen=True, slots=True)
class ParentLink:
    """The message that carries a forwarded (``message/rfc822``) message, and where."""

    message_id: str
    part: str


@dataclass(frozen=True, slots=True)
class Message:
    """One parsed email, normalized and immutable. See ``docs/parsing.md``."""

    source: Source
    message_id: str
    message_id_synthetic: bool
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str = ""
    base_subject: str = ""
    from_: tuple[Address, ...] = ()
    sender: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    date: MessageDate = field(
        default_factory=lambda: MessageDate(None, None, None, DateSource.NONE)
    )
    text: str = ""
    html: str | None = None
    charsets: tuple[CharsetTrail, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    children: tuple[Message, ...] = ()
    parent: ParentLink | None = None
    received: tuple[ReceivedHop, ...] = ()
    headers: tuple[Header, ...] = ()
    defects: tuple[Defect, ...] = ()
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        """True when the input was a message (it may still carry defects)."""
        return self.failure is None

    def header(self, name: str) -> str | None:
        """The decoded value of the first header called ``name`` (any case), or None."""
        wanted = name.lower()
        return next((h.value for h in self.headers if h.name.lower() == wanted), None)

    def walk(self) -> list[Message]:
        """This message followed by every forwarded message inside it, depth first."""
        found: list[Message] = []
        stack: list[Message] = [self]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(current.children))
        return found

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the keys documented in ``docs/parsing.md``."""
        return {
            "source": _source_dict(self.source),
            "message_id": self.message_id,
            "message_id_synthetic": self.message_id_synthetic,
            "in_reply_to": list(self.in_reply_to),
            "references": list(self.references),
            "subject": self.subject,
            "base_subject": self.base_subject,
            "from": _addresses(self.from_),
            "sender": _addresses(self.sender),
            "reply_to": _addresses(self.reply_to),
            "to": _addresses(self.to),
            "cc": _addresses(self.cc),
            "bcc": _addresses(self.bcc),
            "date": _iso(self.date.value),
            "date_utc": _iso(self.date.utc),
            "date_raw": self.date.raw,
            "date_source": self.date.source.value,
            "text": self.text,
            "html": self.html,
            "charsets": [charset_dict(c) for c in self.charsets],
            "attachments": [_attachment_dict(a) for a in self.attachments],
            "children": [child.as_dict() for child in self.children],
            "parent": None
            if self.parent is None
            else {"message_id": self.parent.message_id, "part": self.parent.part},
            "received": [hop_dict(h) for h in self.received],
            "headers": [{"name": h.name, "raw": h.raw, "value": h.value} for h in self.headers],
            "defects": [
                {"kind": d.kind.value, "where": d.where, "detail": d.detail} for d in self.defects
            ],
            "failure": None
            if self.failure is None
            else {"kind": self.failure.kind.value, "reason": self.failure.reason},
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _source_dict(source: Source) -> dict[str, Any]:
    return {
        "path": source.path,
        "index": source.index,
        "offset": source.offset,
        "size": source.size,
        "sha256": source.sha256,
    }


def _addresses(addresses: tuple[Address, ...]) -> list[dict[str, str]]:
    return [{"name": a.name, "address": a.address} for a in addresses]


def charset_dict(trail: CharsetTrail) -> dict[str, Any]:
    """A charset trail as a JSON-ready dict."""
    return {
        "part": trail.part,
        "declared": trail.declared,
        "used": trail.used,
        "method": trail.method.value,
        "confidence": trail.confidence,
        "undecodable_bytes": trail.undecodable_bytes,
    }


def _attachment_dict(attachment: Attachment) -> dict[str, Any]:
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "inline": attachment.inline,
        "content_id": attachment.content_id,
        "part": attachment.part,
    }


def hop_dict(hop: ReceivedHop) -> dict[str, Any]:
    """A Received hop as a JSON-ready dict."""
    return {
        "hop": hop.hop,
        "from": hop.from_host,
        "by": hop.by_host,
        "date": _iso(hop.date),
        "date_utc": _iso(hop.date_utc),
        "delay": hop.delay,
        "raw": hop.raw,
    }
