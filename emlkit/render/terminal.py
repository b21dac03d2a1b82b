"""Terminal output that text from mail cannot take over.

A body, a snippet or a defect's detail can hold control characters: an escape sequence
that recolours, clears or retitles the analyst's terminal, a carriage return that writes
over a line already shown. The records keep them (they are evidence); what the command line
prints shows each one as a symbol instead (``␛`` for ESC, the Unicode control pictures).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

__all__ = ["SafeConsole", "printable"]

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and line break are layout
_PICTURES = str.maketrans(
    {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
    | {0x7F: "\u2421"}
    | {code: "\ufffd" for code in range(0x80, 0xA0)}
)


def printable(text: str) -> str:
    """``text`` with each control character but tab and line break shown as a symbol.

    >>> printable("red \\x1b[31m alert\\r")
    'red ␛[31m alert␍'
    """
    return text.translate(_PICTURES) if _CONTROLS.search(text) else text


class SafeConsole(Console):
    """A rich :class:`~rich.console.Console` whose text shows control characters as
    symbols (:func:`printable`); its own styles and cursor controls pass as they are."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """The segments of ``renderable``, control characters in their text made visible."""
        for segment in super().render(renderable, options):
            if segment.control is None and _CONTROLS.search(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment
