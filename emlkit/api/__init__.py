"""The notebook API: ``emlkit.open("samples/")`` and the :class:`Corpus` it returns.

A facade over the index, the claims and the renderers: it holds no logic of its own beyond
reading records and shaping results (``to_pandas()``, HTML for notebooks). See
``docs/api.md`` and ``docs/tutorial.ipynb``.
"""

from __future__ import annotations

from emlkit.api.corpus import (
    EXPORT_FORMATS,
    FREQUENCIES,
    TIMELINE_PERIODS,
    Corpus,
    IndexRun,
    default_db,
    open,
)
from emlkit.api.messages import MessageSet
from emlkit.api.reading import MessageFilter
from emlkit.api.record import IndexedMessage
from emlkit.api.results import (
    Correspondents,
    Excerpts,
    QuoteChecks,
    ResultList,
    SearchResults,
    Senders,
    Thread,
    ThreadEntry,
    Threads,
    Timeline,
)

__all__ = [
    "EXPORT_FORMATS",
    "FREQUENCIES",
    "TIMELINE_PERIODS",
    "Corpus",
    "Correspondents",
    "Excerpts",
    "IndexRun",
    "IndexedMessage",
    "MessageFilter",
    "MessageSet",
    "QuoteChecks",
    "ResultList",
    "SearchResults",
    "Senders",
    "Thread",
    "ThreadEntry",
    "Threads",
    "Timeline",
    "default_db",
    "open",
]
