"""Annex numbers from paths: the names that give one, and the quick test that most do not."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from emlkit.index.annexes import _ANNEX, _annex_in, annex_from_path


@pytest.mark.parametrize(
    ("path", "annex"),
    [
        ("case/annex-05/mail.eml", 5),
        ("case/Annex 5/mail.eml", 5),
        ("case/annex_5/mail.eml", 5),
        ("case/ANNEX.007/mail.eml", 7),
        ("case/приложение 12/x.eml", 12),
        ("case/Прил.3/x.eml", 3),
        ("case/Exhibit #4/x.eml", 4),
        ("case/anlage-2/x.eml", 2),
        ("annex-01/inner/annex-02/x.eml", 2),  # the deepest folder decides
        ("annex-01/annex-09.eml", 9),  # the file's own name first
        ("case/reannex-3/x.eml", None),  # not a word of its own
        ("case/annex-12345/x.eml", None),  # more than four digits
        ("case/cur/1546300800.M0000000P1.bench.test:2,S", None),
    ],
)
def test_annex_from_path(path: str, annex: int | None) -> None:
    assert annex_from_path(path) == annex


WORDS = ["annex", "Annex", "APPENDIX", "exhibit", "anlage", "приложение", "Прил", "ann", "ex"]


@given(
    st.lists(
        st.one_of(
            st.sampled_from([*WORDS, " ", "-", "_", ".", "#", "№", "0", "5", "12", "x"]),
            st.text(max_size=3),
        ),
        max_size=8,
    ).map("".join)
)
@example("APPENDİX 5")  # a dotted capital I, which the search's case folding reads as i
@example("appendıx 5")
def test_the_quick_test_never_hides_an_annex(name: str) -> None:
    match = _ANNEX.search(name)
    assert _annex_in(name) == (int(match.group(1)) if match else None)
