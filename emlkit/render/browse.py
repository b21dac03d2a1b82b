"""Showing what the index holds: search hits with highlighted snippets, and thread trees."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from emlkit.index.queries import MessageSummary, SearchHit
from emlkit.index.threading import Thread, ThreadNode
from emlkit.records import Address
from emlkit.render.markup import AGAIN_NOTE, DEEPEST_INDENT

_MATCH = "bold black on yellow"


def hits_json(hits: list[SearchHit]) -> str:
    """Search hits as a JSON array (best first)."""
    return json.dumps([_hit_dict(hit) for hit in hits], ensure_ascii=False, indent=2)


def hits_view(hits: list[SearchHit]) -> RenderableType:
    """Search hits, best first: a header line per message and its snippet, matches marked."""
    if not hits:
        return Text("no messages match", style="dim")
    blocks: list[RenderableType] = []
    for number, hit in enumerate(hits, start=1):
        blocks.append(_headline(number, hit.message))
        excerpt = Text(hit.snippet)
        for start, end in hit.spans:
            excerpt.stylize(_MATCH, start, end)
        excerpt.pad_left(4)
        blocks.append(excerpt)
        blocks.append(Text(""))
    return Group(*blocks)


def thread_view(thread: Thread, summaries: dict[str, MessageSummary]) -> RenderableType:
    """A thread as a tree: date (with its offset), sender, subject and annex per message."""
    tree = Tree(Text(f"thread {thread.thread_id}", style="bold"))
    stack: list[tuple[ThreadNode, Tree, int]] = [(thread.root, tree, 0)]
    while stack:
        node, parent, depth = stack.pop()
        label = _node_label(node, summaries)
        if depth > DEEPEST_INDENT:  # not indented further: its depth says where it stands
            label = Text(f"[depth {depth}] ", style="bold").append_text(label)
        branch = parent.add(label)
        under = branch if depth < DEEPEST_INDENT else parent
        stack.extend((child, under, depth + 1) for child in reversed(node.children))
    return tree


def thread_json(thread: Thread, summaries: dict[str, MessageSummary]) -> str:
    """A thread as a JSON list of nodes in tree order, each with its depth."""
    nodes = [
        {
            "depth": depth,
            "message_id": node.message_id,
            "missing": node.ghost,
            "by_subject": node.by_subject,
            "again": node.again,
            "message": asdict(summaries[node.key]) if node.key in summaries else None,
        }
        for depth, node in thread.root.walk()
    ]
    return json.dumps({"thread_id": thread.thread_id, "nodes": nodes}, ensure_ascii=False, indent=2)


def _node_label(node: ThreadNode, summaries: dict[str, MessageSummary]) -> Text:
    summary = summaries.get(node.key) if node.key is not None else None
    if summary is None:
        return Text(f"(not in the corpus) <{node.message_id}>", style="dim italic")
    label = Text()
    label.append(summary.date or "no date", style="cyan")
    label.append("  ")
    label.append(_sender(summary), style="green")
    label.append("  ")
    label.append(summary.subject or "(no subject)")
    if summary.annex is not None:
        label.append(f"  [annex {summary.annex}]", style="magenta")
    if node.by_subject:
        label.append("  (joined by subject)", style="dim")
    if node.again:
        label.append(f"  ({AGAIN_NOTE})", style="dim")
    if summary.replies_to_missing:
        label.append(f"\n  replies to <{summary.replies_to_missing}>, not in the corpus", "dim")
    return label


def _headline(number: int, message: MessageSummary) -> Text:
    line = Text(f"{number:>2}. ", style="bold")
    line.append(message.date or "no date", style="cyan")
    line.append("  ")
    line.append(_sender(message), style="green")
    line.append("  ")
    line.append(message.subject or "(no subject)", style="bold")
    if message.annex is not None:
        line.append(f"  [annex {message.annex}]", style="magenta")
    line.append(f"\n    {message.path or ''}  <{message.message_id}>", style="dim")
    return line


def _sender(message: MessageSummary) -> str:
    return Address(message.from_name, message.from_address).label() or "(no sender)"


def _hit_dict(hit: SearchHit) -> dict[str, Any]:
    return {
        **asdict(hit.message),
        "score": hit.score,
        "snippet": hit.snippet,
        "spans": [list(span) for span in hit.spans],
    }
