"""Showing identities: senders with their mailboxes and names, and who writes to whom."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from emlkit.index.senders import Correspondence, DateRange, Identity, Sender

__all__ = ["correspondents_json", "correspondents_view", "senders_json", "senders_view"]


def senders_json(found: list[Sender]) -> str:
    """Senders as a JSON array, most messages first."""
    return json.dumps([asdict(sender) for sender in found], ensure_ascii=False, indent=2)


def senders_view(found: list[Sender]) -> RenderableType:
    """Senders as a table: messages sent, first and last date, and the identity in full."""
    if not found:
        return Text("no messages with a sender", style="dim")
    table = Table(title="senders (identities by messages sent)", title_justify="left")
    table.add_column("sent", justify="right", style="bold")
    table.add_column("first / last", style="cyan", no_wrap=True)
    table.add_column("identity: mailboxes, names, merges", overflow="fold")
    for sender in found:
        table.add_row(Text(str(sender.messages)), _dates(sender.dates), _identity(sender.identity))
    return table


def correspondents_json(found: list[Correspondence]) -> str:
    """Sender → recipient pairs as a JSON array (identities by id, label and mailboxes)."""
    rows = [
        {
            "sender": _brief(pair.sender),
            "recipient": _brief(pair.recipient),
            "messages": pair.messages,
            "dates": asdict(pair.dates),
        }
        for pair in found
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def correspondents_view(found: list[Correspondence]) -> RenderableType:
    """Sender → recipient pairs as a table, most messages first."""
    if not found:
        return Text("no messages with both a sender and a recipient", style="dim")
    table = Table(title="correspondents (From → To/Cc/Bcc)", title_justify="left")
    table.add_column("messages", justify="right", style="bold")
    table.add_column("first / last", style="cyan", no_wrap=True)
    table.add_column("from", overflow="fold")
    table.add_column("to", overflow="fold")
    for pair in found:
        table.add_row(
            Text(str(pair.messages)),
            _dates(pair.dates),
            _who(pair.sender),
            _who(pair.recipient),
        )
    return table


def _brief(identity: Identity) -> dict[str, Any]:
    return {
        "id": identity.id,
        "label": identity.label,
        "mailboxes": [mailbox.address for mailbox in identity.mailboxes],
    }


def _dates(dates: DateRange) -> Text:
    return Text(f"{dates.first or 'no date'}\n{dates.last or 'no date'}")


def _who(identity: Identity) -> Text:
    text = Text(identity.label, style="green")
    for mailbox in identity.mailboxes:
        text.append(f"\n{mailbox.address}", style="dim")
    return text


def _identity(identity: Identity) -> Text:
    text = Text(identity.label, style="bold green")
    for mailbox in identity.mailboxes:
        text.append(f"\n  {mailbox.address}", style="dim")
        text.append(f" ({mailbox.messages})", style="dim")
    others = [variant for variant in identity.names if variant.name != identity.label]
    if others:
        text.append("\n  also: ", style="dim")
        text.append(", ".join(f"{v.name} ({v.messages})" for v in others))
    for link in identity.links:
        text.append("\n  merged: ", style="yellow")
        text.append(f"{link.name} <{link.address}> = {link.other_name} <{link.other_address}>")
    return text
