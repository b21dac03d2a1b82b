"""Migrations: ordered, recorded, idempotent, atomic, and a newer database is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from helpers import undo_thread_table

from emlkit.cli import main
from emlkit.errors import StoreError
from emlkit.index import schema
from emlkit.index.indexer import index_paths
from emlkit.index.queries import find_thread
from emlkit.index.schema import MIGRATIONS, current_version, migrate
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_migrations_are_numbered_in_order_with_unique_names() -> None:
    numbers = [number for number, _, _ in MIGRATIONS]
    assert numbers == list(range(1, len(MIGRATIONS) + 1))
    assert len({name for _, name, _ in MIGRATIONS}) == len(MIGRATIONS)


def test_a_new_database_gets_every_migration_once() -> None:
    db = sqlite3.connect(":memory:")
    assert migrate(db) == [name for _, name, _ in MIGRATIONS]
    assert migrate(db) == []
    assert current_version(db) == MIGRATIONS[-1][0]
    recorded = db.execute("SELECT version, name FROM schema_migrations ORDER BY version")
    assert recorded.fetchall() == [(number, name) for number, name, _ in MIGRATIONS]


def test_an_old_database_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    current_version(db)
    number, name, script = MIGRATIONS[0]
    db.executescript(
        f"BEGIN;{script};INSERT INTO schema_migrations VALUES ({number}, '{name}', 'x');COMMIT;"
    )
    db.close()
    with Store(path) as store:
        assert current_version(store.db) == MIGRATIONS[-1][0]


def test_migration_4_moves_the_placements_out_of_the_message_rows(tmp_path: Path) -> None:
    """An index threaded before migration 4 keeps its threads: the next run finds the
    threads up to date (nothing changed) and does not thread again."""
    db = tmp_path / "index.db"
    index_paths([SAMPLES], db, jobs=1)
    placed = "SELECT message_id, thread_id, thread_parent_id, thread_depth, thread_by_subject"
    with sqlite3.connect(db) as connection:
        before = sorted(connection.execute(f"{placed} FROM message_threads"))
        undo_thread_table(connection)
        connection.executemany(
            "UPDATE messages SET thread_id = ?, thread_parent_id = ?, thread_depth = ?,"
            " thread_by_subject = ? WHERE id = ?",
            [(*row[1:], row[0]) for row in before],
        )
    connection.close()
    with mock.patch.object(Store, "rethread", side_effect=AssertionError("threaded again")):
        summary = index_paths([SAMPLES], db, jobs=1)
    assert summary.files_indexed == 0 and summary.files_unchanged == summary.files_seen
    with Store(db, readonly=True) as store:
        assert current_version(store.db) == MIGRATIONS[-1][0]
        after = sorted(tuple(row) for row in store.db.execute(f"{placed} FROM message_threads"))
        assert after == before
        columns = {row[1] for row in store.db.execute("PRAGMA table_info(messages)")}
        assert not {c for c in columns if c.startswith("thread")}
        assert len(before) == store.counts()["messages"] > 0
        thread = before[0][1]
        _tree, summaries = find_thread(store, str(thread))
        assert sorted(map(int, summaries)) == [row[0] for row in before if row[1] == thread]


def test_a_database_from_a_newer_emlkit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with Store(path):
        pass
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="upgrade emlkit"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the droids" * 100)
    with pytest.raises(StoreError, match="not a usable emlkit index"):
        Store(path)


def test_an_older_index_is_refused_read_only_until_an_index_run_upgrades_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    with monkeypatch.context() as patched:
        patched.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        schema.migrate(db)
    db.close()
    with pytest.raises(StoreError, match=r"schema version 1, made by an older emlkit"):
        Store(path, readonly=True)
    result = CliRunner().invoke(main, ["search", "x", "--db", str(path)])
    assert result.exit_code == 1
    assert "run `emlkit index PATH` on it once to upgrade it" in result.stderr
    Store(path).close()  # what an index run does first: migrate
    with Store(path, readonly=True) as store:
        assert store.counts()["messages"] == 0


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (name TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"app\.db: not an emlkit index"):
        Store(path)
    with pytest.raises(StoreError, match="not a usable emlkit index"):
        Store(path, readonly=True)
    assert path.read_bytes() == before  # not even switched to WAL


def test_an_empty_database_file_becomes_an_index(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    sqlite3.connect(path).close()  # created by sqlite3, no tables yet
    with Store(path) as store:
        assert store.counts()["messages"] == 0


def test_the_schema_is_readable_by_plain_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    with Store(path):
        pass
    tables = {
        row[0]
        for row in sqlite3.connect(path).execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
    }
    expected = {"files", "messages", "message_files", "addresses", "attachments", "defects"}
    assert expected | {"annexes", "messages_fts", "runs", "schema_migrations"} <= tables


def test_the_useful_queries_of_the_schema_page_run_on_an_index(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_paths([SAMPLES], db, jobs=1)
    page = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text("utf-8")
    block = page.split("## Useful queries", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    queries = [query.strip() for query in block.split(";") if query.strip()]
    assert len(queries) >= 6
    with sqlite3.connect(db) as connection:
        results = [connection.execute(query).fetchall() for query in queries]
    connection.close()
    longest = results[1]
    assert longest and longest[0][1] >= 2  # the samples hold threads of several messages
