"""Showing an index run: its progress while it runs and its summary at the end.

rich is imported where a bar or a table is drawn: ``emlkit index --json`` and ``-q`` draw
neither, and start 0.05 s sooner without it.
"""

from __future__ import annotations

import json
import time
from types import TracebackType
from typing import TYPE_CHECKING

from emlkit.index.indexer import IndexSummary, Progress

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

_PLAIN_EVERY_SECONDS = 2.0


class ProgressDisplay:
    """Progress of an index run on stderr: a rich bar on a terminal, plain lines otherwise.

    Use as a context manager and pass :meth:`update` as the run's progress callback.
    """

    def __init__(self, console: Console, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.bar: RichProgress | None = None
        self.task: TaskID | None = None
        self.last_line = 0.0

    def __enter__(self) -> ProgressDisplay:
        if not self.quiet and self.console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(
                TextColumn("indexing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("files · {task.fields[rate]} msg/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("index", total=None, rate="0")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, progress: Progress) -> None:
        """Show a progress report from the run."""
        if self.quiet:
            return
        rate = progress.messages / progress.elapsed if progress.elapsed > 0 else 0.0
        if self.bar is not None and self.task is not None:
            self.bar.update(
                self.task,
                completed=progress.files_done,
                total=progress.files_total,
                rate=f"{rate:.0f}",
            )
            return
        now = time.monotonic()
        finished = progress.files_done == progress.files_total
        if now - self.last_line >= _PLAIN_EVERY_SECONDS or finished:
            self.last_line = now
            self.console.print(
                f"indexing: {progress.files_done}/{progress.files_total} files,"
                f" {progress.messages} messages, {rate:.0f} msg/s",
                highlight=False,
            )


def summary_json(summary: IndexSummary) -> str:
    """The summary of a run as one JSON object."""
    return json.dumps(summary.as_dict(), ensure_ascii=False, indent=2)


def summary_view(summary: IndexSummary) -> RenderableType:
    """The summary of a run as a small table, then each failed and missing input."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"emlkit index → {summary.db}", show_header=False, title_justify="left")
    table.add_column(style="bold cyan")
    table.add_column(justify="right")
    rows = [
        ("files seen", summary.files_seen),
        ("files indexed", summary.files_indexed),
        ("files unchanged", summary.files_unchanged),
        ("files failed", summary.files_failed),
        ("messages indexed", summary.messages_indexed),
        ("forwarded messages", summary.forwarded_indexed),
        ("duplicates", summary.duplicates),
        ("conflicting", summary.conflicting),
        ("threads in the index", summary.threads),
        ("files missing", len(summary.missing)),
        ("seconds", f"{summary.seconds:.2f}"),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    if summary.messages_reread:
        table.add_row("messages re-read", str(summary.messages_reread))
    if summary.messages_removed:
        table.add_row("messages removed", str(summary.messages_removed))
    if summary.unreadable_folders:
        table.add_row("folders unreadable", str(len(summary.unreadable_folders)))
    lines: list[RenderableType] = [table]
    for path in summary.missing:
        lines.append(Text(f"missing: {path} (kept in the index)", style="yellow"))
    return Group(*lines)
