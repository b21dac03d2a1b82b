"""The original of quoted text: the message of the corpus in whose own words a quoted
passage was first written.

A reply or forward repeats earlier mail. When an excerpt lies in such quoted text, the
reader wants the message that said it first, with its own provenance. The original is the
message, other than the quoting one, whose own (unquoted) text holds the passage after
:func:`~emlkit.claims.quotes.normalize` — so a re-wrapped or ``>``-marked copy still finds
it, and a changed word does not. Messages of the quoting message's thread are tried first
(the nearest earlier one wins); then any message the full-text index finds for the
passage's words. Passages of fewer than :data:`MIN_WORDS` words (a signature, a greeting)
are too common to name an original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from emlkit.claims.quoted import own_text
from emlkit.claims.quotes import normalize
from emlkit.errors import QueryError
from emlkit.index.queries import search
from emlkit.index.store import FIRST_PATH, IN_THREAD, Store
from emlkit.records import Address

MIN_WORDS = 5
"""Passages shorter than this name no original."""
_SEARCH_WORDS = 12
_SEARCH_LIMIT = 25
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message named by a report: enough to find it and check it."""

    message_id: str
    date: str | None
    sender: str
    path: str | None
    sha256: str


def find_original(
    store: Store, passage: str, quoting_row: int, thread_id: str | None
) -> MessageRef | None:
    """The message whose own text holds ``passage``, quoted by message ``quoting_row``."""
    words = _WORD.findall(passage)
    if len(words) < MIN_WORDS:
        return None
    wanted = normalize(passage).text
    for row in _thread_rows(store, quoting_row, thread_id):
        if wanted in normalize(own_text(str(row[5]))).text:
            return _ref(row)
    for row in _search_rows(store, words, quoting_row):
        if wanted in normalize(own_text(str(row[5]))).text:
            return _ref(row)
    return None


_COLUMNS = (
    "m.id, m.message_id, m.date, coalesce(m.from_name, ''), coalesce(m.from_address, ''),"
    f" m.text, {FIRST_PATH}, m.sha256"
)


def _thread_rows(store: Store, quoting_row: int, thread_id: str | None) -> list[tuple[object, ...]]:
    """The thread's other messages, the nearest earlier one first, then later ones."""
    if thread_id is None:
        return []
    return store.db.execute(
        f"SELECT {_COLUMNS} FROM messages m, messages q WHERE q.id = ?"
        f" AND {IN_THREAD} AND m.id != q.id"
        " ORDER BY coalesce(m.date_utc, '') > coalesce(q.date_utc, ''),"
        " coalesce(abs(julianday(m.date_utc) - julianday(q.date_utc)), 1e9), m.id",
        (quoting_row, thread_id),
    ).fetchall()


def _search_rows(store: Store, words: list[str], quoting_row: int) -> list[tuple[object, ...]]:
    """Messages the full-text index finds for the passage's first words, as a phrase."""
    phrase = '"' + " ".join(words[:_SEARCH_WORDS]) + '"'
    try:
        hits = search(store, phrase, limit=_SEARCH_LIMIT)
    except QueryError:
        return []
    rows = [hit.message.row for hit in hits if hit.message.row != quoting_row]
    if not rows:
        return []
    marks = ",".join("?" * len(rows))
    return store.db.execute(
        f"SELECT {_COLUMNS} FROM messages m WHERE m.id IN ({marks}) ORDER BY m.date_utc, m.id",
        rows,
    ).fetchall()


def _ref(row: tuple[object, ...]) -> MessageRef:
    sender = Address(str(row[3]), str(row[4])).label()
    path = None if row[6] is None else str(row[6])
    date = None if row[2] is None else str(row[2])
    return MessageRef(str(row[1]), date, sender, path, str(row[7]))
