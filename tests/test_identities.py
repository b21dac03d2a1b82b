"""Identities, `emlkit senders` and `emlkit correspondents`: merging mailboxes and names
(same mailbox; Cyrillic and Latin names on two mailboxes; never on one word), counts and
first/last dates, sender → recipient pairs, upgrades of older indexes, and the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from helpers import b_word, make_message, undo_thread_table

from emlkit.cli import main
from emlkit.errors import StoreError
from emlkit.index import identities as identities_module
from emlkit.index.identities import group_mailboxes, name_key
from emlkit.index.indexer import index_paths
from emlkit.index.senders import correspondents, identities, senders
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def mailbox(name: str, address: str) -> str:
    shown = name if name.isascii() else b_word(name, "utf-8")
    return f"{shown} <{address}>" if name else address


def mail(number: int, sender: str, to: str, date: str, cc: str | None = None) -> bytes:
    headers = [
        ("From", sender),
        ("To", to),
        ("Subject", f"Message {number}"),
        ("Date", date),
        ("Message-ID", f"<m{number}@corpus.test>"),
    ]
    if cc is not None:
        headers.append(("Cc", cc))
    return make_message(headers, f"Body {number}.\n".encode())


def index(tmp_path: Path, messages: list[bytes], folder: str = "annex-01") -> Path:
    root = tmp_path / "corpus"
    (root / folder).mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(messages):
        (root / folder / f"{number:03d}.eml").write_bytes(data)
    db = tmp_path / "index.db"
    index_paths([root], db, jobs=1)
    return db


def groups(names: list[tuple[str, str]]) -> list[tuple[str, ...]]:
    addresses = sorted({address for address, _ in names})
    return [group.addresses for group in group_mailboxes(addresses, names)]


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index") / "index.db"
    index_paths([SAMPLES], path, jobs=1)
    return path


# Name keys and merging, without a database ----------------------------------------------


def test_name_keys_are_the_same_across_scripts_and_word_orders() -> None:
    latin, cyrillic = name_key("Anna Yegorova"), name_key("Егорова Анна")
    assert latin is not None and latin == cyrillic
    assert latin.words == {"ana", "egorova"}


def test_a_patronymic_is_set_apart_in_a_full_name() -> None:
    full = name_key("Демченко Сергей Викторович")
    assert full is not None and full.patronymic == "viktoroviq"
    assert full.words == {"demqenko", "sergei"}
    latin = name_key("Sergey Viktorovich Demchenko")
    assert latin == full
    # A two-word name keeps both words, whatever they end with.
    assert name_key("Роман Абрамович") == name_key("Абрамович Роман")


@pytest.mark.parametrize("name", ["Егорова", "A. Egorova", "a.egorova@example.org", "MFP-2F", ""])
def test_names_with_fewer_than_two_words_have_no_key(name: str) -> None:
    assert name_key(name) is None


def test_one_mailbox_with_several_names_is_one_identity() -> None:
    assert groups([("a@x.test", "Anna Yegorova"), ("a@x.test", "Пресс-служба")]) == [("a@x.test",)]


def test_cyrillic_and_latin_names_on_two_mailboxes_merge() -> None:
    found = group_mailboxes(
        ["anna@home.test", "a.egorova@work.test"],
        [("anna@home.test", "Anna Yegorova"), ("a.egorova@work.test", "Егорова Анна Викторовна")],
    )
    assert [g.addresses for g in found] == [("a.egorova@work.test", "anna@home.test")]
    (link,) = found[0].links
    assert {link.name, link.other_name} == {"Anna Yegorova", "Егорова Анна Викторовна"}


def test_a_single_shared_word_never_merges() -> None:
    names = [("a@x.test", "Егорова"), ("b@y.test", "Yegorova"), ("c@z.test", "Анна Иванова")]
    names += [("d@w.test", "Anna Yegorova Smith"), ("e@v.test", "Anna Petrova")]
    assert groups(names) == [
        (a,) for a in ("a@x.test", "b@y.test", "c@z.test", "d@w.test", "e@v.test")
    ]


def test_namesakes_with_different_patronymics_stay_apart() -> None:
    names = [
        ("one@x.test", "Демченко Сергей Викторович"),
        ("two@y.test", "Демченко Сергей Петрович"),
        ("three@z.test", "Сергей Демченко"),
        ("four@w.test", "Sergey Viktorovich Demchenko"),
    ]
    assert groups(names) == [("four@w.test", "one@x.test"), ("three@z.test",), ("two@y.test",)]


def test_a_name_on_many_mailboxes_is_generic_and_merges_nothing() -> None:
    names = [(f"mailer-daemon@host{n}.test", "Mail Delivery System") for n in range(6)]
    assert len(groups(names)) == 6
    assert len(groups(names[:5])) == 1


# The samples ---------------------------------------------------------------------------


def test_samples_identities_merge_the_private_and_work_mailboxes(samples_db: Path) -> None:
    with Store(samples_db, readonly=True) as store:
        known = identities(store)
    merged = {
        tuple(sorted(m.address for m in identity.mailboxes))
        for identity in known.values()
        if len(identity.mailboxes) > 1
    }
    assert merged == {
        ("demchenko.sv@mail.zar.test", "s.demchenko@omvd.zar.test"),
        ("korneeva.marina@mail.zar.test", "m.korneeva@zarechensk-admin.test"),
        ("ryzhov.va@mail.zar.test", "v.ryzhov@zarechensk-admin.test"),
    }
    egorova = next(i for i in known.values() if i.mailboxes[0].address.startswith("a.egorova"))
    assert egorova.label == "Егорова Анна Викторовна"  # the most frequent name
    assert {v.name for v in egorova.names} == {
        "Егорова Анна Викторовна",
        "Anna Yegorova",
        "A. Egorova",
    }


def test_samples_senders_counts_and_dates(samples_db: Path) -> None:
    with Store(samples_db, readonly=True) as store:
        found = senders(store)
        in_annex = senders(store, annex=8)
    top = found[0]
    assert top.identity.label == "Тищенко Олег Павлович"
    assert top.messages == 18
    assert top.dates.first == "2021-02-08T19:42:07+06:00"
    assert top.dates.first_utc == "2021-02-08T13:42:07+00:00"
    assert top.dates.last == "2021-04-05T16:47:15+06:00"
    assert [s.messages for s in found] == sorted((s.messages for s in found), reverse=True)
    demchenko = next(s for s in found if s.identity.label.startswith("Демченко"))
    assert demchenko.messages == 7  # from both of his mailboxes
    assert demchenko.dates.first and demchenko.dates.first.endswith("+03:00")
    assert sum(s.messages for s in in_annex) == 9


# Synthetic corpora ---------------------------------------------------------------------


def test_senders_count_each_message_id_once_and_keep_offsets(tmp_path: Path) -> None:
    anna = mailbox("Anna Yegorova", "anna@home.test")
    work = mailbox("Егорова Анна", "a.egorova@work.test")
    boss = mailbox("Олег Тищенко", "boss@work.test")
    messages = [
        mail(1, anna, boss, "Mon, 01 Mar 2021 23:30:00 +0600"),
        mail(2, work, boss, "Tue, 02 Mar 2021 09:00:00 -0500"),
        mail(3, boss, work, "Wed, 03 Mar 2021 12:00:00 +0000"),
    ]
    db = index(tmp_path, [*messages, messages[0]])  # a duplicate file: still one message
    with Store(db, readonly=True) as store:
        found = senders(store)
    assert [(s.identity.label, s.messages) for s in found] == [
        ("Егорова Анна", 2),  # the name on most messages (as sender or recipient)
        ("Олег Тищенко", 1),
    ]
    anna_sent = found[0]
    assert anna_sent.dates.first == "2021-03-01T23:30:00+06:00"
    assert anna_sent.dates.last == "2021-03-02T09:00:00-05:00"
    assert anna_sent.dates.last_utc == "2021-03-02T14:00:00+00:00"
    assert {m.address for m in anna_sent.identity.mailboxes} == {
        "anna@home.test",
        "a.egorova@work.test",
    }


def test_correspondents_pair_identities_over_to_and_cc(tmp_path: Path) -> None:
    anna = mailbox("Anna Yegorova", "anna@home.test")
    anna_work = mailbox("Егорова Анна", "a.egorova@work.test")
    boss = mailbox("Олег Тищенко", "boss@work.test")
    clerk = mailbox("Clerk", "clerk@work.test")
    db = index(
        tmp_path,
        [
            mail(1, anna, boss, "Mon, 01 Mar 2021 10:00:00 +0300", cc=clerk),
            mail(2, anna_work, boss, "Tue, 02 Mar 2021 10:00:00 +0300"),
            mail(3, boss, anna_work, "Wed, 03 Mar 2021 10:00:00 +0300"),
        ],
    )
    with Store(db, readonly=True) as store:
        pairs = correspondents(store)
        limited = correspondents(store, limit=1)
    found = {(p.sender.label, p.recipient.label): p for p in pairs}
    assert {key: p.messages for key, p in found.items()} == {
        ("Егорова Анна", "Олег Тищенко"): 2,
        ("Егорова Анна", "Clerk"): 1,
        ("Олег Тищенко", "Егорова Анна"): 1,
    }
    pair = found[("Егорова Анна", "Олег Тищенко")]
    assert (pair.dates.first, pair.dates.last) == (
        "2021-03-01T10:00:00+03:00",
        "2021-03-02T10:00:00+03:00",
    )
    assert [(p.sender.label, p.recipient.label) for p in limited] == [
        ("Егорова Анна", "Олег Тищенко")
    ]


def test_identities_follow_the_index_when_it_changes(tmp_path: Path) -> None:
    home = mailbox("Anna Yegorova", "anna@home.test")
    db = index(tmp_path, [mail(1, home, "x@y.test", "Mon, 01 Mar 2021 10:00:00 +0300")])
    folder = tmp_path / "corpus" / "annex-01"
    work = mailbox("Егорова Анна", "a.egorova@work.test")
    (folder / "new.eml").write_bytes(mail(2, work, "x@y.test", "Tue, 02 Mar 2021 10:00:00 +0300"))
    index_paths([tmp_path / "corpus"], db, jobs=1)
    with Store(db, readonly=True) as store:
        (top,) = [s for s in senders(store) if s.messages]
    assert top.messages == 2 and len(top.identity.mailboxes) == 2


def test_an_index_from_before_identities_is_filled_by_the_next_run(tmp_path: Path) -> None:
    db = index(tmp_path, [mail(1, "a@x.test", "b@y.test", "Mon, 01 Mar 2021 10:00:00 +0300")])
    with sqlite3.connect(db) as connection:  # what an emlkit with migration 1 only left
        for table in ("identities", "identity_mailboxes", "identity_names", "identity_links"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DROP TABLE anomalies")
        connection.execute("DROP TABLE derived")
        for table in ("case_file", "claims"):  # and what later migrations added
            connection.execute(f"DROP TABLE {table}")
        connection.execute("ALTER TABLE annexes DROP COLUMN paths")
        undo_thread_table(connection)
        connection.execute("DELETE FROM schema_migrations WHERE version >= 2")
    with pytest.raises(StoreError, match="emlkit index"), Store(db, readonly=True) as store:
        senders(store)  # refused as soon as it is opened: older than this emlkit
    result = CliRunner().invoke(main, ["senders", "--db", str(db)])
    assert result.exit_code == 1 and "emlkit index" in result.output
    summary = index_paths([tmp_path / "corpus"], db, jobs=1)
    assert summary.files_unchanged == 1 and summary.files_indexed == 0
    with Store(db, readonly=True) as store:
        assert [s.messages for s in senders(store)] == [1]


# The command line ----------------------------------------------------------------------


def test_senders_and_correspondents_cli(samples_db: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["senders", "--db", str(samples_db)])
    assert shown.exit_code == 0, shown.output
    assert "Тищенко Олег Павлович" in shown.output
    assert "merged:" in shown.output and "demchenko.sv@mail.zar.test" in shown.output
    as_json = runner.invoke(main, ["senders", "--db", str(samples_db), "--json", "--annex", "5"])
    assert as_json.exit_code == 0
    rows = json.loads(as_json.stdout)
    assert rows and {"identity", "messages", "dates"} <= set(rows[0])
    assert {"label", "mailboxes", "names", "links"} <= set(rows[0]["identity"])
    pairs = runner.invoke(
        main, ["correspondents", "--db", str(samples_db), "--json", "--limit", "3"]
    )
    assert pairs.exit_code == 0
    found = json.loads(pairs.stdout)
    assert len(found) == 3 and found[0]["messages"] >= found[-1]["messages"]
    assert {"sender", "recipient", "messages", "dates"} == set(found[0])
    table = runner.invoke(main, ["correspondents", "--db", str(samples_db)])
    assert table.exit_code == 0 and "Тищенко Олег" in table.output
    missing = runner.invoke(main, ["senders", "--db", str(samples_db.parent / "none.db")])
    assert missing.exit_code == 1
    usage = runner.invoke(main, ["correspondents", "--db", str(samples_db), "--limit", "-1"])
    assert usage.exit_code == 2


def test_mail_text_in_names_is_not_markup(tmp_path: Path) -> None:
    sender = '"[bold]Boss[/bold] Markup" <boss@x.test>'
    db = index(tmp_path, [mail(1, sender, "a@y.test", "Mon, 01 Mar 2021 10:00:00 +0300")])
    result = CliRunner().invoke(main, ["senders", "--db", str(db)])
    assert "[bold]Boss[/bold] Markup" in result.output


IDENTITY_TABLES = ("identities", "identity_mailboxes", "identity_names", "identity_links")


def identity_tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: sorted(tuple(row) for row in store.db.execute(f"SELECT * FROM {table}"))
        for table in IDENTITY_TABLES
    }


def test_added_mail_between_known_names_is_counted_without_regrouping(tmp_path: Path) -> None:
    anna, oleg = mailbox("Anna Yegorova", "anna@home.test"), mailbox("Олег Тищенко", "o@t.test")
    work = mailbox("Егорова Анна", "a.egorova@work.test")
    db = index(
        tmp_path,
        [
            mail(1, anna, oleg, "Mon, 01 Mar 2021 10:00:00 +0300"),
            mail(2, work, oleg, "Tue, 02 Mar 2021 10:00:00 +0300"),
            mail(3, oleg, anna, "Tue, 02 Mar 2021 11:00:00 +0300"),
        ],
    )
    folder = tmp_path / "corpus" / "annex-01"
    for number in (4, 5):  # known mailboxes, known names: the same groups
        data = mail(number, oleg, work, f"Wed, 03 Mar 2021 1{number}:00:00 +0300", cc=anna)
        (folder / f"{number}.eml").write_bytes(data)
    with mock.patch.object(identities_module, "group_mailboxes") as regroup:
        index_paths([tmp_path / "corpus"], db, jobs=1)
    assert not regroup.called
    with Store(db) as store:
        counted = identity_tables(store)
        identities_module.rebuild_identities(store)  # what a full rebuild gives
        assert counted == identity_tables(store)
        oleg_row = store.db.execute(
            "SELECT messages FROM identity_mailboxes WHERE address = 'o@t.test'"
        ).fetchone()
    assert oleg_row[0] == 5
    (folder / "6.eml").write_bytes(  # a new display name: the groups may change
        mail(6, mailbox("Tishchenko Oleg", "o@t.test"), anna, "Thu, 04 Mar 2021 10:00:00 +0300")
    )
    with mock.patch.object(
        identities_module, "group_mailboxes", wraps=identities_module.group_mailboxes
    ) as regroup:
        index_paths([tmp_path / "corpus"], db, jobs=1)
    assert regroup.called
