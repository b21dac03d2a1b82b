"""The notebook API: ``emlkit.open("samples/")`` and the :class:`Corpus` it returns.

A facade over the index, the claims and the renderers: it holds no logic of its own beyond
reading records and shaping results (``to_pandas()``, HTML for notebooks). The command line
is a shell over it. See ``docs/api.md`` and ``docs/tutorial.ipynb``.

Each name is imported from its module on first use, so that ``emlkit index`` — which needs
only :func:`update_index` — does not pay for loading the excerpts, quotes and renderers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emlkit.lazy import lazy_names

if TYPE_CHECKING:
    from emlkit.api.constants import (
        DOCUMENT_FORMATS,
        EXPORT_FORMATS,
        FREQUENCIES,
        TIMELINE_PERIODS,
    )
    from emlkit.api.corpus import Corpus, open
    from emlkit.api.documents import CaseReport, Document, Excerpts
    from emlkit.api.indexing import CaseCheck, IndexRun, check_case, default_db, update_index
    from emlkit.api.messages import MessageSet
    from emlkit.api.reading import MessageFilter
    from emlkit.api.record import IndexedMessage
    from emlkit.api.results import (
        Conflicts,
        Correspondents,
        QuoteChecks,
        ResultList,
        SearchResults,
        Senders,
        Thread,
        ThreadEntry,
        Threads,
        Timeline,
    )

_MODULES = {
    "constants": ("DOCUMENT_FORMATS", "EXPORT_FORMATS", "FREQUENCIES", "TIMELINE_PERIODS"),
    "corpus": ("Corpus", "open"),
    "documents": ("CaseReport", "Document", "Excerpts"),
    "indexing": ("CaseCheck", "IndexRun", "check_case", "default_db", "update_index"),
    "messages": ("MessageSet",),
    "reading": ("MessageFilter",),
    "record": ("IndexedMessage",),
    "results": (
        "Conflicts",
        "Correspondents",
        "QuoteChecks",
        "ResultList",
        "SearchResults",
        "Senders",
        "Thread",
        "ThreadEntry",
        "Threads",
        "Timeline",
    ),
}
_HOME = {name: f"emlkit.api.{module}" for module, names in _MODULES.items() for name in names}


__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())

__all__ = [
    "DOCUMENT_FORMATS",
    "EXPORT_FORMATS",
    "FREQUENCIES",
    "TIMELINE_PERIODS",
    "CaseCheck",
    "CaseReport",
    "Conflicts",
    "Corpus",
    "Correspondents",
    "Document",
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
    "check_case",
    "default_db",
    "open",
    "update_index",
]
