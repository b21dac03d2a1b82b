"""Terminal output: control characters from mail shown as symbols, rich's own codes kept."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from emlkit.cli import main
from emlkit.render.terminal import SafeConsole, printable

HOSTILE = "body \x1b[2J\x1b[31mred\x1b]0;title\x07 \x08\x0b\x0c\r\x7f\x85 zebra"


def test_printable_shows_every_control_but_tab_and_line_break() -> None:
    assert printable("tab\there\nnext") == "tab\there\nnext"
    assert printable(HOSTILE) == "body ␛[2J␛[31mred␛]0;title␇ ␈␋␌␍␡\ufffd zebra"
    assert printable("Письмо без управляющих символов") == "Письмо без управляющих символов"


def test_safe_console_keeps_its_own_styles_and_neutralises_the_texts() -> None:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="standard", width=60)
    table = Table()
    table.add_column("mail")
    table.add_row(Text(HOSTILE))
    console.print(Panel(Text(HOSTILE, style="bold")), table, Text("\x1b[2J"))
    output = buffer.getvalue()
    assert "\x1b[1m" in output  # rich's bold
    assert "\x1b[2J" not in output and "\x1b]0;" not in output and "\x07" not in output
    assert output.count("␛[2J") == 3


def test_parse_and_search_show_escape_sequences_in_mail_as_symbols(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "e.eml").write_bytes(
        b"From: a@example.org\nSubject: s\nMessage-ID: <e1@example.org>\n"
        b"Content-Type: text/plain; charset=utf-8\n\n" + HOSTILE.encode() + b"\n"
    )
    parsed = CliRunner().invoke(main, ["parse", str(corpus)])
    db = str(tmp_path / "index.db")
    assert CliRunner().invoke(main, ["index", str(corpus), "--db", db, "-q"]).exit_code == 0
    found = CliRunner().invoke(main, ["search", "zebra", "--db", db])
    for result in (parsed, found):
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output
        assert "␛[2J␛[31mred␛]0;title" in result.output
