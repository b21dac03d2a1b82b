"""The rules of date anomalies, for one message at a time (see :mod:`emlkit.index.anomalies`).

Pure functions of a message's stored date fields and Received hops: the index's workers
apply them to each message as it is parsed, and the store writes the anomalies with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "AFTER_RECEIVED",
    "BEFORE_RECEIVED",
    "FROM_RECEIVED",
    "LENIENT",
    "MAX_AHEAD",
    "MAX_BEHIND",
    "MISSING",
    "Anomaly",
    "date_anomalies",
    "duration",
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


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One thing wrong with a message's date: its kind, what was seen, the skew in seconds."""

    kind: str
    detail: str
    seconds: float | None = None


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
