"""Showing an annex's excerpts: a compact header per message, then its supporting passages."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from emlkit.claims.excerpts import ClaimText, Excerpt, MessageExcerpts

_MATCH = "bold black on yellow"


def excerpts_json(annex: int, claims: list[ClaimText], found: list[MessageExcerpts]) -> str:
    """The annex's claims and messages with their excerpts, as one JSON object."""
    return json.dumps(
        {
            "annex": annex,
            "claims": [asdict(claim) for claim in claims],
            "messages": [asdict(item) for item in found],
        },
        ensure_ascii=False,
        indent=2,
    )


def excerpts_view(
    annex: int, claims: list[ClaimText], found: list[MessageExcerpts]
) -> RenderableType:
    """A readable report of the annex: its claims, then each message and its excerpts."""
    texts = {claim.id: claim.text for claim in claims}
    blocks: list[RenderableType] = [Text(f"Annex {annex}: {len(found)} messages", style="bold")]
    for claim in claims:
        blocks.append(Text(f"  {claim.id}: {claim.text}", style="magenta"))
    for item in found:
        blocks.append(Rule(style="dim"))
        blocks.append(_header(item))
        for excerpt in item.excerpts:
            blocks.append(_excerpt(excerpt, texts.get(excerpt.claim, "")))
        if item.own_text is not None:
            blocks.append(Padding(Text(item.own_text), (0, 0, 0, 4)))
        if not item.excerpts and item.own_text is None:
            blocks.append(Text("    (no passage supports the claims)", style="dim"))
    return Group(*blocks)


def _header(item: MessageExcerpts) -> Text:
    header = item.header
    line = Text()
    line.append(header.date or "no date", style="cyan")
    line.append("  ")
    line.append(header.sender or "(no sender)", style="green")
    if header.to:
        line.append(" → " + ", ".join(header.to))
    line.append("\n")
    line.append(header.subject or "(no subject)", style="bold")
    for kind in header.defects:
        line.append(f"  [{kind}]", style="red")
    file_name = (header.path or "").rsplit("/", 1)[-1]
    line.append(f"\n<{header.message_id}>  {file_name}  sha256 {header.sha256[:12]}", "dim")
    return line


def _excerpt(excerpt: Excerpt, claim_text: str) -> RenderableType:
    label = Text(f"  {excerpt.claim}", style="bold magenta")
    how = "quote" if excerpt.by_quote else "terms"
    label.append(f" ({how}, characters {excerpt.start}–{excerpt.end}", style="dim")
    if excerpt.quoted:
        label.append(f"; quoted: {excerpt.attribution or 'earlier text'}", style="dim")
    label.append(")", style="dim")
    if claim_text:
        label.append(f"\n  {claim_text}", style="italic magenta")
    body = Text(excerpt.text)
    for start, end in excerpt.spans:
        body.stylize(_MATCH, start, end)
    return Group(label, Padding(body, (0, 0, 0, 4)))
