"""`storyline eval quotes`: the matching rule, the JSON shape, predictions, the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.eval.quotes import Counts, Span, evaluate, report_text
from storyline.settings import Settings

_KEYS = {"quote_precision", "quote_recall", "quote_f1", "speaker_accuracy", "attribution_f1"}


def _gold(text: str, quote: str, speaker: str, direct: bool) -> dict[str, object]:
    start = text.index(quote)
    s_start = text.index(speaker)
    return {
        "start": start,
        "end": start + len(quote),
        "text": quote,
        "speaker": speaker,
        "speaker_start": s_start,
        "speaker_end": s_start + len(speaker),
        "cue": "said",
        "direct": direct,
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Two hand-written articles in the quotes format of ../shared/eval/README.md."""
    first = (
        "“We will win this election in November,” Maria Smith said on Monday.\n\n"
        "Tom Jones said the plan would fail by the end of next year."
    )
    # An opening mark that never closes: textacy raises on it, which counts as no predictions.
    second = "Bob Lee said: “The market will recover soon and nobody panics"
    rows = [
        {
            "id": "one",
            "text": first,
            "quotes": [
                _gold(first, "We will win this election in November", "Maria Smith", True),
                _gold(first, "the plan would fail by the end of next year", "Tom Jones", False),
            ],
        },
        {
            "id": "two",
            "text": second,
            "quotes": [
                _gold(second, "The market will recover soon and nobody panics", "Bob Lee", True)
            ],
        },
    ]
    path = tmp_path / "quotes.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_overlap_of_half_the_longer_span_is_a_match() -> None:
    gold = [Span(0, 100, True, 200, 210)]
    counts = Counts()
    counts.add([Span(40, 100, True, 205, 215), Span(0, 30, True, None, None)], gold)
    assert (counts.predicted, counts.gold, counts.matched, counts.speaker_ok) == (2, 1, 1, 1)
    short = Counts()
    short.add([Span(0, 49, True, 200, 210)], gold)  # 49 of 100 characters: not a match
    assert short.matched == 0
    assert short.scores()["quote_f1"] == 0.0


def test_wrong_speaker_counts_for_the_span_not_for_attribution() -> None:
    counts = Counts()
    counts.add([Span(0, 100, True, 300, 310)], [Span(0, 100, True, 200, 210)])
    scores = counts.scores()
    assert scores["quote_f1"] == 1.0
    assert scores["speaker_accuracy"] == 0.0 and scores["attribution_f1"] == 0.0


def test_evaluate_json_shape_scores_and_predictions(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "predictions.jsonl"
    result = evaluate(data, Settings(), predictions=out)
    assert set(result) == {"articles", "gold_quotes", "systems", "all_quotes"}
    assert (result["articles"], result["gold_quotes"]) == (2, 2)
    assert set(result["systems"]) == {"storyline", "textacy"}
    assert all(set(s) == _KEYS for s in result["systems"].values())
    assert result["all_quotes"]["gold_quotes"] == 3
    ours = result["systems"]["storyline"]
    assert ours["quote_recall"] == 1.0 and ours["speaker_accuracy"] == 1.0
    assert result["all_quotes"]["systems"]["storyline"]["quote_recall"] == 1.0
    # textacy finds the first quote; it raises on the unclosed one (no predictions there).
    assert result["systems"]["textacy"]["quote_recall"] == 0.5
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["one", "two"]
    first = lines[0]["quotes"]
    assert set(first[0]) == {
        "start",
        "end",
        "direct",
        "speaker",
        "speaker_start",
        "speaker_end",
        "cue",
    }
    assert [(q["direct"], q["speaker"]) for q in first] == [
        (True, "Maria Smith"),
        (False, "Tom Jones"),
    ]
    assert "storyline" in report_text(result) and "textacy" in report_text(result)


def test_bad_record_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "Hello."}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        evaluate(path, Settings(), textacy=False)
