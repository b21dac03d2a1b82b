"""The choices the API's methods take (and the command line offers): export and document
formats, timeline periods. A light module: the command line reads it at start-up, before
it knows which command runs, so it takes the index layer's choices from
``emlkit.index.choices``, which imports nothing."""

from __future__ import annotations

from emlkit.index.choices import FORMATS, PERIODS

__all__ = ["DOCUMENT_FORMATS", "EXPORT_FORMATS", "FREQUENCIES", "TIMELINE_PERIODS"]

EXPORT_FORMATS = FORMATS
"""The formats of :meth:`Corpus.export`: ``jsonl`` and ``csv``."""

TIMELINE_PERIODS = PERIODS
"""The periods a timeline is counted by: ``day``, ``week``, ``month``."""

FREQUENCIES = {"D": "day", "W": "week", "M": "month"}
"""The ``freq`` letters of :meth:`Corpus.timeline` (as in pandas) and the periods they name;
the period names themselves (``day``, ``week``, ``month``) work too."""

DOCUMENT_FORMATS = ("terminal", "markdown", "html", "json")
"""The formats of an annex's excerpts and of the case report (:meth:`Document.render`):
a terminal view, Markdown, one self-contained HTML page, JSON."""
