"""Recognising inputs that are not RFC 822 messages at all, before parsing them."""

from __future__ import annotations

import re

from emlkit.records import Failure, FailureKind

BOM = b"\xef\xbb\xbf"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE compound document, such as an Outlook .msg file."""
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_FROM_LINE = re.compile(rb"From ")
_SNIFF_BYTES = 4096
_SHORT_TEXT = 256
_TEXT_CONTROLS = frozenset({9, 10, 11, 12, 13, 27})  # tab, newlines, VT, FF, ESC (ISO-2022)
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in _TEXT_CONTROLS)
_MAGIC: tuple[tuple[bytes, FailureKind, str], ...] = (
    (
        OLE_MAGIC,
        FailureKind.OUTLOOK_MSG,
        "an Outlook .msg file (OLE compound document), not an RFC 822 message;"
        " convert it first, e.g. with msgconvert",
    ),
    (b"%PDF-", FailureKind.BINARY, "a PDF document, not an email message"),
    (b"PK\x03\x04", FailureKind.BINARY, "a ZIP archive (or .docx/.xlsx), not an email message"),
    (b"\x1f\x8b", FailureKind.BINARY, "a gzip-compressed file; decompress it first"),
    (b"\x89PNG", FailureKind.BINARY, "a PNG image, not an email message"),
    (b"\xff\xd8\xff", FailureKind.BINARY, "a JPEG image, not an email message"),
)


def first_line_is_header(data: bytes) -> bool:
    """True when the first non-empty line is a header field or an mbox ``From `` line."""
    head = data[:_SNIFF_BYTES].removeprefix(BOM).lstrip(b"\r\n")
    return bool(_HEADER_LINE.match(head) or _FROM_LINE.match(head))


def sniff_failure(data: bytes) -> Failure | None:
    """Why ``data`` is not a message (empty, Outlook .msg, binary, no headers), or None."""
    if not data.strip():
        what = "an empty file" if not data else "a file holding only whitespace"
        return Failure(FailureKind.EMPTY, f"{what}, not an email message")
    for magic, kind, reason in _MAGIC:
        if data.startswith(magic):
            return Failure(kind, reason)
    if first_line_is_header(data):
        # Mail, whatever follows: an attachment sent with Content-Transfer-Encoding: binary,
        # or the NUL bytes a crashed mail client leaves in its mbox, are evidence too (the
        # parts that hold them are listed as binary, not read as text).
        return None
    if looks_binary(data):
        return Failure(FailureKind.BINARY, "binary data, not an email message")
    return Failure(FailureKind.NOT_A_MESSAGE, "text without header fields, not an email message")


def looks_binary(data: bytes) -> bool:
    """True when the first bytes hold NUL bytes, or (past a short text, where Word's vertical
    tab can be a tenth of a reply) many control characters."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    return len(head) >= _SHORT_TEXT and _control_share(head) > 0.1


def _control_share(head: bytes) -> float:
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / max(1, len(head))
