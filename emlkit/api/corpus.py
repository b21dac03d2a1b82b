"""The notebook API's entry point: :func:`open` indexes a folder (or opens an index) and
returns a :class:`Corpus`, through which everything in the index can be read.

A corpus reads its database read-only; only :func:`open` given folders writes, through the
same index run as ``emlkit index`` (incremental, with the folder's ``case.toml``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from emlkit.api.constants import EXPORT_FORMATS, FREQUENCIES, TIMELINE_PERIODS
from emlkit.api.documents import CaseReport, Excerpts
from emlkit.api.indexing import IndexRun, PathLike, default_db, update_index
from emlkit.api.messages import MessageSet
from emlkit.api.reading import register_functions
from emlkit.api.record import IndexedMessage
from emlkit.api.results import (
    Conflicts,
    Correspondents,
    QuoteChecks,
    SearchResults,
    Senders,
    Thread,
    Threads,
    Timeline,
)
from emlkit.claims.case import Case
from emlkit.claims.excerpts import annex_excerpts
from emlkit.claims.quotes import verify_quotes
from emlkit.claims.report import BEST_EXCERPTS, build_report
from emlkit.claims.stored import stored_case
from emlkit.errors import NotFoundError, StoreError, UsageError
from emlkit.index.conflicts import conflicts
from emlkit.index.export import export, export_file
from emlkit.index.indexer import ProgressCallback, refuse_inside_corpus
from emlkit.index.queries import MessageSummary, SearchFilters, SearchHit, find_thread, search
from emlkit.index.senders import correspondents, senders
from emlkit.index.store import Store
from emlkit.index.timeline import TimelineFilters, timeline

__all__ = ["Corpus", "open"]


def open(
    path_or_paths: PathLike | Iterable[PathLike] | None = None,
    *,
    db: PathLike | None = None,
    jobs: int | None = None,
    case: PathLike | None = None,
    progress: ProgressCallback | None = None,
) -> Corpus:
    """Open a corpus: index folders (or files) first when given, then open the index.

    ``emlkit.open("samples/")`` indexes ``samples/`` — only what changed since the last
    time, with ``samples/case.toml`` (or ``case``) as ``emlkit index`` does — into ``db``
    and opens it. Without ``db`` the index is :func:`default_db` (``$EMLKIT_DB`` or
    ``.emlkit/index.db`` here), shared with the command line; it is never put inside the
    corpus. ``emlkit.open(db="index.db")`` (or ``emlkit.open()``) opens an existing index
    without indexing. ``jobs`` is the number of processes that parse (the main one
    included); ``progress`` is called with the run's
    :class:`~emlkit.index.indexer.Progress`.

    :raises InputError: a given path does not exist.
    :raises UsageError: the index would lie inside the corpus, or ``case``/``jobs`` are
        given without paths to index.
    :raises CaseError: the case file has errors.
    :raises StoreError: the index does not exist or is not an emlkit index.
    :raises StoreLockedError: another index run is writing to the same database.
    """
    target = Path(db) if db is not None else default_db()
    if path_or_paths is None:
        if case is not None or jobs is not None:
            raise UsageError("case= and jobs= are for indexing: give the folders to index too")
        return Corpus(target)
    run = update_index(path_or_paths, db=target, jobs=jobs, case=case, progress=progress)
    return Corpus(target, last_run=run)


class Corpus:
    """An opened index: its messages, search, threads, senders, timeline, case, excerpts and
    quote checks. A context manager; :meth:`close` closes the database.

    :raises StoreError: ``db`` does not exist or is not an emlkit index.
    """

    def __init__(self, db: PathLike, *, last_run: IndexRun | None = None) -> None:
        self.path = Path(db)
        """The index database."""
        self.last_run = last_run
        """The index run :func:`open` made, or None when it opened an index as it was."""
        if not self.path.is_file():
            raise StoreError(f"no index at {self.path}: run `emlkit index PATH` first")
        self._store: Store | None = Store(self.path, readonly=True)
        register_functions(self._store.db)

    @property
    def store(self) -> Store:
        """The index's :class:`~emlkit.index.store.Store`, for SQL the API does not cover.

        :raises UsageError: the corpus is closed.
        """
        if self._store is None:
            raise UsageError(f"the corpus {self.path} is closed")
        return self._store

    def _db(self) -> sqlite3.Connection:
        return self.store.db

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._store is None

    def close(self) -> None:
        """Close the database (again: nothing happens)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return f"<Corpus {self.path} (closed)>"
        return f"<Corpus {self.path}: {self.counts()['messages']} messages>"

    def counts(self) -> dict[str, int]:
        """How many files, messages, threads and defects the index holds."""
        return self.store.counts()

    # Messages ------------------------------------------------------------------------------

    @property
    def messages(self) -> MessageSet:
        """Every message of the index (forwarded ones too), lazily; see :class:`MessageSet`."""
        return MessageSet(self._db)

    def get(self, message_id: str | int) -> IndexedMessage:
        """The message with this Message-ID (with or without ``<>``) or row id.

        When several rows share a Message-ID (a forwarded copy, another version), the
        message stored in its own file comes first, then the oldest row.

        :raises NotFoundError: no such message (also a :class:`KeyError`).
        """
        if isinstance(message_id, int):
            candidates = self.messages.filter(id=message_id)
        else:
            candidates = self.messages.filter(message_id=message_id)
        found = min(candidates, key=lambda m: (m.carrier is not None, m.id), default=None)
        if found is None:
            raise NotFoundError(f"no message {message_id!r} in the index")
        return found

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        sender: str | None = None,
        recipient: str | None = None,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        annex: int | None = None,
        thread: str | None = None,
    ) -> SearchResults:
        """The ``limit`` messages that best match ``query`` (see ``docs/search.md``: stems,
        both scripts, phrases, OR, -word), with snippets; the filters are those of
        :meth:`MessageSet.filter`.

        :raises QueryError: the query cannot be parsed.
        """
        filters = SearchFilters(sender, recipient, _when(since), _when(until), annex, thread)
        return SearchResults(query, search(self.store, query, filters, limit))

    # Threads -------------------------------------------------------------------------------

    @property
    def threads(self) -> Threads:
        """Every thread, lazily, oldest first."""
        return Threads(self._db, self.thread)

    def thread(
        self, message_or_id: str | int | IndexedMessage | MessageSummary | SearchHit
    ) -> Thread:
        """The thread of a message (a record, a search hit, a row id or a Message-ID) or the
        thread with this thread id, as a tree.

        :raises NotFoundError: no such thread or message.
        """
        ident = _thread_ident(message_or_id)
        try:
            tree, summaries = find_thread(self.store, ident)
        except UsageError as error:
            raise NotFoundError(str(error)) from error
        return Thread(tree, summaries)

    def conflicts(self, annex: int | None = None, message_id: str | None = None) -> Conflicts:
        """Message-IDs stored with different contents — an edited copy, or two messages given
        one id — with their versions and what differs, the earliest first. Copies that differ
        only in transport (Received, encodings, a Bcc) are one version. Only conflicts with a
        version in ``annex``, or of ``message_id`` (with or without ``<>``), when given.

        :raises NotFoundError: no message has ``message_id``.
        """
        if message_id is not None:
            message_id = message_id.strip().removeprefix("<").removesuffix(">")
            if not self.messages.filter(message_id=message_id):
                raise NotFoundError(f"no message with Message-ID <{message_id}> in the index")
        return Conflicts(conflicts(self.store, annex, message_id))

    # People and time -----------------------------------------------------------------------

    def senders(self, annex: int | None = None) -> Senders:
        """Identities (mailboxes and name variants merged across scripts) by messages sent,
        most first; only messages of ``annex`` when given.

        :raises StoreError: the index has no identities yet (made by an older emlkit).
        """
        return Senders(senders(self.store, annex))

    def correspondents(self, annex: int | None = None, limit: int | None = None) -> Correspondents:
        """Who writes to whom: sender → recipient identities (To, Cc, Bcc), most first.

        :raises StoreError: the index has no identities yet (made by an older emlkit).
        """
        return Correspondents(correspondents(self.store, annex, limit))

    def timeline(
        self, freq: str = "M", *, sender: str | None = None, annex: int | None = None
    ) -> Timeline:
        """Messages per UTC day, ISO week or month (``freq`` ``D``, ``W`` or ``M``), with the
        date anomalies; ``sender`` matches any mailbox or name of the sending identity.

        :raises UsageError: an unknown ``freq``.
        """
        return Timeline(timeline(self.store, _period(freq), TimelineFilters(sender, annex)))

    # The case ------------------------------------------------------------------------------

    @property
    def case(self) -> Case | None:
        """The case stored with the index (letter, annexes, claims), or None without one."""
        found = stored_case(self.store)
        return None if found is None else found.case

    def excerpts(self, annex: int, claim: str | None = None) -> Excerpts:
        """Each message of ``annex``, in thread and date order, with the passages that
        support the annex's claims (or only ``claim``, by id)."""
        claims, found = annex_excerpts(self.store, annex, claim)
        return Excerpts(annex, claims, found, self.store.corpus_roots())

    def verify_quotes(self, annex: int | None = None, anywhere: bool = False) -> QuoteChecks:
        """Check that each quote of the case stands verbatim in a message of its claim's
        annexes (of any message with ``anywhere``); ``annex`` keeps the claims citing it."""
        return QuoteChecks(verify_quotes(self.store, annex, anywhere))

    def report(self, best: int | None = None) -> CaseReport:
        """The case report: each claim with its verified quotes and ``best`` excerpts
        (default: :data:`~emlkit.claims.report.BEST_EXCERPTS`, 5), the provenance of every
        message cited, the annexes explained (``docs/report-format.md``).

        :raises CaseError: the index holds no case.
        """
        found = build_report(self.store, BEST_EXCERPTS if best is None else best)
        return CaseReport(found, self.store.corpus_roots())

    # Export --------------------------------------------------------------------------------

    def export(self, fmt: str, file: PathLike | TextIO, *, annex: int | None = None) -> int:
        """Write one row per message (``docs/export.md``) as ``jsonl`` or ``csv`` to a path
        (replaced only once complete) or an open text file; return how many rows.

        :raises UsageError: an unknown format, or a path inside the corpus.
        """
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"export formats are {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
        if isinstance(file, str | os.PathLike):
            refuse_inside_corpus(file, self.store.corpus_roots(), "the export")
            return export_file(self.store, fmt, file, annex)
        return export(self.store, fmt, file, annex)


def _when(value: datetime | date | str | None) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise UsageError(f"not an ISO 8601 date: {value!r}") from error
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _thread_ident(given: str | int | IndexedMessage | MessageSummary | SearchHit) -> str:
    if isinstance(given, SearchHit):
        given = given.message
    if isinstance(given, IndexedMessage):
        return given.thread_id or str(given.id)
    if isinstance(given, MessageSummary):
        return given.thread_id or str(given.row)
    return str(given)


def _period(freq: str) -> str:
    if freq in TIMELINE_PERIODS:
        return freq
    period = FREQUENCIES.get(freq.upper())
    if period is None:
        choices = ", ".join([*FREQUENCIES, *TIMELINE_PERIODS])
        raise UsageError(f"a timeline's freq is one of {choices}, not {freq!r}")
    return period
