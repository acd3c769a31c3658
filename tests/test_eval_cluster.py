"""`storyline eval cluster`: scores, the batch baseline, predictions, and the ECB+ quality gate."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from storyline.eval.cluster import bcubed, evaluate, pairwise_f1, report_text
from storyline.settings import Settings
from test_cluster import QUAKE_A1, QUAKE_A2, QUAKE_B, SUMMIT

KEYS = [
    "articles",
    "gold_clusters",
    "clusters",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "pairwise_f1",
    "articles_per_second",
    "baselines",
]


def test_bcubed_and_pairwise_on_a_worked_example() -> None:
    precision, recall, f1 = bcubed(["a", "a", "b"], ["x", "y", "y"])
    assert (precision, recall, f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert pairwise_f1(["a", "a", "b"], ["x", "y", "y"]) == 0.0
    assert bcubed(["p", "p", "q"], ["x", "x", "y"]) == (1.0, 1.0, 1.0)
    assert pairwise_f1(["p", "p", "q"], ["x", "x", "y"]) == 1.0


def test_evaluate_returns_the_issue_shape_and_writes_recomputable_predictions(
    tmp_path: Path,
) -> None:
    rows = [
        ("q1", QUAKE_A1, "2014-04-01", "chile"),
        ("s1", SUMMIT, "2014-04-01", "hanoi"),
        ("q2", QUAKE_A2, "2014-04-02", "chile"),
        ("q3", QUAKE_B, "2014-04-03", "sumatra"),
    ]
    data = tmp_path / "mini.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": i, "title": t, "text": x, "outlet": None, "published": d, "label": g})
            + "\n"
            for i, (t, x), d, g in rows
        ),
        encoding="utf-8",
    )
    predictions = tmp_path / "pred.jsonl"
    result = evaluate(data, Settings(), predictions=predictions)
    assert list(result) == KEYS
    assert result["articles"] == 4 and result["gold_clusters"] == 3
    assert result["bcubed_f1"] == 1.0 and result["clusters"] == 3
    assert result["articles_per_second"] > 0
    baseline = result["baselines"]["agglomerative_tfidf"]
    assert 0.0 < baseline["bcubed_f1"] <= 1.0
    lines = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["q1", "s1", "q2", "q3"]
    stories = [line["story"] for line in lines]
    assert round(bcubed(stories, ["chile", "hanoi", "chile", "sumatra"])[2], 4) == 1.0
    assert "B-cubed F1" in report_text(result)


@pytest.mark.quality
def test_ecbplus_bcubed_f1_floor(eval_data: Path, tmp_path: Path) -> None:
    # The first 500 articles of the ECB+ stream (all 86 events; the whole file needs > 2 min
    # of spaCy on CI). Measured 0.8701 here (0.8827 on the whole file, where the batch
    # baseline at its best threshold for the file scored 0.8695).
    subset = tmp_path / "ecbplus-500.jsonl"
    with open(eval_data / "clustering" / "ecbplus.jsonl", encoding="utf-8") as source:
        subset.write_text("".join(itertools.islice(source, 500)), encoding="utf-8")
    result = evaluate(subset, Settings())
    assert result["gold_clusters"] == 86
    assert result["bcubed_f1"] >= 0.865
    assert result["bcubed_f1"] >= result["baselines"]["agglomerative_tfidf"]["bcubed_f1"]
