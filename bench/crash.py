"""Crash safety: SIGKILL `storyline ingest` at random moments, restart it, prove nothing is lost.

    .venv/bin/python bench/crash.py --articles 200 --trials 5            # CI size (sqlite only)
    .venv/bin/python tests/pgcluster.py .venv/bin/python bench/crash.py \\
        --articles 5000 --trials 20                                      # full size, both backends

tests/test_crash.py runs the CI size on both backends under ``make test``.

The corpus: ``--articles`` distinct JSONL records made from real article texts (the
evaluation sets in ../shared/eval when present, else the repository's fixtures and
seed articles), each under its own title, outlet and date; where a text is used again
one of its paragraphs is left out (a republished, edited copy, which near-duplicate
detection may link to the first). Every fifth record carries HTML instead of text, every
other one an explicit ``id`` (the rest get the content-hash id). Nothing is shortcut:
every run is the real `storyline ingest` (default workers, real extraction and NLP).

The corpus is cut into ``--trials`` slices. Trial t ingests slice t into the store that
holds slices 0..t-1, and SIGKILLs the ingest process (only it, as the OOM killer would)
at a seeded random moment: once a random number of the slice's articles is stored, plus
a random delay, or (one trial in four) after the last one is stored, while stories are
being rebuilt; sometimes the first restart is killed too. Then the ingest is restarted
on the same input and left to finish, and the store is checked:

* it opens; SQLite ``PRAGMA integrity_check``, ``foreign_key_check`` and the FTS5
  index ``integrity-check`` pass (PostgreSQL: the same counts below, via SQL);
* every input record of slices 0..t is stored exactly once (by its ``file:line``
  source), unless the pipeline rejects it with a reason (then it must not be stored);
* every article has its analysis and signature, and is in exactly one story; no story
  is empty, none is left stale, each built story lists exactly its member articles,
  ``article_count`` agrees, and the document count of the term statistics equals the
  number of articles;
* no process of the killed ingest outlives it by more than ``--orphan-wait`` seconds.

Finally the whole corpus is ingested once more: every record must come back a duplicate.
Prints one row per backend (trials, kills, lost, duplicated, inconsistent stories, ...) and
a JSON line with everything.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "src"))  # an installed or PYTHONPATH storyline comes first

from storyline.store import open_store  # noqa: E402

STORYLINE = [sys.executable, "-c", "from storyline.app.cli import main; main()"]
OUTLETS = (
    "Harbor Ledger",
    "Metro Daily",
    "Wire Service",
    "Valley Courier",
    "The Observer",
    "Coast Times",
    "Capital Post",
    "Northern Star",
    "Evening Herald",
    "Global Report",
    "Plains Gazette",
    "City Chronicle",
)


# -- the corpus ---------------------------------------------------------------------


def eval_dir() -> Path | None:
    """../shared/eval (or STORYLINE_EVAL_DATA) when present."""
    configured = os.environ.get("STORYLINE_EVAL_DATA")
    path = Path(configured) if configured else ROOT.parent / "shared" / "eval"
    return path if path.is_dir() else None


def source_texts(data: Path | None) -> list[dict[str, Any]]:
    """Real article texts (title, text, outlet, published), distinct, at least 400 characters."""
    found: list[dict[str, Any]] = []
    if data is not None:
        for name in ("clustering/ecbplus.jsonl", "clustering/newswcl50.jsonl"):
            found += _jsonl(data / name)
        for name in ("quotes/polnear_train.jsonl", "quotes/polnear_dev.jsonl"):
            found += _jsonl(data / name)
        for name in ("summarization/multiling2011_en.jsonl", "comparison/newswcl50.jsonl"):
            for cluster in _jsonl(data / name):
                found += cluster.get("documents", [])
    if not found:
        for path in sorted((ROOT / "tests/fixtures").glob("*.txt")) + sorted(
            (ROOT / "examples").rglob("*.txt")
        ):
            found.append({"text": path.read_text(encoding="utf-8")})
    seen: set[str] = set()
    texts = []
    for item in found:
        text = str(item.get("text") or "").strip()
        if len(text) < 400 or text in seen:
            continue
        seen.add(text)
        texts.append(
            {
                "title": item.get("title"),
                "text": text,
                "outlet": item.get("outlet"),
                "published": item.get("published"),
            }
        )
    return texts


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def make_corpus(count: int, seed: int, data: Path | None) -> list[dict[str, Any]]:
    """``count`` distinct JSONL records from the real texts (seeded)."""
    rng = random.Random(seed)
    texts = source_texts(data)
    rng.shuffle(texts)
    records = []
    for i in range(count):
        base = texts[i % len(texts)]
        copy = i // len(texts)
        paragraphs = [p for p in base["text"].split("\n") if p.strip()]
        if copy and len(paragraphs) > 2:  # an edited republication: one paragraph left out
            del paragraphs[(copy * 7) % len(paragraphs)]
        first = base["title"] or paragraphs[0][:70]
        title = f"{first.strip()} ({rng.choice(OUTLETS)} {i})"
        record: dict[str, Any] = {
            "title": title,
            "outlet": base["outlet"] or OUTLETS[i % len(OUTLETS)],
            "published": base["published"] or f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        if i % 2 == 0:
            record["id"] = f"crash-{seed}-{i:06d}"
        if i % 5 == 0:
            body = "".join(f"<p>{_escape(p)}</p>" for p in paragraphs)
            record["html"] = (
                f"<html><head><title>{_escape(title)}</title></head><body>"
                f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
                f"<article><h1>{_escape(title)}</h1>{body}</article>"
                f"<footer>© {record['outlet']}</footer></body></html>"
            )
        else:
            record["text"] = "\n\n".join(paragraphs)
        records.append(record)
    return records


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_slices(records: list[dict[str, Any]], trials: int, folder: Path) -> list[Path]:
    """The corpus cut into ``trials`` JSONL files of (nearly) equal size."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in range(trials):
        part = records[t * len(records) // trials : (t + 1) * len(records) // trials]
        path = folder / f"slice_{t:03d}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        paths.append(path)
    return paths


def sources_of(path: Path) -> list[str]:
    """The ``file:line`` source of every record in a JSONL file (as the reader names them)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [f"{path}:{n}" for n, line in enumerate(lines, 1) if line.strip()]


# -- running and killing ingests --------------------------------------------------


@dataclass
class Trial:
    """What one trial did and found."""

    backend: str
    trial: int
    records: int
    kills: list[str] = field(default_factory=list)  # phase of each kill that landed
    missed: int = 0  # ingests that finished before the planned kill
    orphans: int = 0  # processes of a killed ingest still alive after --orphan-wait
    run_s: float = 0.0  # the run that finished
    stored_by_final_run: int = 0
    rejected: int = 0
    check: dict[str, Any] = field(default_factory=dict)


def ingest_command(inputs: list[Path], db: str) -> list[str]:
    """`storyline ingest` (default workers) on these inputs, JSON report on stdout."""
    return [*STORYLINE, "ingest", *map(str, inputs), "--db", db, "--quiet", "--format", "json"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT / "src")}


def run_to_end(inputs: list[Path], db: str, timeout: float) -> tuple[dict[str, Any], float]:
    """Run an ingest to completion; its JSON report and wall time (failures are allowed)."""
    started = time.monotonic()
    done = subprocess.run(
        ingest_command(inputs, db),
        env=_env(),
        capture_output=True,
        timeout=timeout,
        start_new_session=True,
    )
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(
            f"ingest exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}"
        )
    return json.loads(done.stdout), elapsed


def stored_count(db: str) -> tuple[int, int]:
    """(articles, stale stories) in the store now (a reader beside the running ingest)."""
    try:
        with open_store(db) as store:
            articles = store.article_count()
            stale = len(store.stale_story_ids())
        return articles, stale
    except Exception:  # the store may be mid-migration on the very first run
        return -1, -1


def run_and_kill(
    inputs: list[Path], db: str, start: int, end: int, rng: random.Random, orphan_wait: float
) -> tuple[str | None, int]:
    """Start an ingest, SIGKILL it at a random moment; (phase killed in or None, orphans).

    The store holds ``start`` articles and will hold about ``end`` when the input is in.
    The moment: once a random number of articles in between is stored, plus a random
    delay; or, one time in four, a random delay after ``end`` (while it rebuilds the
    stories). None when the ingest finished first.
    """
    during_rebuild = rng.random() < 0.25
    target = end if during_rebuild else rng.randrange(start, max(end, start + 1))
    delay = rng.uniform(0.0, 3.0 if during_rebuild else 1.5)
    proc = subprocess.Popen(
        ingest_command(inputs, db),
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: what outlives it can be found
    )
    try:
        while proc.poll() is None and stored_count(db)[0] < target:
            time.sleep(0.1)
        deadline = time.monotonic() + delay
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if proc.poll() is not None:
            return None, 0
        articles, stale = stored_count(db)
        proc.send_signal(signal.SIGKILL)  # the ingest process only, not its workers
        proc.wait()
        phase = "writing" if articles < end else "rebuilding" if stale else "finishing"
        return phase, _orphans(proc.pid, orphan_wait)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _orphans(group: int, wait: float) -> int:
    """Processes of a killed ingest's group still alive after ``wait`` s (then killed)."""
    deadline = time.monotonic() + wait
    while True:
        alive = _group_members(group)
        if not alive or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    for pid in alive:  # the bench's own processes: clean up what the product left
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(alive)


def _group_members(group: int) -> list[int]:
    """Live (not zombie) processes whose process group is ``group``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members


# -- checking the store -----------------------------------------------------------


def check_store(db: str, expected: set[str], rejected: set[str]) -> dict[str, Any]:
    """Open the store and check it against the input (see the module docstring)."""
    found: dict[str, Any] = {"integrity": "ok"}
    if not db.startswith(("postgresql://", "postgres://")):
        found["integrity"] = _sqlite_integrity(db)
    with open_store(db) as store:
        q = store.conn.execute
        rows = q("SELECT id, source FROM articles").fetchall()
        sources = Counter(str(r[1]) for r in rows)
        ids = Counter(str(r[0]) for r in rows)
        found["articles"] = len(rows)
        found["lost"] = len(expected - rejected - set(sources))
        found["duplicated"] = sum(n - 1 for n in sources.values() if n > 1) + sum(
            n - 1 for n in ids.values() if n > 1
        )
        found["rejected_but_stored"] = len(rejected & set(sources))
        found["unexpected"] = len(set(sources) - expected)
        one = "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM {} x WHERE {})"
        found["no_analysis"] = q(one.format("analyses", "x.article_id = a.id")).fetchone()[0]
        found["no_signature"] = q(one.format("article_minhash", "x.article_id = a.id")).fetchone()[
            0
        ]
        found["no_story"] = q(one.format("story_articles", "x.article_id = a.id")).fetchone()[0]
        found["dangling_members"] = q(
            """SELECT count(*) FROM story_articles sa
               WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = sa.story_id)
                  OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = sa.article_id)"""
        ).fetchone()[0]
        found["empty_stories"] = q(
            """SELECT count(*) FROM stories s
               WHERE NOT EXISTS (SELECT 1 FROM story_articles sa WHERE sa.story_id = s.id)"""
        ).fetchone()[0]
        found["stale_stories"] = q("SELECT count(*) FROM stories WHERE stale = 1").fetchone()[0]
        members: dict[str, set[str]] = {}
        for article_id, story_id in q("SELECT article_id, story_id FROM story_articles"):
            members.setdefault(str(story_id), set()).add(str(article_id))
        bad = 0
        stories = q("SELECT id, article_count, data IS NULL FROM stories").fetchall()
        for story_id, count, unbuilt in stories:
            want = members.get(str(story_id), set())
            if unbuilt or count != len(want) or set(store.story(story_id).article_ids) != want:
                bad += 1
        found["stories"] = len(stories)
        found["story_mismatch"] = bad
        documents = q("SELECT df FROM term_df WHERE term = ''").fetchone()
        found["df_mismatch"] = abs((documents[0] if documents else 0) - len(rows))
    found["inconsistent"] = sum(
        found[k]
        for k in (
            "no_analysis",
            "no_signature",
            "no_story",
            "dangling_members",
            "empty_stories",
            "stale_stories",
            "story_mismatch",
            "df_mismatch",
        )
    )
    return found


def _sqlite_integrity(path: str) -> str:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            return "; ".join(problems)[:300]
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            return "foreign key violations"
        try:  # FTS5: the full-text index agrees with the articles table
            conn.execute(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            return f"fts: {exc}"
        return "ok"
    finally:
        conn.close()


# -- the experiment ---------------------------------------------------------------


def crash_trials(
    backend: str,
    db: str,
    slices: list[Path],
    seed: int,
    orphan_wait: float = 10.0,
    timeout: float = 3600.0,
    log: Any = None,
) -> list[Trial]:
    """Run one trial per slice on one store (see the module docstring)."""
    rng = random.Random(f"{seed}-{backend}")
    expected: set[str] = set()
    rejected: set[str] = set()
    trials = []
    for t, path in enumerate(slices):
        sources = sources_of(path)
        trial = Trial(backend, t, len(sources))
        start = max(stored_count(db)[0], 0)
        end = start + len(sources)
        kills = 1 if rng.random() < 0.7 else 2  # sometimes the first restart dies too
        attempts = 0
        while len(trial.kills) < kills and attempts < kills + 3:
            attempts += 1
            now = max(stored_count(db)[0], start)
            phase, orphans = run_and_kill([path], db, now, end, rng, orphan_wait)
            trial.orphans += orphans
            if phase is None:
                trial.missed += 1
            else:
                trial.kills.append(phase)
        report, trial.run_s = run_to_end([path], db, timeout)
        trial.stored_by_final_run = len(report["stored"])
        expected.update(sources)
        failed = {f["source"] for f in report["failures"]}
        trial.rejected = len(failed & set(sources))
        rejected.update(failed)
        trial.check = check_store(db, expected, rejected)
        trials.append(trial)
        if log:
            print(json.dumps(asdict(trial)), file=log, flush=True)
    return trials


def summarize(backend: str, trials: list[Trial], rerun: dict[str, Any]) -> dict[str, Any]:
    """One table row for a backend."""
    last = trials[-1].check if trials else {}
    return {
        "backend": backend,
        "trials": len(trials),
        "trials_killed": sum(1 for t in trials if t.kills),
        "kills": sum(len(t.kills) for t in trials),
        "kill_phases": dict(Counter(p for t in trials for p in t.kills)),
        "missed": sum(t.missed for t in trials),
        "records": sum(t.records for t in trials),
        "stored": last.get("articles", 0),
        "rejected": sum(t.rejected for t in trials),
        "lost": max((t.check["lost"] for t in trials), default=0),
        "duplicated": max((t.check["duplicated"] for t in trials), default=0),
        "inconsistent": max((t.check["inconsistent"] for t in trials), default=0),
        "integrity_failures": sum(1 for t in trials if t.check["integrity"] != "ok"),
        "orphans": sum(t.orphans for t in trials),
        "trials_ok": sum(1 for t in trials if _ok(t)),
        "rerun_new": len(rerun.get("stored", [])),
        "rerun_duplicates": len(rerun.get("duplicates", [])),
    }


def _ok(trial: Trial) -> bool:
    c = trial.check
    return bool(
        trial.kills
        and c["integrity"] == "ok"
        and not (c["lost"] or c["duplicated"] or c["inconsistent"] or c["rejected_but_stored"])
        and not c["unexpected"]
        and not trial.orphans
    )


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema on the server (dropped afterwards)."""
    import psycopg

    schema = f"crash_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def run_backend(
    backend: str, db: str, slices: list[Path], seed: int, orphan_wait: float, log: Any
) -> dict[str, Any]:
    """All trials on one backend, then the idempotency re-run; its summary row."""
    trials = crash_trials(backend, db, slices, seed, orphan_wait, log=log)
    rerun, _ = run_to_end(slices, db, 3600.0)
    row = summarize(backend, trials, rerun)
    row["seconds"] = round(sum(t.run_s for t in trials), 1)
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    """The closing table, one row per backend."""
    head = (
        f"{'backend':10} {'trials':>6} {'killed':>6} {'kills':>5} {'records':>7} {'stored':>6} "
        f"{'lost':>4} {'dup':>4} {'incons':>6} {'integ':>5} {'orphan':>6} {'ok':>5} {'rerun':>9}"
    )
    print(head)
    for r in rows:
        print(
            f"{r['backend']:10} {r['trials']:6d} {r['trials_killed']:6d} {r['kills']:5d} "
            f"{r['records']:7d} {r['stored']:6d} {r['lost']:4d} {r['duplicated']:4d} "
            f"{r['inconsistent']:6d} {r['integrity_failures']:5d} {r['orphans']:6d} "
            f"{r['trials_ok']:2d}/{r['trials']:<2d} {r['rerun_new']:3d} new"
        )


def main() -> None:
    """Build the corpus, run the trials per backend, print the table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument(
        "--backends", default="", help="sqlite,postgresql (default: postgresql too when a URL is)"
    )
    parser.add_argument(
        "--pg-url", default=os.environ.get("STORYLINE_TEST_PG_URL", ""), help="PostgreSQL server"
    )
    parser.add_argument("--orphan-wait", type=float, default=10.0)
    parser.add_argument("--work", type=Path, help="Keep the corpus, stores and log here.")
    args = parser.parse_args()
    backends = args.backends.split(",") if args.backends else ["sqlite"]
    if not args.backends and args.pg_url:
        backends.append("postgresql")
    work = args.work or Path(tempfile.mkdtemp(prefix="storyline-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    records = make_corpus(args.articles, args.seed, eval_dir())
    slices = write_slices(records, args.trials, work / "input")
    rows = []
    with (work / "trials.jsonl").open("a", encoding="utf-8") as log:
        for backend in backends:
            if backend == "sqlite":
                db = work / "crash.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                rows.append(run_backend(backend, str(db), slices, args.seed, args.orphan_wait, log))
            elif backend == "postgresql":
                if not args.pg_url:
                    raise SystemExit("postgresql: no --pg-url (or run under tests/pgcluster.py)")
                with postgres_schema(args.pg_url.rstrip("/") + "/postgres") as url:
                    rows.append(run_backend(backend, url, slices, args.seed, args.orphan_wait, log))
            else:
                raise SystemExit(f"unknown backend {backend!r}")
            print(json.dumps(rows[-1]), flush=True)
    print(f"corpus: {len(records)} records in {args.trials} slices; work folder {work}")
    print_table(rows)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
