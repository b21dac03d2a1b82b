"""Splitting a message's bytes into headers and MIME parts: the stdlib's tree, fast.

Most messages are split by :mod:`emlkit.parse.scan`, which finds the stdlib's tree by
searching the whole text. The forms it leaves to the stdlib (a bare CR, odd envelope lines,
boundaries nested in each other, …) go to :func:`split_with_stdlib`, the stdlib's own parser
made faster as follows.

The stdlib's ``compat32`` feed parser reads a message one line at a time in Python, and most
lines of real mail are base64: an attachment of 500 KB is 6,800 lines the parser only copies
into the part's payload. :func:`split_with_stdlib` sets such runs of lines aside before the
parse, lets the stdlib parse a message in which each run is one placeholder line, and puts
the runs back into the payloads afterwards. The tree it returns is the one the stdlib builds
from the original bytes (same parts, headers, payloads, preambles, epilogues and defects:
``tests/test_split.py`` checks this on every message of the corpora and on generated ones).

Why this cannot change the parse. A run starts right after an empty line, with a line that
is neither empty nor a header line (``headerRE``: no ``From``, no leading space, no colon
after a field name) nor starts with ``--``. After an empty line the parser is either in a
body (a leaf's payload, a preamble or epilogue) or at the headers of a message inside a
``message/*`` part; there, such a line ends the headers, is kept as body, and the parser is
in a body too. In a body the parser looks at a line only to see whether it is a boundary
(which starts with ``--``) or, inside ``message/delivery-status``, an empty line. So a run
goes on, whatever its lines hold, up to the first line that is empty or starts with ``--``,
or a bare CR (which the parser takes for a line end). The placeholder is a line of the same
kind as the first, so it takes the run's place exactly, and the line ending after it is the
run's own, which a following boundary may claim as before.

The stdlib also compiles a regular expression for every multipart's boundary, and as every
message has boundaries of its own, Python's cache of compiled expressions never helps: near a
fifth of the split. :func:`split_with_stdlib` therefore writes each boundary in a canonical form
(``<mark>B0Z``, ``<mark>B1Z``, …), the same for every message, so the expressions are
compiled once per process, and writes the original back wherever the token stands in the
tree. It does so only where it knows every boundary the parser can see (see
:func:`_canonical_boundaries`), and only for boundaries whose characters read the same as
the token's to every test the parser makes of a line: printable, without colon, space,
quote or backslash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import Message as StdlibMessage
from email.parser import BytesParser
from email.policy import compat32
from itertools import pairwise

from emlkit.parse.scan import scan_message

__all__ = ["split_message", "split_with_stdlib"]

_EMPTY_LINE = re.compile(rb"\n\r?\n")
_RUN_START = re.compile(rb"(?!From |--|[\x21-\x39\x3b-\x7e]*:)[^\r\n\t ]")
"""A line that is not empty, not a header line, and not a boundary."""
_RUN_STOP = re.compile(rb"\n(?:--|\r?\n)")
"""Where a run ends: at an empty line or a line starting with ``--`` (or a bare CR)."""
_BARE_CR = re.compile(rb"\r(?!\n)")  # apart: one pattern for both would be 10 times slower
_SHORTEST_RUN = 512
"""Bytes: a shorter run is not worth setting aside."""

_MARK = b"EMLKITSETASIDE"
_MARK_AND_XS = re.compile(_MARK + rb"(X*)")

_VALUE = rb"[0-9a-z()+_,./=?-]{1,200}"  # RFC 2046 bchars but space, colon, quote; lowered
_BOUNDARY_PARAM = re.compile(
    rb'boundary=(?:"(%s)"|(%s))(?=[ \t]*(?:;|\r?\n(?![ \t])|\r(?![\n \t])|\Z))' % (_VALUE, _VALUE)
)
"""A ``boundary`` parameter whose value the stdlib reads as written (in lowered bytes)."""
_PARAMETER_LIKE = re.compile(rb"boundary\s*[=*]")
"""Any other use of the name as a parameter: quoted pairs, RFC 2231, folding, spaces."""
_MOST_BOUNDARIES = 64
"""More distinct boundaries are left as they are: the check of every pair is quadratic."""


def split_message(data: bytes, headers_only: bool = False) -> StdlibMessage:
    """``BytesParser(policy=compat32).parsebytes(data, headers_only)``, faster: the tree found
    by searching the whole text (:func:`emlkit.parse.scan.scan_message`), or, for the forms
    that leaves to the stdlib, :func:`split_with_stdlib`. May raise what the stdlib raises
    (:class:`RecursionError`)."""
    if headers_only:
        return BytesParser(policy=compat32).parsebytes(data, headersonly=True)
    scanned = scan_message(data)
    return scanned if scanned is not None else split_with_stdlib(data)


def split_with_stdlib(data: bytes) -> StdlibMessage:
    """``BytesParser(policy=compat32).parsebytes(data)``, faster: long runs of lines set
    aside, boundaries in a canonical form (see the module's docstring)."""
    shorter, mark, runs = _set_aside(data)
    shorter, boundaries = _canonical_boundaries(shorter, mark)
    message = BytesParser(policy=compat32).parsebytes(shorter)
    if runs or boundaries:
        _put_back(message, mark.decode("ascii"), runs, boundaries)
    return message


def _set_aside(data: bytes) -> tuple[bytes, bytes, list[bytes]]:
    """``data`` with each long run of lines (see the module's docstring) replaced by one
    placeholder line; the placeholders' common prefix; the runs, without their last line
    ending (which stays in place)."""
    mark = _free_mark(data)
    runs: list[bytes] = []
    spans: list[tuple[int, int, bytes]] = []
    kept = 0
    for empty in _EMPTY_LINE.finditer(data):
        start = empty.end()
        if start < kept or _RUN_START.match(data, start) is None:
            continue
        end = _run_end(data, start)
        if end - start < _SHORTEST_RUN:
            continue
        spans.append((start, end, b"%s%dZ" % (mark, len(runs))))
        runs.append(data[start:end])
        kept = end
    return (_replaced(data, spans) if runs else data), mark, runs


def _run_end(data: bytes, start: int) -> int:
    """Where the run starting at ``start`` ends: before the line end of its last whole line
    (``start`` itself when it has none)."""
    stop = _RUN_STOP.search(data, start)
    limit = len(data) if stop is None else stop.start() + 1  # with the last line's "\n"
    bare_cr = _BARE_CR.search(data, start, limit)
    if bare_cr is not None:
        limit = bare_cr.start()
    elif stop is not None:
        return stop.start() - 1 if data[stop.start() - 1] == 0x0D else stop.start()
    last_line_end = data.rfind(b"\n", start, limit)
    if last_line_end < 0:
        return start
    return last_line_end - 1 if data[last_line_end - 1] == 0x0D else last_line_end


def _free_mark(data: bytes) -> bytes:
    """:data:`_MARK`, with more ``X`` than the message itself ever puts after it: a prefix it
    does not hold (found in one pass, whatever a hostile message repeats)."""
    if _MARK not in data:
        return _MARK
    longest = max(len(found) for found in _MARK_AND_XS.findall(data))
    return _MARK + b"X" * (longest + 1)


def _canonical_boundaries(data: bytes, mark: bytes) -> tuple[bytes, list[bytes]]:
    """``data`` with the value of each ``boundary`` parameter and each ``--`` + boundary
    replaced by the token ``<mark>B<n>Z``; the boundaries, in the order of ``n``.

    ``data`` is returned as it is when the rewriting could change a parse: a ``boundary``
    parameter written in any other way than :data:`_BOUNDARY_PARAM` (so that the parser
    might use a boundary not seen here), or two boundaries one of which, with its ``--``,
    stands inside the other's delimiter (``--b`` and ``--b--x``): a line read as one could
    then be read as the other; or two places to rewrite that overlap. Otherwise a line matches
    a boundary's delimiter exactly when its rewritten form matches the token's.
    """
    lowered = data.lower()
    found = lowered.find(b"boundary")
    if found < 0:
        return data, []
    tokens: dict[bytes, bytes] = {}
    spans: list[tuple[int, int, bytes]] = []
    while found >= 0:
        param = _BOUNDARY_PARAM.match(lowered, found)
        if param is not None:
            group = 1 if param.start(1) >= 0 else 2
            value = data[param.start(group) : param.end(group)]
            token = tokens.setdefault(value, b"%sB%dZ" % (mark, len(tokens)))
            spans.append((param.start(group), param.end(group), token))
        elif _PARAMETER_LIKE.match(lowered, found):
            return data, []
        found = lowered.find(b"boundary", found + 8)
    if len(tokens) > _MOST_BOUNDARIES:
        return data, []
    for value in tokens:
        if any(b"--" + value in b"--" + other + b"--" for other in tokens if other != value):
            return data, []
    for value, token in tokens.items():
        delimiter = b"--" + value
        found = data.find(delimiter)
        while found >= 0:
            spans.append((found + 2, found + len(delimiter), token))
            found = data.find(delimiter, found + len(delimiter))
    spans.sort()
    if any(later[0] < earlier[1] for earlier, later in pairwise(spans)):
        return data, []  # "--ab--c-d": "--ab--c" and "--c-d" overlap; one token each won't do
    return _replaced(data, spans), list(tokens)


def _replaced(data: bytes, spans: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each of the sorted, disjoint ``(start, end, text)`` spans replaced."""
    pieces: list[bytes] = []
    kept = 0
    for start, end, text in spans:
        pieces.append(data[kept:start])
        pieces.append(text)
        kept = end
    pieces.append(data[kept:])
    return b"".join(pieces)


def _put_back(
    message: StdlibMessage, mark: str, runs: list[bytes], boundaries: list[bytes]
) -> None:
    """Replace every placeholder and boundary token in the parsed tree by what it stands
    for: in headers, payloads, preambles, epilogues, envelope lines and defects."""
    placeholder = re.compile(re.escape(mark) + r"(B?)(\d+)Z")

    def original(match: re.Match[str]) -> str:
        taken = boundaries if match.group(1) else runs
        return taken[int(match.group(2))].decode("ascii", "surrogateescape")

    def put_back(text: str) -> str:
        return placeholder.sub(original, text) if mark in text else text

    for part in message.walk():
        # The raw payload: get_payload() would turn undecodable bytes into U+FFFD.
        payload = vars(part)["_payload"]
        if isinstance(payload, str) and mark in payload:
            part.set_payload(put_back(payload))
        for name in ("preamble", "epilogue", "_unixfrom"):
            text = getattr(part, name)
            if text and mark in text:
                setattr(part, name, put_back(text))
        if boundaries:
            _put_back_in_headers(part, mark, put_back)


def _put_back_in_headers(part: StdlibMessage, mark: str, put_back: Callable[[str], str]) -> None:
    """Boundary tokens in the part's headers and in the lines its defects quote."""
    headers = vars(part)["_headers"]
    if any(mark in name or mark in value for name, value in headers):
        vars(part)["_headers"] = [(put_back(name), put_back(value)) for name, value in headers]
    for defect in part.defects:
        if any(isinstance(arg, str) for arg in defect.args):
            defect.args = tuple(put_back(a) if isinstance(a, str) else a for a in defect.args)
        line = getattr(defect, "line", None)
        if isinstance(line, str):
            setattr(defect, "line", put_back(line))  # noqa: B010 (not in the stubs)
