"""Showing a timeline: counts per period with a bar, then the date anomalies."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from emlkit.index.anomalies import MessageAnomaly
from emlkit.index.timeline import Timeline
from emlkit.records import Address

__all__ = ["timeline_json", "timeline_view"]

_BAR_WIDTH = 40


def timeline_json(found: Timeline) -> str:
    """A timeline as one JSON object: periods, counts and anomalies with their messages."""
    data: dict[str, Any] = {
        "by": found.by,
        "messages": found.messages,
        "undated": found.undated,
        "periods": [asdict(period) for period in found.periods],
        "anomalies": [
            {**asdict(item.anomaly), "message": asdict(item.message)} for item in found.anomalies
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def timeline_view(found: Timeline) -> RenderableType:
    """A timeline as a table with a bar per period, then each date anomaly."""
    blocks: list[RenderableType] = []
    if found.periods:
        blocks.append(_periods(found))
    else:
        blocks.append(Text("no dated messages", style="dim"))
    summary = f"{found.messages} dated messages by {found.by} (UTC)"
    if found.undated:
        summary += f"; {found.undated} undated"
    blocks.append(Text(summary, style="dim"))
    if found.anomalies:
        blocks.append(Text(""))
        blocks.append(Text(f"date anomalies ({len(found.anomalies)})", style="bold yellow"))
        blocks.extend(_anomaly(item) for item in found.anomalies)
    return Group(*blocks)


def _periods(found: Timeline) -> Table:
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column(found.by, style="cyan", no_wrap=True)
    table.add_column("messages", justify="right")
    table.add_column("")
    most = max(period.messages for period in found.periods) or 1
    for period in found.periods:
        width = round(period.messages / most * _BAR_WIDTH)
        bar = "█" * width if width or not period.messages else "▏"
        table.add_row(period.label, str(period.messages), Text(bar, style="green"))
    return table


def _anomaly(item: MessageAnomaly) -> Text:
    message = item.message
    line = Text("  ")
    line.append(message.date or "no date", style="cyan")
    line.append("  ")
    sender = Address(message.from_name, message.from_address).label() or "(no sender)"
    line.append(sender, style="green")
    line.append("  ")
    line.append(message.subject or "(no subject)")
    if message.annex is not None:
        line.append(f"  [annex {message.annex}]", style="magenta")
    line.append(f"\n    {item.anomaly.kind}: ", style="bold yellow")
    line.append(item.anomaly.detail)
    line.append(f"\n    {message.path or ''}  <{message.message_id}>", style="dim")
    return line
