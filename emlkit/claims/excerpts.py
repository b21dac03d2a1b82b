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
from dataclasses import dataclass
from itertools import pairwise

from emlkit.claims.quoted import split_quoted
from emlkit.claims.quotes import Candidate, check_quote
from emlkit.errors import QueryError
from emlkit.index.text import Term, highlight_terms, match_spans

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
    """Matched words, as offsets within :attr:`text`."""
    by_quote: bool
    """True when the passage holds one of the claim's quotes verbatim."""
    quoted: bool
    """True when the passage lies in quoted earlier text (a reply's or forward's)."""
    attribution: str | None = None


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
        by_quote = any(a < end and start < b for a, b in quoted_spans)
        if not spans and not by_quote:
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
