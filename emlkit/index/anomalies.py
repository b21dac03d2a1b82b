"""Date anomalies: a Date header that disagrees with the mail servers, or was not usable.

A message's Date is written by the sender's machine; its first Received hop is stamped by
the first server that took the message (``messages.received``, first hop first). The two
are normally seconds apart. emlkit flags, per message:

``date-after-received``
    The Date is later than the first Received hop with a date by more than
    :data:`MAX_AHEAD` (one hour): a clock set ahead, or a Date header written afterwards.
``date-before-received``
    The Date is earlier than that hop by more than :data:`MAX_BEHIND` (one day): a
    backdated Date, a wrong clock, or a message held (a draft, a queue) before sending.
``date-lenient``
    The Date header is not RFC 5322; its date was read leniently (python-dateutil, Russian
    month names). The two checks above still apply.
``date-from-received``
    No usable Date header: the date is the newest Received timestamp.
``date-missing``
    No usable Date header and no Received date: the message is undated.

Anomalies are stored in ``anomalies(message_id, kind, detail, seconds)``; ``seconds`` is
Date minus the first hop (positive when the Date is later), null for the fallbacks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from emlkit.index.queries import SUMMARY_COLUMNS, MessageSummary
from emlkit.index.store import Store

__all__ = [
    "AFTER_RECEIVED",
    "BEFORE_RECEIVED",
    "FROM_RECEIVED",
    "LENIENT",
    "MAX_AHEAD",
    "MAX_BEHIND",
    "MISSING",
    "Anomaly",
    "MessageAnomaly",
    "date_anomalies",
    "duration",
    "message_anomalies",
    "rebuild_anomalies",
]

AFTER_RECEIVED = "date-after-received"
BEFORE_RECEIVED = "date-before-received"
LENIENT = "date-lenient"
FROM_RECEIVED = "date-from-received"
MISSING = "date-missing"

MAX_AHEAD = timedelta(hours=1)
"""How much later than the first Received hop a Date may be without a flag."""
MAX_BEHIND = timedelta(days=1)
"""How much earlier than the first Received hop a Date may be without a flag."""

_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One thing wrong with a message's date: its kind, what was seen, the skew in seconds."""

    kind: str
    detail: str
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class MessageAnomaly:
    """An anomaly with the message it was found on."""

    message: MessageSummary
    anomaly: Anomaly


def duration(seconds: float) -> str:
    """A time span for people: ``2 d 3 h``, ``1 h 5 min``, ``40 s``."""
    total = round(abs(seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else f"{secs} s"


def _first_hop(hops: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((hop for hop in hops if hop.get("date_utc")), None)


def _skew(date: str | None, date_utc: str, hop: Mapping[str, Any]) -> Anomaly | None:
    seconds = (
        datetime.fromisoformat(date_utc) - datetime.fromisoformat(str(hop["date_utc"]))
    ).total_seconds()
    where = f"the first Received hop ({hop.get('date') or hop['date_utc']})"
    if seconds > MAX_AHEAD.total_seconds():
        detail = f"Date {date} is {duration(seconds)} later than {where}"
        return Anomaly(AFTER_RECEIVED, detail, seconds)
    if -seconds > MAX_BEHIND.total_seconds():
        detail = f"Date {date} is {duration(seconds)} earlier than {where}"
        return Anomaly(BEFORE_RECEIVED, detail, seconds)
    return None


def date_anomalies(
    date: str | None,
    date_utc: str | None,
    date_source: str,
    date_raw: str | None,
    hops: Sequence[Mapping[str, Any]],
) -> list[Anomaly]:
    """The anomalies of one message's date (see the module docstring).

    ``date`` and ``date_utc`` are ISO 8601 as stored; ``hops`` are the stored Received hops,
    first hop first, each with ``date_utc`` (and ``date``, with the server's offset).
    """
    found: list[Anomaly] = []
    raw = repr(date_raw) if date_raw else "absent"
    if date_source == "lenient":
        detail = f"the Date header {raw} is not RFC 5322; read leniently as {date}"
        found.append(Anomaly(LENIENT, detail))
    elif date_source == "received":
        detail = f"no usable Date header ({raw}); {date} is the newest Received timestamp"
        found.append(Anomaly(FROM_RECEIVED, detail))
        return found
    elif date_source != "header":
        detail = f"no usable Date header ({raw}) and no Received date: undated"
        found.append(Anomaly(MISSING, detail))
        return found
    hop = _first_hop(hops)
    if date_utc and hop is not None:
        skew = _skew(date, date_utc, hop)
        if skew is not None:
            found.append(skew)
    return found


def rebuild_anomalies(store: Store) -> int:
    """Recompute the ``anomalies`` table from every message's date; return how many."""
    db = store.db
    db.execute("DELETE FROM anomalies")
    rows = db.execute("SELECT id, date, date_utc, date_source, date_raw, received FROM messages")
    batch: list[tuple[int, str, str, float | None]] = []
    total = 0
    for row in rows:
        for anomaly in date_anomalies(row[1], row[2], row[3], row[4], json.loads(row[5])):
            batch.append((row[0], anomaly.kind, anomaly.detail, anomaly.seconds))
        if len(batch) >= _BATCH:
            total += _insert(store, batch)
    return total + _insert(store, batch)


def _insert(store: Store, batch: list[tuple[int, str, str, float | None]]) -> int:
    store.db.executemany(
        "INSERT INTO anomalies (message_id, kind, detail, seconds) VALUES (?, ?, ?, ?)", batch
    )
    count = len(batch)
    batch.clear()
    return count


def message_anomalies(
    store: Store, where: str = "", params: Sequence[object] = ()
) -> list[MessageAnomaly]:
    """The stored anomalies of the messages selected by ``where`` (SQL on ``messages m``,
    starting with `` WHERE`` or empty), oldest first."""
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, a.kind, a.detail, a.seconds FROM anomalies a"
        f" JOIN messages m ON m.id = a.message_id{where}"
        " ORDER BY m.date_utc IS NULL, m.date_utc, m.id, a.kind"
    )
    return [
        MessageAnomaly(MessageSummary(*row[:11]), Anomaly(row[11], row[12], row[13]))
        for row in store.db.execute(sql, list(params))
    ]
