"""Clustering cost on a long stream: does the per-article cost stay flat as the store grows?

Replays the labelled clustering sets (../shared/eval/clustering/*.jsonl) again and
again with shifted publication dates (each replay a month after the previous one;
undated articles get synthetic dates, ``--per-day`` a day) into one long stream,
stores and clusters each article (analysis is done once up front and excluded:
"already analysed text"), and reports articles/second over the first ``--window``
articles and over the last ``--window`` articles, and their cost ratio (end / start,
measured in the same run), by the wall clock and by this process's CPU time (the
steadier figure when other jobs share the machine); clusterer times are CPU time.
Copies of a replayed article are new articles to the clusterer (fresh ids);
near-duplicate linking is left out on purpose, since every replay would otherwise
be a wire copy of the first.

    python bench/cluster_stream.py --articles 100000   # full size
    python bench/cluster_stream.py                     # CI size (5000)

The store is an SQLite file in a temporary folder, as in use (``--db PATH`` to keep it,
``--db :memory:`` for an in-RAM store, whose cost grows with the database held in RAM).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import pickle
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from storyline.cluster import OnlineClusterer
from storyline.eval.train_cluster import load
from storyline.records import Analysis, Article
from storyline.settings import Settings
from storyline.store import SQLiteStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "clustering"
START = dt.date(2020, 1, 1)


def stream(
    base: list[tuple[Article, Analysis]], total: int, per_day: int
) -> Iterator[tuple[Article, Analysis]]:
    """``total`` articles: the base set replayed with ids and dates shifted per replay.

    A generator, as a feed is: holding every copy in memory would make Python's garbage
    collector, not the clusterer, slow down as the stream grows.
    """
    made = 0
    replay = 0
    while made < total:
        offset = dt.timedelta(days=30 * replay)
        for i, (article, analysis) in enumerate(base):
            if made >= total:
                break
            if article.published:
                day = dt.date.fromisoformat(article.published[:10]) - dt.date(2018, 4, 1)
                published = START + offset + day
            else:
                published = START + offset + dt.timedelta(days=i // per_day)
            new_id = f"{article.id}-r{replay}"
            made += 1
            yield (
                dataclasses.replace(article, id=new_id, published=published.isoformat()),
                dataclasses.replace(analysis, article_id=new_id),
            )
        replay += 1


def main() -> None:
    """Run the bench and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, help="pickle of the analysed base set (reused)")
    parser.add_argument("--db", help="store path (default: a file in a temporary folder)")
    args = parser.parse_args()
    settings = Settings()
    base: list[tuple[Article, Analysis]] = []
    if args.cache and args.cache.exists():
        base = pickle.loads(args.cache.read_bytes())
    else:
        for name in ("ecbplus.jsonl", "newswcl50.jsonl"):
            articles, analyses, _ = load(args.data / name, settings)
            base.extend(zip(articles, analyses, strict=True))
        if args.cache:
            args.cache.write_bytes(pickle.dumps(base))
    folder = tempfile.TemporaryDirectory(prefix="storyline-stream-")
    store = SQLiteStore(args.db or str(Path(folder.name) / "stream.db"))
    clusterer = OnlineClusterer(store, settings)
    marks: list[float] = []
    cpu: list[float] = []  # this process's CPU time: steadier than the wall clock on a busy box
    clustering: list[float] = []  # seconds in the clusterer alone (no article/FTS insert)
    active: list[int] = []
    for article, analysis in stream(base, args.articles, args.per_day):
        marks.append(time.perf_counter())
        cpu.append(time.process_time())
        with store.transaction():
            seq = store.add_article(article, analysis)
            began = time.process_time()
            clusterer.assign(article, analysis, seq)
            clustering.append(time.process_time() - began)
        active.append(len(clusterer.active))
    marks.append(time.perf_counter())
    cpu.append(time.process_time())
    count = len(clustering)
    w = min(args.window, count // 2)
    start = (marks[w] - marks[0]) / w
    end = (marks[-1] - marks[-1 - w]) / w
    cluster_start = sum(clustering[:w]) / w
    cluster_end = sum(clustering[-w:]) / w
    cpu_start = (cpu[w] - cpu[0]) / w
    cpu_end = (cpu[-1] - cpu[-1 - w]) / w
    print(
        json.dumps(
            {
                "articles": count,
                "window": w,
                "articles_per_second_start": round(1 / start, 1),
                "articles_per_second_end": round(1 / end, 1),
                "cost_ratio_end_vs_start": round(end / start, 3),
                "cpu_articles_per_second_start": round(1 / cpu_start, 1),
                "cpu_articles_per_second_end": round(1 / cpu_end, 1),
                "cpu_cost_ratio_end_vs_start": round(cpu_end / cpu_start, 3),
                "clusterer_ms_start": round(cluster_start * 1000, 3),
                "clusterer_ms_end": round(cluster_end * 1000, 3),
                "clusterer_cost_ratio_end_vs_start": round(cluster_end / cluster_start, 3),
                "active_stories_start": round(sum(active[:w]) / w, 1),
                "active_stories_end": round(sum(active[-w:]) / w, 1),
                "overall_articles_per_second": round(count / (marks[-1] - marks[0]), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
