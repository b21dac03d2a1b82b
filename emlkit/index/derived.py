"""The whole-index steps that follow an index run: threads, identities and date anomalies.

Threads and identities are recomputed when the run changed the index, and also whenever
the index differs from the one they were computed from: after an upgrade that added their
tables to an existing index, or after a run that was killed between storing messages and
this step. When they were up to date before a run that only added messages, only the
threads those messages joined are threaded again, and only the identities they touch are
counted again (unless they bring a new mailbox or display name).

Date anomalies belong to one message each: they are written with the message, in the same
transaction. An index whose messages were stored by an emlkit that did not do so (its
``derived`` table lacks the :data:`_ANOMALIES` mark) has them rebuilt once, in full.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from emlkit.index.anomalies import rebuild_anomalies
from emlkit.index.identities import (
    IdentityRows,
    brings_new_names,
    compute_identities,
    recount_identities,
    write_identities,
)
from emlkit.index.store import Store, now

__all__ = ["Before", "before_run", "refresh_derived"]

_NAME = "threads-senders-and-time"
_ANOMALIES = "anomalies-stored-with-each-message"


@dataclass(frozen=True, slots=True)
class Before:
    """The derived tables before a run: what :func:`refresh_derived` may skip after it."""

    fresh: bool
    """Threads and identities were computed from the index as it was."""
    anomalies: bool
    """Every message stored has its date anomalies."""
    largest: int
    """The largest message row id: rows above it are the run's own."""


def _message_rows(store: Store) -> tuple[int, int, int]:
    """How many message rows there are, the largest id and the sum of the ids."""
    row = store.db.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0) FROM messages"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def _fingerprint(rows: tuple[int, int, int]) -> str:
    """What the derived tables were computed from: the message rows present."""
    return ":".join(map(str, rows))


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
    rows = _message_rows(store)
    anomalies = _stored(store, _ANOMALIES) is not None
    if not anomalies and rows[0] == 0:
        _mark(store, _ANOMALIES, "")
        anomalies = True
    return Before(_stored(store, _NAME) == _fingerprint(rows), anomalies, largest=rows[1])


def refresh_derived(
    store: Store,
    changed: bool,
    before: Before | None = None,
    removed: bool = True,
) -> bool:
    """Recompute threads and identities (and anomalies, if missing) if ``changed`` or stale.

    ``before``: the state :func:`before_run` saw; ``removed``: whether the run removed
    messages. Without them, everything is recomputed in full. Every message must be
    committed: identities to rebuild are computed on a second (read-only) connection while
    this one threads. Returns True when it recomputed anything.
    """
    fingerprint = _fingerprint(_message_rows(store))
    if before is None or not before.anomalies:
        rebuild_anomalies(store)
        _mark(store, _ANOMALIES, "")
    if not changed and _stored(store, _NAME) == fingerprint:
        return before is None or not before.anomalies
    added_after = before.largest if before is not None and before.fresh and not removed else None
    if added_after is not None and not brings_new_names(store, added_after):
        store.rethread(unplaced_only=True)
        recount_identities(store, added_after)
    else:
        with ThreadPoolExecutor(max_workers=1) as alongside:
            rebuilt = alongside.submit(_compute_identities, store.path)
            store.rethread(unplaced_only=added_after is not None)
            write_identities(store, rebuilt.result())
    _mark(store, _NAME, fingerprint)
    return True


def _compute_identities(path: Path) -> IdentityRows:
    """:func:`compute_identities` on a connection of its own (in another thread)."""
    with Store(path, readonly=True) as reader:
        return compute_identities(reader.db)
