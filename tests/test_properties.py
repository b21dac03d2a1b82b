"""Properties: parse_bytes never raises, always returns a sound record, and is deterministic."""

from __future__ import annotations

import hashlib
import json

from helpers import FIXTURES, make_message, mime_part, multipart_body, text_message
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import emlkit
from emlkit import CharsetMethod, DefectKind, Message
from emlkit.parse.sniff import sniff_failure

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEEDS: list[bytes] = [
    data
    for data in (path.read_bytes() for path in sorted(FIXTURES.glob("*.eml")))
    if data.removeprefix(b"\xef\xbb\xbf")[:1].isalpha() and b"\n\n" in data
]
"""Valid messages to mutate: every fixture with a header block (not the empty or binary ones)."""

HEADER_NAMES = [
    "Subject",
    "From",
    "To",
    "Cc",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Received",
    "Content-Type",
    "Content-Disposition",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "X-Anything",
]

# Common Russian words for generated natural sentences (all lowercase, ordinary spelling).
_WORDS_TEXT = (
    "завтра вечером документы письмо собрание жильцов дома протокол заседания совета "
    "получили отправил проверьте пожалуйста встречаемся утром библиотеки договор ремонт "
    "крыши подъезда юрист посмотрит расчёты неделю позвоню расскажу подробности отчёт "
    "готов цифры сверены бухгалтерией снова идёт снег дороги автобусы ходят опозданием "
    "мнению решили вернуться управу ответа общем диске последнего спасибо помощь всё"
)
WORDS = tuple(_WORDS_TEXT.split())


def check_record(message: Message, data: bytes) -> None:
    """What every record must satisfy, whatever the input."""
    assert isinstance(message, Message)
    assert message.source.size == len(data)
    assert message.source.sha256 == hashlib.sha256(data).hexdigest()
    # JSON-ready and valid Unicode throughout (no lone surrogates from undecoded bytes).
    json.dumps(message.as_dict(), ensure_ascii=False, allow_nan=False).encode("utf-8")
    for record in message.walk():
        assert record.message_id
        assert not any(ch.isspace() for ch in record.message_id)
        assert all(isinstance(defect.kind, DefectKind) for defect in record.defects)


def parse_and_check(data: bytes) -> Message:
    message = emlkit.parse_bytes(data)
    check_record(message, data)
    return message


def split_head(data: bytes) -> tuple[list[bytes], bytes]:
    """A message's header lines (with their line ends) and the rest from the blank line on."""
    head, sep, body = data.partition(b"\n\n")
    return [line + b"\n" for line in head.split(b"\n")], sep[1:] + body


def test_split_head_reassembles_every_seed() -> None:
    # The header mutations below rely on it: unmutated, the pieces are the seed again.
    for seed in SEEDS:
        lines, rest = split_head(seed)
        assert b"".join(lines) + rest == seed
        assert len(lines) >= 3
    assert len(SEEDS) >= 20


# --- never raises --------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    parse_and_check(data)


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes_after_a_header_line(tail: bytes) -> None:
    parse_and_check(b"Subject: random\n" + tail)


@FAST
@given(st.sampled_from(SEEDS), st.floats(min_value=0.0, max_value=1.0))
def test_truncated_messages(seed: bytes, fraction: float) -> None:
    parse_and_check(seed[: int(len(seed) * fraction)])


@FAST
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=30),
)
# Found by this test: a control byte in a forwarded message's Content-Type line.
@example(seed=(FIXTURES / "forwarded_nested.eml").read_bytes(), flips=[(805, 1)])
def test_byte_flips(seed: bytes, flips: list[tuple[int, int]]) -> None:
    data = bytearray(seed)
    for position, value in flips:
        data[position % len(data)] = value
    parse_and_check(bytes(data))


@FAST
@given(st.sampled_from(SEEDS), st.lists(st.integers(min_value=0), min_size=1, max_size=10))
def test_duplicated_header_lines(seed: bytes, picks: list[int]) -> None:
    original, rest = split_head(seed)
    lines = list(original)
    for pick in picks:  # copies of original lines only, so the input stays small
        line = original[pick % len(original)]
        lines.insert(pick % (len(lines) + 1), line * (1 + pick % 50))
    parse_and_check(b"".join(lines) + rest)


@FAST
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=40)), min_size=1, max_size=8),
)
def test_garbled_headers(seed: bytes, insertions: list[tuple[int, bytes]]) -> None:
    lines, rest = split_head(seed)
    head = b"".join(lines)
    for position, junk in insertions:
        cut = position % (len(head) + 1)
        head = head[:cut] + junk + head[cut:]
    parse_and_check(head + rest)


@FAST
@given(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), st.text(max_size=200)), max_size=12))
def test_random_header_values(fields: list[tuple[str, str]]) -> None:
    headers: list[tuple[str, str | bytes | None]] = [
        (name, value.encode("utf-8")) for name, value in fields
    ]
    parse_and_check(make_message(headers, b"Body.\n"))


@FAST
@given(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), st.text(max_size=200)), max_size=12))
@example(fields=[("Subject", "a\x0cX-Injected: 1")])  # a line break only to str.splitlines
@example(fields=[("To", "b@example.org,\x1c\x1dCc: c@example.org")])
def test_random_header_values_of_a_forwarded_message(fields: list[tuple[str, str]]) -> None:
    headers: list[tuple[str, str | bytes | None]] = [
        (name, value.encode("utf-8")) for name, value in fields
    ]
    inner = make_message(headers, b"Body.\n")
    data = make_message([("Content-Type", "message/rfc822")], inner)
    message = parse_and_check(data)
    if sniff_failure(data) is None:  # not NUL bytes or a tenth control characters: mail
        assert message.failure is None
        assert len(message.children) == 1


@FAST
@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=200))
def test_any_utf8_subject_without_encoded_words_is_kept(subject: str) -> None:
    if "=?" in subject:
        subject = subject.replace("=?", "= ?")
    message = parse_and_check(make_message([("Subject", subject.encode("utf-8"))]))
    assert message.subject == " ".join(subject.split())


TEXT_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r")
"""Any text without control characters (a part full of them is binary data, by design)."""


@FAST
@given(st.text(alphabet=TEXT_CHARACTERS, max_size=300))
def test_any_text_round_trips_in_base64_utf8(text: str) -> None:
    message = parse_and_check(text_message(text, "utf-8", "utf-8", "base64"))
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert message.text == (expected if expected.strip() else "")


def sentences(min_words: int) -> st.SearchStrategy[str]:
    """Natural-looking Russian: sentences of common words, capitalized, with full stops."""
    sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=10).map(
        lambda words: " ".join(words).capitalize() + "."
    )
    return (
        st.lists(sentence, min_size=1, max_size=4)
        .map(" ".join)
        .filter(lambda text: len(text.split()) >= min_words)
    )


@FAST
@given(sentences(min_words=3), st.sampled_from(["koi8-r", "windows-1251"]))
def test_a_correct_single_byte_label_is_never_overridden(text: str, label: str) -> None:
    codec = {"koi8-r": "koi8_r", "windows-1251": "cp1251"}[label]
    message = parse_and_check(text_message(text, codec, label, "8bit"))
    assert message.text == text
    [trail] = message.charsets
    assert trail.method is CharsetMethod.DECLARED


@FAST
@given(sentences(min_words=8), st.sampled_from(["koi8_r", "cp1251", "utf-8"]))
def test_unlabelled_russian_sentences_are_detected(text: str, codec: str) -> None:
    message = parse_and_check(text_message(text, codec, None, "8bit"))
    assert message.text == text


# --- deep nesting --------------------------------------------------------------------------------


def nested(levels: int, kinds: list[str]) -> bytes:
    """``levels`` levels of multiparts and forwarded messages, chosen in turn from ``kinds``."""
    body = mime_part([("Content-Type", "text/plain")], b"Bottom.\n")
    for level in range(levels):
        if kinds[level % len(kinds)] == "multipart":
            boundary = f"b{level}"
            body = mime_part(
                [("Content-Type", f'multipart/mixed; boundary="{boundary}"')],
                multipart_body(boundary, [body]),
            )
        else:
            body = mime_part([("Content-Type", "message/rfc822")], b"Subject: inner\n" + body)
    return b"From: anna@example.org\nSubject: deep\nMessage-ID: <deep@example.org>\n" + body


@SLOW
@given(
    st.integers(min_value=1, max_value=2000),
    st.lists(st.sampled_from(["multipart", "rfc822"]), min_size=1, max_size=3),
)
@example(levels=300, kinds=["rfc822"])
@example(levels=600, kinds=["multipart", "rfc822"])
@example(levels=2000, kinds=["multipart"])
@example(levels=2000, kinds=["rfc822"])
def test_deep_nesting(levels: int, kinds: list[str]) -> None:
    data = nested(levels, kinds)
    message = parse_and_check(data)
    assert message.subject == "deep"
    assert message.message_id == "deep@example.org"
    if levels > emlkit.Policy().max_depth + 1:
        assert any(DefectKind.LIMIT_REACHED in {d.kind for d in m.defects} for m in message.walk())


# --- determinism ---------------------------------------------------------------------------------


@FAST
@given(
    st.one_of(
        st.sampled_from(SEEDS),
        st.binary(max_size=2000).map(lambda tail: b"Subject: x\n" + tail),
        st.tuples(st.sampled_from(SEEDS), st.floats(0.0, 1.0)).map(
            lambda pair: pair[0][: int(len(pair[0]) * pair[1])]
        ),
    )
)
def test_parsing_is_deterministic(data: bytes) -> None:
    first, second = emlkit.parse_bytes(data), emlkit.parse_bytes(data)
    assert first == second
    assert first.as_dict() == second.as_dict()


# --- generated MIME trees: hostile parameters, encodings and nesting ----------------------

_TYPES = [
    "text/plain",
    "text/html",
    "text",
    "multipart/mixed",
    "multipart/alternative",
    "multipart/digest",
    "message/rfc822",
    "message/delivery-status",
    "application/octet-stream",
]
_PARAMETER = st.builds(
    "; {}{}={}".format,
    st.sampled_from(["name", "filename", "charset", "boundary", "format", "x"]),
    st.sampled_from(["", "*", "*0", "*0*", "*1", "*1*", "*a"]),
    st.sampled_from(
        ["a", "utf-8''%D0%B0", "koi8-r'ru'%F0", "''", '"q\\"x"', "=?utf-8?B?0JA=?=", "%"]
    ),
)
_HEADER = st.tuples(
    st.sampled_from(_TYPES),
    st.lists(_PARAMETER, max_size=4).map("".join),
    st.one_of(st.none(), st.sampled_from(["attachment", "inline", "bogus"])),
    st.lists(_PARAMETER, max_size=2).map("".join),
    st.one_of(st.none(), st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uue"])),
)
_LEAF_BODIES = ["hello\n", "0JDQkQ==\n", "=D0=90=\n", "begin 644 x\n#86)C\n`\nend\n", "=\n"]


def _mime_tree(depth: int) -> st.SearchStrategy[str]:
    def part(header: tuple[str, str, str | None, str, str | None], children: list[str]) -> str:
        content_type, parameters, disposition, disposition_parameters, encoding = header
        lines = [f"Content-Type: {content_type}{parameters}"]
        if disposition is not None:
            lines.append(f"Content-Disposition: {disposition}{disposition_parameters}")
        if encoding is not None:
            lines.append(f"Content-Transfer-Encoding: {encoding}")
        if content_type.startswith("multipart/"):
            lines[0] = f"Content-Type: {content_type}; boundary=b{depth}{parameters}"
            body = "".join(f"--b{depth}\n{child}\n" for child in children) + f"--b{depth}--\n"
        elif content_type == "message/rfc822" and children:
            body = f"From: x@example.org\nSubject: forwarded\n{children[0]}"
        else:
            body = children[0] if children else "hello\n"
        return "\n".join(lines) + "\n\n" + body

    inner = st.sampled_from(_LEAF_BODIES).map(lambda body: [body])
    if depth < 3:
        inner = st.one_of(inner, st.lists(st.deferred(lambda: _mime_tree(depth + 1)), max_size=3))
    return st.builds(part, _HEADER, inner)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mime_tree(0))
def test_generated_mime_trees_give_sound_records_and_never_a_parser_error(tree: str) -> None:
    data = ("From: a@example.org\nSubject: s\n" + tree).encode()
    message = parse_and_check(data)
    assert message.failure is None
