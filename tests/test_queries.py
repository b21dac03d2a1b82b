"""Reading the index: `emlkit search` (stemming, cross-script, filters, bad queries) and
`emlkit thread`, on the indexed sample case."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from helpers import forwarded

import emlkit
from emlkit.cli import main
from emlkit.errors import QueryError, UsageError
from emlkit.index.indexer import index_paths
from emlkit.index.queries import SearchFilters, find_thread, search
from emlkit.index.store import Store
from emlkit.render.markup import AGAIN_NOTE

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index") / "index.db"
    index_paths([SAMPLES], path, jobs=1)
    return path


def message_bytes(message_id: str, subject: str) -> bytes:
    return (
        f"From: a@zar.test\nTo: b@zar.test\nSubject: {subject}\nMessage-ID: <{message_id}>\n"
        "Date: Tue, 02 Mar 2021 10:00:00 +0300\nContent-Type: text/plain; charset=utf-8\n\n"
        "Текст.\n"
    ).encode()


def names(db: Path, query: str, filters: SearchFilters | None = None) -> list[str]:
    with Store(db, readonly=True) as store:
        return [Path(h.message.path or "").name[:5] for h in search(store, query, filters, 100)]


def test_stemming_finds_inflected_forms(db: Path) -> None:
    found = names(db, "пистолет")
    assert "04-06" in found  # "с пистолетом вопрос решу сам"
    assert "05-01" in found
    assert set(names(db, "обвинение")) >= {"04-05", "04-12"}  # "Обвинения по 222-й"


def test_latin_query_finds_cyrillic_names_and_back(db: Path) -> None:
    for query in ("Yegorova", "Egorova"):
        assert "02-03" in names(db, query), query  # signed "Егорова" in Cyrillic
    assert "02-08" in names(db, "Егорова")  # From: Anna Yegorova


def test_filters_narrow_the_hits(db: Path) -> None:
    everywhere = names(db, "пистолет")
    in_annex = names(db, "пистолет", SearchFilters(annex=4))
    assert in_annex and set(in_annex) < set(everywhere)
    assert all(name.startswith("04-") for name in in_annex)
    with Store(db, readonly=True) as store:
        police = search(store, "пистолет", SearchFilters(sender="omvd.zar.test"), 100)
    assert police and all(h.message.from_address.endswith("@omvd.zar.test") for h in police)
    later = names(db, "пистолет", SearchFilters(since=datetime(2021, 3, 16)))
    assert "04-05" not in later and "05-01" in later


def test_hits_are_ranked_and_snippets_mark_the_match(db: Path) -> None:
    with Store(db, readonly=True) as store:
        hits = search(store, '"задним числом"')
    assert hits and Path(hits[0].message.path or "").name.startswith("05-02")
    first = hits[0]
    marked = [first.snippet[start:end].lower() for start, end in first.spans]
    assert "задним" in marked and "числом" in marked
    assert [h.score for h in hits] == sorted(h.score for h in hits)


@pytest.mark.parametrize("query", ['"unbalanced', "(пистолет", "OR", "-пистолет", "   "])
def test_malformed_queries_raise_query_error(db: Path, query: str) -> None:
    with Store(db, readonly=True) as store, pytest.raises(QueryError):
        search(store, query)


def test_search_cli_exit_codes_and_json(db: Path) -> None:
    ok = CliRunner().invoke(main, ["search", "пистолет", "--db", str(db), "--json"])
    assert ok.exit_code == 0, ok.output
    hits = json.loads(ok.stdout)
    assert hits and {"message_id", "path", "sha256", "score", "snippet", "spans"} <= set(hits[0])
    bad = CliRunner().invoke(main, ["search", '"unbalanced', "--db", str(db)])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output and "unbalanced" in bad.output
    missing = CliRunner().invoke(main, ["search", "x", "--db", str(db.parent / "none.db")])
    assert missing.exit_code == 1 and "emlkit index" in missing.output


def test_thread_tree_of_a_message_shows_its_replies_in_order(db: Path) -> None:
    with Store(db, readonly=True) as store:
        message_id = store.db.execute(
            "SELECT message_id FROM messages WHERE subject = 'Результат досмотра'"
        ).fetchone()[0]
        thread, summaries = find_thread(store, message_id)
        with pytest.raises(UsageError):
            find_thread(store, "no-such-id@example.org")
    walked = [
        (depth, summaries[node.key].subject) for depth, node in thread.root.walk() if node.key
    ]
    assert walked[0] == (0, "Результат досмотра")
    assert [depth for depth, _ in walked] == sorted(depth for depth, _ in walked)
    assert len(walked) >= 3
    result = CliRunner().invoke(main, ["thread", thread.thread_id, "--db", str(db)])
    assert result.exit_code == 0
    assert "Результат досмотра" in result.output and "[annex 5]" in result.output


def test_reply_to_a_missing_message_roots_its_own_thread(db: Path) -> None:
    # JWZ step 4: a ghost container with a single child gives way to that child.
    with Store(db, readonly=True) as store:
        row = store.db.execute(
            "SELECT m.message_id, m.in_reply_to FROM messages m JOIN message_files mf"
            " ON mf.message_id = m.id JOIN files f ON f.id = mf.file_id"
            " WHERE f.path LIKE '%08-07_%'"
        ).fetchone()
        thread, _ = find_thread(store, row[0])
    assert json.loads(row[1]), "08-07 replies to a message the corpus lacks"
    assert thread.root.message_id == row[0] and not thread.root.ghost
    with Store(db, readonly=True) as store:
        _, summaries = find_thread(store, row[0])
    root = summaries[str(thread.root.key)]
    assert root.replies_to_missing == json.loads(row[1])[-1]
    shown = CliRunner().invoke(main, ["thread", row[0], "--db", str(db)])
    assert "not in the corpus" in " ".join(shown.output.split())


def test_a_hit_names_the_copy_that_the_latest_run_found(tmp_path: Path) -> None:
    """A corpus copied elsewhere and indexed there (the old paths left behind), and a copy
    deleted (marked missing): the path shown is one that is there."""
    mail = (
        "From: a@zar.test\nSubject: Протокол\nMessage-ID: <p@zar.test>\n"
        "Date: Tue, 02 Mar 2021 10:00:00 +0300\n\nПротокол подписан.\n"
    ).encode()
    first, second, db = tmp_path / "a-old", tmp_path / "b-new", tmp_path / "index.db"
    for folder in (first, second):
        folder.mkdir()
        (folder / "mail.eml").write_bytes(mail)

    def shown() -> str:
        with Store(db, readonly=True) as store:
            (hit,) = search(store, "протокол")
        return Path(hit.message.path or "").parent.name

    index_paths([first], db, jobs=1)
    with mock.patch("emlkit.index.store.now", return_value="2099-01-01T00:00:00+00:00"):
        index_paths([second], db, jobs=1)  # a later run, whatever this host's clock says
    assert shown() == "b-new"  # found later, although "a-old" sorts first
    (second / "mail.eml").unlink()
    index_paths([first, second], db, jobs=1)
    assert shown() == "a-old"  # the newer copy is missing now


def test_a_message_forwarded_in_two_shows_in_the_thread_under_both(db: Path) -> None:
    """In the samples 03-04 and 03-05 forward the very same bytes: the thread places them
    under 03-04 and shows them again under 03-05, in every form."""
    with Store(db, readonly=True) as store:
        forwarded, first, other = store.db.execute(
            "SELECT m.message_id, c.message_id, o.message_id FROM message_carriers mc"
            " JOIN messages m ON m.id = mc.message_id JOIN messages c ON c.id = m.carrier_id"
            " JOIN messages o ON o.id = mc.carrier_id"
        ).fetchone()
        thread, summaries = find_thread(store, other)
    parents = {
        (summaries[str(child.key)].message_id, child.again): node.key and summaries[node.key]
        for _, node in thread.root.walk()
        for child in node.children
        if child.key
    }
    first_carrier = parents[(forwarded, False)]
    other_carrier = parents[(forwarded, True)]
    assert first_carrier and first_carrier.message_id == first
    assert other_carrier and other_carrier.message_id == other
    shown = CliRunner().invoke(main, ["thread", other, "--db", str(db)], env={"COLUMNS": "240"})
    assert shown.exit_code == 0
    assert shown.output.count(f"({AGAIN_NOTE})") == 1
    as_json = CliRunner().invoke(main, ["thread", other, "--db", str(db), "--json"])
    nodes = json.loads(as_json.output)["nodes"]
    assert [n["message"]["message_id"] for n in nodes if n["again"]] == [forwarded]
    in_notebook = emlkit.open(db=db).thread(other)
    assert [e.message_id for e in in_notebook.walk() if e.again] == [forwarded]
    rows = [m.row for m in in_notebook]  # each message once
    assert len(rows) == len(set(rows)) == len({n["message"]["row"] for n in nodes if n["message"]})


def test_a_message_forwarded_in_another_thread_shows_there_too(tmp_path: Path) -> None:
    inner = message_bytes("inner@zar.test", "Исходное письмо")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.eml").write_bytes(forwarded(inner, "fw-a@zar.test"))
    other = forwarded(inner, "fw-b@zar.test").replace(
        b"Subject: Fwd\n", b"Subject: Re: elsewhere\nIn-Reply-To: <elsewhere@zar.test>\n"
    )
    (folder / "b.eml").write_bytes(other)
    db = tmp_path / "index.db"
    index_paths([folder], db, jobs=1)
    with Store(db, readonly=True) as store:
        first, _ = find_thread(store, "fw-a@zar.test")
        second, summaries = find_thread(store, "fw-b@zar.test")
    assert first.thread_id != second.thread_id
    assert [(n.message_id, n.again) for _, n in first.root.walk()] == [
        ("fw-a@zar.test", False),
        ("inner@zar.test", False),
    ]
    shown = [(n.message_id, n.again) for _, n in second.root.walk()]
    assert shown[-2:] == [("fw-b@zar.test", False), ("inner@zar.test", True)]
    again = next(n for _, n in second.root.walk() if n.again)
    assert summaries[str(again.key)].subject == "Исходное письмо"
