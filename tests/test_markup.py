"""Markdown and HTML for reports: email text escaped, matched words marked, pages sealed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.text import Text

from emlkit.claims.indexing import index_case
from emlkit.cli import main
from emlkit.render.markup import (
    html_highlighted,
    html_page,
    html_text,
    md_highlighted,
    md_text,
    plain_text,
    visible,
)

HOSTILE = (
    '<script>alert("x")</script> <img src=http://evil.test/t.png> & *bold* [link](http://evil.test)'
)


def test_html_text_escapes_markup_and_quotes() -> None:
    escaped = html_text(HOSTILE)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert escaped.startswith("&lt;script&gt;alert(&quot;x&quot;)")


def test_html_highlighting_marks_only_the_spans_and_escapes_them_too() -> None:
    assert html_highlighted("a <b> c", [(2, 5)]) == "a <mark>&lt;b&gt;</mark> c"
    assert html_highlighted("abc", [(5, 9)]) == "abc"
    assert html_highlighted("abcdef", [(3, 5), (0, 2)]) == "<mark>ab</mark>c<mark>de</mark>f"


def test_markdown_text_cannot_format_or_inject() -> None:
    escaped = md_text(HOSTILE)
    assert "<script>" not in escaped and "\\<script\\>" in escaped
    assert "\\*bold\\*" in escaped and "\\[link\\]" in escaped
    assert md_text("# title\n- item\n1. first") == "\\# title\n\\- item\n\\1. first"
    assert md_text("file_name_2021.eml _x_") == "file_name_2021.eml \\_x\\_"


def test_markdown_highlighting_bolds_the_spans() -> None:
    assert md_highlighted("газета *закрыта*", [(0, 6)]) == "**газета** \\*закрыта\\*"


def test_control_and_direction_characters_are_made_visible() -> None:
    sneaky = "pay\u202eevil\x07 ok"
    assert visible(sneaky) == "pay\ufffdevil\ufffd ok"
    assert "\u202e" not in html_text(sneaky) and "\u202e" not in md_text(sneaky)
    assert visible("line\nnext\ttab") == "line\nnext\ttab"


def test_a_page_is_self_contained() -> None:
    page = html_page("<title>", "<p>body</p>")
    assert "<title>&lt;title&gt;</title>" in page
    assert "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)\b|src=|@import|url\(", page)


def test_plain_text_has_a_fixed_width_and_no_trailing_spaces() -> None:
    out = plain_text(Text("слово " * 40, style="bold red"), 30)
    lines = out.splitlines()
    assert len(lines) > 5 and all(len(line) <= 30 for line in lines)
    assert all(line == line.rstrip() for line in lines) and "\x1b" not in out


CASE = """
[letter]
title = "A <b>test</b> letter"

[[annex]]
number = 1
title = "Annex <one>"

[[claim]]
id = "C1"
text = "The <i>warehouse</i> was closed."
annexes = [1]
terms = ["склад"]
"""


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("hostile")
    (corpus / "case.toml").write_text(CASE, encoding="utf-8")
    annex = corpus / "annex-01"
    annex.mkdir()
    (annex / "1.eml").write_bytes(
        (
            'From: "<script>alert(1)</script>" <evil@example.org>\nTo: x@example.org\n'
            "Subject: <img src=x onerror=alert(2)> склад\nMessage-ID: <a<b>@example.org>\n"
            "Date: Tue, 02 Mar 2021 10:00:00 +0300\nContent-Type: text/plain; charset=utf-8\n\n"
            f"Склад закрыт. {HOSTILE}\n\n# Склад\n"
        ).encode()
    )
    db = tmp_path_factory.mktemp("hostile-db") / "index.db"
    index_case([corpus], db, jobs=1)
    return db


@pytest.mark.parametrize("command", [["excerpt", "--annex", "1"], ["report"]])
def test_hostile_email_text_is_escaped_in_html(hostile_db: Path, command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--db", str(hostile_db), "--format", "html"])
    assert result.exit_code == 0, result.output
    page = result.output
    assert "<script" not in page and "<img" not in page and "<b>test" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<mark>Склад</mark>" in page


@pytest.mark.parametrize("command", [["excerpt", "--annex", "1"], ["report"]])
def test_hostile_email_text_is_escaped_in_markdown(hostile_db: Path, command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--db", str(hostile_db), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"(?<!\\)<", text), "an unescaped < reaches the Markdown"
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "> \\# **Склад**" in text
