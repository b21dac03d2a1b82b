"""The case stored in an index: its letter, annexes and claims, read back from the tables
:func:`emlkit.claims.indexing.save_case` wrote."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from emlkit.claims.case import Annex, Case, Claim, Letter
from emlkit.index.store import Store


@dataclass(frozen=True, slots=True)
class StoredCase:
    """A case as the index holds it, with the case file's hash at the time it was stored."""

    case: Case
    sha256: str
    loaded_at: str


def stored_case(store: Store) -> StoredCase | None:
    """The case stored in the index, or None when it was indexed without one."""
    try:
        row = store.db.execute(
            "SELECT path, sha256, letter_title, letter_date, letter_path, loaded_at"
            " FROM case_file WHERE id = 1"
        ).fetchone()
    except sqlite3.OperationalError:  # an index made before case files, opened read-only
        return None
    if row is None:
        return None
    path, sha256, title, day, letter_path, loaded_at = row
    letter = Letter(
        str(title),
        None if day is None else date.fromisoformat(day),
        None if letter_path is None else Path(letter_path),
    )
    case = Case(Path(path), letter, stored_annexes(store), stored_claims(store))
    return StoredCase(case, str(sha256), str(loaded_at))


def stored_annexes(store: Store) -> tuple[Annex, ...]:
    """The annexes the stored case declares, by number."""
    rows = store.db.execute(
        "SELECT number, coalesce(title, ''), coalesce(description, ''), paths"
        " FROM annexes ORDER BY number"
    )
    return tuple(
        Annex(int(number), str(title), str(description), tuple(json.loads(paths)))
        for number, title, description, paths in rows
    )


def stored_claims(store: Store) -> tuple[Claim, ...]:
    """The claims of the stored case, in the case file's order (empty without a case)."""
    rows = store.db.execute(
        "SELECT id, text, annexes, terms, quotes, translations, note FROM claims ORDER BY position"
    )
    return tuple(
        Claim(
            str(claim_id), str(text), tuple(json.loads(annexes)), tuple(json.loads(terms)),
            tuple(json.loads(quotes)), tuple(json.loads(translations)), str(note),
        )
        for claim_id, text, annexes, terms, quotes, translations, note in rows
    )  # fmt: skip
