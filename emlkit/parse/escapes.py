"""Raw bytes and errors as printable text: undecoded 8-bit bytes shown as ``\\xNN``.

A module of its own, importing nothing of the parser, so that finding files (and an index
run with nothing to parse) does not load the parser with it.
"""

from __future__ import annotations

import re

__all__ = ["error_text", "has_raw_8bit", "surrogates_to_text"]

_SURROGATES = re.compile("[\udc80-\udcff]")


def has_raw_8bit(raw: str) -> bool:
    """True when a header value read from bytes holds undecoded 8-bit bytes."""
    return not raw.isascii() and _SURROGATES.search(raw) is not None


def surrogates_to_text(raw: str) -> str:
    """A raw value made printable: undecoded 8-bit bytes shown as ``\\xNN`` escapes."""
    if not has_raw_8bit(raw):
        return raw
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def error_text(error: Exception) -> str:
    """An exception as one line of text (its class and message, shortened, raw bytes as
    ``\\xNN``): what a failure record says of an error no input should cause."""
    text = f"{type(error).__name__}: {error}".rstrip(": ")
    return surrogates_to_text(" ".join(text.split()))[:200]
