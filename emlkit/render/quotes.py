"""Showing quote verification: each quote FOUND with its source, or NOT FOUND with the
nearest passage and the words that differ."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

if TYPE_CHECKING:  # a type only: importing the matcher (rapidfuzz) would slow every start
    from emlkit.claims.quotes import QuoteCheck


def quotes_json(checks: list[QuoteCheck]) -> str:
    """The verdicts as a JSON array (keys documented in ``docs/quotes.md``)."""
    rows = [
        {**asdict(check), "differences": list(check.differences), "cut": list(check.cut)}
        for check in checks
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def cut_note(check: QuoteCheck) -> str | None:
    """For a quote not found where the index holds a text only in part: that it may stand in
    what was cut (None otherwise)."""
    if check.found or not check.cut:
        return None
    texts = ", ".join(f"<{message_id}>" for message_id in check.cut)
    return (
        f"not read in full: the text of {texts} was cut at the parse limit when indexed;"
        " the quote may stand in what was cut"
    )


def quotes_view(checks: list[QuoteCheck]) -> RenderableType:
    """One block per quote: the verdict, the quote, and its source or nearest passage."""
    if not checks:
        return Text("no quotes to verify", style="dim")
    blocks: list[RenderableType] = []
    for check in checks:
        verdict = Text()
        if check.found:
            verdict.append("FOUND    ", style="bold green")
        else:
            verdict.append("NOT FOUND", style="bold red")
        verdict.append(f"  {check.claim}  ")
        verdict.append(f"«{check.quote}»")
        blocks.append(verdict)
        if check.path is not None:
            where = Text(f"    {check.path}  sha256 {check.sha256 or ''}", style="dim")
            where.append(f"\n    <{check.message_id}>  characters {check.start}–{check.end}")
            blocks.append(where)
        if check.source_text is not None:
            label = "source" if check.found else f"nearest ({check.similarity:.0f}%)"
            passage = Text(f"    {label}: ", style="cyan")
            passage.append(" ".join(check.source_text.split()))
            blocks.append(passage)
        if check.differences:
            blocks.append(Text("    differs: " + " ".join(check.differences), style="yellow"))
        if note := cut_note(check):
            blocks.append(Text(f"    {note}", style="bold yellow"))
        blocks.append(Text(""))
    found = sum(1 for check in checks if check.found)
    blocks.append(Text(f"{found} of {len(checks)} quotes found", style="bold"))
    return Group(*blocks)
