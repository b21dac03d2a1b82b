"""The synthetic sample case in samples/: it is generated deterministically, and the parser
reads every edge case it was built to carry (see samples/README.md)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest

import emlkit
from emlkit import CharsetMethod, DateSource, DefectKind, Message

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records() -> dict[str, Message]:
    return {Path(m.source.path or "").name[:5]: m for m in emlkit.iter_messages(SAMPLES)}


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    written = load_generator().write_all(tmp_path)
    committed = sorted(SAMPLES.glob("annex-*/*.eml"))
    assert [p.relative_to(tmp_path) for p in sorted(written)] == [
        p.relative_to(SAMPLES) for p in committed
    ]
    for path in committed:
        assert (tmp_path / path.relative_to(SAMPLES)).read_bytes() == path.read_bytes(), path


def test_annexes_hold_3_to_15_messages_and_60_to_100_in_all(records: dict[str, Message]) -> None:
    per_annex = Counter(Path(m.source.path or "").parent.name for m in records.values())
    assert set(per_annex) == {f"annex-0{n}" for n in range(2, 9)} | {"annex-15"}
    assert all(3 <= count <= 15 for count in per_annex.values()), per_annex
    assert 60 <= sum(per_annex.values()) <= 100


def test_every_sample_parses_and_only_the_planted_defects_appear(
    records: dict[str, Message],
) -> None:
    planted = {
        "02-06": {DefectKind.CHARSET_MISMATCH},
        "02-07": {DefectKind.CHARSET_MISMATCH},  # it forwards 02-06
        "04-03": {DefectKind.RAW_8BIT_HEADER},
        "05-03": {DefectKind.CHARSET_MISMATCH},
        "05-08": {DefectKind.SYNTHETIC_ID},
        "07-04": {DefectKind.CHARSET_MISMATCH},
        "08-06": {DefectKind.DATE_FALLBACK},
        "15-01": {DefectKind.CHARSET_MISSING},
        "15-07": {DefectKind.CHARSET_MISSING},
        "15-10": {DefectKind.CHARSET_MISSING},  # it forwards a message with no charset
    }
    for key, message in records.items():
        assert message.failure is None
        kinds = {d.kind for m in message.walk() for d in m.defects}
        assert kinds == planted.get(key, set()), (key, message.defects)


def test_the_readme_command_over_samples_reads_no_other_file() -> None:
    files = list(emlkit.iter_mail_files([SAMPLES]))
    assert all(p.suffix == ".eml" for p in files)
    assert len(files) == len(list(SAMPLES.glob("annex-*/*.eml")))


@pytest.mark.parametrize(
    ("key", "declared", "used", "method", "passage"),
    [
        (
            "02-06",
            "windows-1251",
            "koi8-r",
            CharsetMethod.DETECTED,
            "Прошу учесть при распределении заказов на бланочную продукцию и календари на второе"
            " полугодие, как договаривались.",
        ),
        ("05-03", "koi8-r", "windows-1251", CharsetMethod.DETECTED, "задним числом"),
        ("07-04", "windows-1251", "utf-8", CharsetMethod.DETECTED, "Рыжов"),
        ("15-01", None, "windows-1251", CharsetMethod.DETECTED, "печати"),
        ("15-07", None, "koi8-r", CharsetMethod.DETECTED, "Ваше обращение получено"),
    ],
)
def test_wrong_and_missing_charsets_are_detected(
    records: dict[str, Message],
    key: str,
    declared: str | None,
    used: str,
    method: CharsetMethod,
    passage: str,
) -> None:
    trail = records[key].charsets[0]
    assert (trail.declared, trail.used, trail.method) == (declared, used, method)
    assert trail.undecodable_bytes == 0
    assert passage in " ".join(records[key].text.split())


@pytest.mark.parametrize(
    ("key", "passage"),
    [
        ("02-03", "газету надо закрыть до выборов, любыми законными и не очень способами"),
        ("03-01", "Собрать по каждому сотруднику редакции: домашний адрес, машина, где работают"),
        (
            "04-05",
            "При досмотре у Сафонова должен быть обнаружен пистолет, остальное — дело техники.",
        ),
        ("04-05", "Обвинение по статье 222 УК готовим заранее"),
        ("04-06", "с пистолетом вопрос решу сам"),
        ("05-02", "зарегистрировать в КУСП задним числом, 12 марта, чтобы всё было до досмотра."),
        ("06-02", "Please do not circulate before the search has actually taken place."),
        ("06-03", "Время досмотра впишу по факту, остальное готово."),
        ("07-03", "Второго понятого обеспечьте сами — лучше не из наших"),
        ("08-02", "Всю переписку по Сафонову и по газете удалить с сервера до 1 апреля"),
        ("15-08", "Оснований для принятия мер прокурорского реагирования в настоящее время не"),
    ],
)
def test_the_letters_quotes_stand_in_the_decoded_text(
    records: dict[str, Message], key: str, passage: str
) -> None:
    assert passage in " ".join(records[key].text.split())


def test_broken_date_is_read_leniently_in_the_senders_zone(records: dict[str, Message]) -> None:
    date = records["08-06"].date
    assert date.raw == "31.03.2021 14:05"
    assert date.source is DateSource.LENIENT
    assert date.value is not None and date.utc is not None
    assert date.value.utcoffset() == timedelta(hours=6)
    assert date.utc.isoformat() == "2021-03-31T08:05:00+00:00"


def test_time_zones_are_kept_as_written(records: dict[str, Message]) -> None:
    offsets = {m.date.value.utcoffset() for m in records.values() if m.date.value}
    assert {timedelta(hours=6), timedelta(hours=3), timedelta(hours=1)} <= offsets


def test_missing_message_id_gets_a_stable_synthetic_one(records: dict[str, Message]) -> None:
    message = records["05-08"]
    assert message.message_id_synthetic
    assert message.message_id == f"sha256-{message.source.sha256[:40]}@emlkit.invalid"


def test_raw_8bit_display_name_is_decoded(records: dict[str, Message]) -> None:
    name = records["04-03"].from_[0].name
    assert name and all("\u0400" <= ch <= "\u04ff" or ch in " .-" for ch in name), name


def test_forwarded_messages_become_child_records(records: dict[str, Message]) -> None:
    for key in ("02-07", "03-04", "03-05", "15-10"):
        carrier = records[key]
        assert carrier.children, key
        child = carrier.children[0]
        assert child.parent is not None and child.parent.message_id == carrier.message_id
        assert any(a.content_type == "message/rfc822" for a in carrier.attachments)
        assert child.parent.part == next(
            a.part for a in carrier.attachments if a.content_type == "message/rfc822"
        )


def test_forwarded_copy_has_the_message_id_of_the_original(records: dict[str, Message]) -> None:
    standalone = {m.message_id for m in records.values()}
    inner = {m.children[0].message_id for k, m in records.items() if m.children}
    assert inner <= standalone


def test_cyrillic_rfc2231_attachment_names_are_decoded(records: dict[str, Message]) -> None:
    names = [
        a.filename or "" for key in ("03-03", "15-06", "05-05") for a in records[key].attachments
    ]
    assert names and all(any("\u0400" <= ch <= "\u04ff" for ch in n) for n in names), names


def test_html_only_message_has_text_and_html(records: dict[str, Message]) -> None:
    for key in ("05-09", "15-08"):
        message = records[key]
        assert message.html and "<" in message.html
        assert message.text and "<" not in message.text


def test_inline_image_keeps_its_content_id(records: dict[str, Message]) -> None:
    inline = [a for a in records["06-09"].attachments if a.content_id]
    assert inline and inline[0].inline and inline[0].content_type.startswith("image/")


def test_replies_carry_their_thread_links(records: dict[str, Message]) -> None:
    ids = {m.message_id for m in records.values()}
    replies = [m for m in records.values() if m.in_reply_to]
    assert len(replies) >= 30
    dangling = {r for m in replies for r in m.in_reply_to if r not in ids}
    assert len(dangling) == 1, dangling  # 08-07's parent is deliberately missing
    assert records["07-03"].in_reply_to == (records["04-07"].message_id,)
