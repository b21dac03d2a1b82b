"""The ``emlkit`` command line: a thin shell over the library. No logic lives here.

Each command imports the renderers it uses when it runs, so that ``emlkit index -q`` and
``--json`` start without rich or the other commands' views: ``import emlkit.cli`` takes
0.08 s instead of 0.22 s, of a run with nothing to do whose target is half a second.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

import click

import emlkit.api as api
from emlkit.api.constants import DOCUMENT_FORMATS, EXPORT_FORMATS, TIMELINE_PERIODS
from emlkit.errors import EmlkitError, UsageError

_DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="EMLKIT_DB",
    help="The index database (default: $EMLKIT_DB, else .emlkit/index.db here).",
)


def _stderr(line: str) -> None:
    from emlkit.render.terminal import printable

    click.echo(f"emlkit: {printable(line)}", err=True)


def _show(view: object) -> None:
    """Print a rich view on stdout, control characters from mail shown as symbols."""
    from emlkit.render.terminal import SafeConsole

    SafeConsole(highlight=False).print(view)


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
    from emlkit.parse import iter_messages
    from emlkit.render import message_json, message_view
    from emlkit.render.terminal import SafeConsole

    console = SafeConsole(soft_wrap=False, highlight=False)
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
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes that parse, the main one included (default: all cores).",
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
    try:
        if quiet or as_json:
            run = api.update_index(paths, db=db, jobs=jobs, case=case_file)
        else:
            run = _index_with_progress(paths, db, jobs, case_file)
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except EmlkitError as error:
        raise click.ClickException(str(error)) from error
    summary = run.summary
    from emlkit.render.indexing import summary_json, summary_view

    if as_json:
        click.echo(summary_json(summary))
    elif not quiet:
        _show(summary_view(summary))
        if run.case is not None:
            click.echo(f"case stored: {run.case_summary()}")
    for failure in summary.failed + summary.unreadable_folders:
        where = failure.path if failure.index is None else f"{failure.path} #{failure.index}"
        _stderr(f"{where}: {failure.reason}")
    if not summary.ok:
        sys.exit(1)


def _index_with_progress(
    paths: Sequence[str], db: str | None, jobs: int | None, case_file: str | None
) -> api.IndexRun:
    from emlkit.render.indexing import ProgressDisplay
    from emlkit.render.terminal import SafeConsole

    with ProgressDisplay(SafeConsole(stderr=True)) as display:
        return api.update_index(paths, db=db, jobs=jobs, case=case_file, progress=display.update)


def _open_index(db: str | None) -> api.Corpus:
    try:
        return api.open(db=db)
    except EmlkitError as error:
        raise click.ClickException(str(error)) from error


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
    with _open_index(db) as corpus:
        try:
            found = corpus.search(
                query,
                limit=limit,
                sender=sender,
                recipient=recipient,
                since=since,
                until=until,
                annex=annex,
                thread=thread,
            )
        except UsageError as error:
            raise click.UsageError(str(error)) from error
    from emlkit.render.browse import hits_json, hits_view

    hits = list(found)
    if as_json:
        click.echo(hits_json(hits))
    else:
        _show(hits_view(hits))


@main.command(name="thread")
@click.argument("ident")
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
def thread_command(ident: str, db: str | None, as_json: bool) -> None:
    """Print a thread as a tree: date, sender, subject and annex of each message.

    IDENT is a thread id (from search or export), a Message-ID, or a message's row id.
    Messages the thread refers to but the corpus lacks are shown as such.
    """
    with _open_index(db) as corpus:
        try:
            found = corpus.thread(ident)
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    from emlkit.render.browse import thread_json, thread_view

    if as_json:
        click.echo(thread_json(found.tree, found.summaries))
    else:
        _show(thread_view(found.tree, found.summaries))


@main.command(name="conflicts")
@_DB_OPTION
@click.option("--annex", type=int, help="Only conflicts with a version in this annex.")
@click.option("--message-id", help="Only this Message-ID (with or without <>).")
@click.option(
    "--diff-lines",
    default=40,
    show_default=True,
    type=click.IntRange(min=0),
    help="Lines shown of each body diff (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON, in full.")
def conflicts_command(
    db: str | None, annex: int | None, message_id: str | None, diff_lines: int, as_json: bool
) -> None:
    """Show each Message-ID stored with different contents: its versions, the file, annex
    and SHA-256 of every copy, the fields that differ, and a line diff of the bodies.

    Copies that differ only in transport (Received headers, encodings, a Bcc) are one
    version; versions differ in what the author wrote: subject, date, addresses, reply
    headers, text, HTML or attachments.
    """
    with _open_index(db) as corpus:
        try:
            found = corpus.conflicts(annex=annex, message_id=message_id)
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    from emlkit.render.conflicts import conflicts_json, conflicts_view

    if as_json:
        click.echo(conflicts_json(found))
    else:
        _show(conflicts_view(found, diff_lines))


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
    with _open_index(db) as corpus:
        try:
            found = list(corpus.senders(annex))
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    from emlkit.render.senders import senders_json, senders_view

    if as_json:
        click.echo(senders_json(found))
    else:
        _show(senders_view(found))


@main.command(name="correspondents")
@_DB_OPTION
@click.option("--annex", type=int, help="Only messages of this annex.")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(min=0), help="0: all pairs."
)
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
def correspondents_command(db: str | None, annex: int | None, limit: int, as_json: bool) -> None:
    """List who writes to whom: sender → recipient identities (To/Cc/Bcc) with counts."""
    with _open_index(db) as corpus:
        try:
            found = list(corpus.correspondents(annex, limit or None))
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    from emlkit.render.senders import correspondents_json, correspondents_view

    if as_json:
        click.echo(correspondents_json(found))
    else:
        _show(correspondents_view(found))


@main.command(name="timeline")
@_DB_OPTION
@click.option(
    "--by",
    type=click.Choice(TIMELINE_PERIODS),
    default="month",
    show_default=True,
    help="Period (UTC).",
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
    with _open_index(db) as corpus:
        try:
            found = corpus.timeline(by, sender=sender, annex=annex).counts
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    from emlkit.render.timeline import timeline_json, timeline_view

    if as_json:
        click.echo(timeline_json(found))
    else:
        _show(timeline_view(found))


@main.command(name="export")
@_DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
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
    with _open_index(db) as corpus:
        try:
            if output is not None:
                count = corpus.export(fmt, output, annex=annex)
                _stderr(f"{count} messages exported to {output}")
            else:
                corpus.export(fmt, _utf8_stdout(), annex=annex)
                sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()  # the reader (head, less) has had enough
            sys.exit(1)
        except OSError as error:
            raise click.ClickException(f"{output or 'stdout'}: {error.strerror}") from error
        except UsageError as error:  # a file inside the corpus
            raise click.UsageError(str(error)) from error
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
        checked = api.check_case(file)
    except EmlkitError as error:
        raise click.ClickException(str(error)) from error
    for line in checked.lines():
        click.echo(line, err=True)
    summary = checked.summary()
    if summary is None:
        sys.exit(1)
    click.echo(summary)


@main.command(name="verify-quotes")
@_DB_OPTION
@click.option("--annex", type=int, help="Only the claims that cite this annex.")
@click.option("--anywhere", is_flag=True, help="Look in the whole corpus, not the claims' annexes.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
def verify_quotes_command(db: str | None, annex: int | None, anywhere: bool, as_json: bool) -> None:
    """Check that every quote of the case stands verbatim in an email of its claim's annexes.

    Exits 1 when any quote is not found (each is shown with the nearest passage).
    """
    with _open_index(db) as corpus:
        checks = list(corpus.verify_quotes(annex, anywhere))
    from emlkit.render.quotes import quotes_json, quotes_view

    if as_json:
        click.echo(quotes_json(checks))
    else:
        _show(quotes_view(checks))
    if not checks and annex is None:
        raise click.ClickException("no quotes in the index: index a folder with a case.toml")
    if any(not check.found for check in checks):
        sys.exit(1)


_FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(DOCUMENT_FORMATS),
    default="terminal",
    show_default=True,
    help="A terminal view, Markdown, one self-contained HTML page, or JSON.",
)
_OUTPUT_OPTION = click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE, not stdout."
)


def _emit(document: api.Document, output_format: str, output: str | None) -> None:
    """Print a document (an annex's excerpts, the report) to stdout or write it to a file."""
    if output is None:
        rendered = document.render(output_format)
        if isinstance(rendered, str):
            click.echo(rendered, nl=not rendered.endswith("\n"))
        else:
            _show(rendered)
        return
    try:
        document.save(output, output_format)
    except OSError as error:
        raise click.ClickException(f"{output}: {error.strerror}") from error
    except UsageError as error:  # a file inside the corpus
        raise click.UsageError(str(error)) from error
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
    with _open_index(db) as corpus:
        found = corpus.excerpts(annex, claim)
    if not found:
        raise click.ClickException(f"no messages in annex {annex}")
    _emit(found, output_format, output)


@main.command(name="report")
@_DB_OPTION
@_FORMAT_OPTION
@_OUTPUT_OPTION
@click.option(
    "--best",
    type=click.IntRange(min=0),
    help="Excerpts shown per claim, best first (default: 5).",
)
def report_command(
    db: str | None, output_format: str, output: str | None, best: int | None
) -> None:
    """The whole case: each claim with its verified quotes and best excerpts, the provenance
    of every message cited, and each annex with its messages and key quotes.

    The quotes are verified as `emlkit verify-quotes` does; the report is written even when
    some are not found (it says so), so check them with `verify-quotes` in scripts.
    """
    with _open_index(db) as corpus:
        try:
            found = corpus.report(best)
        except EmlkitError as error:
            raise click.ClickException(str(error)) from error
    _emit(found, output_format, output)
