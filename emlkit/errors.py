"""The one exception hierarchy of emlkit.

Parse problems are never raised: they are recorded as defects on the record (see
:mod:`emlkit.records`). Exceptions are for callers' mistakes and for the environment:
a path that does not exist, a database that is locked, a malformed query.
"""

from __future__ import annotations


class EmlkitError(Exception):
    """Root of every exception emlkit raises on purpose."""


class InputError(EmlkitError):
    """An input path cannot be read at all (missing, not a file or folder, no permission)."""


class UsageError(EmlkitError):
    """A caller passed arguments that cannot work together."""


class QueryError(UsageError):
    """A search query that cannot be parsed."""


class CaseError(UsageError):
    """A case file that cannot be used."""


class StoreError(EmlkitError):
    """The index database cannot be used (written by a newer emlkit, damaged, misplaced)."""


class StoreLockedError(StoreError):
    """Another ``emlkit index`` is writing to the same database right now."""


class WorkerError(EmlkitError):
    """The worker processes of an index run keep dying, file after file: the machine is out
    of memory, or cannot start them. What was stored before is kept."""


class NotFoundError(UsageError, KeyError):
    """A message, thread or annex asked for by id is not in the index.

    It is also a :class:`KeyError`, so ``except KeyError`` works as for a mapping.
    """

    def __str__(self) -> str:
        return Exception.__str__(self)  # KeyError would show the message in quotes


class MissingDependencyError(EmlkitError, ImportError):
    """An optional feature needs a package that is not installed; the message says which
    extra to install (``pip install 'emlkit[pandas]'``)."""
