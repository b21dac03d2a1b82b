"""Splitting a message's bytes into headers and MIME parts with the stdlib's parser, fast.

The stdlib's ``compat32`` feed parser reads a message one line at a time in Python, and most
lines of real mail are base64: an attachment of 500 KB is 6,800 lines the parser only copies
into the part's payload. :func:`split_message` sets those runs of lines aside before the
parse, lets the stdlib parse a message in which each run is one placeholder line, and puts
the runs back into the payloads afterwards. The tree it returns is the one the stdlib builds
from the original bytes (same parts, headers, payloads, preambles, epilogues and defects:
``tests/test_split.py`` checks this on every message of the corpora and on generated ones).

Why this cannot change the parse: a run is only taken right after an empty line, and only as
whole lines of the base64 alphabet, each ended by ``\\n`` or ``\\r\\n``. Such a line has no
colon, no space and no dash, so the feed parser can read it neither as a header (nor a
``From`` line), a continuation, a boundary nor an empty line: wherever it stands, it is
payload text to copy. The placeholder is a line of the same kind, so it takes the run's
place exactly, and the line ending after it is the run's own, which a following boundary
may claim as before.
"""

from __future__ import annotations

import re
from email.message import Message as StdlibMessage
from email.parser import BytesParser
from email.policy import compat32

__all__ = ["split_message"]

_EMPTY_LINE = re.compile(rb"\n\r?\n")
_BASE64_LINES = re.compile(rb"(?:[A-Za-z0-9+/=]++(\r?\n)){%d,}" % 8)
"""At least 8 whole lines of the base64 alphabet (fewer are not worth setting aside)."""

_MARK = b"EMLKITSETASIDE"
_MARK_AND_XS = re.compile(_MARK + rb"(X*)")


def split_message(data: bytes, headers_only: bool = False) -> StdlibMessage:
    """``BytesParser(policy=compat32).parsebytes(data, headers_only)``, faster on mail with
    long base64 parts. May raise what that raises (:class:`RecursionError`)."""
    if headers_only:
        return BytesParser(policy=compat32).parsebytes(data, headersonly=True)
    shorter, mark, runs = _set_aside(data)
    message = BytesParser(policy=compat32).parsebytes(shorter)
    if runs:
        _put_back(message, mark.decode("ascii"), runs)
    return message


def _set_aside(data: bytes) -> tuple[bytes, bytes, list[bytes]]:
    """``data`` with each long run of base64 lines after an empty line replaced by one
    placeholder line; the placeholders' common prefix; the runs, without their last line
    ending (which stays in place)."""
    mark = _free_mark(data)
    runs: list[bytes] = []
    pieces: list[bytes] = []
    kept = 0
    for empty in _EMPTY_LINE.finditer(data):
        start = empty.end()
        if start < kept:
            continue
        run = _BASE64_LINES.match(data, start)
        if run is None:
            continue
        end = run.end() - len(run.group(1))
        pieces.append(data[kept:start])
        pieces.append(b"%s%dZ" % (mark, len(runs)))
        runs.append(data[start:end])
        kept = end
    if not runs:
        return data, mark, runs
    pieces.append(data[kept:])
    return b"".join(pieces), mark, runs


def _free_mark(data: bytes) -> bytes:
    """:data:`_MARK`, with more ``X`` than the message itself ever puts after it: a prefix it
    does not hold (found in one pass, whatever a hostile message repeats)."""
    if _MARK not in data:
        return _MARK
    longest = max(len(found) for found in _MARK_AND_XS.findall(data))
    return _MARK + b"X" * (longest + 1)


def _put_back(message: StdlibMessage, mark: str, runs: list[bytes]) -> None:
    """Replace every placeholder in the parsed tree by the run it stands for."""
    placeholder = re.compile(re.escape(mark) + r"(\d+)Z")

    def run(match: re.Match[str]) -> str:
        return runs[int(match.group(1))].decode("ascii")

    for part in message.walk():
        # The raw payload: get_payload() would turn undecodable bytes into U+FFFD.
        payload = vars(part)["_payload"]
        if isinstance(payload, str) and mark in payload:
            part.set_payload(placeholder.sub(run, payload))
        for name in ("preamble", "epilogue"):
            text = getattr(part, name)
            if text and mark in text:
                setattr(part, name, placeholder.sub(run, text))
