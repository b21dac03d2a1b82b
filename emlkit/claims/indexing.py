"""Indexing a case: the corpus, with the case file's annexes and claims stored beside it.

``emlkit index samples/`` picks up ``samples/case.toml`` (or ``--case FILE``): its annex
``paths`` globs name the annex of the files they match, ahead of folder names, and its
letter, annexes and claims are stored in the index in the run's last transaction.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from emlkit.claims.case import Case, load_case
from emlkit.index.indexer import AnnexRule, IndexSummary, ProgressCallback, index_paths
from emlkit.index.store import Store, now
from emlkit.parse.files import path_text, read_regular

CASE_FILE = "case.toml"


def find_case_file(paths: Iterable[str | os.PathLike[str]]) -> Path | None:
    """The ``case.toml`` directly inside the first given folder that has one, or None."""
    for given in paths:
        candidate = Path(given) / CASE_FILE
        if candidate.is_file():
            return candidate
    return None


def index_case(
    paths: list[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    case_file: str | os.PathLike[str] | None = None,
) -> tuple[IndexSummary, Case | None]:
    """Index ``paths`` with the case file given or found among them (see module docstring).

    :raises CaseError: the case file has errors (``emlkit case check`` lists them).
    """
    found = Path(case_file) if case_file is not None else find_case_file(paths)
    if found is None:
        return index_paths(paths, db, jobs, progress), None
    case = load_case(found)
    summary = index_paths(
        paths, db, jobs, progress, annex_of=annex_rule(case), finish=lambda s: save_case(s, case)
    )
    return summary, case


def annex_rule(case: Case) -> AnnexRule:
    """A rule naming the annex of the files and folders an annex's ``paths`` globs match."""
    folder = case.path.parent
    files: dict[str, int] = {}
    trees: list[tuple[str, int]] = []
    for annex in case.annexes:
        for pattern in annex.paths:
            for match in glob.glob(str(folder / pattern), recursive=True):
                absolute = os.path.normpath(os.path.abspath(match))
                text = path_text(absolute)  # as the index writes the paths the rule is given
                if os.path.isdir(absolute):
                    trees.append((text.rstrip("/") + "/", annex.number))
                else:
                    files.setdefault(text, annex.number)

    def rule(path: str) -> int | None:
        if path in files:
            return files[path]
        return next((number for prefix, number in trees if path.startswith(prefix)), None)

    return rule


def save_case(store: Store, case: Case) -> None:
    """Store the case's letter, annexes and claims, replacing any earlier case."""
    data = read_regular(case.path)
    letter = case.letter
    store.db.execute("DELETE FROM case_file")
    store.db.execute(
        "INSERT INTO case_file VALUES (1, ?, ?, ?, ?, ?, ?)",
        (
            path_text(str(case.path.absolute())),
            hashlib.sha256(data).hexdigest(),
            letter.title,
            None if letter.date is None else letter.date.isoformat(),
            None if letter.path is None else path_text(str(letter.path.absolute())),
            now(),
        ),
    )
    store.db.execute("DELETE FROM annexes")
    store.db.executemany(
        "INSERT INTO annexes (number, title, description, paths) VALUES (?, ?, ?, ?)",
        [(a.number, a.title, a.description, json.dumps(list(a.paths))) for a in case.annexes],
    )
    store.db.execute("DELETE FROM claims")
    store.db.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                claim.id,
                position,
                claim.text,
                json.dumps(list(claim.annexes)),
                json.dumps(list(claim.terms), ensure_ascii=False),
                json.dumps(list(claim.quotes), ensure_ascii=False),
                json.dumps(list(claim.translations), ensure_ascii=False),
                claim.note,
            )
            for position, claim in enumerate(case.claims)
        ],
    )
