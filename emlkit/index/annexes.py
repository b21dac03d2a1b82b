"""Annex numbers read from paths: a folder or file named like ``annex-05`` or ``приложение 5``."""

from __future__ import annotations

import re
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
    for part in reversed(PurePath(path).parts):
        match = _ANNEX.search(part)
        if match:
            return int(match.group(1))
    return None
