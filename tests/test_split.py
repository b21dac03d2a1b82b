"""split_message and split_with_stdlib: the stdlib's own tree whatever the bytes, found by
the scan or with runs of lines set aside and boundaries written as tokens."""

from __future__ import annotations

import base64
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path
from unittest import mock

import pytest
from helpers import FIXTURES, b64_lines, mime_lines, tree
from hypothesis import HealthCheck, example, given, settings

from emlkit.parse import split
from emlkit.parse.files import iter_file_chunks, iter_mail_files
from emlkit.parse.split import _canonical_boundaries, _set_aside, split_message, split_with_stdlib

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def assert_same_parse(data: bytes) -> None:
    expected = tree(BytesParser(policy=compat32).parsebytes(data))
    assert tree(split_message(data)) == expected
    assert tree(split_with_stdlib(data)) == expected


ATTACHED = b64_lines(3000)

MULTIPART = (
    b"From: a@example.org\nSubject: s\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="b1"\n\npreamble\n\n' + ATTACHED + b"--b1\n"
    b"Content-Type: text/plain\n\nHello.\n--b1\n"
    b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
    + ATTACHED
    + b"--b1--\n\n"
    + ATTACHED
)


def test_long_base64_parts_are_set_aside_and_put_back() -> None:
    shorter, mark, runs = _set_aside(MULTIPART)
    assert len(runs) == 3  # preamble, attachment, epilogue
    assert shorter.count(b"\n") < 30
    assert ATTACHED[:76] not in shorter and shorter.count(mark) == 3
    assert_same_parse(MULTIPART)
    part = split_with_stdlib(MULTIPART).get_payload(1)
    assert part.get_payload(decode=True) == base64.b64decode(ATTACHED)


def test_the_line_end_before_a_boundary_still_belongs_to_the_boundary() -> None:
    for linesep in (b"\n", b"\r\n"):
        data = MULTIPART.replace(b"\n", linesep)
        assert_same_parse(data)
        part = split_with_stdlib(data).get_payload(1)
        assert not vars(part)["_payload"].endswith(("\n", "\r"))


def test_a_run_of_text_goes_on_to_an_empty_line_a_dash_dash_line_or_a_bare_cr() -> None:
    text = b"Dear reader: it says\nFrom here on -- nothing - else.\n" * 20
    head = b"Content-Type: text/plain\n\n"
    for tail in (b"\n\nmore\n", b"--b1\n", b"bare\rCR\n", b""):
        data = head + text + tail
        _, _, runs = _set_aside(data)
        assert runs == [text[:-1]], tail  # without its last line end
        assert_same_parse(data)
    # A first line that a message's headers could hold is never taken.
    for first in (b"Subject: x\n", b" folded\n", b"From me\n", b"--b1\n"):
        assert _set_aside(head + first + text)[2] == []


def test_a_message_holding_the_placeholder_text_gets_another() -> None:
    data = MULTIPART.replace(b"preamble", b"EMLKITSETASIDE0Z EMLKITSETASIDEX1Z")
    _, mark, runs = _set_aside(data)
    assert mark == b"EMLKITSETASIDEXX" and runs
    assert_same_parse(data)


@pytest.mark.parametrize(
    "data",
    [
        # A run in the place of a forwarded message's headers, and of delivery-status fields.
        b"Content-Type: message/rfc822\n\n" + ATTACHED + b"\nbody\n",
        b"Content-Type: message/delivery-status\n\n" + ATTACHED + b"\nX: y\n\n" + ATTACHED,
        # Runs not taken or cut short: no empty line before, a short run, a bare CR inside.
        b"Subject: s\n" + ATTACHED,
        b"Subject: s\n\n" + b64_lines(300),
        b"Subject: s\n\n" + ATTACHED.replace(b"\n", b"\r", 1),
        # A last line without a line end, and an empty message body.
        b"Subject: s\n\n" + ATTACHED.rstrip(b"\n"),
        b"Subject: s\n\n",
    ],
)
def test_edge_cases_parse_as_the_stdlib_does(data: bytes) -> None:
    assert_same_parse(data)


def test_every_fixture_and_sample_parses_as_the_stdlib_does() -> None:
    files = sorted(FIXTURES.glob("*.eml")) + sorted(iter_mail_files([SAMPLES]))
    assert len(files) > 100
    for path in files:
        assert_same_parse(path.read_bytes())


def test_every_message_of_the_corpora_parses_as_the_stdlib_does(corpora_root: Path) -> None:
    messages = 0
    for path in iter_mail_files([corpora_root]):
        for chunk in iter_file_chunks(path):
            assert_same_parse(chunk.data if chunk.data is not None else path.read_bytes())
            messages += 1
    assert messages > 900


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mime_lines())
@example(MULTIPART)
def test_any_bytes_parse_as_the_stdlib_does(data: bytes) -> None:
    assert_same_parse(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mime_lines())
def test_any_bytes_parse_as_the_stdlib_does_with_every_run_set_aside(data: bytes) -> None:
    # Runs of any length: every line the rule admits is set aside, not only long runs.
    with mock.patch.object(split, "_SHORTEST_RUN", 1):
        assert_same_parse(data)


def test_every_message_of_the_corpora_parses_as_the_stdlib_does_with_every_run_set_aside(
    corpora_root: Path,
) -> None:
    with mock.patch.object(split, "_SHORTEST_RUN", 1):
        test_every_message_of_the_corpora_parses_as_the_stdlib_does(corpora_root)
        test_every_fixture_and_sample_parses_as_the_stdlib_does()


def test_boundaries_are_parsed_as_one_canonical_token_each() -> None:
    data = MULTIPART.replace(b"b1", b"----=_Part_7_1.2")
    rewritten, boundaries = _canonical_boundaries(data, b"EMLKITSETASIDE")
    assert boundaries == [b"----=_Part_7_1.2"]
    assert b"_Part_7" not in rewritten and rewritten.count(b"--EMLKITSETASIDEB0Z") == 3
    assert_same_parse(data)
    assert split_with_stdlib(data).get_boundary() == "----=_Part_7_1.2"


@pytest.mark.parametrize(
    "params",
    [
        b"boundary*=''b1",  # RFC 2231
        b"boundary = b1",  # spaces around =
        b'boundary="b\\1"',  # a quoted pair
        b'boundary="b1" x',  # the parser reads the value as '"b1" x'
        b"boundary=b1;\n x-boundary=b1--z",  # --b1 stands in --b1--z's delimiter
    ],
)
def test_boundaries_written_otherwise_are_left_as_they_are(params: bytes) -> None:
    data = b"Content-Type: multipart/mixed; " + params + b"\n\n--b1\n\nx\n--b1--z\n--b1--\n"
    assert _canonical_boundaries(data, b"EMLKITSETASIDE") == (data, [])
    assert_same_parse(data)


def test_boundaries_whose_delimiters_overlap_in_the_text_are_left_as_they_are() -> None:
    # "--ab--c" and "--c-d" overlap in "--ab--c-d": neither stands in the other's delimiter,
    # but one token each would write the shared "c" twice.
    data = (
        b'Content-Type: multipart/mixed; boundary="ab--c"\nX-Other: boundary="c-d"\n\n'
        b"--ab--c\n\ntext --ab--c-d here\n--ab--c--\n"
    )
    assert _canonical_boundaries(data, b"EMLKITSETASIDE") == (data, [])
    assert_same_parse(data)


def test_a_message_with_too_many_boundaries_keeps_them_as_written() -> None:
    # 20,000 distinct boundaries, none inside another: checking every pair would take
    # minutes, so beyond a few dozen they are left as they are.
    params = b"".join(b"Content-Type: multipart/mixed; boundary=b%05d\n" % n for n in range(20_000))
    data = params + b"\n--b00001\n\nx\n--b00001--\n"
    assert _canonical_boundaries(data, b"EMLKITSETASIDE") == (data, [])
    assert_same_parse(data)
    few = b"".join(b"Content-Type: multipart/mixed; boundary=b%05d\n" % n for n in range(64))
    assert len(_canonical_boundaries(few, b"EMLKITSETASIDE")[1]) == 64


def test_a_message_full_of_placeholder_look_alikes_is_split_in_one_pass() -> None:
    hostile = b"EMLKITSETASIDE" + b"X" * 200_000 + b"0Z\n" + b"EMLKITSETASIDEXX\n" * 5_000
    data = b"Subject: s\n\n" + hostile + b"\n" + ATTACHED
    _, mark, runs = _set_aside(data)
    assert mark == b"EMLKITSETASIDE" + b"X" * 200_001 and len(runs) == 2  # both blocks
    assert_same_parse(data)
