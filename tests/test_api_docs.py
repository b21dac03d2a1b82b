"""Every public name of ``emlkit`` and of the notebook API has a docstring and is documented
in docs/api.md, and so is every public member of the API's classes."""

from __future__ import annotations

import inspect
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

import emlkit
import emlkit.api

API_DOC = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")

PUBLIC = sorted(name for name in emlkit.__all__ if not name.startswith("__"))
API = sorted(emlkit.api.__all__)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_has_a_docstring_and_is_in_api_md(name: str) -> None:
    value = getattr(emlkit, name)
    assert inspect.getdoc(value), f"emlkit.{name} has no docstring"
    assert f"`{name}" in API_DOC or f"{name}(" in API_DOC, f"emlkit.{name} is not in docs/api.md"


@pytest.mark.parametrize("name", API)
def test_every_api_name_is_in_api_md(name: str) -> None:
    assert f"`{name}" in API_DOC, f"emlkit.api.{name} is not in docs/api.md"


def members(cls: type) -> list[str]:
    """The public attributes, properties and methods a user of ``cls`` meets."""
    found = [name for name, _ in inspect.getmembers(cls) if not name.startswith("_")]
    if is_dataclass(cls):
        found += [field.name for field in fields(cls)]
    return sorted(set(found) - {"count", "index"})  # Sequence's own, documented by Python


CLASSES = [value for name in API if inspect.isclass(value := getattr(emlkit.api, name))]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_member_of_the_api_classes_is_documented(cls: type) -> None:
    for name in members(cls):
        member = inspect.getattr_static(cls, name)
        if callable(member) or isinstance(member, property):
            assert inspect.getdoc(getattr(cls, name)), f"{cls.__name__}.{name} has no docstring"
        assert f"`{name}" in API_DOC or f"`.{name}" in API_DOC or f" {name}(" in API_DOC, (
            f"{cls.__name__}.{name} is not in docs/api.md"
        )


def test_the_corpus_methods_are_in_its_table() -> None:
    for name in members(emlkit.Corpus):
        assert f"`.{name}" in API_DOC, f"Corpus.{name} is not in the Corpus table of docs/api.md"


def test_the_lazy_api_names_are_exactly_its_all() -> None:
    # emlkit.api lists each name twice: in __all__ (read by linters and type checkers) and
    # in the table that loads it on first use; the two must not drift apart.
    assert sorted(emlkit.api.__all__) == sorted(emlkit.api._HOME)
    for name in emlkit.api.__all__:
        assert getattr(emlkit.api, name) is not None
