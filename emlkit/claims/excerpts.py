"""Excerpts: the passages of a message that support a claim, with their exact place.

A message's decoded body is cut into passages — paragraphs, and the sentences of a long
paragraph — so an excerpt never cuts a word. A passage supports a claim when it holds one of
the claim's quotes (verbatim, as :mod:`emlkit.claims.quotes` decides) or every word of one
of its terms (matched with stemming and across scripts, as search matches them). Each
excerpt keeps its character offsets in the decoded body, the spans of the matched words,
and whether it lies in quoted earlier text (:mod:`emlkit.claims.quoted`), with the
attribution of that quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from emlkit.claims.case import Claim
from emlkit.claims.originals import MessageRef, find_original
from emlkit.claims.quoted import is_header_block, own_text, split_quoted
from emlkit.claims.quotes import Candidate, check_quote
from emlkit.claims.stored import stored_claims
from emlkit.errors import QueryError
from emlkit.index.store import FIRST_PATH_IN_ANNEX, IN_ANNEX, THREAD_OF, Store
from emlkit.index.text import Term, highlight_terms, match_spans
from emlkit.records import Address

_PARAGRAPH = re.compile(r"[^\s>](?:.|\n(?![ \t>]*\n))*")  # ends at a blank (or ">") line
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(]?[A-ZА-ЯЁ0-9])")
_LONG_PARAGRAPH = 600


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A passage of a message's decoded body that supports a claim."""

    claim: str
    start: int
    end: int
    """Character offsets of the passage in the decoded body text."""
    text: str
    spans: tuple[tuple[int, int], ...]
    """Matched words, and the whole of a matched quote, as offsets within :attr:`text`."""
    by_quote: bool
    """True when the passage holds one of the claim's quotes verbatim."""
    quoted: bool
    """True when the passage lies in quoted earlier text (a reply's or forward's)."""
    attribution: str | None = None
    original: MessageRef | None = None
    """For an excerpt in quoted text: the message that wrote it, when the corpus holds it."""


def passages(text: str) -> list[tuple[int, int]]:
    """The passages of a text: its paragraphs, long ones cut at sentence ends."""
    found: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        start, end = paragraph.span()
        end = _rstrip(text, start, end)
        if end - start <= _LONG_PARAGRAPH:
            found.append((start, end))
            continue
        cuts = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
        bounds = [start, *cuts, end]
        found.extend((a, _rstrip(text, a, b)) for a, b in pairwise(bounds))
    return [(a, b) for a, b in found if b > a]


def find_excerpts(
    text: str, claim: str, terms: tuple[str, ...], quotes: tuple[str, ...]
) -> list[Excerpt]:
    """The passages of ``text`` that support a claim, in the order they stand."""
    segments = split_quoted(text)
    term_sets = [words for words in map(_term_words, terms) if words]
    quoted_spans = _quote_spans(text, claim, quotes)
    excerpts: list[Excerpt] = []
    for start, end in passages(text):
        passage = text[start:end]
        spans = _matched(passage, term_sets)
        quote_spans = [
            (max(a, start) - start, min(b, end) - start)
            for a, b in quoted_spans
            if a < end and start < b
        ]
        by_quote = bool(quote_spans)
        spans = _merged([*spans, *quote_spans]) if by_quote else spans
        if not by_quote and (not spans or is_header_block(passage)):
            continue
        segment = next((s for s in segments if s.start <= start < s.end), None)
        quoted = segment is not None and segment.quoted
        excerpts.append(
            Excerpt(
                claim, start, end, passage, tuple(spans), by_quote, quoted,
                segment.attribution if quoted and segment is not None else None,
            )
        )  # fmt: skip
    return excerpts


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, with overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _term_words(term: str) -> list[Term]:
    cleaned = " ".join(term.replace('"', " ").split())
    if not cleaned:
        return []
    try:
        return list(highlight_terms(f'"{cleaned}"'))
    except QueryError:
        return []


def _matched(passage: str, term_sets: list[list[Term]]) -> list[tuple[int, int]]:
    """Spans of the words of every term all of whose words the passage holds."""
    spans: set[tuple[int, int]] = set()
    for words in term_sets:
        found = [match_spans(passage, [word]) for word in words]
        if all(found):
            spans.update(span for group in found for span in group)
    return sorted(spans)


def _quote_spans(text: str, claim: str, quotes: tuple[str, ...]) -> list[tuple[int, int]]:
    candidate = [Candidate("", None, "", text)]
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        result = check_quote(claim, quote, candidate)
        if result.found and result.start is not None and result.end is not None:
            spans.append((result.start, result.end))
    return spans


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


@dataclass(frozen=True, slots=True)
class MessageHeader:
    """The compact header an excerpt report shows for a message, with its provenance."""

    message_id: str
    date: str | None
    """The Date header's time with its own offset (ISO 8601)."""
    date_utc: str | None
    sender: str
    to: tuple[str, ...]
    subject: str
    path: str | None
    sha256: str
    defects: tuple[str, ...]
    """The kinds of defect found in the message (badges)."""
    missing: bool = False
    """The file ``path`` was missing, or could not be read, at the last index run that walked
    it (a message has such a path only when every file that held it is gone or unreadable):
    the report cites a file the reader may not find."""
    conflicting: bool = False
    """Another stored message has this Message-ID and says otherwise (an edited copy, or
    two messages given one id): ``emlkit conflicts --message-id`` shows what differs."""


@dataclass(frozen=True, slots=True)
class MessageExcerpts:
    """One message of an annex and what it gives: excerpts, or its own text when no claim
    asks anything of the annex."""

    header: MessageHeader
    excerpts: tuple[Excerpt, ...]
    own_text: str | None


@dataclass(frozen=True, slots=True)
class ClaimText:
    """A claim as the report names it."""

    id: str
    text: str


_OWN_TEXT_CHARS = 600


def annex_excerpts(
    store: Store, annex: int, claim: str | None = None
) -> tuple[list[ClaimText], list[MessageExcerpts]]:
    """The claims tied to ``annex`` (or just ``claim``) and, for each message of the annex
    in thread and date order, the excerpts that support them."""
    claims = _annex_claims(store, annex, claim)
    rows = store.db.execute(_ANNEX_MESSAGES, (annex, annex)).fetchall()
    found = [_message_excerpts(store, row, claims) for row in rows]
    return [ClaimText(c.id, c.text) for c in claims], found


_HEADER_COLUMNS = (
    "m.id, m.message_id, m.date, coalesce(m.from_name, ''), coalesce(m.from_address, ''),"
    f" m.subject, m.sha256, m.text, {FIRST_PATH_IN_ANNEX}, {THREAD_OF}, m.date_utc, m.annex,"
    " m.conflicting"
)
"""The columns :func:`_header` reads; the path shown is one in the annex given as the first
parameter, if the message has one there."""
_ANNEX_MESSAGES = (
    f"SELECT {_HEADER_COLUMNS} FROM messages m"
    f" LEFT JOIN message_threads th ON th.message_id = m.id WHERE {IN_ANNEX}"
    " ORDER BY (SELECT min(o.date_utc) FROM message_threads ot JOIN messages o"
    " ON o.id = ot.message_id WHERE ot.thread_id = th.thread_id),"
    " th.thread_id, th.thread_depth, m.date_utc, m.id"
)


def _message_excerpts(
    store: Store, row: tuple[object, ...], claims: list[Claim]
) -> MessageExcerpts:
    header = _header(store, row)
    text = str(row[7])
    if not claims:
        return MessageExcerpts(header, (), _trimmed(own_text(text)))
    excerpts = [
        _with_original(store, excerpt, row)
        for item in claims
        for excerpt in find_excerpts(text, item.id, item.terms, item.quotes)
    ]
    return MessageExcerpts(header, tuple(excerpts), None)


def _with_original(store: Store, excerpt: Excerpt, row: tuple[object, ...]) -> Excerpt:
    if not excerpt.quoted:
        return excerpt
    thread_id = None if row[9] is None else str(row[9])
    original = find_original(store, excerpt.text, int(str(row[0])), thread_id)
    return excerpt if original is None else replace(excerpt, original=original)


def _annex_claims(store: Store, annex: int, claim: str | None) -> list[Claim]:
    claims = stored_claims(store)
    if claim is not None:
        return [c for c in claims if c.id == claim]
    return [c for c in claims if annex in c.annexes]


def _header(store: Store, row: tuple[object, ...]) -> MessageHeader:
    key = row[0]
    to = tuple(
        Address(str(name), str(address)).label()
        for name, address in store.db.execute(
            "SELECT name, address FROM addresses WHERE message_id = ? AND role = 'to'"
            " ORDER BY position",
            (key,),
        )
    )
    kinds = tuple(
        str(kind)
        for (kind,) in store.db.execute(
            "SELECT DISTINCT kind FROM defects WHERE message_id = ? ORDER BY kind", (key,)
        )
    )
    sender = Address(str(row[3]), str(row[4])).label()
    path = None if row[8] is None else str(row[8])
    date = None if row[2] is None else str(row[2])
    date_utc = None if row[10] is None else str(row[10])
    subject = str(row[5])
    missing = path is not None and _is_missing(store, path)
    return MessageHeader(
        str(row[1]), date, date_utc, sender, to, subject, path, str(row[6]), kinds, missing,
        bool(row[12]),
    )  # fmt: skip


def _is_missing(store: Store, path: str) -> bool:
    found = store.db.execute("SELECT status FROM files WHERE path = ?", (path,)).fetchone()
    return found is not None and found[0] in ("missing", "failed")


def message_header(
    store: Store, message_id: str, sha256: str
) -> tuple[MessageHeader, int | None] | None:
    """The header of the stored message with this Message-ID and hash, and its annex."""
    where = "WHERE m.message_id = ? AND m.sha256 = ? ORDER BY m.id LIMIT 1"
    found = store.db.execute(f"SELECT m.annex FROM messages m {where}", (message_id, sha256))
    annex = found.fetchone()
    if annex is None:
        return None
    row = store.db.execute(
        f"SELECT {_HEADER_COLUMNS} FROM messages m {where}", (annex[0], message_id, sha256)
    ).fetchone()
    return _header(store, row), None if row[11] is None else int(row[11])


def _trimmed(text: str) -> str:
    if len(text) <= _OWN_TEXT_CHARS:
        return text
    cut = text.rfind(" ", 0, _OWN_TEXT_CHARS)
    return text[: cut if cut > 0 else _OWN_TEXT_CHARS].rstrip() + " …"
