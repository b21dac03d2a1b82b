"""Indexing and case files, for :func:`emlkit.open` and ``emlkit index`` / ``emlkit case``.

This module stays light on purpose: ``emlkit index`` with nothing to do must start, walk
20,000 files and exit in well under half a second, so it imports neither the claims'
excerpts nor the renderers that reading an index needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from emlkit.claims.case import Case, CaseProblem, case_summary, read_case
from emlkit.claims.indexing import index_case
from emlkit.index.indexer import IndexSummary, ProgressCallback, default_db_path

__all__ = ["CaseCheck", "IndexRun", "PathLike", "check_case", "default_db", "update_index"]

PathLike = str | os.PathLike[str]
"""A path given as text or as a :class:`~pathlib.Path`."""


def default_db() -> Path:
    """The index used when none is named: ``$EMLKIT_DB``, else ``.emlkit/index.db`` in the
    current folder (the same as the command line's)."""
    return default_db_path()


@dataclass(frozen=True, slots=True)
class IndexRun:
    """What an index run did: its summary and the case file it stored (or None)."""

    summary: IndexSummary
    case: Case | None

    def case_summary(self) -> str | None:
        """One line naming the case stored and its counts, or None without a case."""
        if self.case is None:
            return None
        return case_summary(self.case.path, self.case).removesuffix(": OK")


def update_index(
    paths: PathLike | Iterable[PathLike],
    *,
    db: PathLike | None = None,
    jobs: int | None = None,
    case: PathLike | None = None,
    progress: ProgressCallback | None = None,
) -> IndexRun:
    """Index folders and files into ``db`` (default: :func:`default_db`), as ``emlkit
    index`` does: only what changed since the last run, with the ``case.toml`` found
    directly in a given folder (or ``case``); ``jobs`` processes parse, the main one
    included (default: all cores); ``progress`` is called with the run's
    :class:`~emlkit.index.indexer.Progress`.

    :raises InputError: a given path does not exist.
    :raises UsageError: the index would lie inside the corpus.
    :raises CaseError: the case file has errors.
    :raises StoreLockedError: another index run is writing to the same database.
    """
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    target = Path(db) if db is not None else default_db()
    summary, found = index_case(given, target, jobs, progress, case)
    return IndexRun(summary, found)


@dataclass(frozen=True, slots=True)
class CaseCheck:
    """The verdict on a case file: the case (None when it has errors) and every problem,
    in line order."""

    path: str
    """The file, as it was given."""
    case: Case | None
    problems: tuple[CaseProblem, ...]

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return self.case is not None

    def lines(self) -> list[str]:
        """Each problem as ``FILE:LINE: error: message`` (or ``warning``)."""
        return [problem.format(self.path) for problem in self.problems]

    def summary(self) -> str | None:
        """``FILE: 8 claims, 8 annexes, 14 quotes: OK``, or None when the file has errors."""
        return None if self.case is None else case_summary(self.path, self.case)


def check_case(path: PathLike) -> CaseCheck:
    """Read and check the case file at ``path`` (``docs/case-file.md``).

    :raises CaseError: the file cannot be read at all.
    """
    found, problems = read_case(Path(path))
    return CaseCheck(os.fspath(path), found, tuple(problems))
