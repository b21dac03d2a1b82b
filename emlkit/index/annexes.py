"""Annex numbers read from paths: a folder or file named like ``annex-05`` or ``приложение 5``."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import PurePath

_ANNEX = re.compile(
    r"(?:^|[^a-zа-я])(?:annex|appendix|exhibit|anlage|приложение|прил)[\s._#№-]*0*(\d{1,4})(?!\d)",
    re.IGNORECASE,
)


def annex_from_path(path: str | PurePath) -> int | None:
    """The annex number named by the deepest folder (or the file) that names one, or None.

    >>> annex_from_path("case/Annex 5/mail.eml"), annex_from_path("case/приложение_12/x.eml")
    (5, 12)
    """
    folder, name = os.path.split(os.fspath(path))
    found = _annex_in(name)
    return found if found is not None else _folder_annex(folder)


@lru_cache(maxsize=1024)  # an index run asks for every file, folder by folder
def _folder_annex(folder: str) -> int | None:
    for part in reversed(PurePath(folder).parts):
        found = _annex_in(part)
        if found is not None:
            return found
    return None


_LATIN_WORDS = ("annex", "appendix", "exhibit", "anlage")


def _annex_in(name: str) -> int | None:
    if name.isascii() and not any(word in name.lower() for word in _LATIN_WORDS):
        return None  # the search is slow, and most names name no annex
    match = _ANNEX.search(name)
    return int(match.group(1)) if match else None
