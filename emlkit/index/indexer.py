"""An index run: walk the corpus, parse what changed in worker processes, store it.

The main process walks the files, decides from size and mtime (and a hash where in doubt)
what needs parsing, splits mboxes as a stream and hands messages to a pool of worker
processes through a bounded window, so memory stays flat however large the corpus; it
parses too whenever it would otherwise wait for their rows. It alone
writes to SQLite, in batched transactions; a file is marked indexed only in the transaction
that stores its last message, so a run killed at any moment is completed by the next one.
"""

from __future__ import annotations

import fcntl
import hashlib
import multiprocessing
import os
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

from emlkit.errors import InputError, StoreError, StoreLockedError, UsageError, WorkerError
from emlkit.index.annexes import annex_from_path
from emlkit.index.derived import before_run, refresh_derived
from emlkit.index.rows import MessageRows, message_rows, search_columns
from emlkit.index.store import FileFacts, FileState, Store
from emlkit.parse.escapes import error_text
from emlkit.parse.files import (
    Chunk,
    iter_file_chunks,
    iter_mail_paths,
    open_regular,
    os_path,
    path_text,
)
from emlkit.policy import Policy, default

_COMMIT_SECONDS = 1.0
_COMMIT_MESSAGES = 500
_WINDOW_PER_WORKER = 8
_RESULT_PIPE_BYTES = 1 << 20
# Batches in the pool per worker while the main process parses too: one being parsed, one
# waiting (with more, the main process finds fewer left to take, and waits for them).
_HANDED = 2
# A batch of 16 messages took a worker about as long as the main process' threads took
# to hand it its next task: workers waited 1.5 s of a 20,000-message run, 0.45 s with 32.
_BATCH_CHUNKS = 32
_BATCH_BYTES = 4 << 20
_PARENT_CHECK_SECONDS = 0.5
_WALK_PAGE = 1000  # walked paths read from the store at a time
_MIN_FILES_FOR_WORKERS = 32  # below this, starting worker processes costs more than it saves
_DEATHS_IN_A_ROW = 5  # then the workers, not the files, are the trouble: stop


@dataclass(frozen=True, slots=True)
class FailedInput:
    """An input that gave no message: its path, its place in an mbox, and why."""

    path: str
    index: int | None
    kind: str
    reason: str


@dataclass(slots=True)
class IndexSummary:
    """What an index run did with every input file (see ``docs/indexing.md``)."""

    db: str
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    messages_indexed: int = 0
    forwarded_indexed: int = 0
    duplicates: int = 0
    conflicting: int = 0
    messages_removed: int = 0
    messages_reread: int = 0
    threads: int = 0
    failed: list[FailedInput] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unreadable_folders: list[FailedInput] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every input went in (no failed file, no folder that could not be read)."""
        return not self.failed and not self.unreadable_folders

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the summary."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a run has got, for progress displays."""

    files_done: int
    files_total: int
    messages: int
    elapsed: float


ProgressCallback = Callable[[Progress], None]
AnnexRule = Callable[[str], int | None]
"""Given a file's absolute path, its annex number, or None when the rule does not say."""


def default_db_path() -> Path:
    """Where the index lives unless told otherwise: ``$EMLKIT_DB``, else ``.emlkit/index.db``."""
    return Path(os.environ.get("EMLKIT_DB") or Path(".emlkit") / "index.db")


def index_paths(
    paths: Iterable[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    policy: Policy = default,
    annex_of: AnnexRule | None = None,
    finish: Callable[[Store], None] | None = None,
) -> IndexSummary:
    """Index the mail under ``paths`` into the database ``db``; see ``docs/indexing.md``.

    ``annex_of`` names a file's annex (a case file's globs); where it gives None, the
    annex is read from the path's folder names. ``finish`` writes more (a case file's
    annexes and claims) in the run's last transaction, under its lock.

    :raises InputError: a path does not exist.
    :raises UsageError: the database would lie inside the corpus.
    :raises StoreLockedError: another run is writing to the same database.
    :raises StoreError: the database cannot be made, or is not an emlkit index.
    """
    roots = [_existing(path) for path in paths]
    db_path = Path(db) if db is not None else default_db_path()
    db_path = db_path.absolute()
    refuse_inside_corpus(db_path, roots, "the index", "choose another place with --db or EMLKIT_DB")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{db_path}: cannot create the index ({error})") from error
    try:
        with _exclusive_lock(db_path), Store(db_path) as store:
            workers = jobs or os.cpu_count() or 1
            run = _Run(store, db_path, roots, workers, progress, policy, annex_of, finish)
            return run.execute()
    except sqlite3.OperationalError as error:
        if error.sqlite_errorname not in _ENVIRONMENT_ERRORS:
            raise
        raise StoreError(
            f"{db_path}: the index could not be written ({error}); what earlier"
            " transactions stored is kept, and the next run goes on from there"
        ) from error


_ENVIRONMENT_ERRORS = frozenset(
    {"SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"}
)
"""SQLite's errors that come from the machine (a full disk, a failing or read-only one),
not from emlkit: reported as one line, like any other unusable index."""


class _Run:
    """One run's state: the store, the counters and the pending batch."""

    def __init__(
        self,
        store: Store,
        db_path: Path,
        roots: list[Path],
        jobs: int,
        progress: ProgressCallback | None,
        policy: Policy,
        annex_of: AnnexRule | None = None,
        finish: Callable[[Store], None] | None = None,
    ) -> None:
        self.store = store
        self.roots = roots
        self.jobs = max(1, jobs)
        self.progress = progress
        self.policy = policy
        self.summary = IndexSummary(db=str(db_path))
        self.own_files = {str(db_path) + suffix for suffix in ("", "-wal", "-shm", ".lock")}
        self.started = time.monotonic()
        self.last_commit = self.started
        self.pending = 0
        self.file_ids: dict[str, int] = {}  # of the files handed to the workers, by path
        self.annex_of = annex_of
        self.finish = finish
        self.helping = True  # the main process parses too, when it would wait for workers

    def execute(self) -> IndexSummary:
        # The store holds paths as text (path_text: a name's bytes that are not UTF-8 as \xNN
        # escapes); the files are opened by their os_path.
        roots = [path_text(str(root)) for root in self.roots]
        run_id = self.store.add_run(roots)
        # A run that did not finish may have been ended by a file that crashes the parser:
        # this one leaves the parsing to workers, whose deaths it survives.
        self.helping = self.store.finished_before(run_id)
        self.store.db.execute("BEGIN IMMEDIATE")
        try:
            before = before_run(self.store)
            # The walk goes to a temporary table: no path list is held, however many files.
            # The roots are absolute, so every path found under them is too.
            walk = (
                path_text(p)
                for p in iter_mail_paths(self.roots, self._unreadable_folder)
                if p not in self.own_files
            )
            self.summary.files_seen = self.store.record_walk(walk)
            self._decide()
            with self.store.bulk():
                self._parse_and_store()
            unseen = [folder.path for folder in self.summary.unreadable_folders]
            self.summary.missing = self.store.mark_missing(roots, unseen)
            self.store.end_walk()
            self.store.mark_seen(roots, unseen)
            if self.annex_of is not None:  # a case file may name annexes of unchanged files
                self.store.reassign_annexes(roots, self._annex)
            if self.finish is not None:
                self.finish(self.store)
            changed = bool(self.summary.files_indexed or self.summary.messages_removed)
            # Re-read messages come back with new rows but the same ids, names and threads:
            # like added ones, they need only what added messages need.
            removed = bool(self.summary.messages_removed)
            # Committed first, so that identities can be computed on a second connection
            # while this one threads. A run killed before the end leaves the derived tables
            # stale, and the next run sees it and computes them (derived.py).
            self.store.db.execute("COMMIT")
            self.store.db.execute("BEGIN IMMEDIATE")
            refresh_derived(self.store, changed, before, removed)
            self.summary.threads = self.store.counts()["threads"]
        except BaseException:
            if self.store.db.in_transaction:  # SQLite may have rolled back itself (disk full)
                self.store.db.execute("ROLLBACK")
            raise
        self.store.db.execute("COMMIT")
        self.summary.seconds = round(time.monotonic() - self.started, 3)
        self.store.finish_run(run_id, self.summary.as_dict())
        return self.summary

    def _unreadable_folder(self, folder: str, error: OSError) -> None:
        reason = f"cannot list the folder: {error.strerror or error}"
        self.summary.unreadable_folders.append(
            FailedInput(path_text(folder), None, "unreadable", reason)
        )

    def _decide(self) -> None:
        """Mark the walked files that need parsing, a page of the walk at a time."""
        for page in _pages(self.store.walked):
            todo = [n for n, path, state in page if self._needs_parsing(path, state)]
            self.store.mark_todo(todo)
        self.store.open_todo_files()

    def _needs_parsing(self, path: str, state: FileState | None) -> bool:
        if state is None or state.status not in ("indexed", "failed"):
            return True
        try:
            stat = os.stat(os_path(path))
        except OSError:  # unreadable since (a link to nothing): the reader will say why
            return True
        if stat.st_size != state.size:
            return True
        if stat.st_mtime_ns != state.mtime_ns:
            if _sha256_file(Path(os_path(path))) != state.sha256:
                return True
            self.store.touch_file(state.id, stat.st_mtime_ns)  # same bytes, new mtime
        if state.status == "failed":  # still failed: report it again, every run
            reason = FailedInput(path, None, state.failure_kind or "", state.failure or "")
            self.summary.failed.append(reason)
            self.summary.files_failed += 1
        else:
            self.summary.files_unchanged += 1
        return False

    def _todo_paths(self) -> Iterator[Path]:
        """The walked files to parse, in walk order, read from the store a page at a time
        (their file ids kept for :meth:`_open_file`)."""
        for page in _pages(self.store.todo):
            for _, path, file_id in page:
                self.file_ids[path] = file_id
                yield Path(os_path(path))

    def _parse_and_store(self) -> None:
        total = self.summary.files_seen
        todo = self.store.todo_count()
        done = total - todo
        self._report(done, total)
        current: _OpenFile | None = None
        jobs = self.jobs if todo >= _MIN_FILES_FOR_WORKERS else 1
        parsed_chunks = _parsed(self._todo_paths(), jobs, self.policy, helping=self.helping)
        for chunk, parsed in parsed_chunks:
            if current is None or current.path != chunk.path:
                if current is not None:
                    self._close_file(current)
                    done += 1
                    self._report(done, total)
                current = self._open_file(chunk, parsed)
            self._store_message(current, chunk, parsed)
            self._maybe_commit()
        if current is not None:
            self._close_file(current)
            done += 1
        self._report(done, total)

    def _open_file(self, chunk: Chunk, first: Parsed) -> _OpenFile:
        path = chunk.path
        absolute = path_text(str(path))  # the walk's paths are absolute
        size: int | None = None
        mtime: int | None = None
        sha: str | None = None
        try:
            if chunk.index is None and first.file_status is not None:
                size, mtime = first.file_status  # the worker read the whole file
            else:
                stat = path.stat()
                size, mtime = stat.st_size, stat.st_mtime_ns
            whole_file = chunk.index is None and first.size == size
            sha = first.sha256 if whole_file else _sha256_file(path)
        except OSError:
            pass  # parse_chunk records why the file cannot be read
        annex = self._annex(absolute)
        file_id = self.file_ids.pop(absolute, None)
        if file_id is None:  # a path walked twice (overlapping roots), its id given already
            file_id = self._file_id(absolute)
        opened = _OpenFile(path, file_id, FileFacts(size, mtime, sha, annex))
        if not _unreadable(chunk, first):  # what an unreadable file held before is kept
            opened.held.update(self.store.reread_file(file_id))
        return opened

    def _file_id(self, path: str) -> int:
        state = self.store.file_state(path)
        if state is None:  # open_todo_files gave every path to parse a row: a broken store
            raise StoreError(f"{path}: the file's row is gone from the index mid-run")
        return state.id

    def _annex(self, path: str) -> int | None:
        ruled = self.annex_of(path) if self.annex_of is not None else None
        return ruled if ruled is not None else annex_from_path(path)

    def _store_message(self, current: _OpenFile, chunk: Chunk, parsed: Parsed) -> None:
        if parsed.rows is None:
            kind, reason = parsed.failure or ("", "")
            path = path_text(str(chunk.path))
            self.summary.failed.append(FailedInput(path, chunk.index, kind, reason))
            current.failure = (kind, reason)
            return
        stored = self.store.add_rows(parsed.rows, current.file_id, current.facts.annex)
        current.messages += 1
        self.pending += 1
        if current.held.pop(parsed.rows.sha256, None) is not None:  # the file holds it still
            self.summary.messages_reread += 1
            return
        if not stored.new:
            self.summary.duplicates += 1
            return
        self.summary.messages_indexed += 1
        self.summary.forwarded_indexed += stored.forwarded
        self.summary.conflicting += stored.conflicts

    def _close_file(self, current: _OpenFile) -> None:
        gone = current.held.values()  # held before, not found again
        self.summary.messages_removed += self.store.end_reread(
            current.file_id, current.facts.annex, gone
        )
        failed = current.failure if current.messages == 0 else None
        self.store.finish_file(current.file_id, current.messages, failed, current.facts)
        if failed:
            self.summary.files_failed += 1
        else:
            self.summary.files_indexed += 1

    def _maybe_commit(self) -> None:
        now = time.monotonic()
        if self.pending >= _COMMIT_MESSAGES or now - self.last_commit >= _COMMIT_SECONDS:
            self.store.flush()
            self.store.db.execute("COMMIT")
            self.store.db.execute("BEGIN IMMEDIATE")
            self.pending = 0
            self.last_commit = now

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            elapsed = time.monotonic() - self.started
            messages = self.summary.messages_indexed + self.summary.duplicates
            self.progress(Progress(done, total, messages, elapsed))


@dataclass(slots=True)
class _OpenFile:
    path: Path
    file_id: int
    facts: FileFacts
    messages: int = 0
    failure: tuple[str, str] | None = None
    held: dict[str, int] = field(default_factory=dict)
    """The messages the file held before this run (by SHA-256, their rows as values) and not
    found in it again so far: those found are re-read, those left are released at its end."""


_Row = TypeVar("_Row", bound=tuple[Any, ...])


def _pages(read: Callable[[int, int], list[_Row]]) -> Iterator[list[_Row]]:
    """Rows ``read(after, limit)`` gives, :data:`_WALK_PAGE` at a time, each page after the
    place (first field) of the previous page's last row."""
    last = 0
    while page := read(last, _WALK_PAGE):
        yield page
        last = page[-1][0]


class Parsed(NamedTuple):
    """A worker's result for one chunk: its bytes' hash and size, and its rows or failure."""

    sha256: str
    size: int
    rows: MessageRows | None
    failure: tuple[str, str] | None
    """(kind, reason) when the chunk gave no message."""
    file_status: tuple[int, int] | None = None
    """The file's size and mtime (ns) as the worker read it, when the chunk is the file."""


def parse_for_index(chunk: Chunk, policy: Policy) -> Parsed:
    """A worker's share: a chunk parsed, analysed for search and turned into rows."""
    # The parser is imported here, when something is parsed: a run with nothing to parse
    # (which only walks and compares) starts without it, sooner.
    from emlkit.parse.reader import parse_chunk_with_stat

    message, status = parse_chunk_with_stat(chunk, policy)
    source = message.source
    file_status = None if status is None else (status.st_size, status.st_mtime_ns)
    if message.failure is not None:
        failure = (message.failure.kind.value, message.failure.reason)
        return Parsed(source.sha256, source.size, None, failure, file_status)
    try:
        rows = message_rows(message, search_columns(message))
    except Exception as error:  # a bug on one message must not end a run over a million
        reason = f"the record could not be turned into rows: {error_text(error)}"
        return Parsed(source.sha256, source.size, None, ("parser-error", reason), file_status)
    return Parsed(source.sha256, source.size, rows, None, file_status)


def parse_batch(chunks: list[Chunk], policy: Policy) -> list[Parsed]:
    """A worker's task: several chunks at once, so that inter-process costs are shared."""
    return [parse_for_index(chunk, policy) for chunk in chunks]


PoolFactory = Callable[[int], Executor]
"""Makes the pool of ``jobs`` worker processes a run parses in (a parameter for tests)."""


def _worker_pool(jobs: int) -> Executor:
    # Spawned (not forked) workers inherit no file descriptors, so the run's lock dies with
    # the run itself, even when it is killed.
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    _widen_result_pipe(pool)
    return pool


def _widen_result_pipe(pool: ProcessPoolExecutor) -> None:
    """Let a worker write a batch's rows (often more than the pipe's 64 KB) and go on parsing.

    The main process reads results in a thread of its own, which must take the interpreter
    lock for every 64 KB read: while the main process parses or stores, a worker writing a
    batch's rows would wait for it. A pipe of 1 MB holds a whole batch's rows (Linux only;
    elsewhere, or where refused, the pipe stays as it is).
    """
    reader = getattr(getattr(pool, "_result_queue", None), "_reader", None)
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if reader is None or set_size is None:
        return
    with suppress(OSError):  # more than /proc/sys/fs/pipe-max-size, or a user over its quota
        fcntl.fcntl(reader.fileno(), set_size, _RESULT_PIPE_BYTES)


def _parsed(
    files: Iterable[Path],
    jobs: int,
    policy: Policy,
    pool_factory: PoolFactory | None = None,
    helping: bool = True,
) -> Iterator[tuple[Chunk, Parsed]]:
    """Every chunk of ``files`` with its rows, in file order, parsed by ``jobs`` processes.

    With ``helping``, ``jobs - 1`` workers parse and the main process, which stores their
    rows, parses too whenever it would otherwise wait for them: it takes the first batch
    not yet handed to a worker, or the next one. ``jobs`` processes then keep ``jobs`` cores
    busy, where ``jobs`` workers and a main process storing their rows were one process too
    many for the cores, and their rows cross no pipe.

    A worker that dies (killed, out of memory, a crash in a C extension) breaks the whole
    pool: the chunks it was given are parsed again, one per task in a new pool, and a chunk
    that kills a worker on its own gets a failure (``parser-error``) while the run goes on.
    Without ``helping`` (when the last run did not finish, which a chunk that crashes the
    parser would cause) only workers parse, so such a chunk cannot end the run.
    """
    chunks = _chunks(files)
    if jobs == 1 or not _can_spawn():
        for chunk in chunks:
            yield chunk, parse_for_index(chunk, policy)
        return
    workers = jobs - 1 if helping else jobs
    pool_factory = pool_factory or _worker_pool
    batches = _batches(chunks)
    window: _Window = deque()
    pool = pool_factory(workers)
    handout = _Handout(pool, policy, workers * (_HANDED if helping else _WINDOW_PER_WORKER))
    try:
        more = True
        while more or window:
            while window and window[0].future.done():
                pool = yield from _first_results(pool, pool_factory, workers, window, policy)
            if handout.pool is not pool:  # a worker died: the window was parsed again
                handout.close()
                handout = _Handout(pool, policy, handout.limit)
            while more and len(window) < workers * _WINDOW_PER_WORKER:
                more = _start_next(batches, window, handout.add)
            if window and window[0].future.done():
                continue
            if helping and handout.take_one():
                continue
            if helping and more and len(window) < 2 * workers * _WINDOW_PER_WORKER:
                # Not beyond twice the window: a worker stuck on a huge message must not
                # leave the main process holding the rows of every batch it parses meanwhile.
                more = _start_next(batches, window, partial(_parsed_here, policy=policy))
            elif window:
                pool = yield from _first_results(pool, pool_factory, workers, window, policy)
    finally:
        handout.close()
        pool.shutdown(wait=True, cancel_futures=True)


class _Batch(NamedTuple):
    """Chunks being parsed, and their results to come."""

    chunks: list[Chunk]
    future: Future[list[Parsed]]


_Window = deque[_Batch]
"""The batches being parsed, in file order."""


class _Handout:
    """Batches for the workers, handed to the pool only as its workers need them.

    At most ``limit`` batches are in the pool at a time; each result that comes back hands
    out the next batch (in the thread that receives the results, so a worker's next task
    does not wait for the main process). The batches not yet handed out can be taken by
    the main process (:meth:`take_one`). A pool's own futures are never cancelled: on
    Python 3.11 a broken pool fails to tell the futures after a cancelled one.
    """

    def __init__(self, pool: Executor, policy: Policy, limit: int) -> None:
        self.pool, self.policy, self.limit = pool, policy, limit
        self.waiting: deque[_Batch] = deque()
        self.handed = 0
        self.closed = False
        self.lock = threading.Lock()

    def add(self, chunks: list[Chunk]) -> Future[list[Parsed]]:
        """Queue ``chunks`` for a worker; return the future of their results."""
        batch = _Batch(chunks, Future())
        with self.lock:
            self.waiting.append(batch)
        self._hand_out()
        return batch.future

    def take_one(self) -> bool:
        """Parse here the first batch not handed out yet; False if there is none."""
        with self.lock:
            if not self.waiting:
                return False
            chunks, future = self.waiting.popleft()
        future.set_result(parse_batch(chunks, self.policy))
        return True

    def close(self) -> None:
        """Hand out nothing more."""
        with self.lock:
            self.closed = True
            self.waiting.clear()

    def _hand_out(self) -> None:
        while True:
            with self.lock:
                if self.closed or self.handed >= self.limit or not self.waiting:
                    return
                chunks, future = self.waiting.popleft()
                self.handed += 1
            try:
                pooled = self.pool.submit(parse_batch, chunks, self.policy)
            except (BrokenProcessPool, RuntimeError) as error:  # broken, or shut down
                with self.lock:
                    self.handed -= 1
                future.set_exception(error)
                continue
            pooled.add_done_callback(partial(self._returned, future))

    def _returned(self, future: Future[list[Parsed]], pooled: Future[list[Parsed]]) -> None:
        with self.lock:
            self.handed -= 1
        if pooled.cancelled():  # the pool shut down at the end of the run
            future.cancel()
        elif (error := pooled.exception()) is not None:
            future.set_exception(error)
        else:
            future.set_result(pooled.result())
        self._hand_out()


def _start_next(
    batches: Iterator[list[Chunk]],
    window: _Window,
    start: Callable[[list[Chunk]], Future[list[Parsed]]],
) -> bool:
    """Start the next batch (``start`` gives the future of its results) at the end of
    ``window``; False when there is none left."""
    batch = next(batches, None)
    if batch is None:
        return False
    window.append(_Batch(batch, start(batch)))
    return True


def _parsed_here(chunks: list[Chunk], policy: Policy) -> Future[list[Parsed]]:
    """The results of ``chunks`` parsed in this process, as a finished future."""
    future: Future[list[Parsed]] = Future()
    future.set_result(parse_batch(chunks, policy))
    return future


def _first_results(
    pool: Executor, pool_factory: PoolFactory, jobs: int, window: _Window, policy: Policy
) -> Generator[tuple[Chunk, Parsed], None, Executor]:
    """The results of the window's first batch; return the pool the run goes on with."""
    batch, future = window.popleft()
    try:
        results = future.result()
    except BrokenProcessPool:
        return (yield from _after_a_death(pool, pool_factory, jobs, batch, window, policy))
    yield from zip(batch, results, strict=True)
    return pool


def _after_a_death(
    pool: Executor,
    pool_factory: PoolFactory,
    jobs: int,
    batch: list[Chunk],
    window: _Window,
    policy: Policy,
) -> Generator[tuple[Chunk, Parsed], None, Executor]:
    """Parse again, one chunk a task, what a broken pool held (``batch`` and the ``window``,
    which it empties); return the pool the run goes on with."""
    suspects = batch + [chunk for entry in window for chunk in entry.chunks]
    window.clear()
    pool.shutdown(wait=True, cancel_futures=True)
    pool = pool_factory(jobs)
    deaths = 0
    for chunk in suspects:
        try:
            [parsed] = pool.submit(parse_batch, [chunk], policy).result()
            deaths = 0
        except BrokenProcessPool:
            pool.shutdown(wait=True, cancel_futures=True)
            deaths += 1
            if deaths == _DEATHS_IN_A_ROW:
                raise WorkerError(
                    f"worker processes died on {deaths} files in a row, the last"
                    f" {path_text(str(chunk.path))}: is the machine out of memory? What was"
                    " stored is kept; run again, with fewer --jobs"
                ) from None
            parsed = _worker_died(chunk)
            pool = pool_factory(jobs)
        yield chunk, parsed
    return pool


def _worker_died(chunk: Chunk) -> Parsed:
    """The failure of a chunk whose worker died parsing it alone. Its facts (size, time,
    hash) are left to the main process, which streams the file rather than read it whole."""
    reason = (
        "the worker process parsing it died (killed, out of memory, or a crash in a"
        " compiled library); the rest of the run went on"
    )
    failure = ("parser-error", reason)
    if chunk.data is None:
        return Parsed("", -1, None, failure)
    return Parsed(hashlib.sha256(chunk.data).hexdigest(), len(chunk.data), None, failure)


def _batches(chunks: Iterator[Chunk]) -> Iterator[list[Chunk]]:
    """Chunks grouped by count and by bytes carried, so a batch stays small in memory."""
    batch: list[Chunk] = []
    carried = 0
    for chunk in chunks:
        batch.append(chunk)
        carried += len(chunk.data or b"")
        if len(batch) >= _BATCH_CHUNKS or carried >= _BATCH_BYTES:
            yield batch
            batch, carried = [], 0
    if batch:
        yield batch


def _can_spawn() -> bool:
    """Spawned workers re-import the main module by its path; a script read from standard
    input (``python - < script.py``) has none, so such a run parses in one process."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or os.path.exists(main_file)


def _exit_with_parent(parent: int) -> None:
    """Run in each worker: exit when the run that started it is gone (even SIGKILLed).

    A killed run cannot shut its pool down, and its workers would wait for work forever.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="emlkit-parent-watch", daemon=True).start()


def _chunks(files: Iterable[Path]) -> Iterator[Chunk]:
    for path in files:
        try:
            yield from iter_file_chunks(path)
        except OSError:
            yield Chunk(path, None, 0, None)  # parse_chunk reports why it cannot be read


def _unreadable(chunk: Chunk, parsed: Parsed) -> bool:
    """Whether a whole file could not be read at all (gone, a link to nothing, no longer a
    regular file, an I/O error): unlike a file that now says something else, it tells
    nothing about the messages it held."""
    return chunk.index is None and parsed.failure is not None and parsed.failure[0] == "unreadable"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(open_regular(path), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _existing(path: str | os.PathLike[str]) -> Path:
    given = os_path(os.fspath(path))  # as written, or as the index and its output write it
    resolved = Path(os.path.normpath(Path(given).absolute()))  # no "..": paths are stored
    if not resolved.exists():
        raise InputError(f"{path_text(os.fspath(path))}: no such file or folder")
    return resolved


def refuse_inside_corpus(
    target: str | os.PathLike[str],
    roots: Iterable[str | os.PathLike[str]],
    what: str = "the output",
    advice: str = "write it elsewhere",
) -> None:
    """Refuse to write ``target`` where it would be one of the ``roots`` (folders or files
    indexed, as given or as :func:`path_text` writes them) or inside one of them.

    :raises UsageError: ``target`` lies in the evidence.
    """
    resolved = Path(os_path(os.fspath(target))).resolve()
    for root in roots:
        place = Path(os_path(os.fspath(root))).resolve()
        if resolved == place or place in resolved.parents:
            raise UsageError(
                f"{what} {path_text(os.fspath(target))} would be inside the corpus"
                f" {path_text(os.fspath(root))}: emlkit never writes inside the evidence it"
                f" reads; {advice}"
            )


def _exclusive_lock(db_path: Path) -> _Lock:
    return _Lock(db_path.with_name(db_path.name + ".lock"))


class _Lock:
    """An exclusive advisory lock beside the database, held for a whole run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def __enter__(self) -> _Lock:
        try:
            self.handle = self.path.open("a+")
        except OSError as error:  # a folder that cannot be written
            raise StoreError(f"{self.path}: cannot lock the index ({error})") from error
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            self.handle.close()
            raise StoreLockedError(
                f"another emlkit index is writing to {self.path.with_suffix('')} right now;"
                " wait for it to finish"
            ) from error
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
