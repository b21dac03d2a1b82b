"""`emlkit export`: one row per message as JSON lines or CSV, with every column the issue
asks for, parent ids from the thread tree, forwarded messages with their carrier, paths of
duplicates and mbox positions, and the command line's output and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import make_message

from emlkit.cli import main
from emlkit.errors import UsageError
from emlkit.index.export import COLUMNS, export, export_file, export_rows, write_rows
from emlkit.index.indexer import index_paths
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

REQUIRED = {
    "id",
    "message_id",
    "paths",
    "sha256",
    "annex",
    "thread_id",
    "parent_id",
    "subject",
    "from",
    "to",
    "cc",
    "date",
    "date_utc",
    "in_reply_to",
    "references",
    "attachments",
    "defects",
}


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index") / "index.db"
    index_paths([SAMPLES], path, jobs=1)
    return path


@pytest.fixture(scope="module")
def rows(samples_db: Path) -> list[dict[str, Any]]:
    with Store(samples_db, readonly=True) as store:
        return list(export_rows(store))


def by_file(rows: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [r for r in rows if any(Path(p).name.startswith(prefix) for p in r["paths"])]


def test_every_message_is_a_row_with_every_column(rows: list[dict[str, Any]]) -> None:
    assert len(rows) == 82  # 78 files, 4 forwarded messages inside them
    assert all(tuple(row) == COLUMNS for row in rows)
    assert set(COLUMNS) >= REQUIRED
    dated = [row["date_utc"] for row in rows if row["date_utc"]]
    assert dated == sorted(dated)  # oldest first
    first = rows[0]
    assert first["date"] == "2021-02-08T19:42:07+06:00"
    assert first["date_utc"] == "2021-02-08T13:42:07+00:00"
    assert first["from"] == {
        "name": "Тищенко Олег Павлович",
        "address": "o.tishchenko@zarechensk-admin.test",
    }
    assert first["to"][0]["address"] == "a.egorova@zarechensk-admin.test"
    assert len(first["sha256"]) == 64 and first["annex"] == 2


def test_parent_id_is_the_message_id_of_the_parent_in_the_thread(
    rows: list[dict[str, Any]],
) -> None:
    (root,) = by_file(rows, "05-01")
    (reply,) = by_file(rows, "05-02")
    assert root["parent_id"] is None
    assert reply["parent_id"] == root["message_id"] == reply["in_reply_to"][0]
    assert reply["thread_id"] == root["thread_id"]
    assert reply["references"] == [root["message_id"]]
    (orphan,) = by_file(rows, "08-07")  # its parent is not in the corpus
    assert orphan["parent_id"] is None and orphan["in_reply_to"]


def test_forwarded_messages_name_their_carrier_and_its_paths(rows: list[dict[str, Any]]) -> None:
    carried = [row for row in rows if row["carrier_id"] is not None]
    assert len(carried) == 4
    ids = {row["id"]: row for row in rows}
    for row in carried:
        carrier = ids[row["carrier_id"]]
        assert row["carrier_message_id"] == carrier["message_id"]
        assert set(carrier["paths"]) <= set(row["paths"]) and row["carrier_part"]
        (original,) = [r for r in rows if r["message_id"] == row["message_id"] and r is not row]
        assert original["carrier_id"] is None and original["sha256"] != row["sha256"]
        assert original["content_sha256"] == row["content_sha256"]  # a faithful forward
        assert not row["conflicting"] and not original["conflicting"]
    # 03-05 forwards the very bytes 03-04 forwards: one row, in both files.
    twice = [r for r in carried if len(r["paths"]) == 2]
    assert [sorted(Path(p).name[:5] for p in r["paths"]) for r in twice] == [["03-04", "03-05"]]
    inner = [r for r in carried if Path(r["paths"][0]).name.startswith("03-04")]
    (attachment,) = inner[0]["attachments"]
    assert attachment["filename"] == "сотрудники_редакции.txt"
    assert set(attachment) == {"filename", "content_type", "size", "sha256", "inline"}


def test_defects_anomalies_and_synthetic_ids_are_exported(rows: list[dict[str, Any]]) -> None:
    (lenient,) = by_file(rows, "08-06")
    assert lenient["date_source"] == "lenient"
    assert [a["kind"] for a in lenient["anomalies"]] == ["date-lenient"]
    assert {d["kind"] for d in lenient["defects"]} == {"date-fallback"}
    (scan,) = by_file(rows, "05-08")
    assert scan["message_id_synthetic"] is True


def test_csv_has_the_same_rows_with_json_cells(
    samples_db: Path, rows: list[dict[str, Any]]
) -> None:
    out = io.StringIO(newline="")
    with Store(samples_db, readonly=True) as store:
        assert export(store, "csv", out) == 82
    table = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(table[0]) == COLUMNS and len(table) == 83
    for row, cells in zip(rows, table[1:], strict=True):
        for column, cell in zip(COLUMNS, cells, strict=True):
            value = row[column]
            if value is None:
                assert cell == ""
            elif isinstance(value, str):
                assert cell == value
            else:
                assert json.loads(cell) == value


def test_a_duplicate_has_every_path_and_mbox_positions(tmp_path: Path) -> None:
    one = make_message([("Message-ID", "<dup@x.test>")], b"Same bytes.\n")
    two = make_message([("Message-ID", "<other@x.test>")], b"Other.\n")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.eml").write_bytes(one)
    (root / "b.eml").write_bytes(one)
    (root / "box.mbox").write_bytes(b"From x\n" + two + b"\nFrom y\n" + one)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    with Store(db, readonly=True) as store:
        found = {row["message_id"]: row for row in export_rows(store)}
    dup = found["dup@x.test"]
    assert [Path(p).name for p in dup["paths"]] == ["a.eml", "b.eml", "box.mbox"]
    assert [(Path(x["path"]).name, x["mbox_index"]) for x in dup["locations"]] == [
        ("a.eml", None),
        ("b.eml", None),
        ("box.mbox", 1),
    ]
    assert found["other@x.test"]["locations"][0]["mbox_index"] == 0


def test_an_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        write_rows(iter([]), io.StringIO(), "xml")


def test_export_file_replaces_the_target_only_when_complete(
    samples_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with Store(samples_db, readonly=True) as store:
        assert export_file(store, "jsonl", target, annex=5) == 9
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9 and all(json.loads(line)["annex"] == 5 for line in lines)
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


def test_export_cli_formats_output_and_exit_codes(samples_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    lines = runner.invoke(main, ["export", "--db", str(samples_db)])
    assert lines.exit_code == 0, lines.output
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(records) == 82 and set(records[0]) == set(COLUMNS)
    output = tmp_path / "messages.csv"
    written = runner.invoke(
        main, ["export", "--db", str(samples_db), "--format", "csv", "--output", str(output)]
    )
    assert written.exit_code == 0
    assert "82 messages exported" in written.stderr
    with output.open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 83
    assert (
        runner.invoke(main, ["export", "--db", str(samples_db), "--format", "xml"]).exit_code == 2
    )
    missing = runner.invoke(main, ["export", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    nowhere = runner.invoke(
        main, ["export", "--db", str(samples_db), "-o", str(tmp_path / "no" / "x.csv")]
    )
    assert nowhere.exit_code == 1 and "Traceback" not in nowhere.output
