"""parse_bytes as a whole: whatever the stdlib or emlkit's own code fails on becomes data."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emlkit
from emlkit import DefectKind, FailureKind
from emlkit.index.indexer import index_paths
from emlkit.parse import message as message_module

MIXED_BOUNDARY = (
    b"From: a@example.org\nSubject: the parser cannot split this\n"
    b"Content-Type: multipart/mixed; boundary*=utf-8''b; boundary*0=b\n\n"
    b"--b\nContent-Type: text/plain\n\nhello\n--b--\n"
)


def test_a_message_the_stdlib_parser_raises_on_keeps_its_headers_and_body() -> None:
    message = emlkit.parse_bytes(MIXED_BOUNDARY)
    assert message.failure is None
    assert message.subject == "the parser cannot split this"
    body = MIXED_BOUNDARY.partition(b"\n\n")[2]
    [unsplit] = message.attachments  # the body, kept whole, with its hash
    assert (unsplit.content_type, unsplit.size, unsplit.part) == ("multipart/mixed", len(body), "0")
    failed = message.defects[0]
    assert (failed.kind, failed.where) == (DefectKind.STDLIB, "0")
    assert failed.detail.startswith("the stdlib parser failed (TypeError: ")
    assert failed.detail.endswith("; the body was kept unsplit")


def test_an_error_in_the_parser_is_a_failure_record_not_an_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(message_module, "build_record", broken)
    data = b"From: a@example.org\nSubject: x\n\nbody\n"
    message = emlkit.parse_bytes(data, "/evidence/x.eml")
    assert message.failure is not None
    assert message.failure.kind is FailureKind.PARSER_ERROR
    assert message.failure.reason == "the parser failed: KeyError: 'a bug'"
    assert message.source.path == "/evidence/x.eml" and message.message_id_synthetic


SECTIONS = ["", "*", "*0", "*0*", "*1", "*1*", "*2"]
VALUES = ["a", "utf-8''%D0%B0", '"q"', "''", "x.pdf"]


@given(
    st.sampled_from(["text/plain", "text/html", "multipart/mixed", "application/pdf"]),
    st.lists(
        st.tuples(
            st.sampled_from(["name", "filename", "charset", "boundary"]),
            st.sampled_from(SECTIONS),
            st.sampled_from(VALUES),
        ),
        max_size=5,
    ),
    st.booleans(),
)
def test_rfc2231_parameters_in_any_mix_never_fail_a_message(
    content_type: str, parameters: list[tuple[str, str, str]], in_disposition: bool
) -> None:
    written = "".join(f"; {name}{section}={value}" for name, section, value in parameters)
    header = (
        "Content-Disposition: attachment" if in_disposition else f"Content-Type: {content_type}"
    )
    data = (
        f"From: a@example.org\n{header}{written}\n\n--a\nContent-Type: text/plain\n\nx\n--a--\n"
    ).encode()
    message = emlkit.parse_bytes(data)
    assert message.failure is None


def test_an_index_run_goes_on_past_messages_the_stdlib_fails_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "1.eml").write_bytes(MIXED_BOUNDARY)
    (corpus / "2.eml").write_bytes(
        b"From: a@example.org\nContent-Type: text/plain; name*=x; name*0=y\n\nbody\n"
    )
    (corpus / "3.eml").write_bytes(b"From: b@example.org\nSubject: fine\n\nbody\n")
    summary = index_paths([corpus], tmp_path / "index.db", jobs=1)
    assert summary.ok
    assert (summary.files_indexed, summary.messages_indexed) == (3, 3)
