"""What the notebook API returns besides messages: lists of results, threads, timelines and
excerpts, each with ``to_pandas()`` and an HTML view for notebooks.

The items are the library's own records (:class:`~emlkit.index.queries.SearchHit`,
:class:`~emlkit.index.senders.Sender`, :class:`~emlkit.claims.quotes.QuoteCheck` …), so the
command line can render what the API returns with the same renderers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar, overload

from emlkit.api.frames import Frame, frame
from emlkit.claims.quotes import QuoteCheck
from emlkit.index.anomalies import MessageAnomaly
from emlkit.index.conflicts import Conflict
from emlkit.index.queries import MessageSummary, SearchHit
from emlkit.index.senders import Correspondence, Identity, Sender
from emlkit.index.threading import Thread as ThreadTree
from emlkit.index.threading import ThreadNode
from emlkit.index.timeline import Period
from emlkit.index.timeline import Timeline as Counts
from emlkit.records import Address
from emlkit.render.html import hits_html, table_html, thread_html

__all__ = [
    "Conflicts",
    "Correspondents",
    "QuoteChecks",
    "ResultList",
    "SearchResults",
    "Senders",
    "Thread",
    "ThreadEntry",
    "Threads",
    "Timeline",
]

T = TypeVar("T")


class ResultList(Sequence[T]):
    """An immutable list of results with ``to_pandas()`` and a table view in notebooks."""

    __slots__ = ("_items",)
    columns: ClassVar[tuple[str, ...]] = ()
    """The columns of :meth:`to_pandas`, in order."""
    _dates: ClassVar[tuple[str, ...]] = ()
    _integers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, items: Iterable[T]) -> None:
        self._items = tuple(items)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, key: int) -> T: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[T, ...]: ...
    def __getitem__(self, key: int | slice) -> T | tuple[T, ...]:
        return self._items[key]

    def _row(self, position: int, item: T) -> tuple[object, ...]:
        raise NotImplementedError

    def rows(self) -> list[dict[str, object]]:
        """The results as plain dicts with the keys of :attr:`columns`."""
        return [
            dict(zip(self.columns, self._row(n, item), strict=True))
            for n, item in enumerate(self._items)
        ]

    def to_pandas(self) -> Frame:
        """The results as a pandas DataFrame with :attr:`columns`.

        :raises MissingDependencyError: pandas is not installed (``emlkit[pandas]``).
        """
        return frame(self.rows(), self.columns, dates=self._dates, integers=self._integers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)}>"

    def _repr_html_(self) -> str:
        rows = [self._row(n, item) for n, item in enumerate(self._items)]
        return table_html(self.columns, rows, f"{type(self).__name__}: {len(self)}")


def _sender(summary: MessageSummary) -> str:
    return Address(summary.from_name, summary.from_address).label()


class SearchResults(ResultList[SearchHit]):
    """Search hits, best first (lowest BM25 score), each with a snippet and the spans of the
    matched words in it."""

    __slots__ = ("query",)
    columns = (
        "rank", "score", "date", "date_utc", "sender", "subject", "annex", "thread_id",
        "message_id", "path", "sha256", "snippet", "id",
    )  # fmt: skip
    _dates = ("date_utc",)
    _integers = ("annex",)

    def __init__(self, query: str, hits: Iterable[SearchHit]) -> None:
        super().__init__(hits)
        self.query = query
        """The query as given."""

    def _row(self, position: int, item: SearchHit) -> tuple[object, ...]:
        m = item.message
        return (
            position + 1, item.score, m.date, m.date_utc, _sender(m), m.subject, m.annex,
            m.thread_id, m.message_id, m.path, m.sha256, item.snippet, m.row,
        )  # fmt: skip

    def _repr_html_(self) -> str:
        return hits_html(self._items, self.query)


def _identity(identity: Identity) -> tuple[object, ...]:
    return (
        identity.label,
        identity.id,
        [mailbox.address for mailbox in identity.mailboxes],
        [name.name for name in identity.names],
    )


class Senders(ResultList[Sender]):
    """Identities by messages sent, most first, with their first and last dates."""

    __slots__ = ()
    columns = (
        "identity", "identity_id", "mailboxes", "names", "messages", "first", "last",
        "first_utc", "last_utc",
    )  # fmt: skip
    _dates = ("first_utc", "last_utc")

    def _row(self, position: int, item: Sender) -> tuple[object, ...]:
        d = item.dates
        return (*_identity(item.identity), item.messages, d.first, d.last, d.first_utc, d.last_utc)


class Correspondents(ResultList[Correspondence]):
    """Sender → recipient pairs of identities, most messages first."""

    __slots__ = ()
    columns = (
        "sender", "recipient", "sender_id", "recipient_id", "messages", "first", "last",
        "first_utc", "last_utc",
    )  # fmt: skip
    _dates = ("first_utc", "last_utc")

    def _row(self, position: int, item: Correspondence) -> tuple[object, ...]:
        d = item.dates
        return (
            item.sender.label, item.recipient.label, item.sender.id, item.recipient.id,
            item.messages, d.first, d.last, d.first_utc, d.last_utc,
        )  # fmt: skip


class Conflicts(ResultList[Conflict]):
    """Message-IDs stored with different contents, the earliest first: each with its versions
    (``conflict.versions``: fields, text, and the copies that state it) and the fields in
    which they differ."""

    __slots__ = ()
    columns = (
        "message_id", "versions", "copies", "differences", "first_utc", "paths", "annexes",
    )  # fmt: skip
    _dates = ("first_utc",)

    def _row(self, position: int, item: Conflict) -> tuple[object, ...]:
        copies = [copy for version in item.versions for copy in version.copies]
        dates = sorted(v.date_utc for v in item.versions if v.date_utc is not None)
        annexes = sorted({copy.annex for copy in copies if copy.annex is not None})
        return (
            item.message_id, len(item.versions), len(copies), ", ".join(item.differences),
            dates[0] if dates else None, "\n".join(sorted({c.path or "" for c in copies})),
            ", ".join(map(str, annexes)),
        )  # fmt: skip


class QuoteChecks(ResultList[QuoteCheck]):
    """The verdict on each quote of the case: found (where), or the nearest passage."""

    __slots__ = ()
    columns = (
        "claim", "quote", "status", "similarity", "message_id", "path", "sha256", "start",
        "end", "source_text", "differences", "cut",
    )  # fmt: skip
    _integers = ("start", "end")

    @property
    def all_found(self) -> bool:
        """True when every quote stands verbatim in a message (and there is a quote)."""
        return bool(self._items) and all(check.found for check in self._items)

    def _row(self, position: int, item: QuoteCheck) -> tuple[object, ...]:
        return (
            item.claim, item.quote, item.status, item.similarity, item.message_id, item.path,
            item.sha256, item.start, item.end, item.source_text, list(item.differences),
            list(item.cut),
        )  # fmt: skip


class Timeline:
    """Message counts per UTC day, ISO week or month, with the undated messages and the date
    anomalies. ``counts`` is the library's :class:`~emlkit.index.timeline.Timeline`."""

    __slots__ = ("counts",)
    columns = ("period", "start", "messages")
    """The columns of :meth:`to_pandas`."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts

    @property
    def by(self) -> str:
        """``day``, ``week`` or ``month``."""
        return self.counts.by

    @property
    def periods(self) -> tuple[Period, ...]:
        """Every period from the first to the last, empty ones included."""
        return self.counts.periods

    @property
    def messages(self) -> int:
        """Dated messages counted (each Message-ID once)."""
        return self.counts.messages

    @property
    def undated(self) -> int:
        """Messages without any date."""
        return self.counts.undated

    @property
    def anomalies(self) -> tuple[MessageAnomaly, ...]:
        """The date anomalies of the messages counted, oldest first."""
        return self.counts.anomalies

    def to_pandas(self) -> Frame:
        """The periods as a DataFrame: label, first day (a UTC timestamp) and count.

        :raises MissingDependencyError: pandas is not installed (``emlkit[pandas]``).
        """
        rows = [(p.label, p.start, p.messages) for p in self.periods]
        return frame(
            [dict(zip(self.columns, r, strict=True)) for r in rows], self.columns, dates=("start",)
        )

    def __repr__(self) -> str:
        return f"<Timeline by {self.by}: {self.messages} messages, {len(self.periods)} periods>"

    def _repr_html_(self) -> str:
        rows = [(p.label, p.messages, "█" * min(p.messages, 60)) for p in self.periods]
        html = table_html(("period", "messages", ""), rows, repr(self)[1:-1])
        if self.undated:
            html += f"<p>{self.undated} undated</p>"
        if self.anomalies:
            found = [
                (
                    a.message.date,
                    _sender(a.message),
                    a.message.subject,
                    a.anomaly.kind,
                    a.anomaly.detail,
                )
                for a in self.anomalies
            ]
            html += table_html(
                ("date", "from", "subject", "anomaly", "detail"), found, "date anomalies"
            )
        return html


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One node of a thread in tree order: its depth, Message-ID and message (None when
    the thread refers to a message the corpus lacks)."""

    depth: int
    message_id: str
    message: MessageSummary | None
    by_subject: bool
    """True when the message joined its parent only by subject."""
    again: bool = False
    """True when the message is shown a second time: forwarded in its parent too, while
    it is placed under the first message forwarding it."""

    @property
    def missing(self) -> bool:
        """True for a message the thread refers to but the corpus lacks."""
        return self.message is None


class Thread:
    """A thread as a tree: ``tree`` (the JWZ tree of :mod:`emlkit.index.threading`) and the
    ``summaries`` of its messages by row; iterating gives the messages in tree order, each
    once (a message forwarded in several messages is shown under each by :meth:`walk`)."""

    __slots__ = ("summaries", "tree")

    def __init__(self, tree: ThreadTree, summaries: dict[str, MessageSummary]) -> None:
        self.tree = tree
        self.summaries = summaries

    @property
    def thread_id(self) -> str:
        """The thread's stable id."""
        return self.tree.thread_id

    @property
    def root(self) -> ThreadNode:
        """The root container of the tree."""
        return self.tree.root

    def walk(self) -> Iterator[ThreadEntry]:
        """Every node, depth first, children by date."""
        for depth, node in self.tree.root.walk():
            summary = None if node.key is None else self.summaries.get(node.key)
            yield ThreadEntry(depth, node.message_id, summary, node.by_subject, node.again)

    def __iter__(self) -> Iterator[MessageSummary]:
        return (e.message for e in self.walk() if e.message is not None and not e.again)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def to_pandas(self) -> Frame:
        """The nodes in tree order as a DataFrame (``missing`` rows for absent messages),
        each message once.

        :raises MissingDependencyError: pandas is not installed (``emlkit[pandas]``).
        """
        columns = ("depth", "message_id", "missing", "date", "sender", "subject", "annex", "id")
        rows = [_entry_row(entry) for entry in self.walk() if not entry.again]
        return frame(
            [dict(zip(columns, r, strict=True)) for r in rows], columns, integers=("annex", "id")
        )

    def __repr__(self) -> str:
        return f"<Thread {self.thread_id}: {len(self)} messages>"

    def _repr_html_(self) -> str:
        return thread_html(self.tree, self.summaries)


def _entry_row(entry: ThreadEntry) -> tuple[object, ...]:
    m = entry.message
    if m is None:
        return (entry.depth, entry.message_id, True, None, None, None, None, None)
    return (entry.depth, entry.message_id, False, m.date, _sender(m), m.subject, m.annex, m.row)


class Threads:
    """Every thread of the index, lazily: ``len()`` counts them, iterating builds each tree
    in turn, oldest thread first."""

    __slots__ = ("_connect", "_load")

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], load: Callable[[str], Thread]
    ) -> None:
        self._connect = connect
        self._load = load

    def ids(self) -> list[str]:
        """The thread ids, oldest first (by each thread's first UTC date)."""
        sql = (
            "SELECT t.thread_id FROM message_threads t JOIN messages m ON m.id = t.message_id"
            " GROUP BY t.thread_id"
            " ORDER BY min(m.date_utc) IS NULL, min(m.date_utc), t.thread_id"
        )
        return [str(row[0]) for row in self._connect().execute(sql)]

    def __len__(self) -> int:
        sql = "SELECT count(DISTINCT thread_id) FROM message_threads"
        return int(self._connect().execute(sql).fetchone()[0])

    def __iter__(self) -> Iterator[Thread]:
        return (self._load(thread_id) for thread_id in self.ids())

    def __repr__(self) -> str:
        return f"<Threads: {len(self)}>"
