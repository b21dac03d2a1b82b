"""The case file: the letter, its numbered annexes and the claims they back.

A case file is TOML (read with :mod:`tomllib`), described in ``docs/case-file.md``.
:func:`check_case` returns every problem of a case file, each with the line it is on;
:func:`load_case` returns the :class:`Case` or raises :class:`~emlkit.errors.CaseError`.
"""

from __future__ import annotations

import glob
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from emlkit.errors import CaseError
from emlkit.parse.files import read_regular

Severity = Literal["error", "warning"]

LETTER_KEYS = ("title", "date", "path")
ANNEX_KEYS = ("number", "title", "description", "paths")
CLAIM_KEYS = ("id", "text", "annexes", "terms", "quotes", "translations", "note")
TOP_KEYS = ("letter", "annex", "claim")


@dataclass(frozen=True)
class Letter:
    """The letter that makes the claims."""

    title: str
    date: date | None
    path: Path | None
    """The letter's text, relative to the current folder (the case file's folder joined)."""


@dataclass(frozen=True)
class Annex:
    """One numbered annex: a set of emails."""

    number: int
    title: str
    description: str = ""
    paths: tuple[str, ...] = ()
    """Globs relative to the case file's folder, for folders whose names don't say the annex."""


@dataclass(frozen=True)
class Claim:
    """One claim of the letter and what to look for in its annexes."""

    id: str
    text: str
    annexes: tuple[int, ...] = ()
    terms: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    translations: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Case:
    """A whole case file."""

    path: Path
    letter: Letter
    annexes: tuple[Annex, ...]
    claims: tuple[Claim, ...]

    def annex(self, number: int) -> Annex | None:
        """The annex with this number, if declared."""
        return next((a for a in self.annexes if a.number == number), None)

    @property
    def quote_count(self) -> int:
        """How many quotes all claims hold together."""
        return sum(len(claim.quotes) for claim in self.claims)


@dataclass(frozen=True)
class CaseProblem:
    """One problem of a case file, on a 1-based line of the TOML text."""

    line: int
    message: str
    severity: Severity = "error"

    def format(self, path: str | Path) -> str:
        """``FILE:LINE: error: message``, as compilers print it."""
        return f"{path}:{self.line}: {self.severity}: {self.message}"


def check_case(path: str | Path) -> list[CaseProblem]:
    """Every problem of the case file at ``path``, in line order (empty when it is fine).

    Raises :class:`CaseError` only when the file cannot be read at all.
    """
    return read_case(path)[1]


def load_case(path: str | Path) -> Case:
    """The case file at ``path``; :class:`CaseError` lists its errors when it has any."""
    case, problems = read_case(path)
    if case is None:
        errors = [p.format(path) for p in problems if p.severity == "error"]
        raise CaseError("\n".join(errors) or f"{path}: not a usable case file")
    return case


def read_case(path: str | Path) -> tuple[Case | None, list[CaseProblem]]:
    """The case (``None`` when it has errors) and every problem, in line order."""
    path = Path(path)
    try:
        data = read_regular(path)  # a regular file only: never wait on a FIFO
    except OSError as error:
        raise CaseError(f"{path}: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [CaseProblem(line, "bad TOML: the file is not UTF-8")]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _toml_error(str(error), text)
        return None, [CaseProblem(line, f"bad TOML: {message}")]
    checker = _Checker(path, text)
    case = checker.case(document)
    problems = sorted(checker.problems, key=lambda p: p.line)
    if any(p.severity == "error" for p in problems):
        case = None
    return case, problems


def case_summary(path: str | Path, case: Case) -> str:
    """One line: ``FILE: 8 claims, 8 annexes, 14 quotes: OK``."""
    counts = ", ".join(
        _plural(n, word)
        for n, word in (
            (len(case.claims), "claim"),
            (len(case.annexes), "annex"),
            (case.quote_count, "quote"),
        )
    )
    return f"{path}: {counts}: OK"


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word}es" if word.endswith("x") else f"{count} {word}s"


_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _toml_error(message: str, text: str) -> tuple[int, str]:
    """The line and the message of a tomllib error, without the ``(at line …)`` part."""
    found = _TOML_AT.search(message)
    if found:
        return int(found.group(1)), message[: found.start()]
    found = _TOML_END.search(message)
    if found:
        return max(1, len(text.splitlines())), message[: found.start()] + " at the end of the file"
    return 1, message


_HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class _Region:
    """Where a table is: its header line, and the lines of its keys (start to end-1)."""

    line: int
    start: int
    end: int


class _Lines:
    """Finds the lines of tables and keys by scanning the text (tomllib gives no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[str, int]] = []
        for number, line in enumerate(self.lines, 1):
            found = _HEADER.match(line)
            if found:
                self.headers.append((found.group(2).strip().strip("\"'"), number))

    def _end_after(self, line: int) -> int:
        return next((n for _, n in self.headers if n > line), len(self.lines) + 1)

    def root(self) -> _Region:
        return _Region(1, 1, self._end_after(0))

    def table(self, name: str, index: int = 0) -> _Region:
        """The ``index``-th ``[name]`` or ``[[name]]`` table; the ``name =`` line if inline."""
        lines = [n for header, n in self.headers if header == name]
        if index < len(lines):
            return _Region(lines[index], lines[index] + 1, self._end_after(lines[index]))
        line = self.key(self.root(), name)
        return _Region(line, line, line)

    def key(self, region: _Region, key: str) -> int:
        """The line of ``key = …`` in the region, else the region's own line."""
        pattern = re.compile(
            rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*="
        )
        for number in range(region.start, region.end):
            if pattern.match(self.lines[number - 1]):
                return number
        return region.line


def _matches(folder: Path, pattern: str) -> bool:
    """Whether the glob matches an existing path (``x/**`` yields ``x/`` even when absent)."""
    found = glob.iglob(pattern, root_dir=folder, recursive=True)
    return any((folder / match).exists() for match in found)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    """Walks the parsed TOML, builds the case and collects every problem."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.folder = path.parent
        self.lines = _Lines(text)
        self.problems: list[CaseProblem] = []
        self.annex_lines: dict[int, int] = {}
        self.claim_lines: dict[str, int] = {}

    def error(self, line: int, message: str) -> None:
        self.problems.append(CaseProblem(line, message, "error"))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(CaseProblem(line, message, "warning"))

    def case(self, document: dict[str, Any]) -> Case | None:
        root = self.lines.root()
        for key in document:
            if key not in TOP_KEYS:
                line = self.lines.key(root, key)
                if line == root.line:
                    line = self.lines.table(key).line
                self.warning(line, f'unknown key "{key}"')
        letter = self.letter(document.get("letter"))
        annexes = self.tables(document, "annex", self.annex_entry)
        declared = set(self.annex_lines)
        claims = self.tables(document, "claim", lambda t, r, i: self.claim(t, r, i, declared))
        if letter is None or None in annexes or None in claims:
            return None
        return Case(
            path=self.path,
            letter=letter,
            annexes=tuple(a for a in annexes if a is not None),
            claims=tuple(c for c in claims if c is not None),
        )

    def tables(
        self,
        document: dict[str, Any],
        name: str,
        build: Callable[[dict[str, Any], _Region, int], Any],
    ) -> list[Any]:
        value = document.get(name, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.error(self.lines.table(name).line, f'"{name}" must be [[{name}]] tables')
            return [None]
        return [build(table, self.lines.table(name, i), i) for i, table in enumerate(value)]

    def unknown(
        self, table: dict[str, Any], known: tuple[str, ...], where: str, r: _Region
    ) -> None:
        for key in table:
            if key not in known:
                self.warning(self.lines.key(r, key), f'{where}: unknown key "{key}"')

    def string(
        self,
        table: dict[str, Any],
        key: str,
        region: _Region,
        where: str,
        *,
        required: bool = False,
    ) -> str | None:
        """The string under ``key`` ("" when optional and absent); ``None`` after an error."""
        value = table.get(key)
        if value is None:
            if required:
                self.error(region.line, f'{where}: missing required key "{key}"')
                return None
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            kind = "a non-empty string" if required else "a string"
            self.error(self.lines.key(region, key), f'{where}: "{key}" must be {kind}')
            return None
        return value

    def strings(
        self, table: dict[str, Any], key: str, region: _Region, where: str
    ) -> tuple[str, ...] | None:
        """The list of strings under ``key`` (empty when absent); ``None`` after an error."""
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(
                self.lines.key(region, key), f'{where}: "{key}" must be a list of non-empty strings'
            )
            return None
        return tuple(value)

    def letter(self, value: object) -> Letter | None:
        region = self.lines.table("letter")
        if value is None:
            self.error(1, "missing [letter] table")
            return None
        if not isinstance(value, dict):
            self.error(region.line, '"letter" must be a table: [letter]')
            return None
        self.unknown(value, LETTER_KEYS, "letter", region)
        title = self.string(value, "title", region, "letter", required=True)
        ok = title is not None
        written: date | None = None
        raw_date = value.get("date")
        if isinstance(raw_date, datetime):
            written = raw_date.date()
        elif isinstance(raw_date, date):
            written = raw_date
        elif isinstance(raw_date, str):
            try:
                written = date.fromisoformat(raw_date)
            except ValueError:
                raw_date = 0  # reported below
        if raw_date is not None and written is None:
            self.error(self.lines.key(region, "date"), 'letter: "date" must be a date: 2021-05-28')
            ok = False
        path = self.string(value, "path", region, "letter")
        letter_path: Path | None = None
        if path is None:
            ok = False
        elif path:
            letter_path = self.folder / path
            if not letter_path.exists():
                self.warning(
                    self.lines.key(region, "path"), f'letter: "path" {path!r} matches nothing'
                )
        if not ok or title is None:
            return None
        return Letter(title=title, date=written, path=letter_path)

    def annex_entry(self, table: dict[str, Any], region: _Region, index: int) -> Annex | None:
        where = f"annex #{index + 1}"
        number = table.get("number")
        ok = True
        if number is None:
            self.error(region.line, f'{where}: missing required key "number"')
            ok = False
        elif not _is_int(number):
            self.error(self.lines.key(region, "number"), f'{where}: "number" must be an integer')
            ok = False
        else:
            where = f"annex {number}"
            line = self.lines.key(region, "number")
            if number in self.annex_lines:
                first = self.annex_lines[number]
                self.error(line, f"duplicate annex number {number} (first at line {first})")
                ok = False
            else:
                self.annex_lines[number] = line
        self.unknown(table, ANNEX_KEYS, where, region)
        title = self.string(table, "title", region, where, required=True)
        description = self.string(table, "description", region, where)
        paths = self.strings(table, "paths", region, where)
        for pattern in paths or ():
            if not _matches(self.folder, pattern):
                self.warning(
                    self.lines.key(region, "paths"),
                    f'{where}: "paths" glob {pattern!r} matches nothing',
                )
        if (
            not ok
            or not isinstance(number, int)
            or title is None
            or description is None
            or paths is None
        ):
            return None
        return Annex(number=number, title=title, description=description, paths=paths)

    def claim(
        self, table: dict[str, Any], region: _Region, index: int, declared: set[int]
    ) -> Claim | None:
        where = f"claim #{index + 1}"
        ident = self.string(table, "id", region, where, required=True)
        ok = ident is not None
        if ident is not None:
            where = f"claim {ident}"
            line = self.lines.key(region, "id")
            if ident in self.claim_lines:
                first = self.claim_lines[ident]
                self.error(line, f'duplicate claim id "{ident}" (first at line {first})')
                ok = False
            else:
                self.claim_lines[ident] = line
        self.unknown(table, CLAIM_KEYS, where, region)
        text = self.string(table, "text", region, where, required=True)
        note = self.string(table, "note", region, where)
        annexes: tuple[int, ...] | None = None
        raw = table.get("annexes", [])
        annexes_line = self.lines.key(region, "annexes")
        if isinstance(raw, list) and all(_is_int(n) for n in raw):
            annexes = tuple(raw)
            for number in dict.fromkeys(annexes):
                if number not in declared:
                    self.error(annexes_line, f"{where}: annex {number} is not declared")
                    ok = False
        else:
            self.error(annexes_line, f'{where}: "annexes" must be a list of annex numbers')
        terms = self.strings(table, "terms", region, where)
        quotes = self.strings(table, "quotes", region, where)
        translations = self.strings(table, "translations", region, where)
        if terms == () and quotes == ():
            self.error(region.line, f'{where}: nothing to look for (no "terms" and no "quotes")')
            ok = False
        if (
            "translations" in table
            and quotes is not None
            and translations is not None
            and len(translations) != len(quotes)
        ):
            self.error(
                self.lines.key(region, "translations"),
                f"{where}: {_plural(len(translations), 'translation')} for "
                f"{_plural(len(quotes), 'quote')} (give one per quote)",
            )
            ok = False
        if (
            not ok
            or ident is None
            or text is None
            or note is None
            or annexes is None
            or terms is None
            or quotes is None
            or translations is None
        ):
            return None
        return Claim(ident, text, annexes, terms, quotes, translations, note)
