"""Whether a change to the parser changed any record: HEAD's records against the work tree's.

    python bench/same_records.py [--ref DIR] [--details N] [PATH ...]

Exports the committed ``HEAD`` (``git archive HEAD``; or uses ``--ref``, an exported tree),
then parses every message under the paths (default: ``/work/shared/corpora``, the samples,
the test fixtures and ``/tmp/c2k/corpus``) twice, in two subprocesses at once: one importing
emlkit from the export, one from this work tree. Each message is compared by a digest of
every key of ``Message.as_dict()``, of the whole record's ``repr`` (which also holds each
date's own offset and every ``ReceivedHop`` field), of the search columns
(``emlkit.index.rows.search_columns``) and of the store's rows (``message_rows``), and every
``Received`` header is also parsed on its own. Prints each difference, the first ``N`` with
both values, and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = (
    "/work/shared/corpora",
    str(ROOT / "samples"),
    str(ROOT / "tests" / "fixtures"),
    "/tmp/c2k/corpus",
)
Digests = dict[str, dict[str, str]]


def _digest(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=repr)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _fields(message: Any) -> dict[str, object]:
    """Everything compared of one top-level record (forwarded records are inside it)."""
    from emlkit.index.rows import message_rows, search_columns
    from emlkit.parse.received import parse_received

    fields: dict[str, object] = dict(message.as_dict())
    fields["repr"] = repr(message)
    if message.failure is None:
        columns = search_columns(message)
        fields["search_columns"] = columns
        fields["message_rows"] = repr(message_rows(message, columns))
        singles = []
        for record in message.walk():
            for header in record.headers:
                if header.name.lower() == "received":
                    defects: list[object] = []
                    singles.append(repr((parse_received([header.raw], defects), defects)))
        fields["received_single"] = singles
    return fields


def _messages(paths: list[str]) -> Iterator[tuple[str, Any]]:
    from emlkit.parse.reader import iter_messages

    for message in iter_messages(paths):
        key = f"{message.source.path}#{message.source.index}"
        yield key, message


def dump(paths: list[str], out: Path, show: list[str]) -> None:
    """The subprocess' work: digests of every message (or, with ``show``, full values)."""
    import emlkit

    print(f"parsing with {Path(emlkit.__file__).parent}", file=sys.stderr)
    wanted = set(show)
    result: dict[str, dict[str, str]] = {}
    for key, message in _messages(paths):
        if wanted and key not in wanted:
            continue
        fields = _fields(message)
        if wanted:
            result[key] = {name: json.dumps(value, default=repr) for name, value in fields.items()}
        else:
            result[key] = {name: _digest(value) for name, value in fields.items()}
    out.write_bytes(pickle.dumps(result))


def _run(tree: Path, paths: list[str], out: Path, show: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    command = [sys.executable, __file__, "--dump", str(out), *paths]
    for key in show:
        command += ["--show", key]
    # Run from the tree itself, so that its emlkit is the one imported.
    return subprocess.Popen(command, env=env, cwd=tree)


def _both(ref: Path, paths: list[str], show: list[str]) -> tuple[Digests, Digests]:
    with tempfile.TemporaryDirectory(prefix="same-records-") as work:
        outs = (Path(work) / "ref.pickle", Path(work) / "new.pickle")
        runs = [_run(tree, paths, out, show) for tree, out in zip((ref, ROOT), outs, strict=True)]
        for run in runs:
            if run.wait() != 0:
                raise SystemExit(f"a parse subprocess failed ({run.args[:2]})")
        loaded = [pickle.loads(out.read_bytes()) for out in outs]
    return loaded[0], loaded[1]


def _export_head() -> Path:
    target = Path(tempfile.mkdtemp(prefix="emlkit-head-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _differences(old: Digests, new: Digests) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old or key not in new:
            found.append((key, "<message only in " + ("HEAD>" if key in old else "work tree>")))
            continue
        for name in sorted(old[key].keys() | new[key].keys()):
            if old[key].get(name) != new[key].get(name):
                found.append((key, name))
    return found


def main(argv: list[str] | None = None) -> int:
    """Compare HEAD's records with the work tree's; 0 when they are all the same."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--ref", type=Path, help="an exported tree to compare with (else HEAD)")
    parser.add_argument("--details", type=int, default=5, help="differences shown in full")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--show", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = args.paths or [p for p in DEFAULT_PATHS if Path(p).exists()]
    if args.dump is not None:
        dump(paths, args.dump, args.show)
        return 0
    ref = args.ref or _export_head()
    old, new = _both(ref, paths, [])
    found = _differences(old, new)
    fields = sum(len(v) for v in new.values())
    print(f"{len(new)} messages, {fields} fields compared under {', '.join(paths)}")
    print(f"reference: {ref}")
    for key, name in found:
        print(f"DIFFERENT {key}: {name}")
    shown = sorted({key for key, _ in found})[: args.details]
    if shown:
        old_values, new_values = _both(ref, paths, shown)
        for key, name in found:
            if key in shown and key in old_values and key in new_values:
                print(f"\n--- {key} {name}\nHEAD: {old_values[key].get(name, '')[:2000]}")
                print(f"work: {new_values[key].get(name, '')[:2000]}")
    print(f"{len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
