"""pandas DataFrames of the API's results, for the optional extra ``emlkit[pandas]``.

pandas is imported only when a ``to_pandas()`` is called, so emlkit runs without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from emlkit.errors import MissingDependencyError

__all__ = ["Frame", "frame", "require_pandas"]

Frame = Any
"""A ``pandas.DataFrame`` (typed loosely: pandas is optional and ships no type hints)."""

EXTRA_HINT = "pip install 'emlkit[pandas]'"


def require_pandas() -> Any:
    """The pandas module.

    :raises MissingDependencyError: pandas is not installed; the message names the extra.
    """
    try:
        return importlib.import_module("pandas")
    except ImportError as error:
        raise MissingDependencyError(
            f"to_pandas() needs pandas, which is not installed: {EXTRA_HINT}"
        ) from error


def frame(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    dates: Sequence[str] = (),
    integers: Sequence[str] = (),
) -> Frame:
    """A DataFrame of ``rows``: ``dates`` columns (ISO 8601 text) as UTC timestamps,
    ``integers`` columns as nullable integers (so a missing annex does not make floats)."""
    pandas = require_pandas()
    table = pandas.DataFrame(list(rows), columns=None if columns is None else list(columns))
    for column in dates:
        if column in table:
            table[column] = pandas.to_datetime(table[column], utc=True)
    for column in integers:
        if column in table:
            table[column] = table[column].astype("Int64")
    return table
