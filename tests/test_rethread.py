"""Threading the index a component at a time (emlkit.index.rethread) equals threading it whole."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emlkit.index import rethread
from emlkit.index.store import Store
from emlkit.index.threading import ThreadInput, thread_messages
from tests.test_threading import input_sets, msg

_INSERT = (
    "INSERT INTO messages (id, sha256, size, message_id, message_id_synthetic, subject,"
    ' base_subject, date_utc, date_source, in_reply_to, "references", text, charsets,'
    " received, headers) VALUES (?, ?, 0, ?, 0, '', ?, ?, 'header', ?, ?, '', '[]', '[]', '{}')"
)


def store_inputs(store: Store, inputs: list[ThreadInput], start: int = 1) -> dict[str, str]:
    """Insert the inputs as message rows from id ``start``; return each input key's row key."""
    rows = {item.key: str(number) for number, item in enumerate(inputs, start=start)}
    for item in inputs:
        date = None if item.date_utc is None else item.date_utc.isoformat()
        irt, refs = json.dumps(item.in_reply_to), json.dumps(item.references)
        values = (rows[item.key], item.key, item.message_id, item.base_subject, date, irt, refs)
        store.db.execute(_INSERT, values)
    for item in inputs:
        if item.carried_by in rows:
            query = "UPDATE messages SET carrier_id = ? WHERE id = ?"
            store.db.execute(query, (rows[item.carried_by], rows[item.key]))
    return rows


def stored_placements(store: Store) -> dict[str, tuple[object, ...]]:
    query = (
        "SELECT m.id, t.thread_id, t.thread_parent_id, t.thread_depth, t.thread_by_subject"
        " FROM messages m LEFT JOIN message_threads t ON t.message_id = m.id"
    )
    return {str(row[0]): tuple(row[1:]) for row in store.db.execute(query)}


def expected_placements(store: Store, fallback: bool) -> dict[str, tuple[object, ...]]:
    placements = thread_messages(store.thread_inputs(), subject_fallback=fallback)
    return {
        key: (p.thread_id, p.parent_id, p.depth, int(p.by_subject)) for key, p in placements.items()
    }


@st.composite
def index_inputs(draw: st.DrawFn) -> list[ThreadInput]:
    """:func:`input_sets`, with many inputs stripped of their headers (the subject fallback)."""
    inputs = draw(input_sets())
    strip = draw(st.lists(st.booleans(), min_size=len(inputs), max_size=len(inputs)))
    return [
        replace(item, in_reply_to=(), references=()) if bare else item
        for item, bare in zip(inputs, strip, strict=True)
    ]


@given(inputs=index_inputs(), batch=st.integers(min_value=1, max_value=8))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_rethread_by_components_equals_threading_the_whole_index(
    inputs: list[ThreadInput], batch: int
) -> None:
    with tempfile.TemporaryDirectory() as work, Store(Path(work) / "i.db") as store:
        store_inputs(store, inputs)
        for fallback in (True, False):
            with mock.patch.object(rethread, "BATCH_MESSAGES", batch):
                threads = store.rethread(subject_fallback=fallback)
            expected = expected_placements(store, fallback)
            assert stored_placements(store) == expected
            assert threads == len({placement[0] for placement in expected.values()})


def test_rethread_writes_only_the_placements_that_moved(tmp_path: Path) -> None:
    with Store(tmp_path / "i.db") as store:
        store_inputs(store, [msg("a"), msg("b", irt=["a"]), msg("c", minute=5)])
        store.db.execute("CREATE TEMP TABLE written (id INTEGER)")
        for event in ("INSERT", "UPDATE"):
            store.db.execute(
                f"CREATE TEMP TRIGGER placed_{event} AFTER {event} ON message_threads"
                " BEGIN INSERT INTO written VALUES (new.message_id); END"
            )
        # A message row (text and all) is never rewritten by threading.
        store.db.execute(
            "CREATE TEMP TRIGGER rewritten AFTER UPDATE ON messages"
            " BEGIN INSERT INTO written VALUES (-new.id); END"
        )
        assert store.rethread() == 2
        assert written(store) == [1, 2, 3]
        assert store.rethread() == 2
        assert written(store) == []  # nothing moved: nothing written
        store_inputs(store, [msg("d", irt=["c"], minute=6)], start=4)
        assert store.rethread() == 2
        assert written(store) == [4]  # only the new reply was placed
        temp = "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
        assert [row[0] for row in store.db.execute(temp)] == ["written"]


def written(store: Store) -> list[int]:
    """The message rows updated since the last call."""
    rows = [row[0] for row in store.db.execute("SELECT id FROM written ORDER BY id")]
    store.db.execute("DELETE FROM written")
    return rows


@given(
    inputs=index_inputs(),
    cut=st.integers(min_value=0, max_value=30),
    batch=st.integers(min_value=1, max_value=8),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_threading_only_what_was_added_equals_threading_the_whole_index(
    inputs: list[ThreadInput], cut: int, batch: int
) -> None:
    """Messages stored in two runs: threading the second run's components alone gives the
    placements of threading everything, whatever the new messages join or bridge."""
    first, then = inputs[:cut], inputs[cut:]
    with tempfile.TemporaryDirectory() as work, Store(Path(work) / "i.db") as store:
        for fallback in (True, False):
            store.db.execute("DELETE FROM messages")
            store_inputs(store, first)
            store.rethread(subject_fallback=fallback)
            store_inputs(store, then, start=len(first) + 1)
            with mock.patch.object(rethread, "BATCH_MESSAGES", batch):
                threads = store.rethread(subject_fallback=fallback, unplaced_only=True)
            expected = expected_placements(store, fallback)
            assert stored_placements(store) == expected
            assert threads == len({placement[0] for placement in expected.values()})


def test_threading_only_what_was_added_leaves_other_threads_unread(tmp_path: Path) -> None:
    with Store(tmp_path / "i.db") as store:
        store_inputs(store, [msg("a"), msg("b", irt=["a"]), msg("c", minute=5)])
        store.rethread()
        store_inputs(store, [msg("d", irt=["c"], minute=6)], start=4)
        threaded: list[str] = []
        real = rethread.iter_placements

        def spy(batch: list[ThreadInput], fallback: bool) -> object:
            threaded.extend(item.key for item in batch)
            return real(batch, fallback)

        with mock.patch.object(rethread, "iter_placements", spy):
            assert store.rethread(unplaced_only=True) == 2
        assert sorted(threaded) == ["3", "4"]  # the thread of a and b was not read
        assert stored_placements(store) == expected_placements(store, True)
