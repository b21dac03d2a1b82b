"""Whether a change to the indexer changed any index content: a reference tree's against ours.

    python bench/same_index.py [--ref DIR] [--jobs N] [--keep DIR] [PATH ...]
    python bench/same_index.py --compare A.db B.db

Exports the committed ``HEAD`` (``git archive HEAD``; or uses ``--ref``, an exported tree),
indexes each PATH (default: ``/work/shared/corpora`` and ``/tmp/m2k/corpus``) twice, once
with emlkit imported from the export and once from this work tree, then dumps every table of
both databases sorted and compares their digests table by table. Columns that record when
something happened (``first_seen``, ``computed_at``, a run's timings…) are left out. Each
index is also run a second time with nothing changed, which must leave it the same. Prints a
line per table that differs and exits 1 when any does.

With ``--changes``, each tree indexes its own copy of each PATH, then the same changes are
made to both copies (every 7th file removed, every 11th rewritten, every 13th copied under
a new name, with fixed modification times) and both are indexed again: an incremental run.
With ``--additions``, the first run sees two files in three and the second all of them: an
incremental run that only adds messages (which threads only what they join).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ("/work/shared/corpora", "/tmp/m2k/corpus")
VOLATILE = {
    "files": ("first_seen", "last_seen", "indexed_at"),
    "runs": ("started_at", "finished_at"),
    "derived": ("computed_at",),
    "schema_migrations": ("applied_at",),
    "case_file": ("loaded_at",),
}
"""Columns that hold the time of the run, not the corpus: left out of the comparison."""

_INDEX = """
import sys
from emlkit.index.indexer import index_paths
index_paths([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]))
"""


def _tables(db: sqlite3.Connection) -> list[str]:
    """Every table, FTS5 shadow tables out (``messages_fts`` itself is compared)."""
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows if not name.startswith("messages_fts_")]


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    names = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
    return [name for name in names if name not in VOLATILE.get(table, ())]


def _row(table: str, row: tuple[object, ...]) -> str:
    values = list(row)
    if table == "runs":  # the summary's timing and database path are the run's own
        summary = json.loads(str(values[-1] or "{}"))
        summary.pop("seconds", None)
        summary.pop("db", None)
        values[-1] = summary
    return repr(values)


_THREAD_COLUMNS = ("thread_id", "thread_parent_id", "thread_depth", "thread_by_subject")
_OLD_THREADS = (
    "SELECT id, thread_id, thread_parent_id, thread_depth, thread_by_subject FROM messages"
    " WHERE thread_id IS NOT NULL"
)
"""An index from before migration 4 (placements on ``messages``), read as ``message_threads``."""


def digests(path: Path) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the sorted rows) of every table of the index at ``path``.

    An index from before migration 4 is read as if migrated (its ``schema_migrations``
    still differs), so that a revision before it can be compared with one after it.
    """
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found: dict[str, tuple[int, str]] = {}
        old = "thread_id" in _columns(db, "messages")
        for table in [*_tables(db), *(["message_threads"] if old else [])]:
            names = _columns(db, table)
            if old and table == "messages":
                names = [name for name in names if name not in _THREAD_COLUMNS]
            columns = ", ".join(f'"{name}"' for name in names)
            if table == "messages_fts":
                columns = "rowid, " + columns
            query = f'SELECT {columns} FROM "{table}"'
            if old and table == "message_threads":
                query = _OLD_THREADS
            rows = sorted(_row(table, row) for row in db.execute(query))
            digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass"))
            found[table] = (len(rows), digest.hexdigest())
        return found
    finally:
        db.close()


def compare(first: Path, second: Path) -> list[str]:
    """A line per table whose content differs between the two indexes."""
    a, b = digests(first), digests(second)
    return [
        f"{table}: {a.get(table, (0, 'absent'))} != {b.get(table, (0, 'absent'))}"
        for table in sorted(set(a) | set(b))
        if a.get(table) != b.get(table)
    ]


def _index(tree: Path, corpus: str, db: Path, jobs: int) -> None:
    command = [sys.executable, "-c", _INDEX, corpus, str(db), str(jobs)]
    subprocess.run(command, check=True, cwd=tree, env={"PYTHONPATH": str(tree)})


def _change(corpus: Path) -> None:
    """The same deterministic changes to a copy of a corpus: removed, rewritten, copied."""
    files = sorted(path for path in corpus.rglob("*") if path.is_file())
    for number, path in enumerate(files):
        if number % 7 == 3:
            path.unlink()
        elif number % 11 == 5:
            path.write_bytes(path.read_bytes() + b"\n(changed)\n")
            os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
        elif number % 13 == 6:
            copy = path.with_name("copy-" + path.name)
            shutil.copy2(path, copy)


def _hold_back(corpus: Path, aside: Path) -> list[tuple[Path, Path]]:
    """Move every third file of a copy of a corpus aside; return (where it is, its place)."""
    aside.mkdir(parents=True, exist_ok=True)
    files = sorted(path for path in corpus.rglob("*") if path.is_file())
    moved = [(aside / str(number), path) for number, path in enumerate(files) if number % 3 == 1]
    for held, path in moved:
        shutil.move(path, held)
    return moved


def _incremental(
    tree: Path, corpus: str, work: Path, db: Path, jobs: int, additions: bool = False
) -> None:
    """Index a copy of ``corpus`` under ``work``, change it, index it again. With
    ``additions``, the first run sees two files in three and the second all of them."""
    copy = work / "corpus"
    shutil.copytree(corpus, copy, symlinks=True)
    moved = _hold_back(copy, work / "aside") if additions else []
    _index(tree, str(copy), db, jobs)
    if additions:
        for held, path in moved:
            shutil.move(held, path)
    else:
        _change(copy)
    _index(tree, str(copy), db, jobs)


def _export_head(target: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _compare_changes(
    ref: Path, corpus: str, work: Path, jobs: int, additions: bool = False
) -> bool:
    """Both trees index a copy of ``corpus``, changed alike, twice; True when they differ."""
    # Both copies sit at the same path in turn: the index stores absolute paths.
    dbs = [work / "ref.db", work / "ours.db"]
    for tree, db in zip((ref, ROOT), dbs, strict=True):
        for folder in ("corpus", "aside"):
            shutil.rmtree(work / folder, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        _incremental(tree, corpus, work, db, jobs, additions)
    differences = compare(*dbs)
    label = "files added" if additions else "changed"
    print(f"{corpus} ({label}, incremental): " + ("; ".join(differences) or "same content"))
    return bool(differences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--ref", type=Path, help="an exported reference tree (default: HEAD)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the indexes here and keep them")
    parser.add_argument("--compare", nargs=2, type=Path, metavar="DB", help="only compare")
    parser.add_argument("--changes", action="store_true", help="an incremental run instead")
    parser.add_argument(
        "--additions", action="store_true", help="an incremental run that only adds files"
    )
    args = parser.parse_args(argv)
    if args.compare:
        differences = compare(*args.compare)
        print("\n".join(differences) or "same content")
        return 1 if differences else 0
    with tempfile.TemporaryDirectory(prefix="emlkit-same-") as work:
        base = args.keep or Path(work)
        base.mkdir(parents=True, exist_ok=True)
        ref = args.ref or _export_head(Path(tempfile.mkdtemp(dir=work)))
        failed = False
        for number, corpus in enumerate(args.paths):
            if args.changes or args.additions:
                work = base / str(number)
                differs = _compare_changes(ref, corpus, work, args.jobs, args.additions)
                failed = differs or failed
                continue
            dbs = [base / f"{number}-ref.db", base / f"{number}-ours.db"]
            for tree, db in zip((ref, ROOT), dbs, strict=True):
                for run in range(2):  # cold, then nothing changed
                    _index(tree, corpus, db, args.jobs)
                    if run == 0:
                        cold = db.with_suffix(".cold.db")
                        sqlite3.connect(db).execute(f"VACUUM INTO '{cold}'").connection.close()
            for suffix in (".cold.db", ".db"):
                pair = [db.with_suffix(suffix) if suffix != ".db" else db for db in dbs]
                differences = compare(*pair)
                label = "cold" if suffix == ".cold.db" else "nothing changed"
                print(f"{corpus} ({label}): " + ("; ".join(differences) or "same content"))
                failed = failed or bool(differences)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
