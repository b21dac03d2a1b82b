"""Finding messages on disk: single-message files, mbox files and folder trees.

Files are read as a stream of lines, so an mbox of any size is split with memory bounded by
its largest message.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from emlkit.parse.escapes import surrogates_to_text
from emlkit.parse.sniff import BOM, OLE_MAGIC, first_line_is_header

MESSAGE_SUFFIXES = frozenset({".eml", ".msg", ".emlx", ".mail"})
MBOX_SUFFIXES = frozenset({".mbox", ".mbx", ".mbs"})
MAYBE_SUFFIXES = frozenset({"", ".txt"})
"""Files with these suffixes are read only when their first line is a header field."""
_MAILDIR_FOLDERS = frozenset({"cur", "new", "tmp"})
_ASCTIME = re.compile(rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +\w{3} +\d{1,2} +\d{1,2}:\d{2}")
_SNIFF_BYTES = 4096
# Opened without waiting: a FIFO would otherwise block the open until something writes to it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_NOT_FILES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def open_regular(path: str | os.PathLike[str]) -> int:
    """A descriptor open for reading on a regular file (or a link to one): the only kind of
    file emlkit reads as evidence (:func:`open_regular_with_status`)."""
    return open_regular_with_status(path)[0]


def open_regular_with_status(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    """A descriptor open for reading on a regular file (or a link to one), and the file's
    status taken on it.

    A FIFO would make a run wait for a writer for ever, a device would be read without end;
    both are refused without reading a byte, so the file is reported, not hung on.

    :raises OSError: the file cannot be opened, or is not a regular file (``EINVAL``, with
        what it is as the error's text).
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        if not os.path.islink(path):
            raise
        target = path_text(os.readlink(path))
        raise OSError(errno.ENOENT, f"a symbolic link to nothing ({target})", path) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = next((name for test, name in _NOT_FILES if test(status.st_mode)), "not a file")
            raise OSError(errno.EINVAL, f"not a regular file but {kind}", os.fspath(path))
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor, status


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (:func:`open_regular`).

    :raises OSError: as :func:`open_regular`, or the file cannot be read.
    """
    with open(open_regular(path), "rb") as handle:
        return handle.read()


def is_candidate(path: str | os.PathLike[str]) -> bool:
    """Whether a file met while walking a folder may hold mail (see ``docs/parsing.md``)."""
    text = os.fspath(path)
    folder, name = os.path.split(text)
    return _is_candidate(text, name, os.path.basename(folder))


def _is_candidate(path: str, name: str, folder: str) -> bool:
    name = name.lower()
    if name.startswith("."):
        return False
    if _named_like_mail(name, folder):
        return True  # by the naming rules: no need to read it
    suffix = _suffix(name)
    maildir = ":2," in name or folder in _MAILDIR_FOLDERS
    if suffix in MAYBE_SUFFIXES or maildir:
        return _looks_like_mail(path)
    return False


def _named_like_mail(name: str, folder: str) -> bool:
    """Whether a lower-cased name alone says mail: a message or mbox suffix, or a maildir
    message's name."""
    suffix = _suffix(name)
    in_suffixes = suffix in MESSAGE_SUFFIXES or suffix in MBOX_SUFFIXES
    return in_suffixes or _is_maildir_message(name, folder)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u(00[89][0-9a-f])")


def path_text(path: str) -> str:
    """A path as text that any UTF-8 output can hold and a terminal shows as it is.

    The bytes of a name that are not UTF-8 (a cp866 or windows-1251 name from an unzipped
    archive, which Python carries as lone surrogates) are written ``\\xNN`` (NN from 80),
    control characters ``\\x00``–``\\x1f``, ``\\x7f`` and ``\\u0080``–``\\u009f``, as
    ``ls -b`` does: a name from the evidence cannot break a line of output or send escape
    sequences to a terminal. The form the index stores and every command prints;
    :func:`os_path` reverses it.
    """
    if path.isascii() and path.isprintable():  # nearly every path: one pass, no copy
        return path
    return _CONTROL.sub(_escaped, surrogates_to_text(path))


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def os_path(text: str) -> str:
    """The path that :func:`path_text` wrote as ``text``, as the operating system takes it:
    each escape back to its byte or character. A path that exists as written (a name
    holding such an escape literally) is taken as it is."""
    if "\\" not in text or os.path.lexists(text):
        return text
    return _ESCAPE.sub(_unescaped, text)


def _unescaped(match: re.Match[str]) -> str:
    if match[1] is None:
        return chr(int(match[2], 16))  # a C1 control character
    code = int(match[1], 16)
    return chr(code) if code < 0x80 else chr(0xDC00 + code)  # a control, or a raw byte


def _is_maildir_message(name: str, folder: str) -> bool:
    """Named like a maildir message (``…:2,FLAGS`` in ``cur/``, ``new/`` or ``tmp/``): one
    message a file, by the maildir rules."""
    return ":2," in name and folder in _MAILDIR_FOLDERS


def iter_mail_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every mail file under the given files and folders, in a stable (sorted) order.

    Files named explicitly are always yielded; inside folders, hidden entries are skipped
    and only candidates (:func:`is_candidate`) are yielded. Folders are walked depth first,
    a folder's files before its sub-folders, without following links to folders.
    """
    return (Path(path) for path in iter_mail_paths(paths))


FolderError = Callable[[str, OSError], None]
"""Told of each folder that cannot be listed (its path and the error); the walk goes on."""


def iter_mail_paths(
    paths: Iterable[str | os.PathLike[str]], on_folder_error: FolderError | None = None
) -> Iterator[str]:
    """:func:`iter_mail_files` as plain strings: cheaper when there are millions of files.

    A folder that cannot be listed (no permission, an I/O error) is skipped and, when
    ``on_folder_error`` is given, reported to it: what it holds cannot be accounted for.
    """
    for given in paths:
        text = os.fspath(given)
        if os.path.isdir(text):
            yield from _walk(text, on_folder_error)
        else:
            yield text


def _walk(top: str, on_folder_error: FolderError | None) -> Iterator[str]:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            files, folders, others = _listing(folder)
        except OSError as error:
            if on_folder_error is not None:
                on_folder_error(folder, error)
            continue
        folder_name = os.path.basename(folder)
        for name in files:
            path = os.path.join(folder, name)
            if name in others:  # not a file to read (or sniff): the reader reports what it is
                if _named_like_mail(name.lower(), folder_name):
                    yield path
            elif _is_candidate(path, name, folder_name):
                yield path
        stack.extend(os.path.join(folder, name) for name in reversed(folders))


def _listing(folder: str) -> tuple[list[str], list[str], set[str]]:
    """The sorted names of a folder's files and of its subfolders (hidden ones left out),
    and which of those "files" are no regular files: a link to nothing, a FIFO, a socket, a
    device (listed with the files, but never opened to be sniffed; a link to a folder is
    neither, and not followed).

    Only names are kept, not ``os.DirEntry`` objects: a maildir's ``cur/`` may hold
    hundreds of thousands of files, and a name costs a third of an entry's memory.
    """
    files: list[str] = []
    folders: list[str] = []
    others: set[str] = set()
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.name)
            elif entry.is_file():
                files.append(entry.name)
            elif not entry.is_dir():
                files.append(entry.name)
                others.add(entry.name)
    files.sort()
    folders.sort()
    return files, folders, others


def is_separator(line: bytes, following: bytes | None) -> bool:
    """Whether an mbox ``From `` line starts a new message.

    A body line such as ``From Russia with love`` is not escaped in many real mboxes, so a
    separator must be ``From`` and one token (``From -``, ``From id@host``) or carry an
    asctime date, and the line after it must be a header field.
    """
    if not line.startswith(b"From "):
        return False
    rest = line[5:].strip()
    if b" " in rest and not _ASCTIME.search(rest):
        return False
    return following is not None and first_line_is_header(following)


def split_mbox(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Split an mbox stream into (byte offset, message bytes) without its ``From `` lines.

    Text before the first separator is yielded as a message of its own when it is not empty.
    The blank line that ends each message in the mbox format is not part of the message.
    """
    offset = 0
    start = 0
    current: list[bytes] = []
    lines = iter(stream)
    line = next(lines, None)
    if line is not None and line.startswith(BOM):
        offset = start = len(BOM)
        line = line[len(BOM) :]
    while line is not None:
        following = next(lines, None)
        if is_separator(line, following):
            if b"".join(current).strip():
                yield start, _without_final_blank(current)
            current = []
            start = offset + len(line)
        else:
            current.append(line)
        offset += len(line)
        line = following
    if b"".join(current).strip():
        yield start, _without_final_blank(current)


def mbox_by_name(path: Path) -> bool | None:
    """Whether a file may hold several messages and must be split, where its name decides:
    True for an mbox suffix; False for a one-message suffix such as ``.eml`` (an attached
    ``git format-patch`` holds ``From`` lines that look like separators) and for a maildir
    message's name; None otherwise, when the file is an mbox if it starts with a ``From ``
    line (:func:`starts_like_mbox`)."""
    name = path.name.lower()
    suffix = _suffix(name)
    if suffix in MBOX_SUFFIXES or name.endswith(".mbox.txt"):
        return True
    if suffix in MESSAGE_SUFFIXES or _is_maildir_message(name, path.parent.name):
        return False
    return None


def starts_like_mbox(head: bytes) -> bool:
    """Whether a file's first bytes are an mbox ``From `` line (after a byte order mark)."""
    return head.removeprefix(BOM).startswith(b"From ")


def _without_final_blank(lines: list[bytes]) -> bytes:
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    return b"".join(lines)


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1]


def _looks_like_mail(path: str) -> bool:
    """A header line first, or an Outlook .msg (mail, if not RFC 822: reported as such)."""
    try:
        with open(open_regular(path), "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            return first_line_is_header(head) or head.startswith(OLE_MAGIC)
    except OSError:
        return True  # let the reader report why it cannot be read


PathArg = str | os.PathLike[str]
"""A path as the readers take it."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """One message's place in a file; ``data`` is None when the message is the whole file."""

    path: Path
    index: int | None
    offset: int
    data: bytes | None


def iter_file_chunks(path: PathArg) -> Iterator[Chunk]:
    """Where the messages of one file are: the whole file, or each message of an mbox.

    An mbox is split as a stream, so memory is bounded by its largest message. A file that
    starts with an mbox ``From`` line but holds one message is read as a one-message file.

    :raises OSError: the file cannot be read.
    """
    file = path if isinstance(path, Path) else Path(path)
    by_name = mbox_by_name(file)
    if not (by_name if by_name is not None else starts_like_mbox(_head(file))):
        yield Chunk(file, None, 0, None)
        return
    with open(open_regular(file), "rb") as handle:
        parts = split_mbox(handle)
        first, second = next(parts, None), next(parts, None)
        if first is None or (second is None and file.suffix.lower() not in MBOX_SUFFIXES):
            yield Chunk(file, None, 0, None)
            return
        for index, (offset, data) in enumerate(_chain(first, second, parts)):
            yield Chunk(file, index, offset, data)


def _head(file: Path) -> bytes:
    """The first bytes of a file, enough to tell an mbox (read without a buffered file object:
    an index run does this for every file)."""
    descriptor = open_regular(file)
    try:
        return os.read(descriptor, 16)
    finally:
        os.close(descriptor)


def _chain(
    first: tuple[int, bytes] | None,
    second: tuple[int, bytes] | None,
    rest: Iterator[tuple[int, bytes]],
) -> Iterator[tuple[int, bytes]]:
    for item in (first, second):
        if item is not None:
            yield item
    yield from rest
