"""`storyline eval cluster DATA.jsonl`: online story clustering against gold event labels.

Runs the engine in stream order (near-duplicate linking + online clustering) on a
fresh in-memory store, then scores the final partition: B-cubed precision, recall
and F1, pairwise F1, predicted vs gold cluster counts, and articles per second for
already analysed text (analysis time is excluded: it is the same for any
clusterer). The baseline is batch agglomerative clustering (average linkage,
cosine) of TF-IDF vectors, with the distance threshold that scores best on this
very file: an optimistic reference that sees everything at once.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cluster import OnlineClusterer, PairModel, load_model
from ..errors import InputError
from ..pipeline import store_and_cluster
from ..records import Analysis, Article
from ..settings import Settings
from ..store import SQLiteStore
from .train_cluster import load

BASELINE_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a partition (per-item averages)."""
    if not predicted:
        return 0.0, 0.0, 0.0
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for p, g in zip(predicted, gold, strict=True):
        shared = len(by_pred[p] & by_gold[g])
        precision += shared / len(by_pred[p])
        recall += shared / len(by_gold[g])
    precision /= len(predicted)
    recall /= len(predicted)
    return precision, recall, _f1(precision, recall)


def pairwise_f1(predicted: Sequence[str], gold: Sequence[str]) -> float:
    """F1 over article pairs: a pair is positive when both share a cluster."""
    both = _pairs(list(zip(predicted, gold, strict=True)))
    pred_pairs = _pairs([(p, "") for p in predicted])
    gold_pairs = _pairs([(g, "") for g in gold])
    precision = both / pred_pairs if pred_pairs else 0.0
    recall = both / gold_pairs if gold_pairs else 0.0
    return _f1(precision, recall)


def _pairs(keys: Sequence[tuple[str, str]]) -> int:
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for key in keys:
        sizes[key] += 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def run_stream(
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    settings: Settings,
    model: PairModel | None = None,
    embeddings: Sequence[tuple[float, ...]] | None = None,
) -> tuple[list[str], float]:
    """Feed articles in order through dedupe + clustering; final story per article, seconds.

    Sentence embeddings (when the model reads them) are analysis: made before the clock
    starts, or taken from ``embeddings``.
    """
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, settings, model)
    clusterer.prepare(articles, embeddings)
    start = time.perf_counter()
    for article, analysis in zip(articles, analyses, strict=True):
        with store.transaction():
            store_and_cluster(article, analysis, store, clusterer)
    seconds = time.perf_counter() - start
    stories = [store.story_of(a.id) or "" for a in articles]
    store.close()
    return stories, seconds


def agglomerative_baseline(articles: Sequence[Article], gold: Sequence[str]) -> dict[str, Any]:
    """Batch average-linkage clustering of TF-IDF vectors at the best threshold for this file."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    texts = [f"{a.title}\n{a.text}" for a in articles]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    best: dict[str, Any] = {}
    for threshold in BASELINE_THRESHOLDS:
        labels = [str(x) for x in fcluster(tree, t=threshold, criterion="distance")]
        precision, recall, f1 = bcubed(labels, gold)
        if not best or f1 > best["bcubed_f1"]:
            best = {
                "bcubed_precision": round(precision, 4),
                "bcubed_recall": round(recall, 4),
                "bcubed_f1": round(f1, 4),
                "pairwise_f1": round(pairwise_f1(labels, gold), 4),
                "clusters": len(set(labels)),
                "distance_threshold": threshold,
            }
    best["seconds"] = round(time.perf_counter() - start, 3)
    return best


def evaluate(
    path: Path, settings: Settings, predictions: Path | None = None, **options: Any
) -> dict[str, Any]:
    """Score online clustering of one clustering file (format of ../shared/eval/README.md)."""
    model: Path | None = options.get("model")
    articles, analyses, gold = load(path, settings)
    if not articles:
        raise InputError(str(path), "no articles")
    pair = load_model(model) if model is not None else None
    stories, seconds = run_stream(articles, analyses, settings, pair)
    precision, recall, f1 = bcubed(stories, gold)
    if predictions is not None:
        with open(predictions, "w", encoding="utf-8") as out:
            for article, story in zip(articles, stories, strict=True):
                out.write(json.dumps({"id": article.id, "story": story}) + "\n")
    return {
        "articles": len(articles),
        "gold_clusters": len(set(gold)),
        "clusters": len(set(stories)),
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "pairwise_f1": round(pairwise_f1(stories, gold), 4),
        "articles_per_second": round(len(articles) / seconds, 1) if seconds else 0.0,
        "baselines": {"agglomerative_tfidf": agglomerative_baseline(articles, gold)},
    }


def report_text(result: dict[str, Any]) -> str:
    """A readable table of the scores and the baseline."""
    base = result["baselines"]["agglomerative_tfidf"]
    rows = [
        ("", "online (storyline)", "batch agglomerative"),
        ("B-cubed precision", result["bcubed_precision"], base["bcubed_precision"]),
        ("B-cubed recall", result["bcubed_recall"], base["bcubed_recall"]),
        ("B-cubed F1", result["bcubed_f1"], base["bcubed_f1"]),
        ("pairwise F1", result["pairwise_f1"], base["pairwise_f1"]),
        ("clusters", result["clusters"], base["clusters"]),
    ]
    lines = [f"{str(a):<20}{str(b):>20}{str(c):>22}" for a, b, c in rows]
    lines.append(
        f"{result['articles']} articles, {result['gold_clusters']} gold events; "
        f"{result['articles_per_second']} articles/s (analysed text); baseline distance "
        f"threshold {base['distance_threshold']} (best for this file)"
    )
    return "\n".join(lines)
