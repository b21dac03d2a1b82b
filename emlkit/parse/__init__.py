"""The parser layer: bytes in, immutable :class:`~emlkit.records.Message` records out.

The parsing functions are imported on first use: finding files (``iter_mail_files``,
``path_text``) does not load the parser, so neither does the main process of an index run,
which only walks and stores while its workers parse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emlkit.lazy import lazy_names
from emlkit.parse.files import iter_mail_files, os_path, path_text

if TYPE_CHECKING:
    from emlkit.parse.message import parse_bytes
    from emlkit.parse.reader import iter_file_messages, iter_messages, parse_file

_PARSING = {
    "parse_bytes": "emlkit.parse.message",
    "iter_file_messages": "emlkit.parse.reader",
    "iter_messages": "emlkit.parse.reader",
    "parse_file": "emlkit.parse.reader",
}


__getattr__, __dir__ = lazy_names(__name__, _PARSING, globals())

__all__ = [
    "iter_file_messages",
    "iter_mail_files",
    "iter_messages",
    "os_path",
    "parse_bytes",
    "parse_file",
    "path_text",
]
