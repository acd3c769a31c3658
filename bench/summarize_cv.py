"""Two-fold cross-validation of the summarizer's main constants on a summarization file.

Usage: .venv/bin/python bench/summarize_cv.py [DATA.jsonl] [--words N] [--no-fill]

For each split of the clusters into halves (first/last and even/odd, each way round), fits
the lead prior's shape (LEAD_REST, LEAD_DECAY: ROUGE-2 hits per word by sentence position,
against the references) on one half, picks the grid point with the best mean ROUGE-2 recall
on that half, and reports it on the other, next to the lead baseline on that same half. The
grid is the one the shipped constants were chosen from; the shipped point is marked.
Storyline's summary runs on to the budget like the baselines (``fill``), as in `storyline eval
summarize`; ``--no-fill`` scores the whole-sentence summary instead.
"""

from __future__ import annotations

import argparse
import itertools
import math
from pathlib import Path

import numpy as np
from nltk.stem.porter import PorterStemmer  # rouge-score's stemmer (no data files)
from rouge_score import tokenize

from storyline.eval import summarize as harness
from storyline.eval.baselines import BASELINES
from storyline.eval.common import rouge, truncate_words
from storyline.records import Analysis
from storyline.settings import Settings
from storyline.story import summarize as summarizer

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "eval"
    / "summarization"
    / "multiling2011_en.jsonl"
)
GRID = {"LEAD_WEIGHT": (25.0, 50.0, 100.0, 200.0), "CONCEPT_MIN_DF": (2, 3)}
PRIOR_CAP = 6  # sentence positions 1..PRIOR_CAP fitted; later ones share the last rate


def fit_prior(
    clusters: list[harness.Cluster], analyses: dict[str, Analysis]
) -> tuple[float, float]:
    """(rest, decay) so later sentences earn ~rest * (1 + index) ** -decay of the first's
    ROUGE-2 hits per word against the references (a least-squares line in log-log)."""
    stem = PorterStemmer()

    def bigrams(text: str) -> set[tuple[str, str]]:
        words = [stem.stem(w) if len(w) > 3 else w for w in tokenize.tokenize(text, None)]
        return set(zip(words, words[1:], strict=False))

    hits, words = [0.0] * (PRIOR_CAP + 1), [0] * (PRIOR_CAP + 1)
    for cluster in clusters:
        refs = [bigrams(r) for r in cluster.references]
        for article in cluster.articles:
            for sentence in analyses[article.id].sentences:
                found, k = bigrams(sentence.text), min(sentence.index, PRIOR_CAP)
                hits[k] += sum(len(found & r) for r in refs) / len(refs)
                words[k] += len(sentence.text.split())
    rate = [h / max(w, 1) for h, w in zip(hits, words, strict=True)]
    relative = np.array([max(r, 1e-9) / max(rate[0], 1e-9) for r in rate[1:]])
    slope, intercept = np.polyfit(np.log(np.arange(2, PRIOR_CAP + 2)), np.log(relative), 1)
    return float(math.exp(intercept)), float(-slope)


def main() -> None:
    """Print the cross-validated ROUGE-2 recall of the tuned summarizer vs every baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--words", type=int, default=250)
    parser.add_argument("--no-fill", action="store_true", help="stop below the budget")
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
    shipped_prior = (summarizer.LEAD_REST, summarizer.LEAD_DECAY)
    cache: dict[tuple[tuple[float, ...], tuple[float, float]], list[float]] = {}

    def results(point: tuple[float, ...], prior: tuple[float, float]) -> list[float]:
        """Storyline's ROUGE-2 recall per cluster with these constants."""
        if (point, prior) not in cache:
            for key, value in zip(GRID, point, strict=True):
                setattr(summarizer, key, value)
            summarizer.LEAD_REST, summarizer.LEAD_DECAY = prior
            cache[point, prior] = [
                score(
                    " ".join(
                        s.text
                        for s in harness.storyline_summary(
                            c, analyses, settings, args.words, fill=not args.no_fill
                        )
                    ),
                    c,
                )
                for c in clusters
            ]
            for key, value in zip(GRID, shipped, strict=True):
                setattr(summarizer, key, value)
            summarizer.LEAD_REST, summarizer.LEAD_DECAY = shipped_prior
        return cache[point, prior]

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
            prior = fit_prior([clusters[i] for i in train], analyses)
            points = list(itertools.product(*GRID.values()))
            pick = max(points, key=lambda p: mean(results(p, prior), train))
            ours, base = mean(results(pick, prior), test), mean(baseline, test)
            held_out.append((ours, base))
            for other, values in baselines.items():
                others[other].append(mean(values, test))
            marker = " (shipped)" if pick == shipped else ""
            print(
                f"{name}: tuned on {train} -> {dict(zip(GRID, pick, strict=True))}{marker}, "
                f"prior rest {prior[0]:.2f} decay {prior[1]:.2f}; "
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
    everything = results(shipped, shipped_prior)
    print(f"shipped constants on all clusters: {mean(everything, list(range(n))):.4f}")
    fitted = fit_prior(clusters, analyses)
    print(f"prior fitted on all clusters: rest {fitted[0]:.2f} decay {fitted[1]:.2f}")
    # Paired per-cluster differences against lead: how much of a margin the data can resolve.
    diffs = [100 * (o - b) for o, b in zip(everything, baseline, strict=True)]
    centre = sum(diffs) / n
    spread = math.sqrt(sum((d - centre) ** 2 for d in diffs) / max(n - 1, 1))
    print(
        f"shipped vs lead per cluster: mean {centre:+.2f} points, "
        f"standard error {spread / math.sqrt(n):.2f} (n={n})"
    )


if __name__ == "__main__":
    main()
