"""The charset trail: declared strictly, else detected, else replaced and counted.

Unit tests of :func:`emlkit.parse.charsets.decode_text` first, then the fixtures, then the
round trip of natural Russian text through whole messages in every charset, label and
transfer encoding.
"""

from __future__ import annotations

import itertools
import re

import pytest
from fixtures import make_fixtures as fx
from helpers import defects_of, fixture_bytes, kinds, text_message
from hypothesis import given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import CharsetMethod, DefectKind
from emlkit.parse import charsets
from emlkit.parse.charsets import (
    codec_name,
    decode_counting,
    decode_header_bytes,
    decode_text,
    mime_name,
)

# Natural Russian paragraphs, one to three sentences each, and one longer paragraph.
PARAGRAPHS: dict[str, str] = {
    "greeting": "Добрый день, Ирина Сергеевна! Высылаю вам исправленный вариант договора.",
    "meeting": (
        "Завтра встречаемся в десять утра у входа в библиотеку. Не опаздывайте, пожалуйста."
    ),
    "documents": "Документы я отправил вчера вечером. Проверьте, пожалуйста, получили ли вы их.",
    "thanks": "Спасибо за помощь, всё получилось.",
    "weather": (
        "На улице снова идёт снег. Дороги никто не чистит, автобусы ходят с опозданием. "
        "Я, наверное, приеду позже."
    ),
    "question": (
        "Подскажите, где можно найти протокол последнего заседания? "
        "Я не могу его найти на общем диске."
    ),
    "short_reply": "Хорошо, договорились.",
    "long": (
        "Мы долго обсуждали этот вопрос на собрании, но так и не пришли к общему мнению.\n"
        "Одни считали, что нужно сразу обращаться в суд, другие предлагали сначала\n"
        "написать письмо в управу и подождать ответа хотя бы две недели. В итоге решили\n"
        "вернуться к нему через неделю, когда будут готовы все расчёты и юрист посмотрит\n"
        "документы. Если у кого-то есть соображения, присылайте их до пятницы, я соберу\n"
        "всё в один файл и разошлю участникам перед следующей встречей."
    ),
}

# MIME label -> Python codec for the three charsets of Russian mail.
CHARSETS: dict[str, str] = {"koi8-r": "koi8_r", "windows-1251": "cp1251", "utf-8": "utf-8"}
TRANSFERS = ("8bit", "quoted-printable", "base64")
LATIN1 = "iso-8859-1"
"""A wrong label seen constantly on Russian mail (old clients' default), tried on all three."""

CHARSET_DEFECTS = {
    DefectKind.CHARSET_MISMATCH,
    DefectKind.CHARSET_UNKNOWN,
    DefectKind.CHARSET_MISSING,
    DefectKind.UNDECODABLE_BYTES,
}


# --- labels --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("Windows-1251", "cp1251"),
        ("windows-1251", "cp1251"),
        ("CP1251", "cp1251"),
        ("win-1251", "cp1251"),
        ("x-cp1251", "cp1251"),
        ('"koi8-r"', "koi8-r"),
        ("KOI8-R", "koi8-r"),
        ("koi8r", "koi8-r"),
        ("x-koi8-r", "koi8-r"),
        ("utf8", "utf-8"),
        ("UTF-8", "utf-8"),
        (" 'utf-8' ", "utf-8"),
        ("us-ascii", "ascii"),
        ("iso-8859-5", "iso8859-5"),
    ],
)
def test_codec_name_knows_labels_seen_in_mail(label: str, codec: str) -> None:
    assert codec_name(label) == codec


@pytest.mark.parametrize("label", [None, "", "x-bogus", "unknown-8bit", "x-unknown", '""'])
def test_codec_name_is_none_for_unusable_labels(label: str | None) -> None:
    assert codec_name(label) is None


@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("cp1251", "windows-1251"),
        ("cp1252", "windows-1252"),
        ("koi8-r", "koi8-r"),
        ("utf-8", "utf-8"),
        ("iso8859-5", "iso-8859-5"),
        ("cp866", "ibm866"),
        ("ascii", "us-ascii"),
    ],
)
def test_mime_name_is_the_label_mail_uses(codec: str, label: str) -> None:
    assert mime_name(codec) == label


# --- decode_text: ASCII and correct labels -------------------------------------------------------


def test_ascii_payload_with_a_declared_charset_is_declared() -> None:
    decoded = decode_text(b"Plain ASCII text.\n", "koi8-r", "1")
    assert decoded.text == "Plain ASCII text.\n"
    assert decoded.trail.method is CharsetMethod.DECLARED
    assert decoded.trail.used == "koi8-r"
    assert decoded.trail.declared == "koi8-r"
    assert decoded.trail.undecodable_bytes == 0
    assert decoded.defects == ()


def test_ascii_payload_without_a_charset_is_us_ascii_by_default() -> None:
    # RFC 2045 section 5.2: no charset parameter means US-ASCII; nothing to detect.
    decoded = decode_text(b"Plain ASCII text.\n", None, "0")
    assert decoded.text == "Plain ASCII text.\n"
    assert decoded.trail.used == "us-ascii"
    assert decoded.trail.declared is None
    assert decoded.defects == ()


@pytest.mark.parametrize("name", sorted(PARAGRAPHS))
@pytest.mark.parametrize("label", ["koi8-r", "windows-1251"])
def test_correct_single_byte_label_is_kept(name: str, label: str) -> None:
    text = PARAGRAPHS[name]
    decoded = decode_text(text.encode(CHARSETS[label]), label, "1")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DECLARED
    assert decoded.trail.used == label
    # Every word reads naturally: the label is right and chardet is not asked.
    assert decoded.trail.confidence is None, decoded.trail
    assert decoded.defects == ()


@pytest.mark.parametrize("label", ["koi8-r", "windows-1251"])
def test_a_short_text_with_an_odd_word_is_checked_by_chardet(label: str) -> None:
    # "ВНИМАНИЕ" is too long for an acronym: not a natural word, and too few words to
    # outweigh it, so chardet is consulted (and agrees with the label).
    text = "ВНИМАНИЕ: документы отправлены вчера."
    decoded = decode_text(text.encode(CHARSETS[label]), label, "1")
    assert decoded.text == text and decoded.trail.used == label
    assert decoded.trail.confidence is not None and decoded.trail.confidence > 0


def test_correct_utf8_label_needs_no_detection() -> None:
    text = PARAGRAPHS["meeting"]
    decoded = decode_text(text.encode("utf-8"), "UTF-8", "2")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DECLARED
    assert decoded.trail.used == "utf-8"
    assert decoded.trail.declared == "UTF-8"
    assert decoded.trail.confidence is None  # strict UTF-8 success is evidence enough
    assert decoded.defects == ()


@pytest.mark.parametrize(
    "text",
    [
        "Grüße aus München, wir sehen uns nächste Woche.",
        "Très bien, à bientôt. Ça marche pour lundi prochain.",
    ],
)
def test_genuine_latin1_text_keeps_its_latin1_label(text: str) -> None:
    decoded = decode_text(text.encode("latin-1"), LATIN1, "1")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DECLARED
    assert decoded.trail.used == LATIN1
    assert decoded.defects == ()


def test_trail_records_part_and_declared_label_without_quotes() -> None:
    decoded = decode_text(PARAGRAPHS["thanks"].encode("koi8_r"), ' "koi8-r" ', "2.1.3")
    assert decoded.trail.part == "2.1.3"
    assert decoded.trail.declared == "koi8-r"
    assert decoded.text == PARAGRAPHS["thanks"]


# --- decode_text: missing, unknown and failing labels --------------------------------------------


@pytest.mark.parametrize(("label", "codec"), list(CHARSETS.items()))
def test_missing_charset_is_detected_with_a_defect(label: str, codec: str) -> None:
    text = PARAGRAPHS["question"]
    decoded = decode_text(text.encode(codec), None, "1")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DETECTED
    assert decoded.trail.declared is None
    assert decoded.trail.used == label
    assert [(d.kind, d.where) for d in decoded.defects] == [(DefectKind.CHARSET_MISSING, "1")]


def test_unknown_label_is_detected_with_a_defect_naming_it() -> None:
    text = PARAGRAPHS["documents"]
    decoded = decode_text(text.encode("cp1251"), "x-bogus", "1")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DETECTED
    assert decoded.trail.declared == "x-bogus"
    assert decoded.trail.used == "windows-1251"
    assert [(d.kind, d.where) for d in decoded.defects] == [(DefectKind.CHARSET_UNKNOWN, "1")]
    assert "x-bogus" in decoded.defects[0].detail


def test_unknown_label_on_ascii_is_still_reported() -> None:
    decoded = decode_text(b"ASCII only", "x-bogus", "0")
    assert decoded.text == "ASCII only"
    assert [d.kind for d in decoded.defects] == [DefectKind.CHARSET_UNKNOWN]


@pytest.mark.parametrize(
    ("label", "codec", "declared"),
    [
        ("windows-1251", "cp1251", "utf-8"),  # cp1251 bytes are not valid UTF-8
        ("koi8-r", "koi8_r", "us-ascii"),  # 8-bit bytes are not ASCII
        ("koi8-r", "koi8_r", "utf-8"),
    ],
)
def test_declared_charset_that_fails_strictly_is_replaced_by_detection(
    label: str, codec: str, declared: str
) -> None:
    text = PARAGRAPHS["weather"]
    decoded = decode_text(text.encode(codec), declared, "1")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DETECTED
    assert decoded.trail.declared == declared
    assert decoded.trail.used == label
    mismatch = [d for d in decoded.defects if d.kind is DefectKind.CHARSET_MISMATCH]
    assert [d.where for d in mismatch] == ["1"]
    assert declared in mismatch[0].detail


# --- decode_text: wrong single-byte labels -------------------------------------------------------

WRONG_LABELS = [
    ("koi8-r", "windows-1251"),
    ("windows-1251", "koi8-r"),
    ("utf-8", LATIN1),
    ("utf-8", "koi8-r"),
    ("utf-8", "windows-1251"),
    ("windows-1251", LATIN1),
    ("koi8-r", LATIN1),
]


@pytest.mark.parametrize("name", ["documents", "meeting", "long"])
@pytest.mark.parametrize(("actual", "declared"), WRONG_LABELS)
def test_wrong_label_is_overridden_by_detection_with_a_mismatch_defect(
    name: str, actual: str, declared: str
) -> None:
    text = PARAGRAPHS[name]
    decoded = decode_text(text.encode(CHARSETS[actual]), declared, "1")
    assert decoded.text == text
    assert decoded.trail.method is CharsetMethod.DETECTED
    assert decoded.trail.declared == declared
    assert codec_name(decoded.trail.used) == codec_name(actual)
    assert DefectKind.CHARSET_MISMATCH in {d.kind for d in decoded.defects}


# --- decode_text: bytes nothing can decode -------------------------------------------------------


def test_decode_counting_replaces_and_counts_every_bad_byte() -> None:
    text, replaced = decode_counting("Привет".encode() + b"\xff\xfe" + b"!", "utf-8")
    assert text == "Привет\ufffd\ufffd!"
    assert replaced == 2


def test_decode_counting_of_clean_bytes_counts_nothing() -> None:
    assert decode_counting("Привет".encode("cp1251"), "cp1251") == ("Привет", 0)


@pytest.mark.parametrize("declared", ["utf-8", None])
def test_stray_bytes_in_utf8_text_are_replaced_and_counted(declared: str | None) -> None:
    # Three bytes (FF, FE, FD) are never valid in UTF-8; everything else is clean UTF-8.
    first, second, end = fx.INVALID_UTF8_PARTS
    payload = first.encode() + b"\xff" + second.encode() + b"\xfe\xfd" + end.encode()
    decoded = decode_text(payload, declared, "1")
    assert decoded.text == first + "\ufffd" + second + "\ufffd\ufffd" + end
    assert decoded.trail.method is CharsetMethod.FALLBACK
    assert decoded.trail.used == "utf-8"
    assert decoded.trail.undecodable_bytes == 3
    undecodable = [d for d in decoded.defects if d.kind is DefectKind.UNDECODABLE_BYTES]
    assert len(undecodable) == 1
    assert undecodable[0].where == "1"
    assert "3 byte" in undecodable[0].detail


def test_truncated_utf8_character_at_the_end_is_counted() -> None:
    payload = "Отчёт готов".encode()[:-1]  # the last character lost its second byte
    decoded = decode_text(payload, "utf-8", "1")
    assert decoded.text == "Отчёт гото\ufffd"
    assert decoded.trail.undecodable_bytes == 1
    assert DefectKind.UNDECODABLE_BYTES in {d.kind for d in decoded.defects}


def test_decoded_text_never_holds_surrogates() -> None:
    payload = bytes(range(256)) * 2
    for declared in (None, "utf-8", "windows-1251", "koi8-r", "x-bogus"):
        decoded = decode_text(payload, declared, "1")
        assert not any("\ud800" <= ch <= "\udfff" for ch in decoded.text)
        decoded.text.encode("utf-8")  # valid Unicode throughout


# --- fixtures: the same paths through whole messages ---------------------------------------------


def test_fixture_koi8_declared_cp1251() -> None:
    message = emlkit.parse_bytes(fixture_bytes("charset_koi8_declared_cp1251.eml"))
    assert message.text == fx.KOI8_AS_CP1251_TEXT
    [trail] = message.charsets
    assert (trail.part, trail.declared, trail.used) == ("0", "windows-1251", "koi8-r")
    assert trail.method is CharsetMethod.DETECTED
    assert defects_of(message, DefectKind.CHARSET_MISMATCH)[0][0] == "0"


def test_fixture_cp1251_declared_koi8() -> None:
    message = emlkit.parse_bytes(fixture_bytes("charset_cp1251_declared_koi8.eml"))
    assert message.text == fx.CP1251_AS_KOI8_TEXT
    [trail] = message.charsets
    assert (trail.declared, trail.used, trail.method) == (
        "koi8-r",
        "windows-1251",
        CharsetMethod.DETECTED,
    )
    assert DefectKind.CHARSET_MISMATCH in kinds(message)


def test_fixture_utf8_declared_latin1_quoted_printable() -> None:
    message = emlkit.parse_bytes(fixture_bytes("charset_utf8_declared_latin1.eml"))
    assert message.text == fx.UTF8_AS_LATIN1_TEXT
    [trail] = message.charsets
    assert (trail.declared, trail.used, trail.method) == (
        "iso-8859-1",
        "utf-8",
        CharsetMethod.DETECTED,
    )
    assert DefectKind.CHARSET_MISMATCH in kinds(message)


def test_fixture_missing_charset_cp1251() -> None:
    message = emlkit.parse_bytes(fixture_bytes("charset_missing_cp1251.eml"))
    assert message.text == fx.MISSING_CP1251_TEXT
    [trail] = message.charsets
    assert (trail.declared, trail.used, trail.method) == (
        None,
        "windows-1251",
        CharsetMethod.DETECTED,
    )
    assert defects_of(message, DefectKind.CHARSET_MISSING)[0][0] == "0"


def test_fixture_unknown_label_base64_koi8() -> None:
    message = emlkit.parse_bytes(fixture_bytes("charset_unknown_label.eml"))
    assert message.text == fx.UNKNOWN_LABEL_TEXT
    [trail] = message.charsets
    assert trail.declared == "x-cyrillic-legacy"
    assert codec_name(trail.used) == "koi8-r"
    assert trail.method is CharsetMethod.DETECTED
    assert DefectKind.CHARSET_UNKNOWN in kinds(message)


def test_fixture_invalid_utf8_bytes_are_counted() -> None:
    message = emlkit.parse_bytes(fixture_bytes("charset_utf8_invalid_bytes.eml"))
    first, second, end = fx.INVALID_UTF8_PARTS
    assert message.text == first + "\ufffd" + second + "\ufffd\ufffd" + end
    [trail] = message.charsets
    assert trail.undecodable_bytes == 3
    assert trail.method is CharsetMethod.FALLBACK
    assert DefectKind.UNDECODABLE_BYTES in kinds(message)


def test_crlf_message_text_has_lf_line_ends() -> None:
    text = PARAGRAPHS["long"]
    data = text_message(text, "cp1251", "windows-1251", "8bit").replace(b"\n", b"\r\n")
    message = emlkit.parse_bytes(data)
    assert message.text == text


# --- the round trip ------------------------------------------------------------------------------


def _round_trip_cases() -> list[tuple[str, str, str | None, str]]:
    cases = []
    for name, actual, transfer in itertools.product(PARAGRAPHS, CHARSETS, TRANSFERS):
        wrong = [label for label in (*CHARSETS, LATIN1) if label != actual]
        for declared in (actual, None, *wrong):
            cases.append((name, actual, declared, transfer))
    return cases


def _case_id(case: tuple[str, str, str | None, str]) -> str:
    name, actual, declared, transfer = case
    return f"{name}-{actual}-as-{declared or 'none'}-{transfer}"


@pytest.mark.parametrize(
    ("name", "actual", "declared", "transfer"),
    _round_trip_cases(),
    ids=[_case_id(case) for case in _round_trip_cases()],
)
def test_round_trip_of_russian_text_through_a_whole_message(
    name: str, actual: str, declared: str | None, transfer: str
) -> None:
    """Text encoded in any of the three charsets comes back exactly, whatever the label."""
    text = PARAGRAPHS[name]
    message = emlkit.parse_bytes(text_message(text, CHARSETS[actual], declared, transfer))
    assert message.ok
    assert message.text == text


@pytest.mark.parametrize(("actual", "codec"), list(CHARSETS.items()))
@pytest.mark.parametrize("transfer", TRANSFERS)
def test_round_trip_with_correct_label_records_no_charset_defect(
    actual: str, codec: str, transfer: str
) -> None:
    text = PARAGRAPHS["long"]
    message = emlkit.parse_bytes(text_message(text, codec, actual, transfer))
    assert message.text == text
    [trail] = message.charsets
    assert trail.method is CharsetMethod.DECLARED
    assert trail.used == actual
    assert not kinds(message) & CHARSET_DEFECTS


def test_a_wide_charset_with_an_odd_ascii_byte_is_counted_not_an_error() -> None:
    payload = "Протокол ÿ".encode("utf-16-le") + b"\x08"
    text, replaced = decode_counting(payload, "utf-16-le")
    assert (text, replaced) == ("Протокол ÿ\ufffd", 1)
    assert decode_header_bytes(payload)[0].startswith("Протокол")


_TEXT_ALPHABET = st.sampled_from(
    list("aZbYяЯжЖёÏðèâ") + list(" \t\n\r\x0b\x0c\x1c\x1f\u00a0\u2003\u3000") + list("1_-.,'²½")
)


@settings(max_examples=400, deadline=None)
@given(st.text(_TEXT_ALPHABET, min_size=1, max_size=300))
def test_the_words_counted_per_token_are_the_words_of_the_text(text: str) -> None:
    past_the_limit = text * (20_000 // len(text) + 2)  # a word may be cut at 20,000
    for whole in (text, past_the_limit):
        words = re.findall(r"[^\W\d_]{2,}", whole[:20000])
        expected = (len(words), sum(charsets._looks_natural(word) for word in words))
        assert charsets._word_counts(whole) == expected
