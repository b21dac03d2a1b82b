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
    """Hops from the Received headers, given newest first (as they stand in the header)."""
    if not raws:
        return ()
    values = [unfold(raw) for raw in raws[:_MAX_HOPS]]
    if len(raws) > _MAX_HOPS:
        detail = f"{len(raws)} Received headers; the first {_MAX_HOPS} were parsed"
        defects.append(Defect(DefectKind.LIMIT_REACHED, "Received", detail))
    from mailparser.utils import receiveds_parsing  # on first use: a costly import

    try:
        parsed: list[dict[str, Any]] = receiveds_parsing(values)
    except Exception as error:
        detail = f"mail-parser failed on Received: {type(error).__name__}"
        defects.append(Defect(DefectKind.RECEIVED, "Received", detail))
        parsed = [{"raw": value} for value in reversed(values)]
    hops: list[ReceivedHop] = []
    previous = None
    for number, item in enumerate(parsed, start=1):
        raw = values[len(values) - number] if len(parsed) == len(values) else str(item)
        if "raw" in item and len(item) <= 2:
            defects.append(Defect(DefectKind.RECEIVED, "Received", f"hop {number} unparsed"))
        when = parse_rfc_date(str(item["date"])) if item.get("date") else None
        delay = None
        if when is not None and previous is not None:
            delay = (when - previous).total_seconds()
        hops.append(
            ReceivedHop(
                hop=number,
                from_host=_text(item.get("from")),
                by_host=_text(item.get("by")),
                date=when,
                date_utc=None if when is None else when.astimezone(UTC),
                delay=delay,
                raw=surrogates_to_text(raw.strip()),
            )
        )
        previous = when if when is not None else previous
    return tuple(hops)


def _text(value: object) -> str | None:
    return None if value is None else " ".join(str(value).split()) or None
