"""Indirect-speech figures recomputed from `storyline eval quotes --predictions` output.

Usage: .venv/bin/python bench/quotes_indirect.py GOLD.jsonl PREDICTIONS.jsonl

Predicted quotes with direct=false (reported speech and partial quotes) against gold quotes
with direct=false, with the harness's matching rule (overlap >= half the longer span).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from storyline.eval.quotes import Counts, Span


def _spans(quotes: list[dict[str, Any]]) -> list[Span]:
    return [
        Span(q["start"], q["end"], q["direct"], q["speaker_start"], q["speaker_end"])
        for q in quotes
        if not q["direct"]
    ]


def main() -> None:
    gold_path, predictions_path = sys.argv[1:3]
    with open(gold_path, encoding="utf-8") as fh:
        gold = {r["id"]: r["quotes"] for r in map(json.loads, fh)}
    counts = Counts()
    with open(predictions_path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            counts.add(_spans(row["quotes"]), _spans(gold[row["id"]]))
    print(json.dumps({"predicted": counts.predicted, "gold": counts.gold, **counts.scores()}))


if __name__ == "__main__":
    main()
