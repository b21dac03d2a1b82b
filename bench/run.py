"""The emlkit benchmark: one run measures emlkit and its baselines on the same corpus.

    python bench/run.py --count 2000 [--count 20000] [--jobs 2] [--keep] [--seed 1]

For each count it generates a synthetic corpus (``bench/generate.py``), reads it once so
that every tool finds it in the page cache, then measures, one after another:

1. the stdlib floor: ``email.message_from_bytes(data, policy=compat32)`` over every file,
   in one process and in ``--jobs`` processes (``bench/floor.py``);
2. mail-parser's whole-message parse, the same way (skip with ``--no-mailparser``);
3. emlkit's parse alone (``emlkit.parse_bytes``), the same way;
4. ``emlkit index`` on a new database (cold), then again with nothing changed, then (on a
   copy of that database) with one reply added between known correspondents;
5. search latency: ~50 queries through ``emlkit.index.queries.search`` on a read-only
   ``Store``, each run once unmeasured and then five times;
6. ``notmuch new`` (cold, then nothing changed) and ``mu init`` + ``mu index`` (cold, then
   nothing changed), when they are installed;
7. with ``--pairs N``, emlkit's and mu's cold index N times in all, alternating, so that the
   cold ratio is the median of N ratios measured close together (the host's speed drifts).

Every command runs as a subprocess, after waiting for the machine's cores to be idle
(``--no-wait`` to skip). Its wall time is measured around it; its CPU time comes from
``wait4``; its memory is sampled from ``/proc`` every 20 ms over its whole process tree
(``VmHWM``, the peak resident set of each process, and the sum of ``VmRSS`` over the tree;
every fifth sample also the sum of ``Pss`` from ``smaps_rollup``, which counts a page shared
by several processes, such as the interpreter's libraries, once), and GNU time's ``%M``
gives the exact peak of the largest process. The CPU time other processes used meanwhile
is recorded, to tell a disturbed run. The ratios compare figures
measured in the same run. Results are printed as a Markdown table and written to
``bench/results/<date>-<count>.json``. ``--emlkit-rev REV`` measures a git revision of
emlkit (exported to a temporary folder) instead of the working tree. See
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

EMLKIT: dict[str, str] = {"description": "", "source": ""}
QUIET = {"wait": True}
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
"""Which emlkit is measured: the installed one, or a commit exported by --emlkit-rev."""

# Russian words in several forms, names in Latin and Cyrillic, phrases, English, operators.
QUERIES = (
    "пистолет",
    "пистолетом",
    "договор",
    "договором аренды",
    '"договор аренды"',
    "встреча",
    "встрече",
    "суд",
    "суде адвокат",
    "адвокатом",
    "прокуратура",
    "обыск",
    "задержание",
    "протокол обыска",
    "деньги",
    "перевод денег",
    "счёт",
    "оплату",
    "сумма рублей",
    "администрации",
    "депутата",
    "тендер",
    "смета",
    "подрядчика участок",
    "журналист",
    "редакции статью",
    "источник",
    "удалить сервер",
    "бэкап",
    "переписку",
    '"задним числом"',
    "срочно OR важно",
    "обыск -задержание",
    "(удалить OR стереть) сервер",
    "перепис*",
    "Zarechnova",
    "Zarechnov",
    "Lesovikova",
    "Tikhomirova",
    "Tishchukov",
    "Yegorin",
    "Abliazin",
    "Заречнова",
    "Громыхалов",
    "Garnett",
    "Holloway",
    "invoice",
    "contract signed",
    "court hearing",
    "backup deleted",
)


# ---------------------------------------------------------------------------------------------
# Measuring one command


@dataclass(slots=True)
class Measured:
    """One subprocess: wall time, exit status, output and memory."""

    command: list[str]
    seconds: float
    returncode: int
    stdout: str = ""
    stderr: str = ""
    main_peak_mb: float = 0.0
    """Peak resident set of the command's own process (VmHWM)."""
    workers_peak_mb: float = 0.0
    """Largest peak resident set among its descendants (0 when there are none)."""
    tree_peak_mb: float = 0.0
    """Largest sum of resident sets over the whole process tree at one sample."""
    tree_pss_peak_mb: float = 0.0
    """Largest sum of proportional set sizes over the tree (shared pages counted once)."""
    maxrss_mb: float = 0.0
    """The peak resident set of the largest single process of the tree (GNU time's %M)."""
    processes: int = 1
    cpu_seconds: float = 0.0
    """User and system CPU time of the whole tree (wait4)."""
    foreign_cpu_seconds: float = 0.0
    """CPU time the machine spent on other processes meanwhile: a sign of a disturbed run."""
    waited_for_quiet: float = 0.0
    """Seconds spent waiting, before the command, for other jobs to leave the cores idle."""


def _busy_seconds() -> float:
    """CPU time (all cores) the machine has spent busy since boot, from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit: float = 300.0, window: float = 2.0, busy_share: float = 0.15) -> float:
    """Wait (up to ``limit`` seconds) for a ``window`` in which the machine is mostly idle.

    On a shared machine another job would otherwise steal the cores a measurement needs.
    Returns the seconds waited.
    """
    started = time.monotonic()
    cores = os.cpu_count() or 1
    while time.monotonic() - started < limit:
        busy = _busy_seconds()
        time.sleep(window)
        if (_busy_seconds() - busy) / (window * cores) < busy_share:
            break
    return round(time.monotonic() - started, 1)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) of a process in KB, or zeros when it is gone."""
    hwm = rss = 0
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return hwm, rss


def _pss_kb(pid: int) -> int:
    """The proportional set size of a process in KB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class _Sampler(threading.Thread):
    def __init__(self, root: int, wrapped: bool, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.wrapped = wrapped
        """Whether ``root`` is GNU time, and the measured command its child."""
        self.main = 0 if wrapped else root
        self.interval = interval
        self.stop = threading.Event()
        self.hwm: dict[int, int] = {}
        self.helpers: set[int] = set()
        self.tree_kb = 0
        self.tree_pss_kb = 0
        self.samples = 0

    def run(self) -> None:
        while not self.stop.is_set():
            pids, queue = [], [self.root]
            while queue:
                pid = queue.pop()
                pids.append(pid)
                queue.extend(_children(pid))
            if self.wrapped:
                pids.remove(self.root)
                if not self.main and pids:
                    self.main = pids[-1]
            total = 0
            for pid in pids:
                hwm, rss = _memory_kb(pid)
                if pid not in self.hwm and "resource_tracker" in _cmdline(pid):
                    self.helpers.add(pid)
                self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
                total += rss
            self.tree_kb = max(self.tree_kb, total)
            if self.samples % 5 == 0:  # smaps_rollup walks the page tables: not every time
                self.tree_pss_kb = max(self.tree_pss_kb, sum(map(_pss_kb, pids)))
            self.samples += 1
            self.stop.wait(self.interval)


def measure(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run ``command`` to its end; its wall time, output and memory (see the module doc)."""
    waited = wait_quiet() if QUIET["wait"] else 0.0
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as timed,
    ):
        # GNU time's %M is the exact peak of the largest process. wait4's own ru_maxrss
        # cannot be used: a child forked from this runner starts from the runner's size.
        run = [GNU_TIME, "-f", "%M", "-o", timed.name, *command] if GNU_TIME else command
        busy, own = _busy_seconds(), time.process_time()
        started = time.perf_counter()
        process = subprocess.Popen(run, stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = _Sampler(process.pid, wrapped=bool(GNU_TIME))
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        busy = _busy_seconds() - busy - (time.process_time() - own)  # less this sampler
        sampler.stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        maxrss_kb = usage.ru_maxrss
        if GNU_TIME:
            lines = timed.read().split()
            maxrss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    others = [
        kb for pid, kb in sampler.hwm.items() if pid != sampler.main and pid not in sampler.helpers
    ]
    return Measured(
        command=command,
        seconds=round(seconds, 3),
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        main_peak_mb=_mb(sampler.hwm.get(sampler.main, 0)),
        workers_peak_mb=_mb(max(others, default=0)),
        tree_peak_mb=_mb(sampler.tree_kb),
        tree_pss_peak_mb=_mb(sampler.tree_pss_kb),
        maxrss_mb=_mb(maxrss_kb),
        processes=len(sampler.hwm),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        foreign_cpu_seconds=round(max(0.0, busy - usage.ru_utime - usage.ru_stime), 2),
        waited_for_quiet=waited,
    )


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


# ---------------------------------------------------------------------------------------------
# The steps


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        memory_kb = int(handle.readline().split()[1])
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "notmuch": _version(["notmuch", "--version"]),
        "mu": _version(["mu", "--version"]),
        "emlkit": EMLKIT["description"],
        "loadavg_before": os.getloadavg()[0],
    }


def _version(command: list[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).strip().splitlines()[0] if result.stdout else None


def warm(corpus: Path) -> float:
    """Read every file once, so that every tool finds the corpus in the page cache."""
    started = time.perf_counter()
    for path in (corpus / "cur").iterdir():
        path.read_bytes()
    return round(time.perf_counter() - started, 3)


def parse_baseline(corpus: Path, parser: str, jobs: int) -> dict[str, Any]:
    measured = measure(
        [
            sys.executable,
            str(BENCH / "floor.py"),
            "--parser",
            parser,
            "--jobs",
            str(jobs),
            str(corpus),
        ]
    )
    _check(measured)
    inner = json.loads(measured.stdout)
    return _figure(measured, messages=inner["messages"], inner_seconds=inner["seconds"])


def _one_reply(corpus: Path, folder: Path) -> Path:
    """A folder outside the corpus holding one new message: a reply to the corpus's first
    message, from its recipient to its sender (known mailboxes and names)."""
    from email.parser import BytesHeaderParser
    from email.policy import compat32

    first = min(path for path in corpus.rglob("*") if path.is_file())
    original = BytesHeaderParser(policy=compat32).parsebytes(first.read_bytes())
    message_id = str(original.get("Message-ID", "")).strip()
    reply = (
        f"From: {original.get('To', '')}\nTo: {original.get('From', '')}\n"
        f"Subject: Re: {original.get('Subject', '')}\nDate: {original.get('Date', '')}\n"
        f"Message-ID: <bench-added-reply@bench.test>\n"
        f"In-Reply-To: {message_id}\nReferences: {message_id}\n"
        "Content-Type: text/plain; charset=utf-8\n\nA reply added to an indexed corpus.\n"
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reply.eml").write_bytes(reply.encode("utf-8", "surrogateescape"))
    return folder


UNCHANGED_RUNS = 5
"""Runs of ``emlkit index`` with nothing changed: half a second, on a host whose speed moves
by a tenth from one run to the next, is judged on their median, not on one run."""


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with every run's seconds in ``all_seconds``."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    median = dict(ordered[len(ordered) // 2])
    median["all_seconds"] = [run["seconds"] for run in runs]
    return median


def emlkit_index(
    corpus: Path, db: Path, jobs: int, cwd: Path, extra: Path | None = None
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "emlkit",
        "index",
        str(corpus),
        *([str(extra)] if extra is not None else []),
        "--db",
        str(db),
        "-q",
        "--json",
        "--jobs",
        str(jobs),
    ]
    measured = measure(command, cwd=cwd)
    if measured.returncode not in (0, 1):
        _check(measured)
    summary = json.loads(measured.stdout)
    failed = summary.pop("failed")
    summary["failed"] = len(failed)
    summary["missing"] = len(summary["missing"])
    return _figure(measured, summary=summary, failed_examples=failed[:5])


def search_latency(db: Path, queries: tuple[str, ...], repeat: int = 5) -> dict[str, Any]:
    from emlkit.index.queries import search
    from emlkit.index.store import Store

    with Store(db, readonly=True) as store:
        first: list[float] = []
        hits: dict[str, int] = {}
        for query in queries:  # once, unmeasured by the percentiles: warms caches
            started = time.perf_counter()
            hits[query] = len(search(store, query))
            first.append((time.perf_counter() - started) * 1000)
        timings: list[float] = []
        per_query: dict[str, float] = {}
        for query in queries:
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                search(store, query)
                runs.append((time.perf_counter() - started) * 1000)
            per_query[query] = round(statistics.median(runs), 2)
            timings.extend(runs)
        total = store.db.execute("SELECT count(*) FROM messages").fetchone()[0]
    slowest = sorted(per_query.items(), key=lambda item: item[1], reverse=True)[:5]
    return {
        "queries": len(queries),
        "repeat": repeat,
        "messages_in_index": total,
        "p50_ms": round(_percentile(timings, 50), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "first_pass_p50_ms": round(_percentile(first, 50), 2),
        "first_pass_p95_ms": round(_percentile(first, 95), 2),
        "queries_without_hits": [query for query, count in hits.items() if count == 0],
        "slowest_median_ms": slowest,
    }


def cli_search(db: Path, cwd: Path) -> dict[str, Any]:
    """One ``emlkit search`` on the command line: the latency a user sees, startup included."""
    command = [sys.executable, "-m", "emlkit", "search", "договор", "--db", str(db), "--json"]
    measured = measure(command, cwd=cwd)
    _check(measured)
    return _figure(measured)


def notmuch(corpus: Path, work: Path) -> dict[str, Any] | None:
    if shutil.which("notmuch") is None:
        return None
    database = work / "notmuch"
    database.mkdir()
    config = work / "notmuch-config"
    config.write_text(
        f"[database]\npath={database}\nmail_root={corpus}\n[user]\nname=Bench\n"
        "primary_email=bench@example.org\n[new]\ntags=unread;inbox;\nignore=\n"
        "[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=false\n"
    )
    env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
    cold = measure(["notmuch", "new", "--quiet"], env=env)
    _check(cold)
    again = measure(["notmuch", "new", "--quiet"], env=env)
    _check(again)
    count = subprocess.run(["notmuch", "count", "*"], env=env, capture_output=True, text=True)
    return {
        "cold": _figure(cold),
        "unchanged": _figure(again),
        "messages": int(count.stdout.strip() or 0),
        "db_mb": _du(database),
    }


def mu(corpus: Path, work: Path) -> dict[str, Any] | None:
    if shutil.which("mu") is None:
        return None
    home = work / "mu"
    init = measure(["mu", "init", f"--maildir={corpus}", f"--muhome={home}", "--quiet"])
    _check(init)
    cold = measure(["mu", "index", f"--muhome={home}", "--quiet"])
    _check(cold)
    again = measure(["mu", "index", f"--muhome={home}", "--quiet"])
    _check(again)
    info = subprocess.run(
        ["mu", "info", f"--muhome={home}", "store"], capture_output=True, text=True
    )
    messages = 0
    for line in info.stdout.splitlines():
        if "messages in store" in line:
            messages = int(line.split("|")[2].strip())
    return {
        "init": _figure(init),
        "cold": _figure(cold),
        "unchanged": _figure(again),
        "messages": messages,
        "db_mb": _du(home),
    }


def _figure(measured: Measured, **extra: Any) -> dict[str, Any]:
    figure = asdict(measured)
    figure.pop("stdout")
    figure["stderr"] = measured.stderr[-2000:]
    figure.update(extra)
    return figure


def _check(measured: Measured) -> None:
    if measured.returncode != 0:
        raise SystemExit(
            f"{' '.join(measured.command)} failed ({measured.returncode}):\n{measured.stderr}"
        )


def _du(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(total / 1024 / 1024, 1)


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ---------------------------------------------------------------------------------------------
# One run


@dataclass(slots=True)
class Options:
    count: int
    jobs: int
    seed: int
    keep: bool
    mailparser: bool
    work: Path
    corpus: Path | None = None
    log: list[str] = field(default_factory=list)
    pairs: int = 1


def bench(options: Options) -> dict[str, Any]:
    work = options.work
    corpus = options.corpus or work / "corpus"
    result: dict[str, Any] = {"machine": machine(), "count": options.count, "jobs": options.jobs}
    if options.corpus is None:
        _say(f"generating {options.count} messages (seed {options.seed}) in {corpus}")
        result["corpus"] = generate.generate(corpus, options.count, options.seed)
    else:
        files = list((corpus / "cur").iterdir())
        size = sum(path.stat().st_size for path in files)
        result["corpus"] = {"count": len(files), "bytes": size, "reused": str(corpus)}
    result["corpus"]["warm_read_seconds"] = warm(corpus)
    where = subprocess.run(
        [sys.executable, "-c", "import emlkit; print(emlkit.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        check=True,
    )
    result["emlkit_module"] = where.stdout.strip()
    jobs = options.jobs
    parsers = ["compat32", *(["mailparser"] if options.mailparser else []), "emlkit"]
    for parser in parsers:
        for n in sorted({1, jobs}):
            _say(f"{parser} parse, {n} process(es)")
            result[f"{parser}_{n}"] = parse_baseline(corpus, parser, n)
    db = work / "emlkit" / "index.db"
    _say("emlkit index, cold")
    result["emlkit_cold"] = emlkit_index(corpus, db, jobs, work)
    _say(f"emlkit index, nothing changed ({UNCHANGED_RUNS} runs)")
    unchanged = [emlkit_index(corpus, db, jobs, work) for _ in range(UNCHANGED_RUNS)]
    result["emlkit_unchanged"] = _median_run(unchanged)
    result["emlkit_db_mb"] = _du(db.parent)
    _say("emlkit index, one reply added")
    added_db = work / "emlkit-added" / "index.db"
    added_db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(db, added_db)
    extra = _one_reply(corpus, work / "added")
    result["emlkit_added"] = emlkit_index(corpus, added_db, jobs, work, extra)
    shutil.rmtree(added_db.parent)
    _say("search latency")
    result["search"] = search_latency(db, QUERIES)
    result["cli_search"] = cli_search(db, work)
    _say("notmuch new")
    result["notmuch"] = notmuch(corpus, work)
    _say("mu index")
    result["mu"] = mu(corpus, work)
    if result["mu"] is not None:
        result["cold_pairs"] = cold_pairs(result, corpus, work, options.pairs)
    result["ratios"] = ratios(result)
    return result


def cold_pairs(
    result: dict[str, Any], corpus: Path, work: Path, pairs: int
) -> list[dict[str, float]]:
    """emlkit's and mu's cold index, alternately, ``pairs`` times in all (the first pair is
    the run's own figures): on a host whose speed drifts, each pair is measured close
    together, and the median of their ratios is steadier than one pair."""
    found = [{"emlkit": result["emlkit_cold"]["seconds"], "mu": result["mu"]["cold"]["seconds"]}]
    jobs = result["jobs"]
    for number in range(2, pairs + 1):
        _say(f"cold index pair {number} of {pairs}: emlkit, then mu")
        db = work / "emlkit-pair" / "index.db"
        emlkit_seconds = emlkit_index(corpus, db, jobs, work)["seconds"]
        shutil.rmtree(db.parent)
        home = work / "mu-pair"
        _check(measure(["mu", "init", f"--maildir={corpus}", f"--muhome={home}", "--quiet"]))
        measured = measure(["mu", "index", f"--muhome={home}", "--quiet"])
        _check(measured)
        shutil.rmtree(home)
        found.append({"emlkit": emlkit_seconds, "mu": measured.seconds})
    return found


def ratios(result: dict[str, Any]) -> dict[str, float | None]:
    cold = result["emlkit_cold"]["seconds"]
    jobs = result["jobs"]

    def over(other: float | None) -> float | None:
        return round(cold / other, 2) if other else None

    def seconds(key: str) -> float | None:
        found = result.get(key)
        return found["seconds"] if found else None

    pairs = result.get("cold_pairs") or []
    pair_ratios = [pair["emlkit"] / pair["mu"] for pair in pairs if pair["mu"]]
    return {
        "emlkit_cold/mu_cold": over(result["mu"]["cold"]["seconds"] if result["mu"] else None),
        "emlkit_cold/mu_cold, median of pairs": (
            round(statistics.median(pair_ratios), 2) if pair_ratios else None
        ),
        "emlkit_cold/notmuch_new": over(
            result["notmuch"]["cold"]["seconds"] if result["notmuch"] else None
        ),
        "emlkit_cold/compat32_1": over(seconds("compat32_1")),
        f"emlkit_cold/compat32_{jobs}": over(seconds(f"compat32_{jobs}")),
        "emlkit_cold/mailparser_1": over(seconds("mailparser_1")),
        f"emlkit_cold/mailparser_{jobs}": over(seconds(f"mailparser_{jobs}")),
        f"emlkit_cold/emlkit_parse_{jobs}": over(seconds(f"emlkit_{jobs}")),
        "emlkit_parse_1/compat32_1": _ratio(seconds("emlkit_1"), seconds("compat32_1")),
        "emlkit_parse_1/mailparser_1": _ratio(seconds("emlkit_1"), seconds("mailparser_1")),
        "emlkit_unchanged/mu_unchanged": _ratio(
            result["emlkit_unchanged"]["seconds"],
            result["mu"]["unchanged"]["seconds"] if result["mu"] else None,
        ),
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _say(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The report


def table(results: list[dict[str, Any]]) -> str:
    """Every figure of every run as one Markdown table, a column per corpus size."""
    head = "| figure | " + " | ".join(f"{r['count']:,} messages" for r in results) + " |"
    rows = [head, "|---|" + "---|" * len(results)]

    def row(label: str, cell: Any) -> None:
        rows.append(f"| {label} | " + " | ".join(_cell(cell, r) for r in results) + " |")

    jobs = results[0]["jobs"]
    row("corpus size (MB)", lambda r: f"{r['corpus']['bytes'] / 1e6:,.0f}")
    for parser, label in (
        ("compat32", "stdlib compat32 parse"),
        ("mailparser", "mail-parser parse"),
        ("emlkit", "emlkit parse only (no store)"),
    ):
        for n in sorted({1, jobs}):
            key = f"{parser}_{n}"
            processes = "1 process" if n == 1 else f"{n} processes"
            row(f"{label}, {processes} (s)", lambda r, k=key: _get(r, k, "seconds"))
    row("**emlkit index, cold (s)**", lambda r: r["emlkit_cold"]["seconds"])
    row("emlkit index, cold: messages/s", lambda r: _rate(r, "emlkit_cold"))
    row(
        f"**emlkit index, nothing changed (s)**, median of {UNCHANGED_RUNS} runs",
        lambda r: r["emlkit_unchanged"]["seconds"],
    )
    row(
        "emlkit index, nothing changed: each run (s)",
        lambda r: ", ".join(f"{s:.3f}" for s in r["emlkit_unchanged"].get("all_seconds", [])),
    )
    row(
        "emlkit index, nothing changed: in-run seconds",
        lambda r: r["emlkit_unchanged"]["summary"]["seconds"],
    )
    row("emlkit index, one reply added (s)", lambda r: _get(r, "emlkit_added", "seconds"))
    row(
        "emlkit index, one reply added: in-run seconds",
        lambda r: _get(r, "emlkit_added", "summary", "seconds"),
    )
    row("notmuch new, cold (s)", lambda r: _get(r, "notmuch", "cold", "seconds"))
    row("notmuch new, nothing changed (s)", lambda r: _get(r, "notmuch", "unchanged", "seconds"))
    row("mu index, cold (s)", lambda r: _get(r, "mu", "cold", "seconds"))
    row("mu index, nothing changed (s)", lambda r: _get(r, "mu", "unchanged", "seconds"))
    row("cold index, alternating pairs: emlkit / mu (s)", _pairs)
    row("**search p50 / p95 (ms)**", lambda r: f"{r['search']['p50_ms']} / {r['search']['p95_ms']}")
    row("search, first pass p50 / p95 (ms)", _first_pass)
    row("`emlkit search` command, wall (s)", lambda r: r["cli_search"]["seconds"])
    row("CPU s (user+sys): compat32 / mail-parser / emlkit parse, 1 process", _cpu_parse)
    row("CPU s (user+sys): emlkit cold / notmuch new / mu index", _cpu_index)
    row("largest CPU s used by other processes during one measurement", _foreign)
    row("**emlkit cold: peak RSS, main process (MB)**", lambda r: r["emlkit_cold"]["main_peak_mb"])
    row("emlkit cold: peak RSS, largest worker (MB)", lambda r: r["emlkit_cold"]["workers_peak_mb"])
    row(
        "emlkit cold: peak RSS summed over the tree (MB)",
        lambda r: r["emlkit_cold"]["tree_peak_mb"],
    )
    row(
        "emlkit cold: peak proportional set size (PSS) summed over the tree (MB)",
        lambda r: r["emlkit_cold"].get("tree_pss_peak_mb", "–"),
    )
    row("emlkit nothing changed: peak RSS (MB)", lambda r: r["emlkit_unchanged"]["main_peak_mb"])
    row("notmuch new: peak RSS (MB)", lambda r: _get(r, "notmuch", "cold", "maxrss_mb"))
    row("mu index: peak RSS (MB)", lambda r: _get(r, "mu", "cold", "maxrss_mb"))
    row("compat32, 1 process: peak RSS (MB)", lambda r: _get(r, "compat32_1", "maxrss_mb"))
    row("mail-parser, 1 process: peak RSS (MB)", lambda r: _get(r, "mailparser_1", "maxrss_mb"))
    row("index on disk: emlkit / notmuch / mu (MB)", _sizes)
    row("messages stored: emlkit (+forwarded) / notmuch / mu", lambda r: _stored(r))
    for name in results[0]["ratios"]:
        row(f"ratio {name}", lambda r, n=name: r["ratios"].get(n))
    return "\n".join(rows)


def _cpu_parse(result: dict[str, Any]) -> str:
    keys = ("compat32_1", "mailparser_1", "emlkit_1")
    return " / ".join(str(_get(result, key, "cpu_seconds")) for key in keys)


def _cpu_index(result: dict[str, Any]) -> str:
    notmuch_cpu = _get(result, "notmuch", "cold", "cpu_seconds")
    mu_cpu = _get(result, "mu", "cold", "cpu_seconds")
    return f"{result['emlkit_cold']['cpu_seconds']} / {notmuch_cpu} / {mu_cpu}"


def _measurements(result: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for value in result.values():
        if isinstance(value, dict) and "foreign_cpu_seconds" in value:
            found.append(value)
        elif isinstance(value, dict):
            found.extend(_measurements(value))
    return found


def _foreign(result: dict[str, Any]) -> str:
    worst = max(_measurements(result), key=lambda m: m["foreign_cpu_seconds"])
    return f"{worst['foreign_cpu_seconds']} ({' '.join(worst['command'][:3])}…)"


def _first_pass(result: dict[str, Any]) -> str:
    return f"{result['search']['first_pass_p50_ms']} / {result['search']['first_pass_p95_ms']}"


def _sizes(result: dict[str, Any]) -> str:
    notmuch_mb, mu_mb = _get(result, "notmuch", "db_mb"), _get(result, "mu", "db_mb")
    return f"{result['emlkit_db_mb']} / {notmuch_mb} / {mu_mb}"


def _stored(result: dict[str, Any]) -> str:
    summary = result["emlkit_cold"]["summary"]
    return (
        f"{summary['messages_indexed']} (+{summary['forwarded_indexed']}) / "
        f"{_get(result, 'notmuch', 'messages')} / {_get(result, 'mu', 'messages')}"
    )


def _rate(result: dict[str, Any], key: str) -> str:
    return f"{result['count'] / result[key]['seconds']:,.0f}"


def _get(result: dict[str, Any], *keys: str) -> Any:
    value: Any = result
    for key in keys:
        if not isinstance(value, dict) or value.get(key) is None:
            return "—"
        value = value[key]
    return value


def _cell(cell: Any, result: dict[str, Any]) -> str:
    value = cell(result)
    return "—" if value is None else str(value)


def verdicts(results: list[dict[str, Any]]) -> str:
    """Each target of the issue, met or missed and by how much, from the largest run."""
    big = max(results, key=lambda r: r["count"])
    lines = [f"Targets, judged on the {big['count']:,}-message run:"]
    cold_mu = big["ratios"]["emlkit_cold/mu_cold"]
    if len(big.get("cold_pairs") or []) > 1:
        cold_mu = big["ratios"]["emlkit_cold/mu_cold, median of pairs"]
    if cold_mu is not None:
        lines.append(_verdict("cold index / mu index below 1.0", cold_mu, 1.0, "×"))
    unchanged = big["emlkit_unchanged"]["seconds"]
    lines.append(_verdict("re-index, nothing changed, under 0.5 s", unchanged, 0.5, " s"))
    peak = big["emlkit_cold"]["main_peak_mb"]
    workers = big["emlkit_cold"]["workers_peak_mb"]
    lines.append(_verdict("peak memory (main process) under 200 MB", peak, 200, " MB"))
    lines.append(_verdict("peak memory (largest worker) under 200 MB", workers, 200, " MB"))
    cold = big["emlkit_cold"]
    lines.append(
        f"- peak memory summed over the process tree: RSS {cold['tree_peak_mb']} MB,"
        f" PSS {cold.get('tree_pss_peak_mb', '–')} MB (shared pages counted once)"
    )
    if len(results) > 1:
        small = min(results, key=lambda r: r["count"])
        growth = peak / max(1.0, small["emlkit_cold"]["main_peak_mb"])
        lines.append(
            f"- memory flat from {small['count']:,} to {big['count']:,} messages: main process"
            f" {small['emlkit_cold']['main_peak_mb']} → {peak} MB (×{growth:.2f}), largest worker"
            f" {small['emlkit_cold']['workers_peak_mb']} → {workers} MB"
        )
    lines.append(_verdict("search p50 under 20 ms", big["search"]["p50_ms"], 20, " ms"))
    return "\n".join(lines)


def _pairs(result: dict[str, Any]) -> str:
    pairs = result.get("cold_pairs") or []
    return ", ".join(f"{pair['emlkit']} / {pair['mu']}" for pair in pairs) or "—"


def _verdict(label: str, value: float, limit: float, unit: str) -> str:
    if value < limit:
        return f"- {label}: **met** ({value}{unit})"
    return f"- {label}: **missed** ({value}{unit}, {value / limit:.2f}× the target)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        action="append",
        required=True,
        help="messages in the corpus; repeat for several runs",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the corpus and databases")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a new temp folder)")
    parser.add_argument("--corpus", type=Path, help="reuse a corpus made by generate.py")
    parser.add_argument("--no-mailparser", dest="mailparser", action="store_false")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    parser.add_argument(
        "--pairs",
        type=int,
        default=1,
        help="measure emlkit's and mu's cold index this many times, alternating (a noisy"
        " host: the cold ratio is then the median of the pairs' ratios)",
    )
    parser.add_argument(
        "--no-wait",
        dest="wait",
        action="store_false",
        help="do not wait for an idle machine before each measurement",
    )
    parser.add_argument(
        "--emlkit-rev",
        help="measure this git revision of emlkit (exported to a temp folder), not the"
        " working tree",
    )
    args = parser.parse_args(argv)
    QUIET["wait"] = args.wait
    source = tempfile.mkdtemp(prefix="emlkit-src-")
    try:
        _select_emlkit(args.emlkit_rev, Path(source))
        return _main(args, parser)
    finally:
        shutil.rmtree(source, ignore_errors=True)


def _select_emlkit(rev: str | None, target: Path) -> None:
    """Export ``rev`` of emlkit to ``target`` and put it first on every Python path."""
    git = ["git", "-C", str(ROOT)]
    if rev is None:
        describe = subprocess.run(
            [*git, "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
        ).stdout.strip()
        EMLKIT["description"] = f"working tree {describe or '?'} (the installed emlkit)"
        return
    commit = subprocess.run(
        [*git, "rev-parse", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    archive = subprocess.run([*git, "archive", commit, "emlkit"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(target), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    sys.path.insert(0, str(target))
    EMLKIT["description"] = f"commit {commit[:10]}"
    EMLKIT["source"] = str(target)


def _main(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.corpus is not None and len(args.count) > 1:
        parser.error("--corpus goes with a single --count")
    results = []
    for count in args.count:
        work = Path(tempfile.mkdtemp(prefix=f"emlkit-bench-{count}-", dir=args.workdir))
        options = Options(
            count,
            args.jobs,
            args.seed,
            args.keep,
            args.mailparser,
            work,
            args.corpus.absolute() if args.corpus else None,
            pairs=args.pairs,
        )
        try:
            result = bench(options)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
            else:
                _say(f"kept {work}")
        args.results.mkdir(parents=True, exist_ok=True)
        name = f"{result['machine']['date'][:10]}-{count}.json"
        (args.results / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        _say(f"wrote {args.results / name}")
        results.append(result)
    info = results[0]["machine"]
    print(
        f"{info['date']} · {info['cores']} cores · {info['cpu']} · {info['memory_gb']} GB ·"
        f" Python {info['python']} · SQLite {info['sqlite']} · {info['notmuch']} ·"
        f" {info['mu']} · emlkit {info['emlkit']} · --jobs {results[0]['jobs']}\n"
    )
    print(table(results))
    print()
    print(verdicts(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
