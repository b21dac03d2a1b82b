"""Search text analysis (emlkit.index.text), checked against a real SQLite FTS5 table.

Every search test indexes sample texts with ``analyze``/``keys`` into an in-memory
``fts5(stems, keys)`` table, queries it with ``match_expression`` and looks at which rows
come back (ordered by bm25), so the tests check the analysis, the query syntax and FTS5's
reading of both together. Names are invented or common surnames, never real people.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emlkit.errors import QueryError, UsageError
from emlkit.index import text as text_module
from emlkit.index.text import (
    MAX_QUERY_LENGTH,
    Term,
    analyze,
    highlight_terms,
    index_columns,
    keys,
    match_expression,
    match_spans,
    snippet,
    text_blocks,
)

DOCS: dict[str, str] = {
    "pistol": "Он пришёл на встречу с пистолетом в руке.",
    "charge": "Текст обвинения передан адвокату в пятницу.",
    "charges": "Список обвинений растёт с каждым днём.",
    "removed": "Файлы удалили вчера вечером, сказал админ.",
    "removal": "Удаление переписки недопустимо.",
    "deleted": "The messages were deleted on Friday.",
    "egorova_gen": "Письмо от Егоровой пришло утром.",
    "egorova_dat": "Передайте Егоровой копию договора.",
    "egorova_en": "Meeting with Yegorova at noon.",
    "egorova_en2": "Ms Egorova declined to comment.",
    "tishchenko_ru": "Тищенко подписал акт приёмки.",
    "tishchenko_en": "The act was signed by Tishchenko.",
    "tischenko_en": "Herr Tischenko war nicht da.",
    "ablyazov_ru": "Счёт Аблязову закрыли в марте.",
    "ablyazov_en": "Abliazov's lawyers filed a motion.",
    "flat": "Он живёт в 222-й квартире на третьем этаже.",
    "email": "Пришлите e-mail с документами.",
    "yolka": "Ёлка стояла в холле до марта.",
    "upper": "ПРОТОКОЛ ДОПРОСА СВИДЕТЕЛЯ",
    "phrase": "Обвинение по делу номер пять предъявлено.",
    "scrambled": "По делу вынесено обвинение.",
    "weather": "Погода хорошая, ничего не случилось.",
}
NAMES = tuple(DOCS)
EGOROVA = {"egorova_gen", "egorova_dat", "egorova_en", "egorova_en2"}
TISHCHENKO = {"tishchenko_ru", "tishchenko_en", "tischenko_en"}
ABLYAZOV = {"ablyazov_ru", "ablyazov_en"}


def make_table(texts: list[str]) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(stems, keys)")
    connection.executemany(
        "INSERT INTO t (rowid, stems, keys) VALUES (?, ?, ?)",
        [(i, analyze(text), keys(text)) for i, text in enumerate(texts, start=1)],
    )
    return connection


@pytest.fixture(scope="module")
def table() -> Iterator[sqlite3.Connection]:
    connection = make_table(list(DOCS.values()))
    yield connection
    connection.close()


def rows(connection: sqlite3.Connection, query: str) -> list[int]:
    return [
        rowid
        for (rowid,) in connection.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t)", (match_expression(query),)
        )
    ]


def found(connection: sqlite3.Connection, query: str) -> set[str]:
    return {NAMES[rowid - 1] for rowid in rows(connection, query)}


# ---------------------------------------------------------------------------------------------
# Analysis


def test_analyze_stems_russian_and_english_and_keeps_digits() -> None:
    assert analyze("Пистолетом, обвинения; deleted 222") == "пистолет обвинен delet 222"


def test_analyze_lowercases_and_reads_yo_as_ye() -> None:
    assert analyze("ЁЛКА Ёлка елка") == "елк елк елк"
    assert keys("ЁЛКА елка") == "elka elka"


def test_analyze_keeps_a_number_with_its_russian_ending_as_the_number() -> None:
    assert analyze("222-й 90-х 2-го") == "222 90 2"


def test_a_hyphenated_word_gives_its_parts_and_the_parts_joined() -> None:
    assert analyze("e-mail") == "e mail email"
    assert analyze("Ту-154") == "ту 154 ту154"
    assert analyze("akt_2021") == "akt 2021 akt2021"
    assert analyze("__ ___") == ""


def test_apostrophes_and_primes_join_a_word() -> None:
    assert analyze("don't Egorov's") == "dont egorov"
    assert keys("Il'in Ilʹin Ilyin Ильин") == "ilin ilin ilin ilin"


def test_lookalike_latin_letters_in_a_russian_word_are_read_as_cyrillic() -> None:
    assert analyze("Пpивeт") == analyze("Привет")  # a Latin p and e
    assert analyze("Egorovа") == analyze("Egorova")  # a Cyrillic а


def test_stress_marks_and_decomposed_letters_do_not_split_words() -> None:
    assert analyze("за\u0301мок") == analyze("замок")
    assert analyze("Тищенко и\u0306") == analyze("Тищенко й")


def test_index_columns_is_analyze_and_keys() -> None:
    text = "Егорова прислала e-mail Tishchenko 222-й"
    assert index_columns(text) == (analyze(text), keys(text))
    assert analyze(text + " ") == analyze(text)  # a different object: no stale memo


@settings(max_examples=300)
@given(st.text())
def test_any_text_gives_aligned_fts5_safe_columns(text: str) -> None:
    stems, skeletons = index_columns(text)
    assert len(stems.split(" ")) == len(skeletons.split(" ")) or not stems
    for token in (stems + " " + skeletons).split():
        assert re.fullmatch(r"[^\W_]+", token), token
    connection = make_table([text])
    assert connection.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_a_turkish_capital_i_is_read_as_an_i() -> None:
    """str.lower() makes İ an i and a combining dot, which FTS5 would split off: the dot
    goes, so the columns stay aligned and the word is found as written with an i."""
    assert index_columns("İstanbul İZMİR") == ("istanbul izmir", "istanbul izmir")
    assert index_columns("İ") == ("i", "i")
    connection = make_table(["Встреча в İstanbul"])
    assert rows(connection, "Istanbul") == rows(connection, "İSTANBUL") == [1]


def test_analyze_of_nothing() -> None:
    assert analyze("") == keys("") == ""
    assert analyze(" ,.!? 😀 — ") == ""


@pytest.mark.parametrize(
    "variants",
    [
        ("Егорова", "Yegorova", "Egorova"),
        ("Тищенко", "Tishchenko", "Tischenko", "Tishenko", "Tiščenko"),
        ("Аблязов", "Ablyazov", "Abliazov", "Abljazov"),
        ("Хабибуллин", "Khabibullin", "Habibullin"),
        ("Андреев", "Andreyev", "Andreev"),
        ("Фёдор", "Fyodor", "Fedor", "Fiodor"),
        ("Юлия", "Yuliya", "Iuliia", "Julia", "Yulia"),
        ("Цой", "Tsoy", "Tsoi"),
        ("Алексей", "Alexey", "Aleksei", "Aleksey"),
        ("Жукова", "Zhukova", "Žukova"),
        ("Зайцев", "Zaytsev", "Zaitsev", "Zajcev"),
    ],
)
def test_romanisations_of_a_name_share_one_key(variants: tuple[str, ...]) -> None:
    assert len({keys(v) for v in variants}) == 1, [keys(v) for v in variants]


def test_keys_keep_the_letters_apart_that_spellings_do_not_merge() -> None:
    assert len({keys(w) for w in ("Шаров", "Саров", "Жаров", "Заров", "Царев", "Чарев")}) == 6


# ---------------------------------------------------------------------------------------------
# Search: stemming, scripts, syntax


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("пистолет", {"pistol"}),
        ("пистолетом", {"pistol"}),
        ("обвинение", {"charge", "charges", "phrase", "scrambled"}),
        ("обвинений", {"charge", "charges", "phrase", "scrambled"}),
        ("удалили", {"removed", "removal"}),  # the stem удал, the key udal*
        ("удаление", {"removal"}),
        ("удалить", {"removed", "removal"}),  # by the key prefix udal*
        ("delete", {"deleted"}),
        ("deleting", {"deleted"}),
        ("елка", {"yolka"}),
        ("ёлка", {"yolka"}),
        ("ЁЛКИ", {"yolka"}),
        ("протокол допроса", {"upper"}),
        ("Протокол", {"upper"}),
        ("protokol", {"upper"}),  # Latin finds Cyrillic
        ("222", {"flat"}),
        ("222-й", {"flat"}),
        ("22", set()),
        ("email", {"email"}),
        ("e-mail", {"email"}),
        ("mail", {"email"}),
        ("обвин*", {"charge", "charges", "phrase", "scrambled"}),
        ("погода", {"weather"}),
        ("револьвер", set()),
    ],
)
def test_stemming_case_digits_and_hyphens(
    table: sqlite3.Connection, query: str, expected: set[str]
) -> None:
    assert found(table, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Yegorova", EGOROVA),
        ("Egorova", EGOROVA),
        ("Егорова", EGOROVA),
        ("Егоровой", EGOROVA),
        ("egorovoy", EGOROVA),
        ("Tishchenko", TISHCHENKO),
        ("Tischenko", TISHCHENKO),
        ("Тищенко", TISHCHENKO),
        ("Ablyazov", ABLYAZOV),
        ("Abliazov", ABLYAZOV),
        ("Аблязов", ABLYAZOV),
        ("Аблязову", ABLYAZOV),
    ],
)
def test_names_are_found_across_scripts_and_romanisations(
    table: sqlite3.Connection, query: str, expected: set[str]
) -> None:
    assert found(table, query) == expected


def test_a_phrase_needs_its_words_in_a_row(table: sqlite3.Connection) -> None:
    assert found(table, '"обвинение по делу"') == {"phrase"}
    assert found(table, "«обвинения по делу»") == {"phrase"}
    assert found(table, "обвинение по делу") == {"phrase", "scrambled"}
    assert found(table, '"signed by Tishchenko"') == {"tishchenko_en"}
    assert found(table, '"подписал Tishchenko"') == set()


def test_a_phrase_in_latin_finds_the_words_in_cyrillic(table: sqlite3.Connection) -> None:
    assert found(table, '"ot Egorovoi prishlo"') == {"egorova_gen"}


def test_or(table: sqlite3.Connection) -> None:
    assert found(table, "пистолет OR Tishchenko") == {"pistol"} | TISHCHENKO
    assert found(table, "пистолет or Tishchenko") == set()  # lowercase or is a word


def test_or_binds_tighter_than_and(table: sqlite3.Connection) -> None:
    assert found(table, "Егорова утром OR копию") == {"egorova_gen", "egorova_dat"}
    assert found(table, "(Егорова утром) OR пистолет") == {"egorova_gen", "pistol"}


@pytest.mark.parametrize(
    "query",
    [
        "Егорова -утром",
        "Егорова NOT утром",
        "-утром Егорова",
        'Егорова -"пришло утром"',
        "Егорова -(утром OR копию)",
        "Егорова -(пришло утром)",
    ],
)
def test_negation(table: sqlite3.Connection, query: str) -> None:
    expected = EGOROVA - {"egorova_gen"}
    if "копию" in query:
        expected -= {"egorova_dat"}
    assert found(table, query) == expected


def test_negation_reaches_across_scripts(table: sqlite3.Connection) -> None:
    assert found(table, "Tishchenko -Тищенко") == set()
    assert found(table, "Tishchenko -Herr") == {"tishchenko_ru", "tishchenko_en"}


def test_parentheses_and_and(table: sqlite3.Connection) -> None:
    assert found(table, "(пистолет OR Тищенко) -акт") == {"pistol", "tischenko_en"}
    assert found(table, "Егорова AND (утром OR Friday OR noon)") == {"egorova_gen", "egorova_en"}
    assert found(table, "((Егорова))") == EGOROVA


def test_double_negation_cancels(table: sqlite3.Connection) -> None:
    assert found(table, "--пистолет") == {"pistol"}


def test_a_lone_dash_and_punctuation_are_ignored(table: sqlite3.Connection) -> None:
    assert found(table, "Егорова - утром") == {"egorova_gen"}
    assert found(table, "Егорова, утром!") == {"egorova_gen"}


def test_bm25_ranks_the_denser_match_first() -> None:
    connection = make_table(
        [
            "Егорова упомянута один раз среди множества других слов этого письма.",
            "Yegorova, Егоровой, Егорову: Егорова.",
        ]
    )
    assert rows(connection, "Егорова") == [2, 1]


def test_the_expression_quotes_every_word() -> None:
    assert match_expression("пистолет -Yegorova") == (
        '((stems:"пистолет" OR keys:"pistolet"*) NOT ((stems:"yegorova" OR keys:"egorov"*)))'
    )
    assert match_expression("Цой") == '(stems:"цо" OR keys:"coi")'  # short: not a prefix


# ---------------------------------------------------------------------------------------------
# Malformed and hostile queries


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '"Егорова',
        'Егорова "',
        "«Егорова",
        "Егорова»",
        "(",
        ")",
        "(Егорова",
        "Егорова)",
        "(Егорова))",
        "()",
        "Егорова ()",
        "AND",
        "OR",
        "NOT",
        "AND Егорова",
        "Егорова AND",
        "OR Егорова",
        "Егорова OR",
        "Егорова OR OR утром",
        "Егорова AND OR утром",
        "Егорова NOT",
        "Егорова -(",
        "-Егорова",
        "NOT Егорова",
        "-Егорова -утром",
        "-(Егорова утром)",
        "Егорова OR -утром",
        "Егорова (пистолет OR NOT утром)",
        "*",
        "-",
        "!!! ???",
        "😀",
        '""',
        "NEAR(",
        "x" * (MAX_QUERY_LENGTH + 1),
        "(" * 40 + "Егорова" + ")" * 40,
        "NOT " * 40 + "Егорова",
        " ".join(["слово"] * 300),
    ],
)
def test_malformed_queries_raise_query_error(query: str) -> None:
    with pytest.raises(QueryError):
        match_expression(query)
    with pytest.raises(QueryError):
        highlight_terms(query)
    with pytest.raises(QueryError):
        snippet("Егорова пришла утром", query)


def test_query_error_is_a_usage_error() -> None:
    assert issubclass(QueryError, UsageError)


def assert_valid_or_query_error(connection: sqlite3.Connection, query: str) -> None:
    """A query either raises QueryError or gives an expression SQLite runs without error."""
    try:
        expression = match_expression(query)
    except QueryError:
        return
    connection.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
    terms = highlight_terms(query)
    assert terms and all(isinstance(t, Term) for t in terms)


@pytest.mark.parametrize(
    "query",
    [
        "stems:",
        "stems:Егорова",
        "keys:egorov*",
        "{stems keys}: x",
        "NEAR(a b)",
        "NEAR(a b, 10)",
        "a NEAR b",
        "^Егорова",
        "Егорова*",
        "Егорова **",
        "a + b",
        "'Егорова'",
        'Егорова"утром"',
        "“Егорова”",
        "„Егорова“",
        "Егорова 😀 утром",
        "e-mail: a.b@mail.ru",
        "x_y",
        "___",
        "a'b",
        "ʹ",
        "\x00",
        "\u0301",
        "і ї є ґ ў ђ",
        "中文 عربي ελληνικά",
        "x" * MAX_QUERY_LENGTH,
        " ".join(["слово"] * 200),
        "(" * 30 + "Егорова" + ")" * 30,
    ],
)
def test_hostile_queries_give_valid_fts5_or_query_error(
    table: sqlite3.Connection, query: str
) -> None:
    assert_valid_or_query_error(table, query)


_FRAGMENTS = st.sampled_from(
    [
        '"',
        "«",
        "»",
        "(",
        ")",
        "-",
        "*",
        "+",
        ":",
        "^",
        "{",
        "}",
        ",",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(",
        "stems:",
        "keys:",
        "Егорова",
        "Yegorova",
        "пистолет",
        "e-mail",
        "222-й",
        "ё",
        "😀",
        "_",
        "'",
        "\u0301",
    ]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_query_gives_valid_fts5_or_query_error(
    table: sqlite3.Connection, query: str
) -> None:
    assert_valid_or_query_error(table, query)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(_FRAGMENTS, max_size=12).map(" ".join) | st.lists(_FRAGMENTS, max_size=12).map("".join)
)
def test_any_operator_soup_gives_valid_fts5_or_query_error(
    table: sqlite3.Connection, query: str
) -> None:
    assert_valid_or_query_error(table, query)


_TEXT_ALPHABET = st.sampled_from(
    list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБЁЩЯ")
    + list("abcdefghijklmnopqrstuvwxyzXYZéüß")
    + list("0123456789")
    + list(" ,.-_'’\n«»()!?")
)


@settings(max_examples=300, deadline=None)
@given(st.text(_TEXT_ALPHABET, min_size=1, max_size=80), st.data())
def test_every_word_of_a_text_finds_it(text: str, data: st.DataObject) -> None:
    # Apostrophes and hyphens join a word (222-й is the number alone, so it is searched whole).
    words = re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)
    words = [w for w in words if w not in ("AND", "OR", "NOT")]
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    connection = make_table([text, "совсем другой текст"])
    assert 1 in rows(connection, word), (text, word, analyze(text), match_expression(word))


# ---------------------------------------------------------------------------------------------
# Transliteration schemas (iuliia), both directions

# Nominative, and an inflected form as it stands in Russian text.
_SCHEMA_NAMES = [
    ("Егорова", "Егоровой"),
    ("Тищенко", "Тищенко"),
    ("Аблязов", "Аблязову"),
    ("Хабибуллин", "Хабибуллина"),
    ("Андреев", "Андреевым"),
    ("Фёдоров", "Фёдорова"),
    ("Юлия", "Юлия"),
    ("Щукина", "Щукиной"),
    ("Жукова", "Жуковой"),
    ("Цветкова", "Цветковой"),
    ("Чайкина", "Чайкину"),
    ("Григорьев", "Григорьеву"),
    ("Ильин", "Ильина"),
    ("Зайцев", "Зайцева"),
    ("Наталья", "Наталья"),
    ("Яковлев", "Яковлева"),
    ("Евгений", "Евгений"),
    ("Соловьёва", "Соловьёвой"),
    ("Мария", "Мария"),
    ("Киселёв", "Киселёвым"),
    ("Воробьёв", "Воробьёва"),
    ("Кузьмин", "Кузьмину"),
    ("Шишкин", "Шишкина"),
    ("Ёжиков", "Ёжикова"),
    ("Якушев", "Якушеву"),
    ("Максимова", "Максимовой"),
    ("Алексей", "Алексей"),
    ("Ксения", "Ксения"),
]
_SCHEMAS = [
    "ALA_LC",
    "ALA_LC_ALT",
    "BGN_PCGN",
    "BGN_PCGN_ALT",
    "BS_2979",
    "BS_2979_ALT",
    "GOST_16876",
    "GOST_16876_ALT",
    "GOST_52290",
    "GOST_52535",
    "GOST_779",
    "ICAO_DOC_9303",
    "ISO_9_1954",
    "ISO_9_1968",
    "ISO_9_1968_ALT",
    "MOSMETRO",
    "MVD_310",
    "MVD_782",
    "UNGEGN_1987",
    "WIKIPEDIA",
    "YANDEX_MAPS",
    "YANDEX_MONEY",
]


@pytest.mark.parametrize("schema_name", _SCHEMAS)
def test_every_schema_romanisation_finds_the_cyrillic_name_and_back(schema_name: str) -> None:
    iuliia = pytest.importorskip("iuliia")
    schema = getattr(iuliia, schema_name)
    cyrillic = make_table([f"Письмо для {inflected} пришло." for _, inflected in _SCHEMA_NAMES])
    latin = make_table(
        [f"A letter for {schema.translate(name)} came." for name, _ in _SCHEMA_NAMES]
    )
    for number, (name, inflected) in enumerate(_SCHEMA_NAMES, start=1):
        romanised = schema.translate(name)
        assert number in rows(cyrillic, romanised), (romanised, inflected)
        assert number in rows(latin, name), (name, romanised)
        assert number in rows(latin, inflected), (inflected, romanised)


# ---------------------------------------------------------------------------------------------
# Highlighting and snippets

_FILLER = " ".join(f"слово{i}" for i in range(60))


def test_highlight_terms_are_the_wanted_words_only() -> None:
    terms = highlight_terms('Yegorova "акт приёмки" -пистолет')
    stems = [t.stem for t in terms]
    assert stems == ["yegorova", "акт", "приемк"]
    assert terms[0].matches("Егоровой")
    assert terms[0].matches("«Егоровой»,")
    assert not terms[0].matches("Петровой")


def test_match_spans_find_inflected_and_cross_script_words() -> None:
    text = "Егоровой звонил Tishchenko; Yegorova молчала."
    spans = match_spans(text, highlight_terms("Егорова Тищенко"))
    assert [text[a:b] for a, b in spans] == ["Егоровой", "Tishchenko", "Yegorova"]


def test_snippet_centres_on_the_match_without_cutting_words() -> None:
    text = f"{_FILLER} Письмо от Егоровой пришло утром. {_FILLER}"
    excerpt, spans = snippet(text, "Егорова", width=80)
    assert "Егоровой" in excerpt
    assert [excerpt[a:b] for a, b in spans] == ["Егоровой"]
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    body = excerpt.removeprefix("… ").removesuffix(" …")
    assert len(body) <= 80
    padded = f" {' '.join(text.split())} "
    assert f" {body} " in padded  # whole words, in the text's order


def test_snippet_prefers_the_window_with_the_most_distinct_terms() -> None:
    text = (
        f"Егорова упомянута здесь. {_FILLER} Пистолет нашли у Егоровой дома, "
        f"сказал Тищенко. {_FILLER}"
    )
    excerpt, spans = snippet(text, "Егорова пистолет Тищенко", width=100)
    assert [excerpt[a:b] for a, b in spans] == ["Пистолет", "Егоровой", "Тищенко"]


def test_snippet_highlights_across_scripts_and_hyphens() -> None:
    excerpt, spans = snippet("Yegorova sent an e-mail to Тищенко.", "Егорова email Tischenko")
    assert excerpt == "Yegorova sent an e-mail to Тищенко."
    assert [excerpt[a:b] for a, b in spans] == ["Yegorova", "e-mail", "Тищенко"]


def test_snippet_collapses_whitespace_and_keeps_spans_right() -> None:
    excerpt, spans = snippet("Акт\n\n   подписал\tТищенко\r\n", "Тищенко акт")
    assert excerpt == "Акт подписал Тищенко"
    assert [excerpt[a:b] for a, b in spans] == ["Акт", "Тищенко"]


def test_snippet_without_a_match_is_the_beginning() -> None:
    text = f"Начало письма. {_FILLER}"
    excerpt, spans = snippet(text, "пистолет", width=40)
    assert excerpt.startswith("Начало письма.")
    assert excerpt.endswith(" …")
    assert spans == []


def test_snippet_does_not_highlight_excluded_words() -> None:
    excerpt, spans = snippet("Егорова и пистолет", "Егорова -пистолет")
    assert [excerpt[a:b] for a, b in spans] == ["Егорова"]


def test_snippet_splits_an_overlong_run_at_words() -> None:
    url = "https://example.org/" + "/".join(f"part{i}" for i in range(50)) + "/Егорова/x"
    excerpt, spans = snippet(url, "Егорова", width=40)
    assert [excerpt[a:b] for a, b in spans] == ["Егорова"]
    assert len(excerpt.strip("…")) <= 40
    assert excerpt.startswith("…")


def test_snippet_of_empty_text() -> None:
    assert snippet("", "Егорова") == ("", [])
    assert snippet("   \n ", "Егорова") == ("", [])


@settings(max_examples=200, deadline=None)
@given(
    st.text(_TEXT_ALPHABET, max_size=300),
    st.sampled_from(["Егорова", "пистолет", "abc", "ё", "e-mail", "222"]),
    st.integers(min_value=1, max_value=120),
)
def test_snippet_spans_are_always_matching_words(text: str, query: str, width: int) -> None:
    excerpt, spans = snippet(text, query, width)
    terms = highlight_terms(query)
    for start, end in spans:
        assert 0 <= start < end <= len(excerpt)
        word = excerpt[start:end]
        assert any(term.matches(word) for term in terms), (excerpt, word)
    body = excerpt.strip("…").strip()
    assert body in " ".join(text.split()) or not body


# Long texts: read a block at a time


def _long(*middle: str, repeat: int = 16_000) -> str:
    """A text well over LONG_TEXT characters: filler words around ``middle``, in order."""
    filler = " ".join(f"строка{i % 97}" for i in range(repeat))
    return f"\n{filler}\n".join(("Начало длинного письма.", *middle, "Конец письма."))


def test_a_long_text_is_longer_than_a_block() -> None:
    assert len(_long()) > 2 * text_module.LONG_TEXT


def test_snippet_of_a_long_text_finds_a_match_at_its_end() -> None:
    text = _long(repeat=40_000) + " Пистолет нашли у Егоровой."
    excerpt, spans = snippet(text, "Егорова", width=80)
    assert [excerpt[a:b] for a, b in spans] == ["Егоровой"]
    assert excerpt.startswith("… ") and excerpt.endswith("Егоровой.")
    assert excerpt.removeprefix("… ") in " ".join(text.split())


def test_snippet_of_a_long_text_prefers_the_block_with_more_distinct_words() -> None:
    text = _long("Егорова звонила.", "Пистолет нашли у Егоровой дома.")
    excerpt, spans = snippet(text, "Егорова пистолет", width=80)
    assert [excerpt[a:b] for a, b in spans] == ["Пистолет", "Егоровой"]
    assert excerpt.startswith("… ") and excerpt.endswith(" …")


def test_snippet_of_a_long_text_takes_the_first_of_equal_blocks() -> None:
    text = _long("Егорова звонила первой.", "Егорова звонила второй.")
    excerpt, _ = snippet(text, "Егорова", width=80)
    assert "первой" in excerpt and "второй" not in excerpt


def test_snippet_of_a_long_text_without_a_match_is_its_beginning() -> None:
    excerpt, spans = snippet(_long(), "пистолет", width=40)
    assert excerpt.startswith("Начало длинного письма.") and excerpt.endswith(" …")
    assert spans == []


def test_snippet_of_a_long_text_is_the_short_texts_within_a_block() -> None:
    """Where the best stretch lies well inside one block, both paths give the same."""
    middle = "Пистолет нашли у Егоровой дома, сказал Тищенко."
    text = _long(middle)
    short = _long(middle, repeat=16_000 % 97 + 97)  # the same words around the middle
    assert len(short) <= text_module.LONG_TEXT
    assert snippet(text, "Егорова пистолет", 100) == snippet(short, "Егорова пистолет", 100)


@settings(max_examples=300, deadline=None)
@given(st.text(_TEXT_ALPHABET, max_size=400), st.integers(1, 40), st.integers(0, 30))
def test_blocks_cover_the_text_and_cut_only_before_a_run(
    text: str, block: int, overlap: int
) -> None:
    blocks = list(text_blocks(text, block, overlap))
    if not text:
        assert blocks == []
        return
    assert blocks[0][0] == 0 and blocks[-1][1] == len(text)
    for (start, end), (next_start, next_end) in pairwise(blocks):
        assert start < next_start <= end < next_end  # overlapping or touching, moving on
    for start, end in blocks:
        for cut in (start, end):
            if 0 < cut < len(text):  # the start of a run: whitespace before, none at it
                assert text[cut - 1].isspace() and not text[cut].isspace()


_WORDS = ["Егорова", "Егоровой", "пистолетом", "abc", "e-mail", "222", "слово", "ёж", "x_y"]
_WORDS_AND_GAPS = st.sampled_from([*_WORDS, " ", "  ", "\n", "\n\n", "-", ".", ", ", "«", "»"])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_WORDS_AND_GAPS, max_size=80).map("".join),
    st.sampled_from(["Егорова", "пистолет", "abc", "e-mail", "222", "Егорова abc"]),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=80),
)
def test_snippet_read_by_blocks_keeps_its_promises(
    text: str, query: str, width: int, block: int
) -> None:
    """With tiny blocks, every text is long: the spans are matching words, the excerpt is
    text of the text, marked where it is cut, and a text with a match shows one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text_module, "LONG_TEXT", block)
        excerpt, spans = snippet(text, query, width)
    terms = highlight_terms(query)
    for start, end in spans:
        assert any(term.matches(excerpt[start:end]) for term in terms), (excerpt, start)
    collapsed = " ".join(text.split())
    body = excerpt.removeprefix("…").removesuffix("…").strip()
    assert body in collapsed
    if not excerpt.startswith("…"):
        assert collapsed.startswith(body)
    if not excerpt.endswith("…"):
        assert collapsed.endswith(body)
    if match_spans(text, terms):
        assert spans
