"""Address headers (From, To, Cc, ...) as (display name, address) pairs.

The stdlib's :func:`email.utils.getaddresses` does the RFC 5322 grammar (groups, comments,
quoted names); emlkit runs it on the still-encoded value, so that a comma inside an encoded
name cannot split an address, and decodes each display name afterwards. When the stdlib
gives up (it recurses on some crafted headers), a plain scan for addresses takes over.
"""

from __future__ import annotations

import re
from email.headerregistry import HeaderRegistry
from email.utils import getaddresses
from functools import lru_cache

from emlkit.parse.headers import (
    HeaderContext,
    clean_display,
    decode_encoded_words,
    decode_raw_8bit,
    unfold,
)
from emlkit.records import Address, Defect, DefectKind

_ADDRESS_AS_NAME = re.compile(r'\s*"?([^\s,<>"()]+@[^\s,<>"()]+?)"?\s*<([^<>,\s]+@[^<>,\s]+)>\s*')
_REGISTRY = HeaderRegistry()
_CACHE_SIZE = 4096
# Words as the stdlib's address parser reads them: atoms (no specials, no whitespace; dots
# included) and quoted strings without escapes. Possessive: an atom is never split, so a
# value that is not plain fails at once instead of backtracking.
_ATOMS = r'[^\s"()<>@,:;\[\]\\]++'
_WORD = rf'"[^"\\\r]*"|{_ATOMS}'
_PHRASE = rf"(?:{_WORD})(?:[ \t]*(?:{_WORD}))*"
_ADDR_SPEC = rf"{_ATOMS}@{_ATOMS}"
_MAILBOX = re.compile(rf"(?:({_PHRASE})[ \t]*)?<({_ADDR_SPEC})>|({_ADDR_SPEC})")
_SIMPLE_LIST = re.compile(
    rf"[ \t]*(?:{_MAILBOX.pattern})(?:[ \t]*,[ \t]*(?:{_MAILBOX.pattern}))*[ \t]*"
)
_PHRASE_WORD = re.compile(_WORD)
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?]*\?=")
_HIDDEN = re.compile(r"emlkitword(\d+)x")


def parse_addresses(raws: list[str], name: str, context: HeaderContext) -> tuple[Address, ...]:
    """Every mailbox in the given occurrences of one address header, in order."""
    if not raws:
        return ()
    found: list[Address] = []
    for raw in raws:
        addresses, defects = _parse_value(raw, name, context.charset_hints)
        found.extend(addresses)
        context.defects.extend(defects)
    return tuple(found)


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_value(
    raw: str, name: str, hints: tuple[str, ...]
) -> tuple[tuple[Address, ...], tuple[Defect, ...]]:
    """The mailboxes of one raw header value, and the defects met (remembered: a corpus
    names the same correspondents over and over, and the result depends on nothing else)."""
    context = HeaderContext(charset_hints=hints)
    found: list[Address] = []
    value, hidden = _hide_encoded_words(decode_raw_8bit(unfold(raw), name, context))
    for display, address in _pairs(value, name, context):
        if not display and not address:
            continue  # an empty group such as "undisclosed-recipients:;"
        display, address = _reveal(display, hidden), _reveal(address, hidden)
        if "=?" in display:
            display = decode_encoded_words(display, name, context)
        address = address.strip()
        if " " in address:
            display, address = _split_unquoted(display, address, name, context)
        if address and "@" not in address:
            detail = f"address without a domain: {address[:80]!r}"
            context.defects.append(Defect(DefectKind.ADDRESS, name, detail))
        found.append(Address(clean_display(display), address))
    return tuple(found), tuple(context.defects)


def _hide_encoded_words(value: str) -> tuple[str, list[str]]:
    """Replace each encoded-word by a plain token, so that a comma or quote encoded inside
    one (``=?UTF-8?Q?Petrova,_Anna?=``, common though RFC 2047 forbids it) cannot split or
    end an address."""
    hidden: list[str] = []

    def hide(match: re.Match[str]) -> str:
        hidden.append(match.group(0))
        return f"emlkitword{len(hidden) - 1}x"

    return _ENCODED_WORD.sub(hide, value), hidden


def _reveal(text: str, hidden: list[str]) -> str:
    if not hidden or "emlkitword" not in text:
        return text
    return _HIDDEN.sub(lambda match: hidden[int(match.group(1))], text)


def _pairs(value: str, name: str, context: HeaderContext) -> list[tuple[str, str]]:
    """(display name, address) pairs of one header value, by the most faithful parser."""
    spoof = _ADDRESS_AS_NAME.fullmatch(value)
    if spoof:
        detail = f"display name {spoof.group(1)[:60]!r} is itself an address"
        context.defects.append(Defect(DefectKind.ADDRESS, name, detail))
        return [(spoof.group(1), spoof.group(2))]
    simple = simple_mailboxes(value)
    if simple is not None:
        return simple
    if "(" in value and "<" in value:
        modern = _modern(value)
        if modern is not None:
            return modern
    try:
        pairs = getaddresses([value])
    except (RecursionError, IndexError, ValueError, AttributeError) as error:
        detail = f"address grammar failed ({type(error).__name__}); addresses scanned instead"
        context.defects.append(Defect(DefectKind.ADDRESS, name, detail))
        return _scan(value)
    if any(_broken(display, address) for display, address in pairs):
        scanned = _scan(value)
        if scanned:
            detail = "address list does not follow RFC 5322; addresses scanned instead"
            context.defects.append(Defect(DefectKind.ADDRESS, name, detail))
            return scanned
    return pairs


def simple_mailboxes(value: str) -> list[tuple[str, str]] | None:
    """The pairs of a list of plain mailboxes (``"Name" Surname <a@b.org>, c@d.org``), as
    :func:`email.utils.getaddresses` gives them, or None for any other value.

    Plain: names of atoms, dots and quoted strings without escapes, addresses
    ``atoms@atoms``, no comments, groups, routes or line breaks outside quotes. That is
    most address headers, and the stdlib parser, which reads them a character at a time in
    Python, is what addresses cost.
    """
    if _SIMPLE_LIST.fullmatch(value) is None:
        return None
    return [
        (_display(phrase), angle) if angle else ("", bare)
        for phrase, angle, bare in _MAILBOX.findall(value)
    ]


def _display(phrase: str) -> str:
    """A display name as the stdlib joins its words: quotes removed, one space between."""
    words = (word[1:-1] if word[0] == '"' else word for word in _PHRASE_WORD.findall(phrase))
    return " ".join(words)


def _split_unquoted(
    display: str, address: str, name: str, context: HeaderContext
) -> tuple[str, str]:
    """``Big Bug bb@bug.com``: the words before the last are a name without quotes."""
    *words, last = address.split()
    detail = f"unquoted words before the address {last[:60]!r} read as its display name"
    context.defects.append(Defect(DefectKind.ADDRESS, name, detail))
    return (display or " ".join(words)), last


def _broken(display: str, address: str) -> bool:
    return bool(address) and (address.startswith("@") or address.endswith("@"))


def _modern(value: str) -> list[tuple[str, str]] | None:
    """The stdlib's RFC 5322 parser, which handles comments that ``getaddresses`` garbles."""
    try:
        header = _REGISTRY("to", value)
        addresses = header.addresses  # type: ignore[attr-defined]
        pairs = [(a.display_name, a.addr_spec) for a in addresses]
    except Exception:
        return None
    return pairs if pairs and all("@" in address for _, address in pairs) else None


def _scan(value: str) -> list[tuple[str, str]]:
    """Addresses found by a linear scan: the fallback for values the grammar cannot parse."""
    pairs: list[tuple[str, str]] = []
    for piece in _split_outside_quotes(value):
        bracket = piece.rfind("<")
        if bracket >= 0 and piece.endswith(">"):
            pairs.append((piece[:bracket].strip().strip('"'), piece[bracket + 1 : -1].strip()))
            continue
        pairs.extend(("", token) for token in piece.split() if "@" in token.strip("<>\"'"))
    return pairs


def _split_outside_quotes(value: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    for char in value:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    pieces.append("".join(current).strip())
    return [piece for piece in pieces if piece]
