"""A lazy, sized, filterable and sliceable set of the index's messages."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any, overload

from emlkit.api.frames import Frame, frame
from emlkit.api.reading import ROW_COLUMNS, ROW_FROM, MessageFilter, filter_sql, iter_records
from emlkit.api.record import IndexedMessage
from emlkit.errors import UsageError
from emlkit.render.html import table_html

__all__ = ["COLUMNS", "MessageSet"]

COLUMNS = tuple(field.name for field in fields(IndexedMessage))
"""The columns of :meth:`MessageSet.to_pandas`: the record's fields, in order."""

_PREVIEW = 20
"""How many messages a set shows in a notebook."""


@dataclass(frozen=True, slots=True)
class _Query:
    filters: tuple[MessageFilter, ...] = ()
    by_date: bool = False
    reverse: bool = False
    offset: int = 0
    limit: int | None = None

    @property
    def sliced(self) -> bool:
        return self.offset != 0 or self.limit is not None


class MessageSet:
    """Messages of the index, read lazily: nothing is queried until it is counted or read.

    ``len()`` counts in SQL; iterating streams records from a cursor, a batch at a time.
    :meth:`filter` and :meth:`sorted_by_date` return new sets; indexing gives one
    :class:`IndexedMessage` and slicing a new set (``messages[:10]``). Without sorting,
    messages come in the order they were indexed.
    """

    __slots__ = ("_connect", "_query")

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], query: _Query | None = None
    ) -> None:
        self._connect = connect
        self._query = query or _Query()

    def filter(
        self,
        *,
        sender: str | None = None,
        recipient: str | None = None,
        annex: int | None = None,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        has_attachment: bool | None = None,
        thread: str | None = None,
        message_id: str | None = None,
        forwarded: bool | None = None,
        conflicting: bool | None = None,
        id: int | None = None,
    ) -> MessageSet:
        """The messages of this set that match every condition given (see
        :class:`MessageFilter`; dates may also be ISO 8601 text).

        :raises UsageError: the set is a slice (filter first, then slice).
        """
        if self._query.sliced:
            raise UsageError("filter a message set before slicing it, not after")
        wanted = MessageFilter(
            sender, recipient, annex, _date(since), _date(until), has_attachment, thread,
            message_id, forwarded, conflicting, id,
        )  # fmt: skip
        return self._with(filters=(*self._query.filters, wanted))

    def sorted_by_date(self, reverse: bool = False) -> MessageSet:
        """The same messages, oldest first by UTC date (newest first with ``reverse``);
        undated messages come last either way.

        :raises UsageError: the set is a slice (sort first, then slice).
        """
        if self._query.sliced:
            raise UsageError("sort a message set before slicing it, not after")
        return self._with(by_date=True, reverse=reverse)

    def __len__(self) -> int:
        where, params = filter_sql(self._query.filters)
        sql = f"SELECT count(*) FROM messages m WHERE {where}"
        total = int(self._connect().execute(sql, params).fetchone()[0])
        left = max(0, total - self._query.offset)
        return left if self._query.limit is None else min(left, self._query.limit)

    def __bool__(self) -> bool:
        return len(self[:1]) > 0

    def __iter__(self) -> Iterator[IndexedMessage]:
        sql, params = self._select()
        return iter_records(self._connect(), sql, params)

    @overload
    def __getitem__(self, key: int) -> IndexedMessage: ...
    @overload
    def __getitem__(self, key: slice) -> MessageSet: ...
    def __getitem__(self, key: int | slice) -> IndexedMessage | MessageSet:
        if isinstance(key, slice):
            return self._slice(key)
        position = key + len(self) if key < 0 else key
        found = list(self._slice(slice(position, position + 1))) if position >= 0 else []
        if not found:
            raise IndexError(f"message index {key} out of range")
        return found[0]

    def _slice(self, key: slice) -> MessageSet:
        if key.step not in (None, 1):
            raise UsageError("a message set slices with step 1 only")
        start, stop = key.start, key.stop
        if (start is not None and start < 0) or (stop is not None and stop < 0):
            start, stop, _ = key.indices(len(self))
        start = start or 0
        query = self._query
        limit = None if stop is None else max(0, stop - start)
        if query.limit is not None:
            available = max(0, query.limit - start)
            limit = available if limit is None else min(limit, available)
        return self._with(offset=query.offset + start, limit=limit)

    def _select(self) -> tuple[str, list[object]]:
        query = self._query
        where, params = filter_sql(query.filters)
        order = "m.id DESC" if query.reverse and not query.by_date else "m.id"
        if query.by_date:
            way = " DESC" if query.reverse else ""
            order = f"m.date_utc IS NULL, m.date_utc{way}, m.id{way}"
        sql = f"SELECT {ROW_COLUMNS} FROM {ROW_FROM} WHERE {where} ORDER BY {order}"
        if query.sliced:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if query.limit is None else query.limit, query.offset]
        return sql, params

    def _with(self, **changes: Any) -> MessageSet:
        return MessageSet(self._connect, replace(self._query, **changes))

    def to_pandas(self) -> Frame:
        """The messages as a pandas DataFrame, one row per message (the fields of
        :meth:`IndexedMessage.as_dict`, addresses as ``Name <address>`` text, attachments
        and defects as lists of names and kinds).

        :raises MissingDependencyError: pandas is not installed (``emlkit[pandas]``).
        """
        rows = [_row(message) for message in self]
        return frame(rows, COLUMNS, dates=("date_utc",), integers=("annex",))

    def __repr__(self) -> str:
        return f"<MessageSet: {len(self)} messages>"

    def _repr_html_(self) -> str:
        total = len(self)
        shown = list(self[:_PREVIEW])
        rows = [
            (
                m.id,
                m.date.isoformat() if m.date else "",
                m.sender.label() if m.sender else "",
                m.subject,
                m.annex,
            )
            for m in shown
        ]
        caption = f"{total} messages" + (
            f", the first {len(shown)} shown" if total > len(shown) else ""
        )
        return table_html(("id", "date", "from", "subject", "annex"), rows, caption)


def _date(value: datetime | date | str | None) -> datetime | date | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError as error:
            raise UsageError(f"not an ISO 8601 date: {value!r}") from error
    return value


def _row(message: IndexedMessage) -> dict[str, Any]:
    row = message.as_dict()
    row["sender"] = message.sender.label() if message.sender else None
    for role in ("to", "cc", "bcc"):
        row[role] = [address.label() for address in getattr(message, role)]
    row["attachments"] = [a.filename or a.content_type for a in message.attachments]
    row["defects"] = [d.kind.value for d in message.defects]
    return row
