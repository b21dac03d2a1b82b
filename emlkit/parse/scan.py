"""The stdlib's ``compat32`` tree of a message, found by searching the whole text.

The stdlib's feed parser reads a message one line at a time in Python: each line is popped
from a queue, tested against the boundary of every enclosing multipart, then against the
header pattern, and kept in a list that is joined again into a payload. Most of that work
only finds where a part's headers end and where its boundaries stand, which a few searches
over the whole text find at the speed of C. :func:`scan_message` builds the same tree that
way: the same ``Message`` objects, headers, payloads, preambles, epilogues, default types and
defects (``tests/test_scan.py`` compares the two on every message of the corpora and on
generated ones).

It follows the feed parser's rules, which make a part end at the first line that is a
delimiter of *any* enclosing multipart (RFC 2046 asks for outer boundaries to be recognised
at any depth), give the line end before a delimiter to the delimiter, skip repeated
delimiters, and read a delivery report (``message/delivery-status``) as blocks of fields
that end at empty lines, one message each. Where the feed parser's behaviour turns on its
line queue rather than on the text, :func:`scan_message` returns ``None`` and the caller uses
the stdlib: a bare CR (a line end to the stdlib, not to a search for ``\\n``), a message or
multipart inside a block of a delivery report, an envelope ``From`` line after a message's
first line (pushed back into the body or reported out of place), a boundary that is a prefix
of an enclosing one (a line could then end two parts), an empty boundary, a delimiter as the
last line of its multipart, and nesting deeper than :data:`_DEEPEST`.
"""

from __future__ import annotations

import re
from email import errors
from email.message import Message as StdlibMessage

__all__ = ["scan_message"]

_HEADER_BLOCK = re.compile(r"(?:(?:From |[\041-\071\073-\176]*:|[\t ])[^\n]*(?:\n|\Z))*")
"""The lines the feed parser takes for headers (its ``headerRE``), up to the first other."""
_FIELDS = re.compile(r"^([^:\n]*):[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.MULTILINE)
"""Each field of a header block: its name, and its value with continuation lines."""
_DELIMITER_TAIL = re.compile(r"(--)?[ \t]*(?:\r?\n)?\Z")
"""What may follow ``--boundary`` on a delimiter line (``--`` when it closes the multipart)."""
_EMPTY_LINE = re.compile(r"^\r?\n", re.MULTILINE)
"""An empty line: where a block of a delivery report ends."""
_DEEPEST = 40
"""Parts nested deeper are left to the stdlib (which may give up: a RecursionError)."""


class _Unsupported(Exception):
    """The text holds a form whose parse depends on the feed parser's line queue."""


def scan_message(data: bytes) -> StdlibMessage | None:
    """``BytesParser(policy=compat32).parsebytes(data)``, or ``None`` where the text holds a
    form this module leaves to the stdlib (see the module's docstring)."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a bare CR
    try:
        root = _Scanner(data.decode("ascii", "surrogateescape")).root()
    except _Unsupported:
        return None
    if root.get_content_maintype() == "multipart" and not root.is_multipart():
        root.defects.append(errors.MultipartInvariantViolationDefect())
    return root


class _Scanner:
    """One message's text, and what the feed parser would remember while reading it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.boundaries: list[str] = []
        """The boundaries of the enclosing multiparts."""
        self.last = StdlibMessage()
        """The part created last, or the multipart whose part ended last (the feed parser's
        ``_last``): the line end before the next delimiter is taken from it."""
        self.last_maintype = ""
        self.depth = 0
        """How many parts enclose the one being read."""

    def root(self) -> StdlibMessage:
        """The tree of the whole text."""
        return self.part(0, len(self.text), None, "")

    def part(
        self, start: int, end: int, parent: StdlibMessage | None, parent_type: str
    ) -> StdlibMessage:
        """The part whose text runs from ``start`` to ``end`` (a line that ends it, or the
        end of the text), attached to ``parent``."""
        text = self.text
        part = StdlibMessage()
        if parent is not None:
            self.depth += 1
            if self.depth > _DEEPEST:
                raise _Unsupported
            if parent_type == "multipart/digest" and len(parent):
                part.set_default_type("message/rfc822")
            parent.attach(part)
        self.last = part
        headers_end = _headers_end(text, start, end)
        body = headers_end
        if headers_end < end:
            if text[headers_end] == "\n":
                body += 1
            elif text[headers_end] == "\r":
                body += 2
            else:  # a line that is neither a header nor empty: it starts the body
                part.defects.append(errors.MissingHeaderBodySeparatorDefect())
        if headers_end > start:
            _set_headers(part, text[start:headers_end])
        content_type = part.get_content_type()
        maintype = content_type.partition("/")[0]
        self.last_maintype = maintype
        if content_type == "message/delivery-status":
            self.delivery_status(part, body, end)
        elif maintype == "message":
            self.part(body, end, part, content_type)
        elif maintype == "multipart":
            self.multipart(part, content_type, body, end)
        else:
            part.set_payload(text[body:end])
        if parent is not None:
            self.depth -= 1
        return part

    def delivery_status(self, part: StdlibMessage, start: int, end: int) -> None:
        """The blocks of fields of a delivery report, one message each: a block ends at an
        empty line, which is dropped, or where the part ends."""
        while True:
            empty = _EMPTY_LINE.search(self.text, start, end)
            block_end = end if empty is None else empty.start()
            block = self.part(start, block_end, part, "message/delivery-status")
            if block.get_content_maintype() in ("message", "multipart"):
                raise _Unsupported  # nested in a block, it would end at an empty line too
            if empty is None or empty.end() >= end:
                return
            start = empty.end()

    def multipart(self, part: StdlibMessage, content_type: str, start: int, end: int) -> None:
        """The preamble, parts and epilogue of a multipart whose body runs from ``start``."""
        text = self.text
        boundary = part.get_boundary()
        if boundary is None:
            part.defects.append(errors.NoBoundaryInMultipartDefect())
            part.set_payload(text[start:end])
            return
        encoding = str(part.get("content-transfer-encoding", "8bit")).lower()
        if encoding not in ("7bit", "8bit", "binary"):
            part.defects.append(errors.InvalidMultipartContentTransferEncodingDefect())
        if not boundary or any(
            boundary.startswith(outer) or outer.startswith(boundary) for outer in self.boundaries
        ):
            raise _Unsupported
        delimiter = "--" + boundary
        found = self.delimiter(delimiter, start, end)
        if found is None or found[2]:
            part.defects.append(errors.StartBoundaryNotFoundDefect())
            part.set_payload(text[start : end if found is None else found[0]])
            part.epilogue = ""
            return
        first, line_end, _ = found
        if first > start:
            part.preamble = _without_line_end(text[start:first])
        self.boundaries.append(boundary)
        while True:
            line_end = self.after_repeats(delimiter, line_end, end)
            following = self.delimiter(delimiter, line_end, end)
            self.part(line_end, end if following is None else following[0], part, content_type)
            self.give_line_end_to_delimiter()
            self.last, self.last_maintype = part, "multipart"
            if following is None:
                part.defects.append(errors.CloseBoundaryNotFoundDefect())
                break
            _, line_end, closes = following
            if closes:
                part.epilogue = text[line_end:end]
                break
        self.boundaries.pop()

    def delimiter(self, delimiter: str, start: int, end: int) -> tuple[int, int, bool] | None:
        """The first line from ``start`` (a line's start) to ``end`` that is ``delimiter``:
        its start, its end, and whether it closes the multipart."""
        text = self.text
        found = text.find(delimiter, start, end)
        while found >= 0:
            if found == start or text[found - 1] == "\n":
                line = self.delimiter_at(delimiter, found, end)
                if line is not None:
                    return found, *line
            found = text.find(delimiter, found + 1, end)
        return None

    def delimiter_at(self, delimiter: str, start: int, end: int) -> tuple[int, bool] | None:
        """Whether the line at ``start`` is ``delimiter``: its end, and whether it closes."""
        text = self.text
        if not text.startswith(delimiter, start, end):
            return None
        line_end = text.find("\n", start, end)
        line_end = end if line_end < 0 else line_end + 1
        tail = _DELIMITER_TAIL.match(text, start + len(delimiter), line_end)
        return None if tail is None else (line_end, tail.group(1) is not None)

    def after_repeats(self, delimiter: str, start: int, end: int) -> int:
        """Where the part after a delimiter starts: past any delimiter lines that repeat it."""
        while True:
            if start >= end:
                raise _Unsupported  # the feed parser would push back its end-of-part marker
            repeated = self.delimiter_at(delimiter, start, end)
            if repeated is None:
                return start
            start = repeated[0]

    def give_line_end_to_delimiter(self) -> None:
        """Take the line end before a delimiter from the part that ended there (RFC 2046)."""
        last = self.last
        if self.last_maintype == "multipart":
            if last.epilogue == "":
                last.epilogue = None
            elif last.epilogue is not None:
                last.epilogue = _without_line_end(last.epilogue)
            return
        payload = vars(last)["_payload"]
        if isinstance(payload, str):
            last.set_payload(_without_line_end(payload))


def _headers_end(text: str, start: int, end: int) -> int:
    """Where the header lines from ``start`` end: at the first other line, or ``end``."""
    headers = _HEADER_BLOCK.match(text, start, end)
    return start if headers is None else headers.end()


def _set_headers(part: StdlibMessage, block: str) -> None:
    """The fields of a header block, as ``compat32``'s ``header_source_parse`` reads them."""
    if block[0] in " \t:" or block.startswith("From ") or "\n:" in block or "\nFrom " in block:
        _set_irregular_headers(part, block)
        return
    vars(part)["_headers"] = [
        (name, value.rstrip("\r\n")) for name, value in _FIELDS.findall(block)
    ]


def _set_irregular_headers(part: StdlibMessage, block: str) -> None:
    """A header block with an envelope line, a continuation first or a field without a
    name: the feed parser's ``_parse_headers``, line by line."""
    lines = [line + "\n" for line in block.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    field: list[str] = []
    for number, line in enumerate(lines):
        if line[0] in " \t":
            if field:
                field.append(line)
            else:
                part.defects.append(errors.FirstHeaderLineIsContinuationDefect(line))
            continue
        if field:
            part.set_raw(*_field(field))
            field = []
        if line.startswith("From "):
            if number > 0:
                raise _Unsupported
            part.set_unixfrom(_without_line_end(line))
        elif line.startswith(":"):
            part.defects.append(errors.InvalidHeaderDefect("Missing header name."))
        else:
            field = [line]
    if field:
        part.set_raw(*_field(field))


def _field(lines: list[str]) -> tuple[str, str]:
    """``compat32.header_source_parse``: the name, and the value from its lines."""
    name, value = lines[0].split(":", 1)
    value = value.lstrip(" \t") + "".join(lines[1:])
    return name, value.rstrip("\r\n")


def _without_line_end(text: str) -> str:
    """``text`` without its last line end (CRLF, LF or CR), if it has one."""
    if text.endswith("\n"):
        return text[:-2] if text.endswith("\r\n") else text[:-1]
    return text[:-1] if text.endswith("\r") else text
