"""`emlkit timeline`: periods by day, ISO week and month in UTC, filters, and the date
anomalies (a Date too far after or before the first Received hop, dates from fallbacks)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from helpers import b_word, make_message

from emlkit.cli import main
from emlkit.errors import UsageError
from emlkit.index import derived
from emlkit.index.date_rules import (
    AFTER_RECEIVED,
    BEFORE_RECEIVED,
    FROM_RECEIVED,
    LENIENT,
    MISSING,
    date_anomalies,
    duration,
)
from emlkit.index.indexer import index_paths
from emlkit.index.store import Store
from emlkit.index.timeline import TimelineFilters, timeline

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def received(when: str, host: str = "mx.corpus.test") -> tuple[str, str]:
    value = f"from client.corpus.test (client.corpus.test [192.0.2.10]) by {host} (Postfix)"
    return ("Received", f"{value} with ESMTP id ABC123 for <b@corpus.test>; {when}")


def mail(
    number: int,
    date: str | None,
    hops: tuple[str, ...] = (),
    sender: str = "Anna Petrova <anna@corpus.test>",
) -> bytes:
    headers: list[tuple[str, str | bytes | None]] = [
        ("From", sender),
        ("To", "b@corpus.test"),
        ("Subject", f"Message {number}"),
        ("Date", date),
        ("Message-ID", f"<t{number}@corpus.test>"),
    ]
    # Received headers stand newest first: the first hop is the last one written.
    headers[:0] = [received(when) for when in reversed(hops)]
    return make_message(headers, f"Body {number}.\n".encode())


def index(tmp_path: Path, folders: dict[str, list[bytes]]) -> Path:
    root = tmp_path / "corpus"
    for folder, messages in folders.items():
        (root / folder).mkdir(parents=True)
        for number, data in enumerate(messages):
            (root / folder / f"{number:03d}.eml").write_bytes(data)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    return db


def hop(date_utc: str) -> dict[str, str]:
    return {"date": date_utc, "date_utc": date_utc}


# Anomalies, without a database -----------------------------------------------------------


def test_a_date_later_than_the_first_hop_by_more_than_an_hour_is_flagged() -> None:
    date = "2021-03-16T11:01:00+00:00"
    (found,) = date_anomalies(date, date, "header", "raw", [hop("2021-03-16T10:00:00+00:00")])
    assert found.kind == AFTER_RECEIVED and found.seconds == 3660
    assert "1 h 1 min later" in found.detail
    within = "2021-03-16T10:59:00+00:00"
    assert date_anomalies(within, within, "header", "raw", [hop("2021-03-16T10:00:00+00:00")]) == []


def test_a_date_earlier_than_the_first_hop_by_more_than_a_day_is_flagged() -> None:
    date = "2021-03-12T09:00:00+00:00"
    hops = [{"date_utc": None}, hop("2021-03-16T10:00:00+00:00")]  # the first hop with a date
    (found,) = date_anomalies(date, date, "header", "raw", hops)
    assert found.kind == BEFORE_RECEIVED and found.seconds == -(4 * 86_400 + 3_600)
    assert "4 d 1 h earlier" in found.detail
    within = "2021-03-15T11:00:00+00:00"
    assert date_anomalies(within, within, "header", "raw", hops) == []


def test_dates_from_fallbacks_are_flagged() -> None:
    date = "2021-03-31T14:05:00+06:00"
    lenient = date_anomalies(date, date, "lenient", "31.03.2021 14:05", [])
    assert [a.kind for a in lenient] == [LENIENT] and "31.03.2021 14:05" in lenient[0].detail
    far = date_anomalies(date, date, "lenient", "31.03", [hop("2021-03-31T06:00:00+00:00")])
    assert [a.kind for a in far] == [LENIENT, AFTER_RECEIVED]  # a lenient date is still checked
    taken = date_anomalies(date, date, "received", None, [hop("2021-03-30T00:00:00+00:00")])
    assert [a.kind for a in taken] == [FROM_RECEIVED]  # not compared with itself
    assert [a.kind for a in date_anomalies(None, None, "none", None, [])] == [MISSING]
    assert date_anomalies(date, date, "header", "raw", []) == []  # no hops: nothing to compare


def test_durations_read_naturally() -> None:
    assert [duration(s) for s in (40, 300, 3_600, 5_400, 86_400, -93_600)] == [
        "40 s",
        "5 min",
        "1 h",
        "1 h 30 min",
        "1 d",
        "1 d 2 h",
    ]


# Indexed corpora ------------------------------------------------------------------------


def test_samples_flag_the_lenient_date_of_08_06(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    index_paths([SAMPLES], db, jobs=1)
    with Store(db, readonly=True) as store:
        found = timeline(store)
    assert [(Path(a.message.path or "").name[:5], a.anomaly.kind) for a in found.anomalies] == [
        ("08-06", LENIENT)
    ]
    assert found.messages == 78 and found.undated == 0  # 82 rows: 4 forwarded copies
    assert [(p.label, p.messages) for p in found.periods] == [
        ("2021-02", 19),
        ("2021-03", 53),
        ("2021-04", 5),
        ("2021-05", 1),
    ]


def test_anomalies_are_stored_for_both_directions_and_fallbacks(tmp_path: Path) -> None:
    db = index(
        tmp_path,
        {
            "annex-01": [
                mail(1, "Tue, 16 Mar 2021 10:00:00 +0300", ("Tue, 16 Mar 2021 10:00:20 +0300",)),
                mail(2, "Tue, 16 Mar 2021 12:30:00 +0300", ("Tue, 16 Mar 2021 07:00:20 +0000",)),
                mail(3, "Fri, 12 Mar 2021 10:00:00 +0300", ("Tue, 16 Mar 2021 10:00:00 +0300",)),
                mail(4, None, ("Wed, 17 Mar 2021 10:00:00 +0300",)),
                mail(5, None),
                mail(6, "17.03.2021 10:00", ("Wed, 17 Mar 2021 10:00:05 +0300",)),
            ]
        },
    )
    with Store(db, readonly=True) as store:
        stored = store.db.execute(
            "SELECT m.subject, a.kind, a.seconds FROM anomalies a"
            " JOIN messages m ON m.id = a.message_id ORDER BY m.subject"
        ).fetchall()
        found = timeline(store, "day")
    assert [tuple(row) for row in stored] == [
        ("Message 2", AFTER_RECEIVED, 8980.0),
        ("Message 3", BEFORE_RECEIVED, -4 * 86_400.0),
        ("Message 4", FROM_RECEIVED, None),
        ("Message 5", MISSING, None),
        ("Message 6", LENIENT, None),
    ]
    assert found.undated == 1 and found.messages == 5
    assert [a.message.subject for a in found.anomalies][-1] == "Message 5"  # undated last


def test_periods_are_utc_days_iso_weeks_and_months_with_gaps(tmp_path: Path) -> None:
    db = index(
        tmp_path,
        {
            "annex-01": [
                mail(1, "Thu, 31 Dec 2020 23:30:00 -0300"),  # 1 Jan 2021 UTC: ISO 2020-W53
                mail(2, "Sun, 03 Jan 2021 12:00:00 +0000"),  # 2020-W53 too
                mail(3, "Mon, 04 Jan 2021 01:00:00 +0600"),  # 3 Jan UTC
                mail(4, "Mon, 01 Mar 2021 02:00:00 +0600"),  # 28 Feb UTC
            ]
        },
    )
    with Store(db, readonly=True) as store:
        days = timeline(store, "day")
        weeks = timeline(store, "week")
        months = timeline(store, "month")
    assert [(p.label, p.messages) for p in days.periods[:3]] == [
        ("2021-01-01", 1),
        ("2021-01-02", 0),
        ("2021-01-03", 2),
    ]
    assert days.periods[-1].label == "2021-02-28" and len(days.periods) == 59
    assert [(p.label, p.messages) for p in weeks.periods][:2] == [("2020-W53", 3), ("2021-W01", 0)]
    assert weeks.periods[0].start == "2020-12-28" and weeks.periods[-1].label == "2021-W08"
    assert [(p.label, p.messages) for p in months.periods] == [("2021-01", 3), ("2021-02", 1)]
    with Store(db, readonly=True) as store, pytest.raises(UsageError):
        timeline(store, "year")


def test_filters_by_sender_identity_and_annex(tmp_path: Path) -> None:
    latin = "Anna Yegorova <anna@home.test>"
    cyrillic = f"{b_word('Егорова Анна', 'utf-8')} <a.egorova@work.test>"
    db = index(
        tmp_path,
        {
            "annex-02": [mail(1, "Mon, 01 Mar 2021 10:00:00 +0300", sender=latin)],
            "annex-03": [
                mail(2, "Tue, 02 Mar 2021 10:00:00 +0300", sender=cyrillic),
                mail(3, "Wed, 03 Mar 2021 10:00:00 +0300"),
                mail(4, None, sender=cyrillic),
            ],
        },
    )
    with Store(db, readonly=True) as store:
        hers = timeline(store, "day", TimelineFilters(sender="YEGOROVA"))
        annex = timeline(store, "day", TimelineFilters(annex=3))
        both = timeline(store, "day", TimelineFilters(sender="егорова", annex=2))
    assert (hers.messages, hers.undated) == (2, 1)  # both of her mailboxes
    assert [a.anomaly.kind for a in hers.anomalies] == [MISSING]
    assert (annex.messages, annex.undated) == (2, 1)
    assert [(p.label, p.messages) for p in both.periods] == [("2021-03-01", 1)]


# The command line ----------------------------------------------------------------------


def test_timeline_cli_exit_codes_and_json(tmp_path: Path) -> None:
    db = index(
        tmp_path,
        {
            "annex-01": [
                mail(1, "Tue, 16 Mar 2021 12:30:00 +0300", ("Tue, 16 Mar 2021 07:00:20 +0000",))
            ]
        },
    )
    runner = CliRunner()
    shown = runner.invoke(main, ["timeline", "--db", str(db), "--by", "week"])
    assert shown.exit_code == 0, shown.output
    assert "2021-W11" in shown.output and "date-after-received" in shown.output
    as_json = runner.invoke(main, ["timeline", "--db", str(db), "--json", "--from", "petrova"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    assert data["by"] == "month" and data["periods"] == [
        {"label": "2021-03", "start": "2021-03-01", "messages": 1}
    ]
    (anomaly,) = data["anomalies"]
    assert anomaly["kind"] == AFTER_RECEIVED and anomaly["seconds"] == 8980.0
    assert anomaly["message"]["subject"] == "Message 1"
    nobody = runner.invoke(main, ["timeline", "--db", str(db), "--json", "--from", "nobody"])
    assert json.loads(nobody.stdout)["periods"] == []
    assert runner.invoke(main, ["timeline", "--db", str(db), "--by", "year"]).exit_code == 2
    missing = runner.invoke(main, ["timeline", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1


def test_anomalies_are_written_with_each_message_not_rebuilt(tmp_path: Path) -> None:
    late = mail(1, "Tue, 16 Mar 2021 12:30:00 +0300", ("Tue, 16 Mar 2021 07:00:20 +0000",))
    with mock.patch.object(derived, "rebuild_anomalies") as rebuild:
        db = index(tmp_path, {"annex-01": [late]})
        (tmp_path / "corpus" / "annex-01" / "2.eml").write_bytes(mail(2, None))
        index_paths([tmp_path / "corpus"], db, jobs=1)
    assert not rebuild.called  # a cold run and an incremental one: nothing to rebuild
    with Store(db, readonly=True) as store:
        kinds = store.db.execute("SELECT kind FROM anomalies ORDER BY message_id").fetchall()
    assert [row[0] for row in kinds] == [AFTER_RECEIVED, MISSING]


def test_an_index_without_anomalies_stored_per_message_is_rebuilt_once(tmp_path: Path) -> None:
    db = index(tmp_path, {"annex-01": [mail(1, None), mail(2, "17.03.2021 10:00")]})
    with sqlite3.connect(db) as connection:  # what an earlier emlkit could leave
        connection.execute("DELETE FROM anomalies")
        connection.execute("DELETE FROM derived WHERE name != 'threads-senders-and-time'")
    summary = index_paths([tmp_path / "corpus"], db, jobs=1)
    assert summary.files_unchanged == 2
    with Store(db, readonly=True) as store:
        kinds = store.db.execute("SELECT kind FROM anomalies ORDER BY message_id").fetchall()
    assert [row[0] for row in kinds] == [MISSING, LENIENT]
    with mock.patch.object(derived, "rebuild_anomalies") as rebuild:
        index_paths([tmp_path / "corpus"], db, jobs=1)
    assert not rebuild.called
