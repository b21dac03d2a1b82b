"""Showing the case report (:mod:`emlkit.claims.report`) as a terminal view, Markdown, one
self-contained HTML page, or JSON; the JSON is documented in ``docs/report-format.md``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from emlkit.claims.excerpts import MessageHeader
from emlkit.claims.quotes import QuoteCheck
from emlkit.claims.report import AnnexReport, CitedMessage, ClaimReport, Report
from emlkit.render.excerpts import (
    CONFLICT_BADGE,
    excerpt_html,
    excerpt_markdown,
    excerpt_view,
    file_name,
    header_file,
    header_markdown,
)
from emlkit.render.markup import html_fragment, html_page, html_text, md_inline, md_text
from emlkit.render.quotes import cut_note

REPORT_FORMAT_VERSION = 1
"""The version of the report's JSON layout; it changes only when a key changes meaning or
goes away (``docs/report-format.md``)."""


def report_json(report: Report) -> str:
    """The report as one JSON object (``docs/report-format.md``)."""
    data: dict[str, Any] = {
        "format": "emlkit-report",
        "format_version": REPORT_FORMAT_VERSION,
        **asdict(report),
        "quotes_found": report.quotes_found,
        "quote_count": report.quote_count,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _summary(report: Report) -> str:
    return (
        f"{report.quotes_found} of {report.quote_count} quotes found · "
        f"{len(report.claims)} claims · {len(report.annexes)} annexes · "
        f"{len(report.provenance)} messages cited"
    )


def _about(report: Report) -> str:
    letter = f"Letter of {report.letter_date or 'no date'}"
    if report.letter_path:
        letter += f" ({report.letter_path})"
    return (
        f"{letter}. Case file {report.case_file}, sha256 {report.case_sha256}. "
        f"Generated {report.generated_at} by emlkit {report.emlkit_version}."
    )


def _annex_list(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(number) for number in numbers) or "none"


def _quote_status(check: QuoteCheck) -> str:
    return "FOUND" if check.found else f"NOT FOUND (nearest {check.similarity:.0f}%)"


def _quote_place(check: QuoteCheck) -> str:
    if check.path is None:
        return "no passage of the annexes comes near"
    return f"{check.path} <{check.message_id}> characters {check.start}–{check.end}"


def _cited_line(message: CitedMessage) -> list[tuple[str, str]]:
    header = message.message
    return [
        ("path", header_file(header, whole=True) or "(no path)"),
        ("sha256", header.sha256),
        ("Message-ID", f"<{header.message_id}>"),
        ("date", header.date or "no date"),
        ("from", header.sender or "(no sender)"),
        ("to", ", ".join(header.to) or "(none)"),
        ("annex", "none" if message.annex is None else str(message.annex)),
        ("cited by", ", ".join(message.cited_by)),
        ("versions", _versions(header)),
    ]


def _versions(header: MessageHeader) -> str:
    """Whether another stored message gives this Message-ID to other content, and if so
    where to see what differs."""
    if not header.conflicting:
        return "no other differs"
    return f"{CONFLICT_BADGE}: see emlkit conflicts --message-id '<{header.message_id}>'"


# Terminal


def report_view(report: Report) -> RenderableType:
    """The report for a terminal: claims, provenance, then the annexes."""
    blocks: list[RenderableType] = [
        Text(report.title, style="bold"),
        Text(_about(report), style="dim"),
        Text(_summary(report), style="bold"),
    ]
    for claim in report.claims:
        blocks += _claim_view(claim)
    blocks.append(Rule("Provenance of the messages cited", style="cyan"))
    for number, message in enumerate(report.provenance, 1):
        lines = Text(f"[{number}] ", style="bold")
        for position, (key, value) in enumerate(_cited_line(message)):
            lines.append(("\n    " if position else "") + f"{key:<10} ", style="dim")
            lines.append(value)
        blocks.append(lines)
    blocks.append(Rule("Annexes", style="cyan"))
    for annex in report.annexes:
        blocks += _annex_view(annex)
    return Group(*blocks)


def _claim_view(claim: ClaimReport) -> list[RenderableType]:
    blocks: list[RenderableType] = [
        Rule(f"{claim.id} · annexes {_annex_list(claim.annexes)}", style="magenta"),
        Text(claim.text, style="italic"),
    ]
    if claim.note:
        blocks.append(Text(f"Note: {claim.note}", style="dim"))
    for position, check in enumerate(claim.quotes):
        line = Text(_quote_status(check), style="bold green" if check.found else "bold red")
        line.append(f"  «{check.quote}»")
        if position < len(claim.translations):
            line.append(f"\n    translation: {claim.translations[position]}", style="dim")
        line.append(f"\n    {_quote_place(check)}", style="dim")
        if check.differences:
            line.append("\n    differs: " + " ".join(check.differences), style="yellow")
        if note := cut_note(check):
            line.append(f"\n    {note}", style="bold yellow")
        blocks.append(line)
    blocks.append(Text(_excerpt_count(claim), style="bold"))
    for number, cited in enumerate(claim.excerpts, 1):
        header = cited.message
        line = Text(f"{number}. {header.date or 'no date'}  {header.sender}", style="cyan")
        line.append(f"  {header.subject}  ({header_file(header, whole=True)})", style="dim")
        blocks.append(Padding(line, (0, 0, 0, 2)))
        blocks.append(Padding(excerpt_view(cited.excerpt, ""), (0, 0, 0, 2)))
    return blocks


def _excerpt_count(claim: ClaimReport) -> str:
    if not claim.excerpts_found:
        return "No passage of its annexes supports this claim."
    return (
        f"Best excerpts: {len(claim.excerpts)} of {claim.excerpts_found}, "
        f"in {claim.messages_with_excerpts} messages"
    )


def _annex_view(annex: AnnexReport) -> list[RenderableType]:
    head = Text(f"Annex {annex.number}: {annex.title}", style="bold")
    if annex.description:
        head.append(f"\n{annex.description}", style="italic")
    head.append(
        f"\nclaims {', '.join(annex.claims) or 'none'} · {len(annex.messages)} messages",
        style="dim",
    )
    lines = Text()
    for header in annex.messages:
        lines.append(f"  {header.date or 'no date'}  ", style="cyan")
        lines.append(f"{header.sender}  {header.subject}  ")
        lines.append(f"{header_file(header)}\n", style="dim")
    for check in annex.key_quotes:
        lines.append(f"  key quote ({check.claim}): «{check.quote}»", style="green")
        lines.append(f" — {file_name(check.path)}\n", style="dim")
    return [head, lines]


# Markdown


def report_markdown(report: Report) -> str:
    """The report as Markdown, email text escaped."""
    lines = [f"# {md_inline(report.title)}", "", md_inline(_about(report)), ""]
    lines += [f"**{md_inline(_summary(report))}**", ""]
    for claim in report.claims:
        lines += _claim_markdown(claim)
    lines += ["## Provenance of the messages cited", ""]
    lines += _table_markdown(
        ["#", *(key for key, _ in _cited_line(report.provenance[0]))] if report.provenance else [],
        [
            [str(number), *(value for _, value in _cited_line(message))]
            for number, message in enumerate(report.provenance, 1)
        ],
    )
    lines += ["## Annexes", ""]
    for annex in report.annexes:
        lines += _annex_markdown(annex)
    return "\n".join(lines).rstrip() + "\n"


def _claim_markdown(claim: ClaimReport) -> list[str]:
    lines = [f"## {md_text(claim.id)} · annexes {_annex_list(claim.annexes)}", ""]
    lines += [f"*{md_inline(claim.text)}*", ""]
    if claim.note:
        lines += [f"Note: {md_inline(claim.note)}", ""]
    if claim.quotes:
        lines += ["### Quotes", ""]
    for position, check in enumerate(claim.quotes):
        lines.append(f"- **{_quote_status(check)}** «{md_inline(check.quote)}»")
        if position < len(claim.translations):
            lines.append(f"  - translation: {md_inline(claim.translations[position])}")
        lines.append(f"  - {md_inline(_quote_place(check))}")
        if check.differences:
            lines.append(f"  - differs: {md_inline(' '.join(check.differences))}")
        if note := cut_note(check):
            lines.append(f"  - {md_inline(note)}")
    lines += ["", "### Excerpts", "", _excerpt_count(claim), ""]
    for number, cited in enumerate(claim.excerpts, 1):
        heading, *rest = header_markdown(cited.message, level=4)
        lines += [heading.replace("#### ", f"#### {number}. ", 1), *rest, ""]
        lines += [*excerpt_markdown(cited.excerpt, ""), ""]
    return lines


def _table_markdown(head: list[str], rows: list[list[str]]) -> list[str]:
    if not head:
        return ["No message is cited.", ""]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(md_inline(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _annex_markdown(annex: AnnexReport) -> list[str]:
    lines = [f"### Annex {annex.number}: {md_inline(annex.title)}", ""]
    if annex.description:
        lines += [f"*{md_inline(annex.description)}*", ""]
    lines += [f"Claims: {', '.join(annex.claims) or 'none'}. {len(annex.messages)} messages:", ""]
    lines += [
        f"- {md_inline(h.date or 'no date')} · {md_inline(h.sender)} · {md_inline(h.subject)}"
        f" · {md_inline(header_file(h))}"
        for h in annex.messages
    ]
    if annex.key_quotes:
        lines += ["", "Key quotes:", ""]
        lines += [
            f"- ({md_text(c.claim)}) «{md_inline(c.quote)}» — {md_inline(file_name(c.path))}"
            for c in annex.key_quotes
        ]
    return [*lines, ""]


# HTML


def report_html(report: Report) -> str:
    """The report as one self-contained, printable HTML page, email text escaped."""
    return html_page(report.title, report_body(report))


def report_fragment(report: Report) -> str:
    """The report as a styled HTML block (for a notebook), email text escaped."""
    return html_fragment(report_body(report))


def report_body(report: Report) -> str:
    """The HTML of the report, without its page."""
    parts = [
        f"<h1>{html_text(report.title)}</h1>",
        f'<p class="meta">{html_text(_about(report))}</p>',
        f"<p><b>{html_text(_summary(report))}</b></p>",
    ]
    parts += [_claim_html(claim) for claim in report.claims]
    parts.append("<h2>Provenance of the messages cited</h2>")
    parts.append(_provenance_html(report.provenance))
    parts.append("<h2>Annexes</h2>")
    parts += [_annex_html(annex) for annex in report.annexes]
    return "\n".join(parts)


def _claim_html(claim: ClaimReport) -> str:
    parts = [
        f"<h2>{html_text(claim.id)} · annexes {_annex_list(claim.annexes)}</h2>",
        f'<p class="claim-text">{html_text(claim.text)}</p>',
    ]
    if claim.note:
        parts.append(f'<p class="meta">Note: {html_text(claim.note)}</p>')
    if claim.quotes:
        parts.append("<h3>Quotes</h3><ul>")
        for position, check in enumerate(claim.quotes):
            css = "found" if check.found else "not-found"
            item = f'<li><span class="{css}">{html_text(_quote_status(check))}</span>'
            item += f" «{html_text(check.quote)}»"
            if position < len(claim.translations):
                item += f"<br><i>{html_text(claim.translations[position])}</i>"
            item += f'<br><span class="meta">{html_text(_quote_place(check))}</span>'
            if check.differences:
                item += f"<br>differs: {html_text(' '.join(check.differences))}"
            if note := cut_note(check):
                item += f"<br><b>{html_text(note)}</b>"
            parts.append(item + "</li>")
        parts.append("</ul>")
    parts.append(f"<h3>Excerpts</h3>\n<p>{html_text(_excerpt_count(claim))}</p>")
    for cited in claim.excerpts:
        header = cited.message
        parts.append(
            f'<div class="header"><b>{html_text(header.subject or "(no subject)")}</b>\n'
            f"{html_text(header.date or 'no date')}  {html_text(header.sender)}\n"
            f"{html_text(header_file(header, whole=True))}</div>"
        )
        parts.append(excerpt_html(cited.excerpt, ""))
    return "\n".join(parts)


def _provenance_html(cited: tuple[CitedMessage, ...]) -> str:
    if not cited:
        return "<p>No message is cited.</p>"
    head = "".join(f"<th>{html_text(key)}</th>" for key, _ in _cited_line(cited[0]))
    rows = [
        f"<tr><td>{number}</td>"
        + "".join(f"<td>{html_text(value)}</td>" for _, value in _cited_line(message))
        + "</tr>"
        for number, message in enumerate(cited, 1)
    ]
    return (
        f'<table class="provenance"><thead><tr><th>#</th>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _annex_html(annex: AnnexReport) -> str:
    parts = [f"<h3>Annex {annex.number}: {html_text(annex.title)}</h3>"]
    if annex.description:
        parts.append(f'<p class="claim-text">{html_text(annex.description)}</p>')
    parts.append(
        f"<p>Claims: {html_text(', '.join(annex.claims) or 'none')}."
        f" {len(annex.messages)} messages:</p>"
    )
    rows = "".join(
        f"<tr><td>{html_text(h.date or 'no date')}</td><td>{html_text(h.sender)}</td>"
        f"<td>{html_text(h.subject)}</td><td>{html_text(header_file(h))}</td></tr>"
        for h in annex.messages
    )
    parts.append(
        "<table><thead><tr><th>date</th><th>from</th><th>subject</th><th>file</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )
    if annex.key_quotes:
        items = "".join(
            f"<li>({html_text(c.claim)}) «{html_text(c.quote)}» —"
            f" {html_text(file_name(c.path))}</li>"
            for c in annex.key_quotes
        )
        parts.append(f"<p>Key quotes:</p><ul>{items}</ul>")
    return "\n".join(parts)
