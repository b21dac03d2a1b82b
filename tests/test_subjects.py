"""Base subjects: reply and forward prefixes and mailing-list tags removed."""

from __future__ import annotations

import pytest
from helpers import b_word, make_message

import emlkit
from emlkit.parse.subjects import base_subject

BASE = "Протокол заседания"


@pytest.mark.parametrize(
    "prefix",
    [
        "Re:",
        "RE:",
        "re:",
        "Fwd:",
        "FWD:",
        "Fw:",
        "FW:",
        "AW:",
        "SV:",
        "VS:",
        "WG:",
        "TR:",
        "RE[2]:",
        "Re[12]:",
        "Re(3):",
        "Re^2:",
        "Re :",
        "Ответ:",
        "ОТВЕТ:",
        "Отв:",
        "ОТВ:",
        "Пересл:",
        "Переслать:",
        "Пер:",
        "Re：",  # a full-width colon, as some Asian clients write it
    ],
)
def test_one_prefix_is_removed(prefix: str) -> None:
    assert base_subject(f"{prefix} {BASE}") == BASE


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Re: Fwd: Протокол заседания",
        "Re:Re:Протокол заседания",
        "RE: FW: Отв: RE[2]: Протокол заседания",
        "SV: Sv: aw: fw: Протокол заседания",
        "Ответ: Пересл: Re: Протокол заседания",
    ],
)
def test_stacked_prefixes_are_all_removed(subject: str) -> None:
    assert base_subject(subject) == BASE


@pytest.mark.parametrize(
    "subject",
    [
        "[zar-admin] Протокол заседания",
        "[zar-admin] Re: Протокол заседания",
        "Re: [zar-admin] Re: Протокол заседания",
        "[SPAM] [zar-admin] Fwd: Протокол заседания",
        "Fwd: [Совет дома] Отв: Протокол заседания",
    ],
)
def test_list_tags_are_removed_with_prefixes(subject: str) -> None:
    assert base_subject(subject) == BASE


@pytest.mark.parametrize("subject", ["[zar-admin]", "[черновик]", "Re: [zar-admin]"])
def test_a_subject_that_is_only_a_tag_keeps_the_tag(subject: str) -> None:
    tag = subject.removeprefix("Re: ")
    assert base_subject(subject) == tag


@pytest.mark.parametrize(
    "subject",
    [
        "Resume of the meeting",
        "Re meeting notes",  # no colon: not a prefix
        "Отвечаю на вопрос",
        "Переслать документы юристу",
        "Fwdx: something",
        "Протокол заседания [черновик]",  # a tag is only removed at the start
        "Отчёт: итоги марта",  # a colon after an ordinary word
    ],
)
def test_ordinary_subjects_are_unchanged(subject: str) -> None:
    assert base_subject(subject) == subject


def test_whitespace_is_collapsed() -> None:
    assert base_subject("Re:   Протокол \t заседания  ") == BASE


def test_empty_subject() -> None:
    assert base_subject("") == ""


def test_message_base_subject_comes_from_the_decoded_subject() -> None:
    raw = "Re: " + b_word("Отв: Протокол заседания", "koi8-r")
    message = emlkit.parse_bytes(make_message([("Subject", raw)]))
    assert message.subject == "Re: Отв: Протокол заседания"
    assert message.base_subject == BASE


def test_message_without_subject_has_empty_subjects() -> None:
    message = emlkit.parse_bytes(make_message([("Subject", None)]))
    assert (message.subject, message.base_subject) == ("", "")
