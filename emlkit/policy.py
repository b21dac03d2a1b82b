"""Parsing policy: the bounds and switches that govern one parse, in one immutable object.

Modelled on :mod:`email.policy`: a frozen value with presets, changed by :meth:`Policy.clone`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Policy:
    """Bounds that keep a crafted message from exhausting memory or recursion.

    Passing a bound is recorded as a ``limit-reached`` defect and the rest of the message is
    still returned.
    """

    max_depth: int = 12
    """Deepest MIME nesting (multiparts and forwarded messages) that is descended into."""
    max_parts: int = 1000
    """Most MIME parts examined in one message, forwarded messages included."""
    max_header_bytes: int = 256 * 1024
    """Longest single header value that is decoded; longer values are cut."""
    max_headers: int = 2000
    """Most header fields kept per message."""
    max_text_chars: int = 5_000_000
    """Longest body text kept per message (the hash always covers the whole input)."""

    def clone(self, **changes: Any) -> Policy:
        """A copy of this policy with some fields changed."""
        return replace(self, **changes)


default = Policy()
"""The policy emlkit uses unless told otherwise."""
