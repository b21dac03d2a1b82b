"""Building a :class:`~emlkit.records.Message` record from the bytes of one message.

The stdlib's ``compat32`` parser splits the bytes into headers and MIME parts and keeps the
raw header values; everything that turns them into text (charsets, encoded-words, addresses,
dates) is emlkit's own, so that no byte is lost without being counted.
"""

from __future__ import annotations

import hashlib
import os
from email.message import Message as StdlibMessage

from emlkit.parse.addresses import parse_addresses
from emlkit.parse.dates import resolve_date
from emlkit.parse.escapes import error_text, surrogates_to_text
from emlkit.parse.files import path_text
from emlkit.parse.headers import (
    HeaderContext,
    clean_display,
    decode_header,
    parse_id_list,
    parse_message_id,
)
from emlkit.parse.mime import Budget, Forwarded, walk_body
from emlkit.parse.received import parse_received
from emlkit.parse.sniff import BOM, sniff_failure
from emlkit.parse.split import split_message
from emlkit.parse.subjects import base_subject
from emlkit.policy import Policy, default
from emlkit.records import (
    Defect,
    DefectKind,
    Failure,
    FailureKind,
    Header,
    Message,
    ParentLink,
    Source,
)

_ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc", "bcc")


def synthetic_id(sha256: str) -> str:
    """The stable Message-ID emlkit gives a message that has none."""
    return f"sha256-{sha256[:40]}@emlkit.invalid"


def make_source(
    data: bytes,
    path: str | os.PathLike[str] | None = None,
    index: int | None = None,
    offset: int = 0,
) -> Source:
    """The provenance of ``data``: its path (as :func:`~emlkit.parse.files.path_text`
    writes it), place in the file, size and SHA-256."""
    return Source(
        path=None if path is None else path_text(os.fspath(path)),
        index=index,
        offset=offset,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def parse_bytes(
    data: bytes,
    source: Source | str | os.PathLike[str] | None = None,
    policy: Policy = default,
) -> Message:
    """Parse the bytes of one message into a record. Never raises for bad input.

    ``source`` is the record's provenance, or a path to name in it. An input that is not a
    message at all (empty, an Outlook ``.msg``, binary) gives a record whose ``failure`` says
    why.
    """
    if not isinstance(source, Source):
        source = make_source(data, source)
    failure = sniff_failure(data)
    if failure is not None:
        mid = synthetic_id(source.sha256)
        return Message(source=source, message_id=mid, message_id_synthetic=True, failure=failure)
    try:
        stdlib_message, defects = _stdlib_parse(data.removeprefix(BOM))
        return build_record(stdlib_message, source, policy, depth=0, parent=None, defects=defects)
    except Exception as error:  # a bug, or a form no library foresaw: data, not a crash
        reason = f"the parser failed: {error_text(error)}"
        failure = Failure(FailureKind.PARSER_ERROR, reason)
        mid = synthetic_id(source.sha256)
        return Message(source=source, message_id=mid, message_id_synthetic=True, failure=failure)


def _stdlib_parse(data: bytes) -> tuple[StdlibMessage, list[Defect]]:
    try:
        return split_message(data), []
    except RecursionError:
        message = split_message(data, headers_only=True)
        detail = "MIME nesting too deep for the parser; the body was kept unsplit"
        return message, [Defect(DefectKind.LIMIT_REACHED, "0", detail)]
    except Exception as error:  # e.g. RFC 2231 parameters "boundary*" and "boundary*0" both
        message = split_message(data, headers_only=True)
        detail = f"the stdlib parser failed ({error_text(error)}); the body was kept unsplit"
        return message, [Defect(DefectKind.STDLIB, "0", detail)]


def build_record(
    message: StdlibMessage,
    source: Source,
    policy: Policy,
    depth: int,
    parent: ParentLink | None,
    defects: list[Defect] | None = None,
    budget: Budget | None = None,
) -> Message:
    """The record of a parsed stdlib message (and, recursively, of the messages it forwards)."""
    budget = budget or Budget()
    body = walk_body(message, policy, depth, budget)
    hints = tuple(
        dict.fromkeys(trail.used for trail in body.charsets if trail.undecodable_bytes == 0)
    )
    context = HeaderContext(charset_hints=hints, defects=list(defects or []))
    raw = _raw_headers(message, policy, context)
    headers = tuple(
        Header(name, surrogates_to_text(value), decode_header(value, name, context))
        for name, value in raw
    )
    values = _by_name(raw)
    message_id = parse_message_id(_first(values, "message-id"), context)
    if message_id is None:
        message_id = synthetic_id(source.sha256)
        detail = f"no usable Message-ID; derived {message_id} from the SHA-256"
        context.defects.append(Defect(DefectKind.SYNTHETIC_ID, "Message-ID", detail))
    in_reply_to = parse_id_list(_first(values, "in-reply-to"), "In-Reply-To", context)
    references = parse_id_list(" ".join(values.get("references", [])), "References", context)
    received = parse_received(values.get("received", []), context.defects)
    raw_date = _first(values, "date")
    date = resolve_date(
        None if raw_date is None else decode_header(raw_date, "Date", context),
        received,
        context.defects,
    )
    subject = clean_display(next((h.value for h in headers if h.name.lower() == "subject"), ""))
    addresses = {
        name: parse_addresses(values.get(name, []), name.title(), context)
        for name in _ADDRESS_HEADERS
    }
    children = tuple(
        build_record(
            forwarded.message,
            _child_source(source, forwarded),
            policy,
            forwarded.level + 1,
            ParentLink(message_id, forwarded.part),
            budget=budget,
        )
        for forwarded in body.forwarded
    )
    return Message(
        source=source,
        message_id=message_id,
        message_id_synthetic=message_id == synthetic_id(source.sha256),
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        base_subject=base_subject(subject),
        from_=addresses["from"],
        sender=addresses["sender"],
        reply_to=addresses["reply-to"],
        to=addresses["to"],
        cc=addresses["cc"],
        bcc=addresses["bcc"],
        date=date,
        text=body.text,
        html=body.html,
        charsets=tuple(body.charsets),
        attachments=tuple(body.attachments),
        children=children,
        parent=parent,
        received=received,
        headers=headers,
        defects=tuple(dict.fromkeys((*context.defects, *body.defects))),
    )


def _raw_headers(
    message: StdlibMessage, policy: Policy, context: HeaderContext
) -> list[tuple[str, str]]:
    raw: list[tuple[str, str]] = []
    for name, value in message.raw_items():
        if len(raw) >= policy.max_headers:
            detail = f"more than {policy.max_headers} header fields; the rest were not read"
            context.defects.append(Defect(DefectKind.LIMIT_REACHED, "0", detail))
            break
        value = str(value)
        if len(value) > policy.max_header_bytes:
            detail = f"{len(value)} characters cut to {policy.max_header_bytes}"
            context.defects.append(Defect(DefectKind.LIMIT_REACHED, name, detail))
            value = value[: policy.max_header_bytes]
        raw.append((surrogates_to_text(name), value))
    return raw


def _by_name(raw: list[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in raw:
        values.setdefault(name.lower(), []).append(value)
    return values


def _first(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name)
    return found[0] if found else None


def _child_source(parent: Source, forwarded: Forwarded) -> Source:
    """A forwarded message's provenance: the carrier's file, its own (re-serialised) bytes.

    When it cannot be re-serialised, its hash is derived from the carrier's and the part.
    """
    data = forwarded.data
    if data is None:
        derived = f"{parent.sha256}:{forwarded.part}".encode()
        return Source(
            parent.path, parent.index, parent.offset, 0, hashlib.sha256(derived).hexdigest()
        )
    return Source(
        path=parent.path,
        index=parent.index,
        offset=parent.offset,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
