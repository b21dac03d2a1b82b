"""Received headers as hops, first hop first, parsed by mail-parser."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from emlkit.parse.dates import parse_rfc_date
from emlkit.parse.headers import surrogates_to_text, unfold
from emlkit.records import Defect, DefectKind, ReceivedHop

_MAX_HOPS = 100
logging.getLogger("mailparser").setLevel(logging.CRITICAL)


def parse_received(raws: list[str], defects: list[Defect]) -> tuple[ReceivedHop, ...]:
    """Hops from the Received headers, given newest first (as they stand in the header).

    Each header's clauses are split by mail-parser's ``parse_received``; its whole-list
    ``receiveds_parsing`` is not used, since it parses every date a second time.
    """
    if not raws:
        return ()
    values = [unfold(raw) for raw in raws[:_MAX_HOPS]]
    if len(raws) > _MAX_HOPS:
        detail = f"{len(raws)} Received headers; the first {_MAX_HOPS} were parsed"
        defects.append(Defect(DefectKind.LIMIT_REACHED, "Received", detail))
    hops: list[ReceivedHop] = []
    previous = None
    for number, value in enumerate(reversed(values), start=1):
        clauses = _clauses(value, number, defects)
        when = parse_rfc_date(str(clauses["date"])) if clauses.get("date") else None
        delay = None
        if when is not None and previous is not None:
            delay = (when - previous).total_seconds()
        hops.append(
            ReceivedHop(
                hop=number,
                from_host=_text(clauses.get("from")),
                by_host=_text(clauses.get("by")),
                date=when,
                date_utc=None if when is None else when.astimezone(UTC),
                delay=delay,
                raw=surrogates_to_text(value.strip()),
            )
        )
        previous = when if when is not None else previous
    return tuple(hops)


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
