"""The content digest: what it keeps, what it leaves out, and that SQL computes it again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import undo_content_digest
from hypothesis import given
from hypothesis import strategies as st

from emlkit.index.content import SQL_DIGEST, content_digest, register
from emlkit.index.indexer import index_paths
from emlkit.index.schema import MIGRATIONS, current_version
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

ADDRESSES = [("from", 0, "Анна", "a@zar.test"), ("to", 0, "", "b@zar.test")]
ATTACHMENTS: list[tuple[int, str | None, str, str]] = [
    (0, "акт.pdf", "application/pdf", "ab" * 32),
    (1, None, "image/png", "cd" * 32),
]
FIELDS = ("Акт", "2021-03-02T07:15:00+00:00", '["<p0@zar.test>"]', "[]", "Текст.\n", None)


def digest(*changes: tuple[int, str | None]) -> str:
    fields: list[str | None] = list(FIELDS)
    for position, value in changes:
        fields[position] = value
    return content_digest(fields, ADDRESSES, ATTACHMENTS)


def test_each_field_is_part_of_the_content() -> None:
    changed = [
        digest((0, "Акт.")),
        digest((1, "2021-03-02T07:15:01+00:00")),
        digest((1, None)),
        digest((2, "[]")),
        digest((3, '["<p0@zar.test>"]')),
        digest((4, "Текст!\n")),
        digest((5, "")),  # an empty HTML body is not no HTML body
        content_digest(FIELDS, ADDRESSES[:1], ATTACHMENTS),
        content_digest(FIELDS, ADDRESSES, ATTACHMENTS[1:]),
    ]
    assert len({digest(), *changed}) == len(changed) + 1


def test_fields_cannot_run_together() -> None:
    assert digest((0, "Акт"), (4, "Текст.")) != digest((0, "АктТекст."), (4, ""))


def test_bcc_and_white_space_at_the_end_are_not_content() -> None:
    bcc = [*ADDRESSES, ("bcc", 0, "", "hidden@zar.test")]
    assert content_digest(FIELDS, bcc, ATTACHMENTS) == digest()
    assert digest((4, "Текст.\n\n  ")) == digest((4, "Текст.")) == digest()
    assert digest((4, " Текст.\n")) != digest()  # white space before is


@given(st.permutations(ADDRESSES), st.permutations(ATTACHMENTS))
def test_the_order_of_the_rows_does_not_matter(
    addresses: list[tuple[str, int, str, str]], attachments: list[tuple[int, str | None, str, str]]
) -> None:
    assert content_digest(FIELDS, addresses, attachments) == digest()


def _recomputed(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        register(connection)
        query = f"SELECT content_sha256, {SQL_DIGEST} FROM messages m"
        return [(str(row[0]), str(row[1])) for row in connection.execute(query)]


def test_sql_computes_the_stored_digest_of_every_sample(tmp_path: Path) -> None:
    index_paths([SAMPLES], tmp_path / "index.db", jobs=1)
    pairs = _recomputed(tmp_path / "index.db")
    assert len(pairs) > 80 and all(stored == again for stored, again in pairs)


def test_sql_computes_the_stored_digest_of_every_corpus_message(
    corpora_root: Path, tmp_path: Path
) -> None:
    index_paths([corpora_root], tmp_path / "index.db", jobs=2)
    pairs = _recomputed(tmp_path / "index.db")
    assert len(pairs) > 900
    assert [pair for pair in pairs if pair[0] != pair[1]] == []


def test_the_migration_fills_the_digests_and_keeps_only_real_conflicts(tmp_path: Path) -> None:
    """An index made before migration 5 flagged every copy with other bytes (the samples'
    forwarded copies among them); upgraded, it holds the digests a new index would and
    keeps the flags only where the content differs."""
    db = tmp_path / "index.db"
    index_paths([SAMPLES], db, jobs=1)
    digests = "SELECT id, content_sha256, conflicting FROM messages ORDER BY id"
    shared = "SELECT message_id FROM messages GROUP BY message_id HAVING count(*) > 1"
    with sqlite3.connect(db) as connection:
        fresh = connection.execute(digests).fetchall()
        copies = connection.execute(
            f"SELECT id, message_id FROM messages WHERE message_id IN ({shared}) ORDER BY id"
        ).fetchall()
        assert len(copies) == 8  # four forwarded messages, each beside its original
        undo_content_digest(connection)
        connection.execute(f"UPDATE messages SET conflicting = 1 WHERE message_id IN ({shared})")
        edited, edited_id = copies[-1]
        connection.execute("UPDATE messages SET text = text || '!' WHERE id = ?", (edited,))
    connection.close()
    with Store(db) as store:
        assert current_version(store.db) == MIGRATIONS[-1][0]
        upgraded = store.db.execute(digests).fetchall()
    assert all(r[2] == 0 for r in fresh)
    versions = {r[0] for r in copies if r[1] == edited_id}
    assert [r[0] for r in upgraded if r[2]] == sorted(versions)
    assert [r[:2] for r in upgraded if r[0] != edited] == [r[:2] for r in fresh if r[0] != edited]


@pytest.mark.parametrize("value", ["", "x" * 100_000])
def test_long_and_empty_texts_have_a_digest(value: str) -> None:
    assert len(digest((4, value))) == 64
