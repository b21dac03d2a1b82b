"""Identities: the one person (or office) behind several mailboxes and display names.

A *mailbox* is a lower-cased address in the ``addresses`` table. Every mailbox is one
identity with all the display names it was written with ("Егорова Анна Викторовна",
"Anna Yegorova" and "A. Egorova" on ``a.egorova@…``). Two mailboxes are merged into one
identity when one display name of each has the same *name key* (:func:`name_key`):

- the name's words (runs of at least two letters; initials such as "A." do not count) are
  turned into cross-script skeleton keys (:func:`emlkit.index.text.keys`), so "Anna
  Yegorova" and "Егорова Анна" both give {``ana``, ``egorova``}, whatever the word order;
- in a name of three or more words, the first word after the first one that ends like a
  Russian patronymic (-ович, -евич, -ич, -овна, -евна, -ична, in either script) is set
  apart: "Демченко Сергей Викторович" has the words {``demqenko``, ``sergei``} and the
  patronymic ``viktoroviq``, so it matches "Сергей Демченко";
- the remaining words must be at least two: a single shared word never merges anything;
- names with the same words merge when their patronymics agree. When mailboxes with those
  words carry two different patronymics (two namesakes), only the mailboxes with the same
  patronymic merge, and the ones without any are left alone (they could be either);
- words shared by more than :data:`MAX_SHARED_MAILBOXES` mailboxes merge nothing: such a
  name is generic ("Mail Delivery System", "Отдел кадров" of many offices), not a person.

The risk is namesakes: two different people called "Anna Yegorova" on two mailboxes become
one identity. Every merge is recorded in ``identity_links`` (which name of which mailbox
matched which), so an analyst can see, and question, why two mailboxes are one identity.
The result is recomputed from the whole index after each run that changed it, except
after a run that only added messages bringing no new mailbox and no new display name: the
groups are then the same, and only the counts of the identities those messages touch are
taken again (:func:`recount_identities`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from emlkit.index.store import Store
from emlkit.index.text import keys

__all__ = [
    "MAX_SHARED_MAILBOXES",
    "IdentityRows",
    "Link",
    "MailboxGroup",
    "NameKey",
    "brings_new_names",
    "compute_identities",
    "group_mailboxes",
    "name_key",
    "rebuild_identities",
    "recount_identities",
    "write_identities",
]

MAX_SHARED_MAILBOXES = 5
"""A name key found on more mailboxes than this is generic and merges none of them."""

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-‐][^\W\d_]+)*")
_PATRONYMIC_ENDINGS = ("iq", "ovna", "evna", "iqna")  # -ич (-ович, -евич), -овна, -евна, -ична


@dataclass(frozen=True, slots=True)
class NameKey:
    """What two display names must share to be one person: words, and a patronymic."""

    words: frozenset[str]
    """The skeleton keys of the name's words, patronymic excluded."""
    patronymic: str | None
    """The skeleton key of the patronymic, when the name has one."""


@dataclass(frozen=True, slots=True)
class Link:
    """Why a mailbox joined an identity: its name matched a name of another mailbox."""

    address: str
    name: str
    other_address: str
    other_name: str


@dataclass(frozen=True, slots=True)
class MailboxGroup:
    """The mailboxes of one identity (sorted) and the links that joined them."""

    addresses: tuple[str, ...]
    links: tuple[Link, ...]


def _word_key(word: str) -> str:
    found = keys(word).split()
    return found[-1] if found else word.casefold()  # a hyphenated word: its parts joined


def name_key(name: str) -> NameKey | None:
    """The name key of a display name, or None when it cannot identify anyone.

    >>> sorted(name_key("Егорова Анна").words)
    ['ana', 'egorova']
    >>> name_key("Демченко Сергей Викторович").patronymic
    'viktoroviq'
    >>> name_key("A. Egorova") is None
    True
    """
    if "@" in name:
        return None
    words = [w for w in _WORD_RE.findall(name) if sum(c.isalpha() for c in w) >= 2]
    word_keys = [_word_key(word) for word in words]
    patronymic: str | None = None
    if len(word_keys) >= 3:
        for index in range(1, len(word_keys)):
            if word_keys[index].endswith(_PATRONYMIC_ENDINGS):
                patronymic = word_keys.pop(index)
                break
    unique = frozenset(word_keys)
    if len(unique) < 2:
        return None
    return NameKey(unique, patronymic)


class _UnionFind:
    """Union-find over mailbox addresses, with path halving."""

    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, first: str, second: str) -> bool:
        """Join the two sets; False when they were one already."""
        a, b = self.find(first), self.find(second)
        if a == b:
            return False
        self.parent[max(a, b)] = min(a, b)
        return True


_Member = tuple[str, str, str | None]  # address, name, patronymic


def _join(sets: _UnionFind, members: list[_Member], links: list[Link]) -> None:
    anchor = members[0]
    for member in members[1:]:
        if sets.union(anchor[0], member[0]):
            links.append(Link(member[0], member[1], anchor[0], anchor[1]))


def _merge_group(sets: _UnionFind, members: list[_Member], links: list[Link]) -> None:
    """Merge the mailboxes whose names share one set of words (see the module docstring)."""
    if not 1 < len({address for address, _, _ in members}) <= MAX_SHARED_MAILBOXES:
        return
    patronymics = sorted({p for _, _, p in members if p})
    if len(patronymics) <= 1:
        _join(sets, members, links)
        return
    for patronymic in patronymics:
        alike = [member for member in members if member[2] == patronymic]
        _join(sets, alike, links)


def group_mailboxes(
    addresses: Iterable[str], names: Iterable[tuple[str, str]]
) -> list[MailboxGroup]:
    """Group mailboxes into identities by their display names (``(address, name)`` pairs).

    Every address is in exactly one group; groups come sorted by their first address.
    """
    sets = _UnionFind(addresses)
    by_words: dict[frozenset[str], list[_Member]] = {}
    for address, name in names:
        key = name_key(name)
        if key is not None and address in sets.parent:
            by_words.setdefault(key.words, []).append((address, name, key.patronymic))
    links: list[Link] = []
    for words in sorted(by_words, key=sorted):
        _merge_group(sets, sorted(set(by_words[words])), links)
    members: dict[str, list[str]] = {}
    for address in sorted(sets.parent):
        members.setdefault(sets.find(address), []).append(address)
    found: dict[str, list[Link]] = {}
    for link in links:
        found.setdefault(sets.find(link.address), []).append(link)
    return [
        MailboxGroup(tuple(group), tuple(found.get(root, ())))
        for root, group in sorted(members.items(), key=lambda item: item[1][0])
    ]


@dataclass(frozen=True, slots=True)
class IdentityRows:
    """The rows of the four identity tables, as :func:`rebuild_identities` writes them."""

    identities: list[tuple[int, str, int]]
    """(id, label, messages)."""
    mailboxes: list[tuple[str, int, int]]
    """(address, identity id, messages)."""
    names: list[tuple[int, str, int]]
    """(identity id, display name, messages)."""
    links: list[tuple[int, str, str, str, str]]
    """(identity id, address, name, other address, other name)."""


def compute_identities(db: sqlite3.Connection) -> IdentityRows:
    """Group every mailbox of the index into identities and count their messages.

    Only reads the index (a temporary table aside), so it can run on a second, read-only
    connection while the writer does something else.
    """
    addresses = [row[0] for row in db.execute("SELECT DISTINCT address FROM addresses")]
    names = db.execute(
        "SELECT DISTINCT address, trim(name) FROM addresses WHERE trim(name) != ''"
    ).fetchall()
    groups = group_mailboxes([a for a in addresses if a], [(row[0], row[1]) for row in names])
    members = [(a, number) for number, group in enumerate(groups, start=1) for a in group.addresses]
    db.execute("DROP TABLE IF EXISTS temp.identity_groups")
    db.execute("CREATE TEMP TABLE identity_groups (address TEXT PRIMARY KEY, identity_id INTEGER)")
    try:
        db.executemany("INSERT INTO temp.identity_groups VALUES (?, ?)", members)
        counts = _counts(db, "temp.identity_groups")
    finally:
        db.execute("DROP TABLE temp.identity_groups")
    mailboxes = [(address, number, counts.mailboxes.get(address, 0)) for address, number in members]
    labels = _labels(counts, mailboxes)
    return IdentityRows(
        identities=[
            (number, labels[number], counts.identities.get(number, 0))
            for number in range(1, len(groups) + 1)
        ],
        mailboxes=mailboxes,
        names=counts.names,
        links=[
            (number, x.address, x.name, x.other_address, x.other_name)
            for number, group in enumerate(groups, start=1)
            for x in group.links
        ],
    )


def write_identities(store: Store, rows: IdentityRows) -> None:
    """Replace the identity tables with ``rows``."""
    db = store.db
    for table in ("identity_links", "identity_names", "identity_mailboxes", "identities"):
        db.execute(f"DELETE FROM {table}")
    db.executemany("INSERT INTO identities (id, label, messages) VALUES (?, ?, ?)", rows.identities)
    db.executemany(
        "INSERT INTO identity_mailboxes (address, identity_id, messages) VALUES (?, ?, ?)",
        rows.mailboxes,
    )
    db.executemany(
        "INSERT INTO identity_names (identity_id, name, messages) VALUES (?, ?, ?)", rows.names
    )
    db.executemany("INSERT INTO identity_links VALUES (?, ?, ?, ?, ?)", rows.links)


def rebuild_identities(store: Store) -> int:
    """Recompute the identity tables from the whole index; return how many identities."""
    rows = compute_identities(store.db)
    write_identities(store, rows)
    return len(rows.identities)


def recount_identities(store: Store, added_after: int) -> None:
    """Counts and labels of the identities that messages above row ``added_after`` touch,
    their groups kept: right after a run that only added those messages, when they bring no
    new name (:func:`brings_new_names`)."""
    db = store.db
    db.execute("DROP TABLE IF EXISTS temp.touched_identities")
    db.execute(
        "CREATE TEMP TABLE touched_identities AS SELECT DISTINCT im.identity_id AS id"
        " FROM addresses a JOIN identity_mailboxes im ON im.address = a.address"
        " WHERE a.message_id > ?",
        (added_after,),
    )
    try:
        _recount(store)
    finally:
        db.execute("DROP TABLE temp.touched_identities")


def brings_new_names(store: Store, added_after: int) -> bool:
    """Whether messages above row ``added_after`` name a mailbox, or a mailbox with a display
    name, that no earlier message did (then the groups may change: rebuild them)."""
    found = store.db.execute(
        "SELECT 1 FROM (SELECT DISTINCT address, trim(name) AS name FROM addresses"
        "  WHERE message_id > ?1 AND address != '') a"
        " WHERE NOT EXISTS (SELECT 1 FROM addresses b"
        "  WHERE b.address = a.address AND b.message_id <= ?1)"
        " OR (a.name != '' AND NOT EXISTS (SELECT 1 FROM addresses b"
        "  WHERE b.address = a.address AND b.message_id <= ?1 AND trim(b.name) = a.name))"
        " LIMIT 1",
        (added_after,),
    ).fetchone()
    return found is not None


@dataclass(frozen=True, slots=True)
class _Counts:
    """Distinct Message-IDs by mailbox, by identity, and by identity and display name."""

    mailboxes: dict[str, int]
    identities: dict[int, int]
    names: list[tuple[int, str, int]]


_COUNTED = (
    " FROM addresses a JOIN messages m ON m.id = a.message_id"
    " JOIN {groups} im ON im.address = a.address WHERE {where}"
)
_TOUCHED = "im.identity_id IN (SELECT id FROM temp.touched_identities)"


def _counts(db: sqlite3.Connection, groups: str, where: str = "1") -> _Counts:
    """The message counts, with mailboxes grouped by the table ``groups`` (address,
    identity_id), of the identities ``where`` selects (SQL on ``im``)."""
    counted = _COUNTED.format(groups=groups, where=where)
    distinct = "count(DISTINCT m.message_id)"
    by_mailbox = f"SELECT a.address, {distinct}{counted} GROUP BY a.address"
    by_identity = f"SELECT im.identity_id, {distinct}{counted} GROUP BY im.identity_id"
    by_name = (
        f"SELECT im.identity_id, trim(a.name), {distinct}{counted} AND trim(a.name) != ''"
        " GROUP BY im.identity_id, trim(a.name)"
    )
    return _Counts(
        mailboxes={str(row[0]): int(row[1]) for row in db.execute(by_mailbox)},
        identities={int(row[0]): int(row[1]) for row in db.execute(by_identity)},
        names=[(int(row[0]), str(row[1]), int(row[2])) for row in db.execute(by_name)],
    )


def _labels(counts: _Counts, mailboxes: list[tuple[str, int, int]]) -> dict[int, str]:
    """Each identity's display name on most messages (ties: first in order), else its
    mailbox on most messages, for the identities of ``mailboxes``."""
    named = _most(counts.names)
    unnamed = _most((owner, address, n) for address, owner, n in mailboxes)
    return {owner: named.get(owner, label) for owner, label in unnamed.items()}


def _most(rows: Iterable[tuple[int, str, int]]) -> dict[int, str]:
    """By owner, the text with the highest count (ties: the first in order)."""
    best: dict[int, tuple[int, str]] = {}
    for owner, text, n in rows:
        if owner not in best or (-n, text) < best[owner]:
            best[owner] = (-n, text)
    return {owner: text for owner, (_, text) in best.items()}


def _recount(store: Store) -> None:
    """Counts and labels of the identities in ``temp.touched_identities``, groups kept."""
    db = store.db
    counts = _counts(db, "identity_mailboxes", _TOUCHED)
    mailboxes = [
        (str(row[0]), int(row[1]), counts.mailboxes.get(str(row[0]), 0))
        for row in db.execute(
            "SELECT address, identity_id FROM identity_mailboxes"
            " WHERE identity_id IN (SELECT id FROM temp.touched_identities)"
        )
    ]
    db.executemany(
        "UPDATE identity_mailboxes SET messages = ? WHERE address = ?",
        [(n, address) for address, _, n in mailboxes],
    )
    db.execute(
        "DELETE FROM identity_names WHERE identity_id IN (SELECT id FROM temp.touched_identities)"
    )
    db.executemany(
        "INSERT INTO identity_names (identity_id, name, messages) VALUES (?, ?, ?)", counts.names
    )
    labels = _labels(counts, mailboxes)
    db.executemany(
        "UPDATE identities SET messages = ?, label = ? WHERE id = ?",
        [(counts.identities.get(i, 0), label, i) for i, label in sorted(labels.items())],
    )
