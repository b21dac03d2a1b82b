"""The Message record: its dict form, JSON-readiness, immutability and synthetic ids."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, fixture_bytes, make_message

import emlkit
from emlkit import Address, DateSource, DefectKind

MESSAGE_KEYS = {
    "source",
    "message_id",
    "message_id_synthetic",
    "in_reply_to",
    "references",
    "subject",
    "base_subject",
    "from",
    "sender",
    "reply_to",
    "to",
    "cc",
    "bcc",
    "date",
    "date_utc",
    "date_raw",
    "date_source",
    "text",
    "html",
    "charsets",
    "attachments",
    "children",
    "parent",
    "received",
    "headers",
    "defects",
    "failure",
}
SOURCE_KEYS = {"path", "index", "offset", "size", "sha256"}


def json_round_trip(record: dict[str, Any]) -> Any:
    """The record written as UTF-8 JSON and read back."""
    return json.loads(json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8"))


FIXTURE_FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix != ".py")


def test_as_dict_has_the_documented_keys() -> None:
    record = emlkit.parse_bytes(fixture_bytes("forwarded_rfc822.eml")).as_dict()
    assert set(record) == MESSAGE_KEYS
    assert set(record["source"]) == SOURCE_KEYS
    assert set(record["children"][0]) == MESSAGE_KEYS
    assert set(record["from"][0]) == {"name", "address"}
    assert set(record["attachments"][0]) == {
        "filename",
        "content_type",
        "size",
        "sha256",
        "inline",
        "content_id",
        "part",
    }
    assert set(record["charsets"][0]) == {
        "part",
        "declared",
        "used",
        "method",
        "confidence",
        "undecodable_bytes",
    }


def test_as_dict_values() -> None:
    message = emlkit.parse_bytes(fixture_bytes("forwarded_rfc822.eml"), "mail/fwd.eml")
    record = message.as_dict()
    assert record["source"] == {
        "path": "mail/fwd.eml",
        "index": None,
        "offset": 0,
        "size": message.source.size,
        "sha256": message.source.sha256,
    }
    assert record["message_id"] == "forward-outer@example.org"
    assert record["message_id_synthetic"] is False
    assert record["from"] == [{"name": "Anna Petrova", "address": "anna@example.org"}]
    assert record["date"] == "2021-03-16T09:15:00+03:00"
    assert record["date_utc"] == "2021-03-16T06:15:00+00:00"
    assert record["date_source"] == "header"
    assert record["parent"] is None
    assert record["children"][0]["parent"] == {
        "message_id": "forward-outer@example.org",
        "part": "2",
    }
    assert record["failure"] is None
    assert all(isinstance(d["kind"], str) for d in record["defects"])


def test_received_hops_in_the_dict() -> None:
    record = emlkit.parse_bytes(fixture_bytes("date_broken_received_fallback.eml")).as_dict()
    assert [hop["hop"] for hop in record["received"]] == [1, 2]
    assert set(record["received"][0]) == {"hop", "from", "by", "date", "date_utc", "delay", "raw"}
    assert record["received"][1]["date"] == "2021-03-16T10:05:30+03:00"
    assert record["received"][1]["date_utc"] == "2021-03-16T07:05:30+00:00"
    assert record["date_source"] == "received"
    assert "date-fallback" in {d["kind"] for d in record["defects"]}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_record_is_json_ready(path: Path) -> None:
    records = list(emlkit.iter_file_messages(path))
    assert records
    for record in records:
        as_dict = record.as_dict()
        assert json_round_trip(as_dict) == as_dict


def test_records_are_frozen() -> None:
    message = emlkit.parse_bytes(make_message())
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.subject = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.source.sha256 = "0" * 64  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.from_[0].address = "intruder@phish.test"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.date.source = DateSource.NONE  # type: ignore[misc]
    assert isinstance(message.from_, tuple)
    assert isinstance(message.defects, tuple)
    assert message.subject == "Test message"


def test_equal_bytes_give_equal_hashable_records() -> None:
    data = fixture_bytes("forwarded_nested.eml")
    first, second = emlkit.parse_bytes(data), emlkit.parse_bytes(data)
    assert first == second
    assert first.as_dict() == second.as_dict()
    assert first.from_[0] == Address("Viktor Sokolov", "viktor@example.net")
    assert hash(first.from_[0]) == hash(second.from_[0])


def test_synthetic_id_is_stable_and_flagged() -> None:
    data = make_message([("Message-ID", None)], b"No id.\n")
    first, second = emlkit.parse_bytes(data), emlkit.parse_bytes(data, "elsewhere.eml")
    expected = f"sha256-{hashlib.sha256(data).hexdigest()[:40]}@emlkit.invalid"
    assert first.message_id == second.message_id == expected
    assert first.message_id_synthetic
    assert [d.where for d in first.defects if d.kind is DefectKind.SYNTHETIC_ID] == ["Message-ID"]


def test_different_bytes_give_different_synthetic_ids() -> None:
    one = emlkit.parse_bytes(make_message([("Message-ID", None)], b"One.\n"))
    two = emlkit.parse_bytes(make_message([("Message-ID", None)], b"Two.\n"))
    assert one.message_id != two.message_id
    assert one.message_id_synthetic and two.message_id_synthetic


def test_real_message_id_is_not_synthetic() -> None:
    message = emlkit.parse_bytes(make_message())
    assert message.message_id == "test-message@example.org"
    assert not message.message_id_synthetic
    assert DefectKind.SYNTHETIC_ID not in {d.kind for d in message.defects}


def test_walk_is_depth_first_and_header_lookup_ignores_case() -> None:
    message = emlkit.parse_bytes(fixture_bytes("forwarded_nested.eml"))
    assert [m.message_id.split("@")[0] for m in message.walk()] == [
        "forward-top",
        "forward-middle",
        "inner-estimate",
    ]
    assert message.header("MESSAGE-id") == "<forward-top@example.org>"
    assert message.ok


def test_raw_8bit_date_header_gives_a_valid_unicode_record() -> None:
    # A Date header written by a Russian client in windows-1251: "16 марта 2021 10:30".
    data = make_message([("Date", "16 марта 2021 10:30".encode("cp1251"))])
    record = emlkit.parse_bytes(data).as_dict()
    assert json_round_trip(record) == record
