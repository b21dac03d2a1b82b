"""emlkit: turn piles of ``.eml`` files into evidence.

The parser layer reads bytes into immutable :class:`Message` records::

    import emlkit
    for message in emlkit.iter_messages("samples/"):
        print(message.date.value, message.from_, message.subject)

The notebook API indexes a folder and reads the index::

    with emlkit.open("samples/", db="/tmp/samples.db") as corpus:
        corpus.search("пистолет").to_pandas()

See ``docs/`` for the record, the charset trail, the defects and the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emlkit.errors import (
    CaseError,
    EmlkitError,
    InputError,
    MissingDependencyError,
    NotFoundError,
    QueryError,
    StoreError,
    UsageError,
    WorkerError,
)
from emlkit.lazy import lazy_names
from emlkit.parse import iter_mail_files, os_path, path_text
from emlkit.policy import Policy
from emlkit.records import (
    Address,
    Attachment,
    CharsetMethod,
    CharsetTrail,
    DateSource,
    Defect,
    DefectKind,
    Failure,
    FailureKind,
    Header,
    Message,
    MessageDate,
    ParentLink,
    ReceivedHop,
    Source,
)

if TYPE_CHECKING:
    from emlkit.api import (
        CaseReport,
        Corpus,
        Correspondents,
        Excerpts,
        IndexedMessage,
        IndexRun,
        MessageSet,
        QuoteChecks,
        SearchResults,
        Senders,
        Thread,
        ThreadEntry,
        Threads,
        Timeline,
        open,
    )
    from emlkit.parse import iter_file_messages, iter_messages, parse_bytes, parse_file

__version__ = "0.1.0"

_API = frozenset(
    {
        "CaseReport",
        "Corpus",
        "Correspondents",
        "Excerpts",
        "IndexedMessage",
        "IndexRun",
        "MessageSet",
        "QuoteChecks",
        "SearchResults",
        "Senders",
        "Thread",
        "ThreadEntry",
        "Threads",
        "Timeline",
        "open",
    }
)
"""The notebook API's names: imported on first use, so ``import emlkit`` stays light (index
workers and parse-only scripts never load the index, claims or renderers for it)."""

_PARSING = frozenset({"iter_file_messages", "iter_messages", "parse_bytes", "parse_file"})
"""The parser's functions: imported on first use too, so that the main process of an index
run, which only walks and stores, never loads the parser (its workers do)."""

_HOME = {name: "emlkit.api" for name in _API} | {name: "emlkit.parse" for name in _PARSING}


__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())

__all__ = [
    "Address",
    "Attachment",
    "CaseError",
    "CaseReport",
    "CharsetMethod",
    "CharsetTrail",
    "Corpus",
    "Correspondents",
    "DateSource",
    "Defect",
    "DefectKind",
    "EmlkitError",
    "Excerpts",
    "Failure",
    "FailureKind",
    "Header",
    "IndexRun",
    "IndexedMessage",
    "InputError",
    "Message",
    "MessageDate",
    "MessageSet",
    "MissingDependencyError",
    "NotFoundError",
    "ParentLink",
    "Policy",
    "QueryError",
    "QuoteChecks",
    "ReceivedHop",
    "SearchResults",
    "Senders",
    "Source",
    "StoreError",
    "Thread",
    "ThreadEntry",
    "Threads",
    "Timeline",
    "UsageError",
    "WorkerError",
    "__version__",
    "iter_file_messages",
    "iter_mail_files",
    "iter_messages",
    "open",
    "os_path",
    "parse_bytes",
    "parse_file",
    "path_text",
]
