"""The index's SQLite schema, as named migrations applied in order (see ``docs/schema.md``).

Each migration is a script of SQL, run in one transaction together with its row in
``schema_migrations``, so a crash never leaves half a migration. A database written by a
newer emlkit (a version this one does not know) is refused.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from emlkit.errors import StoreError
from emlkit.index.content import SQL_DIGEST, register

_001_INITIAL = """
        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            size INTEGER,
            mtime_ns INTEGER,
            sha256 TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending', 'indexed', 'failed', 'missing')),
            failure_kind TEXT,
            failure TEXT,
            annex INTEGER,
            messages INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            indexed_at TEXT
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            message_id_synthetic INTEGER NOT NULL,
            carrier_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
            carrier_part TEXT,
            subject TEXT NOT NULL,
            base_subject TEXT NOT NULL,
            from_name TEXT,
            from_address TEXT,
            date TEXT,
            date_utc TEXT,
            date_raw TEXT,
            date_source TEXT NOT NULL,
            in_reply_to TEXT NOT NULL,
            "references" TEXT NOT NULL,
            text TEXT NOT NULL,
            html TEXT,
            charsets TEXT NOT NULL,
            received TEXT NOT NULL,
            headers TEXT NOT NULL,
            annex INTEGER,
            conflicting INTEGER NOT NULL DEFAULT 0,
            thread_id TEXT,
            thread_parent_id TEXT,
            thread_depth INTEGER,
            thread_by_subject INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX messages_message_id ON messages(message_id);
        CREATE INDEX messages_date_utc ON messages(date_utc);
        CREATE INDEX messages_thread ON messages(thread_id);
        CREATE INDEX messages_annex ON messages(annex);
        CREATE INDEX messages_carrier ON messages(carrier_id);
        CREATE TABLE message_files (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            mbox_index INTEGER,
            "offset" INTEGER NOT NULL,
            PRIMARY KEY (message_id, file_id, "offset")
        );
        CREATE INDEX message_files_file ON message_files(file_id);
        CREATE TABLE addresses (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('from', 'sender', 'reply_to', 'to', 'cc', 'bcc')),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            address TEXT NOT NULL,
            PRIMARY KEY (message_id, role, position)
        );
        CREATE INDEX addresses_address ON addresses(address);
        CREATE TABLE attachments (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            filename TEXT,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            inline INTEGER NOT NULL,
            content_id TEXT,
            part TEXT NOT NULL,
            PRIMARY KEY (message_id, position)
        );
        CREATE INDEX attachments_sha256 ON attachments(sha256);
        CREATE TABLE defects (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            location TEXT NOT NULL,
            detail TEXT NOT NULL,
            PRIMARY KEY (message_id, position)
        );
        CREATE INDEX defects_kind ON defects(kind);
        CREATE TABLE annexes (
            number INTEGER PRIMARY KEY,
            title TEXT,
            description TEXT
        );
        CREATE VIRTUAL TABLE messages_fts USING fts5(stems, keys, tokenize = 'unicode61');
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            roots TEXT NOT NULL,
            summary TEXT
        );
"""

_002_SENDERS_AND_TIME = """
        CREATE TABLE identities (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            messages INTEGER NOT NULL
        );
        CREATE TABLE identity_mailboxes (
            address TEXT PRIMARY KEY,
            identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
            messages INTEGER NOT NULL
        );
        CREATE INDEX identity_mailboxes_identity ON identity_mailboxes(identity_id);
        CREATE TABLE identity_names (
            identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            messages INTEGER NOT NULL,
            PRIMARY KEY (identity_id, name)
        );
        CREATE TABLE identity_links (
            identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            name TEXT NOT NULL,
            other_address TEXT NOT NULL,
            other_name TEXT NOT NULL
        );
        CREATE INDEX identity_links_identity ON identity_links(identity_id);
        CREATE TABLE anomalies (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            seconds REAL,
            PRIMARY KEY (message_id, kind)
        );
        CREATE INDEX anomalies_kind ON anomalies(kind);
        CREATE TABLE derived (
            name TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            computed_at TEXT NOT NULL
        );
"""

_003_CASE = """
        CREATE TABLE case_file (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            letter_title TEXT NOT NULL,
            letter_date TEXT,
            letter_path TEXT,
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            annexes TEXT NOT NULL,
            terms TEXT NOT NULL,
            quotes TEXT NOT NULL,
            translations TEXT NOT NULL,
            note TEXT NOT NULL
        );
        ALTER TABLE annexes ADD COLUMN paths TEXT NOT NULL DEFAULT '[]';
"""

# Threading rewrote every placed message row, text and all, in the last transaction of a
# run: the placements now live in a narrow table of their own.
_004_THREAD_TABLE = """
        CREATE TABLE message_threads (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            thread_id TEXT NOT NULL,
            thread_parent_id TEXT,
            thread_depth INTEGER NOT NULL,
            thread_by_subject INTEGER NOT NULL
        );
        CREATE INDEX message_threads_thread ON message_threads(thread_id);
        INSERT INTO message_threads
            SELECT id, thread_id, thread_parent_id, thread_depth, thread_by_subject
            FROM messages WHERE thread_id IS NOT NULL;
        DROP INDEX messages_thread;
        ALTER TABLE messages DROP COLUMN thread_id;
        ALTER TABLE messages DROP COLUMN thread_parent_id;
        ALTER TABLE messages DROP COLUMN thread_depth;
        ALTER TABLE messages DROP COLUMN thread_by_subject;
"""

# Conflicts by content, not by bytes (docs/indexing.md#duplicates-and-conflicts): every row
# gets the digest of what it says, and a flag stays only where one Message-ID has two.
_005_CONTENT_DIGEST = f"""
        ALTER TABLE messages ADD COLUMN content_sha256 TEXT;
        UPDATE messages AS m SET content_sha256 = {SQL_DIGEST};
        DROP INDEX messages_message_id;
        CREATE INDEX messages_message_id_content ON messages(message_id, content_sha256);
        UPDATE messages SET conflicting = 0 WHERE conflicting = 1 AND message_id IN (
            SELECT message_id FROM messages GROUP BY message_id
            HAVING min(content_sha256) = max(content_sha256));
"""

# A message at several paths is in the annexes of all of them (store.IN_ANNEX); its column
# holds the lowest, which an annex's copy of a message already stored did not set before.
_006_ANNEX_MEMBERSHIP = """
        CREATE INDEX files_annex ON files(annex);
        WITH RECURSIVE lowest(id, annex) AS (
            SELECT m.id, (SELECT min(f.annex) FROM message_files mf JOIN files f
                ON f.id = mf.file_id WHERE mf.message_id = m.id)
            FROM messages m WHERE m.carrier_id IS NULL
            UNION ALL SELECT c.id, lowest.annex FROM messages c JOIN lowest
                ON c.carrier_id = lowest.id)
        UPDATE messages SET annex = lowest.annex FROM lowest
            WHERE lowest.id = messages.id AND messages.annex IS NOT lowest.annex;
"""

# A forwarded message carried by several messages (the same attachment forwarded twice, or a
# message that also stands in a file of its own, stored first) has one row, which
# messages.carrier_id ties to its first carrier; every other carrier is a row here. Indexes
# made before hold none: their duplicates' other carriers are known only to a new index.
_007_OTHER_CARRIERS = """
        CREATE TABLE message_carriers (
            carrier_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            carrier_part TEXT NOT NULL,
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            PRIMARY KEY (carrier_id, carrier_part)
        ) WITHOUT ROWID;
        CREATE INDEX message_carriers_message ON message_carriers(message_id);
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "initial", _001_INITIAL),
    (2, "senders-and-time", _002_SENDERS_AND_TIME),
    (3, "case", _003_CASE),
    (4, "thread-table", _004_THREAD_TABLE),
    (5, "content-digest", _005_CONTENT_DIGEST),
    (6, "annex-membership", _006_ANNEX_MEMBERSHIP),
    (7, "other-carriers", _007_OTHER_CARRIERS),
)
"""Every migration, in the order it must run: (version, name, SQL script)."""


def current_version(db: sqlite3.Connection) -> int:
    """The newest migration applied to ``db`` (0 for a new database)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def check_readable(db: sqlite3.Connection) -> int:
    """The schema version of an index opened read-only, which cannot be migrated.

    :raises StoreError: the database was written by a newer emlkit, or by an older one and
        not upgraded since.
    :raises sqlite3.DatabaseError: the file is not an SQLite database, or not an index (no
        table of migrations).
    """
    row = db.execute("SELECT max(version) FROM schema_migrations").fetchone()
    version = int(row[0] or 0)
    _refuse_newer(version)
    newest = MIGRATIONS[-1][0]
    if version < newest:  # read-only: it cannot be migrated here
        raise StoreError(
            f"the index has schema version {version}, made by an older emlkit (this one"
            f" writes {newest}); run `emlkit index PATH` on it once to upgrade it"
        )
    return version


def refuse_foreign(db: sqlite3.Connection) -> None:
    """Refuse another program's database (tables, but no table of migrations) before
    anything is written to it.

    :raises StoreError: ``db`` is not empty and not an emlkit index.
    """
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if names and "schema_migrations" not in names:
        raise StoreError("not an emlkit index: a database of something else, left untouched")


def _refuse_newer(version: int) -> None:
    newest = MIGRATIONS[-1][0]
    if version > newest:
        raise StoreError(
            f"the index has schema version {version}; this emlkit knows up to {newest}:"
            " upgrade emlkit"
        )


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration ``db`` lacks, each in its own transaction; return their names.

    :raises StoreError: the database was written by a newer emlkit.
    """
    applied: list[str] = []
    refuse_foreign(db)
    register(db)
    with db:
        version = current_version(db)
    _refuse_newer(version)
    for number, name, script in MIGRATIONS:
        if number <= version:
            continue
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        db.executescript(
            f"BEGIN;\n{script}\n"
            "INSERT INTO schema_migrations (version, name, applied_at)"
            f" VALUES ({number}, '{name}', '{stamp}');\nCOMMIT;"
        )
        applied.append(name)
    return applied
