"""Quoted earlier text: the reply styles of Outlook, Thunderbird, Mail.ru, Gmail and The Bat!,
and ">" lines, on invented snippets and on the sample emails."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import emlkit
from emlkit.claims.quoted import is_header_block, is_quoted, own_text, split_quoted

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def sample_text(key: str) -> str:
    return emlkit.parse_file(next(SAMPLES.rglob(f"{key}*.eml"))).text


def test_segments_cover_the_text_in_order() -> None:
    text = "Ответ.\n\n> цитата\n>\n> ещё\n\nСнова ответ.\n-----Original Message-----\nFrom: A\n"
    segments = split_quoted(text)
    assert segments[0].start == 0 and segments[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(segments))
    assert [s.quoted for s in segments] == [False, True, False, True]
    assert text[segments[1].start : segments[1].end] == "> цитата\n>\n> ещё\n"
    assert segments[3].attribution == "-----Original Message----- From: A"


@pytest.mark.parametrize(
    ("separator", "attribution"),
    [
        ("-----Исходное сообщение-----\nОт: Иванова Анна <a@zar.test>\nold", "От: Иванова Анна"),
        ("-------- Пересылаемое сообщение --------\nold", "Пересылаемое"),
        ("-------- Forwarded Message --------\nold", "Forwarded"),
        ("On Mon, 15 Mar 2021 at 10:02, Anna <a@zar.test> wrote:\n> old", "wrote:"),
        ("пн, 15 мар. 2021 г. в 10:02, Анна <a@zar.test>:\n> old", "г. в 10:02"),
        ("Понедельник, 15 марта 2021, 10:02 +03:00 от Анна <a@zar.test>:\n> old", "от Анна"),
    ],
)
def test_each_reply_style_starts_quoted_text(separator: str, attribution: str) -> None:
    text = f"Мой ответ.\n\n{separator}\n"
    assert own_text(text) == "Мой ответ."
    quoted = [s for s in split_quoted(text) if s.quoted]
    assert quoted and attribution in (quoted[0].attribution or "")


def test_bottom_posting_keeps_the_reply_below_the_quote() -> None:
    text = sample_text("05-03")  # The Bat!: "Вы писали …:", "> " lines, then the reply
    own = own_text(text)
    assert own.startswith("Игорь Сергеевич, здравия желаю.")
    assert "задним числом" not in own
    at = text.index("задним числом")
    assert is_quoted(text, at, at + len("задним числом"))


@pytest.mark.parametrize(
    ("key", "own_start", "quoted_phrase"),
    [
        ("02-02", "Олег Павлович, видела.", "Исходное сообщение"),  # Outlook, Russian
        ("02-09", "Анна Викторовна, добрый день.", "Как обсуждали"),  # Gmail, Russian
        ("04-04", "Марина, понял", "Исходное сообщение"),  # Mail.ru
        ("06-02", "Dear Anna,", "wrote:"),  # Gmail, English
        ("07-06", "Олег Павлович, добрый день.", "Пересылаемое сообщение"),  # inline forward
    ],
)
def test_sample_replies_separate_own_and_quoted_text(
    key: str, own_start: str, quoted_phrase: str
) -> None:
    text = sample_text(key)
    own = own_text(text)
    assert own.startswith(own_start)
    assert quoted_phrase not in own
    at = text.index(quoted_phrase)
    assert is_quoted(text, at, at + len(quoted_phrase))


def test_a_message_without_quotes_is_all_its_own() -> None:
    text = sample_text("03-01")
    assert [s.quoted for s in split_quoted(text)] == [False]
    assert own_text(text) == text.strip()


@pytest.mark.parametrize(
    "passage",
    [
        "-----Исходное сообщение-----\nОт: Демченко С.В. [mailto:s.d@omvd.zar.test]\n"
        "Отправлено: вторник, 16 марта 2021 г. 08:52\nКому: Лапин И.С.\nТема: Результат",
        "> From: Anna <a@example.org>\n> Sent: Monday, March 15, 2021 10:02\n> To: b@example.org",
        "Вы писали 16 марта 2021 г., 9:20:12:",
        "-------- Пересылаемое сообщение --------",
    ],
)
def test_framing_of_a_quote_is_a_header_block(passage: str) -> None:
    assert is_header_block(passage)


@pytest.mark.parametrize(
    "passage",
    ["Демченко С.В.", "Тема: досмотр\nи ещё текст письма", "", "> От души спасибо за помощь"],
)
def test_what_was_said_is_not_a_header_block(passage: str) -> None:
    assert not is_header_block(passage)
