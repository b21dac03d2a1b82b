"""Showing an annex's excerpts: a compact header per message, then its supporting passages.

The same content in four formats: a terminal view (rich), Markdown, a self-contained HTML
page and JSON. Email text is escaped in Markdown and HTML (:mod:`emlkit.render.markup`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from emlkit.claims.excerpts import ClaimText, Excerpt, MessageExcerpts, MessageHeader
from emlkit.claims.originals import MessageRef
from emlkit.render.markup import (
    html_fragment,
    html_highlighted,
    html_page,
    html_text,
    md_block_quote,
    md_highlighted,
    md_inline,
    md_text,
)

MATCH_STYLE = "bold black on yellow"
"""How the terminal views mark matched words."""


def excerpts_json(annex: int, claims: Sequence[ClaimText], found: Sequence[MessageExcerpts]) -> str:
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
    annex: int, claims: Sequence[ClaimText], found: Sequence[MessageExcerpts]
) -> RenderableType:
    """A readable report of the annex: its claims, then each message and its excerpts."""
    texts = {claim.id: claim.text for claim in claims}
    blocks: list[RenderableType] = [Text(f"Annex {annex}: {len(found)} messages", style="bold")]
    for claim in claims:
        blocks.append(Text(f"  {claim.id}: {claim.text}", style="magenta"))
    for item in found:
        blocks.append(Rule(style="dim"))
        blocks.append(header_view(item.header))
        for excerpt in item.excerpts:
            blocks.append(excerpt_view(excerpt, texts.get(excerpt.claim, "")))
        if item.own_text is not None:
            blocks.append(Padding(Text(item.own_text), (0, 0, 0, 4)))
        if not item.excerpts and item.own_text is None:
            blocks.append(Text("    (no passage supports the claims)", style="dim"))
    return Group(*blocks)


def header_view(header: MessageHeader) -> Text:
    """A message's compact header: date, sender → recipients, subject, badges, provenance."""
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
    if header.conflicting:
        line.append(f"  [{CONFLICT_BADGE}]", style="bold red")
    line.append(f"\nMessage-ID <{header.message_id}>", "dim")
    line.append(f"\nfile {header_file(header)}  sha256 {header.sha256[:12]}", "dim")
    return line


def excerpt_view(excerpt: Excerpt, claim_text: str) -> RenderableType:
    """One excerpt: its claim, how and where it matched, and the passage highlighted."""
    label = Text(f"  {excerpt.claim}", style="bold magenta")
    label.append(f" · {how_matched(excerpt)}", style="dim")
    if claim_text:
        label.append(f" · {claim_text}", style="italic magenta")
    for line in quote_origin(excerpt):
        label.append(f"\n  {line}", style="dim")
    body = Text(excerpt.text)
    for start, end in excerpt.spans:
        body.stylize(MATCH_STYLE, start, end)
    return Group(label, Padding(body, (0, 0, 0, 4)))


def how_matched(excerpt: Excerpt) -> str:
    """How an excerpt matched (a quote, or the words of a term) and where it stands."""
    how = "quote" if excerpt.by_quote else "terms"
    return f"{how}, characters {excerpt.start}–{excerpt.end}"


def quote_origin(excerpt: Excerpt) -> list[str]:
    """For an excerpt in quoted text: the quote's attribution, and the message that first
    wrote it when the corpus holds it."""
    if not excerpt.quoted:
        return []
    lines = [f"quoted: {' '.join((excerpt.attribution or 'earlier text').split())}"]
    if excerpt.original is not None:
        lines.append(f"first written in {ref_label(excerpt.original)}")
    return lines


def ref_label(ref: MessageRef) -> str:
    """A message named in a line: its Message-ID, date and sender."""
    return f"<{ref.message_id}> ({ref.date or 'no date'}, {ref.sender or 'no sender'})"


def file_name(path: str | None) -> str:
    """The last part of a path (a report names files; the JSON keeps the whole path)."""
    return (path or "").rsplit("/", 1)[-1]


CONFLICT_BADGE = "another version differs"
"""The badge of a message whose Message-ID another stored message gives to other content."""


def badges(header: MessageHeader) -> tuple[str, ...]:
    """The badges of a header: its defects' kinds, and :data:`CONFLICT_BADGE` if it has one."""
    return header.defects + ((CONFLICT_BADGE,) if header.conflicting else ())


MISSING_NOTE = "missing or unreadable at the last index run"
"""What a report says after a file the index found missing, or could not read."""


def header_file(header: MessageHeader, whole: bool = False) -> str:
    """The file a header names (its last part, or the ``whole`` path), followed by
    :data:`MISSING_NOTE` when the index found it missing or could not read it."""
    shown = (header.path or "") if whole else file_name(header.path)
    return f"{shown} ({MISSING_NOTE})" if header.missing else shown


# Markdown


def excerpts_markdown(
    annex: int, claims: Sequence[ClaimText], found: Sequence[MessageExcerpts]
) -> str:
    """The annex report as Markdown, email text escaped."""
    texts = {claim.id: claim.text for claim in claims}
    lines = [f"# Annex {annex}: {len(found)} messages", ""]
    if claims:
        lines += ["Claims tied to this annex:", ""]
        lines += [f"- **{md_text(c.id)}**: {md_inline(c.text)}" for c in claims]
        lines.append("")
    for item in found:
        lines += ["---", "", *header_markdown(item.header, level=2), ""]
        for excerpt in item.excerpts:
            lines += [*excerpt_markdown(excerpt, texts.get(excerpt.claim, "")), ""]
        if item.own_text is not None:
            lines += [md_block_quote(md_text(item.own_text)), ""]
        if not item.excerpts and item.own_text is None:
            lines += ["*No passage supports the claims.*", ""]
    return "\n".join(lines).rstrip() + "\n"


def header_markdown(header: MessageHeader, level: int) -> list[str]:
    """A message's header as a Markdown heading and a line of provenance."""
    title = md_inline(header.subject or "(no subject)")
    to = ", ".join(md_inline(address) for address in header.to)
    marks = "".join(f" `{kind}`" for kind in badges(header))
    return [
        f"{'#' * level} {md_inline(header.date or 'no date')} · {title}{marks}",
        "",
        f"From {md_inline(header.sender or '(no sender)')}" + (f" to {to}" if to else ""),
        "",
        f"Message-ID {md_inline('<' + header.message_id + '>')} · file"
        f" {md_inline(header_file(header))} · sha256 {md_text(header.sha256[:16])}",
    ]


def excerpt_markdown(excerpt: Excerpt, claim_text: str) -> list[str]:
    """One excerpt as a Markdown paragraph and a block quote with matched words in bold."""
    said = f"**{md_text(excerpt.claim)}** · {md_inline(how_matched(excerpt))}"
    if claim_text:
        said += f" · *{md_inline(claim_text)}*"
    said += "".join(f"  \n{md_inline(line)}" for line in quote_origin(excerpt))
    return [said, "", md_block_quote(md_highlighted(excerpt.text, excerpt.spans))]


# HTML


def excerpts_html(annex: int, claims: Sequence[ClaimText], found: Sequence[MessageExcerpts]) -> str:
    """The annex report as one self-contained HTML page, email text escaped."""
    return html_page(f"Annex {annex}: excerpts", excerpts_body(annex, claims, found))


def excerpts_fragment(
    annex: int, claims: Sequence[ClaimText], found: Sequence[MessageExcerpts]
) -> str:
    """The annex report as a styled HTML block (for a notebook), email text escaped."""
    return html_fragment(excerpts_body(annex, claims, found))


def excerpts_body(annex: int, claims: Sequence[ClaimText], found: Sequence[MessageExcerpts]) -> str:
    """The HTML of the annex report, without its page."""
    texts = {claim.id: claim.text for claim in claims}
    parts = [f"<h1>Annex {annex}: {len(found)} messages</h1>"]
    if claims:
        parts.append("<ul>")
        parts += [
            f'<li><b>{html_text(c.id)}</b>: <span class="claim-text">{html_text(c.text)}</span>'
            "</li>"
            for c in claims
        ]
        parts.append("</ul>")
    for item in found:
        parts.append(f"<section>{header_html(item.header)}")
        for excerpt in item.excerpts:
            parts.append(excerpt_html(excerpt, texts.get(excerpt.claim, "")))
        if item.own_text is not None:
            parts.append(f"<blockquote>{html_text(item.own_text)}</blockquote>")
        if not item.excerpts and item.own_text is None:
            parts.append('<p class="meta">No passage supports the claims.</p>')
        parts.append("</section>")
    return "\n".join(parts)


def header_html(header: MessageHeader) -> str:
    """A message's compact header as an HTML block."""
    to = ", ".join(header.to)
    marks = "".join(f'<span class="badge">{html_text(kind)}</span>' for kind in badges(header))
    return (
        f'<div class="header"><b>{html_text(header.subject or "(no subject)")}</b>{marks}\n'
        f"{html_text(header.date or 'no date')}  {html_text(header.sender or '(no sender)')}"
        + (f" → {html_text(to)}" if to else "")
        + f"\n&lt;{html_text(header.message_id)}&gt;  {html_text(header_file(header))}"
        f"  sha256 {html_text(header.sha256[:16])}</div>"
    )


def excerpt_html(excerpt: Excerpt, claim_text: str) -> str:
    """One excerpt as an HTML paragraph and a block quote with ``<mark>``ed words."""
    css = ' class="quoted"' if excerpt.quoted else ""
    claim = f' · <span class="claim-text">{html_text(claim_text)}</span>' if claim_text else ""
    origin = "".join(
        f'<br><span class="meta">{html_text(line)}</span>' for line in quote_origin(excerpt)
    )
    return (
        f'<p><b>{html_text(excerpt.claim)}</b> <span class="meta">'
        f"{html_text(how_matched(excerpt))}</span>{claim}{origin}</p>\n"
        f"<blockquote{css}>{html_highlighted(excerpt.text, excerpt.spans)}</blockquote>"
    )
