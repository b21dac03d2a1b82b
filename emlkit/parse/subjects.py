"""Subjects: the base subject, without reply and forward prefixes or mailing-list tags."""

from __future__ import annotations

import re

# Reply and forward prefixes in the languages emlkit's users meet: English, German,
# Scandinavian, Dutch, French, Spanish, Italian, Russian and Ukrainian clients.
_PREFIXES = (
    "re",
    "fwd",
    "fw",
    "aw",
    "sv",
    "vs",
    "wg",
    "antw",
    "tr",
    "rv",
    "ref",
    "r",
    "rif",
    "enc",
    "ответ",
    "отв",
    "пересл",
    "переслать",
    "пересылка",
    "пер",
    "вiдп",
    "відп",
    "перес",
)
_PREFIX = re.compile(
    r"^\s*(?:(?:" + "|".join(sorted(_PREFIXES, key=len, reverse=True)) + r")"
    r"\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]"
    r"|\[[^\]\n]{1,60}\])\s*",
    re.IGNORECASE,
)


def base_subject(subject: str) -> str:
    """The subject with every leading reply/forward prefix and ``[list]`` tag removed.

    >>> base_subject("Re: [zar-admin] FW: Отв: RE[2]: Протокол")
    'Протокол'
    """
    text = " ".join(subject.split())
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text or not stripped:
            return text
        text = stripped
