"""The choices the API's methods take (and the command line offers): export and document
formats, timeline periods. A light module, importing nothing: the command line reads it at
start-up, before it knows which command runs (the tests check that the index layer takes
the same choices)."""

from __future__ import annotations

__all__ = ["DOCUMENT_FORMATS", "EXPORT_FORMATS", "FREQUENCIES", "TIMELINE_PERIODS"]

EXPORT_FORMATS = ("jsonl", "csv")
"""The formats of :meth:`Corpus.export`: ``jsonl`` and ``csv`` (``emlkit.index.export``)."""

TIMELINE_PERIODS = ("day", "week", "month")
"""The periods a timeline is counted by: ``day``, ``week``, ``month``
(``emlkit.index.timeline``)."""

FREQUENCIES = {"D": "day", "W": "week", "M": "month"}
"""The ``freq`` letters of :meth:`Corpus.timeline` (as in pandas) and the periods they name;
the period names themselves (``day``, ``week``, ``month``) work too."""

DOCUMENT_FORMATS = ("terminal", "markdown", "html", "json")
"""The formats of an annex's excerpts and of the case report (:meth:`Document.render`):
a terminal view, Markdown, one self-contained HTML page, JSON."""
