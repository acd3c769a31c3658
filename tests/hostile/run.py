"""Run the hostile-input corpus through the real ingest path, each case under a hard budget.

Usage: ``python tests/hostile/run.py [--corpus DIR] [--jobs 2] [--time 60] [--memory-mb 2048]
[--every N]``. Generates the corpus (tests/hostile/make_corpus.py) unless ``--corpus`` names
one, then ingests every case (one batch: hostile input plus good articles) into a fresh
SQLite store, in a child forked from a warmed-up parent (models loaded once). The child
runs under ``RLIMIT_AS`` (parent's address space + the memory budget) and is killed
after the time budget. Each case ends as:

* accepted: the hostile input gave >= 1 stored article;
* rejected: it gave InputErrors (or skipped-record counts) and no article;
* crash: an exception escaped ``pipeline.ingest`` or the child died abnormally;
* hang: the time budget ran out, or the memory budget was hit (MemoryError).

and is checked for problems: a good article of the batch not stored, a forbidden
string (XXE target) in the store or a message, a rejection that does not name its
input or give a reason, an input that produced neither an article nor an error
(silent), or an outcome against the case's expectation.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import Case, generate, load_cases  # noqa: E402

from storyline.extract import printable_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WARM_UP = [
    ROOT / "tests" / "fixtures" / "wire.port-strike.txt",
    ROOT / "tests" / "fixtures" / "harborledger.port-reopens.html",
]


@dataclass
class Outcome:
    """What one case did, and what was wrong with it."""

    id: str
    family: str
    reader: str
    status: str  # accepted | rejected | crash | hang
    reason: str
    seconds: float
    max_rss_mb: float
    problems: list[str] = field(default_factory=list)


def _vm_size() -> int:
    """This process's address-space size in bytes (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def warm_up() -> None:
    """Import and load everything ingest uses (models, parsers) once, before forking."""
    from storyline import pipeline
    from storyline.settings import Settings
    from storyline.store import SQLiteStore

    report = pipeline.ingest([str(p) for p in WARM_UP], SQLiteStore(":memory:"), Settings())
    if len(report.stored) != len(WARM_UP):
        raise RuntimeError(f"warm-up ingest failed: {report.failures}")


def _child(case: Case, corpus: Path, out: Path, memory: int) -> None:
    """In the forked child: ingest the case's batch and write what happened to ``out``."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from storyline import pipeline
    from storyline.settings import Settings
    from storyline.store import SQLiteStore

    os.chdir(corpus)
    result: dict[str, object] = {}
    db = out.with_suffix(".db")
    try:
        store = SQLiteStore(db)
        report = pipeline.ingest(case.inputs, store, Settings(db=str(db)))
        store.conn.close()
        result = {
            "stored": [a.source for a in report.stored] + [s for s, _ in report.duplicates],
            "failures": [[f.source, f.reason] for f in report.failures],
            "skipped": dict(report.skipped),
            "leaks": _leaks(case.forbid, db, report.failures),
        }
    except MemoryError:
        result = {"memory": traceback.format_exc(limit=-8)}
    except BaseException:  # noqa: BLE001 - the point is to see every escape
        result = {"crash": traceback.format_exc(limit=-8)}
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=True), encoding="utf-8")


def _leaks(forbid: Sequence[str], db: Path, failures: Sequence[object]) -> list[str]:
    """Forbidden strings found in the store's bytes or in any failure message."""
    blob = b"".join(
        Path(str(db) + s).read_bytes() for s in ("", "-wal") if Path(str(db) + s).exists()
    )
    messages = repr(failures)
    return [f for f in forbid if f.encode() in blob or f in messages]


def _judge(case: Case, result: dict[str, Any]) -> tuple[str, str, list[str]]:
    """(status, reason, problems) of a finished case from the child's result."""
    if "crash" in result:
        return "crash", str(result["crash"]).strip().splitlines()[-1], []
    if "memory" in result:
        return "hang", "memory budget exceeded (MemoryError)", []
    stored = [str(s) for s in result["stored"]]
    failures = [(str(s), str(r)) for s, r in result["failures"]]
    skipped = dict(result["skipped"])
    problems: list[str] = []
    good = {printable_source(g) for g in case.good}
    extras = {printable_source(g) for g in case.extras}
    for source in sorted(good):
        if source not in stored:
            why = [r for s, r in failures if s == source]
            problems.append(
                f"good article not stored: {source!r} ({why[0] if why else 'no error'})"
            )
    for leak in result["leaks"]:
        problems.append(f"forbidden content reached the store or a message: {leak!r}")
    bad_failures = [(s, r) for s, r in failures if s not in good]
    for source, reason in bad_failures:
        if not reason.strip():
            problems.append(f"rejection without a reason: {source!r}")
        if not any(source.startswith(i) for i in case.inputs):
            problems.append(f"rejection does not name its input: {source!r}: {reason}")
        if "MemoryError" in reason or "RecursionError" in reason:
            problems.append(f"resource error turned into a rejection: {source!r}: {reason}")
    hostile_stored = [s for s in stored if s not in extras]
    if hostile_stored:
        status = "accepted"
        reason = f"{len(hostile_stored)} article(s) stored"
        if bad_failures:
            reason += f", {len(bad_failures)} part(s) rejected: {bad_failures[0][1]}"
    elif bad_failures or skipped:
        status = "rejected"
        reason = bad_failures[0][1] if bad_failures else f"skipped records: {skipped}"
    else:
        status = "rejected"
        reason = "nothing stored and no error given"
        if case.inputs:
            problems.append("silent: the input gave neither an article nor an error")
    if case.expect == "accept" and status != "accepted":
        problems.append(f"expected accepted, got {status}: {reason}")
    if case.expect == "reject" and status != "rejected":
        problems.append(f"expected rejected, got {status}: {reason}")
    return status, reason, problems


def run(
    corpus: Path,
    cases: Sequence[Case],
    jobs: int = 2,
    time_budget: float = 60.0,
    memory_mb: int = 2048,
    log: bool = False,
) -> list[Outcome]:
    """Ingest every case in its own budgeted child (``jobs`` at a time); return the outcomes."""
    warm_up()
    memory = _vm_size() + memory_mb * 1024 * 1024
    scratch = Path(tempfile.mkdtemp(prefix="hostile-"))
    pending = list(enumerate(cases))[::-1]
    running: dict[int, tuple[int, Case, float]] = {}
    outcomes: dict[int, Outcome] = {}
    while pending or running:
        while pending and len(running) < jobs:
            index, case = pending.pop()
            out = scratch / f"{index}.json"
            pid = os.fork()
            if pid == 0:  # the child never returns into the loop
                code = 0
                try:
                    _child(case, corpus.resolve(), out, memory)
                except BaseException:  # noqa: BLE001
                    code = 70
                os._exit(code)
            running[pid] = (index, case, time.monotonic())
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        now = time.monotonic()
        if pid == 0:
            for other, (index, case, start) in list(running.items()):
                if now - start > time_budget:
                    os.kill(other, signal.SIGKILL)
                    os.waitpid(other, 0)
                    del running[other]
                    outcomes[index] = Outcome(
                        case.id, case.family, case.reader, "hang",
                        f"time budget of {time_budget:.0f} s exceeded (killed)", now - start, 0.0,
                    )  # fmt: skip
                    if log:
                        print(f"{case.id}: hang", file=sys.stderr)
            time.sleep(0.01)
            continue
        index, case, start = running.pop(pid)
        out = scratch / f"{index}.json"
        rss = usage.ru_maxrss / 1024
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and out.exists():
            verdict, reason, problems = _judge(case, json.loads(out.read_text("utf-8")))
        elif os.WIFSIGNALED(status):
            verdict, reason, problems = "crash", f"killed by signal {os.WTERMSIG(status)}", []
        else:
            verdict, reason, problems = "crash", f"exit status {os.WEXITSTATUS(status)}", []
        out.unlink(missing_ok=True)
        outcomes[index] = Outcome(
            case.id, case.family, case.reader, verdict, reason, now - start, rss, problems
        )
        if log:
            print(
                f"{case.id}: {verdict} {now - start:.1f}s {rss:.0f}MB {reason[:90]}",
                file=sys.stderr,
            )
    shutil.rmtree(scratch, ignore_errors=True)
    return [outcomes[i] for i in range(len(cases))]


def summary(outcomes: Sequence[Outcome]) -> str:
    """The table: cases, accepted, rejected, crashes, hangs, problems, max time, max RSS."""
    counts = Counter(o.status for o in outcomes)
    problems = sum(len(o.problems) for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.seconds)
    biggest = max(outcomes, key=lambda o: o.max_rss_mb)
    rows = [
        ("cases", str(len(outcomes))),
        ("accepted", str(counts["accepted"])),
        ("rejected", str(counts["rejected"])),
        ("crashes", str(counts["crash"])),
        ("hangs", str(counts["hang"])),
        ("problems", str(problems)),
        ("max time", f"{slowest.seconds:.1f} s ({slowest.id})"),
        ("max RSS", f"{biggest.max_rss_mb:.0f} MB ({biggest.id})"),
    ]
    lines = [f"{name:<10} {value}" for name, value in rows]
    for o in outcomes:
        if o.status in ("crash", "hang") or o.problems:
            lines.append(f"  {o.id} [{o.status}] {o.reason}")
            lines.extend(f"    - {p}" for p in o.problems)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an already generated corpus")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per case")
    parser.add_argument("--every", type=int, default=1, help="run every Nth case only")
    parser.add_argument("--family", help="run only this family")
    parser.add_argument("--results", type=Path, help="write one JSON line per case here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="hostile-corpus-"))
        generate(corpus, args.seed)
    cases = load_cases(corpus)[:: args.every]
    if args.family:
        cases = [c for c in cases if c.family == args.family]
    outcomes = run(corpus, cases, args.jobs, args.time, args.memory_mb, args.verbose)
    if args.corpus is None:
        shutil.rmtree(corpus, ignore_errors=True)
    if args.results:
        with open(args.results, "w", encoding="utf-8") as fh:
            for o in outcomes:
                fh.write(json.dumps(asdict(o)) + "\n")
    print(summary(outcomes))
    bad = [o for o in outcomes if o.status in ("crash", "hang") or o.problems]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
