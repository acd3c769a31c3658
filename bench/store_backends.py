"""Benchmark: the same ingest into SQLite and PostgreSQL; articles/s and story-list latency.

Input: the 50 NewsWCL50 articles of ../shared/eval/clustering/newswcl50.jsonl (10 events,
5 outlets each), in stream order. Both runs use ``--workers 1`` in this process, so the
difference is the store. The story list query is ``store.stories(50)`` (what
``storyline stories`` runs), timed as the median of 50 calls.

Run with a throwaway cluster: ``python tests/pgcluster.py python bench/store_backends.py``
(or give ``--pg postgresql://...``; the bench writes into a fresh schema and drops it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("STORYLINE_EVAL_DATA", ROOT.parent / "shared" / "eval"))


def measure(db: str, data: Path, tmp: Path) -> dict[str, float]:
    """Ingest ``data`` into the store ``db``; return throughput and list latency."""
    from storyline import pipeline
    from storyline.settings import Settings
    from storyline.store import open_store

    settings = Settings.load({"db": str(tmp / "unused.db")})
    with open_store(db) as store:
        start = time.perf_counter()
        report = pipeline.ingest([str(data)], store, settings, workers=1)
        seconds = time.perf_counter() - start
        laps = []
        for _ in range(50):
            begin = time.perf_counter()
            rows = store.stories(50)
            laps.append(time.perf_counter() - begin)
    return {
        "articles": len(report.stored),
        "stories": len(rows),
        "seconds": seconds,
        "list_ms": statistics.median(laps) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("STORYLINE_TEST_PG_URL"))
    args = parser.parse_args()
    if not args.pg:
        sys.exit("no PostgreSQL URL: run under tests/pgcluster.py or pass --pg")
    import psycopg

    data = EVAL / "clustering" / "newswcl50.jsonl"
    admin = args.pg.rstrip("/") + ("/postgres" if args.pg.rstrip("/").count("/") == 2 else "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS storyline_bench CASCADE")
        conn.execute("CREATE SCHEMA storyline_bench")
    pg = f"{admin}?options={quote('-csearch_path=storyline_bench')}"
    try:
        with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
            rows = {
                "sqlite": measure(str(Path(tmp) / "bench.db"), data, Path(tmp)),
                "postgresql": measure(pg, data, Path(tmp)),
            }
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP SCHEMA storyline_bench CASCADE")
    base = rows["sqlite"]["articles"] / rows["sqlite"]["seconds"]
    print(
        f"{'store':12} {'articles':>8} {'stories':>7} {'s':>7} {'art/s':>7} {'x sqlite':>8} "
        f"{'list ms':>8}"
    )
    for name, r in rows.items():
        rate = r["articles"] / r["seconds"]
        print(
            f"{name:12} {r['articles']:8.0f} {r['stories']:7.0f} {r['seconds']:7.1f} "
            f"{rate:7.2f} {rate / base:8.2f} {r['list_ms']:8.2f}"
        )


if __name__ == "__main__":
    main()
