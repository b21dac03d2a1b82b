"""JWZ threading on real mail: notmuch's test corpora and a month of fedora-devel-list.

The corpora (``../shared/corpora``, described in its ``SOURCES.md``) are read in place; the
tests skip, saying so, where the folder is absent. The expected threads are computed here
from the headers by an independent union-find over Message-ID, In-Reply-To and References
links, the way notmuch assigns threads: two messages share a thread when a chain of those
links joins them. With ``subject_fallback=False`` emlkit's partition must equal it.

Counts, as asserted below (threads without / with the subject fallback):

============================  =======  =====  =======  ============
corpus                        inputs   ids    threads  with subject
============================  =======  =====  =======  ============
notmuch-default               53       52     24       24
notmuch-lkml                  210      176    7        7
notmuch-threading             12       12     3        2
notmuch-broken (+1 forwarded) 5        5      3        3
fedora-devel-2010-01 (mbox)   292      292    62       61
============================  =======  =====  =======  ============

notmuch's own test suite (``test/T090-search-output.sh``, not copied here) also finds 24
threads in its default corpus, and one duplicated id there
(``20091117232137.GA7669@griffis1.net``).
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest

import emlkit
from emlkit import Message
from emlkit.index.threading import Placement, ThreadInput, thread_messages, thread_tree

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
FEDORA = "fedora-devel-2010-01/2010-January.mbox"


@functools.cache
def _load(name: str) -> tuple[ThreadInput, ...]:
    inputs: list[ThreadInput] = []
    for message in emlkit.iter_messages(CORPORA / name):
        if message.ok:
            inputs.extend(_inputs(message, f"{message.source.path}#{message.source.index}"))
    return tuple(inputs)


def _inputs(message: Message, key: str, carrier: str | None = None) -> list[ThreadInput]:
    """The message's input and, under it, one for each forwarded message it carries."""
    found = [
        ThreadInput(
            key=key,
            message_id=message.message_id,
            in_reply_to=message.in_reply_to,
            references=message.references,
            base_subject=message.base_subject,
            date_utc=message.date.utc,
            carried_by=carrier,
        )
    ]
    for child in message.children:
        part = child.parent.part if child.parent is not None else str(len(found))
        found.extend(_inputs(child, f"{key}/{part}", key))
    return found


def load(name: str) -> tuple[ThreadInput, ...]:
    """The inputs of one corpus (parsed once per test session)."""
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} not found: the third-party corpora are not beside this checkout")
    return _load(name)


def reference_partition(inputs: tuple[ThreadInput, ...]) -> set[frozenset[str]]:
    """Threads as notmuch forms them: union-find over id links (and forwarded carriers)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for item in inputs:
        if item.carried_by is not None:  # a forwarded copy belongs to its carrier's thread
            union("key:" + item.key, "key:" + item.carried_by)
            continue
        union("key:" + item.key, "id:" + item.message_id)
        for other in item.in_reply_to + item.references:
            union("id:" + other, "id:" + item.message_id)
    groups: dict[str, set[str]] = {}
    for item in inputs:
        groups.setdefault(find("key:" + item.key), set()).add(item.key)
    return {frozenset(keys) for keys in groups.values()}


def partition(placements: dict[str, Placement]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, placement in placements.items():
        groups.setdefault(placement.thread_id, set()).add(key)
    return {frozenset(keys) for keys in groups.values()}


def by_id(inputs: tuple[ThreadInput, ...]) -> dict[str, str]:
    """Message-ID to key, for corpora without duplicate ids."""
    return {item.message_id: item.key for item in inputs}


@pytest.mark.parametrize(
    ("name", "files", "threads", "with_subject"),
    [
        ("notmuch-default", 53, 24, 24),
        ("notmuch-lkml", 210, 7, 7),
        ("notmuch-threading", 12, 3, 2),
        ("notmuch-broken", 5, 3, 3),
        (FEDORA, 292, 62, 61),
    ],
)
def test_threads_are_the_reference_link_components(
    name: str, files: int, threads: int, with_subject: int
) -> None:
    inputs = load(name)
    assert len(inputs) == files
    placements = thread_messages(inputs, subject_fallback=False)
    assert set(placements) == {item.key for item in inputs}
    assert partition(placements) == reference_partition(inputs)
    assert len(partition(placements)) == threads
    assert len(partition(thread_messages(inputs))) == with_subject
    assert thread_messages(inputs[::-1], subject_fallback=False) == placements


def test_notmuch_default_keeps_its_duplicate_in_the_thread_of_the_first_copy() -> None:
    inputs = load("notmuch-default")
    copies = sorted(i.key for i in inputs if i.message_id == "20091117232137.GA7669@griffis1.net")
    assert len(copies) == 2 and len({i.message_id for i in inputs}) == 52
    placements = thread_messages(inputs)
    first, second = placements[copies[0]], placements[copies[1]]  # same date: key order
    assert first.parent_id is None  # a root, so the second copy becomes its child
    assert (second.parent_key, second.depth, second.thread_id) == (copies[0], 1, first.thread_id)


def test_notmuch_lkml_duplicate_files_sit_beside_their_first_copy() -> None:
    inputs = load("notmuch-lkml")
    counts = Counter(item.message_id for item in inputs)
    assert (len(counts), sum(n - 1 for n in counts.values())) == (176, 34)
    placements = thread_messages(inputs)
    sizes = sorted(Counter(p.thread_id for p in placements.values()).values())
    assert sizes == [1, 3, 4, 10, 12, 80, 100]
    for message_id in (m for m, n in counts.items() if n > 1):
        copies = sorted(
            (i for i in inputs if i.message_id == message_id),
            key=lambda i: (i.date_utc is None, i.date_utc, i.key),
        )
        first = placements[copies[0].key]
        for copy in (placements[i.key] for i in copies[1:]):
            assert copy.thread_id == first.thread_id
            if first.parent_id is None:  # the first copy is a root: the others are its children
                assert (copy.parent_id, copy.parent_key) == (message_id, copies[0].key)
            else:  # siblings under the first copy's parent
                assert (copy.parent_id, copy.parent_key) == (first.parent_id, first.parent_key)
                assert copy.depth == first.depth


def test_notmuch_threading_ghost_root_and_parent_priority_trees() -> None:
    inputs = load("notmuch-threading")
    keys = by_id(inputs)
    shapes = {
        thread.root.message_id: [(depth, node.message_id) for depth, node in thread.root.walk()]
        for thread in thread_tree(inputs, subject_fallback=False)
    }
    rt = "rt-4.2.8-{}.33575-{}-0@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx-xxxxxxxxx.de"
    ticket = "RT-Ticket-33575@xxxxxxx-xxxxxxxxxxxxxxxxx-xxxxxxxxx-xxxxxxxxx.de"
    assert shapes == {
        # The real root stays the root; the fake root (In-Reply-To a missing message)
        # hangs where its References put it, under the child.
        "000-real-root@example.org": [
            (0, "000-real-root@example.org"),
            (1, "001-child@example.org"),
            (2, "001-fake-message-root@example.org"),
            (2, "001-grand-child@example.org"),
            (3, "001-great-grand-child@example.org"),
            (2, "001-grand-child2@example.org"),
        ],
        # In-Reply-To wins over a References typo and over Debbugs' reversed References.
        "B00-root@example.org": [
            (0, "B00-root@example.org"),
            (1, "B01-child@example.org"),
            (2, "B01-grand-child@example.org"),
        ],
        # RT's ticket id is never a message: a ghost root over the FYI and the resolution.
        ticket: [
            (0, ticket),
            (1, "87bmc6lp3h.fsf@len.workgroup"),
            (2, rt.format("22046-1529425595-591", 211)),
            (1, rt.format("6644-1530017064-1465", 215)),
        ],
    }
    # The fallback's known cost: both folders' roots are headerless "root message"s.
    joined = thread_messages(inputs)[keys["B00-root@example.org"]]
    assert (joined.parent_key, joined.by_subject) == (keys["000-real-root@example.org"], True)


def test_notmuch_broken_loop_and_forwarded_part() -> None:
    inputs = load("notmuch-broken")
    placements = thread_messages(inputs)
    keys = by_id(inputs)
    loop12, loop21 = keys["mid-loop-12@example.org"], keys["mid-loop-21@example.org"]
    assert placements[loop12].parent_id is None  # the older one roots the loop
    assert placements[loop21].parent_key == loop12
    (forwarded,) = [item for item in inputs if item.carried_by is not None]
    assert placements[forwarded.key].parent_key == forwarded.carried_by
    assert placements[forwarded.key].depth == 1


def test_fedora_subject_fallback_joins_only_headerless_messages_of_one_subject() -> None:
    inputs = load(FEDORA)
    items = {item.key: item for item in inputs}
    joined = [(key, p) for key, p in thread_messages(inputs).items() if p.by_subject]
    assert len(joined) == 1
    for key, placement in joined:
        child, parent = items[key], items[str(placement.parent_key)]
        assert not (child.in_reply_to or child.references or parent.references)
        assert child.base_subject == parent.base_subject == "Common Lisp apps in Fedora"
        assert placement.depth == 1
