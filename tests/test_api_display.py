"""What notebooks show: HTML views that escape every string from mail, and pandas frames
(with a clear error naming the extra when pandas is not installed)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import emlkit
from emlkit import Corpus, MissingDependencyError
from emlkit.api.messages import COLUMNS

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

SCRIPT = "<script>alert('x')</script>"

HOSTILE = f"""From: "{SCRIPT} Петров" <petrov@zar.test>
To: "<b>Иванов</b>" <ivanov@zar.test>
Subject: {SCRIPT} протокол
Date: 2021-03-16 10:00:00 +0300
Message-ID: <first@zar.test>
In-Reply-To: <missing@zar.test>
Content-Type: text/plain; charset=utf-8

Вот {SCRIPT} протокол & <img src=x onerror=alert(1)>.
"""

REPLY = """From: Ivanov <ivanov@zar.test>
To: petrov@zar.test
Subject: Re: протокол
Date: Tue, 16 Mar 2021 11:00:00 +0300
Message-ID: <second@zar.test>
In-Reply-To: <missing@zar.test>
Content-Type: text/plain; charset=utf-8

Получил протокол.
"""

CASE = f"""[letter]
title = "Test"

[[annex]]
number = 1
title = "One"

[[claim]]
id = "C1"
text = "{SCRIPT.replace("'", "")} claim"
annexes = [1]
terms = ["протокол"]
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "corpus" / "annex-01"
    folder.mkdir(parents=True)
    (folder / "first.eml").write_text(HOSTILE, encoding="utf-8")
    (folder / "second.eml").write_text(REPLY, encoding="utf-8")
    (root / "corpus" / "case.toml").write_text(CASE, encoding="utf-8")
    with emlkit.open(root / "corpus", db=root / "index.db", jobs=1) as corpus:
        yield corpus


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    db = tmp_path_factory.mktemp("display") / "index.db"
    with emlkit.open(SAMPLES, db=db, jobs=1) as corpus:
        yield corpus


def assert_escaped(html: str) -> None:
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html


def test_the_timeline_lists_the_lenient_date_as_an_anomaly(hostile: Corpus) -> None:
    anomalies = hostile.timeline("D").anomalies
    assert [a.message.message_id for a in anomalies] == ["first@zar.test"]


def test_message_html_escapes_subject_names_and_body(hostile: Corpus) -> None:
    message = hostile.get("first@zar.test")
    assert SCRIPT in message.subject and SCRIPT in message.text
    assert message.sender is not None and SCRIPT in message.sender.name
    html = message._repr_html_()
    assert_escaped(html)
    assert not message.conflicting and "Conflicting" not in html
    assert "&lt;b&gt;Иванов&lt;/b&gt;" in html and "&amp;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_message_that_another_version_contradicts_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "reply.eml").write_text(REPLY, encoding="utf-8")
    (folder / "edited.eml").write_text(REPLY.replace("Получил", "Не получил"), encoding="utf-8")
    with emlkit.open(folder, db=tmp_path / "index.db", jobs=1) as corpus:
        first, second = corpus.messages.filter(message_id="second@zar.test")
        assert first.conflicting and second.conflicting
        assert first.content_sha256 != second.content_sha256
        assert first.as_dict()["conflicting"] is True
        assert len(corpus.messages.filter(conflicting=True)) == 2
        assert not corpus.messages.filter(conflicting=False)
        assert "Conflicting</th>" in first._repr_html_()


@pytest.mark.parametrize(
    "view",
    [
        lambda c: c.messages._repr_html_(),
        lambda c: c.search("протокол")._repr_html_(),
        lambda c: c.thread("second@zar.test")._repr_html_(),
        lambda c: c.excerpts(annex=1)._repr_html_(),
        lambda c: c.senders()._repr_html_(),
        lambda c: c.correspondents()._repr_html_(),
        lambda c: c.timeline("D")._repr_html_(),
    ],
    ids=["messages", "search", "thread", "excerpts", "senders", "correspondents", "timeline"],
)
def test_every_view_escapes_mail_text(hostile: Corpus, view: Callable[[Corpus], str]) -> None:
    assert_escaped(view(hostile))


def test_search_html_marks_matches(hostile: Corpus) -> None:
    html = hostile.search("протокол")._repr_html_()
    assert "<mark" in html and "протокол</mark>" in html
    assert "no messages match" in hostile.search("несуществующее")._repr_html_()


def test_thread_html_is_an_indented_tree_with_the_missing_root(hostile: Corpus) -> None:
    thread = hostile.thread("first@zar.test")
    entries = list(thread.walk())
    assert [(e.depth, e.missing) for e in entries] == [(0, True), (1, False), (1, False)]
    html = thread._repr_html_()
    assert "(not in the corpus) &lt;missing@zar.test&gt;" in html
    assert html.count("margin-left: 1.5em") == 2


def test_excerpts_html_shows_claims_and_marked_passages(hostile: Corpus) -> None:
    html = hostile.excerpts(annex=1)._repr_html_()
    assert "<b>C1</b>" in html and "<mark" in html
    assert_escaped(html)


# pandas -----------------------------------------------------------------------------------------


def test_messages_to_pandas(samples: Corpus) -> None:
    frame = samples.messages.filter(annex=5).to_pandas()
    records = list(samples.messages.filter(annex=5))
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["id"]) == [m.id for m in records]
    assert str(frame["date_utc"].dt.tz) == "UTC" and str(frame["annex"].dtype) == "Int64"
    assert list(frame["date_utc"].dt.to_pydatetime()) == [m.date_utc for m in records]
    assert set(frame["annex"]) == {5}


def test_results_to_pandas(samples: Corpus) -> None:
    hits = samples.search("пистолет")
    frame = hits.to_pandas()
    assert list(frame["rank"]) == list(range(1, len(hits) + 1))
    assert list(frame["message_id"]) == [h.message.message_id for h in hits]
    senders = samples.senders()
    assert frame_sum(senders.to_pandas(), "messages") == sum(s.messages for s in senders)
    pairs = samples.correspondents()
    assert len(pairs.to_pandas()) == len(pairs)
    timeline = samples.timeline("W")
    periods = timeline.to_pandas()
    assert frame_sum(periods, "messages") == timeline.messages
    assert list(periods["period"]) == [p.label for p in timeline.periods]
    excerpts = samples.excerpts(annex=5)
    assert len(excerpts.to_pandas()) == sum(len(m.excerpts) for m in excerpts)
    quotes = samples.verify_quotes()
    assert list(quotes.to_pandas()["status"]) == ["found"] * len(quotes)


def frame_sum(frame: object, column: str) -> int:
    return int(frame[column].sum())  # type: ignore[index]


CONVERSIONS: list[Callable[[Corpus], object]] = [
    lambda c: c.messages.to_pandas(),
    lambda c: c.search("пистолет").to_pandas(),
    lambda c: c.senders().to_pandas(),
    lambda c: c.correspondents().to_pandas(),
    lambda c: c.timeline("M").to_pandas(),
    lambda c: c.excerpts(annex=5).to_pandas(),
    lambda c: c.verify_quotes().to_pandas(),
    lambda c: c.thread(c.messages[0]).to_pandas(),
]


@pytest.mark.parametrize("convert", CONVERSIONS)
def test_without_pandas_the_error_names_the_extra(
    samples: Corpus, monkeypatch: pytest.MonkeyPatch, convert: Callable[[Corpus], object]
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(MissingDependencyError, match=r"pip install 'emlkit\[pandas\]'") as raised:
        convert(samples)
    assert isinstance(raised.value, emlkit.EmlkitError) and isinstance(raised.value, ImportError)
