"""Every CPU-second of a cold index run, by stage: where emlkit spends what mu does not.

    pip install py-spy          # the sampling profiler; not a dependency of emlkit
    python bench/budget.py CORPUS [--rate 200] [--runs 1]

A cold ``emlkit index CORPUS --jobs 1`` does in one process all the work that a run with
workers spreads over several (the parse, the search columns and the rows, and the store), so
one process' CPU time is the whole run's, and one profiler sees all of it. The script:

1. runs that command ``--runs`` times into new databases and takes the median of its CPU
   seconds (user + system, from ``wait4``), without a profiler;
2. runs it once more under ``py-spy record --format raw`` (sampling: unlike cProfile it does
   not inflate code made of many small Python calls);
3. puts each sample in the first stage of :data:`STAGES` whose function is on its stack,
   and prints each stage's share of the samples and its share of the median CPU seconds, as
   a Markdown table.

On two cores the cold run is bound by CPU (both cores busy from the first rows to the last),
so its wall time is about half its CPU seconds, and this table is what a change has to
shrink.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

STAGES: tuple[tuple[str, str], ...] = (
    # (stage, a function on the sample's stack); the first match takes the sample.
    ("last phase: threading and identities", "refresh_derived"),
    ("search columns: stems and keys of every word", "search_columns"),
    ("store rows and their JSON, built for the store", "message_rows"),
    ("MIME split (`split_message`: the scan, or the stdlib)", "split_message"),
    ("Received hops", "parse_received"),
    ("addresses", "parse_addresses"),
    ("Date", "resolve_date"),
    ("MIME walk: body text, charsets, HTML", "_add_text"),
    ("MIME walk: payloads decoded (base64, QP)", "_payload"),
    ("MIME walk: the rest (attachments, forwards, checks)", "walk_body"),
    ("header values decoded, raw headers", "build_record"),
    ("SHA-256 of each message", "make_source"),
    ("reading the files", "read_with_stat"),
    ("SQLite: the message rows", "add_rows"),
    ("SQLite: batched rows and FTS5 (`flush`)", "flush"),
    ("SQLite: commits (WAL writes, checkpoints)", "_maybe_commit"),
    ("per file: stat, file row, mbox sniff", "_open_file"),
    ("the walk and what to parse", "record_walk"),
    ("the walk and what to parse", "_decide"),
    ("the walk and what to parse", "_chunks"),
    ("the walk and what to parse", "_todo_paths"),
    ("parse: the rest", "parse_bytes"),
    ("start-up, imports and the rest of the command", "<module>"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples a second")
    parser.add_argument("--runs", type=int, default=1, help="unprofiled runs for the CPU")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or _beside_python("py-spy")
    if py_spy is None:
        print("budget.py: py-spy not found; pip install py-spy", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="emlkit-budget-") as scratch:
        work = Path(scratch)
        cpu = statistics.median(
            _cpu_seconds(_index_command(args.corpus, work / f"run{n}.db")) for n in range(args.runs)
        )
        raw = work / "samples.txt"
        profiled = _index_command(args.corpus, work / "profiled.db")
        record = [py_spy, "record", "--format", "raw", "--rate", str(args.rate)]
        subprocess.run(
            [*record, "--output", str(raw), "--", *profiled],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        counts, total = _stage_counts(raw)
    print(
        f"cold `emlkit index --jobs 1`: {cpu:.1f} CPU-s (median of {args.runs}), {total} samples\n"
    )
    print("| stage | CPU-s | share |")
    print("| --- | --- | --- |")
    for stage, samples in counts.most_common():
        print(f"| {stage} | {cpu * samples / total:.1f} | {100 * samples / total:.0f} % |")
    return 0


def _index_command(corpus: Path, db: Path) -> list[str]:
    emlkit = [sys.executable, "-m", "emlkit", "index", str(corpus), "--db", str(db)]
    return [*emlkit, "--jobs", "1", "--quiet"]


def _cpu_seconds(command: list[str]) -> float:
    """User + system CPU seconds of a command (its whole process tree), from ``wait4``."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: some inputs failed
        raise SystemExit(f"budget.py: {' '.join(command)} failed")
    return usage.ru_utime + usage.ru_stime


def _stage_counts(raw: Path) -> tuple[collections.Counter[str], int]:
    """Samples by stage from py-spy's raw output (one ``frame;frame;… count`` per line)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        functions = {frame.split(" (", 1)[0].rpartition(".")[2] for frame in stack.split(";")}
        samples = int(number)
        total += samples
        stage = next((name for name, function in STAGES if function in functions), "other")
        counts[stage] += samples
    return counts, total


def _beside_python(name: str) -> str | None:
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else None


if __name__ == "__main__":
    sys.exit(main())
