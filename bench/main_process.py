"""Where an index run's main process spends its time, at full scale (no profiler overhead).

    python bench/main_process.py CORPUS [--jobs 2]

Runs ``index_paths`` on CORPUS into a new temporary database twice (cold, then with nothing
changed) with timers wrapped around the main process' steps: the ``Store`` methods it calls,
the search columns, the walk. cProfile cannot show this at scale (its overhead swamps the
workers' share, and it sees one process only); wrapping a few functions costs nothing.
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emlkit.index import derived, indexer, store

SPENT: collections.Counter[str] = collections.Counter()
CALLS: collections.Counter[str] = collections.Counter()


def _wrap(owner: Any, name: str, label: str) -> None:
    function: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - started
            CALLS[label] += 1

    setattr(owner, name, timed)


def _instrument() -> None:
    for name in (
        "record_walk",
        "walked",
        "todo",
        "touch_file",
        "upsert_file",
        "reread_file",
        "end_reread",
        "add_rows",
        "flush",
        "finish_file",
        "mark_missing",
        "rethread",
        "counts",
    ):
        _wrap(store.Store, name, f"Store.{name}")
    for name in ("recount_identities", "write_identities", "rebuild_anomalies"):
        _wrap(derived, name, name)
    # In a thread of its own, alongside Store.rethread: its seconds overlap the run's.
    _wrap(derived, "_compute_identities", "_compute_identities (second connection)")
    _wrap(indexer, "_sha256_file", "_sha256_file")
    _wrap(indexer._Run, "_maybe_commit", "commits (_maybe_commit)")
    _wrap(indexer._Run, "_needs_parsing", "_needs_parsing (stat, touch)")


def _peak_mb() -> float:
    """This process' peak resident set (VmHWM) so far, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(corpus: Path, db: Path, jobs: int, label: str) -> None:
    SPENT.clear()
    CALLS.clear()
    started = time.perf_counter()
    walked = sum(1 for _ in indexer.iter_mail_paths([corpus]))
    walk = time.perf_counter() - started
    started = time.perf_counter()
    cpu = time.process_time()
    summary = indexer.index_paths([corpus], db, jobs=jobs)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = _peak_mb()
    print(f"\n### {label}: {total:.2f} s for {summary.files_seen} files, jobs={jobs}\n")
    print(f"main process: {cpu:.2f} CPU-s; peak RSS so far {peak:.1f} MB\n")
    print("| main-process step | seconds | share of the run | calls |\n|---|---|---|---|")
    print(f"| walk alone (iter_mail_paths, measured apart) | {walk:.2f} | — | {walked} |")
    for name, seconds in SPENT.most_common():
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {CALLS[name]} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    _instrument()
    with tempfile.TemporaryDirectory(prefix="emlkit-main-") as work:
        db = Path(work) / "index.db"
        _run(args.corpus.absolute(), db, args.jobs, "cold")
        _run(args.corpus.absolute(), db, args.jobs, "nothing changed")
    return 0


if __name__ == "__main__":  # the guard matters: index workers are spawned, not forked
    sys.exit(main())
