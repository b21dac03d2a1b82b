"""The whole-index steps that follow an index run: threads, identities and date anomalies.

They are recomputed when the run changed the index, and also whenever the index differs
from the one they were computed from: after an upgrade that added their tables to an
existing index, or after a run that was killed between storing messages and this step.
"""

from __future__ import annotations

from emlkit.index.anomalies import rebuild_anomalies
from emlkit.index.identities import rebuild_identities
from emlkit.index.store import Store, now

__all__ = ["refresh_derived"]

_NAME = "threads-senders-and-time"


def _fingerprint(store: Store) -> str:
    """What the derived tables were computed from: the message rows present."""
    row = store.db.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0) FROM messages"
    ).fetchone()
    return f"{row[0]}:{row[1]}:{row[2]}"


def refresh_derived(store: Store, changed: bool) -> bool:
    """Recompute threads, identities and date anomalies if ``changed`` or stale.

    Returns True when it did.
    """
    fingerprint = _fingerprint(store)
    found = store.db.execute("SELECT fingerprint FROM derived WHERE name = ?", (_NAME,)).fetchone()
    if not changed and found is not None and found[0] == fingerprint:
        return False
    store.rethread()
    rebuild_identities(store)
    rebuild_anomalies(store)
    store.db.execute(
        "INSERT OR REPLACE INTO derived (name, fingerprint, computed_at) VALUES (?, ?, ?)",
        (_NAME, fingerprint, now()),
    )
    return True
