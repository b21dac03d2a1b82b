"""Migrations: ordered, recorded, idempotent, atomic, and a newer database is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from emlkit.errors import StoreError
from emlkit.index.schema import MIGRATIONS, current_version, migrate
from emlkit.index.store import Store


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
