"""Quote verification: FOUND however the source wrapped or encoded the quote, and NOT FOUND
for any change of meaning (a word, a negation, a number, a name, the word order)."""

from __future__ import annotations

import base64
import json
import quopri
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import emlkit
from emlkit.claims import quotes
from emlkit.claims.indexing import index_case
from emlkit.claims.quotes import Candidate, check_quote, normalize, verify_quotes
from emlkit.cli import main
from emlkit.index.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
QUOTE = "При досмотре у Сафонова должен быть обнаружен пистолет, остальное — дело техники."
BODY = (
    "Коллеги,\n\nпо итогам совещания: при досмотре у Сафонова должен быть\n"
    "обнаружен пистолет, остальное - дело техники. Обвинение готовим заранее.\n"
)


def candidate(text: str) -> Candidate:
    return Candidate("q@zar.test", "/evidence/q.eml", "0" * 64, text)


def message(payload: bytes, charset: str, encoding: str, subtype: str = "plain") -> bytes:
    head = (
        f"From: a@zar.test\nSubject: x\nMessage-ID: <q@zar.test>\n"
        f"Content-Type: text/{subtype}; charset={charset}\n"
        f"Content-Transfer-Encoding: {encoding}\n\n"
    )
    return head.encode() + payload


def test_normalize_keeps_a_map_back_to_the_original_text() -> None:
    text = "> Первая  строка\n> «вторая» — Ёлка"
    normalized = normalize(text)
    assert normalized.text == 'первая строка "вторая" - елка'
    start = normalized.text.index("вторая")
    begin, end = normalized.span(start, start + len("вторая"))
    assert text[begin:end] == "вторая"


def _normalize_char_by_char(text: str) -> tuple[str, list[int]]:
    """The normalisation as first written, one character at a time: the reference."""
    unmarked = quotes._QUOTE_MARKER.sub(lambda m: " " * len(m.group()), text)
    chars: list[str] = []
    origin: list[int] = []
    space = True
    for index, char in enumerate(unmarked.translate(quotes._TRANSLATE)):
        if char.isspace():
            if not space:
                chars.append(" ")
                origin.append(index)
            space = True
            continue
        lower = char.lower()
        chars.append(lower if len(lower) == 1 else char)
        origin.append(index)
        space = False
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


_SPACES = [" ", "\t", "\n", "\r", "\u00a0", "\u2009", "\u2028"]
_MARKERS = ["> ", ">>", "\n> ", "\n>", "\n \t> > "]
_NORMALIZE_ALPHABET = st.sampled_from([*"абвЁёЯ", *"aBİıΣσς", *"«»—–-‐\"'’", *_SPACES, *_MARKERS])


@settings(max_examples=400, deadline=None)
@given(st.lists(_NORMALIZE_ALPHABET, max_size=120).map("".join), st.integers(1, 30))
def test_normalize_is_the_character_by_character_reading(text: str, block: int) -> None:
    """The same text and the same map back, read in blocks as small as one character."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quotes, "_BLOCK", block)
        normalized = normalize(text)
    expected, origin = _normalize_char_by_char(text)
    assert normalized.text == expected
    for i in range(len(expected)):
        assert normalized.span(i, i + 1) == (origin[i], origin[i] + 1), i


def test_normalize_lowers_sigma_alike_everywhere() -> None:
    assert normalize("ΟΔΟΣ ΟΔΟΣ").text == normalize("οδοσ οδοσ").text == "οδοσ οδοσ"


def test_a_true_quote_is_found_in_rewrapped_text_with_its_exact_place() -> None:
    result = check_quote("C4", QUOTE, [candidate(BODY)])
    assert result.found and result.similarity == 100.0
    assert result.start is not None and result.end is not None
    assert BODY[result.start : result.end] == result.source_text
    assert result.source_text.startswith("при досмотре") and result.source_text.endswith("техники.")


def test_a_quote_in_quoted_reply_lines_is_found() -> None:
    quoted = "".join(f"> {line}\n" for line in BODY.splitlines())
    assert check_quote("C4", QUOTE, [candidate(quoted)]).found


@pytest.mark.parametrize(
    ("changed", "difference"),
    [
        (QUOTE.replace("пистолет", "нож"), "-нож"),  # a changed word
        (QUOTE.replace("должен быть", "не должен быть"), "-не"),  # an added negation
        (QUOTE.replace("Сафонова", "Сафронова"), "-Сафронова"),  # a changed name
        ("Обвинение готовим заранее по статье 222.", "-222"),  # an added number
        ("остальное — дело техники, пистолет обнаружен", None),  # the word order
    ],
)
def test_any_change_of_meaning_is_not_found(changed: str, difference: str | None) -> None:
    result = check_quote("C4", changed, [candidate(BODY)])
    assert not result.found
    assert result.source_text and result.similarity < 100
    if difference is not None:
        assert difference in result.differences


@pytest.mark.parametrize(
    ("changed", "difference"),
    [
        ("при досмотре у Сафонова должен быть обнаружен пистолетом", "-пистолетом"),
        ("у Сафонова должен быть обнаружен писто", "-писто"),  # ends inside a word
        ("ри досмотре у Сафонова", "-ри"),  # starts inside a word
        ("по итогам совещания: при досмотре у Сафонов", "-Сафонов"),
    ],
)
def test_a_quote_that_cuts_a_word_of_the_source_is_not_found(changed: str, difference: str) -> None:
    result = check_quote("C4", changed, [candidate(BODY)])
    assert not result.found and result.similarity < 100
    assert difference in result.differences
    assert result.source_text is not None and result.start is not None
    assert BODY[result.start : result.end] == result.source_text


def test_a_changed_number_inside_a_longer_one_is_not_found() -> None:
    body = "Книга КУСП за 12.03 закрыта, последний номер за сутки — 1187."
    for quote, difference in (("номер за сутки — 187", "+1187"), ("за 2.03 закрыта", "+12")):
        result = check_quote("C5", quote, [candidate(body)])
        assert not result.found and difference in result.differences, result
    assert check_quote("C5", "номер за сутки - 1187.", [candidate(body)]).found
    assert check_quote("C5", "КУСП за 12.03", [candidate(body)]).found


def test_a_dropped_negation_is_not_found() -> None:
    body = "Оснований для принятия мер прокурорского реагирования не усматривается."
    quote = "Оснований для принятия мер прокурорского реагирования усматривается."
    result = check_quote("C8", quote, [candidate(body)])
    assert not result.found and "+не" in result.differences


@pytest.mark.parametrize(
    "data",
    [
        message(quopri.encodestring(BODY.encode("utf-8")), "utf-8", "quoted-printable"),
        message(base64.encodebytes(BODY.encode("utf-8")), "utf-8", "base64"),
        message(BODY.encode("koi8-r"), "koi8-r", "8bit"),
        message(BODY.encode("cp1251"), "windows-1251", "8bit"),
        message(BODY.encode("koi8-r"), "windows-1251", "8bit"),  # a wrong label
        message(
            ("<html><body><p>" + BODY.replace("\n", "<br>") + "</p></body></html>").encode(),
            "utf-8",
            "8bit",
            "html",
        ),
    ],
    ids=["quoted-printable", "base64", "koi8-r", "windows-1251", "mislabelled", "html-only"],
)
def test_a_true_quote_is_found_however_the_source_encoded_it(data: bytes) -> None:
    parsed = emlkit.parse_bytes(data)
    assert check_quote("C4", QUOTE, [candidate(parsed.text)]).found


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("quotes") / "index.db"
    index_case([SAMPLES], db, jobs=1)
    return db


def test_every_quote_of_the_sample_case_is_found(samples_db: Path) -> None:
    with Store(samples_db, readonly=True) as store:
        results = verify_quotes(store)
        only_annex_7 = verify_quotes(store, annex=7)
    assert len(results) == 14 and all(r.found for r in results)
    assert {r.claim for r in only_annex_7} == {"C7"}
    for result in results:
        assert result.path is not None and result.start is not None and result.end is not None
        text = emlkit.parse_file(result.path).text
        assert text[result.start : result.end] == result.source_text


def test_verify_quotes_cli_exit_codes_and_json(samples_db: Path, tmp_path: Path) -> None:
    ok = CliRunner().invoke(main, ["verify-quotes", "--db", str(samples_db), "--json"])
    assert ok.exit_code == 0, ok.output
    rows = json.loads(ok.stdout)
    keys = {"claim", "quote", "status", "message_id", "path", "sha256", "start", "end"}
    assert keys | {"source_text", "similarity"} <= set(rows[0])
    case = (SAMPLES / "case.toml").read_text(encoding="utf-8")
    edited = tmp_path / "case.toml"
    edited.write_text(case.replace("letter.md", "../samples/letter.md").replace(
        "с пистолетом вопрос решу сам", "с пистолетом вопрос не решу сам"
    ), encoding="utf-8")  # fmt: skip
    db = tmp_path / "edited.db"
    index_case([SAMPLES], db, jobs=1, case_file=edited)
    bad = CliRunner().invoke(main, ["verify-quotes", "--db", str(db)])
    assert bad.exit_code == 1
    assert "NOT FOUND" in bad.output and "13 of 14 quotes found" in bad.output


_WORDS = st.lists(
    st.text(alphabet="абвгдеёжзклмнопрстуaeiknrst0123", min_size=1, max_size=6),
    min_size=2,
    max_size=30,
)


def _contains(words: list[str], part: list[str]) -> bool:
    flat = [normalize(w).text for w in words]
    want = [normalize(w).text for w in part]
    return any(flat[i : i + len(want)] == want for i in range(len(flat) - len(want) + 1))


@settings(max_examples=200, deadline=None)
@given(words=_WORDS, data=st.data())
def test_property_a_run_of_words_is_found_and_a_changed_word_is_not(
    words: list[str], data: st.DataObject
) -> None:
    separators = data.draw(st.lists(st.sampled_from([" ", "\n", "  ", "\n> ", "\u00a0"])))
    body = words[0] + "".join(
        (separators[i % len(separators)] if separators else " ") + word
        for i, word in enumerate(words[1:])
    )
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    quote = words[start:end]
    found = check_quote("P", " ".join(quote), [candidate(body)])
    assert found.found
    assert found.source_text is not None
    assert normalize(found.source_text).text == normalize(" ".join(quote)).text
    position = data.draw(st.integers(0, len(quote) - 1))
    changed = list(quote)
    changed[position] = data.draw(st.sampled_from(["ж", "9"])) + changed[position]
    if not _contains(words, changed):
        assert not check_quote("P", " ".join(changed), [candidate(body)]).found


def test_a_quote_not_found_says_which_texts_were_cut() -> None:
    cut = Candidate("cut@zar.test", "/c.eml", "0" * 64, "Начало длинного письма", cut=True)
    whole = Candidate("whole@zar.test", "/w.eml", "1" * 64, "Другое письмо", cut=False)
    missed = check_quote("C1", "иголка в конце письма", [whole, cut])
    assert not missed.found and missed.cut == ("cut@zar.test",)
    found = check_quote("C1", "Другое письмо", [cut, whole])
    assert found.found and found.cut == ()


def test_verify_quotes_warns_where_the_index_holds_a_text_in_part(tmp_path: Path) -> None:
    """A quote past the 5,000,000 characters the index keeps of a text part is NOT FOUND,
    and the verdict says the text was cut, in every output."""
    case = tmp_path / "case"
    annex = case / "annex-01"
    annex.mkdir(parents=True)
    body = "word " * 1_050_000 + "\nthe needle stands at the very end of this message\n"
    (annex / "long.eml").write_bytes(
        b"From: a@zar.test\nTo: b@zar.test\nSubject: long\nMessage-ID: <long@zar.test>\n"
        b"Date: Tue, 02 Mar 2021 10:00:00 +0300\n\n" + body.encode()
    )
    (case / "case.toml").write_text(
        '[letter]\ntitle = "Long"\n\n[[annex]]\nnumber = 1\ntitle = "Long"\n\n'
        '[[claim]]\nid = "C1"\ntext = "It stands."\nannexes = [1]\n'
        'quotes = ["the needle stands at the very end of this message"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "index.db"
    index_case([case], db, jobs=1)
    shown = CliRunner().invoke(main, ["verify-quotes", "--db", str(db)], env={"COLUMNS": "300"})
    assert shown.exit_code == 1
    assert (
        "not read in full: the text of <long@zar.test> was cut at the parse limit" in shown.output
    )
    as_json = CliRunner().invoke(main, ["verify-quotes", "--db", str(db), "--json"])
    [verdict] = json.loads(as_json.stdout)
    assert (verdict["status"], verdict["cut"]) == ("not_found", ["long@zar.test"])
    for fmt in ("terminal", "markdown", "html"):
        report = CliRunner().invoke(
            main, ["report", "--db", str(db), "--format", fmt], env={"COLUMNS": "300"}
        )
        assert report.exit_code == 0, report.output
        assert "was cut at the parse limit when indexed" in report.output, fmt
