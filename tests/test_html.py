"""HTML bodies as readable text: blocks kept as paragraphs, scripts and styles dropped."""

from __future__ import annotations

import pytest
from helpers import fixture_bytes

import emlkit
from emlkit.parse.html import html_to_text


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    html = "<p>Первый абзац.</p><p>Второй абзац.</p>"
    assert html_to_text(html) == "Первый абзац.\n\nВторой абзац."


def test_divs_and_headings_are_blocks() -> None:
    html = "<h1>Протокол</h1><div>Присутствовали: 12 человек.</div><div>Кворум есть.</div>"
    assert html_to_text(html) == "Протокол\n\nПрисутствовали: 12 человек.\n\nКворум есть."


@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>"])
def test_br_is_a_line_break(br: str) -> None:
    html = f"Строка один{br}Строка два{br}Строка три"
    assert html_to_text(html) == "Строка один\nСтрока два\nСтрока три"


def test_scripts_styles_head_and_comments_are_dropped() -> None:
    html = (
        "<html><head><title>Заголовок окна</title><style>p { color: red }</style></head>"
        "<body><!-- скрытый комментарий --><p>Текст письма.</p>"
        "<script>document.write('ловушка')</script><SCRIPT>var x = 1;</SCRIPT>"
        "<noscript>Включите JavaScript</noscript></body></html>"
    )
    assert html_to_text(html) == "Текст письма."


def test_named_and_numeric_entities_are_resolved() -> None:
    html = "<p>&laquo;Ромашка&raquo; &amp; партнёры, &#1087;&#x440;&#1080;вет &lt;тег&gt;</p>"
    assert html_to_text(html) == "«Ромашка» & партнёры, привет <тег>"


def test_nbsp_and_runs_of_whitespace_become_one_space() -> None:
    html = "<p>много&nbsp;&nbsp;   пробелов\n   и\tперенос</p>"
    assert html_to_text(html) == "много пробелов и перенос"


def test_list_items_each_on_their_own_line_with_a_marker() -> None:
    html = "<p>Повестка:</p><ul><li>бюджет</li><li>ремонт крыши</li><li>разное</li></ul>"
    lines = [line for line in html_to_text(html).splitlines() if line]
    assert lines == ["Повестка:", "- бюджет", "- ремонт крыши", "- разное"]


def test_ordered_list_items_are_kept_in_order() -> None:
    html = "<ol><li>первый</li><li>второй</li></ol>"
    lines = [line for line in html_to_text(html).splitlines() if line]
    assert lines == ["- первый", "- второй"]


def test_table_cells_are_separated_by_tabs_and_rows_by_lines() -> None:
    html = "<table><tr><td>Фамилия</td><td>Квартира</td></tr><tr><td>Иванов</td><td>12</td></tr>"
    lines = [line for line in html_to_text(html).splitlines() if line]
    assert lines == ["Фамилия\tКвартира", "Иванов\t12"]


def test_preformatted_text_keeps_line_breaks_and_inner_spacing() -> None:
    html = "<pre>Итого:  120\nДолг:    15</pre>"
    assert html_to_text(html) == "Итого:  120\nДолг:    15"


def test_preformatted_text_keeps_indentation() -> None:
    html = "<pre>Список:\n    1. бюджет\n    2. ремонт</pre>"
    assert html_to_text(html) == "Список:\n    1. бюджет\n    2. ремонт"


def test_inline_tags_do_not_break_lines() -> None:
    html = "<p>Это <b>важно</b>, <i>очень</i> <a href='https://example.org/'>важно</a>.</p>"
    assert html_to_text(html) == "Это важно, очень важно."


def test_blockquote_is_its_own_paragraph() -> None:
    html = "<p>Согласен.</p><blockquote>Предлагаю перенести собрание.</blockquote>"
    assert html_to_text(html) == "Согласен.\n\nПредлагаю перенести собрание."


@pytest.mark.parametrize(
    "html",
    [
        "<p>unclosed <b>bold",
        "</p></div>stray closing tags",
        "<<<>>>",
        "<script>never closed",
        "<p attr='unterminated>text",
        "<!-- unterminated comment",
        "&#99999999999; &bogus; &#x110000;",
    ],
)
def test_broken_markup_never_raises(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_unclosed_markup_keeps_its_text() -> None:
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"


def test_html_only_message_gives_text_and_keeps_the_html() -> None:
    message = emlkit.parse_bytes(fixture_bytes("html_only.eml"))
    assert message.text == "Первый абзац рассылки.\n\nВторой абзац «с кавычками»."
    assert message.html is not None
    assert message.html.startswith("<html><head><title>Рассылка</title>")
    assert "<script>alert('x')</script>" in message.html
