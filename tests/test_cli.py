"""The `emlkit` command line: output, JSON lines, failures on stderr and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from emlkit.cli import main

SIMPLE = (
    b"From: =?koi8-r?B?7cHSyc7BIPPPy8/Mz9fB?= <m.sokolova@example.org>\n"
    b"To: Anna <anna@zar.test>\n"
    b"Subject: =?utf-8?B?0J/RgNC+0YLQvtC60L7Quw==?=\n"
    b"Date: Tue, 02 Mar 2021 10:15:00 +0300\n"
    b"Message-ID: <cli-1@zar.test>\n"
    b"Content-Type: text/plain; charset=koi8-r\n"
    b"Content-Transfer-Encoding: 8bit\n\n" + "Протокол заседания.\n".encode("koi8-r")
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_parse_prints_a_readable_view(tmp_path: Path) -> None:
    path = write(tmp_path, "one.eml", SIMPLE)
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    assert "Марина Соколова <m.sokolova@example.org>" in result.output
    assert "Протокол" in result.output
    assert "Протокол заседания." in result.output
    assert "2021-03-02T10:15:00+03:00" in result.output


def test_parse_json_gives_one_object_per_line(tmp_path: Path) -> None:
    path = write(tmp_path, "one.eml", SIMPLE)
    result = CliRunner().invoke(main, ["parse", "--json", str(path), str(path)])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["message_id"] == "cli-1@zar.test"
    assert record["from"] == [{"name": "Марина Соколова", "address": "m.sokolova@example.org"}]
    assert record["date"] == "2021-03-02T10:15:00+03:00"
    assert record["date_utc"] == "2021-03-02T07:15:00+00:00"
    assert record["source"]["path"] == str(path)
    assert record["charsets"][0]["used"] == "koi8-r"
    assert record["failure"] is None


def test_failure_exits_1_with_one_line_per_failure_on_stderr(tmp_path: Path) -> None:
    good = write(tmp_path, "good.eml", SIMPLE)
    empty = write(tmp_path, "empty.eml", b"")
    outlook = write(tmp_path, "x.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    result = CliRunner().invoke(main, ["parse", "--json", str(good), str(empty), str(outlook)])
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"emlkit: {empty}: an empty file, not an email message",
        f"emlkit: {outlook}: an Outlook .msg file (OLE compound document), not an RFC 822"
        " message; convert it first, e.g. with msgconvert",
    ]
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["failure"] and r["failure"]["kind"] for r in records] == [
        None,
        "empty",
        "outlook-msg",
    ]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "nope.eml")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_mail_text_is_not_rich_markup(tmp_path: Path) -> None:
    data = SIMPLE.replace(
        b"Subject: =?utf-8?B?0J/RgNC+0YLQvtC60L7Quw==?=", b"Subject: [bold]x[/bold]"
    )
    path = write(tmp_path, "markup.eml", data)
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert "[bold]x[/bold]" in result.output


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "one.eml", SIMPLE)
    completed = subprocess.run(
        [sys.executable, "-m", "emlkit", "parse", "--json", str(path)],
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["message_id"] == "cli-1@zar.test"


def test_every_command_has_help_and_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.help, f"emlkit {name} has no help text"
        assert f"## `emlkit {name}" in docs, f"emlkit {name} is not documented in docs/cli.md"
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0
