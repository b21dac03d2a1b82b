"""JWZ threading (emlkit.index.threading): shapes, ghosts, loops, duplicates, properties.

Every expectation here is written out by hand from the headers; the thread id formula is
recomputed with hashlib, not taken from emlkit.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emlkit.index.threading import (
    Placement,
    ThreadInput,
    ThreadNode,
    thread_components,
    thread_id_for,
    thread_messages,
    thread_tree,
    with_other_carriers,
)

BASE = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


def msg(
    key: str,
    mid: str | None = None,
    irt: Iterable[str] = (),
    refs: Iterable[str] = (),
    subject: str = "",
    minute: int | None = 0,
    carried_by: str | None = None,
) -> ThreadInput:
    """An input: ``mid`` defaults to the key, ``minute`` counts from BASE (None: no date)."""
    return ThreadInput(
        key=key,
        message_id=key if mid is None else mid,
        in_reply_to=tuple(irt),
        references=tuple(refs),
        base_subject=subject,
        date_utc=None if minute is None else BASE + timedelta(minutes=minute),
        carried_by=carried_by,
    )


def expected_thread_id(root_id: str) -> str:
    return "t" + hashlib.sha256(root_id.encode()).hexdigest()[:16]


def parents(placements: dict[str, Placement]) -> dict[str, str | None]:
    return {key: p.parent_key for key, p in placements.items()}


def partition(placements: dict[str, Placement]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, placement in placements.items():
        groups.setdefault(placement.thread_id, set()).add(key)
    return {frozenset(keys) for keys in groups.values()}


def shape(node: ThreadNode) -> list[tuple[int, str, str | None]]:
    """A tree as (depth, message id, key) lines in display order."""
    return [(depth, n.message_id, n.key) for depth, n in node.walk()]


# --- simple chains --------------------------------------------------------------------


def test_a_reply_chain_by_references() -> None:
    placements = thread_messages(
        [
            msg("a", minute=0),
            msg("b", irt=["a"], refs=["a"], minute=1),
            msg("c", irt=["b"], refs=["a", "b"], minute=2),
        ]
    )
    assert placements["a"] == Placement(expected_thread_id("a"), None, None, "a", 0, False)
    assert placements["b"] == Placement(expected_thread_id("a"), "a", "a", "a", 1, False)
    assert placements["c"] == Placement(expected_thread_id("a"), "b", "b", "a", 2, False)


def test_in_reply_to_alone_gives_the_parent() -> None:
    placements = thread_messages([msg("a"), msg("b", irt=["a"], minute=1)])
    assert parents(placements) == {"a": None, "b": "a"}


def test_unrelated_messages_are_separate_threads() -> None:
    placements = thread_messages([msg("a"), msg("b", minute=1)])
    assert partition(placements) == {frozenset({"a"}), frozenset({"b"})}
    assert placements["b"].thread_id == expected_thread_id("b")


def test_reversed_arrival_gives_the_same_placements() -> None:
    chain = [msg(f"m{i}", irt=[f"m{i - 1}"] if i else [], minute=i) for i in range(30)]
    assert thread_messages(chain) == thread_messages(reversed(chain))
    shuffled = chain[:]
    random.Random(7).shuffle(shuffled)
    assert thread_messages(shuffled) == thread_messages(chain)
    assert thread_messages(chain)["m29"].depth == 29


def test_thread_ids_are_stable_and_follow_the_formula() -> None:
    assert thread_id_for("a@example.org") == expected_thread_id("a@example.org")
    assert thread_id_for("письмо@пример.рф") == expected_thread_id("письмо@пример.рф")
    first = thread_messages([msg("a"), msg("b", irt=["a"], minute=1)])
    second = thread_messages([msg("b", irt=["a"], minute=1), msg("a")])
    assert first["b"].thread_id == second["b"].thread_id == expected_thread_id("a")


def test_two_inputs_with_one_key_are_refused() -> None:
    with pytest.raises(ValueError, match="'a'"):
        thread_messages([msg("a"), msg("a", mid="other")])


def test_no_input_gives_nothing() -> None:
    assert thread_messages([]) == {}
    assert thread_tree([]) == []


# --- ghosts ---------------------------------------------------------------------------


def test_one_reply_to_a_missing_message_becomes_the_root() -> None:
    placements = thread_messages([msg("b", irt=["missing"], refs=["missing"])])
    assert placements["b"] == Placement(expected_thread_id("b"), None, None, "b", 0, False)


def test_two_replies_to_a_missing_message_hang_under_its_ghost() -> None:
    placements = thread_messages(
        [msg("b", refs=["missing"], minute=1), msg("c", refs=["missing"], minute=2)]
    )
    ghost_child = Placement(expected_thread_id("missing"), "missing", None, "missing", 1, False)
    assert placements == {"b": ghost_child, "c": ghost_child}
    (thread,) = thread_tree([msg("c", refs=["missing"], minute=2), msg("b", refs=["missing"])])
    assert thread.root.ghost and thread.root.date_utc is None
    assert shape(thread.root) == [(0, "missing", None), (1, "b", "b"), (1, "c", "c")]


def test_a_missing_message_inside_a_thread_is_pruned() -> None:
    placements = thread_messages([msg("a"), msg("c", irt=["b"], refs=["a", "b"], minute=2)])
    assert placements["c"] == Placement(expected_thread_id("a"), "a", "a", "a", 1, False)


def test_missing_ancestors_collapse_to_one_ghost_root() -> None:
    # x and y are both missing: y is pruned, its children go up to the ghost root x.
    placements = thread_messages(
        [msg("b", refs=["x", "y"], minute=1), msg("c", refs=["x", "y"], minute=2)]
    )
    assert {p.parent_id for p in placements.values()} == {"x"}
    assert {p.root_id for p in placements.values()} == {"x"}


def test_ghost_root_as_in_notmuch_threading_corpus() -> None:
    # notmuch's threading/ghost-root: RT answers a ticket whose first mail is missing.
    ticket, fyi = "RT-Ticket-33575@rt.example", "87bmc6lp3h.fsf@len"
    inputs = [
        msg("fyi", mid=fyi, subject="FYI", minute=0),
        msg("auto", irt=[fyi], refs=[ticket, fyi], minute=1),
        msg("resolved", refs=[ticket], minute=10_000),
    ]
    (thread,) = thread_tree(inputs)
    assert shape(thread.root) == [
        (0, ticket, None),
        (1, fyi, "fyi"),
        (2, "auto", "auto"),
        (1, "resolved", "resolved"),
    ]
    assert thread.thread_id == expected_thread_id(ticket)


def test_a_fake_root_with_a_missing_parent_stays_below_the_real_root() -> None:
    # notmuch's threading/ghost-root "fake-root": In-Reply-To names a missing message.
    inputs = [
        msg("root", minute=0),
        msg("child", irt=["root"], refs=["root"], minute=1440),
        msg("fake", irt=["nonexistent"], refs=["root", "child", "nonexistent"], minute=0),
    ]
    placements = thread_messages(inputs)
    assert placements["root"].depth == 0
    assert placements["fake"].parent_key == "child"
    assert placements["fake"].root_id == "root"


# --- loops ----------------------------------------------------------------------------


def test_a_message_referencing_itself_is_a_root() -> None:
    placements = thread_messages([msg("a", irt=["a"], refs=["a", "a"])])
    assert placements["a"] == Placement(expected_thread_id("a"), None, None, "a", 0, False)


def test_two_messages_answering_each_other_make_one_thread_rooted_at_the_older() -> None:
    # notmuch's broken/loop-12 and loop-21: each In-Reply-To names the other.
    inputs = [msg("l12", irt=["l21"], minute=0), msg("l21", irt=["l12"], minute=1440)]
    for order in (inputs, inputs[::-1]):
        assert parents(thread_messages(order)) == {"l12": None, "l21": "l12"}


def test_a_loop_of_three_is_cut_at_its_oldest_message() -> None:
    inputs = [
        msg("b", refs=["c"], minute=2),
        msg("a", refs=["b"], minute=1),
        msg("c", refs=["a"], minute=3),
    ]
    assert parents(thread_messages(inputs)) == {"a": None, "c": "a", "b": "c"}


def test_references_loops_among_ghosts_do_not_hang() -> None:
    inputs = [msg("m1", refs=["x", "y", "x"]), msg("m2", refs=["y", "x"], minute=1)]
    placements = thread_messages(inputs)
    assert partition(placements) == {frozenset({"m1", "m2"})}
    assert all(p.depth <= 2 for p in placements.values())


# --- parent priority ------------------------------------------------------------------


def test_in_reply_to_wins_over_a_references_typo() -> None:
    # notmuch's threading/parent-priority "child": References names a missing id.
    inputs = [msg("B00-root"), msg("child", irt=["B00-root"], refs=["B00--root"], minute=1)]
    assert thread_messages(inputs)["child"].parent_key == "B00-root"


def test_in_reply_to_wins_over_references_in_the_wrong_order() -> None:
    # notmuch's threading/parent-priority "grand-child": Debbugs lists the root last.
    inputs = [
        msg("root"),
        msg("child", irt=["root"], refs=["root"], minute=1),
        msg("grand", irt=["child"], refs=["child", "root"], minute=2),
    ]
    for order in (inputs, inputs[::-1]):
        assert parents(thread_messages(order)) == {"root": None, "child": "root", "grand": "child"}


def test_the_last_reference_wins_over_an_in_reply_to_that_is_missing() -> None:
    # notmuch's T510: "Use References when In-Reply-To is broken", "Use last Reference".
    inputs = [
        msg("one"),
        msg("r1", irt=["mumble"], refs=["one"], minute=1),
        msg("four"),
        msg("r4", irt=["baz"], refs=["baz", "four"], minute=1),
    ]
    placements = thread_messages(inputs)
    assert placements["r1"].parent_key == "one"
    assert placements["r4"].parent_key == "four"


def test_several_in_reply_to_ids_give_way_to_references() -> None:
    inputs = [msg("a"), msg("b"), msg("c", irt=["a", "b"], refs=["b"], minute=1)]
    assert thread_messages(inputs)["c"].parent_key == "b"


def test_without_references_the_first_present_in_reply_to_id_is_the_parent() -> None:
    inputs = [msg("b"), msg("c", irt=["missing", "b"], minute=1)]
    assert thread_messages(inputs)["c"].parent_key == "b"


def test_a_root_is_placed_by_a_later_references_chain() -> None:
    # "a" has no reference header; "m" says a precedes b: b joins a's thread.
    inputs = [msg("a"), msg("b", minute=1), msg("m", refs=["a", "b"], minute=2)]
    assert parents(thread_messages(inputs)) == {"a": None, "b": "a", "m": "b"}


# --- duplicate message ids -------------------------------------------------------------


def test_a_duplicate_of_a_root_becomes_its_child() -> None:
    inputs = [msg("copy2", mid="x", minute=5), msg("copy1", mid="x", minute=0)]
    placements = thread_messages(inputs)
    assert placements["copy1"] == Placement(expected_thread_id("x"), None, None, "x", 0, False)
    assert placements["copy2"] == Placement(expected_thread_id("x"), "x", "copy1", "x", 1, False)


def test_a_duplicate_of_a_reply_becomes_its_sibling() -> None:
    inputs = [
        msg("a"),
        msg("b1", mid="b", irt=["a"], minute=1),
        msg("b2", mid="b", irt=["a"], minute=1),
        msg("c", irt=["b"], minute=2),
    ]
    placements = thread_messages(inputs)
    assert parents(placements) == {"a": None, "b1": "a", "b2": "a", "c": "b1"}
    assert placements["b2"].depth == placements["b1"].depth == 1


def test_the_oldest_duplicate_decides_and_the_others_follow_it() -> None:
    # Conflicting versions (as in notmuch's duplicate corpus): the older one's headers win.
    inputs = [
        msg("p"),
        msg("q"),
        msg("new", mid="x", irt=["q"], minute=9),
        msg("old", mid="x", irt=["p"], minute=1),
    ]
    assert parents(thread_messages(inputs)) == {"p": None, "q": None, "old": "p", "new": "p"}


# --- subject fallback -----------------------------------------------------------------


def test_messages_without_reference_headers_are_grouped_by_subject() -> None:
    inputs = [
        msg("later", subject="Протокол  заседания", minute=5),
        msg("first", subject="протокол заседания", minute=0),
        msg("other", subject="Отчёт", minute=1),
    ]
    placements = thread_messages(inputs)
    assert placements["later"] == Placement(
        expected_thread_id("first"), "first", "first", "first", 1, True
    )
    assert placements["first"].by_subject is False
    assert placements["other"].parent_key is None
    off = thread_messages(inputs, subject_fallback=False)
    assert partition(off) == {frozenset({k}) for k in ("later", "first", "other")}
    assert not any(p.by_subject for p in off.values())


def test_a_reply_to_a_missing_message_is_not_grouped_by_subject() -> None:
    inputs = [msg("a", subject="Договор"), msg("b", irt=["missing"], subject="Договор", minute=1)]
    assert partition(thread_messages(inputs)) == {frozenset({"a"}), frozenset({"b"})}


def test_empty_subjects_are_never_grouped_and_never_dropped() -> None:
    inputs = [msg("a", subject=""), msg("b", subject="  ", minute=1), msg("c", minute=2)]
    placements = thread_messages(inputs)
    assert set(placements) == {"a", "b", "c"}
    assert all(p.parent_id is None for p in placements.values())


def test_a_subject_match_brings_the_whole_thread_along() -> None:
    inputs = [
        msg("a", subject="Смета"),
        msg("b", subject="Смета", minute=10),
        msg("b-reply", irt=["b"], subject="Смета", minute=11),
    ]
    placements = thread_messages(inputs)
    assert parents(placements) == {"a": None, "b": "a", "b-reply": "b"}
    assert [placements[k].by_subject for k in ("a", "b", "b-reply")] == [False, True, False]
    assert placements["b-reply"].depth == 2


# --- forwarded messages -----------------------------------------------------------------


def test_a_forwarded_copy_hangs_under_its_carrier_not_by_its_ids() -> None:
    inputs = [
        msg("orig", mid="o"),
        msg("fwd-mail", mid="f", subject="Fwd"),
        msg("fwd-copy", mid="o", irt=["elsewhere"], carried_by="fwd-mail", minute=3),
        msg("reply-to-orig", irt=["o"], minute=4),
    ]
    placements = thread_messages(inputs)
    assert placements["fwd-copy"] == Placement(
        expected_thread_id("f"), "f", "fwd-mail", "f", 1, False
    )
    assert placements["reply-to-orig"].parent_key == "orig"
    assert placements["orig"].parent_key is None


def test_nested_forwards_hang_under_each_other() -> None:
    inputs = [
        msg("outer", minute=5),
        msg("inner", carried_by="outer"),
        msg("innermost", carried_by="inner"),
    ]
    placements = thread_messages(inputs)
    assert parents(placements) == {"outer": None, "inner": "outer", "innermost": "inner"}
    assert placements["innermost"].depth == 2


def test_an_unknown_or_looping_carrier_threads_the_copy_by_its_ids() -> None:
    inputs = [
        msg("a"),
        msg("lost", irt=["a"], carried_by="not-an-input", minute=1),
        msg("x", carried_by="y", minute=2),
        msg("y", carried_by="x", minute=3),
        msg("self", carried_by="self", minute=4),
    ]
    placements = thread_messages(inputs)
    assert placements["lost"].parent_key == "a"
    assert {placements[k].parent_key for k in ("x", "y", "self")} == {None}


def _shape(node: ThreadNode) -> list[tuple[int, str | None, bool]]:
    return [(depth, n.key, n.again) for depth, n in node.walk()]


def test_a_message_forwarded_in_two_shows_under_both_once_as_again() -> None:
    inputs = [
        msg("orig", mid="o"),
        msg("first", irt=["o"], minute=1),
        msg("copy", mid="o", carried_by="first", minute=2),
        msg("second", irt=["o"], minute=3),
    ]
    copy = inputs[2]
    [thread] = thread_tree(inputs)
    pairs = [(copy, "second"), (copy, "first"), (copy, "nowhere"), (copy, "second")]
    shown = with_other_carriers(thread, pairs)
    assert shown.thread_id == thread.thread_id
    assert _shape(shown.root) == [
        (0, "orig", False),
        (1, "first", False),
        (2, "copy", False),  # its place: under the first carrier
        (1, "second", False),
        (2, "copy", True),  # and again under the other, once
    ]
    assert _shape(thread.root) == [
        (0, "orig", False),
        (1, "first", False),
        (2, "copy", False),
        (1, "second", False),
    ]  # the given thread is unchanged
    assert with_other_carriers(thread, [(copy, "first")]) is thread  # nothing to add


def test_a_message_placed_in_another_thread_shows_under_a_carrier_here() -> None:
    inputs = [
        msg("a", mid="a"),
        msg("carrier-a", irt=["a"], minute=1),
        msg("copy", carried_by="carrier-a", minute=2),
        msg("b", mid="b", subject="Other", minute=5),
        msg("carrier-b", irt=["b"], subject="Other", minute=6),
    ]
    thread_a, thread_b = thread_tree(inputs)
    assert _shape(thread_b.root) == [(0, "b", False), (1, "carrier-b", False)]
    shown = with_other_carriers(thread_b, [(inputs[2], "carrier-b")])
    assert _shape(shown.root) == [(0, "b", False), (1, "carrier-b", False), (2, "copy", True)]
    assert with_other_carriers(thread_a, [(inputs[2], "carrier-b")]) is thread_a


def test_a_message_shown_again_sorts_among_its_new_siblings_by_date() -> None:
    inputs = [
        msg("orig", mid="o"),
        msg("first", irt=["o"], minute=1),
        msg("copy", mid="o", carried_by="first", minute=5),
        msg("second", mid="s", irt=["o"], minute=3),
        msg("r1", irt=["s"], minute=4),
        msg("r2", irt=["s"], minute=6),
    ]
    [thread] = thread_tree(inputs)
    shown = with_other_carriers(thread, [(inputs[2], "second")])
    under_second = [n.key for n in shown.root.children[1].children]
    assert under_second == ["r1", "copy", "r2"]
    assert [n.again for n in shown.root.children[1].children] == [False, True, False]


# --- trees, dates, scale ----------------------------------------------------------------


def test_the_tree_sorts_children_by_date_then_key_with_no_date_last() -> None:
    inputs = [
        msg("root"),
        msg("z", irt=["root"], minute=1),
        msg("y", irt=["root"], minute=1),
        msg("undated", irt=["root"], minute=None),
        msg("early", irt=["root"], minute=-5),
    ]
    (thread,) = thread_tree(inputs)
    assert [n.key for _, n in thread.root.walk()] == ["root", "early", "y", "z", "undated"]


def test_threads_come_oldest_first_and_agree_with_the_placements() -> None:
    inputs = [msg("b", minute=9), msg("b2", irt=["b"], minute=10), msg("a", minute=1)]
    threads = thread_tree(inputs)
    assert [t.root.key for t in threads] == ["a", "b"]
    placements = thread_messages(inputs)
    for thread in threads:
        for depth, node in thread.root.walk():
            assert node.key is not None
            assert placements[node.key].depth == depth
            assert placements[node.key].thread_id == thread.thread_id


def test_naive_dates_are_read_as_utc_beside_aware_ones() -> None:
    naive = replace(msg("naive", irt=["root"]), date_utc=datetime(2021, 3, 1, 9, 30))
    inputs = [msg("root"), naive, msg("aware", irt=["root"], minute=20)]
    (thread,) = thread_tree(inputs)
    assert [n.key for _, n in thread.root.walk()] == ["root", "aware", "naive"]


def test_a_chain_of_100000_replies_is_threaded_without_recursion() -> None:
    size = 100_000
    chain = [
        msg(f"m{i}", irt=[f"m{i - 1}"] if i else [], refs=[f"m{i - 1}"] if i else [], minute=i)
        for i in range(size)
    ]
    chain.reverse()
    started = time.perf_counter()
    placements = thread_messages(chain)
    (thread,) = thread_tree(chain)
    elapsed = time.perf_counter() - started
    assert placements[f"m{size - 1}"].depth == size - 1
    assert len(placements) == size
    assert max(depth for depth, _ in thread.root.walk()) == size - 1
    assert "children=1" in repr(thread.root)
    assert elapsed < 30, f"threading 100,000 messages took {elapsed:.1f} s"


# --- properties -------------------------------------------------------------------------

IDS = st.sampled_from("abcdefg")
"""A small alphabet of ids, so that duplicates, collisions and loops are frequent."""


@st.composite
def input_sets(draw: st.DrawFn) -> list[ThreadInput]:
    keys = [f"k{i}" for i in range(draw(st.integers(min_value=0, max_value=12)))]
    carriers = st.one_of(st.none(), st.none(), st.sampled_from([*keys, "unknown"]))
    return [
        ThreadInput(
            key=key,
            message_id=draw(IDS),
            in_reply_to=tuple(draw(st.lists(IDS, max_size=2))),
            references=tuple(draw(st.lists(IDS, max_size=4))),
            base_subject=draw(st.sampled_from(["", " ", "x", "X ", "y"])),
            date_utc=draw(
                st.one_of(st.none(), st.integers(0, 5).map(lambda m: BASE + timedelta(minutes=m)))
            ),
            carried_by=draw(carriers),
        )
        for key in keys
    ]


PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_partition(inputs: list[ThreadInput]) -> set[frozenset[str]]:
    """Union-find over every header link, shared id and carrier: an upper bound on threads."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for item in inputs:
        parent[find("key:" + item.key)] = find("id:" + item.message_id)
        for other in item.in_reply_to + item.references:
            parent[find("id:" + other)] = find("id:" + item.message_id)
        if item.carried_by is not None:
            parent[find("key:" + item.key)] = find("key:" + item.carried_by)
    groups: dict[str, set[str]] = {}
    for item in inputs:
        groups.setdefault(find("key:" + item.key), set()).add(item.key)
    return {frozenset(keys) for keys in groups.values()}


def check_sound(inputs: list[ThreadInput], placements: dict[str, Placement]) -> None:
    """Every key once; parent chains end; depths, roots and thread ids agree along them."""
    assert sorted(placements) == sorted(item.key for item in inputs)
    for key, placement in placements.items():
        assert placement.thread_id == thread_id_for(placement.root_id)
        seen = {key}
        current = placement
        while current.parent_key is not None:
            parent = placements[current.parent_key]
            assert parent.depth == current.depth - 1
            assert parent.thread_id == current.thread_id
            assert current.parent_key not in seen
            seen.add(current.parent_key)
            current = parent
        if current.parent_id is None:
            assert current.depth == 0
        else:  # a child of a ghost root
            assert current.parent_id == current.root_id
            assert current.depth == 1


@given(inputs=input_sets(), seed=st.randoms(use_true_random=False))
@PROPERTIES
def test_threading_is_sound_and_independent_of_input_order(
    inputs: list[ThreadInput], seed: random.Random
) -> None:
    shuffled = inputs[:]
    seed.shuffle(shuffled)
    for fallback in (True, False):
        placements = thread_messages(inputs, subject_fallback=fallback)
        check_sound(inputs, placements)
        assert thread_messages(shuffled, subject_fallback=fallback) == placements
        assert partition(placements) == partition(thread_messages(shuffled, fallback))


@given(inputs=input_sets())
@PROPERTIES
def test_threads_only_join_messages_that_headers_connect(inputs: list[ThreadInput]) -> None:
    placements = thread_messages(inputs, subject_fallback=False)
    assert not any(p.by_subject for p in placements.values())
    upper = reference_partition(inputs)
    for thread in partition(placements):
        assert any(thread <= group for group in upper)


@given(inputs=input_sets())
@PROPERTIES
def test_the_tree_holds_exactly_the_placements(inputs: list[ThreadInput]) -> None:
    placements = thread_messages(inputs)
    seen: dict[str, Placement] = {}
    for thread in thread_tree(inputs):
        for depth, node in thread.root.walk():
            if node.ghost:  # only a root with several children stays a ghost
                assert depth == 0 and len(node.children) > 1
            if node.key is not None:
                assert node.key not in seen
                seen[node.key] = placements[node.key]
                assert placements[node.key].depth == depth
                assert placements[node.key].thread_id == thread.thread_id
            keys = [child.key or "" for child in node.children]
            assert len(keys) == len(set(keys))
    assert seen == placements


@given(inputs=input_sets(), seed=st.randoms(use_true_random=False))
@PROPERTIES
def test_threading_each_component_alone_gives_the_same_placements(
    inputs: list[ThreadInput], seed: random.Random
) -> None:
    for fallback in (True, False):
        whole = thread_messages(inputs, subject_fallback=fallback)
        parts = thread_components(inputs, subject_fallback=fallback)
        assert sorted(item.key for part in parts for item in part) == sorted(whole)
        seed.shuffle(parts)  # components threaded in any order, alone or merged in batches
        one_by_one: dict[str, Placement] = {}
        for part in parts:
            one_by_one.update(thread_messages(part, subject_fallback=fallback))
        assert one_by_one == whole
        merged = [item for part in parts[: len(parts) // 2] for item in part]
        assert thread_messages(merged, fallback).items() <= whole.items()
        for thread in partition(whole):  # a thread never spans two components
            assert any(thread <= {item.key for item in part} for part in parts)


def test_components_link_by_ids_carriers_and_headerless_subjects() -> None:
    inputs = [
        msg("a"),
        msg("b", irt=["a"]),
        msg("c", refs=["ghost"]),
        msg("d", refs=["ghost"]),
        msg("e", subject="Minutes"),
        msg("f", subject=" minutes "),
        msg("g", refs=["g"], subject="MINUTES"),  # only its own id: no usable header
        msg("h", refs=["x"], subject="minutes"),  # has a header: not grouped by subject
        msg("i", carried_by="a"),
        msg("j", subject=""),
        msg("k", subject=""),
    ]
    parts = {frozenset(item.key for item in part) for part in thread_components(inputs)}
    assert parts == {
        frozenset("abi"),
        frozenset("cd"),
        frozenset("efg"),
        frozenset("h"),
        frozenset("j"),
        frozenset("k"),
    }
    without = {frozenset(i.key for i in p) for p in thread_components(inputs, False)}
    assert frozenset("e") in without and frozenset("g") in without
