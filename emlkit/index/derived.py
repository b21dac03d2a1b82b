"""The whole-index steps that follow an index run: threads, identities and date anomalies.

Threads and identities are recomputed when the run changed the index, and also whenever
the index differs from the one they were computed from: after an upgrade that added their
tables to an existing index, or after a run that was killed between storing messages and
this step. When they were up to date before a run that only added messages, only the
threads those messages joined are threaded again.

Date anomalies belong to one message each: they are written with the message, in the same
transaction. An index whose messages were stored by an emlkit that did not do so (its
``derived`` table lacks the :data:`_ANOMALIES` mark) has them rebuilt once, in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from emlkit.index.anomalies import rebuild_anomalies
from emlkit.index.identities import rebuild_identities
from emlkit.index.store import Store, now

__all__ = ["Before", "before_run", "refresh_derived"]

_NAME = "threads-senders-and-time"
_ANOMALIES = "anomalies-stored-with-each-message"


@dataclass(frozen=True, slots=True)
class Before:
    """The derived tables before a run: what :func:`refresh_derived` may skip after it."""

    fresh: bool
    """Threads, identities and anomalies were computed from the index as it was."""
    anomalies: bool
    """Every message stored has its date anomalies."""


def _fingerprint(store: Store) -> str:
    """What the derived tables were computed from: the message rows present."""
    row = store.db.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0) FROM messages"
    ).fetchone()
    return f"{row[0]}:{row[1]}:{row[2]}"


def _stored(store: Store, name: str) -> str | None:
    found = store.db.execute("SELECT fingerprint FROM derived WHERE name = ?", (name,)).fetchone()
    return None if found is None else str(found[0])


def _mark(store: Store, name: str, fingerprint: str) -> None:
    store.db.execute(
        "INSERT OR REPLACE INTO derived (name, fingerprint, computed_at) VALUES (?, ?, ?)",
        (name, fingerprint, now()),
    )


def before_run(store: Store) -> Before:
    """Look at the derived tables before a run stores anything (inside its transaction).

    An index with no message yet is marked as keeping anomalies with each message.
    """
    fingerprint = _fingerprint(store)
    anomalies = _stored(store, _ANOMALIES) is not None
    if not anomalies and fingerprint.startswith("0:"):
        _mark(store, _ANOMALIES, "")
        anomalies = True
    return Before(_stored(store, _NAME) == fingerprint, anomalies)


def refresh_derived(
    store: Store, changed: bool, before: Before | None = None, removed: bool = True
) -> bool:
    """Recompute threads and identities (and anomalies, if missing) if ``changed`` or stale.

    ``before``: the state :func:`before_run` saw; ``removed``: whether the run removed
    messages. Without them, everything is recomputed in full. Returns True when it
    recomputed anything.
    """
    fingerprint = _fingerprint(store)
    if before is None or not before.anomalies:
        rebuild_anomalies(store)
        _mark(store, _ANOMALIES, "")
    if not changed and _stored(store, _NAME) == fingerprint:
        return before is None or not before.anomalies
    only_added = before is not None and before.fresh and not removed
    store.rethread(unplaced_only=only_added)
    rebuild_identities(store)
    _mark(store, _NAME, fingerprint)
    return True
