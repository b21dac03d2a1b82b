"""A message's date: RFC 5322, then lenient, then the newest Received hop, else none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from helpers import defects_of, fixture_bytes, kinds, make_message
from hypothesis import given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import DateSource, DefectKind, Message
from emlkit.parse.dates import canonical_date, parse_lenient_date, parse_rfc_date

DATE_DEFECTS = {DefectKind.DATE_FALLBACK, DefectKind.DATE_MISSING}


def dated(value: str | None, received: tuple[str, ...] = ()) -> Message:
    headers: list[tuple[str, str | bytes | None]] = [("Date", value)]
    headers += [("Received", hop) for hop in received]
    return emlkit.parse_bytes(make_message(headers))


def zone(hours: int, minutes: int = 0) -> timezone:
    return timezone(timedelta(hours=hours, minutes=minutes))


# --- RFC 5322 dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "offset_hours", "utc"),
    [
        ("Tue, 16 Mar 2021 10:00:00 +0600", 6, datetime(2021, 3, 16, 4, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 +0300", 3, datetime(2021, 3, 16, 7, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 +0100", 1, datetime(2021, 3, 16, 9, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 -0500", -5, datetime(2021, 3, 16, 15, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 01:30:00 +0300", 3, datetime(2021, 3, 15, 22, 30, tzinfo=UTC)),
        ("16 Mar 2021 10:00 +0600", 6, datetime(2021, 3, 16, 4, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 +0300 (MSK)", 3, datetime(2021, 3, 16, 7, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 GMT", 0, datetime(2021, 3, 16, 10, 0, tzinfo=UTC)),
    ],
)
def test_rfc_date_keeps_the_written_offset_and_gives_utc(
    raw: str, offset_hours: int, utc: datetime
) -> None:
    message = dated(raw)
    date = message.date
    assert date.source is DateSource.HEADER
    assert date.raw == raw
    assert date.value is not None
    assert date.value.utcoffset() == timedelta(hours=offset_hours)
    assert date.utc == utc
    assert date.utc is not None
    assert date.utc.utcoffset() == timedelta(0)
    assert date.value.replace(tzinfo=None) == (utc + timedelta(hours=offset_hours)).replace(
        tzinfo=None
    )
    assert not kinds(message) & DATE_DEFECTS


def test_india_half_hour_offset() -> None:
    date = dated("Tue, 16 Mar 2021 10:00:00 +0530").date
    assert date.value is not None
    assert date.value.utcoffset() == timedelta(hours=5, minutes=30)
    assert date.utc == datetime(2021, 3, 16, 4, 30, tzinfo=UTC)


def test_minus_zero_zone_is_read_as_utc() -> None:
    date = dated("Tue, 16 Mar 2021 10:00:00 -0000").date
    assert date.utc == datetime(2021, 3, 16, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "offset_hours", "utc"),
    [
        ("Tue, 16 Mar 2021 10:00:00 +06:00", 6, datetime(2021, 3, 16, 4, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 +03:00", 3, datetime(2021, 3, 16, 7, 0, tzinfo=UTC)),
        ("Tue, 16 Mar 2021 10:00:00 +01:00", 1, datetime(2021, 3, 16, 9, 0, tzinfo=UTC)),
    ],
)
def test_offset_written_with_a_colon_is_not_lost(
    raw: str, offset_hours: int, utc: datetime
) -> None:
    # Not RFC 5322 syntax, but common; the offset must not silently become UTC.
    date = dated(raw).date
    assert date.value is not None
    assert date.value.utcoffset() == timedelta(hours=offset_hours)
    assert date.utc == utc


def test_named_moscow_zone_is_not_read_as_utc() -> None:
    # "MSK" is not an RFC 5322 zone, but emlkit knows it (+03:00); 10:00 MSK is 07:00 UTC.
    date = dated("Tue, 16 Mar 2021 10:00:00 MSK").date
    assert date.utc == datetime(2021, 3, 16, 7, 0, tzinfo=UTC)


def test_parse_rfc_date_rejects_nonsense_and_out_of_range_years() -> None:
    assert parse_rfc_date("not a date") is None
    assert parse_rfc_date("Tue, 16 Mar 2321 10:00:00 +0300") is None
    assert parse_rfc_date("Thu, 01 Jan 1960 00:00:00 +0000") is None
    assert parse_rfc_date("Thu, 00 Xxx 0000 00:00:00 +0000") is None


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("Fri, 1 Jan 21 10:00:00 +0000", 2021),  # two digits: 00-49 are 20xx
        ("Fri, 1 Jan 99 10:00:00 +0000", 1999),  # 50-99 are 19xx
        ("Fri, 1 Jan 121 10:00:00 +0000", 2021),  # three digits: 1900 plus (RFC 5322, 4.3)
        ("Fri, 1 Jan 0001 10:00:00 +0000", None),  # year 1 as written, not 2001
        ("Fri, 1 Jan 0099 10:00:00 +0000", None),
        ("1 Jan 2021 10:00 +0300", 2021),
    ],
)
def test_years_are_read_as_rfc_5322_writes_them(raw: str, year: int | None) -> None:
    value = parse_rfc_date(raw)
    assert (value.year if value is not None else None) == year


def test_a_year_written_with_leading_zeros_is_unusable_not_moved_to_this_century() -> None:
    date = dated("Mon, 1 Jan 0001 00:00:00 +0000").date
    assert date.value is None and date.source is DateSource.NONE
    assert date.raw == "Mon, 1 Jan 0001 00:00:00 +0000"


# --- lenient dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31.03.2021 14:05", datetime(2021, 3, 31, 14, 5, tzinfo=UTC)),
        ("05.04.2021 09:30", datetime(2021, 4, 5, 9, 30, tzinfo=UTC)),  # day first
        ("16 марта 2021 10:30", datetime(2021, 3, 16, 10, 30, tzinfo=UTC)),
        ("5 января 2021 09:15", datetime(2021, 1, 5, 9, 15, tzinfo=UTC)),
        ("вторник, 16 марта 2021 10:30", datetime(2021, 3, 16, 10, 30, tzinfo=UTC)),
        ("2021-03-16T10:00:00+03:00", datetime(2021, 3, 16, 10, 0, tzinfo=zone(3))),
        ("16 марта 2021 10:30 MSK", datetime(2021, 3, 16, 10, 30, tzinfo=zone(3))),
    ],
)
def test_lenient_dates(raw: str, expected: datetime) -> None:
    value = parse_lenient_date(raw)
    assert value == expected
    assert value is not None
    assert value.utcoffset() == expected.utcoffset()


def test_lenient_date_in_a_message_is_flagged() -> None:
    raw = "31.03.2021 14:05"
    message = emlkit.parse_bytes(make_message([("Date", raw.encode())]))
    assert message.date.source is DateSource.LENIENT
    assert message.date.utc == datetime(2021, 3, 31, 14, 5, tzinfo=UTC)
    assert message.date.raw == raw
    [(where, detail)] = defects_of(message, DefectKind.DATE_FALLBACK)
    assert where == "Date"
    assert "no time zone" in detail


def test_zone_less_lenient_date_takes_the_zone_of_the_first_received_hop() -> None:
    hops = (
        "from relay.example.org by mx.example.net; Wed, 31 Mar 2021 11:06:00 +0300",
        "from laptop.example.org by relay.example.org; Wed, 31 Mar 2021 14:05:30 +0600",
    )
    message = dated("31.03.2021 14:05", received=hops)
    assert message.date.source is DateSource.LENIENT
    assert message.date.value == datetime(2021, 3, 31, 14, 5, tzinfo=zone(6))
    assert message.date.value is not None
    assert message.date.value.utcoffset() == timedelta(hours=6)
    assert message.date.utc == datetime(2021, 3, 31, 8, 5, tzinfo=UTC)


@pytest.mark.parametrize("codec", ["utf-8", "cp1251", "koi8_r"])
def test_russian_month_date_in_a_raw_8bit_header(codec: str) -> None:
    # A Date header written by a Russian-locale client, in raw 8-bit bytes.
    raw = "16 марта 2021 10:30 MSK"
    message = emlkit.parse_bytes(make_message([("Date", raw.encode(codec))]))
    assert message.date.source is DateSource.LENIENT
    assert message.date.utc == datetime(2021, 3, 16, 7, 30, tzinfo=UTC)


# --- fallbacks -----------------------------------------------------------------------------------


def test_fixture_broken_date_falls_back_to_the_newest_received() -> None:
    message = emlkit.parse_bytes(fixture_bytes("date_broken_received_fallback.eml"))
    # The top Received header is the newest: 10:05:30 +0300 is 07:05:30 UTC.
    assert message.date.source is DateSource.RECEIVED
    assert message.date.utc == datetime(2021, 3, 16, 7, 5, 30, tzinfo=UTC)
    assert message.date.value is not None
    assert message.date.value.utcoffset() == timedelta(hours=3)  # as that server wrote it
    assert message.date.raw == "Thu, 00 Xxx 0000 00:00:00 +0000"
    [(where, detail)] = defects_of(message, DefectKind.DATE_FALLBACK)
    assert where == "Date"
    assert "Received" in detail


def test_missing_date_falls_back_to_received() -> None:
    hop = "from a.example.org by b.example.org; Tue, 16 Mar 2021 10:00:00 +0300"
    message = dated(None, received=(hop,))
    assert message.date.source is DateSource.RECEIVED
    assert message.date.utc == datetime(2021, 3, 16, 7, 0, tzinfo=UTC)
    assert message.date.raw is None
    assert DefectKind.DATE_FALLBACK in kinds(message)


def test_fixture_no_date_at_all() -> None:
    message = emlkit.parse_bytes(fixture_bytes("date_missing.eml"))
    assert message.date.source is DateSource.NONE
    assert (message.date.value, message.date.utc, message.date.raw) == (None, None, None)
    [(where, _)] = defects_of(message, DefectKind.DATE_MISSING)
    assert where == "Date"
    assert DefectKind.DATE_FALLBACK not in kinds(message)


def test_unusable_date_and_no_received_date() -> None:
    message = dated("sometime last week", received=("from a.example.org by b.example.org",))
    assert message.date.source is DateSource.NONE
    assert message.date.raw == "sometime last week"
    assert DefectKind.DATE_MISSING in kinds(message)


# --- Received hops -------------------------------------------------------------------------------


def test_fixture_received_hops_first_hop_first_with_delay() -> None:
    message = emlkit.parse_bytes(fixture_bytes("date_broken_received_fallback.eml"))
    first, second = message.received
    assert (first.hop, second.hop) == (1, 2)
    assert first.by_host == "relay.example.org"
    assert second.by_host == "mx.example.net"
    assert first.from_host is not None
    assert first.from_host.startswith("laptop.example.org")
    # 13:04:10 +0600 is 07:04:10 UTC; 10:05:30 +0300 is 07:05:30 UTC.
    assert first.date_utc == datetime(2021, 3, 16, 7, 4, 10, tzinfo=UTC)
    assert second.date_utc == datetime(2021, 3, 16, 7, 5, 30, tzinfo=UTC)
    assert first.date is not None and second.date is not None
    assert first.date.utcoffset() == timedelta(hours=6)  # as each server wrote it
    assert second.date.utcoffset() == timedelta(hours=3)
    assert first.delay is None
    assert second.delay == 80.0
    assert "\n" not in second.raw
    assert second.raw.startswith("from relay.example.org")


def test_garbage_received_header_never_raises() -> None:
    message = dated("Tue, 16 Mar 2021 10:00:00 +0300", received=(";;;", "from", "by by by;"))
    assert message.date.source is DateSource.HEADER
    assert len(message.received) <= 3


# --- the canonical form, read without the stdlib -------------------------------------------------


def _outcome(parse: Callable[[str], datetime | None], text: str) -> object:
    try:
        value = parse(text)
    except ValueError as error:
        return type(error)
    return None if value is None else (value, value.tzinfo)


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(["", "Tue, ", "Mon, ", "Tue,", "tue, "]),
    st.integers(0, 40),
    st.sampled_from(["Jan", "Feb", "Mar", "Dec", "mar", "Foo"]),
    st.sampled_from(["1999", "2021", "0999", "9999", "21", "2100"]),
    st.tuples(*[st.integers(0, 99)] * 3),
    st.sampled_from(["+", "-"]),
    st.integers(0, 2599),
    st.sampled_from(["", " ", " (MSK)"]),
)
def test_the_canonical_form_is_read_as_the_stdlib_reads_it(
    weekday: str,
    day: int,
    month: str,
    year: str,
    clock: tuple[int, int, int],
    sign: str,
    zone: int,
    tail: str,
) -> None:
    text = f"{weekday}{day} {month} {year} {clock[0]:02}:{clock[1]:02}:{clock[2]:02}"
    text += f" {sign}{zone:04}{tail}"
    fast = _outcome(canonical_date, text)
    if fast is not None:
        assert fast == _outcome(parsedate_to_datetime, text)


def test_an_offset_of_a_day_or_more_is_unusable_not_an_error() -> None:
    message = dated("Tue, 16 Mar 2021 10:00:00 +3300")
    assert message.date.source is DateSource.NONE
    assert DefectKind.DATE_MISSING in kinds(message)
