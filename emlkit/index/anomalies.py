"""Date anomalies: a Date header that disagrees with the mail servers, or was not usable.

A message's Date is written by the sender's machine; its first Received hop is stamped by
the first server that took the message (``messages.received``, first hop first). The two
are normally seconds apart. emlkit flags, per message:

``date-after-received``
    The Date is later than the first Received hop with a date by more than ``MAX_AHEAD``
    (one hour): a clock set ahead, or a Date header written afterwards.
``date-before-received``
    The Date is earlier than that hop by more than ``MAX_BEHIND`` (one day): a backdated
    Date, a wrong clock, or a message held (a draft, a queue) before sending.
``date-lenient``
    The Date header is not RFC 5322; its date was read leniently (python-dateutil, Russian
    month names). The two checks above still apply.
``date-from-received``
    No usable Date header: the date is the newest Received timestamp.
``date-missing``
    No usable Date header and no Received date: the message is undated.

The rules, and those constants, are in :mod:`emlkit.index.date_rules`. Anomalies are stored
in ``anomalies(message_id, kind, detail, seconds)``; ``seconds`` is Date minus the first hop
(positive when the Date is later), null for the fallbacks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from emlkit.index.date_rules import Anomaly, date_anomalies
from emlkit.index.queries import SUMMARY_COLUMNS, MessageSummary
from emlkit.index.store import Store

__all__ = ["MessageAnomaly", "message_anomalies", "rebuild_anomalies"]

_BATCH = 1000


@dataclass(frozen=True, slots=True)
class MessageAnomaly:
    """An anomaly with the message it was found on."""

    message: MessageSummary
    anomaly: Anomaly


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
