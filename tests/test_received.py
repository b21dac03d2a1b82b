"""The Received scan: on every header it reads, the same fields as mail-parser's parser."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from emlkit.parse.received import HopFields, _mailparser_fields, scan_hop
from emlkit.records import Defect

# Pieces that exercise every rule of mail-parser's lexer: keywords (in any case), folding
# whitespace, comments, literals, angle addresses, separators, quotes and escapes.
PIECES = [
    "from", "FROM", "by", "By", "via", "with", "id", "for", "envelope-from",
    "envelope-sender", "cipher", "Cipher", " ", "  ", "\t", "\r\n ", "(", ")", "[", "]",
    "<", ">", ";", '"', "\\", "a.example.org", "x", "192.0.2.1", "helo=", "ESMTPS",
    "Tue, 16 Mar 2021 10:00:00 +0300", "2021-03-16 10:00:00.123456789 +0000 UTC m=+1.5",
    "\udcd0\udcbf", "\u00a0", "\x02", "(a by b)", "(x [y] z)", "[a(b]", "<u@x>",
    "(with cipher)", "; ", "by\t", " from ", "(helo=x)", "<for by>",
]  # fmt: skip


def mailparser_fields(value: str) -> HopFields:
    defects: list[Defect] = []
    return _mailparser_fields(value, 1, defects)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
@example("from a.example.org (a.example.org [192.0.2.1]) by b.example.org; Tue, 1 Jan 2030")
@example("from a (helo=b) by c with cipher TLS id 1 for <x@y> by d; date")
@example("from a (x)by b (y)from c;")
@example("from [192.0.2.1] (a) by b with SMTP id X for <u@example.org>; Tue")
def test_the_scan_agrees_with_mailparser(value: str) -> None:
    fast = scan_hop(value)
    if fast is not None:
        assert fast == mailparser_fields(value)


@pytest.mark.parametrize(
    "value",
    [
        'from "a b" by c; date',  # a quoted string
        "from a (b (c)) by d; date",  # a nested comment
        "from a (b by c; date",  # an unclosed comment
        "from a by b; for <x@y>; date",  # two separators
        "from a by b",  # no separator
    ],
)
def test_irregular_headers_are_left_to_mailparser(value: str) -> None:
    assert scan_hop(value) is None


def test_a_plain_header() -> None:
    value = "from mx.example.org (mx.example.org\r\n [192.0.2.1])\tby relay.test ; Tue, 1 Jan"
    assert scan_hop(value) == HopFields(
        "mx.example.org (mx.example.org [192.0.2.1])", "relay.test", "Tue, 1 Jan"
    )
