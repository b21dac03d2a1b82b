"""The committed fixture files are exactly what ``make_fixtures.py`` writes."""

from __future__ import annotations

import re

from fixtures import make_fixtures
from helpers import FIXTURES

_ADDRESS = re.compile(rb"[A-Za-z0-9._+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_RESERVED = (b"example.org", b"example.net", b"example.com", b".test", b".invalid")


def test_committed_fixtures_match_the_generator() -> None:
    built = make_fixtures.build()
    on_disk = {
        path.name: path.read_bytes()
        for path in FIXTURES.iterdir()
        if path.is_file() and path.suffix != ".py"
    }
    assert sorted(on_disk) == sorted(built)
    stale = [name for name, data in built.items() if on_disk[name] != data]
    assert stale == [], "run: python tests/fixtures/make_fixtures.py"


def test_generator_is_deterministic() -> None:
    assert make_fixtures.build() == make_fixtures.build()


def test_fixtures_use_reserved_domains_only() -> None:
    checked = 0
    for name, data in make_fixtures.build().items():
        for domain in _ADDRESS.findall(data):
            assert domain.lower().endswith(_RESERVED), (name, domain)
            checked += 1
    assert checked > 50  # the check saw the addresses it is meant to check
