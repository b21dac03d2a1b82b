"""Reading identities: who sent how much and when, and who writes to whom.

A message is counted once per Message-ID: a forwarded copy of a message that is also in the
corpus, or another version of it (``conflicting``), is not counted twice. Dates are the
message's own (with the offset its sender wrote); first and last are by UTC.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from emlkit.errors import StoreError
from emlkit.index.identities import Link
from emlkit.index.store import IN_ANNEX, Store

__all__ = [
    "Correspondence",
    "DateRange",
    "Identity",
    "Mailbox",
    "NameVariant",
    "Sender",
    "correspondents",
    "identities",
    "identity_clause",
    "require_identities",
    "senders",
]


@dataclass(frozen=True, slots=True)
class Mailbox:
    """One address of an identity, and on how many messages it appears (any role)."""

    address: str
    messages: int


@dataclass(frozen=True, slots=True)
class NameVariant:
    """One display name of an identity, and on how many messages it is written."""

    name: str
    messages: int


@dataclass(frozen=True, slots=True)
class Identity:
    """One person or office: a label, mailboxes, name variants and why they were merged."""

    id: int
    label: str
    messages: int
    """Messages on which any of its mailboxes appears, in any role."""
    mailboxes: tuple[Mailbox, ...]
    names: tuple[NameVariant, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class DateRange:
    """The first and last dates of some messages: with their own offsets, and in UTC."""

    first: str | None
    first_utc: str | None
    last: str | None
    last_utc: str | None


@dataclass(frozen=True, slots=True)
class Sender:
    """An identity, how many messages it sent (From) and when."""

    identity: Identity
    messages: int
    dates: DateRange


@dataclass(frozen=True, slots=True)
class Correspondence:
    """Messages from one identity to another (To, Cc or Bcc), and when."""

    sender: Identity
    recipient: Identity
    messages: int
    dates: DateRange


def require_identities(store: Store) -> None:
    """Check that the index holds identities and date anomalies.

    :raises StoreError: the index was written by an emlkit without them.
    """
    try:
        version = store.db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        done = store.db.execute("SELECT 1 FROM derived").fetchone()
    except sqlite3.OperationalError:
        version, done = 0, None
    if int(version or 0) < 2 or done is None:
        raise StoreError(
            f"{store.path}: this index has no identities or date anomalies yet (it was made by"
            " an older emlkit); run `emlkit index PATH` again to add them"
        )


def identities(store: Store) -> dict[int, Identity]:
    """Every identity of the index by id, with its mailboxes, names and links.

    :raises StoreError: the index has no identities (see :func:`require_identities`).
    """
    require_identities(store)
    db = store.db
    mailboxes: dict[int, list[Mailbox]] = {}
    query = "SELECT identity_id, address, messages FROM identity_mailboxes"
    for row in db.execute(query + " ORDER BY messages DESC, address"):
        mailboxes.setdefault(row[0], []).append(Mailbox(row[1], row[2]))
    names: dict[int, list[NameVariant]] = {}
    query = "SELECT identity_id, name, messages FROM identity_names"
    for row in db.execute(query + " ORDER BY messages DESC, name"):
        names.setdefault(row[0], []).append(NameVariant(row[1], row[2]))
    links: dict[int, list[Link]] = {}
    query = "SELECT identity_id, address, name, other_address, other_name FROM identity_links"
    for row in db.execute(query + " ORDER BY rowid"):
        links.setdefault(row[0], []).append(Link(row[1], row[2], row[3], row[4]))
    return {
        row[0]: Identity(
            row[0],
            row[1],
            row[2],
            tuple(mailboxes.get(row[0], ())),
            tuple(names.get(row[0], ())),
            tuple(links.get(row[0], ())),
        )
        for row in db.execute("SELECT id, label, messages FROM identities ORDER BY id")
    }


def identity_clause(store: Store, text: str) -> tuple[str, list[object]]:
    """SQL (on ``messages m``) for messages sent by an identity matching ``text``.

    An identity matches when any of its mailboxes or name variants contains ``text`` (any
    case); then every message from any of its mailboxes is selected.
    """
    store.db.create_function("emlkit_fold", 1, _fold, deterministic=True)
    folded = text.casefold()
    sql = (
        "m.id IN (SELECT a.message_id FROM addresses a JOIN identity_mailboxes im"
        " ON im.address = a.address WHERE a.role = 'from' AND im.identity_id IN ("
        "SELECT identity_id FROM identity_mailboxes WHERE instr(emlkit_fold(address), ?)"
        " UNION SELECT identity_id FROM identity_names WHERE instr(emlkit_fold(name), ?)))"
    )
    return sql, [folded, folded]


def _fold(value: object) -> str:
    """Python's casefold for SQL (SQLite's lower() folds ASCII only)."""
    return str(value or "").casefold()


def _annex(annex: int | None) -> tuple[str, list[object]]:
    return ("", []) if annex is None else (f" AND {IN_ANNEX}", [annex])


_SENT = (
    "SELECT DISTINCT im.identity_id AS who, m.message_id AS mid, m.date AS date,"
    " m.date_utc AS utc FROM addresses a JOIN identity_mailboxes im ON im.address = a.address"
    " JOIN messages m ON m.id = a.message_id WHERE a.role = 'from'{annex}"
)


def senders(store: Store, annex: int | None = None) -> list[Sender]:
    """Every identity that sent a message (of ``annex``, if given), most messages first.

    :raises StoreError: the index has no identities (see :func:`require_identities`).
    """
    known = identities(store)
    where, params = _annex(annex)
    counts = _ranges(store, _SENT.format(annex=where), params, ("who",))
    found = [Sender(known[key[0]], n, dates) for key, (n, dates) in counts.items()]
    return sorted(found, key=lambda s: (-s.messages, s.identity.label, s.identity.id))


_PAIRS = (
    "SELECT DISTINCT s.identity_id AS who, r.identity_id AS whom, m.message_id AS mid,"
    " m.date AS date, m.date_utc AS utc FROM messages m"
    " JOIN addresses af ON af.message_id = m.id AND af.role = 'from'"
    " JOIN identity_mailboxes s ON s.address = af.address"
    " JOIN addresses ar ON ar.message_id = m.id AND ar.role IN ('to', 'cc', 'bcc')"
    " JOIN identity_mailboxes r ON r.address = ar.address WHERE 1{annex}"
)


def correspondents(
    store: Store, annex: int | None = None, limit: int | None = None
) -> list[Correspondence]:
    """Sender → recipient pairs of identities with their message counts, most first.

    :raises StoreError: the index has no identities (see :func:`require_identities`).
    """
    known = identities(store)
    where, params = _annex(annex)
    counts = _ranges(store, _PAIRS.format(annex=where), params, ("who", "whom"))
    found = [
        Correspondence(known[key[0]], known[key[1]], n, dates) for key, (n, dates) in counts.items()
    ]
    found.sort(key=lambda c: (-c.messages, c.sender.label, c.recipient.label, c.sender.id))
    return found if limit is None else found[:limit]


def _ranges(
    store: Store, rows_sql: str, params: list[object], group: tuple[str, ...]
) -> dict[tuple[int, ...], tuple[int, DateRange]]:
    """Count distinct Message-IDs per group of ``rows_sql``, with first and last dates.

    SQLite takes a bare column (``date``) from the row that holds the single min() or
    max() of a grouped query, which gives each date with its own offset.
    """
    columns = ", ".join(group)
    base = f"WITH picked AS ({rows_sql}) SELECT {columns}"
    tail = f" FROM picked GROUP BY {columns}"
    firsts = {
        tuple(row[: len(group)]): row[len(group) :]
        for row in store.db.execute(base + ", count(DISTINCT mid), min(utc), date" + tail, params)
    }
    lasts = {
        tuple(row[: len(group)]): row[len(group) :]
        for row in store.db.execute(base + ", max(utc), date" + tail, params)
    }
    result: dict[tuple[int, ...], tuple[int, DateRange]] = {}
    for key, (count, first_utc, first) in firsts.items():
        last_utc, last = lasts[key]
        dates = DateRange(
            first if first_utc else None,
            first_utc,
            last if last_utc else None,
            last_utc,
        )
        result[key] = (int(count), dates)
    return result
