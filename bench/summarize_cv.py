"""Two-fold cross-validation of the summarizer's main constants on a summarization file.

Usage: .venv/bin/python bench/summarize_cv.py [DATA.jsonl] [--words N]

For each split of the clusters into halves (first/last and even/odd, each way round), picks
the grid point with the best mean ROUGE-2 recall on one half and reports it on the other,
next to the lead baseline on that same half. The grid is the one the shipped constants were
chosen from; the shipped point is marked.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from storyline.eval import summarize as harness
from storyline.eval.baselines import BASELINES
from storyline.eval.common import rouge, truncate_words
from storyline.settings import Settings
from storyline.story import summarize as summarizer

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "eval"
    / "summarization"
    / "multiling2011_en.jsonl"
)
GRID = {"W_CONCEPT": (0.6, 1.5, 2.5), "W_POSITION": (1.5, 2.0, 3.0)}


def main() -> None:
    """Print the cross-validated ROUGE-2 recall of the tuned summarizer vs every baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--words", type=int, default=250)
    args = parser.parse_args()
    settings = Settings()
    clusters = [c for c in harness.load_clusters(args.data) if c.references]
    analyses = harness.analyse_clusters(clusters, settings)

    def score(text: str, cluster: harness.Cluster) -> float:
        return rouge(truncate_words(text, args.words), cluster.references)["rouge2_r"]

    baselines = {
        name: [
            score(
                " ".join(
                    system(
                        [[s.text for s in analyses[a.id].sentences] for a in c.articles], args.words
                    )
                ),
                c,
            )
            for c in clusters
        ]
        for name, system in BASELINES.items()
    }
    baseline = baselines["lead"]
    shipped = tuple(getattr(summarizer, k) for k in GRID)
    results: dict[tuple[float, ...], list[float]] = {}
    for point in itertools.product(*GRID.values()):
        for key, value in zip(GRID, point, strict=True):
            setattr(summarizer, key, value)
        results[point] = [
            score(
                " ".join(
                    s.text for s in harness.storyline_summary(c, analyses, settings, args.words)
                ),
                c,
            )
            for c in clusters
        ]
    for key, value in zip(GRID, shipped, strict=True):
        setattr(summarizer, key, value)

    def mean(values: list[float], idx: list[int]) -> float:
        return sum(values[i] for i in idx) / len(idx)

    n = len(clusters)
    halves = {
        "first/last": (list(range(n // 2)), list(range(n // 2, n))),
        "even/odd": (list(range(0, n, 2)), list(range(1, n, 2))),
    }
    held_out = []
    others: dict[str, list[float]] = {name: [] for name in baselines}
    for name, (a, b) in halves.items():
        for train, test in ((a, b), (b, a)):
            pick = max(results, key=lambda p: mean(results[p], train))
            ours, base = mean(results[pick], test), mean(baseline, test)
            held_out.append((ours, base))
            for other, values in baselines.items():
                others[other].append(mean(values, test))
            marker = " (shipped)" if pick == shipped else ""
            print(
                f"{name}: tuned on {train} -> {dict(zip(GRID, pick, strict=True))}{marker}; "
                f"held-out ROUGE-2 R {ours:.4f} vs lead {base:.4f}"
            )
    ours = sum(o for o, _ in held_out) / len(held_out)
    base = sum(b for _, b in held_out) / len(held_out)
    print(
        f"mean held-out: storyline {ours:.4f}, lead {base:.4f}, "
        f"margin {100 * (ours - base):+.2f} points"
    )
    best = max(others, key=lambda k: sum(others[k]))
    top = sum(others[best]) / len(others[best])
    print(
        "mean held-out baselines: "
        + ", ".join(f"{k} {sum(v) / len(v):.4f}" for k, v in others.items())
        + f"; margin over the best ({best}) {100 * (ours - top):+.2f} points"
    )
    print(f"shipped constants on all clusters: {mean(results[shipped], list(range(n))):.4f}")


if __name__ == "__main__":
    main()
