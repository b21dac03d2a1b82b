"""The ``emlkit`` command line: a thin shell over the library. No logic lives here."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

import click
from rich.console import Console, RenderableType

from emlkit.claims.case import case_summary, read_case
from emlkit.claims.excerpts import annex_excerpts
from emlkit.claims.indexing import index_case
from emlkit.claims.quotes import verify_quotes
from emlkit.claims.report import BEST_EXCERPTS, build_report
from emlkit.errors import EmlkitError, UsageError
from emlkit.index.export import FORMATS, export, export_file
from emlkit.index.indexer import default_db_path
from emlkit.index.queries import SearchFilters, find_thread, search
from emlkit.index.senders import correspondents, senders
from emlkit.index.store import Store
from emlkit.index.timeline import PERIODS, TimelineFilters, timeline
from emlkit.parse import iter_messages
from emlkit.render import message_json, message_view
from emlkit.render.browse import hits_json, hits_view, thread_json, thread_view
from emlkit.render.excerpts import (
    excerpts_html,
    excerpts_json,
    excerpts_markdown,
    excerpts_view,
)
from emlkit.render.indexing import ProgressDisplay, summary_json, summary_view
from emlkit.render.markup import plain_text
from emlkit.render.quotes import quotes_json, quotes_view
from emlkit.render.report import report_html, report_json, report_markdown, report_view
from emlkit.render.senders import (
    correspondents_json,
    correspondents_view,
    senders_json,
    senders_view,
)
from emlkit.render.timeline import timeline_json, timeline_view

_DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="EMLKIT_DB",
    help="The index database (default: $EMLKIT_DB, else .emlkit/index.db here).",
)


def _stderr(line: str) -> None:
    click.echo(f"emlkit: {line}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="emlkit", prog_name="emlkit")
def main() -> None:
    """Turn piles of .eml files into evidence: parse, index, excerpt, verify."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message per line.")
@click.option(
    "--body-lines",
    default=30,
    show_default=True,
    type=click.IntRange(min=0),
    help="Lines of body text shown in the readable view (0: all).",
)
def parse(paths: Sequence[str], as_json: bool, body_lines: int) -> None:
    """Parse .eml and mbox files (or folders of them) and print one record per message.

    Exits 1 when any input is not a message, with one line per failure on stderr.
    """
    console = Console(soft_wrap=False, highlight=False)
    failed = 0
    try:
        for message in iter_messages(paths):
            if message.failure is not None:
                failed += 1
                _stderr(f"{message.source.path}: {message.failure.reason}")
                if not as_json:
                    continue
            if as_json:
                click.echo(message_json(message))
            else:
                console.print(message_view(message, body_lines))
    except EmlkitError as error:
        raise click.ClickException(str(error)) from error
    if failed:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@_DB_OPTION
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--case",
    "case_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The case file (default: a case.toml directly in a given folder).",
)
def index(
    paths: Sequence[str],
    db: str | None,
    jobs: int | None,
    quiet: bool,
    as_json: bool,
    case_file: str | None,
) -> None:
    """Index .eml and mbox files (or folders of them) into a SQLite database.

    A second run parses only what changed. Exits 1 when some inputs failed (the rest is
    indexed), with one line per failure on stderr.
    """
    errors = Console(stderr=True)
    try:
        with ProgressDisplay(errors, quiet=quiet or as_json) as display:
            summary, case = index_case(list(paths), db, jobs, display.update, case_file)
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except EmlkitError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(summary_json(summary))
    elif not quiet:
        Console(highlight=False).print(summary_view(summary))
        if case is not None:
            click.echo(f"case stored: {case_summary(case.path, case).removesuffix(': OK')}")
    for failure in summary.failed:
        where = failure.path if failure.index is None else f"{failure.path} #{failure.index}"
        _stderr(f"{where}: {failure.reason}")
    if not summary.ok:
        sys.exit(1)


def _open_index(db: str | None) -> Store:
    path = db or str(default_db_path())
    try:
        return Store(path, readonly=True)
    except EmlkitError as error:
        raise click.ClickException(f"{error}; run `emlkit index PATH` first") from error


@main.command(name="search")
@click.argument("query")
@_DB_OPTION
@click.option("--from", "sender", help="Only messages from this address or name (a part of it).")
@click.option("--to", "recipient", help="Only messages to (or Cc/Bcc) this address or name.")
@click.option("--since", type=click.DateTime(), help="Only messages sent on or after (UTC).")
@click.option("--until", type=click.DateTime(), help="Only messages sent before (UTC).")
@click.option("--annex", type=int, help="Only messages of this annex.")
@click.option("--thread", help="Only messages of this thread id.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search_command(
    query: str,
    db: str | None,
    sender: str | None,
    recipient: str | None,
    since: datetime | None,
    until: datetime | None,
    annex: int | None,
    thread: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search the index: ranked hits (BM25) with highlighted snippets.

    Words find their inflected forms (Snowball stemming) and their spelling in the other
    script (Yegorova finds Егорова). "a phrase", OR, -word and (groups) work as in a web
    search. A malformed query is a usage error (exit 2).
    """
    filters = SearchFilters(sender, recipient, since, until, annex, thread)
    with _open_index(db) as store:
        try:
            hits = search(store, query, filters, limit)
        except UsageError as error:
            raise click.UsageError(str(error)) from error
    if as_json:
        click.echo(hits_json(hits))
    else:
        Console(highlight=False).print(hits_view(hits))


@main.command(name="thread")
@click.argument("ident")
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
def thread_command(ident: str, db: str | None, as_json: bool) -> None:
    """Print a thread as a tree: date, sender, subject and annex of each message.

    IDENT is a thread id (from search or export), a Message-ID, or a message's row id.
    Messages the thread refers to but the corpus lacks are shown as such.
    """
    with _open_index(db) as store:
        try:
            thread, summaries = find_thread(store, ident)
        except UsageError as error:
            raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(thread_json(thread, summaries))
    else:
        Console(highlight=False).print(thread_view(thread, summaries))


@main.command(name="senders")
@_DB_OPTION
@click.option("--annex", type=int, help="Only messages of this annex.")
@click.option("--json", "as_json", is_flag=True, help="Print the senders as JSON.")
def senders_command(db: str | None, annex: int | None, as_json: bool) -> None:
    """List identities by messages sent: mailboxes, name variants, first and last date.

    One identity is one mailbox with all its display names; mailboxes whose display names
    are the same two or more words in Cyrillic or Latin (Anna Yegorova, Егорова Анна) are
    merged, and each merge is shown.
    """
    with _open_index(db) as store:
        try:
            found = senders(store, annex)
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(senders_json(found))
    else:
        Console(highlight=False).print(senders_view(found))


@main.command(name="correspondents")
@_DB_OPTION
@click.option("--annex", type=int, help="Only messages of this annex.")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(min=0), help="0: all pairs."
)
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
def correspondents_command(db: str | None, annex: int | None, limit: int, as_json: bool) -> None:
    """List who writes to whom: sender → recipient identities (To/Cc/Bcc) with counts."""
    with _open_index(db) as store:
        try:
            found = correspondents(store, annex, limit or None)
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(correspondents_json(found))
    else:
        Console(highlight=False).print(correspondents_view(found))


@main.command(name="timeline")
@_DB_OPTION
@click.option(
    "--by", type=click.Choice(PERIODS), default="month", show_default=True, help="Period (UTC)."
)
@click.option("--from", "sender", help="Only messages from identities matching this text.")
@click.option("--annex", type=int, help="Only messages of this annex.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def timeline_command(
    db: str | None, by: str, sender: str | None, annex: int | None, as_json: bool
) -> None:
    """Count messages per day, ISO week or month (UTC), and list the date anomalies.

    Flagged: a Date later than the first Received hop by more than an hour or earlier by
    more than a day, and dates not read from a valid Date header.
    """
    with _open_index(db) as store:
        try:
            found = timeline(store, by, TimelineFilters(sender, annex))
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(timeline_json(found))
    else:
        Console(highlight=False).print(timeline_view(found))


@main.command(name="export")
@_DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="JSON lines, or CSV with lists as JSON text.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE (default: stdout)."
)
@click.option("--annex", type=int, help="Only messages of this annex.")
def export_command(db: str | None, fmt: str, output: str | None, annex: int | None) -> None:
    """Export one row per message (forwarded ones too) as JSON lines or CSV.

    Rows have the ids, paths, hashes, annex, thread and parent, subject, addresses, dates
    (with offset and in UTC), references, attachments, defects and date anomalies.
    """
    with _open_index(db) as store:
        try:
            if output is not None:
                count = export_file(store, fmt, output, annex)
                _stderr(f"{count} messages exported to {output}")
            else:
                export(store, fmt, _utf8_stdout(), annex)
                sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()  # the reader (head, less) has had enough
            sys.exit(1)
        except OSError as error:
            raise click.ClickException(f"{output or 'stdout'}: {error.strerror}") from error
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error


def _utf8_stdout() -> TextIO:
    """Standard output as UTF-8 without newline translation (CSV writes its own CRLF)."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    return sys.stdout


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that exiting does not fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@main.group()
def case() -> None:
    """Case files: the letter, its numbered annexes and the claims they back."""


@case.command(name="check")
@click.argument(
    "file", default="case.toml", type=click.Path(exists=True, dir_okay=False, readable=True)
)
def case_check(file: str) -> None:
    """Check a case file (default: case.toml here) and print every problem with its line.

    Problems go to stderr as FILE:LINE: error: message (or warning); on success a one-line
    summary goes to stdout. Exits 1 when there are errors (warnings alone exit 0).
    """
    try:
        found, problems = read_case(file)
    except EmlkitError as error:
        raise click.ClickException(str(error)) from error
    for problem in problems:
        click.echo(problem.format(file), err=True)
    if found is None:
        sys.exit(1)
    click.echo(case_summary(file, found))


@main.command(name="verify-quotes")
@_DB_OPTION
@click.option("--annex", type=int, help="Only the claims that cite this annex.")
@click.option("--anywhere", is_flag=True, help="Look in the whole corpus, not the claims' annexes.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
def verify_quotes_command(db: str | None, annex: int | None, anywhere: bool, as_json: bool) -> None:
    """Check that every quote of the case stands verbatim in an email of its claim's annexes.

    Exits 1 when any quote is not found (each is shown with the nearest passage).
    """
    with _open_index(db) as store:
        checks = verify_quotes(store, annex, anywhere)
    if as_json:
        click.echo(quotes_json(checks))
    else:
        Console(highlight=False).print(quotes_view(checks))
    if not checks and annex is None:
        raise click.ClickException("no quotes in the index: index a folder with a case.toml")
    if any(not check.found for check in checks):
        sys.exit(1)


_OUTPUT_FORMATS = ("terminal", "markdown", "html", "json")
_FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(_OUTPUT_FORMATS),
    default="terminal",
    show_default=True,
    help="A terminal view, Markdown, one self-contained HTML page, or JSON.",
)
_OUTPUT_OPTION = click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE, not stdout."
)
_FILE_WIDTH = 100  # the terminal view written to a file: a fixed width, no colour


def _emit(rendered: str | RenderableType, output: str | None) -> None:
    """Print a rendered document (text, or a rich view) to stdout or write it to a file."""
    try:
        if output is None:
            if isinstance(rendered, str):
                click.echo(rendered, nl=not rendered.endswith("\n"))
            else:
                Console(highlight=False).print(rendered)
            return
        with open(output, "w", encoding="utf-8") as handle:
            if isinstance(rendered, str):
                handle.write(rendered if rendered.endswith("\n") else rendered + "\n")
            else:
                handle.write(plain_text(rendered, _FILE_WIDTH))
    except OSError as error:
        raise click.ClickException(f"{output}: {error.strerror}") from error
    _stderr(f"written to {output}")


@main.command(name="excerpt")
@_DB_OPTION
@click.option("--annex", type=int, required=True, help="The annex to report on.")
@click.option("--claim", help="Only this claim (by id).")
@_FORMAT_OPTION
@_OUTPUT_OPTION
def excerpt_command(
    db: str | None, annex: int, claim: str | None, output_format: str, output: str | None
) -> None:
    """Each message of an annex, in thread and date order, with the passages that support
    the claims tied to the annex (or, with no claims, the message's own text)."""
    with _open_index(db) as store:
        claims, found = annex_excerpts(store, annex, claim)
    if not found:
        raise click.ClickException(f"no messages in annex {annex}")
    renderers = {
        "terminal": excerpts_view,
        "markdown": excerpts_markdown,
        "html": excerpts_html,
        "json": excerpts_json,
    }
    _emit(renderers[output_format](annex, claims, found), output)


@main.command(name="report")
@_DB_OPTION
@_FORMAT_OPTION
@_OUTPUT_OPTION
@click.option(
    "--best",
    default=BEST_EXCERPTS,
    show_default=True,
    type=click.IntRange(min=0),
    help="Excerpts shown per claim, best first.",
)
def report_command(db: str | None, output_format: str, output: str | None, best: int) -> None:
    """The whole case: each claim with its verified quotes and best excerpts, the provenance
    of every message cited, and each annex with its messages and key quotes.

    The quotes are verified as `emlkit verify-quotes` does; the report is written even when
    some are not found (it says so), so check them with `verify-quotes` in scripts.
    """
    with _open_index(db) as store:
        try:
            built = build_report(store, best)
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    renderers = {
        "terminal": report_view,
        "markdown": report_markdown,
        "html": report_html,
        "json": report_json,
    }
    _emit(renderers[output_format](built), output)
