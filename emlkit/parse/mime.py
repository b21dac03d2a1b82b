"""Walking a message's MIME tree: body text, HTML, charset trails, attachments, forwards.

Part paths follow IMAP numbering: ``0`` is the message itself, ``1`` and ``2`` the parts of a
top-level multipart, ``2.1`` the first part inside part 2. The walk is bounded by the
policy's depth and part count; passing a bound is a ``limit-reached`` defect.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.generator import BytesGenerator
from email.message import Message as StdlibMessage
from email.policy import Compat32, compat32
from io import BytesIO
from typing import TypeVar

from emlkit.parse.charsets import decode_text
from emlkit.parse.escapes import has_raw_8bit
from emlkit.parse.headers import (
    HeaderContext,
    clean_display,
    decode_encoded_words,
    decode_raw_8bit,
    unfold,
)
from emlkit.parse.html import html_to_text
from emlkit.parse.sniff import looks_binary
from emlkit.policy import Policy
from emlkit.records import Attachment, CharsetTrail, Defect, DefectKind

_KNOWN_CTE = frozenset(
    {"7bit", "8bit", "binary", "quoted-printable", "base64", "x-uuencode", "uuencode", "uue"}
)
_REGENERATE = compat32.clone(max_line_length=0, linesep="\n")


class _AsParsed(Compat32):
    """``compat32`` writing each header as the parser read it: name, ``": "``, the value with
    its own folding. :func:`serialize` falls back to it where the stdlib's refolding refuses
    a value (changing the first way would change the hashes of indexed messages)."""

    def fold_binary(self, name: str, value: str) -> bytes:
        """The header's bytes, as read (surrogates back to their raw bytes)."""
        return f"{name}: {value}{self.linesep}".encode("ascii", "surrogateescape")


_AS_PARSED = _AsParsed(max_line_length=0, linesep="\n")


@dataclass(slots=True)
class Budget:
    """Parts examined so far, shared by a message and every message forwarded inside it."""

    parts: int = 0
    exhausted: bool = False


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A message/rfc822 part: where it is, the parsed message, and its re-serialised bytes."""

    part: str
    message: StdlibMessage
    data: bytes | None
    """None when the message could not be re-serialised (nesting too deep, bad bytes)."""
    level: int
    """How deep in the MIME tree of the outermost message the forwarded part sits."""


@dataclass(slots=True)
class Body:
    """What the walk of one message's MIME tree found (forwards are not descended into)."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    charsets: list[CharsetTrail] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list[Forwarded] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body text: every text part that the sender wrote, in order."""
        return "\n\n".join(t for t in self.texts if t.strip())

    @property
    def html(self) -> str | None:
        """The HTML body parts, joined, or None when there are none."""
        return "\n".join(self.htmls) if self.htmls else None


def walk_body(message: StdlibMessage, policy: Policy, depth: int, budget: Budget) -> Body:
    """Walk the MIME tree of ``message``, which sits ``depth`` levels deep in the outermost
    message's tree (0 for the outermost message itself)."""
    body = Body()
    _walk(message, "0", depth, body, policy, budget, plain_sibling=False)
    return body


def _walk(
    part: StdlibMessage,
    path: str,
    level: int,
    body: Body,
    policy: Policy,
    budget: Budget,
    plain_sibling: bool,
) -> None:
    if budget.parts >= policy.max_parts:
        if not budget.exhausted:
            budget.exhausted = True
            detail = f"more than {policy.max_parts} MIME parts; the rest was not read"
            body.defects.append(Defect(DefectKind.LIMIT_REACHED, path, detail))
        return
    budget.parts += 1
    if level > policy.max_depth:
        detail = f"MIME nesting deeper than {policy.max_depth}; this part was not read"
        body.defects.append(Defect(DefectKind.LIMIT_REACHED, path, detail))
        return
    content_type = part.get_content_type()
    if content_type == "message/rfc822" and part.is_multipart():
        _stdlib_defects(part, path, body)
        _forwarded(part, path, level, body)
        return
    if part.is_multipart():
        children = part.get_payload()
        assert isinstance(children, list)
        has_plain = content_type == "multipart/alternative" and any(
            isinstance(child, StdlibMessage) and _contains_plain(child) for child in children
        )
        _stdlib_defects(part, path, body)
        for number, child in enumerate(children, start=1):
            child_path = str(number) if path == "0" else f"{path}.{number}"
            _walk(child, child_path, level + 1, body, policy, budget, plain_sibling or has_plain)
        return
    _leaf(part, content_type, path, body, policy, plain_sibling)
    _stdlib_defects(part, path, body)  # after decoding: the payload's own defects too


def _leaf(
    part: StdlibMessage,
    content_type: str,
    path: str,
    body: Body,
    policy: Policy,
    plain_sibling: bool,
) -> None:
    _check_transfer_encoding(part, path, body)
    payload = _payload(part, path, body)
    if _is_body_text(part, content_type, path, body):
        charset = _guarded(part.get_content_charset, None, path, body)
        if not _binary_in_text(charset, payload):
            _add_text(content_type, charset, path, payload, body, policy, plain_sibling)
            return
        detail = f"{content_type} part holds binary data; kept as an attachment"
        body.defects.append(Defect(DefectKind.BINARY_TEXT, path, detail))
    elif content_type.startswith("multipart/"):
        detail = "multipart part whose body could not be split; kept as an attachment"
        body.defects.append(Defect(DefectKind.STDLIB, path, detail))
    body.attachments.append(_attachment(part, content_type, path, payload, body))


def _add_text(
    content_type: str,
    charset: str | None,
    path: str,
    payload: bytes,
    body: Body,
    policy: Policy,
    plain_sibling: bool,
) -> None:
    decoded = decode_text(payload, charset, path)
    body.charsets.append(decoded.trail)
    body.defects.extend(decoded.defects)
    text = _normalize_newlines(decoded.text)
    if content_type == "text/html":
        body.htmls.append(text)
        if not plain_sibling:
            body.texts.append(html_to_text(text))
    else:
        body.texts.append(_truncated(text, path, body, policy))


def _binary_in_text(charset: str | None, payload: bytes) -> bool:
    wide = (charset or "").startswith(("utf-16", "utf-32"))
    return not wide and looks_binary(payload)


def _is_body_text(
    part: StdlibMessage, content_type: str, path: str = "", body: Body | None = None
) -> bool:
    if content_type not in ("text/plain", "text/html"):
        return False
    if part.get("content-disposition") is None and "name" not in _lowered(part, "content-type"):
        return True  # no disposition, and no name parameter: get_filename() would be None
    if part.get_content_disposition() == "attachment":
        return False
    return not _guarded(part.get_filename, None, path, body)


_T = TypeVar("_T")


def _guarded(read: Callable[[], _T], fallback: _T, path: str, body: Body | None) -> _T:
    """A stdlib call that parses a part's header parameters, or ``fallback`` and a defect
    where the stdlib fails on them (it raises on RFC 2231 parameters such as ``name*`` and
    ``name*0`` given together)."""
    try:
        return read()
    except (TypeError, ValueError, LookupError) as error:
        if body is not None:
            detail = f"header parameters the stdlib cannot read ({type(error).__name__})"
            body.defects.append(Defect(DefectKind.STDLIB, path, detail))
        return fallback


def _lowered(part: StdlibMessage, header: str) -> str:
    value = part.get(header)
    return "" if value is None else str(value).lower()


def _contains_plain(part: StdlibMessage) -> bool:
    content_type = part.get_content_type()
    if content_type == "text/plain":
        return _is_body_text(part, content_type)
    if not content_type.startswith("multipart/") or not part.is_multipart():
        return False
    children = part.get_payload()
    return isinstance(children, list) and any(
        isinstance(c, StdlibMessage)
        and c.get_content_type() == "text/plain"
        and _is_body_text(c, "text/plain")
        for c in children
    )


def _forwarded(part: StdlibMessage, path: str, level: int, body: Body) -> None:
    inner = part.get_payload(0)
    assert isinstance(inner, StdlibMessage)
    data = serialize(inner)
    if data is None:
        detail = "the forwarded message cannot be re-serialised; its hash is derived"
        body.defects.append(Defect(DefectKind.LIMIT_REACHED, path, detail))
    body.forwarded.append(Forwarded(path, inner, data, level))
    body.attachments.append(_attachment(part, "message/rfc822", path, data or b"", body))


def serialize(message: StdlibMessage) -> bytes | None:
    """The bytes of a parsed message, regenerated without refolding its headers.

    The stdlib's generator refuses a header value that its line splitting
    (``str.splitlines``, which also breaks at a form feed, vertical tab or file separator)
    turns into a line that looks like a header; such a message is written with its headers
    as parsed instead. None when neither can write it (the generator recurses once per
    nesting level).
    """
    for policy in (_REGENERATE, _AS_PARSED):
        buffer = BytesIO()
        try:
            BytesGenerator(buffer, mangle_from_=False, policy=policy).flatten(message)
        except HeaderParseError:
            continue
        except (RecursionError, UnicodeError, LookupError, TypeError, ValueError):
            return None
        return buffer.getvalue()
    return None


def _attachment(
    part: StdlibMessage, content_type: str, path: str, payload: bytes, body: Body
) -> Attachment:
    content_id = part.get("Content-ID")
    return Attachment(
        filename=_filename(part, path, body),
        content_type=content_type,
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        inline=part.get_content_disposition() == "inline",
        content_id=str(content_id).strip().strip("<>") if content_id else None,
        part=path,
    )


def _filename(part: StdlibMessage, path: str, body: Body) -> str | None:
    name = _guarded(part.get_filename, None, path, body)
    if not name:
        return None
    if "\ufffd" in name:  # the stdlib replaced raw 8-bit bytes: read them from the header
        name = (
            _raw_parameter(part, "content-disposition", "filename")
            or _raw_parameter(part, "content-type", "name")
            or name
        )
    context = HeaderContext(defects=body.defects)
    where = f"{path}:filename"
    if has_raw_8bit(name):
        name = decode_raw_8bit(name, where, context)
    if "=?" in name:
        name = decode_encoded_words(name, where, context)
    return clean_display(name) or None


def _raw_parameter(part: StdlibMessage, header: str, parameter: str) -> str | None:
    """A parameter's value as written in the raw header, 8-bit bytes kept as escapes."""
    pattern = re.compile(
        rf'(?:^|;)\s*{parameter}\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))', re.IGNORECASE
    )
    for name, value in part.raw_items():
        if name.lower() == header:
            match = pattern.search(unfold(str(value)))
            if match:
                return match.group(1) if match.group(1) is not None else match.group(2)
    return None


def _payload(part: StdlibMessage, path: str, body: Body) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = _guarded(part.get_payload, None, path, body)
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _check_transfer_encoding(part: StdlibMessage, path: str, body: Body) -> None:
    encoding = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    if encoding and encoding not in _KNOWN_CTE:
        detail = f"unknown Content-Transfer-Encoding {encoding[:40]!r}; payload read as is"
        body.defects.append(Defect(DefectKind.TRANSFER_ENCODING, path, detail))


def _stdlib_defects(part: StdlibMessage, path: str, body: Body) -> None:
    for defect in part.defects:
        detail = f"{type(defect).__name__}: {defect}".rstrip(": ")
        detail = detail.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        body.defects.append(Defect(DefectKind.STDLIB, path, detail))


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _truncated(text: str, path: str, body: Body, policy: Policy) -> str:
    if len(text) <= policy.max_text_chars:
        return text
    detail = f"text part of {len(text)} characters cut to {policy.max_text_chars}"
    body.defects.append(Defect(DefectKind.LIMIT_REACHED, path, detail))
    return text[: policy.max_text_chars]
