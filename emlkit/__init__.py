"""emlkit: turn piles of ``.eml`` files into evidence.

The parser layer reads bytes into immutable :class:`Message` records::

    import emlkit
    for message in emlkit.iter_messages("samples/"):
        print(message.date.value, message.from_, message.subject)

See ``docs/`` for the record, the charset trail, the defects and the command line.
"""

from __future__ import annotations

from emlkit.errors import EmlkitError, InputError, UsageError
from emlkit.parse import iter_file_messages, iter_mail_files, iter_messages, parse_bytes, parse_file
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

__version__ = "0.1.0"

__all__ = [
    "Address",
    "Attachment",
    "CharsetMethod",
    "CharsetTrail",
    "DateSource",
    "Defect",
    "DefectKind",
    "EmlkitError",
    "Failure",
    "FailureKind",
    "Header",
    "InputError",
    "Message",
    "MessageDate",
    "ParentLink",
    "Policy",
    "ReceivedHop",
    "Source",
    "UsageError",
    "__version__",
    "iter_file_messages",
    "iter_mail_files",
    "iter_messages",
    "parse_bytes",
    "parse_file",
]
