"""Address headers: (display name, address) pairs from every form real mail uses."""

from __future__ import annotations

from email.utils import getaddresses

import pytest
from helpers import b_word, defects_of, make_message, q_word
from hypothesis import example, given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import Address, DefectKind, Message
from emlkit.parse.addresses import parse_addresses, simple_mailboxes
from emlkit.parse.headers import HeaderContext

ANNA = "anna@example.org"
BORIS = "boris@example.org"


def pairs(*raws: str, name: str = "To") -> tuple[list[tuple[str, str]], list[DefectKind]]:
    """Parse the occurrences of one address header; return pairs and defect kinds."""
    context = HeaderContext()
    found = parse_addresses(list(raws), name, context)
    return [(a.name, a.address) for a in found], [d.kind for d in context.defects]


def parsed(headers: list[tuple[str, str | bytes | None]], body_charset: str = "") -> Message:
    extra: list[tuple[str, str | bytes | None]] = []
    body = b"Text.\n"
    if body_charset:
        extra = [("Content-Type", f"text/plain; charset={body_charset}")]
        body = "Текст письма.\n".encode(body_charset)
    return emlkit.parse_bytes(make_message([*headers, *extra], body))


# --- the ordinary forms --------------------------------------------------------------------------


def test_bare_address() -> None:
    assert pairs(ANNA) == ([("", ANNA)], [])


def test_name_and_angle_address() -> None:
    assert pairs(f"Anna Petrova <{ANNA}>") == ([("Anna Petrova", ANNA)], [])


def test_list_of_addresses_keeps_its_order() -> None:
    raw = f"Anna Petrova <{ANNA}>, {BORIS}, Viktor <viktor@example.net>"
    assert pairs(raw)[0] == [("Anna Petrova", ANNA), ("", BORIS), ("Viktor", "viktor@example.net")]


def test_trailing_comma_adds_nothing() -> None:
    assert pairs(f"{ANNA}, ")[0] == [("", ANNA)]


def test_empty_header_gives_no_address() -> None:
    assert pairs("")[0] == []
    assert pairs()[0] == []


# --- groups --------------------------------------------------------------------------------------


def test_group_members_are_listed() -> None:
    raw = f"Board: Anna Petrova <{ANNA}>, {BORIS};"
    assert pairs(raw)[0] == [("Anna Petrova", ANNA), ("", BORIS)]


def test_empty_group_gives_no_address() -> None:
    assert pairs("undisclosed-recipients:;") == ([], [])


def test_empty_group_next_to_an_address() -> None:
    assert pairs(f"undisclosed-recipients:;, {ANNA}")[0] == [("", ANNA)]


# --- quoting, encoding, comments -----------------------------------------------------------------


def test_quoted_names_with_commas_do_not_split() -> None:
    raw = f'"Petrova, Anna" <{ANNA}>, "Ivanov, Boris" <{BORIS}>'
    assert pairs(raw) == ([("Petrova, Anna", ANNA), ("Ivanov, Boris", BORIS)], [])


def test_quoted_name_with_escaped_quote() -> None:
    raw = f'"Anna \\"Annushka\\" Petrova" <{ANNA}>'
    assert pairs(raw)[0] == [('Anna "Annushka" Petrova', ANNA)]


@pytest.mark.parametrize("charset", ["UTF-8", "koi8-r", "windows-1251"])
def test_b_encoded_name_with_a_comma(charset: str) -> None:
    raw = f"{b_word('Петрова, Анна', charset)} <{ANNA}>, {BORIS}"
    assert pairs(raw)[0] == [("Петрова, Анна", ANNA), ("", BORIS)]


def test_q_encoded_name_with_an_encoded_comma() -> None:
    word = q_word("Петрова, Анна", "UTF-8")
    assert "=2C" in word
    assert pairs(f"{word} <{ANNA}>, {BORIS}")[0] == [("Петрова, Анна", ANNA), ("", BORIS)]


def test_q_encoded_name_with_a_literal_comma_does_not_split() -> None:
    # RFC 2047 wants "=2C" here, but clients write the comma as is; the name must stay whole.
    word = q_word("Петрова", "UTF-8")[:-2] + ",_" + q_word("Анна", "UTF-8")[10:]
    assert "," in word
    assert pairs(f"{word} <{ANNA}>, {BORIS}")[0] == [("Петрова, Анна", ANNA), ("", BORIS)]


def test_encoded_name_inside_quotes() -> None:
    raw = f'"{b_word("Анна Петрова", "UTF-8")}" <{ANNA}>'
    assert pairs(raw)[0] == [("Анна Петрова", ANNA)]


def test_name_mixing_plain_and_encoded_words() -> None:
    raw = f"{b_word('Анна', 'UTF-8')} Petrova <{ANNA}>"
    assert pairs(raw)[0] == [("Анна Petrova", ANNA)]


def test_comment_after_a_bare_address_is_the_old_style_name() -> None:
    assert pairs(f"{ANNA} (Anna Petrova)")[0] == [("Anna Petrova", ANNA)]


def test_comment_inside_a_name_and_address() -> None:
    found, _ = pairs(f"Anna Petrova (work) <{ANNA}>, Boris <{BORIS}> (home)")
    assert [address for _, address in found] == [ANNA, BORIS]
    assert found[0][0].startswith("Anna Petrova")
    assert found[1][0] == "Boris"


def test_encoded_newline_in_a_name_becomes_a_space() -> None:
    found, _ = pairs(f"{b_word('Анна' + chr(10) + 'Петрова', 'UTF-8')} <{ANNA}>")
    assert found == [("Анна Петрова", ANNA)]


# --- raw 8-bit names -----------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_raw_8bit_name_decoded_with_the_body_charset(charset: str) -> None:
    raw = "Анна Петрова".encode(charset) + f" <{ANNA}>".encode()
    message = parsed([("From", raw)], body_charset=charset)
    assert message.from_ == (Address("Анна Петрова", ANNA),)
    assert "From" in {where for where, _ in defects_of(message, DefectKind.RAW_8BIT_HEADER)}


def test_raw_8bit_utf8_name_in_quotes_with_a_comma() -> None:
    raw = '"Петрова, Анна" <anna@example.org>, boris@example.org'.encode()
    message = parsed([("To", raw)])
    assert message.to == (Address("Петрова, Анна", ANNA), Address("", BORIS))


# --- suspicious and broken addresses -------------------------------------------------------------


def test_display_name_that_is_an_address_keeps_the_real_address() -> None:
    found, defects = pairs(f'"{ANNA}" <intruder@phish.test>', name="From")
    assert found == [(ANNA, "intruder@phish.test")]
    assert defects == [DefectKind.ADDRESS]


def test_display_name_that_is_an_address_is_reported_in_the_record() -> None:
    message = parsed([("From", f"{ANNA} <intruder@phish.test>")])
    assert message.from_ == (Address(ANNA, "intruder@phish.test"),)
    [(where, detail)] = defects_of(message, DefectKind.ADDRESS)
    assert where == "From"
    assert ANNA in detail


def test_multiple_from_headers_are_all_kept_in_order() -> None:
    message = parsed([("From", f"Anna Petrova <{ANNA}>"), ("From", f"Boris <{BORIS}>")])
    assert message.from_ == (Address("Anna Petrova", ANNA), Address("Boris", BORIS))


def test_several_mailboxes_in_one_from_header() -> None:
    message = parsed([("From", f"{ANNA}, {BORIS}"), ("Sender", ANNA)])
    assert [a.address for a in message.from_] == [ANNA, BORIS]
    assert message.sender == (Address("", ANNA),)


@pytest.mark.parametrize(("raw", "name"), [("anna", ""), ("Anna <anna>", "Anna")])
def test_address_without_a_domain_is_kept_with_a_defect(raw: str, name: str) -> None:
    found, defects = pairs(raw)
    assert found == [(name, "anna")]
    assert defects == [DefectKind.ADDRESS]


def test_unquoted_name_before_a_bare_address() -> None:
    found, defects = pairs(f"Anna Petrova {ANNA}, Boris <{BORIS}>")
    assert found == [("Anna Petrova", ANNA), ("Boris", BORIS)]
    assert defects == [DefectKind.ADDRESS]


def test_every_address_header_lands_in_its_field() -> None:
    message = parsed(
        [
            ("From", f"Anna <{ANNA}>"),
            ("Sender", "secretary@example.org"),
            ("Reply-To", "replies@example.org"),
            ("To", f"Boris <{BORIS}>"),
            ("Cc", "viktor@example.net"),
            ("Bcc", "archive@example.net"),
        ]
    )
    assert [a.address for a in message.from_] == [ANNA]
    assert [a.address for a in message.sender] == ["secretary@example.org"]
    assert [a.address for a in message.reply_to] == ["replies@example.org"]
    assert [a.address for a in message.to] == [BORIS]
    assert [a.address for a in message.cc] == ["viktor@example.net"]
    assert [a.address for a in message.bcc] == ["archive@example.net"]


def test_nonsense_address_header_never_raises() -> None:
    for raw in ['"unterminated <a@b', "<<<>>>", "@@@, ,;:", "a@b@c <d@e> (((", "\\"]:
        found, _ = pairs(raw)
        assert all(isinstance(name, str) and isinstance(addr, str) for name, addr in found)


# --- remembered values ---------------------------------------------------------------------------


def test_a_value_met_again_gives_its_defects_again() -> None:
    raw = "Big Bug bb@example.org"
    first = pairs(raw, name="From")
    assert first == ([("Big Bug", "bb@example.org")], [DefectKind.ADDRESS])
    assert pairs(raw, name="From") == first


def test_raw_8bit_names_depend_on_the_charset_of_the_body() -> None:
    name = "Анна Петрова"
    raw = f"{name} <{ANNA}>".encode("koi8-r").decode("utf-8", "surrogateescape")
    koi8 = parse_addresses([raw], "From", HeaderContext(charset_hints=("koi8-r",)))
    assert koi8 == (Address(name, ANNA),)
    cp1251 = parse_addresses([raw], "From", HeaderContext(charset_hints=("cp1251",)))
    assert cp1251 != koi8


# --- plain mailboxes, read without the stdlib's parser -------------------------------------------

_PIECES = [
    "Ivan", "Петров", "a.b", "emlkitword0x", "x@y.org", "@", "<", ">", ",", " ", "\t", '"',
    "(", ")", ":", ";", ".", "\\", "\xa0", "<a@b>", "d@e", "\r\n", "[", "]", '"Q"',
    '"a, b"', '""', '"x@y"', '"a\nb"', '"<c@d>"',
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join))
@example("Ivan Petrov <ivan@example.org>, a..b@c ,\tF  G <h@i>")
@example('"Petrova, Anna" <a@b>, Ivan"" "Petrov" <c@d>')
def test_plain_mailboxes_are_read_as_the_stdlib_reads_them(value: str) -> None:
    simple = simple_mailboxes(value)
    if simple is not None:
        assert simple == getaddresses([value])


@pytest.mark.parametrize("value", ['"Q\\"" <a@b>', "a (c) <a@b>", "g: a@b;", "x@y@z", "<@r:a@b>"])
def test_other_forms_are_left_to_the_stdlib(value: str) -> None:
    assert simple_mailboxes(value) is None
