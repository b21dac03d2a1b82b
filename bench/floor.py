"""Baseline parsers over every file of a corpus, in one process or in several.

``python bench/floor.py --parser compat32 --jobs 1 CORPUS`` reads every file under CORPUS
and parses it with ``email.message_from_bytes(data, policy=compat32)`` (the stdlib floor:
the split into headers and MIME parts that emlkit builds on, without any decoding);
``--parser mailparser`` runs mail-parser's whole-message parse (``parse_from_bytes``:
headers, addresses, dates, Received hops, bodies, attachments). ``--parser emlkit`` runs
``emlkit.parse_bytes`` (the parse an index run does in its workers, without storing).
With ``--jobs J`` the files are shared among J forked processes.

Prints one JSON object: messages parsed, bytes read, seconds (wall, including starting the
processes).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from email import message_from_bytes
from email.policy import compat32
from multiprocessing import get_context
from pathlib import Path


def _compat32(data: bytes) -> object:
    return message_from_bytes(data, policy=compat32)


def _mailparser(data: bytes) -> object:
    import mailparser

    return mailparser.parse_from_bytes(data)


def _emlkit(data: bytes) -> object:
    from emlkit.parse.message import parse_bytes

    return parse_bytes(data)


PARSERS: dict[str, Callable[[bytes], object]] = {
    "compat32": _compat32,
    "mailparser": _mailparser,
    "emlkit": _emlkit,
}
_parse: Callable[[bytes], object] = _compat32


def corpus_files(root: Path) -> list[str]:
    """Every regular file under ``root`` (hidden folders skipped), sorted."""
    found: list[str] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(os.path.join(folder, name) for name in sorted(files))
    return found


def _init(name: str) -> None:
    global _parse
    _parse = PARSERS[name]
    _parse(b"From: a@example.org\n\nwarm-up\n")  # import the parser before the clock matters


def _one(path: str) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    _parse(data)
    return len(data)


def run(root: Path, name: str, jobs: int) -> dict[str, object]:
    files = corpus_files(root)
    _init(name)  # imported before the clock starts and before the processes fork
    started = time.perf_counter()
    if jobs == 1:
        size = sum(_one(path) for path in files)
    else:
        context = get_context("fork")
        with context.Pool(jobs, initializer=_init, initargs=(name,)) as pool:
            size = sum(pool.imap_unordered(_one, files, chunksize=32))
    seconds = time.perf_counter() - started
    return {
        "parser": name,
        "jobs": jobs,
        "messages": len(files),
        "bytes": size,
        "seconds": round(seconds, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--parser", choices=sorted(PARSERS), default="compat32")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.corpus, args.parser, max(1, args.jobs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
