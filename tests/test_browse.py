"""Thread trees on a terminal and in HTML: every message shown, however deep the chain."""

from __future__ import annotations

import re

from rich.console import Console

from emlkit.index.queries import MessageSummary
from emlkit.index.threading import Thread, ThreadNode
from emlkit.render.browse import thread_view
from emlkit.render.html import thread_html
from emlkit.render.markup import DEEPEST_INDENT


def chain(length: int, fork_at: int | None = None) -> tuple[Thread, dict[str, MessageSummary]]:
    """A reply chain m0 ← m1 ← … (each answering the one before); with ``fork_at``, that
    message also gets a second reply, ``fork``."""
    summaries = {
        f"k{n}": MessageSummary(
            n, f"m{n}", None, None, "", f"p{n}@zar.test", f"s{n}", None, "t", None, ""
        )
        for n in range(length)
    }
    summaries["kfork"] = MessageSummary(
        99, "fork", None, None, "", "x@zar.test", "fork", None, "t", None, ""
    )
    node: ThreadNode | None = None
    for n in reversed(range(length)):
        children: tuple[ThreadNode, ...] = () if node is None else (node,)
        if n == fork_at:
            children += (ThreadNode("fork", "kfork", None, False, ()),)
        node = ThreadNode(f"m{n}", f"k{n}", None, False, children)
    assert node is not None
    return Thread("t", node), summaries


def shown(length: int, fork_at: int | None = None, width: int = 80) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(thread_view(*chain(length, fork_at)))
    return console.export_text().splitlines()


def test_a_long_chain_shows_every_message_within_the_width() -> None:
    lines = shown(60)
    for n in range(60):
        assert sum(line.endswith(f" s{n}") for line in lines) == 1, n
    assert max(len(line) for line in lines) <= 80
    deepest = [line for line in lines if "[depth 59]" in line]
    assert len(deepest) == 1
    assert deepest[0].index("[depth") <= 4 * (DEEPEST_INDENT + 1)


def test_a_chain_no_deeper_than_the_limit_is_indented_as_a_tree() -> None:
    lines = shown(DEEPEST_INDENT + 1)
    assert not any("[depth" in line for line in lines)
    starts = [re.search(r"p\d+@", line) for line in lines]
    columns = [match.start() for match in starts if match]
    assert columns == sorted(columns) and len(set(columns)) == DEEPEST_INDENT + 1


def test_a_deep_fork_keeps_the_order_and_says_the_depth() -> None:
    lines = shown(30, fork_at=20)
    text = "\n".join(lines)
    assert (
        text.index("[depth 21] ")
        < text.index(" s21")
        < text.index("[depth 21] ", text.index(" s29"))
    )
    assert re.search(r"\[depth 21\] .*fork", text)


def test_html_indents_up_to_the_limit_and_writes_deeper_depths() -> None:
    html = thread_html(*chain(40))
    assert "margin-left: " + f"{DEEPEST_INDENT * 1.5}em" in html
    assert f"margin-left: {(DEEPEST_INDENT + 1) * 1.5}em" not in html
    assert html.count("[depth ") == 40 - DEEPEST_INDENT - 1 and "<b>[depth 39]</b>" in html
