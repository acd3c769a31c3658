"""`storyline eval cluster`: scores, the batch baseline, predictions, and the ECB+ quality gate."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from conftest import eval_data_dir
from storyline.cluster import load_model
from storyline.errors import InputError
from storyline.eval import train_cluster
from storyline.eval.cluster import (
    agglomerative_baseline,
    bcubed,
    evaluate,
    pairwise_f1,
    report_text,
    run_stream,
)
from storyline.eval.train_cluster import load
from storyline.records import Analysis, Article
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


def mini_stream(folder: Path) -> Path:
    """Two quake reports of one event, a summit, and another quake, as a clustering file."""
    rows = [
        ("q1", QUAKE_A1, "2014-04-01", "chile"),
        ("s1", SUMMIT, "2014-04-01", "hanoi"),
        ("q2", QUAKE_A2, "2014-04-02", "chile"),
        ("q3", QUAKE_B, "2014-04-03", "sumatra"),
    ]
    data = folder / "mini.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": i, "title": t, "text": x, "outlet": None, "published": d, "label": g})
            + "\n"
            for i, (t, x), d, g in rows
        ),
        encoding="utf-8",
    )
    return data


def test_evaluate_returns_the_issue_shape_and_writes_recomputable_predictions(
    tmp_path: Path,
) -> None:
    data = mini_stream(tmp_path)
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


Stream = tuple[list[Article], list[Analysis], list[str]]


@pytest.fixture(scope="module")
def ecbplus_500(tmp_path_factory: pytest.TempPathFactory) -> Stream:
    """The first 500 articles of the ECB+ stream (all 86 events), analysed once for both
    gates (the whole file needs > 2 min of spaCy on CI)."""
    data = eval_data_dir()
    if data is None:
        pytest.skip("evaluation data not found: set STORYLINE_EVAL_DATA to the shared/eval folder")
    subset = tmp_path_factory.mktemp("ecbplus") / "ecbplus-500.jsonl"
    with open(data / "clustering" / "ecbplus.jsonl", encoding="utf-8") as source:
        subset.write_text("".join(itertools.islice(source, 500)), encoding="utf-8")
    return load(subset, Settings())


@pytest.mark.quality
def test_ecbplus_bcubed_f1_floor(ecbplus_500: Stream) -> None:
    # Measured 0.8874 here with the TF-IDF-class model (baseline 0.8672; 0.9013 on the
    # whole file, where the batch baseline at its best threshold for the file scored 0.8695).
    articles, analyses, gold = ecbplus_500
    assert len(set(gold)) == 86
    stories, _ = run_stream(articles, analyses, Settings())
    f1 = bcubed(stories, gold)[2]
    assert f1 >= 0.875
    assert f1 >= agglomerative_baseline(articles, gold)["bcubed_f1"]


@pytest.mark.quality
def test_ecbplus_bcubed_f1_floor_with_embeddings(ecbplus_500: Stream) -> None:
    pytest.importorskip("onnxruntime")
    # Measured 0.9026 here with MiniLM embeddings (0.9101 on the whole file).
    articles, analyses, gold = ecbplus_500
    stories, _ = run_stream(articles, analyses, Settings(embeddings="minilm"))
    assert bcubed(stories, gold)[2] >= 0.89


@pytest.mark.quality
def test_newswcl50_bcubed_f1_floor() -> None:
    # The issue's target (0.97): one wrong join between two of its North Korea events
    # scores 0.947. Measured 1.0 (batch baseline at its best threshold 0.967).
    data = eval_data_dir()
    if data is None:
        pytest.skip("evaluation data not found: set STORYLINE_EVAL_DATA to the shared/eval folder")
    articles, analyses, gold = load(data / "clustering" / "newswcl50.jsonl", Settings())
    stories, _ = run_stream(articles, analyses, Settings())
    assert bcubed(stories, gold)[2] >= 0.97


HANOI_2 = (
    "Trump and Kim end Hanoi summit early",
    "Donald Trump and Kim Jong Un cut short their second summit in Hanoi without a deal "
    "on North Korea's nuclear weapons after Kim asked for sanctions relief.",
)
SINGAPORE = (
    "Singapore summit: Trump and Kim sign a vague pledge",
    "Donald Trump and Kim Jong Un met in Singapore and signed a statement on the "
    "denuclearisation of the Korean peninsula, the first summit between the two nations.",
)


def test_train_cluster_folds_report_held_out_scores_per_file_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [  # two topics (quakes, summits), each with two events: groups by topic
        ("q1", QUAKE_A1, "1_chile"),
        ("s1", SUMMIT, "2_hanoi"),
        ("q2", QUAKE_A2, "1_chile"),
        ("s2", SINGAPORE, "2_singapore"),
        ("q3", QUAKE_B, "1_sumatra"),
        ("s3", HANOI_2, "2_hanoi"),
    ]
    data = tmp_path / "topics.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": i, "title": t, "text": x, "published": None, "label": g}) + "\n"
            for i, (t, x), g in rows
        ),
        encoding="utf-8",
    )
    out = tmp_path / "model.json"
    train_cluster.main([str(data), "--folds", "2", "--group-pattern", "^[0-9]+", "--out", str(out)])
    report = json.loads(capsys.readouterr().out)
    assert not out.exists()
    assert report["folds"] == 2 and len(report["fold_thresholds"]) == 2
    assert all(c in (*train_cluster.C_GRID, 1.0) for c in report["fold_c"])
    f1 = report["heldout_bcubed_f1"]["topics.jsonl"]
    assert 0.0 < f1 <= 1.0
    with pytest.raises(InputError):
        train_cluster.main([str(data), "--folds", "1"])


def test_regularisation_is_chosen_by_grouped_log_loss() -> None:
    # features that decide the label: the weakest regularisation fits best; labels that
    # ignore the features: the strongest (the base rate) does; too few groups: C = 1
    x = [[i / 40, (i * 7 % 40) / 40] for i in range(40)]
    decided = [int(row[0] > 0.5) for row in x]
    noise = [int(i * 13 % 5 < 2) for i in range(40)]
    groups = [str(i % 8) for i in range(40)]
    assert train_cluster.choose_c(x, decided, groups) == max(train_cluster.C_GRID)
    assert train_cluster.choose_c(x, noise, groups) == min(train_cluster.C_GRID)
    assert train_cluster.choose_c(x, decided, ["one"] * 40) == 1.0
    with pytest.raises(InputError):
        train_cluster.main(["unread.jsonl", "--c", "0"])


@pytest.mark.parametrize("embeddings", [False, True])
def test_train_cluster_writes_a_model_that_names_its_features(
    tmp_path: Path, embeddings: bool
) -> None:
    if embeddings:
        pytest.importorskip("onnxruntime")
    data = mini_stream(tmp_path)
    out = tmp_path / "model.json"
    train_cluster.main([str(data), "--out", str(out)] + (["--embeddings"] if embeddings else []))
    written = json.loads(out.read_text(encoding="utf-8"))
    assert ("embedding_cosine" in written["features"]) is embeddings
    assert written["C"] in (*train_cluster.C_GRID, 1.0)
    assert written["positives"] >= 1 and written["examples"] > written["positives"]
    model = load_model(out)
    assert model.uses_embeddings is embeddings
    assert model.threshold in train_cluster.THRESHOLDS
    result = evaluate(data, Settings(embeddings="minilm" if embeddings else "off"), model=out)
    # scoring the file with the written model reproduces the calibration's best F1
    assert result["bcubed_f1"] == written["calibration_bcubed_f1"]
