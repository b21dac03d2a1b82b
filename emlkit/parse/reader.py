"""Reading messages from files: one message per file, or many from an mbox."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from emlkit.errors import InputError
from emlkit.parse.files import (
    Chunk,
    PathArg,
    iter_file_chunks,
    iter_mail_paths,
    open_regular_with_status,
    os_path,
    path_text,
)
from emlkit.parse.message import make_source, parse_bytes, synthetic_id
from emlkit.policy import Policy, default
from emlkit.records import Failure, FailureKind, Message


def parse_file(path: PathArg, policy: Policy = default) -> Message:
    """Parse a file holding one message. Bad content gives a record with ``failure`` set.

    :raises InputError: the path does not exist or is a folder.
    """
    file = _existing_file(path)
    try:
        data, _ = read_with_stat(file)
    except OSError as error:
        return unreadable(file, error)
    return parse_bytes(data, make_source(data, file), policy)


def parse_chunk(chunk: Chunk, policy: Policy = default) -> Message:
    """The record of one chunk (reading the file when the chunk is the whole file)."""
    return parse_chunk_with_stat(chunk, policy)[0]


def parse_chunk_with_stat(
    chunk: Chunk, policy: Policy = default
) -> tuple[Message, os.stat_result | None]:
    """:func:`parse_chunk`, and the status of the file as it was read when the chunk is the
    whole file (None for a chunk of an mbox, or a file that cannot be found)."""
    if chunk.data is not None:
        source = make_source(chunk.data, chunk.path, chunk.index, chunk.offset)
        return parse_bytes(chunk.data, source, policy), None
    try:
        data, status = read_with_stat(chunk.path)
    except OSError as error:
        return unreadable(chunk.path, error), _stat_or_none(chunk.path)
    return parse_bytes(data, make_source(data, chunk.path), policy), status


def read_with_stat(path: PathArg) -> tuple[bytes, os.stat_result]:
    """A whole file's bytes, and its status taken on the open file.

    Unbuffered system calls: half the cost of ``Path.read_bytes`` for the small files of a
    maildir, which an index run reads by the thousand.

    :raises OSError: the file cannot be opened or read, or is not a regular file
        (:func:`~emlkit.parse.files.open_regular_with_status`).
    """
    descriptor, status = open_regular_with_status(path)  # one fstat for the check and the size
    try:
        data = os.read(descriptor, status.st_size + 1)
        if len(data) != status.st_size:  # the file changed, or a short read: to the end
            data += b"".join(iter(lambda: os.read(descriptor, 1 << 20), b""))
        return data, status
    finally:
        os.close(descriptor)


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def iter_file_messages(path: PathArg, policy: Policy = default) -> Iterator[Message]:
    """Every message in one file: one record, or one per message of an mbox.

    A file that cannot be read gives one failure record.
    """
    try:
        for chunk in iter_file_chunks(path):
            yield parse_chunk(chunk, policy)
    except OSError as error:
        yield unreadable(Path(path), error)


def iter_messages(
    paths: PathArg | Iterable[PathArg], policy: Policy = default
) -> Iterator[Message]:
    """Every message in the given files and folder trees, in a stable order.

    Folders are walked recursively; which files are read is described in ``docs/parsing.md``.
    A folder that cannot be listed gives a failure record (``unreadable``) with its path.

    :raises InputError: a given path does not exist.
    """
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    for path in given:
        if not Path(path).exists():
            raise InputError(f"{path_text(os.fspath(path))}: no such file or folder")
    folders: list[Message] = []

    def unlisted(folder: str, error: OSError) -> None:
        folders.append(_failure(Path(folder), f"cannot list the folder: {error.strerror or error}"))

    for file in iter_mail_paths(given, unlisted):
        yield from folders
        folders.clear()
        yield from iter_file_messages(file, policy)
    yield from folders


def _existing_file(path: PathArg) -> Path:
    given = os.fspath(path)
    file = Path(os_path(given))  # as written, or as records and the index write it
    if not file.exists():
        raise InputError(f"{path_text(given)}: no such file")
    if file.is_dir():
        raise InputError(f"{path_text(given)}: is a folder; use iter_messages for folders")
    return file


def unreadable(file: Path, error: OSError) -> Message:
    """The failure record of a file that cannot be read."""
    return _failure(file, f"cannot read the file: {error.strerror or error}")


def _failure(file: Path, reason: str) -> Message:
    source = make_source(b"", file)
    return Message(
        source=source,
        message_id=synthetic_id(source.sha256),
        message_id_synthetic=True,
        failure=Failure(FailureKind.UNREADABLE, reason),
    )
