"""A message's date: the Date header, else a lenient parse, else the newest Received hop."""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateutil import parser as dateutil_parser

from emlkit.records import DateSource, Defect, DefectKind, MessageDate, ReceivedHop

_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_COLON_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})$")
_YEAR = re.compile(r"(?<!\d)(\d{4}|\d{2})(?!\d)")
_WRITTEN_YEAR = re.compile(
    r"(?<![\w:])(\d{1,2}[ \t]+[A-Za-z]{3,}[ \t]+)(\d+)(?=[ \t]+\d{1,2}:)", re.ASCII
)
"""Day, month name and the year as written, before the time: the stdlib reads a year by
value, so ``0001`` becomes 2001 and ``121`` nothing."""
_DOTTED = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_CANONICAL = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]\d{3}) "
    r"(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})",
    re.ASCII,
)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_ZONE_IN_TEXT = re.compile(r"[+-]\d{2}:?\d{2}\b|\b(?:UTC|GMT|UT|Z)\b", re.I)


# dateutil accepts any number of names per month and weekday; its stubs say at most three.
_MONTH_NAMES: list[tuple[str, ...]] = [
    ("Jan", "January", "янв", "январь", "января"),
    ("Feb", "February", "фев", "февр", "февраль", "февраля"),
    ("Mar", "March", "мар", "март", "марта"),
    ("Apr", "April", "апр", "апрель", "апреля"),
    ("May", "May", "май", "мая"),
    ("Jun", "June", "июн", "июнь", "июня"),
    ("Jul", "July", "июл", "июль", "июля"),
    ("Aug", "August", "авг", "август", "августа"),
    ("Sep", "Sept", "September", "сен", "сент", "сентябрь", "сентября"),
    ("Oct", "October", "окт", "октябрь", "октября"),
    ("Nov", "November", "ноя", "нояб", "ноябрь", "ноября"),
    ("Dec", "December", "дек", "декабрь", "декабря"),
]
_WEEKDAY_NAMES: list[tuple[str, ...]] = [
    ("Mon", "Monday", "пн", "понедельник"),
    ("Tue", "Tuesday", "вт", "вторник"),
    ("Wed", "Wednesday", "ср", "среда"),
    ("Thu", "Thursday", "чт", "четверг"),
    ("Fri", "Friday", "пт", "пятница"),
    ("Sat", "Saturday", "сб", "суббота"),
    ("Sun", "Sunday", "вс", "воскресенье"),
]


@cache
def _parser_info() -> dateutil_parser.parserinfo:
    """dateutil's vocabulary plus Russian month and weekday names (all grammatical cases).

    Built on first use: importing dateutil's parser is a cost most runs never need.
    """
    from dateutil import parser

    class RussianParserInfo(parser.parserinfo):
        MONTHS = _MONTH_NAMES  # type: ignore[assignment]
        WEEKDAYS = _WEEKDAY_NAMES  # type: ignore[assignment]

    return RussianParserInfo()


_HOUR = 3600
_ZONES = {
    "MSK": 3 * _HOUR, "MSD": 4 * _HOUR, "EET": 2 * _HOUR, "EEST": 3 * _HOUR, "CET": _HOUR,
    "CEST": 2 * _HOUR, "BST": _HOUR, "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CST": -6 * _HOUR,
    "CDT": -5 * _HOUR, "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "PST": -8 * _HOUR,
    "PDT": -7 * _HOUR, "YEKT": 5 * _HOUR, "OMST": 6 * _HOUR, "NOVT": 7 * _HOUR,
}  # fmt: skip


def parse_rfc_date(raw: str) -> datetime | None:
    """An RFC 5322 date as a timezone-aware datetime, or None when it does not parse.

    An offset written with a colon (``+06:00``) is accepted. A zone the stdlib does not
    know (``MSK``) gives None, so that the lenient parser, which knows it, takes over.
    """
    text = raw.strip()
    if text[-3:-2] == ":":  # the only place _COLON_OFFSET can match
        text = _COLON_OFFSET.sub(r"\1\2\3", text)
    try:
        value = canonical_date(text)
        if value is None:
            written = _rfc_years(text)
            if written is None:
                return None
            value = parsedate_to_datetime(written)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value.tzinfo is None:
        if not text.endswith("-0000"):
            return None
        value = value.replace(tzinfo=UTC)  # "-0000": zone unknown; RFC 5322 says UTC
    return value if _EARLIEST <= value < _LATEST else None


def _rfc_years(text: str) -> str | None:
    """``text`` with its year as RFC 5322 reads it (section 4.3): two digits are 19xx or 20xx
    (as the stdlib reads any value below 100), three digits are 1900 plus their value; None
    when four digits or more are written with a value below 100 (``0001``, not 2001)."""
    match = _WRITTEN_YEAR.search(text)
    if match is None:
        return text
    year = match[2]
    if len(year) == 3:
        return text[: match.start(2)] + str(1900 + int(year)) + text[match.end(2) :]
    if len(year) >= 4 and int(year) < 100:
        return None
    return text


def canonical_date(text: str) -> datetime | None:
    """:func:`email.utils.parsedate_to_datetime` of a date written exactly as RFC 5322
    recommends (``Tue, 16 Mar 2021 10:00:00 +0300``), read with one regex; None for any
    other form, which is left to the stdlib. Raises ValueError where the stdlib does (an
    impossible day, hour or offset)."""
    match = _CANONICAL.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    offset = int(zone_hours) * _HOUR + int(zone_minutes) * 60
    if sign == "-":
        if not offset:
            return None  # "-0000" gives a naive datetime: the stdlib's case
        offset = -offset
    return datetime(
        int(year),
        _MONTH_NUMBERS[month],
        int(day),
        int(hour),
        int(minute),
        int(second),
        tzinfo=_zone(offset),
    )


@cache  # a corpus has a few dozen offsets: one timezone object each, not one per date
def _zone(offset: int) -> timezone:
    return timezone(timedelta(seconds=offset))


def parse_lenient_date(raw: str) -> datetime | None:
    """A date written any other way (``31.03.2021 14:05``, ``16 марта 2021``), or None."""
    from dateutil import parser as dateutil_parser

    try:
        with warnings.catch_warnings():  # an unknown zone name: read as no zone, below
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            value = dateutil_parser.parse(
                raw,
                parserinfo=_parser_info(),
                fuzzy=True,
                dayfirst=bool(_DOTTED.search(raw)),
                tzinfos=_ZONES,
            )
    except (ValueError, OverflowError, TypeError, dateutil_parser.ParserError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not _year_written(value, raw):
        return None  # fuzzy parsing invented the year: not a date worth trusting
    try:
        value.utcoffset()
    except ValueError:  # an offset of a day or more ("+3300"): no zone on earth
        return None
    return value if _EARLIEST <= value < _LATEST else None


def _year_written(value: datetime, raw: str) -> bool:
    years = {token for token in _YEAR.findall(raw)}
    return str(value.year) in years or f"{value.year % 100:02d}" in years


def resolve_date(
    raw: str | None, received: tuple[ReceivedHop, ...], defects: list[Defect]
) -> MessageDate:
    """The message's date and its source; every fallback appends a defect.

    A leniently parsed date that names no time zone takes the offset of the first Received
    hop (the sender's own server, usually in the sender's zone), else UTC.
    """
    cleaned = " ".join(raw.split()) if raw else ""
    if cleaned:
        value = parse_rfc_date(cleaned)
        if value is not None:
            return _dated(value, raw, DateSource.HEADER)
        value = parse_lenient_date(cleaned)
        if value is not None:
            detail = f"Date {cleaned[:60]!r} is not RFC 5322; parsed leniently"
            if not _names_zone(cleaned):
                value, zone = _local_zone(value, received)
                detail += f", no time zone given: read in {zone}"
            defects.append(Defect(DefectKind.DATE_FALLBACK, "Date", detail))
            return _dated(value, raw, DateSource.LENIENT)
    newest = next((hop for hop in reversed(received) if hop.date is not None), None)
    reason = f"Date {cleaned[:60]!r} is unusable" if cleaned else "no Date header"
    if newest is not None and newest.date is not None:
        detail = f"{reason}; took the newest Received timestamp"
        defects.append(Defect(DefectKind.DATE_FALLBACK, "Date", detail))
        return _dated(newest.date, raw, DateSource.RECEIVED)
    defects.append(Defect(DefectKind.DATE_MISSING, "Date", f"{reason}, and no Received date"))
    return MessageDate(None, None, raw, DateSource.NONE)


def _local_zone(value: datetime, received: tuple[ReceivedHop, ...]) -> tuple[datetime, str]:
    first = next((hop.date for hop in received if hop.date is not None), None)
    if first is None or first.tzinfo is None:
        return value.replace(tzinfo=UTC), "UTC"
    zone = first.tzinfo
    return value.replace(tzinfo=zone), f"the zone of the first Received hop ({first:%z})"


def _dated(value: datetime, raw: str | None, source: DateSource) -> MessageDate:
    return MessageDate(value, value.astimezone(UTC), raw, source)


def _names_zone(text: str) -> bool:
    if _ZONE_IN_TEXT.search(text):
        return True
    return any(word.upper() in _ZONES for word in re.findall(r"[A-Za-z]+", text))
