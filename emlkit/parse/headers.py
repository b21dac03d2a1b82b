"""Header values: unfolding, raw 8-bit bytes, RFC 2047 encoded-words, message ids.

The stdlib's :func:`email.header.decode_header` is strict: it ignores encoded-words that
touch other text, replaces undecodable bytes silently and gives up on unknown charsets.
Real mail (and the corpora in ``../shared``) is full of those, so emlkit decodes
encoded-words itself, leniently, and records a defect for every repair.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from emlkit.parse.charsets import codec_name, decode_header_bytes
from emlkit.parse.escapes import has_raw_8bit
from emlkit.records import Defect, DefectKind

# A line break before whitespace or at the end; written as a branch of literals (not \r?\n),
# so that the regex engine can skip ahead to the next \r or \n: three times as fast.
_FOLD = re.compile(r"(?:\r\n|\n)(?=[ \t]|$)")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ID_IN_BRACKETS = re.compile(r"<([^<>]*)>")
_ID_WHITESPACE = re.compile(r"\s+")
_UNCLOSED_ID = re.compile(r"<([^<>\s]+@[^<>\s]+)\s*$")


@dataclass(slots=True)
class HeaderContext:
    """What header decoding needs to know about the message, and collects from it."""

    charset_hints: tuple[str, ...] = ()
    """Charsets the message's body declares: the best guess for raw 8-bit headers."""
    defects: list[Defect] = field(default_factory=list)


def unfold(raw: str) -> str:
    """Remove the line breaks of folding (RFC 5322 section 2.2.3), keeping the whitespace."""
    return _FOLD.sub("", raw) if "\n" in raw else raw


def decode_raw_8bit(raw: str, name: str, context: HeaderContext) -> str:
    """Turn a value holding raw 8-bit bytes (as surrogate escapes) into text."""
    if not has_raw_8bit(raw):
        return raw
    text, how = _guess_charset(raw.encode("utf-8", "surrogateescape"), context)
    context.defects.append(Defect(DefectKind.RAW_8BIT_HEADER, name, f"raw 8-bit bytes {how}"))
    return text


def _guess_charset(data: bytes, context: HeaderContext) -> tuple[str, str]:
    """Header bytes of no known charset as text, and how: ``decoded as koi8-r, …``."""
    text, codec, replaced = decode_header_bytes(data, context.charset_hints)
    how = f"decoded as {codec}"
    if replaced:
        how += f", {replaced} byte(s) replaced by U+FFFD"
    return text, how


def decode_header(raw: str, name: str, context: HeaderContext) -> str:
    """The readable text of a raw header value: unfolded, 8-bit decoded, encoded-words decoded."""
    text = decode_raw_8bit(unfold(raw), name, context)
    if "=?" in text:
        text = decode_encoded_words(text, name, context)
    return text.strip()


def clean_display(text: str) -> str:
    """Collapse whitespace and control characters (an encoded newline in a name) to spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def decode_encoded_words(text: str, name: str, context: HeaderContext) -> str:
    """Decode every RFC 2047 encoded-word in ``text``, leniently.

    Adjacent encoded-words are joined before decoding (a multi-byte character is often split
    across two of them), and whitespace between them is dropped as RFC 2047 section 6.2 says.
    """
    pieces: list[str] = []
    pending: list[tuple[str, bytes]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        if not (pending and _BETWEEN_WORDS.fullmatch(between)):
            pieces.append(_flush(pending, name, context))
            pieces.append(between)
        charset, encoding, payload = match.groups()
        pending.append((charset.split("*", 1)[0], _word_bytes(encoding, payload, name, context)))
        position = match.end()
    pieces.append(_flush(pending, name, context))
    pieces.append(text[position:])
    return "".join(pieces)


def _word_bytes(encoding: str, payload: str, name: str, context: HeaderContext) -> bytes:
    if encoding in "bB":
        data = payload.strip().encode("ascii", "replace")
        try:
            return base64.b64decode(data + b"=" * (-len(data) % 4))
        except (binascii.Error, ValueError):
            detail = f"bad base64 in encoded-word {payload[:40]!r}"
            context.defects.append(Defect(DefectKind.MALFORMED_ENCODED_WORD, name, detail))
            return payload.encode("ascii", "replace")
    return q_decode(payload.encode("utf-8", "surrogateescape"))


def q_decode(data: bytes) -> bytes:
    """The bytes of an encoded-word's Q payload: ``_`` is a space, ``=XX`` a byte, and
    anything else (a stray ``=``) is kept as written.

    binascii's C decoder does exactly that, except where it reads a ``=`` before a line
    break, another ``=`` or the end as quoted-printable soft breaks: those take the regex.
    """
    if b"==" in data or b"=\r" in data or b"=\n" in data or data.endswith(b"="):
        return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data.replace(b"_", b" "))
    return binascii.a2b_qp(data, header=True)


def _flush(pending: list[tuple[str, bytes]], name: str, context: HeaderContext) -> str:
    """Decode the run of adjacent encoded-words collected so far, grouped by charset."""
    out: list[str] = []
    while pending:
        charset = pending[0][0]
        data = b""
        while pending and pending[0][0].lower() == charset.lower():
            data += pending.pop(0)[1]
        out.append(_decode_word_bytes(data, charset, name, context))
    return "".join(out)


def _decode_word_bytes(data: bytes, charset: str, name: str, context: HeaderContext) -> str:
    codec = codec_name(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    text, how = _guess_charset(data, context)
    detail = f"encoded-word charset {charset!r} could not decode it; {how}"
    context.defects.append(Defect(DefectKind.MALFORMED_ENCODED_WORD, name, detail))
    return text


def normalize_id(value: str) -> str:
    """A message id without angle brackets, whitespace, or a ``[...]`` wrapping around it."""
    text = _ID_WHITESPACE.sub("", value).strip("<>")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return text


def parse_message_id(raw: str | None, context: HeaderContext) -> str | None:
    """The normalized Message-ID, or None when there is none worth keeping."""
    if raw is None:
        return None
    text = decode_raw_8bit(unfold(raw), "Message-ID", context).strip()
    match = _ID_IN_BRACKETS.search(text)
    candidate = match.group(1) if match else text
    normalized = normalize_id(candidate)
    if not normalized:
        return None
    if match is None or normalized != candidate:
        problem = "has no angle brackets" if match is None else f"repaired to {normalized[:80]!r}"
        detail = f"Message-ID {text[:80]!r} {problem}"
        context.defects.append(Defect(DefectKind.MALFORMED_ID, "Message-ID", detail))
    return normalized


def parse_id_list(raw: str | None, name: str, context: HeaderContext) -> tuple[str, ...]:
    """Ids of In-Reply-To or References, in order, deduplicated, malformed ones recovered."""
    if not raw:
        return ()
    text = decode_raw_8bit(unfold(raw), name, context)
    found = _ID_IN_BRACKETS.findall(text)
    unclosed = _UNCLOSED_ID.search(text)
    if unclosed:
        found.append(unclosed.group(1))
        detail = f"id without its closing bracket: {unclosed.group(0)[:80]!r}"
        context.defects.append(Defect(DefectKind.MALFORMED_ID, name, detail))
    if not found:
        found = [token for token in text.split() if "@" in token]
        if found:
            detail = f"ids without angle brackets: {text[:80]!r}"
            context.defects.append(Defect(DefectKind.MALFORMED_ID, name, detail))
    ids = (normalize_id(item) for item in found)
    return tuple(dict.fromkeys(i for i in ids if i))


__all__ = [
    "HeaderContext",
    "clean_display",
    "decode_encoded_words",
    "decode_header",
    "normalize_id",
    "parse_id_list",
    "parse_message_id",
    "unfold",
]
