"""The parser layer: bytes in, immutable :class:`~emlkit.records.Message` records out."""

from __future__ import annotations

from emlkit.parse.files import iter_mail_files, os_path, path_text
from emlkit.parse.message import parse_bytes
from emlkit.parse.reader import iter_file_messages, iter_messages, parse_file

__all__ = [
    "iter_file_messages",
    "iter_mail_files",
    "iter_messages",
    "os_path",
    "parse_bytes",
    "parse_file",
    "path_text",
]
