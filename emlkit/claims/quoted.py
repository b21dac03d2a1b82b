"""Quoted earlier text in a message body: what the sender wrote, and what they quoted.

Replies and forwards carry earlier mail below a separator or an attribution line, in the
styles emlkit's users meet:

- Outlook: ``-----Original Message-----`` / ``-----Исходное сообщение-----`` and a header
  block (``From:``/``От:``, ``Sent:``/``Отправлено:`` …);
- Thunderbird and Mail.ru: ``-------- Исходное сообщение --------``,
  ``-------- Пересылаемое сообщение --------``, ``-------- Forwarded Message --------``;
- attribution lines: Gmail's ``On Mon, 15 Mar 2021 at 10:02, Name <addr> wrote:`` and
  ``пн, 15 мар. 2021 г. в 10:02, Имя <addr>:``, Mail.ru's
  ``Понедельник, 15 марта 2021, 10:02 +03:00 от Имя <addr>:``, The Bat!'s
  ``Вы писали 16 марта 2021 г., 9:20:12:``;
- ``>`` at the start of lines, anywhere in the body.

Everything from the first separator or attribution line to the end is quoted (replies put
the earlier mail below); before it, runs of ``>`` lines are quoted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DASHED = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:Original Message|Исходное сообщение|Пересылаемое сообщение"
    r"|Forwarded [Mm]essage|Перенаправленное сообщение)[ \t]*-{2,}[ \t]*$",
    re.MULTILINE,
)
_ATTRIBUTION = re.compile(  # never a line that is itself quoted
    r"^(?![ \t]*>)(?:[ \t]*(?:On|Am|Le)\b.{4,200}\b(?:wrote|schrieb|a écrit)[ \t]*:"
    r"|.{4,200}\bг\. в \d{1,2}:\d{2}, .{1,200}:"
    r"|.{4,200}, \d{1,2}:\d{2}(?: [+-]\d{2}:?\d{2})? от .{1,200}:"
    r"|[ \t]*(?:Вы писали|You wrote)\b.{0,200}:)[ \t]*$",
    re.MULTILINE,
)
_AUTHOR = re.compile(r"^[ \t]*(?:From|От|Von|De)[ \t]*:[ \t]*(.+)$", re.MULTILINE)
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_HEADER_FIELD = re.compile(
    r"[ \t]*(?:From|Sent|Date|To|Cc|Subject|От|Отправлено|Дата|Кому|Копия|Тема|Von|Gesendet"
    r"|An|Betreff)[ \t]*:.*"
)
_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_HEADER_LINES = 8


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a body: ``text[start:end]``, quoted or the sender's own."""

    start: int
    end: int
    quoted: bool
    attribution: str | None = None
    """For quoted text below a separator: the separator or attribution line, and the
    author line of an Outlook header block when there is one."""


def split_quoted(text: str) -> tuple[Segment, ...]:
    """The body as consecutive segments, own and quoted, covering all of ``text``."""
    dashed = _DASHED.search(text)
    tail = dashed.start() if dashed else len(text)
    tail_attribution = _attribution(text, dashed) if dashed else None
    segments = _quote_runs(text, 0, tail)
    for line in _ATTRIBUTION.finditer(text, 0, tail):
        run = next((i for i, s in enumerate(segments) if s.quoted and s.start > line.end()), None)
        between = text[line.end() : segments[run].start] if run is not None else "x"
        if run is not None and not between.strip():
            # The attribution line heads the run of ">" lines right below it.
            segments[run] = Segment(line.start(), segments[run].end, True, line.group().strip())
            segments[run - 1] = Segment(segments[run - 1].start, line.start(), False)
        elif line.start() < tail:  # quoted text without ">" markers: all the rest
            tail, tail_attribution = line.start(), _attribution(text, line)
            segments = _quote_runs(text, 0, tail)
            break
    if tail < len(text):
        segments.append(Segment(tail, len(text), True, tail_attribution))
    return tuple(segment for segment in segments if segment.end > segment.start)


def own_text(text: str) -> str:
    """What the sender wrote: the text without its quoted segments, trimmed."""
    return "".join(text[s.start : s.end] for s in split_quoted(text) if not s.quoted).strip()


def is_quoted(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies in quoted text."""
    return any(s.quoted and s.start <= start and end <= s.end for s in split_quoted(text))


def is_header_block(passage: str) -> bool:
    """True when every line of ``passage`` is a separator, an attribution line or a field
    of a quoted header block (``From:``, ``Отправлено:`` …): framing, not what was said."""
    lines = [_MARKERS.sub("", line) for line in passage.splitlines() if line.strip()]
    return bool(lines) and all(
        _DASHED.fullmatch(line) or _ATTRIBUTION.fullmatch(line) or _HEADER_FIELD.fullmatch(line)
        for line in lines
    )


def _quote_runs(text: str, start: int, end: int) -> list[Segment]:
    """Own text and runs of ``>`` lines (blank lines between them included) in a stretch."""
    lines = [(m.start(), m.end(), _kind(m.group())) for m in _LINE.finditer(text, start, end)]
    segments: list[Segment] = []
    own_from = start
    index = 0
    while index < len(lines):
        if lines[index][2] != "quote":
            index += 1
            continue
        last = index
        probe = index
        while probe < len(lines) and lines[probe][2] in ("quote", "blank"):
            last = probe if lines[probe][2] == "quote" else last
            probe += 1
        segments.append(Segment(own_from, lines[index][0], False))
        segments.append(Segment(lines[index][0], lines[last][1], True))
        own_from = lines[last][1]
        index = last + 1
    segments.append(Segment(own_from, end, False))
    return segments


def _kind(line: str) -> str:
    stripped = line.strip()
    if not stripped:
        return "blank"
    return "quote" if stripped.startswith(">") else "text"


def _attribution(text: str, separator: re.Match[str]) -> str:
    line = separator.group().strip()
    following = text[separator.end() :].splitlines()[1 : _HEADER_LINES + 1]
    author = next((m for m in map(_AUTHOR.match, following) if m), None)
    return f"{line} {author.group().strip()}" if author else line
