"""Showing conflicts: the versions of a Message-ID, where each stands, and what differs."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from emlkit.index.conflicts import Conflict, Version
from emlkit.records import Address

__all__ = ["conflicts_json", "conflicts_view", "version_diff"]

_CONTEXT_LINES = 2


def conflicts_json(found: Iterable[Conflict]) -> str:
    """Conflicts as a JSON array: each Message-ID with its versions in full (copies, fields,
    text and HTML) and the fields that differ."""
    rows = [
        {
            "message_id": conflict.message_id,
            "differences": list(conflict.differences),
            "versions": [_version_dict(version) for version in conflict.versions],
        }
        for conflict in found
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def conflicts_view(found: Iterable[Conflict], diff_lines: int = 40) -> RenderableType:
    """Each conflict: its versions (date, sender, subject, and every copy's file, annex and
    SHA-256), the fields that differ, and for a body that differs, a line diff of each later
    version against the first (``diff_lines`` lines at most each; 0: all)."""
    blocks: list[RenderableType] = []
    for conflict in found:
        blocks.extend(_conflict_blocks(conflict, diff_lines))
    if not blocks:
        return Text("no conflicts: no Message-ID is stored with different contents", "dim")
    return Group(*blocks)


def version_diff(first: Version, other: Version, field: str) -> list[str]:
    """A unified diff, line by line, of a body (``"text"`` or ``"html"``) from ``first`` to
    ``other``, white space at the ends of the bodies left out as the content digest does."""
    before, after = (_body(version, field) for version in (first, other))
    return list(
        difflib.unified_diff(
            before, after, "version 1", "another version", n=_CONTEXT_LINES, lineterm=""
        )
    )


def _conflict_blocks(conflict: Conflict, diff_lines: int) -> Iterator[RenderableType]:
    head = Text(f"<{conflict.message_id}>", style="bold")
    head.append(f"  {len(conflict.versions)} versions, differing in: ", style="bold red")
    head.append(", ".join(conflict.differences), style="red")
    yield head
    for number, version in enumerate(conflict.versions, start=1):
        yield _version_text(number, version, conflict.differences)
    first = conflict.versions[0]
    for number, other in enumerate(conflict.versions[1:], start=2):
        for field in ("text", "html"):
            if field in conflict.differences and first.value(field) != other.value(field):
                yield _diff_text(f"{field}, version 1 → version {number}", first, other, field,
                                 diff_lines)  # fmt: skip
    yield Text("")


def _version_text(number: int, version: Version, differences: tuple[str, ...]) -> Text:
    text = Text(f"  version {number}", style="bold cyan")
    text.append(f"  content {version.content_sha256[:16]}…, {len(version.copies)} cop", "dim")
    text.append("y" if len(version.copies) == 1 else "ies", style="dim")
    _field(text, "date", version.date or "no date", "date" in differences)
    _field(text, "from", _senders(version), "addresses" in differences)
    _field(text, "subject", version.subject or "(no subject)", "subject" in differences)
    if "addresses" in differences:
        _field(text, "to/cc", _recipients(version) or "(none)", True)
    if "reply headers" in differences:
        replies = ", ".join(f"<{i}>" for i in version.in_reply_to + version.references)
        _field(text, "replies to", replies or "(nothing)", True)
    if "attachments" in differences:
        files = ", ".join(f"{name or '(no name)'} ({kind}, {sha[:12]}…)"
                          for name, kind, _size, sha in version.attachments)  # fmt: skip
        _field(text, "attachments", files or "(none)", True)
    for copy in version.copies:
        where = copy.path or "(no file)"
        text.append(f"\n      {where}", style="green")
        if copy.annex is not None:
            text.append(f"  [annex {copy.annex}]", style="magenta")
        if copy.forwarded:
            text.append("  (forwarded inside it)", style="dim")
        text.append(f"\n        sha256 {copy.sha256}", style="dim")
    return text


def _field(text: Text, label: str, value: str, differs: bool) -> None:
    text.append(f"\n    {label}: ", style="bold red" if differs else "dim")
    text.append(value, style="red" if differs else "")


def _diff_text(title: str, first: Version, other: Version, field: str, most: int) -> Text:
    lines = version_diff(first, other, field)[2:]  # without the two file lines
    text = Text(f"  {title}:", style="bold")
    shown = lines if most == 0 else lines[:most]
    for line in shown:
        style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
        text.append(f"\n    {line}", style=style)
    if len(shown) < len(lines):
        text.append(f"\n    … {len(lines) - len(shown)} more diff lines (--diff-lines 0)", "dim")
    return text


def _body(version: Version, field: str) -> list[str]:
    value = version.value(field)
    return str(value).splitlines() if isinstance(value, str) else []


def _senders(version: Version) -> str:
    found = [Address(n, a).label() for role, n, a in version.addresses if role == "from"]
    return ", ".join(found) or "(no sender)"


def _recipients(version: Version) -> str:
    return ", ".join(
        f"{role}: {Address(n, a).label()}"
        for role, n, a in version.addresses
        if role in ("to", "cc")
    )


def _version_dict(version: Version) -> dict[str, Any]:
    found = asdict(version)
    found["addresses"] = [
        {"role": role, "name": name, "address": address}
        for role, name, address in version.addresses
    ]
    found["attachments"] = [
        {"filename": name, "content_type": kind, "size": size, "sha256": sha}
        for name, kind, size, sha in version.attachments
    ]
    return found
