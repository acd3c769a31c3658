"""Load check: N concurrent clients read story pages from `storyline serve` while an ingest runs.

    .venv/bin/python bench/load.py                      # CI size: 8 clients, 400-article store
    .venv/bin/python bench/load.py --clients 50 --articles 10000 --seconds 30   # full size
    .venv/bin/python bench/load.py --target api --clients 50 --seconds 60 --ingest-articles 400
                                  # the JSON API (/api/stories/{id}) under a 60 s ingest

The store is made from the bundled seed story: the two seed articles are ingested through
the real pipeline once, then their stored records (article, analysis, built story) are copied
under new ids through the store API until it holds ``--articles`` articles in two-article
stories, so the read path sees real-shaped data without hours of NLP. The ingest that runs
during the measurement is real: `storyline ingest` in its own process on a JSONL batch of
the test fixtures under new titles, writing to the same file (SQLite WAL, one writer).

Three phases, each ``--seconds`` long, against one server process:
  baseline   1 client, no ingest      (the ratio base)
  readers    N clients, no ingest
  ingest     N clients while `storyline ingest` writes
Each client is a thread with its own keep-alive connection, reading story pages
(/stories/{id}) of random stories (seeded). Reported: requests, errors, p50/p99 in ms, and
p99 as a ratio to the baseline's. Each story's page is rendered when the story is built and
kept in the store (as the pipeline does), with its API JSON, so a read is one row fetch;
pages and JSON of stories the ingest rebuilds are rendered by the ingest. bench/load_wrk.py runs the same phases with wrk
as the client too, and reports what the Python client itself costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "src"))  # an installed or PYTHONPATH storyline comes first

from storyline import pipeline  # noqa: E402
from storyline.records import content_id  # noqa: E402
from storyline.settings import Settings  # noqa: E402
from storyline.store import SQLiteStore  # noqa: E402

STORYLINE = [sys.executable, "-c", "from storyline.app.cli import main; main()"]
PAGE_MARKER = b'<h2 id="h-summary">'  # a whole story page came back
API_MARKER = b'"summary":'  # a whole story came back as JSON


def build_store(db: Path, articles: int) -> list[str]:
    """A store of ``articles`` articles in copies of the seed story; return the story ids."""
    with SQLiteStore(db) as store:
        pipeline.ingest([str(ROOT / "examples")], store, Settings(db=str(db)))
        seed_row = store.stories(1)[0]
        seed = store.story(seed_row.id)
        state = store.story_states(1)[0]["state"]  # the clusterer's centroid, copied as is
        originals = store.articles(seed.article_ids)
        analyses = [store.analysis(a.id) for a in originals]
        ids = [seed.id]
        copies = max(0, articles // len(originals) - 1)
        with store.transaction():
            for n in range(1, copies + 1):
                mapping: dict[str, str] = {}
                for article, analysis in zip(originals, analyses, strict=True):
                    new_id = content_id(article.id, str(n))
                    mapping[article.id] = new_id
                    copy = dataclasses.replace(article, id=new_id, title=f"{article.title} #{n}")
                    seq = store.add_article(
                        copy,
                        dataclasses.replace(
                            analysis,
                            article_id=new_id,
                            sentences=tuple(
                                dataclasses.replace(s, article_id=new_id)
                                for s in analysis.sentences
                            ),
                        ),
                    )
                story_id = content_id(seed.id, str(n), length=12)
                story = _renamed(seed, story_id, mapping, n)
                store.save_story_state(
                    story_id, story.title, state, seq, story.first_published, story.last_published
                )
                for new_id in mapping.values():
                    store.assign(new_id, story_id)
                # saved as the pipeline saves a built story: with its rendered page
                page = pipeline.story_page(store, story)  # type: ignore[arg-type]
                pipeline.save_story(store, story, page)  # type: ignore[arg-type]
                ids.append(story_id)
    return ids


def _renamed(story: object, story_id: str, mapping: dict[str, str], n: int) -> object:
    """The seed story with its article ids (and every citation) mapped to the copies."""

    def fix(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: fix(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.name != "extra"
            }
            return dataclasses.replace(value, **changes)  # type: ignore[arg-type]
        if isinstance(value, tuple):
            return tuple(fix(v) for v in value)
        if isinstance(value, str):
            return mapping.get(value, value)
        return value

    renamed = fix(story)
    return dataclasses.replace(  # type: ignore[call-overload]
        renamed,
        id=story_id,
        title=f"{renamed.title} #{n}",  # type: ignore[attr-defined]
    )


def ingest_batch(path: Path, count: int) -> Path:
    """A JSONL batch of ``count`` real fixture texts under new titles (new ids, real NLP)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/fixtures").glob("*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = texts[i % len(texts)]
            title = f"Load batch item {i}: " + text.strip().splitlines()[0][:80]
            item = {"outlet": f"Outlet {i % 7}", "published": "2019-03-01", "title": title}
            out.write(json.dumps({**item, "text": text}) + "\n")
    return path


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client(
    port: int,
    paths: list[str],
    stop: float,
    seed: int,
    out: list[tuple[float, bool]],
    marker: bytes = PAGE_MARKER,
) -> None:
    """One client: read random stories until ``stop`` (monotonic), recording latencies.

    A read counts as an error unless it answers 200 with ``marker`` in the body.
    """
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200 and marker in body
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out.append((time.perf_counter() - started, ok))
    conn.close()


def phase(
    port: int, paths: list[str], clients: int, seconds: float, marker: bytes = PAGE_MARKER
) -> dict[str, float]:
    """Run ``clients`` readers for ``seconds``; return counts and latency percentiles (ms)."""
    results: list[list[tuple[float, bool]]] = [[] for _ in range(clients)]
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, paths, stop, 1000 + i, results[i], marker))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples = [r for rs in results for r in rs]
    times = sorted(t * 1000 for t, ok in samples if ok)
    errors = sum(1 for _, ok in samples if not ok)
    if not times:
        return {"requests": len(samples), "errors": errors, "p50_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "requests": len(samples),
        "errors": errors,
        "rps": round(len(samples) / seconds, 1),
        "p50_ms": round(cuts[49], 2),
        "p99_ms": round(cuts[98], 2),
    }


def main() -> None:
    """Build the store, start the server, run the three phases, print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--ingest-articles", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="Keep the store in this folder.")
    parser.add_argument(
        "--target",
        choices=("pages", "api"),
        default="pages",
        help="Read story pages (/stories/{id}) or the JSON API (/api/stories/{id}).",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="storyline-load-"))
    db = work / "load.db"
    started = time.perf_counter()
    story_ids = build_store(db, args.articles)
    build_s = time.perf_counter() - started
    batch = ingest_batch(work / "batch.jsonl", args.ingest_articles)
    prefix, marker = (
        ("/api/stories/", API_MARKER) if args.target == "api" else ("/stories/", PAGE_MARKER)
    )
    paths = [f"{prefix}{i}" for i in story_ids]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT / "src")}
    server = subprocess.Popen(
        [*STORYLINE, "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(1200):  # up to 2 min: a busy machine imports slowly
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Warm up: every story page once (each is rendered once, then cached by version),
        # then a second of 2 clients so the server's threads hold their connections.
        warm = time.perf_counter()
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
        first_render_ms = (time.perf_counter() - warm) * 1000 / len(paths)
        phase(port, paths, 2, 1.0)
        report: dict[str, object] = {
            "articles": args.articles,
            "stories": len(story_ids),
            "clients": args.clients,
            "seconds": args.seconds,
            "store_build_s": round(build_s, 1),
            "first_render_ms_mean": round(first_render_ms, 2),
        }
        report["target"] = args.target
        report["baseline"] = phase(port, paths, 1, args.seconds, marker)
        report["readers"] = phase(port, paths, args.clients, args.seconds, marker)
        ingest = subprocess.Popen(
            [*STORYLINE, "ingest", str(batch), "--db", str(db), "--quiet"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(0.5)
        ingest_started = time.monotonic()
        report["ingest"] = phase(port, paths, args.clients, args.seconds, marker)
        still_running = ingest.poll() is None
        _, err = ingest.communicate()
        report["ingest_ran_whole_phase"] = still_running
        report["ingest_exit"] = ingest.returncode
        report["ingest_s"] = round(time.monotonic() - ingest_started + 0.5, 1)
        if ingest.returncode:
            report["ingest_stderr"] = err.decode(errors="replace")[-500:]
    finally:
        server.terminate()
        server.wait(10)
    base = report["baseline"]["p99_ms"] or 1.0  # type: ignore[index]
    print(f"store: {args.articles} articles, {len(story_ids)} stories (built in {build_s:.1f} s)")
    print(
        f"{'phase':10} {'clients':>7} {'requests':>8} {'errors':>6} {'rps':>7} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'p99/base':>8}"
    )
    for name, clients in (("baseline", 1), ("readers", args.clients), ("ingest", args.clients)):
        r = report[name]
        print(
            f"{name:10} {clients:7d} {r['requests']:8d} {r['errors']:6d} {r.get('rps', 0):7} "  # type: ignore[index]
            f"{r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['p99_ms'] / base:8.2f}"  # type: ignore[index]
        )
    print(json.dumps(report))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(db, args.keep / "load.db")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
