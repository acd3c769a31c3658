"""Tests of `storyline eval extract`: the benchmark's metric, the exact JSON shape, the gate."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.eval import extract as harness
from storyline.eval.extract import evaluate, report_text, shingle_counts, storyline_scores
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parent
PINS = json.loads((ROOT / "quality" / "extract.json").read_text(encoding="utf-8"))
FIXTURE = ROOT / "fixtures" / "harborledger.port-reopens.html"
SYSTEM_KEYS = {
    "precision",
    "recall",
    "f1",
    "title_accuracy",
    "byline_accuracy",
    "date_accuracy",
    "pages_per_second",
}


def test_shingle_counts_follow_the_benchmark() -> None:
    # 6 gold tokens -> 3 shingles; the prediction shares the first 2 and adds 1 of its own.
    tp, fp, fn = shingle_counts("a b c d e f", "a b c d e x")
    assert (tp, fp, fn) == pytest.approx((2 / 4, 1 / 4, 1 / 4))
    assert shingle_counts("Same words here now", "same words here now") == (0.0, 0.5, 0.5)
    assert shingle_counts("", "") == (0.0, 0.0, 0.0)


def test_scores_average_pages_and_skip_empty_predictions() -> None:
    perfect = shingle_counts("one two three four five", "one two three four five")
    empty = shingle_counts("one two three four five", "")
    precision, recall, f1 = harness._body_scores([perfect, empty])
    assert precision == 1.0  # the empty prediction has no precision to average
    assert recall == 0.5
    assert f1 == pytest.approx(2 * 0.5 / 1.5)


def test_segment_scores_pool_counts() -> None:
    page = harness._Page(
        "p", None, b"", None, ("kept line", "lost line"), ("menu",), None, None, None
    )
    assert harness._segment_scores([page], ["kept line\nmenu"]) == pytest.approx((0.5, 0.5, 0.5))


def _write_eval(tmp_path: Path) -> Path:
    """Two pages in the extraction format: the fixture page (gzip) and a plain copy."""
    page = FIXTURE.read_bytes()
    (tmp_path / "p1.html.gz").write_bytes(gzip.compress(page))
    (tmp_path / "p2.html").write_bytes(page)
    body = (
        "The port of Halden reopened on Friday after dock workers ended a week-long strike over "
        "pay, the port authority said, clearing the way for more than 40 container ships "
        "waiting offshore."
    )
    common = {"body": body, "must_include": None, "must_exclude": None}
    records = [
        {"id": "p1", "url": None, "html_file": "p1.html.gz", **common,
         "title": "Port of Halden reopens after week-long strike", "byline": "By Mira Solberg",
         "published": "2023-05-12T08:30:00Z"},
        {"id": "p2", "url": None, "html_file": "p2.html", **common,
         "title": None, "byline": None, "published": None},
    ]  # fmt: skip
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_evaluate_returns_exactly_the_issue_shape(tmp_path: Path) -> None:
    data = _write_eval(tmp_path)
    predictions = tmp_path / "pred.jsonl"
    result = evaluate(data, Settings(), predictions=predictions)
    assert set(result) == {"pages", "systems"}
    assert result["pages"] == 2
    assert set(result["systems"]) == {"storyline", "trafilatura"}
    for scores in result["systems"].values():
        assert set(scores) == SYSTEM_KEYS
    ours = result["systems"]["storyline"]
    assert ours["title_accuracy"] == ours["byline_accuracy"] == ours["date_accuracy"] == 1.0
    assert ours["recall"] == 1.0
    lines = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2"]
    assert set(lines[0]) == {"id", "text", "title", "byline", "published"}
    assert lines[0]["byline"] == "Mira Solberg"
    text = report_text(result)
    assert "storyline" in text and "trafilatura" in text and "x trafilatura" in text


def test_evaluate_without_gold_metadata_reports_null(tmp_path: Path) -> None:
    data = _write_eval(tmp_path)
    lines = data.read_text(encoding="utf-8").splitlines()[1:]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scores = evaluate(data, Settings())["systems"]["trafilatura"]
    assert scores["title_accuracy"] is None and scores["date_accuracy"] is None


def test_missing_page_file_names_the_line(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"id": "x", "html_file": "nope.html", "body": "a"}) + "\n")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        evaluate(data, Settings())


@pytest.mark.quality
def test_aeb_quality_gate(eval_data: Path) -> None:
    pin = PINS["aeb"]
    path = eval_data / pin["file"]
    # The floor means something only on the file it was measured on.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == pin["sha256"]
    pages = hashlib.sha256()
    for line in path.read_text(encoding="utf-8").splitlines():
        pages.update((path.parent / json.loads(line)["html_file"]).read_bytes())
    assert pages.hexdigest() == pin["pages_sha256"]
    scores = storyline_scores(path, Settings())
    assert scores["f1"] >= pin["f1_floor"], scores
    assert scores["recall"] >= pin["recall_floor"], scores
