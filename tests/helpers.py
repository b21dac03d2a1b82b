"""Small, explicit builders for message bytes used across the parser tests.

Everything here is independent of emlkit: encoded-words, transfer encodings and MIME
structure are built with the stdlib's codecs only, so a test never checks emlkit against
itself.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from emlkit import DefectKind, Message
from emlkit.parse import files

FIXTURES = Path(__file__).parent / "fixtures"

HeaderValue = str | bytes | None
"""A header value: text (ASCII), raw bytes (may hold 8-bit bytes), or None to drop it."""

DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("From", "Anna Petrova <anna@example.org>"),
    ("To", "Boris Ivanov <boris@example.org>"),
    ("Subject", "Test message"),
    ("Date", "Tue, 16 Mar 2021 10:00:00 +0300"),
    ("Message-ID", "<test-message@example.org>"),
)


def fixture_bytes(name: str) -> bytes:
    """The bytes of a committed fixture file."""
    return (FIXTURES / name).read_bytes()


def header_block(
    headers: Iterable[tuple[str, HeaderValue]] = (),
    *,
    defaults: bool = True,
    linesep: bytes = b"\n",
) -> bytes:
    """Header lines: the defaults (unless overridden or dropped by name), then ``headers``.

    A value of None drops the default header of that name. Text values must be ASCII, so
    that 8-bit bytes only ever appear where a test passes bytes on purpose.
    """
    given = list(headers)
    overridden = {name.lower() for name, _ in given}
    fields: list[tuple[str, HeaderValue]] = []
    if defaults:
        fields.extend(item for item in DEFAULT_HEADERS if item[0].lower() not in overridden)
    fields.extend(given)
    lines = []
    for name, value in fields:
        if value is None:
            continue
        raw = value if isinstance(value, bytes) else value.encode("ascii")
        lines.append(name.encode("ascii") + b": " + raw.replace(b"\n", linesep) + linesep)
    return b"".join(lines)


def make_message(
    headers: Iterable[tuple[str, HeaderValue]] = (),
    body: bytes = b"Hello.\n",
    *,
    defaults: bool = True,
    linesep: bytes = b"\n",
) -> bytes:
    """A whole message: :func:`header_block`, a blank line, then ``body``.

    With another ``linesep`` (``b"\\r\\n"``), the LF line ends of ``body`` are converted too.
    """
    head = header_block(headers, defaults=defaults, linesep=linesep)
    if linesep != b"\n":
        body = body.replace(b"\n", linesep)
    return head + linesep + body


def transfer_encode(data: bytes, encoding: str) -> bytes:
    """``data`` in a Content-Transfer-Encoding: 8bit (as is), quoted-printable or base64."""
    if encoding == "base64":
        return base64.encodebytes(data)
    if encoding == "quoted-printable":
        return quopri.encodestring(data)
    if encoding in ("8bit", "7bit", "binary"):
        return data
    raise ValueError(f"unsupported transfer encoding {encoding!r}")


def text_message(
    text: str,
    codec: str,
    declared: str | None,
    transfer: str,
    *,
    subtype: str = "plain",
    extra: Sequence[tuple[str, HeaderValue]] = (),
) -> bytes:
    """A single-part text message whose body is ``text`` encoded with ``codec``.

    ``declared`` is the charset label written in Content-Type (None writes no label), so a
    test can declare the charset correctly, wrongly or not at all.
    """
    content_type = f"text/{subtype}"
    if declared is not None:
        content_type += f'; charset="{declared}"'
    headers: list[tuple[str, HeaderValue]] = [
        ("MIME-Version", "1.0"),
        ("Content-Type", content_type),
        ("Content-Transfer-Encoding", transfer),
        *extra,
    ]
    return make_message(headers, transfer_encode(text.encode(codec), transfer))


def mime_part(headers: Iterable[tuple[str, HeaderValue]], body: bytes) -> bytes:
    """One MIME body part: its header lines, a blank line and its (already encoded) body."""
    return header_block(headers, defaults=False) + b"\n" + body


def multipart_body(boundary: str, parts: Sequence[bytes], preamble: bytes = b"") -> bytes:
    """The body of a multipart entity holding ``parts`` between ``boundary`` delimiters."""
    delimiter = b"--" + boundary.encode("ascii")
    chunks = [preamble]
    for part in parts:
        chunks.append(delimiter + b"\n" + part.rstrip(b"\n") + b"\n")
    chunks.append(delimiter + b"--\n")
    return b"".join(chunks)


def b_word(text: str, charset: str) -> str:
    """An RFC 2047 B encoded-word holding ``text`` in ``charset``."""
    data = base64.b64encode(text.encode(charset)).decode("ascii")
    return f"=?{charset}?B?{data}?="


def b_word_bytes(data: bytes, charset: str) -> str:
    """An RFC 2047 B encoded-word holding raw ``data`` (which may split a character)."""
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


def q_word(text: str, charset: str) -> str:
    """An RFC 2047 Q encoded-word holding ``text`` in ``charset`` (spaces as ``_``)."""
    out = []
    for byte in text.encode(charset):
        char = chr(byte)
        if char == " ":
            out.append("_")
        elif char.isascii() and char.isalnum():
            out.append(char)
        else:
            out.append("=" + binascii.hexlify(bytes([byte])).decode("ascii").upper())
    return f"=?{charset}?Q?{''.join(out)}?="


def kinds(message: Message) -> set[DefectKind]:
    """The kinds of defect recorded on ``message`` (not on its children)."""
    return {defect.kind for defect in message.defects}


def defects_of(message: Message, kind: DefectKind) -> list[tuple[str, str]]:
    """(where, detail) of every defect of ``kind`` on ``message``."""
    return [(d.where, d.detail) for d in message.defects if d.kind is kind]


def undo_annex_membership(connection: sqlite3.Connection) -> None:
    """Turn an index back into what emlkit wrote before migration 6 ("annex-membership"): no
    index on the files' annexes, and the migration not applied."""
    connection.execute("DROP INDEX files_annex")
    connection.execute("DELETE FROM schema_migrations WHERE version >= 6")


def undo_content_digest(connection: sqlite3.Connection) -> None:
    """Turn an index back into what emlkit wrote before migration 5 ("content-digest"): no
    digests, and the migration not applied (the flags are left as they are)."""
    undo_annex_membership(connection)
    connection.execute("DROP INDEX messages_message_id_content")
    connection.execute("ALTER TABLE messages DROP COLUMN content_sha256")
    connection.execute("CREATE INDEX messages_message_id ON messages(message_id)")
    connection.execute("DELETE FROM schema_migrations WHERE version >= 5")


def undo_thread_table(connection: sqlite3.Connection) -> None:
    """Turn an index back into what emlkit wrote before migration 4 ("thread-table"): the
    placements on ``messages`` itself, and the migration not applied."""
    undo_content_digest(connection)
    connection.execute("DROP TABLE message_threads")
    for column in (
        "thread_id TEXT",
        "thread_parent_id TEXT",
        "thread_depth INTEGER",
        "thread_by_subject INTEGER NOT NULL DEFAULT 0",
    ):
        connection.execute(f"ALTER TABLE messages ADD COLUMN {column}")
    connection.execute("CREATE INDEX messages_thread ON messages(thread_id)")
    connection.execute("DELETE FROM schema_migrations WHERE version >= 4")


def refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make the walk unable to list ``folder``, as for a folder without read permission
    (which chmod cannot give: the tests may run as root)."""
    listing = files._listing

    def refusing(path: str) -> tuple[list[str], list[str]]:
        if path == str(folder):
            raise PermissionError(13, "Permission denied", path)
        return listing(path)

    monkeypatch.setattr(files, "_listing", refusing)
