"""Safe Markdown and HTML for reports: email text escaped, matched words marked.

Email text is untrusted: a subject, a display name or a body may hold ``<script>``, HTML
entities or Markdown that would restyle a report. Every piece of it passes through
:func:`md_text` or :func:`html_text` (or their highlighting forms) before it reaches a
document, so it is always shown as written and never interpreted.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

from rich.console import Console, RenderableType

Spans = Sequence[tuple[int, int]]

AGAIN_NOTE = "forwarded here too; placed under the first message forwarding it"
"""What a thread view says after a message shown again under another message forwarding it."""

DEEPEST_INDENT = 8
"""How many levels a thread tree indents. A long reply chain would otherwise push its
messages past the right edge (in 80 columns a terminal tree has no room left at depth 20;
at depth 8 more than half a line is left for the message): deeper messages stay at this
level, each with its depth written before it."""

# "_" between two letters or digits never emphasises (CommonMark), so file names stay legible.
_MD_INLINE = re.compile(r"([\\`*\[\]<>|~&!#]|(?<!\w)_|_(?!\w))")
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+[.)])(?=\s|$)", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with control characters and bidirectional overrides shown as ``�``: they
    could hide or reorder what a reader sees."""
    return _CONTROL.sub("\ufffd", text)


def plain_text(view: RenderableType, width: int) -> str:
    """A terminal view as plain text at a fixed width: no colour, no trailing spaces."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, highlight=False).print(view)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def md_text(text: str) -> str:
    """``text`` as literal Markdown: punctuation that would format it is backslash-escaped."""
    escaped = _MD_INLINE.sub(r"\\\1", visible(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def md_inline(text: str) -> str:
    """``text`` on one line of literal Markdown (line breaks become spaces)."""
    return md_text(" ".join(text.split()))


def md_highlighted(text: str, spans: Spans) -> str:
    """``text`` as literal Markdown with the ``spans`` in bold."""
    return "".join(
        f"**{md_text(piece)}**" if marked and piece.strip() else md_text(piece)
        for piece, marked in _pieces(text, spans)
    )


def md_block_quote(text: str) -> str:
    """Markdown lines quoting ``text`` (already escaped), blank lines kept inside the quote."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def html_text(text: str) -> str:
    """``text`` escaped for HTML element content and attribute values."""
    return html.escape(visible(text), quote=True)


def html_highlighted(text: str, spans: Spans) -> str:
    """``text`` escaped for HTML with the ``spans`` wrapped in ``<mark>``."""
    return "".join(
        f"<mark>{html_text(piece)}</mark>" if marked else html_text(piece)
        for piece, marked in _pieces(text, spans)
    )


def _pieces(text: str, spans: Spans) -> list[tuple[str, bool]]:
    """``text`` cut into consecutive pieces, each inside the spans or not."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    pieces.append((text[at:], False))
    return [(piece, marked) for piece, marked in pieces if piece]


_PAGE_STYLE = """
body { font: 15px/1.45 Georgia, "Times New Roman", serif; color: #1b1b1b; margin: 2em auto;
       max-width: 52em; padding: 0 1em; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .emlkit-doc h2 { break-before: page; }
  .emlkit-doc h2:first-of-type { break-before: avoid; }
  .emlkit-doc blockquote, .emlkit-doc .header, .emlkit-doc tr { break-inside: avoid; }
  .emlkit-doc mark { background: none; font-weight: bold; text-decoration: underline; }
}
"""

_DOC_STYLE = """
.emlkit-doc h1, .emlkit-doc h2, .emlkit-doc h3, .emlkit-doc h4 {
  font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
.emlkit-doc h2 { border-bottom: 2px solid #444; padding-bottom: .2em; margin-top: 2em; }
.emlkit-doc h3 { margin-top: 1.6em; }
.emlkit-doc .claim-text { font-style: italic; }
.emlkit-doc .meta, .emlkit-doc .provenance td, .emlkit-doc .header {
  font: 12px/1.4 "DejaVu Sans Mono", Menlo, monospace; }
.emlkit-doc .meta { color: #555; }
.emlkit-doc .header { background: #f4f4f4; border-left: 4px solid #888; padding: .4em .8em;
  margin: 1em 0 .4em; white-space: pre-wrap; overflow-wrap: anywhere; }
.emlkit-doc blockquote { margin: .4em 0 1em 1.2em; padding: .2em .8em;
  border-left: 3px solid #c9a227; white-space: pre-wrap; overflow-wrap: anywhere; }
.emlkit-doc blockquote.quoted { border-left-color: #999; color: #333; }
.emlkit-doc mark { background: #ffe066; color: inherit; padding: 0 .1em; }
.emlkit-doc .badge { display: inline-block; font: 11px sans-serif; padding: 0 .4em;
  margin-left: .3em; border-radius: 3px; background: #fbe3e3; color: #8a1c1c; }
.emlkit-doc .found { color: #1d6b2f; font-weight: bold; }
.emlkit-doc .not-found { color: #a11b1b; font-weight: bold; }
.emlkit-doc table { border-collapse: collapse; width: 100%; margin: .8em 0; }
.emlkit-doc th, .emlkit-doc td { text-align: left; vertical-align: top;
  border-bottom: 1px solid #ddd; padding: .25em .5em; overflow-wrap: anywhere; }
.emlkit-doc th { font-family: sans-serif; font-size: 12px; background: #eee; }
"""


def html_fragment(body: str) -> str:
    """``body`` (safe HTML) as a block that carries its own style, for a notebook cell or
    any page: every rule is scoped to the block, so it restyles nothing around it."""
    return f'<div class="emlkit-doc">\n<style>{_DOC_STYLE}</style>\n{body}\n</div>'


def html_page(title: str, body: str) -> str:
    """A self-contained HTML document: inline style, no scripts, no network requests.

    ``title`` is escaped here; ``body`` must already be safe HTML.
    """
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
        " style-src 'unsafe-inline'\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{html_text(title)}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n"
        f"<body>\n{html_fragment(body)}\n</body>\n</html>\n"
    )
