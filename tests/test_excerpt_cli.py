"""`emlkit excerpt --annex N`: the annex's messages in thread order with their excerpts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from emlkit.claims.excerpts import annex_excerpts
from emlkit.claims.indexing import index_case
from emlkit.cli import main
from emlkit.index.indexer import index_paths
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("excerpt") / "index.db"
    index_case([SAMPLES], path, jobs=1)
    return path


def test_annex_5_gives_its_messages_and_the_backdating_quote(db: Path) -> None:
    with Store(db, readonly=True) as store:
        claims, found = annex_excerpts(store, 5)
    assert [claim.id for claim in claims] == ["C5"]
    assert len(found) == 9
    quoted = [e for item in found for e in item.excerpts if e.by_quote and not e.quoted]
    assert any("задним числом" in e.text for e in quoted)
    dates = [item.header.date for item in found if item.header.date]
    assert dates[0] is not None and dates[0].startswith("2021-03-16")


def test_without_claims_each_message_shows_its_own_text(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    index_paths([SAMPLES], db, jobs=1)  # no case stored
    with Store(db, readonly=True) as store:
        claims, found = annex_excerpts(store, 5)
    assert claims == [] and found
    assert all(item.own_text is not None and not item.excerpts for item in found)
    assert all(">" not in (item.own_text or "")[:1] for item in found)


def test_excerpt_cli_terminal_and_json(db: Path, tmp_path: Path) -> None:
    shown = CliRunner().invoke(main, ["excerpt", "--annex", "5", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "Annex 5: 9 messages" in shown.output and "C5" in shown.output
    assert "задним" in shown.output
    out = tmp_path / "annex5.json"
    saved = CliRunner().invoke(
        main, ["excerpt", "--annex", "5", "--db", str(db), "--format", "json", "--output", str(out)]
    )
    assert saved.exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["annex"] == 5 and len(report["messages"]) == 9
    first = next(m for m in report["messages"] if m["excerpts"])
    assert {"claim", "start", "end", "text", "spans", "quoted"} <= set(first["excerpts"][0])
    missing = CliRunner().invoke(main, ["excerpt", "--annex", "99", "--db", str(db)])
    assert missing.exit_code == 1 and "no messages in annex 99" in missing.output
