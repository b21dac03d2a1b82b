"""Indexing with a case file: its annexes and claims are stored, its globs name annexes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from emlkit.claims.indexing import find_case_file, index_case
from emlkit.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

CASE = """
[letter]
title = "A test letter"

[[annex]]
number = 9
title = "Loose files"
paths = ["loose"]

[[annex]]
number = 3
title = "Annex three"

[[claim]]
id = "C1"
text = "Something happened."
annexes = [9, 3]
terms = ["протокол"]
"""


def message(number: int) -> bytes:
    return (
        f"From: a{number}@zar.test\nSubject: Протокол {number}\n"
        f"Message-ID: <c{number}@zar.test>\nDate: Tue, 02 Mar 2021 10:00:00 +0300\n"
        "Content-Type: text/plain; charset=utf-8\n\nПротокол.\n"
    ).encode()


def corpus(root: Path) -> Path:
    for folder, number in (("loose", 1), ("annex-03", 2), ("other", 3)):
        (root / "corpus" / folder).mkdir(parents=True)
        (root / "corpus" / folder / f"{number}.eml").write_bytes(message(number))
    return root / "corpus"


def annexes(db: Path) -> dict[str, int | None]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT message_id, annex FROM messages").fetchall()
    return dict(rows)


def test_the_sample_case_is_found_and_stored(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    assert find_case_file([SAMPLES]) == SAMPLES / "case.toml"
    summary, case = index_case([SAMPLES], db, jobs=1)
    assert case is not None and summary.messages_indexed == 78
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM claims").fetchone() == (8,)
        numbers = [row[0] for row in connection.execute("SELECT number FROM annexes")]
        title = connection.execute("SELECT letter_title FROM case_file").fetchone()[0]
    assert numbers == [2, 3, 4, 5, 6, 7, 8, 15]
    assert title == case.letter.title


def test_case_globs_name_annexes_ahead_of_folder_names(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    case_file = tmp_path / "case.toml"  # globs are relative to the case file's folder
    case_file.write_text(CASE.replace('"loose"', '"corpus/loose"'), encoding="utf-8")
    summary, case = index_case([root], tmp_path / "index.db", jobs=1, case_file=case_file)
    assert case is not None and summary.ok
    assert annexes(tmp_path / "index.db") == {
        "c1@zar.test": 9,
        "c2@zar.test": 3,
        "c3@zar.test": None,
    }


def test_a_case_added_later_reassigns_unchanged_files(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    db = tmp_path / "index.db"
    index_case([root], db, jobs=1)
    assert annexes(db)["c1@zar.test"] is None
    (root / "case.toml").write_text(CASE.replace('"loose"', '"loose/*.eml"'), encoding="utf-8")
    summary, case = index_case([root], db, jobs=1)
    assert case is not None and summary.files_unchanged == 3
    assert annexes(db)["c1@zar.test"] == 9


def test_a_case_file_with_errors_is_a_usage_error_naming_the_line(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    (root / "case.toml").write_text(CASE.replace("annexes = [9, 3]", "annexes = [9, 4]"), "utf-8")
    result = CliRunner().invoke(main, ["index", str(root), "--db", str(tmp_path / "i.db")])
    assert result.exit_code == 2
    assert "annex 4" in result.output and "case.toml" in result.output
    assert not (tmp_path / "i.db").exists()


def test_index_command_reports_the_stored_case(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["index", str(SAMPLES), "--db", str(tmp_path / "i.db")])
    assert result.exit_code == 0, result.output
    assert "case stored: " in result.stdout and "8 claims, 8 annexes, 14 quotes" in result.stdout


def test_a_case_in_a_folder_whose_names_are_not_utf8(tmp_path: Path) -> None:
    # A wildcard of the case file matches a windows-1251 folder name; the case file itself
    # lies in a cp866-named folder. Both are stored as the index writes paths.
    outer = os.path.join(os.fsencode(tmp_path), "Дело".encode("cp866"))
    try:
        os.mkdir(outer)
    except OSError:
        pytest.skip("this file system keeps only Unicode file names")
    root = Path(os.fsdecode(outer))
    folder = root / os.fsdecode("Письма-loose".encode("cp1251"))
    folder.mkdir()
    (folder / "1.eml").write_bytes(message(1))
    (root / "case.toml").write_text(CASE.replace('paths = ["loose"]', 'paths = ["*loose"]'))
    db = tmp_path / "index.db"
    summary, case = index_case([root], db, jobs=1)
    assert summary.ok and case is not None
    assert annexes(db) == {"c1@zar.test": 9}
    with sqlite3.connect(db) as connection:
        [(stored,)] = connection.execute("SELECT path FROM case_file").fetchall()
    assert stored == f"{tmp_path}/\\x84\\xa5\\xab\\xae/case.toml"  # "Дело" in cp866
