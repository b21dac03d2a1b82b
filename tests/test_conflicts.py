"""Conflicts: the versions of a Message-ID stored with different contents, where each copy
stands, what differs, and how `emlkit conflicts` and the API show it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import forwarded
from rich.console import Console

import emlkit
from emlkit.cli import main
from emlkit.errors import NotFoundError
from emlkit.index.conflicts import FIELDS, conflicts
from emlkit.index.indexer import index_paths
from emlkit.index.store import Store
from emlkit.render.conflicts import conflicts_view

TEXT = "Передаю акт приёмки.\nСумма: 120 000 рублей.\nПодпись завтра.\n"
HOP = b"Received: from mx.zar.test by mail.zar.test; Tue, 02 Mar 2021 10:00:05 +0300\n"


def message(
    mid: str = "act@zar.test",
    subject: str = "Акт приёмки",
    text: str = TEXT,
    to: str = "Борис Петров <boris@zar.test>",
    attachment: bytes | None = None,
) -> bytes:
    head = (
        f"From: Анна Егорова <anna@zar.test>\nTo: {to}\nSubject: {subject}\n"
        f"Date: Tue, 02 Mar 2021 10:00:00 +0300\nMessage-ID: <{mid}>\nMIME-Version: 1.0\n"
    ).encode()
    body = text.encode("utf-8")
    if attachment is None:
        return head + b"Content-Type: text/plain; charset=utf-8\n\n" + body
    return (
        head + b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain; charset=utf-8\n\n" + body + b"\n--b\n"
        b'Content-Type: application/octet-stream; name="act.bin"\n\n' + attachment + b"\n--b--\n"
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The original in annex 5, a copy of it with another hop and a forward of it elsewhere
    (one version), an edited copy (another), a message stored twice unchanged (no conflict),
    and a second conflict in its attachment only."""
    root = tmp_path / "corpus"
    annex, other = root / "annex-05", root / "mailbox"
    annex.mkdir(parents=True)
    other.mkdir()
    (annex / "act.eml").write_bytes(message())
    (other / "act-received.eml").write_bytes(HOP + message())
    (other / "fwd.eml").write_bytes(forwarded(HOP + HOP + message()))
    edited = TEXT.replace("120 000", "210 000")
    (other / "act-edited.eml").write_bytes(message(subject="Акт приёмки (исправлен)", text=edited))
    (annex / "same.eml").write_bytes(message("same@zar.test"))
    (other / "same.eml").write_bytes(HOP + message("same@zar.test"))
    (other / "file-1.eml").write_bytes(message("file@zar.test", attachment=b"one"))
    (other / "file-2.eml").write_bytes(message("file@zar.test", attachment=b"two"))
    index_paths([root], tmp_path / "index.db", jobs=1)
    return root


def test_each_conflict_has_its_versions_their_copies_and_what_differs(
    corpus: Path, tmp_path: Path
) -> None:
    with Store(tmp_path / "index.db", readonly=True) as store:
        found = {c.message_id: c for c in conflicts(store)}
    assert sorted(found) == ["act@zar.test", "file@zar.test"]  # not same@zar.test
    act = found["act@zar.test"]
    assert act.differences == ("subject", "text")
    original, edit = act.versions
    paths = sorted((Path(c.path or "").name, c.annex, c.forwarded) for c in original.copies)
    assert paths == [
        ("act-received.eml", None, False),
        ("act.eml", 5, False),
        ("fwd.eml", None, True),
    ]
    assert [Path(c.path or "").name for c in edit.copies] == ["act-edited.eml"]
    assert "120 000" in (original.text or "") and "210 000" in (edit.text or "")
    assert original.content_sha256 != edit.content_sha256
    assert original.addresses[0] == ("from", "Анна Егорова", "anna@zar.test")
    assert found["file@zar.test"].differences == ("attachments",)


def test_filters_by_annex_and_by_message_id(corpus: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "index.db", readonly=True) as store:
        assert [c.message_id for c in conflicts(store, annex=5)] == ["act@zar.test"]
        assert list(conflicts(store, annex=6)) == []
        assert [c.message_id for c in conflicts(store, message_id="file@zar.test")] == [
            "file@zar.test"
        ]
        assert list(conflicts(store, message_id="same@zar.test")) == []


def test_every_conflict_of_the_corpora_differs_in_a_field_of_the_digest(
    corpora_root: Path, tmp_path: Path
) -> None:
    index_paths([corpora_root], tmp_path / "index.db", jobs=1)
    with Store(tmp_path / "index.db", readonly=True) as store:
        flagged = store.db.execute(
            "SELECT count(DISTINCT message_id) FROM messages WHERE conflicting = 1"
        ).fetchone()[0]
        found = list(conflicts(store))
    assert len(found) == flagged > 0
    for conflict in found:
        assert conflict.differences and set(conflict.differences) <= set(FIELDS)
        digests = {version.content_sha256 for version in conflict.versions}
        assert len(digests) == len(conflict.versions) >= 2


def test_the_view_marks_what_differs_and_diffs_the_text(corpus: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "index.db", readonly=True) as store:
        found = list(conflicts(store, message_id="act@zar.test"))
    console = Console(width=120, record=True, color_system=None)
    console.print(conflicts_view(found))
    shown = console.export_text()
    assert "<act@zar.test>  2 versions, differing in: subject, text" in shown
    assert "-Сумма: 120 000 рублей." in shown and "+Сумма: 210 000 рублей." in shown
    assert "[annex 5]" in shown and "(forwarded inside it)" in shown
    assert "Подпись завтра." in shown  # context around the change
    console = Console(width=120, record=True, color_system=None)
    console.print(conflicts_view(found, diff_lines=2))
    assert "more diff lines (--diff-lines 0)" in console.export_text()


def test_the_command_prints_json_and_refuses_an_unknown_message_id(
    corpus: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "index.db")
    result = CliRunner().invoke(main, ["conflicts", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["message_id"] for row in rows] == ["act@zar.test", "file@zar.test"]
    act = rows[0]
    assert act["differences"] == ["subject", "text"]
    assert [len(v["copies"]) for v in act["versions"]] == [3, 1]
    assert act["versions"][1]["subject"] == "Акт приёмки (исправлен)"
    result = CliRunner().invoke(main, ["conflicts", "--db", db, "--message-id", "<act@zar.test>"])
    assert result.exit_code == 0 and "differing in: subject, text" in result.output
    result = CliRunner().invoke(main, ["conflicts", "--db", db, "--message-id", "nope@zar.test"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no message with Message-ID <nope@zar.test> in the index"
    ]


def test_the_api_lists_conflicts_as_rows(corpus: Path, tmp_path: Path) -> None:
    with emlkit.open(db=tmp_path / "index.db") as opened:
        found = opened.conflicts()
        rows = found.rows()
        assert [row["message_id"] for row in rows] == ["act@zar.test", "file@zar.test"]
        assert rows[0]["versions"] == 2 and rows[0]["copies"] == 4
        assert rows[0]["annexes"] == "5" and rows[0]["differences"] == "subject, text"
        assert len(opened.conflicts(annex=5)) == 1
        with pytest.raises(NotFoundError):
            opened.conflicts(message_id="nope@zar.test")


def test_an_index_without_conflicts_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.eml").write_bytes(message())
    index_paths([folder], tmp_path / "index.db", jobs=1)
    result = CliRunner().invoke(main, ["conflicts", "--db", str(tmp_path / "index.db")])
    assert result.exit_code == 0
    assert "no conflicts" in result.output
