"""Train the clusterer's pair model: ``python -m storyline.eval.train_cluster DATA.jsonl``.

Replays a labelled clustering file (``../shared/eval`` clustering format) in stream
order with the *gold* stories as the active set; for every article, each candidate
story the clusterer would score gives one example (positive when it is the
article's gold story). A logistic regression on those examples, plus the join and bridge-merge
thresholds that give the best online B-cubed F1 on the same file, is written as
``cluster_model.json`` (or ``--out``). Deterministic: same file, same coefficients.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..analyze import sentences_and_mentions
from ..cluster import FEATURES, OnlineClusterer, PairModel, profile
from ..records import Analysis, Article
from ..settings import Settings
from ..store import SQLiteStore
from .common import read_records


def load(path: Path, settings: Settings) -> tuple[list[Article], list[Analysis], list[str]]:
    """Articles (analysed: sentences and entities) and gold labels of a clustering file."""
    records = list(read_records(path))
    articles = [to_article(r, f"{path}:{i}") for i, r in enumerate(records, 1)]
    found = sentences_and_mentions(articles, settings.spacy_model)
    analyses = [Analysis(a.id, s, m, ()) for a, (s, m) in zip(articles, found, strict=True)]
    return articles, analyses, [str(r["label"]) for r in records]


def to_article(record: dict[str, Any], source: str) -> Article:
    """An Article from one clustering record (its id kept, so predictions name it)."""
    text = str(record.get("text") or "")
    return Article(
        id=str(record["id"]),
        source=source,
        title=str(record.get("title") or ""),
        text=text,
        paragraphs=tuple(p for p in text.split("\n") if p.strip()),
        outlet=record.get("outlet"),
        published=record.get("published"),
    )


def examples(
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    labels: Sequence[str],
    settings: Settings,
) -> tuple[list[list[float]], list[int]]:
    """Pair features and same-event labels from a gold-order replay of a stream."""
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, settings)
    rows: list[list[float]] = []
    targets: list[int] = []
    story_of: dict[str, str] = {}
    for article, analysis, label in zip(articles, analyses, labels, strict=True):
        seq = store.add_article(article, analysis)
        prof = profile(article, analysis)
        vec = clusterer.vectors(prof)
        gold = story_of.get(label)
        candidates = clusterer.candidates(prof, vec)
        if gold is not None and gold in clusterer.active and gold not in candidates:
            candidates.append(gold)
        for story_id in candidates:
            rows.append(clusterer.features(prof, vec, clusterer.active[story_id]))
            targets.append(int(story_id == gold))
        story_of[label] = clusterer.place(article, prof, vec, seq, gold)
    store.close()
    return rows, targets


def train(rows: list[list[float]], targets: list[int]) -> dict[str, Any]:
    """Fit the logistic regression; return the JSON object of cluster_model.json."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1.0, max_iter=5000).fit(rows, targets)
    return {
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in fit.coef_[0]],
        "bias": round(float(fit.intercept_[0]), 4),
        "examples": len(targets),
        "positives": int(sum(targets)),
    }


# the grid the shipped model was calibrated on (a wider one, 0.15-0.5 x 0.8-1.0, chose
# the same point on ECB+ alone)
THRESHOLDS = (0.15, 0.2, 0.3)
MERGE_THRESHOLDS = (0.9, 1.0)  # 1.0: never merge


Stream = tuple[list[Article], list[Analysis], list[str]]


def calibrate(
    model: dict[str, Any], streams: Sequence[Stream], settings: Settings
) -> dict[str, Any]:
    """Pick the join and merge thresholds with the best mean online B-cubed F1 over the files."""
    from .cluster import bcubed, run_stream

    best: tuple[float, float, float] | None = None
    for merge in MERGE_THRESHOLDS:
        for threshold in THRESHOLDS:
            pair = PairModel(tuple(model["weights"]), model["bias"], threshold, merge)
            scores = []
            for articles, analyses, labels in streams:
                stories, _ = run_stream(articles, analyses, settings, pair)
                scores.append(bcubed(stories, labels)[2])
            f1 = sum(scores) / len(scores)
            if best is None or f1 > best[0]:
                best = (f1, threshold, merge)
    assert best is not None
    return {
        **model,
        "threshold": best[1],
        "merge_threshold": best[2],
        "train_bcubed_f1": round(best[0], 4),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: train on one or more clustering files and write the coefficients."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent.parent / "cluster_model.json"
    )
    args = parser.parse_args(argv)
    settings = Settings.load()
    streams = [load(path, settings) for path in args.data]
    rows: list[list[float]] = []
    targets: list[int] = []
    for articles, analyses, labels in streams:
        more_rows, more_targets = examples(articles, analyses, labels, settings)
        rows.extend(more_rows)
        targets.extend(more_targets)
    model = calibrate(train(rows, targets), streams, settings.replace(cluster_threshold=0))
    names = " ".join(p.name for p in args.data)
    model["trained_on"] = names
    model["command"] = f"python -m storyline.eval.train_cluster {names}"
    args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model))


if __name__ == "__main__":
    main()
