"""The MIME walk: body text, HTML, attachments, forwarded messages, limits and defects."""

from __future__ import annotations

import base64
import email
import hashlib
import quopri
import urllib.parse
from datetime import UTC, datetime
from email.policy import compat32

import pytest
from fixtures import make_fixtures as fx
from helpers import (
    defects_of,
    fixture_bytes,
    header_block,
    kinds,
    make_message,
    mime_part,
    multipart_body,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import DefectKind, Message, ParentLink, Policy
from emlkit.parse.mime import _is_body_text

TEXT_PART = mime_part([("Content-Type", "text/plain; charset=utf-8")], "Верхний текст.\n".encode())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def multipart(
    parts: list[bytes], subtype: str = "mixed", boundary: str = "b0", **policy: int
) -> Message:
    """A message whose body is a multipart of ``parts``, parsed with an optional policy."""
    headers: list[tuple[str, str | bytes | None]] = [
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/{subtype}; boundary="{boundary}"'),
    ]
    data = make_message(headers, multipart_body(boundary, parts))
    return emlkit.parse_bytes(data, policy=Policy().clone(**policy))


def attachment_part(name: str, payload: bytes, content_type: str = "application/pdf") -> bytes:
    return mime_part(
        [
            ("Content-Type", content_type),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", f'attachment; filename="{name}"'),
        ],
        base64.encodebytes(payload),
    )


def nested_multipart(levels: int, text: str = "Глубокий текст.\n") -> bytes:
    """``levels`` multiparts, one inside the other, with a text part at the bottom."""
    body = mime_part([("Content-Type", "text/plain; charset=utf-8")], text.encode())
    for level in range(levels):
        boundary = f"level-{level}"
        body = mime_part(
            [("Content-Type", f'multipart/mixed; boundary="{boundary}"')],
            multipart_body(boundary, [body]),
        )
    return body


def nested_forwards(levels: int) -> bytes:
    """``levels`` messages, each forwarding the next as message/rfc822."""
    inner = make_message([("Message-ID", f"<level-{levels}@example.org>")], b"Innermost.\n")
    for level in range(levels - 1, -1, -1):
        inner = make_message(
            [("Message-ID", f"<level-{level}@example.org>"), ("Content-Type", "message/rfc822")],
            inner,
        )
    return inner


# --- which part is the body ----------------------------------------------------------------------


def test_alternative_prefers_plain_text_and_keeps_the_html() -> None:
    message = emlkit.parse_bytes(fixture_bytes("alternative_plain_html.eml"))
    # RFC 2046 5.1.1: the line break before a boundary belongs to the boundary.
    assert message.text == "Повестка: бюджет и ремонт крыши."
    assert message.html == "<p>Повестка: <b>бюджет</b> и ремонт крыши.</p>"
    assert [trail.part for trail in message.charsets] == ["1", "2"]
    assert message.attachments == ()


def test_html_only_message_text_comes_from_the_html() -> None:
    message = emlkit.parse_bytes(fixture_bytes("html_only.eml"))
    assert message.text == "Первый абзац рассылки.\n\nВторой абзац «с кавычками»."
    assert message.html is not None
    assert "<p>Первый абзац рассылки.</p>" in message.html
    [trail] = message.charsets
    assert (trail.part, trail.used) == ("0", "windows-1251")


def test_alternative_whose_html_branch_is_related() -> None:
    related = mime_part(
        [("Content-Type", 'multipart/related; boundary="rel"')],
        multipart_body(
            "rel",
            [
                mime_part([("Content-Type", "text/html")], b"<p>HTML version</p>"),
                attachment_part("logo.png", b"\x89PNG fake", "image/png"),
            ],
        ),
    )
    plain = mime_part([("Content-Type", "text/plain")], b"Plain version\n")
    message = multipart([plain, related], subtype="alternative")
    assert message.text == "Plain version"
    assert message.html == "<p>HTML version</p>"
    assert [a.part for a in message.attachments] == ["2.2"]


def test_several_inline_text_parts_are_joined_in_order() -> None:
    second = mime_part(
        [("Content-Type", "text/plain; charset=koi8-r")], "Второй.\n".encode("koi8_r")
    )
    message = multipart([TEXT_PART, second])
    assert message.text == "Верхний текст.\n\nВторой."
    assert [(t.part, t.used) for t in message.charsets] == [("1", "utf-8"), ("2", "koi8-r")]


def test_text_part_marked_as_attachment_is_not_body_text() -> None:
    notes = mime_part(
        [("Content-Type", "text/plain"), ("Content-Disposition", 'attachment; filename="a.txt"')],
        b"Attached notes.\n",
    )
    message = multipart([TEXT_PART, notes])
    assert message.text == "Верхний текст."
    [attachment] = message.attachments
    assert (attachment.filename, attachment.content_type) == ("a.txt", "text/plain")
    assert attachment.size == len(b"Attached notes.")


# --- attachments ---------------------------------------------------------------------------------


def test_fixture_rfc2231_cyrillic_names_sizes_and_hashes() -> None:
    message = emlkit.parse_bytes(fixture_bytes("attachment_rfc2231_cyrillic_name.eml"))
    assert message.text == "Files attached."
    pdf, xls = message.attachments
    assert pdf.filename == fx.RFC2231_UTF8_NAME
    assert (pdf.content_type, pdf.part, pdf.inline, pdf.content_id) == (
        "application/pdf",
        "2",
        False,
        None,
    )
    assert pdf.size == len(fx.PDF_PAYLOAD)
    assert pdf.sha256 == sha256(fx.PDF_PAYLOAD)
    assert xls.filename == fx.RFC2231_CP1251_NAME  # continued over filename*0* and *1*
    assert (xls.content_type, xls.part) == ("application/vnd.ms-excel", "3")
    assert xls.size == len(fx.XLS_PAYLOAD)
    assert xls.sha256 == sha256(fx.XLS_PAYLOAD)


def test_rfc2231_koi8_name_with_language() -> None:
    quoted = urllib.parse.quote("Протокол.doc".encode("koi8_r"), safe="")
    part = mime_part(
        [
            ("Content-Type", "application/msword"),
            ("Content-Disposition", f"attachment; filename*=koi8-r'ru'{quoted}"),
        ],
        b"doc bytes",
    )
    [attachment] = multipart([TEXT_PART, part]).attachments
    assert attachment.filename == "Протокол.doc"


def test_fixture_encoded_word_names() -> None:
    message = emlkit.parse_bytes(fixture_bytes("attachment_encoded_word_name.eml"))
    doc, names = message.attachments
    assert doc.filename == fx.ENCODED_WORD_NAME
    assert doc.sha256 == sha256(fx.DOC_PAYLOAD)
    assert names.filename == fx.ENCODED_WORD_KOI8_NAME  # from Content-Type's name only
    assert names.content_type == "text/plain"
    assert names.size == len("Иванов\nПетрова\nСоколов\n".encode("koi8_r"))
    assert message.text == "Files attached."


def test_raw_8bit_cp1251_filename() -> None:
    name = "Протокол заседания.doc"
    part = mime_part(
        [
            ("Content-Type", "application/msword"),
            ("Content-Disposition", b'attachment; filename="' + name.encode("cp1251") + b'"'),
        ],
        b"doc bytes",
    )
    body = mime_part(
        [("Content-Type", "text/plain; charset=windows-1251")],
        "Протокол во вложении.\n".encode("cp1251"),
    )
    [attachment] = multipart([body, part]).attachments
    assert attachment.filename == name


def test_fixture_path_traversal_names_are_kept_verbatim_as_data() -> None:
    message = emlkit.parse_bytes(fixture_bytes("attachment_path_traversal_name.eml"))
    assert [a.filename for a in message.attachments] == list(fx.TRAVERSAL_NAMES)
    for attachment, name in zip(message.attachments, fx.TRAVERSAL_NAMES, strict=True):
        assert attachment.sha256 == sha256(name.encode() * 2)


def test_fixture_inline_image_with_content_id() -> None:
    message = emlkit.parse_bytes(fixture_bytes("attachment_inline_content_id.eml"))
    [image] = message.attachments
    assert image.content_type == "image/png"
    assert image.inline is True
    assert image.content_id == "logo@example.org"
    assert image.filename is None
    assert image.part == "2"
    assert image.sha256 == sha256(fx.PNG_PAYLOAD)
    assert message.text == "Our new logo:"


def test_quoted_printable_attachment_size_is_the_decoded_size() -> None:
    payload = "Список жильцов: Иванов, Петрова; всего двое.".encode("cp1251")
    part = mime_part(
        [
            ("Content-Type", "text/csv; charset=windows-1251"),
            ("Content-Transfer-Encoding", "quoted-printable"),
            ("Content-Disposition", 'attachment; filename="list.csv"'),
        ],
        quopri.encodestring(payload),
    )
    [attachment] = multipart([TEXT_PART, part]).attachments
    assert attachment.size == len(payload)
    assert attachment.sha256 == sha256(payload)


# --- forwarded messages --------------------------------------------------------------------------


def test_fixture_forwarded_message_becomes_a_child() -> None:
    message = emlkit.parse_bytes(fixture_bytes("forwarded_rfc822.eml"), "forwarded_rfc822.eml")
    assert message.message_id == "forward-outer@example.org"
    assert message.text == fx.FORWARD_NOTE
    assert message.base_subject == fx.FORWARDED_SUBJECT
    [child] = message.children
    assert child.message_id == "inner-estimate@example.org"
    assert child.subject == fx.FORWARDED_SUBJECT
    assert [(a.name, a.address) for a in child.from_] == [("Boris Ivanov", "boris@example.org")]
    assert child.text == fx.FORWARDED_TEXT
    assert child.date.utc == datetime(2021, 3, 15, 15, 30, tzinfo=UTC)
    assert child.parent == ParentLink("forward-outer@example.org", "2")
    assert message.parent is None
    assert child.source.path == "forwarded_rfc822.eml"


def test_forwarded_message_is_also_listed_as_an_attachment_with_its_hash() -> None:
    message = emlkit.parse_bytes(fixture_bytes("forwarded_rfc822.eml"))
    [child] = message.children
    [attachment] = message.attachments
    assert (attachment.content_type, attachment.part) == ("message/rfc822", "2")
    assert attachment.sha256 == child.source.sha256
    assert attachment.size == child.source.size


def test_fixture_nested_forwards() -> None:
    top = emlkit.parse_bytes(fixture_bytes("forwarded_nested.eml"))
    [middle] = top.children
    [inner] = middle.children
    assert [m.message_id for m in top.walk()] == [
        "forward-top@example.org",
        "forward-middle@example.org",
        "inner-estimate@example.org",
    ]
    assert middle.parent == ParentLink("forward-top@example.org", "2")
    assert inner.parent == ParentLink("forward-middle@example.org", "2")
    assert top.text == "Пересылаю всю цепочку целиком.\n"
    assert middle.text == "Смотри, что прислал Борис.\n"
    assert inner.text == fx.FORWARDED_TEXT


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e"])
def test_forwarded_header_the_stdlib_refuses_to_refold_is_written_as_parsed(
    separator: str,
) -> None:
    # str.splitlines breaks the value at these, and the stdlib's Header then sees a line
    # "X-Injected: 1" inside it and raises: the whole message used to fail (parser-error).
    inner = (
        b"From: Inna Lebedeva <inna@example.org>\n"
        + f"Subject: Smeta{separator}X-Injected: 1\n".encode("ascii")
        + b"Message-ID: <inner-ff@example.org>\n\nThe estimate.\n"
    )
    outer = make_message([("Content-Type", "message/rfc822")], inner)
    message = emlkit.parse_bytes(outer)
    assert message.failure is None
    [child] = message.children
    assert child.message_id == "inner-ff@example.org"
    assert child.subject == "Smeta X-Injected: 1"  # a control character shown as a space
    assert child.text == "The estimate.\n"
    [attachment] = message.attachments
    assert attachment.sha256 == child.source.sha256 == hashlib.sha256(inner).hexdigest()
    assert attachment.size == child.source.size == len(inner)
    assert DefectKind.LIMIT_REACHED not in kinds(message)


def test_forwarded_message_without_message_id_gets_its_own_synthetic_id() -> None:
    inner = make_message([("Message-ID", None)], b"No id here.\n")
    outer = make_message([("Content-Type", "message/rfc822")], inner)
    message = emlkit.parse_bytes(outer)
    [child] = message.children
    assert child.message_id_synthetic
    assert child.message_id == f"sha256-{child.source.sha256[:40]}@emlkit.invalid"
    assert child.message_id != message.message_id
    assert child.parent == ParentLink(message.message_id, "0")


# --- limits --------------------------------------------------------------------------------------


def test_max_parts_stops_the_walk_and_keeps_what_was_read() -> None:
    attachments = [attachment_part(f"file-{n}.pdf", b"%PDF-" + bytes([n])) for n in range(8)]
    full = multipart([TEXT_PART, *attachments])
    assert len(full.attachments) == 8
    assert DefectKind.LIMIT_REACHED not in kinds(full)

    limited = multipart([TEXT_PART, *attachments], max_parts=4)
    assert limited.text == "Верхний текст."
    assert limited.subject == "Test message"
    assert [a.address for a in limited.from_] == ["anna@example.org"]
    assert 1 <= len(limited.attachments) < 8
    assert limited.attachments == full.attachments[: len(limited.attachments)]
    assert len(defects_of(limited, DefectKind.LIMIT_REACHED)) == 1


def test_max_parts_is_shared_with_forwarded_messages() -> None:
    data = fixture_bytes("forwarded_nested.eml")
    assert len(emlkit.parse_bytes(data).walk()) == 3
    limited = emlkit.parse_bytes(data, policy=Policy().clone(max_parts=4))
    assert limited.text == "Пересылаю всю цепочку целиком.\n"
    everything = limited.walk()
    assert len(everything) < 3
    assert any(DefectKind.LIMIT_REACHED in kinds(m) for m in everything)


def test_max_depth_stops_deep_multiparts_and_keeps_the_rest() -> None:
    deep = nested_multipart(6)
    full = multipart([TEXT_PART, deep])
    assert "Глубокий текст." in full.text
    limited = multipart([TEXT_PART, deep], max_depth=3)
    assert limited.text == "Верхний текст."
    assert "Глубокий текст." not in limited.text
    [(where, _)] = defects_of(limited, DefectKind.LIMIT_REACHED)
    assert where.startswith("2.")


def test_max_depth_counts_forwarded_messages() -> None:
    data = nested_forwards(5)
    full = emlkit.parse_bytes(data)
    assert [m.message_id for m in full.walk()] == [f"level-{n}@example.org" for n in range(6)]
    limited = emlkit.parse_bytes(data, policy=Policy().clone(max_depth=2))
    ids = [m.message_id for m in limited.walk()]
    assert ids[:2] == ["level-0@example.org", "level-1@example.org"]
    assert "level-5@example.org" not in ids
    assert any(DefectKind.LIMIT_REACHED in kinds(m) for m in limited.walk())


def test_max_header_bytes_cuts_a_long_header() -> None:
    message = emlkit.parse_bytes(
        make_message([("X-Long", "x" * 5000)]), policy=Policy().clone(max_header_bytes=100)
    )
    assert message.header("X-Long") == "x" * 100
    assert "X-Long" in {w for w, _ in defects_of(message, DefectKind.LIMIT_REACHED)}
    assert message.subject == "Test message"


def test_max_headers_keeps_the_first_fields() -> None:
    extra = [(f"X-Field-{n}", str(n)) for n in range(50)]
    message = emlkit.parse_bytes(make_message(extra), policy=Policy().clone(max_headers=10))
    assert len(message.headers) == 10
    assert message.subject == "Test message"
    assert DefectKind.LIMIT_REACHED in kinds(message)


def test_max_text_chars_cuts_the_body_text() -> None:
    message = emlkit.parse_bytes(
        make_message([], b"a" * 1000 + b"\n"), policy=Policy().clone(max_text_chars=100)
    )
    assert message.text == "a" * 100
    assert DefectKind.LIMIT_REACHED in kinds(message)


def test_policy_clone_leaves_the_original_unchanged() -> None:
    policy = Policy()
    clone = policy.clone(max_parts=3)
    assert (policy.max_parts, clone.max_parts) == (1000, 3)
    assert clone.max_depth == policy.max_depth


@pytest.mark.parametrize("levels", [200, 600, 2000])
def test_very_deep_multipart_nesting_gives_a_record(levels: int) -> None:
    # The top-level header block continues with the nested part's own Content-Type.
    data = header_block([("MIME-Version", "1.0")]) + nested_multipart(levels)
    message = emlkit.parse_bytes(data)
    assert message.subject == "Test message"
    assert DefectKind.LIMIT_REACHED in kinds(message)


@pytest.mark.parametrize("levels", [200, 300, 600, 2000])
def test_very_deep_forward_nesting_gives_a_record(levels: int) -> None:
    message = emlkit.parse_bytes(nested_forwards(levels))
    assert message.message_id == "level-0@example.org"
    assert any(DefectKind.LIMIT_REACHED in kinds(m) for m in message.walk())


def test_forwarded_multipart_without_boundary_and_8bit_body_gives_a_record() -> None:
    inner = (
        b"Subject: inner\nContent-Type: multipart/mixed\n\n"
        + "Смотри, что прислал Борис.\n".encode()
    )
    message = emlkit.parse_bytes(make_message([("Content-Type", "message/rfc822")], inner))
    [child] = message.children
    assert child.subject == "inner"
    assert message.message_id == "test-message@example.org"


# --- stdlib and transfer-encoding defects --------------------------------------------------------


def test_boundary_never_found_is_a_defect_at_the_root() -> None:
    data = make_message(
        [("Content-Type", 'multipart/mixed; boundary="missing"')], b"Just some text.\n"
    )
    message = emlkit.parse_bytes(data)
    details = [detail for where, detail in defects_of(message, DefectKind.STDLIB) if where == "0"]
    assert any("StartBoundaryNotFoundDefect" in detail for detail in details)


def test_missing_close_boundary_is_a_defect_at_the_root() -> None:
    body = b"--b0\nContent-Type: text/plain\n\nUnfinished.\n"
    data = make_message([("Content-Type", 'multipart/mixed; boundary="b0"')], body)
    message = emlkit.parse_bytes(data)
    assert message.text.rstrip("\n") == "Unfinished."
    assert ("0", "CloseBoundaryNotFoundDefect") in {
        (where, detail.split(":")[0]) for where, detail in defects_of(message, DefectKind.STDLIB)
    }


def test_broken_header_block_of_a_part_is_a_defect_at_that_part() -> None:
    broken = b"Content-Type: text/plain\nthis line is not a header\n\nBody of part two.\n"
    message = multipart([TEXT_PART, broken])
    details = [detail for where, detail in defects_of(message, DefectKind.STDLIB) if where == "2"]
    assert any("MissingHeaderBodySeparatorDefect" in detail for detail in details)
    assert "Body of part two." in message.text


def test_damaged_base64_payload_is_a_defect_at_that_part() -> None:
    damaged = mime_part(
        [
            ("Content-Type", "application/pdf"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="cut.pdf"'),
        ],
        b"JVBERi0xLjQKJSBlbWxraXQ",  # cut in the middle: the padding is missing
    )
    message = multipart([TEXT_PART, damaged])
    assert message.attachments[0].filename == "cut.pdf"
    where = {w for w, _ in defects_of(message, DefectKind.STDLIB)}
    where |= {w for w, _ in defects_of(message, DefectKind.TRANSFER_ENCODING)}
    assert "2" in where


def test_unknown_transfer_encoding_is_a_defect_at_that_part() -> None:
    odd = mime_part(
        [("Content-Type", "application/octet-stream"), ("Content-Transfer-Encoding", "x-gzip64")],
        b"H4sIAAAAAAAAA",
    )
    message = multipart([TEXT_PART, odd])
    [(where, detail)] = defects_of(message, DefectKind.TRANSFER_ENCODING)
    assert where == "2"
    assert "x-gzip64" in detail
    assert message.attachments[0].size == len(b"H4sIAAAAAAAAA")


def test_short_reply_with_word_vertical_tabs_stays_text() -> None:
    data = (
        b"From: a@zar.test\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n"
        + "Да,\x0bсогласен.\x0b\n".encode()
    )
    assert emlkit.parse_bytes(data).charsets[0].used == "utf-8"
    message = emlkit.parse_bytes(data)
    assert "согласен" in message.text
    assert not message.attachments


def test_text_part_holding_a_zip_is_an_attachment_with_a_defect() -> None:
    payload = b"PK\x03\x04" + bytes(range(256)) * 4
    data = (
        b'From: a@zar.test\nSubject: x\nContent-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nhello\n"
        b"--b\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(payload)
        + b"--b--\n"
    )
    message = emlkit.parse_bytes(data)
    assert message.text == "hello"
    assert [a.size for a in message.attachments] == [len(payload)]
    assert [(d.kind.value, d.where) for d in message.defects if d.where != "Date"] == [
        ("synthetic-id", "Message-ID"),
        ("binary-text", "2"),
    ]


_PARAMETERS = [
    "; charset=utf-8",
    '; name="a.txt"',
    "; NAME=a.txt",
    "; name*=utf-8''%D0%B0.txt",
    "; name*0=a; name*1=.txt",
    "; filename=a.txt",
    "; xname=1",
    ";",
]
_DISPOSITIONS = [None, "inline", "attachment", 'inline; filename="b.txt"', "ATTACHMENT"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["text/plain", "text/html", "TEXT/PLAIN"]),
    st.lists(st.sampled_from(_PARAMETERS), max_size=3),
    st.sampled_from(_DISPOSITIONS),
)
def test_the_body_text_test_agrees_with_the_stdlib(
    content_type: str, parameters: list[str], disposition: str | None
) -> None:
    headers = f"Content-Type: {content_type}{''.join(parameters)}\n"
    if disposition is not None:
        headers += f"Content-Disposition: {disposition}\n"
    part = email.message_from_string(headers + "\nbody\n", policy=compat32)
    try:
        filename = part.get_filename()
    except TypeError:  # the stdlib fails on "name*" with "name*0": read as no file name
        filename = None
    stdlib = part.get_content_disposition() != "attachment" and not filename
    assert _is_body_text(part, part.get_content_type(), "1") is stdlib


# RFC 2231 parameters written both whole ("name*") and in sections ("name*0"): the stdlib
# raises TypeError wherever it reads the parameters of such a header.
MIXED_NAME = b"name*=utf-8''%D0%B0.txt; name*0=a; name*1=.txt"


def test_a_text_part_whose_parameters_the_stdlib_cannot_read_is_still_read() -> None:
    data = b"From: a@example.org\nContent-Type: text/plain; " + MIXED_NAME + b"\n\nbody\n"
    message = emlkit.parse_bytes(data)
    assert message.failure is None
    assert message.text == "body\n"
    assert any(
        d.kind is DefectKind.STDLIB and "parameters the stdlib cannot read" in d.detail
        for d in message.defects
    )


def test_an_unreadable_charset_parameter_leaves_the_charset_to_detection() -> None:
    data = (
        b"From: a@example.org\nContent-Type: text/plain; charset*=utf-8''x; charset*0=a\n\n"
        + "Протокол подписан.\n".encode("koi8-r")
    )
    message = emlkit.parse_bytes(data)
    assert message.failure is None
    assert message.text == "Протокол подписан.\n"
    assert message.charsets[0].declared is None


def test_an_attachment_whose_file_name_the_stdlib_cannot_read() -> None:
    data = (
        b"From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        b"Content-Type: text/plain\n\nsee\n--b\nContent-Type: application/pdf\n"
        b"Content-Disposition: attachment; filename*=utf-8''x.pdf; filename*0=y.pdf\n"
        b"Content-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n"
    )
    message = emlkit.parse_bytes(data)
    assert message.failure is None
    [attachment] = message.attachments
    assert (attachment.filename, attachment.size, attachment.part) == (None, 5, "2")
    assert any(d.kind is DefectKind.STDLIB and d.where == "2" for d in message.defects)
