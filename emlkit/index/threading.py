"""JWZ threading: which message answers which, as a pure algorithm with no database.

The indexer hands in one :class:`ThreadInput` per message row and gets a :class:`Placement`
per row key (:func:`thread_messages`), or the threads as trees (:func:`thread_tree`). The
steps are those of https://www.jwz.org/doc/threading.html, numbered as there in comments.
Where emlkit departs from that text, and why:

**Parent priority** follows notmuch (``lib/add-message.cc``, ``lib/thread.cc``) for its
``threading/parent-priority`` corpus, where References has a typo or lists the ancestors in
the wrong order, as Debbugs does. A message's parent is (1) its In-Reply-To, when that names
exactly one id and that message is in the input; else (2) the last id of References (JWZ),
a ghost when missing; else (3) the first In-Reply-To id that is in the input, else the first.
A message's own id is dropped from its headers (as notmuch does): self-references are none.

**Order independence.** JWZ depends on arrival order; emlkit sorts the inputs by (date, key),
no date last, and makes every choice in that order. Each message's own parent is linked
first, so its own headers win over what other messages' References presume. Those links fail
only on a loop (notmuch's ``loop-12``/``loop-21``); they are made newest first, so the oldest
message of a loop becomes its root. Then, oldest message first, References chains (with the
first In-Reply-To id appended when References lacks it, step 1A) link the containers that
still have no parent: ghosts, and messages without usable reference headers. A link that
would loop or give a second parent is skipped. A union-find over the trees detects loops in
near-constant time, so the whole is linear. The threads are then the components of the
reference links (as notmuch's are) except where headers contradict each other (several
In-Reply-To ids, a chain against a message's own parent, copies of one id with different
parents): a tree keeps one parent, and the other link is dropped.

**Duplicate ids** (copies in two folders, or conflicting versions). The oldest input owns
the id and is threaded by its headers; the others are its siblings under its parent, or its
children when it is a root, so all stay in one thread. A later copy's headers only place the
container when the first copy's headers give no parent.

**Ghosts.** A referenced id that is not in the input gets an empty container. Step 4 drops
empty containers and promotes their children, except that a ghost root with several
children stays (``parent_id`` and ``root_id`` may name it: in notmuch's ``ghost-root`` corpus,
replies to an RT ticket whose first mail is missing), and one with one child gives way to it.

**Subject fallback** (step 5) only groups roots whose message has no usable In-Reply-To or
References at all (mailers that drop them), by base subject compared case-blind: the oldest
is the root, the others hang under it with ``by_subject`` set. Empty subjects are never
grouped, and every input is placed whatever its subject (implementations that build their
output from JWZ's subject table lose those threads). ``subject_fallback=False`` turns it off.

**Forwarded messages.** An input with ``carried_by`` (a message/rfc822 part) hangs under its
carrier, not threaded by its own ids, since the original is usually in the corpus too. When
the carrier is not an input, or ``carried_by`` links loop, it is threaded like any other.

**Thread ids** are ``"t"`` and 16 hex digits of the SHA-256 of the root's Message-ID
(:func:`thread_id_for`). Nothing recurses: 100,000-message chains and loops are safe.

**Components.** Every step above relates only inputs that share an id (their own, or one of
their reference headers), a carrier, or, in step 5, the subject key of inputs without usable
reference headers. Threading each part of :func:`thread_components` alone therefore gives the
same placements as threading all the inputs at once, which lets the index thread a corpus of
any size one component at a time (``emlkit/index/rethread.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, MutableSequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TypeVar

__all__ = [
    "Placement",
    "Thread",
    "ThreadInput",
    "ThreadNode",
    "falls_back_to_subject",
    "find_part",
    "iter_placements",
    "join_parts",
    "subject_key",
    "thread_components",
    "thread_id_for",
    "thread_messages",
    "thread_tree",
    "with_other_carriers",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ThreadInput:
    """What threading needs to know of one message: ids, base subject, date.

    ``key`` is unique per input (the indexer's row id); several inputs may share a
    ``message_id``. ``carried_by`` is the key of the input that carries this one as a
    forwarded ``message/rfc822`` part.
    """

    key: str
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    base_subject: str
    date_utc: datetime | None
    carried_by: str | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one input sits: its thread, its parent container, the thread's root, its depth.

    ``parent_id`` and ``root_id`` are Message-IDs and may name a ghost (a referenced message
    that is not in the input); ``parent_key`` is the parent input's key, None for a ghost or a
    root. ``depth`` is 0 for a root. ``by_subject`` is True when the input was attached to its
    parent only because their subjects match (step 5).
    """

    thread_id: str
    parent_id: str | None
    parent_key: str | None
    root_id: str
    depth: int
    by_subject: bool


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ThreadNode:
    """One container of a thread tree: a message (``key`` set) or a ghost (``key`` None).

    Children are sorted by date (no date last), then key. Nodes compare by identity, so
    that a very deep tree is never compared or printed recursively.
    """

    message_id: str
    key: str | None
    date_utc: datetime | None
    by_subject: bool
    children: tuple[ThreadNode, ...]
    again: bool = False
    """True for a message shown a second time, as a leaf: forwarded in this node's parent as
    well as in the carrier it hangs under (see :func:`with_other_carriers`)."""

    @property
    def ghost(self) -> bool:
        """True for a container whose message is not in the input."""
        return self.key is None

    def walk(self) -> Iterator[tuple[int, ThreadNode]]:
        """Every node of this subtree, depth first in sorted order, with its depth below it."""
        return _walk(self)

    def __repr__(self) -> str:
        return f"ThreadNode({self.message_id!r}, key={self.key!r}, children={len(self.children)})"


@dataclass(frozen=True, slots=True)
class Thread:
    """One thread: its stable id and the tree under its root container."""

    thread_id: str
    root: ThreadNode


def thread_id_for(root_id: str) -> str:
    """The stable thread id of the thread whose root container has Message-ID ``root_id``."""
    digest = hashlib.sha256(root_id.encode("utf-8", "surrogatepass")).hexdigest()
    return "t" + digest[:16]


def thread_messages(
    inputs: Iterable[ThreadInput], subject_fallback: bool = True
) -> dict[str, Placement]:
    """Thread the inputs: a :class:`Placement` for every input key.

    Raises ValueError when two inputs share a key.
    """
    return dict(iter_placements(inputs, subject_fallback))


def iter_placements(
    inputs: Iterable[ThreadInput], subject_fallback: bool = True
) -> Iterator[tuple[str, Placement]]:
    """:func:`thread_messages` as a stream of (key, placement), thread by thread, so that a
    caller writing them away never holds them all.

    Raises ValueError when two inputs share a key.
    """
    for root in _build(inputs, subject_fallback):
        thread_id = thread_id_for(root.message_id)
        for depth, node in _walk(root):
            if node.item is None:
                continue
            parent = node.parent
            yield (
                node.item.key,
                Placement(
                    thread_id=thread_id,
                    parent_id=None if parent is None else parent.message_id,
                    parent_key=None if parent is None or parent.item is None else parent.item.key,
                    root_id=root.message_id,
                    depth=depth,
                    by_subject=node.by_subject,
                ),
            )


def subject_key(base_subject: str) -> str:
    """What step 5 compares of a base subject: blanks collapsed, case folded ('' never groups)."""
    return " ".join(base_subject.split()).casefold()


def falls_back_to_subject(item: ThreadInput) -> bool:
    """True when step 5 may group ``item`` by subject: it has no usable reference header."""
    return not _ids(item.in_reply_to + item.references, item.message_id)


def thread_components(
    inputs: Iterable[ThreadInput], subject_fallback: bool = True
) -> list[list[ThreadInput]]:
    """The inputs in parts that threading never relates to each other (see the module docs).

    Inputs are linked by a shared id (own Message-ID, In-Reply-To, References), by
    ``carried_by``, and with ``subject_fallback`` by the :func:`subject_key` of inputs that
    :func:`falls_back_to_subject`. Parts come in input order, each in input order.
    """
    items = list(inputs)
    parent = list(range(len(items)))
    first: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        for link in _link_keys(item, subject_fallback):
            other = first.setdefault(link, index)
            join_parts(parent, other, index)
    parts: dict[int, list[ThreadInput]] = {}
    for index, item in enumerate(items):
        parts.setdefault(find_part(parent, index), []).append(item)
    return list(parts.values())


def _link_keys(item: ThreadInput, subject_fallback: bool) -> Iterator[tuple[str, str]]:
    """What links ``item`` to other inputs, by kind: ids, carrier keys, a subject key."""
    yield ("id", item.message_id)
    for other in _ids(item.in_reply_to + item.references, item.message_id):
        yield ("id", other)
    yield ("key", item.key)
    if item.carried_by is not None:
        yield ("key", item.carried_by)
    if subject_fallback and falls_back_to_subject(item):
        subject = subject_key(item.base_subject)
        if subject:
            yield ("subject", subject)


def find_part(parent: MutableSequence[int], index: int) -> int:
    """Union-find over integers: the smallest index of ``index``'s part (path halving)."""
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = parent[index]
    return index


def join_parts(parent: MutableSequence[int], first: int, second: int) -> None:
    """Union-find over integers: join the parts of ``first`` and ``second``."""
    a, b = find_part(parent, first), find_part(parent, second)
    parent[max(a, b)] = min(a, b)


def thread_tree(inputs: Iterable[ThreadInput], subject_fallback: bool = True) -> list[Thread]:
    """Thread the inputs: every thread as a tree, ghosts included, oldest thread first."""
    return [
        Thread(thread_id_for(root.message_id), _freeze(root))
        for root in _build(inputs, subject_fallback)
    ]


class _Node:
    """A mutable container while threading; ``uf`` is its union-find link (one per tree)."""

    __slots__ = ("by_subject", "children", "item", "message_id", "parent", "uf")

    def __init__(self, message_id: str, item: ThreadInput | None) -> None:
        self.message_id = message_id
        self.item = item
        self.parent: _Node | None = None
        self.children: list[_Node] = []
        self.by_subject = False
        self.uf: _Node = self


_Order = tuple[int, timedelta, str]
_Tree = TypeVar("_Tree", _Node, ThreadNode)


def _order(item: ThreadInput) -> _Order:
    """The canonical order: by date (naive dates read as UTC; no date last), then key."""
    return _date_order(item.date_utc, item.key)


def _date_order(date: datetime | None, key: str) -> _Order:
    if date is None:
        return (1, timedelta(0), key)
    if date.utcoffset() is None:
        date = date.replace(tzinfo=UTC)
    return (0, date - _EPOCH, key)


def _node_order(node: _Node) -> _Order:
    if node.item is not None:
        return _order(node.item)
    # After step 4 a ghost is a root whose children are all messages.
    return min((_node_order(child) for child in node.children), default=(2, timedelta(0), ""))


def _build(inputs: Iterable[ThreadInput], subject_fallback: bool) -> list[_Node]:
    """Every step, in order; the roots of the threads, sorted, with their subtrees."""
    items = sorted(inputs, key=_order)
    by_key: dict[str, _Node] = {}
    for item in items:
        if item.key in by_key:
            raise ValueError(f"two thread inputs have the key {item.key!r}")
        by_key[item.key] = _Node(item.message_id, item)
    carried = _carried_keys(items)
    threaded = [item for item in items if item.key not in carried]
    table, duplicates = _id_table(threaded, by_key)  # 1
    _link_own_parents(table)  # 1C, made first so that a message's own headers win
    _link_chains(table, threaded)  # 1A-1B
    roots = [node for node in table.values() if node.parent is None]  # 2
    del table  # 3: the id table is no longer needed
    roots = _prune(roots)  # 4
    if subject_fallback:
        roots = _group_by_subject(roots)  # 5
    _attach_duplicates(duplicates)
    for item in items:
        if item.key in carried and item.carried_by is not None:
            _attach(by_key[item.key], by_key[item.carried_by])
    return _sort(roots)  # 6-7


def _carried_keys(items: list[ThreadInput]) -> set[str]:
    """Keys of inputs that hang under their carrier: ``carried_by`` leads to a threaded one."""
    known = {item.key for item in items}
    carrier = {item.key: item.carried_by for item in items if item.carried_by is not None}
    carried: dict[str, bool] = {}
    for start in carrier:
        key, path = start, dict[str, None]()  # the path: ordered, with fast membership
        while key in carrier and key not in carried and key not in path:
            path[key] = None
            key = carrier[key]
        chain = list(path)
        # A threaded or resolved input ends the chain; an unknown key is no carrier; the
        # members of a loop of carried_by are threaded.
        cut = chain.index(key) if key in path else len(chain) - (key not in known)
        carried.update({k: i < cut for i, k in enumerate(chain)})
    return {key for key, is_carried in carried.items() if is_carried}


def _id_table(
    threaded: list[ThreadInput], by_key: dict[str, _Node]
) -> tuple[dict[str, _Node], list[tuple[_Node, _Node]]]:
    """Step 1: the id table of containers; later inputs with a taken id are duplicates."""
    table: dict[str, _Node] = {}
    duplicates: list[tuple[_Node, _Node]] = []
    for item in threaded:
        node = by_key[item.key]
        first = table.setdefault(item.message_id, node)
        if first is not node:
            duplicates.append((node, first))
    return table, duplicates


def _container(table: dict[str, _Node], message_id: str) -> _Node:
    node = table.get(message_id)
    if node is None:
        node = table[message_id] = _Node(message_id, None)
    return node


def _ids(values: tuple[str, ...], own: str) -> list[str]:
    """Usable ids of a header in order: no empty ids, no repeats, not the message's own id."""
    return [v for v in dict.fromkeys(values) if v and v != own]


def _own_parent(item: ThreadInput, table: dict[str, _Node]) -> str | None:
    """The parent id a message's own headers give, by the priority in the module docs."""
    in_reply_to = _ids(item.in_reply_to, item.message_id)
    references = _ids(item.references, item.message_id)

    def present(message_id: str) -> bool:
        node = table.get(message_id)
        return node is not None and node.item is not None

    if len(in_reply_to) == 1 and present(in_reply_to[0]):
        return in_reply_to[0]
    if references:
        return references[-1]
    return next((i for i in in_reply_to if present(i)), in_reply_to[0] if in_reply_to else None)


def _chain(item: ThreadInput) -> list[str]:
    """Step 1A's chain: References in order, then the first In-Reply-To id if not in them."""
    chain = _ids(item.references, item.message_id)
    in_reply_to = _ids(item.in_reply_to, item.message_id)
    if in_reply_to and in_reply_to[0] not in chain:
        chain.append(in_reply_to[0])
    return chain


def _link_own_parents(table: dict[str, _Node]) -> None:
    """Step 1C for every message, newest first: a loop is broken at its oldest message."""
    owners = [(node, node.item) for node in table.values() if node.item is not None]
    for node, item in reversed(owners):
        parent_id = _own_parent(item, table)
        if parent_id is not None:
            _link(_container(table, parent_id), node)


def _link_chains(table: dict[str, _Node], threaded: list[ThreadInput]) -> None:
    """Steps 1A-1B, oldest first: links presumed from each References chain, then from each
    duplicate's own headers (a no-op for the first input of an id, linked already)."""
    for item in threaded:
        links = list(pairwise(_chain(item)))
        parent_id = _own_parent(item, table)
        if parent_id is not None:
            links.append((parent_id, item.message_id))
        for parent_id, child_id in links:
            _link(_container(table, parent_id), _container(table, child_id))


def _find(node: _Node) -> _Node:
    while node.uf is not node:
        node.uf = node.uf.uf
        node = node.uf
    return node


def _link(parent: _Node, child: _Node) -> None:
    """Make ``child`` a child of ``parent``, unless it has a parent or that would loop."""
    if child.parent is None:
        parent_set, child_set = _find(parent), _find(child)
        if parent_set is not child_set:  # else child, a root, is above parent: a loop
            _attach(child, parent)
            child_set.uf = parent_set


def _walk(root: _Tree) -> Iterator[tuple[int, _Tree]]:
    """Depth first, children in their order, without recursion."""
    stack: list[tuple[int, _Tree]] = [(0, root)]
    while stack:
        depth, node = stack.pop()
        yield depth, node
        stack.extend((depth + 1, child) for child in reversed(node.children))


def _prune(roots: list[_Node]) -> list[_Node]:
    """Step 4: drop empty containers, promoting their children, with JWZ's root-set rule."""
    kept: list[_Node] = []
    for root in roots:
        _prune_below(root)
        if root.item is not None or len(root.children) > 1:
            kept.append(root)
        elif root.children:  # a ghost root with one child: the child becomes the root
            child = root.children[0]
            child.parent = None
            kept.append(child)
    return kept


def _prune_below(top: _Node) -> None:
    """Post-order, so each ghost child's own children are already free of ghosts."""
    stack: list[tuple[_Node, bool]] = [(top, False)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)
            continue
        children: list[_Node] = []
        for child in node.children:
            if child.item is not None:
                children.append(child)
                continue
            for grandchild in child.children:
                grandchild.parent = node
                children.append(grandchild)
        node.children = children


def _group_by_subject(roots: list[_Node]) -> list[_Node]:
    """Step 5, only for messages with no usable reference header: the oldest is the root."""
    groups: dict[str, list[_Node]] = {}
    for root in roots:
        item = root.item
        if item is None or not falls_back_to_subject(item):
            continue
        subject = subject_key(item.base_subject)
        if subject:
            groups.setdefault(subject, []).append(root)
    for members in groups.values():
        members.sort(key=_node_order)
        for member in members[1:]:
            _attach(member, members[0])
            member.by_subject = True
    return [root for root in roots if root.parent is None]


def _attach(child: _Node, parent: _Node) -> None:
    child.parent = parent
    parent.children.append(child)


def _attach_duplicates(duplicates: list[tuple[_Node, _Node]]) -> None:
    """A duplicate is a sibling of the first input with its id, or its child at a root."""
    for duplicate, first in duplicates:
        if first.parent is None:
            _attach(duplicate, first)
        else:
            _attach(duplicate, first.parent)
            duplicate.by_subject = first.by_subject


def _sort(roots: list[_Node]) -> list[_Node]:
    """Steps 6-7: children by date then key; threads by their first message."""
    for root in roots:
        for _, node in _walk(root):
            node.children.sort(key=_node_order)
    return sorted(roots, key=_node_order)


def with_other_carriers(thread: Thread, carried: Iterable[tuple[ThreadInput, str]]) -> Thread:
    """``thread`` with each ``(message, carrier key)`` pair's message shown again, as a leaf
    marked :attr:`ThreadNode.again`, under that carrier too.

    A message forwarded in several messages (the same bytes) hangs under one of them, the
    first, which may be in another thread; the others carry it all the same, and a reader
    of their thread should see it there. Pairs whose carrier is not in the thread, or whose
    message is already shown under it, are left out.
    """
    nodes = {node.key: node for _, node in thread.root.walk() if node.key is not None}
    shown = {(child.key, node.key) for node in nodes.values() for child in node.children}
    again: dict[str, list[ThreadNode]] = {}
    for item, carrier in carried:
        if carrier not in nodes or (item.key, carrier) in shown:
            continue
        shown.add((item.key, carrier))
        leaf = ThreadNode(item.message_id, item.key, item.date_utc, False, (), again=True)
        again.setdefault(carrier, []).append(leaf)
    if not again:
        return thread
    rebuilt: dict[int, ThreadNode] = {}
    for _, node in reversed(list(thread.root.walk())):  # children before their parent
        children = [rebuilt.pop(id(child)) for child in node.children]
        if node.key in again:
            children = sorted([*children, *again[node.key]], key=_frozen_order)
        rebuilt[id(node)] = replace(node, children=tuple(children))
    return Thread(thread.thread_id, rebuilt[id(thread.root)])


def _frozen_order(node: ThreadNode) -> _Order:
    """:func:`_order` of a frozen message node."""
    return _date_order(node.date_utc, node.key or "")


def _freeze(root: _Node) -> ThreadNode:
    """The immutable tree under ``root``, built bottom-up without recursion."""
    frozen: dict[_Node, ThreadNode] = {}
    for _, node in reversed(list(_walk(root))):
        frozen[node] = ThreadNode(
            message_id=node.message_id,
            key=None if node.item is None else node.item.key,
            date_utc=None if node.item is None else node.item.date_utc,
            by_subject=node.by_subject,
            children=tuple(frozen.pop(child) for child in node.children),
        )
    return frozen[root]
