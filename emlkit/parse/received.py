"""Received headers as hops, first hop first: the ``from`` and ``by`` hosts and the date.

A hop needs only three things of its header: the ``from`` clause, the ``by`` clause and the
date after the ``;``. Most headers are plain (comments, domain literals and angle addresses
that do not nest, one ``;``), and :func:`scan_hop` reads those with a few regular
expressions, giving exactly what mail-parser's ``parse_received`` would. Anything else
(quoted strings, escapes, nested or unbalanced delimiters, no ``;`` or several) is left to
mail-parser, whose lexer knows every irregular form and reports why a header cannot be read.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC
from typing import Any, NamedTuple

from emlkit.parse.dates import parse_rfc_date
from emlkit.parse.escapes import surrogates_to_text
from emlkit.parse.headers import unfold
from emlkit.records import Defect, DefectKind, ReceivedHop

_MAX_HOPS = 100
logging.getLogger("mailparser").setLevel(logging.CRITICAL)

_FWS = " \t\r\n"
_IRREGULAR = re.compile(r'["\\\x01\x02]')
"""Characters the scan leaves to mail-parser: quotes, escapes and its own mask characters."""
_NESTED = re.compile(r"\([^()]*\)|\[[^\]]*\]|<[^()<>\[\]]*>")
"""A comment, domain literal or angle address with nothing nested in it."""
_DELIMITER = re.compile(r"[()\[\]<>]")
# mail-parser's clause keywords; a keyword also follows the ")" of a comment (masked to \x02).
_KEYWORD = re.compile(
    r"[ \t\r\n\x02](from|by|via|with|id|for|envelope-from|envelope-sender)(?=[ \t\r\n])",
    re.I,
)
"""A keyword after whitespace or a comment: matched with the character before it, which is
twice as fast as a look-behind (the value is searched with a space put in front)."""
_FWS_RUN = re.compile(r"[ \t\r\n]+")


class HopFields(NamedTuple):
    """What a hop keeps of its Received header (whitespace collapsed, None when absent)."""

    from_host: str | None
    by_host: str | None
    date: str | None
    """The text after the ``;``, not yet parsed."""


def parse_received(raws: list[str], defects: list[Defect]) -> tuple[ReceivedHop, ...]:
    """Hops from the Received headers, given newest first (as they stand in the header)."""
    if not raws:
        return ()
    values = [unfold(raw) for raw in raws[:_MAX_HOPS]]
    if len(raws) > _MAX_HOPS:
        detail = f"{len(raws)} Received headers; the first {_MAX_HOPS} were parsed"
        defects.append(Defect(DefectKind.LIMIT_REACHED, "Received", detail))
    hops: list[ReceivedHop] = []
    previous = None
    for number, value in enumerate(reversed(values), start=1):
        fields = scan_hop(value) or _mailparser_fields(value, number, defects)
        when = parse_rfc_date(fields.date) if fields.date else None
        delay = None
        if when is not None and previous is not None:
            delay = (when - previous).total_seconds()
        hops.append(
            ReceivedHop(
                hop=number,
                from_host=fields.from_host,
                by_host=fields.by_host,
                date=when,
                date_utc=None if when is None else when.astimezone(UTC),
                delay=delay,
                raw=surrogates_to_text(value.strip()),
            )
        )
        previous = when if when is not None else previous
    return tuple(hops)


def scan_hop(value: str) -> HopFields | None:
    """The fields of a plain Received value (unfolded), or None when it is not plain.

    Plain: no quote or backslash, every ``(…)``, ``[…]`` and ``<…>`` closed with nothing
    nested in it, and exactly one ``;`` outside them. On such a value mail-parser splits
    clauses at its keywords outside those delimiters and before the ``;``; so does this.
    """
    if _IRREGULAR.search(value):
        return None
    masked = _NESTED.sub(_mask, value)
    if _DELIMITER.search(masked) or masked.count(";") != 1:
        return None
    end = masked.index(";")
    # In " " + masked, group 1 of a match starts one character later than in masked.
    boundaries = [
        (match.start(1) - 1, match.end() - 1, keyword)
        for match in _KEYWORD.finditer(" " + masked, 0, end + 1)
        if (keyword := match.group(1).lower()) != "with"
        or not _before_cipher(value, match.end() - 1)
    ]
    from_host = by_host = None
    seen_from = False
    for position, (_start, clause_start, keyword) in enumerate(boundaries):
        if keyword not in ("from", "by") or (keyword == "from" and seen_from):
            continue
        stop = boundaries[position + 1][0] if position + 1 < len(boundaries) else end
        text = _clause_text(value[clause_start:stop])
        if keyword == "from":
            from_host, seen_from = text, True
        else:
            by_host = text  # mail-parser keeps the last "by"
    date = value[end + 1 :].strip(_FWS)
    return HopFields(from_host, by_host, date or None)


def _clause_text(clause: str) -> str | None:
    """What mail-parser's clause value becomes in a hop: whitespace collapsed, or None."""
    if clause.isascii():  # then collapsing the folding whitespace first changes nothing
        return " ".join(clause.split()) or None
    return _text(_FWS_RUN.sub(" ", clause.strip(_FWS)))


def _mask(match: re.Match[str]) -> str:
    """A delimited run blanked out; a comment keeps a mark where its ``)`` was."""
    found = match.group()
    closing = "\x02" if found[0] == "(" else "\x01"
    return "\x01" * (len(found) - 1) + closing


def _before_cipher(value: str, end: int) -> bool:
    """A ``with`` ending at ``end`` is followed by ``cipher``: a TLS note, not a clause (as
    mail-parser has it)."""
    while end < len(value) and value[end] in _FWS:
        end += 1
    return value[end : end + 6].lower().startswith("cipher")


def _mailparser_fields(value: str, number: int, defects: list[Defect]) -> HopFields:
    clauses = _clauses(value, number, defects)
    date = clauses.get("date")
    return HopFields(
        _text(clauses.get("from")), _text(clauses.get("by")), str(date) if date else None
    )


def _clauses(value: str, number: int, defects: list[Defect]) -> dict[str, Any]:
    from mailparser.utils import parse_received as parse_hop  # on first use: a costly import

    try:
        clauses: dict[str, Any] = parse_hop(value)
    except Exception as error:  # mail-parser must not take the run down
        reason = str(error) or type(error).__name__
        detail = f"hop {number} unparsed: {surrogates_to_text(reason)[:80]}"
        defects.append(Defect(DefectKind.RECEIVED, "Received", detail))
        return {}
    return clauses


def _text(value: object) -> str | None:
    if value is None:
        return None
    return " ".join(surrogates_to_text(str(value)).split()) or None
