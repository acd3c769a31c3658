"""Train the clusterer's pair model: ``python -m storyline.eval.train_cluster DATA.jsonl``.

Replays labelled clustering files (``../shared/eval`` clustering format) in stream
order with the *gold* stories as the active set; for every article, each candidate
story the clusterer would score gives one example (positive when it is the
article's gold story). A logistic regression on those examples, plus the join and
bridge-merge thresholds that give the best online B-cubed F1 on the ``--calibrate``
files (default: the same files), is written as ``cluster_model.json``, or with
``--embeddings`` (MiniLM cosine added) as ``cluster_model_minilm.json`` (or ``--out``).
The regularisation C is the one of ``C_GRID`` with the lowest grouped cross-validated
log-loss on the training pairs (groups as below), or the one ``--c`` fixes.
``--folds K`` instead reports grouped K-fold cross-validation (nothing is written): for
each fold, weights and thresholds come from the other groups of every file and the
held-out groups are clustered and scored; a group is the part of a gold label matched
by ``--group-pattern`` (e.g. ``^[0-9]+`` for ECB+ topics, whose two events share a
topic), or the whole label. Deterministic: same files, same coefficients.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..analyze import sentences_and_mentions
from ..cluster import FEATURES, OnlineClusterer, PairModel, embedding_text, profile
from ..errors import InputError
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
    embeddings: Sequence[tuple[float, ...]] | None = None,
) -> tuple[list[list[float | None]], list[int], list[str]]:
    """Pair features (all of FEATURES), same-event labels and each pair's article label
    (gold), from a gold-order replay."""
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, settings)
    rows: list[list[float | None]] = []
    targets: list[int] = []
    owners: list[str] = []
    story_of: dict[str, str] = {}
    vectors: Sequence[tuple[float, ...] | None] = embeddings or [None] * len(articles)
    for article, analysis, label, vector in zip(articles, analyses, labels, vectors, strict=True):
        seq = store.add_article(article, analysis)
        prof = profile(article, analysis, vector)
        vec = clusterer.vectors(prof)
        gold = story_of.get(label)
        candidates = clusterer.candidates(prof, vec)
        if gold is not None and gold in clusterer.active and gold not in candidates:
            candidates.append(gold)
        for story_id in candidates:
            rows.append(clusterer.features(prof, vec, clusterer.active[story_id]))
            targets.append(int(story_id == gold))
            owners.append(label)
        story_of[label] = clusterer.place(article, prof, vec, seq, gold)
    store.close()
    return rows, targets, owners


# the TF-IDF-class model needs no embeddings; the other one adds the MiniLM cosine
BASE_FEATURES = tuple(name for name in FEATURES if name != "embedding_cosine")
EMBEDDING_FEATURES = (*BASE_FEATURES, "embedding_cosine")


C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # inverse L2 strengths tried by choose_c
C_FOLDS = 5


def train(
    rows: list[list[float | None]],
    targets: list[int],
    names: Sequence[str] = BASE_FEATURES,
    groups: Sequence[str] | None = None,
    c: float | None = None,
) -> dict[str, Any]:
    """Fit the logistic regression on the named features; the JSON object of a model file.

    C is ``c`` when given; else, with ``groups`` (one per row: pairs of one group are
    held out together), the one :func:`choose_c` picks; else 1.
    """
    from sklearn.linear_model import LogisticRegression

    index = [FEATURES.index(name) for name in names]
    matrix = [[float(row[i] or 0.0) for i in index] for row in rows]
    if c is None:
        c = choose_c(matrix, targets, groups) if groups is not None else 1.0
    fit = LogisticRegression(C=c, max_iter=5000).fit(matrix, targets)
    return {
        "features": list(names),
        "weights": [round(float(w), 4) for w in fit.coef_[0]],
        "bias": round(float(fit.intercept_[0]), 4),
        "C": c,
        "examples": len(targets),
        "positives": int(sum(targets)),
    }


def choose_c(matrix: list[list[float]], targets: list[int], groups: Sequence[str]) -> float:
    """The C of C_GRID with the lowest grouped K-fold log-loss (1 when the groups are too few)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    x, y = np.array(matrix), np.array(targets)
    folds = min(C_FOLDS, len(set(groups)))
    if folds < 2:
        return 1.0
    splits = list(GroupKFold(folds).split(x, y, list(groups)))
    if any(len(set(y[train_rows])) < 2 for train_rows, _ in splits):
        return 1.0
    losses = []
    for c in C_GRID:
        loss = 0.0
        for train_rows, test_rows in splits:
            fit = LogisticRegression(C=c, max_iter=5000).fit(x[train_rows], y[train_rows])
            p = np.clip(fit.predict_proba(x[test_rows])[:, 1], 1e-12, 1 - 1e-12)
            truth = y[test_rows]
            loss -= float(np.sum(truth * np.log(p) + (1 - truth) * np.log(1 - p)))
        losses.append(loss)
    return C_GRID[int(np.argmin(losses))]  # ties: the smaller C (stronger regularisation)


THRESHOLDS = (0.15, 0.2, 0.25, 0.3)
MERGE_THRESHOLDS = (0.9, 1.0)  # 1.0: never merge


Stream = tuple[list[Article], list[Analysis], list[str], list[tuple[float, ...]] | None]


def calibrate(
    model: dict[str, Any], streams: Sequence[Stream], settings: Settings
) -> dict[str, Any]:
    """Pick the join and merge thresholds with the best mean online B-cubed F1 over the files."""
    from .cluster import bcubed, run_stream

    best: tuple[float, float, float] | None = None
    for merge in MERGE_THRESHOLDS:
        for threshold in THRESHOLDS:
            pair = PairModel(
                tuple(model["weights"]), model["bias"], threshold, merge, tuple(model["features"])
            )
            scores = []
            for articles, analyses, labels, vectors in streams:
                stories, _ = run_stream(articles, analyses, settings, pair, vectors)
                scores.append(bcubed(stories, labels)[2])
            f1 = sum(scores) / len(scores)
            if best is None or f1 > best[0]:
                best = (f1, threshold, merge)
    assert best is not None
    return {
        **model,
        "threshold": best[1],
        "merge_threshold": best[2],
        "calibration_bcubed_f1": round(best[0], 4),
    }


def subset(data: Stream, keep: Callable[[str], bool]) -> Stream:
    """The articles of a stream whose gold label ``keep`` accepts, in stream order."""
    articles, analyses, labels, vectors = data
    index = [i for i, label in enumerate(labels) if keep(label)]
    return (
        [articles[i] for i in index],
        [analyses[i] for i in index],
        [labels[i] for i in index],
        None if vectors is None else [vectors[i] for i in index],
    )


def cross_validate(
    streams: dict[str, Stream],
    names: Sequence[str],
    settings: Settings,
    folds: int,
    pattern: str | None = None,
    c: float | None = None,
) -> dict[str, Any]:
    """Grouped K-fold held-out B-cubed F1 per file (article-weighted over the folds)."""
    from .cluster import bcubed, run_stream

    group = grouper(pattern)
    keys = sorted({(name, group(label)) for name, data in streams.items() for label in data[2]})
    fold_of = {key: i % folds for i, key in enumerate(keys)}

    def side(name: str, fold: int, held_out: bool) -> Callable[[str], bool]:
        def keep(label: str) -> bool:
            return (fold_of[(name, group(label))] == fold) is held_out

        return keep

    held: dict[str, list[tuple[int, float]]] = {name: [] for name in streams}
    thresholds = []
    strengths = []
    for fold in range(folds):
        parts = {
            name: (
                subset(data, side(name, fold, held_out=False)),
                subset(data, side(name, fold, held_out=True)),
            )
            for name, data in streams.items()
        }
        training = {name: part for name, (part, _) in parts.items()}
        rows, targets, groups = pairs(training, settings, group)
        if len(set(targets)) < 2:
            raise InputError(f"fold {fold + 1}", "its training groups give one class: fewer folds")
        fitted = [train_part for train_part, _ in parts.values() if train_part[0]]
        model = calibrate(train(rows, targets, names, groups, c), fitted, settings)
        strengths.append(model["C"])
        pair = PairModel(
            tuple(model["weights"]),
            model["bias"],
            model["threshold"],
            model["merge_threshold"],
            tuple(model["features"]),
        )
        thresholds.append(model["threshold"])
        for name, (_, (articles, analyses, labels, vectors)) in parts.items():
            if articles:
                stories, _ = run_stream(articles, analyses, settings, pair, vectors)
                held[name].append((len(articles), bcubed(stories, labels)[2]))
    return {
        "folds": folds,
        "group_pattern": pattern,
        "heldout_bcubed_f1": {
            name: round(sum(n * f1 for n, f1 in scores) / sum(n for n, _ in scores), 4)
            for name, scores in held.items()
            if scores
        },
        "fold_thresholds": thresholds,
        "fold_c": strengths,
    }


def grouper(pattern: str | None) -> Callable[[str], str]:
    """Maps a gold label to its group: the part ``pattern`` matches, or the whole label."""
    matcher = re.compile(pattern) if pattern else None

    def group(label: str) -> str:
        found = matcher.search(label) if matcher else None
        return found.group(0) if found else label

    return group


def pairs(
    streams: dict[str, Stream], settings: Settings, group: Callable[[str], str]
) -> tuple[list[list[float | None]], list[int], list[str]]:
    """Training pairs of several files: features, targets and each pair's group (its
    file and the group of its article's label)."""
    rows: list[list[float | None]] = []
    targets: list[int] = []
    owners: list[str] = []
    for name, (articles, analyses, labels, vectors) in streams.items():
        more_rows, more_targets, more_owners = examples(
            articles, analyses, labels, settings, vectors
        )
        rows.extend(more_rows)
        targets.extend(more_targets)
        owners.extend(f"{name}\x00{group(label)}" for label in more_owners)
    return rows, targets, owners


def stream(path: Path, settings: Settings, embeddings: bool) -> Stream:
    """A clustering file analysed, with sentence embeddings when asked for."""
    articles, analyses, labels = load(path, settings)
    vectors = None
    if embeddings:
        from ..analyze.embed import embedder

        vectors = embedder().embed([embedding_text(a) for a in articles])
    return articles, analyses, labels, vectors


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: fit on some clustering files, calibrate thresholds, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+", help="files whose pairs fit the weights")
    parser.add_argument(
        "--calibrate",
        type=Path,
        nargs="*",
        help="files the thresholds are chosen on (default: data)",
    )
    parser.add_argument("--embeddings", action="store_true", help="add the MiniLM cosine")
    parser.add_argument("--out", type=Path, help="default: the shipped model file")
    parser.add_argument("--folds", type=int, help="report grouped K-fold held-out scores only")
    parser.add_argument("--c", type=float, help="fixed regularisation C (default: chosen)")
    parser.add_argument(
        "--group-pattern",
        help="regex: the part of a label naming its group (cross-validation folds, and the "
        "groups held out together when C is chosen)",
    )
    args = parser.parse_args(argv)
    if args.c is not None and not args.c > 0:
        raise InputError("--c", "the regularisation C must be positive")
    settings = Settings.load()
    names = EMBEDDING_FEATURES if args.embeddings else BASE_FEATURES
    fitted = {path: stream(path, settings, args.embeddings) for path in args.data}
    if args.folds:
        if args.folds < 2:
            raise InputError("--folds", "needs at least 2 folds")
        report = cross_validate(
            {path.name: data for path, data in fitted.items()},
            names,
            settings.replace(cluster_threshold=0),
            args.folds,
            args.group_pattern,
            args.c,
        )
        print(json.dumps({"features": list(names), **report}))
        return
    calibration = [
        fitted.get(path) or stream(path, settings, args.embeddings)
        for path in (args.calibrate or args.data)
    ]
    rows, targets, groups = pairs(
        {str(path): data for path, data in fitted.items()}, settings, grouper(args.group_pattern)
    )
    model = calibrate(
        train(rows, targets, names, groups, args.c),
        calibration,
        settings.replace(cluster_threshold=0),
    )
    fit_names = " ".join(p.name for p in args.data)
    calibration_names = " ".join(p.name for p in (args.calibrate or args.data))
    model["trained_on"] = fit_names
    model["calibrated_on"] = calibration_names
    model["command"] = (
        f"python -m storyline.eval.train_cluster {fit_names}"
        + (f" --calibrate {calibration_names}" if args.calibrate else "")
        + (" --embeddings" if args.embeddings else "")
        + (f" --group-pattern '{args.group_pattern}'" if args.group_pattern else "")
        + (f" --c {args.c:g}" if args.c is not None else "")
    )
    shipped = "cluster_model_minilm.json" if args.embeddings else "cluster_model.json"
    out = args.out or Path(__file__).parent.parent / shipped
    out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model))


if __name__ == "__main__":
    main()
