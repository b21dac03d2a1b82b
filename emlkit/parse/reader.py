"""Reading messages from files: one message per file, or many from an mbox."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from emlkit.errors import InputError
from emlkit.parse.files import MBOX_SUFFIXES, is_mbox, iter_mail_files, split_mbox
from emlkit.parse.message import make_source, parse_bytes, synthetic_id
from emlkit.policy import Policy, default
from emlkit.records import Failure, FailureKind, Message

PathArg = str | os.PathLike[str]


def parse_file(path: PathArg, policy: Policy = default) -> Message:
    """Parse a file holding one message. Bad content gives a record with ``failure`` set.

    :raises InputError: the path does not exist or is a folder.
    """
    file = _existing_file(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        return _unreadable(file, error)
    return parse_bytes(data, make_source(data, file), policy)


def iter_file_messages(path: PathArg, policy: Policy = default) -> Iterator[Message]:
    """Every message in one file: one record, or one per message of an mbox.

    An mbox is split as a stream, so memory is bounded by its largest message. A file that
    starts with an mbox ``From`` line but holds one message is read as a one-message file.
    """
    file = Path(path)
    try:
        with file.open("rb") as handle:
            if not is_mbox(file, handle.read(4096)):
                handle.seek(0)
                data = handle.read()
                yield parse_bytes(data, make_source(data, file), policy)
                return
            handle.seek(0)
            yield from _mbox_messages(file, handle, policy)
    except OSError as error:
        yield _unreadable(file, error)


def iter_messages(
    paths: PathArg | Iterable[PathArg], policy: Policy = default
) -> Iterator[Message]:
    """Every message in the given files and folder trees, in a stable order.

    Folders are walked recursively; which files are read is described in ``docs/parsing.md``.

    :raises InputError: a given path does not exist.
    """
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    for path in given:
        if not Path(path).exists():
            raise InputError(f"{os.fspath(path)}: no such file or folder")
    for file in iter_mail_files(given):
        yield from iter_file_messages(file, policy)


def _mbox_messages(file: Path, handle: BinaryIO, policy: Policy) -> Iterator[Message]:
    parts = split_mbox(handle)
    first, second = next(parts, None), next(parts, None)
    if first is None or (second is None and file.suffix.lower() not in MBOX_SUFFIXES):
        data = file.read_bytes()
        yield parse_bytes(data, make_source(data, file), policy)
        return
    for index, item in enumerate(_chain(first, second, parts)):
        offset, data = item
        yield parse_bytes(data, make_source(data, file, index, offset), policy)


def _chain(
    first: tuple[int, bytes] | None,
    second: tuple[int, bytes] | None,
    rest: Iterator[tuple[int, bytes]],
) -> Iterator[tuple[int, bytes]]:
    for item in (first, second):
        if item is not None:
            yield item
    yield from rest


def _existing_file(path: PathArg) -> Path:
    file = Path(path)
    if not file.exists():
        raise InputError(f"{os.fspath(path)}: no such file")
    if file.is_dir():
        raise InputError(f"{os.fspath(path)}: is a folder; use iter_messages for folders")
    return file


def _unreadable(file: Path, error: OSError) -> Message:
    source = make_source(b"", file)
    reason = f"cannot read the file: {error.strerror or error}"
    return Message(
        source=source,
        message_id=synthetic_id(source.sha256),
        message_id_synthetic=True,
        failure=Failure(FailureKind.UNREADABLE, reason),
    )
