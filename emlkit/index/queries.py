"""Reading the index: full-text search with filters, and threads as trees.

Every function takes an open :class:`~emlkit.index.store.Store` and returns plain data; the
renderers and the command line turn it into output.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from emlkit.errors import QueryError, UsageError
from emlkit.index.rethread import INPUT_COLUMNS, thread_input
from emlkit.index.store import (
    FIRST_PATH,
    FIRST_PATH_IN_ANNEX,
    IN_ANNEX,
    IN_THREAD,
    THREAD_OF,
    Store,
)
from emlkit.index.text import match_expression, snippet
from emlkit.index.threading import Thread, ThreadInput, thread_tree, with_other_carriers


@dataclass(frozen=True, slots=True)
class MessageSummary:
    """The few fields of a stored message that lists and trees show."""

    row: int
    message_id: str
    date: str | None
    date_utc: str | None
    from_name: str
    from_address: str
    subject: str
    annex: int | None
    thread_id: str | None
    path: str | None
    sha256: str
    replies_to_missing: str | None = None
    """In a thread tree: the Message-ID this message answers, when the corpus lacks it."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the message, its BM25 score (lower is better) and a snippet."""

    message: MessageSummary
    score: float
    snippet: str
    spans: tuple[tuple[int, int], ...]
    """Character spans of the matched words within ``snippet``."""


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrictions on a search; every one that is set must hold."""

    sender: str | None = None
    """A substring of a From address or display name (any case)."""
    recipient: str | None = None
    """A substring of a To, Cc or Bcc address or display name (any case)."""
    since: datetime | None = None
    until: datetime | None = None
    annex: int | None = None
    thread: str | None = None


def _summary_columns(path: str) -> str:
    return (
        "m.id, m.message_id, m.date, m.date_utc, coalesce(m.from_name, ''),"
        f" coalesce(m.from_address, ''), m.subject, m.annex, {THREAD_OF}, {path}, m.sha256"
    )


SUMMARY_COLUMNS = _summary_columns(FIRST_PATH)
"""The columns of a :class:`MessageSummary`, selected from ``messages m``."""

_SUMMARY_IN_ANNEX = _summary_columns(FIRST_PATH_IN_ANNEX)
"""The same, the path a copy in the annex given as the first parameter."""


def search(
    store: Store, query: str, filters: SearchFilters | None = None, limit: int = 20
) -> list[SearchHit]:
    """The messages matching ``query`` (see ``docs/search.md``), best first (BM25).

    :raises QueryError: the query cannot be parsed.
    """
    expression = match_expression(query)
    filters = filters or SearchFilters()
    where, params = _filter_sql(filters)
    # Searching an annex, a hit names the copy that stands in it.
    columns, annex = (
        (SUMMARY_COLUMNS, ()) if filters.annex is None else (_SUMMARY_IN_ANNEX, (filters.annex,))
    )
    # Without filters, rank and cut inside the full-text index: joining every match to
    # `messages` first costs more than the ranking itself for common words.
    inner_limit = "" if where else " ORDER BY score LIMIT ?"
    sql = (
        f"SELECT {columns}, hits.score FROM messages m"
        " JOIN (SELECT rowid, bm25(messages_fts) AS score FROM messages_fts"
        f" WHERE messages_fts MATCH ?{inner_limit}) AS hits ON hits.rowid = m.id"
        f"{where} ORDER BY hits.score, m.date_utc LIMIT ?"
    )
    arguments = (*annex, expression, *params, limit) if where else (expression, limit, limit)
    _register_fold(store.db)
    try:
        rows = store.db.execute(sql, arguments).fetchall()
    except sqlite3.OperationalError as error:
        raise QueryError(f"the search engine rejected the query: {error}") from error
    hits: list[SearchHit] = []
    for row in rows:
        summary = MessageSummary(*row[:11])
        text = _searchable_text(store, summary.row)
        excerpt, spans = snippet(text, query)
        hits.append(SearchHit(summary, float(row[11]), excerpt, tuple(spans)))
    return hits


def find_thread(store: Store, ident: str) -> tuple[Thread, dict[str, MessageSummary]]:
    """The thread named by a thread id, a Message-ID or a message row, as a tree.

    Returns the tree (keys are message rows as strings) and the summary of each message.

    :raises UsageError: no thread or message has that id.
    """
    thread_id = _thread_id_of(store, ident)
    query = f"SELECT {SUMMARY_COLUMNS} FROM messages m WHERE {IN_THREAD}"
    summaries = {str(row[0]): MessageSummary(*row) for row in store.db.execute(query, (thread_id,))}
    inputs = store.thread_inputs(thread_id)
    trees = thread_tree(inputs)
    if not trees:
        raise UsageError(f"no thread {ident!r} in the index")
    present = {item.message_id for item in inputs}
    for item in inputs:
        wanted = (item.references or item.in_reply_to)[-1:]
        if wanted and wanted[0] not in present and item.key in summaries:
            summaries[item.key] = replace(summaries[item.key], replies_to_missing=wanted[0])
    carried = _carried_also(store, thread_id, summaries)
    return with_other_carriers(trees[0], carried), summaries


def _carried_also(
    store: Store, thread_id: str, summaries: dict[str, MessageSummary]
) -> list[tuple[ThreadInput, str]]:
    """The messages that messages of the thread forward but that hang under another carrier
    (of this thread or another), with the carrier here; their summaries join ``summaries``."""
    carried = [
        (thread_input(row[:-1]), str(row[-1]))
        for row in store.db.execute(
            f"SELECT {INPUT_COLUMNS}, other FROM (SELECT m.*, o.carrier_id AS other"
            " FROM message_carriers o JOIN messages m ON m.id = o.message_id WHERE o.carrier_id"
            " IN (SELECT t.message_id FROM message_threads t WHERE t.thread_id = ?))",
            (thread_id,),
        )
    ]
    elsewhere = [item.key for item, _ in carried if item.key not in summaries]
    if elsewhere:
        marks = ", ".join("?" * len(elsewhere))
        query = f"SELECT {SUMMARY_COLUMNS} FROM messages m WHERE m.id IN ({marks})"
        for row in store.db.execute(query, elsewhere):
            summaries[str(row[0])] = MessageSummary(*row)
    return carried


def _thread_id_of(store: Store, ident: str) -> str:
    cleaned = ident.strip().strip("<>")
    row = store.db.execute(
        "SELECT t.thread_id FROM messages m JOIN message_threads t ON t.message_id = m.id"
        " WHERE t.thread_id = ? OR m.message_id = ? OR CAST(m.id AS TEXT) = ?"
        " ORDER BY (t.thread_id = ?) DESC LIMIT 1",
        (cleaned, cleaned, cleaned, cleaned),
    ).fetchone()
    if row is None:
        raise UsageError(f"no thread or message {ident!r} in the index")
    return str(row[0])


def _searchable_text(store: Store, row: int) -> str:
    found = store.db.execute("SELECT subject, text FROM messages WHERE id = ?", (row,)).fetchone()
    return f"{found[0]}\n{found[1]}" if found else ""


def _filter_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if filters.sender:
        clauses.append(
            "m.id IN (SELECT message_id FROM addresses WHERE role = 'from'"
            " AND (instr(emlkit_fold(address), ?) OR instr(emlkit_fold(name), ?)))"
        )
        params += [filters.sender.casefold()] * 2
    if filters.recipient:
        clauses.append(
            "m.id IN (SELECT message_id FROM addresses WHERE role IN ('to', 'cc', 'bcc')"
            " AND (instr(emlkit_fold(address), ?) OR instr(emlkit_fold(name), ?)))"
        )
        params += [filters.recipient.casefold()] * 2
    if filters.since:
        clauses.append("m.date_utc >= ?")
        params.append(_utc(filters.since))
    if filters.until:
        clauses.append("m.date_utc < ?")
        params.append(_utc(filters.until))
    if filters.annex is not None:
        clauses.append(IN_ANNEX)
        params.append(filters.annex)
    if filters.thread:
        clauses.append(IN_THREAD)
        params.append(filters.thread)
    return ("" if not clauses else " WHERE " + " AND ".join(clauses)), params


def _utc(value: datetime | date) -> str:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _register_fold(db: sqlite3.Connection) -> None:
    db.create_function("emlkit_fold", 1, _fold, deterministic=True)


def _fold(value: object) -> str:
    return str(value or "").casefold()
