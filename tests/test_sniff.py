"""Inputs that are not messages give failure records with the right kind, never exceptions."""

from __future__ import annotations

import hashlib

import pytest
from helpers import fixture_bytes, make_message

import emlkit
from emlkit import DefectKind, FailureKind, Message
from emlkit.parse.sniff import BOM, first_line_is_header, sniff_failure


def assert_failure(message: Message, kind: FailureKind, data: bytes) -> None:
    """A failure record: no content, a stable synthetic id, and the bytes' provenance."""
    assert not message.ok
    assert message.failure is not None
    assert message.failure.kind is kind
    assert message.failure.reason
    assert message.message_id_synthetic
    assert message.message_id == f"sha256-{hashlib.sha256(data).hexdigest()[:40]}@emlkit.invalid"
    assert message.source.size == len(data)
    assert message.source.sha256 == hashlib.sha256(data).hexdigest()
    assert (message.text, message.headers, message.attachments) == ("", (), ())


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("empty.eml", FailureKind.EMPTY),
        ("whitespace_only.eml", FailureKind.EMPTY),
        ("outlook.msg", FailureKind.OUTLOOK_MSG),
        ("binary_garbage.eml", FailureKind.BINARY),
        ("not_a_message.txt", FailureKind.NOT_A_MESSAGE),
    ],
)
def test_fixture_inputs_that_are_not_messages(name: str, kind: FailureKind) -> None:
    data = fixture_bytes(name)
    assert_failure(emlkit.parse_bytes(data), kind, data)


def test_empty_and_whitespace_reasons_differ() -> None:
    empty = sniff_failure(b"")
    blank = sniff_failure(b"\n \r\n\t")
    assert empty is not None
    assert blank is not None
    assert "empty" in empty.reason
    assert "whitespace" in blank.reason


def test_outlook_msg_reason_says_how_to_convert() -> None:
    failure = sniff_failure(fixture_bytes("outlook.msg"))
    assert failure is not None
    assert "msgconvert" in failure.reason


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        bytes(range(32)) * 4,
        b"\x00\x00\x00Subject: NUL bytes before the first header line",
    ],
)
def test_binary_formats_are_binary_failures(data: bytes) -> None:
    assert_failure(emlkit.parse_bytes(data), FailureKind.BINARY, data)


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x00\x00 NUL bytes right after a header line",
        b"Text, then the NUL padding a crashed mail client leaves.\n" + b"\x00" * 600,
        bytes(range(32)) * 20,  # past the share of control characters binary data has
    ],
)
def test_a_message_holding_binary_bytes_is_still_a_message(body: bytes) -> None:
    data = b"From: anna@example.org\nSubject: hi\n\n" + body
    assert sniff_failure(data) is None
    message = emlkit.parse_bytes(data)
    assert message.ok and message.subject == "hi"
    assert [a.address for a in message.from_] == ["anna@example.org"]
    assert DefectKind.BINARY_TEXT in {defect.kind for defect in message.defects}
    [part] = message.attachments  # the bytes kept, hashed, not read as text
    assert part.sha256 == hashlib.sha256(body).hexdigest()


def test_an_attachment_sent_as_binary_is_read_whole() -> None:
    payload = bytes(range(256)) * 4  # NUL bytes within the first 4 KB of the message
    data = (
        b"From: anna@example.org\nSubject: scan\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n"
        b"The scan.\n--B\nContent-Type: application/octet-stream; name=scan.bin\n"
        b"Content-Transfer-Encoding: binary\n\n" + payload + b"\n--B--\n"
    )
    message = emlkit.parse_bytes(data)
    assert message.ok and message.text == "The scan."
    [attachment] = message.attachments
    assert attachment.filename == "scan.bin"
    assert attachment.sha256 == hashlib.sha256(payload).hexdigest()


@pytest.mark.parametrize(
    "data",
    [
        b"Hello Boris,\nthis is not an email.\n",
        "Привет! Это просто текст.\n".encode(),
        b"<html><body>a web page</body></html>\n",
        b"   : starts with a colon\n",
    ],
)
def test_text_without_headers_is_not_a_message(data: bytes) -> None:
    assert_failure(emlkit.parse_bytes(data), FailureKind.NOT_A_MESSAGE, data)


@pytest.mark.parametrize(
    "data",
    [
        b"Subject: only a header\n",
        b"\n\nFrom: leading blank lines <a@example.org>\n\nBody\n",
        b"X-Custom-Header:no space after the colon\n\nBody\n",
        b"From anna@example.org Tue Mar 16 10:00:00 2021\nSubject: mbox\n\nBody\n",
        BOM + b"Subject: with a byte order mark\n\nBody\n",
    ],
)
def test_inputs_starting_with_a_header_are_messages(data: bytes) -> None:
    assert sniff_failure(data) is None
    assert first_line_is_header(data)
    assert emlkit.parse_bytes(data).ok


def test_fixture_bom_is_not_part_of_the_first_header_name() -> None:
    data = fixture_bytes("bom_utf8.eml")
    assert data.startswith(BOM)
    message = emlkit.parse_bytes(data)
    assert message.ok
    assert message.headers[0].name == "From"
    assert message.subject == "BOM"
    assert message.text == "Файл начинается с BOM.\n"
    assert message.source.sha256 == hashlib.sha256(data).hexdigest()  # the BOM is hashed too


def test_headers_only_message_has_empty_text() -> None:
    message = emlkit.parse_bytes(b"Subject: nothing else\nMessage-ID: <h@example.org>\n")
    assert message.ok
    assert (message.subject, message.text, message.message_id) == (
        "nothing else",
        "",
        "h@example.org",
    )


def test_failure_records_serialize() -> None:
    message = emlkit.parse_bytes(fixture_bytes("outlook.msg"), "mail/outlook.msg")
    record = message.as_dict()
    assert record["failure"]["kind"] == "outlook-msg"
    assert record["source"]["path"] == "mail/outlook.msg"


def test_ordinary_message_is_not_a_failure() -> None:
    message = emlkit.parse_bytes(make_message())
    assert message.ok
    assert message.failure is None
