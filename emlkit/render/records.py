"""Showing one message record: a readable rich view, or one line of JSON."""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from emlkit.records import Address, DateSource, Message

_BADGE = "bold red"
_DATE_NOTES = {
    DateSource.LENIENT: "  (Date header parsed leniently)",
    DateSource.RECEIVED: "  (taken from the newest Received header)",
    DateSource.NONE: "  (no date anywhere)",
}
_LABEL = "bold cyan"


def message_json(message: Message) -> str:
    """One line of JSON with the keys documented in ``docs/parsing.md``."""
    line = json.dumps(message.as_dict(), ensure_ascii=False)
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


def message_view(message: Message, body_lines: int = 30) -> RenderableType:
    """A panel with the message's header summary, its body and its forwarded messages.

    ``body_lines`` limits the body shown (0 shows all of it).
    """
    title = Text(message.source.path or "<bytes>")
    if message.source.index is not None:
        title.append(f" #{message.source.index} @{message.source.offset}")
    if message.failure is not None:
        reason = Text(f"{message.failure.kind.value}: {message.failure.reason}", style=_BADGE)
        return Panel(reason, title=title, title_align="left", border_style="red")
    parts: list[RenderableType] = [_summary(message)]
    if message.text:
        parts.append(Padding(_body(message.text, body_lines), (1, 0, 0, 0)))
    for child in message.children:
        forwarded = Text(f"forwarded message (part {child.parent.part if child.parent else '?'})")
        parts.append(Padding(Group(Text(""), forwarded, message_view(child, body_lines)), (0, 2)))
    return Panel(Group(*parts), title=title, title_align="left")


def _summary(message: Message) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style=_LABEL, no_wrap=True)
    table.add_column()
    date = message.date.value.isoformat() if message.date.value else "unknown"
    date += _DATE_NOTES.get(message.date.source, "")
    rows = [
        ("Date", date),
        ("From", _addresses(message.from_)),
        ("To", _addresses(message.to)),
        ("Cc", _addresses(message.cc)),
        ("Subject", message.subject),
        (
            "Message-ID",
            message.message_id + ("  (synthetic)" if message.message_id_synthetic else ""),
        ),
        ("In-Reply-To", " ".join(message.in_reply_to)),
        ("SHA-256", message.source.sha256),
        ("Charsets", _charsets(message)),
        ("Attachments", _attachments(message)),
    ]
    for label, value in rows:
        if value:
            table.add_row(label, Text(value))
    if message.defects:
        table.add_row("Defects", _defects(message))
    return table


def _addresses(addresses: tuple[Address, ...]) -> str:
    return ", ".join(address.label() for address in addresses)


def _charsets(message: Message) -> str:
    return "; ".join(
        f"{t.part}: {t.used} ({t.method.value}"
        + (f", declared {t.declared}" if t.declared and t.declared.lower() != t.used else "")
        + (f", {t.undecodable_bytes} bytes replaced" if t.undecodable_bytes else "")
        + ")"
        for t in message.charsets
    )


def _attachments(message: Message) -> str:
    return "; ".join(
        f"{a.filename or '(no name)'} [{a.content_type}, {a.size} bytes]"
        for a in message.attachments
    )


def _defects(message: Message) -> Text:
    text = Text()
    for number, defect in enumerate(message.defects):
        if number:
            text.append("\n")
        text.append(defect.kind.value, style=_BADGE)
        text.append(f" [{defect.where}] {defect.detail}")
    return text


def _body(text: str, body_lines: int) -> Text:
    lines = text.splitlines()
    if body_lines and len(lines) > body_lines:
        shown = "\n".join(lines[:body_lines])
        return Text(shown) + Text(f"\n… {len(lines) - body_lines} more lines", style="dim")
    return Text(text)
