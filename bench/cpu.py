"""CPU seconds of emlkit's parse over a corpus, in this one process: median of several runs.

    python bench/cpu.py [--runs 3] [--rows] CORPUS

Reads every file under CORPUS into memory first (so that the figure is the parse, not the
disk), then times ``parse_bytes`` on each with :func:`time.process_time`, which counts only
this process' CPU (the machine may be shared). With ``--rows`` it times an index worker's
whole share instead: the parse, the search columns and the store's rows. Prints each run and
the median as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from floor import corpus_files  # noqa: E402


def _one_run(blobs: list[tuple[str, bytes]], rows: bool) -> float:
    from emlkit.index.rows import message_rows, search_columns
    from emlkit.parse.message import make_source, parse_bytes

    started = time.process_time()
    for path, data in blobs:
        message = parse_bytes(data, make_source(data, path))
        if rows and message.failure is None:
            message_rows(message, search_columns(message))
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    """Time the parse over a corpus and print the runs and their median."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", action="store_true", help="also the search columns and rows")
    args = parser.parse_args(argv)
    blobs = [(path, Path(path).read_bytes()) for path in corpus_files(args.corpus)]
    _one_run(blobs[:20], args.rows)  # imports outside the clock
    runs = [round(_one_run(blobs, args.rows), 2) for _ in range(args.runs)]
    result = {
        "messages": len(blobs),
        "what": "parse + rows" if args.rows else "parse",
        "runs": runs,
        "median": statistics.median(runs),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
