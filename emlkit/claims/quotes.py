"""Quote verification: does each quote of the letter stand, word for word, in an email?

A quote is FOUND when, after normalising only what does not change meaning, it stands in a
message's decoded text as whole words (it neither starts nor ends inside a word there). The
normalisation (:func:`normalize`) joins lines and collapses whitespace, drops ``>`` quote
markers at line starts, maps typographic quotes and dashes to plain ones, reads ё as е and
ignores letter case. Nothing else is forgiven: a changed, added or dropped word (a
negation, a number, a name) or a change of word order gives NOT FOUND, with the nearest
passage (rapidfuzz), its similarity and the words that differ, for a human to judge.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from emlkit.claims.stored import stored_claims
from emlkit.index.store import FIRST_PATH, Store, in_annexes
from emlkit.index.text import text_blocks

_QUOTE_MARKER = re.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")
_TRANSLATE = str.maketrans(
    {
        "«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‟": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
        "—": "-", "–": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
        "ё": "е", "Ё": "е", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
        # Σ is lowered as σ wherever it stands (str.lower writes ς at a word's end).
        "Σ": "σ",
    }
)  # fmt: skip
_WORD = re.compile(r"\w+", re.UNICODE)
_RUN = re.compile(r"\S+")
_BLOCK = 65_536  # characters of the text collapsed at a time
_END = 1 << 62  # sorts after any offset


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text, and the way back to the offsets of the text it came from."""

    text: str
    folded: str = field(repr=False)
    """The original text with each character mapped one to one (quote markers blanked,
    typography and case folded): the same length and offsets as the original."""
    blocks: tuple[tuple[int, int, int], ...] = field(repr=False)
    """(offset in :attr:`text`, start and end in :attr:`folded`) of each block of the text,
    so that an offset is mapped back by reading one block, not the whole text."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        return self._origin(start), self._origin(end - 1) + 1

    def _origin(self, position: int) -> int:
        """The offset in the original text of the character at ``position`` of :attr:`text`;
        a space stands for the first of the whitespace characters it replaces."""
        block = bisect_right(self.blocks, (position, _END, _END)) - 1
        at, start, end = self.blocks[block]
        wanted = position - at
        for word in _RUN.finditer(self.folded, start, end):
            length = word.end() - word.start()
            if wanted < length:
                return word.start() + wanted
            if wanted == length:
                return word.end()
            wanted -= length + 1
        raise IndexError(position)


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """The verdict on one quote: where it stands, or the nearest passage and what differs."""

    claim: str
    quote: str
    status: str
    """``found`` or ``not_found``."""
    message_id: str | None
    path: str | None
    sha256: str | None
    start: int | None
    """Character offsets of the passage in the message's decoded text."""
    end: int | None
    source_text: str | None
    """The passage exactly as it stands in the decoded text."""
    similarity: float
    """100 for a found quote; else rapidfuzz's ``ratio`` (0–100, below 100) of the quote and
    the nearest passage, both normalised."""
    differences: tuple[str, ...] = ()
    """Words of the quote missing from the passage (``-word``) and added in it (``+word``)."""
    cut: tuple[str, ...] = ()
    """For a quote not found: the Message-IDs of the messages looked in whose text the
    index holds only in part (a text part longer than the parse keeps,
    :attr:`~emlkit.policy.Policy.max_text_chars`): the quote may stand in what was cut."""

    @property
    def found(self) -> bool:
        """True when the quote stands in the message."""
        return self.status == "found"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A message a quote may stand in."""

    message_id: str
    path: str | None
    sha256: str
    text: str
    cut: bool = False
    """True when the index holds the text only in part (a ``limit-reached`` defect)."""


def normalize(text: str) -> Normalized:
    """The text with only meaning-preserving differences removed; see the module docstring.

    Each character is mapped on its own (so offsets are kept until whitespace is collapsed),
    then runs of whitespace become one space and the ends are trimmed; a long text is
    collapsed a block at a time so that :meth:`Normalized.span` reads one block.
    """
    unmarked = _QUOTE_MARKER.sub(lambda m: " " * len(m.group()), text)
    translated = unmarked.translate(_TRANSLATE)
    # "İ" is the one letter whose lower case is two characters: it is kept as it is.
    folded = "İ".join(part.lower() for part in translated.split("İ"))
    blocks: list[tuple[int, int, int]] = []
    pieces: list[str] = []
    at = 0
    for start, end in text_blocks(folded, _BLOCK):
        piece = " ".join(folded[start:end].split())
        if piece:
            blocks.append((at, start, end))
            pieces.append(piece)
            at += len(piece) + 1
    return Normalized(" ".join(pieces), folded, tuple(blocks))


def check_quote(claim: str, quote: str, candidates: Iterable[Candidate]) -> QuoteCheck:
    """Look for ``quote`` in the candidates: the first exact (normalised) match, else the
    nearest passage."""
    wanted = normalize(quote).text
    best: tuple[float, Candidate, Normalized, int, int] | None = None
    cut: list[str] = []
    for candidate in candidates:
        if candidate.cut:
            cut.append(candidate.message_id)
        body = normalize(candidate.text)
        at = find_whole_words(body.text, wanted)
        if at >= 0:
            start, end = body.span(at, at + len(wanted))
            return QuoteCheck(
                claim, quote, "found", candidate.message_id, candidate.path, candidate.sha256,
                start, end, candidate.text[start:end], 100.0,
            )  # fmt: skip
        if not body.text or not wanted:
            continue
        alignment = fuzz.partial_ratio_alignment(wanted, body.text)
        if alignment is not None and (best is None or alignment.score > best[0]):
            best = (alignment.score, candidate, body, alignment.dest_start, alignment.dest_end)
    if best is None:
        return QuoteCheck(
            claim, quote, "not_found", None, None, None, None, None, None, 0.0, (), tuple(cut)
        )
    _, candidate, body, at, until = best
    at, until = _whole_words(body.text, at, max(until, at + 1))
    start, end = body.span(at, until)
    passage = candidate.text[start:end]
    score = fuzz.ratio(wanted, body.text[at:until])
    return QuoteCheck(
        claim, quote, "not_found", candidate.message_id, candidate.path, candidate.sha256,
        start, end, passage, round(score, 1), _differences(quote, passage), tuple(cut),
    )  # fmt: skip


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened so that it cuts no word at either end."""
    while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and _is_word(text[end]) and _is_word(text[end - 1]):
        end += 1
    return start, end


def find_whole_words(text: str, wanted: str) -> int:
    """Where ``wanted`` first stands in ``text`` without cutting a word at either end, or -1.

    «обнаружен пистолет» does not stand in «обнаружен пистолетом», nor «12 марта» in
    «112 марта»: a quote that ends or starts inside a word of the source changed that word.
    """
    if not wanted:
        return -1
    open_start, open_end = _is_word(wanted[0]), _is_word(wanted[-1])
    at = text.find(wanted)
    while at >= 0:
        after = at + len(wanted)
        cut_before = open_start and at > 0 and _is_word(text[at - 1])
        cut_after = open_end and after < len(text) and _is_word(text[after])
        if not cut_before and not cut_after:
            return at
        at = text.find(wanted, at + 1)
    return -1


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def verify_quotes(
    store: Store, annex: int | None = None, anywhere: bool = False
) -> list[QuoteCheck]:
    """Check every quote of the case stored in the index (see ``docs/quotes.md``).

    Each quote is looked for in the messages of its claim's annexes (all messages with
    ``anywhere``); ``annex`` keeps only the claims that cite that annex.
    """
    results: list[QuoteCheck] = []
    for claim in stored_claims(store):
        if annex is not None and annex not in claim.annexes:
            continue
        annexes = None if anywhere else list(claim.annexes)
        results.extend(
            check_quote(claim.id, quote, _candidates(store, annexes)) for quote in claim.quotes
        )
    return results


def _candidates(store: Store, annexes: list[int] | None) -> Iterator[Candidate]:
    """The messages a quote may stand in, oldest first, streamed from the index (with
    ``--anywhere`` that is the whole corpus, which need not fit in memory)."""
    sql = f"SELECT m.message_id, {FIRST_PATH}, m.sha256, m.text, {_CUT} FROM messages m"
    if annexes is None:
        rows = store.db.execute(sql + " ORDER BY m.date_utc, m.id")
    else:
        where = in_annexes(len(annexes))
        rows = store.db.execute(sql + f" WHERE {where} ORDER BY m.date_utc, m.id", annexes)
    for message_id, path, sha256, text, cut in rows:
        yield Candidate(message_id, path, sha256, text, bool(cut))


_CUT = (
    "EXISTS (SELECT 1 FROM defects d WHERE d.message_id = m.id"
    " AND d.kind = 'limit-reached' AND d.detail LIKE 'text part of %')"
)
"""SQL for: message ``m``'s text was cut to the parse policy's limit (``emlkit.parse.mime``)."""


def _differences(quote: str, passage: str) -> tuple[str, ...]:
    """Words of the quote not in the passage (``-``) and of the passage not in the quote
    (``+``), compared as normalised but shown as written."""
    said, found = _WORD.findall(quote), _WORD.findall(passage)
    matcher = difflib.SequenceMatcher(
        a=[normalize(w).text for w in said], b=[normalize(w).text for w in found], autojunk=False
    )
    changes: list[str] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            changes.extend(f"-{word}" for word in said[a0:a1])
        if tag in ("insert", "replace"):
            changes.extend(f"+{word}" for word in found[b0:b1])
    return tuple(changes)
