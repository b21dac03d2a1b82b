"""Messages over time: counts per day, ISO week or month, and the date anomalies under them.

Periods are taken in UTC (``messages.date_utc``), so that mail written in Zarechensk at
01:00 (+06:00) and mail written in London at 19:00 the evening before are one day apart as
they really are; a message's own offset is kept for display. A week is an ISO 8601 week
(Monday to Sunday, ``2021-W11``), a month is a calendar month (``2021-03``). Periods with
no message between the first and the last are kept, with a count of 0, so gaps show.

Each Message-ID counts once, at its earliest date (a forwarded copy or another version of
a message is not counted twice). Messages without any date are counted as ``undated``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from emlkit.errors import UsageError
from emlkit.index.anomalies import MessageAnomaly, message_anomalies
from emlkit.index.choices import PERIODS
from emlkit.index.senders import identity_clause, require_identities
from emlkit.index.store import IN_ANNEX, Store

__all__ = ["PERIODS", "Period", "Timeline", "TimelineFilters", "period_start", "timeline"]


@dataclass(frozen=True, slots=True)
class TimelineFilters:
    """Which messages a timeline counts; every filter that is set must hold."""

    sender: str | None = None
    """A substring (any case) of a mailbox or display name of the sending identity."""
    annex: int | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a timeline: its label (``2021-03``), first day (UTC) and count."""

    label: str
    start: str
    messages: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """Counts per period, the undated messages, and the date anomalies, oldest first."""

    by: str
    periods: tuple[Period, ...]
    messages: int
    """Dated messages counted (the sum of the periods)."""
    undated: int
    anomalies: tuple[MessageAnomaly, ...]


def period_start(day: date, by: str) -> date:
    """The first day of the period (``day``, ``week`` or ``month``) holding ``day``."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _label(start: date, by: str) -> str:
    if by == "day":
        return start.isoformat()
    if by == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{start.year:04d}-{start.month:02d}"


def _next(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _where(store: Store, filters: TimelineFilters) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if filters.sender:
        clause, values = identity_clause(store, filters.sender)
        clauses.append(clause)
        params += values
    if filters.annex is not None:
        clauses.append(IN_ANNEX)
        params.append(filters.annex)
    return ("" if not clauses else " WHERE " + " AND ".join(clauses)), params


def timeline(store: Store, by: str = "month", filters: TimelineFilters | None = None) -> Timeline:
    """Count the messages (matching ``filters``) per period ``by``, and list their anomalies.

    :raises UsageError: ``by`` is not one of :data:`PERIODS`.
    :raises StoreError: the index has no identities or anomalies yet.
    """
    if by not in PERIODS:
        raise UsageError(f"a timeline is counted by {', '.join(PERIODS)}, not {by!r}")
    require_identities(store)
    where, params = _where(store, filters or TimelineFilters())
    counts: Counter[date] = Counter()
    undated = 0
    sql = f"SELECT min(m.date_utc) FROM messages m{where} GROUP BY m.message_id"
    for (utc,) in store.db.execute(sql, params):
        if utc is None:
            undated += 1
        else:
            counts[period_start(date.fromisoformat(utc[:10]), by)] += 1
    periods: list[Period] = []
    if counts:
        start, last = min(counts), max(counts)
        while start <= last:
            periods.append(Period(_label(start, by), start.isoformat(), counts[start]))
            start = _next(start, by)
    anomalies = message_anomalies(store, where, params)
    return Timeline(by, tuple(periods), sum(counts.values()), undated, tuple(anomalies))
