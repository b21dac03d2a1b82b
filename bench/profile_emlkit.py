"""Where emlkit's time goes: cProfile over the parse (and the store) of generated messages.

    python bench/profile_emlkit.py --count 500 [--seed 1] [--corpus DIR] [--top 25]

Generates ``count`` messages (``bench/generate.py``; or reads ``--corpus``), then in this one
process profiles (1) ``emlkit.parse_bytes`` on every message, the work of an index run's
workers, and (2) an ``index_paths`` run with one job, which adds the main process' work:
hashing, the search columns (stems and keys) and the SQLite writes. For each it prints the
share of time of the pipeline's stages (cumulative time of their functions) and the top
functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

# Stages of the pipeline, by the function whose cumulative time measures them.
PARSE_STAGES = (
    ("stdlib compat32 split (BytesParser)", "emlkit/parse/message.py", "_stdlib_parse"),
    ("MIME walk, total (below: its parts)", "emlkit/parse/mime.py", "walk_body"),
    ("  body charset decoding (decode_text)", "emlkit/parse/charsets.py", "decode_text"),
    ("  of which chardet.detect_all", "chardet/__init__.py", "detect_all"),
    ("  payload decoding (get_payload)", "emlkit/parse/mime.py", "_payload"),
    ("  HTML to text", "emlkit/parse/html.py", "html_to_text"),
    ("  attachments (hash, filename)", "emlkit/parse/mime.py", "_attachment"),
    ("  forwarded re-serialised", "emlkit/parse/mime.py", "serialize"),
    ("headers decoded (decode_header)", "emlkit/parse/headers.py", "decode_header"),
    ("raw headers (_raw_headers)", "emlkit/parse/message.py", "_raw_headers"),
    ("addresses (parse_addresses)", "emlkit/parse/addresses.py", "parse_addresses"),
    ("Received (parse_received)", "emlkit/parse/received.py", "parse_received"),
    ("  of which the scan of plain headers (scan_hop)", "emlkit/parse/received.py", "scan_hop"),
    ("  of which mail-parser, irregular headers", "mailparser/utils.py", "parse_received"),
    ("  of which hop dates (parse_rfc_date)", "emlkit/parse/dates.py", "parse_rfc_date"),
    ("Date (resolve_date)", "emlkit/parse/dates.py", "resolve_date"),
    ("message ids", "emlkit/parse/headers.py", "parse_id_list"),
    ("SHA-256 of the message (make_source)", "emlkit/parse/message.py", "make_source"),
    ("sniffing (sniff_failure)", "emlkit/parse/sniff.py", "sniff_failure"),
)
INDEX_STAGES = (
    ("parse (parse_chunk)", "emlkit/parse/reader.py", "parse_chunk"),
    ("rows of a message (message_rows, in the workers)", "emlkit/index/rows.py", "message_rows"),
    ("  search columns (index_columns)", "emlkit/index/text.py", "index_columns"),
    ("store a message (add_rows)", "emlkit/index/store.py", "add_rows"),
    ("  SQLite insert of the message row", "emlkit/index/store.py", "_insert_message"),
    ("  batched inserts of the other rows (flush)", "emlkit/index/store.py", "flush"),
    ("file bookkeeping (_open_file)", "emlkit/index/indexer.py", "_open_file"),
    ("  of which end_reread", "emlkit/index/store.py", "end_reread"),
    ("deciding what changed (_needs_parsing)", "emlkit/index/indexer.py", "_needs_parsing"),
    ("walking the folder (iter_mail_paths)", "emlkit/parse/files.py", "iter_mail_paths"),
    ("threading (rethread)", "emlkit/index/store.py", "rethread"),
    ("commits (_maybe_commit)", "emlkit/index/indexer.py", "_maybe_commit"),
)


def _cumulative(stats: pstats.Stats, path: str, name: str) -> float:
    total = 0.0
    for (file, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and file.endswith(path):
            total += row[3]
    return total


def _report(title: str, stats: pstats.Stats, wall: float, stages: tuple, top: int) -> None:
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n## {title}\n")
    print(f"wall {wall:.2f} s, profiled {total:.2f} s (cProfile adds overhead)\n")
    print("| stage | cumulative s | share |\n|---|---|---|")
    for label, path, name in stages:
        seconds = _cumulative(stats, path, name)
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    print(f"\nTop {top} functions by own time:\n")
    print("| function | calls | own s | own share | cumulative s |\n|---|---|---|---|---|")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    for (file, line, function), (_cc, calls, own, cumulative, _callers) in rows[:top]:
        where = _short(file, line, function)
        print(f"| `{where}` | {calls} | {own:.2f} | {own / total:.0%} | {cumulative:.2f} |")


def _short(file: str, line: int, function: str) -> str:
    if file == "~":
        return function
    for marker in ("/emlkit/", "/site-packages/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line}:{function}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="a corpus made by generate.py")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)

    from emlkit.index.indexer import index_paths
    from emlkit.parse.message import make_source, parse_bytes

    with tempfile.TemporaryDirectory(prefix="emlkit-profile-") as work:
        corpus = args.corpus or Path(work) / "corpus"
        if args.corpus is None:
            generate.generate(corpus, args.count, args.seed)
        files = sorted((corpus / "cur").iterdir())[: args.count]
        blobs = [(path, path.read_bytes()) for path in files]
        size = sum(len(data) for _, data in blobs)
        print(f"{len(blobs)} messages, {size / 1e6:.1f} MB, one process")

        parse_bytes(blobs[0][1])  # imports and caches outside the profile
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for path, data in blobs:
            parse_bytes(data, make_source(data, path))
        profile.disable()
        wall = time.perf_counter() - started
        _report("emlkit parse_bytes", pstats.Stats(profile), wall, PARSE_STAGES, args.top)

        subset = Path(work) / "subset" / "cur"
        subset.mkdir(parents=True)
        for path, data in blobs:
            (subset / path.name).write_bytes(data)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        index_paths([subset.parent], Path(work) / "index.db", jobs=1)
        profile.disable()
        wall = time.perf_counter() - started
        _report("emlkit index_paths, one job", pstats.Stats(profile), wall, INDEX_STAGES, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
