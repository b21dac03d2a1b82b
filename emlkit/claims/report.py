"""The case report: every claim with its verified quotes and best excerpts, the provenance
of every message cited, and an explanation of each annex.

The report is data (frozen dataclasses); :mod:`emlkit.render.report` shows it as a
terminal view, Markdown, HTML or JSON (``docs/report-format.md``). Paths are given relative
to the case file's folder when they lie under it — the folder a case is handed over in —
and absolute otherwise.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from emlkit.claims.case import Annex, Claim
from emlkit.claims.excerpts import Excerpt, MessageExcerpts, MessageHeader, annex_excerpts
from emlkit.claims.excerpts import message_header as stored_header
from emlkit.claims.originals import MIN_WORDS
from emlkit.claims.quotes import QuoteCheck, normalize, verify_quotes
from emlkit.claims.stored import StoredCase, stored_case
from emlkit.errors import CaseError
from emlkit.index.store import Store

_WORD = re.compile(r"\w+", re.UNICODE)
BEST_EXCERPTS = 5
"""How many excerpts a claim shows by default."""


@dataclass(frozen=True, slots=True)
class CitedExcerpt:
    """An excerpt chosen for a claim, with the message it stands in and that message's annex."""

    excerpt: Excerpt
    message: MessageHeader
    annex: int


@dataclass(frozen=True, slots=True)
class ClaimReport:
    """One claim: its words, its annexes, the verdict on each quote and its best excerpts."""

    id: str
    text: str
    annexes: tuple[int, ...]
    note: str
    quotes: tuple[QuoteCheck, ...]
    translations: tuple[str, ...]
    """The analyst's translation of each quote, in the same order (may be empty)."""
    excerpts: tuple[CitedExcerpt, ...]
    """The best excerpts, ranked (see :func:`rank`)."""
    excerpts_found: int
    """How many excerpts the claim's annexes hold in all."""
    messages_with_excerpts: int


@dataclass(frozen=True, slots=True)
class AnnexReport:
    """One annex: its description, its messages in thread order and its key quotes."""

    number: int
    title: str
    description: str
    claims: tuple[str, ...]
    """The ids of the claims that cite this annex."""
    messages: tuple[MessageHeader, ...]
    key_quotes: tuple[QuoteCheck, ...]
    """The claims' quotes that were found in a message of this annex."""


@dataclass(frozen=True, slots=True)
class CitedMessage:
    """A row of the provenance table: a message the report cites, and by which claims."""

    message: MessageHeader
    annex: int | None
    cited_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """The whole case report."""

    title: str
    letter_date: str | None
    letter_path: str | None
    case_file: str
    """The case file's name (its folder is the root of the report's relative paths)."""
    case_sha256: str
    generated_at: str
    emlkit_version: str
    claims: tuple[ClaimReport, ...]
    annexes: tuple[AnnexReport, ...]
    provenance: tuple[CitedMessage, ...]

    @property
    def quotes_found(self) -> int:
        """How many of the claims' quotes stand in an email."""
        return sum(1 for claim in self.claims for check in claim.quotes if check.found)

    @property
    def quote_count(self) -> int:
        """How many quotes the claims hold."""
        return sum(len(claim.quotes) for claim in self.claims)


def build_report(
    store: Store, best: int = BEST_EXCERPTS, generated_at: datetime | None = None
) -> Report:
    """The report of the case stored in the index.

    ``generated_at`` defaults to ``$SOURCE_DATE_EPOCH`` when set (reproducible output),
    else now.

    :raises CaseError: the index holds no case (index a folder with a ``case.toml``).
    """
    stored = stored_case(store)
    if stored is None:
        raise CaseError("the index holds no case: index a folder with a case.toml, or use --case")
    folder = str(stored.case.path.parent)
    letter = stored.case.letter
    by_annex = {a.number: annex_excerpts(store, a.number)[1] for a in stored.case.annexes}
    checks = [_relative_check(check, folder) for check in verify_quotes(store)]
    claims = tuple(
        _claim_report(claim, by_annex, checks, best, folder) for claim in stored.case.claims
    )
    annexes = tuple(
        _annex_report(annex, stored, by_annex[annex.number], checks, folder)
        for annex in stored.case.annexes
    )
    return Report(
        letter.title,
        None if letter.date is None else letter.date.isoformat(),
        None if letter.path is None else _relative(str(letter.path), folder),
        stored.case.path.name,
        stored.sha256,
        _timestamp(generated_at),
        _version(),
        claims,
        annexes,
        _provenance(store, claims, folder),
    )


def rank(cited: list[CitedExcerpt]) -> list[CitedExcerpt]:
    """Excerpts best first, each passage once: a quote before a match of terms, the
    writer's own words before quoted text, a passage of some words before a line of a few
    (a signature), more distinct matched words before fewer, then earlier messages first.
    A passage repeated in quoted text is kept where it stands first."""
    ordered = sorted(enumerate(cited), key=lambda item: (_merit(item[1].excerpt), item[0]))
    seen: set[str] = set()
    best: list[CitedExcerpt] = []
    for _, item in ordered:
        key = normalize(item.excerpt.text).text
        if key not in seen:
            seen.add(key)
            best.append(item)
    return best


def _merit(excerpt: Excerpt) -> tuple[bool, bool, bool, int]:
    matched = {excerpt.text[start:end].lower() for start, end in excerpt.spans}
    short = len(_WORD.findall(excerpt.text)) < MIN_WORDS  # a signature, a greeting
    return (not excerpt.by_quote, excerpt.quoted, short, -len(matched))


def _claim_report(
    claim: Claim,
    by_annex: dict[int, list[MessageExcerpts]],
    checks: list[QuoteCheck],
    best: int,
    folder: str,
) -> ClaimReport:
    cited = [
        CitedExcerpt(excerpt, _relative_header(item.header, folder), number)
        for number in claim.annexes
        for item in by_annex.get(number, [])
        for excerpt in item.excerpts
        if excerpt.claim == claim.id
    ]
    messages = {(c.message.message_id, c.message.sha256) for c in cited}
    return ClaimReport(
        claim.id,
        claim.text,
        claim.annexes,
        claim.note,
        tuple(check for check in checks if check.claim == claim.id),
        claim.translations,
        tuple(rank(cited)[:best]),
        len(cited),
        len(messages),
    )


def _annex_report(
    annex: Annex,
    stored: StoredCase,
    found: list[MessageExcerpts],
    checks: list[QuoteCheck],
    folder: str,
) -> AnnexReport:
    headers = tuple(_relative_header(item.header, folder) for item in found)
    held = {(h.message_id, h.sha256) for h in headers}
    return AnnexReport(
        annex.number,
        annex.title,
        annex.description,
        tuple(c.id for c in stored.case.claims if annex.number in c.annexes),
        headers,
        tuple(c for c in checks if c.found and (c.message_id, c.sha256) in held),
    )


def _provenance(
    store: Store, claims: tuple[ClaimReport, ...], folder: str
) -> tuple[CitedMessage, ...]:
    """Every message a claim cites (by a found quote, a best excerpt or an excerpt's
    original), by date."""
    citing: dict[tuple[str, str], list[str]] = {}
    for claim in claims:
        keys = [(c.message_id or "", c.sha256 or "") for c in claim.quotes if c.found]
        keys += [(c.message.message_id, c.message.sha256) for c in claim.excerpts]
        keys += [
            (c.excerpt.original.message_id, c.excerpt.original.sha256)
            for c in claim.excerpts
            if c.excerpt.original is not None
        ]
        for key in keys:
            claim_ids = citing.setdefault(key, [])
            if claim.id not in claim_ids:
                claim_ids.append(claim.id)
    rows = []
    for (message_id, sha256), claim_ids in citing.items():
        found = stored_header(store, message_id, sha256)
        if found is not None:
            header, annex = found
            rows.append(CitedMessage(_relative_header(header, folder), annex, tuple(claim_ids)))
    rows.sort(key=lambda row: (row.message.date_utc or "", row.message.message_id))
    return tuple(rows)


def _relative(path: str, folder: str) -> str:
    """``path`` relative to ``folder`` when it lies under it, else unchanged."""
    if path == folder or not path.startswith(folder.rstrip("/") + "/"):
        return path
    return os.path.relpath(path, folder)


def _relative_header(header: MessageHeader, folder: str) -> MessageHeader:
    if header.path is None:
        return header
    return replace(header, path=_relative(header.path, folder))


def _relative_check(check: QuoteCheck, folder: str) -> QuoteCheck:
    if check.path is None:
        return check
    return replace(check, path=_relative(check.path, folder))


def _timestamp(generated_at: datetime | None) -> str:
    if generated_at is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        generated_at = (
            datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
        )
    return generated_at.astimezone(UTC).isoformat(timespec="seconds")


def _version() -> str:
    try:
        return version("emlkit")
    except PackageNotFoundError:
        return "unknown"
