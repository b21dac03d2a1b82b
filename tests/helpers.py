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
from email.message import Message as StdlibMessage
from pathlib import Path

import pytest
from hypothesis import strategies as st

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


def forwarded(inner: bytes, message_id: str = "fw@zar.test") -> bytes:
    """A message that forwards ``inner`` as a ``message/rfc822`` part, after a short text."""
    head = (
        f"From: f@zar.test\nSubject: Fwd\nMessage-ID: <{message_id}>\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        "see below\n--b\nContent-Type: message/rfc822\n\n"
    )
    return head.encode() + inner + b"\n--b--\n"


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


def undo_other_carriers(connection: sqlite3.Connection) -> None:
    """Turn an index back into what emlkit wrote before migration 7 ("other-carriers"): a
    forwarded message's first carrier only, and the migration not applied."""
    connection.execute("DROP TABLE message_carriers")
    connection.execute("DELETE FROM schema_migrations WHERE version >= 7")


def undo_annex_membership(connection: sqlite3.Connection) -> None:
    """Turn an index back into what emlkit wrote before migration 6 ("annex-membership"): no
    index on the files' annexes, and the migration not applied."""
    undo_other_carriers(connection)
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

    def refusing(path: str) -> tuple[list[str], list[str], set[str]]:
        if path == str(folder):
            raise PermissionError(13, "Permission denied", path)
        return listing(path)

    monkeypatch.setattr(files, "_listing", refusing)


# The stdlib's MIME tree, and lines to build hostile MIME from (tests of the split).


def tree(message: StdlibMessage) -> list[object]:
    """Everything the parse decided, part by part: envelope line, headers, default type, raw
    payload, preamble, epilogue and defects with the lines they quote."""
    return [
        (
            part.get_unixfrom(),
            part.items(),
            part.get_default_type(),
            vars(part)["_payload"] if not part.is_multipart() else len(part.get_payload()),
            part.preamble,
            part.epilogue,
            [(type(defect).__name__, str(defect)) for defect in part.defects],
        )
        for part in message.walk()
    ]


def b64_lines(size: int, width: int = 76, linesep: bytes = b"\n") -> bytes:
    encoded = base64.b64encode(bytes(range(256)) * (size // 256 + 1))[: size * 4 // 3]
    return b"".join(encoded[i : i + width] + linesep for i in range(0, len(encoded), width))


LINE_ENDS = st.sampled_from([b"\n", b"\r\n", b"\r", b""])
LINES = st.one_of(
    st.sampled_from(
        [
            b"",
            b"--b1",
            b"--b1--",
            b"--b2",
            b"--b2--",
            b"From someone",
            b"From: a@example.org",
            b"Content-Type: multipart/mixed; boundary=b1",
            b"Content-Type: multipart/alternative; boundary=b2",
            b"Content-Type: message/rfc822",
            b"Content-Type: multipart/related; boundary=b3",
            b"Content-Type: multipart/digest; boundary=b3",
            b"Content-Transfer-Encoding: quoted-printable",
            b": no name",
            b"--b3",
            b"--b3--",
            b"Content-Type: message/delivery-status",
            b"Content-Transfer-Encoding: base64",
            b" continued",
            b"EMLKITSETASIDE0Z",
            b"EMLKITSETASIDEB0Z",
            # Boundaries written in every way the parser reads, and delimiter look-alikes.
            b'Content-Type: multipart/mixed; boundary="b1"',
            b"Content-Type: multipart/mixed; BOUNDARY=b2; x=y",
            b'Content-Type: multipart/digest; boundary="b2--"',
            b"Content-Type: multipart/mixed; boundary=b1-",
            b"Content-Type: multipart/mixed; boundary*=''b1",
            b"Content-Type: multipart/mixed; boundary = b2",
            b'Content-Type: multipart/mixed; boundary="b1" x',
            b"Content-Type: multipart/mixed; boundary=",
            b"Content-Type: multipart/mixed;",
            b" boundary=b2",
            b"--b1-",
            b"--b1--x",
            b'X-Other: boundary="x-y"',
            b"--b1--x-y",
            b"--b2 \t",
            b"X-Quoted: --b1",
            b"From --b2",
            b"plain words",
            b"Dear reader: a line of text with a colon",
            b"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 -- -b1 --b1",
            b"-b1",
            b"\tindented",
            b"x" * 600,
        ]
    ),
    st.binary(max_size=20),
)


@st.composite
def mime_lines(draw: st.DrawFn, line_ends: st.SearchStrategy[bytes] = LINE_ENDS) -> bytes:
    """Lines of MIME structure, junk and runs of base64 of any length, with ``line_ends``."""
    pieces: list[bytes] = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        if draw(st.booleans()):
            width = draw(st.sampled_from([4, 60, 76]))
            count = draw(st.integers(min_value=1, max_value=20))
            pieces.append(b64_lines(width * count * 3 // 4, width, draw(line_ends)))
        else:
            pieces.append(draw(LINES) + draw(line_ends))
    return b"".join(pieces)
