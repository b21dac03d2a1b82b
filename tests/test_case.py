"""The case file: loading the sample case, every check with its line, ``emlkit case check``."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from emlkit import parse_file
from emlkit.claims.case import CaseProblem, check_case, load_case
from emlkit.cli import main
from emlkit.errors import CaseError, UsageError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_CASE = SAMPLES / "case.toml"

LETTER = """\
[letter]
title = "A letter"
"""

ANNEX = """\
[[annex]]
number = 2
title = "Annex two"
"""


def _normal(text: str) -> str:
    return " ".join(text.split())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _found(path: Path) -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.message) for p in check_case(path)]


# The sample case


def test_the_sample_case_loads() -> None:
    case = load_case(SAMPLE_CASE)
    assert case.path == SAMPLE_CASE
    assert case.letter.date == date(2021, 5, 28)
    assert case.letter.path == SAMPLES / "letter.md"
    assert [a.number for a in case.annexes] == [2, 3, 4, 5, 6, 7, 8, 15]
    assert [c.id for c in case.claims] == [f"C{n}" for n in range(1, 9)]
    assert case.quote_count == 14
    c4 = case.claims[3]
    assert c4.annexes == (4,)
    assert "пистолет" in c4.terms
    assert c4.quotes[1] == "Обвинение по статье 222 УК готовим заранее"
    assert len(c4.translations) == len(c4.quotes)
    assert case.claims[7].annexes == (8, 15)
    assert case.annex(15) is not None and case.annex(1) is None


def test_the_sample_case_has_no_problems() -> None:
    assert check_case(SAMPLE_CASE) == []


def test_claim_2_has_no_quotes_and_claim_7_is_partial() -> None:
    claims = {c.id: c for c in load_case(SAMPLE_CASE).claims}
    assert claims["C2"].quotes == () and claims["C2"].terms
    assert "Partly" in claims["C7"].note
    assert any(any(ch.isascii() and ch.isalpha() for ch in t) for t in claims["C7"].terms)


def _quote_cases() -> list[tuple[str, str, tuple[int, ...]]]:
    return [
        (claim.id, quote, claim.annexes)
        for claim in load_case(SAMPLE_CASE).claims
        for quote in claim.quotes
    ]


@pytest.mark.parametrize(("claim", "quote", "annexes"), _quote_cases())
def test_every_sample_quote_stands_verbatim_in_an_annex_email(
    claim: str, quote: str, annexes: tuple[int, ...]
) -> None:
    files = [f for n in annexes for f in sorted((SAMPLES / f"annex-{n:02d}").glob("*.eml"))]
    assert files
    assert any(_normal(quote) in _normal(parse_file(f).text) for f in files), (
        f"{claim}: not verbatim in annexes {annexes}: {quote}"
    )


# Each problem, on its line


def test_a_valid_minimal_case(tmp_path: Path) -> None:
    path = _write(tmp_path, LETTER + ANNEX + '[[claim]]\nid = "C1"\ntext = "t"\nterms = ["x"]\n')
    assert _found(path) == []
    assert load_case(path).claims[0].annexes == ()


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, LETTER + "oops here\n")
    [(line, severity, message)] = _found(path)
    assert (line, severity) == (3, "error")
    assert message.startswith("bad TOML: ")
    assert "line" not in message


def test_bad_toml_at_the_end(tmp_path: Path) -> None:
    path = _write(tmp_path, LETTER + 'note = "unclosed\n')
    [(line, _, message)] = _found(path)
    assert line == 3
    assert message.startswith("bad TOML")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    path.write_bytes(b'[letter]\ntitle = "\xff"\n')
    assert _found(path) == [(2, "error", "bad TOML: the file is not UTF-8")]


def test_missing_required_keys(tmp_path: Path) -> None:
    text = '[letter]\ndate = 2021-05-28\n\n[[annex]]\ntitle = "t"\n\n[[annex]]\nnumber = 3\n\n'
    text += '[[claim]]\nterms = ["x"]\n'
    assert _found(_write(tmp_path, text)) == [
        (1, "error", 'letter: missing required key "title"'),
        (4, "error", 'annex #1: missing required key "number"'),
        (7, "error", 'annex 3: missing required key "title"'),
        (10, "error", 'claim #1: missing required key "id"'),
        (10, "error", 'claim #1: missing required key "text"'),
    ]


def test_missing_letter(tmp_path: Path) -> None:
    path = _write(tmp_path, ANNEX)
    assert _found(path) == [(1, "error", "missing [letter] table")]


def test_a_claim_citing_an_undeclared_annex(tmp_path: Path) -> None:
    text = LETTER + ANNEX + '\n[[claim]]\nid = "C1"\ntext = "t"\nannexes = [2, 9]\nterms = ["x"]\n'
    assert _found(_write(tmp_path, text)) == [(10, "error", "claim C1: annex 9 is not declared")]


def test_a_claim_with_nothing_to_look_for(tmp_path: Path) -> None:
    text = LETTER + ANNEX + '\n[[claim]]\nid = "C1"\ntext = "t"\nannexes = [2]\nterms = []\n'
    assert _found(_write(tmp_path, text)) == [
        (7, "error", 'claim C1: nothing to look for (no "terms" and no "quotes")')
    ]


def test_duplicate_claim_ids(tmp_path: Path) -> None:
    claim = '\n[[claim]]\nid = "C1"\ntext = "t"\nquotes = ["q"]\n'
    assert _found(_write(tmp_path, LETTER + claim + claim)) == [
        (10, "error", 'duplicate claim id "C1" (first at line 5)')
    ]


def test_duplicate_annex_numbers(tmp_path: Path) -> None:
    assert _found(_write(tmp_path, LETTER + ANNEX + ANNEX)) == [
        (7, "error", "duplicate annex number 2 (first at line 4)")
    ]


def test_translations_not_one_per_quote(tmp_path: Path) -> None:
    text = LETTER + '[[claim]]\nid = "C1"\ntext = "t"\nquotes = ["a", "b"]\ntranslations = ["A"]\n'
    assert _found(_write(tmp_path, text)) == [
        (7, "error", "claim C1: 1 translation for 2 quotes (give one per quote)")
    ]


def test_wrong_types(tmp_path: Path) -> None:
    text = (
        '[letter]\ntitle = 5\ndate = "28 May"\n\n'
        '[[annex]]\nnumber = "2"\ntitle = "t"\npaths = "annex-2/*"\n\n'
        '[[claim]]\nid = "C1"\ntext = "t"\nannexes = ["2", true]\nterms = ["x", 3]\n'
    )
    assert _found(_write(tmp_path, text)) == [
        (2, "error", 'letter: "title" must be a non-empty string'),
        (3, "error", 'letter: "date" must be a date: 2021-05-28'),
        (6, "error", 'annex #1: "number" must be an integer'),
        (8, "error", 'annex #1: "paths" must be a list of non-empty strings'),
        (13, "error", 'claim C1: "annexes" must be a list of annex numbers'),
        (14, "error", 'claim C1: "terms" must be a list of non-empty strings'),
    ]


def test_paths_that_match_nothing_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "mail" / "two").mkdir(parents=True)
    (tmp_path / "mail" / "two" / "a.eml").write_bytes(b"Subject: x\n\nbody\n")
    text = (
        '[letter]\ntitle = "L"\npath = "letter.md"\n\n'
        '[[annex]]\nnumber = 2\ntitle = "t"\npaths = ["mail/two/*.eml", "mail/nine/**"]\n'
    )
    path = _write(tmp_path, text)
    assert _found(path) == [
        (3, "warning", "letter: \"path\" 'letter.md' matches nothing"),
        (8, "warning", "annex 2: \"paths\" glob 'mail/nine/**' matches nothing"),
    ]
    case = load_case(path)
    assert case.annexes[0].paths == ("mail/two/*.eml", "mail/nine/**")


def test_unknown_keys_are_warnings(tmp_path: Path) -> None:
    text = (
        'version = 1\n[letter]\ntitle = "L"\nauthor = "me"\n\n'
        '[[claim]]\nid = "C1"\ntext = "t"\nterms = ["x"]\nquote = ["typo"]\n'
    )
    assert _found(_write(tmp_path, text)) == [
        (1, "warning", 'unknown key "version"'),
        (4, "warning", 'letter: unknown key "author"'),
        (10, "warning", 'claim C1: unknown key "quote"'),
    ]


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    claim = '\n[[claim]]\nid = "C1"\ntext = "t"\nannexes = [7]\n'
    found = _found(_write(tmp_path, LETTER + claim + claim))
    assert len(found) == 5  # 2 x undeclared, 2 x nothing to look for, 1 duplicate


def test_load_case_raises_case_error_listing_the_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, LETTER + ANNEX + ANNEX)
    with pytest.raises(CaseError) as caught:
        load_case(path)
    assert str(caught.value) == f"{path}:7: error: duplicate annex number 2 (first at line 4)"
    assert isinstance(caught.value, UsageError)


def test_a_missing_file_is_a_case_error(tmp_path: Path) -> None:
    with pytest.raises(CaseError):
        check_case(tmp_path / "nothing.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_case_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "case.toml"
    os.mkfifo(fifo)
    with pytest.raises(CaseError, match=r"case\.toml: not a regular file but a FIFO"):
        check_case(fifo)


def test_problem_format() -> None:
    assert CaseProblem(3, "m", "warning").format("c.toml") == "c.toml:3: warning: m"


# emlkit case check


def test_cli_checks_the_sample_case() -> None:
    result = CliRunner().invoke(main, ["case", "check", str(SAMPLE_CASE)])
    assert result.exit_code == 0
    assert result.stdout == f"{SAMPLE_CASE}: 8 claims, 8 annexes, 14 quotes: OK\n"
    assert result.stderr == ""


def test_cli_reads_case_toml_here_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, LETTER + ANNEX + '[[claim]]\nid = "C1"\ntext = "t"\nterms = ["x"]\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["case", "check"])
    assert result.exit_code == 0
    assert result.stdout == "case.toml: 1 claim, 1 annex, 0 quotes: OK\n"


def test_cli_errors_exit_1_with_one_line_each(tmp_path: Path) -> None:
    path = _write(tmp_path, "version = 1\n" + LETTER + ANNEX + ANNEX)
    result = CliRunner().invoke(main, ["case", "check", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{path}:1: warning: unknown key "version"',
        f"{path}:8: error: duplicate annex number 2 (first at line 5)",
    ]


def test_cli_warnings_alone_exit_0(tmp_path: Path) -> None:
    path = _write(tmp_path, LETTER + 'path = "gone.md"\n' + ANNEX)
    result = CliRunner().invoke(main, ["case", "check", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"{path}:3: warning: letter: \"path\" 'gone.md' matches nothing\n"
    assert result.stdout.endswith(": 0 claims, 1 annex, 0 quotes: OK\n")


def test_cli_missing_file_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["case", "check", str(tmp_path / "nothing.toml")])
    assert result.exit_code == 2
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["case", "check"])
    assert result.exit_code == 2
    assert "case.toml" in result.stderr
