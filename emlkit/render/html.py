"""HTML for notebooks: messages, threads, search hits and tables (excerpts and the case
report: :mod:`emlkit.render.excerpts`, :mod:`emlkit.render.report`).

The notebook API's ``_repr_html_`` methods call these builders. Every string that comes
from mail (names, subjects, bodies, snippets, file names, ids) goes through
:func:`~emlkit.render.markup.html_text`, so a message holding ``<script>`` shows the text
and runs nothing. Matched words are marked by offsets into the plain text, each piece
escaped on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from emlkit.index.queries import MessageSummary, SearchHit
from emlkit.index.threading import Thread
from emlkit.records import Address, Attachment, Defect
from emlkit.render.markup import AGAIN_NOTE, DEEPEST_INDENT, html_highlighted, html_text

__all__ = [
    "DisplayedMessage",
    "hits_html",
    "message_html",
    "table_html",
    "thread_html",
]

BODY_CHARS = 20_000
"""How much of a body a message's HTML shows; the rest is cut with a note."""

_TABLE = "border-collapse: collapse; text-align: left"
_CELL = "padding: 2px 8px; vertical-align: top; text-align: left"
_PRE = "white-space: pre-wrap; font-family: monospace; margin: 4px 0"
_DIM = "color: #777"


class DisplayedMessage(Protocol):
    """What :func:`message_html` shows of a message (the notebook API's record has it)."""

    @property
    def id(self) -> int: ...
    @property
    def message_id(self) -> str: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def sender(self) -> Address | None: ...
    @property
    def to(self) -> tuple[Address, ...]: ...
    @property
    def cc(self) -> tuple[Address, ...]: ...
    @property
    def subject(self) -> str: ...
    @property
    def annex(self) -> int | None: ...
    @property
    def thread_id(self) -> str | None: ...
    @property
    def paths(self) -> tuple[str, ...]: ...
    @property
    def sha256(self) -> str: ...
    @property
    def conflicting(self) -> bool: ...
    @property
    def attachments(self) -> tuple[Attachment, ...]: ...
    @property
    def defects(self) -> tuple[Defect, ...]: ...
    @property
    def text(self) -> str: ...


def _e(value: object) -> str:
    """Any value as escaped HTML text (None as an empty string)."""
    return html_text("" if value is None else str(value))


def table_html(
    columns: Sequence[str], rows: Iterable[Sequence[object]], caption: str | None = None
) -> str:
    """A plain table: a header row of ``columns``, then one row per item, all escaped."""
    head = "".join(f'<th style="{_CELL}">{_e(column)}</th>' for column in columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{_cell(value)}</td>' for value in row) + "</tr>"
        for row in rows
    )
    title = "" if caption is None else f'<caption style="text-align: left">{_e(caption)}</caption>'
    head = f"<thead><tr>{head}</tr></thead>"
    return f'<table style="{_TABLE}">{title}{head}<tbody>{body}</tbody></table>'


def _cell(value: object) -> str:
    if isinstance(value, list | tuple):
        return "<br>".join(_e(item) for item in value)
    return _e(value)


def _labels(addresses: Iterable[Address]) -> str:
    return ", ".join(address.label() for address in addresses)


def message_html(message: DisplayedMessage) -> str:
    """A message: a header table (with its provenance), then its body text."""
    fields: list[tuple[str, object]] = [
        ("Date", message.date.isoformat() if message.date else "no date"),
        ("From", message.sender.label() if message.sender else ""),
        ("To", _labels(message.to)),
    ]
    if message.cc:
        fields.append(("Cc", _labels(message.cc)))
    fields += [
        ("Subject", message.subject or "(no subject)"),
        ("Message-ID", f"<{message.message_id}>"),
        ("Annex", message.annex),
        ("Thread", message.thread_id),
        ("Files", list(message.paths)),
        ("SHA-256", message.sha256),
    ]
    if message.conflicting:
        fields.append(
            ("Conflicting", "another stored message has this Message-ID and says otherwise")
        )
    if message.attachments:
        fields.append(("Attachments", [_attachment(a) for a in message.attachments]))
    if message.defects:
        fields.append(
            ("Defects", [f"{d.kind.value} ({d.where}): {d.detail}" for d in message.defects])
        )
    rows = "".join(
        f'<tr><th style="{_CELL}">{_e(name)}</th><td style="{_CELL}">{_cell(value)}</td></tr>'
        for name, value in fields
    )
    return (
        f'<div class="emlkit-message"><table style="{_TABLE}">{rows}</table>'
        f'<pre style="{_PRE}">{_body(message.text)}</pre></div>'
    )


def _attachment(attachment: Attachment) -> str:
    name = attachment.filename or "(no name)"
    return f"{name} ({attachment.content_type}, {attachment.size} bytes)"


def _body(text: str) -> str:
    if len(text) <= BODY_CHARS:
        return _e(text)
    rest = len(text) - BODY_CHARS
    return _e(text[:BODY_CHARS]) + f'<span style="{_DIM}">\n… {rest} more characters</span>'


def _headline(message: MessageSummary) -> str:
    sender = Address(message.from_name, message.from_address).label() or "(no sender)"
    annex = "" if message.annex is None else f' <span style="{_DIM}">[annex {message.annex}]</span>'
    return (
        f'<span style="{_DIM}">{_e(message.date or "no date")}</span> '
        f"<b>{_e(sender)}</b> {_e(message.subject or '(no subject)')}{annex}"
    )


def hits_html(hits: Sequence[SearchHit], query: str) -> str:
    """Search hits, best first: each message's headline and its snippet, matches marked."""
    if not hits:
        return f"<p>no messages match <code>{_e(query)}</code></p>"
    items = "".join(
        f"<li>{_headline(hit.message)}"
        f'<div style="{_DIM}">{_e(hit.message.path)} &lt;{_e(hit.message.message_id)}&gt;</div>'
        f'<div style="{_PRE}">{html_highlighted(hit.snippet, hit.spans)}</div></li>'
        for hit in hits
    )
    return f"<p>{len(hits)} hits for <code>{_e(query)}</code></p><ol>{items}</ol>"


def thread_html(thread: Thread, summaries: dict[str, MessageSummary]) -> str:
    """A thread as an indented tree: date, sender, subject and annex of each message."""
    lines = [f"<p><b>thread {_e(thread.thread_id)}</b></p>"]
    for depth, node in thread.root.walk():
        summary = summaries.get(node.key) if node.key is not None else None
        style = f"margin-left: {min(depth, DEEPEST_INDENT) * 1.5}em"
        if summary is None:
            label = f'<i style="{_DIM}">(not in the corpus) &lt;{_e(node.message_id)}&gt;</i>'
        else:
            label = _headline(summary)
            if node.by_subject:
                label += f' <span style="{_DIM}">(joined by subject)</span>'
            if node.again:
                label += f' <span style="{_DIM}">({AGAIN_NOTE})</span>'
            if summary.replies_to_missing:
                missing = f"replies to &lt;{_e(summary.replies_to_missing)}&gt;, not in the corpus"
                label += f'<br><span style="{_DIM}">{missing}</span>'
        if depth > DEEPEST_INDENT:
            label = f"<b>[depth {depth}]</b> {label}"
        lines.append(f'<div style="{style}">{"└ " if depth else ""}{label}</div>')
    return f'<div class="emlkit-thread">{"".join(lines)}</div>'
