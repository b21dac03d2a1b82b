"""Header values: RFC 2047 encoded-words, raw 8-bit bytes, message ids and references."""

from __future__ import annotations

import re

import pytest
from fixtures import make_fixtures as fx
from helpers import (
    b_word,
    b_word_bytes,
    defects_of,
    fixture_bytes,
    kinds,
    make_message,
    q_word,
    text_message,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import DefectKind, Message
from emlkit.parse.headers import (
    HeaderContext,
    decode_header,
    normalize_id,
    parse_id_list,
    parse_message_id,
    q_decode,
    unfold,
)

SUBJECT = "Протокол заседания совета"


def decode(raw: str, hints: tuple[str, ...] = ()) -> tuple[str, list[DefectKind]]:
    """Decode a Subject value; return the text and the kinds of defect recorded."""
    context = HeaderContext(charset_hints=hints)
    text = decode_header(raw, "Subject", context)
    return text, [d.kind for d in context.defects]


def with_subject(value: str | bytes, body_charset: str = "us-ascii") -> Message:
    """A message with this Subject; a body in ``body_charset`` gives the charset hint."""
    body = "Текст письма о заседании совета.\n" if body_charset != "us-ascii" else "Text.\n"
    return emlkit.parse_bytes(
        text_message(body, body_charset, body_charset, "8bit", extra=[("Subject", value)])
    )


# --- unfolding -----------------------------------------------------------------------------------


def test_unfold_removes_line_breaks_but_keeps_whitespace() -> None:
    assert unfold("first\r\n second\n\tthird") == "first second\tthird"


# --- RFC 2047: the examples of section 8 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(=?ISO-8859-1?Q?a?=)", "(a)"),
        ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
        ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
        ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
    ],
)
def test_rfc2047_section_8_examples(raw: str, expected: str) -> None:
    assert decode(raw) == (expected, [])


# --- B and Q encoded-words -----------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["UTF-8", "koi8-r", "windows-1251"])
def test_b_encoded_word(charset: str) -> None:
    assert decode(b_word(SUBJECT, charset)) == (SUBJECT, [])


@pytest.mark.parametrize("charset", ["UTF-8", "koi8-r", "windows-1251"])
def test_q_encoded_word_with_underscores_for_spaces(charset: str) -> None:
    word = q_word(SUBJECT, charset)
    assert "_" in word
    assert decode(word) == (SUBJECT, [])


def test_lowercase_encoding_letters_and_charset() -> None:
    word = b_word(SUBJECT, "utf-8").replace("?B?", "?b?")
    assert decode(word) == (SUBJECT, [])


def test_charset_with_rfc2231_language_suffix() -> None:
    word = b_word(SUBJECT, "UTF-8").replace("=?UTF-8?", "=?UTF-8*ru?")
    assert decode(word) == (SUBJECT, [])


def test_plain_text_around_encoded_words_is_kept() -> None:
    raw = "Re: " + b_word("Протокол", "UTF-8") + " (draft 2)"
    assert decode(raw) == ("Re: Протокол (draft 2)", [])


def test_adjacent_encoded_words_are_joined_without_the_whitespace_between_them() -> None:
    raw = b_word("Протокол ", "UTF-8") + " " + b_word("заседания", "UTF-8")
    assert decode(raw) == ("Протокол заседания", [])


@pytest.mark.parametrize("split", [1, 15, 17, 20])
def test_multibyte_character_split_across_two_b_words(split: int) -> None:
    data = SUBJECT.encode("utf-8")
    raw = b_word_bytes(data[:split], "UTF-8") + " " + b_word_bytes(data[split:], "UTF-8")
    assert decode(raw) == (SUBJECT, [])


def test_multibyte_character_split_across_q_words() -> None:
    data = "ёж".encode()  # d1 91 d0 b6
    raw = "=?utf-8?Q?=D1?= =?utf-8?Q?=91=D0?= =?utf-8?Q?=B6?="
    assert data == b"\xd1\x91\xd0\xb6"
    assert decode(raw) == ("ёж", [])


def test_folded_encoded_words() -> None:
    raw = b_word("Протокол ", "UTF-8") + "\r\n " + b_word("заседания совета", "UTF-8")
    assert decode(raw) == (SUBJECT, [])


def test_fixture_folded_subject_with_a_split_character() -> None:
    message = emlkit.parse_bytes(fixture_bytes("subject_encoded_word_folded.eml"))
    assert message.subject == fx.FOLDED_SUBJECT
    assert not kinds(message) & {DefectKind.MALFORMED_ENCODED_WORD, DefectKind.RAW_8BIT_HEADER}


def test_encoded_word_inside_quotes_is_decoded() -> None:
    raw = 'Re: "' + b_word("Протокол", "UTF-8") + '"'
    assert decode(raw)[0] == 'Re: "Протокол"'


def test_encoded_word_without_whitespace_separators() -> None:
    raw = "Re:" + b_word("Протокол", "UTF-8") + "-final"
    assert decode(raw)[0] == "Re:Протокол-final"


def test_encoded_words_touching_each_other() -> None:
    raw = b_word("Прото", "UTF-8") + b_word("кол", "UTF-8")
    assert decode(raw)[0] == "Протокол"


def test_encoded_newline_becomes_a_space_in_the_subject() -> None:
    message = with_subject(b_word("Первая строка\r\nвторая строка", "UTF-8"))
    assert message.subject == "Первая строка вторая строка"


# --- broken encoded-words ------------------------------------------------------------------------


def test_bad_base64_is_a_defect_not_an_exception() -> None:
    raw = "Report =?UTF-8?B?QUJDR?= final"  # five base64 characters cannot be decoded
    text, defects = decode(raw)
    assert defects == [DefectKind.MALFORMED_ENCODED_WORD]
    assert text.startswith("Report ")
    assert text.endswith(" final")


def test_unknown_charset_is_decoded_with_the_hint_and_reported() -> None:
    word = b_word_bytes(SUBJECT.encode("cp1251"), "x-unknown-cyrillic")
    text, defects = decode(word, hints=("windows-1251",))
    assert text == SUBJECT
    assert defects == [DefectKind.MALFORMED_ENCODED_WORD]


def test_wrong_charset_in_encoded_word_is_repaired_and_reported() -> None:
    # Labelled UTF-8, but the bytes are windows-1251 (and not valid UTF-8).
    word = b_word_bytes(SUBJECT.encode("cp1251"), "UTF-8")
    text, defects = decode(word, hints=("windows-1251",))
    assert text == SUBJECT
    assert defects == [DefectKind.MALFORMED_ENCODED_WORD]


def test_unknown_charset_in_a_whole_message_uses_the_body_charset() -> None:
    word = b_word_bytes(SUBJECT.encode("koi8_r"), "x-unknown-cyrillic")
    message = with_subject(word, body_charset="koi8-r")
    assert message.subject == SUBJECT
    assert defects_of(message, DefectKind.MALFORMED_ENCODED_WORD)[0][0] == "Subject"


def test_unterminated_encoded_word_is_left_as_text() -> None:
    raw = "Re: =?UTF-8?B?0J/RgNC+"
    assert decode(raw)[0] == raw


# --- raw 8-bit header values ---------------------------------------------------------------------


def test_fixture_raw_8bit_cp1251_from_and_subject() -> None:
    message = emlkit.parse_bytes(fixture_bytes("header_raw_8bit_cp1251_name.eml"))
    assert message.subject == fx.RAW_CP1251_SUBJECT
    assert [(a.name, a.address) for a in message.from_] == [
        (fx.RAW_CP1251_NAME, "anna@example.org")
    ]
    assert message.text == fx.RAW_CP1251_BODY
    where = {w for w, _ in defects_of(message, DefectKind.RAW_8BIT_HEADER)}
    assert {"Subject", "From"} <= where


def test_fixture_raw_8bit_koi8_subject() -> None:
    message = emlkit.parse_bytes(fixture_bytes("header_raw_8bit_koi8_subject.eml"))
    assert message.subject == fx.RAW_KOI8_SUBJECT
    assert message.header("Subject") == fx.RAW_KOI8_SUBJECT
    assert ("Subject", "raw 8-bit bytes decoded as koi8-r") in defects_of(
        message, DefectKind.RAW_8BIT_HEADER
    )


def test_raw_header_keeps_the_undecoded_bytes_visible() -> None:
    message = emlkit.parse_bytes(fixture_bytes("header_raw_8bit_koi8_subject.eml"))
    [subject] = [h for h in message.headers if h.name == "Subject"]
    expected_raw = fx.RAW_KOI8_SUBJECT.encode("koi8_r").decode("ascii", "backslashreplace")
    assert subject.raw == expected_raw
    assert subject.value == fx.RAW_KOI8_SUBJECT


def test_raw_8bit_utf8_subject_needs_no_hint() -> None:
    message = with_subject(SUBJECT.encode("utf-8"))
    assert message.subject == SUBJECT
    assert DefectKind.RAW_8BIT_HEADER in kinds(message)


@pytest.mark.parametrize(("label", "codec"), [("windows-1251", "cp1251"), ("koi8-r", "koi8_r")])
def test_raw_8bit_subject_matching_the_body_charset(label: str, codec: str) -> None:
    message = with_subject(SUBJECT.encode(codec), body_charset=label)
    assert message.subject == SUBJECT


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_raw_8bit_subject_with_an_ascii_body_is_detected(codec: str) -> None:
    subject = "Протокол заседания совета и список жильцов дома"
    message = with_subject(subject.encode(codec))
    assert message.subject == subject


def test_raw_8bit_and_encoded_words_in_one_value() -> None:
    value = "Ответ: ".encode("cp1251") + b_word("Протокол", "UTF-8").encode("ascii")
    message = with_subject(value, body_charset="windows-1251")
    assert message.subject == "Ответ: Протокол"


def test_decoded_headers_are_kept_in_order_with_their_names() -> None:
    data = make_message([("X-Mailer", "The Bat! (v9.3.4)"), ("X-Priority", "3 (Normal)")])
    message = emlkit.parse_bytes(data)
    names = [h.name for h in message.headers]
    assert names == ["From", "To", "Subject", "Date", "Message-ID", "X-Mailer", "X-Priority"]
    assert message.header("x-mailer") == "The Bat! (v9.3.4)"
    assert message.header("X-Missing") is None


# --- message ids ---------------------------------------------------------------------------------


def message_id_of(raw: str) -> tuple[str | None, list[DefectKind]]:
    context = HeaderContext()
    return parse_message_id(raw, context), [d.kind for d in context.defects]


def test_plain_message_id_loses_only_its_brackets() -> None:
    assert message_id_of("<abc.123@example.org>") == ("abc.123@example.org", [])


def test_message_id_followed_by_a_comment() -> None:
    assert message_id_of("<abc@example.org> (added by relay)") == ("abc@example.org", [])


@pytest.mark.parametrize(
    "raw",
    [
        "<[abc@example.org]>",
        "< abc@example.org >",
        "<abc@exa\r\n mple.org>",
        "<abc @ example.org>",
    ],
)
def test_message_id_is_repaired_with_a_defect(raw: str) -> None:
    assert message_id_of(raw) == ("abc@example.org", [DefectKind.MALFORMED_ID])


def test_message_id_without_brackets_is_kept_with_a_defect() -> None:
    assert message_id_of("abc@example.org") == ("abc@example.org", [DefectKind.MALFORMED_ID])


@pytest.mark.parametrize("raw", ["", "   ", "<>", "< >", "<[]>"])
def test_empty_message_id_is_none(raw: str) -> None:
    assert message_id_of(raw)[0] is None


def test_normalize_id() -> None:
    assert normalize_id("<[B6A8@example.org]>") == "B6A8@example.org"
    assert normalize_id(" id@exa mple.org ") == "id@example.org"


def test_fixture_bracketed_ids() -> None:
    message = emlkit.parse_bytes(fixture_bytes("message_id_bracketed.eml"))
    assert message.message_id == "B6A8C3F0-5D2E-4C1B-9A7E-1F2D3C4B5A69@example.org"
    assert not message.message_id_synthetic
    assert message.in_reply_to == ("budget-1@example.org",)
    assert message.references == ("budget-0@example.org", "budget-1@example.org")
    assert "Message-ID" in {w for w, _ in defects_of(message, DefectKind.MALFORMED_ID)}


def test_missing_message_id_gets_a_synthetic_one() -> None:
    message = emlkit.parse_bytes(make_message([("Message-ID", None)]))
    assert message.message_id_synthetic
    assert message.message_id == f"sha256-{message.source.sha256[:40]}@emlkit.invalid"
    assert DefectKind.SYNTHETIC_ID in kinds(message)


def test_first_of_two_message_ids_wins() -> None:
    data = make_message([("Message-ID", "<first@example.org>"), ("Message-Id", "<second@x.test>")])
    assert emlkit.parse_bytes(data).message_id == "first@example.org"


# --- In-Reply-To and References ------------------------------------------------------------------


def ids(raw: str, name: str = "References") -> tuple[tuple[str, ...], list[DefectKind]]:
    context = HeaderContext()
    return parse_id_list(raw, name, context), [d.kind for d in context.defects]


def test_references_are_ordered_and_deduplicated() -> None:
    raw = "<a@x.test> <b@x.test>\r\n <a@x.test> <c@x.test> <b@x.test>"
    assert ids(raw) == (("a@x.test", "b@x.test", "c@x.test"), [])


def test_references_separated_by_commas_or_nothing() -> None:
    assert ids("<a@x.test>,<b@x.test><c@x.test>")[0] == ("a@x.test", "b@x.test", "c@x.test")


def test_references_without_brackets_are_recovered_with_a_defect() -> None:
    assert ids("a@x.test b@x.test") == (("a@x.test", "b@x.test"), [DefectKind.MALFORMED_ID])


def test_reference_cut_short_before_its_closing_bracket_is_recovered() -> None:
    # A References header truncated by a relay: the last id lost its ">".
    found, defects = ids("<a@x.test> <b@x.test")
    assert found == ("a@x.test", "b@x.test")
    assert DefectKind.MALFORMED_ID in defects


def test_references_with_bracketed_and_folded_ids() -> None:
    assert ids("<[a@x.test]> <b@x.\r\n test>")[0] == ("a@x.test", "b@x.test")


def test_in_reply_to_with_a_phrase_around_the_id() -> None:
    raw = '<a@x.test> (Anna Petrova\'s message of "Tue, 16 Mar 2021 10:00:00 +0300")'
    assert ids(raw, "In-Reply-To") == (("a@x.test",), [])
    old_style = "Your message of Tue, 16 Mar 2021 10:00:00 +0300 <b@x.test>"
    assert ids(old_style, "In-Reply-To") == (("b@x.test",), [])


def test_references_from_several_headers_are_joined_in_order() -> None:
    data = make_message(
        [
            ("References", "<a@x.test> <b@x.test>"),
            ("In-Reply-To", "<c@x.test>"),
            ("References", "<c@x.test> <a@x.test>"),
        ]
    )
    message = emlkit.parse_bytes(data)
    assert message.references == ("a@x.test", "b@x.test", "c@x.test")
    assert message.in_reply_to == ("c@x.test",)


def test_no_references_is_an_empty_tuple() -> None:
    message = emlkit.parse_bytes(make_message())
    assert message.references == ()
    assert message.in_reply_to == ()


# --- Q payloads ----------------------------------------------------------------------------------

_Q_PIECES = [b"=", b"_", b"A", b"f", b"0", b"9", b"g", b"\r", b"\n", b"\xd0", b" ", b"=D0", b"=bf"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_Q_PIECES), max_size=16).map(b"".join))
@example(b"=D0=BF_=3D=")
@example(b"a==41")
def test_q_decode_is_the_rfc_2047_rule(data: bytes) -> None:
    """``_`` is a space, ``=XX`` (either case) a byte, anything else is kept as written."""
    expected = re.sub(
        rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data.replace(b"_", b" ")
    )
    assert q_decode(data) == expected


# --- unfolding, the rule -------------------------------------------------------------------------


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["\r", "\n", "\r\n", " ", "\t", "a", "\n\n"]), max_size=12))
def test_unfold_removes_breaks_before_whitespace_and_at_the_end(pieces: list[str]) -> None:
    raw = "".join(pieces)
    assert unfold(raw) == re.sub(r"\r?\n(?=[ \t])|\r?\n$", "", raw)
