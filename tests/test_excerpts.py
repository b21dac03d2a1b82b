"""Excerpts: passages that support a claim, by term or by quote, with exact offsets, never
cutting a word, and marked when they lie in quoted earlier text."""

from __future__ import annotations

from pathlib import Path

import pytest

import emlkit
from emlkit.claims.case import Claim, load_case
from emlkit.claims.excerpts import find_excerpts, passages

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def c4() -> Claim:
    return next(c for c in load_case(SAMPLES / "case.toml").claims if c.id == "C4")


def sample_text(key: str) -> str:
    return emlkit.parse_file(next(SAMPLES.rglob(f"{key}*.eml"))).text


def test_passages_are_paragraphs_and_never_cut_a_word() -> None:
    text = "Первый абзац,\nв две строки.\n\nВторой.\n\n> цитата\n> в две строки\n>\n> ещё"
    found = [text[a:b] for a, b in passages(text)]
    assert found == ["Первый абзац,\nв две строки.", "Второй.", "цитата\n> в две строки", "ещё"]
    long = ("Это предложение. " * 60).strip()
    pieces = passages(long)
    assert len(pieces) > 1 and all(long[a:b].endswith(".") for a, b in pieces)


def test_a_quote_and_its_terms_give_excerpts_with_exact_offsets(c4: Claim) -> None:
    text = sample_text("04-06")
    excerpts = find_excerpts(text, c4.id, c4.terms, c4.quotes)
    own = [e for e in excerpts if not e.quoted]
    assert own and own[0].by_quote and "с пистолетом вопрос решу сам" in own[0].text
    for excerpt in excerpts:
        assert text[excerpt.start : excerpt.end] == excerpt.text
        words = [excerpt.text[a:b] for a, b in excerpt.spans]
        assert all(word.strip() == word and word for word in words)
    marked = [own[0].text[a:b] for a, b in own[0].spans]
    assert any("с пистолетом вопрос решу сам" in piece for piece in marked)  # the whole quote


def test_a_term_outside_the_quote_is_marked_as_a_word() -> None:
    text = "Газета выйдет. Газету надо закрыть до выборов, любыми способами."
    (excerpt,) = find_excerpts(text, "C1", ("газета",), ("надо закрыть до выборов",))
    marked = [excerpt.text[a:b] for a, b in excerpt.spans]
    assert marked == ["Газета", "Газету", "надо закрыть до выборов"]


def test_an_excerpt_in_quoted_text_names_its_attribution(c4: Claim) -> None:
    excerpts = find_excerpts(sample_text("04-07"), c4.id, c4.terms, c4.quotes)
    quoted = [e for e in excerpts if e.quoted and e.by_quote]
    assert quoted
    assert all((e.attribution or "").startswith("-----Исходное сообщение-----") for e in quoted)


def test_a_multiword_term_needs_all_its_words_in_the_passage() -> None:
    text = "Налоговая служба ответила.\n\nПроверка назначена на март."
    assert find_excerpts(text, "C2", ("налоговая проверка",), ()) == []
    found = find_excerpts("Назначена налоговая проверка.", "C2", ("налоговая проверка",), ())
    assert len(found) == 1 and len(found[0].spans) == 2


def test_terms_match_across_scripts(c4: Claim) -> None:
    text = sample_text("04-06")  # signed "Демченко С.В."
    names = {
        e.text[a:b] for e in find_excerpts(text, c4.id, ("Demchenko",), ()) for a, b in e.spans
    }
    assert any(name.startswith("Демченко") for name in names)


def test_the_unsupported_claim_finds_nothing_in_its_annex() -> None:
    claim = next(c for c in load_case(SAMPLES / "case.toml").claims if c.id == "C2")
    for path in sorted((SAMPLES / "annex-02").glob("*.eml")):
        text = emlkit.parse_file(path).text
        assert find_excerpts(text, claim.id, claim.terms, claim.quotes) == [], path.name
