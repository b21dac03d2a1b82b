"""The API's documents: an annex's excerpts and the case report, each shown in a notebook
and written in every format of ``emlkit excerpt`` and ``emlkit report``.

``render(fmt)`` gives a format's content: a rich renderable for ``terminal``, text for
``markdown``, ``html`` (one self-contained page) and ``json``; :meth:`save` writes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import RenderableType

from emlkit.api.constants import DOCUMENT_FORMATS
from emlkit.api.frames import Frame, frame
from emlkit.claims.excerpts import ClaimText, MessageExcerpts
from emlkit.claims.report import Report
from emlkit.errors import UsageError
from emlkit.index.indexer import refuse_inside_corpus
from emlkit.render.excerpts import (
    excerpts_fragment,
    excerpts_html,
    excerpts_json,
    excerpts_markdown,
    excerpts_view,
)
from emlkit.render.markup import plain_text
from emlkit.render.report import (
    report_fragment,
    report_html,
    report_json,
    report_markdown,
    report_view,
)

__all__ = ["CaseReport", "Document", "Excerpts"]


_SUFFIXES = {
    ".txt": "terminal", ".md": "markdown", ".html": "html", ".htm": "html", ".json": "json",
}  # fmt: skip
FILE_WIDTH = 100
"""The width of the terminal view written to a file (plain text, no colour)."""


class Document:
    """What the excerpts of an annex and the case report share: their formats, and the
    folders and files of the corpus they come from (``corpus_roots``), inside which
    :meth:`save` writes nothing."""

    __slots__ = ("corpus_roots",)

    def __init__(self, corpus_roots: Sequence[str] = ()) -> None:
        self.corpus_roots = tuple(corpus_roots)

    def _renderers(self) -> dict[str, Callable[[], str | RenderableType]]:
        raise NotImplementedError

    def render(self, fmt: str = "terminal") -> str | RenderableType:
        """The document in ``fmt``: a rich renderable for ``terminal``, else text.

        :raises UsageError: an unknown format.
        """
        renderer = self._renderers().get(fmt)
        if renderer is None:
            raise UsageError(f"formats are {', '.join(DOCUMENT_FORMATS)}, not {fmt!r}")
        return renderer()

    def text(self, fmt: str = "terminal") -> str:
        """The document in ``fmt`` as text (``terminal``: plain, 100 columns, no colour).

        :raises UsageError: an unknown format.
        """
        rendered = self.render(fmt)
        text = rendered if isinstance(rendered, str) else plain_text(rendered, FILE_WIDTH)
        return text if text.endswith("\n") else text + "\n"

    def to_markdown(self) -> str:
        """The document as Markdown, email text escaped."""
        return self.text("markdown")

    def to_html(self) -> str:
        """The document as one self-contained HTML page, email text escaped."""
        return self.text("html")

    def to_json(self) -> str:
        """The document as JSON (``docs/report-format.md``)."""
        return self.text("json")

    def save(self, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
        """Write the document to ``path`` in ``fmt`` (default: from the suffix — ``.txt``,
        ``.md``, ``.html``, ``.json``) and return the path.

        :raises UsageError: no format given and the suffix names none, or ``path`` lies
            inside the corpus (:attr:`corpus_roots`).
        """
        target = Path(path)
        chosen = fmt or _SUFFIXES.get(target.suffix.lower())
        if chosen is None:
            raise UsageError(f"{target}: give fmt= or a .txt, .md, .html or .json name")
        refuse_inside_corpus(target, self.corpus_roots, "the document")
        target.write_text(self.text(chosen), encoding="utf-8")
        return target


class Excerpts(Document):
    """An annex's excerpt report: the claims tied to it and, for each of its messages in
    thread and date order, the passages that support them (or, with no claims, the
    message's own text). Iterating gives the messages' :class:`MessageExcerpts`."""

    __slots__ = ("annex", "claims", "messages")
    columns = (
        "message_id", "date", "sender", "subject", "path", "sha256", "claim", "start", "end",
        "by_quote", "quoted", "attribution", "original", "text",
    )  # fmt: skip
    """The columns of :meth:`to_pandas`: one row per excerpt."""

    def __init__(
        self,
        annex: int,
        claims: Sequence[ClaimText],
        messages: Sequence[MessageExcerpts],
        corpus_roots: Sequence[str] = (),
    ) -> None:
        super().__init__(corpus_roots)
        self.annex = annex
        self.claims = tuple(claims)
        self.messages = tuple(messages)

    def __iter__(self) -> Iterator[MessageExcerpts]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def _renderers(self) -> dict[str, Callable[[], str | RenderableType]]:
        args = (self.annex, self.claims, self.messages)
        return {
            "terminal": lambda: excerpts_view(*args),
            "markdown": lambda: excerpts_markdown(*args),
            "html": lambda: excerpts_html(*args),
            "json": lambda: excerpts_json(*args),
        }

    def to_pandas(self) -> Frame:
        """One row per excerpt with its message's header and provenance (``original``: the
        Message-ID of the message that first wrote a quoted passage).

        :raises MissingDependencyError: pandas is not installed (``emlkit[pandas]``).
        """
        rows: list[dict[str, Any]] = []
        for item in self.messages:
            h = item.header
            for e in item.excerpts:
                original = e.original.message_id if e.original is not None else None
                values = (
                    h.message_id, h.date, h.sender, h.subject, h.path, h.sha256, e.claim,
                    e.start, e.end, e.by_quote, e.quoted, e.attribution, original, e.text,
                )  # fmt: skip
                rows.append(dict(zip(self.columns, values, strict=True)))
        return frame(rows, self.columns)

    def __repr__(self) -> str:
        count = sum(len(item.excerpts) for item in self.messages)
        return f"<Excerpts of annex {self.annex}: {len(self)} messages, {count} excerpts>"

    def _repr_html_(self) -> str:
        return excerpts_fragment(self.annex, self.claims, self.messages)


class CaseReport(Document):
    """The case report (``docs/report-format.md``): each claim with its verified quotes
    and best excerpts, the provenance of every message cited, the annexes explained.
    ``report`` holds it as data (:class:`~emlkit.claims.report.Report`)."""

    __slots__ = ("report",)

    def __init__(self, report: Report, corpus_roots: Sequence[str] = ()) -> None:
        super().__init__(corpus_roots)
        self.report = report

    def _renderers(self) -> dict[str, Callable[[], str | RenderableType]]:
        return {
            "terminal": lambda: report_view(self.report),
            "markdown": lambda: report_markdown(self.report),
            "html": lambda: report_html(self.report),
            "json": lambda: report_json(self.report),
        }

    def to_pandas(self) -> Frame:
        """The provenance table: one row per message cited.

        :raises MissingDependencyError: pandas is not installed (``emlkit[pandas]``).
        """
        columns = ("message_id", "date", "sender", "to", "subject", "path", "sha256", "annex",
                   "cited_by")  # fmt: skip
        rows = [
            dict(zip(columns, (
                row.message.message_id, row.message.date, row.message.sender,
                list(row.message.to), row.message.subject, row.message.path,
                row.message.sha256, row.annex, list(row.cited_by),
            ), strict=True))
            for row in self.report.provenance
        ]  # fmt: skip
        return frame(rows, columns)

    def __repr__(self) -> str:
        found = f"{self.report.quotes_found} of {self.report.quote_count} quotes found"
        return f"<CaseReport {self.report.title!r}: {len(self.report.claims)} claims, {found}>"

    def _repr_html_(self) -> str:
        return report_fragment(self.report)
