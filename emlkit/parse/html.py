"""HTML bodies turned into readable text: paragraphs kept, scripts and styles dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_SKIPPED = {"script", "style", "head", "title", "template", "noscript", "object", "svg"}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.preformatted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._end_line()
        elif tag in _BLOCKS:
            self._end_block()
            if tag == "li":
                self.current.append("- ")
            elif tag == "pre":
                self.preformatted += 1
        elif tag in ("td", "th") and self.current:
            self.current.append("\t")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._end_line()
        elif tag in _BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._end_block()  # before leaving <pre>, so its last line keeps its indent
            if tag == "pre":
                self.preformatted = max(0, self.preformatted - 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.preformatted:
            *complete, rest = data.split("\n")
            for line in complete:
                self.current.append(line)
                self._end_line()
            self.current.append(rest)
        else:
            self.current.append(_SPACES.sub(" ", data))

    def _end_line(self) -> None:
        line = "".join(self.current)
        self.lines.append(line.rstrip(" ") if self.preformatted else line.strip(" "))
        self.current = []

    def _end_block(self) -> None:
        if self.current:
            self._end_line()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        if self.current:
            self._end_line()
        joined = "\n".join(line.rstrip() for line in self.lines)
        return _BLANK_RUNS.sub("\n\n", joined).strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML document: one paragraph per block, entities resolved."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except (AssertionError, ValueError):  # html.parser on pathological markup
        pass
    return extractor.text()
