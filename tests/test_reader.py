"""Reading files: one message per file, mbox splitting with exact offsets, folder walking."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, make_message, refuse_listing
from hypothesis import given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import EmlkitError, Failure, FailureKind, InputError, Message
from emlkit.cli import main
from emlkit.parse import files
from emlkit.parse.files import (
    Chunk,
    is_separator,
    iter_file_chunks,
    mbox_by_name,
    os_path,
    path_text,
    split_mbox,
)
from emlkit.parse.reader import parse_chunk_with_stat, read_with_stat
from emlkit.parse.sniff import BOM

FROM_LINE = b"From anna@example.org Tue Mar 16 10:00:00 2021\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_offsets_point_at_the_messages(path: Path, messages: list[Message]) -> None:
    """Every record's offset and size cut exactly its hashed bytes out of the file."""
    data = path.read_bytes()
    for message in messages:
        start, size = message.source.offset, message.source.size
        chunk = data[start : start + size]
        assert len(chunk) == size
        assert sha256(chunk) == message.source.sha256
        assert message.source.path == str(path)


def mbox_entry(number: int, body: bytes = b"Body.\n") -> bytes:
    message = make_message(
        [("Subject", f"Message {number}"), ("Message-ID", f"<m{number}@example.org>")], body
    )
    return FROM_LINE + message + b"\n"


# --- single files --------------------------------------------------------------------------------


def test_parse_file_records_the_file_as_source() -> None:
    path = FIXTURES / "forwarded_rfc822.eml"
    message = emlkit.parse_file(path)
    data = path.read_bytes()
    assert message.source.path == str(path)
    assert (message.source.index, message.source.offset) == (None, 0)
    assert message.source.size == len(data)
    assert message.source.sha256 == sha256(data)
    assert message.message_id == "forward-outer@example.org"


def test_parse_file_raises_input_error_for_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.eml"
    with pytest.raises(InputError, match=r"nowhere\.eml"):
        emlkit.parse_file(missing)
    with pytest.raises(EmlkitError):
        emlkit.parse_file(str(missing))


def test_parse_file_raises_input_error_for_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        emlkit.parse_file(tmp_path)


def test_iter_messages_raises_input_error_for_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(make_message())
    with pytest.raises(InputError):
        list(emlkit.iter_messages([tmp_path / "a.eml", tmp_path / "missing"]))


def test_parse_file_of_a_non_message_is_a_failure_record() -> None:
    message = emlkit.parse_file(FIXTURES / "outlook.msg")
    assert message.failure is not None
    assert message.failure.kind is FailureKind.OUTLOOK_MSG
    assert message.source.path == str(FIXTURES / "outlook.msg")


def test_reading_a_folder_as_a_file_gives_an_unreadable_record(tmp_path: Path) -> None:
    [message] = emlkit.iter_file_messages(tmp_path)
    assert message.failure is not None
    assert message.failure.kind is FailureKind.UNREADABLE


# --- mbox ----------------------------------------------------------------------------------------


def test_fixture_mbox_with_unescaped_from_lines_in_bodies() -> None:
    path = FIXTURES / "mbox_unescaped_from.mbox"
    messages = list(emlkit.iter_file_messages(path))
    assert [m.subject for m in messages] == ["Message 1", "Message 2", "Message 3"]
    assert [m.source.index for m in messages] == [0, 1, 2]
    assert "From the minutes of the meeting:\nthe budget was approved." in messages[0].text
    assert messages[1].text.startswith("From 1 April the office moves")
    assert "From Moscow with love, as always." in messages[2].text
    assert_offsets_point_at_the_messages(path, messages)


def test_mbox_records_exclude_from_lines_and_final_blank_lines() -> None:
    path = FIXTURES / "mbox_unescaped_from.mbox"
    data = path.read_bytes()
    messages = list(emlkit.iter_file_messages(path))
    ends = [m.source.offset + m.source.size for m in messages]
    starts = [m.source.offset for m in messages]
    assert data[: starts[0]].startswith(b"From anna@example.org ")
    for end, next_start in zip(ends, starts[1:], strict=False):
        gap = data[end:next_start]
        assert gap.startswith(b"\nFrom anna@example.org ")  # the blank line, then the separator
        assert gap.count(b"\n") == 2
    assert data[ends[-1] :] == b"\n"
    for start in starts:
        assert data[start:].startswith(b"From: ")


def test_fixture_mbox_with_crlf_line_ends() -> None:
    path = FIXTURES / "mbox_crlf.mbox"
    messages = list(emlkit.iter_file_messages(path))
    assert [m.subject for m in messages] == ["Message 1", "Message 2"]
    assert [m.text for m in messages] == ["Body 1.\n", "Body 2.\n"]
    assert_offsets_point_at_the_messages(path, messages)


def test_fixture_one_message_file_with_a_leading_from_line() -> None:
    path = FIXTURES / "mbox_single_with_from_line.eml"
    [message] = emlkit.iter_file_messages(path)
    assert message.source.index is None
    assert (message.source.offset, message.source.size) == (0, path.stat().st_size)
    assert message.subject == "Message 1"
    assert [a.address for a in message.from_] == ["anna@example.org"]
    assert message.text.strip() == "A single message with an mbox From line."
    assert [h.name for h in message.headers][:2] == ["From", "To"]
    assert emlkit.parse_file(path) == message


def test_mbox_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.mbox"
    path.write_bytes(BOM + mbox_entry(1) + mbox_entry(2))
    messages = list(emlkit.iter_file_messages(path))
    assert [m.subject for m in messages] == ["Message 1", "Message 2"]
    assert messages[0].source.offset == len(BOM) + len(FROM_LINE)
    assert_offsets_point_at_the_messages(path, messages)


def test_one_message_mbox_file_keeps_its_index(tmp_path: Path) -> None:
    path = tmp_path / "one.mbox"
    path.write_bytes(mbox_entry(1))
    [message] = emlkit.iter_file_messages(path)
    assert message.source.index == 0
    assert message.source.offset == len(FROM_LINE)
    assert_offsets_point_at_the_messages(path, [message])


def test_file_without_suffix_holding_several_mbox_messages_is_split(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_bytes(mbox_entry(1) + mbox_entry(2))
    messages = list(emlkit.iter_file_messages(path))
    assert [m.subject for m in messages] == ["Message 1", "Message 2"]
    assert_offsets_point_at_the_messages(path, messages)


def test_eml_file_is_one_message_even_with_from_lines_inside(tmp_path: Path) -> None:
    # An .eml holds one message; its body may carry separator-like lines (git format-patch).
    path = tmp_path / "export.eml"
    path.write_bytes(mbox_entry(1) + mbox_entry(2))
    [message] = emlkit.iter_file_messages(path)
    assert message.source.index is None
    assert (message.source.offset, message.source.size) == (0, path.stat().st_size)
    assert message.subject == "Message 1"


def test_text_before_the_first_separator_is_a_message_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "odd.mbox"
    path.write_bytes(make_message([("Subject", "Message 0")]) + b"\n" + mbox_entry(1))
    messages = list(emlkit.iter_file_messages(path))
    assert [m.subject for m in messages] == ["Message 0", "Message 1"]
    assert messages[0].source.offset == 0
    assert_offsets_point_at_the_messages(path, messages)


@pytest.mark.parametrize(
    "line",
    [
        b"From anna@example.org Tue Mar 16 10:00:00 2021\n",
        b"From anna@example.org  Tue Mar  6 10:00:00 2021\n",
        b"From - Tue Mar 16 10:00:00 2021\n",
        b"From MAILER-DAEMON Tue Mar 16 10:00:00 2021\n",
        b"From anna@example.org\n",
    ],
)
def test_separator_lines(line: bytes) -> None:
    assert is_separator(line, b"Subject: next message\n")


@pytest.mark.parametrize(
    ("line", "following"),
    [
        (b"From Moscow with love, as always.\n", b"Subject: looks like a header\n"),
        (b"From the minutes of the meeting:\n", b"Note: the budget was approved.\n"),
        (b"From anna@example.org Tue Mar 16 10:00:00 2021\n", b"just a body line\n"),
        (b"From anna@example.org Tue Mar 16 10:00:00 2021\n", None),
        (b">From anna@example.org Tue Mar 16 10:00:00 2021\n", b"Subject: escaped\n"),
        (b"from anna@example.org Tue Mar 16 10:00:00 2021\n", b"Subject: lowercase\n"),
    ],
)
def test_lines_that_are_not_separators(line: bytes, following: bytes | None) -> None:
    assert not is_separator(line, following)


def test_split_mbox_offsets_and_bytes() -> None:
    first, second = mbox_entry(1), mbox_entry(2, b"From here on, no more.\n")
    stream = io.BytesIO(first + second)
    parts = list(split_mbox(stream))
    assert [offset for offset, _ in parts] == [len(FROM_LINE), len(first) + len(FROM_LINE)]
    assert parts[0][1] == first[len(FROM_LINE) : -1]
    assert parts[1][1] == second[len(FROM_LINE) : -1]


# --- folders -------------------------------------------------------------------------------------


@pytest.fixture
def mail_tree(tmp_path: Path) -> Path:
    """A folder of mail mixed with files that are not mail."""
    message = make_message()
    not_mail = "Заметки к собранию, без заголовков.\n".encode()
    files: dict[str, bytes] = {
        "a.eml": message,
        "b.mbox": mbox_entry(1) + mbox_entry(2),
        "mail.txt": message,
        "readme.txt": not_mail,
        "noext": message,
        "notes.md": message,  # looks like mail, but .md is never read in a folder
        "script.py": message,
        "photo.jpg": b"\xff\xd8\xff\xe0 not really a photo",
        ".dotfile.eml": message,
        ".hidden/c.eml": message,
        "sub/d.eml": message,
        "sub/deeper/E.EML": message,
        "maildir/cur/1616000000.M1P1.host:2,S": message,
        "maildir/new/1616000001.M2P2.host": not_mail,
    }
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


def test_folder_walk_reads_only_mail_in_a_stable_order(mail_tree: Path) -> None:
    found = [p.relative_to(mail_tree).as_posix() for p in emlkit.iter_mail_files([mail_tree])]
    assert found == [
        "a.eml",
        "b.mbox",
        "mail.txt",
        "noext",
        "maildir/cur/1616000000.M1P1.host:2,S",
        "sub/d.eml",
        "sub/deeper/E.EML",
    ]


def test_iter_messages_over_a_folder(mail_tree: Path) -> None:
    messages = list(emlkit.iter_messages(mail_tree))
    assert len(messages) == 8  # b.mbox holds two
    assert all(m.ok for m in messages)
    mbox = [m for m in messages if m.source.path == str(mail_tree / "b.mbox")]
    assert [m.source.index for m in mbox] == [0, 1]


@pytest.mark.parametrize("name", ["readme.txt", "notes.md", ".dotfile.eml", "photo.jpg"])
def test_a_file_named_explicitly_is_always_read(mail_tree: Path, name: str) -> None:
    path = mail_tree / name
    assert list(emlkit.iter_mail_files([path])) == [path]
    [message] = emlkit.iter_messages(path)
    assert message.source.path == str(path)


def test_explicit_text_file_without_headers_is_a_failure_record(mail_tree: Path) -> None:
    [message] = emlkit.iter_messages(str(mail_tree / "readme.txt"))
    assert message.failure is not None
    assert message.failure.kind is FailureKind.NOT_A_MESSAGE


def test_iter_messages_over_the_fixture_folder(tmp_path: Path) -> None:
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    messages = list(emlkit.iter_messages(copy))
    paths = {Path(m.source.path or "").name for m in messages}
    assert "make_fixtures.py" not in paths
    assert "not_a_message.txt" not in paths  # a .txt without headers is skipped in folders
    assert {"outlook.msg", "empty.eml", "mbox_crlf.mbox"} <= paths
    failures = {Path(m.source.path or "").name: m.failure for m in messages if m.failure}
    assert set(failures) == {
        "outlook.msg",
        "empty.eml",
        "whitespace_only.eml",
        "binary_garbage.eml",
    }


def test_read_with_stat_gives_the_bytes_and_the_status_of_the_open_file(tmp_path: Path) -> None:
    path = tmp_path / "big.eml"
    data = make_message(body=b"x" * 3_000_000)  # more than one buffer's worth
    path.write_bytes(data)
    read, status = read_with_stat(path)
    assert read == data
    assert (status.st_size, status.st_mtime_ns) == (len(data), path.stat().st_mtime_ns)
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    assert read_with_stat(empty)[0] == b""
    with pytest.raises(OSError):
        read_with_stat(tmp_path / "gone.eml")


def test_parse_chunk_with_stat_has_a_status_only_for_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(make_message())
    message, status = parse_chunk_with_stat(Chunk(path, None, 0, None))
    assert message.failure is None and status is not None
    assert status.st_size == message.source.size == path.stat().st_size
    chunks = list(iter_file_chunks(FIXTURES / "mbox_unescaped_from.mbox"))
    assert len(chunks) > 1
    assert all(parse_chunk_with_stat(chunk)[1] is None for chunk in chunks)
    folder, status = parse_chunk_with_stat(Chunk(tmp_path, None, 0, None))
    assert folder.failure is not None and folder.failure.kind is FailureKind.UNREADABLE
    assert status is not None  # a folder cannot be read, but it has a size and a time
    gone, status = parse_chunk_with_stat(Chunk(tmp_path / "gone.eml", None, 0, None))
    assert gone.failure is not None and status is None


@pytest.mark.parametrize(
    ("name", "decided"),
    [
        ("a.mbox", True),
        ("A.MBX", True),
        ("list.mbox.txt", True),
        ("a.eml", False),
        ("cur/1546300800.M1P1.host:2,S", False),
        ("new/1546300800.M1P1.host:2,", False),
        ("1546300800.M1P1.host:2,S", None),
        ("archive/1546300800.M1P1.host:2,S", None),
        ("cur/1546300800.M1P1.host", None),
        ("notes", None),
        ("a.txt", None),
    ],
)
def test_whether_a_name_alone_tells_an_mbox(name: str, decided: bool | None) -> None:
    assert mbox_by_name(Path(name)) is decided


def test_a_file_named_as_one_message_is_not_opened_to_tell_an_mbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_head(file: Path) -> bytes:
        raise AssertionError(f"{file} opened to tell an mbox")

    monkeypatch.setattr(files, "_head", no_head)
    path = tmp_path / "one.eml"
    path.write_bytes(FROM_LINE + make_message())
    assert list(iter_file_chunks(path)) == [Chunk(path, None, 0, None)]
    (tmp_path / "cur").mkdir()
    maildir = tmp_path / "cur" / "1546300800.M1P1.host:2,S"  # one message a file, by name
    maildir.write_bytes(FROM_LINE + make_message() + b"\n" + FROM_LINE + make_message())
    assert list(iter_file_chunks(maildir)) == [Chunk(maildir, None, 0, None)]
    unnamed = tmp_path / "unnamed"
    unnamed.write_bytes(FROM_LINE + make_message())
    with pytest.raises(AssertionError, match="opened to tell an mbox"):
        list(iter_file_chunks(unnamed))


def test_a_path_that_is_not_utf8_is_written_with_escapes_and_read_back(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), "Письмо.eml".encode("cp1251"))
    path = os.fsdecode(raw)  # Python carries the bytes that are not UTF-8 as surrogates
    text = path_text(path)
    assert text == f"{tmp_path}/\\xcf\\xe8\\xf1\\xfc\\xec\\xee.eml"
    text.encode("utf-8")  # printable, storable
    assert os_path(text) == path
    assert path_text(str(tmp_path / "письмо.eml")) == str(tmp_path / "письмо.eml")
    assert os_path(str(tmp_path / "письмо.eml")) == str(tmp_path / "письмо.eml")


def test_a_name_holding_an_escape_literally_is_taken_as_written(tmp_path: Path) -> None:
    literal = tmp_path / "caf\\xe9.eml"  # a backslash, an x, an e and a 9
    literal.write_bytes(make_message())
    assert os_path(str(literal)) == str(literal)
    assert os_path(str(tmp_path / "gone\\xe9.eml")) == f"{tmp_path}/gone\udce9.eml"
    assert emlkit.parse_file(str(literal)).ok


def test_parse_file_takes_the_escaped_form_of_a_name(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.eml")
    try:
        with open(raw, "wb") as handle:
            handle.write(make_message())
    except OSError:
        pytest.skip("this file system keeps only Unicode file names")
    message = emlkit.parse_file(f"{tmp_path}/caf\\xe9.eml")
    assert message.ok
    assert message.source.path == f"{tmp_path}/caf\\xe9.eml"
    assert emlkit.parse_file(os.fsdecode(raw)).source.path == message.source.path


def test_a_folder_that_cannot_be_listed_gives_a_failure_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.eml").write_bytes(make_message())
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.eml").write_bytes(make_message())
    refuse_listing(monkeypatch, locked)
    first, second = emlkit.iter_messages(tmp_path)
    assert first.ok and first.source.path == str(tmp_path / "a.eml")
    assert second.source.path == str(locked)
    assert second.failure == Failure(
        FailureKind.UNREADABLE, "cannot list the folder: Permission denied"
    )
    reported: list[tuple[str, str]] = []
    paths = list(files.iter_mail_paths([tmp_path], lambda f, e: reported.append((f, e.strerror))))
    assert paths == [str(tmp_path / "a.eml")]
    assert reported == [(str(locked), "Permission denied")]


_NAME_PIECES = st.sampled_from(
    [b"a", b"/", b".", b"-", b" ", b"\\", b"x", b"\\x41", "яЖ€😀".encode(), "\x85\x9f".encode()]
    + [bytes([byte]) for byte in [*range(1, 0x20), 0x7F, *range(0x80, 0x100)]]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_NAME_PIECES, max_size=20).map(b"".join))
def test_path_text_is_one_printable_line_and_os_path_reverses_it(name: bytes) -> None:
    path = os.fsdecode(b"/nonexistent-emlkit-test/" + name)  # as the walk meets the name
    text = path_text(path)
    text.encode("utf-8")  # storable and printable
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
    if not re.search(r"\\(x[0-9a-f]{2}|u00[89][0-9a-f])", path):  # no escape written literally
        assert os_path(text) == path


def test_a_path_with_control_characters_prints_as_one_escaped_line(tmp_path: Path) -> None:
    name = "evil\x1b[31mRED\x1b[0m\nfake line.eml"
    (tmp_path / name).write_bytes(b"")  # empty: a failure, reported on stderr
    result = CliRunner().invoke(main, ["parse", str(tmp_path)])
    assert result.exit_code == 1
    line = f"emlkit: {tmp_path}/evil\\x1b[31mRED\\x1b[0m\\x0afake line.eml: an empty file"
    assert result.stderr.startswith(line)
    assert len(result.stderr.strip().splitlines()) == 1


# Files that are not regular files: refused without waiting, accounted for in folders

needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


class Hung(Exception):
    """Raised by :func:`no_hang`'s alarm (not an OSError, which the reader would catch)."""


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, instead of waiting for ever, when a test blocks (opening a FIFO for reading
    waits for a writer): an alarm interrupts the blocked call."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum: int, frame: object) -> None:
        raise Hung("blocked: a FIFO was opened for reading")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@needs_fifos
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, no_hang: None) -> None:
    fifo = tmp_path / "pipe.eml"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"not a regular file but a FIFO \(named pipe\)"):
        files.open_regular(fifo)
    with pytest.raises(OSError, match="FIFO"):
        read_with_stat(fifo)
    [message] = emlkit.iter_messages(fifo)
    assert message.failure is not None and message.failure.kind is FailureKind.UNREADABLE
    assert (
        message.failure.reason == "cannot read the file: not a regular file but a FIFO (named pipe)"
    )
    assert emlkit.parse_file(fifo).failure == message.failure
    fifo_mbox = tmp_path / "pipe.mbox"  # an mbox is split as a stream: refused all the same
    os.mkfifo(fifo_mbox)
    [message] = emlkit.iter_messages(fifo_mbox)
    assert message.failure is not None and "FIFO" in message.failure.reason


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_is_refused_not_read_without_end(no_hang: None) -> None:
    [message] = emlkit.iter_messages("/dev/zero")
    assert message.failure is not None
    assert (
        message.failure.reason == "cannot read the file: not a regular file but a character device"
    )


def test_a_link_to_nothing_says_so(tmp_path: Path) -> None:
    link = tmp_path / "gone.eml"
    link.symlink_to(tmp_path / "moved-away.eml")
    with pytest.raises(OSError, match=r"a symbolic link to nothing \(.*moved-away\.eml\)"):
        files.open_regular(link)
    with pytest.raises(FileNotFoundError):
        files.open_regular(tmp_path / "never-was.eml")


def test_a_link_to_a_file_is_read(tmp_path: Path) -> None:
    target = tmp_path / "real.eml"
    target.write_bytes(make_message())
    link = tmp_path / "link.eml"
    link.symlink_to(target)
    assert read_with_stat(link)[0] == target.read_bytes()


@needs_fifos
def test_folder_walk_accounts_for_what_is_named_like_mail_but_is_no_file(
    tmp_path: Path, no_hang: None
) -> None:
    """A FIFO or a link to nothing named like mail is walked (its reading fails with the
    reason); one not named like mail is not even sniffed; links to folders are not followed."""
    (tmp_path / "a.eml").write_bytes(make_message())
    os.mkfifo(tmp_path / "b.eml")
    (tmp_path / "c.eml").symlink_to(tmp_path / "nowhere.eml")
    os.mkfifo(tmp_path / "README")  # would be sniffed if it were a file
    (tmp_path / "notes.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "cur").mkdir()
    os.mkfifo(tmp_path / "cur" / "1616000000.M1P1.host:2,S")
    (tmp_path / "loop").symlink_to(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in emlkit.iter_mail_files([tmp_path])]
    assert found == ["a.eml", "b.eml", "c.eml", "cur/1616000000.M1P1.host:2,S"]
    reasons = {
        Path(m.source.path or "").name: m.failure.reason if m.failure else "ok"
        for m in emlkit.iter_messages(tmp_path)
    }
    fifo = "cannot read the file: not a regular file but a FIFO (named pipe)"
    assert reasons == {
        "a.eml": "ok",
        "b.eml": fifo,
        "c.eml": f"cannot read the file: a symbolic link to nothing ({tmp_path / 'nowhere.eml'})",
        "1616000000.M1P1.host:2,S": fifo,
    }
