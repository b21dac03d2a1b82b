#!/usr/bin/env python3
"""Generate the synthetic "Zarechensk" sample case for emlkit.

Everything written by this script is FICTIONAL: the people, the district of
Zarechensk (Заречинск), the Verkhneolsk oblast, the newspaper "Zarechenskaya
Zarya", the NGO and all other organisations are invented, and every address
lives on a reserved domain (example.org/.com/.net or *.test).

The script writes byte-exact .eml files into ``samples/annex-NN/``.  It uses
no randomness and no clock: every Message-ID, boundary, queue id and payload is
derived from fixed data with SHA-256, so two runs produce identical bytes.

Usage (from any working directory)::

    python samples/make_samples.py

The messages deliberately mix what real leaked mailboxes look like: KOI8-R,
windows-1251 and UTF-8 bodies; quoted-printable, base64 and 8bit encodings;
Outlook, Gmail, Mail.ru, Thunderbird and The Bat! quoting; RFC 2047 and
RFC 2231 names; forwarded message/rfc822 parts; wrong or missing charsets; a
raw 8-bit header; a broken Date header and a message without Message-ID.
See ``samples/README.md`` for the list of edge cases and where they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import io
import re
import struct
import textwrap
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


def tz(hours: int) -> timezone:
    """Return a fixed-offset time zone ``hours`` east of UTC."""
    return timezone(timedelta(hours=hours))


ZAR = tz(6)  # Zarechensk and the Verkhneolsk oblast (invented), like +06
MSK = tz(3)  # the big webmail provider mail.zar.test stamps Moscow time
UTC = tz(0)  # London in winter
BST = tz(1)  # London after 28 March 2021
CEST = tz(2)  # Berlin after 28 March 2021
EST = tz(-5)  # New York before 14 March 2021

ZONE_NAMES = {6: "+06", 3: "MSK", 0: "UTC", 1: "BST", 2: "CEST", -5: "EST"}

EN_WD = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_WD_FULL = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_MON_FULL = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
RU_WD = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
RU_WD_SHORT = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
RU_MON_GEN = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
RU_MON_GMAIL = [
    "янв.",
    "февр.",
    "мар.",
    "апр.",
    "мая",
    "июн.",
    "июл.",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
]

# Characters that KOI8-R (and some other legacy codecs) cannot encode, and
# what a 2021 mail client would typically put there instead.
FALLBACKS = {"«": '"', "»": '"', "—": "-", "–": "-", "№": "N", "…": "...", "\u00a0": " "}


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def at(month: int, day: int, hour: int, minute: int, second: int, zone: timezone = ZAR) -> datetime:
    """Return an aware datetime in 2021."""
    return datetime(2021, month, day, hour, minute, second, tzinfo=zone)


def t(text: str) -> str:
    """Normalise a message text written in the source code.

    Source lines may be joined with a trailing backslash; the indentation that
    this leaves inside a line is collapsed to one space (leading indentation is
    kept), and the block is dedented and stripped of trailing blanks.
    """
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return "\n".join(re.sub(r"(?<=\S) {2,}", " ", line).rstrip() for line in lines)


def digest(*parts: str) -> str:
    """Return a stable hex digest of the given strings."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def fit(text: str, codec: str) -> str:
    """Replace characters that ``codec`` cannot represent, as a mail client would."""
    out = []
    for ch in text:
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            ch = FALLBACKS.get(ch, "?")
        out.append(ch)
    return "".join(out)


def raw(data: bytes) -> str:
    """Smuggle raw bytes through ``str`` using surrogate escapes."""
    return data.decode("ascii", "surrogateescape")


def b64lines(data: bytes) -> str:
    """Return base64 in 76-character lines, ending with a newline."""
    return base64.encodebytes(data).decode("ascii")


def offset(dt: datetime) -> str:
    """Return the numeric zone of ``dt`` as ``+HHMM``."""
    delta = dt.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def rfc_date(dt: datetime, weekday: bool = True, comment: bool = False) -> str:
    """Format ``dt`` as an RFC 5322 date without relying on the locale."""
    text = f"{dt.day} {EN_MON[dt.month - 1]} {dt.year} {dt:%H:%M:%S} {offset(dt)}"
    if weekday:
        text = f"{EN_WD[dt.weekday()]}, {text}"
    if comment:
        delta = dt.utcoffset() or timedelta(0)
        text += f" ({ZONE_NAMES[int(delta.total_seconds()) // 3600]})"
    return text


# --------------------------------------------------------------------------
# Deterministic attachment payloads (PNG, PDF, DOCX, TXT)
# --------------------------------------------------------------------------


def zlib_stored(data: bytes) -> bytes:
    """Wrap ``data`` in a zlib stream of stored (uncompressed) blocks.

    Stored blocks keep the output identical whatever zlib build is installed.
    """
    out = bytearray(b"\x78\x01")
    pos = 0
    while True:
        chunk = data[pos : pos + 65535]
        pos += len(chunk)
        final = 1 if pos >= len(data) else 0
        out += bytes([final]) + struct.pack("<HH", len(chunk), 0xFFFF ^ len(chunk)) + chunk
        if final:
            break
    out += struct.pack(">I", zlib.adler32(data))
    return bytes(out)


def make_png(width: int, height: int, seed: str, kind: str) -> bytes:
    """Draw a tiny RGB picture: a dim 'photo' or a bar 'chart'."""
    rows = bytearray()
    noise = bytes.fromhex(digest("png", seed) * 4)
    for y in range(height):
        rows.append(0)
        for x in range(width):
            n = noise[(x * 7 + y * 13) % len(noise)] % 24
            if kind == "chart":
                bars = [(4, 14, 0.55), (18, 28, 0.8), (32, 42, 0.3), (46, 56, 0.15)]
                inside = any(a <= x < b and y >= height * (1 - h) for a, b, h in bars)
                pixel = (40, 90, 160) if inside else (245, 245, 245)
            else:
                sky = 90 + y * 3 + n
                car = width // 4 <= x < 3 * width // 4 and height // 2 <= y < 5 * height // 6
                pixel = (30 + n, 32 + n, 38 + n) if car else (sky // 2, sky // 2 + 10, sky)
            rows += bytes(min(255, c) for c in pixel)

    def chunk(tag: bytes, body: bytes) -> bytes:
        """Return one PNG chunk with its CRC."""
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00SYNTHETIC sample image, emlkit test data")
        + chunk(b"IDAT", zlib_stored(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def make_pdf(lines: list[str], author: str, created: str) -> bytes:
    """Build a one-page PDF 1.4 with Latin text lines and fixed metadata."""

    def esc(s: str) -> str:
        """Escape a PDF literal string."""
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 11 Tf", "14 TL", "56 800 Td"]
    ops += [f"({esc(line)}) '" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        (
            f"<< /Author ({esc(author)}) /Producer (emlkit synthetic sample) "
            f"/CreationDate (D:{created}) /ModDate (D:{created}) >>"
        ).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def make_docx(paragraphs: list[str], title: str, creator: str, created: datetime) -> bytes:
    """Build a minimal, valid .docx (stored ZIP, fixed timestamps)."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{html.escape(p, quote=False)}</w:t></w:r></w:p>'
        for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{html.escape(title, quote=False)}</dc:title>"
        f"<dc:creator>{html.escape(creator, quote=False)}</dc:creator>"
        f"<cp:lastModifiedBy>{html.escape(creator, quote=False)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    local = created.astimezone(ZAR)
    when = (local.year, local.month, local.day, local.hour, local.minute, local.second // 2 * 2)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, text in [
            ("[Content_Types].xml", DOCX_TYPES),
            ("_rels/.rels", DOCX_RELS),
            ("docProps/core.xml", core),
            ("word/document.xml", document),
        ]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A display name and a mailbox."""

    name: str
    addr: str

    @property
    def domain(self) -> str:
        """Return the domain part of the address."""
        return self.addr.rsplit("@", 1)[1]


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message.

    ``naming`` is ``ascii``, ``rfc2231``, ``rfc2231-split`` (RFC 2231
    continuations) or ``rfc2047:<charset>`` (encoded word in a quoted name).
    """

    filename: str
    data: bytes
    ctype: str
    naming: str = "ascii"
    content_id: str = ""


@dataclass
class Msg:
    """One e-mail message of the sample case (or a 'virtual' one not written)."""

    key: str
    slug: str
    client: str
    sender: Person
    to: list[Person]
    subject: str
    date: datetime
    text: str
    cc: list[Person] = field(default_factory=list)
    reply_to: str | None = None
    forward_of: str | None = None
    quote: str | None = None
    rfc822: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    inline: list[Attachment] = field(default_factory=list)
    charset: str = "utf-8"
    label: str | None = None
    charset_param: bool = True
    content_type: bool = True
    cte: str = "quoted-printable"
    html: str = "none"
    hdr: str = "b:utf-8"
    raw_from: str | None = None
    message_id: bool = True
    date_header: str | None = None
    to_header: str | None = None
    delivered_to: Person | None = None
    via_list: bool = False
    crlf: bool | None = None
    flowed: bool = False
    split_names: bool = False
    written: bool = True
    extra: list[tuple[str, str]] = field(default_factory=list)

    @property
    def annex(self) -> str:
        """Return the two-digit annex number."""
        return self.key[:2]

    @property
    def path(self) -> str:
        """Return the file path relative to ``samples/``."""
        return f"annex-{self.annex}/{self.key}_{self.date:%Y-%m-%d}_{self.slug}.eml"


@dataclass(frozen=True)
class Client:
    """How a mail client writes messages."""

    crlf: bool
    mailer: tuple[str, str] | None
    upper_charset: bool
    raw_prefix: bool


CLIENTS = {
    "outlook": Client(True, ("X-Mailer", "Microsoft Outlook 16.0"), False, False),
    "outlook14": Client(True, ("X-Mailer", "Microsoft Outlook 14.0"), False, False),
    "gmail": Client(True, None, True, True),
    "thunderbird": Client(
        False,
        (
            "User-Agent",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:78.0) Gecko/20100101 Thunderbird/78.8.0",
        ),
        True,
        True,
    ),
    "k9": Client(False, ("User-Agent", "K-9 Mail for Android"), True, True),
    "mailru": Client(False, ("X-Mailer", "Mail.zar Mailer 1.0"), True, False),
    "mailru-mobile": Client(False, ("X-Mailer", "Mail.zar for Android 13.2"), True, False),
    "iphone": Client(False, ("X-Mailer", "iPhone Mail (18D52)"), False, True),
    "thebat": Client(False, ("X-Mailer", "The Bat! (v9.2.3) Professional"), False, False),
    "oe": Client(False, ("X-Mailer", "Microsoft Outlook Express 6.00.2900.5931"), False, False),
    "notes": Client(False, ("X-Mailer", "Lotus Notes Release 8.5.3"), True, False),
    "phpmailer": Client(False, ("X-Mailer", "PHPMailer 5.2.9"), False, False),
    "scanner": Client(False, None, False, True),
    "portal": Client(False, ("X-Mailer", "Internet-priemnaya 2.4"), False, False),
    "autoreply": Client(False, None, False, False),
}


@dataclass(frozen=True)
class Site:
    """The mail servers of one domain."""

    submit: str
    submit_ip: str
    mx: str
    mx_ip: str
    store: str
    zone: timezone
    software: str


SITES = {
    "zarechensk-admin.test": Site(
        "EXCH01.zarechensk-admin.test",
        "10.12.0.10",
        "mx.zarechensk-admin.test",
        "192.0.2.25",
        "EXCH01.zarechensk-admin.test",
        ZAR,
        "Postfix",
    ),
    "lists.zarechensk-admin.test": Site(
        "lists.zarechensk-admin.test",
        "192.0.2.26",
        "lists.zarechensk-admin.test",
        "192.0.2.26",
        "",
        ZAR,
        "Postfix",
    ),
    "omvd.zar.test": Site(
        "mail.omvd.zar.test",
        "192.0.2.70",
        "mail.omvd.zar.test",
        "192.0.2.70",
        "",
        ZAR,
        "Postfix",
    ),
    "mail.zar.test": Site(
        "smtp21.mail.zar.test",
        "198.51.100.21",
        "mxs.mail.zar.test",
        "198.51.100.5",
        "store7.mail.zar.test",
        MSK,
        "Exim 4.94",
    ),
    "gazeta-zarya.test": Site(
        "mail.gazeta-zarya.test",
        "203.0.113.40",
        "mail.gazeta-zarya.test",
        "203.0.113.40",
        "",
        ZAR,
        "Postfix",
    ),
    "pechdvor.test": Site(
        "smtp.pechdvor.test",
        "203.0.113.77",
        "smtp.pechdvor.test",
        "203.0.113.77",
        "",
        ZAR,
        "MDaemon 19.5.2",
    ),
    "prok-zar.test": Site(
        "mail.prok-zar.test",
        "192.0.2.90",
        "mail.prok-zar.test",
        "192.0.2.90",
        "",
        ZAR,
        "Postfix",
    ),
    "verkhneolsk-obl.test": Site(
        "notes01.verkhneolsk-obl.test",
        "192.0.2.131",
        "mx.verkhneolsk-obl.test",
        "192.0.2.130",
        "notes01.verkhneolsk-obl.test",
        ZAR,
        "Lotus Domino Release 8.5.3",
    ),
    "school2.zar.test": Site(
        "mail.school2.zar.test",
        "203.0.113.90",
        "mail.school2.zar.test",
        "203.0.113.90",
        "",
        ZAR,
        "Postfix",
    ),
    "avtomir-zar.test": Site(
        "smtp-out.example.com",
        "198.51.100.142",
        "mx.example.com",
        "198.51.100.141",
        "",
        UTC,
        "Postfix",
    ),
    "example.com": Site(
        "mail-out.example.com",
        "198.51.100.140",
        "mx.example.com",
        "198.51.100.141",
        "",
        UTC,
        "Postfix",
    ),
    "example.org": Site(
        "smtp.example.org",
        "203.0.113.150",
        "mx.example.org",
        "203.0.113.151",
        "",
        UTC,
        "Postfix",
    ),
    "example.net": Site(
        "outbound.example.net",
        "198.51.100.200",
        "mx.example.net",
        "198.51.100.201",
        "",
        EST,
        "Postfix",
    ),
}

OUTLOOKS = ("outlook", "outlook14")


# --------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------


def encoded_word(text: str, charset: str, mode: str) -> str:
    """Return one RFC 2047 encoded word for ``text``."""
    data = fit(text, charset).encode(charset)
    if mode == "b":
        return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="
    out = []
    for byte in data:
        ch = chr(byte)
        if byte == 0x20:
            out.append("_")
        elif ch.isascii() and (ch.isalnum() or ch in "!*+-/"):
            out.append(ch)
        else:
            out.append(f"={byte:02X}")
    return f"=?{charset}?Q?{''.join(out)}?="


def encoded_words(text: str, spec: str, first_budget: int = 62) -> list[str]:
    """Split ``text`` into encoded words of at most 75 characters.

    ``spec`` is ``b:<charset>`` or ``q:<charset>``.  The first word is kept
    shorter so that it fits on the line after the header name.
    """
    mode, charset = spec.split(":", 1)
    words: list[str] = []
    current = ""
    budget = first_budget
    for ch in text:
        if current and len(encoded_word(current + ch, charset, mode)) > budget:
            words.append(encoded_word(current, charset, mode))
            current = ""
            budget = 75
        current += ch
    if current:
        words.append(encoded_word(current, charset, mode))
    return words


def fold(name: str, tokens: list[str]) -> str:
    """Fold a header made of whitespace-separated tokens at about 76 columns."""
    lines = [f"{name}:"]
    for token in tokens:
        if len(lines[-1]) + 1 + len(token) > 76 and lines[-1] != f"{name}:":
            lines.append(" " + token)
        else:
            lines[-1] += " " + token
    return "\n".join(lines)


def unstructured(name: str, text: str, spec: str, raw_prefix: bool) -> str:
    """Encode an unstructured header such as Subject (RFC 2047 when needed)."""
    if text.isascii():
        return fold(name, text.split(" "))
    prefix = ""
    if raw_prefix:
        match = re.match(r"^((?:[\x21-\x7e]+ )*?(?:[\x21-\x7e]*:|\[[\x21-\x7e]+\]) )+", text)
        if match:
            prefix = match.group(0)
    tokens = prefix.split()
    budget = 62 - len(prefix) if prefix else 75 - len(name) - 2
    tokens += encoded_words(text[len(prefix) :], spec, max(budget, 30))
    return fold(name, tokens)


def display_tokens(
    person: Person, spec: str, raw_codec: str | None = None, split: bool = False
) -> list[str]:
    """Return header tokens for one address: encoded or quoted name, then <addr>.

    A non-ASCII name is one encoded word (even if longer than RFC 2047's 75
    characters, as many clients do) unless ``split`` asks for RFC-style words
    of at most 75 characters, which may cut a name in the middle of a word.
    """
    if raw_codec:
        return [raw(f'"{person.name}"'.encode(raw_codec)), f"<{person.addr}>"]
    if not person.name:
        return [f"<{person.addr}>"]
    if person.name.isascii():
        if re.search(r'[()<>\[\]:;@\\,."]', person.name):
            return [f'"{person.name}"', f"<{person.addr}>"]
        return [*person.name.split(" "), f"<{person.addr}>"]
    return [*encoded_words(person.name, spec, 70 if split else 998), f"<{person.addr}>"]


def address_header(
    name: str, people: list[Person], spec: str, raw_codec: str | None = None, split: bool = False
) -> str:
    """Encode an address-list header (From, To, Cc)."""
    tokens: list[str] = []
    for index, person in enumerate(people):
        part = display_tokens(person, spec, raw_codec, split)
        if index < len(people) - 1:
            part[-1] += ","
        tokens += part
    return fold(name, tokens)


def charset_label(m: Msg) -> str:
    """Return the charset name written in Content-Type (may be deliberately wrong)."""
    label = m.label or m.charset
    return label.upper() if CLIENTS[m.client].upper_charset else label


def make_msgid(m: Msg) -> str:
    """Return a Message-ID in the style of the sender's mail client."""
    h = digest("msgid", m.key)
    epoch = int(m.date.timestamp())
    dom = m.sender.domain
    if m.client == "outlook":
        return f"<{h[:32].upper()}@EXCH01.zarechensk-admin.test>"
    if m.client == "outlook14":
        return f"<000001d7{h[:4]}${h[4:12]}${h[12:20]}@omvd.zar.test>"
    if m.client == "gmail":
        token = base64.b64encode(bytes.fromhex(h[:42])).decode("ascii").replace("/", "_")
        return f"<CA+{token}@mail.{dom}>"
    if m.client in ("thunderbird", "k9"):
        return f"<{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}@{dom}>"
    if m.client in ("mailru", "mailru-mobile"):
        return f"<{epoch}.{int(h[:8], 16) % 10**9}@f{100 + int(h[8:10], 16)}.mail.zar.test>"
    if m.client == "iphone":
        u = h[:32].upper()
        return f"<{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:32]}@{dom}>"
    if m.client == "thebat":
        return f"<{int(h[:8], 16)}.{m.date:%Y%m%d%H%M%S}@{dom}>"
    if m.client == "oe":
        return f"<00{h[:2]}01d7{h[2:6]}${h[6:14]}$6401a8c0@pd-director>"
    if m.client == "notes":
        return f"<OF{h[:8].upper()}.{h[8:16].upper()}-ON{h[16:24].upper()}@{dom}>"
    if m.client == "portal":
        return f"<{h[:16]}.{epoch}@{dom}>"
    return f"<{h[:32]}@{dom}>"


def thread_index(m: Msg, ctx: dict[str, Msg]) -> str:
    """Return an Outlook Thread-Index: the parent's index plus 5 bytes."""
    parent_key = m.reply_to or m.forward_of
    raw_bytes = bytes.fromhex(digest("thread-index", m.key))
    if parent_key and ctx[parent_key].client in OUTLOOKS:
        base = base64.b64decode(thread_index(ctx[parent_key], ctx))
        return base64.b64encode(base + raw_bytes[:5]).decode("ascii")
    return base64.b64encode(b"\x01\xd7" + raw_bytes[:20]).decode("ascii")


def references(m: Msg, ctx: dict[str, Msg]) -> list[str]:
    """Return the References list of a reply (oldest first)."""
    if not m.reply_to:
        return []
    parent = ctx[m.reply_to]
    return [*references(parent, ctx), make_msgid(parent)]


def received_chain(m: Msg) -> list[str]:
    """Return Received headers (newest first), each hop a little after the last.

    The first hop is stamped a few seconds after the (sender-written) Date;
    every server stamps in its own time zone.
    """
    rcpt = m.delivered_to or (m.to + m.cc)[0]
    src = SITES[m.sender.domain]
    dst = SITES[rcpt.domain]
    h = bytes.fromhex(digest("received", m.key))
    exchange = "EXCH01.zarechensk-admin.test"
    mstls = "(version=TLS1_2,\n\tcipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2176.2"
    hops: list[tuple[str, str, timezone]] = []  # text without stamp, ";" or "for", zone

    def qid(n: int) -> str:
        """Return a queue id."""
        return digest("qid", m.key, str(n))[:10].upper()

    def smtp(frm: str, frm_ip: str, by: str, proto: str, n: int, zone: timezone) -> None:
        """Add an SMTP/LMTP hop between two named servers."""
        if by == exchange:
            via = "Frontend" if proto == "ESMTPSA" else "Mailbox"
            hops.append(
                (
                    f"Received: from {frm} ({frm_ip}) by {by}\n\t(10.12.0.10) with Microsoft "
                    f"SMTP Server {mstls} via\n\t{via} Transport",
                    "",
                    zone,
                )
            )
            return
        site = next((s for d, s in SITES.items() if by.endswith(d)), src)
        hops.append(
            (
                f"Received: from {frm} ({frm.lower()} [{frm_ip}])\n\tby {by} "
                f"({site.software}) with {proto} id {qid(n)}",
                rcpt.addr,
                zone,
            )
        )

    if m.client == "phpmailer":
        # Sent by a script on a backup server straight to the Postfix relay,
        # bypassing Exchange submission (the message says so itself).
        smtp("srv-backup01.zarechensk-admin.test", "10.12.0.31", src.mx, "ESMTP", 0, src.zone)
        smtp(src.mx, src.mx_ip, exchange, "", 4, src.zone)
    elif m.client.startswith("mailru"):
        hops.append((f"Received: by f512.mail.zar.test with HTTP id {qid(0)}", rcpt.addr, MSK))
    elif m.sender.domain == "zarechensk-admin.test" and m.client in OUTLOOKS:
        hops.append(
            (
                f"Received: from {exchange} (10.12.0.10) by {exchange}\n\t(10.12.0.10) "
                f"with Microsoft SMTP Server {mstls} via\n\tFrontend Transport",
                "",
                ZAR,
            )
        )
    else:
        ws = f"ws-{h[1]:03d}.lan"
        smtp(ws, f"10.{h[2]}.{h[3]}.{h[4]}", src.submit, "ESMTPSA", 0, src.zone)
    if m.client == "phpmailer":
        pass
    elif dst is src and not m.via_list:
        if src.store == exchange:
            smtp(exchange, "10.12.0.10", exchange, "", 4, ZAR)
        else:
            smtp(src.submit, src.submit_ip, src.store or src.submit, "LMTP", 4, src.zone)
    else:
        out_host, out_ip = src.submit, src.submit_ip
        if src.store == exchange:
            smtp(exchange, "10.12.0.10", src.mx, "ESMTP", 1, src.zone)
            out_host, out_ip = src.mx, src.mx_ip
        elif m.client.startswith("mailru"):
            smtp("f512.mail.zar.test", "198.51.100.12", src.submit, "ESMTP", 1, src.zone)
        if m.via_list:
            lst = SITES["lists.zarechensk-admin.test"]
            smtp(out_host, out_ip, lst.mx, "ESMTP", 2, lst.zone)
            out_host, out_ip = lst.mx, lst.mx_ip
        smtp(out_host, out_ip, dst.mx, "ESMTPS", 3, dst.zone)
        if dst.store and dst.store != dst.mx:
            smtp(dst.mx, dst.mx_ip, dst.store, "LMTP", 4, dst.zone)
    clock = m.date + timedelta(seconds=1 + h[0] % 4)
    lines = []
    for index, (text, rcpt_addr, zone) in enumerate(hops):
        clock += timedelta(seconds=0 if index == 0 else 1 + h[5 + index] % 37)
        postfix = rcpt_addr and "HTTP" not in text
        stamp = rfc_date(clock.astimezone(zone), comment=bool(postfix))
        if rcpt_addr:
            lines.append(f"{text}\n\tfor <{rcpt_addr}>; {stamp}")
        else:
            lines.append(f"{text};\n\t{stamp}")
    return [*reversed(lines)]


# --------------------------------------------------------------------------
# Quoting (plain text and HTML)
# --------------------------------------------------------------------------


def names(people: list[Person]) -> str:
    """Return display names joined the Outlook way."""
    return "; ".join(p.name or p.addr for p in people)


def hour12(dt: datetime) -> str:
    """Format a time as ``5:45 PM``."""
    return f"{dt.hour % 12 or 12}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def quote_header(style: str, parent: Msg, zone: timezone, mailto: bool) -> list[str]:
    """Return the attribution line(s) a client writes above a quoted message."""
    dt = parent.date.astimezone(zone)
    who = f"{parent.sender.name} <{parent.sender.addr}>"
    if style == "outlook_ru":
        frm = f"{parent.sender.name} [mailto:{parent.sender.addr}]" if mailto else who
        lines = [
            "-----Исходное сообщение-----",
            f"От: {frm}",
            f"Отправлено: {RU_WD[dt.weekday()]}, {dt.day} {RU_MON_GEN[dt.month - 1]} "
            f"{dt.year} г. {dt:%H:%M}",
            f"Кому: {names(parent.to) if parent.to else parent.to_header}",
        ]
        if parent.cc:
            lines.append(f"Копия: {names(parent.cc)}")
        return [*lines, f"Тема: {parent.subject}"]
    if style == "outlook_en":
        lines = [
            "-----Original Message-----",
            f"From: {who}",
            f"Sent: {EN_WD_FULL[dt.weekday()]}, {EN_MON_FULL[dt.month - 1]} {dt.day}, "
            f"{dt.year} {hour12(dt)}",
            f"To: {names(parent.to)}",
        ]
        if parent.cc:
            lines.append(f"Cc: {names(parent.cc)}")
        return [*lines, f"Subject: {parent.subject}"]
    if style == "fwd_mailru":
        return [
            "-------- Пересылаемое сообщение --------",
            f"От кого: {who}",
            f"Кому: {names(parent.to)}",
            f"Дата: {RU_WD[dt.weekday()].capitalize()}, {dt.day} {RU_MON_GEN[dt.month - 1]} "
            f"{dt.year}, {dt.hour}:{dt:%M} {offset(dt)[:3]}:{offset(dt)[3:]}",
            f"Тема: {parent.subject}",
        ]
    if style == "gmail_en":
        return [
            f"On {EN_WD[dt.weekday()]}, {dt.day} {EN_MON[dt.month - 1]} {dt.year} at "
            f"{dt:%H:%M}, {who} wrote:"
        ]
    if style == "gmail_ru":
        return [
            f"{RU_WD_SHORT[dt.weekday()]}, {dt.day} {RU_MON_GMAIL[dt.month - 1]} {dt.year} г. "
            f"в {dt:%H:%M}, {who}:"
        ]
    if style in ("mailru", "mailru_hdr"):
        line = (
            f"{RU_WD[dt.weekday()].capitalize()}, {dt.day} {RU_MON_GEN[dt.month - 1]} "
            f"{dt.year}, {dt:%H:%M} {offset(dt)[:3]}:{offset(dt)[3:]} от {who}:"
        )
        return ["-------- Исходное сообщение --------", line] if style == "mailru_hdr" else [line]
    if style == "thunderbird_ru":
        return [f"{dt:%d.%m.%Y} {dt:%H:%M}, {parent.sender.name} пишет:"]
    if style == "thebat_ru":
        return [
            f"Вы писали {dt.day} {RU_MON_GEN[dt.month - 1]} {dt.year} г., {dt.hour}:{dt:%M:%S}:"
        ]
    if style == "iphone_en":
        return [f"On {dt.day} {EN_MON[dt.month - 1]} {dt.year}, at {dt:%H:%M}, {who} wrote:"]
    raise ValueError(style)


def prefixed(text: str) -> str:
    """Prefix every line with '> ' (empty lines get a bare '>')."""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def plain_body(m: Msg, ctx: dict[str, Msg]) -> str:
    """Return the full text/plain body: own text plus the quoted parent."""
    source = m.reply_to or m.forward_of
    if not source or not m.quote:
        return m.text
    parent = ctx[source]
    zone = m.date.tzinfo if isinstance(m.date.tzinfo, timezone) else ZAR
    head = quote_header(m.quote, parent, zone, m.client == "outlook14")
    inner = fit(plain_body(parent, ctx), parent.charset)
    if m.quote in ("outlook_ru", "outlook_en"):
        return m.text + "\n\n" + "\n".join(head) + "\n\n" + inner
    if m.quote == "fwd_mailru":
        return m.text + "\n\n" + "\n".join(head) + "\n\n" + inner + "\n\n" + "-" * 70
    if m.quote == "thebat_ru":
        return "\n".join(head) + "\n\n" + prefixed(inner) + "\n\n" + m.text
    if m.quote == "iphone_en":
        return m.text + "\n\n" + prefixed(head[0] + "\n\n" + inner)
    return m.text + "\n\n" + "\n".join(head) + "\n" + prefixed(inner)


def html_lines(text: str, style: str) -> str:
    """Render plain lines as HTML in the markup style of a client."""
    out = []
    for line in text.split("\n"):
        e = html.escape(line, quote=False)
        if style == "outlook":
            out.append(f"<p class=MsoNormal>{e or '<o:p>&nbsp;</o:p>'}</p>")
        elif style == "gmail":
            out.append(f"<div>{e or '<br>'}</div>")
        elif style == "mailru":
            out.append(f"<div>{e or '&nbsp;'}</div>")
        else:
            out.append(f"<p>{e}</p>" if e else "<br>")
    return "\n".join(out)


def html_style(m: Msg) -> str:
    """Return the HTML flavour used by the message's client."""
    if m.client in OUTLOOKS:
        return "outlook"
    if m.client in ("gmail", "iphone"):
        return "gmail"
    if m.client in ("mailru", "mailru-mobile"):
        return "mailru"
    return "plain"


def html_body(m: Msg, ctx: dict[str, Msg]) -> str:
    """Return the text/html body for a message, including the quoted parent."""
    style = html_style(m)
    own = html_lines(m.text, style)
    for image in m.inline:
        own += (
            f'\n<p class=MsoNormal><img width=224 height=128 id="Picture_x0020_1" '
            f'src="cid:{image.content_id}" alt="{html.escape(image.filename)}"></p>'
        )
    quote = ""
    source = m.reply_to or m.forward_of
    if source and m.quote:
        parent = ctx[source]
        zone = m.date.tzinfo if isinstance(m.date.tzinfo, timezone) else ZAR
        head = [html.escape(x, quote=False) for x in quote_header(m.quote, parent, zone, False)]
        inner = html_lines(fit(plain_body(parent, ctx), parent.charset), style)
        if style == "outlook":
            block = "<br>\n".join(re.sub(r"^([^:]+:)", r"<b>\1</b>", x) for x in head[1:])
            quote = (
                '\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<div>\n<div style="border:none;'
                'border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
                f"<p class=MsoNormal>{block}</p>\n</div>\n</div>\n{inner}"
            )
        elif style == "gmail":
            quote = (
                '\n<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                f'{"<br>".join(head)}<br></div>\n<blockquote class="gmail_quote" '
                'style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);'
                f'padding-left:1ex">\n{inner}\n</blockquote></div>'
            )
        else:
            quote = (
                '\n<div>&nbsp;</div>\n<blockquote style="border-left:1px solid #0857A6;'
                f'margin:10px;padding:0 0 0 10px;">\n{"<br>".join(head)}<br>\n'
                f"<div>\n{inner}\n</div>\n</blockquote>"
            )
    label = charset_label(m)
    if style == "outlook":
        return (
            '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
            f'<meta http-equiv="Content-Type" content="text/html; charset={label}">\n'
            '<meta name=Generator content="Microsoft Word 15 (filtered medium)">\n'
            "<style><!--\np.MsoNormal\n\t{margin:0cm;font-size:11.0pt;"
            'font-family:"Calibri",sans-serif;}\n--></style>\n</head>\n'
            '<body lang=RU link="#0563C1" vlink="#954F72">\n<div class=WordSection1>\n'
            f"{own}{quote}\n</div>\n</body>\n</html>"
        )
    if style == "gmail":
        return f'<div dir="ltr">\n{own}\n</div>{quote}'
    if style == "mailru":
        return f"<HTML><BODY>\n{own}{quote}\n</BODY></HTML>"
    return (
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{label}">\n'
        f"<title>{html.escape(m.subject, quote=False)}</title>\n</head>\n<body>\n"
        f"{own}{quote}\n</body>\n</html>"
    )


# --------------------------------------------------------------------------
# MIME assembly
# --------------------------------------------------------------------------


@dataclass
class Part:
    """A MIME entity: header lines and either a body or child parts."""

    headers: list[str]
    body: str = ""
    children: list[Part] = field(default_factory=list)
    boundary: str = ""
    preamble: str = ""


def render(part: Part) -> str:
    """Serialise a Part with LF line endings (8-bit bytes as surrogates)."""
    out = "\n".join(part.headers) + "\n\n"
    if not part.children:
        return out + part.body
    if part.preamble:
        out += part.preamble + "\n\n"
    for child in part.children:
        text = render(child)
        out += f"--{part.boundary}\n{text}" + ("" if text.endswith("\n") else "\n")
    return out + f"--{part.boundary}--\n"


def boundary(m: Msg, level: str) -> str:
    """Return a deterministic MIME boundary in the style of the client."""
    h = digest("boundary", m.key, level)
    if m.client in OUTLOOKS:
        u = h.upper()
        return f"----=_NextPart_{u[:3]}_{u[3:7]}_01D7{u[7:11]}.{u[11:19]}"
    if m.client == "gmail":
        return f"0000000000{h[:18]}"
    if m.client in ("mailru", "mailru-mobile"):
        return f"--{level.upper()}--{h[:20].upper()}{int(m.date.timestamp())}"
    if m.client == "iphone":
        u = h.upper()
        return f"Apple-Mail-{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:28]}"
    return f"------------{h[:24].upper()}"


def encode_text(text: str, codec: str, cte: str) -> str:
    """Encode a text body with a transfer encoding; always ends with a newline."""
    text = text.rstrip("\n") + "\n"
    if cte == "base64":
        return b64lines(text.replace("\n", "\r\n").encode(codec))
    data = text.encode(codec)
    if cte == "quoted-printable":
        return binascii.b2a_qp(data, istext=True).decode("ascii")
    if cte == "7bit" and not data.isascii():
        raise ValueError("7bit body with 8-bit data")
    return raw(data)


def text_part(m: Msg, subtype: str, text: str) -> Part:
    """Return a text/plain or text/html leaf in the message's charset and encoding."""
    if not m.content_type:
        return Part([], encode_text(text, m.charset, m.cte))
    ctype = f"Content-Type: text/{subtype}"
    if m.charset_param:
        label = charset_label(m)
        if m.client in OUTLOOKS:
            ctype += f';\n\tcharset="{label}"'
        elif m.client in ("gmail", "mailru", "mailru-mobile"):
            ctype += f'; charset="{label}"'
        else:
            ctype += f"; charset={label}"
        if m.flowed and subtype == "plain":
            ctype += "; format=flowed"
    return Part([ctype, f"Content-Transfer-Encoding: {m.cte}"], encode_text(text, m.charset, m.cte))


def rfc2231_split(value: str, size: int = 54) -> list[str]:
    """Percent-encode ``value`` in UTF-8 and cut it into continuation chunks."""
    encoded = urllib.parse.quote(value, safe="")
    chunks: list[str] = []
    while encoded:
        cut = min(size, len(encoded))
        while "%" in encoded[max(0, cut - 2) : cut] and cut < len(encoded):
            cut -= 1
        chunks.append(encoded[:cut])
        encoded = encoded[cut:]
    return chunks


def attachment_part(a: Attachment) -> Part:
    """Return a base64 attachment part with its file name encoded as requested."""
    fn = a.filename
    disp = "inline" if a.content_id else "attachment"
    if a.naming == "ascii":
        ct = f'Content-Type: {a.ctype};\n\tname="{fn}"'
        cd = f'Content-Disposition: {disp};\n\tfilename="{fn}"'
    elif a.naming == "rfc2231":
        enc = urllib.parse.quote(fn, safe="")
        ct = f"Content-Type: {a.ctype};\n name*=UTF-8''{enc}"
        cd = f"Content-Disposition: {disp};\n filename*=UTF-8''{enc}"
    elif a.naming == "rfc2231-split":
        chunks = rfc2231_split(fn)
        ct_lines = [f"Content-Type: {a.ctype};"]
        cd_lines = [f"Content-Disposition: {disp};"]
        for i, chunk in enumerate(chunks):
            start = "UTF-8''" if i == 0 else ""
            end = ";" if i < len(chunks) - 1 else ""
            ct_lines.append(f" name*{i}*={start}{chunk}{end}")
            cd_lines.append(f" filename*{i}*={start}{chunk}{end}")
        ct, cd = "\n".join(ct_lines), "\n".join(cd_lines)
    else:
        charset = a.naming.split(":", 1)[1]
        word = encoded_word(fn, charset, "b")
        ct = f'Content-Type: {a.ctype};\n\tname="{word}"'
        cd = f'Content-Disposition: {disp};\n\tfilename="{word}"'
    headers = [ct, "Content-Transfer-Encoding: base64", cd]
    if a.content_id:
        headers.insert(1, f"Content-ID: <{a.content_id}>")
    return Part(headers, b64lines(a.data))


def rfc822_part(inner: Msg, ctx: dict[str, Msg], thunderbird: bool) -> Part:
    """Return a message/rfc822 part holding a complete earlier message."""
    text = build_text(inner, ctx)
    cte = "7bit" if text.isascii() else "8bit"
    name = f"{inner.subject}.eml"
    if thunderbird:
        disp = "Content-Disposition: attachment;\n filename*=UTF-8''" + urllib.parse.quote(name)
        ctype = "Content-Type: message/rfc822; charset=UTF-8"
    else:
        disp = f'Content-Disposition: attachment;\n\tfilename="{inner.slug}.eml"'
        ctype = "Content-Type: message/rfc822"
    return Part([ctype, f"Content-Transfer-Encoding: {cte}", disp], text)


def multipart(m: Msg, subtype: str, children: list[Part], extra: str = "") -> Part:
    """Return a multipart container with a deterministic boundary."""
    b = boundary(m, subtype)
    sep = ";\n\t" if m.client in OUTLOOKS or m.client.startswith("mailru") else "; "
    header = f'Content-Type: multipart/{subtype}{extra}{sep}boundary="{b}"'
    return Part([header], children=children, boundary=b)


def mime_tree(m: Msg, ctx: dict[str, Msg]) -> Part:
    """Build the body structure of a message."""
    plain = fit(plain_body(m, ctx), m.charset)
    body = text_part(m, "plain", plain)
    if m.html != "none":
        html_leaf = text_part(m, "html", fit(html_body(m, ctx), m.charset))
        if m.html == "only":
            body = html_leaf
        else:
            body = multipart(m, "alternative", [body, html_leaf])
            if m.inline:
                inline = [attachment_part(a) for a in m.inline]
                body = multipart(m, "related", [body, *inline], '; type="multipart/alternative"')
    attached = [attachment_part(a) for a in m.attachments]
    attached += [rfc822_part(ctx[k], ctx, m.client == "thunderbird") for k in m.rfc822]
    if attached:
        body = multipart(m, "mixed", [body, *attached])
    return body


def origin_headers(m: Msg, ctx: dict[str, Msg]) -> list[str]:
    """Return From/To/Subject/Date/Message-ID/threading and client headers."""
    client = CLIENTS[m.client]
    out = [address_header("From", [m.sender], m.hdr, m.raw_from, m.split_names)]
    if m.via_list:
        out.append("Sender: zar-admin-bounces@lists.zarechensk-admin.test")
    out.append(f"To: {m.to_header}" if m.to_header else address_header("To", m.to, m.hdr))
    if m.cc:
        out.append(address_header("Cc", m.cc, m.hdr))
    out.append(unstructured("Subject", m.subject, m.hdr, client.raw_prefix))
    out.append(f"Date: {m.date_header or rfc_date(m.date, weekday=m.client != 'portal')}")
    if m.message_id:
        out.append(f"Message-ID: {make_msgid(m)}")
    if m.reply_to:
        out.append(f"In-Reply-To: {make_msgid(ctx[m.reply_to])}")
        out.append(fold("References", references(m, ctx)))
    if m.client in OUTLOOKS:
        out.append(f"Thread-Index: {thread_index(m, ctx)}")
        out.append("Content-Language: ru" if not m.text.isascii() else "Content-Language: en-gb")
    if client.mailer:
        out.append(f"{client.mailer[0]}: {client.mailer[1]}")
    if m.via_list:
        out += [
            "Precedence: list",
            "List-Id: Administration staff <zar-admin.lists.zarechensk-admin.test>",
            "List-Post: <mailto:zar-admin@lists.zarechensk-admin.test>",
            "List-Unsubscribe: <http://lists.zarechensk-admin.test/mailman/options/zar-admin>",
        ]
    out += [f"{name}: {value}" for name, value in m.extra]
    if m.content_type:
        out.append("MIME-Version: 1.0")
    return out


def build_text(m: Msg, ctx: dict[str, Msg]) -> str:
    """Return the whole message as LF text (8-bit bytes as surrogates)."""
    delivered = m.delivered_to or (m.to + m.cc)[0]
    transport = [f"Return-Path: <{m.sender.addr}>", f"Delivered-To: {delivered.addr}"]
    transport += received_chain(m)
    tree = mime_tree(m, ctx)
    top = Part(
        transport + origin_headers(m, ctx) + tree.headers,
        tree.body,
        tree.children,
        tree.boundary,
        "This is a multi-part message in MIME format." if tree.children else "",
    )
    return render(top)


def build_bytes(m: Msg, ctx: dict[str, Msg]) -> bytes:
    """Return the final bytes of a message with the client's line endings."""
    data = build_text(m, ctx).encode("ascii", "surrogateescape")
    if b"\r" in data:
        raise ValueError(f"{m.key}: stray CR")
    crlf = CLIENTS[m.client].crlf if m.crlf is None else m.crlf
    return data.replace(b"\n", b"\r\n") if crlf else data


# --------------------------------------------------------------------------
# The cast (all invented) and their mailboxes (all on reserved domains)
# --------------------------------------------------------------------------

ADM = "zarechensk-admin.test"
TISHCHENKO = Person("Тищенко Олег Павлович", f"o.tishchenko@{ADM}")
EGOROVA = Person("Егорова Анна Викторовна", f"a.egorova@{ADM}")
EGOROVA_EN = Person("Anna Yegorova", f"a.egorova@{ADM}")  # same mailbox, iPhone
EGOROVA_A = Person("A. Egorova", f"a.egorova@{ADM}")  # same mailbox, English letters
KORNEEVA = Person("Корнеева Марина Юрьевна", f"m.korneeva@{ADM}")
KORNEEVA_P = Person("Корнеева Марина", "korneeva.marina@mail.zar.test")
MUKHINA = Person("Мухина Ольга Николаевна", f"o.mukhina@{ADM}")
RYZHOV = Person("Рыжов Виталий Андреевич", f"v.ryzhov@{ADM}")
RYZHOV_P = Person("Виталий Рыжов", "ryzhov.va@mail.zar.test")
FEDOROV = Person("Федоров Денис Игоревич", f"d.fedorov@{ADM}")
KADRY = Person("Отдел кадров", f"kadry@{ADM}")
PRESS = Person("Пресс-служба администрации Заречинского района", f"press@{ADM}")
LIST = Person("", "zar-admin@lists.zarechensk-admin.test")
LAPIN = Person("Лапин Игорь Сергеевич", "i.lapin@omvd.zar.test")
LAPIN_EN = Person("Igor Lapin", "i.lapin@omvd.zar.test")  # same mailbox, iPhone
DEMCHENKO = Person("Демченко Сергей Викторович", "s.demchenko@omvd.zar.test")
DEMCHENKO_P = Person("Сергей Демченко", "demchenko.sv@mail.zar.test")
DUTY = Person("Дежурная часть ОМВД", "duty@omvd.zar.test")
SCANNER = Person("MFP-2F", "scan-2f@omvd.zar.test")
NESTERENKO = Person("Нестеренко Алла Андреевна", "a.nesterenko@omvd.zar.test")
GUSEV = Person("Гусев Николай Петрович", "n.gusev@pechdvor.test")
SAVCHENKO = Person("Роман Савченко", "r.savchenko@avtomir-zar.test")
SHUBINA = Person("Шубина Татьяна Леонидовна", "t.shubina@school2.zar.test")
SOMOVA = Person("Сомова Ирина Геннадьевна", "i.somova@verkhneolsk-obl.test")
VORONOVA = Person("Елена Воронова", "e.voronova@gazeta-zarya.test")
SAFONOV = Person("Кирилл Сафонов", "k.safonov@gazeta-zarya.test")
PROK = Person("Прокуратура Заречинского района", "priemnaya@prok-zar.test")
PROK_AUTO = Person("Интернет-приёмная прокуратуры", "noreply@prok-zar.test")
MARLOW = Person("James Marlow", "j.marlow@example.com")
NAIR = Person("Priya Nair", "p.nair@example.com")
STANTON = Person("Rebecca Stanton", "r.stanton@example.net")
LINDQVIST = Person("Hannah Lindqvist", "h.lindqvist@example.org")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --------------------------------------------------------------------------
# Annex 2: the campaign against the newspaper is set up (February 2021)
# --------------------------------------------------------------------------


def orders_docx() -> bytes:
    """Return the .docx with the instructions of the meeting of 9 February."""
    return make_docx(
        [
            "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ",
            "ПОРУЧЕНИЯ по итогам совещания у главы Заречинского муниципального района "
            "Г.С. Баринова 09.02.2021",
            "1. Егоровой А.В. — до 15.02 провести беседу с руководством ООО «Заречинский "
            "печатный двор» о нецелесообразности дальнейшего сотрудничества с редакцией "
            "газеты «Заречинская заря».",
            "2. Егоровой А.В. — переговорить с основными рекламодателями газеты, до 19.02 "
            "доложить о результатах.",
            "3. Лапину И.С. (по согласованию) — проработать вопрос по линии полиции в "
            "отношении отдельных сотрудников редакции, в первую очередь Сафонова К.А.",
            "4. Всем — контакты с редакцией только через управление информационной политики.",
            "Первый заместитель главы администрации О.П. Тищенко",
        ],
        "Поручения 09.02.2021",
        "Тищенко О.П.",
        at(2, 9, 11, 4, 10),
    )


def annex_02() -> list[Msg]:
    """Annex 2: the meeting of 9 Feb, the printing house, advertisers, the gag circular."""
    return [
        Msg(
            "02-01",
            "statya-v-zare",
            "outlook",
            TISHCHENKO,
            [EGOROVA],
            "Статья в «Заре» от 08.02",
            at(2, 8, 19, 42, 7),
            t("""\
                Анна Викторовна,

                видели сегодняшний номер «Зари»? Сафонов опять про трассу на Ольховку — \
                с цифрами по контракту, со сметой и с фамилиями подрядчиков. Геннадий \
                Степанович уже звонил, очень недоволен.

                Завтра в 9:00 совещание у главы, будьте с предложениями. Нужен не очередной \
                комментарий «администрация опровергает», а план действий по газете в целом.

                Тищенко О.П.
                первый заместитель главы администрации
                Заречинского муниципального района"""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "02-02",
            "re-statya",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "RE: Статья в «Заре» от 08.02",
            at(2, 8, 20, 15, 33),
            t("""\
                Олег Павлович, видела.

                Предложения к утру подготовлю. Коротко по рычагам:
                — типография у них одна, «Печатный двор» Гусева, у него наш заказ на \
                бланочную продукцию и календари, около 2,4 млн в год;
                — реклама в «Заре» в основном от «Автомир-Заречье», «Агроторга» и двух \
                аптечных сетей, все так или иначе работают с нами;
                — аккредитацию на заседания районного собрания можно не продлевать.

                Остальное — завтра.

                А.В. Егорова"""),
            reply_to="02-01",
            quote="outlook_ru",
            charset="koi8-r",
            html="alt",
            hdr="b:koi8-r",
        ),
        Msg(
            "02-03",
            "porucheniya-09-02",
            "outlook",
            TISHCHENKO,
            [EGOROVA, LAPIN],
            "Поручения по итогам совещания 09.02.2021 (ДСП)",
            at(2, 9, 11, 30, 48),
            t("""\
                Коллеги,

                по итогам сегодняшнего совещания у Геннадия Степановича фиксирую поручения. \
                Документ во вложении, в СЭД не регистрировать, дальше по почте не пересылать.

                1. Егоровой А.В. — до 15.02 провести беседу с руководством ООО «Заречинский \
                печатный двор» о нецелесообразности дальнейшего сотрудничества с редакцией \
                газеты «Заречинская заря».
                2. Егоровой А.В. — переговорить с основными рекламодателями газеты, до 19.02 \
                доложить о результатах.
                3. Лапину И.С. (по согласованию) — проработать вопрос по линии полиции в \
                отношении отдельных сотрудников редакции, в первую очередь Сафонова К.А.
                4. Всем — контакты с редакцией только через управление информационной \
                политики, комментарии газете не давать.

                Позиция главы однозначная: газету надо закрыть до выборов, любыми законными \
                и не очень способами. Прошу отнестись серьёзно.

                Тищенко О.П."""),
            cc=[MUKHINA],
            charset="windows-1251",
            cte="base64",
            html="alt",
            hdr="b:windows-1251",
            attachments=[
                Attachment("Поручения_09.02.2021.docx", orders_docx(), DOCX, "rfc2047:windows-1251")
            ],
        ),
        Msg(
            "02-04",
            "re-porucheniya-yurist",
            "outlook",
            MUKHINA,
            [TISHCHENKO],
            "RE: Поручения по итогам совещания 09.02.2021 (ДСП)",
            at(2, 9, 12, 2, 15),
            t("""\
                Олег Павлович, добрый день.

                Как юрист обязана предупредить: пункты 1–3 в таком виде могут быть расценены \
                как воспрепятствование законной профессиональной деятельности журналистов \
                (ст. 144 УК РФ). Прошу как минимум не фиксировать подобные поручения в \
                письменном виде и не рассылать их по электронной почте.

                Готова обсудить лично.

                Мухина О.Н.
                начальник юридического отдела"""),
            reply_to="02-03",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "02-05",
            "vstrecha-gusev",
            "outlook",
            EGOROVA,
            [GUSEV],
            "О встрече 15.02",
            at(2, 11, 16, 20, 5),
            t("""\
                Николай Петрович, добрый день!

                Как договорились по телефону, жду Вас в понедельник, 15 февраля, в 10:00, \
                кабинет 214 (второй этаж, левое крыло). Разговор касается распределения \
                муниципальных заказов на полиграфию на 2021 год, а также Ваших прочих клиентов.

                С уважением,
                Егорова Анна Викторовна
                начальник управления информационной политики
                администрации Заречинского муниципального района
                вн. тел. 214"""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "02-06",
            "otvet-gusev",
            "oe",
            GUSEV,
            [EGOROVA],
            "Ответ: О встрече 15.02",
            at(2, 16, 9, 5, 41),
            t("""\
                Анна Викторовна, здравствуйте.

                По итогам вчерашнего разговора: печать «Заречинской зари» с 1 марта \
                прекращаем. Официально — по техническим причинам, ремонт печатной машины, \
                письмо редакции направлю сам.

                Прошу учесть при распределении заказов на бланочную продукцию и календари на \
                второе полугодие, как договаривались.

                Гусев Н.П.
                директор ООО «Заречинский печатный двор»"""),
            reply_to="02-05",
            charset="koi8-r",
            label="windows-1251",
            cte="8bit",
            hdr="b:koi8-r",
        ),
        Msg(
            "02-07",
            "fw-gusev",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "FW: Ответ: О встрече 15.02",
            at(2, 16, 9, 40, 22),
            t("""\
                Олег Павлович,

                вопрос с типографией решён, письмо Гусева во вложении. С 1 марта «Зарю» он \
                не печатает, официальная причина — ремонт машины.

                Взамен Гусев рассчитывает на заказ по календарям и бланкам на второе \
                полугодие, это надо будет учесть, иначе история может всплыть.

                А.В."""),
            rfc822=["02-06"],
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "02-08",
            "reklama",
            "iphone",
            EGOROVA_EN,
            [SAVCHENKO],
            "Реклама",
            at(2, 17, 13, 12, 50),
            t("""\
                Роман Игоревич, добрый день!

                Как обсуждали, направляю контакты рекламной службы «Заречинского вестника»: \
                reklama@vestnik-zar.test, Светлана. Размещение для Вас будет на 30% дешевле, \
                чем в «Заре», и с гарантированной полосой.

                Геннадий Степанович просил передать, что рассчитывает на понимание, в том \
                числе в вопросе с площадкой у торгового центра.

                А. Егорова

                Отправлено с iPhone"""),
            charset="utf-8",
            html="alt",
            hdr="b:utf-8",
        ),
        Msg(
            "02-09",
            "re-reklama",
            "gmail",
            SAVCHENKO,
            [EGOROVA_EN],
            "Re: Реклама",
            at(2, 17, 15, 31, 2),
            t("""\
                Анна Викторовна, добрый день.

                Понял. С марта снимаем наш модуль в «Заре» и переходим в «Вестник», \
                Светлане позвоню сегодня.

                По площадке у ТЦ очень прошу, чтобы вопрос решился до конца месяца — у нас \
                договор с подрядчиком, сроки горят.

                Р. Савченко
                «Автомир-Заречье»"""),
            reply_to="02-08",
            quote="gmail_ru",
            charset="utf-8",
            html="alt",
            hdr="b:utf-8",
        ),
        Msg(
            "02-10",
            "zar-admin-smi",
            "outlook",
            EGOROVA,
            [LIST],
            "[zar-admin] О порядке взаимодействия со СМИ",
            at(2, 19, 10, 0, 12),
            t("""\
                Уважаемые коллеги!

                В связи с участившимися случаями публикации недостоверной информации о \
                деятельности администрации Заречинского муниципального района напоминаю \
                порядок взаимодействия со средствами массовой информации.

                1. Все запросы СМИ, в том числе устные, направляются в управление \
                информационной политики (каб. 214, вн. тел. 214).
                2. Сотрудникам администрации и подведомственных учреждений запрещается давать \
                комментарии корреспондентам газеты «Заречинская заря», в том числе в частном \
                порядке и в социальных сетях.
                3. О любых обращениях сотрудников «Заречинской зари» необходимо в тот же день \
                сообщать в управление информационной политики.

                Руководителей подведомственных учреждений прошу довести настоящее письмо до \
                сотрудников под подпись.

                Егорова А.В.
                начальник управления информационной политики
                _______________________________________________
                zar-admin mailing list
                zar-admin@lists.zarechensk-admin.test
                http://lists.zarechensk-admin.test/mailman/listinfo/zar-admin"""),
            charset="koi8-r",
            cte="8bit",
            hdr="q:koi8-r",
            via_list=True,
            crlf=False,
            delivered_to=SHUBINA,
        ),
        Msg(
            "02-11",
            "re-zar-admin-smi",
            "thunderbird",
            SHUBINA,
            [LIST],
            "Re: [zar-admin] О порядке взаимодействия со СМИ",
            at(2, 19, 10, 47, 30),
            t("""\
                Анна Викторовна, добрый день.

                Уточните, пожалуйста: это распространяется и на ответы на официальные \
                запросы редакции по закону о СМИ? У нас в работе запрос «Зари» по \
                организации питания в школьной столовой, срок ответа — 25 февраля.

                Шубина Т.Л.
                директор МБОУ «СОШ № 2 г. Заречинска»"""),
            reply_to="02-10",
            quote="thunderbird_ru",
            charset="utf-8",
            cte="8bit",
            hdr="b:utf-8",
            flowed=True,
            via_list=True,
            delivered_to=EGOROVA,
            split_names=True,
        ),
        Msg(
            "02-12",
            "re-zar-admin-shubina",
            "outlook",
            EGOROVA,
            [SHUBINA],
            "RE: [zar-admin] О порядке взаимодействия со СМИ",
            at(2, 19, 11, 20, 44),
            t("""\
                Татьяна Леонидовна, добрый день.

                Да, распространяется. Запрос «Зари» перешлите мне, ответ подготовим сами. \
                Самостоятельно редакции ничего не направляйте, в том числе в установленный \
                законом срок, — за срок отвечаю я.

                И, пожалуйста, больше не пишите такие вопросы в общую рассылку.

                А.В. Егорова"""),
            reply_to="02-11",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
    ]


# --------------------------------------------------------------------------
# Annex 3: personal data on the newspaper's staff (late February 2021)
# --------------------------------------------------------------------------

STAFF_LIST = t("""\
    Редакция газеты «Заречинская заря» — сведения на 25.02.2021
    (собрано без официальных запросов)

    1. Воронова Елена Аркадьевна — главный редактор.
       Адрес: г. Заречинск, ул. Лесная, д. 3, кв. 41.
       Автомобиля нет, ездит на рейсовом автобусе № 4.
       Родственники: сын — студент Ольховского аграрного техникума;
       сестра — завуч МБОУ «СОШ № 2 г. Заречинска».

    2. Сафонов Кирилл Андреевич — корреспондент.
       Адрес: г. Заречинск, ул. Садовая, д. 14, кв. 7.
       Автомобиль: Лада Веста, серая, ночует во дворе дома.
       Выезжает из дома в 7:30–7:45, маршрут: Садовая — Мира — редакция.
       Родственники: жена — медсестра ЦРБ (хирургическое отделение).

    3. Белова Дарья Олеговна — фотокорреспондент.
       Адрес: г. Заречинск, ул. Строителей, д. 9, кв. 18 (съёмная).
       Родственники: отец — водитель МУП «Благоустройство».

    4. Шестаков Павел Ильич — верстальщик, выпускающий.
       Адрес: пос. Ольховка, ул. Центральная, д. 27.

    5. Ильина Нина Сергеевна — бухгалтер (совместитель).
       Основное место работы — ООО «Агроторг-Заречье».
    """)


def annex_03() -> list[Msg]:
    """Annex 3: the order to collect personal data and what was collected."""
    photo_a = make_png(32, 24, "podezd", "photo")
    photo_b = make_png(32, 24, "avto", "photo")
    return [
        Msg(
            "03-01",
            "sotrudniki-redaktsii",
            "outlook",
            TISHCHENKO,
            [LAPIN],
            "Сотрудники редакции",
            at(2, 22, 9, 20, 31),
            t("""\
                Игорь Сергеевич, добрый день.

                В продолжение п. 3 поручений от 09.02. Нужна полная картина по редакции \
                «Зари», не только по Сафонову.

                Собрать по каждому сотруднику редакции: домашний адрес, машина, где работают \
                родственники. В первую очередь — Сафонов, Воронова, Белова (фотограф).

                Срок — до 1 марта. Официальных запросов не делать.

                Тищенко О.П."""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "03-02",
            "fw-sotrudniki",
            "outlook14",
            LAPIN,
            [DEMCHENKO],
            "FW: Сотрудники редакции",
            at(2, 22, 10, 5, 17),
            t("""\
                Сергей Викторович, исполнить. Через ИЦ и официальные базы не запрашивать, \
                по своим каналам. Результат — мне лично, не с рабочей почты.

                Лапин"""),
            forward_of="03-01",
            quote="outlook_ru",
            charset="koi8-r",
            cte="base64",
            hdr="q:koi8-r",
        ),
        Msg(
            "03-03",
            "redaktsiya-spisok",
            "mailru",
            DEMCHENKO_P,
            [LAPIN],
            "редакция",
            at(2, 25, 18, 44, 9, MSK),
            t("""\
                Игорь Сергеевич, добрый вечер.

                По редакции собрал, что смог, подробно — в файле.

                Коротко по основным. Сафонов: Лада Веста серого цвета, ставит во дворе дома \
                14 по Садовой, из дома выезжает около 7:30. Жена — медсестра в ЦРБ. \
                Воронова: живёт одна, сын учится в Ольховском аграрном техникуме, сестра — \
                завуч в школе № 2. Белова: отец работает водителем в МУП «Благоустройство».

                С рабочей почты не отправлял, как Вы сказали.

                Демченко"""),
            charset="utf-8",
            cte="base64",
            html="alt",
            hdr="b:utf-8",
            attachments=[
                Attachment(
                    "сотрудники_редакции.txt",
                    STAFF_LIST.replace("\n", "\r\n").encode("windows-1251") + b"\r\n",
                    "text/plain; charset=windows-1251",
                    "rfc2231",
                )
            ],
        ),
        Msg(
            "03-04",
            "fw-redaktsiya",
            "outlook14",
            LAPIN,
            [TISHCHENKO],
            "FW: редакция",
            at(2, 26, 8, 10, 55),
            t("""\
                Олег Павлович, по Вашему поручению от 22.02 — во вложении. Прошу дальше не \
                распространять.

                Лапин И.С."""),
            rfc822=["03-03"],
            charset="koi8-r",
            hdr="q:koi8-r",
        ),
        Msg(
            "03-05",
            "fw-fw-redaktsiya",
            "outlook",
            TISHCHENKO,
            [EGOROVA],
            "FW: FW: редакция",
            at(2, 26, 9, 30, 2),
            t("""\
                Анна Викторовна, для информации, лично.

                Посмотрите по родственникам, кто из них у нас в бюджетной сфере и через кого \
                можно выйти на разговор.

                Т."""),
            forward_of="03-04",
            quote="outlook_ru",
            rfc822=["03-03"],
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "03-06",
            "re-rodstvenniki",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "RE: FW: FW: редакция",
            at(3, 1, 12, 0, 40),
            t("""\
                Олег Павлович,

                посмотрела. Жена Сафонова — ЦРБ, это областное подчинение, не наше; можно \
                через Сомову, она знает главврача. Сестра Вороновой — завуч в школе № 2, это \
                наша система, директор — Шубина, вопросов не будет. Отец Беловой — водитель \
                МУП «Благоустройство», тоже наш.

                Предлагаю пока никаких действий, держать в резерве.

                А.В."""),
            reply_to="03-05",
            quote="outlook_ru",
            charset="koi8-r",
            html="alt",
            hdr="b:koi8-r",
        ),
        Msg(
            "03-07",
            "foto",
            "mailru",
            DEMCHENKO_P,
            [LAPIN],
            "фото",
            at(3, 2, 16, 5, 27, MSK),
            t("""\
                Игорь Сергеевич, Олег Павлович,

                фото Сафонова у подъезда и его машины во дворе, снимал вчера вечером. \
                Машина стоит на одном месте, под окнами, камер во дворе нет.

                Демченко"""),
            cc=[TISHCHENKO],
            charset="utf-8",
            cte="base64",
            html="alt",
            hdr="b:utf-8",
            attachments=[
                Attachment("Сафонов_подъезд.png", photo_a, "image/png", "rfc2047:UTF-8"),
                Attachment("Сафонов_авто.png", photo_b, "image/png", "rfc2047:UTF-8"),
            ],
        ),
        Msg(
            "03-08",
            "re-foto",
            "outlook",
            TISHCHENKO,
            [DEMCHENKO_P],
            "RE: фото",
            at(3, 3, 17, 40, 18),
            t("""\
                Сергей Викторович, принято. Дальше по плану, обсудим в среду лично.

                На личную почту больше ничего с фотографиями людей не присылайте.

                Т."""),
            cc=[LAPIN],
            reply_to="03-07",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
    ]


# --------------------------------------------------------------------------
# Annex 4: the weapons accusation is planned (4-15 March 2021)
# --------------------------------------------------------------------------


def annex_04() -> list[Msg]:
    """Annex 4: the meeting of 10 March and the plan to 'find' a pistol."""
    return [
        Msg(
            "04-01",
            "po-safonovu-varianty",
            "outlook14",
            LAPIN,
            [TISHCHENKO],
            "По Сафонову: варианты",
            at(3, 4, 9, 10, 44),
            t("""\
                Олег Павлович, добрый день.

                По линии административных правонарушений у Сафонова ничего серьёзного нет: \
                два штрафа ГИБДД за прошлый год, оба оплачены. Проверка по экстремизму по \
                последним публикациям ничего не даст — эксперт в области ещё в январе отказал.

                Если нужен результат, который остановит газету, нужен повод посерьёзнее — \
                уголовная статья. Варианты есть, по почте подробности писать не буду. Готов \
                обсудить лично.

                Лапин И.С.
                начальник ОМВД по Заречинскому району"""),
            charset="koi8-r",
            cte="base64",
            hdr="q:koi8-r",
        ),
        Msg(
            "04-02",
            "re-po-safonovu",
            "outlook",
            TISHCHENKO,
            [LAPIN],
            "RE: По Сафонову: варианты",
            at(3, 4, 10, 32, 9),
            t("""\
                Игорь Сергеевич, согласен.

                Обсудим в среду, 10.03, в 15:00 у меня, без секретаря. Пригласите Демченко, \
                раз он уже в теме. Марина Юрьевна его встретит.

                Т."""),
            reply_to="04-01",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "04-03",
            "sreda-15-00",
            "thebat",
            KORNEEVA_P,
            [DEMCHENKO_P],
            "Среда, 15:00",
            at(3, 5, 11, 2, 33),
            t("""\
                Сергей Викторович, добрый день.

                Олег Павлович просил быть в среду, 10 марта, в 15:00, кабинет 301. \
                Заходите через правое крыло, со стороны гаражей. В журнале посетителей на \
                вахте не записывайтесь, я Вас встречу внизу.

                Корнеева Марина
                приёмная О.П. Тищенко"""),
            charset="windows-1251",
            cte="8bit",
            hdr="b:windows-1251",
            raw_from="windows-1251",
        ),
        Msg(
            "04-04",
            "re-sreda-15-00",
            "mailru",
            DEMCHENKO_P,
            [KORNEEVA_P],
            "Re: Среда, 15:00",
            at(3, 5, 13, 17, 40, MSK),
            t("""\
                Марина, понял, буду в 14:55 у правого крыла.

                Сергей"""),
            reply_to="04-03",
            quote="mailru_hdr",
            charset="utf-8",
            cte="base64",
            html="alt",
            hdr="b:utf-8",
        ),
        Msg(
            "04-05",
            "itogi-10-03",
            "outlook",
            TISHCHENKO,
            [LAPIN, DEMCHENKO],
            "Итоги 10.03",
            at(3, 10, 17, 45, 26),
            t("""\
                Игорь Сергеевич, Сергей Викторович,

                фиксирую, о чём договорились, чтобы потом не было разночтений.

                1. Досмотр автомобиля Сафонова — во вторник, 16 марта, утром, во дворе дома \
                14 по Садовой, когда он поедет в редакцию.
                2. При досмотре у Сафонова должен быть обнаружен пистолет, остальное — дело \
                техники. Обеспечивает Сергей Викторович.
                3. Понятые — на мне, см. отдельно.
                4. Обвинение по статье 222 УК готовим заранее, чтобы к обеду 16-го была \
                готова информация для прессы.
                5. Анна Викторовна готовит текст для СМИ, без подробностей о происхождении \
                оружия.

                Прошу письмо после прочтения удалить.

                Т."""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "04-06",
            "re-itogi-demchenko",
            "thunderbird",
            DEMCHENKO,
            [TISHCHENKO],
            "Re: Итоги 10.03",
            at(3, 10, 18, 20, 51),
            t("""\
                Олег Павлович,

                по п. 2 — с пистолетом вопрос решу сам: ПМ из вещдоков по прошлогоднему делу \
                Кравца, по акту списан на уничтожение, но фактически у меня. Номер сбит, \
                отпечатков на нём не будет. Положим в перчаточный ящик.

                Демченко С.В."""),
            cc=[LAPIN],
            reply_to="04-05",
            quote="thunderbird_ru",
            charset="koi8-r",
            cte="8bit",
            hdr="b:koi8-r",
        ),
        Msg(
            "04-07",
            "re-itogi-lapin",
            "outlook14",
            LAPIN,
            [DEMCHENKO, TISHCHENKO],
            "RE: Итоги 10.03",
            at(3, 10, 19, 2, 37),
            t("""\
                Сергей Викторович, я же просил — никаких подробностей по почте. Остальное \
                завтра у меня в 8:30.

                Олег Павлович, Ваше письмо тоже лучше удалить.

                Лапин"""),
            reply_to="04-06",
            quote="outlook_ru",
            charset="koi8-r",
            hdr="q:koi8-r",
        ),
        Msg(
            "04-08",
            "fw-itogi",
            "outlook",
            TISHCHENKO,
            [EGOROVA],
            "FW: Итоги 10.03",
            at(3, 11, 8, 30, 14),
            t("""\
                Анна Викторовна, п. 5 — Ваш. Текст нужен к пятнице, согласуем. Происхождение \
                и детали не упоминать, только факт и статья.

                Т."""),
            forward_of="04-05",
            quote="outlook_en",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "04-09",
            "re-fw-itogi",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "RE: FW: Итоги 10.03",
            at(3, 11, 9, 15, 50),
            t("""\
                Олег Павлович, поняла.

                Черновик набросаю сегодня. Предлагаю сразу подключить лондонских \
                консультантов, с которыми работали по инвестфоруму, — после истории с \
                Ольховским карьером иностранные НКО будут раскручивать любую новость про \
                журналистов, нужна англоязычная версия в тот же день.

                А.В."""),
            reply_to="04-08",
            quote="outlook_ru",
            charset="koi8-r",
            html="alt",
            hdr="b:koi8-r",
        ),
        Msg(
            "04-10",
            "infopovod-oblast",
            "outlook",
            TISHCHENKO,
            [SOMOVA],
            "Информационный повод на следующей неделе",
            at(3, 12, 14, 5, 19),
            t("""\
                Ирина Геннадьевна, добрый день.

                На следующей неделе, ориентировочно во вторник, у нас будет серьёзный \
                информационный повод по «Заречинской заре» — уголовное дело в отношении их \
                корреспондента. Просьба подключить областные СМИ, текст пришлёт Егорова. \
                Подробности — при встрече.

                С уважением,
                О.П. Тищенко"""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "04-11",
            "otvet-somova",
            "notes",
            SOMOVA,
            [TISHCHENKO],
            "Ответ: Информационный повод на следующей неделе",
            at(3, 12, 15, 40, 3),
            t("""\
                Олег Павлович, добрый день.

                Поняла, областные СМИ подключим, пусть Анна Викторовна пришлёт текст заранее.

                Одна просьба: чтобы всё было чисто с процессуальной стороны. После истории в \
                Ольховке нам второй скандал с журналистами в области не нужен, тем более \
                перед выборами.

                И.Г. Сомова
                председатель комитета по информационной политике
                Верхнеольской области"""),
            reply_to="04-10",
            charset="koi8-r",
            cte="base64",
            hdr="b:koi8-r",
        ),
        Msg(
            "04-12",
            "zavtra",
            "iphone",
            LAPIN_EN,
            [DEMCHENKO],
            "Завтра",
            at(3, 15, 21, 10, 8),
            t("""\
                Завтра в 7:00 у меня, потом сразу на Садовую. Обвинения по 222-й заранее \
                никому не озвучивать, кроме своих. Рыжов будет в 7:15 у «Светланы».

                Л.

                Отправлено с iPhone"""),
            charset="utf-8",
            hdr="q:utf-8",
        ),
    ]


# --------------------------------------------------------------------------
# Annex 5: the search of 16 March and the backdated registration
# --------------------------------------------------------------------------


def protocol_docx() -> bytes:
    """Return the electronic copy of the search protocol.

    Its core.xml says it was created on the evening of 15 March, the day
    before the search it describes.
    """
    return make_docx(
        [
            "ПРОТОКОЛ",
            "досмотра транспортного средства",
            "г. Заречинск, ул. Садовая, д. 14 (во дворе)          16 марта 2021 г.",
            "Досмотр начат в 07 ч 42 мин, окончен в 08 ч 15 мин.",
            "Старший оперуполномоченный ОУР ОМВД по Заречинскому району майор полиции "
            "Демченко С.В. в присутствии понятых:",
            "1. Рыжов Виталий Андреевич, 1986 г.р., зарегистрирован: г. Заречинск, "
            "ул. Строителей, д. 5, кв. 12;",
            "2. Зуева Галина Петровна, 1961 г.р., зарегистрирована: г. Заречинск, "
            "ул. Мира, д. 22, кв. 3,",
            "произвёл досмотр транспортного средства Лада Веста, находящегося под управлением "
            "Сафонова Кирилла Андреевича.",
            "В ходе досмотра в перчаточном ящике обнаружен пистолет конструкции Макарова (ПМ) "
            "без заводского номера, с магазином, снаряжённым 8 патронами калибра 9 мм.",
            "Изъятое упаковано в полимерный пакет и опечатано.",
            "Замечания: Сафонов К.А. заявил, что пистолет ему не принадлежит и был подброшен.",
            "Понятые: ________ Рыжов В.А.   ________ Зуева Г.П.",
            "Досмотр произвёл: ________ Демченко С.В.",
        ],
        "Протокол досмотра",
        "Демченко С.В.",
        at(3, 15, 22, 17, 40),
    )


def annex_05() -> list[Msg]:
    """Annex 5: reports on the search and the order to backdate the KUSP entry."""
    scan = make_pdf(
        [
            "[SYNTHETIC PLACEHOLDER FOR A SCANNED PAGE - emlkit sample data]",
            "OMVD po Zarechinskomu rayonu",
            "Kniga ucheta soobshcheniy o prestupleniyakh (KUSP)",
            "No. 1188   registered: 12.03.2021 16:40",
            "Raport ob obnaruzhenii priznakov prestupleniya (st. 222 UK RF)",
            "Received by: kap. politsii Kuzmin P.A.",
            "Scanned: 18.03.2021 09:02, MFP-2F",
        ],
        "MFP-2F",
        "20210318090240+06'00'",
    )
    return [
        Msg(
            "05-01",
            "rezultat-dosmotra",
            "thunderbird",
            DEMCHENKO,
            [LAPIN],
            "Результат досмотра",
            at(3, 16, 8, 52, 30),
            t("""\
                Игорь Сергеевич, докладываю.

                В 07:42 во дворе д. 14 по ул. Садовой остановлен а/м Лада Веста под \
                управлением Сафонова К.А. В ходе досмотра в присутствии понятых в перчаточном \
                ящике обнаружен пистолет ПМ без номера, с магазином на 8 патронов. Сафонов \
                доставлен в отдел, от объяснений отказался, требует адвоката, говорит, что \
                пистолет ему подбросили.

                Протокол досмотра составлен на месте. Изъятое упаковано и опечатано.

                Демченко С.В."""),
            charset="koi8-r",
            cte="8bit",
            hdr="b:koi8-r",
        ),
        Msg(
            "05-02",
            "re-rezultat-kusp",
            "outlook14",
            LAPIN,
            [DEMCHENKO],
            "RE: Результат досмотра",
            at(3, 16, 9, 20, 12),
            t("""\
                Сергей Викторович, принято.

                Рапорт об обнаружении признаков преступления зарегистрировать в КУСП задним \
                числом, 12 марта, чтобы всё было до досмотра. Оперативную информацию \
                оформить тоже от 12-го.

                Дежурная часть — исполнить, по номеру доложить мне.

                Лапин"""),
            cc=[DUTY],
            reply_to="05-01",
            quote="outlook_ru",
            charset="koi8-r",
            hdr="q:koi8-r",
        ),
        Msg(
            "05-03",
            "re2-dezhurnaya",
            "thebat",
            DUTY,
            [LAPIN],
            "RE[2]: Результат досмотра",
            at(3, 16, 10, 5, 48),
            t("""\
                Игорь Сергеевич, здравия желаю.

                Книга КУСП за 12.03 закрыта, последний номер за сутки — 1187, следующая \
                запись уже от 13.03. Могу вписать рапорт под номером 1187/1 или переделать \
                лист целиком. Как скажете.

                Оперативный дежурный
                капитан полиции Кузьмин П.А."""),
            reply_to="05-02",
            quote="thebat_ru",
            charset="windows-1251",
            label="koi8-r",
            hdr="b:windows-1251",
        ),
        Msg(
            "05-04",
            "re-list-peredelat",
            "outlook14",
            LAPIN,
            [DUTY],
            "RE: RE[2]: Результат досмотра",
            at(3, 16, 10, 31, 2),
            t("""\
                Лист переделать. Номер 1188, время регистрации — 16:40 12.03. Старый лист — \
                мне лично, в журнал ничего не подклеивать.

                Л."""),
            reply_to="05-03",
            quote="outlook_ru",
            charset="koi8-r",
            hdr="q:koi8-r",
        ),
        Msg(
            "05-05",
            "protokol-dosmotra",
            "thunderbird",
            DEMCHENKO,
            [LAPIN],
            "Протокол досмотра",
            at(3, 16, 13, 40, 27),
            t("""\
                Игорь Сергеевич,

                направляю протокол досмотра в электронном виде, для справки. Подписи понятых \
                — на бумажном экземпляре. Второй понятой расписался позже, уже в отделе.

                Демченко С.В."""),
            charset="utf-8",
            hdr="b:utf-8",
            flowed=True,
            attachments=[
                Attachment(
                    "Протокол_досмотра_транспортного_средства_16.03.2021.docx",
                    protocol_docx(),
                    DOCX,
                    "rfc2231-split",
                )
            ],
        ),
        Msg(
            "05-06",
            "po-vtorniku",
            "outlook14",
            LAPIN,
            [TISHCHENKO],
            "По вторнику",
            at(3, 17, 11, 0, 9),
            t("""\
                Олег Павлович, добрый день.

                Материал зарегистрирован в КУСП от 12.03, рапорт и протокол в порядке. Дело \
                возбуждено вчера вечером по ч. 1 ст. 222 УК. Сафонов под обязательством о \
                явке, адвокат из области (Ганиев) уже запросил копии материалов.

                С КУСП вопросов быть не должно.

                Лапин И.С."""),
            charset="koi8-r",
            cte="base64",
            hdr="q:koi8-r",
        ),
        Msg(
            "05-07",
            "re-po-vtorniku",
            "outlook",
            TISHCHENKO,
            [LAPIN],
            "RE: По вторнику",
            at(3, 17, 11, 25, 36),
            t("""\
                Игорь Сергеевич, спасибо. Глава доволен, область в курсе.

                По адвокату подумайте, как максимально затянуть ознакомление с материалами.

                Т."""),
            reply_to="05-06",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "05-08",
            "scan-kusp-1188",
            "scanner",
            SCANNER,
            [LAPIN],
            "Scanned document KUSP_1188",
            at(3, 18, 9, 3, 12),
            t("""\
                Please open the attached document. It was scanned and sent to you using \
                MFP-2F (OMVD, 2nd floor).

                Number of pages: 1
                File format: PDF
                Resolution: 300 dpi"""),
            charset="us-ascii",
            cte="7bit",
            message_id=False,
            attachments=[Attachment("KUSP_1188_scan.pdf", scan, "application/pdf")],
        ),
        Msg(
            "05-09",
            "advokat",
            "mailru-mobile",
            DEMCHENKO_P,
            [LAPIN],
            "адвокат",
            at(3, 19, 13, 10, 45, MSK),
            t("""\
                Игорь Сергеевич, адвокат Сафонова письменно требует видеозапись с \
                регистратора служебной машины за 16.03. Запись за это утро «не сохранилась», \
                карта памяти перезаписана — так и отвечу.

                Понятой Рыжов на связи, на допрос придёт. Второй — как договаривались.

                Демченко

                Отправлено из мобильной Почты Mail.zar"""),
            charset="utf-8",
            cte="base64",
            html="only",
            hdr="b:utf-8",
        ),
    ]


# --------------------------------------------------------------------------
# Annex 6: the press statement, written before the search (11-29 March)
# --------------------------------------------------------------------------

STATEMENT_EN = [
    "DRAFT - NOT FOR DISTRIBUTION",
    "Statement of the Zarechensk District Administration",
    "On 16 March 2021, during an inspection of a vehicle in Zarechensk, police officers "
    "found a pistol in the glove compartment of a car belonging to K. Safonov, a reporter "
    "for a local newspaper. A criminal case has been opened under Article 222 of the "
    "Criminal Code (illegal possession of firearms).",
    "The Administration respects the work of independent media. This case is not related "
    "to Mr Safonov's professional activity. The investigation will be conducted in full "
    "accordance with the law.",
]


def press_release_docx() -> bytes:
    """Return the Russian draft press release (created 12 March, 4 days early)."""
    return make_docx(
        [
            "ПРОЕКТ",
            "Сообщение для СМИ",
            "16 марта 2021 года в ходе досмотра автомобиля, принадлежащего корреспонденту "
            "газеты «Заречинская заря» К. Сафонову, сотрудниками ОМВД по Заречинскому району "
            "в перчаточном ящике был обнаружен пистолет. Время досмотра: [уточнить].",
            "По факту незаконного хранения оружия возбуждено уголовное дело по ч. 1 ст. 222 УК РФ.",
            "Администрация Заречинского муниципального района уважает работу независимых "
            "средств массовой информации и подчёркивает, что данное происшествие не связано "
            "с профессиональной деятельностью журналиста.",
        ],
        "Пресс-релиз (проект)",
        "Егорова А.В.",
        at(3, 12, 9, 41, 5),
    )


def annex_06() -> list[Msg]:
    """Annex 6: drafts exchanged with the London PR consultants and the release."""
    created = at(3, 11, 16, 2, 0)
    draft_v1 = make_docx(STATEMENT_EN, "Press statement DRAFT v1", "A. Egorova", created)
    draft_v2 = make_pdf(
        ["DRAFT v2 (Harwick & Lane edits) - 11 March 2021", "", *STATEMENT_EN[1:]],
        "J. Marlow",
        "20210311141500Z",
    )
    coverage = make_pdf(
        [
            "Harwick & Lane Communications - coverage summary, 16-26 March 2021",
            "Client: Zarechensk District Administration (SYNTHETIC SAMPLE)",
            "Regional outlets: 14 items, all quoting the statement",
            "Federal outlets: 3 items",
            "International: 2 items citing the English statement",
            "NGO enquiries: 2 (incl. Northlight Media Defence) - not answered",
        ],
        "P. Nair",
        "20210329081000+01'00'",
    )
    media_list = t("""\
        Outlet / organisation          Contact                        Notes
        The Northern Ledger (fict.)    desk@ledger.example.net        brief after 07:00 UK
        Baltic Wire (fict.)            news@balticwire.example.com    English text only
        Media Watch Europe (fict.)     info@mwe.example.org           NGO - do not pitch
        Press Freedom Desk (fict.)     alerts@pfd.example.org         NGO - monitor only
        """)
    return [
        Msg(
            "06-01",
            "statement-draft",
            "outlook",
            EGOROVA_A,
            [MARLOW],
            "Statement on local criminal case - draft for review",
            at(3, 11, 16, 45, 27),
            t("""\
                Dear James,

                As discussed on the phone, please find attached the draft statement in \
                English. It concerns a criminal case against a reporter of the local \
                newspaper "Zarechenskaya Zarya", which we expect to be opened next week.

                The key message is simple: this is an ordinary criminal matter (illegal \
                possession of a firearm) and has nothing to do with his journalism. Please \
                adapt the tone for international audiences, NGOs and foreign correspondents.

                Planned release: Tuesday 16 March, around noon local time (06:00 London).

                Best regards,
                Anna Yegorova
                Head of Information Policy Department
                Zarechensk District Administration"""),
            charset="us-ascii",
            html="alt",
            hdr="b:utf-8",
            attachments=[Attachment("Press_statement_DRAFT_v1.docx", draft_v1, DOCX)],
        ),
        Msg(
            "06-02",
            "re-statement-draft",
            "gmail",
            MARLOW,
            [EGOROVA_A],
            "Re: Statement on local criminal case - draft for review",
            at(3, 11, 14, 20, 5, UTC),
            t("""\
                Dear Anna,

                Thanks, received. A few notes on the draft:

                1. We would say "found" rather than "discovered", and avoid any detail on how \
                the police came to stop the car.
                2. Add a line that the investigation will be conducted "in full accordance \
                with the law".
                3. Do not name the newspaper in the headline.

                Attached is the revised statement for Tuesday. Please do not circulate before \
                the search has actually taken place.

                Best,
                James

                James Marlow | Harwick & Lane Communications | London"""),
            reply_to="06-01",
            quote="gmail_en",
            charset="utf-8",
            html="alt",
            attachments=[
                Attachment("Press_statement_DRAFT_v2_HL.pdf", draft_v2, "application/pdf")
            ],
        ),
        Msg(
            "06-03",
            "press-reliz-proekt",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "Пресс-релиз — проект",
            at(3, 12, 10, 10, 31),
            t("""\
                Олег Павлович,

                проект сообщения для СМИ на вторник — во вложении. Английскую версию \
                согласовали с лондонскими консультантами, выложим одновременно, в 12:00.

                Время досмотра впишу по факту, остальное готово.

                А.В. Егорова"""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
            attachments=[
                Attachment(
                    "Пресс-релиз_Сафонов_проект.docx", press_release_docx(), DOCX, "rfc2047:koi8-r"
                )
            ],
        ),
        Msg(
            "06-04",
            "re-press-reliz",
            "outlook",
            TISHCHENKO,
            [EGOROVA],
            "RE: Пресс-релиз — проект",
            at(3, 12, 11, 30, 47),
            t("""\
                Убрать «по оперативной информации» — лишние вопросы. Про номер на пистолете \
                тоже ничего. Остальное — ок, согласовано с главой.

                Т."""),
            reply_to="06-03",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "06-05",
            "media-list",
            "gmail",
            NAIR,
            [EGOROVA_A],
            "Tuesday: media list",
            at(3, 15, 10, 5, 40, UTC),
            t("""\
                Hi Anna,

                Ahead of tomorrow, attached is the list of foreign correspondents and NGO \
                contacts we would brief once the statement is out. James will send the final \
                English text tonight.

                Could you confirm by 06:00 London time that the police action has taken \
                place? We will not send anything before your confirmation.

                Kind regards,
                Priya

                Priya Nair | Harwick & Lane Communications"""),
            cc=[MARLOW],
            charset="us-ascii",
            cte="7bit",
            html="alt",
            attachments=[
                Attachment("media_list.txt", (media_list + "\n").encode("ascii"), "text/plain")
            ],
        ),
        Msg(
            "06-06",
            "re-media-list-ready",
            "gmail",
            MARLOW,
            [EGOROVA_A],
            "Re: Tuesday: media list",
            at(3, 16, 1, 15, 22, UTC),
            t("""\
                Anna,

                We are ready on our side. Is it done? We will push the English version at \
                07:00 UK time once you confirm.

                J."""),
            reply_to="06-05",
            quote="gmail_en",
            charset="utf-8",
            html="alt",
        ),
        Msg(
            "06-07",
            "re-media-list-done",
            "iphone",
            EGOROVA_EN,
            [MARLOW],
            "Re: Tuesday: media list",
            at(3, 16, 8, 3, 10),
            t("""\
                Done, 07:42 local. Go ahead.

                A.

                Sent from my iPhone"""),
            reply_to="06-06",
            quote="iphone_en",
            charset="utf-8",
        ),
        Msg(
            "06-08",
            "soobshchenie-dlya-smi",
            "outlook",
            PRESS,
            [],
            "Сообщение для СМИ: в Заречинске у журналиста изъят пистолет",
            at(3, 16, 12, 0, 4),
            t("""\
                СООБЩЕНИЕ ДЛЯ СМИ
                16 марта 2021 года

                Сегодня утром в ходе досмотра автомобиля, принадлежащего корреспонденту \
                газеты «Заречинская заря» К. Сафонову, сотрудниками ОМВД по Заречинскому \
                району был обнаружен пистолет. По факту незаконного хранения оружия \
                проводится проверка.

                Администрация Заречинского муниципального района уважает работу независимых \
                средств массовой информации и подчёркивает, что данное происшествие не \
                связано с профессиональной деятельностью журналиста. Расследование будет \
                проведено в полном соответствии с законом.

                Пресс-служба администрации Заречинского муниципального района"""),
            to_header="undisclosed-recipients:;",
            delivered_to=EGOROVA,
            charset="utf-8",
            cte="base64",
            html="alt",
            hdr="b:utf-8",
        ),
        Msg(
            "06-09",
            "monitoring-16-17",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "Мониторинг публикаций 16–17.03",
            at(3, 17, 16, 20, 5),
            t("""\
                Олег Павлович,

                мониторинг публикаций за 16–17 марта:
                — областные СМИ: 14 публикаций, все по нашему релизу;
                — федеральные: 3, две из них со ссылкой на адвоката;
                — иностранные: 2, со ссылкой на английский текст Harwick & Lane;
                — соцсети: обсуждение в основном в группе «Заречинск сегодня», около 900 \
                комментариев.

                Диаграмма ниже. Позиция редакции («пистолет подброшен») пока прошла только в \
                их собственном канале.

                А.В."""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
            inline=[
                Attachment(
                    "image001.png",
                    make_png(60, 32, "chart", "chart"),
                    "image/png",
                    content_id="image001.png@01D71B2C.5E6F7A80",
                )
            ],
        ),
        Msg(
            "06-10",
            "coverage-summary",
            "gmail",
            MARLOW,
            [EGOROVA_A],
            "Coverage summary, 16-26 March",
            at(3, 29, 9, 12, 40, BST),
            t("""\
                Dear Anna,

                Please find attached the coverage summary for 16-26 March.

                Two NGOs (including Northlight Media Defence) have asked us who prepared the \
                English statement and when. Our recommendation is not to respond and not to \
                comment on timing.

                Best,
                James"""),
            charset="utf-8",
            html="alt",
            attachments=[Attachment("Coverage_summary_March.pdf", coverage, "application/pdf")],
        ),
    ]


# --------------------------------------------------------------------------
# Annex 7: the attesting witnesses (12-18 March 2021)
# --------------------------------------------------------------------------


def annex_07() -> list[Msg]:
    """Annex 7: one witness came from the administration; the other is unknown."""
    return [
        Msg(
            "07-01",
            "poruchenie-na-16-03",
            "outlook",
            TISHCHENKO,
            [RYZHOV],
            "Поручение на 16.03",
            at(3, 12, 16, 20, 41),
            t("""\
                Виталий Андреевич,

                во вторник, 16 марта, к 7:15 будьте у магазина «Светлана» на Садовой. \
                Подойдёт сотрудник полиции Демченко Сергей Викторович, будете понятым при \
                досмотре автомобиля. Что и где подписывать, он объяснит.

                На работу выйдете к обеду, с кадрами согласовано. О поручении никому не \
                рассказывать, в том числе коллегам по отделу.

                Тищенко О.П."""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "07-02",
            "otv-poruchenie",
            "outlook",
            RYZHOV,
            [TISHCHENKO],
            "Отв: Поручение на 16.03",
            at(3, 12, 16, 45, 3),
            t("""\
                Олег Павлович, понял. Буду в 7:10.

                Рыжов В.А."""),
            reply_to="07-01",
            quote="outlook_ru",
            charset="koi8-r",
            html="alt",
            hdr="b:koi8-r",
        ),
        Msg(
            "07-03",
            "ponyatye",
            "outlook",
            TISHCHENKO,
            [LAPIN],
            "RE: Итоги 10.03",
            at(3, 12, 17, 2, 55),
            t("""\
                Игорь Сергеевич, по п. 3.

                Понятой будет Рыжов из нашего хозяйственного отдела, он в курсе, что \
                подписывать. Второго понятого обеспечьте сами — лучше не из наших, чтобы не \
                было вопросов.

                Т."""),
            reply_to="04-07",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "07-04",
            "ryzhov-kadry",
            "outlook",
            KORNEEVA,
            [KADRY],
            "Рыжов В.А. — 16.03",
            at(3, 15, 10, 15, 28),
            t("""\
                Добрый день.

                Прошу отметить Рыжову Виталию Андреевичу 16.03.2021 с 7:00 до 13:00 \
                служебное задание по поручению О.П. Тищенко. Командировочное не оформлять, в \
                журнале выхода не отражать.

                Корнеева М.Ю.
                помощник первого заместителя главы администрации"""),
            charset="utf-8",
            label="windows-1251",
            cte="base64",
            hdr="b:windows-1251",
        ),
        Msg(
            "07-05",
            "fw-ponyatye",
            "outlook14",
            LAPIN,
            [DEMCHENKO],
            "FW: RE: Итоги 10.03",
            at(3, 15, 19, 30, 12),
            t("""\
                Сергей Викторович, второго — сам, как договаривались. Не из администрации.

                Л."""),
            forward_of="07-03",
            quote="outlook_ru",
            charset="koi8-r",
            hdr="q:koi8-r",
        ),
        Msg(
            "07-06",
            "peresl-dopros",
            "mailru",
            RYZHOV_P,
            [TISHCHENKO],
            "Пересл: Вызов на допрос 19.03.2021",
            at(3, 18, 8, 12, 19, MSK),
            t("""\
                Олег Павлович, добрый день.

                Пересылаю, пришло вчера вечером от следователя. Вызывают в пятницу на допрос \
                как понятого. Что мне говорить?

                Рыжов"""),
            forward_of="07-00",
            quote="fwd_mailru",
            charset="utf-8",
            cte="base64",
            html="alt",
            hdr="b:utf-8",
        ),
        Msg(
            "07-07",
            "re-peresl-dopros",
            "outlook",
            TISHCHENKO,
            [RYZHOV_P],
            "RE: Пересл: Вызов на допрос 19.03.2021",
            at(3, 18, 11, 20, 40),
            t("""\
                Виталий Андреевич, говорить ровно то, что написано в протоколе. Больше \
                ничего, своими словами не дополнять. Если будут спрашивать, как Вы там \
                оказались, — проходили мимо, позвали сотрудники полиции.

                Т."""),
            reply_to="07-06",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        # Not in the leak: only known because 07-06 forwards it inline.
        Msg(
            "07-00",
            "vyzov-na-dopros",
            "thunderbird",
            NESTERENKO,
            [RYZHOV_P],
            "Вызов на допрос 19.03.2021",
            at(3, 17, 18, 40, 2),
            t("""\
                Виталий Андреевич, добрый вечер.

                Прошу Вас явиться 19.03.2021 к 10:00 в ОМВД по Заречинскому району, каб. 12, \
                для допроса в качестве свидетеля по уголовному делу № 12101710012000145. При \
                себе иметь паспорт.

                Следователь СО ОМВД по Заречинскому району
                лейтенант юстиции Нестеренко А.А."""),
            written=False,
        ),
    ]


# --------------------------------------------------------------------------
# Annex 8: the order to delete the correspondence (23 March - 5 April 2021)
# --------------------------------------------------------------------------


def annex_08() -> list[Msg]:
    """Annex 8: deletion of mailboxes, backups and access logs after the complaint."""
    return [
        Msg(
            "08-01",
            "zaydite",
            "outlook",
            TISHCHENKO,
            [FEDOROV],
            "Зайдите",
            at(3, 23, 9, 15, 40),
            t("""\
                Денис Игоревич, зайдите ко мне в 10:00, есть срочный вопрос по почтовому \
                серверу.

                Т."""),
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "08-02",
            "po-itogam-razgovora",
            "outlook",
            TISHCHENKO,
            [FEDOROV],
            "По итогам разговора",
            at(3, 23, 11, 40, 22),
            t("""\
                Денис Игоревич, по итогам разговора.

                Всю переписку по Сафонову и по газете удалить с сервера до 1 апреля, \
                резервные копии тоже. Ящики: мой, Егоровой, Корнеевой, Рыжова. Журналы \
                доступа к почте за февраль и март — тоже.

                Исполнение подтвердить устно.

                Т."""),
            cc=[EGOROVA],
            charset="windows-1251",
            cte="base64",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "08-03",
            "re-itogi-fedorov",
            "outlook",
            FEDOROV,
            [TISHCHENKO],
            "RE: По итогам разговора",
            at(3, 23, 12, 30, 19),
            t("""\
                Олег Павлович,

                технически сделать можно, но:
                1) резервные копии Exchange у нас хранятся 90 дней и дублируются в областной \
                ЦОД, туда у меня доступа нет;
                2) удаление журналов будет видно в аудите сервера;
                3) вчера, 22.03, редакция «Зари» подала жалобу в прокуратуру — если придёт \
                запрос о сохранности данных, удаление будет выглядеть очень плохо.

                Прошу письменное распоряжение. Юридический отдел ставлю в копию.

                Федоров Д.И.
                начальник отдела информационных технологий"""),
            cc=[MUKHINA],
            reply_to="08-02",
            quote="outlook_ru",
            charset="koi8-r",
            html="alt",
            hdr="b:koi8-r",
        ),
        Msg(
            "08-04",
            "re-itogi-mukhina",
            "outlook",
            MUKHINA,
            [TISHCHENKO],
            "RE: По итогам разговора",
            at(3, 23, 14, 2, 48),
            t("""\
                Олег Павлович,

                присоединяюсь к Денису Игоревичу. После жалобы редакции в прокуратуру от \
                22.03 уничтожение служебной переписки может быть расценено как сокрытие \
                доказательств. Настоятельно рекомендую ничего не удалять.

                Мухина О.Н."""),
            cc=[FEDOROV],
            reply_to="08-03",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "08-05",
            "re-itogi-bez-rasporyazheniya",
            "outlook",
            TISHCHENKO,
            [FEDOROV],
            "RE: По итогам разговора",
            at(3, 24, 8, 55, 10),
            t("""\
                Денис Игоревич, письменного распоряжения не будет. Областной ЦОД не трогайте, \
                остальное — как договорились, до 1 апреля.

                Ольгу Николаевну в копию больше не ставьте.

                Т."""),
            reply_to="08-04",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        Msg(
            "08-06",
            "vypolneno",
            "phpmailer",
            FEDOROV,
            [TISHCHENKO],
            "Выполнено",
            at(3, 31, 14, 5, 20),
            t("""\
                Олег Павлович,

                выполнено: ящики почищены, бэкапы за март перезаписаны. Журналы доступа за \
                февраль–март удалены. Областной ЦОД не трогал.

                Письмо отправлено не через Exchange, в журналах его не будет.

                Д.Ф."""),
            charset="utf-8",
            cte="8bit",
            hdr="q:utf-8",
            date_header="31.03.2021 14:05",
        ),
        Msg(
            "08-07",
            "re-lichnye-arkhivy",
            "outlook",
            EGOROVA,
            [TISHCHENKO],
            "RE: Личные архивы",
            at(4, 2, 10, 5, 33),
            t("""\
                Олег Павлович,

                проверила. В личном архиве на ноутбуке (PST) тоже была переписка по «Заре» и \
                по Лондону — удалила. Распечатки поручений от 09.02 уничтожены. Телефон почищу \
                сегодня.

                А.В."""),
            reply_to="08-00",
            quote="outlook_ru",
            charset="koi8-r",
            html="alt",
            hdr="b:koi8-r",
        ),
        Msg(
            "08-08",
            "zapros-tsod",
            "notes",
            SOMOVA,
            [TISHCHENKO],
            "Запрос о сохранности почтовых архивов",
            at(4, 5, 15, 30, 2),
            t("""\
                Олег Павлович, добрый день.

                В областной ЦОД поступил запрос из прокуратуры области о сохранности почтовых \
                архивов администрации Заречинского района за февраль–март. Наши специалисты \
                видят, что 30–31 марта у вас на сервере были массовые удаления и перезапись \
                резервных копий.

                Прошу пояснить, что это было, до того как мы будем отвечать прокуратуре.

                И.Г. Сомова"""),
            charset="koi8-r",
            cte="base64",
            hdr="b:koi8-r",
        ),
        Msg(
            "08-09",
            "re-zapros-tsod",
            "outlook",
            TISHCHENKO,
            [SOMOVA],
            "RE: Запрос о сохранности почтовых архивов",
            at(4, 5, 16, 47, 15),
            t("""\
                Ирина Геннадьевна, добрый день.

                Ничего не удаляли. 30–31 марта проводилось плановое обслуживание почтового \
                сервера и перенастройка резервного копирования, отсюда и записи в журналах. \
                Официальную справку подготовит наш ИТ-отдел.

                С уважением,
                О.П. Тищенко"""),
            reply_to="08-08",
            quote="outlook_ru",
            charset="windows-1251",
            html="alt",
            hdr="b:windows-1251",
        ),
        # Not in the leak: the parent of 08-07 (a deliberately missing thread parent).
        Msg(
            "08-00",
            "lichnye-arkhivy",
            "outlook",
            TISHCHENKO,
            [EGOROVA],
            "Личные архивы",
            at(4, 1, 17, 48, 30),
            t("""\
                Анна Викторовна, личные архивы на ноутбуке и в телефоне тоже проверьте. \
                Распечатки — в шредер.

                Т."""),
            charset="windows-1251",
            written=False,
        ),
    ]


# --------------------------------------------------------------------------
# Annex 15: the newspaper's own correspondence (February - May 2021)
# --------------------------------------------------------------------------


def complaint_docx() -> bytes:
    """Return the complaint of 22 March to the district prosecutor."""
    return make_docx(
        [
            "Прокурору Заречинского района",
            "от главного редактора газеты «Заречинская заря» Е.А. Вороновой",
            "ЖАЛОБА",
            "16 марта 2021 года корреспондент газеты К.А. Сафонов был задержан во дворе "
            "своего дома сотрудниками ОМВД по Заречинскому району. В ходе досмотра его "
            "автомобиля был «обнаружен» пистолет, который, по нашему убеждению, был ему "
            "подброшен.",
            "Задержанию предшествовали прекращение печати газеты типографией, отказ "
            "рекламодателей и давление на родственников сотрудников редакции, начавшиеся "
            "после публикации 8 февраля 2021 года.",
            "Прошу провести проверку законности действий сотрудников ОМВД и должностных лиц "
            "администрации Заречинского муниципального района и принять меры к сохранности "
            "их служебной переписки за февраль–март 2021 года.",
            "22.03.2021                                   Е.А. Воронова",
        ],
        "Жалоба",
        "Воронова Е.А.",
        at(3, 21, 23, 5, 0),
    )


def annex_15() -> list[Msg]:
    """Annex 15: printing house letter, the arrest, the complaint and the reply."""
    return [
        Msg(
            "15-01",
            "priostanovlenie-pechati",
            "oe",
            GUSEV,
            [VORONOVA],
            "О приостановлении печати газеты",
            at(2, 24, 15, 30, 7),
            t("""\
                Уважаемая Елена Аркадьевна!

                Сообщаем, что в связи с проведением капитального ремонта печатной машины \
                ООО «Заречинский печатный двор» с 1 марта 2021 года приостанавливает печать \
                газеты «Заречинская заря». О сроках возобновления печати сообщим \
                дополнительно.

                Приносим извинения за доставленные неудобства.

                Директор ООО «Заречинский печатный двор»
                Н.П. Гусев"""),
            charset="windows-1251",
            charset_param=False,
            cte="8bit",
            hdr="b:windows-1251",
        ),
        Msg(
            "15-02",
            "re-priostanovlenie",
            "thunderbird",
            VORONOVA,
            [GUSEV],
            "Re: О приостановлении печати газеты",
            at(2, 24, 17, 10, 44),
            t("""\
                Николай Петрович, добрый вечер.

                Какой капитальный ремонт? Ваш сменный мастер вчера сказал нашему выпускающему, \
                что машина в полном порядке, а «команда пришла из администрации».

                Прошу письменно сообщить, какой именно ремонт проводится и в какие сроки. \
                Договор с нами действует до конца года, его досрочное расторжение без \
                оснований мы будем оспаривать.

                Елена Воронова
                главный редактор газеты «Заречинская заря»"""),
            reply_to="15-01",
            quote="thunderbird_ru",
            charset="utf-8",
            cte="8bit",
            hdr="b:utf-8",
            flowed=True,
        ),
        Msg(
            "15-03",
            "legal-help",
            "thunderbird",
            VORONOVA,
            [STANTON],
            "Legal help: printing house and advertisers",
            at(3, 5, 22, 1, 17),
            t("""\
                Dear Ms Stanton,

                Your colleagues at Northlight Media Defence gave me your address. I am the \
                editor-in-chief of "Zarechenskaya Zarya", an independent weekly in Zarechensk.

                Since our investigation into the road repair contract (8 February), the only \
                printing house in town has stopped printing us "for repairs", and our three \
                largest advertisers have withdrawn within two weeks. Staff have been warned \
                by relatives working in municipal institutions. We believe this is \
                coordinated by the district administration, but we have no documents.

                What should we do now to protect the newspaper and the staff?

                Elena Voronova
                Editor-in-chief, Zarechenskaya Zarya"""),
            charset="us-ascii",
            cte="7bit",
            flowed=True,
        ),
        Msg(
            "15-04",
            "re-legal-help",
            "gmail",
            STANTON,
            [VORONOVA],
            "Re: Legal help: printing house and advertisers",
            at(3, 5, 14, 22, 36, EST),
            t("""\
                Dear Elena,

                Thank you for writing. Some first steps, in order of urgency:

                1. Keep everything: the printing house letter, advertisers' messages, notes \
                of every call with date and time. Save emails as files, not only in the \
                mailbox.
                2. If anyone from the newspaper is approached by police, they should say \
                nothing without a lawyer and ask for every document in writing.
                3. Tell Northlight if the pressure escalates; they can help with an \
                international appeal.

                I am happy to talk on Monday.

                Best,
                Rebecca

                Rebecca Stanton
                Media law consultant, New York"""),
            reply_to="15-03",
            quote="gmail_en",
            charset="utf-8",
            html="alt",
        ),
        Msg(
            "15-05",
            "menya-zaderzhali",
            "k9",
            SAFONOV,
            [VORONOVA],
            "Меня задержали",
            at(3, 16, 7, 51, 9),
            t("""\
                Лена, меня остановили во дворе, Демченко и ещё двое. Обыскали машину и \
                «нашли» пистолет в бардачке. Это не мой, машину утром я ещё не открывал. \
                Понятой — мужик, которого я видел в администрации, второго не знаю.

                Везут в отдел. Звони Ганиеву, пусть едет сразу туда.

                К."""),
            charset="utf-8",
            cte="8bit",
            hdr="b:utf-8",
        ),
        Msg(
            "15-06",
            "zhaloba-prokuroru",
            "thunderbird",
            VORONOVA,
            [PROK],
            "Жалоба на действия сотрудников ОМВД и администрации Заречинского района",
            at(3, 22, 10, 0, 5),
            t("""\
                Уважаемый Андрей Михайлович!

                Направляю жалобу на действия сотрудников ОМВД по Заречинскому району и \
                должностных лиц администрации Заречинского муниципального района в связи с \
                задержанием 16 марта 2021 года корреспондента газеты «Заречинская заря» К.А. \
                Сафонова и изъятием у него пистолета, который, по нашему убеждению, был ему \
                подброшен.

                Прошу провести проверку, в том числе обеспечить сохранность служебной \
                переписки администрации и ОМВД за февраль–март 2021 года.

                Текст жалобы — во вложении.

                Е.А. Воронова
                главный редактор газеты «Заречинская заря»"""),
            charset="utf-8",
            hdr="b:utf-8",
            attachments=[
                Attachment(
                    "Жалоба_в_прокуратуру_22.03.2021.docx", complaint_docx(), DOCX, "rfc2231"
                )
            ],
        ),
        Msg(
            "15-07",
            "avtootvet-prokuratura",
            "autoreply",
            PROK_AUTO,
            [VORONOVA],
            "Автоответ: Жалоба на действия сотрудников ОМВД и администрации Заречинского района",
            at(3, 22, 10, 0, 47),
            t("""\
                Ваше обращение получено и зарегистрировано.
                Регистрационный номер: 1-214-2021
                Дата регистрации: 22.03.2021

                Ответ будет направлен в срок, установленный законодательством о порядке \
                рассмотрения обращений граждан.

                Это письмо сформировано автоматически, отвечать на него не нужно."""),
            reply_to="15-06",
            charset="koi8-r",
            content_type=False,
            cte="8bit",
            hdr="q:koi8-r",
            extra=[("Auto-Submitted", "auto-replied")],
        ),
        Msg(
            "15-08",
            "otvet-na-obrashchenie",
            "portal",
            PROK,
            [VORONOVA],
            "Ответ на обращение № 1-214-2021",
            at(3, 26, 16, 30, 18),
            t("""\
                Уважаемая Елена Аркадьевна!

                Прокуратурой Заречинского района рассмотрено Ваше обращение от 22.03.2021 \
                № 1-214-2021 о несогласии с действиями сотрудников ОМВД по Заречинскому \
                району и должностных лиц администрации Заречинского муниципального района.

                Установлено, что 16.03.2021 в отношении Сафонова К.А. возбуждено уголовное \
                дело по ч. 1 ст. 222 УК РФ. Доводы о фальсификации доказательств подлежат \
                проверке в ходе предварительного расследования и оценке судом.

                Оснований для принятия мер прокурорского реагирования в настоящее время не \
                усматривается.

                Вы вправе обжаловать данный ответ вышестоящему прокурору или в суд.

                Заместитель прокурора района
                советник юстиции А.М. Савельев"""),
            charset="windows-1251",
            cte="base64",
            html="only",
            hdr="b:windows-1251",
        ),
        Msg(
            "15-09",
            "northlight-request",
            "gmail",
            LINDQVIST,
            [VORONOVA],
            "Northlight: request for documents",
            at(4, 20, 9, 30, 12, CEST),
            t("""\
                Dear Elena,

                As agreed with Rebecca Stanton, Northlight Media Defence is preparing an \
                appeal on behalf of the newspaper and Kirill Safonov.

                Could you please forward us, as original emails (as attachments, not \
                copy-paste), the letter from the printing house and the prosecutor's reply to \
                your complaint? Original messages keep their headers, which we need to show \
                where and when they were sent.

                Thank you, and please stay safe.

                Hannah Lindqvist
                Case officer, Northlight Media Defence"""),
            charset="utf-8",
            html="alt",
        ),
        Msg(
            "15-10",
            "fwd-otvet-prokuratury",
            "thunderbird",
            VORONOVA,
            [LINDQVIST],
            "Fwd: Ответ на обращение № 1-214-2021",
            at(4, 21, 11, 15, 40),
            t("""\
                Dear Hannah,

                as requested, attached are the original messages:
                1. the prosecutor's reply of 26 March (Ответ на обращение № 1-214-2021);
                2. the printing house letter of 24 February.

                Both are forwarded as attachments, unchanged. Kirill sends his regards; the \
                trial date is still not set.

                Elena"""),
            rfc822=["15-08", "15-01"],
            charset="utf-8",
            hdr="b:utf-8",
        ),
        Msg(
            "15-11",
            "re-fwd-otvet",
            "gmail",
            LINDQVIST,
            [VORONOVA],
            "Re: Fwd: Ответ на обращение № 1-214-2021",
            at(5, 4, 10, 2, 55, CEST),
            t("""\
                Dear Elena,

                Thank you, both messages received with full headers. We have also received \
                further material from another source, which we are verifying independently.

                We plan to file the appeal by the end of May and will send you the final \
                text before filing.

                Best wishes,
                Hannah"""),
            reply_to="15-10",
            quote="gmail_en",
            charset="utf-8",
            html="alt",
            hdr="b:utf-8",
        ),
    ]


ANNEXES = [annex_02, annex_03, annex_04, annex_05, annex_06, annex_07, annex_08, annex_15]


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def all_messages() -> list[Msg]:
    """Return every message of the case, virtual parents included."""
    messages: list[Msg] = []
    for annex in ANNEXES:
        messages += annex()
    return messages


def context(messages: list[Msg]) -> dict[str, Msg]:
    """Index messages by key, refusing duplicates."""
    ctx: dict[str, Msg] = {}
    for m in messages:
        if m.key in ctx:
            raise ValueError(f"duplicate key {m.key}")
        ctx[m.key] = m
    return ctx


def write_all(root: Path = HERE) -> list[Path]:
    """Write every .eml file under ``root`` and return the paths written."""
    messages = all_messages()
    ctx = context(messages)
    for old in sorted(root.glob("annex-*/*.eml")):
        old.unlink()
    written = []
    for m in messages:
        if not m.written:
            continue
        path = root / m.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_bytes(m, ctx))
        written.append(path)
    return written


def main() -> None:
    """Generate the sample case and print a short summary."""
    paths = write_all()
    total = sum(p.stat().st_size for p in paths)
    counts: dict[str, int] = {}
    for p in paths:
        counts[p.parent.name] = counts.get(p.parent.name, 0) + 1
    for folder, count in sorted(counts.items()):
        print(f"{folder}: {count} messages")
    print(f"total: {len(paths)} messages, {total} bytes")


if __name__ == "__main__":
    main()
